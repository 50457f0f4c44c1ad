#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path whose delay jumps far beyond the other's mid-transfer (20 to 300 ms: a
# congested LTE cell, a satellite fallback): more than the receiver's equalisation and
# reorder hold can bridge, so every flow it shares waits for it. It was used all the
# same, and a CUBIC transfer over 20 + 20 Mbit/s fell from 36-44 Mbit/s to 5, against
# 18 on path 1 alone. Now both ends stand it by (A stops sending data on it, B stops
# holding path 1's packets for it), and it returns when its delay does. A path that
# flaps is logged once per 10 s.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

topo_create 2 v4
wan_shape 1 both 20mbit 10ms
wan_shape 2 both 20mbit 20ms
write_configs v4 1 1
na_up B || die "B up"
alog=$NA_TMP/a.log
na_run_fg A "$alog"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

state() { na_status "$1" | jq -r ".paths[$(($2 - 1))].state"; }
field() { na_status "$1" | jq -r ".paths[$(($2 - 1))].$3"; }
tx() { na_status A | jq ".paths[$(($1 - 1))].tx_bytes"; }

bg_start B iperf3 -s -1 -p 5402 >/dev/null
wait_listen B 5402 || die "iperf3 server"
bg_start A iperf3 -c "$TUN_V4_B" -p 5402 -t 16 -i 1 -J >"$NA_TMP/iperf.json"
client=$BG_PID
sleep 3
check "both paths carry data before" [ "$(state A 2)" = up ]
wan_shape 2 both 20mbit 300ms
log "t=3 s: path 2's delay 300 ms"
sleep 3
check "A stands path 2 by" [ "$(state A 2)" = standby ]
check "so does B" [ "$(state B 2)" = standby ]
check "A said why" grep -q "path p2: standby, its RTT of .* ms is over 250 ms above the fastest path's base" "$alog"
eq=$(field B 1 equalize_ms)
hold=$(na_status B | jq .reorder.hold_ms)
log "B delays path 1's packets by $eq ms, and holds a packet for its gap $hold ms"
check "B no longer holds path 1's packets back for path 2 ($eq ms)" awk -v e="$eq" 'BEGIN { exit !(e < 5) }'
check "nor waits for path 2's packets ($hold ms)" awk -v h="$hold" 'BEGIN { exit !(h < 20) }'
before=$(tx 2)
sleep 1
check "nothing but keepalives goes to path 2" [ $(($(tx 2) - before)) -lt 2000 ]

wan_shape 2 both 20mbit 20ms
log "t=7 s: path 2's delay 20 ms again"
back=""
for i in $(seq 50); do
	[ "$(state A 2)" = up ] && { back=$((i * 100)); break; }
	sleep 0.1
done
log "A uses path 2 again after ${back:-never} ms"
check "A uses path 2 again within 5 s" [ -n "$back" ]
before=$(tx 2)
sleep 1
check "and it carries data" [ $(($(tx 2) - before)) -gt 500000 ]
wait "$client"
check "the TCP connection survived" [ $? -eq 0 ]
log "per-second goodput (Mbit/s): $(jq -r '[.intervals[].sum.bits_per_second / 1e6 | floor] | join(" ")' "$NA_TMP/iperf.json")"

# A path that leaves and returns every 2 s (its delay toggled, as a path slow by its own
# queue does) is logged once per 10 s, and the log catches up with where it ends.
lines() { grep -cE "path p2: (standby|carries data again)" "$alog"; }
l0=$(lines) changes=0 last=up
for round in $(seq 6); do
	if [ $((round % 2)) = 1 ]; then wan_shape 2 both 20mbit 300ms; else wan_shape 2 both 20mbit 20ms; fi
	for _ in $(seq 20); do
		s=$(state A 2)
		[ "$s" != "$last" ] && { changes=$((changes + 1)); last=$s; }
		sleep 0.1
	done
done
flapped=$(($(lines) - l0))
log "path 2 changed state $changes times in 12 s; A logged $flapped lines of it"
check "it did flap (4 changes or more)" [ "$changes" -ge 4 ]
check "A logged at most 2 lines of it" [ "$flapped" -le 2 ]
for _ in $(seq 110); do
	[ "$(grep -E "path p2: (standby|carries data again)" "$alog" | tail -1 | grep -c "carries data again")" = 1 ] && break
	sleep 0.1
done
check "its last line says where it ended: carries data again" \
	grep -qE "path p2: carries data again.*" <(grep -E "path p2: (standby|carries data again)" "$alog" | tail -1)
grep -E "path p2: (standby|carries data again)" "$alog" | tail -3 | sed 's/^/  /'
finish
