/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-path liveness state machine with flap damping; no clock of its own. */
#include "health.h"

void health_init(struct health *h, bool peer_known, uint64_t down_after, uint64_t hold_base, uint64_t now)
{
	*h = (struct health){
		.state = peer_known ? PATH_UP : PATH_WAITING,
		.last_rx = now,
		.state_since = now,
		.down_after = down_after,
		.busy_down_after = down_after,
		.hold_base = hold_base,
		.hold = hold_base,
	};
}

void health_start_down(struct health *h, uint64_t now)
{
	h->state = PATH_DOWN;
	h->state_since = now;
	h->heard_since = 0;
	h->broken_runs = 0;
}

bool health_usable(const struct health *h)
{
	return h->state == PATH_UP || h->state == PATH_DEGRADED;
}

bool health_times_path(const struct health *h, uint64_t sent_at)
{
	return health_usable(h) && (!h->up_since || sent_at >= h->up_since);
}

static bool come_up(struct health *h, uint64_t now)
{
	if (h->state == PATH_DOWN)
		h->up_since = now;
	h->state = PATH_UP;
	h->state_since = now;
	h->heard_since = 0;
	h->lossy = false;
	return true;
}

/* Keeps the longest gap between frames over the last one to two windows. */
static void note_gap(struct health *h, uint64_t gap, uint64_t now)
{
	if (now - h->gap_window_start >= HEALTH_GAP_WINDOW_NS) {
		/* A window with nothing heard in it says nothing of the gaps before it. */
		h->gap_max_before = now - h->gap_window_start < 2 * HEALTH_GAP_WINDOW_NS ? h->gap_max : 0;
		h->gap_max = 0;
		h->gap_window_start = now;
	}
	if (gap > h->gap_max)
		h->gap_max = gap;
}

static uint64_t longest_gap(const struct health *h)
{
	return h->gap_max > h->gap_max_before ? h->gap_max : h->gap_max_before;
}

bool health_quiet(const struct health *h, uint64_t now, uint64_t min)
{
	uint64_t usual = HEALTH_QUIET_GAPS * longest_gap(h);

	return health_usable(h) && now >= h->last_rx && now - h->last_rx >= (usual > min ? usual : min);
}

uint64_t health_quiet_limit(const struct health *h, uint64_t skew)
{
	uint64_t limit = HEALTH_QUIET_GAPS * longest_gap(h);

	/* A peer that pauses everywhere resumes on the slower path skew later. */
	if (limit < h->quiet_min + skew)
		limit = h->quiet_min + skew;
	return limit < h->busy_down_after ? limit : h->busy_down_after;
}

bool health_on_rx(struct health *h, uint64_t now)
{
	/* A frame delayed in a queue may carry an older stamp than one already seen. */
	if (now < h->last_rx)
		return false;
	if (health_usable(h))
		note_gap(h, now - h->last_rx, now);
	if (h->long_gap && now - h->last_rx >= h->long_gap)
		h->long_gap_end = now;
	if (h->state == PATH_DOWN && (!h->heard_since || now - h->last_rx > h->down_after)) {
		h->broken_runs += h->heard_since != 0;
		h->heard_since = now; /* a gap: the proof starts again */
	}
	h->last_rx = now;
	if (h->state == PATH_WAITING)
		return come_up(h, now);
	if (h->state == PATH_DOWN && !h->peer_deaf && !h->lossy && now - h->heard_since >= h->hold)
		return come_up(h, now);
	return false;
}

static void damp(struct health *h, uint64_t now)
{
	h->flaps++;
	/* Only a failure soon after a return is a flap; the first one, or one after a long good run, is not. */
	if (h->up_since && now - h->up_since < HEALTH_STABLE_NS) {
		if (h->hold < h->hold_base * HEALTH_HOLD_MAX_FACTOR)
			h->hold *= 2;
	} else {
		h->hold = h->hold_base;
	}
}

static bool go_down(struct health *h, uint64_t now)
{
	damp(h, now);
	h->state = PATH_DOWN;
	h->state_since = now;
	h->heard_since = 0;
	h->broken_runs = 0;
	return true;
}

bool health_tick(struct health *h, uint64_t now, uint64_t busy_since, const struct health *other, uint64_t skew)
{
	uint64_t from = busy_since > h->last_rx ? busy_since : h->last_rx;
	uint64_t limit = busy_since ? h->busy_down_after : h->down_after;

	if (!health_usable(h))
		return false;
	/* Silence past down_after is death, busy or not: a new run of data must not restart the count. */
	if (now > h->last_rx && now - h->last_rx > h->down_after)
		return go_down(h, now);
	if (now < from)
		return false;
	/* The other path delivered all along: no pause of it ended after our last frame, and it spoke lately. */
	if (busy_since && other && h->quiet_min && other->last_rx <= now && other->long_gap_end <= h->last_rx &&
	    now - other->last_rx < other->long_gap) {
		uint64_t quiet = health_quiet_limit(h, skew);

		if (quiet < limit)
			limit = quiet;
	}
	if (now - from <= limit)
		return false;
	return go_down(h, now);
}

bool health_on_peer_report(struct health *h, uint64_t heard_ago, uint64_t now)
{
	h->peer_deaf = heard_ago > h->down_after;
	if (h->lossy && now >= heard_ago && now - heard_ago > h->lossy_since + h->down_after)
		h->lossy = false;
	if (h->peer_deaf && health_usable(h))
		return go_down(h, now);
	return false;
}

void health_on_data_sent(struct health *h, uint64_t now)
{
	h->data_sent[h->data_next] = now;
	h->data_next = (h->data_next + 1) % HEALTH_DATA_FRAMES;
}

bool health_carries_ours(const struct health *h, uint64_t now)
{
	uint64_t oldest = h->data_sent[h->data_next];

	return oldest && now >= oldest && now - oldest < HEALTH_OURS_IDLE_NS;
}

bool health_on_loss(struct health *h, uint32_t loss_ppm, bool others, uint64_t now)
{
	if (health_usable(h) && others && loss_ppm >= HEALTH_FAILING_PPM && health_carries_ours(h, now)) {
		h->lossy = true;
		h->lossy_since = now;
		return go_down(h, now);
	}
	if (h->state == PATH_UP && loss_ppm >= HEALTH_DEGRADED_PPM) {
		h->state = PATH_DEGRADED;
		h->state_since = now;
		return true;
	}
	if (h->state == PATH_DEGRADED && loss_ppm < HEALTH_RECOVERED_PPM) {
		h->state = PATH_UP;
		h->state_since = now;
		return true;
	}
	return false;
}

uint64_t health_keepalive_interval(const struct health *h, uint64_t interval, uint64_t tick, uint32_t loss_ppm,
				   uint64_t now)
{
	double loss = (double)(loss_ppm < HEALTH_FAILING_PPM ? loss_ppm : HEALTH_FAILING_PPM) / 1e6;
	double all_lost = 1.0;
	uint64_t needed = 0, ticks;

	if (!health_usable(h) || !loss_ppm || health_carries_ours(h, now) || !tick)
		return interval;
	/* The tolerance keeps 1 % to the 3 it takes, not 4 for 0.01^3 rounding above 1e-6. */
	while (all_lost > HEALTH_FALSE_DOWN_PPM / 1e6 * (1 + 1e-9)) {
		all_lost *= loss;
		needed++;
	}
	/* `needed` keepalives strictly within down_after: spaced under down_after / needed, the
	 * configured interval as the ticks round it up at most (90 ms goes out every 100). */
	if ((interval + tick - 1) / tick * tick * needed < h->down_after)
		return interval;
	ticks = (h->down_after - 1) / (tick * needed);
	return ticks ? ticks * tick : tick;
}

const char *health_state_name(enum path_state s)
{
	switch (s) {
	case PATH_WAITING:
		return "waiting";
	case PATH_UP:
		return "up";
	case PATH_DEGRADED:
		return "degraded";
	case PATH_DOWN:
		return "down";
	}
	return "unknown";
}
