/* SPDX-License-Identifier: GPL-2.0-or-later */
/* weights = "auto": each path's weight follows its measured capacity, so queues stay short. */
#ifndef NETAGG_AUTOW_H
#define NETAGG_AUTOW_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define AUTOW_INTERVAL_NS (250ull * 1000000ull) /* how often weights are revised */
/*
 * ... and how often in the first AUTOW_RAMP_NS of traffic, and while there is none. A
 * sender's start-up (BBR's) takes the rate the split lets through for the link's: one
 * that fills the wrong path first stops growing a few round trips later, and the split
 * must change before that. On 50 + 50 Mbit/s from 1:3, path 2 filled about 0.3 s into a
 * transfer, and a revision on the 250 ms grid came 0-250 ms after.
 */
#define AUTOW_RAMP_INTERVAL_NS (100ull * 1000000ull)
#define AUTOW_RAMP_NS (1000ull * 1000000ull)
#define AUTOW_SCALE 10000u                      /* weights sum to about this */
#define AUTOW_QUEUE_MIN_NS (5ull * 1000000ull)  /* queueing delay that means a path is full ... */
#define AUTOW_QUEUE_FRACTION 4                  /* ... or a quarter of its base RTT, if more */
#define AUTOW_REL_QUEUE_NS (2ull * 1000000ull)   /* or a queue this long and twice as long plus this much */
						 /* as the least queued other path's: a short-queue sender (BBR) */
#define AUTOW_STANDING_NS (2ull * 1000000ull)   /* a standing queue that means a path never idled, */
#define AUTOW_FRAME_BITS (1500u * 8u)           /* beyond the transmission of a frame this large */
#define AUTOW_LOSS_PPM 20000                    /* loss that means a path is full (2 %), */
						 /* decayed and over the revision's reports */
#define AUTOW_GROWTH_PERCENT 10                 /* a path with room gets this much more each revision, */
#define AUTOW_GROWTH_STEPS 3                    /* ... up to 3 times as much in a run of revisions with room
						 * while another path was full */
#define AUTOW_HOLD_REVISIONS 4                  /* a path full this recently has room only to grow into */
#define AUTOW_MIN_BPS 64000                     /* below this the link is idle: weights stay */
#define AUTOW_HEADROOM 4                        /* an estimate stays within 4x what the path delivers */
#define AUTOW_LULL_PERCENT 75                   /* traffic under this share of the last revision's is */
#define AUTOW_LULL_LOOKS 3                      /* a lull of the sender's, sat out for up to 3 revisions */

/* What the probes tell about one path at a revision. */
struct autow_sample {
	bool usable;       /* up or degraded, and measured */
	uint64_t rate_bps; /* the peer's receive rate on the path */
	uint64_t srtt_ns, min_rtt_ns, rttvar_ns;
	bool have_queue;   /* the peer reported the path's standing queue since the last revision: */
	uint64_t queue_ns; /* the least it reported (probe_on_delay), */
	uint64_t queue_rate_bps; /* and the rate it received at over the same reports (0: unknown) */
	bool have_queue_loss;
	uint32_t queue_loss_ppm; /* and the loss over them */
	uint32_t loss_ppm;       /* decayed over about 8 reports */
	/*
	 * The inner bytes this end sent on the path since the last revision, bits per
	 * second: the traffic the weights are for. Keepalives and capacity trains are none,
	 * though the peer's receive rate counts them.
	 */
	uint64_t sent_bps;
};

/*
 * A path's queueing delay as its probes show it, for comparing paths: its smoothed RTT
 * above its base, less its RTT variation, because jitter (an LTE scheduler's) raises
 * the mean by itself.
 */
uint64_t autow_queue_ns(uint64_t srtt_ns, uint64_t min_rtt_ns, uint64_t rttvar_ns);

/*
 * The path's standing queue as the peer reported it, less a frame's own transmission
 * at the path's rate: the frame that finds an idle path still waits that long.
 */
uint64_t autow_standing_ns(const struct autow_sample *s);

/* The queueing delay that means a path is full: AUTOW_QUEUE_MIN_NS or a quarter of its base RTT, whichever is more. */
uint64_t autow_queue_full_ns(uint64_t min_rtt_ns);

/*
 * Is the path's smoothed RTT so far above its base that it must be queueing, by
 * autow_queue_full_ns? (The variation is not taken off here: a loss-based sender's
 * queue swings widely, and that is a queue.)
 */
bool autow_queue_long(uint64_t srtt_ns, uint64_t min_rtt_ns);

/*
 * Capacity estimates per path, bits per second. A full path (a standing queue of
 * AUTOW_STANDING_NS beyond a frame's transmission, see autow_standing_ns, or without
 * the peer's reports of it a long queue, see autow_queue_long; or a queue of
 * AUTOW_REL_QUEUE_NS that is more than twice that plus AUTOW_REL_QUEUE_NS longer than
 * every other carrying path's, the mark a sender that keeps queues short leaves on the
 * path that holds it back; or losing AUTOW_LOSS_PPM) is worth what it delivered over
 * the revision's reports; a path with room is worth a little more than it delivers or
 * was estimated at, so its share grows until it fills, except that a path full within
 * the last AUTOW_HOLD_REVISIONS grows only with what it delivers. A path never found
 * full claims the room up to its line rate (autow_line_rate) at once while another is
 * full. The configured weights give the split until the paths have carried traffic.
 */
struct autow {
	unsigned npaths;
	uint32_t configured[WIRE_MAX_PATHS];
	uint64_t capacity[WIRE_MAX_PATHS]; /* 0: not estimated yet */
	uint64_t line_bps[WIRE_MAX_PATHS]; /* the rate its capacity train crossed at (0: none) */
	bool was_full[WIRE_MAX_PATHS];     /* found full at a revision: its capacity is measured */
	unsigned streak[WIRE_MAX_PATHS];   /* revisions in a row with room while another path was full */
	unsigned since_full[WIRE_MAX_PATHS]; /* revisions since the path was last full (AUTOW_HOLD_REVISIONS: long ago) */
	uint32_t weight[WIRE_MAX_PATHS];   /* as last handed out (the configured ones at first); 0 while
					    * the path was not usable and had its configured weight */
	uint64_t next_at;                  /* ns: the next revision */
	uint64_t traffic_since;            /* ns: when the traffic began (0: none at the last revision) */
	uint64_t revised_traffic;          /* bps over all usable paths at the last revision */
	unsigned lull_looks;               /* revisions sat out in a row since */
};

void autow_init(struct autow *a, unsigned npaths, const uint32_t *configured, uint64_t now);

/* Is a revision due? (The samples' queues are taken since the last one.) */
bool autow_due(const struct autow *a, uint64_t now);

/*
 * Revises the weights when due and this end sends traffic (AUTOW_MIN_BPS, received as
 * well as sent); returns true and fills weights (1 .. SCHED_MAX_WEIGHT each) when they
 * should change. While the traffic is
 * under AUTOW_LULL_PERCENT of the last revision's and no path loses AUTOW_LOSS_PPM,
 * the sender has slowed down, not the paths: up to AUTOW_LULL_LOOKS revisions are sat out.
 */
bool autow_update(struct autow *a, const struct autow_sample *s, uint64_t now, uint32_t *weights);

/*
 * Before any traffic was measured, the usable paths' capacity trains (train.h), once
 * every one of them (two at least) has a rate: the estimates start from those rates
 * instead of the configured weights. Returns true and fills weights when they do; false
 * while a rate is missing, and for good once traffic was measured.
 */
bool autow_seed(struct autow *a, const bool *usable, const uint64_t *train_bps, uint32_t *weights);

/*
 * Path i's capacity train crossed at bps (its line rate, as a train measures it). Whatever
 * the start, a revision that finds the path with room while another path is full gives
 * it up to that at once, until the path is found full itself; from then on what it
 * delivers tells its capacity, and a train that read a shaper's burst as the rate (more
 * than the path carries) costs that one revision.
 */
void autow_line_rate(struct autow *a, unsigned i, uint64_t bps);

#endif
