#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Loss repair: frames lost on one path are NACKed by the receiver and resent on the
# other path, so the inner flows do not see the loss. The same lossy bed with
# `repair = false` shows the loss the repair hides; a reload switches repair on live.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd jq iperf3 socat sha256sum

topo_create 2 v4
# Rates far above what the test sends, so no queue builds: every loss is the wire's.
wan_shape 1 both 50mbit 10ms
wan_shape 2 both 50mbit 30ms
wan_shape 2 ab 50mbit 30ms 3%
write_configs v4 1 1
for side in A B; do
	sed -i 's/^interface = .*/&\nrepair = false;/' "$(na_conf "$side")"
	chmod 644 "$(na_conf "$side")" # read again on SIGHUP by the daemon, nobody by then
done
chmod 711 "$NA_TMP"
{ na_up B && na_up A; } >/dev/null || die "netagg up"
wait_ping A "$TUN_V4_B" 5 >/dev/null || die "no ping through the tunnel"

port=5500
# udp_loss : percent of 4 Mbit/s of UDP from A to B (1:1 over the paths) lost in 6 s.
udp_loss() {
	port=$((port + 1))
	bg_start B iperf3 -s -1 -p "$port" >/dev/null
	wait_listen B "$port" || die "iperf3 server"
	nsA iperf3 -u -c "$TUN_V4_B" -p "$port" -b 4M -l 1000 -t 6 -J | jq '.end.sum.lost_percent'
}
repair() { na_status "$1" | jq ".repair.$2"; }

off=$(udp_loss)
log "repair off: $off % of the UDP datagrams lost (3 % loss on half of them)"
# About 28 of the 3000 datagrams are lost (about 1 %: fewer than 3 % of half, as measured);
# 0.4 % is 3 standard deviations below that.
check "without repair the inner flow loses what path 2 loses (0.4-3 %)" \
	awk -v x="$off" 'BEGIN { exit !(x >= 0.4 && x <= 3) }'
check "without repair nothing is NACKed or resent" \
	test "$(repair B nacks_sent)$(repair A resent)" = 00

for side in A B; do sed -i '/^repair = false;/d' "$(na_conf "$side")"; done
kill -HUP "${NA_PID[A]}" "${NA_PID[B]}"
sleep 1
on=$(udp_loss)
stB=$(na_status B)
stA=$(na_status A)
log "repair on: $on % lost; B found $(jq .repair.gaps <<<"$stB") gaps, sent $(jq .repair.nacks_sent <<<"$stB") NACKs," \
	"received $(jq .repair.repairs_received <<<"$stB") resends; A resent $(jq .repair.resent <<<"$stA")," \
	"missed $(jq .repair.missed <<<"$stA"), over budget $(jq .repair.budget <<<"$stA")"
check "with repair (switched on by a reload) the inner flow loses under a tenth of that (< 0.1 %)" \
	awk -v x="$on" 'BEGIN { exit !(x < 0.1) }'
check "the path's own loss is still measured (path 2 loss > 1 %)" \
	test "$(jq '.paths[1].loss > 0.01' <<<"$stA")" = true
check "B NACKed gaps and received resends" \
	test "$(jq '.repair.nacks_sent > 20 and .repair.repairs_received > 20' <<<"$stB")" = true
check "A resent what B asked for, within its budget" \
	test "$(jq '.repair.resent > 20 and .repair.budget == 0' <<<"$stA")" = true
log "drops at B: $(jq -c ".drops | with_entries(select(.value > 0))" <<<"$stB")"
# (no_key: the TUN's own first packets, sent before the first session, are not frames.)
check "no frame was refused on the way in" \
	test "$(jq '[.drops | to_entries[] | select(.key != "no_key") | .value] | add' <<<"$stB")" = 0

# TCP over the lossy path with repair: resends fill their gaps in the reorder buffer.
payload=$NA_TMP/payload
head -c 20M /dev/urandom >"$payload"
if send_file A B "$TUN_V4_B" "$payload"; then
	check "20 MB over TCP with 3 % loss on path 2 and repair: SHA-256 equal" \
		[ "$(sha "$payload")" = "$(sha "$payload.rx")" ]
else
	fail "20 MB over TCP with 3 % loss on path 2 and repair (transfer failed)"
fi
finish
