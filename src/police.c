/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Token buckets on the paths left after a failure, and the retransmissions that pass them anyway. */
#include "police.h"

#include <string.h>

void police_init(struct police *p)
{
	memset(p, 0, sizeof(*p));
}

static int64_t burst(uint64_t rate)
{
	return (int64_t)(rate * POLICE_BURST_NS / 1000000000ull);
}

static void new_trial(struct police *p, unsigned path, uint64_t now)
{
	p->enforcing[path] = false;
	p->trial_end[path] = now + POLICE_TRIAL_NS;
	p->offered[path] = 0;
}

void police_start(struct police *p, unsigned path, uint64_t rate_bps, uint64_t now, uint64_t until)
{
	if (path >= WIRE_MAX_PATHS || !rate_bps)
		return;
	p->on[path] = true;
	p->rate[path] = rate_bps / 8;
	new_trial(p, path, now);
	if (until > p->until)
		p->until = until;
}

void police_stop(struct police *p)
{
	memset(p->on, 0, sizeof(p->on));
	p->until = 0;
}

bool police_active(const struct police *p, uint64_t now)
{
	return p->until && now < p->until;
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The TCP header's offset and the segment's payload length; false when pkt is no plain TCP segment. */
static bool tcp_segment(const uint8_t *pkt, size_t len, size_t *tcp, size_t *payload)
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
	*tcp = l3;
	*payload = total - l3 - doff;
	return true;
}

bool police_tcp_resent(struct police *p, unsigned bucket, const uint8_t *pkt, size_t len)
{
	size_t tcp, payload;
	uint32_t seq, end;
	uint8_t bit = (uint8_t)(1u << (bucket & 7));
	bool seen, resent;

	if (bucket >= FLOW_BUCKETS || !tcp_segment(pkt, len, &tcp, &payload) || !payload)
		return false;
	seq = be32(pkt + tcp + 4);
	end = seq + (uint32_t)payload;
	seen = p->have_seq[bucket / 8] & bit;
	/* Starting below the highest sent: resent, even when it carries new data past it too. */
	resent = seen && (int32_t)(seq - p->high_seq[bucket]) < 0;
	if (!seen || (int32_t)(end - p->high_seq[bucket]) > 0)
		p->high_seq[bucket] = end;
	p->have_seq[bucket / 8] |= bit;
	return resent;
}

/*
 * The trials (police.h): counts what is offered until a trial ends; then the path is
 * enforced if that was an overload, and the next trial begins otherwise. True while
 * the path is enforced.
 */
static bool enforced(struct police *p, unsigned path, size_t bytes, uint64_t now)
{
	uint64_t overload;

	if (p->enforcing[path])
		return true;
	if (now >= p->trial_end[path]) {
		/* At most 1.25e9 bytes/s * 125 / 100 * 5e7 ns: no overflow. */
		overload = p->rate[path] * POLICE_OVERLOAD_PERCENT / 100 * POLICE_TRIAL_NS / 1000000000ull;
		if (p->offered[path] >= overload && now - p->trial_end[path] < POLICE_TRIAL_NS) {
			p->enforcing[path] = true;
			p->tokens[path] = burst(p->rate[path]);
			p->last[path] = now;
			p->last_drop[path] = now;
			return true;
		}
		new_trial(p, path, now); /* no overload, or the trial ended long ago (no traffic since) */
	}
	p->offered[path] += bytes;
	return false;
}

static void refill(struct police *p, unsigned path, uint64_t now)
{
	int64_t cap = burst(p->rate[path]);

	if (now > p->last[path]) {
		/* Up to a second at a time: 10 Gbit/s times a second's nanoseconds still fits in 64 bits. */
		uint64_t dt = now - p->last[path] < 1000000000ull ? now - p->last[path] : 1000000000ull;

		p->tokens[path] += (int64_t)(p->rate[path] * dt / 1000000000ull);
		p->last[path] = now;
	}
	if (p->tokens[path] > cap)
		p->tokens[path] = cap;
}

bool police_pass(struct police *p, unsigned path, size_t bytes, bool resent, uint64_t now)
{
	if (path >= WIRE_MAX_PATHS || !p->on[path])
		return true;
	if (!police_active(p, now)) {
		police_stop(p);
		return true;
	}
	if (!enforced(p, path, bytes, now))
		return true;
	if (now > p->last_drop[path] && now - p->last_drop[path] >= POLICE_CALM_NS) {
		new_trial(p, path, now); /* its senders keep to its rate now: only watched again */
		p->offered[path] = bytes;
		return true;
	}
	refill(p, path, now);
	if (resent) {
		p->tokens[path] -= (int64_t)bytes;
		p->resent_passed++;
		return true;
	}
	if (p->tokens[path] < (int64_t)bytes) {
		p->dropped++;
		p->last_drop[path] = now;
		return false;
	}
	p->tokens[path] -= (int64_t)bytes;
	return true;
}
