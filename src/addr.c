/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text <-> socket address conversion for config files and status output. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char *why, size_t whylen, const char *reason)
{
	snprintf(why, whylen, "%s", reason);
	return false;
}

static bool parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static bool set_host(const char *host, struct endpoint *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &out->u.sin.sin_addr) == 1) {
		out->u.sin.sin_family = AF_INET;
		out->len = sizeof(out->u.sin);
		return true;
	}
	if (inet_pton(AF_INET6, host, &out->u.sin6.sin6_addr) == 1) {
		out->u.sin6.sin6_family = AF_INET6;
		out->len = sizeof(out->u.sin6);
		return true;
	}
	return false;
}

/* Splits "host:port", "[v6]:port", "v6" or "host" into host and port text. */
static bool split_host_port(const char *text, char *host, size_t hostlen, const char **port)
{
	const char *colon = strrchr(text, ':');
	size_t n;

	*port = NULL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (close[1] && close[1] != ':'))
			return false;
		n = (size_t)(close - text - 1);
		if (close[1] == ':')
			*port = close + 2;
		text++;
	} else if (colon && strchr(text, ':') == colon) {
		n = (size_t)(colon - text);
		*port = colon + 1;
	} else {
		n = strlen(text);
	}
	if (n == 0 || n >= hostlen)
		return false;
	memcpy(host, text, n);
	host[n] = '\0';
	return true;
}

bool addr_parse(const char *text, int port_rule, struct endpoint *out, char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN];
	const char *port_text;
	uint16_t port = 0;

	if (!split_host_port(text, host, sizeof(host), &port_text))
		return fail(why, whylen, "not an address");
	if (!set_host(host, out))
		return fail(why, whylen, "not an IPv4 or IPv6 address");
	if (port_text && !parse_port(port_text, &port))
		return fail(why, whylen, "port must be a number from 1 to 65535");
	if (port_rule > 0 && !port_text)
		return fail(why, whylen, "a port is required (ADDR:PORT or [ADDR]:PORT)");
	if (port_rule < 0 && port_text)
		return fail(why, whylen, "no port allowed here");
	addr_set_port(out, port);
	return true;
}

bool addr_parse_prefix(const char *text, struct prefix *out, char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	char *end;
	unsigned long len;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!slash)
		return fail(why, whylen, "a prefix length is required (ADDR/LEN)");
	n = (size_t)(slash - text);
	if (n == 0 || n >= sizeof(host))
		return fail(why, whylen, "not an address");
	memcpy(host, text, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &out->addr.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, host, &out->addr.v6) == 1)
		out->family = AF_INET6;
	else
		return fail(why, whylen, "not an IPv4 or IPv6 address");
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1 || len > (out->family == AF_INET ? 32u : 128u))
		return fail(why, whylen, out->family == AF_INET ? "prefix length must be 0 to 32"
								: "prefix length must be 0 to 128");
	out->len = (uint8_t)len;
	return true;
}

int addr_family(const struct endpoint *ep)
{
	return ep->len ? ep->u.sa.sa_family : AF_UNSPEC;
}

uint16_t addr_port(const struct endpoint *ep)
{
	switch (addr_family(ep)) {
	case AF_INET:
		return ntohs(ep->u.sin.sin_port);
	case AF_INET6:
		return ntohs(ep->u.sin6.sin6_port);
	default:
		return 0;
	}
}

void addr_set_port(struct endpoint *ep, uint16_t port)
{
	if (addr_family(ep) == AF_INET)
		ep->u.sin.sin_port = htons(port);
	else if (addr_family(ep) == AF_INET6)
		ep->u.sin6.sin6_port = htons(port);
}

const char *addr_format(const struct endpoint *ep, char *buf, size_t buflen)
{
	char host[INET6_ADDRSTRLEN];
	int family = addr_family(ep);
	uint16_t port = addr_port(ep);

	if (family == AF_INET)
		inet_ntop(AF_INET, &ep->u.sin.sin_addr, host, sizeof(host));
	else if (family == AF_INET6)
		inet_ntop(AF_INET6, &ep->u.sin6.sin6_addr, host, sizeof(host));
	else {
		snprintf(buf, buflen, "-");
		return buf;
	}
	if (port == 0)
		snprintf(buf, buflen, "%s", host);
	else if (family == AF_INET6)
		snprintf(buf, buflen, "[%s]:%u", host, port);
	else
		snprintf(buf, buflen, "%s:%u", host, port);
	return buf;
}

const char *addr_format_prefix(const struct prefix *p, char *buf, size_t buflen)
{
	char host[INET6_ADDRSTRLEN];

	inet_ntop(p->family, &p->addr, host, sizeof(host));
	snprintf(buf, buflen, "%s/%u", host, p->len);
	return buf;
}

bool addr_is_wildcard(const struct endpoint *ep)
{
	if (addr_family(ep) == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&ep->u.sin6.sin6_addr);
	return ep->u.sin.sin_addr.s_addr == htonl(INADDR_ANY);
}

bool addr_equal(const struct endpoint *a, const struct endpoint *b)
{
	int family = addr_family(a);

	if (family != addr_family(b) || addr_port(a) != addr_port(b))
		return false;
	if (family == AF_INET)
		return a->u.sin.sin_addr.s_addr == b->u.sin.sin_addr.s_addr;
	if (family == AF_INET6)
		return memcmp(&a->u.sin6.sin6_addr, &b->u.sin6.sin6_addr, sizeof(struct in6_addr)) == 0;
	return true;
}
