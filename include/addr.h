/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing and printing of socket addresses and prefixes as they appear in configs. */
#ifndef NETAGG_ADDR_H
#define NETAGG_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* An IPv4 or IPv6 endpoint; `port` 0 means "not given". */
struct endpoint {
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
		struct sockaddr_storage ss;
	} u;
	socklen_t len; /* 0 when unset */
};

struct prefix {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint8_t len;
};

/* Longest text addr_format writes, NUL included: "[v6]:65535". */
#define ADDR_TEXT_MAX (INET6_ADDRSTRLEN + 8)

/*
 * Parses "198.18.1.1", "198.18.1.1:5000", "2001:2::1" or "[2001:2::1]:5000".
 * `port_rule` says whether a port must (1), may (0) or must not (-1) appear.
 * On error returns false and writes a short reason into `why`.
 */
bool addr_parse(const char *text, int port_rule, struct endpoint *out, char *why, size_t whylen);

/* Parses "198.19.0.1/30" or "fd00:4e41::1/64". */
bool addr_parse_prefix(const char *text, struct prefix *out, char *why, size_t whylen);

/* Writes "a.b.c.d:port" or "[v6]:port" (port omitted when 0) into buf of ADDR_TEXT_MAX. */
const char *addr_format(const struct endpoint *ep, char *buf, size_t buflen);
const char *addr_format_prefix(const struct prefix *p, char *buf, size_t buflen);

int addr_family(const struct endpoint *ep);
uint16_t addr_port(const struct endpoint *ep);
void addr_set_port(struct endpoint *ep, uint16_t port);

/* True for 0.0.0.0 and :: (any local address). */
bool addr_is_wildcard(const struct endpoint *ep);

/* True when address, port and family are equal. */
bool addr_equal(const struct endpoint *a, const struct endpoint *b);

#endif
