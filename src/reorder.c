/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-flow reorder buffer over a fixed pool of packet slots, releasing in sequence order. */
#include "reorder.h"

#include <stdlib.h>
#include <string.h>

#include "pool.h"

/*
 * A held packet sits on two doubly linked lists: its bucket's, in sequence order, and
 * one across all buckets in arrival order. The first lets a gap that fills release
 * its run in O(run); the second makes the earliest deadline the list's head, since
 * every deadline is arrival + the same hold.
 */
struct reorder_slot {
	uint64_t arrival;
	uint32_t prev, next;   /* in the bucket, by sequence; next also links the free list */
	uint32_t older, newer; /* across buckets, by arrival */
	uint32_t bucket;
	uint32_t len;
	uint32_t stamp; /* the sender's, microseconds modulo 2^32 */
	uint16_t seq;
};

/* seq - ref modulo 2^16, as the nearer of the two ways round: [-32768, 32767]. */
static int seq_dist(uint16_t seq, uint16_t ref)
{
	uint16_t d = (uint16_t)(seq - ref);

	return d < 0x8000 ? (int)d : (int)d - 0x10000;
}

#define DELIVERED_WORDS (REORDER_WINDOW / 64) /* per bucket */

/*
 * Bit seq % REORDER_WINDOW of a bucket's words says whether seq was delivered, for the
 * REORDER_WINDOW sequence numbers before `expected`: each bit is set or cleared as
 * `expected` passes it, so a bit never speaks for an older lap of the counter.
 */
static uint64_t *delivered_words(const struct reorder *r, const struct reorder_bucket *b)
{
	return r->delivered + (size_t)(b - r->bucket) * DELIVERED_WORDS;
}

static bool was_delivered(const struct reorder *r, const struct reorder_bucket *b, uint16_t seq)
{
	unsigned k = seq % REORDER_WINDOW;

	return delivered_words(r, b)[k / 64] >> (k % 64) & 1;
}

/* Marks seq delivered or not; a delivery also moves the bucket's newest stamp on. */
static void note_delivered(struct reorder *r, struct reorder_bucket *b, uint16_t seq, bool delivered, uint32_t stamp)
{
	unsigned k = seq % REORDER_WINDOW;
	uint64_t *w = &delivered_words(r, b)[k / 64];

	*w = delivered ? *w | 1ull << (k % 64) : *w & ~(1ull << (k % 64));
	if (delivered && (int32_t)(stamp - b->newest_stamp) > 0)
		b->newest_stamp = stamp;
}

static void forget_delivered(struct reorder *r, const struct reorder_bucket *b)
{
	memset(delivered_words(r, b), 0, DELIVERED_WORDS * sizeof(uint64_t));
}

/* Moves the bucket's expected sequence number on to `to` past packets that never came. */
static void pass_missing(struct reorder *r, struct reorder_bucket *b, uint16_t to)
{
	if ((uint16_t)(to - b->expected) >= REORDER_WINDOW)
		forget_delivered(r, b);
	else
		for (uint16_t s = b->expected; s != to; s++)
			note_delivered(r, b, s, false, 0);
	b->expected = to;
}

static uint8_t *slot_data(const struct reorder *r, uint32_t i)
{
	return r->data + (size_t)i * r->slot_size;
}

static uint64_t slot_deadline(const struct reorder *r, uint32_t i)
{
	uint64_t a = r->slot[i].arrival;

	return a > UINT64_MAX - r->hold ? UINT64_MAX : a + r->hold;
}

static void pool_clear(struct reorder *r)
{
	for (uint32_t i = 0; i < r->nslots; i++)
		r->slot[i].next = i + 1 < r->nslots ? i + 1 : REORDER_NONE;
	r->free_head = 0;
	r->oldest = r->newest = REORDER_NONE;
	r->nheld = 0;
	for (unsigned b = 0; b < REORDER_BUCKETS; b++) {
		memset(&r->bucket[b], 0, sizeof(r->bucket[b]));
		r->bucket[b].head = r->bucket[b].tail = REORDER_NONE;
	}
	memset(r->delivered, 0, REORDER_BUCKETS * DELIVERED_WORDS * sizeof(uint64_t));
}

bool reorder_init(struct reorder *r, size_t slot_size, unsigned nslots)
{
	memset(r, 0, sizeof(*r));
	if (slot_size == 0 || slot_size > UINT32_MAX || nslots == 0 || nslots > REORDER_SLOTS_MAX)
		return false;
	r->data = malloc(slot_size * nslots);
	r->slot = pool_calloc(nslots, sizeof(*r->slot));
	r->delivered = pool_calloc(REORDER_BUCKETS * DELIVERED_WORDS, sizeof(uint64_t));
	if (!r->data || !r->slot || !r->delivered) {
		reorder_free(r);
		return false;
	}
	/* Touched now, so the memory is there when the pool fills and the footprint stays flat. */
	memset(r->data, 0xa5, slot_size * nslots); /* not 0: malloc+memset(0) may become a lazy calloc */
	r->slot_size = slot_size;
	r->nslots = nslots;
	pool_clear(r);
	return true;
}

void reorder_free(struct reorder *r)
{
	free(r->data);
	free(r->slot);
	free(r->delivered);
	memset(r, 0, sizeof(*r));
}

void reorder_set_hold(struct reorder *r, uint64_t hold_ns)
{
	r->hold = hold_ns;
}

uint64_t reorder_next_deadline(const struct reorder *r)
{
	return r->oldest == REORDER_NONE ? UINT64_MAX : slot_deadline(r, r->oldest);
}

void reorder_reset(struct reorder *r)
{
	pool_clear(r);
}

/* Takes slot i off both lists and returns it to the free list. */
static void slot_release(struct reorder *r, uint32_t i)
{
	struct reorder_slot *s = &r->slot[i];
	struct reorder_bucket *b = &r->bucket[s->bucket];

	if (s->prev != REORDER_NONE)
		r->slot[s->prev].next = s->next;
	else
		b->head = s->next;
	if (s->next != REORDER_NONE)
		r->slot[s->next].prev = s->prev;
	else
		b->tail = s->prev;
	if (s->older != REORDER_NONE)
		r->slot[s->older].newer = s->newer;
	else
		r->oldest = s->newer;
	if (s->newer != REORDER_NONE)
		r->slot[s->newer].older = s->older;
	else
		r->newest = s->older;
	s->next = r->free_head;
	r->free_head = i;
	r->nheld--;
}

/* Copies a packet into a free slot placed after slot `after` (REORDER_NONE: first) in its bucket. */
static void slot_hold(struct reorder *r, struct reorder_bucket *b, uint32_t after, uint16_t seq, const uint8_t *pkt,
		      size_t len, uint64_t now)
{
	uint32_t i = r->free_head;
	struct reorder_slot *s = &r->slot[i];

	r->free_head = s->next;
	memcpy(slot_data(r, i), pkt, len);
	s->arrival = now;
	s->stamp = r->pushing_stamp;
	s->seq = seq;
	s->len = (uint32_t)len;
	s->bucket = (uint32_t)(b - r->bucket);
	s->prev = after;
	s->next = after == REORDER_NONE ? b->head : r->slot[after].next;
	if (s->prev != REORDER_NONE)
		r->slot[s->prev].next = i;
	else
		b->head = i;
	if (s->next != REORDER_NONE)
		r->slot[s->next].prev = i;
	else
		b->tail = i;
	s->older = r->newest;
	s->newer = REORDER_NONE;
	if (r->newest != REORDER_NONE)
		r->slot[r->newest].newer = i;
	else
		r->oldest = i;
	r->newest = i;
	r->nheld++;
	r->count.held++;
}

/*
 * Where seq goes among the bucket's held packets: *after is the slot it follows
 * (REORDER_NONE: first). False when seq is held already. The search starts at the
 * tail because the faster path's packets arrive in order and append there, while the
 * slower path's mostly fill the head gap and are never held at all.
 */
static bool place_of(const struct reorder *r, const struct reorder_bucket *b, uint16_t seq, uint32_t *after)
{
	uint16_t off = (uint16_t)(seq - b->expected);
	uint32_t i = b->tail;

	/* Every held offset is in 1..REORDER_WINDOW-1, so plain unsigned order is sequence order. */
	while (i != REORDER_NONE) {
		uint16_t o = (uint16_t)(r->slot[i].seq - b->expected);

		if (o == off)
			return false;
		if (o < off)
			break;
		i = r->slot[i].prev;
	}
	*after = i;
	return true;
}

/* Delivers the held packets that continue the bucket's expected sequence. */
static void drain(struct reorder *r, struct reorder_bucket *b, bool late, reorder_deliver_fn deliver, void *ctx)
{
	uint32_t i;

	while ((i = b->head) != REORDER_NONE && r->slot[i].seq == b->expected) {
		deliver(ctx, slot_data(r, i), r->slot[i].len);
		note_delivered(r, b, b->expected++, true, r->slot[i].stamp);
		slot_release(r, i);
		if (late)
			r->count.released_late++;
	}
}

/* Stops waiting for the gap before the bucket's first held packet (there must be one). */
static void give_up_gap(struct reorder *r, struct reorder_bucket *b, reorder_deliver_fn deliver, void *ctx)
{
	r->count.gaps++;
	pass_missing(r, b, r->slot[b->head].seq);
	drain(r, b, true, deliver, ctx);
}

/* Starts the bucket over at seq; what it held goes first, in order: nothing is dropped. */
static void rebase(struct reorder *r, struct reorder_bucket *b, uint16_t seq, reorder_deliver_fn deliver, void *ctx)
{
	while (b->head != REORDER_NONE)
		give_up_gap(r, b, deliver, ctx);
	forget_delivered(r, b); /* what came before the new base is unknown: late, not duplicate */
	b->newest_stamp = r->pushing_stamp;
	b->expected = seq;
	b->synced = true;
	b->late_run = 0;
}

/* Gives up every gap before seq (which is ahead and not held), so that seq is the expected one. */
static void skip_to(struct reorder *r, struct reorder_bucket *b, uint16_t seq, reorder_deliver_fn deliver, void *ctx)
{
	while (b->head != REORDER_NONE && seq_dist(r->slot[b->head].seq, seq) < 0)
		give_up_gap(r, b, deliver, ctx);
	if (b->expected != seq) {
		r->count.gaps++;
		pass_missing(r, b, seq);
	}
}

static void deliver_expected(struct reorder *r, struct reorder_bucket *b, const uint8_t *pkt, size_t len,
			     reorder_deliver_fn deliver, void *ctx)
{
	deliver(ctx, pkt, len);
	note_delivered(r, b, b->expected++, true, r->pushing_stamp);
	drain(r, b, false, deliver, ctx);
}

/*
 * A packet behind the expected one goes at once unless it was delivered already; a run
 * of far-behind ones is a restarted sender.
 */
static void take_late(struct reorder *r, struct reorder_bucket *b, uint16_t seq, int d, const uint8_t *pkt,
		      size_t len, reorder_deliver_fn deliver, void *ctx)
{
	if (d >= -REORDER_WINDOW) {
		if (was_delivered(r, b, seq)) {
			/* A copy carries its original's stamp, no later than the newest delivered. */
			if ((int32_t)(r->pushing_stamp - b->newest_stamp) <= 0) {
				r->count.dropped++;
				return;
			}
			/* A later stamp on a number delivered: the sender restarted and numbers from 0 again. */
			forget_delivered(r, b);
		}
		r->count.late++;
		deliver(ctx, pkt, len);
		note_delivered(r, b, seq, true, r->pushing_stamp);
		return;
	}
	r->count.late++;
	deliver(ctx, pkt, len);
	if (b->late_run > 0 && seq != b->late_top && abs(seq_dist(seq, b->late_top)) <= REORDER_RESYNC_SPAN) {
		b->late_run++;
		if (seq_dist(seq, b->late_top) > 0)
			b->late_top = seq;
	} else {
		b->late_run = 1;
		b->late_top = seq;
	}
	if (b->late_run >= REORDER_RESYNC_RUN) {
		r->count.resyncs++;
		rebase(r, b, (uint16_t)(b->late_top + 1), deliver, ctx);
	}
}

/*
 * A packet ahead of the expected one: held, dropped as a second copy, or delivered now
 * when it cannot wait. False when the pool was full and a gap had to be given up
 * first: that may have moved this very bucket, so the packet must be classified again.
 */
static bool take_ahead(struct reorder *r, struct reorder_bucket *b, uint16_t seq, const uint8_t *pkt, size_t len,
		       uint64_t now, reorder_deliver_fn deliver, void *ctx)
{
	uint32_t after;

	if (!place_of(r, b, seq, &after)) {
		r->count.dropped++;
		return true;
	}
	if (r->hold == 0 || len > r->slot_size) {
		if (r->hold != 0)
			r->count.oversize++;
		skip_to(r, b, seq, deliver, ctx);
		deliver_expected(r, b, pkt, len, deliver, ctx);
		return true;
	}
	if (r->free_head != REORDER_NONE) {
		slot_hold(r, b, after, seq, pkt, len, now);
		return true;
	}
	/* The oldest held packet is the one nearest its deadline anyway. */
	r->count.overflow++;
	while (r->free_head == REORDER_NONE)
		give_up_gap(r, &r->bucket[r->slot[r->oldest].bucket], deliver, ctx);
	return false;
}

void reorder_push(struct reorder *r, unsigned bucket, uint16_t seq, uint32_t stamp, const uint8_t *pkt, size_t len,
		  uint64_t now, reorder_deliver_fn deliver, void *ctx)
{
	struct reorder_bucket *b = &r->bucket[bucket % REORDER_BUCKETS];
	int d;

	r->pushing_stamp = stamp;
	if (!b->synced || (now > b->last_seen && now - b->last_seen > REORDER_IDLE_NS))
		rebase(r, b, seq, deliver, ctx);
	b->last_seen = now;
	do {
		d = seq_dist(seq, b->expected);
		if (d < 0) {
			take_late(r, b, seq, d, pkt, len, deliver, ctx);
			return;
		}
		if (d >= REORDER_WINDOW) {
			r->count.resyncs++;
			rebase(r, b, seq, deliver, ctx);
			d = 0;
		}
		if (d == 0) {
			deliver_expected(r, b, pkt, len, deliver, ctx);
			return;
		}
	} while (!take_ahead(r, b, seq, pkt, len, now, deliver, ctx)); /* at most twice: a slot is free now */
}

void reorder_tick(struct reorder *r, uint64_t now, reorder_deliver_fn deliver, void *ctx)
{
	/* Deadlines follow arrival order, so only the oldest held packet need be looked at. */
	while (r->oldest != REORDER_NONE && slot_deadline(r, r->oldest) <= now)
		give_up_gap(r, &r->bucket[r->slot[r->oldest].bucket], deliver, ctx);
}

void reorder_watermark(struct reorder *r, uint32_t mark, reorder_deliver_fn deliver, void *ctx)
{
	uint32_t i = r->oldest;

	/* Arrival order is nearly stamp order, not quite: look at every held packet, and start
	 * again from the oldest after each release, which may have freed any of them. */
	while (i != REORDER_NONE) {
		if ((int32_t)(mark - r->slot[i].stamp) <= 0) {
			i = r->slot[i].newer;
			continue;
		}
		r->count.lost_early++;
		give_up_gap(r, &r->bucket[r->slot[i].bucket], deliver, ctx);
		i = r->oldest;
	}
}
