/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Automatic weights from the paths' measured rate, delay and loss; no clock of its own. */
#include "autow.h"

#include <string.h>

#include "sched.h"

void autow_init(struct autow *a, unsigned npaths, const uint32_t *configured, uint64_t now)
{
	memset(a, 0, sizeof(*a));
	a->npaths = npaths;
	memcpy(a->configured, configured, npaths * sizeof(*configured));
	a->next_at = now + AUTOW_INTERVAL_NS;
}

static bool full(const struct autow_sample *s)
{
	uint64_t allowed = s->min_rtt_ns / AUTOW_QUEUE_FRACTION;

	if (allowed < AUTOW_QUEUE_MIN_NS)
		allowed = AUTOW_QUEUE_MIN_NS;
	return s->loss_ppm >= AUTOW_LOSS_PPM || s->srtt_ns > s->min_rtt_ns + allowed;
}

/*
 * While another path is full, the flows are held back by it and this path's room is
 * real. Each revision in a row that finds it so adds AUTOW_GROWTH_PERCENT to the growth,
 * up to AUTOW_GROWTH_STEPS times: from a 1:3 start on two equal paths an even split
 * comes in 4 revisions instead of 8 (test_autow's model). Near the balance the paths take turns being full,
 * the runs stay short and the growth, so the overshoot, stays small. With no path full
 * the traffic itself is the limit, and a path is not credited with much more than it
 * was offered.
 */
static void estimate(struct autow *a, unsigned i, const struct autow_sample *s, bool other_full)
{
	uint64_t grown, growth;

	if (full(s) || !other_full)
		a->streak[i] = 0;
	else if (a->streak[i] < AUTOW_GROWTH_STEPS - 1)
		a->streak[i]++;
	if (full(s)) {
		a->capacity[i] = s->rate_bps;
		return;
	}
	growth = (uint64_t)AUTOW_GROWTH_PERCENT * (1 + (other_full ? a->streak[i] : 0));
	grown = (a->capacity[i] > s->rate_bps ? a->capacity[i] : s->rate_bps) * (100 + growth) / 100;
	/* Room is claimed step by step, never far beyond what the path has shown it carries. */
	if (grown > AUTOW_HEADROOM * s->rate_bps + AUTOW_MIN_BPS)
		grown = AUTOW_HEADROOM * s->rate_bps + AUTOW_MIN_BPS;
	a->capacity[i] = grown;
}

/* Paths not estimated yet get their configured share of what the estimated ones are worth. */
static uint64_t value(const struct autow *a, unsigned i, uint64_t per_configured_unit)
{
	if (a->capacity[i])
		return a->capacity[i];
	return per_configured_unit * a->configured[i];
}

static void to_weights(const struct autow *a, const struct autow_sample *s, uint32_t *weights)
{
	uint64_t known = 0, known_units = 0, total = 0, unit, v[WIRE_MAX_PATHS];

	for (unsigned i = 0; i < a->npaths; i++)
		if (a->capacity[i]) {
			known += a->capacity[i];
			known_units += a->configured[i];
		}
	unit = known_units ? known / known_units : 1;
	for (unsigned i = 0; i < a->npaths; i++) {
		v[i] = s[i].usable ? value(a, i, unit) : 0;
		total += v[i];
	}
	for (unsigned i = 0; i < a->npaths; i++) {
		uint64_t w = total ? v[i] * AUTOW_SCALE / total : a->configured[i];

		/* A path down or idle keeps a weight of its own: it is scheduled again once up. */
		if (!s[i].usable)
			w = a->configured[i];
		weights[i] = (uint32_t)(w < 1 ? 1 : w > SCHED_MAX_WEIGHT ? SCHED_MAX_WEIGHT : w);
	}
}

bool autow_update(struct autow *a, const struct autow_sample *s, uint64_t now, uint32_t *weights)
{
	uint64_t traffic = 0;

	if (now < a->next_at)
		return false;
	a->next_at = now + AUTOW_INTERVAL_NS;
	for (unsigned i = 0; i < a->npaths; i++)
		traffic += s[i].usable ? s[i].rate_bps : 0;
	if (traffic < AUTOW_MIN_BPS)
		return false;
	for (unsigned i = 0; i < a->npaths; i++) {
		bool other_full = false;

		for (unsigned j = 0; j < a->npaths; j++)
			other_full = other_full || (j != i && s[j].usable && s[j].rate_bps && full(&s[j]));
		if (s[i].usable && s[i].rate_bps)
			estimate(a, i, &s[i], other_full);
	}
	to_weights(a, s, weights);
	return true;
}
