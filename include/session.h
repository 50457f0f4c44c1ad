/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sessions a link holds: each one is the pair of keys a handshake produced, its
 * replay window, and whether the peer is known to have it. Several coexist so that a
 * rekey never drops the frames still in flight under the previous keys.
 */
#ifndef NETAGG_SESSION_H
#define NETAGG_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "replay.h"
#include "seal.h"

#define SESSION_SLOTS 4
#define SESSION_EPOCH_MAX 127
/* Key id bit: set when the frame's sender was the responder of the session's handshake. */
#define SESSION_KEY_RESPONDER 0x80

struct session {
	bool used;
	bool mine;      /* this end initiated the handshake */
	bool confirmed; /* the peer holds the keys: safe to send with */
	uint8_t epoch;  /* 1..SESSION_EPOCH_MAX, chosen by the initiator */
	uint8_t peer_features; /* HS_FEATURE_* set the peer announced in the handshake */
	uint64_t created;
	uint64_t tx_frames; /* sealed under tx so far: rekey long before a cipher's limits */
	struct seal_key tx, rx;
	struct replay replay;
};

struct session_table {
	struct session slot[SESSION_SLOTS];
};

void session_table_init(struct session_table *t);

/*
 * Installs a session, replacing one with the same initiator and epoch, else a free
 * slot, else the oldest but the newest confirmed one (the one in use). A session this
 * end initiated is confirmed at once (the peer's answer proved it has the keys); the
 * peer's needs a frame under it first.
 */
struct session *session_add(struct session_table *t, bool mine, uint8_t epoch, const struct seal_key *tx,
			    const struct seal_key *rx, uint64_t now);

/* The session a received frame's key id names, or NULL. */
struct session *session_for_rx(struct session_table *t, uint8_t key_id);

/* The newest confirmed session, to send with, or NULL. */
struct session *session_for_tx(struct session_table *t);
const struct session *session_current(const struct session_table *t);

/* The key id to put on frames sent under s. */
uint8_t session_key_id(const struct session *s);

/* The newest session this end initiated, or NULL (its age drives rekeying). */
const struct session *session_newest_mine(const struct session_table *t);

/* Forgets (and wipes) sessions created more than max_age ago. */
void session_expire(struct session_table *t, uint64_t now, uint64_t max_age);

/* Wipes everything. */
void session_table_wipe(struct session_table *t);

#endif
