/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "express.h"

bool express_udp(const uint8_t *pkt, size_t len)
{
	/* An IPv4 fragment (more fragments, or an offset) is no whole datagram. */
	if (len >= 28 && pkt[0] >> 4 == 4)
		return pkt[9] == 17 && (pkt[0] & 15) >= 5 && len >= (size_t)(pkt[0] & 15) * 4 + 8 &&
		       !((pkt[6] & 0x3f) | pkt[7]);
	return len >= 48 && pkt[0] >> 4 == 6 && pkt[6] == 17;
}

bool express_udp_admits(uint64_t *large_at, size_t len, unsigned max, uint64_t now)
{
	if (max == 0)
		return false; /* nor marks the flow: fast_udp turned on again takes it at once */
	if (len > max) {
		*large_at = now;
		return false;
	}
	return !*large_at || now - *large_at >= EXPRESS_UDP_BULK_NS;
}

int express_path(unsigned npaths, const bool *candidate, const uint64_t *srtt_ns, int current)
{
	int best = -1;
	uint64_t margin;

	for (unsigned i = 0; i < npaths; i++)
		if (candidate[i] && (best < 0 || srtt_ns[i] < srtt_ns[best]))
			best = (int)i;
	if (best < 0 || current < 0 || (unsigned)current >= npaths || !candidate[current])
		return best;
	margin = srtt_ns[current] / 8 > EXPRESS_MARGIN_MIN_NS ? srtt_ns[current] / 8 : EXPRESS_MARGIN_MIN_NS;
	return srtt_ns[best] + margin < srtt_ns[current] ? best : current;
}

unsigned express_watch_due(unsigned npaths, const bool *peer_data, const uint64_t *since)
{
	unsigned due = 0;

	for (unsigned i = 0; i < npaths; i++)
		if (peer_data[i] && since[i] >= EXPRESS_WATCH_NS)
			due |= 1u << i;
	return due;
}

bool express_bar_admits(struct express_bar *b, bool fails, uint64_t now)
{
	if (fails && !b->failing) {
		bool again = b->length && now - b->failed_at < EXPRESS_BAR_CALM_NS;

		b->length = !again ? EXPRESS_BAR_MIN_NS
			    : b->length * 2 < EXPRESS_BAR_MAX_NS ? b->length * 2 : EXPRESS_BAR_MAX_NS;
		b->failed_at = now;
	}
	b->failing = fails;
	if (fails)
		b->until = now + b->length;
	return !fails && now >= b->until;
}
