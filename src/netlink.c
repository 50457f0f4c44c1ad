/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sends one rtnetlink request at a time and waits for the kernel's acknowledgement. */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Sends nlh (which must ask for NLM_F_ACK) and returns 0 or the kernel's errno. */
int netlink_talk(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	unsigned seq = (unsigned)time(NULL);
	int ret = -1, err;

	if (!nl)
		return errno;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0 && mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0) {
		ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret > 0)
			ret = mnl_cb_run(buf, (size_t)ret, seq, mnl_socket_get_portid(nl), NULL, NULL);
	}
	err = ret < 0 ? errno : 0;
	mnl_socket_close(nl);
	return err;
}

bool netlink_link_up(unsigned ifindex, unsigned mtu, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	int e;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	e = netlink_talk(nlh);
	if (e)
		snprintf(err, errlen, "cannot set MTU %u and bring the interface up: %s", mtu, strerror(e));
	return e == 0;
}

bool netlink_addr_add(unsigned ifindex, const struct prefix *p, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[ADDR_TEXT_MAX];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = p->family == AF_INET ? sizeof(p->addr.v4) : sizeof(p->addr.v6);
	struct ifaddrmsg *ifa;
	int e;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)p->family;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	/* A point-to-point TUN has no neighbours to collide with; DAD would only delay the link. */
	ifa->ifa_flags = p->family == AF_INET6 ? IFA_F_NODAD : 0;
	mnl_attr_put(nlh, IFA_LOCAL, alen, &p->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, &p->addr);
	e = netlink_talk(nlh);
	if (e)
		snprintf(err, errlen, "cannot add address %s: %s", addr_format_prefix(p, text, sizeof(text)),
			 strerror(e));
	return e == 0;
}
