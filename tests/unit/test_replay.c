/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replay window: duplicates, window edges, reordering inside the window, ring wrap-around. */
#include <stdlib.h>

#include "replay.h"
#include "unit.h"

static enum replay_verdict accept(struct replay *r, uint64_t c)
{
	enum replay_verdict v = replay_check(r, c);

	if (v == REPLAY_OK)
		replay_commit(r, c);
	return v;
}

START_TEST(duplicates_are_refused)
{
	struct replay r;

	replay_init(&r);
	ck_assert_int_eq(accept(&r, 0), REPLAY_OK);
	ck_assert_int_eq(accept(&r, 0), REPLAY_DUPLICATE);
	ck_assert_int_eq(accept(&r, 5), REPLAY_OK);
	ck_assert_int_eq(accept(&r, 3), REPLAY_OK);
	ck_assert_int_eq(accept(&r, 3), REPLAY_DUPLICATE);
	ck_assert_int_eq(accept(&r, 5), REPLAY_DUPLICATE);
	ck_assert_int_eq(accept(&r, 4), REPLAY_OK);
}
END_TEST

START_TEST(check_changes_nothing)
{
	struct replay r;

	replay_init(&r);
	ck_assert_int_eq(replay_check(&r, 100), REPLAY_OK);
	ck_assert_int_eq(replay_check(&r, 100), REPLAY_OK); /* a forged packet left no trace */
	replay_commit(&r, 100);
	ck_assert_int_eq(replay_check(&r, 100), REPLAY_DUPLICATE);
}
END_TEST

START_TEST(window_edges)
{
	uint64_t top = 1000000;
	struct replay r;

	replay_init(&r);
	ck_assert_int_eq(accept(&r, top), REPLAY_OK);
	/* The oldest counter still inside the window, and the first one outside it. */
	ck_assert_int_eq(accept(&r, top - (REPLAY_WINDOW - 1)), REPLAY_OK);
	ck_assert_int_eq(accept(&r, top - REPLAY_WINDOW), REPLAY_TOO_OLD);
	ck_assert_int_eq(accept(&r, 0), REPLAY_TOO_OLD);
	ck_assert_uint_ge(REPLAY_WINDOW, 8192);
}
END_TEST

START_TEST(reordering_inside_the_window)
{
	struct replay r;
	uint64_t base = 77;

	replay_init(&r);
	/* Two interleaved streams, one 8000 counters behind the other, like a slow path. */
	for (uint64_t i = 0; i < 100000; i++) {
		ck_assert_int_eq(accept(&r, base + i + 8000), REPLAY_OK);
		ck_assert_int_eq(accept(&r, base + i), i < 8000 ? REPLAY_OK : REPLAY_DUPLICATE);
	}
}
END_TEST

START_TEST(ring_wraps_many_laps)
{
	struct replay r;
	uint64_t c = 0, prev;

	replay_init(&r);
	ck_assert_int_eq(accept(&r, c), REPLAY_OK);
	/* Jumps of every size, including more than a whole ring, must clear stale bits:
	 * c - 1 sits in a block that held counters a lap ago, and was never seen itself. */
	for (int i = 0; i < 20000; i++) {
		prev = c;
		c += 1 + (uint64_t)(i * 7919) % (REPLAY_BLOCKS * 64 * 2);
		ck_assert_int_eq(replay_check(&r, c - 1), c - 1 == prev ? REPLAY_DUPLICATE : REPLAY_OK);
		ck_assert_int_eq(accept(&r, c), REPLAY_OK);
		ck_assert_int_eq(accept(&r, c), REPLAY_DUPLICATE);
	}
}
END_TEST

START_TEST(matches_a_reference_model)
{
	/* Against a plain set of seen counters, with random order inside the window. */
	enum { N = 200000 };
	static unsigned char seen[N + REPLAY_WINDOW];
	struct replay r;
	uint64_t top = 0;
	bool any = false;
	unsigned seed = 12345;

	replay_init(&r);
	for (int i = 0; i < N; i++) {
		uint64_t c;
		enum replay_verdict want;

		seed = seed * 1103515245u + 12345u;
		c = (uint64_t)i + (seed >> 8) % 300; /* jitter up to 300 ahead */
		if ((seed >> 4) % 5 == 0 && c > 20000)
			c -= 20000; /* sometimes far behind */
		if (any && c <= top && top - c >= REPLAY_WINDOW)
			want = REPLAY_TOO_OLD;
		else
			want = seen[c] ? REPLAY_DUPLICATE : REPLAY_OK;
		ck_assert_int_eq(accept(&r, c), want);
		if (want == REPLAY_OK) {
			seen[c] = 1;
			if (!any || c > top)
				top = c;
			any = true;
		}
	}
}
END_TEST

START_TEST(counter_near_the_top)
{
	struct replay r;

	replay_init(&r);
	ck_assert_int_eq(accept(&r, UINT64_MAX - 1), REPLAY_OK);
	ck_assert_int_eq(accept(&r, UINT64_MAX), REPLAY_OK);
	ck_assert_int_eq(accept(&r, UINT64_MAX), REPLAY_DUPLICATE);
	ck_assert_int_eq(accept(&r, UINT64_MAX - 2), REPLAY_OK);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("replay");

	tcase_add_test(tc, duplicates_are_refused);
	tcase_add_test(tc, check_changes_nothing);
	tcase_add_test(tc, window_edges);
	tcase_add_test(tc, reordering_inside_the_window);
	tcase_add_test(tc, ring_wraps_many_laps);
	tcase_add_test(tc, matches_a_reference_model);
	tcase_add_test(tc, counter_near_the_top);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
