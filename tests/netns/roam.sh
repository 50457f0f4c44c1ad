#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Local address and device changes under a running link, the daemon unprivileged (nobody):
# (a) the address of a wildcard path changes mid-transfer (as behind a NAT or on a new
# DHCP lease): the transfer completes intact and the accepting side follows the new
# source; (c) path devices deleted and re-created (a modem re-dialling: a new ifindex)
# are re-bound and carry data again while the other path never fails, and the route of
# the host set-up that went with a device is added back; (b) the specific
# local address of a path disappears and comes back: the path goes down and comes back.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_netagg
need_cmd jq socat tc

topo_create 3 v4
# A->B at 40 Mbit/s per path: the 30 MB transfer lasts seconds, so "midway" exists.
for i in 1 2 3; do
	nsW tc qdisc add dev "b$i" root tbf rate 40mbit burst 64kb latency 100ms || die "tbf on b$i"
done

# A, the initiator: p1 any address on device path1; p2 a specific address; p3 both.
{
	printf 'interface = "%s";\nkey_file = "%s";\n' "$IF_A" "$NA_KEY"
	printf 'address = [ "%s/30", "%s/64" ];\npaths = (\n' "$TUN_V4_A" "$TUN_V6_A"
	printf '  { name = "p1"; local = "0.0.0.0"; device = "path1"; remote = "198.18.1.2:%d"; },\n' "$NA_PORT"
	printf '  { name = "p2"; local = "198.18.2.1"; remote = "198.18.2.2:%d"; },\n' "$NA_PORT"
	printf '  { name = "p3"; local = "198.18.3.1"; device = "path3"; remote = "198.18.3.2:%d"; }\n);\n' "$NA_PORT"
} >"$(na_conf A)"
{
	printf 'interface = "%s";\nkey_file = "%s";\n' "$IF_B" "$NA_KEY"
	printf 'address = [ "%s/30", "%s/64" ];\npaths = (\n' "$TUN_V4_B" "$TUN_V6_B"
	for i in 1 2 3; do
		sep=","; [ "$i" -eq 3 ] && sep=""
		printf '  { name = "p%d"; local = "198.18.%d.2:%d"; }%s\n' "$i" "$i" "$NA_PORT" "$sep"
	done
	printf ');\n'
} >"$(na_conf B)"
na_up B || die "netagg up B"
# A in the foreground, its log kept: the re-binds must be logged.
alog=$NA_TMP/a.log
mkdir -p "$(na_rundir A)"
bg_start A env NETAGG_RUNDIR="$(na_rundir A)" "$NETAGG" run "$(na_conf A)" 2>"$alog"
apid=$BG_PID
NA_PID[A]=$apid
for _ in $(seq 50); do [ -S "$(na_sockfile A)" ] && break; sleep 0.1; done
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

# st SIDE PATH FIELD : one field of a path in SIDE's status.
st() { na_status "$1" | jq -r ".paths[$(($2 - 1))].$3"; }
# ms_until SIDE PATH STATE LIMIT_MS : milliseconds until the path shows STATE.
ms_until() {
	local start now
	start=$(date +%s%N)
	while :; do
		now=$(date +%s%N)
		[ "$(st "$1" "$2" state)" = "$3" ] && { echo $(((now - start) / 1000000)); return 0; }
		[ $(((now - start) / 1000000)) -gt "$4" ] && { echo "more than $4"; return 1; }
		sleep 0.02
	done
}
faster() { [ "${1% *}" -lt "$2" ] 2>/dev/null; }
# moved_by PATH... : what B received on each path (bytes, one line each) while 6 MB went A -> B.
small=$NA_TMP/small
head -c 6M /dev/urandom >"$small"
moved_by() {
	local p
	declare -A before=()
	for p in "$@"; do before[$p]=$(st B "$p" rx_bytes); done
	send_file A B "$TUN_V4_B" "$small" || return 1
	for p in "$@"; do echo $(($(st B "$p" rx_bytes) - before[$p])); done
}

check "the daemon runs as nobody (re-binding must work unprivileged)" \
	[ "$(ps -o user= -p "$apid" | tr -d ' ')" = nobody ]

# ---------------------------------------------------------------- (a) NAT-style change
big=$NA_TMP/big
head -c 30M /dev/urandom >"$big"
# Promoting the secondary keeps 198.18.1.3 when the primary 198.18.1.1 goes (as NetworkManager sets it).
nsA sysctl -qw net.ipv4.conf.path1.promote_secondaries=1
base=$(link_stat B "$IF_B" rx_bytes)
(
	until [ $(($(link_stat B "$IF_B" rx_bytes) - base)) -ge $((10 << 20)) ]; do sleep 0.02; done
	nsA ip addr add 198.18.1.3/24 dev path1
	nsA ip addr del 198.18.1.1/24 dev path1
	echo "$(($(link_stat B "$IF_B" rx_bytes) - base)) $(st B 1 rx_bytes)" >"$NA_TMP/changed"
) &
changer=$!
send_file A B "$TUN_V4_B" "$big"
rc=$?
kill "$changer" 2>/dev/null
wait "$changer" 2>/dev/null
read -r at p1_at <"$NA_TMP/changed" 2>/dev/null
log "(a) address changed after $((${at:-0} >> 20)) MB of 30 MB; transfer exit $rc"
check "the address changed midway through the transfer" [ "${at:-999999999}" -lt $((25 << 20)) ]
check "the 30 MB transfer completed across the change" [ "$rc" -eq 0 ]
check "and arrived intact (SHA-256)" [ "$(sha "$big")" = "$(sha "$big.rx" 2>/dev/null)" ]
port=$(st A 1 local)
port=${port##*:}
check "B follows p1 to its new address (198.18.1.3:$port)" wait_for "[ \"\$(st B 1 remote)\" = 198.18.1.3:$port ]"
log "(a) B's p1: remote $(st B 1 remote), $(($(st B 1 rx_bytes) - ${p1_at:-0})) bytes received since the change"
check "p1 carried data after the change" [ $(($(st B 1 rx_bytes) - ${p1_at:-0})) -gt $((1 << 20)) ]
check "A logs 'path p1: local address 198.18.1.1 gone'" grep -q "path p1: local address 198.18.1.1 gone" "$alog"

# ---------------------------------------------------------------- (c) devices re-created
fails="$(st A 2 failures):$(st A 3 failures)"
check "p2 and p3 never failed so far (failures $fails)" [ "$fails" = 0:0 ]
# The host set-up's route of p3's table goes with path3; the daemon must add it back.
p3route=$(awk '$2 == "route" && / dev path3 / { sub(/^[^ ]+ route /, ""); print; exit }' "$(na_rundir A)/$IF_A.journal")
p3table=${p3route##* table }
check "the set-up routed p3 through path3 in a table of its own ($p3route)" \
	grep -q "dev path3" <(nsA ip route show table "${p3table:-none}" 2>/dev/null)
check "the daemon kept CAP_NET_ADMIN alone for that (CapEff 0000000000001000)" \
	grep -qx "CapEff:[[:space:]]*0000000000001000" "/proc/$apid/status"
nsA ip link del path1
nsA ip link del path3
check "deleting path3 took the route along" \
	test -z "$(nsA ip route show table "${p3table:-none}" 2>/dev/null | grep "dev path3")"
down=$(ms_until A 1 down 3000)
log "(c) path1 and path3 deleted: A shows p1 down after $down ms, p3 $(st A 3 state)"
_host_side A 1 || die "re-creating path1"
_host_side A 3 || die "re-creating path3"
up1=$(ms_until A 1 up 5000)
up3=$(ms_until A 3 up 5000)
log "(c) re-created: p1 up after $up1 ms, p3 after $up3 ms more"
check "p1 (any address on path1) is up again within 3 s ($up1 ms)" faster "$up1" 3000
check "p3 (198.18.3.1 on path3) is up again within 3 s ($up3 ms)" faster "$up3" 3000
check "A added the route of p3's table back (${p3route%% table *})" \
	wait_for "nsA ip route show table ${p3table:-none} 2>/dev/null | grep -q 'dev path3'"
check "A logs it: 'route ... dev path3 ...: added back'" grep -q "route .* dev path3 .*: added back" "$alog"
for i in 1 3; do
	idx=$(nsA cat "/sys/class/net/path$i/ifindex")
	check "A logs 'path p$i: re-bound to path$i (ifindex $idx)'" \
		grep -q "path p$i: re-bound to path$i (ifindex $idx)" "$alog"
done
read -r m1 m3 < <(moved_by 1 3 | tr '\n' ' ')
log "(c) 6 MB sent: B received $m1 bytes on p1, $m3 on p3"
check "the re-bound p1 carries data" [ "${m1:-0}" -gt $((512 << 10)) ] 2>/dev/null
check "the re-bound p3 carries data" [ "${m3:-0}" -gt $((512 << 10)) ] 2>/dev/null
check "p2 never went down meanwhile (failures $(st A 2 failures))" [ "$(st A 2 failures)" = 0 ]

# ---------------------------------------------------------------- (b) address gone and back
others() { echo "$(st A 1 failures):$(st A 3 failures)"; }
others_before=$(others)
nsA ip addr del 198.18.2.1/24 dev path2
down=$(ms_until A 2 down 3000)
check "p2 is down once 198.18.2.1 is gone ($down ms)" faster "$down" 3000
check "A logs 'path p2: local address 198.18.2.1 gone'" grep -q "path p2: local address 198.18.2.1 gone" "$alog"
nsA ip addr add 198.18.2.1/24 dev path2
up=$(ms_until A 2 up 5000)
log "(b) 198.18.2.1 back: p2 up after $up ms"
check "p2 is up again within 3 s of its address's return ($up ms)" faster "$up" 3000
check "A logs 'path p2: local address 198.18.2.1 is back'" \
	grep -q "path p2: local address 198.18.2.1 is back" "$alog"
m2=$(moved_by 2)
log "(b) 6 MB sent: B received $m2 bytes on p2"
check "p2 carries data again" [ "${m2:-0}" -gt $((512 << 10)) ] 2>/dev/null
check "p1 and p3 did not fail meanwhile (failures $others_before, then $(others))" [ "$(others)" = "$others_before" ]
check "the daemon is still running" pid_alive "$apid"
log "A's log of the changes:"
grep -E "path p[123]: (local|re-bound|path|device)" "$alog" | sed 's/^/  /'
finish
