#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capacity trains: with weights = "auto", each end sends a train of full frames on every
# path once the paths are up, and the other end times it. With no weight given, the
# weights start from the rates the trains crossed at, before any traffic (7.5 and 2.5
# Mbit/s here: about 3:1 instead of 1:1). On 80 and 20 Mbit/s the frames of a train come
# 0.15 ms apart, which only the kernel's receive times tell (SO_TIMESTAMPNS): about 4:1.
# Configured weights are the start instead: their rates then only give a path held back
# by a full one its room at once (test_autow), until a reload leaves the weights out.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq

topo_create 2 v4
wan_shape 1 both 7500kbit 10ms
wan_shape 2 both 2500kbit 40ms

# bond_auto LOG_A LOG_B [strip] : both ends in the foreground with weights = "auto", the
# weights left out with `strip`; waits for the tunnel.
bond_auto() {
	write_configs v4 1 1
	for side in A B; do
		sed -i 's/^interface = .*/&\nweights = "auto";/' "$(na_conf "$side")"
		[ "${3:-}" = strip ] && sed -i 's/ weight = [0-9]*;//' "$(na_conf "$side")"
	done
	na_run_fg B "$2"
	na_run_fg A "$1"
	wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
}
weights() { na_status "$1" | jq -r '[.paths[].weight] | join(":")'; }
share1() { na_status "$1" | jq '.paths[0].weight * 100 / (.paths[0].weight + .paths[1].weight) | floor'; }

# seeded LABEL : waits up to 4 s (up to 5 trains a path, a few hundred ms apart) for both
# ends' weights to leave 1:1, and shows them with what A's log says of its trains.
seeded() {
	for _ in $(seq 40); do
		[ "$(weights A)" != 1:1 ] && [ "$(weights B)" != 1:1 ] && break
		sleep 0.1
	done
	log "$1, no traffic yet: weights A $(weights A), B $(weights B)"
	grep -h "capacity train" "$alog" | sed 's/^/  A: /'
}

alog=$NA_TMP/a.log blog=$NA_TMP/b.log
bond_auto "$alog" "$blog" strip
seeded "7.5 + 2.5 Mbit/s"
check "A timed a train on each path" [ "$(grep -c 'a capacity train crossed at' "$alog")" -eq 2 ]
check "A's weights start near 3:1 (path 1 share $(share1 A) %, 75 +- 8)" within "$(share1 A)" 75 8
check "so do B's, from its own trains ($(share1 B) %)" within "$(share1 B)" 75 8
check "A says where its weights come from" grep -q "weights from the capacity trains" "$alog"
stop_pid "${NA_PID[A]}"
stop_pid "${NA_PID[B]}"

# Paths faster than reads can time.
wan_shape 1 both 80mbit 5ms
wan_shape 2 both 20mbit 25ms
alog=$NA_TMP/a1.log blog=$NA_TMP/b1.log
bond_auto "$alog" "$blog" strip
seeded "80 + 20 Mbit/s"
check "A's weights start near 4:1 (path 1 share $(share1 A) %, 80 +- 6)" within "$(share1 A)" 80 6
check "so do B's ($(share1 B) %)" within "$(share1 B)" 80 6
stop_pid "${NA_PID[A]}"
stop_pid "${NA_PID[B]}"

wan_shape 1 both 7500kbit 10ms
wan_shape 2 both 2500kbit 40ms

# Weights given: they are the start; the trains' rates are taken, not as the start.
alog=$NA_TMP/a2.log blog=$NA_TMP/b2.log
bond_auto "$alog" "$blog"
sleep 1.5
grep -h "capacity train" "$alog" | sed 's/^/  A: /'
check "with weights given, A still times a train on each path" \
	[ "$(grep -c 'a capacity train crossed at' "$alog")" -eq 2 ]
kept() { [ "$(weights A)" = 1:1 ] && ! grep -q "weights from the capacity trains" "$alog"; }
check "and keeps its weights (1:1) before any traffic" kept

# A reload that leaves the weights out: the rates already measured give the start. The
# daemon is nobody by then: it must be able to reach the config.
chmod 711 "$NA_TMP"
sed -i 's/ weight = [0-9]*;//' "$(na_conf A)"
chmod 644 "$(na_conf A)"
kill -HUP "${NA_PID[A]}"
for _ in $(seq 20); do
	[ "$(weights A)" != 1:1 ] && break
	sleep 0.1
done
check "after a reload without weights, A's start is its trains' (path 1 share $(share1 A) %, 75 +- 8)" \
	within "$(share1 A)" 75 8
finish
