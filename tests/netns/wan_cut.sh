#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path cut while a TCP transfer runs through the tunnel: the connection survives, the
# dead path is taken out of the schedule well before the 150 ms a busy path gets when
# every path is quiet (path 1 goes on delivering: at most 75 ms + path 2's extra 10 ms
# + a 25 ms tick; the check allows under 150 ms, the status command's own run time included,
# which the old rule, 150 ms from path 2's last frame, cannot pass),
# a receiver keeps delaying path 1's
# packets to path 2's delay while path 2 is down (so the bond's RTT does not jump when it
# returns), traffic keeps flowing on the other path, and the restored path comes back up
# and carries traffic again.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq
export LC_ALL=C # $EPOCHREALTIME with a decimal point

topo_create 2 v4
wan_shape 1 both 20mbit 5ms
wan_shape 2 both 20mbit 15ms
na_bond v4 1 1 || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

state() { na_status A | jq -r ".paths[$(($1 - 1))].state"; }
field() { na_status "$1" | jq -r ".paths[$(($2 - 1))].$3"; }
tx() { na_status A | jq ".paths[$(($1 - 1))].tx_bytes"; }

bg_start B iperf3 -s -1 -p 5401 >/dev/null
wait_listen B 5401 || die "iperf3 server"
bg_start A iperf3 -c "$TUN_V4_B" -p 5401 -t 14 -i 1 -J >"$NA_TMP/iperf.json"
client=$BG_PID

sleep 3
t_cut=$EPOCHREALTIME
wan_cut 2
log "t=3 s: path 2 cut"
sleep 1
st=$(na_status A)
t_st=$EPOCHREALTIME
check "path 2 is down 1 s after the cut (down_after is 300 ms)" [ "$(jq -r '.paths[1].state' <<<"$st")" = down ]
# Found down after the cut: the time to the status read less how long it had been down
# (over by the status command's own run time, never under).
found=$(awk -v c="$t_cut" -v s="$t_st" -v d="$(jq '.paths[1].state_ms' <<<"$st")" 'BEGIN { printf "%d", (s - c) * 1000 - d }')
log "A found path 2 down about $found ms after the cut"
check "A found the busy path down within 150 ms of the cut, path 1 still delivering ($found ms)" [ "$found" -lt 150 ]
# A receives the ACKs, which queue nowhere, so its path 1 is 10 ms faster than path 2.
# (At B the data now queues on path 1, which makes it the slower path anyway.)
eq=$(field A 1 equalize_ms)
log "A delays path 1's packets by $eq ms while path 2 is down"
check "A still equalises path 1 to path 2's delay while path 2 is down ($eq ms, 10 expected)" \
	awk -v e="$eq" 'BEGIN { exit !(e > 5 && e < 20) }'
# Path 1 now carries the whole transfer through a 20 Mbit/s queue: TCP's own congestion
# losses there may mark it degraded, which still carries traffic. Down would be wrong.
s1=$(state 1)
log "path 1 is $s1"
check "path 1 still carries traffic (up or degraded)" grep -qxE "up|degraded" <<<"$s1"
before=$(tx 2)
sleep 1
check "nothing but keepalives goes to the dead path" [ $(($(tx 2) - before)) -lt 1000 ]
wan_restore 2
log "t=5 s: path 2 restored"
sleep 2
check "path 2 carries traffic again 2 s after the restore (up or degraded)" grep -qxE "up|degraded" <<<"$(state 2)"
before=$(tx 2)
sleep 1
check "the restored path carries traffic again" [ $(($(tx 2) - before)) -gt 100000 ]

wait "$client"
rc=$?
check "the TCP connection survived (iperf3 exit 0)" [ "$rc" -eq 0 ]
# Every 1 s interval from t = 8 s moved data: the path is found dead by t = 3.4 s and back at
# t = 5 s, and TCP
# may need a backed-off retransmission timeout or two to resume at full rate.
stalled=$(jq '[.intervals[] | .sum | select(.start >= 8 and .bits_per_second < 1e6)] | length' "$NA_TMP/iperf.json")
log "per-second goodput (Mbit/s): $(jq -r '[.intervals[].sum.bits_per_second / 1e6 | floor] | join(" ")' "$NA_TMP/iperf.json")"
check "no 1 s interval under 1 Mbit/s from t = 8 s" [ "${stalled:-1}" -eq 0 ]
finish
