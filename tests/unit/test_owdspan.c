/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one-way delay range that tells a queue's overflow from a random loss, on a synthetic clock. */
#include "owdspan.h"
#include "unit.h"

#define MS 1000000ull

/* A clock offset that puts the delays across the 32-bit wrap. */
#define OFFSET (0xffffffffu - 40000u)

/* A loss-based sender's queue: 20 ms of base delay, the queue swinging between 50 and 100 ms. */
static void sawtooth(struct owdspan *s, uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t < to; t += MS) {
		uint32_t queue_us = 50000 + (uint32_t)((t / MS) % 500) * 100;

		owdspan_note(s, OFFSET + 20000 + queue_us, t);
	}
}

START_TEST(a_frame_after_an_overflow_is_at_the_top_and_a_random_loss_is_not)
{
	struct owdspan s = { 0 };

	sawtooth(&s, 0, 3000 * MS);
	/* Admitted just after the full queue dropped a frame: about 100 ms of queue. */
	ck_assert(owdspan_at_top(&s, OFFSET + 20000 + 99800));
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 20000 + 99800), 49800);
	/* Lost at random while the queue was 60 or 85 ms long. */
	ck_assert(!owdspan_at_top(&s, OFFSET + 20000 + 60000));
	ck_assert(!owdspan_at_top(&s, OFFSET + 20000 + 85000));
	ck_assert(owdspan_at_top(&s, OFFSET + 20000 + 88000));
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 20000 + 40000), 0);
}
END_TEST

START_TEST(a_queue_that_fills_for_the_first_time_is_at_the_top)
{
	struct owdspan s = { 0 };
	uint64_t t = 0;

	for (; t < 500 * MS; t += MS)
		owdspan_note(&s, OFFSET + 20000, t);
	/* A startup fills the queue within a round trip: each frame is the longest yet. */
	for (uint32_t q = 0; q <= 100000; q += 2000, t += MS) {
		owdspan_note(&s, OFFSET + 20000 + q, t);
		ck_assert(owdspan_at_top(&s, OFFSET + 20000 + q));
		ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 20000 + q), q);
	}
}
END_TEST

START_TEST(the_range_forgets_what_is_two_buckets_old)
{
	struct owdspan s = { 0 };
	uint64_t t = 0;

	owdspan_note(&s, 150000, t);
	owdspan_note(&s, 50000, t + MS);
	/* The next bucket: the 150 ms frame still counts. */
	t += OWDSPAN_BUCKET_NS;
	owdspan_note(&s, 60000, t);
	ck_assert(!owdspan_at_top(&s, 100000));
	/* The one after: it no longer does, and 100 ms is the top of 50..100. */
	t += OWDSPAN_BUCKET_NS;
	owdspan_note(&s, 100000, t);
	ck_assert(owdspan_at_top(&s, 100000));
	ck_assert_uint_eq(owdspan_above_low(&s, 100000), 40000);
	/* Quiet for two buckets: only what comes next counts. */
	t += 2 * OWDSPAN_BUCKET_NS;
	owdspan_note(&s, 70000, t);
	ck_assert(owdspan_at_top(&s, 70000));
	ck_assert_uint_eq(owdspan_above_low(&s, 70000), 0);
}
END_TEST

START_TEST(a_narrow_range_has_a_top_of_a_millisecond)
{
	struct owdspan s = { 0 };

	owdspan_note(&s, OFFSET + 10000, 0);
	owdspan_note(&s, OFFSET + 12000, MS);
	/* A quarter of 2 ms is less than OWDSPAN_TOP_MIN_US. */
	ck_assert(owdspan_at_top(&s, OFFSET + 11100));
	ck_assert(!owdspan_at_top(&s, OFFSET + 10900));
}
END_TEST

START_TEST(nothing_noted_is_the_top_of_nothing)
{
	struct owdspan s = { 0 };

	ck_assert(owdspan_at_top(&s, 12345));
	ck_assert_uint_eq(owdspan_above_low(&s, 12345), 0);
}
END_TEST

/* A longer span: the low of 10-20 s back is the base that a queue standing for seconds shows against. */
START_TEST(a_longer_bucket_keeps_the_low_for_longer)
{
	const uint64_t bucket = 10000 * MS;
	struct owdspan s = { 0 };
	uint64_t t = 0;

	owdspan_note_every(&s, OFFSET + 20000, t, bucket);
	for (t = MS; t < 3 * OWDSPAN_BUCKET_NS; t += 100 * MS)
		owdspan_note_every(&s, OFFSET + 45000, t, bucket); /* a queue of 25 ms for 6 s */
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 45000), 25000);
	for (; t < bucket + OWDSPAN_BUCKET_NS; t += 100 * MS)
		owdspan_note_every(&s, OFFSET + 45000, t, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 45000), 25000); /* the bucket before still counts */
	for (; t < 2 * bucket + OWDSPAN_BUCKET_NS; t += 100 * MS)
		owdspan_note_every(&s, OFFSET + 45000, t, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 45000), 0); /* 20 s of it: that is the path now */
}
END_TEST

/* A peer host that rebooted stamps by another clock: its delays jump, and the range starts over. */
START_TEST(a_new_clock_starts_the_range_over)
{
	const uint64_t bucket = 10000 * MS;
	const uint32_t back = 1000000000u; /* the peer's clock 1000 s behind: every delay 1000 s longer */
	struct owdspan s = { 0 };
	uint64_t t = 0;

	for (; t < 3 * OWDSPAN_BUCKET_NS; t += 100 * MS)
		owdspan_note_every(&s, OFFSET + 20000 + (uint32_t)(t / MS % 7) * 1000, t, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 26000), 6000);
	/* A queue of 9 s is still a queue. */
	owdspan_note_every(&s, OFFSET + 20000 + 9000000, t, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 20000 + 9000000), 9000000);
	/* 1000 s more is a clock, not a queue, across the 32-bit wrap too. */
	t += 100 * MS;
	owdspan_note_every(&s, OFFSET + back + 20000, t, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + back + 20000), 0);
	owdspan_note_every(&s, OFFSET + back + 25000, t + MS, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + back + 25000), 5000);
	ck_assert(owdspan_at_top(&s, OFFSET + back + 25000));
	/* And a clock that jumps the other way: the range starts at the new delays, not below them. */
	owdspan_note_every(&s, OFFSET + 30000, t + 2 * MS, bucket);
	owdspan_note_every(&s, OFFSET + 31000, t + 3 * MS, bucket);
	ck_assert_uint_eq(owdspan_above_low(&s, OFFSET + 31000), 1000);
	ck_assert(owdspan_at_top(&s, OFFSET + 31000));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("owdspan");
	TCase *tc = tcase_create("owdspan");

	tcase_add_test(tc, a_frame_after_an_overflow_is_at_the_top_and_a_random_loss_is_not);
	tcase_add_test(tc, a_queue_that_fills_for_the_first_time_is_at_the_top);
	tcase_add_test(tc, the_range_forgets_what_is_two_buckets_old);
	tcase_add_test(tc, a_narrow_range_has_a_top_of_a_millisecond);
	tcase_add_test(tc, nothing_noted_is_the_top_of_nothing);
	tcase_add_test(tc, a_longer_bucket_keeps_the_low_for_longer);
	tcase_add_test(tc, a_new_clock_starts_the_range_over);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
