# SPDX-License-Identifier: GPL-2.0-or-later
# WAN emulation for the test bed of netns.sh: per path and per direction, a bandwidth,
# a one-way delay, random loss and a queue limit; and cutting/restoring a path while
# traffic flows. Source it after netns.sh, after topo_create.
#
# The emulation sits in the wire namespace W, outside both hosts' stacks: traffic from
# A to B on path I enters W on aI and leaves on bI. With netem (where the kernel has
# it) the A->B direction is a netem qdisc on bI's egress; without netem, an iptables
# rule sends the frames bridged in from aI to an NFQUEUE served by tests/tools/linkem.

LINKEM=${LINKEM:-$NA_TOP/build/tests/tools/linkem}
WAN_METHOD=""                # netem or linkem, chosen by wan_detect
declare -A WAN_LINKEM_PID=() # "I:dir" -> PID of its linkem

# wan_detect : sets WAN_METHOD to netem where the kernel has it, else linkem
# (WAN_FORCE=linkem in the environment forces linkem, to test it where netem exists).
wan_detect() {
	[ -n "$WAN_METHOD" ] && return 0
	if [ "${WAN_FORCE:-}" != linkem ] && nsW tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
		nsW tc qdisc del dev lo root
		WAN_METHOD=netem
	elif [ -x "$LINKEM" ]; then
		WAN_METHOD=linkem
		# Let bridged frames reach iptables in W (netns.sh turns this off by default).
		nsW sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
	else
		skip "no netem qdisc and no linkem ($LINKEM): build with libnetfilter-queue-dev"
	fi
	log "wan: emulating links with $WAN_METHOD"
}

# _wan_ports I DIR : "in out" W-side ports for direction ab (A->B) or ba.
_wan_ports() {
	case "$2" in
	ab) echo "a$1 b$1" ;;
	ba) echo "b$1 a$1" ;;
	*) die "wan: direction must be ab or ba, not '$2'" ;;
	esac
}

# _wan_queue I DIR : the NFQUEUE number of path I, direction DIR.
_wan_queue() {
	if [ "$2" = ba ]; then echo $((101 + 2 * $1)); else echo $((100 + 2 * $1)); fi
}

_wan_clear_one() {
	local i=$1 dir=$2 in out q key="$1:$2"
	read -r in out <<<"$(_wan_ports "$i" "$dir")"
	if [ "$WAN_METHOD" = netem ]; then
		nsW tc qdisc del dev "$out" root 2>/dev/null
	else
		q=$(_wan_queue "$i" "$dir")
		nsW iptables -D FORWARD -m physdev --physdev-in "$in" -j NFQUEUE --queue-num "$q" 2>/dev/null
		nsW ip6tables -D FORWARD -m physdev --physdev-in "$in" -j NFQUEUE --queue-num "$q" 2>/dev/null
		if [ -n "${WAN_LINKEM_PID[$key]:-}" ]; then
			stop_pid "${WAN_LINKEM_PID[$key]}"
			unset "WAN_LINKEM_PID[$key]"
		fi
	fi
	return 0
}

# wan_shape I DIR RATE DELAY [LOSS] [LIMIT] [JITTER] [in-order] : emulate path I in
# direction DIR (ab, ba or both). RATE like 7500kbit (0 = unlimited), DELAY like 10ms,
# LOSS like 0.5%, LIMIT the queue in bytes, a plain number (default: 100 ms at the rate;
# "" for the default when JITTER follows). JITTER like 5ms varies each packet's delay
# uniformly within DELAY +- JITTER, so packets overtake each other, as netem does;
# "in-order" keeps them in order (a late packet holds back those behind it), which
# only linkem can: with netem it fails (status 2). Replaces earlier settings of that
# path and direction.
wan_shape() {
	local i=$1 dir=$2 rate=$3 delay=$4 loss=${5:-0%} limit=${6:-} jitter=${7:-} order=${8:-}
	local in out q args
	wan_detect
	if [ "$dir" = both ]; then
		wan_shape "$i" ab "${@:3}" && wan_shape "$i" ba "${@:3}"
		return
	fi
	[ -z "$order" ] || [ "$order" = in-order ] || die "wan: '$order' is not in-order"
	if [ "$order" = in-order ] && [ "$WAN_METHOD" = netem ]; then
		log "wan: netem cannot jitter in order"
		return 2
	fi
	_wan_clear_one "$i" "$dir"
	read -r in out <<<"$(_wan_ports "$i" "$dir")"
	if [ "$WAN_METHOD" = netem ]; then
		args=(delay "$delay")
		[ -n "$jitter" ] && args+=("$jitter")
		args+=(loss "$loss")
		[ "$rate" != 0 ] && args+=(rate "$rate")
		# netem counts its limit in packets of up to 1500 bytes.
		[ -n "$limit" ] && args+=(limit $((limit / 1500 + 1)))
		nsW tc qdisc replace dev "$out" root netem "${args[@]}" || die "netem on $out"
	else
		q=$(_wan_queue "$i" "$dir")
		args=(--queue "$q" --delay "$delay" --loss "$loss")
		[ "$rate" != 0 ] && args+=(--rate "$rate")
		[ -n "$limit" ] && args+=(--limit "$limit")
		[ -n "$jitter" ] && args+=(--jitter "$jitter")
		[ "$order" = in-order ] && args+=(--in-order)
		bg_start W "$LINKEM" "${args[@]}" >"$NA_TMP/linkem-$i-$dir.out"
		WAN_LINKEM_PID["$i:$dir"]=$BG_PID
		_wan_wait_ready "$NA_TMP/linkem-$i-$dir.out" || die "linkem for path $i $dir did not start"
		nsW iptables -A FORWARD -m physdev --physdev-in "$in" -j NFQUEUE --queue-num "$q" || die "iptables"
		nsW ip6tables -A FORWARD -m physdev --physdev-in "$in" -j NFQUEUE --queue-num "$q" || die "ip6tables"
	fi
}

_wan_wait_ready() {
	local n
	for n in $(seq 50); do
		grep -q '^ready$' "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wan_stats I DIR : linkem's counters (key=value lines) after stopping it; empty for netem.
wan_stats() {
	local key="$1:$2"
	[ "$WAN_METHOD" = linkem ] && [ -n "${WAN_LINKEM_PID[$key]:-}" ] || return 0
	stop_pid "${WAN_LINKEM_PID[$key]}"
	unset "WAN_LINKEM_PID[$key]"
	cat "$NA_TMP/linkem-$1-$2.out"
}

# wan_snapshot I DIR : linkem's counters now (key=value lines), leaving it running;
# empty for netem, and empty with status 1 when linkem printed no new snapshot in 2 s.
wan_snapshot() {
	local key="$1:$2" f="$NA_TMP/linkem-$1-$2.out" n i
	[ "$WAN_METHOD" = linkem ] && [ -n "${WAN_LINKEM_PID[$key]:-}" ] || return 0
	n=$(grep -c '^--$' "$f")
	kill -USR1 "${WAN_LINKEM_PID[$key]}" 2>/dev/null || return 1
	for i in $(seq 41); do
		[ "$(grep -c '^--$' "$f")" -gt "$n" ] && break
		[ "$i" = 41 ] && return 1
		sleep 0.05
	done
	awk '/^--$/ { last = cur; cur = ""; next } /=/ { cur = cur $0 "\n" } END { printf "%s", last }' "$f"
}

# wan_clear I : no emulation on path I any more, both directions.
wan_clear() {
	_wan_clear_one "$1" ab
	_wan_clear_one "$1" ba
}

# wan_cut I : path I stops carrying anything, both ways, as when a line goes dead.
# The hosts' interfaces keep their carrier: a dead WAN rarely takes the local link down.
wan_cut() { nsW ip link set "br$1" down; }

# wan_restore I : path I carries traffic again.
wan_restore() { nsW ip link set "br$1" up; }
