/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sender's copies of its recently sent data frames, for resending what the peer reports lost. */
#ifndef NETAGG_RESEND_H
#define NETAGG_RESEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * Each path keeps a ring of its last `depth` data frames' plaintext, indexed by the
 * frame's path sequence number. The peer names lost frames by (path, path_seq) in a
 * NACK; resend_take finds such a frame if it is still in the ring, not older than the
 * age limit and not taken before, and hands it out once. A slot holds only what the
 * receiver needs to put the packet back in its place: the flow sequence number and
 * the original stamp, and the inner packet.
 *
 * Resends are bounded by a byte budget so that a lossy path cannot double the load on
 * the others, nor a peer make this end send more than it was sent: every data byte
 * sent earns RESEND_BUDGET_SHARE of a byte of credit, up to RESEND_BUDGET_MAX; a
 * resend spends its length. The budget starts at RESEND_BUDGET_START.
 *
 * Memory is npaths * depth slots of slot_size bytes, allocated and touched by
 * resend_init; nothing is allocated afterwards. Times are ns, monotonic.
 */
#define RESEND_DEPTH 1024              /* frames per path: 120 ms of 1500-byte frames at 100 Mbit/s */
#define RESEND_DEPTH_MAX 65536u
#define RESEND_BUDGET_SHARE 8          /* credit: one byte per 8 sent (12.5 %) */
#define RESEND_BUDGET_MAX (256u * 1024u) /* bytes of credit at most: a burst of ~180 frames */
#define RESEND_BUDGET_START (16u * 1024u) /* credit to begin with: a loss among the first frames is repaired too */

struct resend_slot; /* private */

struct resend_counters {
	uint64_t resent;    /* frames handed out for resending */
	uint64_t missed;    /* asked for but gone: overwritten, too old, never a data frame */
	uint64_t repeated;  /* asked for again after they were resent */
	uint64_t budget;    /* refused because the budget was spent */
	uint64_t outage;    /* of those resent, frames of a path that fell silent (unmetered) */
};

struct resend {
	unsigned npaths, depth;
	size_t slot_size;
	uint8_t *data;
	struct resend_slot *slot; /* npaths * depth */
	uint64_t credit;
	struct resend_counters count;
};

/* What resend_take hands out: valid until the next resend_keep on the same path. */
struct resend_frame {
	uint16_t flow_seq;
	uint32_t stamp_us;
	const uint8_t *pkt;
	size_t len;
};

/* Allocates npaths (1..WIRE_MAX_PATHS) rings of depth (1..RESEND_DEPTH_MAX) slots of slot_size bytes. */
bool resend_init(struct resend *r, unsigned npaths, unsigned depth, size_t slot_size);
void resend_free(struct resend *r);

/* Keeps a copy of the data frame just sent on path with path_seq; packets longer than slot_size are not kept. */
void resend_keep(struct resend *r, unsigned path, uint32_t path_seq, uint16_t flow_seq, uint32_t stamp_us,
		 const uint8_t *pkt, size_t len, uint64_t now);

/*
 * The frame sent on path with path_seq, if it is kept, was sent at most max_age ns
 * before now, was not handed out before and the budget covers it (which it then
 * spends); false otherwise (counted).
 */
bool resend_take(struct resend *r, unsigned path, uint32_t path_seq, uint64_t now, uint64_t max_age,
		 struct resend_frame *out);

/*
 * The same for the frames of a path that fell silent (the peer's outage entry): not
 * metered by the budget, which is sized for scattered losses, not for everything a
 * path carried while its failure went unnoticed. Each frame is still handed out once,
 * so a peer cannot make this end send more than it sent.
 */
bool resend_take_lost_path(struct resend *r, unsigned path, uint32_t path_seq, uint64_t now, uint64_t max_age,
			   struct resend_frame *out);

/*
 * Where to start resending the frames of a path the peer heard nothing on from
 * path_seq `first` on, up to (excluding) `end`, the next number to be sent on it:
 * `first`, but no earlier than the oldest number the ring can still hold, nor than
 * `done` (when `have_done`: what an earlier outage entry was served up to). Returns
 * `end` when there is nothing to look at. Wrap-around: numbers compare modulo 2^32.
 */
uint32_t resend_lost_start(const struct resend *r, uint32_t first, uint32_t end, uint32_t done, bool have_done);

/* Forgets every kept frame (a new session: the peer's reorder state starts afresh); the budget and counters stay. */
void resend_clear(struct resend *r);

#endif
