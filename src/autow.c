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
	memcpy(a->weight, configured, npaths * sizeof(*configured));
	for (unsigned i = 0; i < npaths; i++)
		a->since_full[i] = AUTOW_HOLD_REVISIONS;
	a->next_at = now + AUTOW_INTERVAL_NS;
}

bool autow_due(const struct autow *a, uint64_t now)
{
	return now >= a->next_at;
}

uint64_t autow_queue_ns(uint64_t srtt_ns, uint64_t min_rtt_ns, uint64_t rttvar_ns)
{
	uint64_t base = min_rtt_ns + rttvar_ns;

	return srtt_ns > base ? srtt_ns - base : 0;
}

uint64_t autow_queue_full_ns(uint64_t min_rtt_ns)
{
	uint64_t full = min_rtt_ns / AUTOW_QUEUE_FRACTION;

	return full > AUTOW_QUEUE_MIN_NS ? full : AUTOW_QUEUE_MIN_NS;
}

bool autow_queue_long(uint64_t srtt_ns, uint64_t min_rtt_ns)
{
	return srtt_ns > min_rtt_ns + autow_queue_full_ns(min_rtt_ns);
}

/*
 * What the path delivered lately: over the revision's own reports where they tell it,
 * else the smoothed rate, which lags a ramp by a report interval or more (at the first
 * revision of a transfer on agg-fast from 1:3: 0.7 and 3.9 Mbit/s smoothed, 5.3 and
 * 5.8 over the reports, and the split went to 15:85).
 */
static uint64_t delivered(const struct autow_sample *s)
{
	return s->have_queue && s->queue_rate_bps ? s->queue_rate_bps : s->rate_bps;
}

uint64_t autow_standing_ns(const struct autow_sample *s)
{
	uint64_t rate = delivered(s);
	uint64_t own = rate ? (uint64_t)AUTOW_FRAME_BITS * 1000000000ull / rate : 0;

	return s->queue_ns > own ? s->queue_ns - own : 0;
}

/*
 * Loss that goes on: the decayed loss where the revision's reports tell no less. The
 * decayed loss alone still showed a burst half a second later, when the sender had
 * backed off and the path delivered half its rate: a BBR start-up that overflowed
 * path 2 at 1:1 (agg-slow) lost 4.3 %, read 2.4 % a revision later, and the path was
 * taken to be full at 1.34 of its 2.45 Mbit/s (the split went to 83:17).
 */
static uint32_t loss_now(const struct autow_sample *s)
{
	if (s->have_queue && s->have_queue_loss && s->queue_loss_ppm < s->loss_ppm)
		return s->queue_loss_ppm;
	return s->loss_ppm;
}

static bool carrying(const struct autow_sample *s)
{
	return s->usable && s->rate_bps;
}

/*
 * Full paths, by loss, by a long queue, or by a queue that stands out. The peer's
 * report of the standing queue, where there is one, is the queue: it is fresh (the
 * smoothed RTT showed a queue for half a second after it drained, and the split swung
 * after it), jitter does not raise it, and any standing queue means the path never
 * idled. Without it the smoothed RTT, less its variation for the comparison. A BBR sender
 * keeps every queue short, a few ms on the path that holds it back and none where
 * there is room, and without this test both would look like room and keep their
 * shares however wrong (1:3 on two equal paths stayed 1:3).
 */
static void find_full(const struct autow *a, const struct autow_sample *s, bool *full)
{
	uint64_t q[WIRE_MAX_PATHS];
	bool long_queue[WIRE_MAX_PATHS];

	for (unsigned i = 0; i < a->npaths; i++) {
		if (s[i].have_queue) {
			q[i] = autow_standing_ns(&s[i]);
			long_queue[i] = q[i] >= AUTOW_STANDING_NS;
		} else {
			q[i] = autow_queue_ns(s[i].srtt_ns, s[i].min_rtt_ns, s[i].rttvar_ns);
			long_queue[i] = autow_queue_long(s[i].srtt_ns, s[i].min_rtt_ns);
		}
	}
	for (unsigned i = 0; i < a->npaths; i++) {
		uint64_t least = UINT64_MAX;

		for (unsigned j = 0; j < a->npaths; j++)
			if (j != i && carrying(&s[j]) && q[j] < least)
				least = q[j];
		full[i] = carrying(&s[i]) &&
			  (loss_now(&s[i]) >= AUTOW_LOSS_PPM ||
			   long_queue[i] ||
			   (least != UINT64_MAX && q[i] >= AUTOW_REL_QUEUE_NS && q[i] >= 2 * least + AUTOW_REL_QUEUE_NS));
	}
}

/*
 * While another path is full, the flows are held back by it and this path's room is
 * real. Each revision in a row that finds it so adds AUTOW_GROWTH_PERCENT to the growth,
 * up to AUTOW_GROWTH_STEPS times: from a 1:3 start on two equal paths an even split
 * comes in 5 revisions instead of 8 (test_autow's model). A run starts at
 * AUTOW_GROWTH_PERCENT: near the balance the paths take turns being full, the runs
 * stay short, and so does the overshoot. (Runs that started at twice that and grew
 * to 40 % reached the split a revision sooner, but swung it on two equal paths under
 * BBR for seconds: agg-fast from 1:3, 5 alternating runs each, 84.4-86.3 Mbit/s
 * against 85.8-86.8, the path 1 weight's deviation after 2 s 93-396 against 77-147.) With no path full
 * the traffic itself is the limit, and a path is not credited with much more than it
 * was offered.
 *
 * `floor` is what the path's present share says it is worth at least, next to the full
 * paths: it had room at that share while they had none. The growth starts from there,
 * so its share grows from revision to revision even while a full path's measured rate
 * still climbs towards its capacity (a ramp the rates report late).
 */
static void estimate(struct autow *a, unsigned i, const struct autow_sample *s, bool full, bool other_full,
		     uint64_t floor)
{
	uint64_t base, grown, growth, shown;

	if (full || !other_full)
		a->streak[i] = 0;
	else if (a->streak[i] < AUTOW_GROWTH_STEPS)
		a->streak[i]++;
	if (!full && a->since_full[i] < AUTOW_HOLD_REVISIONS) {
		/*
		 * Full a moment ago, its capacity measured: a queue that drained is the sender's
		 * swing (BBR's gain cycle moves both queues by tens of ms), not room. Grown from
		 * the estimate by the steps, such a path took share from the other, filled, and
		 * gave it back, a 43:57 to 57:43 swing every second on two equal paths. It grows
		 * only with what it delivers until it has shown room for AUTOW_HOLD_REVISIONS.
		 */
		uint64_t more = delivered(s) * (100 + AUTOW_GROWTH_PERCENT) / 100;

		a->since_full[i]++;
		a->streak[i] = 0;
		a->capacity[i] = more > a->capacity[i] ? more : a->capacity[i];
		return;
	}
	if (full) {
		a->since_full[i] = 0;
		a->was_full[i] = true;
		/* A path that never idled delivered its capacity, just now: no smoothing's lag. */
		a->capacity[i] = delivered(s);
		return;
	}
	growth = (uint64_t)AUTOW_GROWTH_PERCENT * (other_full ? a->streak[i] : 1);
	/*
	 * A path not estimated yet, with room, carried what this end sent it: the peer's
	 * reports of a transfer's ramp reach this end a path delay late, so at the first
	 * revision on 5 + 25 ms paths they told 237 and 26 kbit/s of the 433 and 382 sent,
	 * and 1:1 went to 90:10 (the transfer's first 3 s: 55, 86 and 91 Mbit/s, against 76,
	 * 92, 92). Only then: later, this end sending more than a path delivers is as often
	 * a queue that grows as reports that lag, and paths credited with it kept a wrong
	 * start (agg-slow from 1:1: 8.76 Mbit/s under BBR, against 8.84-8.92).
	 */
	shown = !a->capacity[i] && s->sent_bps > delivered(s) ? s->sent_bps : delivered(s);
	base = a->capacity[i] > shown ? a->capacity[i] : shown;
	if (other_full && floor > base)
		base = floor;
	grown = base * (100 + growth) / 100;
	/*
	 * Held back by a full path, with room up to a line rate a train measured: claimed at
	 * once. Step by step, from 1:3 on two equal paths, the split evened out only after
	 * the inner BBR had left its start-up at two thirds of the bond's rate, which it then
	 * took 2.5-3 s to find (agg-fast: 90.9-93 % of the ceiling, against 96.3 from 1:1).
	 */
	if (other_full && !a->was_full[i] && a->line_bps[i] > grown)
		grown = a->line_bps[i];
	/*
	 * Room is claimed step by step, never far beyond what the path has shown it carries;
	 * but that bound takes back no estimate: a path with room that carries less (the
	 * sender slows down, a transfer ends) tells nothing of what it can carry. Cut
	 * to four times their decaying rates, the estimates followed the rates' ratio as a
	 * transfer ended, each path's a report interval and a path delay behind the other's:
	 * 75:25 became 63:37 to 73:27 before the next transfer.
	 */
	if (grown > AUTOW_HEADROOM * shown + AUTOW_MIN_BPS)
		grown = AUTOW_HEADROOM * shown + AUTOW_MIN_BPS;
	a->capacity[i] = grown > a->capacity[i] ? grown : a->capacity[i];
}

/* What path i is worth at least, at its present weight, next to the full paths' estimates. */
static uint64_t share_floor(const struct autow *a, unsigned i, const bool *full)
{
	uint64_t floor = 0;

	for (unsigned j = 0; j < a->npaths; j++) {
		uint64_t v;

		if (j == i || !full[j] || !a->weight[j] || !a->weight[i])
			continue;
		v = a->capacity[j] / a->weight[j] * a->weight[i];
		floor = v > floor ? v : floor;
	}
	return floor;
}

/* Paths not estimated yet get their configured share of what the estimated ones are worth. */
static uint64_t value(const struct autow *a, unsigned i, uint64_t per_configured_unit)
{
	if (a->capacity[i])
		return a->capacity[i];
	return per_configured_unit * a->configured[i];
}

static void to_weights(struct autow *a, const bool *usable, uint32_t *weights)
{
	uint64_t known = 0, known_units = 0, total = 0, unit, v[WIRE_MAX_PATHS];

	for (unsigned i = 0; i < a->npaths; i++)
		if (a->capacity[i]) {
			known += a->capacity[i];
			known_units += a->configured[i];
		}
	unit = known_units ? known / known_units : 1;
	for (unsigned i = 0; i < a->npaths; i++) {
		v[i] = usable[i] ? value(a, i, unit) : 0;
		total += v[i];
	}
	for (unsigned i = 0; i < a->npaths; i++) {
		uint64_t w = total ? v[i] * AUTOW_SCALE / total : a->configured[i];

		/* A path down or idle keeps a weight of its own: it is scheduled again once up. */
		if (!usable[i])
			w = a->configured[i];
		weights[i] = (uint32_t)(w < 1 ? 1 : w > SCHED_MAX_WEIGHT ? SCHED_MAX_WEIGHT : w);
		/* Only the estimated shares are on one scale; a configured one is no share_floor basis. */
		a->weight[i] = usable[i] ? weights[i] : 0;
	}
}

/*
 * A sender that slows down for a moment (BBR's ProbeRTT every 10 s: four packets in
 * flight for 200 ms; CUBIC's back-off) drops every path's rate at once, but the rates
 * are smoothed over about 400 ms and reach each path's end a path delay apart, and the
 * smoothed RTTs still show the queues that have just drained. A revision then reads
 * an even split as 45:55 or 60:40 (agg-fast, BBR, 50 ms status samples), and for a
 * second after the lull one path is overfull and the other half idle. A path that
 * really slows down fills its queue and loses, or holds the others back: its share is
 * revised at once in the first case, a few revisions late in the second.
 */
static bool in_lull(struct autow *a, const struct autow_sample *s, uint64_t traffic)
{
	bool losing = false;

	for (unsigned i = 0; i < a->npaths; i++)
		losing = losing || (carrying(&s[i]) && loss_now(&s[i]) >= AUTOW_LOSS_PPM);
	if (!losing && a->lull_looks < AUTOW_LULL_LOOKS &&
	    traffic * 100 < a->revised_traffic * AUTOW_LULL_PERCENT) {
		a->lull_looks++;
		return true;
	}
	a->lull_looks = 0;
	a->revised_traffic = traffic;
	return false;
}

bool autow_update(struct autow *a, const struct autow_sample *s, uint64_t now, uint32_t *weights)
{
	uint64_t traffic = 0, sent = 0;
	bool full[WIRE_MAX_PATHS], usable[WIRE_MAX_PATHS];

	if (now < a->next_at)
		return false;
	for (unsigned i = 0; i < a->npaths; i++) {
		traffic += s[i].usable ? s[i].rate_bps : 0;
		sent += s[i].sent_bps;
	}
	/*
	 * No traffic of this end's: the peer's receive rates are its keepalives and trains.
	 * The smoothed rate a capacity train leaves passed for traffic, while the rates over
	 * the reports were a few kbit/s: idle links on 50 + 50 Mbit/s started at 60:9939.
	 */
	if (sent < AUTOW_MIN_BPS || traffic < AUTOW_MIN_BPS) {
		a->traffic_since = 0;
		a->next_at = now + AUTOW_RAMP_INTERVAL_NS;
		return false;
	}
	if (!a->traffic_since)
		a->traffic_since = now;
	a->next_at = now + (now - a->traffic_since < AUTOW_RAMP_NS ? AUTOW_RAMP_INTERVAL_NS : AUTOW_INTERVAL_NS);
	if (in_lull(a, s, traffic))
		return false;
	find_full(a, s, full);
	/* The full paths first: the others' floors are taken from their new estimates. */
	for (unsigned i = 0; i < a->npaths; i++)
		if (full[i])
			estimate(a, i, &s[i], true, false, 0);
	for (unsigned i = 0; i < a->npaths; i++) {
		bool other_full = false;

		for (unsigned j = 0; j < a->npaths; j++)
			other_full = other_full || (j != i && full[j]);
		if (carrying(&s[i]) && !full[i])
			estimate(a, i, &s[i], false, other_full, share_floor(a, i, full));
	}
	for (unsigned i = 0; i < a->npaths; i++)
		usable[i] = s[i].usable;
	to_weights(a, usable, weights);
	return true;
}

void autow_line_rate(struct autow *a, unsigned i, uint64_t bps)
{
	a->line_bps[i] = bps;
}

bool autow_seed(struct autow *a, const bool *usable, const uint64_t *train_bps, uint32_t *weights)
{
	unsigned n = 0;

	for (unsigned i = 0; i < a->npaths; i++) {
		if (a->capacity[i])
			return false; /* traffic was measured: it knows better */
		if (usable[i] && !train_bps[i])
			return false;
		n += usable[i];
	}
	if (n < 2)
		return false; /* one path's rate splits nothing */
	for (unsigned i = 0; i < a->npaths; i++)
		a->capacity[i] = usable[i] ? train_bps[i] : 0;
	to_weights(a, usable, weights);
	return true;
}
