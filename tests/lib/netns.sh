# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Network-namespace test bed for netagg: two hosts bonded over N emulated paths.
#
# Source this file from a bash script; it installs `trap cleanup EXIT`.
#
#   ┌──────── A ────────┐     ┌──────────── W ("wire") ───────────┐     ┌──────── B ────────┐
#   │ nA0 (TUN)         │     │                                   │     │         (TUN) nB0 │
#   │ path1 198.18.1.1 ─┼─────┼─ a1 ── br1 ── b1 ─────────────────┼─────┼─ path1 198.18.1.2 │
#   │ path2 198.18.2.1 ─┼─────┼─ a2 ── br2 ── b2 ─────────────────┼─────┼─ path2 198.18.2.2 │
#   └───────────────────┘     └───────────────────────────────────┘     └───────────────────┘
#
# Each path is its own /24 (or /64), so the hosts route path i out of pathi
# with connected routes only: no policy routing, no default route, nothing
# that could reach an address outside the test ranges. The wire namespace has
# no addresses at all; it only bridges, so link emulation (tests/lib/wan.sh)
# sits there, outside both hosts' stacks and counters.
#
# Address plan (hard rule: nothing else is ever used):
#   underlay  198.18.i.{1,2}/24  or  2001:2:0:i::{1,2}/64
#   tunnel    198.19.0.{1,2}/30  and fd00:4e41::{1,2}/64

set -u
set -o pipefail

NA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NETAGG=${NETAGG:-$NA_TOP/netagg}

# A per-run prefix keeps concurrent runs (and leftovers of a crashed run)
# apart; the PID makes it unique on this host.
NS_PREFIX="na$$-"
NS_A="${NS_PREFIX}A"
NS_B="${NS_PREFIX}B"
NS_W="${NS_PREFIX}W"

# Interface names differ between the ends so logs and errors say which side.
IF_A=nA0
IF_B=nB0
TUN_V4_A=198.19.0.1
TUN_V4_B=198.19.0.2
TUN_V6_A=fd00:4e41::1
TUN_V6_B=fd00:4e41::2
NA_PORT=5000

TOPO_PATHS=0
TOPO_FAMILY=v4
# Configs, run dirs and payloads of this run; shared by all namespaces
# (ip netns exec changes only the network namespace and /sys).
NA_TMP=$(mktemp -d "/tmp/netagg-test.$$.XXXXXX") || exit 1
NS_CREATED=()
# The pre-shared key both ends use (mode 0600, as netagg requires); any 32
# random bytes in base64 are a key, as `netagg genkey` would print.
NA_KEY=$NA_TMP/psk
( umask 077 && head -c 32 /dev/urandom | base64 >"$NA_KEY" ) || exit 1
declare -A NA_PID=()    # side -> PID of its netagg daemon
declare -A PID_START=() # PID -> start time, to never kill a recycled PID
BG_PID=""               # PID of the last bg_start

# Counters for the `N passed, N failed` line every test ends with.
N_PASS=0
N_FAIL=0

log() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }

pass() { N_PASS=$((N_PASS + 1)); printf 'ok   %s\n' "$*"; }
fail() { N_FAIL=$((N_FAIL + 1)); printf 'FAIL %s\n' "$*"; }

# check DESCRIPTION CMD... : pass if CMD succeeds, fail otherwise.
check() {
	local what=$1; shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# finish: print the summary line and exit 0 only if nothing failed.
finish() {
	printf '%d passed, %d failed\n' "$N_PASS" "$N_FAIL"
	[ "$N_FAIL" -eq 0 ] && exit 0
	exit 1
}

# need_root: skip (77) where the test bed cannot exist, rather than fail.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v ip >/dev/null || skip "iproute2 (ip) not installed"
	[ -c /dev/net/tun ] || skip "/dev/net/tun missing (no tun support)"
	# Creating a namespace is the only reliable probe (containers may forbid it).
	local probe="${NS_PREFIX}probe"
	ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$probe"
}

# need_netagg: a missing binary is a build problem, not a reason to skip.
need_netagg() {
	[ -x "$NETAGG" ] || die "$NETAGG not found; build it first (or set NETAGG=)"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
}

# Run a command inside a namespace. `ip netns exec` mounts the namespace's
# own /sys, so /sys/class/net there shows that namespace's devices.
nsA() { ip netns exec "$NS_A" "$@"; }
nsB() { ip netns exec "$NS_B" "$@"; }
nsW() { ip netns exec "$NS_W" "$@"; }
# ns SIDE CMD... : the same, with the side (A, B or W) as a parameter.
ns() { local s=$1; shift; "ns$s" "$@"; }
# ns_name SIDE : the namespace's name.
ns_name() { local v="NS_$1"; printf '%s\n' "${!v}"; }

# ---------------------------------------------------------------- topology

_ns_add() {
	ip netns add "$1" || die "ip netns add $1"
	NS_CREATED+=("$1")
	ip -n "$1" link set lo up
}

# Settings that make W a plain wire: no IPv6 (no ND/MLD chatter), and bridged
# frames must not go through netfilter if br_netfilter happens to be loaded.
_wire_sysctls() {
	local f
	nsW sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	for f in arptables iptables ip6tables; do
		nsW sh -c "[ -w /proc/sys/net/bridge/bridge-nf-call-$f ] &&
			echo 0 > /proc/sys/net/bridge/bridge-nf-call-$f" 2>/dev/null
	done
	return 0
}

# path_addr SIDE I [FAMILY] : underlay address of SIDE (A or B) on path I.
path_addr() {
	local host=1 fam=${3:-$TOPO_FAMILY}
	[ "$1" = B ] && host=2
	if [ "$fam" = v6 ]; then
		printf '2001:2:0:%d::%d\n' "$2" "$host"
	else
		printf '198.18.%d.%d\n' "$2" "$host"
	fi
}

# _host_side SIDE I : the host end of path I (pathI in SIDE, aI/bI in W).
_host_side() {
	local side=$1 i=$2 wend=a$2 ns=$NS_A
	[ "$side" = B ] && { wend=b$i; ns=$NS_B; }
	ip -n "$ns" link add "path$i" type veth peer name "$wend" netns "$NS_W" || return 1
	nsW ip link set "$wend" master "br$i" up || return 1
	if [ "$TOPO_FAMILY" = v6 ]; then
		ip -n "$ns" addr add "$(path_addr "$side" "$i")/64" dev "path$i" nodad
	else
		# Only on this veth: the TUN created later must keep IPv6.
		ns "$side" sysctl -qw "net.ipv6.conf.path$i.disable_ipv6=1"
		ip -n "$ns" addr add "$(path_addr "$side" "$i")/24" dev "path$i"
	fi || return 1
	ip -n "$ns" link set "path$i" up
}

# topo_create N [v4|v6] : hosts A and B joined by N independent paths via W.
topo_create() {
	local n=$1 fam=${2:-v4} i
	{ [ "$n" -ge 1 ] && [ "$n" -le 9 ]; } || die "topo_create: 1..9 paths"
	[ "$fam" = v4 ] || [ "$fam" = v6 ] || die "topo_create: v4 or v6, not '$fam'"
	TOPO_PATHS=$n
	TOPO_FAMILY=$fam
	_ns_add "$NS_A"; _ns_add "$NS_B"; _ns_add "$NS_W"
	_wire_sysctls
	for i in $(seq 1 "$n"); do
		nsW ip link add "br$i" type bridge forward_delay 0 stp_state 0 || die "bridge br$i"
		nsW ip link set "br$i" up
		_host_side A "$i" || die "path $i, side A"
		_host_side B "$i" || die "path $i, side B"
	done
	topo_check || die "topology: a path does not pass traffic"
}

# topo_check : every path carries a ping A -> B (the bed works before netagg).
topo_check() {
	local i ok=0
	for i in $(seq 1 "$TOPO_PATHS"); do
		if ! wait_ping A "$(path_addr B "$i")" 5; then
			log "path $i: A cannot ping $(path_addr B "$i")"
			ok=1
		fi
	done
	return $ok
}

# wait_for 'COMMAND' [TENTHS] : evaluates COMMAND every 100 ms until it succeeds, at
# most TENTHS times (default 50: 5 s); 1 if it never did.
wait_for() {
	local _
	for _ in $(seq "${2:-50}"); do eval "$1" && return 0; sleep 0.1; done
	return 1
}

# wait_ping SIDE ADDR [SECONDS] : one ping a second until a reply; leaves
# the number of tries in PING_TRIES. Retrying is for learning/ARP warm-up,
# not to hide loss.
PING_TRIES=0
# shellcheck disable=SC2034 # PING_TRIES is read by the scripts
wait_ping() {
	local side=$1 addr=$2 secs=${3:-5}
	for PING_TRIES in $(seq 1 "$secs"); do
		ns "$side" ping -n -q -c 1 -W 1 "$addr" >/dev/null 2>&1 && return 0
	done
	return 1
}

# link_stat SIDE IFACE COUNTER : a kernel counter (tx_bytes, rx_packets, ...).
link_stat() {
	ns "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ---------------------------------------------------------------- processes

_starttime() {
	local stat f
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# Field 22; split after the ")" that ends comm (comm may hold spaces),
	# where field 3 is f[0].
	read -ra f <<<"${stat##*) }"
	printf '%s\n' "${f[19]}"
}

# track_pid PID : remember PID (and its start time) for cleanup.
track_pid() {
	PID_START[$1]=$(_starttime "$1") || PID_START[$1]=gone
}

# pid_alive PID : running, as the process we recorded (zombies count as dead).
pid_alive() {
	local st
	st=$(_starttime "$1") || return 1
	[ "${PID_START[$1]:-$st}" = "$st" ] || return 1
	! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

pid_gone() { ! pid_alive "$1"; }

# stop_pid PID : TERM, then KILL after 3 s; only if it is still ours.
stop_pid() {
	local pid=$1 i
	pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 30); do
		pid_alive "$pid" || break
		sleep 0.1
	done
	pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "PID_START[$pid]"
	return 0
}

# bg_start SIDE CMD... : run CMD in SIDE's namespace in the background;
# its PID is left in BG_PID and tracked for cleanup.
bg_start() {
	local side=$1; shift
	# Not via ns(): a backgrounded function is a subshell and $! would be
	# its PID; `ip netns exec` execs, so $! is the command itself.
	ip netns exec "$(ns_name "$side")" "$@" &
	BG_PID=$!
	track_pid "$BG_PID"
}

# ---------------------------------------------------------------- netagg

na_rundir() { printf '%s/run-%s\n' "$NA_TMP" "$1"; }
na_conf() { printf '%s/%s.conf\n' "$NA_TMP" "$1"; }
na_iface() { if [ "$1" = A ]; then echo "$IF_A"; else echo "$IF_B"; fi; }

# na SIDE ARGS... : the netagg CLI in SIDE's namespace, with SIDE's run dir.
# Bounded by NA_TIMEOUT seconds so a hung command fails the test (exit 124)
# instead of hanging the suite.
NA_TIMEOUT=${NA_TIMEOUT:-30}
na() {
	local side=$1; shift
	mkdir -p "$(na_rundir "$side")"
	ns "$side" env NETAGG_RUNDIR="$(na_rundir "$side")" timeout "$NA_TIMEOUT" "$NETAGG" "$@"
}

# write_configs FAMILY W1 [W2 ...] : A.conf (initiator) and B.conf (acceptor)
# with one path per weight, over the v4 or v6 underlay of topo_create.
write_configs() {
	local fam=$1; shift
	local n=$# i=0 w a b sep
	[ "$n" -le "$TOPO_PATHS" ] || die "write_configs: $n weights, $TOPO_PATHS paths"
	{
		printf 'interface = "%s";\n' "$IF_A"
		printf 'key_file = "%s";\n' "$NA_KEY"
		printf 'address = [ "%s/30", "%s/64" ];\n' "$TUN_V4_A" "$TUN_V6_A"
		printf 'paths = (\n'
	} >"$(na_conf A)"
	{
		printf 'interface = "%s";\n' "$IF_B"
		printf 'key_file = "%s";\n' "$NA_KEY"
		printf 'address = [ "%s/30", "%s/64" ];\n' "$TUN_V4_B" "$TUN_V6_B"
		printf 'paths = (\n'
	} >"$(na_conf B)"
	for w in "$@"; do
		i=$((i + 1))
		sep=","; [ "$i" -eq "$n" ] && sep=""
		a=$(path_addr A "$i" "$fam"); b=$(path_addr B "$i" "$fam")
		[ "$fam" = v6 ] && b="[$b]"
		printf '  { name = "p%d"; local = "%s"; remote = "%s:%d"; weight = %d; }%s\n' \
			"$i" "$a" "$b" "$NA_PORT" "$w" "$sep" >>"$(na_conf A)"
		printf '  { name = "p%d"; local = "%s:%d"; weight = %d; }%s\n' \
			"$i" "$b" "$NA_PORT" "$w" "$sep" >>"$(na_conf B)"
	done
	printf ');\n' >>"$(na_conf A)"
	printf ');\n' >>"$(na_conf B)"
}

# na_pidfile SIDE / na_sockfile SIDE : the daemon's files per the contract.
na_pidfile() { printf '%s/%s.pid\n' "$(na_rundir "$1")" "$(na_iface "$1")"; }
na_sockfile() { printf '%s/%s.sock\n' "$(na_rundir "$1")" "$(na_iface "$1")"; }

# na_up SIDE [CONF] : `netagg up` in SIDE; records the daemon's PID from its
# pid file so cleanup can stop it even if `netagg down` is broken.
na_up() {
	local side=$1 conf=${2:-$(na_conf "$1")} pid
	na "$side" up "$conf" || return 1
	pid=$(cat "$(na_pidfile "$side")" 2>/dev/null)
	if [ -z "$pid" ]; then
		log "netagg up ($side) returned 0 but wrote no pid file $(na_pidfile "$side")"
		return 1
	fi
	NA_PID[$side]=$pid
	track_pid "$pid"
}

# na_run_fg SIDE LOG : `netagg run` of SIDE's config in the foreground of a background
# job, its stderr (the log) appended to LOG; waits up to 5 s for its control socket.
na_run_fg() {
	mkdir -p "$(na_rundir "$1")"
	bg_start "$1" env NETAGG_RUNDIR="$(na_rundir "$1")" "$NETAGG" run "$(na_conf "$1")" 2>>"$2"
	NA_PID[$1]=$BG_PID
	for _ in $(seq 50); do [ -S "$(na_sockfile "$1")" ] && break; sleep 0.1; done
}

# na_down SIDE : `netagg down`; returns its exit status.
na_down() {
	na "$1" down "$(na_iface "$1")"
}

# na_bond FAMILY W1 [W2 ...] : configs, then B (acceptor) and A (initiator) up.
na_bond() {
	write_configs "$@"
	na_up B || return 1
	na_up A
}

# na_status SIDE : `netagg status -j IFACE` JSON on stdout.
na_status() {
	na "$1" status -j "$(na_iface "$1")"
}

# na_cpu_ticks PID : utime + stime in clock ticks.
na_cpu_ticks() {
	local stat f
	stat=$(cat "/proc/$1/stat") || return 1
	read -ra f <<<"${stat##*) }"
	printf '%s\n' $((f[11] + f[12]))
}

# ---------------------------------------------------------------- transfers

# flow_min_rtt SIDE PORT : the kernel's lowest RTT (ms) of the busiest TCP connection from
# SIDE to PORT, read while it runs: iperf3's control connection has the same port, the
# transfer is the one with the most bytes acked.
flow_min_rtt() {
	ns "$1" ss -tinH dport = :"$2" | awk '/minrtt:/ {
		acked = 0; rtt = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^bytes_acked:/) acked = substr($i, 13) + 0
			if ($i ~ /^minrtt:/) rtt = substr($i, 8)
		}
		if (acked >= best) { best = acked; min = rtt }
	} END { print min }'
}

# wait_listen SIDE PORT : until something listens on TCP PORT in SIDE (5 s).
wait_listen() {
	local i
	for i in $(seq 50); do
		[ -n "$(ns "$1" ss -Hltn "sport = :$2")" ] && return 0
		sleep 0.1
	done
	return 1
}

# send_file FROM TO ADDR FILE : copy FILE over TCP from FROM to TO's ADDR
# with socat, into FILE.rx; succeeds if the receiver got it and exited 0.
send_file() {
	local from=$1 to=$2 addr=$3 file=$4 port=7001 lst conn rx
	if [[ $addr == *:* ]]; then
		lst="TCP6-LISTEN:$port,reuseaddr,bind=[$addr]"; conn="TCP6:[$addr]:$port"
	else
		lst="TCP4-LISTEN:$port,reuseaddr,bind=$addr"; conn="TCP4:$addr:$port"
	fi
	rm -f "$file.rx"
	bg_start "$to" timeout 120 socat -u "$lst" "CREATE:$file.rx"
	rx=$BG_PID
	if ! wait_listen "$to" "$port"; then
		log "send_file: nothing listens on $addr:$port in $to"
		stop_pid "$rx"
		return 1
	fi
	if ! ns "$from" timeout 120 socat -u "OPEN:$file" "$conn"; then
		log "send_file: sender socat failed ($from -> $addr)"
		stop_pid "$rx"
		return 1
	fi
	wait "$rx"
}

# sha FILE : the SHA-256 of FILE.
sha() { sha256sum "$1" | cut -d' ' -f1; }

# pct A B : 100*A/(A+B) with one decimal ("nan" if both are 0).
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + b == 0) print "nan"; else printf "%.1f\n", 100 * a / (a + b) }'; }

# within X TARGET TOL : |X - TARGET| <= TOL (decimals allowed).
within() { awk -v x="$1" -v t="$2" -v d="$3" 'BEGIN { exit !(x != "nan" && (x - t <= d) && (t - x <= d)) }'; }

# numbers N ARGS... : exactly N arguments, all non-negative integers (guards
# arithmetic on counters read from tools that may have failed).
numbers() {
	local n=$1 a; shift
	[ "$#" -eq "$n" ] || return 1
	for a in "$@"; do
		[[ $a =~ ^[0-9]+$ ]] || return 1
	done
}

# ---------------------------------------------------------------- cleanup

# cleanup : stop netagg and every tracked process, delete the namespaces
# and the temp dir. Runs on any exit; keeps the script's exit status.
cleanup() {
	local rc=$? side pid n
	trap - EXIT
	for side in "${!NA_PID[@]}"; do
		[ -x "$NETAGG" ] && NA_TIMEOUT=5 na_down "$side" >/dev/null 2>&1
	done
	for pid in "${!PID_START[@]}"; do
		stop_pid "$pid"
	done
	for n in "${NS_CREATED[@]}"; do
		# Anything still inside a namespace this run created was started by
		# this run (e.g. a daemon `up` left behind without a pid file).
		for pid in $(ip netns pids "$n" 2>/dev/null); do
			log "cleanup: stray process $pid in $n ($(cat "/proc/$pid/comm" 2>/dev/null))"
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$n" 2>/dev/null
	done
	[ -n "$NA_TMP" ] && rm -rf "$NA_TMP"
	exit "$rc"
}

trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap always runs.
trap 'exit 130' INT
trap 'exit 143' TERM
