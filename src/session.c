/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small table of sessions, found by key id, chosen by age and confirmation. */
#include "session.h"

#include <string.h>

void session_table_init(struct session_table *t)
{
	memset(t, 0, sizeof(*t));
}

static void wipe(struct session *s)
{
	seal_wipe(s, sizeof(*s));
}

static int newest_confirmed(const struct session_table *t)
{
	int best = -1;

	for (unsigned i = 0; i < SESSION_SLOTS; i++) {
		const struct session *s = &t->slot[i];

		if (s->used && s->confirmed && (best < 0 || s->created > t->slot[best].created))
			best = (int)i;
	}
	return best;
}

/*
 * Never the newest confirmed session, the one both ends send with: the peer's unanswered
 * handshakes (its answers lost on the way back, retried every second) would otherwise
 * push it out after SESSION_SLOTS of them, and with it the traffic still coming under it.
 */
static struct session *slot_for(struct session_table *t, bool mine, uint8_t epoch)
{
	struct session *oldest = NULL;
	int in_use = newest_confirmed(t);

	for (unsigned i = 0; i < SESSION_SLOTS; i++) {
		struct session *s = &t->slot[i];

		if (s->used && s->mine == mine && s->epoch == epoch)
			return s;
	}
	for (unsigned i = 0; i < SESSION_SLOTS; i++) {
		struct session *s = &t->slot[i];

		if (!s->used)
			return s;
		if ((int)i != in_use && (!oldest || s->created < oldest->created))
			oldest = s;
	}
	return oldest;
}

struct session *session_add(struct session_table *t, bool mine, uint8_t epoch, const struct seal_key *tx,
			    const struct seal_key *rx, uint64_t now)
{
	struct session *s = slot_for(t, mine, epoch);

	wipe(s);
	s->used = true;
	s->mine = mine;
	s->confirmed = mine;
	s->epoch = epoch;
	s->created = now;
	s->tx = *tx;
	s->rx = *rx;
	replay_init(&s->replay);
	return s;
}

struct session *session_for_rx(struct session_table *t, uint8_t key_id)
{
	/* The bit is the sender's role; this end had the other one. */
	bool mine = (key_id & SESSION_KEY_RESPONDER) != 0;
	uint8_t epoch = key_id & (uint8_t)~SESSION_KEY_RESPONDER;

	for (unsigned i = 0; i < SESSION_SLOTS; i++) {
		struct session *s = &t->slot[i];

		if (s->used && s->mine == mine && s->epoch == epoch)
			return s;
	}
	return NULL;
}

/* Index of the newest confirmed session, or -1. */
struct session *session_for_tx(struct session_table *t)
{
	int i = newest_confirmed(t);

	return i < 0 ? NULL : &t->slot[i];
}

const struct session *session_current(const struct session_table *t)
{
	int i = newest_confirmed(t);

	return i < 0 ? NULL : &t->slot[i];
}

uint8_t session_key_id(const struct session *s)
{
	return (uint8_t)(s->epoch | (s->mine ? 0 : SESSION_KEY_RESPONDER));
}

const struct session *session_newest_mine(const struct session_table *t)
{
	const struct session *best = NULL;

	for (unsigned i = 0; i < SESSION_SLOTS; i++) {
		const struct session *s = &t->slot[i];

		if (s->used && s->mine && (!best || s->created > best->created))
			best = s;
	}
	return best;
}

void session_expire(struct session_table *t, uint64_t now, uint64_t max_age)
{
	for (unsigned i = 0; i < SESSION_SLOTS; i++) {
		struct session *s = &t->slot[i];

		if (s->used && now > s->created && now - s->created > max_age)
			wipe(s);
	}
}

void session_table_wipe(struct session_table *t)
{
	seal_wipe(t, sizeof(*t));
}
