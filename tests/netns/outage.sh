#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Outage repair: a busy path cut dead loses what was sent on it until the failure is
# noticed. With repair, the receiver asks for all of it at once when it takes the path
# down (an outage entry), holds the gaps meanwhile, and the sender resends it on the
# other path: the inner flow loses nothing. The same cut with `repair = false` shows
# what it would have lost.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq iperf3

topo_create 2 v4
wan_shape 1 both 50mbit 10ms
wan_shape 2 both 50mbit 30ms
write_configs v4 1 1
for side in A B; do
	sed -i 's/^interface = .*/&\nrepair = false;/' "$(na_conf "$side")"
	chmod 644 "$(na_conf "$side")" # read again on SIGHUP by the daemon, nobody by then
done
chmod 711 "$NA_TMP"
{ na_up B && na_up A; } >/dev/null || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

state() { na_status "$1" | jq -r ".paths[1].state"; }
# wait_up : both ends use path 2 again (restored, heard for its hold).
wait_up() {
	local n
	for n in $(seq 100); do
		[ "$(state A)" = up ] && [ "$(state B)" = up ] && return 0
		sleep 0.1
	done
	return 1
}

port=5600
# cut_retransmits : TCP segments A retransmitted of an 8 Mbit/s transfer to B (1:1 over
# the paths: 4 Mbit/s, some 350 segments a second, on path 2; B's acknowledgements keep
# path 2 busy both ways) when path 2 is cut 3 s into 6 s (its recent gaps between frames,
# which set how soon its silence is suspect, are then the transfer's); restores it afterwards.
cut_retransmits() {
	local client
	port=$((port + 1))
	bg_start B iperf3 -s -1 -p "$port" >/dev/null
	wait_listen B "$port" || die "iperf3 server"
	bg_start A iperf3 -c "$TUN_V4_B" -p "$port" -b 8M -l 1400 -t 6 -J >"$NA_TMP/tcp-$port.json"
	client=$BG_PID
	sleep 3
	wan_cut 2
	wait "$client"
	wan_restore 2
	wait_up || die "path 2 did not come back"
	jq '.end.sum_sent.retransmits' "$NA_TMP/tcp-$port.json"
}

late_count() { na_status B | jq '.reorder.released_late + .reorder.late'; }
late0=$(late_count)
off=$(cut_retransmits)
late_off=$(($(late_count) - late0))
log "repair off: A retransmitted $off segments after the cut"
# A busy path is down after at least 75 ms: some 25 segments at least are lost on it.
check "without repair TCP retransmits what path 2 carried until it was found down (> 15 segments)" \
	test "$off" -gt 15

for side in A B; do sed -i '/^repair = false;/d' "$(na_conf "$side")"; done
kill -HUP "${NA_PID[A]}" "${NA_PID[B]}"
sleep 1
late0=$(late_count)
on=$(cut_retransmits)
stA=$(na_status A)
stB=$(na_status B)
late=$(($(jq '.reorder.released_late + .reorder.late' <<<"$stB") - late0))
log "repair on: A retransmitted $on segments; B sent $(jq .repair.outages_asked <<<"$stB") outage entries," \
	"A resent $(jq .repair.outage_resent <<<"$stA") frames for them, B received $(jq .repair.repairs_received <<<"$stB") resends;" \
	"B delivered $late packets late or at a deadline"
check "B asked for path 2's frames once it took the path down" \
	test "$(jq '.repair.outages_asked >= 1' <<<"$stB")" = true
check "A resent them on path 1, unmetered by the budget ($(jq .repair.outage_resent <<<"$stA") > 15)" \
	test "$(jq '.repair.outage_resent > 15 and .repair.budget == 0' <<<"$stA")" = true
# Without repair the gaps are given up at their deadline: every packet held behind them is late.
check "B's reorder buffer held the gaps for them ($late packets late, $late_off without repair)" \
	test "$((late * 10))" -le "$late_off" -a "$late_off" -gt 0
check "with repair (switched on by a reload) TCP saw none of it ($on retransmits, under a fifth of $off)" \
	test "$((on * 5))" -lt "$off"
finish
