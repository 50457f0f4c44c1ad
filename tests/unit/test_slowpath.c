/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths too slow to share a flow with the fastest, with hysteresis. */
#include "slowpath.h"
#include "unit.h"

#define MS 1000000ull

START_TEST(a_path_far_above_the_fastest_base_is_slow_until_near_it_again)
{
	bool cand[3] = { true, true, true }, slow[3] = { false, false, false };
	uint64_t rtt[3] = { 20 * MS, 40 * MS, 270 * MS }, base[3] = { 20 * MS, 40 * MS, 200 * MS };

	ck_assert_uint_eq(slowpath_update(3, cand, rtt, base, slow), 0); /* 250 ms above: not yet */
	rtt[2] = 271 * MS;
	ck_assert_uint_eq(slowpath_update(3, cand, rtt, base, slow), 1u << 2);
	ck_assert(!slow[0] && !slow[1] && slow[2]);
	rtt[2] = 221 * MS; /* between the thresholds: stays */
	ck_assert_uint_eq(slowpath_update(3, cand, rtt, base, slow), 0);
	ck_assert(slow[2]);
	rtt[2] = 220 * MS;
	ck_assert_uint_eq(slowpath_update(3, cand, rtt, base, slow), 1u << 2);
	ck_assert(!slow[2]);
}
END_TEST

START_TEST(the_fastest_paths_queue_does_not_bring_a_slow_path_back)
{
	bool cand[2] = { true, true }, slow[2] = { false, false };
	uint64_t rtt[2] = { 27 * MS, 290 * MS }, base[2] = { 20 * MS, 40 * MS };

	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 1u << 1);
	rtt[0] = 107 * MS; /* a flow's queue on path 1 */
	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 0);
	ck_assert(slow[1]);
}
END_TEST

START_TEST(the_fastest_is_never_slow)
{
	bool cand[2] = { true, true }, slow[2] = { false, false };
	uint64_t rtt[2] = { 20 * MS, 600 * MS }, base[2] = { 20 * MS, 600 * MS };

	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 1u << 1);
	/* Path 1 down: path 2 is all there is, and not slow. */
	cand[0] = false;
	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 1u << 1);
	ck_assert(!slow[0] && !slow[1]);
	/* Path 1 back with a queue 300 ms deep: as the one of lowest RTT, it carries data. */
	cand[0] = true;
	rtt[0] = 320 * MS;
	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 1u << 1);
	ck_assert(!slow[0] && slow[1]);
	/* Both far above the lowest base: the faster of them carries data, whichever it is. */
	rtt[1] = 300 * MS;
	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 1u << 0 | 1u << 1);
	ck_assert(slow[0] && !slow[1]);
}
END_TEST

START_TEST(a_path_out_for_another_reason_is_not_slow)
{
	bool cand[2] = { true, true }, slow[2] = { false, false };
	uint64_t rtt[2] = { 20 * MS, 600 * MS }, base[2] = { 20 * MS, 600 * MS };

	slowpath_update(2, cand, rtt, base, slow);
	ck_assert(slow[1]);
	cand[1] = false; /* down: judged afresh once it is a candidate again */
	ck_assert_uint_eq(slowpath_update(2, cand, rtt, base, slow), 1u << 1);
	ck_assert(!slow[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("slowpath");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, a_path_far_above_the_fastest_base_is_slow_until_near_it_again);
	tcase_add_test(tc, the_fastest_paths_queue_does_not_bring_a_slow_path_back);
	tcase_add_test(tc, the_fastest_is_never_slow);
	tcase_add_test(tc, a_path_out_for_another_reason_is_not_slow);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
