#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nexthop.sh over an IPv6 underlay: neighbour discovery's entries stay REACHABLE too.
exec bash "$(dirname "$0")/nexthop.sh" v6
