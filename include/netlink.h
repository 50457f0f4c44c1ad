/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interface configuration over rtnetlink (libmnl): MTU, addresses, link state. */
#ifndef NETAGG_NETLINK_H
#define NETAGG_NETLINK_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct nlmsghdr;

/* Sends one rtnetlink request (which must ask for NLM_F_ACK) and returns 0 or the kernel's errno. */
int netlink_talk(struct nlmsghdr *nlh);

/* Sets the MTU of interface `ifindex` and brings it up. */
bool netlink_link_up(unsigned ifindex, unsigned mtu, char *err, size_t errlen);

/* Adds address p to interface `ifindex` (IPv6 without duplicate address detection). */
bool netlink_addr_add(unsigned ifindex, const struct prefix *p, char *err, size_t errlen);

#endif
