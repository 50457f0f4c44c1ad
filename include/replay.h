/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Anti-replay sliding window over 64-bit packet counters, in the manner of RFC 6479. */
#ifndef NETAGG_REPLAY_H
#define NETAGG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The bitmap is a ring of 64-bit blocks; sliding the window clears whole blocks
 * instead of shifting bits. One block is always being reused, so the window that
 * is guaranteed is REPLAY_WINDOW = (REPLAY_BLOCKS - 1) * 64 counters behind the
 * highest accepted one: 16320, enough for the delay skew between paths at full rate.
 */
#define REPLAY_BLOCKS 256u
#define REPLAY_WINDOW ((REPLAY_BLOCKS - 1) * 64u)

struct replay {
	uint64_t top; /* highest counter accepted so far */
	bool any;     /* has anything been accepted? */
	uint64_t block[REPLAY_BLOCKS];
};

enum replay_verdict {
	REPLAY_OK,        /* new: may be accepted */
	REPLAY_DUPLICATE, /* inside the window and already seen */
	REPLAY_TOO_OLD,   /* behind the window */
};

void replay_init(struct replay *r);

/* Would counter be new? Changes nothing: call before authenticating the packet. */
enum replay_verdict replay_check(const struct replay *r, uint64_t counter);

/* Records counter as seen; call only after the packet proved authentic and replay_check said OK. */
void replay_commit(struct replay *r, uint64_t counter);

#endif
