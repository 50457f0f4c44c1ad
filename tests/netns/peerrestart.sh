#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The accepting end restarts (an upgrade, a crash, its host rebooting) and comes back
# without the sessions. It sends nothing until a handshake comes, so the initiator must
# notice the silence and start one, not wait for the next rekey (up to 120 s).
# A host that rebooted also stamps its frames by another monotonic clock, so every
# one-way delay measured here jumps by the clocks' new offset. A backward jump made every
# delay look like a queue of that size for the 10-20 s that the lowest delay is kept:
# the queue reported back read 1000 s. A delay more than 10 s outside a path's recent
# range is a new clock, not a queue. The restart here is quick (a reboot longer than 20 s
# clears that range anyway); a time namespace gives B its clocks.
# Then the initiator restarts, and its flows' numbering with it (below).
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_netagg
need_cmd jq
timens=0
command -v unshare >/dev/null && unshare -T --monotonic=1000 true 2>/dev/null && timens=1

# b_up [unshare-options] : B up, in a time namespace of its own where there are any.
b_up() {
	local pid wrap=()
	[ "$timens" = 1 ] && wrap=(unshare -T "$@")
	mkdir -p "$(na_rundir B)"
	nsB "${wrap[@]}" env NETAGG_RUNDIR="$(na_rundir B)" timeout "$NA_TIMEOUT" "$NETAGG" up "$(na_conf B)" \
		>/dev/null || return 1
	pid=$(cat "$(na_pidfile B)" 2>/dev/null) || return 1
	NA_PID[B]=$pid
	track_pid "$pid"
}

# seconds_to_ping SINCE : seconds from SINCE ($EPOCHREALTIME) to the first ping through
# the tunnel that comes back, trying for 10-20 s; nothing if none does.
seconds_to_ping() {
	for _ in $(seq 100); do
		if nsA ping -n -q -c 1 -W 0.1 "$TUN_V4_B" >/dev/null 2>&1; then
			awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }'
			return
		fi
	done
}

# queues : the standing queues A reports for B's paths, in ms ("null" until reported).
queues() { na_status B | jq -c '[.paths[].queue_ms]'; }

topo_create 2 v4
write_configs v4 1 1
# B's monotonic clock 1000 s ahead at first; the restart sets it back by 1000 s.
b_up --monotonic=1000 || die "B up"
# A in the foreground, its log kept.
alog=$NA_TMP/a.log
na_run_fg A "$alog"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
nsA ping -q -c 40 -i 0.05 "$TUN_V4_B" >/dev/null 2>&1
sleep 1
before=$(queues)
log "the queues B's frames meet, before: $before ms"
check "before the restart, B's frames meet no queue (< 20 ms)" \
	test "$(jq 'all(. != null and . < 20)' <<<"$before")" = true

na_down B >/dev/null || die "B down"
b_up || die "B up again"
back=$(seconds_to_ping "$EPOCHREALTIME")
log "the first ping through the tunnel came back ${back:-never} s after B was up again"
check "the tunnel works again within 3 s of B's restart" awk -v b="$back" 'BEGIN { exit !(b != "" && b < 3) }'
[ -n "$back" ] || finish

nsA ping -q -c 40 -i 0.05 "$TUN_V4_B" >/dev/null 2>&1
sleep 1
after=$(queues)
if [ "$timens" = 1 ]; then
	log "after B came back with its clock 1000 s behind: $after ms"
	check "after it, A takes the new clock for a new offset, not a queue (< 20 ms)" \
		test "$(jq 'all(. != null and . < 20)' <<<"$after")" = true
else
	log "no time namespaces here (unshare -T): B kept its clock, the clock check is left out"
fi
rtt=$(nsA ping -n -c 20 -i 0.05 "$TUN_V4_B" 2>/dev/null | awk -F/ '/^rtt/ { print $5 }')
log "ping through the tunnel: $rtt ms on average"
check "the tunnel's RTT is the paths' (< 50 ms)" awk -v r="$rtt" 'BEGIN { exit !(r != "" && r < 50) }'
log "A's log: $(grep 'nothing heard from the peer' "$alog" | head -1)"
check "A said why it started a handshake, once" test "$(grep -c 'nothing heard from the peer on any path for 1 s' "$alog")" = 1

# Now A restarts, twice, quickly: it numbers each flow's packets from 0 again, behind
# where B's reorder buffer expects them, within the second that makes a flow idle. (The
# second time, B has delivered those numbers since its own restart.) They are stamped
# later than all B delivered, so they are no copies: with copies told by their numbers
# alone, B dropped 31 pings as duplicates and the tunnel was dead for 1.7 s.
dup0=$(na_status B | jq '.reorder.duplicates')
late0=$(na_status B | jq '.reorder.late')
for round in 1 2; do
	nsA ping -q -c 30 -i 0.02 "$TUN_V4_B" >/dev/null 2>&1
	ts=$EPOCHREALTIME
	stop_pid "${NA_PID[A]}"
	bg_start A env NETAGG_RUNDIR="$(na_rundir A)" "$NETAGG" run "$(na_conf A)" 2>>"$alog"
	NA_PID[A]=$BG_PID
	back=$(seconds_to_ping "$ts")
	log "restart $round of A: the first ping came back ${back:-never} s after A was stopped"
	check "the tunnel works again within 1 s of A's restart $round" awk -v b="$back" 'BEGIN { exit !(b != "" && b < 1) }'
done
dups=$(($(na_status B | jq '.reorder.duplicates') - dup0))
late=$(($(na_status B | jq '.reorder.late') - late0))
log "B dropped $dups packet(s) as duplicates and delivered $late late"
check "B took A's new numbering for new packets, not copies (0 dropped, some late)" test "$dups" -eq 0 -a "$late" -gt 0

# A link that probes every 5 s: an idle peer is silent for seconds, which is no restart.
# (With a fixed second of silence, A started 14 handshakes in 18 s.)
stop_pid "${NA_PID[A]}"
na_down B >/dev/null
for side in A B; do
	sed -i 's/^interface = .*/&\nprobe_interval = 5000;\ndown_after = 15000;/' "$(na_conf "$side")"
done
b_up || die "B up, probing every 5 s"
na_up A >/dev/null || die "A up, probing every 5 s"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel probing every 5 s"
hs0=$(na_status A | jq .handshakes)
sleep 15
hs1=$(na_status A | jq .handshakes)
log "idle, probing every 5 s: handshakes $hs0 -> $hs1 in 15 s"
check "an idle peer that probes every 5 s is not taken for a restarted one (no handshake in 15 s)" test "$hs1" = "$hs0"
finish
