#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The accepting daemon under valgrind through a transfer, a transfer back during which a
# path is cut and restored (failover and outage repair), a burst of hostile frames and a
# stop: no memory errors, nothing leaked, no file descriptor left open or gained.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd valgrind socat jq
INJECT=${INJECT:-$(dirname "$NETAGG")/tests/tools/inject}

topo_create 2 v4
write_configs v4 1 1
mkdir -p "$(na_rundir B)"
vglog=$NA_TMP/valgrind.log
bg_start B env NETAGG_RUNDIR="$(na_rundir B)" valgrind --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-fds=yes --vgdb=no \
	--log-file="$vglog" "$NETAGG" run "$(na_conf B)"
vg=$BG_PID
for i in $(seq 150); do [ -S "$(na_sockfile B)" ] && break; sleep 0.2; done
[ -S "$(na_sockfile B)" ] || die "the daemon under valgrind did not come up: $(tail -5 "$vglog")"
na_up A || die "netagg up A"
wait_ping A "$TUN_V4_B" 10 >/dev/null || die "no ping through the tunnel"

payload=$NA_TMP/payload
head -c 2M /dev/urandom >"$payload"
send_file A B "$TUN_V4_B" "$payload" || die "warm-up transfer"
fds0=$(ls "/proc/$vg/fd" | wc -l)
head -c 20M /dev/urandom >"$payload"
send_file A B "$TUN_V4_B" "$payload" && check "20 MB through the daemon under valgrind, SHA-256 equal" \
	[ "$(sha "$payload")" = "$(sha "$payload.rx")" ] || fail "transfer under valgrind"
# Back from B, with path 2 cut for 1 s after 1 s: B takes it down, asks for what A sent on
# it, and resends what A asks for.
( sleep 1; wan_cut 2; sleep 1; wan_restore 2 ) &
cutter=$!
send_file B A "$TUN_V4_A" "$payload" && check "20 MB back from it across a path cut, SHA-256 equal" \
	[ "$(sha "$payload")" = "$(sha "$payload.rx")" ] || fail "transfer back under valgrind"
wait "$cutter"
stB=$(na_status B)
log "B across the cut: path 2 failures $(jq '.paths[1].failures' <<<"$stB"), outage entries sent" \
	"$(jq .repair.outages_asked <<<"$stB"), frames resent for the peer's $(jq .repair.outage_resent <<<"$stB")"
check "B saw path 2 fail" test "$(jq '.paths[1].failures' <<<"$stB")" -ge 1
if [ -x "$INJECT" ]; then
	for kind in short garbage badkey badinit nosession; do
		nsA "$INJECT" "$kind" 1000 "$(path_addr B 1)" "$NA_PORT" 0 1 >/dev/null
	done
fi
na_status B >/dev/null
fds1=$(ls "/proc/$vg/fd" | wc -l)
check "no fd growth under load ($fds0 -> $fds1)" [ "$fds0" -eq "$fds1" ]

na_down B >/dev/null
wait "$vg"
rc=$?
log "valgrind: $(grep -E 'ERROR SUMMARY|definitely lost|in use at exit|FILE DESCRIPTORS' "$vglog" | sed 's/^==[0-9]*== //' | tr '\n' ';')"
check "valgrind exit status 0 (no errors, no leaks), got $rc" [ "$rc" -eq 0 ]
check "no memory errors" grep -q "ERROR SUMMARY: 0 errors" "$vglog"
check "nothing in use at exit" grep -q "All heap blocks were freed -- no leaks are possible" "$vglog"
# At exit no descriptor the daemon opened may remain: valgrind marks the others
# "<inherited from parent>" (whatever the shell that started the test had open).
own_fds=$(awk '/Open file descriptor [0-9]+:/ { fd = $0; getline; if ($0 !~ /inherited from parent/) n++ }
	END { print n + 0 }' "$vglog")
check "no descriptor opened by the daemon left open at exit ($own_fds)" [ "$own_fds" -eq 0 ]
finish
