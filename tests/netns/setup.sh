#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The journalled host set-up (src/setup.c, driven by tests/tools/setupctl): the facts
# gathered give the expected plan; apply makes every change and undo restores sysctls,
# rules, routes and packet filter rules exactly; a change that fails rolls back the ones
# before it; the journal of a SIGKILLed process is undone by another; undoing one group
# leaves the other's changes (and a sysctl both set) in place.
#
# One namespace, no peer: two veths with addresses are all a plan needs.
# SETUPCTL names the driver (default /tmp/hset/setupctl).
# Exit 0 pass, 1 fail, 77 skip. Run as root: tests/netns/setup.sh
# shellcheck disable=SC2317 # the helpers run through check and expect
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_cmd sysctl iptables iptables-save ip6tables-save
SETUPCTL=${SETUPCTL:-/tmp/hset/setupctl}
[ -x "$SETUPCTL" ] || die "$SETUPCTL not found; build it first (or set SETUPCTL=)"

NS_H="nasu-$$-h"
h() { ip netns exec "$NS_H" "$@"; }
sc() { h "$SETUPCTL" "$@"; }
J=$NA_TMP/link.journal

_ns_add "$NS_H"
for i in 1 2; do
	ip -n "$NS_H" link add "a$i" type veth peer name "x$i" || die "veth a$i"
	ip -n "$NS_H" link set "x$i" up
	ip -n "$NS_H" link set "a$i" up
	ip -n "$NS_H" addr add "198.18.$i.1/24" dev "a$i" || die "address on a$i"
	ip -n "$NS_H" addr add "2001:2:0:$i::1/64" dev "a$i" nodad || die "IPv6 address on a$i"
done
ip -n "$NS_H" route add default via 198.18.1.254 dev a1 || die "default route"
ip -n "$NS_H" route add default via 198.18.2.254 dev a2 metric 10 || die "second default route"
ip -n "$NS_H" -6 route add default via 2001:2:0:1::fe dev a1 || die "IPv6 default route"
# The kernel adds the link-local addresses' routes once DAD is over: wait for that.
for _ in $(seq 50); do
	[ -z "$(h ip -6 addr show tentative)" ] && break
	sleep 0.1
done
[ -z "$(h ip -6 addr show tentative)" ] || die "IPv6 duplicate address detection did not finish"
# Already at the value a plan below asks for: apply must skip it and undo never touch it.
h sysctl -qw net.ipv4.conf.a2.arp_filter=1

# ---------------------------------------------------------------- snapshots

# iptables-save: rules and non-ACCEPT chains, each with its table, no counters. The nft
# backend creates a table with its built-in chains (policy ACCEPT) on first use and never
# removes them; such an empty chain filters nothing, so it is not a change to undo.
rules_of() {
	awk '/^\*/ { t = $1 } /^-A/ { print t, $0 } /^:/ && $2 != "ACCEPT" { print t, $1, $2 }'
}

# Volatile net.* sysctls, left out: nf_conntrack_count counts flows; tcp_fastopen_key
# is generated on the namespace's first TCP Fast Open use; nf_log.* follows which log
# modules any process on the host has loaded.
VOLATILE='^net\.(netfilter\.nf_conntrack_count|ipv4\.tcp_fastopen_key|netfilter\.nf_log\.)'

# snapshot DIR : the namespace's sysctls, policy rules, routes and packet filter rules.
snapshot() {
	mkdir -p "$1"
	h sysctl -a 2>/dev/null | grep '^net\.' | grep -Ev "$VOLATILE" >"$1/sysctl"
	{ h ip rule; h ip -6 rule; } >"$1/rules"
	{ h ip -4 route show table all; h ip -6 route show table all; } >"$1/routes"
	{ h iptables-save | rules_of; h ip6tables-save | rules_of; } >"$1/filters"
}

# common A B : A's sysctl lines whose key B has too. A key appears in every namespace
# when any process loads a module (br_netfilter, say); setting a sysctl never adds one.
common() { awk 'NR == FNR { k[$1]; next } ($1 in k)' "$2" "$1"; }

# same_as BASE : the namespace is as in snapshot BASE; prints what differs.
N_SNAP=0
same_as() {
	local now=$NA_TMP/snap.$((N_SNAP += 1)) f ok=0
	snapshot "$now"
	if ! diff <(common "$1/sysctl" "$now/sysctl") <(common "$now/sysctl" "$1/sysctl"); then
		ok=1
	fi
	for f in rules routes filters; do
		diff "$1/$f" "$now/$f" || ok=1
	done
	return "$ok"
}

# expect DESCRIPTION EXPECTED ACTUAL : pass if equal, else fail and show the difference.
expect() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'
	fi
}

sysctl_is() { [ "$(h sysctl -n "$1")" = "$2" ]; }
no_journal() { [ ! -e "$J" ]; }
lines_in() { [ -e "$1" ] && [ "$(wc -l <"$1")" -eq "$2" ]; }

snapshot "$NA_TMP/base"

# ---------------------------------------------------------------- plans from facts

out=$(sc link 198.18.1.1 198.18.2.1:5000 0.0.0.0:5001 2>&1)
expect "link plan from gathered facts (v4, two devices)" "sysctl net.ipv4.conf.all.arp_filter=1
sysctl net.ipv4.conf.all.rp_filter=2
sysctl net.ipv4.conf.a1.arp_filter=1
sysctl net.ipv4.conf.a1.rp_filter=2
sysctl net.ipv4.conf.a2.arp_filter=1
sysctl net.ipv4.conf.a2.rp_filter=2
route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20033
route default via 198.18.1.254 dev a1 table 20033
rule from 198.18.1.1/32 table 20033 priority 20033
route 198.18.2.0/24 dev a2 src 198.18.2.1 table 20034
route default via 198.18.2.254 dev a2 table 20034
rule from 198.18.2.1/32 table 20034 priority 20034" "$out"

out=$(sc link 2001:2:0:1::1 2001:2:0:2::1=7 2>&1)
expect "link plan from gathered facts (v6, a configured table)" "route 2001:2:0:1::/64 dev a1 src 2001:2:0:1::1 table 20033
route default via 2001:2:0:1::fe dev a1 table 20033
rule from 2001:2:0:1::1/128 table 20033 priority 20033
route 2001:2:0:2::/64 dev a2 src 2001:2:0:2::1 table 7
rule from 2001:2:0:2::1/128 table 7 priority 20034" "$out"

out=$(sc link 198.18.1.1 198.18.1.1 2>&1)
expect "link plan: one device, nothing to do" "" "$out"

out=$(sc rule sender 198.18.3.9:5001 198.18.2.9:5002 2>&1)
expect "sender rule plan: secondary routed through a2, asked for by ARP with its own address" "sysctl net.ipv4.conf.all.arp_announce=2
route 198.18.2.9/32 dev a2 table 20033
rule fwmark 0x4e410001/0xffff0000 table 20033 priority 20033
filter ipv4 mangle OUTPUT -p tcp -d 198.18.3.9/32 --dport 5001 -m comment --comment netagg:nasu -j NFQUEUE --queue-num 20033 --queue-bypass" "$out"

out=$(sc rule sender 198.18.2.9:5001 198.18.7.9:5001 2>&1)
expect "sender rule plan: off-link secondary via the main default gateway" \
	"route 198.18.7.9/32 via 198.18.1.254 dev a1 table 20033" "$(grep '^route' <<<"$out")"

out=$(sc rule receiver 198.18.9.1:5001 198.18.2.1:5001 2>&1); rc=$?
expect "receiver rule plan: primary on no interface is refused, named" \
	"1 setupctl: rule 1: primary 198.18.9.1 is on no interface" "$rc $out"

# ---------------------------------------------------------------- apply and undo

PLAN="sysctl net.ipv4.ip_forward=1
sysctl net.ipv6.conf.all.forwarding=1
sysctl net.ipv4.conf.all.rp_filter=2
sysctl net.ipv4.conf.all.arp_filter=1
sysctl net.ipv4.conf.a1.rp_filter=2
sysctl net.ipv4.conf.a2.arp_filter=1
route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20033
route default via 198.18.1.254 dev a1 table 20033
rule from 198.18.1.1/32 table 20033 priority 20033
route 2001:2:0:2::/64 dev a2 src 2001:2:0:2::1 table 20034
route default via 2001:2:0:2::fe dev a2 table 20034
rule from 2001:2:0:2::1/128 table 20034 priority 20034
rule fwmark 0x4e410001/0xffff0000 table 20034 priority 20035
filter ipv4 mangle OUTPUT -p tcp -d 198.18.3.9/32 --dport 5001 -m comment --comment netagg:nasu -j NFQUEUE --queue-num 20033 --queue-bypass
filter ipv6 raw PREROUTING -p tcp -d 2001:2:0:2::1/128 --dport 5001 -m comment --comment netagg:nasu -j NFQUEUE --queue-num 20033 --queue-bypass"

out=$(sc plan <<<"$PLAN" 2>&1)
expect "dry run: old values shown, the sysctl already set left out" \
	"$(sed -e '/a2.arp_filter/d' -e 's/^sysctl .*/& old=0/' <<<"$PLAN")" "$out"
check "dry run changes nothing" same_as "$NA_TMP/base"

out=$(sc apply "$J" <<<"$PLAN" 2>&1); rc=$?
expect "apply exits 0" "0 " "$rc $out"
check "journal: one line per change made (14 of 15)" lines_in "$J" 14
check "journal is mode 0600" [ "$(stat -c %a "$J")" = 600 ]
check "journal: old value recorded" grep -qx "link sysctl net.ipv4.conf.all.rp_filter=2 old=0" "$J"
check "journal: no line for the sysctl already set" bash -c "! grep -q a2.arp_filter '$J'"
check "ip_forward is 1" sysctl_is net.ipv4.ip_forward 1
check "IPv6 forwarding is 1" sysctl_is net.ipv6.conf.all.forwarding 1
check "rp_filter all is 2" sysctl_is net.ipv4.conf.all.rp_filter 2
check "rp_filter a1 is 2" sysctl_is net.ipv4.conf.a1.rp_filter 2
check "arp_filter all is 1" sysctl_is net.ipv4.conf.all.arp_filter 1
check "table 20033 holds the subnet and default routes" [ "$(h ip route show table 20033)" = \
	"default via 198.18.1.254 dev a1 proto static 
198.18.1.0/24 dev a1 proto static scope link src 198.18.1.1 " ]
check "table 20034 holds the IPv6 routes" [ "$(h ip -6 route show table 20034 | wc -l)" -eq 2 ]
check "rule from 198.18.1.1" grep -qx "20033:	from 198.18.1.1 lookup 20033" <(h ip rule)
check "rule from 2001:2:0:2::1" grep -qx "20034:	from 2001:2:0:2::1 lookup 20034" <(h ip -6 rule)
check "rule fwmark" grep -qx "20035:	from all fwmark 0x4e410001/0xffff0000 lookup 20034" <(h ip rule)
check "iptables mangle OUTPUT rule" grep -q "^-A OUTPUT -d 198.18.3.9/32 .*netagg:nasu.*--queue-bypass" \
	<(h iptables-save -t mangle)
check "ip6tables raw PREROUTING rule" grep -q "^-A PREROUTING -d 2001:2:0:2::1/128 .*--queue-num 20033" \
	<(h ip6tables-save -t raw)
check "pending counts 14" [ "$(sc pending "$J")" = 14 ]

# The same plan again: the sysctls are recorded (the journal holds their keys), then the
# first route exists; everything this second call did is undone and its lines dropped.
cp "$J" "$NA_TMP/journal.before"
snapshot "$NA_TMP/applied"
out=$(sc apply "$J" <<<"$PLAN" 2>&1); rc=$?
expect "applying twice exits 1, naming the route that exists" \
	"1 setupctl: route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20033: File exists" "$rc $out"
check "the failed second apply left the journal as it was" cmp -s "$J" "$NA_TMP/journal.before"
check "the failed second apply left the host as it was" same_as "$NA_TMP/applied"

out=$(sc undo "$J" 2>&1); rc=$?
expect "undo exits 0" "0 " "$rc $out"
check "undo removed the journal" no_journal
check "after undo the host is as before (sysctls, rules, routes, filters)" same_as "$NA_TMP/base"
check "the sysctl set before apply is still set" sysctl_is net.ipv4.conf.a2.arp_filter 1
check "undo without a journal exits 0" sc undo "$J"

# ---------------------------------------------------------------- rollback

# rollback_case NAME PLAN MESSAGE : the 4th change fails with MESSAGE (a glob); the
# first 3 are undone.
rollback_case() {
	out=$(sc apply "$J" <<<"$2" 2>&1); rc=$?
	# shellcheck disable=SC2053 # $3 is a pattern
	if [ "$rc" -eq 1 ] && [[ $out == setupctl:\ $3 ]]; then
		pass "$1: apply exits 1, naming the change"
	else
		fail "$1: apply exits 1, naming the change (exit $rc: $out)"
	fi
	check "$1: no journal left" no_journal
	check "$1: the first 3 changes rolled back exactly" same_as "$NA_TMP/base"
}

rollback_case "unreachable gateway" "sysctl net.ipv4.conf.all.rp_filter=2
route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20033
rule from 198.18.1.1/32 table 20033 priority 20033
route default via 198.18.9.254 dev a1 table 20033
sysctl net.ipv4.ip_forward=1" \
	"route default via 198.18.9.254 dev a1 table 20033: Network is unreachable"

rollback_case "iptables refuses" "filter ipv4 mangle OUTPUT -p tcp -d 198.18.3.9/32 --dport 5001 -j NFQUEUE --queue-num 5
sysctl net.ipv4.conf.a1.rp_filter=2
rule fwmark 0x4e410001/0xffff0000 table 20034 priority 20035
filter ipv4 mangle OUTPUT -p tcp -d 198.18.3.9/32 --dport 5001 -j NOSUCHTARGET" \
	"filter ipv4 mangle OUTPUT -p tcp -d 198.18.3.9/32 --dport 5001 -j NOSUCHTARGET: iptables -A exited with 2: ?*"

# ---------------------------------------------------------------- crash

# A stand-in iptables that blocks: the applier is SIGKILLed while it runs, after the
# filter's journal line is on disk but before the rule exists.
stub=$NA_TMP/stub
mkdir -p "$stub"
printf '#!/bin/sh\necho $$ >"%s/pid"\nexec sleep 60\n' "$stub" >"$stub/iptables"
chmod 755 "$stub/iptables"
CRASH_PLAN="sysctl net.ipv4.conf.all.rp_filter=2
route 198.18.2.0/24 dev a2 src 198.18.2.1 table 20033
rule from 198.18.2.1/32 table 20033 priority 20033
filter ipv4 raw PREROUTING -p tcp -d 198.18.2.1/32 --dport 5001 -j NFQUEUE --queue-num 7 --queue-bypass
sysctl net.ipv4.ip_forward=1"
printf '%s\n' "$CRASH_PLAN" >"$NA_TMP/crash.plan"
# Through sh -c for the redirection (a background job's stdin is /dev/null); sh and env
# exec, so BG_PID is setupctl itself.
# shellcheck disable=SC2016 # expanded by that sh
bg_start H sh -c 'exec env PATH="$1" "$2" apply "$3" <"$4"' sh "$stub:$PATH" "$SETUPCTL" "$J" "$NA_TMP/crash.plan"
applier=$BG_PID
for _ in $(seq 50); do [ -s "$stub/pid" ] && break; sleep 0.1; done
stubpid=$(cat "$stub/pid" 2>/dev/null)
if [ -n "$stubpid" ]; then
	track_pid "$stubpid"
	check "crash: 4 journal lines when the filter was being added" lines_in "$J" 4
	check "crash: the route was made" grep -q "198.18.2.0/24" <(h ip route show table 20033)
	kill -KILL "$applier"
	wait "$applier" 2>/dev/null
	stop_pid "$stubpid"
	check "crash: the applier is gone" pid_gone "$applier"
	out=$(sc undo "$J" 2>&1); rc=$?
	expect "crash: undo from another process exits 0" "0 " "$rc $out"
	check "crash: journal removed" no_journal
	check "crash: everything restored" same_as "$NA_TMP/base"
else
	fail "crash: the stand-in iptables never ran"
	stop_pid "$applier"
fi

# The other crash windows, written by hand: an old value on disk but the new one never
# written, a route and a rule journalled but never added. Undo restores, deletes nothing.
printf '%s\n' "link sysctl net.ipv4.conf.all.rp_filter=2 old=0" \
	"link route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20040" \
	"link rule from 198.18.1.1/32 table 20040 priority 20040" >"$J"
out=$(sc undo "$J" 2>&1); rc=$?
expect "journalled but never made: undo exits 0" "0 " "$rc $out"
check "journalled but never made: host unchanged, journal gone" same_as "$NA_TMP/base"
check "journalled but never made: journal gone" no_journal

# ---------------------------------------------------------------- groups

sc rule sender 198.18.3.9:5001 198.18.2.9:5002 >"$NA_TMP/sender.plan" || die "sender plan"
sc apply "$J" sender <"$NA_TMP/sender.plan" || die "apply sender"
sc rule receiver 198.18.1.1:5001 198.18.2.1:5002 >"$NA_TMP/receiver.plan" || die "receiver plan"
# A link group that shares a sysctl with the receiver's, applied first.
sc apply "$J" link <<<"sysctl net.ipv4.conf.all.rp_filter=2" || die "apply link"
sc apply "$J" receiver <"$NA_TMP/receiver.plan" || die "apply receiver"
check "groups: the receiver recorded the shared sysctl (old=2)" \
	grep -qx "receiver sysctl net.ipv4.conf.all.rp_filter=2 old=2" "$J"
check "groups: pending sender 4, receiver 6, link 1" \
	[ "$(sc pending "$J" sender) $(sc pending "$J" receiver) $(sc pending "$J" link)" = "4 6 1" ]

out=$(sc undo "$J" link 2>&1); rc=$?
expect "undo link: exits 0" "0 " "$rc $out"
check "undo link: the receiver keeps rp_filter 2" sysctl_is net.ipv4.conf.all.rp_filter 2
check "undo link: the receiver's entry inherits old=0" \
	grep -qx "receiver sysctl net.ipv4.conf.all.rp_filter=2 old=0" "$J"

out=$(sc undo "$J" sender 2>&1); rc=$?
expect "undo sender: exits 0" "0 " "$rc $out"
check "undo sender: its route is gone" [ -z "$(h ip route show table 20033)" ]
check "undo sender: its rule is gone" bash -c "! ip netns exec '$NS_H' ip rule | grep -q fwmark"
check "undo sender: its filter is gone" bash -c "! ip netns exec '$NS_H' iptables-save -t mangle | grep -q NFQUEUE"
check "undo sender: the receiver's filter stays" grep -q "^-A PREROUTING -d 198.18.2.1/32" <(h iptables-save -t raw)
check "undo sender: the receiver's sysctls stay" sysctl_is net.ipv4.conf.a1.rp_filter 2
check "undo sender: 6 receiver lines left" lines_in "$J" 6

# A line nobody can read stays, is named, and does not stop the others.
sed -i '2i receiver route default via 198.18.x dev a1 table 5' "$J"
out=$(sc undo "$J" 2>&1); rc=$?
expect "garbage line: undo exits 1 naming FILE:LINE" \
	"1 setupctl: $J:2: route via '198.18.x': not an IPv4 or IPv6 address" "$rc $out"
check "garbage line: only it is left" lines_in "$J" 1
rm -f "$J"
check "after all groups are undone the host is as before" same_as "$NA_TMP/base"

finish
