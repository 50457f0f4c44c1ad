/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A path's one-way delay range over two buckets; no clock of its own. */
#include "owdspan.h"

/* Wrap-around order: the values differ by little, but may sit anywhere in 32 bits. */
static bool later(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static uint32_t lowest(const struct owdspan *s)
{
	return s->have_prev && later(s->lo[0], s->lo[1]) ? s->lo[1] : s->lo[0];
}

static uint32_t highest(const struct owdspan *s)
{
	return s->have_prev && later(s->hi[1], s->hi[0]) ? s->hi[1] : s->hi[0];
}

void owdspan_note(struct owdspan *s, uint32_t owd_us, uint64_t now)
{
	owdspan_note_every(s, owd_us, now, OWDSPAN_BUCKET_NS);
}

/*
 * A delay this far outside the range is no path's: the peer's clock changed (its host
 * rebooted, and a reboot quicker than two buckets leaves the old range in place).
 */
static bool new_clock(const struct owdspan *s, uint32_t owd_us)
{
	return (int32_t)(owd_us - highest(s)) > OWDSPAN_CLOCK_JUMP_US || (int32_t)(lowest(s) - owd_us) > OWDSPAN_CLOCK_JUMP_US;
}

void owdspan_note_every(struct owdspan *s, uint32_t owd_us, uint64_t now, uint64_t bucket_ns)
{
	if (!s->have || now - s->bucket_at >= 2 * bucket_ns || new_clock(s, owd_us)) {
		/* Nothing came for two buckets, or under another clock: what came before tells nothing of the path now. */
		*s = (struct owdspan){ .have = true, .bucket_at = now, .lo = { owd_us }, .hi = { owd_us } };
		return;
	}
	if (now - s->bucket_at >= bucket_ns) {
		s->lo[1] = s->lo[0];
		s->hi[1] = s->hi[0];
		s->have_prev = true;
		s->lo[0] = s->hi[0] = owd_us;
		s->bucket_at = now;
		return;
	}
	if (later(s->lo[0], owd_us))
		s->lo[0] = owd_us;
	if (later(owd_us, s->hi[0]))
		s->hi[0] = owd_us;
}

bool owdspan_at_top(const struct owdspan *s, uint32_t owd_us)
{
	uint32_t lo, hi, margin;

	if (!s->have)
		return true;
	lo = lowest(s);
	hi = highest(s);
	margin = (hi - lo) / OWDSPAN_TOP_FRACTION;
	if (margin < OWDSPAN_TOP_MIN_US)
		margin = OWDSPAN_TOP_MIN_US;
	return !later(hi - margin, owd_us);
}

uint32_t owdspan_above_low(const struct owdspan *s, uint32_t owd_us)
{
	uint32_t lo;

	if (!s->have)
		return 0;
	lo = lowest(s);
	return later(owd_us, lo) ? owd_us - lo : 0;
}
