#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path with probing of its own: a metered backup (an LTE stick) that the default pace,
# a keepalive every 100 ms each way, would cost about 5 GB a month while it carries
# nothing. Path 2 is a backup with probe_interval = 1000 (so down_after 3000) on both
# ends; path 1 keeps the link's default. Idle, each end sends about one keepalive a second
# on path 2 and ten on path 1; a cut of path 2 shows as down after 2-3 s (the last
# keepalive heard was up to 1 s before the cut), not within the default 300 ms, path 1
# stays up, and path 2 returns on its own after the restore. A reload (SIGHUP) changes the
# pace of a running link.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq
export LC_ALL=C # $EPOCHREALTIME with a decimal point

topo_create 2 v4
wan_shape 1 both 50mbit 10ms
wan_shape 2 both 50mbit 20ms
write_configs v4 1 1
for side in A B; do
	sed -i 's/\(name = "p2";.*\) }/\1 backup = true; probe_interval = 1000; }/' "$(na_conf "$side")"
	grep -q 'probe_interval = 1000' "$(na_conf "$side")" || die "path 2's probing not in $(na_conf "$side")"
done
na_run_fg B "$NA_TMP/b.log"
na_run_fg A "$NA_TMP/a.log"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
sleep 3 # past the start, when the paths are probed at once

keepalives() { na_status "$1" | jq -c '[.paths[].keepalives]'; }
rate() { jq -n --argjson a "$1" --argjson b "$2" --argjson i "$3" --argjson s "$4" '($b[$i] - $a[$i]) / $s'; }
between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
secs=10
ka=$(keepalives A) kb=$(keepalives B)
sleep "$secs"
ka2=$(keepalives A) kb2=$(keepalives B)
for side in A B; do
	if [ "$side" = A ]; then a=$ka b=$ka2; else a=$kb b=$kb2; fi
	r1=$(rate "$a" "$b" 0 "$secs") r2=$(rate "$a" "$b" 1 "$secs")
	log "$side idle for $secs s: keepalives/s on path 1 $r1, on path 2 $r2" \
		"(about $(awk -v r="$r2" 'BEGIN { printf "%.0f", r * 100 * 86400 / 1e6 }') MB a day of 100-byte frames)"
	check "$side probes path 2 at its own pace, one a second ($r2/s)" between "$r2" 0.8 1.3
	check "$side probes path 1 at the link's, ten a second ($r1/s)" between "$r1" 9 11
done
state=$(na_status A | jq -r '.paths[1].state')
check "the backup waits in standby ($state)" [ "$state" = standby ]

fails1=$(na_status A | jq '.paths[0].failures')
t_cut=$EPOCHREALTIME
wan_cut 2
state=""
for _ in $(seq 1 60); do
	st=$(na_status A)
	t_st=$EPOCHREALTIME
	state=$(jq -r '.paths[1].state' <<<"$st")
	[ "$state" = down ] && break
	sleep 0.1
done
check "A found the cut backup down" [ "$state" = down ]
found=$(awk -v c="$t_cut" -v s="$t_st" -v d="$(jq '.paths[1].state_ms' <<<"$st")" 'BEGIN { printf "%d", (s - c) * 1000 - d }')
log "A found path 2 down $found ms after the cut"
check "not before 1.9 s, nor after 3.2 s: its down_after of 3 s, less the time since its last keepalive ($found ms)" \
	between "$found" 1900 3200
check "path 1 stayed up" [ "$(na_status A | jq '.paths[0].failures')" = "$fails1" ]

t_restore=$EPOCHREALTIME
wan_restore 2
for _ in $(seq 1 80); do
	state=$(na_status A | jq -r '.paths[1].state')
	[ "$state" != down ] && break
	sleep 0.1
done
back=$(awk -v r="$t_restore" -v n="$EPOCHREALTIME" 'BEGIN { printf "%d", (n - r) * 1000 }')
log "path 2 $state $back ms after the restore"
check "path 2 came back on its own within 4 s: heard for half its down_after, at a keepalive a second ($back ms)" \
	[ "$state" = standby ] && [ "$back" -lt 4000 ]

# A reload gives path 2 the link's pace again.
sed -i 's/ probe_interval = 1000;//' "$(na_conf A)"
chmod 644 "$(na_conf A)" # read again by the daemon, which runs as nobody by then
chmod 711 "$NA_TMP"
kill -HUP "${NA_PID[A]}"
sleep 1
ka=$(keepalives A)
sleep 3
r2=$(rate "$ka" "$(keepalives A)" 1 3)
log "after the reload, A sends $r2 keepalives/s on path 2"
check "after a reload without path 2's probe_interval, A probes it ten times a second ($r2/s)" between "$r2" 8 12
finish
