/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One change netagg makes to the host for a link (sysctl, policy rule, route, packet filter rule)
 * and its one-line text form (the journal and --dry-run print it); hostplan.h plans them. */
#ifndef NETAGG_HOSTCHANGE_H
#define NETAGG_HOSTCHANGE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define HOSTCHANGE_TEXT_MAX 512
#define HOSTCHANGE_SYSCTL_KEY_MAX 128
#define HOSTCHANGE_SYSCTL_VALUE_MAX 32
#define HOSTCHANGE_FILTER_MAX 320
#define HOSTCHANGE_PLAN_MAX 96

/* Raw mode marks the packets a sender rule moved within BASE/MASK (see HOSTPLAN_SECONDARY_MARK). */
#define HOSTCHANGE_MARK_BASE 0x4e410000u
#define HOSTCHANGE_MARK_MASK 0xffff0000u

enum hostchange_kind {
	HOSTCHANGE_SYSCTL,   /* write value; undo writes back old */
	HOSTCHANGE_RULE,     /* ip rule add; undo deletes it */
	HOSTCHANGE_ROUTE,    /* ip route add; undo deletes it */
	HOSTCHANGE_FILTER,   /* iptables/ip6tables -A; undo -D with the same spec */
};

struct hostchange_sysctl {
	char key[HOSTCHANGE_SYSCTL_KEY_MAX];  /* dotted: "net.ipv4.conf.all.rp_filter" */
	char value[HOSTCHANGE_SYSCTL_VALUE_MAX];
	char old[HOSTCHANGE_SYSCTL_VALUE_MAX]; /* "" in a plan; filled when applied */
};

struct hostchange_rule {
	int family;          /* AF_INET or AF_INET6 */
	struct prefix from;  /* family 0: any source */
	uint32_t fwmark, fwmask; /* fwmask 0: no mark match */
	uint32_t table;
	uint32_t priority;
};

struct hostchange_route {
	int family;
	struct prefix dst;          /* len 0: default */
	struct endpoint gateway;    /* len 0: on link */
	char dev[IFNAMSIZ];
	struct endpoint src;        /* len 0: none */
	uint32_t table;
};

struct hostchange_filter {
	int family;    /* AF_INET: iptables, AF_INET6: ip6tables */
	char table[16]; /* "raw", "mangle" */
	char chain[32]; /* "PREROUTING", "OUTPUT" */
	char spec[HOSTCHANGE_FILTER_MAX]; /* the rule after "-A CHAIN", words separated by single spaces */
};

struct hostchange {
	enum hostchange_kind kind;
	union {
		struct hostchange_sysctl sysctl;
		struct hostchange_rule rule;
		struct hostchange_route route;
		struct hostchange_filter filter;
	} u;
};

/* Journal lines carry a group word in front: "link", "sender", "receiver". */
#define HOSTCHANGE_GROUP_MAX 16

/*
 * One change as one line, no newline: the --dry-run output and, after the group word, the
 * journal's line. The forms (FAM is ipv4 or ipv6; [..] is optional):
 *   sysctl KEY=VALUE [old=OLD]
 *   rule [ipv6] [from PREFIX] [fwmark 0xMARK/0xMASK] table N priority P
 *   route [ipv6] PREFIX|default [via GW] dev DEV [src ADDR] table N
 *   filter FAM TABLE CHAIN SPEC...
 * The `ipv6` word appears only where no address says the family (a mark rule, a default
 * route without gateway); IPv4 is the default, as with ip(8). KEY is dotted with any dot
 * of a device name written as '/', as sysctl(8) does. False when buf is too short.
 */
bool hostchange_format(const struct hostchange *c, char *buf, size_t len);

/*
 * Reads one line of that form (a trailing newline is allowed) into c, which then formats
 * back to the same text. On garbage returns false with a reason naming the field and the
 * bad value in err, e.g. "route via '198.18.x': not an IPv4 or IPv6 address".
 */
bool hostchange_parse(const char *line, struct hostchange *c, char *err, size_t errlen);

/* Is g a group word: 1 to HOSTCHANGE_GROUP_MAX-1 characters of a-z 0-9 _ -? */
bool hostchange_group_valid(const char *group);

/* A journal line: "GROUP CHANGE", e.g. "link sysctl net.ipv4.ip_forward=1 old=0". */
bool hostchange_format_entry(const char *group, const struct hostchange *c, char *buf, size_t len);

/* Reads a journal line into group (HOSTCHANGE_GROUP_MAX bytes) and c; errors as hostchange_parse. */
bool hostchange_parse_entry(const char *line, char *group, struct hostchange *c, char *err, size_t errlen);

#endif
