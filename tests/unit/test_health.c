/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path liveness on a synthetic clock. */
#include "health.h"
#include "unit.h"

#define S 1000000000ull

START_TEST(configured_peer_starts_up_and_goes_down_when_silent)
{
	struct health h;

	health_init(&h, true, 3 * S, 100 * S);
	ck_assert_int_eq(h.state, PATH_UP);
	ck_assert(!health_tick(&h, 103 * S)); /* exactly down_after: still up */
	ck_assert(health_tick(&h, 103 * S + 1));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_tick(&h, 200 * S)); /* reported once */
	ck_assert(health_on_rx(&h, 201 * S));
	ck_assert_int_eq(h.state, PATH_UP);
	ck_assert(!health_on_rx(&h, 202 * S));
	ck_assert(!health_tick(&h, 205 * S));
	ck_assert(health_tick(&h, 206 * S));
}
END_TEST

START_TEST(accepting_side_waits_for_the_peer)
{
	struct health h;

	health_init(&h, false, 3 * S, 0);
	ck_assert_int_eq(h.state, PATH_WAITING);
	ck_assert(!health_tick(&h, 1000 * S)); /* nothing to lose while waiting */
	ck_assert_int_eq(h.state, PATH_WAITING);
	ck_assert(health_on_rx(&h, 1000 * S));
	ck_assert_int_eq(h.state, PATH_UP);
}
END_TEST

START_TEST(traffic_keeps_a_path_up)
{
	struct health h;

	health_init(&h, true, 3 * S, 0);
	for (uint64_t t = 0; t < 100 * S; t += S / 2) {
		health_on_rx(&h, t);
		ck_assert(!health_tick(&h, t + S));
	}
	ck_assert_int_eq(h.state, PATH_UP);
}
END_TEST

START_TEST(clock_never_goes_back)
{
	struct health h;

	health_init(&h, true, 3 * S, 10 * S);
	health_on_rx(&h, 5 * S); /* older than the start: ignored */
	ck_assert_uint_eq(h.last_rx, 10 * S);
	ck_assert(!health_tick(&h, 9 * S));
	ck_assert_str_eq(health_state_name(PATH_DOWN), "down");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("health");

	tcase_add_test(tc, configured_peer_starts_up_and_goes_down_when_silent);
	tcase_add_test(tc, accepting_side_waits_for_the_peer);
	tcase_add_test(tc, traffic_keeps_a_path_up);
	tcase_add_test(tc, clock_never_goes_back);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
