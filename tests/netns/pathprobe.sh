#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A path with probing of its own: a metered backup (an LTE stick) that the default pace,
# a keepalive every 100 ms each way, would cost about 5 GB a month while it carries
# nothing. Path 2 is a backup with probe_interval = 1000 (so down_after 3000) on both
# ends; path 1 keeps the link's default. Idle, each end sends about one keepalive a second
# on path 2 and ten on path 1; a cut of path 2 shows as down after 2-3 s (the last
# keepalive heard was up to 1 s before the cut), not within the default 300 ms, path 1
# stays up, and path 2 returns on its own after the restore. The same path carrying data
# is found down in 0.4-1.7 s (half its down_after, or less while path 1 delivers and its
# recent gaps were short), not in the default's 0.1-0.15 s. A reload (SIGHUP) changes the
# pace of a running link; ends that disagree keep the path down, and the log says why.
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

# cut_found : cuts path 2 and prints how long after the cut A found it down (empty: not
# within 6 s): the time to the status read less how long it had been down by then.
cut_found() {
	local t_cut t_st st
	t_cut=$EPOCHREALTIME
	wan_cut 2
	for _ in $(seq 1 120); do
		st=$(na_status A)
		t_st=$EPOCHREALTIME
		if [ "$(jq -r '.paths[1].state' <<<"$st")" = down ]; then
			awk -v c="$t_cut" -v s="$t_st" -v d="$(jq '.paths[1].state_ms' <<<"$st")" \
				'BEGIN { printf "%d\n", (s - c) * 1000 - d }'
			return
		fi
		sleep 0.05
	done
}

fails1=$(na_status A | jq '.paths[0].failures')
found=$(cut_found)
check "A found the cut backup down" [ -n "$found" ]
log "A found path 2 down $found ms after the cut"
check "not before 1.9 s, nor after 3.2 s: its down_after of 3 s, less the time since its last keepalive ($found ms)" \
	between "${found:-0}" 1900 3200
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
	test "$state" = standby -a "$back" -lt 4000

# path2_keys SIDE KEYS : path 2's own keys in SIDE's config become KEYS, read at once (SIGHUP).
chmod 711 "$NA_TMP" # the config is read again by the daemon, which runs as nobody by then
path2_keys() {
	sed -i "s/\(name = \"p2\";.*weight = 1;\).*}/\1 $2 }/" "$(na_conf "$1")"
	chmod 644 "$(na_conf "$1")"
	kill -HUP "${NA_PID[$1]}"
}
wait_state() { # wait_state SIDE STATE SECONDS : until path 2 is in STATE
	for _ in $(seq 1 $((10 * $3))); do
		[ "$(na_status "$1" | jq -r '.paths[1].state')" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Busy: a path that carries data is found down sooner than an idle one, but its peer's
# keepalives come every quarter second (a quarter of its probe_interval), so not within
# the default's 100-150 ms: at least half its probe_interval plus a tick of silence.
path2_keys B "probe_interval = 1000;"
path2_keys A "probe_interval = 1000;"
wait_state A up 5 || die "path 2 did not leave standby"
bg_start B iperf3 -s -1 -p 5401 >/dev/null
wait_listen B 5401 || die "iperf3 server"
bg_start A iperf3 -c "$TUN_V4_B" -p 5401 -t 8 -b 20M >/dev/null
client=$BG_PID
sleep 3
tx2=$(na_status A | jq '.paths[1].tx_bytes')
sleep 1
check "path 2 carries data" [ $(($(na_status A | jq '.paths[1].tx_bytes') - tx2)) -gt 500000 ]
found=$(cut_found)
log "A found busy path 2 down $found ms after the cut"
check "the busy path with probe_interval = 1000 was found down in 0.4-1.7 s, by its own limits ($found ms)" \
	between "${found:-0}" 400 1700
wan_restore 2
wait "$client"
rc=$?
check "the transfer survived the cut (iperf3 exit $rc)" [ "$rc" -eq 0 ]

# Ends that disagree: A takes the link's 100 ms again, so it finds path 2 down after
# 300 ms of silence, while B still probes it once a second. It stays down, and A says why.
wait_state A up 5 || die "path 2 did not come back after the busy cut"
path2_keys A ""
wait_state A down 3
check "with the ends' probing mismatched, path 2 goes down at A" [ "$(na_status A | jq -r '.paths[1].state')" = down ]
sleep 4.5
check "and stays down" [ "$(na_status A | jq -r '.paths[1].state')" = down ]
check "A's log says the peer probes path 2 less often than its down_after" \
	grep -q "path p2: still down: .*probes it less often" "$NA_TMP/a.log"
path2_keys B ""
wait_state A up 3
check "once both ends agree again (a reload of B), path 2 is up" [ "$(na_status A | jq -r '.paths[1].state')" = up ]
ka=$(keepalives A) kb=$(keepalives B)
sleep 3
ra=$(rate "$ka" "$(keepalives A)" 1 3) rb=$(rate "$kb" "$(keepalives B)" 1 3)
log "after the reloads, keepalives/s on path 2: A $ra, B $rb"
check "after the reloads, both ends probe path 2 ten times a second (A $ra/s, B $rb/s)" \
	eval 'between "$ra" 8 12 && between "$rb" 8 12'
finish
