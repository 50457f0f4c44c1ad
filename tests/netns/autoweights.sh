#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# weights = "auto": configured 1:1 over links of 7.5 and 2.5 Mbit/s, the weights move to
# about 3:1 under a TCP transfer, the traffic follows, and changing the config back to
# fixed weights with SIGHUP restores the configured ones.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/wan.sh"
need_root
need_netagg
need_cmd iperf3 jq

topo_create 2 v4
wan_shape 1 both 7500kbit 10ms
wan_shape 2 both 2500kbit 40ms
write_configs v4 1 1
for side in A B; do
	sed -i 's/^interface = .*/&\nweights = "auto";/' "$(na_conf "$side")"
done
na_up B && na_up A || die "bond"
wait_ping A "$TUN_V4_B" || die "no ping over the tunnel"
check "check -v keeps weights = auto" grep -qx 'weights = "auto";' <(na A check -v "$(na_conf A)")

bg_start B iperf3 -s -1 -p 5501 >/dev/null
wait_listen B 5501 || die "iperf3 server"
a0=$(na_status A)
out=$(nsA iperf3 -c "$TUN_V4_B" -p 5501 -t 12 -C cubic -J) || die "iperf3"
a1=$(na_status A)
w1=$(jq '.paths[0].weight' <<<"$a1")
w2=$(jq '.paths[1].weight' <<<"$a1")
wshare=$(pct "$w1" "$w2")
d1=$(( $(jq '.paths[0].tx_bytes' <<<"$a1") - $(jq '.paths[0].tx_bytes' <<<"$a0") ))
d2=$(( $(jq '.paths[1].tx_bytes' <<<"$a1") - $(jq '.paths[1].tx_bytes' <<<"$a0") ))
goodput=$(jq '.end.sum_received.bits_per_second / 1e6' <<<"$out")
log "after 12 s of TCP (cubic): weights $w1:$w2 ($wshare % on path 1), bytes $(pct "$d1" "$d2") % on path 1, goodput $goodput Mbit/s"
check "the weights moved to about 3:1 (path 1 share 75 +- 10 %)" within "$wshare" 75 10
check "path 1 carried 60 % or more of the bytes" awk -v x="$(pct "$d1" "$d2")" 'BEGIN { exit !(x >= 60) }'
check "goodput above 7 Mbit/s" awk -v x="$goodput" 'BEGIN { exit !(x > 7) }'

# Back to fixed weights with a reload: the configured 1:1 again. The daemon is nobody by
# then: it must be able to reach the config.
chmod 711 "$NA_TMP"
sed -i '/^weights = "auto";$/d' "$(na_conf A)"
chmod 644 "$(na_conf A)"
kill -HUP "${NA_PID[A]}"
for _ in $(seq 20); do
	[ "$(na_status A | jq -r '[.paths[].weight] | join(":")')" = 1:1 ] && break
	sleep 0.1
done
check "after SIGHUP to fixed weights: 1:1" test "$(na_status A | jq -r '[.paths[].weight] | join(":")')" = "1:1"
finish
