/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: raw mode's rewrite on arbitrary packets, held to the promises in rewrite.h. */
#include <stdlib.h>
#include <string.h>

#include "rewrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort(), not assert(): the promise must hold under NDEBUG too; libFuzzer and the driver report it. */
#define REQUIRE(cond)                    \
	do {                             \
		if (!(cond))             \
			abort();         \
	} while (0)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum_words(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Where the IP length field says the packet ends, for a packet rewrite_parse accepted. */
static size_t ip_end(const uint8_t *pkt, int family)
{
	return family == AF_INET ? get16(pkt + 2) : 40 + (size_t)get16(pkt + 4);
}

/* Folded sum over pseudo-header and segment, checksum included: 0xffff iff the checksum is right. */
static uint16_t tcp_verify(const uint8_t *pkt, const struct rewrite_tcp *t)
{
	size_t alen = t->family == AF_INET ? 4 : 16, seg = ip_end(pkt, t->family) - t->l3_len;
	uint32_t sum = sum_words(0, pkt + (t->family == AF_INET ? 12 : 8), 2 * alen);

	sum += 6 + (uint32_t)(seg & 0xffff) + (uint32_t)(seg >> 16);
	return fold(sum_words(sum, pkt + t->l3_len, seg));
}

static uint16_t ipv4_verify(const uint8_t *pkt, int family)
{
	return family == AF_INET ? fold(sum_words(0, pkt, (size_t)(pkt[0] & 15) * 4)) : 0;
}

/* After a rewrite there and back, only a checksum field that held 0xffff may differ: it is now 0. */
static void check_round_trip(const uint8_t *was, const uint8_t *now, size_t size, const struct rewrite_tcp *t)
{
	size_t tcp_check = t->l3_len + 16;

	for (size_t i = 0; i < size; i++) {
		size_t field = i & ~(size_t)1;

		if (was[i] == now[i])
			continue;
		REQUIRE(field == tcp_check || (t->family == AF_INET && field == 10));
		REQUIRE(get16(was + field) == 0xffff && get16(now + field) == 0);
	}
}

static void check_accepted(uint8_t *pkt, const uint8_t *data, size_t size, const struct rewrite_tcp *t)
{
	struct endpoint other = t->dst;
	struct rewrite_tcp after;
	uint16_t tcp_before = tcp_verify(pkt, t), ip_before = ipv4_verify(pkt, t->family);

	addr_set_port(&other, (uint16_t)(addr_port(&t->dst) + 1));
	REQUIRE(rewrite_dst(pkt, size, &other, &t->src) == REWRITE_NO_MATCH);
	REQUIRE(memcmp(pkt, data, size) == 0);
	/* Move the destination onto the source: every field of the endpoint changes in general. */
	REQUIRE(rewrite_dst(pkt, size, &t->dst, &t->src) == REWRITE_OK);
	REQUIRE(rewrite_parse(pkt, size, &after) == REWRITE_OK);
	REQUIRE(after.family == t->family && after.l3_len == t->l3_len);
	REQUIRE(addr_equal(&after.dst, &t->src) && addr_equal(&after.src, &t->src));
	/* Right checksums stay right, wrong ones stay wrong by the same amount. */
	REQUIRE(tcp_verify(pkt, &after) == tcp_before);
	REQUIRE(ipv4_verify(pkt, t->family) == ip_before);
	REQUIRE(rewrite_dst(pkt, size, &t->src, &t->dst) == REWRITE_OK);
	check_round_trip(data, pkt, size, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rewrite_tcp t;
	enum rewrite_result r;
	uint8_t *pkt;

	if (size == 0) { /* memcpy and memcmp want real pointers, even for 0 bytes */
		REQUIRE(rewrite_parse(data, 0, &t) == REWRITE_TRUNCATED);
		return 0;
	}
	if (size > 65535 + 64)
		return 0;
	/* An exact-size copy, so that a read past `size` is a heap overflow ASan reports. */
	pkt = malloc(size);
	if (!pkt)
		return 0;
	memcpy(pkt, data, size);
	r = rewrite_parse(pkt, size, &t);
	REQUIRE(r != REWRITE_NO_MATCH && (unsigned)r < REWRITE_RESULT_COUNT);
	if (r == REWRITE_OK) {
		check_accepted(pkt, data, size, &t);
	} else {
		struct endpoint any;
		char why[8];

		/* Refused the same way by rewrite_dst, and left exactly as it was. */
		REQUIRE(addr_parse("198.18.0.1:1", 1, &any, why, sizeof(why)));
		REQUIRE(rewrite_dst(pkt, size, &any, &any) == r);
		REQUIRE(memcmp(pkt, data, size) == 0);
	}
	free(pkt);
	return 0;
}
