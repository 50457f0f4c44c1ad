/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Weighted path scheduler: splits bytes between the up paths in the ratio of their weights. */
#ifndef NETAGG_SCHED_H
#define NETAGG_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define SCHED_MAX_WEIGHT 65535u

/*
 * Smooth weighted round robin over bytes. Each up path i holds a credit; a
 * packet of `bytes` adds w_i * bytes to every up path's credit and takes
 * W * bytes (W = sum of up weights) from the path it is sent on. Credits
 * always sum to zero and each stays within W * largest packet, so every path's
 * byte count trails its exact share by less than one largest packet, at any
 * moment, with no bursts. All integer, deterministic, no clock.
 */
struct sched {
	unsigned npaths;
	uint32_t weight[WIRE_MAX_PATHS];
	bool up[WIRE_MAX_PATHS];
	int64_t credit[WIRE_MAX_PATHS];
};

/* All paths start down. Weights must be 1..SCHED_MAX_WEIGHT; npaths 1..WIRE_MAX_PATHS. */
void sched_init(struct sched *s, unsigned npaths, const uint32_t *weights);

/* Marks a path usable or not; the credits restart so no path gets a burst. */
void sched_set_up(struct sched *s, unsigned path, bool up);

/* Changes a path's weight (1..SCHED_MAX_WEIGHT); credits restart. */
void sched_set_weight(struct sched *s, unsigned path, uint32_t weight);

/* Picks the path for a packet of `bytes`; -1 when no path is up. Ties go to the lowest index. */
int sched_pick(struct sched *s, uint32_t bytes);

/*
 * Counts a packet of `bytes` that went on `path` outside the schedule (an express frame) as
 * if it had been picked there, so that the paths' byte shares hold with it. A path that
 * owes more than SCHED_DEBT_MAX bytes of its share (it carried that much more outside the
 * schedule than its weight gives it) restarts the credits: the debt is forgiven, so that
 * when that traffic stops the path is not left out of the schedule for long.
 */
#define SCHED_DEBT_MAX 65536
void sched_charge(struct sched *s, unsigned path, uint32_t bytes);

#endif
