#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path liveness at the default probing (100 ms probes, down after 300 ms): a path cut
# while the tunnel is idle shows as down within 500 ms and up within 1 s of the restore.
# A backup path stands by while a normal path is up, adding no delay to it, carries the
# traffic when none is, and stands by again once one is back.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq

topo_create 2 v4
na_bond v4 1 1 || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

state() { na_status "$1" | jq -r ".paths[$(($2 - 1))].state"; }
# ms_until SIDE PATH STATE LIMIT_MS : milliseconds until the path shows STATE (polled every 20 ms).
ms_until() {
	local start now
	start=$(date +%s%N)
	while :; do
		now=$(date +%s%N)
		[ "$(state "$1" "$2")" = "$3" ] && { echo $(((now - start) / 1000000)); return 0; }
		[ $(((now - start) / 1000000)) -gt "$4" ] && { echo "more than $4"; return 1; }
		sleep 0.02
	done
}

sleep 1 # idle: no traffic but the probes
wan_cut 2
down=$(ms_until A 2 down 3000)
log "idle path cut: A shows it down after $down ms, B after $(ms_until B 2 down 3000) ms"
check "an idle path cut shows as down within 500 ms ($down ms)" [ "${down% *}" -lt 500 ] 2>/dev/null
wan_restore 2
up=$(ms_until A 2 up 3000)
log "restored: A shows it up after $up ms"
check "a restored path shows as up within 1 s ($up ms)" [ "${up% *}" -lt 1000 ] 2>/dev/null

# Backup: path 2 becomes a backup on both ends, 20 ms slower each way than path 1.
na_down A >/dev/null; na_down B >/dev/null
wan_shape 2 both 100mbit 20ms
for side in A B; do sed -i '/name = "p2"/ s/weight = 1; }/weight = 1; backup = true; }/' "$(na_conf "$side")"; done
na_up B || die "netagg up B (backup)"
na_up A || die "netagg up A (backup)"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping with a backup path"
check "the healthy backup path stands by ($(state A 2))" [ "$(state A 2)" = standby ]
tx2() { link_stat A path2 tx_bytes; }
before=$(tx2)
nsA ping -q -c 50 -i 0.01 -s 1000 "$TUN_V4_B" >/dev/null
check "traffic avoids the standby path ($(($(tx2) - before)) bytes: probes only)" [ $(($(tx2) - before)) -lt 20000 ]
# Nothing comes on the standby path, so the receivers must not wait for it: path 1's
# packets are not held back to path 2's delay (which would add 2 x 20 ms to the RTT).
rtt_ms() { nsA ping -n -c 20 -i 0.05 "$TUN_V4_B" | awk -F'time=' '/time=/ { split($2, a, " "); print a[1] }' |
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }
rtt=$(rtt_ms)
eq="$(na_status A | jq '.paths[0].equalize_ms') $(na_status B | jq '.paths[0].equalize_ms')"
log "with path 2 on standby: RTT through the tunnel $rtt ms, path 1 equalised by $eq ms (A B)"
check "a standby backup adds no delay: RTT $rtt ms (path 1 alone: well under 20)" awk -v r="$rtt" 'BEGIN { exit !(r < 20) }'
check "nor does either end equalise path 1 to it ($eq ms)" awk -v a="${eq% *}" -v b="${eq#* }" 'BEGIN { exit !(a < 1 && b < 1) }'
wan_cut 1
took=$(ms_until A 2 up 3000)
check "with path 1 dead the backup takes over within 500 ms ($took ms)" [ "${took% *}" -lt 500 ] 2>/dev/null
before=$(tx2)
nsA ping -q -c 50 -i 0.01 -s 1000 "$TUN_V4_B" >/dev/null
check "and carries the traffic ($(($(tx2) - before)) bytes)" [ $(($(tx2) - before)) -gt 50000 ]
wan_restore 1
check "once path 1 is back the backup stands by again" [ "$(ms_until A 2 standby 3000)" != "more than 3000" ]
sleep 2
rtt=$(rtt_ms)
check "and the RTT is path 1's again ($rtt ms)" awk -v r="$rtt" 'BEGIN { exit !(r < 20) }'
finish
