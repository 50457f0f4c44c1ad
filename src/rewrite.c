/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw mode's packet rewrite: IPv4/IPv6 header walk to TCP, destination swap, RFC 1624 checksum update. */
#include "rewrite.h"

#include <stdbool.h>
#include <string.h>

#define IPV4_MIN_HEADER 20
#define IPV6_HEADER 40
#define TCP_MIN_HEADER 20
#define PROTO_TCP 6

/* Where the fields rewrite_dst needs lie in a packet rewrite_parse would accept. */
struct layout {
	int family;
	size_t addr_len; /* 4 or 16 */
	size_t src_off;  /* of the source address */
	size_t dst_off;  /* of the destination address */
	size_t l3_len;   /* where the TCP header starts */
	size_t end;      /* where the IP length field says the packet ends (<= len) */
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * Walks IPv4 options only to spot source routes: with LSRR/SSRR the destination field
 * is the next hop while the sender's TCP checksum covers the route's final destination
 * (as Linux computes it), so the address we would match and re-checksum is the wrong
 * one. Malformed options make the kernel drop the packet anyway, so they are refused
 * rather than guessed at.
 */
static enum rewrite_result ipv4_options(const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t type = o[i];

		if (type == 0) /* end of option list */
			break;
		if (type == 1) { /* no-operation */
			i++;
			continue;
		}
		if (n - i < 2 || o[i + 1] < 2 || o[i + 1] > n - i)
			return REWRITE_BAD_HEADER;
		if (type == 0x83 || type == 0x89) /* loose, strict source route */
			return REWRITE_ROUTED;
		i += o[i + 1];
	}
	return REWRITE_OK;
}

static enum rewrite_result ipv4_locate(const uint8_t *pkt, size_t len, struct layout *lay)
{
	size_t ihl, total;

	if (len < IPV4_MIN_HEADER)
		return REWRITE_TRUNCATED;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = get16(pkt + 2);
	if (ihl < IPV4_MIN_HEADER)
		return REWRITE_BAD_HEADER;
	if (total > len)
		return REWRITE_TRUNCATED;
	if (total < ihl)
		return REWRITE_BAD_HEADER;
	if (pkt[9] != PROTO_TCP)
		return REWRITE_NOT_TCP;
	/*
	 * Only the first fragment carries the TCP ports, so the later ones could not be
	 * matched: moving the first and not the rest would split one datagram between two
	 * addresses and it could never be reassembled. Leave every fragment alone.
	 */
	if (get16(pkt + 6) & 0x3fff) /* MF flag or a fragment offset */
		return REWRITE_FRAGMENT;
	*lay = (struct layout){ .family = AF_INET, .addr_len = 4, .src_off = 12, .dst_off = 16,
				.l3_len = ihl, .end = total };
	return ipv4_options(pkt + IPV4_MIN_HEADER, ihl - IPV4_MIN_HEADER);
}

/* Extension headers shaped as next header, length in 8-octet units beyond the first 8, data. */
static bool ipv6_is_skippable(uint8_t nh)
{
	return nh == 0 /* hop-by-hop */ || nh == 43 /* routing */ || nh == 60 /* destination options */;
}

static enum rewrite_result ipv6_locate(const uint8_t *pkt, size_t len, struct layout *lay)
{
	size_t off = IPV6_HEADER, end, hlen;
	uint8_t nh;

	if (len < IPV6_HEADER)
		return REWRITE_TRUNCATED;
	end = IPV6_HEADER + (size_t)get16(pkt + 4);
	if (end > len)
		return REWRITE_TRUNCATED;
	/* A jumbogram (payload length 0) ends up as BAD_HEADER: none fits in a tunnel frame. */
	nh = pkt[6];
	while (ipv6_is_skippable(nh)) {
		if (end - off < 8)
			return REWRITE_BAD_HEADER;
		hlen = ((size_t)pkt[off + 1] + 1) * 8;
		if (hlen > end - off)
			return REWRITE_BAD_HEADER;
		/* Segments left: the destination field is a waypoint, not the pseudo-header's. */
		if (nh == 43 && pkt[off + 3] != 0)
			return REWRITE_ROUTED;
		nh = pkt[off];
		off += hlen;
	}
	if (nh == 44)
		return REWRITE_FRAGMENT;
	/* AH and ESP end up here too: AH covers the addresses, so a rewrite would break it. */
	if (nh != PROTO_TCP)
		return REWRITE_NOT_TCP;
	*lay = (struct layout){ .family = AF_INET6, .addr_len = 16, .src_off = 8, .dst_off = 24,
				.l3_len = off, .end = end };
	return REWRITE_OK;
}

static enum rewrite_result locate(const uint8_t *pkt, size_t len, struct layout *lay)
{
	enum rewrite_result r;
	size_t seg, doff;

	if (len < 1)
		return REWRITE_TRUNCATED;
	if (pkt[0] >> 4 == 4)
		r = ipv4_locate(pkt, len, lay);
	else if (pkt[0] >> 4 == 6)
		r = ipv6_locate(pkt, len, lay);
	else
		r = REWRITE_BAD_HEADER;
	if (r != REWRITE_OK)
		return r;
	seg = lay->end - lay->l3_len;
	if (seg < TCP_MIN_HEADER)
		return REWRITE_BAD_HEADER;
	doff = (size_t)(pkt[lay->l3_len + 12] >> 4) * 4;
	if (doff < TCP_MIN_HEADER || doff > seg)
		return REWRITE_BAD_HEADER;
	return REWRITE_OK;
}

static void set_endpoint(struct endpoint *ep, int family, const uint8_t *addr, const uint8_t *port)
{
	memset(ep, 0, sizeof(*ep));
	if (family == AF_INET) {
		ep->u.sin.sin_family = AF_INET;
		memcpy(&ep->u.sin.sin_addr, addr, 4);
		memcpy(&ep->u.sin.sin_port, port, 2); /* both in network order */
		ep->len = sizeof(ep->u.sin);
	} else {
		ep->u.sin6.sin6_family = AF_INET6;
		memcpy(&ep->u.sin6.sin6_addr, addr, 16);
		memcpy(&ep->u.sin6.sin6_port, port, 2);
		ep->len = sizeof(ep->u.sin6);
	}
}

enum rewrite_result rewrite_parse(const uint8_t *pkt, size_t len, struct rewrite_tcp *out)
{
	struct layout lay;
	enum rewrite_result r = locate(pkt, len, &lay);

	if (r != REWRITE_OK)
		return r;
	out->family = lay.family;
	out->l3_len = lay.l3_len;
	set_endpoint(&out->src, lay.family, pkt + lay.src_off, pkt + lay.l3_len);
	set_endpoint(&out->dst, lay.family, pkt + lay.dst_off, pkt + lay.l3_len + 2);
	return REWRITE_OK;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), over the n bytes (even) that change from
 * old to new, summed in 32 bits and folded once at the end.
 *
 * Why the result is canonical: a full computation folds a non-zero sum, which lands
 * in 1..0xffff, the one representative of its class mod 0xffff in that range, and
 * complements it (never 0xffff for IPv4 or TCP, whose summed data is never all
 * zero). Here ~HC is that folded sum, so ~HC >= 1, the 32-bit sum is non-zero, and
 * its fold also lands in 1..0xffff, in the same class as the new data's sum: it is
 * that sum, and HC' is what a full computation gives. Only HC = 0xffff (~HC = 0,
 * which no full computation writes) can yield a sum of 0; then HC' is 0xffff or the
 * canonical 0x0000 for an equivalent value. A wrong HC stays wrong by the same amount.
 */
static uint16_t csum_update(uint16_t hc, const uint8_t *old, const uint8_t *new, size_t n)
{
	uint32_t sum = (uint16_t)~hc;

	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(uint16_t)~get16(old + i) + get16(new + i);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static const uint8_t *endpoint_addr(const struct endpoint *ep)
{
	if (addr_family(ep) == AF_INET)
		return (const uint8_t *)&ep->u.sin.sin_addr;
	return (const uint8_t *)&ep->u.sin6.sin6_addr;
}

static bool dst_matches(const uint8_t *pkt, const struct layout *lay, const struct endpoint *match,
			const struct endpoint *to)
{
	int family = addr_family(match);

	if (family != lay->family || addr_family(to) != family)
		return false;
	return memcmp(pkt + lay->dst_off, endpoint_addr(match), lay->addr_len) == 0 &&
	       get16(pkt + lay->l3_len + 2) == addr_port(match);
}

enum rewrite_result rewrite_dst(uint8_t *pkt, size_t len, const struct endpoint *match,
				const struct endpoint *to)
{
	uint8_t old[16 + 2], new[16 + 2]; /* destination address then port, as the packet holds them */
	uint8_t *tcp;
	struct layout lay;
	enum rewrite_result r = locate(pkt, len, &lay);
	size_t alen;

	if (r != REWRITE_OK)
		return r;
	if (!dst_matches(pkt, &lay, match, to))
		return REWRITE_NO_MATCH;
	alen = lay.addr_len;
	tcp = pkt + lay.l3_len;
	memcpy(old, pkt + lay.dst_off, alen);
	memcpy(old + alen, tcp + 2, 2);
	memcpy(new, endpoint_addr(to), alen);
	put16(new + alen, addr_port(to));
	/* The address is in the IPv4 header checksum and in the TCP pseudo-header; the port only in TCP. */
	if (lay.family == AF_INET)
		put16(pkt + 10, csum_update(get16(pkt + 10), old, new, alen));
	put16(tcp + 16, csum_update(get16(tcp + 16), old, new, alen + 2));
	memcpy(pkt + lay.dst_off, new, alen);
	memcpy(tcp + 2, new + alen, 2);
	return REWRITE_OK;
}

const char *rewrite_result_name(enum rewrite_result r)
{
	static const char *const names[REWRITE_RESULT_COUNT] = {
		[REWRITE_OK] = "ok",
		[REWRITE_NOT_TCP] = "not_tcp",
		[REWRITE_FRAGMENT] = "fragment",
		[REWRITE_TRUNCATED] = "truncated",
		[REWRITE_BAD_HEADER] = "bad_header",
		[REWRITE_NO_MATCH] = "no_match",
		[REWRITE_ROUTED] = "routed",
	};

	return (unsigned)r < REWRITE_RESULT_COUNT ? names[r] : "unknown";
}
