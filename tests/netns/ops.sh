#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Operating a running link: SIGHUP applies a changed config live (weights in status),
# keeps the old one on a broken file or on a change that needs a restart, each with a
# clear log line; systemd hears READY/RELOADING/STOPPING; --prometheus output is valid.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_netagg
need_cmd socat jq

topo_create 2 v4
write_configs v4 1 1
na_up B || die "netagg up B"
# A in the foreground, as under systemd, with its log and a notify socket of our own.
notify=$NA_TMP/notify.sock
bg_start A socat -u UNIX-RECV:"$notify" OPEN:"$NA_TMP/notify.log",creat,append
for i in $(seq 50); do [ -S "$notify" ] && break; sleep 0.1; done
chmod 666 "$notify" # systemd's own socket is writable by all: the daemon is nobody by then
mkdir -p "$(na_rundir A)"
# The daemon is nobody after set-up: it must still reach the config (SIGHUP) and the notify
# socket, as it does in /etc/netagg and /run/systemd; the test dir is root-only by default.
chmod 711 "$NA_TMP"
bg_start A env NETAGG_RUNDIR="$(na_rundir A)" NOTIFY_SOCKET="$notify" "$NETAGG" run "$(na_conf A)" \
	2>"$NA_TMP/a.log"
apid=$BG_PID
NA_PID[A]=$apid
for i in $(seq 50); do [ -S "$(na_sockfile A)" ] && break; sleep 0.1; done
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
check "READY=1 sent once the link was up" grep -q "READY=1" "$NA_TMP/notify.log"

weights() { na_status A | jq -r '[.paths[].weight] | join(":")'; }
conf=$(na_conf A)
cp "$conf" "$NA_TMP/good.conf"

sed -i 's/weight = 1; }/weight = 3; }/' "$conf" # path 1 only: it has a comma after }
sed -i '0,/weight = 3;/! s/weight = 3;/weight = 1;/' "$conf"
kill -HUP "$apid"
check "SIGHUP applies new weights live (status shows $(weights))" wait_for '[ "$(weights)" = 3:1 ]'
check "RELOADING=1 then READY=1 around the reload" grep -qz "RELOADING=1.*READY=1" "$NA_TMP/notify.log"
check "the log says the reload applied" grep -q "reload: $conf applied" "$NA_TMP/a.log"

line=$(grep -n 'name = "p2"' "$conf" | cut -d: -f1)
sed -i "${line}s/weight = 1;/weight = \"x\";/" "$conf"
kill -HUP "$apid"
check "a broken config is logged with FILE:LINE" wait_for \
	"grep -q 'reload: $conf:$line: weight must be an integer from 1 to 65535; keeping the running configuration' '$NA_TMP/a.log'"
check "and the running weights stay ($(weights))" [ "$(weights)" = 3:1 ]
check "the daemon is still running" pid_alive "$apid"

cp "$NA_TMP/good.conf" "$conf"
echo 'mtu = 1300;' >>"$conf"
kill -HUP "$apid"
check "a change that needs a restart is refused by name" wait_for \
	"grep -q 'changing mtu needs a restart (netagg down, then up); keeping the running configuration' '$NA_TMP/a.log'"
check "traffic still flows" wait_ping A "$TUN_V4_B" 3

# Prometheus text format: every family declared once, every sample well-formed.
na A status --prometheus >"$NA_TMP/metrics"
bad=$(awk '
	/^# TYPE / { if (seen[$3]++) { print "duplicate TYPE " $3; exit } type[$3] = $4; next }
	/^# HELP / { next }
	/^#/ { print "stray comment: " $0; exit }
	{
		if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9][0-9.eE+-]*$/) { print "bad line: " $0; exit }
		name = $0; sub(/[{ ].*/, "", name)
		if (!(name in type)) { print "no TYPE for " name; exit }
		if (type[name] == "counter" && name !~ /_total$/) { print "counter without _total: " name; exit }
	}' "$NA_TMP/metrics")
check "--prometheus output is well-formed${bad:+: $bad}" [ -z "$bad" ]
check "it has both paths' up gauge" [ "$(grep -c '^netagg_path_up{interface="nA0",path="p[12]"} 1$' "$NA_TMP/metrics")" -eq 2 ]
if command -v promtool >/dev/null; then
	check "promtool accepts it" promtool check metrics <"$NA_TMP/metrics"
fi

na_down A >/dev/null
check "STOPPING=1 sent on stop" wait_for 'grep -q STOPPING=1 "$NA_TMP/notify.log"'
finish
