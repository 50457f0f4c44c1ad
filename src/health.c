/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-path liveness state machine; no clock of its own. */
#include "health.h"

void health_init(struct health *h, bool peer_known, uint64_t down_after, uint64_t now)
{
	h->state = peer_known ? PATH_UP : PATH_WAITING;
	h->last_rx = now;
	h->down_after = down_after;
}

bool health_on_rx(struct health *h, uint64_t now)
{
	bool changed = h->state != PATH_UP;

	/* A frame delayed in a queue may carry an older stamp than one already seen. */
	if (now > h->last_rx)
		h->last_rx = now;
	h->state = PATH_UP;
	return changed;
}

bool health_tick(struct health *h, uint64_t now)
{
	if (h->state != PATH_UP || now < h->last_rx || now - h->last_rx <= h->down_after)
		return false;
	h->state = PATH_DOWN;
	return true;
}

const char *health_state_name(enum path_state s)
{
	switch (s) {
	case PATH_WAITING:
		return "waiting";
	case PATH_UP:
		return "up";
	case PATH_DOWN:
		return "down";
	}
	return "unknown";
}
