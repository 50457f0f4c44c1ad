#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Raw mode with NetAgg's own command line: the receiver has a primary and a secondary
# address on two interfaces, the sender two paths. Exactly the two -A commands; a stock
# TCP client sends 50 MB to a server listening only on the primary addr:port; a quarter
# of the data packets take the secondary path. -F falls back to the primary path; bad
# arguments change nothing (exit 2); after down, and after kill -9 plus down, the
# host's sysctls, rules, routes and filter rules are exactly as before.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_netagg
need_cmd socat iptables-save jq

topo_create 2 v4
P=$(path_addr B 1):5001 # primary: the example's 10.0.0.11:1234
S=$(path_addr B 2):5001 # secondary: 10.0.0.12:1234
PORT=5001

# rules_only : iptables-save without comments, chain policies and tables left empty (the
# nft backend creates a table on first use and keeps it; an empty one filters nothing).
rules_only() {
	grep -v -e '^#' -e '^:' | awk '/^\*/ { t = $0; next } /^COMMIT/ { if (t == "") print; t = ""; next }
		{ if (t != "") { print t; t = "" } print }'
}
# snap SIDE : the host state netagg may change (net.* sysctls without the kernel's counters
# and per-boot values, policy rules, every routing table, filter rules without counters).
snap() {
	ns "$1" sysctl -a 2>/dev/null | grep '^net\.' |
		grep -v -e 'nf_conntrack_count' -e '\.stable_secret' -e 'netfilter.nf_log' -e 'base_reachable_time'
	ns "$1" ip rule show
	ns "$1" ip -6 rule show
	ns "$1" ip route show table all
	ns "$1" ip -6 route show table all
	ns "$1" iptables-save | rules_only
	ns "$1" ip6tables-save | rules_only
}
# same NAME SIDE FILE : SIDE's state equals the one saved in FILE.
same() {
	if diff -u "$3" <(snap "$2") >"$NA_TMP/diff"; then pass "$1"; else fail "$1"; cat "$NA_TMP/diff"; fi
}
# seed SIDE ARGS... : NetAgg's command line in SIDE (no subcommand).
seed() { na "$@"; }
# daemon_pid SIDE : the raw-mode instance's pid.
daemon_pid() { cat "$(na_rundir "$1")/netagg.pid" 2>/dev/null; }

snap A >"$NA_TMP/A.before"
snap B >"$NA_TMP/B.before"

check "-A receiver exits 0" seed B -A receiver -P "$P" -S "$S"
check "-A sender exits 0" seed A -A sender -P "$P" -S "$S" -R 7500:2500
track_pid "$(daemon_pid A)"
track_pid "$(daemon_pid B)"
check "the sender's daemon keeps only CAP_NET_ADMIN" \
	grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$(daemon_pid A)/status"
check "and runs as nobody" test "$(stat -c %U "/proc/$(daemon_pid A)")" = nobody

# transfer BYTES [PRIMARY] : BYTES from A to a server bound to the primary address only.
transfer() {
	local bytes=$1 to=${2:-$P} rx
	head -c "$bytes" /dev/urandom >"$NA_TMP/f"
	rm -f "$NA_TMP/f.rx"
	bg_start B timeout 120 socat -u "TCP4-LISTEN:${to##*:},reuseaddr,bind=${to%:*}" "CREATE:$NA_TMP/f.rx"
	rx=$BG_PID
	wait_listen B "${to##*:}" || return 1
	nsA timeout 120 socat -u "OPEN:$NA_TMP/f" "TCP4:$to" || return 1
	wait "$rx"
}
counters() {
	echo "$(link_stat B path1 rx_packets) $(link_stat B path1 rx_bytes) $(link_stat B path2 rx_packets) $(link_stat B path2 rx_bytes)"
}

read -r p1 b1 p2 b2 < <(counters)
check "50 MB reach a server listening only on the primary" transfer 50000000
check "SHA-256 matches" test "$(sha "$NA_TMP/f")" = "$(sha "$NA_TMP/f.rx")"
read -r q1 c1 q2 c2 < <(counters)
share_pkts=$(pct $((q2 - p2)) $((q1 - p1)))
share_bytes=$(pct $((c2 - b2)) $((c1 - b1)))
log "secondary interface: $((q2 - p2)) of $((q1 - p1 + q2 - p2)) packets ($share_pkts %), $share_bytes % of bytes"
check "the secondary carries 25 % +- 2 of the data packets" within "$share_pkts" 25 2

# A second rule, for another primary port, 1:1, beside the first.
P2=${P%:*}:5002
S2=${S%:*}:5002
check "a second -A receiver exits 0" seed B -A receiver -P "$P2" -S "$S2"
check "a second -A sender exits 0" seed A -A sender -P "$P2" -S "$S2"
read -r p1 b1 p2 b2 < <(counters)
check "10 MB to the second primary" transfer 10000000 "$P2"
read -r q1 c1 q2 c2 < <(counters)
share2=$(pct $((q2 - p2)) $((q1 - p1)))
log "second rule (1:1): the secondary interface carried $share2 % of the packets"
check "the second rule splits 1:1 (50 % +- 3)" within "$share2" 50 3
check "the sender shows both rules" test "$(na A status -j netagg | jq '[.paths[] | select(.state == "sender")] | length')" = 4
na A status netagg
na B status netagg

# Bad arguments: exit 2, nothing applied.
snap A >"$NA_TMP/A.rules"
for bad in "-A sender -P ${P%:*} -S $S" "-A sender -P $P -S 198.18.2.x:5001" "-A sender -P $P -S $S -R 0:0" \
	"-A sender -P $P -S ${S%:*}:70000" "-A sender -P $P" "-A both -P $P -S $S" "-F sender -P $P"; do
	# shellcheck disable=SC2086
	seed A $bad 2>"$NA_TMP/err"
	rc=$?
	check "'netagg $bad' exits 2 ($(head -1 "$NA_TMP/err"))" test "$rc" = 2
done
seed A -A sender -P "$P" -S "$S" 2>"$NA_TMP/err"
rc=$?
check "a duplicate rule is refused, exit 1 ($(head -1 "$NA_TMP/err"))" test "$rc" = 1
same "refused commands changed nothing" A "$NA_TMP/A.rules"

# -F: back to the primary path only.
check "-F sender exits 0" seed A -F sender
read -r p1 b1 p2 b2 < <(counters)
check "5 MB after -F" transfer 5000000
read -r q1 c1 q2 c2 < <(counters)
log "after -F: secondary interface received $((c2 - b2)) bytes of $((c1 - b1 + c2 - b2))"
check "after -F the secondary carries no data" test $((c2 - b2)) -lt 50000
check "-F receiver exits 0" seed B -F receiver

check "down (A)" na A down netagg
check "down (B)" na B down netagg
same "after down, A's host state is as before" A "$NA_TMP/A.before"
same "after down, B's host state is as before" B "$NA_TMP/B.before"

# SIGKILL, then down.
seed B -A receiver -P "$P" -S "$S" >/dev/null
seed A -A sender -P "$P" -S "$S" -R 7500:2500 >/dev/null
cp "$(na_rundir A)/netagg.journal" "$NA_TMP/A.journal"
for side in A B; do
	pid=$(daemon_pid "$side")
	track_pid "$pid"
	kill -KILL "$pid"
done
sleep 0.2
# A restart over a crashed instance's leftovers: they are undone first, then applied anew.
check "-A again after kill -9 starts afresh" seed A -A sender -P "$P" -S "$S" -R 7500:2500
track_pid "$(daemon_pid A)"
check "with one copy of each change" test "$(grep -c . "$(na_rundir A)/netagg.journal")" = \
	"$(grep -c . "$NA_TMP/A.journal")"
kill -KILL "$(daemon_pid A)"
sleep 0.2
check "down after kill -9 (A)" na A down netagg
check "down after kill -9 (B)" na B down netagg
same "after kill -9 and down, A's host state is as before" A "$NA_TMP/A.before"
same "after kill -9 and down, B's host state is as before" B "$NA_TMP/B.before"

# The same from config files, with `up` and `down`.
printf 'interface = "rawA";\nmode = "raw";\nrules = ( { role = "sender"; primary = "%s"; secondary = "%s"; ratio = "3:1"; } );\n' \
	"$P" "$S" >"$NA_TMP/rawA.conf"
printf 'interface = "rawB";\nmode = "raw";\nrules = ( { role = "receiver"; primary = "%s"; secondary = "%s"; } );\n' \
	"$P" "$S" >"$NA_TMP/rawB.conf"
chmod 644 "$NA_TMP"/raw?.conf
check "up rawB.conf" na B up "$NA_TMP/rawB.conf"
check "up rawA.conf" na A up "$NA_TMP/rawA.conf"
track_pid "$(cat "$(na_rundir A)/rawA.pid")"
track_pid "$(cat "$(na_rundir B)/rawB.pid")"
read -r p1 b1 p2 b2 < <(counters)
check "10 MB with the rules from config files" transfer 10000000
check "SHA-256 matches (config files)" test "$(sha "$NA_TMP/f")" = "$(sha "$NA_TMP/f.rx")"
read -r q1 c1 q2 c2 < <(counters)
share3=$(pct $((q2 - p2)) $((q1 - p1)))
log "config files (3:1): the secondary interface carried $share3 % of the packets"
check "25 % +- 2 on the secondary" within "$share3" 25 2

# The sender's set-up routes the secondary through its device in a table of its own.
# Deleting the device (a modem re-dialling) takes that route along; without it the
# rewritten packets would leave by the main table, which on a router is the primary's
# default route. The daemon adds it back when the device reappears.
sroute=$(awk '$2 == "route" && / dev path2 / { sub(/^[^ ]+ route /, ""); print; exit }' "$(na_rundir A)/rawA.journal")
stable=${sroute##* table }
check "the set-up routed the secondary through path2 in a table of its own ($sroute)" \
	grep -q "dev path2" <(nsA ip route show table "${stable:-none}" 2>/dev/null)
nsA ip link del path2
check "deleting path2 took the route along" \
	test -z "$(nsA ip route show table "${stable:-none}" 2>/dev/null | grep "dev path2")"
_host_side A 2 || die "re-creating path2"
check "the raw-mode daemon added the route back (${sroute%% table *})" \
	wait_for "nsA ip route show table ${stable:-none} 2>/dev/null | grep -q 'dev path2'"
read -r p1 b1 p2 b2 < <(counters)
check "10 MB after path2 was re-created" transfer 10000000
read -r q1 c1 q2 c2 < <(counters)
share3=$(pct $((q2 - p2)) $((q1 - p1)))
log "after path2 was re-created (3:1): the secondary interface carried $share3 % of the packets"
check "25 % +- 2 on the secondary again" within "$share3" 25 2
check "down rawA" na A down rawA
check "down rawB" na B down rawB
same "after down (config files), A's host state is as before" A "$NA_TMP/A.before"
same "after down (config files), B's host state is as before" B "$NA_TMP/B.before"

# The udp mode's host set-up: two paths on two devices get a routing table each, chosen by
# source address; --dry-run shows it and changes nothing; down restores everything.
write_configs v4 1 1
na A up --dry-run "$(na_conf A)" >"$NA_TMP/plan"
log "up --dry-run (A): $(tr '\n' ';' <"$NA_TMP/plan")"
check "--dry-run plans a rule per path" test "$(grep -c '^rule from 198.18.[12].1/32 table' "$NA_TMP/plan")" = 2
check "--dry-run plans rp_filter" grep -q '^sysctl net.ipv4.conf.all.rp_filter=2' "$NA_TMP/plan"
same "--dry-run changed nothing" A "$NA_TMP/A.before"
na_up B && na_up A
check "a policy rule for path 1's source" grep -q 'from 198.18.1.1 lookup' <(nsA ip rule)
check "the tunnel works over it" wait_ping A "$TUN_V4_B"
check "down (udp A)" na_down A
check "down (udp B)" na_down B
same "after down, A's host state is as before (udp)" A "$NA_TMP/A.before"
same "after down, B's host state is as before (udp)" B "$NA_TMP/B.before"
finish
