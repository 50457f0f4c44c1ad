/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reorder buffer on a synthetic clock: gaps filled and given up, wrap-around, full pool, resyncs, random streams. */
#include <stdlib.h>
#include <string.h>

#include "reorder.h"
#include "unit.h"

#define MS 1000000ull
#define SLOT 64
#define MAXREC 400000

/* Check's ck_assert reports every passing call to the runner; hot loops check quietly. */
#define CHECK(c)                                                                                                       \
	do {                                                                                                           \
		if (!(c))                                                                                              \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c);                                             \
	} while (0)

/*
 * Every test packet says who it is: bucket, a test-wide id and its sequence number,
 * then filler derived from the id, so a slot that was overwritten or misplaced shows.
 */
struct pkt_id {
	uint32_t bucket, id;
	uint16_t seq;
};

static struct {
	unsigned n;
	struct pkt_id got[MAXREC];
	uint64_t at[MAXREC]; /* the clock when delivered */
	uint64_t now;
} rec;

static size_t make_pkt(uint8_t *buf, uint32_t bucket, uint32_t id, uint16_t seq, size_t len)
{
	struct pkt_id p = {bucket, id, seq};

	memcpy(buf, &p, sizeof(p));
	for (size_t k = sizeof(p); k < len; k++)
		buf[k] = (uint8_t)(id * 7 + k);
	return len;
}

static void on_deliver(void *ctx, const uint8_t *pkt, size_t len)
{
	struct pkt_id p;

	CHECK(ctx == &rec);
	CHECK(len >= sizeof(p));
	CHECK(rec.n < MAXREC);
	memcpy(&p, pkt, sizeof(p));
	for (size_t k = sizeof(p); k < len; k++)
		CHECK(pkt[k] == (uint8_t)(p.id * 7 + k));
	rec.got[rec.n] = p;
	rec.at[rec.n] = rec.now;
	rec.n++;
}

static void count_only(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	(void)pkt;
	(void)len;
}

/* sent: when the sender stamped it, on our clock (a copy carries its original's stamp). */
static void push_len(struct reorder *r, unsigned bucket, uint32_t id, uint16_t seq, uint64_t now, uint64_t sent,
		     size_t len)
{
	uint8_t buf[256];

	rec.now = now;
	reorder_push(r, bucket, seq, (uint32_t)(sent / 1000), buf, make_pkt(buf, bucket, id, seq, len), now, on_deliver,
		     &rec);
	memset(buf, 0xee, sizeof(buf)); /* the caller reuses its buffer: held packets must be copies */
}

/* Most tests name a packet by its sequence number. */
static void push(struct reorder *r, unsigned bucket, uint16_t seq, uint64_t now)
{
	push_len(r, bucket, seq, seq, now, now, 40);
}

/* A packet (or a copy of one) stamped at `sent`, arriving at now. */
static void push_sent(struct reorder *r, unsigned bucket, uint16_t seq, uint64_t now, uint64_t sent)
{
	push_len(r, bucket, seq, seq, now, sent, 40);
}

static void tick(struct reorder *r, uint64_t now)
{
	rec.now = now;
	reorder_tick(r, now, on_deliver, &rec);
}

/* Checks that the packets delivered since *from are exactly seqs, in that order. */
static void expect(unsigned *from, const unsigned *seqs, unsigned n)
{
	ck_assert_uint_eq(rec.n - *from, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(rec.got[*from + i].seq, seqs[i]);
	*from = rec.n;
}

#define EXPECT(from, ...)                                                                                              \
	do {                                                                                                           \
		const unsigned want_[] = {__VA_ARGS__};                                                                \
		expect(from, want_, sizeof(want_) / sizeof(want_[0]));                                                 \
	} while (0)
#define EXPECT_NONE(from) expect(from, NULL, 0)

static void setup(struct reorder *r, unsigned nslots, uint64_t hold)
{
	rec.n = 0;
	ck_assert(reorder_init(r, SLOT, nslots));
	reorder_set_hold(r, hold);
}

START_TEST(in_order_passes_straight_through)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	for (unsigned s = 0; s < 3000; s++) {
		push(&r, 7, (uint16_t)(s + 100), s * 1000);
		EXPECT(&from, (uint16_t)(s + 100));
	}
	ck_assert_uint_eq(r.count.held, 0);
	ck_assert_uint_eq(r.count.late + r.count.gaps + r.count.dropped + r.count.resyncs, 0);
	ck_assert_uint_eq(reorder_next_deadline(&r), UINT64_MAX);
	reorder_free(&r);
}
END_TEST

START_TEST(a_swap_delivers_both_on_the_first)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	EXPECT(&from, 0);
	push(&r, 0, 2, 1000);
	EXPECT_NONE(&from);
	ck_assert_uint_eq(r.count.held, 1);
	push(&r, 0, 1, 2000);
	EXPECT(&from, 1, 2);
	ck_assert_uint_eq(r.nheld, 0);
	ck_assert_uint_eq(reorder_next_deadline(&r), UINT64_MAX);
	ck_assert_uint_eq(r.count.late + r.count.gaps + r.count.released_late, 0);
	reorder_free(&r);
}
END_TEST

START_TEST(a_gap_filled_before_the_deadline)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 3, 1 * MS);
	push(&r, 0, 4, 2 * MS);
	push(&r, 0, 2, 3 * MS);
	EXPECT(&from, 0);
	tick(&r, 10 * MS); /* not yet: 3 arrived at 1 ms */
	EXPECT_NONE(&from);
	push(&r, 0, 1, 11 * MS - 1);
	EXPECT(&from, 1, 2, 3, 4);
	tick(&r, 100 * MS);
	EXPECT_NONE(&from);
	ck_assert_uint_eq(r.count.held, 3);
	ck_assert_uint_eq(r.count.gaps + r.count.released_late + r.count.late, 0);
	reorder_free(&r);
}
END_TEST

START_TEST(a_gap_older_than_the_watermark_is_given_up_at_once)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 100 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 2, 5 * MS);  /* 1 missing; 2 was stamped at 5000 us */
	push(&r, 9, 0, 6 * MS);
	push(&r, 9, 7, 20 * MS); /* bucket 9 waits for 1..6, stamped 20000 us */
	EXPECT(&from, 0, 0);
	reorder_watermark(&r, 5000, on_deliver, &rec); /* 1 may be of 2's batch, on another path */
	EXPECT_NONE(&from);
	reorder_watermark(&r, 5001, on_deliver, &rec); /* every path is past 2: 1 is lost */
	EXPECT(&from, 2);
	ck_assert_uint_eq(r.count.lost_early, 1);
	ck_assert_uint_eq(r.count.gaps, 1);
	reorder_watermark(&r, 20000, on_deliver, &rec); /* bucket 9 is not due yet */
	EXPECT_NONE(&from);
	reorder_watermark(&r, 25000, on_deliver, &rec);
	EXPECT(&from, 7);
	ck_assert_uint_eq(reorder_next_deadline(&r), UINT64_MAX);
	/* Stamps wrap: a mark just past 2^32 is after a stamp just before it. */
	push(&r, 3, 0, 30 * MS);
	reorder_push(&r, 3, 2, 0xfffffff0u, (const uint8_t *)"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, 31 * MS, count_only,
		     NULL);
	ck_assert_uint_eq(r.nheld, 1);
	reorder_watermark(&r, 0x10, count_only, NULL);
	ck_assert_uint_eq(r.nheld, 0);
	reorder_free(&r);
}
END_TEST

START_TEST(a_gap_given_up_at_the_deadline)
{
	static struct reorder r;
	unsigned from = 0;
	uint64_t t0 = 5 * MS + 123;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 3, t0);
	push(&r, 0, 5, t0 + 2 * MS);
	push(&r, 0, 4, t0 + 3 * MS);
	EXPECT(&from, 0);
	ck_assert_uint_eq(reorder_next_deadline(&r), t0 + 10 * MS);
	tick(&r, t0 + 10 * MS - 1);
	EXPECT_NONE(&from);
	tick(&r, t0 + 10 * MS);
	EXPECT(&from, 3, 4, 5); /* 1 and 2 given up; 4 filled the second gap */
	ck_assert_uint_eq(r.count.gaps, 1);
	ck_assert_uint_eq(r.count.released_late, 3);
	ck_assert_uint_eq(reorder_next_deadline(&r), UINT64_MAX);
	push(&r, 0, 1, t0 + 11 * MS); /* the straggler still goes through */
	EXPECT(&from, 1);
	ck_assert_uint_eq(r.count.late, 1);
	push(&r, 0, 6, t0 + 12 * MS);
	EXPECT(&from, 6);
	reorder_free(&r);
}
END_TEST

START_TEST(further_gaps_go_only_when_due)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 3, 1 * MS);
	push(&r, 0, 5, 4 * MS);
	push(&r, 0, 8, 2 * MS + 4 * MS);
	ck_assert_uint_eq(reorder_next_deadline(&r), 11 * MS);
	tick(&r, 11 * MS);
	EXPECT(&from, 0, 3); /* the gap before 5 has waited only since 4 ms */
	ck_assert_uint_eq(reorder_next_deadline(&r), 14 * MS);
	tick(&r, 100 * MS); /* both remaining gaps are due: released in one go */
	EXPECT(&from, 5, 8);
	ck_assert_uint_eq(r.count.gaps, 3);

	/* A gap whose later packet arrived first waited since that packet's arrival. */
	push(&r, 1, 0, 200 * MS);
	push(&r, 1, 5, 200 * MS);
	push(&r, 1, 3, 205 * MS);
	tick(&r, 210 * MS);
	EXPECT(&from, 0, 3, 5);
	reorder_free(&r);
}
END_TEST

START_TEST(buckets_are_independent)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 3, 0, 0);
	push(&r, 4, 0, 0);
	push(&r, 3, 2, 1 * MS); /* bucket 3 now waits for 1 */
	EXPECT(&from, 0, 0);
	for (unsigned s = 1; s < 50; s++) {
		push(&r, 4, (uint16_t)s, 1 * MS + s);
		EXPECT(&from, s);
		ck_assert_uint_eq(rec.got[rec.n - 1].bucket, 4);
	}
	push(&r, 4 + REORDER_BUCKETS, 50, 2 * MS); /* bucket numbers wrap: this is bucket 4 too */
	EXPECT(&from, 50);
	tick(&r, 11 * MS);
	EXPECT(&from, 2);
	ck_assert_uint_eq(rec.got[rec.n - 1].bucket, 3);
	ck_assert_uint_eq(r.count.gaps, 1);
	reorder_free(&r);
}
END_TEST

START_TEST(sequence_wraps_around)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 9, 65533, 0);
	push(&r, 9, 65535, 1);
	push(&r, 9, 1, 2);
	push(&r, 9, 65534, 3);
	push(&r, 9, 2, 4);
	push(&r, 9, 0, 5);
	EXPECT(&from, 65533, 65534, 65535, 0, 1, 2);
	ck_assert_uint_eq(r.count.late + r.count.gaps + r.count.resyncs, 0);
	/* A gap across the wrap given up at the deadline, then its packet late. */
	push(&r, 9, 4, 10);
	tick(&r, 10 + 10 * MS);
	EXPECT(&from, 4);
	push(&r, 9, 3, 11 * MS);
	EXPECT(&from, 3);
	ck_assert_uint_eq(r.count.late, 1);
	/* A gap that spans the wrap, given up. */
	push(&r, 10, 65534, 0);
	push(&r, 10, 1, 0);
	tick(&r, 10 * MS);
	push(&r, 10, 0, 11 * MS);
	push(&r, 10, 65535, 11 * MS);
	push(&r, 10, 2, 11 * MS);
	EXPECT(&from, 65534, 1, 0, 65535, 2);
	ck_assert_uint_eq(r.count.late, 3);
	ck_assert_uint_eq(r.count.gaps, 2);
	reorder_free(&r);
}
END_TEST

START_TEST(duplicates_of_held_packets_are_dropped)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 10, 0);
	push(&r, 0, 12, 1);
	push(&r, 0, 13, 2);
	push_sent(&r, 0, 12, 3, 1);
	push_sent(&r, 0, 13, 4, 2);
	ck_assert_uint_eq(r.count.dropped, 2);
	ck_assert_uint_eq(r.nheld, 2);
	push(&r, 0, 11, 5);
	EXPECT(&from, 10, 11, 12, 13);
	push_sent(&r, 0, 12, 6, 1); /* already delivered: a resend that overtook its original */
	EXPECT_NONE(&from);
	ck_assert_uint_eq(r.count.dropped, 3);
	ck_assert_uint_eq(r.count.late, 0);
	reorder_free(&r);
}
END_TEST

/* A packet behind the expected one goes once: late if its gap was given up, never twice. */
START_TEST(late_arrivals_are_delivered_once)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 2 * MS);
	push(&r, 0, 65530, 0);
	push(&r, 0, 65533, 0);
	push(&r, 0, 2, 0);
	tick(&r, 2 * MS); /* gives up 65531-65532 and 65534-1, across the wrap */
	EXPECT(&from, 65530, 65533, 2);
	/* Everything here was sent at 0: the late packets, and the copies with their originals' stamp. */
	push_sent(&r, 0, 65531, 3 * MS, 0);
	push_sent(&r, 0, 0, 3 * MS, 0);
	push_sent(&r, 0, 65531, 3 * MS, 0); /* a second copy of each: dropped */
	push_sent(&r, 0, 0, 3 * MS, 0);
	push_sent(&r, 0, 65533, 3 * MS, 0); /* delivered before the gap was given up */
	push_sent(&r, 0, 2, 3 * MS, 0);
	push_sent(&r, 0, 65530, 3 * MS, 0);
	EXPECT(&from, 65531, 0);
	ck_assert_uint_eq(r.count.late, 2);
	ck_assert_uint_eq(r.count.dropped, 5);
	/* The rest of the given-up gap is still taken, once. */
	push_sent(&r, 0, 1, 4 * MS, 0);
	push_sent(&r, 0, 65532, 4 * MS, 0);
	push_sent(&r, 0, 1, 4 * MS, 0);
	EXPECT(&from, 1, 65532);
	ck_assert_uint_eq(r.count.dropped, 6);
	/* A packet more than a window behind cannot be checked: it is delivered, as late. */
	for (unsigned s = 3; s < 3 + REORDER_WINDOW; s++)
		push(&r, 0, (uint16_t)s, 5 * MS);
	from = rec.n;
	push(&r, 0, 2, 5 * MS);
	EXPECT(&from, 2);
	ck_assert_uint_eq(r.count.late, 5);
	reorder_free(&r);
}
END_TEST

/*
 * A sender that restarted within the idle time numbers from 0 again, just behind where
 * it was: its packets are stamped later than all delivered, so they are no copies, even
 * of numbers delivered, and even those sharing one stamp (a batch).
 */
START_TEST(a_restarted_sender_is_not_taken_for_copies)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 2 * MS);
	for (unsigned s = 0; s < 40; s++)
		push(&r, 0, (uint16_t)s, s * 1000);
	from = rec.n;
	for (unsigned s = 0; s < 10; s++)
		push_sent(&r, 0, (uint16_t)s, 300 * MS + s, 300 * MS);
	EXPECT(&from, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
	ck_assert_uint_eq(r.count.late, 10);
	ck_assert_uint_eq(r.count.dropped, 0);
	/* Its own copies are still known; an old one is let through (what came before is forgotten). */
	push_sent(&r, 0, 5, 301 * MS, 300 * MS);
	EXPECT_NONE(&from);
	ck_assert_uint_eq(r.count.dropped, 1);
	push_sent(&r, 0, 20, 301 * MS, 20000);
	EXPECT(&from, 20);
	reorder_free(&r);
}
END_TEST

/* Without a hold a gap is given up when overtaken: its packet is late, its copy dropped. */
START_TEST(hold_zero_still_drops_second_copies)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 0);
	push(&r, 0, 0, 0);
	push(&r, 0, 3, 1);
	push(&r, 0, 1, 2);
	push_sent(&r, 0, 3, 3, 1);
	push_sent(&r, 0, 1, 4, 2);
	push(&r, 0, 2, 5);
	EXPECT(&from, 0, 3, 1, 2);
	ck_assert_uint_eq(r.count.dropped, 2);
	ck_assert_uint_eq(r.count.late, 2);
	reorder_free(&r);
}
END_TEST

/* A new base (after idle, or a far jump) forgets what was delivered: stragglers are late, not dropped. */
START_TEST(a_new_base_forgets_what_was_delivered)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 2 * MS);
	push(&r, 0, 100, 0);
	push(&r, 0, 101, 0);
	push(&r, 0, 200, REORDER_IDLE_NS + 1); /* a new base after idle */
	push_sent(&r, 0, 101, REORDER_IDLE_NS + 2, 0);
	EXPECT(&from, 100, 101, 200, 101);
	push_sent(&r, 0, 101, REORDER_IDLE_NS + 3, 0); /* but once delivered after the base, it is known */
	EXPECT_NONE(&from);
	ck_assert_uint_eq(r.count.dropped, 1);
	push(&r, 0, 201 + REORDER_WINDOW, REORDER_IDLE_NS + 4); /* a far jump: another base */
	push(&r, 0, 200 + REORDER_WINDOW, REORDER_IDLE_NS + 5);
	EXPECT(&from, 201 + REORDER_WINDOW, 200 + REORDER_WINDOW);
	ck_assert_uint_eq(r.count.dropped, 1);
	ck_assert_uint_eq(r.count.late, 2);
	reorder_free(&r);
}
END_TEST

START_TEST(late_arrivals_are_delivered_and_counted)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 2 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 3, 0);
	tick(&r, 2 * MS);
	EXPECT(&from, 0, 3);
	push(&r, 0, 2, 3 * MS);
	push(&r, 0, 1, 4 * MS);
	EXPECT(&from, 2, 1);
	ck_assert_uint_eq(r.count.late, 2);
	ck_assert_uint_eq(r.count.released_late, 1);
	ck_assert_uint_eq(r.count.gaps, 1);
	push(&r, 0, 4, 5 * MS);
	EXPECT(&from, 4);
	ck_assert_uint_eq(r.count.late, 2);
	reorder_free(&r);
}
END_TEST

START_TEST(hold_zero_passes_everything)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 0);
	push(&r, 0, 0, 0);
	push(&r, 0, 2, 1);
	push(&r, 0, 1, 2);
	push(&r, 0, 5, 3);
	push(&r, 0, 3, 4);
	EXPECT(&from, 0, 2, 1, 5, 3);
	ck_assert_uint_eq(r.count.held, 0);
	ck_assert_uint_eq(r.nheld, 0);
	ck_assert_uint_eq(r.count.late, 2);
	ck_assert_uint_eq(reorder_next_deadline(&r), UINT64_MAX);
	reorder_free(&r);
}
END_TEST

START_TEST(hold_changes_apply_to_waiting_packets)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 2, 5 * MS);
	push(&r, 0, 4, 6 * MS);
	ck_assert_uint_eq(reorder_next_deadline(&r), 15 * MS);
	reorder_set_hold(&r, 30 * MS);
	ck_assert_uint_eq(reorder_next_deadline(&r), 35 * MS);
	tick(&r, 20 * MS);
	EXPECT(&from, 0);
	reorder_set_hold(&r, 0); /* everything waiting is due at once */
	ck_assert_uint_eq(reorder_next_deadline(&r), 5 * MS);
	push(&r, 0, 3, 21 * MS); /* fills nothing: 1 is still missing, but hold 0 never waits */
	EXPECT(&from, 2, 3, 4);
	ck_assert_uint_eq(r.nheld, 0);
	push(&r, 0, 7, 22 * MS);
	push(&r, 0, 8, 22 * MS);
	EXPECT(&from, 7, 8);
	reorder_free(&r);
}
END_TEST

START_TEST(oversize_packets_are_not_held)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 2, 1);
	push(&r, 0, 6, 1);
	push_len(&r, 0, 4, 4, 2, 2, SLOT + 1);
	EXPECT(&from, 0, 2, 4); /* gives up 1 and 3; 6 still waits for 5 */
	ck_assert_uint_eq(r.count.oversize, 1);
	ck_assert_uint_eq(r.count.gaps, 2);
	push_len(&r, 0, 5, 5, 3, 3, SLOT + 100); /* the expected one needs no slot */
	EXPECT(&from, 5, 6);
	ck_assert_uint_eq(r.count.oversize, 1);
	reorder_free(&r);
}
END_TEST

START_TEST(a_full_pool_loses_nothing)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, 4, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 3, 1);
	push(&r, 0, 4, 2);
	push(&r, 1, 0, 3);
	push(&r, 1, 2, 4);
	push(&r, 0, 6, 5); /* the pool is full now */
	EXPECT(&from, 0, 0);
	push(&r, 1, 4, 6); /* bucket 0's 3 is the oldest: bucket 0 gives up 1..2 */
	EXPECT(&from, 3, 4);
	ck_assert_uint_eq(r.count.overflow, 1);
	ck_assert_uint_eq(r.count.gaps, 1);
	ck_assert_uint_eq(r.count.released_late, 2);
	push(&r, 1, 5, 7);
	push(&r, 0, 5, 8);
	EXPECT(&from, 5, 6);
	push(&r, 0, 8, 9);
	/* Full again, and the oldest is in the new packet's own bucket: the release
	 * makes the new packet the expected one. */
	push(&r, 1, 3, 10);
	EXPECT(&from, 2, 3, 4, 5);
	ck_assert_uint_eq(r.count.overflow, 2);
	tick(&r, UINT64_MAX);
	EXPECT(&from, 8);
	ck_assert_uint_eq(r.nheld, 0);
	/* The release passes the new packet: it goes late rather than being lost. */
	push(&r, 0, 11, 20);
	push(&r, 0, 12, 21);
	push(&r, 0, 13, 22);
	push(&r, 0, 14, 23);
	push(&r, 0, 10, 24);
	EXPECT(&from, 11, 12, 13, 14, 10);
	ck_assert_uint_eq(r.count.overflow, 3);
	ck_assert_uint_eq(r.count.late, 1);
	ck_assert_uint_eq(r.nheld, 0);
	reorder_free(&r);
}
END_TEST

START_TEST(more_than_the_pool_is_delivered_exactly_once)
{
	enum { NB = 8, PER = 300 };
	static struct reorder r;
	static unsigned char seen[NB][PER + 2];
	uint64_t t = 0;

	setup(&r, REORDER_SLOTS, UINT64_MAX);
	memset(seen, 0, sizeof(seen));
	for (unsigned b = 0; b < NB; b++)
		push(&r, b * 100, 0, t++);
	/* Every bucket misses 1 while NB * PER > REORDER_SLOTS packets need holding. */
	for (unsigned s = 2; s < PER + 2; s++)
		for (unsigned b = 0; b < NB; b++)
			push(&r, b * 100, (uint16_t)s, t++);
	for (unsigned b = 0; b < NB; b++)
		push(&r, b * 100, 1, t++);
	ck_assert_uint_gt(r.count.overflow, 0);
	ck_assert_uint_le(r.nheld, REORDER_SLOTS);
	tick(&r, UINT64_MAX);
	ck_assert_uint_eq(r.nheld, 0);
	ck_assert_uint_eq(rec.n, NB * (PER + 2));
	for (unsigned i = 0; i < rec.n; i++) {
		ck_assert(!seen[rec.got[i].bucket / 100][rec.got[i].seq]);
		seen[rec.got[i].bucket / 100][rec.got[i].seq] = 1;
	}
	ck_assert_uint_ge(r.count.held, REORDER_SLOTS);
	reorder_free(&r);
}
END_TEST

START_TEST(resync_after_idle)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 100, 0);
	push(&r, 0, 5, REORDER_IDLE_NS + 1); /* a new flow in the bucket: the new base */
	push(&r, 0, 7, REORDER_IDLE_NS + 2);
	push(&r, 0, 6, REORDER_IDLE_NS + 3);
	EXPECT(&from, 100, 5, 6, 7);
	ck_assert_uint_eq(r.count.late + r.count.gaps + r.count.resyncs, 0);
	/* Within the idle time a packet sent before the base is simply late; one delivered since, a copy. */
	push_sent(&r, 0, 4, 2 * REORDER_IDLE_NS, REORDER_IDLE_NS);
	push_sent(&r, 0, 5, 2 * REORDER_IDLE_NS, REORDER_IDLE_NS + 1);
	EXPECT(&from, 4);
	ck_assert_uint_eq(r.count.late, 1);
	ck_assert_uint_eq(r.count.dropped, 1);
	/* What an idle bucket still held goes out before its new base. */
	reorder_set_hold(&r, 10 * REORDER_IDLE_NS);
	push(&r, 0, 9, 2 * REORDER_IDLE_NS);
	push(&r, 0, 3000, 4 * REORDER_IDLE_NS);
	EXPECT(&from, 9, 3000);
	ck_assert_uint_eq(r.nheld, 0);
	reorder_free(&r);
}
END_TEST

START_TEST(resync_after_a_sender_restart)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	for (unsigned s = 20000; s < 20010; s++)
		push(&r, 0, (uint16_t)s, 0);
	push(&r, 0, 20011, 0); /* held: the old sender's last, whose gap never fills */
	from = rec.n;
	/* The new counter starts at 0, far behind, and its packets are reordered too. */
	push(&r, 0, 1, 1);
	push(&r, 0, 0, 2);
	push_sent(&r, 0, 20005, 2, 0); /* an old copy in between (dropped) breaks nothing */
	push(&r, 0, 3, 3);
	EXPECT(&from, 1, 0, 3);
	ck_assert_uint_eq(r.count.dropped, 1);
	ck_assert_uint_eq(r.count.resyncs, 0);
	push(&r, 0, 2, 4); /* the fourth far-behind one: rebase at 4 */
	EXPECT(&from, 2, 20011);
	ck_assert_uint_eq(r.count.resyncs, 1);
	ck_assert_uint_eq(r.count.late, 4);
	push(&r, 0, 5, 5);
	EXPECT_NONE(&from);
	push(&r, 0, 4, 6);
	EXPECT(&from, 4, 5);
	ck_assert_uint_eq(r.count.late, 4);

	/* A restart far ahead of the old counter rebases at once. */
	push(&r, 1, 60000, 10);
	push(&r, 1, 0, 11);
	ck_assert_uint_eq(r.count.resyncs, 2);
	push(&r, 1, 2, 12);
	push(&r, 1, 1, 13);
	EXPECT(&from, 60000, 0, 1, 2);
	/* One landing just ahead is held like reordering, until the first deadline. */
	push(&r, 2, 65000, 20);
	push(&r, 2, 1, 21);
	push(&r, 2, 0, 22);
	EXPECT(&from, 65000);
	tick(&r, 21 + 10 * MS);
	EXPECT(&from, 0, 1);
	push(&r, 2, 3, 11 * MS);
	push(&r, 2, 2, 11 * MS);
	EXPECT(&from, 2, 3);
	ck_assert_uint_eq(r.count.late, 4);
	reorder_free(&r);
}
END_TEST

START_TEST(reset_forgets_everything)
{
	static struct reorder r;
	unsigned from = 0;

	setup(&r, REORDER_SLOTS, 10 * MS);
	push(&r, 0, 0, 0);
	push(&r, 0, 2, 0);
	push(&r, 1, 0, 0);
	push(&r, 1, 2, 0);
	from = rec.n;
	reorder_reset(&r);
	EXPECT_NONE(&from);
	ck_assert_uint_eq(r.nheld, 0);
	ck_assert_uint_eq(reorder_next_deadline(&r), UINT64_MAX);
	push(&r, 0, 500, 1);
	push(&r, 1, 1, 1);
	EXPECT(&from, 500, 1);
	ck_assert_uint_eq(r.count.held, 2); /* counters survive */
	reorder_free(&r);
}
END_TEST

static uint32_t rnd(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * A random multipath stream: NB buckets spread over the table, PER packets each, sent
 * one every `spacing` ns in random bucket order, each delayed by a random amount up to
 * `jitter` (a permutation within a window) and some dropped; some of the others come
 * twice, the copy with its own delay (a resend, before or after its original). Arrivals are pushed in
 * order and the caller's timer is played exactly: every deadline up to an arrival is
 * ticked at its own time first.
 */
enum { NB = 48, PER = 2500, NPKT = NB * PER };

struct sim_pkt {
	uint64_t arrival;
	uint64_t sent; /* its stamp: a copy's is its original's */
	uint32_t id; /* bucket index * PER + the packet's index in its bucket */
	bool dropped;
	bool copy; /* a second copy of a packet not dropped */
};

static struct sim_pkt sim[2 * NPKT];
static unsigned nsim, ncopies;
static uint64_t sim_arrival[NPKT];

static int by_arrival(const void *a, const void *b)
{
	const struct sim_pkt *x = a, *y = b;

	if (x->arrival != y->arrival)
		return x->arrival < y->arrival ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static unsigned bucket_of(unsigned bi)
{
	return bi * 21 + 5;
}

static uint16_t seq_of(unsigned bi, unsigned k)
{
	/* Bucket 0 starts just before the wrap; the others anywhere. */
	return (uint16_t)(bi == 0 ? 65536 - PER / 2 + k : bi * 40503u + k);
}

static void run_sim(struct reorder *r, uint64_t hold, uint64_t jitter, unsigned drop_pct, unsigned copy_pct,
		    uint32_t seed)
{
	unsigned sent[NB] = {0};
	uint32_t st = seed;

	setup(r, REORDER_SLOTS, hold);
	nsim = NPKT;
	ncopies = 0;
	for (unsigned n = 0; n < NPKT; n++) {
		unsigned bi = rnd(&st) % NB;

		while (sent[bi] == PER)
			bi = (bi + 1) % NB;
		sim[n].id = bi * PER + sent[bi]++;
		sim[n].sent = MS + n * 20000ull;
		sim[n].arrival = sim[n].sent + rnd(&st) % (jitter + 1);
		/* A bucket's first arrival is its base: let that be its first packet. */
		if (sim[n].id % PER == 0)
			sim[n].arrival = 0;
		sim[n].dropped = sim[n].id % PER != 0 && rnd(&st) % 100 < drop_pct;
		sim[n].copy = false;
		sim_arrival[sim[n].id] = sim[n].arrival;
		if (!sim[n].dropped && sim[n].id % PER != 0 && rnd(&st) % 100 < copy_pct) {
			sim[nsim] = sim[n];
			sim[nsim].copy = true;
			sim[nsim].arrival = sim[n].sent + rnd(&st) % (jitter + 1);
			nsim++;
			ncopies++;
		}
	}
	qsort(sim, nsim, sizeof(sim[0]), by_arrival);
	for (unsigned n = 0; n < nsim; n++) {
		unsigned bi = sim[n].id / PER, k = sim[n].id % PER;
		uint64_t dl;

		if (sim[n].dropped)
			continue;
		while ((dl = reorder_next_deadline(r)) <= sim[n].arrival) {
			uint32_t before = r->nheld;

			tick(r, dl);
			CHECK(r->nheld < before); /* the deadline was a real one */
		}
		push_len(r, bucket_of(bi), sim[n].id, seq_of(bi, k), sim[n].arrival, sim[n].sent,
			 12 + sim[n].id % (SLOT - 11));
	}
	for (uint64_t dl; (dl = reorder_next_deadline(r)) != UINT64_MAX;)
		tick(r, dl);
	ck_assert_uint_eq(r->nheld, 0);
}

/* Every packet not dropped delivered exactly once; returns how many went out of order. */
static unsigned check_sim(void)
{
	static unsigned char seen[NPKT];
	int top[NB];
	unsigned n_sent = 0, out_of_order = 0;

	memset(seen, 0, sizeof(seen));
	for (unsigned b = 0; b < NB; b++)
		top[b] = -1;
	for (unsigned n = 0; n < nsim; n++)
		n_sent += !sim[n].dropped && !sim[n].copy;
	ck_assert_uint_eq(rec.n, n_sent);
	for (unsigned i = 0; i < rec.n; i++) {
		uint32_t id = rec.got[i].id;
		unsigned bi = id / PER, k = id % PER;

		CHECK(id < NPKT);
		CHECK(!seen[id]);
		seen[id] = 1;
		CHECK(rec.got[i].bucket == bucket_of(bi));
		CHECK(rec.got[i].seq == seq_of(bi, k));
		if ((int)k < top[bi])
			out_of_order++;
		else
			top[bi] = (int)k;
	}
	for (unsigned n = 0; n < nsim; n++)
		CHECK(sim[n].copy || seen[sim[n].id] == !sim[n].dropped);
	return out_of_order;
}

START_TEST(random_reordering_with_a_long_hold_is_undone)
{
	static struct reorder r;
	int prev[NB];

	run_sim(&r, UINT64_MAX / 2, 5 * MS, 0, 0, 1);
	ck_assert_uint_eq(check_sim(), 0);
	ck_assert_uint_gt(r.count.held, NPKT / 4);
	ck_assert_uint_eq(r.count.late + r.count.gaps + r.count.released_late + r.count.overflow, 0);
	/* Nothing missing either: each bucket is exactly 0, 1, 2, ... */
	for (unsigned b = 0; b < NB; b++)
		prev[b] = -1;
	for (unsigned i = 0; i < rec.n; i++) {
		unsigned bi = rec.got[i].id / PER;

		CHECK((int)(rec.got[i].id % PER) == prev[bi] + 1);
		prev[bi]++;
	}
	reorder_free(&r);
}
END_TEST

START_TEST(random_loss_with_a_long_hold_loses_nothing_else)
{
	static struct reorder r;

	/* Lost packets' gaps never fill: only the full pool moves them on. */
	run_sim(&r, UINT64_MAX / 2, 5 * MS, 3, 0, 2);
	ck_assert_uint_eq(check_sim(), r.count.late);
	ck_assert_uint_gt(r.count.overflow, 0);
	reorder_free(&r);
}
END_TEST

/* A hold longer than the jitter: gaps are skipped only for lost packets, and in time. */
START_TEST(random_loss_with_a_sufficient_hold_stays_in_order)
{
	static struct reorder r;

	run_sim(&r, 5 * MS + 1, 5 * MS, 3, 0, 3);
	ck_assert_uint_eq(check_sim(), 0);
	ck_assert_uint_eq(r.count.late + r.count.overflow, 0);
	/* Every gap given up held at least one lost packet. */
	ck_assert_uint_gt(r.count.gaps, NPKT / 100);
	ck_assert_uint_le(r.count.gaps, NPKT - rec.n);
	for (unsigned i = 0; i < rec.n; i++)
		CHECK(rec.at[i] - sim_arrival[rec.got[i].id] <= 5 * MS + 1);
	reorder_free(&r);
}
END_TEST

/* A hold shorter than the jitter: some packets come after their gap was given up. */
START_TEST(random_loss_with_a_short_hold_is_late_but_complete)
{
	static struct reorder r;

	run_sim(&r, 1 * MS, 5 * MS, 3, 0, 4);
	ck_assert_uint_eq(check_sim(), r.count.late);
	ck_assert_uint_gt(r.count.late, 100);
	ck_assert_uint_eq(r.count.overflow, 0);
	for (unsigned i = 0; i < rec.n; i++)
		CHECK(rec.at[i] - sim_arrival[rec.got[i].id] <= 1 * MS);
	reorder_free(&r);
}
END_TEST

/*
 * Random operations on a tiny pool, hold changes, resets and sequence jumps included:
 * every packet pushed is delivered once, dropped as a duplicate, still held, or
 * discarded by a reset, and a tick at the announced deadline always releases something.
 */
/* Resends that overtake their originals, or come after them, reach the flow once. */
START_TEST(random_second_copies_are_dropped)
{
	static struct reorder r;

	run_sim(&r, 5 * MS + 1, 5 * MS, 3, 10, 5);
	ck_assert_uint_gt(ncopies, NPKT / 20);
	ck_assert_uint_eq(check_sim(), r.count.late);
	ck_assert_uint_eq(r.count.dropped, ncopies);
	reorder_free(&r);
	/* A short hold: gaps given up before their packet or its copy comes. */
	run_sim(&r, 1 * MS, 5 * MS, 3, 10, 6);
	ck_assert_uint_eq(check_sim(), r.count.late);
	ck_assert_uint_gt(r.count.late, 100);
	ck_assert_uint_eq(r.count.dropped, ncopies);
	reorder_free(&r);
}
END_TEST

START_TEST(random_operations_keep_the_books)
{
	static struct reorder r;
	uint16_t next[4] = {0, 100, 65500, 40000};
	uint64_t now = 0, pushed = 0, discarded = 0;
	const uint64_t holds[] = {0, 1000, 50000, UINT64_MAX / 2};
	uint32_t st = 99;

	setup(&r, 8, 50000);
	for (unsigned op = 0; op < 300000; op++) {
		uint32_t x = rnd(&st);
		unsigned b = x % 4;

		now += rnd(&st) % 3000;
		if (x % 1000 == 0) {
			discarded += r.nheld;
			reorder_reset(&r);
		} else if (x % 97 == 0) {
			reorder_set_hold(&r, holds[(x >> 8) % 4]);
		} else if (x % 13 == 0) {
			uint64_t dl = reorder_next_deadline(&r);

			if (dl <= now) {
				uint32_t before = r.nheld;

				tick(&r, dl);
				CHECK(r.nheld < before);
			}
		} else {
			int step = (x >> 8) % 64 == 0 ? (int)(rnd(&st) % 65536) : (int)((x >> 16) % 24) - 6;
			uint16_t seq = (uint16_t)(next[b] + step);

			if (step > 0)
				next[b] = (uint16_t)(next[b] + 1);
			push_len(&r, b * 256, (uint32_t)pushed, seq, now, now, 12 + x % (SLOT - 11));
			pushed++;
		}
		CHECK(r.nheld <= 8);
		CHECK(rec.n + r.count.dropped + r.nheld + discarded == pushed);
		CHECK((r.nheld == 0) == (reorder_next_deadline(&r) == UINT64_MAX));
		if (rec.n > MAXREC - 100) { /* keep the books, not the log */
			pushed -= rec.n;
			rec.n = 0;
		}
	}
	reorder_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reorder");
	TCase *tc = tcase_create("reorder");

	tcase_add_test(tc, in_order_passes_straight_through);
	tcase_add_test(tc, a_swap_delivers_both_on_the_first);
	tcase_add_test(tc, a_gap_filled_before_the_deadline);
	tcase_add_test(tc, a_gap_given_up_at_the_deadline);
	tcase_add_test(tc, a_gap_older_than_the_watermark_is_given_up_at_once);
	tcase_add_test(tc, further_gaps_go_only_when_due);
	tcase_add_test(tc, buckets_are_independent);
	tcase_add_test(tc, sequence_wraps_around);
	tcase_add_test(tc, duplicates_of_held_packets_are_dropped);
	tcase_add_test(tc, late_arrivals_are_delivered_and_counted);
	tcase_add_test(tc, late_arrivals_are_delivered_once);
	tcase_add_test(tc, hold_zero_still_drops_second_copies);
	tcase_add_test(tc, a_restarted_sender_is_not_taken_for_copies);
	tcase_add_test(tc, a_new_base_forgets_what_was_delivered);
	tcase_add_test(tc, hold_zero_passes_everything);
	tcase_add_test(tc, hold_changes_apply_to_waiting_packets);
	tcase_add_test(tc, oversize_packets_are_not_held);
	tcase_add_test(tc, a_full_pool_loses_nothing);
	tcase_add_test(tc, more_than_the_pool_is_delivered_exactly_once);
	tcase_add_test(tc, resync_after_idle);
	tcase_add_test(tc, resync_after_a_sender_restart);
	tcase_add_test(tc, reset_forgets_everything);
	tcase_add_test(tc, random_reordering_with_a_long_hold_is_undone);
	tcase_add_test(tc, random_loss_with_a_long_hold_loses_nothing_else);
	tcase_add_test(tc, random_loss_with_a_sufficient_hold_stays_in_order);
	tcase_add_test(tc, random_loss_with_a_short_hold_is_late_but_complete);
	tcase_add_test(tc, random_second_copies_are_dropped);
	tcase_add_test(tc, random_operations_keep_the_books);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
