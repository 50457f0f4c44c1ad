#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An attacker on a path's network sends, while a 50 MB transfer runs through the tunnel,
# 107 000 hostile frames: truncated, garbage, sealed with a wrong key, forged handshakes,
# unsealed, for no session, for a bad path, and captured genuine frames replayed. The
# transfer completes intact; every frame is dropped and counted under its own reason;
# none reaches the TUN; the learned peer address does not move; memory and fds stay flat.
# Also: a key file others may read is refused, and the daemon runs as nobody.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_netagg
need_cmd socat jq sha256sum
INJECT=${INJECT:-$(dirname "$NETAGG")/tests/tools/inject}
[ -x "$INJECT" ] || die "inject tool not found at $INJECT"

topo_create 2 v4
na_bond v4 1 1 || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
B1=$(path_addr B 1)

# The attacker: a host on path 1's network, next to A.
NS_M="${NS_PREFIX}M"
_ns_add "$NS_M"
ip link add m1 netns "$NS_M" type veth peer name m1w netns "$NS_W" || die "attacker veth"
nsW ip link set m1w master br1 up
ip -n "$NS_M" addr add 198.18.1.3/24 dev m1
ip -n "$NS_M" link set m1 up
nsM() { ip netns exec "$NS_M" "$@"; }

# Capture 2000 genuine frames (about half of the ~6000 the pings make; the other half take path 2) from A to B in the wire, where an eavesdropper would, as
# they arrive from A (a packet socket bound to IPv4 sees only frames received).
REPLAYS=2000
bg_start W "$INJECT" capture a1 "$NA_PORT" "$REPLAYS" "$NA_TMP/captured" >/dev/null
cap=$BG_PID
nsA ping -q -f -c 3000 -s 1000 "$TUN_V4_B" >/dev/null 2>&1
nsA ping -q -f -c 3000 "$TUN_V4_B" >/dev/null 2>&1
wait "$cap" || die "capture failed"

drops() { na_status B | jq -c .drops; }
drop() { jq ".$2" <<<"$1"; }
tun() { link_stat "$1" "$(na_iface "$1")" "$2"; }
peer1() { na_status B | jq -r '.paths[0].remote'; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
udp_errors() { nsB awk '/^Udp:/ { n++; if (n == 2) print $4 + $6 }' /proc/net/snmp; }

# A warm-up transfer first, so the baseline memory already has its frame buffers touched.
payload=$NA_TMP/payload
head -c 10M /dev/urandom >"$payload"
send_file A B "$TUN_V4_B" "$payload" || die "warm-up transfer"

pid=${NA_PID[B]}
d0=$(drops)
peer0=$(peer1)
a_tx0=$(tun A tx_packets); b_rx0=$(tun B rx_packets); udp0=$(udp_errors)
rss0=$(rss_kb "$pid"); fds0=$(fds "$pid")

head -c 50M /dev/urandom >"$payload"
( send_file A B "$TUN_V4_B" "$payload" ) &
transfer=$!

declare -A sent=([short]=20000 [garbage]=20000 [badkey]=20000 [badinit]=10000 [unsealed]=10000
	[nosession]=10000 [badpath]=15000)
for kind in short garbage badkey badinit unsealed nosession badpath; do
	nsM "$INJECT" "$kind" "${sent[$kind]}" "$B1" "$NA_PORT" 0 1 >/dev/null || die "inject $kind"
done
nsM "$INJECT" replay "$NA_TMP/captured" "$B1" "$NA_PORT" >/dev/null || die "replay"
total=$REPLAYS
for kind in "${!sent[@]}"; do total=$((total + sent[$kind])); done
log "injected $total hostile frames at $B1:$NA_PORT"

wait "$transfer"
check "the 50 MB transfer completed intact under attack" [ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
sleep 0.5

a_sent=$(($(tun A tx_packets) - a_tx0)); b_got=$(($(tun B rx_packets) - b_rx0)); udp=$(($(udp_errors) - udp0))
d1=$(drops)
delta() { echo $(($(drop "$d1" "$1") - $(drop "$d0" "$1"))); }
check "short: $(delta short) of ${sent[short]}" [ "$(delta short)" -eq "${sent[short]}" ]
check "bad_version (garbage): $(delta bad_version) of ${sent[garbage]}" [ "$(delta bad_version)" -eq "${sent[garbage]}" ]
want=$((sent[badkey] + sent[badinit]))
check "bad_auth (wrong key, forged handshakes): $(delta bad_auth) of $want" [ "$(delta bad_auth)" -eq "$want" ]
check "unsealed: $(delta unsealed) of ${sent[unsealed]}" [ "$(delta unsealed)" -eq "${sent[unsealed]}" ]
check "no_session: $(delta no_session) of ${sent[nosession]}" [ "$(delta no_session)" -eq "${sent[nosession]}" ]
check "bad_path: $(delta bad_path) of ${sent[badpath]}" [ "$(delta bad_path)" -eq "${sent[badpath]}" ]
check "replay: $(delta replay) of $REPLAYS" [ "$(delta replay)" -eq "$REPLAYS" ]

# The counts above are exact only if B's kernel dropped no datagram before netagg saw it
# (the injector paces itself for that).
check "B's kernel dropped no datagram ($udp receive errors)" [ "$udp" -eq 0 ]
# What B wrote to its TUN is exactly what A read from its own, unless B's kernel
# itself dropped datagrams (then fewer, never more).
log "inner packets: A read $a_sent from its TUN, B wrote $b_got to its TUN; B's UDP receive errors: $udp"
if [ "$udp" -eq 0 ]; then
	check "nothing injected reached B's TUN ($b_got = $a_sent)" [ "$b_got" -eq "$a_sent" ]
else
	check "nothing injected reached B's TUN ($b_got <= $a_sent)" [ "$b_got" -le "$a_sent" ]
fi
check "the learned peer of path 1 did not move ($(peer1))" [ "$(peer1)" = "$peer0" ]
rss1=$(rss_kb "$pid"); fds1=$(fds "$pid")
log "daemon B: RSS $rss0 -> $rss1 kB, fds $fds0 -> $fds1"
check "RSS stays flat (grew $((rss1 - rss0)) kB, limit 256)" [ $((rss1 - rss0)) -lt 256 ]
check "no fd growth" [ "$fds1" -eq "$fds0" ]
check "the daemon runs as nobody" [ "$(ps -o user= -p "$pid")" = nobody ]

# A key file that group or others may read is refused, naming the file.
chmod 644 "$NA_KEY"
out=$(na A down "$IF_A" >/dev/null 2>&1; na A up "$(na_conf A)" 2>&1)
rc=$?
check "up with a world-readable key exits 1" [ "$rc" -eq 1 ]
check "and says why" grep -qF "key file $NA_KEY: readable by group or others (mode 0644); run chmod 600 on it" <<<"$out"
check "and leaves no TUN behind" bash -c "! ip netns exec $NS_A ip link show $IF_A >/dev/null 2>&1"
chmod 600 "$NA_KEY"
finish
