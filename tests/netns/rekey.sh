#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Rekeying never drops traffic: with a new handshake every second, a 30 MB transfer over
# two 20 Mbit/s paths arrives intact while sessions turn over several times, and no frame
# is refused for keying reasons on either end.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd socat jq

topo_create 2 v4
wan_shape 1 both 20mbit 5ms
wan_shape 2 both 20mbit 15ms
write_configs v4 1 1
echo 'rekey_interval = 1;' >>"$(na_conf A)"
na_up B || die "netagg up B"
na_up A || die "netagg up A"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

keying_drops() { na_status "$1" | jq '.drops | .bad_auth + .no_session + .replay + .no_key + .bad_handshake'; }
h0=$(na_status A | jq .handshakes)
a0=$(keying_drops A); b0=$(keying_drops B)

payload=$NA_TMP/payload
head -c 30M /dev/urandom >"$payload"
start=$(date +%s.%N)
send_file A B "$TUN_V4_B" "$payload" || fail "transfer during rekeys"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
check "30 MB arrived intact while rekeying every second" [ "$(sha "$payload")" = "$(sha "$payload.rx")" ]

h1=$(na_status A | jq .handshakes)
log "handshakes during the ${secs}s transfer: $((h1 - h0)); cipher $(na_status A | jq -r .cipher)"
check "at least 4 rekeys happened during the transfer ($((h1 - h0)))" [ $((h1 - h0)) -ge 4 ]
check "B set up as many sessions as A ($(na_status B | jq .handshakes) vs $h1)" \
	[ "$(na_status B | jq .handshakes)" -ge $((h1 - 1)) ]
check "no frame refused for keying reasons on A ($(($(keying_drops A) - a0)))" [ "$(keying_drops A)" -eq "$a0" ]
check "no frame refused for keying reasons on B ($(($(keying_drops B) - b0)))" [ "$(keying_drops B)" -eq "$b0" ]
finish
