/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Receiver side of loss repair: gaps in each path's frame numbers, the NACKs that report them, and the
 * time their resends are waited for. */
#ifndef NETAGG_NACK_H
#define NETAGG_NACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * Every frame on a path carries the next path_seq, and a path delivers in order, so a
 * frame that skips numbers reveals frames lost on that path just before it. Each such
 * gap (at most NACK_GAP_MAX frames: a longer one is an outage, which failover handles)
 * is queued for the next NACK, which the caller sends at once on its fastest path; the
 * peer resends those frames that were data on that path too.
 *
 * Until the resend can have arrived, the reorder buffer must not give up the gap just
 * because every path has moved past it (reorder_watermark): the lost frames were
 * stamped no earlier than the last frame heard on the path before the gap, so the
 * watermark is capped at that stamp for `wait` ns (nack_cap). NACK_PENDING such
 * caps are tracked; when all are running, a new one merges into the one that ends
 * first (lower stamp, later end). A frame more than NACK_RESYNC_BEHIND behind the
 * expected number means the peer restarted its numbering: it is followed.
 */
#define NACK_GAP_MAX WIRE_NACK_MAX_COUNT
#define NACK_RESYNC_BEHIND 1024 /* a frame this far behind: the peer restarted its numbering */
#define NACK_PENDING 16

struct nack_path {
	bool have;          /* a frame was heard: next_seq and last_stamp mean something */
	uint32_t next_seq;  /* the path_seq expected next */
	uint32_t last_stamp; /* the sender's stamp of the newest frame heard in order */
};

struct nack_pending {
	uint64_t until;
	uint32_t stamp;
};

struct nack {
	struct nack_path path[WIRE_MAX_PATHS];
	struct wire_nack_entry out[WIRE_NACK_MAX_ENTRIES]; /* gaps not sent yet */
	unsigned nout;
	struct nack_pending pending[NACK_PENDING];
	unsigned next_pending;
	uint64_t gaps;     /* gaps found and queued for a NACK */
	uint64_t frames;   /* frames they cover */
	uint64_t outages;  /* gaps too long to report */
	uint64_t unasked;  /* gaps the caller did not want reported (wait 0) */
	uint64_t unsent;   /* gaps that found the outgoing list full */
	uint64_t resyncs;  /* numbering restarts followed */
	uint64_t outages_asked; /* outage entries queued: for paths fallen silent, whose frames were asked for */
};

void nack_init(struct nack *n);

/*
 * An authentic frame numbered path_seq arrived on path (< WIRE_MAX_PATHS) at now.
 * `stamp` is its sender's stamp when `fresh` (a data frame or keepalive); a resent
 * frame carries an older one, which is not the path's position. `wait` is how long
 * a gap's resend may take to arrive; 0: a gap found now is not reported (repair is off,
 * or the path is congested and its loss is the inner flows' signal to slow down).
 */
void nack_on_frame(struct nack *n, unsigned path, uint32_t path_seq, uint32_t stamp, bool fresh, uint64_t now,
		   uint64_t wait);

/*
 * Path (< WIRE_MAX_PATHS) fell silent: every frame from the one expected next was lost.
 * Queues an outage entry (count 0, from that number on) for the next NACK and, unless
 * wait is 0 (the gaps were given up already), caps the watermark at the path's last
 * stamp until now + wait, so the gaps wait for the resend. False (nothing queued) when
 * the path was never heard or the list is full.
 */
bool nack_outage(struct nack *n, unsigned path, uint64_t now, uint64_t wait);

/* Forgets what path heard (it went down: what it lost meanwhile is not worth a NACK). */
void nack_forget_path(struct nack *n, unsigned path);

/* Moves the queued gaps into out (room for WIRE_NACK_MAX_ENTRIES); returns how many (0: nothing to send). */
unsigned nack_take(struct nack *n, struct wire_nack_entry *out);

/* Lowers *mark (a stamp, wrap-around) to the oldest stamp whose gap's resend may still come at now. */
void nack_cap(const struct nack *n, uint64_t now, uint32_t *mark);

#endif
