#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An idle path that loses many frames but works stays up. At the default probing (a
# keepalive every 100 ms, down after 300 ms of silence) the peer hears two within
# down_after, and the loss of an idle path's few keepalives is a noisy estimate (2 of 3
# lost read 66.7 %): at 30 % loss both took the path down, 9 times in 20 s. So an end
# sends its keepalives more often on an idle path the peer reports losing them on,
# enough that down_after of silence is a one-in-a-million chance, and only a path that
# carries data goes down for its loss; a lossless path keeps its pace.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq

topo_create 2 v4
wan_shape 1 both 50mbit 10ms
wan_shape 2 both 50mbit 20ms 30%
write_configs v4 1 1
na_run_fg B "$NA_TMP/b.log"
na_run_fg A "$NA_TMP/a.log"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"
sleep 3 # the first loss reports

keepalives() { na_status "$1" | jq -c '[.paths[].keepalives]'; }
failures() { na_status "$1" | jq '[.paths[].failures] | add'; }
fa=$(failures A) fb=$(failures B) ka=$(keepalives A)
secs=20
sleep "$secs" # idle: no traffic but the probes
ka2=$(keepalives A)
fa=$(($(failures A) - fa)) fb=$(($(failures B) - fb))
rate() { jq -n --argjson a "$ka" --argjson b "$ka2" --argjson i "$1" --argjson s "$secs" '($b[$i] - $a[$i]) / $s'; }
log "idle for $secs s, path 2 losing 30 % each way: keepalives/s from A: path 1 $(rate 0), path 2 $(rate 1);" \
	"paths gone down: A $fa, B $fb; path 2 $(na_status A | jq -r '.paths[1].state'), loss $(na_status A | jq '.paths[1].loss * 100') %"
grep -h "down" "$NA_TMP/a.log" "$NA_TMP/b.log" | sort | uniq -c | sed 's/^/    /'
check "no path went down on either end" [ "$fa$fb" = 00 ]
state=$(na_status A | jq -r '.paths[1].state')
check "the lossy path is usable ($state)" test "$state" = degraded -o "$state" = up
check "keepalives come faster on the lossy path ($(rate 1)/s, at least 25)" \
	awk -v r="$(rate 1)" 'BEGIN { exit !(r >= 25) }'
check "and at the configured pace on the lossless one ($(rate 0)/s)" \
	awk -v r="$(rate 0)" 'BEGIN { exit !(r >= 9 && r <= 11) }'
finish
