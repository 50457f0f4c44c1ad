/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-path delay FIFOs over one slot pool; no clock of its own. */
#include "delayline.h"

#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct delayline_slot {
	uint32_t next;
	uint32_t len;
	uint64_t tag;
	uint64_t release;
};

bool delayline_init(struct delayline *d, size_t slot_size, unsigned nslots)
{
	memset(d, 0, sizeof(*d));
	if (!slot_size || !nslots)
		return false;
	d->data = malloc(slot_size * nslots);
	d->slot = pool_calloc(nslots, sizeof(*d->slot));
	if (!d->data || !d->slot) {
		delayline_free(d);
		return false;
	}
	/* Touched now, so the memory is there when the pool fills and the footprint stays flat. */
	memset(d->data, 0xa5, slot_size * nslots); /* not 0: malloc+memset(0) may become a lazy calloc */
	d->slot_size = slot_size;
	d->nslots = nslots;
	for (uint32_t i = 0; i < nslots; i++)
		d->slot[i].next = i + 1 < nslots ? i + 1 : DELAYLINE_NONE;
	d->free_head = 0;
	for (unsigned p = 0; p < WIRE_MAX_PATHS; p++)
		d->fifo[p].head = d->fifo[p].tail = DELAYLINE_NONE;
	return true;
}

void delayline_free(struct delayline *d)
{
	free(d->data);
	free(d->slot);
	d->data = NULL;
	d->slot = NULL;
	d->nslots = 0;
}

void delayline_set_extra(struct delayline *d, unsigned path, uint64_t extra_ns)
{
	if (path < WIRE_MAX_PATHS)
		d->extra[path] = extra_ns;
}

static void enqueue(struct delayline *d, unsigned path, uint64_t tag, const uint8_t *pkt, size_t len, uint64_t release)
{
	struct delayline_fifo *f = &d->fifo[path];
	uint32_t i = d->free_head;
	struct delayline_slot *s = &d->slot[i];

	d->free_head = s->next;
	memcpy(d->data + (size_t)i * d->slot_size, pkt, len);
	s->len = (uint32_t)len;
	s->tag = tag;
	s->release = release;
	s->next = DELAYLINE_NONE;
	if (f->tail == DELAYLINE_NONE)
		f->head = i;
	else
		d->slot[f->tail].next = i;
	f->tail = i;
	f->last_release = release;
	d->delayed++;
}

void delayline_push(struct delayline *d, unsigned path, uint64_t tag, const uint8_t *pkt, size_t len, uint64_t now,
		    uint64_t at_least_ns, delayline_deliver_fn deliver, void *ctx)
{
	struct delayline_fifo *f;
	uint64_t release;

	if (path >= WIRE_MAX_PATHS) {
		deliver(ctx, path, tag, pkt, len);
		return;
	}
	f = &d->fifo[path];
	release = now + (d->extra[path] > at_least_ns ? d->extra[path] : at_least_ns);
	/* Never ahead of the packet before it: the FIFO keeps the path's order. */
	if (f->head != DELAYLINE_NONE && release < f->last_release)
		release = f->last_release;
	if (release <= now && f->head == DELAYLINE_NONE) {
		deliver(ctx, path, tag, pkt, len);
		return;
	}
	if (d->free_head == DELAYLINE_NONE || len > d->slot_size) {
		d->overflow++;
		delayline_tick(d, UINT64_MAX, deliver, ctx); /* keep the order: what waited goes first */
		deliver(ctx, path, tag, pkt, len);
		return;
	}
	enqueue(d, path, tag, pkt, len, release);
}

static void release_due(struct delayline *d, unsigned path, uint64_t now, delayline_deliver_fn deliver, void *ctx)
{
	struct delayline_fifo *f = &d->fifo[path];

	while (f->head != DELAYLINE_NONE && d->slot[f->head].release <= now) {
		uint32_t i = f->head;
		struct delayline_slot *s = &d->slot[i];

		f->head = s->next;
		if (f->head == DELAYLINE_NONE)
			f->tail = DELAYLINE_NONE;
		s->next = d->free_head;
		d->free_head = i;
		/* The slot is free but untouched until the next enqueue, which cannot happen during deliver. */
		deliver(ctx, path, s->tag, d->data + (size_t)i * d->slot_size, s->len);
	}
}

void delayline_tick(struct delayline *d, uint64_t now, delayline_deliver_fn deliver, void *ctx)
{
	for (unsigned p = 0; p < WIRE_MAX_PATHS; p++)
		release_due(d, p, now, deliver, ctx);
}

uint64_t delayline_next(const struct delayline *d)
{
	uint64_t next = UINT64_MAX;

	for (unsigned p = 0; p < WIRE_MAX_PATHS; p++)
		if (d->fifo[p].head != DELAYLINE_NONE && d->slot[d->fifo[p].head].release < next)
			next = d->slot[d->fifo[p].head].release;
	return next;
}

bool delayline_head(const struct delayline *d, unsigned path, uint64_t *tag)
{
	if (path >= WIRE_MAX_PATHS || d->fifo[path].head == DELAYLINE_NONE)
		return false;
	*tag = d->slot[d->fifo[path].head].tag;
	return true;
}
