#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `up` is a transaction and `down` undoes it: after down, a failed up, a
# refused second instance, and kill -9 + down, nothing of netagg is left
# (TUN, process, socket, pid file), and a live instance is never harmed.
#
# Exit 0 pass, 1 fail, 77 skip. Run as root: tests/netns/lifecycle.sh
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_netagg

topo_create 2 v4
na_bond v4 7500 2500 || die "netagg up failed"
check "tunnel passes traffic after up" wait_ping A "$TUN_V4_B" 5

# --- helpers: what "nothing left" means on side A ------------------------

no_tun() { ! nsA ip link show "$IF_A" >/dev/null 2>&1; }
no_pid_file() { [ ! -e "$(na_pidfile A)" ]; }
no_socket() { [ ! -e "$(na_sockfile A)" ]; }
# No process at all runs in A's namespace: it only ever holds netagg.
no_process() { [ -z "$(ip netns pids "$NS_A")" ]; }

# nothing_left WHEN : one check per leftover kind, named after the step.
nothing_left() {
	check "$1: no TUN $IF_A" no_tun
	if no_process; then
		pass "$1: no process in A"
	else
		fail "$1: no process in A (left: $(ip netns pids "$NS_A" | tr '\n' ' '))"
	fi
	check "$1: no socket file" no_socket
	check "$1: no pid file" no_pid_file
}

# --- down ----------------------------------------------------------------

pid=${NA_PID[A]}
out=$(na_down A 2>&1); rc=$?
log "  down: exit $rc: $out"
check "down exits 0" [ "$rc" -eq 0 ]
check "down: daemon pid $pid is gone when down returns" pid_gone "$pid"
nothing_left "after down"

# --- up with broken configs ----------------------------------------------

# broken_up NAME LINE CONF_TEXT : up must exit 1, name FILE:LINE:, leave nothing.
broken_up() {
	local name=$1 line=$2 conf=$NA_TMP/$1.conf out rc
	printf '%s\n' "$3" >"$conf"
	out=$(na A up "$conf" 2>&1); rc=$?
	log "  $name: exit $rc: $out"
	check "$name: up exits 1" [ "$rc" -eq 1 ]
	if [ "$line" != - ]; then
		check "$name: message names $conf:$line:" grep -qF "$conf:$line:" <<<"$out"
	fi
	nothing_left "$name"
}

broken_up bad-weight 4 'interface = "nA0";
address = [ "198.19.0.1/30", "fd00:4e41::1/64" ];
paths = (
  { name = "p1"; local = "198.18.1.1"; remote = "198.18.1.2:5000"; weight = "x"; },
  { name = "p2"; local = "198.18.2.1"; remote = "198.18.2.2:5000"; weight = 2500; }
);'

broken_up no-local 5 'interface = "nA0";
address = [ "198.19.0.1/30", "fd00:4e41::1/64" ];
paths = (
  { name = "p1"; local = "198.18.1.1"; remote = "198.18.1.2:5000"; weight = 7500; },
  { name = "p2"; remote = "198.18.2.2:5000"; weight = 2500; }
);'

# Valid syntax, but there is no device nosuch0: the failure comes after the TUN
# exists (binding the socket), so this checks the rollback, not the parser.
broken_up unbindable - 'interface = "nA0";
key_file = "'"$NA_KEY"'";
address = [ "198.19.0.1/30", "fd00:4e41::1/64" ];
paths = (
  { name = "p1"; local = "198.18.1.1"; remote = "198.18.1.2:5000"; weight = 7500; },
  { name = "p2"; local = "198.18.2.1"; remote = "198.18.2.2:5000"; weight = 2500; device = "nosuch0"; }
);'

# A local address not on the host yet (an uplink still dialling) does not stop the
# link: that path is down until the address appears, then up.
printf '%s\n' 'interface = "nA0";
key_file = "'"$NA_KEY"'";
address = [ "198.19.0.1/30", "fd00:4e41::1/64" ];
paths = (
  { name = "p1"; local = "198.18.1.1"; remote = "198.18.1.2:5000"; weight = 7500; },
  { name = "p2"; local = "198.18.2.9"; remote = "198.18.2.2:5000"; weight = 2500; }
);' >"$NA_TMP/later.conf"
check "later: up with an address not yet on the host exits 0" na_up A "$NA_TMP/later.conf"
check "later: traffic passes over the other path" wait_ping A "$TUN_V4_B" 5
check "later: the path without its address is down" \
	test "$(na_status A | jq -r '.paths[1].state')" = down
nsA ip addr add 198.18.2.9/24 dev path2
for _ in $(seq 30); do [ "$(na_status A | jq -r '.paths[1].state')" = up ] && break; sleep 0.1; done
check "later: once the address appears the path is up" test "$(na_status A | jq -r '.paths[1].state')" = up
nsA ip addr del 198.18.2.9/24 dev path2
na_down A >/dev/null

# --- a second instance on the same interface -----------------------------

na_up A || die "netagg up A (again) failed"
pid=${NA_PID[A]}
check "up again after down: traffic passes" wait_ping A "$TUN_V4_B" 5

status_answers() { na_status A >/dev/null 2>&1; }

# first_intact WHEN : the running instance is untouched.
first_intact() {
	check "$1: first daemon $pid still runs" pid_alive "$pid"
	check "$1: only that process in A" [ "$(ip netns pids "$NS_A")" = "$pid" ]
	check "$1: pid file still names $pid" [ "$(cat "$(na_pidfile A)" 2>/dev/null)" = "$pid" ]
	check "$1: socket file still there" [ -S "$(na_sockfile A)" ]
	check "$1: status still answers" status_answers
	check "$1: tunnel still passes traffic" wait_ping A "$TUN_V4_B" 3
}

out=$(na A up "$(na_conf A)" 2>&1); rc=$?
log "  same interface, same run dir: exit $rc: $out"
check "second up on $IF_A (same run dir) exits 1" [ "$rc" -eq 1 ]
first_intact "after second up"

# Another run dir hides the first instance's files: only the kernel's TUN
# says the name is taken, and the failed up must not roll back the first's TUN.
out=$(ip netns exec "$NS_A" env NETAGG_RUNDIR="$NA_TMP/run-other" "$NETAGG" up "$(na_conf A)" 2>&1); rc=$?
log "  same interface, other run dir: exit $rc: $out"
check "second up on $IF_A (other run dir) exits 1" [ "$rc" -eq 1 ]
first_intact "after second up elsewhere"

# --- kill -9, then down cleans the stale files ---------------------------

kill -KILL "$pid"
for _ in $(seq 30); do pid_alive "$pid" || break; sleep 0.1; done
check "kill -9: daemon $pid died" pid_gone "$pid"
log "  after kill -9: pid file $(no_pid_file && echo absent || echo present), socket $(no_socket && echo absent || echo present)"
out=$(na_down A 2>&1); rc=$?
log "  down after kill -9: exit $rc: $out"
check "down after kill -9 exits 0" [ "$rc" -eq 0 ]
nothing_left "down after kill -9"

check "up after kill -9 + down succeeds" na_up A
check "and traffic passes" wait_ping A "$TUN_V4_B" 5
# The set-up routed each path through its device: the daemon keeps CAP_NET_ADMIN alone to
# add those routes back after a device is re-created (tests/netns/roam.sh); without them, nothing.
caps() { awk '/^CapEff:/ { print $2 }' "/proc/${NA_PID[A]}/status"; }
check "with the set-up's routes the daemon keeps CAP_NET_ADMIN alone ($(caps))" [ "$(caps)" = 0000000000001000 ]
check "final down exits 0" na_down A
nothing_left "final down"
sed -i 's/^interface = .*/&\nhost_setup = false;/' "$(na_conf A)"
check "up without host set-up succeeds" na_up A
check "and its daemon has no capabilities at all ($(caps))" [ "$(caps)" = 0000000000000000 ]
check "down exits 0" na_down A
nothing_left "down without host set-up"
finish
