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
 *
 * Some paths do reorder (a radio link's retransmissions, a bonded or multi-queue hop):
 * a frame arrives after frames its sender stamped later. How much later is the path's
 * reordering, a windowed maximum over two epochs of NACK_REORDER_EPOCH_NS (capped at
 * NACK_REORDER_MAX_US). Once a path has shown some, a gap on it waits that long before
 * it is reported: frames that come meanwhile are taken out of it, and only those still
 * missing are asked for (NACK_DEFER such gaps; when all are waiting, a new one is
 * reported at once). The caller also holds the reorder buffer's watermark that much
 * behind the path (nack_reordering_us). A path that never reordered costs nothing:
 * its gaps are reported at once, as before.
 */
#define NACK_GAP_MAX WIRE_NACK_MAX_COUNT
#define NACK_RESYNC_BEHIND 1024 /* a frame this far behind: the peer restarted its numbering */
#define NACK_PENDING 16
#define NACK_DEFER 16
#define NACK_REORDER_MAX_US 100000u                /* later than this is lost, not reordered */
#define NACK_REORDER_EPOCH_NS 10000000000ull       /* the reordering seen is forgotten after 2 of these */

struct nack_path {
	bool have;          /* a frame was heard: next_seq and last_stamp mean something */
	uint32_t next_seq;  /* the path_seq expected next */
	uint32_t last_stamp; /* the sender's stamp of the newest frame heard in order */
	uint32_t reorder_us, reorder_prev_us; /* the most a frame came late, this epoch and the one before */
	uint64_t epoch_end; /* ns; 0: no epoch running */
};

/*
 * A gap waiting out its path's reordering: missing bit k stands for frame first + k.
 * While it waits it holds the watermark at `stamp` itself (nack_cap); a pending cap
 * is taken only for the frames still missing when it is reported. Gaps that late
 * frames fill, most of them on such a path, so never hold the watermark past that.
 */
struct nack_deferred {
	uint64_t due, wait; /* ns: when it is reported if frames are still missing; then the caller's wait */
	uint32_t first, missing;
	uint32_t stamp;     /* the path's newest stamp when the gap was found: the lost frames are later */
	uint8_t path;       /* WIRE_MAX_PATHS: the entry is free */
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
	struct nack_deferred deferred[NACK_DEFER];
	uint64_t gaps;     /* gaps found and queued for a NACK */
	uint64_t frames;   /* frames they cover */
	uint64_t outages;  /* gaps too long to report */
	uint64_t unasked;  /* gaps the caller did not want reported (wait 0) */
	uint64_t unsent;   /* gaps that found the outgoing list full */
	uint64_t resyncs;  /* numbering restarts followed */
	uint64_t outages_asked; /* outage entries queued: for paths fallen silent, whose frames were asked for */
	uint64_t reordered;     /* fresh frames that came after later-stamped ones on their path */
	uint64_t deferred_gaps; /* gaps that waited out their path's reordering */
	uint64_t filled;        /* frames that came while their gap waited: not asked for */
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

/* Reports the deferred gaps due at now whose frames are still missing (into the list nack_take empties). */
void nack_due(struct nack *n, uint64_t now);

/* When nack_due has work next: the earliest deferred gap's due time; UINT64_MAX when none waits. */
uint64_t nack_next_due(const struct nack *n);

/* How far behind its newest frame a frame on path may still come (microseconds of stamp): 0 if it never reordered. */
uint32_t nack_reordering_us(const struct nack *n, unsigned path, uint64_t now);

/* Moves the queued gaps into out (room for WIRE_NACK_MAX_ENTRIES); returns how many (0: nothing to send). */
unsigned nack_take(struct nack *n, struct wire_nack_entry *out);

/* Lowers *mark (a stamp, wrap-around) to the oldest stamp whose gap's resend may still come at now. */
void nack_cap(const struct nack *n, uint64_t now, uint32_t *mark);

#endif
