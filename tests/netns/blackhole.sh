#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path MTU black hole: path 2's wire takes frames of at most 1400 bytes and drops
# bigger ones without a word (a bridge port's MTU: no ICMP, as where a carrier filters
# it), so the small keepalives pass and full data frames do not. Before netagg took a
# path down for its loss, path 2 stayed up (degraded) with its share of every flow, and
# a bond of 20 + 20 Mbit/s moved 0.25 Mbit/s of TCP. Now: path 2 goes down, says why,
# stays down while its probes, padded to full frames, are lost, the transfer goes on
# over path 1, and path 2 comes back once the hole is gone. With the hole on both
# paths, the last one left stays in use for what passes.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd socat jq

topo_create 2 v4
wan_shape 1 both 20mbit 10ms
wan_shape 2 both 20mbit 20ms
write_configs v4 1 1
na_up B || die "B up"
# A in the foreground, its log kept.
alog=$NA_TMP/a.log
na_run_fg A "$alog"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

state() { na_status A | jq -r ".paths[$(($1 - 1))].state"; }
tx() { na_status A | jq ".paths[$(($1 - 1))].tx_bytes"; }
mtu=$(na_status A | jq .mtu)
log "TUN mtu $mtu: full frames of $((mtu + 68)) bytes on the wire"

# The hole: W's ports of path 2 take at most 1400 bytes.
nsW ip link set a2 mtu 1400
nsW ip link set b2 mtu 1400
sleep 0.5
check "small frames pass the hole: path 2 is up while idle" [ "$(state 2)" = up ]

head -c 16000000 /dev/urandom >"$NA_TMP/f"
start=$EPOCHREALTIME
send_file A B "$TUN_V4_B" "$NA_TMP/f"
rc=$?
took=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
log "16 MB across the bond with the hole in path 2: ${took} s"
intact() { [ "$rc" -eq 0 ] && [ "$(sha "$NA_TMP/f")" = "$(sha "$NA_TMP/f.rx")" ]; }
check "the file arrived intact" intact
# Path 1 alone moves 16 MB in about 7 s; at 0.25 Mbit/s it would take over 8 minutes.
check "within 30 s (${took} s)" awk -v t="$took" 'BEGIN { exit !(t < 30) }'
check "path 2 is down" [ "$(state 2)" = down ]
check "A said why: path 2 loses its frames, and which size must pass" \
	grep -q "path p2: down, losing .* padded to full $((mtu + 68))-byte packets" "$alog"
grep "path p2:" "$alog" | sed 's/^/  A: /'

# While the hole lasts, path 2 stays down: its padded probes do not pass. (With small
# ones it returned after its hold, lost the data again, and went down again.)
bg_start B timeout 20 socat -u TCP4-LISTEN:7002,reuseaddr,bind="$TUN_V4_B" /dev/null
wait_listen B 7002 || die "socat listener"
bg_start A timeout 20 socat -u /dev/zero "TCP4:$TUN_V4_B:7002"
sleep 0.3
ups=0
for _ in $(seq 40); do
	[ "$(state 2)" = down ] || ups=$((ups + 1))
	sleep 0.1
done
check "path 2 stays down through 4 s of traffic while the hole lasts (seen up $ups times)" [ "$ups" -eq 0 ]

nsW ip link set a2 mtu 1500
nsW ip link set b2 mtu 1500
log "the hole is gone"
back=""
for i in $(seq 50); do
	[ "$(state 2)" = up ] && { back=$((i * 100)); break; }
	sleep 0.1
done
log "path 2 back up after ${back:-never} ms"
check "path 2 comes back up within 5 s of the repair" [ -n "$back" ]
before=$(tx 2)
sleep 1
check "and carries traffic again" [ $(($(tx 2) - before)) -gt 500000 ]

# The hole on both paths: the last path left is not taken down for its loss, so the
# small packets that pass still cross (before, a path MTU black hole on every path left
# the tunnel up for them too).
for port in a1 b1 a2 b2; do nsW ip link set "$port" mtu 1400; done
bg_start B timeout 8 socat -u TCP4-LISTEN:7003,reuseaddr,bind="$TUN_V4_B" /dev/null
wait_listen B 7003 || die "socat listener"
bg_start A timeout 8 socat -u /dev/zero "TCP4:$TUN_V4_B:7003"
sleep 4
states=$(na_status A | jq -r '[.paths[].state] | join(" ")')
log "the hole on both paths: A's paths are $states"
check "one path is still in use (up or degraded)" grep -qE "up|degraded" <<<"$states"
check "small packets still cross the tunnel" wait_ping A "$TUN_V4_B" 3
finish
