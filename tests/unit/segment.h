/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inner TCP segments for the unit tests: IPv4 or IPv6, a sequence number, flags and data. */
#ifndef NETAGG_UNIT_SEGMENT_H
#define NETAGG_UNIT_SEGMENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Writes a segment with `payload` zero bytes of data starting at seq; returns its length. */
static inline size_t unit_segment(uint8_t *pkt, int version, uint32_t seq, uint8_t flags, size_t payload)
{
	size_t l3 = version == 4 ? 20 : 40, total = l3 + 20 + payload;

	memset(pkt, 0, total);
	if (version == 4) {
		pkt[0] = 0x45;
		pkt[2] = (uint8_t)(total >> 8);
		pkt[3] = (uint8_t)total;
		pkt[9] = 6;
	} else {
		pkt[0] = 0x60;
		pkt[4] = (uint8_t)((total - 40) >> 8);
		pkt[5] = (uint8_t)(total - 40);
		pkt[6] = 6;
	}
	pkt[l3 + 4] = (uint8_t)(seq >> 24);
	pkt[l3 + 5] = (uint8_t)(seq >> 16);
	pkt[l3 + 6] = (uint8_t)(seq >> 8);
	pkt[l3 + 7] = (uint8_t)seq;
	pkt[l3 + 12] = 5 << 4;
	pkt[l3 + 13] = flags;
	return total;
}

#endif
