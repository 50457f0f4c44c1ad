/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One log line per quiet interval for a flapping state. */
#include "loglimit.h"
#include "unit.h"

#define S 1000000000ull

START_TEST(a_flapping_state_is_told_once_per_interval_and_caught_up)
{
	struct loglimit g = { 0 };
	unsigned held = 99;

	ck_assert(loglimit_change(&g, true, 5 * S, 10 * S, &held)); /* the first change: told */
	ck_assert_uint_eq(held, 0);
	ck_assert(!loglimit_catch_up(&g, true, 6 * S, 10 * S, &held));
	/* Back and forth four times within the interval: held. */
	for (unsigned k = 0; k < 4; k++)
		ck_assert(!loglimit_change(&g, k % 2 == 0 ? false : true, (6 + k) * S, 10 * S, &held));
	/* It ended where the last line left it: nothing to catch up. */
	ck_assert(!loglimit_catch_up(&g, true, 20 * S, 10 * S, &held));
	/* The next change after the interval is told, with the four before it. */
	ck_assert(loglimit_change(&g, false, 21 * S, 10 * S, &held));
	ck_assert_uint_eq(held, 4);
	/* A change held, then the interval ends in the other state: caught up at a tick. */
	ck_assert(!loglimit_change(&g, true, 22 * S, 10 * S, &held));
	ck_assert(!loglimit_catch_up(&g, true, 30 * S, 10 * S, &held)); /* not over yet */
	ck_assert(loglimit_catch_up(&g, true, 31 * S, 10 * S, &held));
	ck_assert_uint_eq(held, 0); /* the one held is the one this line tells */
	ck_assert(!loglimit_catch_up(&g, true, 45 * S, 10 * S, &held));
}
END_TEST

START_TEST(nothing_said_yet_is_nothing_to_catch_up)
{
	struct loglimit g = { 0 };
	unsigned held;

	ck_assert(!loglimit_catch_up(&g, true, 100 * S, 10 * S, &held));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loglimit");
	TCase *tc = tcase_create("loglimit");

	tcase_add_test(tc, a_flapping_state_is_told_once_per_interval_and_caught_up);
	tcase_add_test(tc, nothing_said_yet_is_nothing_to_catch_up);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
