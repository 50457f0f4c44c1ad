/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sliding-window replay detection with a ring of bit blocks (RFC 6479). */
#include "replay.h"

#include <string.h>

void replay_init(struct replay *r)
{
	memset(r, 0, sizeof(*r));
}

static uint64_t bit_of(uint64_t counter)
{
	return 1ull << (counter & 63);
}

static uint64_t *block_of(struct replay *r, uint64_t counter)
{
	return &r->block[(counter >> 6) % REPLAY_BLOCKS];
}

enum replay_verdict replay_check(const struct replay *r, uint64_t counter)
{
	if (!r->any || counter > r->top)
		return REPLAY_OK;
	if (r->top - counter >= REPLAY_WINDOW)
		return REPLAY_TOO_OLD;
	if (r->block[(counter >> 6) % REPLAY_BLOCKS] & bit_of(counter))
		return REPLAY_DUPLICATE;
	return REPLAY_OK;
}

void replay_commit(struct replay *r, uint64_t counter)
{
	if (!r->any) {
		r->any = true;
		r->top = counter;
	} else if (counter > r->top) {
		uint64_t old_block = r->top >> 6, advance = (counter >> 6) - old_block;

		/* The blocks the window slides onto still hold counters from a lap ago: clear them. */
		if (advance > REPLAY_BLOCKS)
			advance = REPLAY_BLOCKS;
		for (uint64_t i = 1; i <= advance; i++)
			r->block[(old_block + i) % REPLAY_BLOCKS] = 0;
		r->top = counter;
	}
	*block_of(r, counter) |= bit_of(counter);
}
