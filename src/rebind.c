/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Follows device and local address changes, re-opening the path sockets they left bound to nothing. */
#include "rebind.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* Never the source towards a peer beyond the link: not worth a line. */
static bool is_link_local(const struct endpoint *ep)
{
	return addr_family(ep) == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&ep->u.sin6.sin6_addr);
}

/* The address is p's configured, specific local address (the port aside). */
static bool is_local_of(const struct path *p, const struct endpoint *a)
{
	struct endpoint ep = *a;

	if (addr_is_wildcard(&p->conf->local))
		return false;
	addr_set_port(&ep, addr_port(&p->conf->local));
	return addr_equal(&ep, &p->conf->local);
}

/* By name: that is what the config gives, and what a re-created device keeps. */
static bool is_device_of(const struct path *p, const struct netmon_event *e)
{
	return p->conf->device[0] && strcmp(e->ifname, p->conf->device) == 0;
}

/* Re-opens path i for the device now at `ifindex`; a failure is logged once per ifindex and cause,
 * as events of a device come in bursts (created, renamed, up, carrier) and each one retries. */
static void reopen(struct link *l, unsigned i, unsigned ifindex, uint64_t now, unsigned *reopened_mask)
{
	struct path *p = &l->path[i];
	char err[256], text[ADDR_TEXT_MAX];
	bool said;
	int cause;

	if (!path_reopen(p, err, sizeof(err))) {
		cause = errno;
		said = p->reopen_failed_ifindex == ifindex && p->reopen_failed_errno == cause;
		p->reopen_failed_ifindex = ifindex;
		p->reopen_failed_errno = cause;
		/* Expected in passing: a device comes back before its address; the address's arrival retries. */
		if (!said && cause == EADDRNOTAVAIL)
			log_info("path %s: %s is back, waiting for local address %s", p->conf->name, p->conf->device,
				 addr_format(&p->conf->local, text, sizeof(text)));
		else if (!said)
			log_warnx("%s; keeping the old socket", err);
		return;
	}
	p->reopen_failed_ifindex = 0;
	*reopened_mask |= 1u << i;
	/* The peer learns the new source port from our next authentic frame: make it come at once. */
	l->next_probe[i] = now;
	l->next_report[i] = now;
	log_info("path %s: re-bound to %s (ifindex %u)", p->conf->name, p->conf->device, p->bound_ifindex);
}

/* Log lines only: a socket bound to a specific address works again as soon as the address is back. */
static void note_address(struct path *p, const struct netmon_event *e)
{
	bool gone = e->kind == NETMON_ADDR_DEL;
	char text[ADDR_TEXT_MAX];

	addr_format(&e->addr, text, sizeof(text));
	if (is_local_of(p, &e->addr)) {
		/* The flag turns IPv6 lifetime refreshes, which repeat RTM_NEWADDR, into one line. */
		if (gone != p->local_missing)
			log_info("path %s: local address %s %s", p->conf->name, text, gone ? "gone" : "is back");
		p->local_missing = gone;
	} else if (addr_is_wildcard(&p->conf->local) && p->bound_ifindex && e->ifindex == p->bound_ifindex &&
		   addr_family(&e->addr) == addr_family(&p->conf->local) && !is_link_local(&e->addr)) {
		/* A new address on the device is picked as the source by the kernel: nothing to do. */
		if (gone)
			log_info("path %s: local address %s gone", p->conf->name, text);
		else
			log_debug("path %s: local address %s on %s", p->conf->name, text, p->conf->device);
	}
}

static void on_path_event(struct link *l, unsigned i, const struct netmon_event *e, uint64_t now,
			  unsigned *reopened_mask)
{
	struct path *p = &l->path[i];

	switch (e->kind) {
	case NETMON_ADDR_NEW:
	case NETMON_ADDR_DEL:
		note_address(p, e);
		break;
	case NETMON_LINK_DEL:
		if (is_device_of(p, e) && e->ifindex == p->bound_ifindex)
			log_info("path %s: device %s (ifindex %u) gone", p->conf->name, p->conf->device, e->ifindex);
		break;
	case NETMON_LINK_NEW:
	case NETMON_LOST:
		break;
	}
	/* After note_address: a device re-created with its address is re-bound on the address's event. */
	if ((e->kind == NETMON_LINK_NEW || e->kind == NETMON_ADDR_NEW) && is_device_of(p, e) &&
	    e->ifindex != p->bound_ifindex)
		reopen(l, i, e->ifindex, now, reopened_mask);
}

void rebind_on_event(struct link *l, const struct netmon_event *e, uint64_t now, unsigned *reopened_mask)
{
	if (e->kind == NETMON_LOST) {
		log_info("interface changes were missed (netlink overflow): checking the paths' devices");
		rebind_check(l, now, reopened_mask);
		return;
	}
	for (unsigned i = 0; i < l->conf.npaths; i++)
		on_path_event(l, i, e, now, reopened_mask);
}

void rebind_check(struct link *l, uint64_t now, unsigned *reopened_mask)
{
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		struct path *p = &l->path[i];
		unsigned ifindex = p->conf->device[0] ? if_nametoindex(p->conf->device) : 0;

		/* 0: the device is gone for now; its return comes as an event. */
		if (!ifindex || ifindex == p->bound_ifindex)
			continue;
		/* Asked for explicitly: a failure is worth saying again. */
		p->reopen_failed_ifindex = 0;
		reopen(l, i, ifindex, now, reopened_mask);
	}
}
