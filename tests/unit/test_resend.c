/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sender's kept frames: found by path and number, once, within the age limit and the budget. */
#include <string.h>

#include "resend.h"
#include "unit.h"

#define MS 1000000ull

static void keep(struct resend *r, unsigned path, uint32_t seq, size_t len, uint64_t now)
{
	uint8_t pkt[1500];

	memset(pkt, (int)(seq * 7 + path), len);
	resend_keep(r, path, seq, (uint16_t)(seq + 1000), seq * 10, pkt, len, now);
}

START_TEST(a_kept_frame_is_handed_out_once)
{
	struct resend r;
	struct resend_frame f;

	ck_assert(resend_init(&r, 2, 16, 1500));
	for (uint32_t s = 0; s < 10; s++)
		keep(&r, 1, s, 100 + s, 0);
	ck_assert(resend_take(&r, 1, 4, MS, 100 * MS, &f));
	ck_assert_uint_eq(f.flow_seq, 1004);
	ck_assert_uint_eq(f.stamp_us, 40);
	ck_assert_uint_eq(f.len, 104);
	ck_assert_uint_eq(f.pkt[0], (uint8_t)(4 * 7 + 1));
	ck_assert_uint_eq(f.pkt[103], (uint8_t)(4 * 7 + 1));
	ck_assert(!resend_take(&r, 1, 4, MS, 100 * MS, &f));
	ck_assert_uint_eq(r.count.repeated, 1);
	/* The other path never sent it. */
	ck_assert(!resend_take(&r, 0, 5, MS, 100 * MS, &f));
	ck_assert(!resend_take(&r, 7, 5, MS, 100 * MS, &f));
	ck_assert_uint_eq(r.count.missed, 2);
	ck_assert_uint_eq(r.count.resent, 1);
	resend_free(&r);
}
END_TEST

START_TEST(overwritten_old_and_unkept_frames_are_missed)
{
	struct resend r;
	struct resend_frame f;
	uint8_t big[2000] = { 0 };

	ck_assert(resend_init(&r, 1, 8, 1500));
	/* From 200 frames before 2^32 (which also earns the credit of a few resends) past the wrap. */
	for (uint32_t s = 0xfffffffcu - 200; s != 12; s++)
		keep(&r, 0, s, 100, s == 8 ? 50 * MS : 0);
	ck_assert(!resend_take(&r, 0, 0xfffffffdu, MS, 100 * MS, &f)); /* overwritten by 5 */
	ck_assert(resend_take(&r, 0, 4, MS, 100 * MS, &f));
	ck_assert(!resend_take(&r, 0, 5, 101 * MS, 100 * MS, &f)); /* too old */
	ck_assert(resend_take(&r, 0, 8, 101 * MS, 100 * MS, &f)); /* sent later */
	ck_assert(!resend_take(&r, 0, 12, MS, 100 * MS, &f)); /* never sent: the slot holds 4 */
	/* Longer than a slot: not kept, and what was in its slot is gone. */
	resend_keep(&r, 0, 13, 1, 1, big, sizeof(big), 0);
	ck_assert(!resend_take(&r, 0, 13, MS, 100 * MS, &f));
	ck_assert(!resend_take(&r, 0, 5, MS, 100 * MS, &f));
	ck_assert_uint_eq(r.count.missed, 5);
	resend_clear(&r);
	ck_assert(!resend_take(&r, 0, 9, MS, 100 * MS, &f));
	resend_free(&r);
}
END_TEST

START_TEST(the_budget_bounds_resends_to_a_share_of_what_was_sent)
{
	struct resend r;
	struct resend_frame f;
	unsigned got = 0;

	ck_assert(resend_init(&r, 1, 512, 1500));
	/* The start credit and 400 frames of 1000 bytes (400 * 1000 / 8 = 50000 bytes): 66 resends. */
	for (uint32_t s = 0; s < 400; s++)
		keep(&r, 0, s, 1000, 0);
	for (uint32_t s = 0; s < 400; s++)
		got += resend_take(&r, 0, s, MS, 100 * MS, &f);
	ck_assert_uint_eq(got, (RESEND_BUDGET_START + 400 * 1000 / RESEND_BUDGET_SHARE) / 1000);
	ck_assert_uint_eq(r.count.budget, 400 - got);
	/* Credit stops at RESEND_BUDGET_MAX however much was sent. */
	for (uint32_t s = 0; s < 100000; s++)
		keep(&r, 0, s, 1000, 0);
	ck_assert_uint_eq(r.credit, RESEND_BUDGET_MAX);
	resend_free(&r);
}
END_TEST

START_TEST(a_silent_path_s_frames_are_resent_beyond_the_budget_but_once)
{
	struct resend r;
	struct resend_frame f;
	unsigned got = 0;

	ck_assert(resend_init(&r, 2, 512, 1500));
	/* 400 frames of 1000 bytes earn 66 metered resends; a silent path's are not metered. */
	for (uint32_t s = 0; s < 400; s++)
		keep(&r, 1, s, 1000, 0);
	for (uint32_t s = 0; s < 400; s++)
		got += resend_take_lost_path(&r, 1, s, MS, 100 * MS, &f);
	ck_assert_uint_eq(got, 400);
	ck_assert_uint_eq(r.count.outage, 400);
	ck_assert_uint_eq(r.count.budget, 0);
	ck_assert_uint_eq(f.flow_seq, 1399);
	/* The credit is untouched, and each frame goes once, whichever way it is asked for. */
	ck_assert_uint_eq(r.credit, RESEND_BUDGET_START + 400 * 1000 / RESEND_BUDGET_SHARE);
	ck_assert(!resend_take_lost_path(&r, 1, 7, MS, 100 * MS, &f));
	ck_assert(!resend_take(&r, 1, 7, MS, 100 * MS, &f));
	ck_assert_uint_eq(r.count.repeated, 2);
	/* The age limit holds as for any resend. */
	keep(&r, 1, 400, 1000, 0);
	ck_assert(!resend_take_lost_path(&r, 1, 400, 101 * MS, 100 * MS, &f));
	resend_free(&r);
}
END_TEST

START_TEST(a_silent_path_s_range_wraps_and_is_served_once)
{
	struct resend r;

	ck_assert(resend_init(&r, 1, 1024, 100));
	/* Across 2^32: from the asked number, within the ring's reach. */
	ck_assert_uint_eq(resend_lost_start(&r, 0xfffffff0u, 0x10u, 0, false), 0xfffffff0u);
	ck_assert_uint_eq(resend_lost_start(&r, 0xfffff000u, 0x10u, 0, false), 0x10u - 1024);
	/* Nothing to do: asked from the next number, or from ahead of it (a stale entry). */
	ck_assert_uint_eq(resend_lost_start(&r, 0x10u, 0x10u, 0, false), 0x10u);
	ck_assert_uint_eq(resend_lost_start(&r, 0x20u, 0x10u, 0, false), 0x10u);
	/* An earlier entry served up to 0x8: only what came after; served up to the end: nothing. */
	ck_assert_uint_eq(resend_lost_start(&r, 0xfffffff0u, 0x10u, 0x8u, true), 0x8u);
	ck_assert_uint_eq(resend_lost_start(&r, 0xfffffff0u, 0x10u, 0x10u, true), 0x10u);
	/* Served up to a number before the asked one: the asked one. */
	ck_assert_uint_eq(resend_lost_start(&r, 0x4u, 0x10u, 0xfffffff0u, true), 0x4u);
	resend_free(&r);
}
END_TEST

START_TEST(bad_sizes_are_refused)
{
	struct resend r;

	ck_assert(!resend_init(&r, 0, 16, 1500));
	ck_assert(!resend_init(&r, WIRE_MAX_PATHS + 1, 16, 1500));
	ck_assert(!resend_init(&r, 2, 0, 1500));
	ck_assert(!resend_init(&r, 2, RESEND_DEPTH_MAX + 1, 1500));
	ck_assert(!resend_init(&r, 2, 16, 0));
	ck_assert(resend_init(&r, WIRE_MAX_PATHS, 1, 1));
	resend_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("resend");
	TCase *tc = tcase_create("resend");

	tcase_add_test(tc, a_kept_frame_is_handed_out_once);
	tcase_add_test(tc, overwritten_old_and_unkept_frames_are_missed);
	tcase_add_test(tc, the_budget_bounds_resends_to_a_share_of_what_was_sent);
	tcase_add_test(tc, a_silent_path_s_frames_are_resent_beyond_the_budget_but_once);
	tcase_add_test(tc, a_silent_path_s_range_wraps_and_is_served_once);
	tcase_add_test(tc, bad_sizes_are_refused);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
