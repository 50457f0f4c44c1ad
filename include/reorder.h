/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Receiver's per-flow reorder buffer: holds packets that overtook a gap until it fills or its deadline passes. */
#ifndef NETAGG_REORDER_H
#define NETAGG_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The sender hashes each inner packet's flow to one of REORDER_BUCKETS buckets and
 * stamps it with that bucket's 16-bit counter; flows that collide share a sequence
 * space, which costs them nothing but the occasional wait for each other. Buckets are
 * independent: a gap in one never delays another.
 *
 * Sequence numbers compare modulo 2^16: d = seq - expected, taken in [-32768, 32767].
 *   d == 0                      the expected packet: delivered, then every held packet
 *                               that thereby became consecutive.
 *   0 < d < REORDER_WINDOW      ahead: held (copied into a slot) until the gap before
 *                               it fills or its deadline passes. A second copy of a
 *                               held sequence number is dropped (`dropped`).
 *   d >= REORDER_WINDOW         a jump no reordering explains (more loss in one flow
 *                               than the pool could cover, or a sender restart): the
 *                               bucket flushes what it holds, in order, and takes the
 *                               packet as its new base (`resyncs`).
 *   d < 0                       behind: its gap was given up on, or it is a second
 *                               copy of something delivered (a resend that overtook
 *                               its original). Up to REORDER_WINDOW behind, the bucket
 *                               remembers which sequence numbers it delivered, and the
 *                               newest stamp among them: a second copy (delivered
 *                               already, and stamped no later: a copy carries its
 *                               original's stamp) is dropped (`dropped`); any other is
 *                               delivered at once (`late`): TCP copes with a late
 *                               segment better than a lost one, and no flow gets a
 *                               packet twice. A sender that restarted numbers from 0
 *                               again but stamps later than all it sent before: such a
 *                               packet on a number delivered is no copy, and the bucket
 *                               forgets what it delivered before. Further behind than
 *                               REORDER_WINDOW a packet is delivered as late, unchecked.
 *   REORDER_RESYNC_RUN packets each more than REORDER_WINDOW behind, each within
 *   REORDER_RESYNC_SPAN of the highest of them so far (packets in between do not break
 *   the run: old ones may still be in flight), are a sender that started counting
 *   again (a restart more than REORDER_WINDOW behind the old counter): they are
 *   delivered as late, and then the bucket flushes what it holds and expects the
 *   highest of them plus one (`resyncs`), instead of calling every packet late until
 *   the new counter catches up. The span, not strict succession, lets the restarted
 *   stream be reordered itself. Stragglers of a given-up gap seldom trip this (they
 *   are rarely that far behind), and a false base costs no stall: the flow's next
 *   in-order packet is then at least REORDER_WINDOW ahead and rebases at once. A
 *   restart that lands less than REORDER_WINDOW ahead is held like reordering and
 *   resolves at the first deadline; one that lands at most REORDER_WINDOW behind is
 *   delivered as late, in order, until the new counter reaches the old one.
 * A bucket never seen, or not seen for more than REORDER_IDLE_NS, takes its next
 * packet as the new base without counting anything: flows come and go. A packet sent
 * before that base but arriving after it is late (a new TCP flow's first segments
 * are paced by its handshake, so this costs little). A new session (a sender restart,
 * a rekey that resets the counters) should still call reorder_reset: the rules above
 * are the backstop, not the mechanism.
 *
 * A held packet is due at its arrival time plus the current hold: changing the hold
 * applies to packets already waiting, since the new skew estimate is the better one
 * for them too. It also keeps deadlines in arrival order, so the earliest one is the
 * oldest held packet's and reorder_next_deadline is O(1). When a bucket's oldest held
 * packet is due, every gap up to it has waited at least the hold and is given up:
 * the held packets are delivered in order up to the next gap (`released_late`,
 * `gaps`), and further gaps whose packets are also due likewise.
 *
 * Memory is a pool of nslots slots of slot_size bytes allocated by reorder_init, plus
 * REORDER_WINDOW bits per bucket (128 KB) for what was delivered; no
 * packet costs an allocation. The pool is shared by all buckets, so it should cover
 * at most the aggregate packet rate times the hold (1024 slots: 1 Gbit/s of
 * 1500-byte packets for 12 ms). When a packet must be held and no slot is free, the
 * globally oldest held packet's bucket gives up its first gap early, as if its
 * deadline had passed, until a slot is free (`overflow` counts the packets that met
 * a full pool). This never drops and never blocks; the packet is then classified
 * again, since the release may have moved its own bucket past it. A packet longer
 * than slot_size cannot be held: its bucket gives up the gaps before it, and it is
 * delivered (`oversize`).
 *
 * Times are in nanoseconds from any monotonic origin; `now` must not go backwards.
 */
#define REORDER_BUCKETS 1024u
#define REORDER_SLOTS 1024u        /* a default pool: ~1.5 MB at a 1500-byte MTU */
#define REORDER_SLOTS_MAX 65536u   /* a sanity bound: ~100 MB at a 1500-byte MTU */
#define REORDER_WINDOW 1024        /* a packet this far ahead is no longer held */
#define REORDER_RESYNC_RUN 4       /* far-behind packets that mean a restart */
#define REORDER_RESYNC_SPAN 64     /* how far apart those may be */
#define REORDER_IDLE_NS 1000000000ull

/* Receives each released packet; pkt is valid only during the call. It must not call reorder_* on the same buffer. */
typedef void (*reorder_deliver_fn)(void *ctx, const uint8_t *pkt, size_t len);

struct reorder_bucket {
	uint64_t last_seen;
	uint32_t head, tail; /* held slots, lowest sequence first; REORDER_NONE when empty */
	uint32_t newest_stamp; /* the newest sender's stamp among the packets delivered */
	uint16_t expected;
	uint16_t late_top;   /* highest sequence number of the current far-behind run */
	uint8_t late_run;    /* length of that run so far; 0: none */
	bool synced;
};

struct reorder_counters {
	uint64_t held;          /* packets that waited in a slot */
	uint64_t late;          /* arrived behind the expected one, delivered at once */
	uint64_t released_late; /* held packets released by giving up a gap */
	uint64_t gaps;          /* gaps given up: deadline, full pool, oversize, hold 0, resync */
	uint64_t dropped;       /* second copies of a held or delivered packet */
	uint64_t overflow;      /* packets that found the pool full */
	uint64_t oversize;      /* packets longer than slot_size that needed holding */
	uint64_t resyncs;       /* bases taken on a far jump or a restart run (not after idle) */
	uint64_t lost_early;    /* gaps given up before the deadline: every path had moved past them */
};

struct reorder_slot; /* private to reorder.c */

#define REORDER_NONE UINT32_MAX /* no slot */

struct reorder {
	size_t slot_size;
	uint32_t nslots;
	uint64_t hold;
	uint8_t *data;             /* nslots * slot_size bytes */
	struct reorder_slot *slot; /* nslots entries */
	uint64_t *delivered;       /* per bucket, REORDER_WINDOW bits by seq modulo REORDER_WINDOW */
	uint32_t free_head;        /* free slots, linked */
	uint32_t oldest, newest;   /* held slots of all buckets, in arrival order */
	uint32_t nheld;
	uint32_t pushing_stamp; /* the stamp of the packet reorder_push is taking */
	struct reorder_counters count;
	struct reorder_bucket bucket[REORDER_BUCKETS];
};

/*
 * Allocates nslots (1..REORDER_SLOTS_MAX) slots of slot_size (> 0) bytes; every bucket
 * unsynchronised, hold 0, counters zero. Returns false (nothing allocated) on a bad
 * argument or when memory is short.
 */
bool reorder_init(struct reorder *r, size_t slot_size, unsigned nslots);

/* Frees the pool; held packets are discarded. r may be re-initialised afterwards. */
void reorder_free(struct reorder *r);

/*
 * Sets how long a packet may wait for the gap before it, in ns; applies at once to
 * packets already held. 0 means never hold: every packet is delivered on arrival and
 * a gap is given up as soon as a packet overtakes it (packets held before are due at
 * once: the caller's next reorder_tick releases them).
 */
void reorder_set_hold(struct reorder *r, uint64_t hold_ns);

/*
 * Takes one decrypted inner packet of `bucket` (reduced modulo REORDER_BUCKETS) with
 * sequence number seq, and delivers, in order, every packet that can go now: possibly
 * none, possibly several. pkt is copied if held; the caller may reuse it on return.
 */
void reorder_push(struct reorder *r, unsigned bucket, uint16_t seq, uint32_t stamp, const uint8_t *pkt, size_t len,
		  uint64_t now, reorder_deliver_fn deliver, void *ctx);

/*
 * Every packet the sender stamped before `mark` (its microseconds modulo 2^32, the
 * `stamp` given to reorder_push) has been pushed or never will be: each path is a FIFO,
 * and every path has delivered something stamped `mark` or later. (Strictly before:
 * the sender stamps a whole batch with one time, so frames stamped `mark` itself may
 * still be on their way on another path.) So a gap before a held packet stamped before
 * mark is a loss: it is given up now rather than at the deadline (`lost_early` counts
 * these gaps; their packets count as released late).
 */
void reorder_watermark(struct reorder *r, uint32_t mark, reorder_deliver_fn deliver, void *ctx);

/* Gives up every gap whose deadline is at or before now, delivering what waited behind it. */
void reorder_tick(struct reorder *r, uint64_t now, reorder_deliver_fn deliver, void *ctx);

/* The earliest deadline of any held packet (may already be past), or UINT64_MAX when nothing is held. O(1). */
uint64_t reorder_next_deadline(const struct reorder *r);

/* Forgets every held packet and every bucket's position, delivering nothing; counters are kept. */
void reorder_reset(struct reorder *r);

#endif
