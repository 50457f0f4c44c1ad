/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The range of a path's recent one-way delays: did a frame come at the top of it? */
#ifndef NETAGG_OWDSPAN_H
#define NETAGG_OWDSPAN_H

#include <stdbool.h>
#include <stdint.h>

#define OWDSPAN_BUCKET_NS (2ull * 1000000000ull) /* the range covers the last 2-4 s */
#define OWDSPAN_TOP_FRACTION 4                   /* the top is the highest quarter of the range, */
#define OWDSPAN_TOP_MIN_US 1000                  /* or the highest 1 ms if the range is narrower */
#define OWDSPAN_CLOCK_JUMP_US 10000000           /* a delay 10 s outside the range: a new clock, a new range */

/*
 * A path's one-way delays in us, as the receiver's stamp minus the sender's: the clocks'
 * offset is in every value, so only differences mean anything, and the values wrap.
 * The lowest and highest of the current bucket and of the one before it.
 */
struct owdspan {
	bool have;
	bool have_prev;
	uint64_t bucket_at;    /* ns: when the current bucket began */
	uint32_t lo[2], hi[2]; /* [0]: the current bucket, [1]: the one before */
};

/*
 * A fresh frame (not a resend: its stamp is old) came at now with this delay. One more
 * than OWDSPAN_CLOCK_JUMP_US above or below the range starts it over: the peer's clock
 * changed (its host rebooted), and the old values no longer compare with the new.
 */
void owdspan_note(struct owdspan *s, uint32_t owd_us, uint64_t now);

/* The same with buckets of bucket_ns, for a range over a longer time (one span, one length). */
void owdspan_note_every(struct owdspan *s, uint32_t owd_us, uint64_t now, uint64_t bucket_ns);

/*
 * Was a frame that came with this delay (noted already) at the top of the range? A
 * frame that a full queue admitted just after it overflowed waited about as long as
 * that queue holds, the longest the path has shown lately; a frame after a random loss
 * waited whatever the queue held then. True with nothing noted.
 */
bool owdspan_at_top(const struct owdspan *s, uint32_t owd_us);

/* How much longer (us) a frame with this delay took than the quickest in the range; 0 with nothing noted. */
uint32_t owdspan_above_low(const struct owdspan *s, uint32_t owd_us);

#endif
