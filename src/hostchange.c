/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host changes as one-line text (journal and --dry-run) and the plan of changes a config needs. */
#include "hostchange.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errfmt.h"

#define WORDS_MAX 96

/* ------------------------------------------------------------------ text out */

struct text {
	char *buf;
	size_t len, used;
	bool ok;
};

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (!t->ok)
		return;
	va_start(ap, fmt);
	w = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= t->len - t->used)
		t->ok = false;
	else
		t->used += (size_t)w;
}

/* The address alone: a gateway or source never carries a port. */
static const char *host_text(const struct endpoint *ep, char *buf, size_t len)
{
	struct endpoint e = *ep;

	addr_set_port(&e, 0);
	return addr_format(&e, buf, len);
}

static const char *family_word(int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

static void format_rule(struct text *t, const struct hostchange_rule *r)
{
	char a[ADDR_TEXT_MAX];

	text_add(t, "rule");
	if (r->from.family == 0 && r->family == AF_INET6)
		text_add(t, " ipv6");
	if (r->from.family)
		text_add(t, " from %s", addr_format_prefix(&r->from, a, sizeof(a)));
	if (r->fwmask)
		text_add(t, " fwmark 0x%x/0x%x", r->fwmark, r->fwmask);
	text_add(t, " table %u priority %u", r->table, r->priority);
}

static void format_route(struct text *t, const struct hostchange_route *r)
{
	char a[ADDR_TEXT_MAX];

	text_add(t, "route");
	if (r->dst.len == 0 && r->gateway.len == 0 && r->family == AF_INET6)
		text_add(t, " ipv6");
	if (r->dst.len)
		text_add(t, " %s", addr_format_prefix(&r->dst, a, sizeof(a)));
	else
		text_add(t, " default");
	if (r->gateway.len)
		text_add(t, " via %s", host_text(&r->gateway, a, sizeof(a)));
	text_add(t, " dev %s", r->dev);
	if (r->src.len)
		text_add(t, " src %s", host_text(&r->src, a, sizeof(a)));
	text_add(t, " table %u", r->table);
}

static void format_change(struct text *t, const struct hostchange *c)
{
	const struct hostchange_sysctl *s = &c->u.sysctl;
	const struct hostchange_filter *f = &c->u.filter;

	switch (c->kind) {
	case HOSTCHANGE_SYSCTL:
		text_add(t, "sysctl %s=%s", s->key, s->value);
		if (s->old[0])
			text_add(t, " old=%s", s->old);
		break;
	case HOSTCHANGE_RULE:
		format_rule(t, &c->u.rule);
		break;
	case HOSTCHANGE_ROUTE:
		format_route(t, &c->u.route);
		break;
	case HOSTCHANGE_FILTER:
		text_add(t, "filter %s %s %s %s", family_word(f->family), f->table, f->chain, f->spec);
		break;
	default:
		t->ok = false;
	}
}

bool hostchange_format(const struct hostchange *c, char *buf, size_t len)
{
	struct text t = { buf, len, 0, len > 0 };

	if (len)
		buf[0] = '\0';
	format_change(&t, c);
	return t.ok;
}

bool hostchange_format_entry(const char *group, const struct hostchange *c, char *buf, size_t len)
{
	struct text t = { buf, len, 0, len > 0 };

	if (len)
		buf[0] = '\0';
	text_add(&t, "%s ", group);
	format_change(&t, c);
	return t.ok && hostchange_group_valid(group);
}

/* ------------------------------------------------------------------ text in */

/* Words of a line, split at spaces and tabs, in a private copy. */
struct words {
	char copy[HOSTCHANGE_TEXT_MAX];
	char *w[WORDS_MAX];
	size_t n;
};

static bool split(const char *line, struct words *ws, char *err, size_t errlen)
{
	size_t len = strcspn(line, "\r\n");
	char *save = NULL, *tok;

	if (line[len] && strspn(line + len, "\r\n") != strlen(line + len))
		return errfmt(err, errlen, "line: more than one line");
	if (len >= sizeof(ws->copy))
		return errfmt(err, errlen, "line: longer than %d characters", HOSTCHANGE_TEXT_MAX - 1);
	memcpy(ws->copy, line, len);
	ws->copy[len] = '\0';
	ws->n = 0;
	for (tok = strtok_r(ws->copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (ws->n == WORDS_MAX)
			return errfmt(err, errlen, "line: more than %d words", WORDS_MAX);
		ws->w[ws->n++] = tok;
	}
	if (ws->n == 0)
		return errfmt(err, errlen, "line: empty");
	return true;
}

static bool parse_u32(const char *s, int base, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || *end || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* The kernel's rule for device names (dev_valid_name). */
static bool dev_valid(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n >= IFNAMSIZ || strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
		return false;
	for (; *d; d++)
		if (*d == '/' || *d == ':' || *d <= ' ' || *d == 0x7f)
			return false;
	return true;
}

/* Printable, no space, no '=': what a sysctl value or key may hold. */
static bool sysctl_chars(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s == '=' || *s == 0x7f)
			return false;
	return true;
}

/* Only net.* keys, and no segment ("/" is a dot of a device name) may become "." or "..". */
static bool sysctl_key_valid(const char *key)
{
	const char *seg = key;

	if (!sysctl_chars(key, HOSTCHANGE_SYSCTL_KEY_MAX) || strncmp(key, "net.", 4) != 0)
		return false;
	for (;;) {
		size_t len = strcspn(seg, ".");

		if (len == 0 || strspn(seg, "/") >= len)
			return false;
		if (!seg[len])
			return true;
		seg += len + 1;
	}
}

static bool parse_sysctl(struct words *ws, struct hostchange_sysctl *s, char *err, size_t errlen)
{
	char *eq;

	if (ws->n < 2 || ws->n > 3)
		return errfmt(err, errlen, "sysctl: expected KEY=VALUE [old=VALUE]");
	eq = strchr(ws->w[1], '=');
	if (!eq)
		return errfmt(err, errlen, "sysctl '%s': expected KEY=VALUE", ws->w[1]);
	*eq = '\0';
	if (!sysctl_key_valid(ws->w[1]))
		return errfmt(err, errlen, "sysctl key '%s': not a net.* sysctl name", ws->w[1]);
	if (!sysctl_chars(eq + 1, HOSTCHANGE_SYSCTL_VALUE_MAX))
		return errfmt(err, errlen, "sysctl value '%s': 1 to %d characters, no spaces", eq + 1,
			    HOSTCHANGE_SYSCTL_VALUE_MAX - 1);
	strcpy(s->key, ws->w[1]);
	strcpy(s->value, eq + 1);
	if (ws->n == 3) {
		if (strncmp(ws->w[2], "old=", 4) != 0)
			return errfmt(err, errlen, "sysctl '%s': expected old=VALUE", ws->w[2]);
		if (!sysctl_chars(ws->w[2] + 4, HOSTCHANGE_SYSCTL_VALUE_MAX))
			return errfmt(err, errlen, "sysctl old '%s': 1 to %d characters, no spaces", ws->w[2] + 4,
				    HOSTCHANGE_SYSCTL_VALUE_MAX - 1);
		strcpy(s->old, ws->w[2] + 4);
	}
	return true;
}

/* Sets *family from an address; all addresses and the family word of one line must agree. */
static bool agree(int *family, int af, const char *field, const char *value, char *err, size_t errlen)
{
	if (*family && *family != af)
		return errfmt(err, errlen, "%s '%s': not an %s address like the rest of the line", field, value,
			    *family == AF_INET ? "IPv4" : "IPv6");
	*family = af;
	return true;
}

static bool parse_host(const char *field, const char *v, int *family, struct endpoint *ep, char *err,
		       size_t errlen)
{
	char why[96];

	if (!addr_parse(v, -1, ep, why, sizeof(why)))
		return errfmt(err, errlen, "%s '%s': %s", field, v, why);
	return agree(family, addr_family(ep), field, v, err, errlen);
}

static bool parse_prefix(const char *field, const char *v, int *family, struct prefix *p, char *err,
			 size_t errlen)
{
	char why[96];

	if (!addr_parse_prefix(v, p, why, sizeof(why)))
		return errfmt(err, errlen, "%s '%s': %s", field, v, why);
	return agree(family, p->family, field, v, err, errlen);
}

/* An optional "ipv4"/"ipv6" after the kind; returns the index of the next word. */
static size_t family_opt(const struct words *ws, int *family)
{
	if (ws->n > 1 && strcmp(ws->w[1], "ipv4") == 0)
		*family = AF_INET;
	else if (ws->n > 1 && strcmp(ws->w[1], "ipv6") == 0)
		*family = AF_INET6;
	else
		return 1;
	return 2;
}

static bool parse_number(const char *field, const char *v, uint32_t *out, char *err, size_t errlen)
{
	if (!parse_u32(v, 10, out) || *out == 0)
		return errfmt(err, errlen, "%s '%s': not a number from 1 to 4294967295", field, v);
	return true;
}

static bool parse_mark(const char *v, struct hostchange_rule *r, char *err, size_t errlen)
{
	char copy[32], *slash;

	if (strlen(v) >= sizeof(copy))
		return errfmt(err, errlen, "rule fwmark '%s': too long", v);
	strcpy(copy, v);
	slash = strchr(copy, '/');
	if (!slash)
		return errfmt(err, errlen, "rule fwmark '%s': expected MARK/MASK", v);
	*slash = '\0';
	if (!parse_u32(copy, 0, &r->fwmark) || !parse_u32(slash + 1, 0, &r->fwmask) || r->fwmask == 0)
		return errfmt(err, errlen, "rule fwmark '%s': expected MARK/MASK, 32-bit numbers, mask not 0", v);
	return true;
}

static bool parse_rule(struct words *ws, struct hostchange_rule *r, char *err, size_t errlen)
{
	int family = 0;
	size_t i = family_opt(ws, &family);

	for (; i < ws->n; i += 2) {
		const char *k = ws->w[i], *v = i + 1 < ws->n ? ws->w[i + 1] : NULL;

		if (!v)
			return errfmt(err, errlen, "rule %s: value missing", k);
		if (strcmp(k, "from") == 0 && !r->from.family) {
			if (!parse_prefix("rule from", v, &family, &r->from, err, errlen))
				return false;
		} else if (strcmp(k, "fwmark") == 0 && !r->fwmask) {
			if (!parse_mark(v, r, err, errlen))
				return false;
		} else if (strcmp(k, "table") == 0 && !r->table) {
			if (!parse_number("rule table", v, &r->table, err, errlen))
				return false;
		} else if (strcmp(k, "priority") == 0 && !r->priority) {
			if (!parse_number("rule priority", v, &r->priority, err, errlen))
				return false;
		} else {
			return errfmt(err, errlen, "rule '%s': unknown or repeated field", k);
		}
	}
	if (!r->table || !r->priority)
		return errfmt(err, errlen, "rule: %s missing", r->table ? "priority" : "table");
	r->family = family ? family : AF_INET;
	return true;
}

static bool parse_route_field(const char *k, const char *v, struct hostchange_route *r, int *family, char *err,
			      size_t errlen)
{
	if (strcmp(k, "via") == 0 && !r->gateway.len)
		return parse_host("route via", v, family, &r->gateway, err, errlen);
	if (strcmp(k, "src") == 0 && !r->src.len)
		return parse_host("route src", v, family, &r->src, err, errlen);
	if (strcmp(k, "table") == 0 && !r->table)
		return parse_number("route table", v, &r->table, err, errlen);
	if (strcmp(k, "dev") == 0 && !r->dev[0]) {
		if (!dev_valid(v))
			return errfmt(err, errlen, "route dev '%s': not a device name", v);
		strcpy(r->dev, v);
		return true;
	}
	return errfmt(err, errlen, "route '%s': unknown or repeated field", k);
}

static bool parse_route(struct words *ws, struct hostchange_route *r, char *err, size_t errlen)
{
	int family = 0;
	size_t i = family_opt(ws, &family);

	if (i >= ws->n)
		return errfmt(err, errlen, "route: destination missing");
	if (strcmp(ws->w[i], "default") != 0) {
		if (!parse_prefix("route", ws->w[i], &family, &r->dst, err, errlen))
			return false;
		if (r->dst.len == 0)
			return errfmt(err, errlen, "route '%s': write a /0 route as default", ws->w[i]);
	}
	for (i++; i < ws->n; i += 2) {
		if (i + 1 >= ws->n)
			return errfmt(err, errlen, "route %s: value missing", ws->w[i]);
		if (!parse_route_field(ws->w[i], ws->w[i + 1], r, &family, err, errlen))
			return false;
	}
	if (!r->dev[0] || !r->table)
		return errfmt(err, errlen, "route: %s missing", r->dev[0] ? "table" : "dev");
	r->family = family ? family : AF_INET;
	r->dst.family = r->family;
	return true;
}

/* Characters an iptables word of ours may hold; no quoting is ever needed. */
static bool spec_word_ok(const char *w)
{
	static const char *const forbidden[] = { "-t", "--table", "-A", "--append", "-D", "--delete", "-I",
						  "--insert", "-R", "--replace", "-F", "--flush", "-Z", "--zero",
						  "-N", "--new-chain", "-X", "--delete-chain", "-P", "--policy",
						  "-E", "--rename-chain", "-C", "--check", "-L", "--list", "-S",
						  "--list-rules", "-M", "--modprobe" };

	if (!*w || strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/,+!=-") != strlen(w))
		return false;
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		if (strcmp(w, forbidden[i]) == 0)
			return false;
	return true;
}

static bool parse_filter(struct words *ws, struct hostchange_filter *f, char *err, size_t errlen)
{
	static const char *const tables[] = { "raw", "mangle", "filter", "nat", "security" };
	struct text t = { f->spec, sizeof(f->spec), 0, true };
	size_t i;

	if (ws->n < 5)
		return errfmt(err, errlen, "filter: expected ipv4|ipv6 TABLE CHAIN SPEC...");
	if (family_opt(ws, &f->family) != 2)
		return errfmt(err, errlen, "filter family '%s': expected ipv4 or ipv6", ws->w[1]);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]) && strcmp(ws->w[2], tables[i]); i++)
		;
	if (i == sizeof(tables) / sizeof(tables[0]))
		return errfmt(err, errlen, "filter table '%s': expected raw, mangle, filter, nat or security", ws->w[2]);
	strcpy(f->table, ws->w[2]);
	if (strlen(ws->w[3]) >= sizeof(f->chain) || ws->w[3][0] == '-' ||
	    strspn(ws->w[3], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(ws->w[3]))
		return errfmt(err, errlen, "filter chain '%s': not a chain name", ws->w[3]);
	strcpy(f->chain, ws->w[3]);
	for (i = 4; i < ws->n; i++) {
		if (!spec_word_ok(ws->w[i]))
			return errfmt(err, errlen, "filter spec word '%s': not allowed", ws->w[i]);
		text_add(&t, "%s%s", i > 4 ? " " : "", ws->w[i]);
	}
	if (!t.ok)
		return errfmt(err, errlen, "filter spec: longer than %d characters", HOSTCHANGE_FILTER_MAX - 1);
	return true;
}

static bool parse_words(struct words *ws, struct hostchange *c, char *err, size_t errlen)
{
	const char *kind = ws->w[0];

	memset(c, 0, sizeof(*c));
	if (strcmp(kind, "sysctl") == 0) {
		c->kind = HOSTCHANGE_SYSCTL;
		return parse_sysctl(ws, &c->u.sysctl, err, errlen);
	}
	if (strcmp(kind, "rule") == 0) {
		c->kind = HOSTCHANGE_RULE;
		return parse_rule(ws, &c->u.rule, err, errlen);
	}
	if (strcmp(kind, "route") == 0) {
		c->kind = HOSTCHANGE_ROUTE;
		return parse_route(ws, &c->u.route, err, errlen);
	}
	if (strcmp(kind, "filter") == 0) {
		c->kind = HOSTCHANGE_FILTER;
		return parse_filter(ws, &c->u.filter, err, errlen);
	}
	return errfmt(err, errlen, "kind '%s': expected sysctl, rule, route or filter", kind);
}

bool hostchange_parse(const char *line, struct hostchange *c, char *err, size_t errlen)
{
	struct words ws;

	return split(line, &ws, err, errlen) && parse_words(&ws, c, err, errlen);
}

bool hostchange_group_valid(const char *g)
{
	size_t n = strlen(g);

	return n > 0 && n < HOSTCHANGE_GROUP_MAX && strspn(g, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

bool hostchange_parse_entry(const char *line, char *group, struct hostchange *c, char *err, size_t errlen)
{
	struct words ws;

	if (!split(line, &ws, err, errlen))
		return false;
	if (!hostchange_group_valid(ws.w[0]))
		return errfmt(err, errlen, "group '%s': 1 to %d characters of a-z 0-9 _ -", ws.w[0],
			    HOSTCHANGE_GROUP_MAX - 1);
	if (ws.n < 2)
		return errfmt(err, errlen, "group '%s': no change follows", ws.w[0]);
	strcpy(group, ws.w[0]);
	memmove(ws.w, ws.w + 1, (ws.n - 1) * sizeof(ws.w[0]));
	ws.n--;
	return parse_words(&ws, c, err, errlen);
}
