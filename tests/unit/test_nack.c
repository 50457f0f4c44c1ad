/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Gaps in a path's frame numbers become NACK entries, and hold the reorder watermark back while a resend may come. */
#include "nack.h"
#include "unit.h"

#define MS 1000000ull

START_TEST(a_gap_is_reported_once_with_its_range)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];

	nack_init(&n);
	nack_on_frame(&n, 1, 100, 1000, true, 0, 20 * MS);
	nack_on_frame(&n, 1, 101, 1010, true, 0, 20 * MS);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	nack_on_frame(&n, 1, 105, 1050, true, MS, 20 * MS); /* 102..104 lost */
	nack_on_frame(&n, 1, 103, 1030, true, MS, 20 * MS); /* late on the path: no new gap */
	nack_on_frame(&n, 0, 7, 1050, true, MS, 20 * MS);   /* another path's first frame */
	ck_assert_uint_eq(nack_take(&n, e), 1);
	ck_assert_uint_eq(e[0].path, 1);
	ck_assert_uint_eq(e[0].first, 102);
	ck_assert_uint_eq(e[0].count, 3);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(n.gaps, 1);
	ck_assert_uint_eq(n.frames, 3);
	/* Not wanted: followed and counted, not reported, and no cap on the watermark. */
	nack_on_frame(&n, 1, 108, 1080, true, 40 * MS, 0);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(n.unasked, 1);
	nack_on_frame(&n, 1, 110, 1100, true, 40 * MS, 20 * MS);
	/* 103 came 20 us of stamp late: from now on a gap on path 1 waits that long. */
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(nack_next_due(&n), 40 * MS + 20000);
	nack_due(&n, 40 * MS + 20000);
	ck_assert_uint_eq(nack_take(&n, e), 1);
	ck_assert_uint_eq(e[0].first, 109);
	{
		uint32_t mark = 2000;

		nack_cap(&n, 41 * MS, &mark);
		ck_assert_uint_eq(mark, 1080); /* the stamp before 109, not before 106 */
	}
}
END_TEST

/* Path 0's frames from..to, stamped 100 us apart (frame k at 100 * k), arriving at now. */
static void frames(struct nack *n, uint32_t from, uint32_t to, uint64_t now)
{
	for (uint32_t k = from; k <= to; k++)
		nack_on_frame(n, 0, k, 100 * k, true, now, 20 * MS);
}

START_TEST(a_path_that_reorders_has_its_gaps_wait)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];
	uint32_t mark = 100000;

	nack_init(&n);
	frames(&n, 1, 10, 0);
	frames(&n, 12, 12, MS);
	ck_assert_uint_eq(nack_take(&n, e), 1); /* never reordered: asked for at once */
	frames(&n, 11, 11, MS);                  /* 100 us of stamp late */
	ck_assert_uint_eq(n.reordered, 1);
	ck_assert_uint_eq(nack_reordering_us(&n, 0, MS), 100);
	ck_assert_uint_eq(nack_reordering_us(&n, 1, MS), 0);

	/* 13 comes after 14, within the wait: not asked for. */
	frames(&n, 14, 14, 2 * MS);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(nack_next_due(&n), 2 * MS + 100000);
	/* While it waits, the gap holds the watermark at the stamp before it (frame 12's);
	 * (checked after frame 11's gap, asked for at once, stopped holding it at 21 ms). */
	nack_cap(&n, 21 * MS + 1, &mark);
	ck_assert_uint_eq(mark, 1200);
	frames(&n, 13, 13, 2 * MS + 50000);
	ck_assert_uint_eq(nack_next_due(&n), UINT64_MAX);
	nack_due(&n, 3 * MS);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(n.filled, 1);
	/* Filled, it holds nothing. */
	mark = 100000;
	nack_cap(&n, 21 * MS + 1, &mark);
	ck_assert_uint_eq(mark, 100000);

	/* 15..19 missing, 17 comes: 15..16 and 18..19 are asked for when the wait ends, not before. */
	frames(&n, 20, 20, 4 * MS);
	frames(&n, 17, 17, 4 * MS);
	nack_due(&n, 4 * MS + 99999);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	nack_due(&n, 4 * MS + 100000);
	ck_assert_uint_eq(nack_take(&n, e), 2);
	ck_assert_uint_eq(e[0].first, 15);
	ck_assert_uint_eq(e[0].count, 2);
	ck_assert_uint_eq(e[1].first, 18);
	ck_assert_uint_eq(e[1].count, 2);
	ck_assert_uint_eq(n.deferred_gaps, 2);
	/* The resend is awaited from the stamp before the gap (frame 14's), not from when it was asked for. */
	nack_cap(&n, 24 * MS + 100000 - 1, &mark); /* asked for at 4.1 ms: held until 4.1 + 20 ms */
	ck_assert_uint_eq(mark, 1400);
	mark = 100000;
	nack_cap(&n, 24 * MS + 100000, &mark);
	ck_assert_uint_eq(mark, 100000);
}
END_TEST

START_TEST(gaps_wait_in_a_bounded_list)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];

	nack_init(&n);
	frames(&n, 1, 2, 0);
	frames(&n, 1, 1, 0); /* reordered by 100 us */
	for (uint32_t k = 0; k < NACK_DEFER; k++)
		frames(&n, 4 + 2 * k, 4 + 2 * k, MS); /* one missing before each */
	ck_assert_uint_eq(nack_take(&n, e), 0);
	frames(&n, 4 + 2 * NACK_DEFER, 4 + 2 * NACK_DEFER, MS);
	ck_assert_uint_eq(nack_take(&n, e), 1); /* no room to wait: asked for at once */
	ck_assert_uint_eq(e[0].first, 3 + 2 * NACK_DEFER);
	/* A path that goes down takes its waiting gaps with it. */
	nack_forget_path(&n, 0);
	ck_assert_uint_eq(nack_next_due(&n), UINT64_MAX);
}
END_TEST

START_TEST(reordering_is_forgotten_after_two_epochs)
{
	struct nack n;
	const uint64_t epoch = NACK_REORDER_EPOCH_NS;

	nack_init(&n);
	frames(&n, 1, 10, 0);
	frames(&n, 8, 8, MS); /* 200 us late */
	ck_assert_uint_eq(nack_reordering_us(&n, 0, MS), 200);
	frames(&n, 11, 11, epoch / 2);
	frames(&n, 10, 10, epoch / 2); /* 100 us: the most stays */
	ck_assert_uint_eq(nack_reordering_us(&n, 0, epoch / 2), 200);
	ck_assert_uint_eq(nack_reordering_us(&n, 0, MS + epoch), 200); /* the epoch before */
	frames(&n, 13, 13, MS + epoch + 1);
	frames(&n, 12, 12, MS + epoch + 1); /* 100 us in the new epoch */
	ck_assert_uint_eq(nack_reordering_us(&n, 0, MS + epoch + 1), 200);
	ck_assert_uint_eq(nack_reordering_us(&n, 0, MS + 2 * epoch + 1), 100);
	ck_assert_uint_eq(nack_reordering_us(&n, 0, MS + 3 * epoch + 1), 0);
	/* Later than the cap is loss, and counts as the cap. */
	nack_on_frame(&n, 0, 15, 1500 + 200000, true, 4 * epoch, 20 * MS);
	frames(&n, 14, 14, 4 * epoch);
	ck_assert_uint_eq(nack_reordering_us(&n, 0, 4 * epoch), NACK_REORDER_MAX_US);
}
END_TEST

START_TEST(numbers_wrap_and_outages_are_not_reported)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];

	nack_init(&n);
	nack_on_frame(&n, 0, 0xfffffffeu, 1, true, 0, MS);
	nack_on_frame(&n, 0, 1, 2, true, 0, MS); /* 0xffffffff and 0 lost */
	ck_assert_uint_eq(nack_take(&n, e), 1);
	ck_assert_uint_eq(e[0].first, 0xffffffffu);
	ck_assert_uint_eq(e[0].count, 2);
	nack_on_frame(&n, 0, 2 + NACK_GAP_MAX + 1, 3, true, 0, MS); /* NACK_GAP_MAX + 1 missing */
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(n.outages, 1);
	nack_on_frame(&n, 0, 2 + NACK_GAP_MAX + 1 + NACK_GAP_MAX + 1, 3, true, 0, MS); /* exactly NACK_GAP_MAX */
	ck_assert_uint_eq(nack_take(&n, e), 1);
	ck_assert_uint_eq(e[0].count, NACK_GAP_MAX);
	/* A path that went down starts afresh. */
	nack_forget_path(&n, 0);
	nack_on_frame(&n, 0, 5000, 3, true, 0, MS);
	ck_assert_uint_eq(nack_take(&n, e), 0);
	ck_assert_uint_eq(n.outages, 1);
}
END_TEST

START_TEST(the_outgoing_list_is_bounded)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];

	nack_init(&n);
	nack_on_frame(&n, 2, 0, 0, true, 0, MS);
	for (uint32_t k = 1; k <= WIRE_NACK_MAX_ENTRIES + 3; k++)
		nack_on_frame(&n, 2, 2 * k, 0, true, 0, MS); /* one lost before each */
	ck_assert_uint_eq(n.unsent, 3);
	ck_assert_uint_eq(nack_take(&n, e), WIRE_NACK_MAX_ENTRIES);
	ck_assert_uint_eq(e[WIRE_NACK_MAX_ENTRIES - 1].first, 2 * WIRE_NACK_MAX_ENTRIES - 1);
	nack_on_frame(&n, 2, 2 * WIRE_NACK_MAX_ENTRIES + 9, 0, true, 0, MS);
	ck_assert_uint_eq(nack_take(&n, e), 1);
}
END_TEST

START_TEST(the_watermark_waits_for_the_resend_then_not)
{
	struct nack n;
	uint32_t mark;

	nack_init(&n);
	nack_on_frame(&n, 1, 10, 5000, true, 0, 20 * MS);
	nack_on_frame(&n, 1, 12, 5400, true, MS, 20 * MS); /* 11 lost, stamped 5000 or later */
	mark = 6000;
	nack_cap(&n, 2 * MS, &mark);
	ck_assert_uint_eq(mark, 5000);
	mark = 4000; /* already lower: kept */
	nack_cap(&n, 2 * MS, &mark);
	ck_assert_uint_eq(mark, 4000);
	mark = 6000; /* the resend had its time */
	nack_cap(&n, 21 * MS, &mark);
	ck_assert_uint_eq(mark, 6000);
	/* A resent frame's old stamp is not the path's position. */
	nack_on_frame(&n, 1, 13, 100, false, 30 * MS, 20 * MS);
	nack_on_frame(&n, 1, 15, 5600, true, 30 * MS, 20 * MS);
	mark = 6000;
	nack_cap(&n, 31 * MS, &mark);
	ck_assert_uint_eq(mark, 5400);
	/* Stamps wrap around 2^32. */
	nack_init(&n);
	nack_on_frame(&n, 0, 1, 0xfffffff0u, true, 0, MS);
	nack_on_frame(&n, 0, 3, 0x10, true, 0, MS);
	mark = 0x20;
	nack_cap(&n, 0, &mark);
	ck_assert_uint_eq(mark, 0xfffffff0u);
}
END_TEST

START_TEST(a_restarted_peer_is_followed)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];

	nack_init(&n);
	nack_on_frame(&n, 0, 900000, 5, true, 0, MS);
	nack_on_frame(&n, 0, 899990, 5, true, 0, MS); /* a little behind: reordered, ignored */
	ck_assert_uint_eq(n.resyncs, 0);
	nack_on_frame(&n, 0, 0, 6, true, 0, MS); /* numbering from 0 again */
	ck_assert_uint_eq(n.resyncs, 1);
	nack_on_frame(&n, 0, 2, 7, true, 0, MS); /* 1 lost: reported against the new numbers */
	ck_assert_uint_eq(nack_take(&n, e), 1);
	ck_assert_uint_eq(e[0].first, 1);
	ck_assert_uint_eq(e[0].count, 1);
}
END_TEST

START_TEST(caps_merge_when_all_are_running)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];
	uint32_t mark;

	nack_init(&n);
	nack_on_frame(&n, 0, 0, 100, true, 0, 50 * MS);
	/* NACK_PENDING + 4 gaps, each after a frame stamped higher, all waiting at once. */
	for (uint32_t k = 1; k <= NACK_PENDING + 4; k++) {
		nack_on_frame(&n, 0, 2 * k, 100 + k, true, k * MS, 50 * MS);
		nack_take(&n, e);
	}
	mark = 10000;
	nack_cap(&n, 30 * MS, &mark);
	ck_assert_uint_eq(mark, 100); /* the first gap's cap survived */
	mark = 10000;
	nack_cap(&n, 60 * MS, &mark); /* merged caps end with the latest of them */
	ck_assert_uint_eq(mark, 100);
	mark = 10000;
	nack_cap(&n, (NACK_PENDING + 4) * MS + 50 * MS, &mark);
	ck_assert_uint_eq(mark, 10000);
}
END_TEST

START_TEST(a_silent_path_asks_for_everything_after_its_last_frame)
{
	struct nack n;
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];
	uint32_t mark;

	nack_init(&n);
	ck_assert(!nack_outage(&n, 1, 0, 50 * MS)); /* never heard: nothing to ask for */
	nack_on_frame(&n, 1, 41, 4100, true, 0, 20 * MS);
	nack_on_frame(&n, 1, 42, 4200, true, MS, 20 * MS);
	/* Gaps given up already: asked for all the same, but no cap. */
	ck_assert(nack_outage(&n, 1, 100 * MS, 0));
	ck_assert_uint_eq(nack_take(&n, e), 1);
	mark = 9000;
	nack_cap(&n, 101 * MS, &mark);
	ck_assert_uint_eq(mark, 9000);
	ck_assert(nack_outage(&n, 1, 150 * MS, 50 * MS));
	ck_assert_uint_eq(nack_take(&n, e), 1);
	ck_assert_uint_eq(e[0].path, 1);
	ck_assert_uint_eq(e[0].count, 0);
	ck_assert_uint_eq(e[0].first, 43);
	ck_assert_uint_eq(n.outages_asked, 2);
	/* Later data is held below the silent path's last stamp until the resend can have come. */
	mark = 9000;
	nack_cap(&n, 199 * MS, &mark);
	ck_assert_uint_eq(mark, 4200);
	mark = 9000;
	nack_cap(&n, 200 * MS, &mark);
	ck_assert_uint_eq(mark, 9000);
	/* A full outgoing list: not queued, counted. */
	for (unsigned i = 0; i < WIRE_NACK_MAX_ENTRIES; i++)
		ck_assert(nack_outage(&n, 1, 300 * MS, 50 * MS));
	ck_assert(!nack_outage(&n, 1, 300 * MS, 50 * MS));
	ck_assert_uint_eq(n.unsent, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nack");
	TCase *tc = tcase_create("nack");

	tcase_add_test(tc, a_gap_is_reported_once_with_its_range);
	tcase_add_test(tc, a_path_that_reorders_has_its_gaps_wait);
	tcase_add_test(tc, gaps_wait_in_a_bounded_list);
	tcase_add_test(tc, reordering_is_forgotten_after_two_epochs);
	tcase_add_test(tc, numbers_wrap_and_outages_are_not_reported);
	tcase_add_test(tc, the_outgoing_list_is_bounded);
	tcase_add_test(tc, the_watermark_waits_for_the_resend_then_not);
	tcase_add_test(tc, a_restarted_peer_is_followed);
	tcase_add_test(tc, caps_merge_when_all_are_running);
	tcase_add_test(tc, a_silent_path_asks_for_everything_after_its_last_frame);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
