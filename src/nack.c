/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finds lost frames from gaps in each path's sequence numbers and queues them for a NACK. */
#include "nack.h"

#include <string.h>

void nack_init(struct nack *n)
{
	memset(n, 0, sizeof(*n));
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

static void queue_gap(struct nack *n, unsigned path, uint32_t first, uint32_t count, uint64_t now, uint64_t until)
{
	if (n->nout == WIRE_NACK_MAX_ENTRIES) {
		n->unsent++;
		return;
	}
	n->gaps++;
	n->frames += count;
	n->out[n->nout++] = (struct wire_nack_entry){ .path = (uint8_t)path, .count = (uint8_t)count, .first = first };
	add_cap(n, n->path[path].last_stamp, now, until);
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
	if (ahead < 0)
		return; /* reordered on the path, or a copy: its gap was reported already */
	if (ahead > NACK_GAP_MAX)
		n->outages++;
	else if (ahead > 0 && !wait)
		n->unasked++;
	else if (ahead > 0)
		queue_gap(n, path, p->next_seq, (uint32_t)ahead, now, now + wait);
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
	if (path < WIRE_MAX_PATHS)
		n->path[path].have = false;
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
	for (unsigned i = 0; i < NACK_PENDING; i++) {
		const struct nack_pending *w = &n->pending[i];

		if (w->until > now && (int32_t)(w->stamp - *mark) < 0)
			*mark = w->stamp;
	}
}
