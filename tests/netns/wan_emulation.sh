#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test bed's link emulation does what it is asked, within 10 %: rate, one-way delay,
# jitter and random loss on a path through the wire namespace (netem or linkem).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_cmd iperf3 jq ping

topo_create 1 v4
B1=$(path_addr B 1)

# Delay: 20 ms each way at 10 Mbit/s; small pings, so the RTT is the two delays.
wan_shape 1 both 10mbit 20ms
rtt=$(nsA ping -n -q -c 20 -i 0.05 "$B1" | awk -F/ '/^rtt/ { print $5 }')
log "delay: 2 x 20 ms asked, RTT $rtt ms"
check "RTT within 10 % of 40 ms" within "$rtt" 40 4

# Rate: UDP offered at 15 Mbit/s into a 10 Mbit/s link; what arrives is the link's rate.
bg_start B iperf3 -s -1 -p 5301 >/dev/null
wait_listen B 5301 || die "iperf3 server"
out=$(nsA iperf3 -u -c "$B1" -p 5301 -b 15M -l 1400 -t 4 -J)
# Delivered IP bits per second: datagrams received x (1400 + 28 bytes of UDP/IP headers).
rate=$(jq '.end.sum | (.packets - .lost_packets) * 1428 * 8 / .seconds / 1e6' <<<"$out")
log "rate: 10 Mbit/s asked, $rate Mbit/s of IP delivered"
check "rate within 10 % of 10 Mbit/s" within "$rate" 10 1

# Loss: 5 % on an unlimited link, measured over ~20 000 datagrams.
wan_shape 1 ab 0 1ms 5%
bg_start B iperf3 -s -1 -p 5302 >/dev/null
wait_listen B 5302 || die "iperf3 server"
out=$(nsA iperf3 -u -c "$B1" -p 5302 -b 8M -l 200 -t 4 -J)
loss=$(jq '.end.sum | 100 * .lost_packets / .packets' <<<"$out")
log "loss: 5 % asked, $loss % measured over $(jq '.end.sum.packets' <<<"$out") datagrams"
check "loss within 10 % of 5 %" within "$loss" 5 0.5

# Jitter: 20 ms +- 10 ms A->B, 5 ms back; pings 20 ms apart: the RTTs spread over
# 15-35 ms, and UDP datagrams 2 ms apart overtake each other.
wan_shape 1 ab 0 20ms 0% "" 10ms
wan_shape 1 ba 0 5ms
pings=$(nsA ping -n -c 100 -i 0.02 "$B1" | awk -F'time=' '/time=/ { split($2, t, " "); print t[1] }')
lo=$(sort -n <<<"$pings" | head -1)
hi=$(sort -n <<<"$pings" | tail -1)
mean=$(awk '{ s += $1 } END { printf "%.2f", s / NR }' <<<"$pings")
# Above 37 ms a ping waited for the emulator's process or its own, not for the jitter:
# one in 100 took 39.9 ms once in a full suite run on this 2-core machine.
over=$(awk '$1 > 37' <<<"$pings" | wc -l)
log "jitter: 20 +- 10 ms asked one way, RTT $lo..$hi ms, mean $mean over $(wc -l <<<"$pings") pings, $over over 37 ms"
check "RTTs span most of 15-35 ms (lowest 14-18, highest > 32, at most 2 over 37)" \
	awk -v a="$lo" -v b="$hi" -v o="$over" 'BEGIN { exit !(a >= 14 && a < 18 && b > 32 && o <= 2) }'
check "mean RTT within 10 % of 25 ms" within "$mean" 25 2.5
bg_start B iperf3 -s -1 -J -p 5303 >/dev/null
wait_listen B 5303 || die "iperf3 server"
out=$(nsA iperf3 -u -c "$B1" -p 5303 -b 4M -l 1000 -t 2 -J --get-server-output)
ooo=$(jq '.server_output_json.end.streams[0].udp.out_of_order' <<<"$out")
log "jitter: $ooo of $(jq '.end.sum.packets' <<<"$out") datagrams out of order"
check "jittered datagrams overtake each other (> 10 % out of order)" \
	test "$(jq '.server_output_json.end.streams[0].udp | .out_of_order * 10 > .packets' <<<"$out")" = true
if wan_shape 1 ab 0 20ms 0% "" 10ms in-order; then
	bg_start B iperf3 -s -1 -J -p 5304 >/dev/null
	wait_listen B 5304 || die "iperf3 server"
	out=$(nsA iperf3 -u -c "$B1" -p 5304 -b 4M -l 1000 -t 2 -J --get-server-output)
	check "in-order jitter keeps datagrams in order" \
		test "$(jq '.server_output_json.end.streams[0].udp.out_of_order' <<<"$out")" = 0
else
	log "in-order jitter: not with $WAN_METHOD"
fi
wan_clear 1

# Cut and restore: nothing passes while cut, everything after.
wan_clear 1
wan_cut 1
check "a cut path passes nothing" bash -c "! ip netns exec $NS_A ping -n -q -c 3 -i 0.2 -W 1 $B1 >/dev/null"
wan_restore 1
check "a restored path passes traffic" wait_ping A "$B1" 5
finish
