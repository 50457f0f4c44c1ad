#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# While an end hears its peer on a path, its sends confirm the path's next hop to the
# kernel (MSG_CONFIRM), so the neighbour entry stays REACHABLE instead of going through
# DELAY and PROBE each reachable time. A cut that finds the entry there fails it, and
# the restored path then waits for the kernel's next ARP request (up to 1 s).
#
# Both ends get a reachable time of 0.5-1.5 s on path 2 (base_reachable_time_ms=1000) so
# that the test need not wait the default 15-45 s. B learns A's address from A's ARP
# request, as STALE, and sends to it without TCP's confirmations: without MSG_CONFIRM
# its entry left REACHABLE within 1.5 s of reaching it, every time (IPv6's neighbour
# discovery: in DELAY in 9 of 15 samples).
#
#   nexthop.sh [v4|v6] : the underlay's family (nexthop_v6.sh runs it with v6).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg

fam=${1:-v4}
ipv=ipv4 tun=$TUN_V4_B
[ "$fam" = v6 ] && { ipv=ipv6; tun=$TUN_V6_B; }
topo_create 2 "$fam"
for side in A B; do
	ns "$side" sysctl -qw "net.$ipv.neigh.path2.base_reachable_time_ms=1000" "net.$ipv.neigh.path2.delay_first_probe_time=1" ||
		die "neighbour sysctls"
done
na_bond "$fam" 1 1 || die "bond"
wait_ping A "$tun" 5 >/dev/null || die "no ping through the tunnel"

# neigh SIDE : the state of SIDE's neighbour entry for the other end's path 2 address.
neigh() {
	local other=B
	[ "$1" = B ] && other=A
	ns "$1" ip neigh show "$(path_addr "$other" 2 "$fam")" dev path2 | awk '{ print $NF }'
}

for side in A B; do
	for _ in $(seq 50); do
		[ "$(neigh "$side")" = REACHABLE ] && break
		sleep 0.2
	done
	check "$side's entry for its peer's path 2 address becomes REACHABLE ($(neigh "$side"))" \
		[ "$(neigh "$side")" = REACHABLE ]
done
# 3 s of keepalives, twice the longest reachable time: every sample REACHABLE.
states="" other=0
for _ in $(seq 15); do
	s="$(neigh A)/$(neigh B)"
	states+="$s "
	[ "$s" = REACHABLE/REACHABLE ] || other=$((other + 1))
	sleep 0.2
done
log "$fam: A/B entries every 0.2 s: $states"
check "while the peer is heard, both entries stay REACHABLE ($other of 15 samples not)" [ "$other" -eq 0 ]
finish
