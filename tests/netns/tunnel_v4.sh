#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two paths over an IPv4 underlay, weights 7500:2500: both inner families
# pass, a 50 MB file arrives intact, and its bytes split 75/25 over the
# paths as seen by the kernel (A's veth counters) and by netagg itself.
#
# Exit 0 pass, 1 fail, 77 skip. Run as root: tests/netns/tunnel_v4.sh
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_cmd socat sha256sum jq ss
need_netagg

topo_create 2 v4
na_bond v4 7500 2500 || die "netagg up failed"
log "bonded: $IF_A (A, pid ${NA_PID[A]}) <-> $IF_B (B, pid ${NA_PID[B]})"

for dst in "$TUN_V4_B" "$TUN_V6_B"; do
	if wait_ping A "$dst" 5; then
		pass "A pings $dst through the tunnel (reply on try $PING_TRIES)"
	else
		fail "A pings $dst through the tunnel (no reply in 5 s)"
	fi
done

# tx bytes of A on both paths as the kernel (veth) and netagg count them,
# before and after the transfer; the deltas are the transfer's own bytes
# plus a few keepalives.
veth_tx() { link_stat A path1 tx_bytes; link_stat A path2 tx_bytes; }
na_tx() { na_status A | jq -r '[.paths[] | {(.name): .tx_bytes}] | add | .p1, .p2'; }

payload=$NA_TMP/payload
head -c 50M /dev/urandom >"$payload"

mapfile -t v0 < <(veth_tx); mapfile -t n0 < <(na_tx)
if send_file A B "$TUN_V4_B" "$payload"; then
	check "50 MB A->B over TCP/IPv4 in the tunnel, SHA-256 equal" \
		[ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
else
	fail "50 MB A->B over TCP/IPv4 in the tunnel (transfer failed)"
fi
mapfile -t v1 < <(veth_tx); mapfile -t n1 < <(na_tx)

vsplit=nan nsplit=nan
if numbers 2 "${v0[@]}" && numbers 2 "${v1[@]}"; then
	d1=$((v1[0] - v0[0])); d2=$((v1[1] - v0[1])); vsplit=$(pct "$d1" "$d2")
	log "veth tx_bytes: path1=$d1 path2=$d2 -> split p1=$vsplit% p2=$(pct "$d2" "$d1")%"
	check "veth split p1=$vsplit% within 2 points of 75%" within "$vsplit" 75 2
else
	fail "reading A's veth counters (${v0[*]} / ${v1[*]})"
fi
if numbers 2 "${n0[@]}" && numbers 2 "${n1[@]}"; then
	d1=$((n1[0] - n0[0])); d2=$((n1[1] - n0[1])); nsplit=$(pct "$d1" "$d2")
	log "netagg tx_bytes: p1=$d1 p2=$d2 -> split p1=$nsplit% p2=$(pct "$d2" "$d1")%"
	check "netagg split p1=$nsplit% within 2 points of 75%" within "$nsplit" 75 2
	# netagg counts UDP payload, the veth whole frames (42 bytes more per
	# datagram), so the two shares agree closely but not exactly.
	check "netagg and veth splits agree within 1 point" within "$nsplit" "$vsplit" 1
else
	fail "reading netagg's tx_bytes (status -j A: $(na_status A 2>&1 | head -c 300))"
fi

# B only accepts: it must have learnt A's endpoints from A's traffic.
if wait_ping B "$TUN_V4_A" 5; then
	pass "B pings $TUN_V4_A (reply on try $PING_TRIES)"
else
	fail "B pings $TUN_V4_A (no reply in 5 s)"
fi
head -c 10M /dev/urandom >"$payload"
if send_file B A "$TUN_V6_A" "$payload"; then
	check "10 MB B->A over TCP/IPv6 in the tunnel, SHA-256 equal" \
		[ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
else
	fail "10 MB B->A over TCP/IPv6 in the tunnel (transfer failed)"
fi

log "status A: $(na_status A 2>&1 | jq -c '[.paths[] | {name, state, share, tx_packets}]' 2>/dev/null)"
finish
