/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Turns a config and facts about the host into the ordered list of host changes `up` makes. */
#include "hostplan.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct planner {
	const struct conf *c;
	const struct hostfacts *f;
	struct hostchange *out;
	size_t max, *n;
	char *err;
	size_t errlen;
	uint32_t reserved[WIRE_MAX_PATHS]; /* tables paths configure: never chosen automatically */
	unsigned nreserved;
};

__attribute__((format(printf, 2, 3))) static bool fail(struct planner *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return false;
}

static bool push(struct planner *p, const struct hostchange *c)
{
	if (*p->n >= p->max)
		return fail(p, "more than %zu host changes", p->max);
	p->out[(*p->n)++] = *c;
	return true;
}

static bool push_sysctl(struct planner *p, const char *key, const char *value)
{
	struct hostchange c = { .kind = HOSTCHANGE_SYSCTL };

	for (size_t i = 0; i < *p->n; i++)
		if (p->out[i].kind == HOSTCHANGE_SYSCTL && strcmp(p->out[i].u.sysctl.key, key) == 0)
			return true;
	snprintf(c.u.sysctl.key, sizeof(c.u.sysctl.key), "%s", key);
	snprintf(c.u.sysctl.value, sizeof(c.u.sysctl.value), "%s", value);
	return push(p, &c);
}

/* net.ipv4.conf.DEV.NAME, with the dots of DEV written as '/' as sysctl(8) does. */
static bool push_dev_sysctl(struct planner *p, const char *dev, const char *name, const char *value)
{
	char key[HOSTCHANGE_SYSCTL_KEY_MAX], d[IFNAMSIZ];

	snprintf(d, sizeof(d), "%s", dev);
	for (char *x = d; *x; x++)
		if (*x == '.')
			*x = '/';
	snprintf(key, sizeof(key), "net.ipv4.conf.%s.%s", d, name);
	return push_sysctl(p, key, value);
}

static bool in_list(const uint32_t *list, unsigned n, uint32_t v)
{
	for (unsigned i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static bool table_taken(const struct planner *p, uint32_t t)
{
	if (in_list(p->f->table, p->f->ntables, t) || in_list(p->reserved, p->nreserved, t))
		return true;
	for (size_t i = 0; i < *p->n; i++)
		if ((p->out[i].kind == HOSTCHANGE_RULE && p->out[i].u.rule.table == t) ||
		    (p->out[i].kind == HOSTCHANGE_ROUTE && p->out[i].u.route.table == t))
			return true;
	return false;
}

static bool priority_taken(const struct planner *p, uint32_t prio)
{
	if (in_list(p->f->priority, p->f->npriorities, prio))
		return true;
	for (size_t i = 0; i < *p->n; i++)
		if (p->out[i].kind == HOSTCHANGE_RULE && p->out[i].u.rule.priority == prio)
			return true;
	return false;
}

/* The lists are short, so the first free id is at most a few hundred steps away. */
static uint32_t pick(const struct planner *p, bool (*taken)(const struct planner *, uint32_t))
{
	uint32_t v = HOSTPLAN_AUTO_FIRST;

	while (taken(p, v))
		v++;
	return v;
}

static bool unspecified(const struct endpoint *ep)
{
	if (addr_family(ep) == AF_INET)
		return ep->u.sin.sin_addr.s_addr == htonl(INADDR_ANY);
	if (addr_family(ep) == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&ep->u.sin6.sin6_addr);
	return true;
}

static void host_prefix(const struct endpoint *ep, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = addr_family(ep);
	if (out->family == AF_INET) {
		out->addr.v4 = ep->u.sin.sin_addr;
		out->len = 32;
	} else {
		out->addr.v6 = ep->u.sin6.sin6_addr;
		out->len = 128;
	}
}

static void host_only(const struct endpoint *ep, struct endpoint *out)
{
	*out = *ep;
	addr_set_port(out, 0);
}

/* Clears the host bits: the kernel refuses a route whose prefix has any. */
static void prefix_network(struct prefix *pf)
{
	uint8_t *b = (uint8_t *)&pf->addr;
	unsigned bytes = pf->family == AF_INET ? 4 : 16;

	for (unsigned i = 0; i < bytes; i++) {
		unsigned bit = i * 8;

		if (bit >= pf->len)
			b[i] = 0;
		else if (bit + 8 > pf->len)
			b[i] &= (uint8_t)(0xff00u >> (pf->len - bit));
	}
}

static const char *ep_text(const struct endpoint *ep, char *buf)
{
	struct endpoint e;

	host_only(ep, &e);
	return addr_format(&e, buf, ADDR_TEXT_MAX);
}

/* ------------------------------------------------------------------ link */

/*
 * A path bound to 0.0.0.0 or :: gets no table: its packets take whatever source the main
 * table's route gives them, so a rule matching a source address could never select it.
 */
static bool specific(const struct conf_path *path)
{
	return path->local.len && !unspecified(&path->local);
}

static bool multihomed(const struct conf *c, const struct hostfacts *f)
{
	const char *first = NULL;

	for (unsigned i = 0; i < c->npaths; i++) {
		const char *dev = f->path[i].dev;

		if (!specific(&c->path[i]) || !dev[0])
			continue;
		if (first && strcmp(first, dev) != 0)
			return true;
		first = dev;
	}
	return false;
}

static bool reserve_tables(struct planner *p)
{
	for (unsigned i = 0; i < p->c->npaths; i++) {
		const struct conf_path *path = &p->c->path[i];

		if (!path->table)
			continue;
		for (unsigned j = 0; j < i; j++)
			if (p->c->path[j].table == path->table)
				return fail(p, "paths %s and %s: both use table %u", p->c->path[j].name, path->name,
					    path->table);
		p->reserved[p->nreserved++] = path->table;
	}
	return true;
}

static bool wants_v6_forwarding(const struct conf *c)
{
	for (unsigned i = 0; i < c->naddress; i++)
		if (c->address[i].family == AF_INET6)
			return true;
	for (unsigned i = 0; i < c->nrules; i++)
		if (addr_family(&c->rule[i].primary) == AF_INET6)
			return true;
	return false;
}

static bool plan_forwarding(struct planner *p)
{
	if (!push_sysctl(p, "net.ipv4.ip_forward", "1"))
		return false;
	return !wants_v6_forwarding(p->c) || push_sysctl(p, "net.ipv6.conf.all.forwarding", "1");
}

/* arp_filter: answer ARP only on the device that routes to the asker; rp_filter=2: accept
 * a packet on any device with some route back, as replies to a source-routed path need. */
static bool plan_multihomed_sysctls(struct planner *p)
{
	bool v4 = false;

	for (unsigned i = 0; i < p->c->npaths; i++)
		v4 |= specific(&p->c->path[i]) && addr_family(&p->c->path[i].local) == AF_INET;
	if (!v4)
		return true;
	if (!push_sysctl(p, "net.ipv4.conf.all.arp_filter", "1") || !push_sysctl(p, "net.ipv4.conf.all.rp_filter", "2"))
		return false;
	for (unsigned i = 0; i < p->c->npaths; i++) {
		const char *dev = p->f->path[i].dev;

		if (!specific(&p->c->path[i]) || addr_family(&p->c->path[i].local) != AF_INET || !dev[0])
			continue;
		if (!push_dev_sysctl(p, dev, "arp_filter", "1") || !push_dev_sysctl(p, dev, "rp_filter", "2"))
			return false;
	}
	return true;
}

static bool push_route(struct planner *p, const struct prefix *dst, const struct endpoint *gw, const char *dev,
		       const struct endpoint *src, uint32_t table)
{
	struct hostchange c = { .kind = HOSTCHANGE_ROUTE };
	struct hostchange_route *r = &c.u.route;

	r->family = dst->family;
	r->dst = *dst;
	if (gw)
		host_only(gw, &r->gateway);
	if (src)
		host_only(src, &r->src);
	snprintf(r->dev, sizeof(r->dev), "%s", dev);
	r->table = table;
	return push(p, &c);
}

static bool push_rule(struct planner *p, int family, const struct prefix *from, uint32_t mark, uint32_t table)
{
	struct hostchange c = { .kind = HOSTCHANGE_RULE };
	struct hostchange_rule *r = &c.u.rule;

	r->family = family;
	if (from)
		r->from = *from;
	if (!from) {
		r->fwmark = mark;
		r->fwmask = HOSTCHANGE_MARK_MASK;
	}
	r->table = table;
	r->priority = pick(p, priority_taken);
	return push(p, &c);
}

static bool plan_path_table(struct planner *p, unsigned i)
{
	const struct conf_path *path = &p->c->path[i];
	const struct hostfacts_path *fp = &p->f->path[i];
	int family = addr_family(&path->local);
	const struct endpoint *gw = path->gateway.len ? &path->gateway : &fp->gateway;
	uint32_t table = path->table ? path->table : pick(p, table_taken);
	struct prefix net = fp->subnet, from;
	char a[ADDR_TEXT_MAX];

	if (!specific(path))
		return fail(p, "path %s: table and gateway need a specific local address", path->name);
	if (!fp->dev[0] || fp->subnet.family != family)
		return fail(p, "path %s: local address %s is on no interface", path->name, ep_text(&path->local, a));
	if (path->gateway.len && addr_family(&path->gateway) != family)
		return fail(p, "path %s: gateway %s is not of the local address's family", path->name,
			    ep_text(&path->gateway, a));
	if (addr_family(gw) != family)
		gw = NULL;
	net.family = family;
	prefix_network(&net);
	/* An address with a host prefix (/32, /128) has no subnet to reach directly. */
	if (net.len < (family == AF_INET ? 32 : 128) && !push_route(p, &net, NULL, fp->dev, &path->local, table))
		return false;
	if (gw) {
		struct prefix any = { .family = family };

		if (!push_route(p, &any, gw, fp->dev, NULL, table))
			return false;
	}
	host_prefix(&path->local, &from);
	return push_rule(p, family, &from, 0, table);
}

bool hostplan_link(const struct conf *c, const struct hostfacts *f, struct hostchange *out, size_t max, size_t *n,
		   char *err, size_t errlen)
{
	struct planner p = { .c = c, .f = f, .out = out, .max = max, .n = n, .err = err, .errlen = errlen };
	bool all;

	if (c->forwarding && !plan_forwarding(&p))
		return false;
	if (c->mode != CONF_MODE_UDP)
		return true;
	all = c->host_setup && multihomed(c, f);
	if (!reserve_tables(&p) || (all && !plan_multihomed_sysctls(&p)))
		return false;
	for (unsigned i = 0; i < c->npaths; i++) {
		const struct conf_path *path = &c->path[i];
		bool explicit = path->table || path->gateway.len;

		if (((all && specific(path)) || explicit) && !plan_path_table(&p, i))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ raw-mode rules */


/* The NFQUEUE rule handing the daemon TCP for dst; --queue-bypass lets traffic through untouched when no
 * daemon listens, so a crashed daemon degrades to single-path rather than cutting the connection. */
static bool push_queue(struct planner *p, const char *table, const char *chain, const struct endpoint *dst)
{
	struct hostchange c = { .kind = HOSTCHANGE_FILTER };
	struct hostchange_filter *fl = &c.u.filter;
	char a[ADDR_TEXT_MAX];
	int w;

	fl->family = addr_family(dst);
	snprintf(fl->table, sizeof(fl->table), "%s", table);
	snprintf(fl->chain, sizeof(fl->chain), "%s", chain);
	w = snprintf(fl->spec, sizeof(fl->spec),
		     "-p tcp -d %s/%u --dport %u -m comment --comment netagg:%s -j NFQUEUE --queue-num %u --queue-bypass",
		     ep_text(dst, a), fl->family == AF_INET ? 32 : 128, addr_port(dst), p->c->interface, p->c->queue);
	if (w < 0 || (size_t)w >= sizeof(fl->spec))
		return fail(p, "packet filter rule for %s too long", a);
	return push(p, &c);
}

/*
 * mangle OUTPUT: after conntrack has seen the original destination, and a destination
 * the daemon changes there makes the kernel route the packet again, by its mark.
 * The rewritten packets keep the primary path's source address, and by default the
 * kernel asks ARP for the secondary with that source: a receiver with arp_filter = 1
 * (which it needs) routes the answer to it out of its primary interface, so it does
 * not answer on the secondary, and the secondary path stays dead until something else
 * resolves the neighbour (a device re-created, a neighbour entry expired, a first
 * packet). arp_announce = 2 asks with the secondary device's own address. Set for all
 * devices: a device created again starts with its defaults, and the kernel takes the
 * higher of "all" and the device's own value.
 */
static bool plan_sender(struct planner *p, unsigned k)
{
	const struct conf_rule *r = &p->c->rule[k];
	const struct hostfacts_rule *fr = &p->f->rule[k];
	const struct endpoint *gw = fr->out_gateway.len ? &fr->out_gateway : NULL;
	uint32_t table = pick(p, table_taken);
	struct prefix dst;
	char a[ADDR_TEXT_MAX];

	if (!fr->out_dev[0])
		return fail(p, "rule %u: no route toward secondary %s", k + 1, ep_text(&r->secondary, a));
	if (gw && addr_family(gw) != addr_family(&r->secondary))
		gw = NULL;
	host_prefix(&r->secondary, &dst);
	if (addr_family(&r->secondary) == AF_INET && !push_sysctl(p, "net.ipv4.conf.all.arp_announce", "2"))
		return false;
	return push_route(p, &dst, gw, fr->out_dev, NULL, table) &&
	       push_rule(p, dst.family, NULL, HOSTPLAN_SECONDARY_MARK, table) &&
	       push_queue(p, "mangle", "OUTPUT", &r->primary);
}

/*
 * raw PREROUTING: before conntrack, so it only ever sees the primary address. Packets
 * arrive on the secondary device with the sender's primary-path source: strict reverse
 * path filtering would drop them.
 */
static bool plan_receiver(struct planner *p, unsigned k)
{
	const struct conf_rule *r = &p->c->rule[k];
	const struct hostfacts_rule *fr = &p->f->rule[k];
	bool differ = strcmp(fr->primary_dev, fr->secondary_dev) != 0;
	char a[ADDR_TEXT_MAX];

	if (!fr->primary_dev[0])
		return fail(p, "rule %u: primary %s is on no interface", k + 1, ep_text(&r->primary, a));
	if (!fr->secondary_dev[0])
		return fail(p, "rule %u: secondary %s is on no interface", k + 1, ep_text(&r->secondary, a));
	if (addr_family(&r->primary) == AF_INET) {
		if (!push_sysctl(p, "net.ipv4.conf.all.rp_filter", "2") ||
		    !push_dev_sysctl(p, fr->primary_dev, "rp_filter", "2") ||
		    !push_dev_sysctl(p, fr->secondary_dev, "rp_filter", "2"))
			return false;
		if (differ && (!push_sysctl(p, "net.ipv4.conf.all.arp_filter", "1") ||
			       !push_dev_sysctl(p, fr->primary_dev, "arp_filter", "1") ||
			       !push_dev_sysctl(p, fr->secondary_dev, "arp_filter", "1")))
			return false;
	}
	return push_queue(p, "raw", "PREROUTING", &r->secondary);
}

bool hostplan_rule(const struct conf *c, const struct conf_rule *r, const struct hostfacts *f,
		   struct hostchange *out, size_t max, size_t *n, char *err, size_t errlen)
{
	struct planner p = { .c = c, .f = f, .out = out, .max = max, .n = n, .err = err, .errlen = errlen };
	unsigned k;

	if (r < c->rule || r >= c->rule + c->nrules)
		return fail(&p, "rule: not one of the config's rules");
	k = (unsigned)(r - c->rule);
	if (addr_family(&r->primary) != addr_family(&r->secondary) || !addr_port(&r->primary) ||
	    !addr_port(&r->secondary))
		return fail(&p, "rule %u: primary and secondary need a port and the same family", k + 1);
	return r->role == CONF_ROLE_SENDER ? plan_sender(&p, k) : plan_receiver(&p, k);
}
