/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One log line per quiet interval for a flapping state; no I/O. */
#include "loglimit.h"

static bool may_say(const struct loglimit *g, uint64_t now, uint64_t quiet_ns)
{
	return !g->said || now - g->said_at >= quiet_ns;
}

static bool say(struct loglimit *g, bool state, uint64_t now, unsigned *held)
{
	*held = g->held;
	*g = (struct loglimit){ .said = true, .said_at = now, .state = state };
	return true;
}

bool loglimit_change(struct loglimit *g, bool state, uint64_t now, uint64_t quiet_ns, unsigned *held)
{
	if (may_say(g, now, quiet_ns))
		return say(g, state, now, held);
	g->held++;
	return false;
}

bool loglimit_catch_up(struct loglimit *g, bool state, uint64_t now, uint64_t quiet_ns, unsigned *held)
{
	if (!g->said || state == g->state || !may_say(g, now, quiet_ns))
		return false;
	/* This line tells the last of the held changes: it is no longer held. */
	g->held = g->held ? g->held - 1 : 0;
	return say(g, state, now, held);
}
