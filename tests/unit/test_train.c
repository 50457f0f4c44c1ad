/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capacity trains: the rate from the spacing of frames sent back to back. */
#include "train.h"
#include "unit.h"

#define US 1000ull

/* Frames 1 .. n of a train from path_seq seq, each `gap_ns` after the last, timed by reads. */
static bool run(struct train_rx *t, uint32_t seq, unsigned n, uint32_t len, uint64_t start, uint64_t gap_ns)
{
	bool done = false;

	for (unsigned k = 1; k <= n; k++)
		done = train_on_frame(t, k, seq + k - 1, len, start + (k - 1) * gap_ns, false);
	return done;
}

/* A whole train timed on the wire, frame k at at_us[k - 1]. */
static bool run_wire(struct train_rx *t, uint32_t seq, uint32_t len, const uint64_t at_us[TRAIN_FRAMES])
{
	bool done = false;

	for (unsigned k = 1; k <= TRAIN_FRAMES; k++)
		done = train_on_frame(t, k, seq + k - 1, len, at_us[k - 1] * US, true);
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
	ck_assert(!train_on_frame(&t, 5, 204, 1500, 4000 * US, false));
	for (unsigned k = 6; k <= TRAIN_FRAMES; k++)
		ck_assert(!train_on_frame(&t, k, 200 + k - 1, 1500, k * 1000 * US, false));
	/* Another frame of the path between two of the train's (data sent meanwhile). */
	ck_assert(!run(&t, 300, 2, 1500, 0, 1000 * US));
	ck_assert(!train_on_frame(&t, 3, 303, 1500, 3000 * US, false));
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
	ck_assert(!train_on_frame(&t, TRAIN_FRAMES, TRAIN_FRAMES, 1500, (TRAIN_FRAMES - 2) * 600 * US + 10000 * US, false));
	/* Two read in one batch: the rest spaced as the path spaced them tells no rate either. */
	ck_assert(!train_on_frame(&t, 1, 50, 1500, 1000 * US, false));
	ck_assert(!train_on_frame(&t, 2, 51, 1500, 1000 * US, false));
	for (unsigned k = 3; k <= TRAIN_FRAMES; k++)
		ck_assert(!train_on_frame(&t, k, 50 + k - 1, 1500, (1000 + k * 240) * US, false));
	ck_assert_uint_eq(t.result_kbps, 0);
	/* A clock that went back within a train. */
	ck_assert(!run(&t, 1, TRAIN_FRAMES - 1, 1500, 5000 * US, 100 * US));
	ck_assert(!train_on_frame(&t, TRAIN_FRAMES, TRAIN_FRAMES, 1500, 1000 * US, false));
	ck_assert_uint_eq(t.result_kbps, 0);
	/* Read jitter within twice the narrowest gap passes: 1.6 ms gaps give or take 0.5 ms. */
	for (unsigned k = 1; k <= TRAIN_FRAMES; k++)
		ck_assert_int_eq(train_on_frame(&t, k, 900 + k, 1500, k * 1600 * US + (k % 2 ? 500 * US : 0), false),
				 k == TRAIN_FRAMES);
}
END_TEST

START_TEST(timed_on_the_wire_a_train_tells_fast_paths_by_a_fitted_line)
{
	struct train_rx t = { 0 };
	/* 1514-byte frames at 80 Mbit/s are 151 us apart; the fourth was held back and left with the fifth. */
	const uint64_t held_back[TRAIN_FRAMES] = { 0, 151, 302, 480, 490, 757, 908, 1060 };
	/* 50 Mbit/s, evenly: 1.7 ms in all, too short to trust read times with, not wire times. */
	const uint64_t even[TRAIN_FRAMES] = { 0, 242, 484, 727, 969, 1211, 1453, 1696 };
	/* Frames in bunches of two, as a NIC that coalesces interrupts hands them over: 0.4 ms in all. */
	const uint64_t bunched[TRAIN_FRAMES] = { 0, 10, 130, 140, 260, 270, 390, 400 };
	/* Released late, the last five went together (the fit says 120 Mbit/s) ... */
	const uint64_t late[TRAIN_FRAMES] = { 0, 151, 302, 640, 650, 660, 670, 680 };
	/* ... or with a hole before them (36 Mbit/s). */
	const uint64_t hole[TRAIN_FRAMES] = { 0, 151, 302, 453, 1900, 1910, 1920, 1930 };
	/* The same frames read one by one, 0.25 ms apart. */
	uint64_t read[TRAIN_FRAMES];

	ck_assert(run_wire(&t, 10, 1514, held_back));
	ck_assert_uint_eq(t.result_seq, 10);
	/* The fit says 149.76 us apart: 80.9 Mbit/s. */
	ck_assert_uint_eq(t.result_kbps, 80874);
	ck_assert(run_wire(&t, 20, 1514, even));
	ck_assert_uint_eq(t.result_seq, 20);
	ck_assert_uint_ge(t.result_kbps, 49000);
	ck_assert_uint_le(t.result_kbps, 51000);
	ck_assert(!run_wire(&t, 30, 1514, bunched));
	ck_assert(!run_wire(&t, 35, 1514, late));
	ck_assert(!run_wire(&t, 36, 1514, hole));
	ck_assert_uint_eq(t.result_seq, 20);
	/* Timed by reads, none of them tells a rate. */
	for (unsigned k = 0; k < TRAIN_FRAMES; k++)
		read[k] = k * 250;
	ck_assert(!run(&t, 40, TRAIN_FRAMES, 1514, 0, 250 * US));
	ck_assert(run_wire(&t, 40, 1514, read));
	ck_assert_uint_eq(t.result_kbps, 1514 * 8 * 1000 / 250);
	/* Two with one time spoil the train as much as when read in one batch. */
	read[3] = read[2];
	ck_assert(!run_wire(&t, 50, 1514, read));
	ck_assert_uint_eq(t.result_seq, 40);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("train");
	TCase *tc = tcase_create("train");

	tcase_add_test(tc, the_spacing_of_a_whole_train_is_the_rate);
	tcase_add_test(tc, a_lost_or_reordered_frame_spoils_its_train_only);
	tcase_add_test(tc, frames_that_came_together_or_far_apart_tell_no_rate);
	tcase_add_test(tc, timed_on_the_wire_a_train_tells_fast_paths_by_a_fitted_line);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
