/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interface and address changes as the kernel announces them (rtnetlink multicast), read without blocking. */
#ifndef NETAGG_NETMON_H
#define NETAGG_NETMON_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

enum netmon_kind {
	NETMON_LINK_NEW, /* a device appeared, or changed (flags, name, carrier): same message */
	NETMON_LINK_DEL,
	NETMON_ADDR_NEW, /* an address was added, or refreshed (IPv6 lifetimes): same message */
	NETMON_ADDR_DEL,
	NETMON_LOST, /* the socket overflowed: events were lost, current state must be read afresh */
};

struct netmon_event {
	enum netmon_kind kind;
	unsigned ifindex;      /* 0 for NETMON_LOST */
	char ifname[IFNAMSIZ]; /* the device's name when known, else "" */
	struct endpoint addr;  /* NETMON_ADDR_*: the address, port 0; len 0 otherwise */
};

struct mnl_socket;

struct netmon {
	struct mnl_socket *nl; /* NULL while closed */
};

/*
 * Opens a non-blocking rtnetlink socket subscribed to link and IPv4/IPv6 address
 * changes. Subscribing needs no privilege, and once open it keeps working after
 * the daemon drops root. False with the reason in err.
 */
bool netmon_open(struct netmon *m, char *err, size_t errlen);

/* Closes the socket; a zeroed or already closed netmon is left alone. */
void netmon_close(struct netmon *m);

/* The descriptor to wait on for reading; -1 while closed. */
int netmon_fd(const struct netmon *m);

/*
 * Reads what is pending, without blocking, and calls cb once per event in the order
 * the kernel sent them. Messages of no interest (routes, neighbours, malformed) are
 * skipped. Returns the number of events passed to cb.
 */
unsigned netmon_read(struct netmon *m, void (*cb)(const struct netmon_event *e, void *arg), void *arg);

#endif
