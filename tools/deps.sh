#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages netagg needs to build, test, demo and bench.
# usage: tools/deps.sh          install what is missing (as root)
#        tools/deps.sh --check  list what is missing; exit 1 if anything is
# apt-get update runs only when something is missing, so a ready machine
# needs no network at all.
set -u

PACKAGES=(
	# build
	build-essential autoconf automake libtool pkg-config
	libev-dev libconfig-dev libsodium-dev libmnl-dev libnetfilter-queue-dev
	# unit tests
	check
	# integration tests, demo, bench (minimal images have no ping)
	iproute2 iputils-ping iperf3 socat jq iptables nftables procps valgrind busybox man-db
)

# missing : the packages dpkg does not report as installed, one per line.
missing() {
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			printf '%s\n' "$p"
	done
}

mapfile -t todo < <(missing)
if [ "${1:-}" = --check ]; then
	[ "${#todo[@]}" -eq 0 ] && exit 0
	printf 'missing: %s\n' "${todo[*]}"
	exit 1
fi
[ "${#todo[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "tools/deps.sh: missing ${todo[*]}; run as root to install them" >&2
	exit 1
fi
echo "installing: ${todo[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || exit 1
apt-get install -y -q --no-install-recommends "${todo[@]}" || exit 1
