# SPDX-License-Identifier: GPL-2.0-or-later
# Formats bench/run's table from tab-separated lines made by jq from results.json:
#   M <text>                                   the run's context
#   H <scn> <set> <metric cells...>            a link set (rate sum, ceilings, TUN mtu)
#   R <scn> <set> <case> <cc> <reps> <failed> <metric cells...>
# A metric cell is name:median:min:max:n:sum. Prints "median [min..max]" where the
# repetitions differ, the median alone where they agree.

function num(v, a) {
	a = v < 0 ? -v : v
	if (v == int(v) && a < 1e7) return sprintf("%d", v)
	if (a >= 100) return sprintf("%.0f", v)
	if (a >= 10) return sprintf("%.1f", v)
	if (a >= 1) return sprintf("%.2f", v)
	return sprintf("%.3f", v)
}

# val(NAME) : the cell as text, "" if the metric is absent.
function val(name, c) {
	if (!(name in med)) return ""
	c = num(med[name])
	if (cnt[name] > 1 && lo[name] != hi[name]) c = c " [" num(lo[name]) ".." num(hi[name]) "]"
	return c
}

function load(from, i, f) {
	split("", med); split("", lo); split("", hi); split("", cnt); split("", tot)
	for (i = from; i <= NF; i++) {
		split($i, f, ":")
		if (f[1] == "") continue
		med[f[1]] = f[2]; lo[f[1]] = f[3]; hi[f[1]] = f[4]; cnt[f[1]] = f[5]; tot[f[1]] = f[6]
	}
}

function add(s, t) { return s == "" ? t : s "; " t }

# after(NAME, WHAT) : "WHAT X s", or "never" when a run saw no such event (-1).
function after(name, what) {
	if (!(name in med)) return ""
	if (lo[name] < 0) return what " never in " (hi[name] < 0 ? "any run" : "some runs") \
		(hi[name] >= 0 ? " (else " num(hi[name]) " s)" : "")
	return what " " val(name) " s"
}

function header(scn, set, info) {
	printf "\n-- %s: %s%s\n", scn, set, info
}

BEGIN {
	fmt = "%-34s %-5s %-24s %6s %7s %5s  %s\n"
}

$1 == "M" {
	print $2
	print "goodput: TCP payload at the receiver (iperf3), Mbit/s; every number: median [min..max] over the repetitions"
	print "% sum: of the paths' rate sum; % ceil: of the case's ceiling (see each link set); retr: sender retransmits"
	printf "\n" fmt, "case", "cc", "goodput Mbit/s", "% sum", "% ceil", "retr", "notes"
	next
}

$1 == "H" {
	load(4)
	key = $2 SUBSEP $3
	header($2, $3, sprintf("\n   rate sum %s Mbit/s; ceilings: netagg %s (TUN mtu %s, %s bytes per frame: (mtu-52)/(mtu+%s) of the rate), MPTCP %s at 1420/1500 or as counted (see its rows), TCP on one path rate x 1448/1500",
		val("rsum"), val("na_ceil"), val("mtu"), val("ovh"), val("ovh"), val("mp_ceil")))
	next
}

$1 == "R" {
	if ($2 SUBSEP $3 != key) { key = $2 SUBSEP $3; header($2, $3, "") }
	load(8)
	notes = ""
	if ($2 == "raw" && ("cpu" in med)) notes = add(notes, "netagg cpu " val("cpu") " s/GB")
	if ("rtt_idle" in med) notes = add(notes, "rtt idle " val("rtt_idle") " ms, loaded " val("rtt_load") " ms")
	if ("rtt_added_idle" in med) notes = notes " (tunnel adds " val("rtt_added_idle") " / " val("rtt_added_load") ")"
	if ("rtt_udp" in med) notes = add(notes, "ping: path 1 " val("rtt_path1") ", path 2 " val("rtt_path2") \
		", through netagg " val("rtt_ping") "; 200-byte UDP through netagg " val("rtt_udp"))
	if ("p1_share" in med) notes = add(notes, "path 1 " val("p1_share") " %")
	if ("subflows" in med) notes = add(notes, val("subflows") " subflows with data")
	if ("seg_payload" in med) notes = add(notes, "full segments carry " val("seg_payload") " of " val("seg_len") " B" \
		(("ceil" in med) && $4 ~ /^MPTCP/ ? ", ceiling " val("ceil") : ""))
	# Runs before this was limited to the tunnel recorded it for every row (see scenario.sh).
	if ("busy" in med) notes = add(notes, "links busy " val("busy") " %")
	if ("pay_wire" in med) notes = add(notes, "payload/wire " val("pay_wire") " %")
	else if (("eff" in med) && $4 ~ /^netagg/) notes = add(notes, "payload/wire " val("eff") " %")
	# Runs before tcpgap recorded only the stall in 100 ms intervals, as "stall".
	if ("stall_cut" in med) notes = add(notes, "stall after the cut " val("stall_cut") " s, longest " val("stall") \
		" s (" val("stall100") " s in 100 ms intervals; pre-cut " val("pre_cut") " Mbit/s)")
	else if ("stall" in med) notes = add(notes, "stall " val("stall") " s (pre-cut " val("pre_cut") " Mbit/s)")
	if ("survived" in med) notes = add(notes, "survived " tot["survived"] "/" cnt["survived"])
	if ("down_after" in med) notes = add(notes, after("down_after", "p2 down after cut"))
	if ("up_after" in med) notes = add(notes, after("up_after", "p2 up after restore"))
	if ("back" in med) notes = add(notes, after("back", "p2 carries data after restore"))
	if (hi["reorder"] + hi["dsack"] + hi["rto"] + hi["paws"] + hi["b_paws"] > 0)
		notes = add(notes, "tcp: " val("reorder") " reord, " val("dsack") " dsack, " val("rto") " rto, " \
			val("paws") " paws A, " val("b_paws") " paws B")
	if ($7 > 0) notes = add(notes, "FAILED in " $7 " of " $6 " repetitions (see results.json)")
	printf fmt, $4, $5, val("goodput") == "" ? "-" : val("goodput"), \
		val("pct_sum") == "" ? "" : num(med["pct_sum"]), val("pct_ceil") == "" ? "" : num(med["pct_ceil"]), \
		val("retr") == "" ? "" : sprintf("%.0f", med["retr"]), notes
}
