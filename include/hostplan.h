/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host changes a config needs (policy routing, sysctls, NFQUEUE rules), from facts about this host. */
#ifndef NETAGG_HOSTPLAN_H
#define NETAGG_HOSTPLAN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "hostchange.h"

/* Automatic table ids and rule priorities start here (0x4e41, "NA"), below main's rule at 32766. */
#define HOSTPLAN_AUTO_FIRST 20033u
#define HOSTFACTS_IDS_MAX 256

/* What the plan needs to know about the host; hostfacts_gather (an adapter) collects it. */
struct hostfacts_path {
	char dev[IFNAMSIZ];      /* the device holding the path's local address; "" when none does */
	struct prefix subnet;    /* that address with its prefix length on dev */
	struct endpoint gateway; /* dev's default gateway (main table, same family); len 0: none */
};

struct hostfacts_rule {
	char out_dev[IFNAMSIZ];       /* sender: the device the main table routes `secondary` through */
	struct endpoint out_gateway;  /* sender: that route's next hop; len 0: on link */
	char primary_dev[IFNAMSIZ];   /* receiver: the device holding `primary`; "" when none does */
	char secondary_dev[IFNAMSIZ]; /* receiver: the device holding `secondary` */
};

struct hostfacts {
	struct hostfacts_path path[WIRE_MAX_PATHS]; /* by index in conf.path */
	struct hostfacts_rule rule[CONF_MAX_RULES]; /* by index in conf.rule */
	uint32_t table[HOSTFACTS_IDS_MAX];    /* ids >= HOSTPLAN_AUTO_FIRST of tables holding a rule or route */
	unsigned ntables;
	uint32_t priority[HOSTFACTS_IDS_MAX]; /* priorities >= HOSTPLAN_AUTO_FIRST of existing rules */
	unsigned npriorities;
};

/*
 * The fwmark with which the daemon sends every packet a sender rule moved: one mark for
 * all rules, because each rule's table holds only the route to its own secondary address
 * and the kernel goes on to the next rule of the same mark when a table has no route for
 * the destination. So rules added later (netagg -A) need no agreement with the daemon on
 * numbering, and each still has its own table and policy rule.
 */
#define HOSTPLAN_SECONDARY_MARK (HOSTCHANGE_MARK_BASE | 1u)

/*
 * Both planners append to out[*n..max) and advance *n; tables and priorities used by
 * out[0..*n) count as taken, and a sysctl key already there is not planned again, so a
 * link's plan and its rules' plans can share one array. The order is the order to apply
 * in (undo goes backwards): sysctls, then per table its routes before the rule that
 * selects it, then packet filter rules. A sysctl is planned whatever its current value
 * (the adapter skips those already set). False with a reason naming the path or rule in
 * err when the facts cannot support the config, or when max is too small.
 *
 * hostplan_link: `forwarding` gives net.ipv4.ip_forward=1 (and IPv6 forwarding when the
 * tunnel or a rule is IPv6). In udp mode, when host_setup is on and the paths' local
 * addresses are on two or more devices ("multihomed"), every path with a specific local
 * address gets a table (its subnet route, a default route via `gateway` or the device's
 * default gateway, and a rule selecting it by source address); a path that sets `table` or
 * `gateway` gets one regardless. Multihomed also sets arp_filter=1 and rp_filter=2 on all
 * and on each IPv4 path's device.
 */
bool hostplan_link(const struct conf *c, const struct hostfacts *f, struct hostchange *out, size_t max, size_t *n,
		   char *err, size_t errlen);

/*
 * The changes raw-mode rule r (an element of c->rule) needs. Sender: a table routing the
 * secondary address through the device facts name, selected by the rule's mark, then the
 * mangle OUTPUT NFQUEUE rule for TCP bound for primary. Receiver: rp_filter=2 (and
 * arp_filter=1 when primary and secondary are on different devices) for IPv4, then the
 * raw PREROUTING NFQUEUE rule for TCP arriving at secondary.
 */
bool hostplan_rule(const struct conf *c, const struct conf_rule *r, const struct hostfacts *f,
		   struct hostchange *out, size_t max, size_t *n, char *err, size_t errlen);

#endif
