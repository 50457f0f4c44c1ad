/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tcpseg.h"

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

bool tcpseg_parse(const uint8_t *pkt, size_t len, struct tcpseg *seg)
{
	size_t l3, total, doff;

	if (len >= 20 && pkt[0] >> 4 == 4) {
		l3 = (size_t)(pkt[0] & 15) * 4;
		total = (size_t)pkt[2] << 8 | pkt[3];
		/* A fragment (more fragments, or an offset) is no whole segment. */
		if (pkt[9] != 6 || l3 < 20 || ((pkt[6] & 0x3f) | pkt[7]))
			return false;
	} else if (len >= 40 && pkt[0] >> 4 == 6) {
		l3 = 40;
		total = 40 + ((size_t)pkt[4] << 8 | pkt[5]);
		if (pkt[6] != 6)
			return false;
	} else {
		return false;
	}
	if (total > len || l3 + 20 > total)
		return false;
	doff = (size_t)(pkt[l3 + 12] >> 4) * 4;
	if (doff < 20 || l3 + doff > total)
		return false;
	seg->header = l3;
	seg->payload = total - l3 - doff;
	seg->flags = pkt[l3 + 13];
	seg->seq = be32(pkt + l3 + 4);
	return true;
}

bool tcpseg_pure_ack(const uint8_t *pkt, size_t len)
{
	struct tcpseg seg;

	if (!tcpseg_parse(pkt, len, &seg) || seg.payload)
		return false;
	return (seg.flags & (TCPSEG_ACK | TCPSEG_SYN | TCPSEG_FIN | TCPSEG_RST)) == TCPSEG_ACK;
}
