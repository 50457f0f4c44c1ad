/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capacity trains: the rate from the spacing of frames sent back to back. */
#include "train.h"
#include "unit.h"

#define US 1000ull

/* Frames 1 .. n of a train from path_seq seq, each `gap_ns` after the last. */
static bool run(struct train_rx *t, uint32_t seq, unsigned n, uint32_t len, uint64_t start, uint64_t gap_ns)
{
	bool done = false;

	for (unsigned k = 1; k <= n; k++)
		done = train_on_frame(t, k, seq + k - 1, len, start + (k - 1) * gap_ns);
	return done;
}

START_TEST(the_spacing_of_a_whole_train_is_the_rate)
{
	struct train_rx t = { 0 };

	/* 1500-byte frames 4.8 ms apart: 2.5 Mbit/s. */
	ck_assert(run(&t, 100, TRAIN_FRAMES, 1500, 1000 * US, 4800 * US));
	ck_assert_uint_eq(t.result_seq, 100);
	ck_assert_uint_eq(t.result_kbps, 2500);
	/* The path_seq wraps within a train. */
	ck_assert(run(&t, UINT32_MAX - 2, TRAIN_FRAMES, 1500, 90000 * US, 1600 * US));
	ck_assert_uint_eq(t.result_seq, UINT32_MAX - 2);
	ck_assert_uint_eq(t.result_kbps, 7500);
}
END_TEST

START_TEST(a_lost_or_reordered_frame_spoils_its_train_only)
{
	struct train_rx t = { 0 };

	ck_assert(run(&t, 100, TRAIN_FRAMES, 1500, 0, 4800 * US));
	/* Frame 4 lost: frame 5 comes with the next path_seq but the wrong index. */
	ck_assert(!run(&t, 200, 3, 1500, 0, 1000 * US));
	ck_assert(!train_on_frame(&t, 5, 204, 1500, 4000 * US));
	for (unsigned k = 6; k <= TRAIN_FRAMES; k++)
		ck_assert(!train_on_frame(&t, k, 200 + k - 1, 1500, k * 1000 * US));
	/* Another frame of the path between two of the train's (data sent meanwhile). */
	ck_assert(!run(&t, 300, 2, 1500, 0, 1000 * US));
	ck_assert(!train_on_frame(&t, 3, 303, 1500, 3000 * US));
	/* The last whole train's result stands, for the reports. */
	ck_assert_uint_eq(t.result_seq, 100);
	ck_assert_uint_eq(t.result_kbps, 2500);
	/* A new train starts afresh. */
	ck_assert(run(&t, 400, TRAIN_FRAMES, 1000, 0, 800 * US));
	ck_assert_uint_eq(t.result_seq, 400);
	ck_assert_uint_eq(t.result_kbps, 10000);
	/* 20 Mbit/s: 4.2 ms in all, long enough. */
	ck_assert(run(&t, 500, TRAIN_FRAMES, 1500, 0, 600 * US));
	ck_assert_uint_eq(t.result_kbps, 20000);
}
END_TEST

START_TEST(frames_that_came_together_or_far_apart_tell_no_rate)
{
	struct train_rx t = { 0 };

	ck_assert(!run(&t, 1, TRAIN_FRAMES, 1500, 5000 * US, 0));
	ck_assert(!run(&t, 1, TRAIN_FRAMES, 1500, 0, TRAIN_SPAN_MAX_NS / (TRAIN_FRAMES - 1) + 1));
	/* 50 Mbit/s: 0.24 ms apart, 1.7 ms in all, too short to trust read times with. */
	ck_assert(!run(&t, 1, TRAIN_FRAMES, 1500, 0, 240 * US));
	/* A late read: the last frame 10 ms behind 0.6 ms gaps (the span looks like 2.5 Mbit/s). */
	ck_assert(!run(&t, 1, TRAIN_FRAMES - 1, 1500, 0, 600 * US));
	ck_assert(!train_on_frame(&t, TRAIN_FRAMES, TRAIN_FRAMES, 1500, (TRAIN_FRAMES - 2) * 600 * US + 10000 * US));
	/* Two read in one batch: the rest spaced as the path spaced them tells no rate either. */
	ck_assert(!train_on_frame(&t, 1, 50, 1500, 1000 * US));
	ck_assert(!train_on_frame(&t, 2, 51, 1500, 1000 * US));
	for (unsigned k = 3; k <= TRAIN_FRAMES; k++)
		ck_assert(!train_on_frame(&t, k, 50 + k - 1, 1500, (1000 + k * 240) * US));
	ck_assert_uint_eq(t.result_kbps, 0);
	/* A clock that went back within a train. */
	ck_assert(!run(&t, 1, TRAIN_FRAMES - 1, 1500, 5000 * US, 100 * US));
	ck_assert(!train_on_frame(&t, TRAIN_FRAMES, TRAIN_FRAMES, 1500, 1000 * US));
	ck_assert_uint_eq(t.result_kbps, 0);
	/* Read jitter within twice the narrowest gap passes: 1.6 ms gaps give or take 0.5 ms. */
	for (unsigned k = 1; k <= TRAIN_FRAMES; k++)
		ck_assert_int_eq(train_on_frame(&t, k, 900 + k, 1500, k * 1600 * US + (k % 2 ? 500 * US : 0)),
				 k == TRAIN_FRAMES);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("train");
	TCase *tc = tcase_create("train");

	tcase_add_test(tc, the_spacing_of_a_whole_train_is_the_rate);
	tcase_add_test(tc, a_lost_or_reordered_frame_spoils_its_train_only);
	tcase_add_test(tc, frames_that_came_together_or_far_apart_tell_no_rate);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
