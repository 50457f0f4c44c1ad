/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finds lost frames from gaps in each path's sequence numbers and queues them for a NACK. */
#include "nack.h"

#include <string.h>

void nack_init(struct nack *n)
{
	memset(n, 0, sizeof(*n));
	for (unsigned i = 0; i < NACK_DEFER; i++)
		n->deferred[i].path = WIRE_MAX_PATHS;
}

/*
 * Holds the watermark below stamp until `until`: in a free or expired entry, or, when
 * every entry is still waiting, merged into the one that ends first (the lower stamp
 * and the later end of the two), so no pending resend loses its cap.
 */
static void add_cap(struct nack *n, uint32_t stamp, uint64_t now, uint64_t until)
{
	struct nack_pending *w = &n->pending[0];

	for (unsigned i = 0; i < NACK_PENDING; i++) {
		if (n->pending[i].until <= now) {
			n->pending[i] = (struct nack_pending){ .until = until, .stamp = stamp };
			return;
		}
		if (n->pending[i].until < w->until)
			w = &n->pending[i];
	}
	if ((int32_t)(stamp - w->stamp) < 0)
		w->stamp = stamp;
	if (until > w->until)
		w->until = until;
}

/* stamp: the path's newest stamp before the gap; the lost frames were stamped no earlier. */
static void queue_gap(struct nack *n, unsigned path, uint32_t first, uint32_t count, uint32_t stamp, uint64_t now,
		      uint64_t until)
{
	if (n->nout == WIRE_NACK_MAX_ENTRIES) {
		n->unsent++;
		return;
	}
	n->gaps++;
	n->frames += count;
	n->out[n->nout++] = (struct wire_nack_entry){ .path = (uint8_t)path, .count = (uint8_t)count, .first = first };
	add_cap(n, stamp, now, until);
}

uint32_t nack_reordering_us(const struct nack *n, unsigned path, uint64_t now)
{
	const struct nack_path *p;

	if (path >= WIRE_MAX_PATHS || !(p = &n->path[path])->epoch_end || now >= p->epoch_end + NACK_REORDER_EPOCH_NS)
		return 0;
	if (now >= p->epoch_end)
		return p->reorder_us; /* the epoch that ran is the one before now */
	return p->reorder_us > p->reorder_prev_us ? p->reorder_us : p->reorder_prev_us;
}

/* A fresh frame stamped `stamp` came after the path's newest, stamped p->last_stamp. */
static void note_reordered(struct nack *n, struct nack_path *p, uint32_t stamp, uint64_t now)
{
	int32_t late = (int32_t)(p->last_stamp - stamp);

	n->reordered++;
	if (late <= 0)
		return;
	if ((uint32_t)late > NACK_REORDER_MAX_US)
		late = NACK_REORDER_MAX_US;
	if (!p->epoch_end || now >= p->epoch_end) {
		p->reorder_prev_us = p->epoch_end && now < p->epoch_end + NACK_REORDER_EPOCH_NS ? p->reorder_us : 0;
		p->reorder_us = 0;
		p->epoch_end = now + NACK_REORDER_EPOCH_NS;
	}
	if ((uint32_t)late > p->reorder_us)
		p->reorder_us = (uint32_t)late;
}

/* Frame path_seq came late on path: out of the deferred gap that waits for it, if any. */
static void fill_deferred(struct nack *n, unsigned path, uint32_t path_seq)
{
	for (unsigned i = 0; i < NACK_DEFER; i++) {
		struct nack_deferred *d = &n->deferred[i];
		uint32_t k = path_seq - d->first;

		if (d->path == path && k < 32 && (d->missing >> k & 1)) {
			d->missing &= ~(1u << k);
			n->filled++;
			if (!d->missing)
				d->path = WIRE_MAX_PATHS;
			return;
		}
	}
}

/* Defers a gap of count frames from first; false when every entry is taken. */
static bool defer_gap(struct nack *n, unsigned path, uint32_t first, uint32_t count, uint64_t now, uint64_t wait,
		      uint32_t reorder_us)
{
	for (unsigned i = 0; i < NACK_DEFER; i++) {
		struct nack_deferred *d = &n->deferred[i];

		if (d->path != WIRE_MAX_PATHS)
			continue;
		*d = (struct nack_deferred){ .due = now + (uint64_t)reorder_us * 1000, .wait = wait, .first = first,
					     .missing = count >= 32 ? UINT32_MAX : (1u << count) - 1,
					     .stamp = n->path[path].last_stamp, .path = (uint8_t)path };
		n->deferred_gaps++;
		return true;
	}
	return false;
}

void nack_due(struct nack *n, uint64_t now)
{
	for (unsigned i = 0; i < NACK_DEFER; i++) {
		struct nack_deferred *d = &n->deferred[i];

		if (d->path == WIRE_MAX_PATHS || d->due > now)
			continue;
		/* Each run of frames still missing is one entry. */
		for (uint32_t k = 0; k < 32;) {
			uint32_t run = 0;

			while (k + run < 32 && (d->missing >> (k + run) & 1))
				run++;
			if (run)
				queue_gap(n, d->path, d->first + k, run, d->stamp, now, now + d->wait);
			k += run ? run : 1;
		}
		d->path = WIRE_MAX_PATHS;
	}
}

uint64_t nack_next_due(const struct nack *n)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < NACK_DEFER; i++)
		if (n->deferred[i].path != WIRE_MAX_PATHS && n->deferred[i].due < next)
			next = n->deferred[i].due;
	return next;
}

void nack_on_frame(struct nack *n, unsigned path, uint32_t path_seq, uint32_t stamp, bool fresh, uint64_t now,
		   uint64_t wait)
{
	struct nack_path *p;
	int32_t ahead;

	if (path >= WIRE_MAX_PATHS)
		return;
	p = &n->path[path];
	if (!p->have) {
		/* The first frame heard: nothing before it is known. */
		p->have = true;
		p->next_seq = path_seq + 1;
		p->last_stamp = stamp;
		return;
	}
	ahead = (int32_t)(path_seq - p->next_seq);
	if (ahead < -NACK_RESYNC_BEHIND) {
		/* The peer numbers from 0 again (it restarted within down_after): follow it. */
		p->next_seq = path_seq + 1;
		p->last_stamp = stamp;
		n->resyncs++;
		return;
	}
	if (ahead < 0) {
		/* Reordered on the path (a resend carries an older stamp: it says nothing of that). */
		if (fresh) {
			note_reordered(n, p, stamp, now);
			fill_deferred(n, path, path_seq);
		}
		return;
	}
	if (ahead > NACK_GAP_MAX)
		n->outages++;
	else if (ahead > 0 && !wait)
		n->unasked++;
	else if (ahead > 0) {
		uint32_t reorder_us = nack_reordering_us(n, path, now);

		if (!reorder_us || !defer_gap(n, path, p->next_seq, (uint32_t)ahead, now, wait, reorder_us))
			queue_gap(n, path, p->next_seq, (uint32_t)ahead, p->last_stamp, now, now + wait);
	}
	p->next_seq = path_seq + 1;
	if (fresh)
		p->last_stamp = stamp;
}

bool nack_outage(struct nack *n, unsigned path, uint64_t now, uint64_t wait)
{
	const struct nack_path *p;

	if (path >= WIRE_MAX_PATHS || !n->path[path].have)
		return false;
	if (n->nout == WIRE_NACK_MAX_ENTRIES) {
		n->unsent++;
		return false;
	}
	p = &n->path[path];
	n->outages_asked++;
	n->out[n->nout++] = (struct wire_nack_entry){ .path = (uint8_t)path, .count = 0, .first = p->next_seq };
	if (wait)
		add_cap(n, p->last_stamp, now, now + wait);
	return true;
}

void nack_forget_path(struct nack *n, unsigned path)
{
	if (path >= WIRE_MAX_PATHS)
		return;
	n->path[path].have = false;
	for (unsigned i = 0; i < NACK_DEFER; i++)
		if (n->deferred[i].path == path)
			n->deferred[i].path = WIRE_MAX_PATHS;
}

unsigned nack_take(struct nack *n, struct wire_nack_entry *out)
{
	unsigned k = n->nout;

	memcpy(out, n->out, k * sizeof(*out));
	n->nout = 0;
	return k;
}

void nack_cap(const struct nack *n, uint64_t now, uint32_t *mark)
{
	/* Held from when a waiting gap was found: frames stamped after the lost ones may pass the watermark first. */
	for (unsigned i = 0; i < NACK_DEFER; i++) {
		const struct nack_deferred *d = &n->deferred[i];

		if (d->path != WIRE_MAX_PATHS && (int32_t)(d->stamp - *mark) < 0)
			*mark = d->stamp;
	}
	for (unsigned i = 0; i < NACK_PENDING; i++) {
		const struct nack_pending *w = &n->pending[i];

		if (w->until > now && (int32_t)(w->stamp - *mark) < 0)
			*mark = w->stamp;
	}
}
