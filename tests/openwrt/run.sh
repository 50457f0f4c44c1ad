#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Tests of the OpenWrt package in contrib/openwrt/netagg, without an OpenWrt system:
#   - uci2conf translates every good/*.uci; each file it writes passes `netagg check` and
#     `check -v` prints exactly good/NAME.expected; every bad/*.uci fails with exit 1, the
#     exact message on its "# expect:" line and an output directory left as it was;
#   - all of it under bash, dash and busybox ash with nothing but busybox applets on PATH
#     (as on OpenWrt), when those are installed, and every shell writes the same bytes;
#   - the command line (LINK, stale files, usage), the hotplug hook against stand-in
#     processes, the init script's procd calls with procd stubbed, and the Makefile's
#     references to files and versions.
# NETAGG names the binary (default build/netagg). Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${top_srcdir:-$(cd "$here/../.." && pwd)}
pkg=$top/contrib/openwrt/netagg
files=$pkg/files
netagg=$(realpath "${NETAGG:-$top/build/netagg}")
tmp=$(mktemp -d)
fakes=()
cleanup() {
	local pid
	for pid in "${fakes[@]}"; do kill "$pid" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

if [ ! -x "$netagg" ]; then
	echo "no netagg binary at $netagg (build it with tools/build.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi

# The shells: bash always; dash and busybox ash when installed. Busybox gets a PATH of its
# own applets only, so awk, sed, mktemp, grep and the rest are busybox's too.
shells=(bash)
command -v dash >/dev/null && shells+=(dash) || echo "note: dash not installed, not tested"
if command -v busybox >/dev/null; then
	mkdir "$tmp/bb"
	for applet in $(busybox --list); do ln -s "$(command -v busybox)" "$tmp/bb/$applet"; done
	shells+=(busybox)
else
	echo "note: busybox not installed, ash and busybox awk not tested"
fi

# in_shell SHELL CMD...: runs CMD (a script and its arguments) under SHELL.
in_shell() {
	local sh=$1
	shift
	case $sh in
	busybox) PATH=$tmp/bb "$tmp/bb/sh" "$@" ;;
	*) "$sh" "$@" ;;
	esac
}

# check_outdir DIR NAMES: DIR holds exactly NAMES.conf, and no temporary directory.
check_outdir() {
	local want got
	want=$(printf '%s\n' $2 | sed '/^$/d; s/$/.conf/' | sort)
	got=$(ls -A "$1" | sort)
	[ "$want" = "$got" ]
}

# --- good samples -----------------------------------------------------------------------
good_samples() { # good_samples SHELL
	local sh=$1 f name out names n want
	cd "$here/good" || return
	for f in *.uci; do
		name=${f%.uci}
		out=$tmp/$sh/good/$name
		mkdir -p "$out"
		if ! names=$(in_shell "$sh" "$files/uci2conf" -c "$f" -o "$out" 2>"$tmp/err"); then
			bad "$sh: good/$f: rejected: $(cat "$tmp/err")"
			continue
		fi
		[ -s "$tmp/err" ] && { bad "$sh: good/$f: wrote to stderr: $(cat "$tmp/err")"; continue; }
		check_outdir "$out" "$names" ||
			{ bad "$sh: good/$f: printed '$names' but wrote: $(ls -A "$out")"; continue; }
		: >"$tmp/got"
		for n in $names; do
			echo "== $n.conf" >>"$tmp/got"
			"$netagg" check -v "$out/$n.conf" >>"$tmp/got" 2>&1 ||
				echo "(netagg check failed)" >>"$tmp/got"
		done
		want=$here/good/$name.expected
		if ! diff -u "$want" "$tmp/got"; then
			bad "$sh: good/$f: netagg check -v differs from $name.expected"
		elif [ "$sh" != bash ] && ! diff -r "$tmp/bash/good/$name" "$out" >/dev/null; then
			bad "$sh: good/$f: generated files differ from bash's"
		else
			ok
		fi
	done
}

# --- bad samples ------------------------------------------------------------------------
bad_samples() { # bad_samples SHELL
	local sh=$1 f out expect got rc
	cd "$here/bad" || return
	for f in *.uci; do
		expect=$(sed -n '1s/^# expect: //p' "$f")
		out=$tmp/$sh/bad/${f%.uci}
		mkdir -p "$out"
		echo 'interface = "keep";' >"$out/keep.conf"
		in_shell "$sh" "$files/uci2conf" -c "$f" -o "$out" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		got=$(cat "$tmp/err")
		if [ "$rc" -ne 1 ]; then
			bad "$sh: bad/$f: exit $rc, want 1"
		elif [ "$got" != "$expect" ]; then
			bad "$sh: bad/$f: got '$got', want '$expect'"
		elif [ -s "$tmp/out" ]; then
			bad "$sh: bad/$f: printed link names: $(cat "$tmp/out")"
		elif [ "$(ls -A "$out")" != keep.conf ] || [ "$(cat "$out/keep.conf")" != 'interface = "keep";' ]; then
			bad "$sh: bad/$f: output directory changed: $(ls -A "$out")"
		else
			ok
		fi
	done
}

# --- command line -----------------------------------------------------------------------
# expect_run DESC WANT_RC WANT_STDOUT WANT_STDERR SHELL ARGS...
expect_run() {
	local desc=$1 rc_want=$2 out_want=$3 err_want=$4 sh=$5 rc
	shift 5
	in_shell "$sh" "$files/uci2conf" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$rc_want" ]; then
		bad "$sh: $desc: exit $rc, want $rc_want ($(cat "$tmp/err"))"
	elif [ "$(cat "$tmp/out")" != "$out_want" ]; then
		bad "$sh: $desc: printed '$(cat "$tmp/out")', want '$out_want'"
	elif [ "$(cat "$tmp/err")" != "$err_want" ]; then
		bad "$sh: $desc: stderr '$(cat "$tmp/err")', want '$err_want'"
	else
		return 0
	fi
	return 1
}

command_line() { # command_line SHELL
	local sh=$1
	local d=$tmp/$sh/cli
	cd "$here/good" || return
	mkdir -p "$d"
	# LINK: only that link's file.
	if expect_run "LINK argument" 0 office "" "$sh" -c two-links.uci -o "$d/one" office; then
		check_outdir "$d/one" office && ok || bad "$sh: LINK argument: wrote $(ls -A "$d/one")"
	fi
	if expect_run "unknown LINK" 1 "" "uci2conf: two-links.uci: no config link 'nope'" \
		"$sh" -c two-links.uci -o "$d/one" nope; then
		check_outdir "$d/one" office && ok || bad "$sh: unknown LINK: changed $(ls -A "$d/one")"
	fi
	# Without LINK, files of links that are gone or disabled go away; others stay.
	mkdir -p "$d/stale" && touch "$d/stale/gone.conf" "$d/stale/notes.txt"
	if expect_run "stale files" 0 "home
office" "" "$sh" -c two-links.uci -o "$d/stale"; then
		[ "$(ls -A "$d/stale" | sort | tr '\n' ' ')" = "home.conf notes.txt office.conf " ] && ok ||
			bad "$sh: stale files: left $(ls -A "$d/stale")"
	fi
	# LINK disabled: nothing written, its old file removed.
	mkdir -p "$d/off" && touch "$d/off/off0.conf"
	if expect_run "disabled LINK" 0 "" "" "$sh" -c disabled.uci -o "$d/off" off0; then
		check_outdir "$d/off" "" && ok || bad "$sh: disabled LINK: left $(ls -A "$d/off")"
	fi
	# OUTDIR is created when missing.
	if expect_run "new OUTDIR" 0 syn0 "" "$sh" -c syntax.uci -o "$d/new/dir"; then
		check_outdir "$d/new/dir" syn0 && ok || bad "$sh: new OUTDIR: wrote $(ls -A "$d/new/dir")"
	fi
	expect_run "usage: unknown flag" 2 "" "usage: uci2conf [-c UCIFILE] [-o OUTDIR] [LINK]" \
		"$sh" -x && ok
	expect_run "usage: two links" 2 "" "usage: uci2conf [-c UCIFILE] [-o OUTDIR] [LINK]" \
		"$sh" -c two-links.uci -o "$d/u" home office && ok
	expect_run "missing file" 1 "" "uci2conf: /nonexistent/netagg: cannot read" \
		"$sh" -c /nonexistent/netagg -o "$d/u" && ok
	# The shipped /etc/config/netagg is disabled; enabled, it is a working initiator.
	expect_run "shipped config" 0 "" "" "$sh" -c "$files/netagg.config" -o "$d/shipped" && ok
	sed "s/option enabled '0'/option enabled '1'/" "$files/netagg.config" >"$d/enabled.config"
	if expect_run "shipped config enabled" 0 bond0 "" "$sh" -c "$d/enabled.config" -o "$d/shipped"; then
		"$netagg" check "$d/shipped/bond0.conf" && ok || bad "$sh: shipped config enabled: netagg check"
	fi
}

# --- hotplug ----------------------------------------------------------------------------
# start_fake NAME: a sleeping process whose comm is NAME; its pid in fake_pid. A quiet
# subshell waits for it and records its exit status in $tmp/fake/PID.rc.
start_fake() {
	[ -x "$tmp/fake/$1" ] || { mkdir -p "$tmp/fake" && cp "$(command -v sleep)" "$tmp/fake/$1"; }
	rm -f "$tmp/fake/pid"
	(
		# SIGHUP at its default even when the suite runs under nohup (SIG_IGN is inherited,
		# and the hotplug tests need the fake to die of the SIGHUP they expect).
		env --default-signal=HUP "$tmp/fake/$1" 600 &
		pid=$!
		echo "$pid" >"$tmp/fake/pid.new" && mv "$tmp/fake/pid.new" "$tmp/fake/pid"
		wait "$pid"
		echo $? >"$tmp/fake/$pid.rc"
	) 2>/dev/null &
	while [ ! -s "$tmp/fake/pid" ]; do sleep 0.05; done
	fake_pid=$(cat "$tmp/fake/pid")
	fakes+=("$fake_pid")
}

# hotplug SHELL ACTION DEVICE: sources the hook as hotplug-call does, logger stubbed.
hotplug() {
	ACTION=$2 DEVICE=$3 INTERFACE=up_$3 NETAGG_GENDIR=$tmp/hp/gen NETAGG_RUNDIR=$tmp/hp/run \
		LOG=$tmp/hp/log in_shell "$1" -c 'logger() { echo "$*" >>"$LOG"; }; . "$0"' \
		"$files/netagg.hotplug"
}

alive() { kill -0 "$1" 2>/dev/null; }

# hupped PID: did PID die of SIGHUP (within 2 s)?
hupped() {
	local tries=10
	while [ ! -s "$tmp/fake/$1.rc" ] && [ $((tries -= 1)) -gt 0 ]; do sleep 0.2; done
	[ "$(cat "$tmp/fake/$1.rc" 2>/dev/null)" = 129 ]
}

hotplug_tests() { # hotplug_tests SHELL
	local sh=$1 bond0 home other rc rc2
	rm -rf "$tmp/hp" && mkdir -p "$tmp/hp/gen" "$tmp/hp/run" && : >"$tmp/hp/log"
	(cd "$here/good" && for f in initiator ipv6 two-links; do
		"$files/uci2conf" -c $f.uci -o "$tmp/hp/$f" >/dev/null && cp "$tmp/hp/$f"/*.conf "$tmp/hp/gen/"
	done)
	[ "$(ls "$tmp/hp/gen" | tr '\n' ' ')" = "bond0.conf bond6.conf home.conf office.conf " ] ||
		bad "$sh: hotplug: set-up: $(ls "$tmp/hp/gen")"
	start_fake netagg && bond0=$fake_pid # initiator: paths on eth1 and wwan0
	start_fake netagg && home=$fake_pid  # two-links: no devices
	start_fake sleep && other=$fake_pid  # a pid file naming a process that is not netagg
	echo "$bond0" >"$tmp/hp/run/bond0.pid"
	echo "$home" >"$tmp/hp/run/na-home.pid"
	echo "$other" >"$tmp/hp/run/bond6.pid"
	sleep 0.1

	hotplug "$sh" ifdown wwan0
	rc=$?
	sleep 0.2
	[ $rc -eq 0 ] && alive "$bond0" && ok || bad "$sh: hotplug: ifdown must signal nothing (exit $rc)"
	hotplug "$sh" ifup eth0 # eth0 is no path's device (eth0.2 is)
	rc=$?
	sleep 0.2
	[ $rc -eq 0 ] && alive "$bond0" && alive "$other" && [ ! -s "$tmp/hp/log" ] && ok ||
		bad "$sh: hotplug: ifup of an unused device must signal nothing (exit $rc)"
	hotplug "$sh" ifup eth0.2 # bond6's pid file names a process that is not netagg
	rc=$?
	sleep 0.2
	[ $rc -eq 0 ] && alive "$other" && [ ! -s "$tmp/hp/log" ] && ok ||
		bad "$sh: hotplug: must not signal a pid that is not netagg's (exit $rc)"
	hotplug "$sh" ifup wwan0
	rc=$?
	if [ $rc -eq 0 ] && hupped "$bond0" && alive "$home" && alive "$other" &&
		[ "$(cat "$tmp/hp/log")" = "-t netagg up_wwan0 (wwan0) is up: SIGHUP to bond0 (pid $bond0) to re-bind its paths" ]; then
		ok
	else
		bad "$sh: hotplug: ifup wwan0 must SIGHUP bond0 only (exit $rc, log: $(cat "$tmp/hp/log"))"
	fi
	# A stale pid file (its process gone) and a missing one are skipped quietly.
	hotplug "$sh" ifup eth1 >"$tmp/hp/out" 2>&1
	rc=$?
	rm -f "$tmp/hp/run/bond0.pid"
	hotplug "$sh" ifup eth1 >>"$tmp/hp/out" 2>&1
	rc2=$?
	[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ ! -s "$tmp/hp/out" ] && ok ||
		bad "$sh: hotplug: stale or missing pid file: exit $rc and $rc2, output $(cat "$tmp/hp/out")"
	kill "$home" "$other" 2>/dev/null
}

# --- init script ------------------------------------------------------------------------
# init_call SHELL UCIFILE FUNCTION: runs FUNCTION of the init script (start, reload_service,
# stop_service) the way rc.common does, with procd's shell API stubbed: prints the calls.
init_call() {
	in_shell "$1" -c '
		procd_open_instance() { echo "open $*"; }
		procd_set_param() { echo "param $*"; }
		procd_close_instance() { echo "close"; }
		procd_add_reload_trigger() { echo "reload-trigger $*"; }
		procd_send_signal() { echo "signal $*"; }
		logger() { echo "logger $*" >&2; }
		. "$0"
		start() { start_service; service_started; }
		PROG=$1 UCI2CONF=$2 UCIFILE=$3 CONFDIR=$4
		$5' "$files/netagg.init" "$netagg" "$files/uci2conf" "$2" "$tmp/init/conf" "$3"
}

# init_step SHELL DESC UCIFILE FUNCTION WANTFILE: the calls must be exactly WANTFILE's.
init_step() {
	init_call "$1" "$3" "$4" >"$tmp/init/got" 2>&1
	diff -u "$5" "$tmp/init/got" && ok || bad "$1: init: $2: procd calls differ"
}

init_tests() { # init_tests SHELL
	local sh=$1 c=$tmp/init/conf u=$tmp/init/netagg fixed
	rm -rf "$tmp/init" && mkdir -p "$tmp/init"
	cat >"$tmp/init/calls" <<-EOF
		open bond0
		param command $netagg run $c/bond0.conf
		param env NETAGG_RUNDIR=/var/run/netagg
		param file $c/.bond0.fixed /etc/netagg/bond0.key
		param respawn 3600 5 0
		param stdout 1
		param stderr 1
		close
	EOF
	cp "$here/good/initiator.uci" "$u"
	init_step "$sh" "start" "$u" start "$tmp/init/calls"
	fixed=$(cat "$c/.bond0.fixed")
	init_step "$sh" "reload, nothing changed" "$u" reload_service "$tmp/init/calls"
	# Line numbers move: the generated file changes, what it says does not.
	{ echo "# a new first line"; cat "$here/good/initiator.uci"; } >"$u"
	init_step "$sh" "reload, lines moved" "$u" reload_service "$tmp/init/calls"
	[ "$(cat "$c/.bond0.fixed")" = "$fixed" ] && ok || bad "$sh: init: moved lines changed the fixed part"
	# A weight changes live: procd keeps the instance, netagg gets SIGHUP.
	sed -i "s/option weight '7500'/option weight '7000'/" "$u"
	{ cat "$tmp/init/calls"; echo "signal netagg bond0 HUP"; } >"$tmp/init/calls+hup"
	init_step "$sh" "reload, weight changed" "$u" reload_service "$tmp/init/calls+hup"
	[ "$(cat "$c/.bond0.fixed")" = "$fixed" ] && ok || bad "$sh: init: a weight changed the fixed part"
	# So does a path's own probing, and so do the link's fast_udp and weights.
	sed -i "s/option probe_interval '1000'/option probe_interval '2000'/" "$u"
	init_step "$sh" "reload, a path's probe_interval changed" "$u" reload_service "$tmp/init/calls+hup"
	[ "$(cat "$c/.bond0.fixed")" = "$fixed" ] && ok || bad "$sh: init: a path's probing changed the fixed part"
	sed -i -e "s/option fast_udp '200'/option fast_udp '0'/" -e "/option weights 'auto'/d" "$u"
	init_step "$sh" "reload, fast_udp and weights changed" "$u" reload_service "$tmp/init/calls+hup"
	[ "$(cat "$c/.bond0.fixed")" = "$fixed" ] && ok || bad "$sh: init: fast_udp or weights changed the fixed part"
	# A path's address needs a restart: the fixed part changes (procd restarts), no SIGHUP.
	sed -i "s/option local '198.18.2.1'/option local '198.18.2.9'/" "$u"
	init_step "$sh" "reload, local changed" "$u" reload_service "$tmp/init/calls"
	[ "$(cat "$c/.bond0.fixed")" != "$fixed" ] && ok || bad "$sh: init: a new local address kept the fixed part"
	# After a stop nothing runs: a start with new weights signals nothing.
	init_call "$sh" "$u" stop_service >/dev/null 2>&1
	sed -i "s/option weight '7000'/option weight '6000'/" "$u"
	init_step "$sh" "start after stop" "$u" start "$tmp/init/calls"
	# A broken UCI file: logged, and the links translated before keep running.
	cp "$here/bad/unknown-option.uci" "$u"
	{
		echo "logger -s -t netagg -p daemon.err uci2conf: $u:4: unknown option 'adress' in config link"
		echo "logger -s -t netagg -p daemon.err $u has errors: keeping the links translated before"
		cat "$tmp/init/calls"
	} >"$tmp/init/broken"
	init_step "$sh" "broken UCI file" "$u" reload_service "$tmp/init/broken"
	# A link netagg refuses is logged and not started; the others start.
	sed "s/option cipher 'aes-256-gcm'/option cipher 'des'/" "$here/good/two-links.uci" >"$u"
	init_call "$sh" "$u" start >"$tmp/init/got" 2>&1
	if grep -qx "logger -s -t netagg -p daemon.err link office not started: $c/office.conf:4: cipher must be \"auto\", \"chacha20-poly1305\" or \"aes-256-gcm\", not \"des\"" "$tmp/init/got" &&
		[ "$(grep '^open' "$tmp/init/got")" = "open home" ]; then
		ok
	else
		bad "$sh: init: a link netagg check refuses: $(cat "$tmp/init/got")"
	fi
	# Records of links no longer started are dropped.
	[ "$(cd "$c" && ls -A | sort | tr '\n' ' ')" = ".home.fixed .home.live home.conf office.conf " ] && ok ||
		bad "$sh: init: state files: $(ls -A "$c")"
	echo "reload-trigger netagg" >"$tmp/init/trigger"
	init_step "$sh" "service_triggers" "$u" service_triggers "$tmp/init/trigger"
}

# --- static checks ----------------------------------------------------------------------
syntax_checks() { # syntax_checks SHELL: the scripts parse
	local f
	for f in uci2conf netagg.init netagg.hotplug; do
		in_shell "$1" -n "$files/$f" 2>"$tmp/err" && ok || bad "$1 -n $f: $(cat "$tmp/err")"
	done
}

makefile_checks() {
	local mk=$pkg/Makefile f dest
	[ "$(sed -n 's/^PKG_VERSION:=//p' "$mk")" = "$(cat "$top/VERSION")" ] && ok ||
		bad "Makefile: PKG_VERSION differs from VERSION"
	for f in $(grep -o '\./files/[A-Za-z0-9._-]*' "$mk" | sort -u); do
		[ -f "$pkg/$f" ] && ok || bad "Makefile: $f does not exist"
	done
	for dest in /usr/sbin/netagg /usr/libexec/netagg/uci2conf /etc/init.d/netagg \
		/etc/config/netagg /etc/hotplug.d/iface/95-netagg; do
		grep -q "\$(1)$dest\$" "$mk" && ok || bad "Makefile: nothing installs $dest"
	done
	grep -q '^  DEPENDS:=+libev +libconfig +libsodium +libmnl +libnetfilter-queue +kmod-tun$' "$mk" && ok ||
		bad "Makefile: DEPENDS"
	sed -n '/^define Package\/netagg\/conffiles/,/^endef/p' "$mk" | grep -qx /etc/config/netagg && ok ||
		bad "Makefile: /etc/config/netagg is not a conffile"
	grep -q '^\$(eval \$(call BuildPackage,netagg))$' "$mk" && ok || bad "Makefile: no BuildPackage"
}

for sh in "${shells[@]}"; do
	echo "== $sh"
	syntax_checks "$sh"
	good_samples "$sh"
	bad_samples "$sh"
	command_line "$sh"
	hotplug_tests "$sh"
	init_tests "$sh"
done
echo "== Makefile"
makefile_checks

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
