#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Small UDP datagrams (fast_udp, 300 bytes by default: voice, games, DNS) go on the path
# of lowest RTT and are delivered on arrival, so they meet the fast path's delay, not
# the slow path's that the bond equalises every other packet to: on 10 + 40 ms paths
# a round trip of about 20 ms, not 80. Full-size datagrams, pings, and the small ones of
# a flow that also sends full-size ones keep the bond's delay. fast_udp = 0 (a reload)
# puts them back in the schedule, and with the fast path cut they take the slow one.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq
UDPRTT=${UDPRTT:-$(dirname "$NETAGG")/tests/tools/udprtt}
[ -x "$UDPRTT" ] || die "no udprtt at $UDPRTT (make builds it)"

topo_create 2 v4
wan_shape 1 both 20mbit 10ms
wan_shape 2 both 20mbit 40ms
write_configs v4 1 1
na_run_fg B "$NA_TMP/b.log"
na_run_fg A "$NA_TMP/a.log"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
sleep 3 # both paths' RTT measured, the delay equalised
bg_start B "$UDPRTT" echo "$TUN_V4_B" 7100 120
bg_start B "$UDPRTT" echo "$TUN_V6_B" 7101 120
sleep 0.5

# rtts ADDR PORT SIZES : 50 datagrams of SIZES bytes of payload in turn, from one socket:
# udprtt's lines. median_of SIZE : the median round trip (ms) of that size in them.
rtts() {
	local out
	out=$(nsA "$UDPRTT" ping "$1" "$2" 50 "$3" 20) || die "udprtt: $out"
	sed "s|^|  to $1: |" <<<"$out" >&2
	printf '%s\n' "$out"
}
median_of() { awk -v s="$1" '$2 == s { for (i = 3; i < NF; i++) if ($i == "median_ms") print $(i + 1) }'; }
median() { rtts "$@" | median_of "$3"; }
under() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x < y) }'; }

# Each run of udprtt is a flow of its own (a new source port); the ones with full-size
# datagrams come last, so that no flow of small ones shares a flow bucket with one of
# them within 2 s (1 in 1024 would), which keeps its small ones in the schedule.
fast0=$(na_status A | jq '.paths[0].fast_acks_sent')
small=$(median "$TUN_V4_B" 7100 172)  # 200 bytes with the IPv4 and UDP headers
fast=$(($(na_status A | jq '.paths[0].fast_acks_sent') - fast0))
small6=$(median "$TUN_V6_B" 7101 152) # 200 bytes with the IPv6 and UDP headers
ping_ms=$(nsA ping -c 20 -i 0.05 -q "$TUN_V4_B" | awk -F/ '/^rtt/ { print $5 }')
check "200-byte datagrams meet the fast path's delay both ways ($small ms, under 35)" under "$small" 35
check "A counts them as express frames on path 1 ($fast of 50)" [ "$fast" -ge 50 ]
check "and over IPv6 ($small6 ms, under 35)" under "$small6" 35
check "pings keep the bond's equalised delay ($ping_ms ms, over 65)" under 65 "$ping_ms"

# A reload with fast_udp = 0 on both ends: back in the schedule.
chmod 711 "$NA_TMP" # the configs are read again by the daemons, which run as nobody by then
for side in A B; do
	echo "fast_udp = 0;" >>"$(na_conf "$side")"
	chmod 644 "$(na_conf "$side")"
	kill -HUP "${NA_PID[$side]}"
done
sleep 1
off=$(median "$TUN_V4_B" 7100 172)
check "with fast_udp = 0, 200-byte datagrams keep the bond's delay ($off ms, over 65)" under 65 "$off"
for side in A B; do
	sed -i '/^fast_udp = 0;$/d' "$(na_conf "$side")"
	kill -HUP "${NA_PID[$side]}"
done
sleep 1
again=$(median "$TUN_V4_B" 7100 172)
check "back to the default, they go fast again ($again ms, under 35)" under "$again" 35

large=$(median "$TUN_V4_B" 7100 1372) # 1400 bytes
check "1400-byte datagrams keep the bond's equalised delay ($large ms, over 65)" under 65 "$large"
# One flow of 200- and 1400-byte datagrams in turn (a VPN, say): its small ones stay in
# the schedule, in order with its large ones.
mixed=$(rtts "$TUN_V4_B" 7100 172,1372)
msmall=$(median_of 172 <<<"$mixed") mlarge=$(median_of 1372 <<<"$mixed")
check "a flow that also sends 1400-byte datagrams keeps its 200-byte ones at the bond's delay ($msmall ms; \
its 1400-byte ones $mlarge; over 65)" under 65 "$msmall"
log "round trips (median, ms): 200-byte datagrams $small (IPv6 $small6), 1400-byte $large, ping (mean) $ping_ms;" \
	"200-byte ones with fast_udp = 0 $off; in a flow with 1400-byte ones $msmall"

# The fast path cut: they take the other one.
wan_cut 1
sleep 1
out=$(nsA "$UDPRTT" ping "$TUN_V4_B" 7100 50 172 20) || die "udprtt: $out"
log "  path 1 cut: $out"
got=$(awk '{ print $6 }' <<<"$out")
# (Those sent between the cut and the path found down, under 300 ms, are lost: not kept for repair.)
check "with path 1 cut, small datagrams go by path 2: $got of 50 answered" [ "$got" -ge 49 ]
finish
