/* SPDX-License-Identifier: GPL-2.0-or-later */
/* After a path fails, holds each path left to the rate it delivered, dropping new data before retransmissions. */
#ifndef NETAGG_POLICE_H
#define NETAGG_POLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "wire.h"

/*
 * When a path fails, its share of the traffic moves to the paths left. A sender that
 * paces by the bond's rate (BBR) keeps sending at it for a second or more: the queue of
 * a path left overflows, and it drops the inner flows' retransmissions along with new
 * data, so their holes wait round after round (a bulk BBR transfer stalled 0.25-0.53 s
 * after a cut). Meanwhile this end knows what such a path delivers. Policing it at that
 * rate keeps its queue from overflowing; what must go goes here, new data first: a TCP
 * segment that starts below the highest sequence number sent in its flow bucket (a
 * retransmission) always passes, and spends the path's tokens like the rest.
 *
 * All integer, no clock of its own: times are the caller's monotonic nanoseconds.
 */
struct police {
	bool on[WIRE_MAX_PATHS];
	uint64_t rate[WIRE_MAX_PATHS]; /* bytes per second */
	int64_t tokens[WIRE_MAX_PATHS];
	uint64_t last[WIRE_MAX_PATHS];
	uint64_t last_drop[WIRE_MAX_PATHS]; /* or when enforcing began: POLICE_CALM_NS after it, back to trials */
	bool enforcing[WIRE_MAX_PATHS];     /* a trial found the senders overloading the path */
	uint64_t trial_end[WIRE_MAX_PATHS], offered[WIRE_MAX_PATHS];
	uint64_t until; /* the policing ends then */
	/* The end of the highest TCP segment sent per flow bucket; bit set once one was seen. */
	uint32_t high_seq[FLOW_BUCKETS];
	uint8_t have_seq[FLOW_BUCKETS / 8];
	uint64_t dropped, resent_passed;
};

/*
 * Trials first: nothing is dropped, and the path is policed only once more than
 * POLICE_OVERLOAD_PERCENT of its rate was offered in a trial of POLICE_TRIAL_NS (one
 * after the other until the window ends: a sender that waited for its losses to be
 * found may flood later). A pacing sender that keeps the bond's old rate (BBR) offers
 * about the sum of the paths' rates; an ACK-clocked one (CUBIC), whose acknowledgements
 * now come at the rate of the paths left, and which has already cut its window for the
 * failed path's losses, offers less: dropping its data here would cost it more than the
 * path's own queue does.
 */
#define POLICE_TRIAL_NS (50ull * 1000000ull)
#define POLICE_OVERLOAD_PERCENT 125
/* Tokens saved up at most: 50 ms of the rate, a queue's worth for the flows that keep to it. */
#define POLICE_BURST_NS (50ull * 1000000ull)
/* A policed path that had nothing to drop this long goes back to trials: its senders keep to
 * its rate now (BBR once it measured the lower rate). */
#define POLICE_CALM_NS (200ull * 1000000ull)

void police_init(struct police *p);

/* Watches `path` against rate_bps (datagram bits per second, > 0) from now until `until`: trials, then policing. */
void police_start(struct police *p, unsigned path, uint64_t rate_bps, uint64_t now, uint64_t until);

/* Ends all policing (the failed path is back). */
void police_stop(struct police *p);

/* Is any path policed at `now`? */
bool police_active(const struct police *p, uint64_t now);

/*
 * Is pkt[0..len), an inner IPv4 or IPv6 packet of flow bucket `bucket`, a TCP segment
 * with data that starts below the highest sequence number sent in that bucket? Keeps
 * that number: call it for every inner packet sent. IPv6 extension headers, fragments
 * and non-TCP packets are not retransmissions.
 */
bool police_tcp_resent(struct police *p, unsigned bucket, const uint8_t *pkt, size_t len);

/* May a frame of `bytes` go on `path` at `now`? False: drop it (counted). Runs the trials, and
 * ends all policing at the window's end. */
bool police_pass(struct police *p, unsigned path, size_t bytes, bool resent, uint64_t now);

#endif
