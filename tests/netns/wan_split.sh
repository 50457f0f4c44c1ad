#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Weighted split on unequal WAN links: path 1 7500kbit / 10 ms, path 2 2500kbit / 40 ms,
# weights 7500:2500. A TCP transfer through the tunnel arrives intact and its bytes split
# 75/25 on the underlay (A's veth counters), as the weights say.
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
start=$(date +%s.%N)
send_file A B "$TUN_V4_B" "$payload" || fail "transfer over shaped paths"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
check "6 MB arrived intact over 7.5 + 2.5 Mbit/s" [ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
d1=$(($(link_stat A path1 tx_bytes) - t1)); d2=$(($(link_stat A path2 tx_bytes) - t2))
split=$(pct "$d1" "$d2")
log "underlay bytes: path1 $d1, path2 $d2: split $split/$(pct "$d2" "$d1") in ${secs}s" \
	"($(awk -v s="$secs" 'BEGIN { printf "%.1f", 6 * 8 * 1.048576 / s }') Mbit/s of payload)"
check "path 1 carried $split % of the bytes (75 +- 2)" within "$split" 75 2
finish
