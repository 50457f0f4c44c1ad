#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The way back fails on every path for 6 s while A's frames still reach B. A hears
# nothing: its paths go down (it sends no data then) and it starts handshakes, one a
# second, since the peer may have restarted. B answers each, and the answers are lost.
# Those sessions must not push the one in use out of B's table (four slots): B then
# dropped all A's frames, keepalives included, as no_session, and could send nothing
# itself until a handshake got through.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq iptables

# way_back off|on : drop, or pass again, every frame from B to A in the wire.
way_back() {
	local i op=-I
	[ "$1" = on ] && op=-D
	for i in 1 2; do
		nsW iptables "$op" FORWARD -m physdev --physdev-in "b$i" -j DROP || return 1
	done
}

no_session() { na_status B | jq '.drops.no_session'; }

topo_create 2 v4
# Bridged frames must reach iptables in W (netns.sh turns that off).
nsW sysctl -qw net.bridge.bridge-nf-call-iptables=1 || skip "no bridge netfilter (br_netfilter)"
write_configs v4 1 1
{ na_up B && na_up A; } >/dev/null || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
hs0=$(na_status B | jq .handshakes)

way_back off || die "iptables"
sleep 4
ns4=$(no_session)
sleep 2
ns6=$(no_session)
way_back on || die "iptables"
hs=$(($(na_status B | jq .handshakes) - hs0))
log "B answered $hs handshake(s) during the cut; from 4 s to 6 s into it, it dropped $((ns6 - ns4)) of A's frames as no_session"
check "A, hearing nothing, asked for new sessions (B answered 4 or more: enough to fill its table)" test "$hs" -ge 4
check "B kept the session in use: none of A's frames dropped as no_session 4-6 s into the cut" test $((ns6 - ns4)) -eq 0
t0=$EPOCHREALTIME
back=""
for _ in $(seq 50); do
	if nsA ping -n -q -c 1 -W 0.1 "$TUN_V4_B" >/dev/null 2>&1; then
		back=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
		break
	fi
done
log "the first ping after the way back healed came back after ${back:-never} s"
check "the tunnel works both ways within 1 s of the repair" awk -v b="$back" 'BEGIN { exit !(b != "" && b < 1) }'
finish
