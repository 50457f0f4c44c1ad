/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow hashing of inner packets; no state. */
#include "flow.h"

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

static int has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33;
}

/* The low bits of FNV-1a mix poorly: fold the high half in before masking. */
static unsigned finish(uint32_t h)
{
	return (unsigned)((h ^ (h >> 16)) & (FLOW_BUCKETS - 1));
}

static unsigned bucket4(const uint8_t *pkt, size_t len)
{
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	uint8_t proto = pkt[9];
	int fragment = ((pkt[6] & 0x3f) | pkt[7]) != 0; /* MF or an offset */
	uint32_t h = fnv(FNV_OFFSET, pkt + 12, 8);

	h = fnv(h, &proto, 1);
	if (!fragment && has_ports(proto) && ihl >= 20 && len >= ihl + 4)
		h = fnv(h, pkt + ihl, 4);
	return finish(h);
}

/* Only the fixed header's next header: a packet with extension headers hashes without ports. */
static unsigned bucket6(const uint8_t *pkt, size_t len)
{
	uint8_t proto = pkt[6];
	uint32_t h = fnv(FNV_OFFSET, pkt + 8, 32);

	h = fnv(h, &proto, 1);
	if (has_ports(proto) && len >= 44)
		h = fnv(h, pkt + 40, 4);
	return finish(h);
}

unsigned flow_bucket(const uint8_t *pkt, size_t len)
{
	if (len >= 20 && pkt[0] >> 4 == 4)
		return bucket4(pkt, len);
	if (len >= 40 && pkt[0] >> 4 == 6)
		return bucket6(pkt, len);
	return 0;
}
