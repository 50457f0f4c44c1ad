/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One log line per quiet interval for a state that may flap (a slow path that leaves
 * and returns with its own queue): the changes between lines are counted, and the
 * state last said is kept, so a line can catch the log up once the interval is over.
 */
#ifndef NETAGG_LOGLIMIT_H
#define NETAGG_LOGLIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct loglimit {
	bool said;        /* a line went */
	uint64_t said_at; /* ns: when */
	bool state;       /* the state it told */
	unsigned held;    /* changes since, not told */
};

/*
 * The state changed to `state` at now: true when a line may tell it (none went for
 * quiet_ns), and the caller then logs it with *held, the changes left untold before
 * it; false when it is held.
 */
bool loglimit_change(struct loglimit *g, bool state, uint64_t now, uint64_t quiet_ns, unsigned *held);

/*
 * At a tick: true when the state is not what the last line told and the interval is
 * over, so a line should tell it now (with *held as above).
 */
bool loglimit_catch_up(struct loglimit *g, bool state, uint64_t now, uint64_t quiet_ns, unsigned *held);

#endif
