/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Equalises the paths' delays: a packet from a faster path waits out the difference before it is delivered. */
#ifndef NETAGG_DELAYLINE_H
#define NETAGG_DELAYLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * Packets of one flow sent over paths of different delays arrive out of order; the
 * reorder buffer restores the order, but then some packets of a flow reach TCP after
 * the fast path's delay and others after the slow path's, and a sender that paces by
 * the lowest RTT it sees (BBR) keeps too little in flight. The delay line makes every
 * path look as slow as the slowest in use: each path has a FIFO, and a packet leaves it
 * `extra[path]` after it arrived (never before the packet ahead of it, so a FIFO stays
 * in order when extra shrinks). A packet that needs no wait and finds its FIFO empty
 * goes straight through, uncopied.
 *
 * Memory is one pool of nslots slots of slot_size bytes, allocated at init. A packet
 * that finds the pool full, or is longer than a slot, is delivered at once (counted).
 * Times are nanoseconds of the caller's monotonic clock.
 */
/* tag: the caller's word about the packet, handed back with it (the flow sequence number). */
typedef void (*delayline_deliver_fn)(void *ctx, unsigned path, uint64_t tag, const uint8_t *pkt, size_t len);

struct delayline_slot;

struct delayline_fifo {
	uint32_t head, tail; /* slot indices; DELAYLINE_NONE when empty */
	uint64_t last_release;
};

struct delayline {
	size_t slot_size;
	uint32_t nslots;
	uint8_t *data;
	struct delayline_slot *slot;
	uint32_t free_head;
	uint64_t extra[WIRE_MAX_PATHS];
	struct delayline_fifo fifo[WIRE_MAX_PATHS];
	uint64_t delayed, overflow; /* packets that waited; packets the full pool let through */
};

#define DELAYLINE_NONE UINT32_MAX

bool delayline_init(struct delayline *d, size_t slot_size, unsigned nslots);
void delayline_free(struct delayline *d);

/* How long packets from `path` wait from now on (0: not at all). */
void delayline_set_extra(struct delayline *d, unsigned path, uint64_t extra_ns);

/*
 * A packet arrived on `path` at now: delivered now, or copied to wait its turn: its
 * path's extra, or at_least_ns if that is longer (the caller's floor for this packet).
 */
void delayline_push(struct delayline *d, unsigned path, uint64_t tag, const uint8_t *pkt, size_t len, uint64_t now,
		    uint64_t at_least_ns, delayline_deliver_fn deliver, void *ctx);

/* Delivers every packet whose time has come, each FIFO in order. */
void delayline_tick(struct delayline *d, uint64_t now, delayline_deliver_fn deliver, void *ctx);

/* The tag of the packet first in path's FIFO; false when none waits there. */
bool delayline_head(const struct delayline *d, unsigned path, uint64_t *tag);

/* The earliest time a waiting packet is due, or UINT64_MAX when none waits. */
uint64_t delayline_next(const struct delayline *d);

#endif
