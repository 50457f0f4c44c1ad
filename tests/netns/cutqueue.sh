#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path cut while its queue is full leaves its base delay behind, not its queue.
#
# Path 1 is 50 Mbit/s 5 ms, path 2 10 Mbit/s 25 ms, weights 1:1: a CUBIC upload from A
# fills path 2's queue (100 ms at its rate) and path 1 keeps room. B delays path 1's
# frames to path 2's one-way delay, queue included, so that they arrive in order. Path
# 2 is cut in the upload. For 30 s after that B keeps path 1 delayed to path 2 (the
# sender learnt the bond's RTT and should not see it change twice), but to its base
# delay, 20 ms more than path 1's, not to what its queue made it when it was cut.
# Checked: that path 2 had a queue at the cut, B's delay on path 1 after it (still
# there, and no more than the bases' difference), and the RTT through the tunnel then.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

topo_create 2 v4
wan_shape 1 both 50mbit 5ms
wan_shape 2 both 10mbit 25ms
na_bond v4 1 1 || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
sleep 1

equalize() { na_status B | jq '.paths[0].equalize_ms'; }
rtt_ms() { nsA ping -n -c 20 -i 0.05 "$TUN_V4_B" | awk -F'time=' '/time=/ { split($2, a, " "); print a[1] }' |
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }

idle=$(equalize)
idle_rtt=$(rtt_ms)
log "idle: B delays path 1 by $idle ms; RTT through the tunnel $idle_rtt ms"
check "idle, B delays path 1 by the bases' difference, 20 ms ($idle)" \
	awk -v e="$idle" 'BEGIN { exit !(e > 17 && e < 23) }'

port=5700
bg_start B iperf3 -s -1 -p "$port" >/dev/null
wait_listen B "$port" || die "iperf3 server"
bg_start A iperf3 -c "$TUN_V4_B" -p "$port" -t 4 -C cubic >/dev/null
client=$BG_PID
sleep 3
loaded=$(equalize)
queue=$(na_status A | jq '.paths[1].rtt_ms - .paths[1].min_rtt_ms')
wan_cut 2
wait "$client" 2>/dev/null
sleep 2 # path 1's own queue drains; the smoothed delays settle
state=$(na_status B | jq -r '.paths[1].state')
cut=$(equalize)
cut_rtt=$(rtt_ms)
log "loaded: path 2's RTT $queue ms over its base, B delays path 1 by $loaded ms"
log "path 2 cut ($state at B): B delays path 1 by $cut ms; RTT through the tunnel $cut_rtt ms"
check "the upload queued on path 2 before the cut (RTT 30 ms over its base: $queue)" \
	awk -v q="$queue" 'BEGIN { exit !(q > 30) }'
check "and B delayed path 1 by that queue too ($loaded ms, over 40)" awk -v e="$loaded" 'BEGIN { exit !(e > 40) }'
check "after the cut path 2 is down at B" [ "$state" = down ]
check "B still delays path 1 to path 2's delay, its base: $cut ms, within 3 ms of the idle $idle" \
	awk -v e="$cut" -v i="$idle" 'BEGIN { exit !(e > i - 3 && e < i + 3) }'
check "the RTT through the tunnel is the idle one ($cut_rtt ms, idle $idle_rtt)" \
	awk -v r="$cut_rtt" -v i="$idle_rtt" 'BEGIN { exit !(r < i + 5) }'

# Path 2 back, as fast as path 1: a BBR upload, and path 2 cut in it. The inner flow's
# RTT is path 2's delay there (the receiver's equalising) and path 1's back (its ACKs go
# ahead): 30 ms. After the cut path 1's frames must still take 25 ms, each of them: one
# that came through quicker while path 1's smoothed delay lagged its queue gave BBR an
# RTT of 11 ms, the window it keeps shrank to it, and after the restore the bond ran
# at half its rate for up to 10 s.
wan_shape 2 both 50mbit 25ms
wan_restore 2
for _ in $(seq 50); do
	[ "$(na_status A | jq -r '.paths[1].state')$(na_status B | jq -r '.paths[1].state')" = upup ] && break
	sleep 0.1
done
port=$((port + 1))
bg_start B iperf3 -s -1 -p "$port" >/dev/null
wait_listen B "$port" || die "iperf3 server"
bg_start A iperf3 -c "$TUN_V4_B" -p "$port" -t 5 -C bbr >/dev/null
client=$BG_PID
sleep 2
before=$(flow_min_rtt A "$port")
wan_cut 2
sleep 2.5
after=$(flow_min_rtt A "$port")
wait "$client" 2>/dev/null
log "BBR upload: the inner flow's min RTT $before ms before path 2 was cut, $after ms 2.5 s after"
check "after the cut the inner flow never saw an RTT under the bond's (min RTT $after ms, over 25)" \
	awk -v r="$after" 'BEGIN { exit !(r > 25) }'
finish
