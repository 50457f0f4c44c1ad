/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Listens to the kernel's rtnetlink announcements of devices and addresses and turns them into events. */
#include "netmon.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* A burst of changes (a modem re-dialling, many addresses at once) must not overflow the socket. */
#define NETMON_SOCKET_BUFFER (1 << 20)
/* Reads per netmon_read: the rest waits for the next wake-up, so a storm cannot starve the data path. */
#define NETMON_READS_MAX 32

struct dispatch {
	void (*cb)(const struct netmon_event *e, void *arg);
	void *arg;
	unsigned events;
};

bool netmon_open(struct netmon *m, char *err, size_t errlen)
{
	unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	int size = NETMON_SOCKET_BUFFER, fd;

	m->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!m->nl) {
		snprintf(err, errlen, "netmon: cannot open an rtnetlink socket: %s", strerror(errno));
		return false;
	}
	fd = mnl_socket_get_fd(m->nl);
	/* libmnl 1.0 has no open flags: set them afterwards (nothing is forked in between). */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    mnl_socket_bind(m->nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "netmon: cannot subscribe to link and address changes: %s", strerror(errno));
		netmon_close(m);
		return false;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return true;
}

void netmon_close(struct netmon *m)
{
	if (m->nl)
		mnl_socket_close(m->nl);
	m->nl = NULL;
}

int netmon_fd(const struct netmon *m)
{
	return m->nl ? mnl_socket_get_fd(m->nl) : -1;
}

static bool parse_link(const struct nlmsghdr *nlh, struct netmon_event *e)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm) || ifm->ifi_index <= 0)
		return false;
	e->kind = nlh->nlmsg_type == RTM_NEWLINK ? NETMON_LINK_NEW : NETMON_LINK_DEL;
	e->ifindex = (unsigned)ifm->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof(*ifm))
		if (mnl_attr_get_type(a) == IFLA_IFNAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(e->ifname, sizeof(e->ifname), "%s", mnl_attr_get_str(a));
	return true;
}

static void set_address(struct endpoint *ep, int family, const void *raw)
{
	memset(ep, 0, sizeof(*ep));
	if (family == AF_INET) {
		ep->u.sin.sin_family = AF_INET;
		memcpy(&ep->u.sin.sin_addr, raw, sizeof(ep->u.sin.sin_addr));
		ep->len = sizeof(ep->u.sin);
	} else {
		ep->u.sin6.sin6_family = AF_INET6;
		memcpy(&ep->u.sin6.sin6_addr, raw, sizeof(ep->u.sin6.sin6_addr));
		ep->len = sizeof(ep->u.sin6);
	}
}

static bool parse_addr(const struct nlmsghdr *nlh, struct netmon_event *e)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const void *local = NULL, *address = NULL;
	const char *label = NULL;
	struct nlattr *a;
	size_t alen;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return false;
	alen = ifa->ifa_family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		uint16_t type = mnl_attr_get_type(a);

		if ((type == IFA_LOCAL || type == IFA_ADDRESS) && mnl_attr_get_payload_len(a) == alen)
			*(type == IFA_LOCAL ? &local : &address) = mnl_attr_get_payload(a);
		else if (type == IFA_LABEL && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			label = mnl_attr_get_str(a);
	}
	/* On a point-to-point device IFA_ADDRESS is the far end; IFA_LOCAL is ours. */
	if (!local && !address)
		return false;
	e->kind = nlh->nlmsg_type == RTM_NEWADDR ? NETMON_ADDR_NEW : NETMON_ADDR_DEL;
	e->ifindex = ifa->ifa_index;
	set_address(&e->addr, ifa->ifa_family, local ? local : address);
	/* IPv4 labels may carry an alias suffix ("eth0:1"): the device's own name is better while it exists. */
	if (!if_indextoname(e->ifindex, e->ifname) && label)
		snprintf(e->ifname, sizeof(e->ifname), "%s", label);
	return true;
}

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct dispatch *d = data;
	struct netmon_event e;
	bool ok = false;

	memset(&e, 0, sizeof(e));
	if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK)
		ok = parse_link(nlh, &e);
	else if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR)
		ok = parse_addr(nlh, &e);
	if (ok) {
		d->cb(&e, d->arg);
		d->events++;
	}
	return MNL_CB_OK;
}

static void report_lost(struct dispatch *d)
{
	struct netmon_event e;

	memset(&e, 0, sizeof(e));
	e.kind = NETMON_LOST;
	d->cb(&e, d->arg);
	d->events++;
}

unsigned netmon_read(struct netmon *m, void (*cb)(const struct netmon_event *e, void *arg), void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dispatch d = { .cb = cb, .arg = arg, .events = 0 };
	int fd = netmon_fd(m);

	for (unsigned reads = 0; fd >= 0 && reads < NETMON_READS_MAX; reads++) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			report_lost(&d);
			continue;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("netmon: receive");
			break;
		}
		/* Any local process may send to our port id: only the kernel's word counts. */
		if (fromlen != sizeof(from) || from.nl_pid != 0)
			continue;
		mnl_cb_run(buf, (size_t)n, 0, 0, on_message, &d);
	}
	return d.events;
}
