#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A peer that runs a release of another wire version cannot bring the link up. Its
# frames are dropped and counted as bad_version; the daemon also says why in its log,
# once a minute per path, so that a flood of such frames cannot flood the log.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_netagg
need_cmd jq
INJECT=${INJECT:-$(dirname "$NETAGG")/tests/tools/inject}
[ -x "$INJECT" ] || die "inject tool not found at $INJECT"

topo_create 2 v4
write_configs v4 1 1
# B in the foreground, its log kept.
blog=$NA_TMP/b.log
mkdir -p "$(na_rundir B)"
bg_start B env NETAGG_RUNDIR="$(na_rundir B)" "$NETAGG" run "$(na_conf B)" 2>"$blog"
NA_PID[B]=$BG_PID
for _ in $(seq 50); do [ -S "$(na_sockfile B)" ] && break; sleep 0.1; done
[ -S "$(na_sockfile B)" ] || die "B did not start"

# 500 handshake initiations of wire version 1, as a peer of an older release sends them, from A's address on path 1.
nsA "$INJECT" oldversion 500 "$(path_addr B 1)" "$NA_PORT" 0 >/dev/null || die "inject"
sleep 0.5
st=$(na_status B)
log "B's drops: $(jq -c .drops <<<"$st")"
log "B's log: $(grep -c 'wire version' "$blog") line(s): $(grep 'wire version' "$blog" | head -1)"
check "every frame is dropped as bad_version (500)" test "$(jq .drops.bad_version <<<"$st")" = 500
check "B says why, naming the path, the version and the sender" \
	grep -q "path p1: dropping frames of wire version 1 from $(path_addr A 1):[0-9]*; this end speaks version 2: both ends must run releases of the same protocol version" "$blog"
check "once, not per frame" test "$(grep -c 'wire version' "$blog")" = 1
check "B still runs" pid_alive "${NA_PID[B]}"
finish
