#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A download over a path whose uplink is thin (a DSL line: 30 Mbit/s down, 1 Mbit/s up)
# and a symmetric one (30 Mbit/s, 25 ms), with weights = "auto" at both ends and
# fast_acks on.
#
# The download's acknowledgements queue on path 1's uplink. That queue is in the RTT
# that B, the sender, measures path 1 by, but not on B's way: B's frames reach A without
# it. Taken for B's own, it made path 1 look full to B; its share shrank with the rate
# it then carried, down to 2:9997 (50 + 50 Mbit/s: 23-43 Mbit/s of goodput, against
# 74-79 with fast_acks off). B now takes the queue that A's frames show in their
# one-way delays off the RTT, and keeps path 1. At A, whose own frames wait in that
# queue, path 1 is no place for the ACKs: they went there all the same, by its lowest
# RTT, and the download went at the pace the uplink carried them (23 Mbit/s, against 52
# with the ACKs in the schedule); A now sends them ahead only on a path whose way out
# does not queue or lose. Checked after an 8 s BBR download: B's weights, where A's ACKs
# went, and that the download came on both paths.
#
# A's weights are logged, not checked. With its ACKs ahead on path 2, A's scheduled
# frames seldom fill path 1 (in 18 traced runs they did in 3), so A's share for it is
# set by how far each estimate may grow past what its path delivered: 9-13 % in those
# runs, and 33 % in one CI run with the same download and ACK counts (not seen in 64
# runs here; a reset of path 2's estimate to what it carried, late in the run, would
# give it). Nor would A's own frames show a bad split: with fast_acks off and A's
# weights 9:1, none were lost on path 1 (TCP's ACK clock slowed the download to
# 23 Mbit/s instead), which the ACK check below does catch.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

topo_create 2 v4
wan_shape 1 ab 1mbit 5ms
wan_shape 1 ba 30mbit 5ms
wan_shape 2 both 30mbit 25ms
write_configs v4 1 1
for side in A B; do sed -i 's/^interface = .*/&\nweights = "auto";/' "$(na_conf "$side")"; done
{ na_up B && na_up A; } >/dev/null || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
sleep 1

port=5700
bg_start B iperf3 -s -1 -p "$port" >/dev/null
wait_listen B "$port" || die "iperf3 server"
nsA iperf3 -c "$TUN_V4_B" -p "$port" -t 8 -C bbr -R -J >"$NA_TMP/iperf.json" || die "iperf3"
goodput=$(jq '.end.sum_received.bits_per_second / 1e6 | floor' "$NA_TMP/iperf.json")
share() { na_status "$1" | jq '.paths[0].weight / ([.paths[].weight] | add)'; }
shareA=$(share A)
shareB=$(share B)
rxA=$(na_status A | jq -c '[.paths[].rx_bytes]')
acksA=$(na_status A | jq -c '[.paths[].fast_acks_sent]')
log "download $goodput Mbit/s; path 1's share of the weights: B (sender) $shareB, A $shareA;" \
	"A received per path $rxA, sent fast ACKs per path $acksA"
check "B, the sender, keeps path 1 in its schedule (share over 35 %)" \
	awk -v x="$shareB" 'BEGIN { exit !(x > 0.35) }'
check "A sent most of its ACKs ahead on path 2, not into path 1's thin uplink" \
	test "$(jq '.[1] > 2 * .[0]' <<<"$acksA")" = true
check "the download came on both paths (each a quarter of it or more)" \
	test "$(jq '(.[0] + .[1]) as $t | .[0] >= $t / 4 and .[1] >= $t / 4' <<<"$rxA")" = true
finish
