#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# After a path fails under a bulk BBR transfer, the path left is policed at the rate it
# delivered (doc/PROTOCOL.md, Scheduling): the sender drops new data there (drops.policed),
# the receiver, whose path carries only acknowledgements, polices nothing, and the
# transfer survives. A 30 Mbit/s flow, which fits on the path left, is never policed.
# Links: 50 Mbit/s 5 ms + 50 Mbit/s 25 ms, path 2 cut 4 s into a 10 s transfer for 4 s.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

policed() { na_status "$1" | jq '.drops.policed'; }

# cut_during SIDE_ARGS... : an iperf3 transfer A -> B of 10 s with path 2 cut from 4 s to 8 s;
# prints iperf3's exit status and received Mbit/s.
cut_during() {
	local out rc
	bg_start B iperf3 -s -1 -p 5502 >/dev/null
	wait_listen B 5502 || die "iperf3 server"
	(
		sleep 4
		wan_cut 2
		sleep 4
		wan_restore 2
	) &
	out=$(nsA iperf3 -c "$TUN_V4_B" -p 5502 -t 10 -J "$@")
	rc=$?
	wait
	echo "$rc $(jq '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out" 2>/dev/null)"
}

# fresh_bond : a new bond each run, so that path 2's next failure is not a flap with a longer hold.
fresh_bond() {
	na_down A >/dev/null 2>&1
	na_down B >/dev/null 2>&1
	na_bond v4 1 1 || die "bond"
	wait_ping A "$TUN_V4_B" || die "no ping over the tunnel"
}

topo_create 2 v4
wan_shape 1 both 50mbit 5ms
wan_shape 2 both 50mbit 25ms

# Whether BBR keeps a standing queue before the cut and overloads the path left after it
# varies from run to run (it did on the first try in 5 of 5 runs here): up to three tries.
survived=1 b_policed=0 a=0
for try in 1 2 3; do
	fresh_bond
	read -r rc mbit <<<"$(cut_during -C bbr)"
	a=$(policed A)
	b=$(policed B)
	log "try $try, bulk BBR across the cut: iperf3 exit $rc, $mbit Mbit/s; policed: A $a, B $b"
	[ "$rc" = 0 ] || survived=0
	[ "$b" = 0 ] || b_policed=$b
	[ "${a:-0}" -gt 0 ] && break
done
check "the BBR transfers survived the cut" [ "$survived" = 1 ]
check "A policed path 1 after the cut (drops.policed $a)" [ "${a:-0}" -gt 0 ]
check "B, sending only acknowledgements, policed nothing" [ "$b_policed" = 0 ]

fresh_bond
read -r rc mbit <<<"$(cut_during -C bbr -b 30M)"
a=$(policed A)
log "30 Mbit/s BBR across the cut: iperf3 exit $rc, $mbit Mbit/s; policed: A $a"
check "the 30 Mbit/s transfer survived the cut" [ "$rc" = 0 ]
check "a flow that fits on the path left is not policed (drops.policed $a)" [ "$a" = 0 ]
finish
