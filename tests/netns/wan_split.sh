#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Weighted split on unequal WAN links: path 1 7500kbit / 10 ms, path 2 2500kbit / 40 ms,
# weights 7500:2500. A TCP transfer through the tunnel arrives intact and its bytes split
# 75/25 on the underlay (A's veth counters), as the weights say. While A's data shows the
# paths alive, A sends a keepalive per probe interval (100 ms) instead of one per 25 ms;
# B, which receives more than it sends, keeps its fast keepalives: A's estimates need them.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd socat jq

topo_create 2 v4
wan_shape 1 both 7500kbit 10ms
wan_shape 2 both 2500kbit 40ms
na_bond v4 7500 2500 || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

payload=$NA_TMP/payload
head -c 6M /dev/urandom >"$payload"
t1=$(link_stat A path1 tx_bytes); t2=$(link_stat A path2 tx_bytes)
# keepalives N P: keepalives sent / spared by N on path P, as "sent spared"
keepalives() { na_status "$1" | jq -r ".paths[$(($2 - 1))] | \"\\(.keepalives) \\(.keepalives_spared)\""; }
read -r ka_a0 sp_a0 < <(keepalives A 2)
read -r ka_b0 _ < <(keepalives B 2)
start=$(date +%s.%N)
send_file A B "$TUN_V4_B" "$payload" || fail "transfer over shaped paths"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
check "6 MB arrived intact over 7.5 + 2.5 Mbit/s" [ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
d1=$(($(link_stat A path1 tx_bytes) - t1)); d2=$(($(link_stat A path2 tx_bytes) - t2))
split=$(pct "$d1" "$d2")
log "underlay bytes: path1 $d1, path2 $d2: split $split/$(pct "$d2" "$d1") in ${secs}s" \
	"($(awk -v s="$secs" 'BEGIN { printf "%.1f", 6 * 8 * 1.048576 / s }') Mbit/s of payload)"
check "path 1 carried $split % of the bytes (75 +- 2)" within "$split" 75 2
read -r ka_a sp_a < <(keepalives A 2)
read -r ka_b _ < <(keepalives B 2)
rate_a=$(awk -v n=$((ka_a - ka_a0)) -v s="$secs" 'BEGIN { printf "%.1f", n / s }')
rate_b=$(awk -v n=$((ka_b - ka_b0)) -v s="$secs" 'BEGIN { printf "%.1f", n / s }')
log "keepalives on path 2 during the transfer: A $rate_a/s ($((sp_a - sp_a0)) spared), B $rate_b/s"
# 10 a second carry the reports; a few more go where A's data paused for over 5 ms (14-15
# here). Without sparing both would send 40: 25 keeps a loaded machine's late ticks apart.
check "A, the data sender, sent at most 25 keepalives a second on path 2 ($rate_a)" \
	awk -v r="$rate_a" 'BEGIN { exit !(r <= 25) }'
check "A spared fast keepalives on path 2 ($((sp_a - sp_a0)))" [ $((sp_a - sp_a0)) -gt 0 ]
check "B, the data receiver, kept its fast keepalives on path 2 ($rate_b/s, 40 due)" \
	awk -v r="$rate_b" 'BEGIN { exit !(r >= 25) }'
finish
