#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One repetition of one benchmark scenario in its own test bed (netns.sh allows one
# topology per process): bench/run calls `bash bench/scenario.sh NAME` once per scenario
# and repetition. Prints one JSON object per measurement on stdout (records with a
# "case", and "plot" records naming a data file for the plots); progress goes to stderr.
#
#   NAME: raw | agg-slow | agg-fast | agg-uneven | loss | reorder | failover
#   environment (set by bench/run): BENCH_REP, BENCH_DATA (dir for per-run data files),
#   T_RAW, T_AGG_SLOW, T_AGG_FAST, T_SINGLE, T_LOSS, T_REORDER, T_FAIL, CUT_AT, CUT_FOR (seconds),
#   CCS and FAIL_CCS (congestion controls), RAW_CC, LOSS_MPTCP (1 = MPTCP in `loss` too),
#   FAIL_KINDS ("netagg mptcp" by default; one of them for a quicker failover experiment),
#   FAIL_RATES (failover transfers: "bulk" as fast as TCP allows, or a rate in Mbit/s that the
#   sending application keeps to; "bulk 30" by default), AGG_CASES (the cases of agg-slow
#   and agg-fast: some of "netagg auto single mptcp", all by default; "auto" for a quicker
#   experiment with weights = "auto")
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/lib/netns.sh
. "$top/tests/lib/netns.sh"
# shellcheck source=../tests/lib/wan.sh
. "$top/tests/lib/wan.sh"
# shellcheck source=lib.sh
. "$top/bench/lib.sh"

# stdout is for records only: the libraries log to stdout, so they get stderr.
exec 3>&1 1>&2

NAME=${1:?usage: scenario.sh raw|agg-slow|agg-fast|agg-uneven|loss|reorder|failover}
BENCH_REP=${BENCH_REP:-1}
BENCH_DATA=${BENCH_DATA:-$NA_TMP}
CCS=${CCS:-bbr cubic}
mkdir -p "$BENCH_DATA"
SCN=$NAME
SET=""

# rec KEY=VALUE... : a result record of this scenario and repetition.
rec() { emit scn="$SCN" set="$SET" rep="$BENCH_REP" "$@" >&3; }

# l2_bytes : link-layer bytes per packet the emulated rate counts beyond the IP packet
# (linkem counts IP bytes; netem counts Ethernet frames, 14 bytes more).
l2_bytes() { if [ "${WAN_METHOD:-}" = netem ]; then echo 14; else echo 0; fi; }

# ---------------------------------------------------------------- one transfer

# transfer KIND CASE CC TIME [OPTION=VALUE...] : one iperf3 transfer A -> B and its record.
#   KIND direct1 | direct2 (TCP over path 1 or 2), tunnel (through netagg), mptcp
#   options: parallel=N, ping=1 (ping the same target 1 s into the transfer and record
#   the RTT under load), ceil=MBIT/S and sum=MBIT/S (for % of ceiling and of the rate
#   sum), plot=TAG (sample the per-path rates into a data file for the plots)
# Leaves the RTT under load in LAST_RTT_LOAD.
transfer() {
	local kind=$1 case=$2 cc=$3 t=$4 opt
	local parallel=1 ping=0 ceil="" sum="" plot="" port=$BENCH_PORT wrap="" to subflows="" tcpx=""
	shift 4
	for opt in "$@"; do local "${opt%%=*}=${opt#*=}"; done
	case $kind in
	direct1) to=$(path_addr B 1) ;;
	direct2) to=$(path_addr B 2) ;;
	tunnel) to=$TUN_V4_B ;;
	mptcp) to=$(path_addr B 1); port=$BENCH_MPTCP_PORT; wrap=mptcp ;;
	esac
	local out="$NA_TMP/iperf-$RANDOM.json" samples="" c0 c1 k0 k1 pid rc fs0="" seg="" wp0="" wp=""
	LAST_RTT_LOAD=""
	# Plain TCP and MPTCP: the mean payload of their full-size segments on the wire.
	[ "$kind" != tunnel ] && fs0=$(full_segments)
	[ "$kind" = tunnel ] || [ "$kind" = mptcp ] && wp0=$(wire_passed)
	[ -n "$plot" ] && { samples="$BENCH_DATA/$plot-rep$BENCH_REP.samples"; sampler_start "$samples"; }
	read -ra c0 <<<"$(wire_counters)"
	local xa0 xb0 t0
	xa0=$(tcpext A); xb0=$(tcpext B)
	k0=$(daemon_ticks)
	t0=$EPOCHREALTIME
	iperf_bg "$out" $wrap -- -c "$to" -p "$port" -t "$t" -C "$cc" -P "$parallel"
	pid=$BG_PID
	[ "$ping" = 1 ] && { sleep 1; LAST_RTT_LOAD=$(ping_rtts A "$to" $(((t - 2) * 10)) 0.1 | median); }
	[ "$kind" = mptcp ] && { sleep "$((t / 2))"; subflows=$(mptcp_subflows_with_data); }
	wait "$pid"
	rc=$?
	k1=$(daemon_ticks)
	read -ra c1 <<<"$(wire_counters)"
	[ -n "$fs0" ] && seg=$(full_segment_mean "$fs0" "$(full_segments)")
	[ -n "$wp0" ] && wp="$wp0 $(wire_passed)"
	tcpx="$(tcpext_delta "$xa0" "$(tcpext A)") b_$(tcpext_delta "$xb0" "$(tcpext B)" | cut -d' ' -f4)"
	[ -n "$samples" ] && sampler_stop
	transfer_record "$rc" "$out" "$kind" "$case" "$cc" c0 c1 $((k1 - k0))
	[ -n "$samples" ] && [ "$rc" = 0 ] && plot_record "$plot" "$case" "$samples" "$t0" "$out"
	return 0
}

# transfer_record RC OUT KIND CASE CC C0 C1 TICKS : the record of one transfer (uses the
# caller's ping, ceil, sum, subflows, seg, wp). C0/C1 name arrays of wire_counters; wp is
# two wire_passed readings, before and after.
transfer_record() {
	local rc=$1 out=$2 kind=$3 case=$4 cc=$5 ticks=$8 g bytes fields=() seg_pay seg_len
	local -n a=$6 b=$7
	# MPTCP's options vary per segment (a DSS mapping on some, a data ACK on most), so
	# its ceiling is the payload its full-size segments carried in this transfer, where
	# linkem could count it; plain TCP's is recorded to show the count is right (1448).
	if [ -n "$seg" ]; then
		read -r seg_pay seg_len <<<"$seg"
		fields+=(seg_payload="$seg_pay" seg_len="$seg_len")
		[ "$kind" = mptcp ] && [ -n "$sum" ] && ceil=$(calc "$sum * $seg_pay / ($seg_len + $(l2_bytes))")
	fi
	g=$(iperf_goodput "$out")
	if [ "$rc" != 0 ] || [ -z "$g" ]; then
		note "$case $cc: iperf3 failed (exit $rc): $(iperf_error "$out")"
		rec case="$case" cc="$cc" failed=1 error="exit $rc: $(iperf_error "$out" | head -c 200)"
		return
	fi
	bytes=$(iperf_bytes "$out")
	local d1=$((b[0] - a[0])) d2=$((b[2] - a[2])) p=$((b[1] - a[1] + b[3] - a[3]))
	fields+=(goodput="$g" retr="$(iperf_retr "$out")" cc_used="$(iperf_cc "$out")")
	[ -n "$sum" ] && fields+=(pct_sum="$(calc "100 * $g / $sum")")
	[ -n "$ceil" ] && fields+=(ceil="$ceil" pct_ceil="$(calc "100 * $g / $ceil")")
	# Goodput bytes per IP byte A sent on the underlay (headers, tunnel overhead,
	# retransmits). Only through the tunnel: netagg sends one UDP datagram per frame, while
	# plain TCP leaves A's veth as GSO super-packets that the counters see as one packet.
	[ "$kind" = tunnel ] && fields+=(eff="$(calc "100 * $bytes / ($d1 + $d2 - 14 * $p)")")
	[ "$kind" = tunnel ] || [ "$kind" = mptcp ] && fields+=(p1_share="$(calc "100 * $d1 / ($d1 + $d2)")")
	[ "$kind" = tunnel ] && fields+=(cpu="$(calc "$ticks / $HZ / ($bytes / 1e9)")")
	# How much of the time the links carried A's packets, and what share of those bytes
	# was payload, from linkem's counts (after GSO segmentation, so MPTCP's too): whether a
	# stack lost to its ceiling by leaving the links idle or by what it sent over them.
	if [ -n "$sum" ] && [ "$(wc -w <<<"$wp")" = 4 ]; then
		local w0 w1 w2 w3 wire
		read -r w0 w1 w2 w3 <<<"$wp"
		wire=$((w2 - w0 + w3 - w1))
		[ "$wire" -gt 0 ] && fields+=(busy="$(calc "100 * $wire * 8 / ($sum * 1e6 * $(iperf_seconds "$out"))")" \
			pay_wire="$(calc "100 * $bytes / $wire")")
	fi
	[ "$kind" = mptcp ] && fields+=(subflows="${subflows:-0}")
	[ -n "$LAST_RTT_LOAD" ] && fields+=(rtt_load="$LAST_RTT_LOAD")
	# TCP's view on A (sender) and B (receiver): see tcpext_delta.
	[ -n "$tcpx" ] && read -ra tcpx_f <<<"$tcpx" && fields+=("${tcpx_f[@]}")
	note "$case $cc: $g Mbit/s"
	rec case="$case" cc="$cc" "${fields[@]}"
}

# plot_record TAG CASE SAMPLES T0 OUT [CUT RESTORE] : per-path rates and the receiver's
# 100 ms goodput of one run into data files, and a record pointing at them.
plot_record() {
	local tag=$1 case=$2 samples=$3 t0=$4 out=$5 base
	base="$BENCH_DATA/$tag-rep$BENCH_REP"
	samples_rates "$samples" "$t0" >"$base.paths"
	iperf_intervals "$out" >"$base.goodput"
	emit plot="$tag" case="$case" rep="$BENCH_REP" goodput="$(iperf_goodput "$out")" \
		paths="$base.paths" goodput_file="$base.goodput" cut="${6:-}" restore="${7:-}" >&3
}

# mptcp_subflows_with_data : established subflows to the MPTCP server that have moved
# more than 100 kB (ss -ti lists each subflow as a TCP socket with its bytes_acked).
mptcp_subflows_with_data() {
	nsA ss -tinH state established "( dport = :$BENCH_MPTCP_PORT )" |
		grep -o 'bytes_acked:[0-9]*' | awk -F: '$2 > 100000 { n++ } END { print n + 0 }'
}

# ---------------------------------------------------------------- scenarios

# ceilings R1 R2 : NA_CEIL (netagg), TCP_CEIL1/2 (TCP on each path alone), MP_CEIL
# (MPTCP) and RSUM, in Mbit/s, for IP-level rates R1 and R2 (bit/s). netagg: an inner
# TCP segment carries mtu - 52 bytes (IPv4 + TCP with timestamps) and costs mtu + NA_OVH
# on the wire, where NA_OVH, the per-frame overhead (outer IPv4 20 + UDP 8 + header 24,
# + 16 of AEAD tag when sealed), is the path MTU minus the TUN mtu netagg derived from
# it (the configs leave mtu unset); TCP: 1448 of 1500; MPTCP: 1448 - 28 (a full DSS
# option on every segment), used only where linkem cannot count the payload of MPTCP's
# full-size segments (see transfer_record).
ceilings() {
	local r1=$1 r2=$2 mtu pmtu l2
	l2=$(l2_bytes)
	mtu=$(na_status A | jq .mtu)
	pmtu=$(nsA cat /sys/class/net/path1/mtu 2>/dev/null || echo 1500)
	NA_OVH=$((pmtu - mtu))
	RSUM=$(calc "($r1 + $r2) / 1e6")
	NA_CEIL=$(calc "($r1 + $r2) / 1e6 * ($mtu - 52) / ($mtu + $NA_OVH + $l2)")
	TCP_CEIL1=$(calc "$r1 / 1e6 * 1448 / (1500 + $l2)")
	TCP_CEIL2=$(calc "$r2 / 1e6 * 1448 / (1500 + $l2)")
	MP_CEIL=$(calc "($r1 + $r2) / 1e6 * 1420 / (1500 + $l2)")
	NA_MTU=$mtu
}

# linkset_record R1 R2 : the link set's rate sum, ceilings, TUN mtu and emulation method.
linkset_record() {
	ceilings "$1" "$2"
	rec case="link set" kind=info mtu="$NA_MTU" ovh="$NA_OVH" rsum="$RSUM" na_ceil="$NA_CEIL" mp_ceil="$MP_CEIL" \
		wan="$WAN_METHOD"
}

# scn_raw : unshaped veth paths; single stream direct, through netagg with 1 and 2
# paths, 4 streams over 2 paths; netagg CPU per GB; RTT idle and under load.
scn_raw() {
	local cc=${RAW_CC:-cubic} t=${T_RAW:-10} idle_d idle_t load_d
	SET="unshaped veth, $cc"
	topo_create 2 v4
	start_servers
	set_cc "$cc" || die "congestion control $cc"
	idle_d=$(ping_rtts A "$(path_addr B 1)" 20 0.05 | median)
	transfer direct1 "direct TCP, path 1" "$cc" "$t" ping=1
	load_d=$LAST_RTT_LOAD
	rec case="direct TCP, path 1" cc="$cc" rtt_idle="$idle_d" kind=rtt
	bench_bond 1
	idle_t=$(ping_rtts A "$TUN_V4_B" 20 0.05 | median)
	transfer tunnel "netagg, 1 path" "$cc" "$t" ping=1
	rec case="netagg, 1 path" cc="$cc" rtt_idle="$idle_t" kind=rtt \
		rtt_added_idle="$(calc "$idle_t - $idle_d")" rtt_added_load="$(calc "${LAST_RTT_LOAD:-0} - ${load_d:-0}")"
	bench_bond 1 1
	transfer tunnel "netagg, 2 paths 1:1" "$cc" "$t"
	transfer tunnel "netagg, 2 paths 1:1, 4 streams" "$cc" "$t" parallel=4
}

# idle_rtts : medians of idle round trips, directly over each path and through the bond
# (netagg's fixed weights), of pings and of 200-byte UDP datagrams (fast_udp sends these
# on the fastest path, ahead of the delay equalisation that pings and full-size packets
# meet).
idle_rtts() {
	local p1 p2 ping_na udp_na
	bg_start B timeout 30 "$UDPRTT" echo "$TUN_V4_B" "$BENCH_UDP_PORT" 25
	sleep 0.3
	p1=$(ping_rtts A "$(path_addr B 1)" 20 0.05 | median)
	p2=$(ping_rtts A "$(path_addr B 2)" 20 0.05 | median)
	ping_na=$(ping_rtts A "$TUN_V4_B" 20 0.05 | median)
	udp_na=$(nsA "$UDPRTT" ping "$TUN_V4_B" "$BENCH_UDP_PORT" 50 172 20 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "median_ms") print $(i + 1) }')
	rec case="idle round trips (ms)" cc=- kind=rtt rtt_path1="$p1" rtt_path2="$p2" rtt_ping="$ping_na" \
		rtt_udp="$udp_na"
}

# agg_set LABEL R1 D1 R2 D2 W1 W2 T TAG [LOSS2] [CASES] [JITTER2] : two shaped paths
# (both directions; LOSS2 and JITTER2 on path 2), then per congestion control: netagg
# over both, each path alone (direct TCP), MPTCP over both. CASES limits to some of:
# netagg auto single mptcp.
agg_set() {
	local label=$1 r1=$2 d1=$3 r2=$4 d2=$5 w1=$6 w2=$7 t=$8 tag=$9 loss=${10:-0%}
	local cases=${11:-${AGG_CASES:-netagg auto single mptcp}} jitter=${12:-} b1 b2 cc ts=${T_SINGLE:-10} aw
	SET=$label
	b1=$(rate_bps "$r1"); b2=$(rate_bps "$r2")
	topo_create 2 v4
	wan_shape 1 both "$r1" "$d1"
	wan_shape 2 both "$r2" "$d2" "$loss" "" "$jitter"
	mptcp_setup || die "MPTCP setup"
	start_servers mptcp
	bench_bond "$w1" "$w2"
	linkset_record "$b1" "$b2"
	idle_rtts
	for cc in $CCS; do
		set_cc "$cc" || { note "congestion control $cc not available"; continue; }
		[[ $cases == *netagg* ]] && transfer tunnel "netagg 2 paths $w1:$w2" "$cc" "$t" \
			sum="$RSUM" ceil="$NA_CEIL" plot="$tag-$cc-netagg"
		if [[ $cases == *auto* ]]; then
			# weights = "auto" from a deliberately wrong start (1:1, or 1:3 where 1:1 is right).
			if [ "$w1" = "$w2" ]; then aw="1 3"; else aw="1 1"; fi
			BENCH_AUTO=1 bench_bond $aw
			transfer tunnel "netagg auto from ${aw/ /:}" "$cc" "$t" sum="$RSUM" ceil="$NA_CEIL" \
				plot="$tag-$cc-auto"
			# No weight given, as a user leaves it: the start comes from capacity trains.
			BENCH_AUTO=trains bench_bond 1 1
			transfer tunnel "netagg auto, no weights" "$cc" "$t" sum="$RSUM" ceil="$NA_CEIL" \
				plot="$tag-$cc-autotrains"
			bench_bond "$w1" "$w2"
		fi
		if [[ $cases == *single* ]]; then
			transfer direct1 "direct TCP, path 1 alone" "$cc" "$ts" sum="$RSUM" ceil="$TCP_CEIL1"
			transfer direct2 "direct TCP, path 2 alone" "$cc" "$ts" sum="$RSUM" ceil="$TCP_CEIL2"
		fi
		[[ $cases == *mptcp* ]] && transfer mptcp "MPTCP 2 subflows" "$cc" "$t" \
			sum="$RSUM" ceil="$MP_CEIL" plot="$tag-$cc-mptcp"
	done
	return 0
}

# ---------------------------------------------------------------- failover

# failover_run KIND CC RATE : a transfer over 2 paths (netagg or MPTCP) with path 2 cut
# at CUT_AT for CUT_FOR seconds; records the stall, survival and recovery times. The
# transfer is tcpgap's, not iperf3's: its receiver logs delivery in 10 ms bins. RATE:
# "bulk", or the Mbit/s the sender keeps to (a flow the remaining path has room for).
failover_run() {
	local kind=$1 cc=$2 rate=$3 t=${T_FAIL:-20} at=${CUT_AT:-5} for=${CUT_FOR:-7}
	local case samples t0 tcut trest pid rx rc to mp="" st="" tcpx="" r0 limit=() tag=""
	[ "$rate" != bulk ] && { limit=(-r "$rate"); tag="-${rate}M"; }
	local base="$BENCH_DATA/failover-$cc-$kind$tag-rep$BENCH_REP"
	if [ "$kind" = mptcp ]; then
		case="MPTCP 2 subflows"; to=$(path_addr B 1); mp=-m
	else
		case="netagg 2 paths 1:1"; to=$TUN_V4_B; st=status
		# A fresh bond per run: a path cut again within 60 s of coming back is flapping,
		# and netagg then makes it prove itself for longer (flap damping), which is not
		# what one failover is about (MPTCP's subflows carry no such memory either).
		bench_bond 1 1
	fi
	samples="$base.samples"
	rm -f "$base.bins"
	# Bounded: a sender that never connects must not leave the receiver waiting in accept.
	bg_start B timeout -k 5 $((t + 40)) "$TCPGAP" recv $mp "$BENCH_GAP_PORT" "$base.bins"
	rx=$BG_PID
	wait_listen B "$BENCH_GAP_PORT" || { note "failover $case: tcpgap receiver did not start"; return 0; }
	sampler_start "$samples" $st
	local xa0 xb0
	xa0=$(tcpext A); xb0=$(tcpext B); r0=$(tcp_retrans A)
	t0=$EPOCHREALTIME
	[ "$rate" != bulk ] && case+=", ${rate} Mbit/s flow"
	bg_start A timeout -k 5 $((t + 30)) "$TCPGAP" send $mp -C "$cc" "${limit[@]}" "$to" "$BENCH_GAP_PORT" "$t"
	pid=$BG_PID
	sleep_until "$(calc "$t0 + $at")"
	wan_cut 2
	tcut=$EPOCHREALTIME
	sleep_until "$(calc "$t0 + $at + $for")"
	wan_restore 2
	trest=$EPOCHREALTIME
	wait "$pid"
	rc=$?
	wait "$rx" || { [ "$rc" = 0 ] && rc=1; }
	sampler_stop
	tcpx="$(tcpext_delta "$xa0" "$(tcpext A)") b_$(tcpext_delta "$xb0" "$(tcpext B)" | cut -d' ' -f4)"
	tcpx+=" retr=$(($(tcp_retrans A) - r0))"
	failover_record "$kind" "$case" "$cc" "$rc" "$base" "$t0" "$tcut" "$trest"
	return 0
}

# stall_of FILE BIN_S T0 CUT [FROM TO] : the longest stretch, in seconds, in which the
# receiver got less than 10 % of its pre-cut rate (the mean of the bins from 1 s after
# T0 to CUT s, after slow start), from bins (lines "epoch_s amount" every BIN_S);
# anywhere in the transfer, or only stretches that start between FROM and TO s after
# T0. A stretch counts as a whole, so a trickle (a repair round every 100 ms, say) does
# not split a stall into short ones. With P the running sum of (amount - threshold),
# the stretch from bin i to bin j is under the threshold when P[j] < P[i]; for each i
# the furthest such j is found by bisection on the suffix minima of P. Such a stretch
# may reach into full bins at its ends (a 300 ms gap in steady traffic would measure
# 330 ms), so it is trimmed to its first and last bin under the threshold.
stall_of() {
	awk -v w="$2" -v t0="$3" -v c="$4" -v from="${5:--1}" -v to="${6:-1e9}" '
		{ t[NR] = $1 - t0; x[NR] = $2; if (t[NR] >= 1 && t[NR] < c) { sum += $2; n++ } }
		END {
			th = n ? 0.1 * sum / n : 0
			p[0] = 0
			for (k = 1; k <= NR; k++) p[k] = p[k - 1] + x[k] - th
			m[NR] = p[NR]
			for (k = NR - 1; k >= 0; k--) m[k] = p[k] < m[k + 1] ? p[k] : m[k + 1]
			# The next bin under the threshold from k on, and the last one up to k.
			nxt[NR + 1] = NR + 1
			for (k = NR; k >= 1; k--) nxt[k] = x[k] < th ? k : nxt[k + 1]
			prv[0] = 0
			for (k = 1; k <= NR; k++) prv[k] = x[k] < th ? k : prv[k - 1]
			for (i = 0; i < NR; i++) {
				if (m[i + 1] >= p[i]) continue
				lo = i + 1; hi = NR # m is non-decreasing: the last j with m[j] < p[i]
				while (lo < hi) { mid = int((lo + hi + 1) / 2); if (m[mid] < p[i]) lo = mid; else hi = mid - 1 }
				first = nxt[i + 1]; last = prv[lo]
				if (last < first || t[first] < from || t[first] >= to) continue
				if (last - first + 1 > best) best = last - first + 1
			}
			printf "%.2f\n", best * w
		}' "$1"
}

# failover_record KIND CASE CC RC BASE T0 TCUT TREST
failover_record() {
	local kind=$1 case=$2 cc=$3 rc=$4 base=$5 t0=$6 c r g m pre="" stall stall_cut stall100 survived fields=()
	c=$(calc "$7 - $t0"); r=$(calc "$8 - $t0")
	[ -s "$base.bins" ] || { [ "$rc" = 0 ] && rc=1; }
	# 100 ms goodput intervals (for the plot and the coarse stall) from the 10 ms bins.
	awk -v t0="$t0" '{ i = int(($1 - t0) * 10 + 1e-6); b[i] += $2; if (i > n) n = i }
		END { for (k = 0; k <= n; k++) printf "%.1f %.3f\n", k / 10, b[k] * 8 / 0.1 / 1e6 }' \
		"$base.bins" >"$base.goodput" 2>/dev/null
	g=$(awk 'NR == 1 { f = $1 } { s += $2; l = $1 } END { if (NR) printf "%.2f\n", s * 8 / (l + 0.01 - f) / 1e6 }' \
		"$base.bins" 2>/dev/null)
	samples_rates "$base.samples" "$t0" >"$base.paths"
	emit plot="$(basename "$base" "-rep$BENCH_REP")" case="$case" rep="$BENCH_REP" goodput="$g" paths="$base.paths" \
		goodput_file="$base.goodput" cut="$c" restore="$r" >&3
	# Survived: the transfer ended normally and data still arrived in its last 2 s. The
	# stall in 10 ms bins and, as coarse as iperf3's reports, in 100 ms ones.
	survived=$(awk -v t="$(calc "${T_FAIL:-20} - 2")" -v rc="$rc" '$1 >= t && $2 > 0 { late = 1 }
		END { print (rc == 0 && late) ? 1 : 0 }' "$base.goodput" 2>/dev/null)
	fields+=(survived="${survived:-0}")
	# No bins (the receiver never got a connection): no stall to tell, rather than 0.
	if [ -s "$base.bins" ]; then
		stall=$(stall_of "$base.bins" 0.01 "$t0" "$c")
		# The failure's own stall: the longest that starts within 1 s of the scheduled cut
		# (the wire goes down while wan_cut runs, a few ms before $c is taken).
		stall_cut=$(stall_of "$base.bins" 0.01 "$t0" "$c" "$(calc "${CUT_AT:-5} - 0.05")" "$(calc "${CUT_AT:-5} + 1")")
		awk -v t0="$t0" '{ printf "%.3f %s\n", t0 + $1, $2 }' "$base.goodput" >"$base.goodput.epoch"
		stall100=$(stall_of "$base.goodput.epoch" 0.1 "$t0" "$c")
		rm -f "$base.goodput.epoch"
		pre=$(awk -v c="$c" '$1 >= 1 && $1 < c { print $2 }' "$base.goodput" | median)
		fields+=(pre_cut="${pre:-0}" stall="$stall" stall_cut="$stall_cut" stall100="$stall100")
	fi
	[ -n "$g" ] && fields+=(goodput="$g")
	# Per-path samples: after the restore, the first sample in which path 2 carries more
	# than 10 % of its pre-cut median rate ("back"); netagg's state of path 2 going down
	# after the cut and up after the restore. -1: never within the run.
	m=$(awk -v c="$c" '$1 >= 1 && $1 < c { print $3 }' "$base.paths" | median)
	fields+=(back="$(awk -v r="$r" -v th="$(calc "${m:-0} * 0.1")" '$1 > r && $3 > th { printf "%.2f\n", $1 - r; f = 1; exit }
		END { if (!f) print "-1" }' "$base.paths")")
	if [ "$kind" = netagg ]; then
		fields+=(down_after="$(awk -v c="$c" '$1 > c && $5 == "down" { printf "%.2f\n", $1 - c; f = 1; exit }
			END { if (!f) print "-1" }' "$base.paths")")
		fields+=(up_after="$(awk -v r="$r" '$1 > r && $5 == "up" { printf "%.2f\n", $1 - r; f = 1; exit }
			END { if (!f) print "-1" }' "$base.paths")")
	fi
	[ "$rc" != 0 ] && fields+=(error="tcpgap exit $rc")
	read -ra tcpx_f <<<"$tcpx" && fields+=("${tcpx_f[@]}")
	note "failover $case: stall after the cut ${stall_cut:-?}s, longest ${stall:-?}s (${stall100:-?}s in 100 ms intervals), survived $survived, goodput ${g:-?}"
	rec case="$case" cc="$cc" t0="$t0" cut_at="$c" restore_at="$r" "${fields[@]}"
}

scn_failover() {
	local cc kind rate
	SET="50 Mbit/s 5 ms + 50 Mbit/s 25 ms, path 2 cut ${CUT_AT:-5}-$((${CUT_AT:-5} + ${CUT_FOR:-7})) s"
	topo_create 2 v4
	wan_shape 1 both 50mbit 5ms
	wan_shape 2 both 50mbit 25ms
	mptcp_setup || die "MPTCP setup"
	start_servers mptcp
	bench_bond 1 1
	linkset_record 50000000 50000000
	for cc in ${FAIL_CCS:-cubic bbr}; do
		set_cc "$cc" || { note "congestion control $cc not available"; continue; }
		for rate in ${FAIL_RATES:-bulk 30}; do
			for kind in ${FAIL_KINDS:-netagg mptcp}; do failover_run "$kind" "$cc" "$rate"; done
		done
	done
}

# ---------------------------------------------------------------- main

need_root
need_netagg
need_cmd iperf3 jq ping mptcpize

case $NAME in
raw) scn_raw ;;
agg-slow) agg_set "7.5 Mbit/s 10 ms + 2.5 Mbit/s 40 ms" 7500kbit 10ms 2500kbit 40ms 7500 2500 \
	"${T_AGG_SLOW:-30}" agg-slow ;;
agg-fast) agg_set "50 Mbit/s 5 ms + 50 Mbit/s 25 ms" 50mbit 5ms 50mbit 25ms 1 1 \
	"${T_AGG_FAST:-20}" agg-fast ;;
agg-uneven) agg_set "80 Mbit/s 5 ms + 20 Mbit/s 25 ms" 80mbit 5ms 20mbit 25ms 4 1 \
	"${T_AGG_FAST:-20}" agg-uneven ;;
loss) agg_set "7.5 Mbit/s 10 ms + 2.5 Mbit/s 40 ms, 0.5 % loss on path 2" 7500kbit 10ms 2500kbit 40ms \
	7500 2500 "${T_LOSS:-30}" loss 0.5% "netagg $([ "${LOSS_MPTCP:-1}" = 1 ] && echo mptcp)" ;;
reorder) agg_set "7.5 Mbit/s 10 ms + 2.5 Mbit/s 40 ms, path 2 +- 10 ms (packets overtake)" 7500kbit 10ms \
	2500kbit 40ms 7500 2500 "${T_REORDER:-20}" reorder 0% "netagg mptcp" 10ms ;;
failover) scn_failover ;;
*) die "unknown scenario '$NAME'" ;;
esac
exit 0
