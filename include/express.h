/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bare TCP acknowledgements: which path carries them ahead of the bond's delay equalisation. */
#ifndef NETAGG_EXPRESS_H
#define NETAGG_EXPRESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The receiver makes every path as slow as the slowest (delayline.h), so that the
 * packets of a flow split over the paths arrive in order. A bare acknowledgement
 * (tcpseg_pure_ack) needs no such order: TCP takes acknowledgements in any order, an
 * older one is simply ignored. Sent on one path, the one of lowest RTT, and delivered
 * on arrival, it spares the inner TCP the slow path's delay on the way back: its RTT
 * is the slow path's one way plus the fast path's other way, not twice the slow
 * path's. A higher RTT slows every slow start and every loss recovery.
 */
#define EXPRESS_MARGIN_MIN_NS 1000000ull /* see express_path */

/*
 * The path for the next bare acknowledgement: of the `npaths` paths, those with
 * candidate[i] set, the one of lowest smoothed RTT srtt_ns[i]. The path taken last
 * (`current`, -1 for none) keeps them unless another's RTT is lower by an eighth of
 * its own, at least EXPRESS_MARGIN_MIN_NS: two paths of about the same RTT would
 * otherwise trade them with every probe. Acknowledgements add to the path they take,
 * and when that queues it up, its RTT rises and they move. -1 when no path is a
 * candidate.
 */
int express_path(unsigned npaths, const bool *candidate, const uint64_t *srtt_ns, int current);

#endif
