/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths too slow to share a flow with the fastest: left out of the schedule, with hysteresis. */
#ifndef NETAGG_SLOWPATH_H
#define NETAGG_SLOWPATH_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The receiver holds every path's packets to the slowest path's one-way delay, but by
 * LINK_EQUALIZE_MAX_NS (100 ms) at most, and a reordered packet waits for its gap
 * LINK_REORDER_HOLD_MAX_NS (200 ms) at most. A path slower than that by more sends the
 * packets of every flow it shares out of order, and each flow goes at the pace its
 * slowest path's RTT allows: 20 + 20 Mbit/s, path 2's delay from 20 to 300 ms
 * mid-transfer, CUBIC went from 36-44 Mbit/s to 5, against 18 on path 1 alone (at 100 ms,
 * RTT 180 ms above path 1's: 22-28 Mbit/s; at 120 ms: 5-11 in one run, 17-22 in another;
 * at 150 ms, 11-17). Such a path is slow: it
 * leaves the schedule while another path is up, and returns when its smoothed RTT is
 * within SLOWPATH_BACK_NS of the fastest's base again. Against the fastest path's base
 * RTT, not its smoothed one: the queue a flow builds on that path came and went, and
 * the slow path left and returned with it (path 2 at 120 ms: 27 to 107 ms on path 1).
 */
/*
 * RTT above the fastest path's base that makes a path slow, and within which it is not
 * any more. Its own queue counts: at 200 ms, path 2 at 100 ms (180 above, and its queue)
 * stood by and the transfer made 17 Mbit/s, against 22-28 with it.
 */
#define SLOWPATH_LEAVE_NS (250ull * 1000000ull)
#define SLOWPATH_BACK_NS (200ull * 1000000ull)

/*
 * Updates slow[i] for the `npaths` paths. Among the candidates (candidate[i]: usable,
 * measured, and eligible for data), a path is slow while its smoothed RTT srtt_ns[i] is
 * SLOWPATH_LEAVE_NS above the lowest base RTT base_ns[] of them, until it is within
 * SLOWPATH_BACK_NS; the candidate of lowest smoothed RTT never is. A path that is no
 * candidate is not slow (it is out for another reason, or has no RTT yet). Returns the
 * set of paths whose flag changed (bit i: path i).
 */
unsigned slowpath_update(unsigned npaths, const bool *candidate, const uint64_t *srtt_ns, const uint64_t *base_ns,
			 bool *slow);

#endif
