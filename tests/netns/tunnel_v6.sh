#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two paths over an IPv6 underlay (2001:2:0:i::/64), weights 7500:2500: both
# inner families pass and 10 MB files arrive intact over inner IPv4 and IPv6.
#
# Exit 0 pass, 1 fail, 77 skip. Run as root: tests/netns/tunnel_v6.sh
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_cmd socat sha256sum jq ss
need_netagg

topo_create 2 v6
na_bond v6 7500 2500 || die "netagg up failed"
log "bonded over IPv6: $IF_A (A, pid ${NA_PID[A]}) <-> $IF_B (B, pid ${NA_PID[B]})"

for dst in "$TUN_V4_B" "$TUN_V6_B"; do
	if wait_ping A "$dst" 5; then
		pass "A pings $dst through the tunnel (reply on try $PING_TRIES)"
	else
		fail "A pings $dst through the tunnel (no reply in 5 s)"
	fi
done

payload=$NA_TMP/payload
head -c 10M /dev/urandom >"$payload"
tx0=("$(link_stat A path1 tx_bytes)" "$(link_stat A path2 tx_bytes)")
for dst in "$TUN_V4_B" "$TUN_V6_B"; do
	if send_file A B "$dst" "$payload"; then
		check "10 MB A->B to $dst, SHA-256 equal" \
			[ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
	else
		fail "10 MB A->B to $dst (transfer failed)"
	fi
done
tx1=("$(link_stat A path1 tx_bytes)" "$(link_stat A path2 tx_bytes)")

# Informational here (tunnel_v4.sh asserts the split): the underlay family
# must not change the scheduler's behaviour.
if numbers 2 "${tx0[@]}" && numbers 2 "${tx1[@]}"; then
	d1=$((tx1[0] - tx0[0])); d2=$((tx1[1] - tx0[1]))
	log "split (veth) p1=$(pct "$d1" "$d2")% p2=$(pct "$d2" "$d1")% of $((d1 + d2)) bytes"
fi

if wait_ping B "$TUN_V6_A" 5; then
	pass "B pings $TUN_V6_A (reply on try $PING_TRIES)"
else
	fail "B pings $TUN_V6_A (no reply in 5 s)"
fi

log "status A: $(na_status A 2>&1 | jq -c '[.paths[] | {name, state, local, remote, tx_packets}]' 2>/dev/null)"
finish
