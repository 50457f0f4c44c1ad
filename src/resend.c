/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rings of recently sent data frames per path, and the byte budget of resending them. */
#include "resend.h"

#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct resend_slot {
	uint64_t sent_at;
	uint32_t path_seq;
	uint32_t stamp_us;
	uint32_t len;
	uint16_t flow_seq;
	bool kept;  /* holds a frame */
	bool taken; /* handed out once already */
};

bool resend_init(struct resend *r, unsigned npaths, unsigned depth, size_t slot_size)
{
	size_t n = (size_t)npaths * depth;

	memset(r, 0, sizeof(*r));
	if (npaths == 0 || npaths > WIRE_MAX_PATHS || depth == 0 || depth > RESEND_DEPTH_MAX || slot_size == 0 ||
	    slot_size > WIRE_MAX_PAYLOAD)
		return false;
	r->data = malloc(n * slot_size);
	r->slot = pool_calloc(n, sizeof(*r->slot));
	if (!r->data || !r->slot) {
		resend_free(r);
		return false;
	}
	/* Touched now, so that the footprint is flat under load (not 0: that may stay lazy). */
	memset(r->data, 0xa5, n * slot_size);
	r->npaths = npaths;
	r->depth = depth;
	r->slot_size = slot_size;
	r->credit = RESEND_BUDGET_START;
	return true;
}

void resend_free(struct resend *r)
{
	free(r->data);
	free(r->slot);
	memset(r, 0, sizeof(*r));
}

static size_t index_of(const struct resend *r, unsigned path, uint32_t path_seq)
{
	return (size_t)path * r->depth + path_seq % r->depth;
}

void resend_keep(struct resend *r, unsigned path, uint32_t path_seq, uint16_t flow_seq, uint32_t stamp_us,
		 const uint8_t *pkt, size_t len, uint64_t now)
{
	size_t i;
	struct resend_slot *s;

	if (path >= r->npaths)
		return;
	/* Sending earns the credit that resending spends. */
	r->credit += len / RESEND_BUDGET_SHARE;
	if (r->credit > RESEND_BUDGET_MAX)
		r->credit = RESEND_BUDGET_MAX;
	i = index_of(r, path, path_seq);
	s = &r->slot[i];
	s->kept = len <= r->slot_size;
	if (!s->kept)
		return;
	s->sent_at = now;
	s->path_seq = path_seq;
	s->stamp_us = stamp_us;
	s->flow_seq = flow_seq;
	s->len = (uint32_t)len;
	s->taken = false;
	memcpy(r->data + i * r->slot_size, pkt, len);
}

/* Hands out the kept frame path_seq once; the budget is spent only when metered. */
static bool take(struct resend *r, unsigned path, uint32_t path_seq, uint64_t now, uint64_t max_age, bool metered,
		 struct resend_frame *out)
{
	struct resend_slot *s;
	size_t i;

	if (path >= r->npaths) {
		r->count.missed++;
		return false;
	}
	i = index_of(r, path, path_seq);
	s = &r->slot[i];
	if (!s->kept || s->path_seq != path_seq || now < s->sent_at || now - s->sent_at > max_age) {
		r->count.missed++;
		return false;
	}
	if (s->taken) {
		r->count.repeated++;
		return false;
	}
	if (metered && r->credit < s->len) {
		r->count.budget++;
		return false;
	}
	if (metered)
		r->credit -= s->len;
	else
		r->count.outage++;
	s->taken = true;
	r->count.resent++;
	*out = (struct resend_frame){
		.flow_seq = s->flow_seq,
		.stamp_us = s->stamp_us,
		.pkt = r->data + i * r->slot_size,
		.len = s->len,
	};
	return true;
}

bool resend_take(struct resend *r, unsigned path, uint32_t path_seq, uint64_t now, uint64_t max_age,
		 struct resend_frame *out)
{
	return take(r, path, path_seq, now, max_age, true, out);
}

bool resend_take_lost_path(struct resend *r, unsigned path, uint32_t path_seq, uint64_t now, uint64_t max_age,
			   struct resend_frame *out)
{
	return take(r, path, path_seq, now, max_age, false, out);
}

uint32_t resend_lost_start(const struct resend *r, uint32_t first, uint32_t end, uint32_t done, bool have_done)
{
	if ((int32_t)(end - first) <= 0)
		return end;
	if (end - first > r->depth)
		first = end - r->depth;
	if (have_done && (int32_t)(done - first) > 0)
		first = (int32_t)(end - done) > 0 ? done : end;
	return first;
}

void resend_clear(struct resend *r)
{
	for (size_t i = 0; i < (size_t)r->npaths * r->depth; i++)
		r->slot[i].kept = false;
}
