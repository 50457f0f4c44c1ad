#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path's base RTT (min_rtt) follows a route that got longer, once the path is quiet,
# and a queue that a transfer keeps standing does not pass for one.
#
# Path 2 is 4 Mbit/s with a 200 ms queue; a CUBIC transfer at weights 1:1 keeps that
# queue from draining for 14 s, more than an epoch of the base RTT's estimate: both ends
# must keep path 2's min_rtt at the idle 40 ms. Then path 2's delay goes from 20 to 60 ms
# each way while the tunnel is idle: within 25 s (two epochs and the time to notice)
# both ends must report a min_rtt of 110 ms or more. Before this was built, min_rtt
# never rose, and a path whose route got longer looked queueing for good.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

path2_ms() { na_status "$1" | jq ".paths[1].$2"; }

topo_create 2 v4
wan_shape 1 both 0 5ms
wan_shape 2 both 4000kbit 20ms 0% 100000
na_bond v4 1 1 || die "bond"
wait_ping A "$TUN_V4_B" || die "no ping over the tunnel"
sleep 2
a0=$(path2_ms A min_rtt_ms)
b0=$(path2_ms B min_rtt_ms)
log "idle: path 2 min_rtt A $a0 ms, B $b0 ms"
check "idle: path 2's min_rtt near its 40 ms at A" within "$a0" 42 4
check "idle: path 2's min_rtt near its 40 ms at B" within "$b0" 42 4

bg_start B iperf3 -s -1 -p 5501 >/dev/null
wait_listen B 5501 || die "iperf3 server"
bg_start A iperf3 -c "$TUN_V4_B" -p 5501 -t 14 -C cubic >/dev/null
client=$BG_PID
srtt_max=0
for _ in $(seq 13); do
	sleep 1
	s=$(path2_ms A rtt_ms)
	srtt_max=$(awk -v a="$s" -v b="$srtt_max" 'BEGIN { print (a > b ? a : b) }')
done
a1=$(path2_ms A min_rtt_ms)
b1=$(path2_ms B min_rtt_ms)
wait "$client" 2>/dev/null
log "14 s of CUBIC: path 2 smoothed RTT up to $srtt_max ms at A; min_rtt A $a1 ms, B $b1 ms"
check "the transfer kept a queue on path 2 (smoothed RTT over 100 ms)" awk -v x="$srtt_max" 'BEGIN { exit !(x > 100) }'
check "a standing queue did not raise min_rtt at A" awk -v x="$a1" 'BEGIN { exit !(x < 50) }'
check "a standing queue did not raise min_rtt at B" awk -v x="$b1" 'BEGIN { exit !(x < 50) }'

# The route gets longer: 60 ms each way. The tunnel is idle but for keepalives.
wan_shape 2 both 4000kbit 60ms 0% 100000
t0=$EPOCHREALTIME
a2=0 b2=0
for _ in $(seq 50); do
	sleep 0.5
	a2=$(path2_ms A min_rtt_ms)
	b2=$(path2_ms B min_rtt_ms)
	awk -v a="$a2" -v b="$b2" 'BEGIN { exit !(a >= 110 && b >= 110) }' && break
done
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
log "route of path 2 now 120 ms: after $took s, min_rtt A $a2 ms, B $b2 ms"
check "min_rtt followed the longer route at A within 25 s" awk -v x="$a2" 'BEGIN { exit !(x >= 110) }'
check "min_rtt followed the longer route at B within 25 s" awk -v x="$b2" 'BEGIN { exit !(x >= 110) }'
check "the tunnel still answers" wait_ping A "$TUN_V4_B"
finish
