#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bare TCP ACKs go on the path of lowest RTT and are delivered on arrival (fast_acks).
#
# Path 1 is 5 ms each way, path 2 25 ms; weights 1:1. The receiver makes path 1 as slow
# as path 2 for the data, so that a flow's packets arrive in order: a TCP transfer from
# A to B then sees 25 ms on the way there. Its ACKs, from B, need no order: with
# fast_acks they take path 1 and are not held, and the inner TCP's lowest RTT is
# 25 + 5 = 30 ms, not 25 + 25 = 50 (path 2, which the data comes on too, gets an empty
# express frame every 10 ms instead, so that B watches it as closely as before: see
# outage.sh). Checked: the counters at both ends (every ACK on path 1, every one sent
# received), the inner
# flow's lowest RTT for IPv4 and IPv6, that
# the ACKs move to path 2 when path 1's delay grows past it, and that `fast_acks =
# false`, by a reload, puts them back in the schedule (and the RTT back at 50 ms).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

topo_create 2 v4
wan_shape 1 both 20mbit 5ms
wan_shape 2 both 20mbit 25ms
write_configs v4 1 1
for side in A B; do chmod 644 "$(na_conf "$side")"; done # read again on SIGHUP by the daemon, nobody by then
chmod 711 "$NA_TMP"
{ na_up B && na_up A; } >/dev/null || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
sleep 1

port=5600
# transfer DEST : 3 s of BBR from A to DEST in the tunnel; prints the inner flow's lowest
# RTT (the kernel's min_rtt, read while the flow runs) in ms.
transfer() {
	local client min
	port=$((port + 1))
	bg_start B iperf3 -s -1 -p "$port" >/dev/null
	wait_listen B "$port" || die "iperf3 server"
	bg_start A iperf3 -c "$1" -p "$port" -t 3 -C bbr >/dev/null
	client=$BG_PID
	sleep 2
	min=$(flow_min_rtt A "$port")
	wait "$client" 2>/dev/null
	sleep 1 # the last ACKs of the connection's close, before the counters are read
	echo "$min"
}
acks() { na_status "$1" | jq -c "[.paths[].fast_acks_$2]"; }

rtt=$(transfer "$TUN_V4_B")
sent=$(acks B sent)
got=$(acks A received)
log "IPv4: inner min RTT $rtt ms; B sent fast ACKs per path $sent, A received $got"
check "the inner flow's RTT is path 2's one way plus path 1's (30 ms, under 40)" \
	awk -v x="$rtt" 'BEGIN { exit !(x > 25 && x < 40) }'
check "B sent its ACKs on path 1, the path of lowest RTT, and none on path 2" \
	test "$(jq '.[0] > 500 and .[1] == 0' <<<"$sent")" = true
check "A received every one of them, on the path it was sent on" test "$got" = "$sent"

rtt6=$(transfer "$TUN_V6_B")
sent6=$(acks B sent)
log "IPv6: inner min RTT $rtt6 ms; B sent fast ACKs per path $sent6"
check "IPv6: the inner flow's RTT is under 40 ms" awk -v x="$rtt6" 'BEGIN { exit !(x > 25 && x < 40) }'
check "IPv6: its ACKs took path 1 as well" \
	test "$(jq --argjson a "$sent" '.[0] - $a[0] > 500 and .[1] == $a[1]' <<<"$sent6")" = true

# Path 1 now 40 ms each way: path 2 is the faster one back.
wan_shape 1 both 20mbit 40ms
sleep 3
rtt=$(transfer "$TUN_V4_B")
moved=$(acks B sent)
log "path 1 at 40 ms: inner min RTT $rtt ms; B sent fast ACKs per path $moved"
check "the ACKs moved to path 2 once it had the lower RTT" \
	test "$(jq --argjson a "$sent6" '(.[1] - $a[1]) > 5 * (.[0] - $a[0]) and .[1] - $a[1] > 500' <<<"$moved")" = true
check "the inner RTT is path 1's 40 ms there plus path 2's 25 ms back (under 75)" \
	awk -v x="$rtt" 'BEGIN { exit !(x > 60 && x < 75) }'
wan_shape 1 both 20mbit 5ms

sed -i 's/^interface = .*/&\nfast_acks = false;/' "$(na_conf B)"
kill -HUP "${NA_PID[B]}"
sleep 3
rtt=$(transfer "$TUN_V4_B")
after=$(acks B sent)
log "fast_acks = false at B: inner min RTT $rtt ms; B sent fast ACKs per path $after"
check "with fast_acks = false (a reload) B sends no ACK ahead" test "$after" = "$moved"
check "and the inner RTT is twice path 2's delay again (50 ms, over 45)" \
	awk -v x="$rtt" 'BEGIN { exit !(x >= 45) }'
finish
