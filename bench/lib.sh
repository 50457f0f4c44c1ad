# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the benchmark suite: measurements inside the netns test bed (used by
# bench/scenario.sh after tests/lib/netns.sh and tests/lib/wan.sh) and the pure
# arithmetic bench/run needs (medians, ceilings). Benchmarks report; they never fail.

BENCH_PORT=5201       # plain TCP iperf3 server on B (direct paths and the tunnel)
BENCH_MPTCP_PORT=5203 # iperf3 server on B under mptcpize
BENCH_GAP_PORT=5205   # tcpgap receiver on B (failover), TCP or MPTCP
TCPGAP=${TCPGAP:-$top/build/bench/tcpgap}
UDPRTT=${UDPRTT:-$top/build/tests/tools/udprtt}
BENCH_UDP_PORT=5206  # udprtt echo on B's tunnel address
HZ=$(getconf CLK_TCK)

# ---------------------------------------------------------------- numbers

# median_min_max : "median min max" of the numbers on stdin, one per line ("- - -" if none).
median_min_max() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (!NR) { print "- - -"; exit }
		      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      print m, v[1], v[NR] }'
}

# median : the median of the numbers on stdin ("" if none).
median() { median_min_max | awk '$1 != "-" { print $1 }'; }

# calc EXPR : awk arithmetic, 4 significant decimals ("" if EXPR has an empty operand).
calc() { awk "BEGIN { printf \"%.4f\n\", $1 }" 2>/dev/null; }

# rate_bps RATE : bits per second of a tc-style rate (7500kbit, 50mbit, 1gbit).
rate_bps() {
	awk -v r="$1" 'BEGIN {
		n = r + 0; u = tolower(substr(r, length(n "") + 1))
		m = (u == "kbit") ? 1e3 : (u == "mbit") ? 1e6 : (u == "gbit") ? 1e9 : 1
		printf "%.0f\n", n * m }'
}

# emit KEY=VALUE... : one JSON object on stdout; values that look like numbers are numbers.
emit() {
	local kv k v args=()
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; then
			args+=(--argjson "$k" "$v")
		else
			args+=(--arg "$k" "$v")
		fi
	done
	jq -nc "${args[@]}" '$ARGS.named'
}

# note MSG : progress on stderr (stdout carries only JSON records).
note() { printf '  [%s] %s\n' "$(date +%T)" "$*" >&2; }

# ---------------------------------------------------------------- hosts

# set_cc CC : the default congestion control of both hosts, where the kernel allows it
# (outside the initial namespace only for those in tcp_allowed_congestion_control); what
# counts is the sender's, which every transfer sets with iperf3 -C (root may use any).
set_cc() {
	nsA sysctl -qw net.ipv4.tcp_congestion_control="$1" 2>/dev/null
	nsB sysctl -qw net.ipv4.tcp_congestion_control="$1" 2>/dev/null
	grep -qw "$1" /proc/sys/net/ipv4/tcp_available_congestion_control
}

# daemon_ticks : CPU ticks (user + system) of both netagg daemons so far, 0 when none runs.
daemon_ticks() {
	local side sum=0 t
	for side in "${!NA_PID[@]}"; do
		t=$(na_cpu_ticks "${NA_PID[$side]}" 2>/dev/null) && sum=$((sum + t))
	done
	echo "$sum"
}

# wire_counters : "bytes1 packets1 bytes2 packets2" sent by A on path1 and path2 (kernel).
wire_counters() {
	nsA sh -c 'cd /sys/class/net && cat path1/statistics/tx_bytes path1/statistics/tx_packets \
		path2/statistics/tx_bytes path2/statistics/tx_packets' | tr '\n' ' '
	echo
}

# full_segments : "LEN SEGMENTS PAYLOAD" per path (space-separated, path 1 then 2) of
# the full-size TCP segments linkem passed A -> B so far; "" with netem.
full_segments() {
	local i snap out=""
	[ "$WAN_METHOD" = linkem ] || return 0
	for i in 1 2; do
		# No fresh count from a path: no reading at all, rather than a stale one.
		snap=$(wan_snapshot "$i" ab) && [ -n "$snap" ] || return 0
		out+="$(awk -F= '{ v[$1] = $2 }
			END { printf "%d %d %d", v["tcp_full_len"], v["tcp_full_segments"], v["tcp_full_payload"] }' <<<"$snap") "
	done
	echo "$out"
}

# full_segment_mean BEFORE AFTER : "PAYLOAD LEN", the mean TCP payload of the full-size
# segments sent between two full_segments readings, and their IP length; "" if none.
# A path whose full length grew in between restarted its count: its AFTER values stand.
full_segment_mean() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v b="$1" -v a="$2" 'BEGIN {
		nb = split(b, x, " "); split(a, y, " ")
		for (i = 1; i + 2 <= nb; i += 3) {
			if (y[i] != x[i]) { x[i + 1] = 0; x[i + 2] = 0 }
			if (y[i] > len) { len = y[i]; segs = 0; pay = 0 }
			if (y[i] == len) { segs += y[i + 1] - x[i + 1]; pay += y[i + 2] - x[i + 2] }
		}
		if (segs > 100) printf "%.1f %d\n", pay / segs, len
	}'
}

# wire_passed : "BYTES1 BYTES2", the IP bytes linkem let onto path 1 and onto path 2,
# A -> B, so far (counted as they join the link's queue); "" with netem.
wire_passed() {
	local i snap out=""
	[ "$WAN_METHOD" = linkem ] || return 0
	for i in 1 2; do
		snap=$(wan_snapshot "$i" ab) && [ -n "$snap" ] || return 0
		out+="$(awk -F= '$1 == "passed_bytes" { print $2 }' <<<"$snap") "
	done
	echo "$out"
}

# tcpext SIDE : "name value" lines of the TcpExt counters of SIDE's namespace (read from
# /proc/net/netstat: nstat's history file is per user, not per namespace).
tcpext() {
	ns "$1" awk '/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 }
		else for (i = 2; i <= NF; i++) print n[i], $i }' /proc/net/netstat
}

# tcp_retrans SIDE : segments TCP retransmitted in SIDE's namespace (Tcp RetransSegs).
tcp_retrans() {
	ns "$1" awk '/^Tcp:/ { if (!h) { for (i = 2; i <= NF; i++) if ($i == "RetransSegs") k = i; h = 1 }
		else print $k }' /proc/net/snmp
}

# tcpext_delta BEFORE AFTER : KEY=DELTA for the counters that show how TCP coped with the
# paths: reorderings the sender detected, DSACKs it received (spurious retransmissions),
# retransmission timeouts, and segments dropped by the PAWS timestamp check.
tcpext_delta() {
	awk 'NR == FNR { b[$1] = $2; next } { d[$1] = $2 - b[$1] }
		END { printf "reorder=%d dsack=%d rto=%d paws=%d\n", d["TCPSACKReorder"] + d["TCPTSReorder"] + d["TCPRenoReorder"],
			d["TCPDSACKRecv"], d["TCPTimeouts"], d["PAWSEstab"] }' <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# bench_bond W1 [W2] : (re)start netagg on both sides with one path per weight; waits for
# the tunnel to answer a ping and both ends to see every path up.
bench_bond() {
	local side _ n=$#
	for side in "${!NA_PID[@]}"; do
		na_down "$side" >/dev/null 2>&1
		unset "NA_PID[$side]"
	done
	write_configs v4 "$@"
	# BENCH_AUTO=1: weights = "auto", the given weights only the starting point; BENCH_AUTO=trains:
	# weights = "auto" and no weight given, so it starts from the capacity trains.
	if [ "${BENCH_AUTO:-0}" != 0 ]; then
		for side in A B; do sed -i 's/^interface = .*/&\nweights = "auto";/' "$(na_conf "$side")"; done
	fi
	if [ "${BENCH_AUTO:-0}" = trains ]; then
		for side in A B; do sed -i 's/ weight = [0-9]*;//' "$(na_conf "$side")"; done
	fi
	{ na_up B && na_up A; } >/dev/null || die "netagg up failed"
	wait_ping A "$TUN_V4_B" 5 || die "no ping through the tunnel"
	for _ in $(seq 30); do
		[ "$(na_status A | jq '[.paths[] | select(.state == "up")] | length')" = "$n" ] &&
			[ "$(na_status B | jq '[.paths[] | select(.state == "up")] | length')" = "$n" ] && return 0
		sleep 0.1
	done
	die "not all $n paths came up"
}

# mptcp_setup : in-kernel MPTCP path manager for two subflows: B announces its path 2
# address (signal), A accepts it and opens the second subflow over path 2.
mptcp_setup() {
	local s
	for s in A B; do
		ns "$s" sysctl -qw net.mptcp.enabled=1 || return 1
		ns "$s" ip mptcp limits set subflow 2 add_addr_accepted 2 || return 1
	done
	nsB ip mptcp endpoint add "$(path_addr B 2)" dev path2 signal
}

# start_servers [mptcp] : persistent iperf3 servers on B (-i 0.1 so that clients asking
# --get-server-output get the receiver's 100 ms intervals).
start_servers() {
	bg_start B iperf3 -s -J -p "$BENCH_PORT" -i 0.1 >/dev/null 2>&1
	wait_listen B "$BENCH_PORT" || die "iperf3 server did not start"
	if [ "${1:-}" = mptcp ]; then
		bg_start B mptcpize run iperf3 -s -J -p "$BENCH_MPTCP_PORT" -i 0.1 >/dev/null 2>&1
		wait_listen B "$BENCH_MPTCP_PORT" || die "MPTCP iperf3 server did not start"
	fi
}

# ---------------------------------------------------------------- transfers

# iperf_bg OUT [mptcp] -- ARGS... : iperf3 client in A in the background, JSON into OUT
# with the server's 100 ms intervals; its PID in BG_PID. A watchdog stops a hung client.
iperf_bg() {
	local out=$1 wrap=() dur
	shift
	[ "$1" = mptcp ] && { wrap=(mptcpize run); shift; }
	[ "$1" = -- ] && shift
	dur=$(printf '%s\n' "$@" | awk 'p { print; exit } $0 == "-t" { p = 1 }')
	bg_start A timeout -k 5 $((${dur:-10} + 30)) "${wrap[@]}" iperf3 -J --get-server-output "$@" >"$out" 2>&1
}

# iperf_fg OUT [mptcp] -- ARGS... : the same, waiting for the client; returns its status.
iperf_fg() {
	iperf_bg "$@"
	wait "$BG_PID"
}

# iperf_goodput OUT : receiver goodput in Mbit/s ("" if the run failed).
iperf_goodput() { jq -er '.end.sum_received.bits_per_second / 1e6' "$1" 2>/dev/null; }
iperf_bytes() { jq -er '.end.sum_received.bytes' "$1" 2>/dev/null; }
iperf_seconds() { jq -er '.end.sum_received.seconds' "$1" 2>/dev/null; }
iperf_cc() { jq -er '.end.sender_tcp_congestion // "?"' "$1" 2>/dev/null; }
iperf_retr() { jq -er '.end.sum_sent.retransmits // 0' "$1" 2>/dev/null; }
iperf_error() { jq -r '.error // empty' "$1" 2>/dev/null || head -c 300 "$1"; }

# iperf_intervals OUT : "start_s Mbit/s" per receiver interval (100 ms), from the server.
iperf_intervals() {
	jq -r '.server_output_json.intervals[]?.sum | "\(.start) \(.bits_per_second / 1e6)"' "$1" 2>/dev/null
}

# ping_rtts SIDE ADDR COUNT INTERVAL : one RTT in ms per reply.
ping_rtts() {
	ns "$1" ping -n -c "$3" -i "$4" -W 1 "$2" 2>/dev/null |
		awk -F'time=' '/time=/ { split($2, a, " "); print a[1] }'
}

# ---------------------------------------------------------------- sampling

# sampler_start FILE [status] : every 100 ms, in A, a line "epoch_s tx1 tx2 state1 state2"
# with the kernel's tx_bytes of path1 and path2 (and with `status`, netagg's path states
# from `netagg status -j`, else "-"). One bash loop in the namespace: a read per counter.
sampler_start() {
	local file=$1 rundir="" 
	[ "${2:-}" = status ] && rundir=$(na_rundir A)
	# shellcheck disable=SC2016
	bg_start A bash -c '
		exec >"$1"
		s1=- s2=-
		while :; do
			read -r b1 </sys/class/net/path1/statistics/tx_bytes
			read -r b2 </sys/class/net/path2/statistics/tx_bytes
			if [ -n "$2" ]; then
				st=$(NETAGG_RUNDIR=$2 "$3" status -j "$4" 2>/dev/null)
				re="\"state\":\"([a-z]+)\".*\"state\":\"([a-z]+)\""
				[[ $st =~ $re ]] && { s1=${BASH_REMATCH[1]}; s2=${BASH_REMATCH[2]}; }
			fi
			printf "%s %s %s %s %s\n" "$EPOCHREALTIME" "$b1" "$b2" "$s1" "$s2"
			sleep 0.1
		done' sampler "$file" "$rundir" "$NETAGG" "$IF_A"
	SAMPLER_PID=$BG_PID
}

sampler_stop() { stop_pid "$SAMPLER_PID"; }

# samples_rates FILE T0 : "t_s path1_Mbit/s path2_Mbit/s state1 state2" per sample
# interval, t relative to T0 (epoch seconds), rates from the tx_bytes differences.
samples_rates() {
	awk -v t0="$2" 'NR > 1 && $1 > pt {
			dt = $1 - pt
			printf "%.3f %.3f %.3f %s %s\n", $1 - t0, ($2 - p1) * 8 / dt / 1e6, ($3 - p2) * 8 / dt / 1e6, $4, $5
		}
		{ pt = $1; p1 = $2; p2 = $3 }' "$1"
}

# sleep_until EPOCH : sleep until the given $EPOCHREALTIME value (no-op if past).
sleep_until() {
	local d
	d=$(awk -v t="$1" -v n="$EPOCHREALTIME" 'BEGIN { d = t - n; if (d > 0) printf "%.3f\n", d; else print 0 }')
	sleep "$d"
}
