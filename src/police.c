/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Token buckets on the paths left after a failure, and the retransmissions that pass them anyway. */
#include "police.h"

#include <string.h>

#include "tcpseg.h"

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

bool police_tcp_resent(struct police *p, unsigned bucket, const uint8_t *pkt, size_t len)
{
	struct tcpseg seg;
	uint32_t end;
	uint8_t bit = (uint8_t)(1u << (bucket & 7));
	bool seen, resent;

	if (bucket >= FLOW_BUCKETS || !tcpseg_parse(pkt, len, &seg) || !seg.payload)
		return false;
	end = seg.seq + (uint32_t)seg.payload;
	seen = p->have_seq[bucket / 8] & bit;
	/* Starting below the highest sent: resent, even when it carries new data past it too. */
	resent = seen && (int32_t)(seg.seq - p->high_seq[bucket]) < 0;
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
