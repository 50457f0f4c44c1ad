/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asks the kernel (rtnetlink dumps and one route lookup per rule) what the host plan needs to know. */
#include "hostfacts.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct local_addr {
	unsigned ifindex;
	struct prefix p;
};

struct default_route {
	int family;
	unsigned oif;
	struct endpoint gateway;
	uint32_t metric;
};

/* What the dumps collect before the facts are assembled. */
struct gather {
	struct mnl_socket *nl;
	unsigned seq;
	struct local_addr *addrs;
	size_t naddrs, addrcap;
	struct default_route *defaults;
	size_t ndefaults, defaultcap;
	struct hostfacts *f;
	bool overflow;
};

/* Room for one more element of a growable array; NULL when memory runs out. */
static void *grow(void **array, size_t *cap, size_t n, size_t size)
{
	if (n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*array, ncap * size);

		if (!p)
			return NULL;
		*array = p;
		*cap = ncap;
	}
	return (char *)*array + n * size;
}

static void add_id(uint32_t *list, unsigned *n, uint32_t v, bool *overflow)
{
	if (v < HOSTPLAN_AUTO_FIRST)
		return;
	for (unsigned i = 0; i < *n; i++)
		if (list[i] == v)
			return;
	if (*n == HOSTFACTS_IDS_MAX)
		*overflow = true;
	else
		list[(*n)++] = v;
}

#define ATTRS_MAX 64
_Static_assert(RTA_MAX < ATTRS_MAX && FRA_MAX < ATTRS_MAX && IFA_MAX < ATTRS_MAX, "attribute table too small");

/* The attributes of one message by type; max is the message kind's highest type. */
struct attrs {
	const struct nlattr *tb[ATTRS_MAX];
	unsigned max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	unsigned type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void endpoint_from(int family, const void *raw, struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (family == AF_INET) {
		ep->u.sin.sin_family = AF_INET;
		memcpy(&ep->u.sin.sin_addr, raw, 4);
		ep->len = sizeof(ep->u.sin);
	} else {
		ep->u.sin6.sin6_family = AF_INET6;
		memcpy(&ep->u.sin6.sin6_addr, raw, 16);
		ep->len = sizeof(ep->u.sin6);
	}
}

static size_t family_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gather *g = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { .max = IFA_MAX };
	const struct nlattr *a;
	struct local_addr *la;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at);
	/* IFA_LOCAL is the address itself; on a point-to-point link IFA_ADDRESS is the peer. */
	a = at.tb[IFA_LOCAL] ? at.tb[IFA_LOCAL] : at.tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != family_bytes(ifa->ifa_family))
		return MNL_CB_OK;
	la = grow((void **)&g->addrs, &g->addrcap, g->naddrs, sizeof(*la));
	if (!la)
		return MNL_CB_ERROR;
	memset(la, 0, sizeof(*la));
	la->ifindex = ifa->ifa_index;
	la->p.family = ifa->ifa_family;
	la->p.len = ifa->ifa_prefixlen;
	memcpy(&la->p.addr, mnl_attr_get_payload(a), family_bytes(ifa->ifa_family));
	g->naddrs++;
	return MNL_CB_OK;
}

static bool add_default(struct gather *g, int family, unsigned oif, const struct nlattr *gw, uint32_t metric)
{
	struct default_route *d;

	if (!gw || mnl_attr_get_payload_len(gw) != family_bytes(family))
		return true; /* on-link default: no next hop to copy */
	d = grow((void **)&g->defaults, &g->defaultcap, g->ndefaults, sizeof(*d));
	if (!d)
		return false;
	d->family = family;
	d->oif = oif;
	d->metric = metric;
	endpoint_from(family, mnl_attr_get_payload(gw), &d->gateway);
	g->ndefaults++;
	return true;
}

/* A multipath default route: each next hop is a gateway of its own device. */
static bool add_multipath(struct gather *g, int family, const struct nlattr *mp, uint32_t metric)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(mp);
	int len = (int)mnl_attr_get_payload_len(mp);

	for (; RTNH_OK(nh, len); len -= (int)RTNH_ALIGN(nh->rtnh_len), nh = RTNH_NEXT(nh)) {
		struct attrs at = { .max = RTA_MAX };

		mnl_attr_parse_payload(RTNH_DATA(nh), nh->rtnh_len - RTNH_LENGTH(0), attr_cb, &at);
		if (!add_default(g, family, (unsigned)nh->rtnh_ifindex, at.tb[RTA_GATEWAY], metric))
			return false;
	}
	return true;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gather *g = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { .max = RTA_MAX };
	uint32_t table = rtm->rtm_table, metric = 0;

	if (rtm->rtm_flags & RTM_F_CLONED)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &at);
	if (at.tb[RTA_TABLE])
		table = mnl_attr_get_u32(at.tb[RTA_TABLE]);
	add_id(g->f->table, &g->f->ntables, table, &g->overflow);
	if (table != RT_TABLE_MAIN || rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	if (at.tb[RTA_PRIORITY])
		metric = mnl_attr_get_u32(at.tb[RTA_PRIORITY]);
	if (at.tb[RTA_MULTIPATH])
		return add_multipath(g, rtm->rtm_family, at.tb[RTA_MULTIPATH], metric) ? MNL_CB_OK : MNL_CB_ERROR;
	if (!at.tb[RTA_OIF])
		return MNL_CB_OK;
	return add_default(g, rtm->rtm_family, mnl_attr_get_u32(at.tb[RTA_OIF]), at.tb[RTA_GATEWAY], metric)
		       ? MNL_CB_OK
		       : MNL_CB_ERROR;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gather *g = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { .max = FRA_MAX };

	mnl_attr_parse(nlh, sizeof(*frh), attr_cb, &at);
	add_id(g->f->table, &g->f->ntables, at.tb[FRA_TABLE] ? mnl_attr_get_u32(at.tb[FRA_TABLE]) : frh->table,
	       &g->overflow);
	if (at.tb[FRA_PRIORITY])
		add_id(g->f->priority, &g->f->npriorities, mnl_attr_get_u32(at.tb[FRA_PRIORITY]), &g->overflow);
	return MNL_CB_OK;
}

/* Sends nlh and runs cb over the answer: a dump's many parts, or a lookup's one reply. */
static int ask(struct gather *g, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;
	unsigned portid = mnl_socket_get_portid(g->nl);
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = ++g->seq;
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	do {
		len = mnl_socket_recvfrom(g->nl, buf, sizeof(buf));
		if (len < 0)
			return errno;
		ret = mnl_cb_run(buf, (size_t)len, g->seq, portid, cb, data);
	} while (dump && ret > MNL_CB_STOP);
	return ret < 0 ? errno : 0;
}

static int dump(struct gather *g, uint16_t type, int family, size_t hdrlen, mnl_cb_t cb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *gen;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* The family is the first byte of every one of these headers. */
	gen = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	gen->rtgen_family = (unsigned char)family;
	return ask(g, nlh, cb, g);
}

struct lookup {
	unsigned oif;
	struct endpoint gateway;
	int family;
};

static int lookup_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lookup *l = data;
	struct attrs at = { .max = RTA_MAX };

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, &at);
	if (at.tb[RTA_OIF])
		l->oif = mnl_attr_get_u32(at.tb[RTA_OIF]);
	if (at.tb[RTA_GATEWAY] && mnl_attr_get_payload_len(at.tb[RTA_GATEWAY]) == family_bytes(l->family))
		endpoint_from(l->family, mnl_attr_get_payload(at.tb[RTA_GATEWAY]), &l->gateway);
	return MNL_CB_STOP;
}

/* The kernel's own answer to "where would a packet to dst go?" (ip route get). */
static int route_get(struct gather *g, const struct endpoint *dst, struct lookup *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int family = addr_family(dst);
	int e;

	memset(l, 0, sizeof(*l));
	l->family = family;
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	if (family == AF_INET)
		mnl_attr_put(nlh, RTA_DST, 4, &dst->u.sin.sin_addr);
	else
		mnl_attr_put(nlh, RTA_DST, 16, &dst->u.sin6.sin6_addr);
	e = ask(g, nlh, lookup_cb, l);
	/* No route is a fact, not a failure: the plan says which address has none. */
	return e == ENETUNREACH || e == EHOSTUNREACH ? 0 : e;
}

static const struct local_addr *find_addr(const struct gather *g, const struct endpoint *ep)
{
	for (size_t i = 0; i < g->naddrs; i++) {
		const struct local_addr *la = &g->addrs[i];

		if (la->p.family != addr_family(ep))
			continue;
		if (la->p.family == AF_INET ? la->p.addr.v4.s_addr == ep->u.sin.sin_addr.s_addr
					    : memcmp(&la->p.addr.v6, &ep->u.sin6.sin6_addr, 16) == 0)
			return la;
	}
	return NULL;
}

static void dev_name(unsigned ifindex, char *name)
{
	if (!ifindex || !if_indextoname(ifindex, name))
		name[0] = '\0';
}

static void path_facts(const struct gather *g, const struct conf_path *path, struct hostfacts_path *fp)
{
	const struct local_addr *la = find_addr(g, &path->local);
	const struct default_route *best = NULL;

	if (!la)
		return;
	dev_name(la->ifindex, fp->dev);
	fp->subnet = la->p;
	for (size_t i = 0; i < g->ndefaults; i++) {
		const struct default_route *d = &g->defaults[i];

		if (d->family == la->p.family && d->oif == la->ifindex && (!best || d->metric < best->metric))
			best = d;
	}
	if (best)
		fp->gateway = best->gateway;
}

static int rule_facts(struct gather *g, const struct conf_rule *r, struct hostfacts_rule *fr)
{
	const struct local_addr *la;
	struct lookup l;
	int e;

	if (r->role == CONF_ROLE_RECEIVER) {
		if ((la = find_addr(g, &r->primary)))
			dev_name(la->ifindex, fr->primary_dev);
		if ((la = find_addr(g, &r->secondary)))
			dev_name(la->ifindex, fr->secondary_dev);
		return 0;
	}
	e = route_get(g, &r->secondary, &l);
	if (e)
		return e;
	dev_name(l.oif, fr->out_dev);
	fr->out_gateway = l.gateway;
	return 0;
}

static int gather_all(struct gather *g, const struct conf *c, const char **what)
{
	int e;

	if ((*what = "address dump", e = dump(g, RTM_GETADDR, AF_UNSPEC, sizeof(struct ifaddrmsg), addr_cb)))
		return e;
	if ((*what = "route dump", e = dump(g, RTM_GETROUTE, AF_INET, sizeof(struct rtmsg), route_cb)))
		return e;
	if ((e = dump(g, RTM_GETROUTE, AF_INET6, sizeof(struct rtmsg), route_cb)))
		return e;
	if ((*what = "rule dump", e = dump(g, RTM_GETRULE, AF_INET, sizeof(struct fib_rule_hdr), rule_cb)))
		return e;
	if ((e = dump(g, RTM_GETRULE, AF_INET6, sizeof(struct fib_rule_hdr), rule_cb)))
		return e;
	for (unsigned i = 0; i < c->npaths; i++)
		if (c->path[i].local.len)
			path_facts(g, &c->path[i], &g->f->path[i]);
	*what = "route lookup";
	for (unsigned i = 0; i < c->nrules; i++)
		if ((e = rule_facts(g, &c->rule[i], &g->f->rule[i])))
			return e;
	return 0;
}

bool hostfacts_gather(const struct conf *c, struct hostfacts *f, char *err, size_t errlen)
{
	struct gather g = { .f = f, .seq = (unsigned)time(NULL) };
	const char *what = "netlink socket";
	int e = 0;

	memset(f, 0, sizeof(*f));
	g.nl = mnl_socket_open(NETLINK_ROUTE);
	if (!g.nl || mnl_socket_bind(g.nl, 0, MNL_SOCKET_AUTOPID) < 0)
		e = errno;
	else
		e = gather_all(&g, c, &what);
	if (g.nl)
		mnl_socket_close(g.nl);
	free(g.addrs);
	free(g.defaults);
	if (e)
		snprintf(err, errlen, "hostfacts: %s: %s", what, strerror(e));
	else if (g.overflow)
		snprintf(err, errlen, "hostfacts: more than %d tables or rule priorities in use from %u up",
			 HOSTFACTS_IDS_MAX, HOSTPLAN_AUTO_FIRST);
	return !e && !g.overflow;
}
