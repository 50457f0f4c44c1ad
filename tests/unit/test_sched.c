/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scheduler: byte shares, smoothness, starvation, and paths going down and up. */
#include <stdlib.h>

#include "sched.h"
#include "unit.h"

#define MAX_PACKET 1500u

/* Deterministic packet sizes in 40..1500, mixing ACK-sized and full-sized packets. */
static uint32_t next_size(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	switch ((*state >> 16) % 4) {
	case 0:
		return 40 + (*state >> 8) % 40;
	case 1:
		return 40 + (*state >> 8) % (MAX_PACKET - 40 + 1);
	default:
		return MAX_PACKET;
	}
}

static void make(struct sched *s, unsigned n, const uint32_t *w)
{
	sched_init(s, n, w);
	for (unsigned i = 0; i < n; i++)
		sched_set_up(s, i, true);
}

START_TEST(byte_share_7500_2500)
{
	static const uint32_t w[] = { 7500, 2500 };
	uint64_t bytes[2] = { 0 }, total = 0, max_gap = 0, gap = 0;
	uint32_t seed = 1;
	struct sched s;

	make(&s, 2, w);
	for (int k = 0; k < 100000; k++) {
		uint32_t len = next_size(&seed);
		int p = sched_pick(&s, len);

		ck_assert(p == 0 || p == 1);
		bytes[p] += len;
		total += len;
		/* Bytes sent on path 0 since path 1 last got a packet: path 1 must never starve. */
		gap = p == 1 ? 0 : gap + len;
		if (gap > max_gap)
			max_gap = gap;
		/* At every moment each path is within one largest packet of its exact share. */
		ck_assert_int_le(llabs((long long)(bytes[1] * 4) - (long long)total), 4 * MAX_PACKET);
	}
	ck_assert_double_eq_tol((double)bytes[0] / (double)total, 0.75, 0.005);
	ck_assert_double_eq_tol((double)bytes[1] / (double)total, 0.25, 0.005);
	/* With a 3:1 ratio path 1 gets a packet at least every ~3 full packets of path 0 (+ slack). */
	ck_assert_uint_le(max_gap, 5 * MAX_PACKET);
}
END_TEST

/* Voice on path 0 outside the schedule (200 bytes every 20 ms) and bulk in it: 3:1 overall. */
START_TEST(bytes_sent_outside_the_schedule_count_in_the_share)
{
	static const uint32_t w[] = { 3, 1 };
	uint64_t bytes[2] = { 0 }, total = 0;
	struct sched s;

	make(&s, 2, w);
	for (int k = 0; k < 100000; k++) {
		int p;

		if (k % 5 == 0) {
			sched_charge(&s, 0, 200);
			bytes[0] += 200;
			total += 200;
		}
		p = sched_pick(&s, MAX_PACKET);
		bytes[p] += MAX_PACKET;
		total += MAX_PACKET;
		ck_assert_int_le(llabs((long long)(bytes[1] * 4) - (long long)total), 4 * MAX_PACKET);
	}
	ck_assert_double_eq_tol((double)bytes[0] / (double)total, 0.75, 0.005);
	/* A path that is down is not charged. */
	sched_set_up(&s, 1, false);
	sched_charge(&s, 1, 1000);
	ck_assert_int_eq(s.credit[1], 0);
}
END_TEST

/* Much more outside the schedule than a path's share: the debt is forgiven, not paid back for long. */
START_TEST(a_debt_beyond_the_limit_is_forgiven)
{
	static const uint32_t w[] = { 1, 1 };
	struct sched s;
	int got0 = 0;

	make(&s, 2, w);
	for (int k = 0; k < 1000; k++)
		sched_charge(&s, 0, MAX_PACKET); /* 1.5 MB on path 0 outside the schedule */
	ck_assert_int_ge(s.credit[0], -2 * SCHED_DEBT_MAX);
	for (int k = 0; k < 100; k++)
		got0 += sched_pick(&s, MAX_PACKET) == 0;
	/* It owes at most SCHED_DEBT_MAX: paid back within the first 100 packets, then 1:1. */
	ck_assert_int_ge(got0, 50 - SCHED_DEBT_MAX / MAX_PACKET - 1);
}
END_TEST

START_TEST(smooth_equal_sizes)
{
	static const uint32_t w[] = { 3, 1 };
	static const int expect[] = { 0, 0, 1, 0, 0, 0, 1, 0 };
	struct sched s;

	make(&s, 2, w);
	for (unsigned k = 0; k < sizeof(expect) / sizeof(expect[0]); k++)
		ck_assert_int_eq(sched_pick(&s, 1000), expect[k]);
}
END_TEST

START_TEST(equal_weights_alternate)
{
	static const uint32_t w[] = { 1, 1 };
	struct sched s;

	make(&s, 2, w);
	for (int k = 0; k < 100; k++)
		ck_assert_int_eq(sched_pick(&s, 1400), k % 2);
}
END_TEST

START_TEST(down_path_never_picked)
{
	static const uint32_t w[] = { 100, 300, 600 };
	uint32_t seed = 7;
	struct sched s;

	make(&s, 3, w);
	sched_set_up(&s, 2, false);
	for (int k = 0; k < 10000; k++)
		ck_assert_int_ne(sched_pick(&s, next_size(&seed)), 2);
	sched_set_up(&s, 0, false);
	sched_set_up(&s, 1, false);
	ck_assert_int_eq(sched_pick(&s, 100), -1);
}
END_TEST

START_TEST(path_back_up_gets_its_share_without_burst)
{
	static const uint32_t w[] = { 1, 1 };
	int run = 0, longest = 0, last = -1;
	struct sched s;

	make(&s, 2, w);
	sched_set_up(&s, 1, false);
	for (int k = 0; k < 1000; k++)
		ck_assert_int_eq(sched_pick(&s, 1000), 0);
	sched_set_up(&s, 1, true);
	for (int k = 0; k < 1000; k++) {
		int p = sched_pick(&s, 1000);

		run = p == last ? run + 1 : 1;
		last = p;
		if (run > longest)
			longest = run;
	}
	ck_assert_int_le(longest, 1);
}
END_TEST

START_TEST(eight_paths)
{
	uint32_t w[WIRE_MAX_PATHS], seed = 3, wsum = 0;
	uint64_t bytes[WIRE_MAX_PATHS] = { 0 }, total = 0;
	struct sched s;

	for (unsigned i = 0; i < WIRE_MAX_PATHS; i++) {
		w[i] = 1000 * (i + 1);
		wsum += w[i];
	}
	make(&s, WIRE_MAX_PATHS, w);
	for (int k = 0; k < 200000; k++) {
		uint32_t len = next_size(&seed);

		bytes[sched_pick(&s, len)] += len;
		total += len;
	}
	for (unsigned i = 0; i < WIRE_MAX_PATHS; i++)
		ck_assert_double_eq_tol((double)bytes[i] / (double)total, (double)w[i] / wsum, 0.001);
}
END_TEST

START_TEST(weight_change)
{
	static const uint32_t w[] = { 1, 1 };
	uint64_t bytes[2] = { 0 };
	struct sched s;

	make(&s, 2, w);
	sched_set_weight(&s, 1, 3);
	sched_set_weight(&s, 0, 0); /* refused: weights are 1..65535 */
	for (int k = 0; k < 4000; k++)
		bytes[sched_pick(&s, 1000)] += 1000;
	ck_assert_uint_eq(bytes[0], 1000000);
	ck_assert_uint_eq(bytes[1], 3000000);
}
END_TEST

START_TEST(extreme_weights_do_not_overflow)
{
	static const uint32_t w[] = { SCHED_MAX_WEIGHT, 1 };
	uint64_t bytes[2] = { 0 };
	struct sched s;

	make(&s, 2, w);
	for (int k = 0; k < 200000; k++)
		bytes[sched_pick(&s, 65535)] += 65535;
	/* Path 1's exact share is 200000 / 65536 = 3.05 packets: it must get 3 or 4, no more. */
	ck_assert_uint_ge(bytes[1] / 65535, 3);
	ck_assert_uint_le(bytes[1] / 65535, 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("sched");

	tcase_add_test(tc, byte_share_7500_2500);
	tcase_add_test(tc, bytes_sent_outside_the_schedule_count_in_the_share);
	tcase_add_test(tc, a_debt_beyond_the_limit_is_forgiven);
	tcase_add_test(tc, smooth_equal_sizes);
	tcase_add_test(tc, equal_weights_alternate);
	tcase_add_test(tc, down_path_never_picked);
	tcase_add_test(tc, path_back_up_gets_its_share_without_burst);
	tcase_add_test(tc, eight_paths);
	tcase_add_test(tc, weight_change);
	tcase_add_test(tc, extreme_weights_do_not_overflow);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
