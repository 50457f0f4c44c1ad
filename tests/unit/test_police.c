/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Policing the paths left after a failure: the rate held, retransmissions passed, the window's end. */
#include <stdint.h>
#include <string.h>

#include "police.h"
#include "segment.h"
#include "unit.h"

#define MS 1000000ull

/* An IPv4 (or IPv6) TCP segment with `payload` bytes of data starting at seq. */
static size_t segment(uint8_t *pkt, int version, uint32_t seq, size_t payload)
{
	return unit_segment(pkt, version, seq, 0x10, payload);
}

#define BURST(rate_bytes) ((rate_bytes) * POLICE_BURST_NS / 1000000000ull)

/* Offers 1500-byte frames on `path` every `gap` ns over [from, to); returns the bytes that passed. */
static uint64_t offer(struct police *p, unsigned path, uint64_t from, uint64_t to, uint64_t gap)
{
	uint64_t passed = 0;

	for (uint64_t t = from; t < to; t += gap)
		passed += police_pass(p, path, 1500, false, t) ? 1500 : 0;
	return passed;
}

START_TEST(an_overload_is_held_to_the_rate)
{
	struct police p;
	uint64_t trial, held;

	police_init(&p);
	police_start(&p, 1, 8000000, 0, 2000 * MS); /* 1 MB/s */
	/* 3 MB/s offered: all of it passes during the trial, which finds it an overload ... */
	trial = offer(&p, 1, 0, POLICE_TRIAL_NS, MS / 2);
	ck_assert_uint_eq(trial, 150000);
	ck_assert_uint_eq(p.dropped, 0);
	/* ... then 1 MB/s, plus the burst it starts with. */
	held = offer(&p, 1, POLICE_TRIAL_NS, POLICE_TRIAL_NS + 1000 * MS, MS / 2);
	ck_assert(p.enforcing[1]);
	ck_assert_uint_ge(held, 1000000 + BURST(1000000) - 1500);
	ck_assert_uint_le(held, 1000000 + BURST(1000000) + 1500);
	ck_assert_uint_ge(p.dropped, 1300);
	/* Another path is not policed. */
	ck_assert(police_pass(&p, 0, 1500, false, POLICE_TRIAL_NS + 1000 * MS));
}
END_TEST

START_TEST(a_sender_that_keeps_to_the_rate_is_never_policed_but_a_late_flood_is)
{
	struct police p;

	police_init(&p);
	police_start(&p, 0, 8000000, 0, 2000 * MS);
	/* 1.2 MB/s for 500 ms (an ACK-clocked sender a little over): under the 125 % of an overload. */
	ck_assert_uint_eq(offer(&p, 0, 0, 500 * MS, 1250000), 1500 * (500 * MS / 1250000));
	ck_assert_uint_eq(p.dropped, 0);
	ck_assert(!p.enforcing[0]);
	/* Then 3 MB/s: a trial finds it, and the path is held to 1 MB/s. */
	ck_assert_uint_lt(offer(&p, 0, 500 * MS, 1000 * MS, MS / 2), 3000000 / 2);
	ck_assert(p.enforcing[0]);
	ck_assert_uint_gt(p.dropped, 0);
}
END_TEST

START_TEST(retransmissions_pass_and_spend_the_tokens)
{
	struct police p;
	uint64_t t = POLICE_TRIAL_NS;

	police_init(&p);
	police_start(&p, 0, 8000000, 0, 2000 * MS);
	offer(&p, 0, 0, t, MS / 4); /* an overload: enforced */
	/* 100 retransmitted frames at once, far over the burst: all pass ... */
	for (unsigned i = 0; i < 100; i++)
		ck_assert(police_pass(&p, 0, 1500, true, t));
	ck_assert_uint_eq(p.resent_passed, 100);
	ck_assert(p.enforcing[0]);
	/* ... and new data waits until they are paid for: 150000 bytes less the burst at 1 MB/s. */
	ck_assert_uint_eq(offer(&p, 0, t + MS, t + 150 * MS - BURST(1000000) / 1000 * MS, MS), 0);
	ck_assert(police_pass(&p, 0, 1500, false, t + 160 * MS));
}
END_TEST

START_TEST(a_calm_path_and_the_window_end_it)
{
	struct police p;
	uint64_t t = POLICE_TRIAL_NS, calm;

	police_init(&p);
	ck_assert(!police_active(&p, 0));
	police_start(&p, 0, 8000000, 0, 2000 * MS);
	offer(&p, 0, 0, t, MS / 4);
	offer(&p, 0, t, t + 100 * MS, MS / 4);
	ck_assert_uint_gt(p.dropped, 0);
	/* The senders keep to the rate from now on: after POLICE_CALM_NS without a drop, back to trials. */
	calm = t + 100 * MS + POLICE_CALM_NS + 10 * MS;
	offer(&p, 0, t + 100 * MS, calm, 2 * MS);
	ck_assert(!p.enforcing[0]);
	ck_assert(police_active(&p, calm));
	/* The window's end ends everything. */
	police_start(&p, 1, 80000, 0, 1000 * MS);
	ck_assert(!police_active(&p, 2000 * MS));
	ck_assert(police_pass(&p, 1, 1500, false, 2000 * MS));
	ck_assert(!p.on[0] && !p.on[1]);
	police_start(&p, 1, 80000, 3000 * MS, 4000 * MS);
	police_stop(&p);
	ck_assert(!police_active(&p, 3500 * MS));
	ck_assert(police_pass(&p, 1, 1500, false, 3500 * MS));
	/* No rate, no policing. */
	police_start(&p, 2, 0, 5000 * MS, 6000 * MS);
	ck_assert(!p.on[2]);
}
END_TEST

START_TEST(a_long_pause_fills_the_bucket_without_overflow)
{
	struct police p;

	police_init(&p);
	police_start(&p, 0, 10000000000ull, 0, UINT64_MAX); /* 10 Gbit/s */
	p.enforcing[0] = true;
	p.last_drop[0] = UINT64_MAX - 1; /* never calm, for this test */
	ck_assert(police_pass(&p, 0, 1500, false, MS));
	ck_assert(police_pass(&p, 0, 1500, false, 3600ull * 1000 * MS)); /* an hour later */
	ck_assert_int_le(p.tokens[0], (int64_t)BURST(1250000000ull));
	ck_assert_int_gt(p.tokens[0], 0);
}
END_TEST

START_TEST(a_segment_below_the_highest_sent_is_a_retransmission)
{
	struct police p;
	uint8_t pkt[1600];

	police_init(&p);
	for (int v = 4; v <= 6; v += 2) {
		unsigned b = (unsigned)v;

		ck_assert(!police_tcp_resent(&p, b, pkt, segment(pkt, v, 1000, 1000)));
		ck_assert(!police_tcp_resent(&p, b, pkt, segment(pkt, v, 2000, 1000)));
		ck_assert(police_tcp_resent(&p, b, pkt, segment(pkt, v, 1000, 1000)));
		ck_assert(police_tcp_resent(&p, b, pkt, segment(pkt, v, 2500, 1000))); /* resent, with new data */
		ck_assert(!police_tcp_resent(&p, b, pkt, segment(pkt, v, 3500, 1000)));
		/* A pure acknowledgement carries nothing to resend. */
		ck_assert(!police_tcp_resent(&p, b, pkt, segment(pkt, v, 1000, 0)));
		/* Another bucket has its own sequence. */
		ck_assert(!police_tcp_resent(&p, b + 1, pkt, segment(pkt, v, 1000, 1000)));
	}
}
END_TEST

START_TEST(sequence_numbers_wrap)
{
	struct police p;
	uint8_t pkt[1600];

	police_init(&p);
	ck_assert(!police_tcp_resent(&p, 7, pkt, segment(pkt, 4, 0xfffffc00u, 1000)));
	ck_assert(!police_tcp_resent(&p, 7, pkt, segment(pkt, 4, 0xffffffe8u, 1000))); /* ends past 0 */
	ck_assert(!police_tcp_resent(&p, 7, pkt, segment(pkt, 4, 1000, 1000)));
	ck_assert(police_tcp_resent(&p, 7, pkt, segment(pkt, 4, 0xfffffc00u, 1000)));
}
END_TEST

START_TEST(only_whole_tcp_segments_count)
{
	struct police p;
	uint8_t pkt[1600];
	size_t n;

	police_init(&p);
	ck_assert(!police_tcp_resent(&p, 1, pkt, segment(pkt, 4, 5000, 1000)));
	/* UDP, a fragment, a header that claims more than was read, a short packet: never resent. */
	n = segment(pkt, 4, 1000, 1000);
	pkt[9] = 17;
	ck_assert(!police_tcp_resent(&p, 1, pkt, n));
	n = segment(pkt, 4, 1000, 1000);
	pkt[6] = 0x20; /* more fragments */
	ck_assert(!police_tcp_resent(&p, 1, pkt, n));
	n = segment(pkt, 4, 1000, 1000);
	ck_assert(!police_tcp_resent(&p, 1, pkt, n - 1));
	ck_assert(!police_tcp_resent(&p, 1, pkt, 10));
	n = segment(pkt, 6, 1000, 1000);
	pkt[6] = 0; /* an extension header first */
	ck_assert(!police_tcp_resent(&p, 1, pkt, n));
	ck_assert(!police_tcp_resent(&p, FLOW_BUCKETS, pkt, segment(pkt, 4, 1000, 1000)));
	/* The bucket's sequence is unchanged by all that. */
	ck_assert(police_tcp_resent(&p, 1, pkt, segment(pkt, 4, 1000, 1000)));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("police");
	TCase *tc = tcase_create("police");

	tcase_add_test(tc, an_overload_is_held_to_the_rate);
	tcase_add_test(tc, a_sender_that_keeps_to_the_rate_is_never_policed_but_a_late_flood_is);
	tcase_add_test(tc, retransmissions_pass_and_spend_the_tokens);
	tcase_add_test(tc, a_calm_path_and_the_window_end_it);
	tcase_add_test(tc, a_long_pause_fills_the_bucket_without_overflow);
	tcase_add_test(tc, a_segment_below_the_highest_sent_is_a_retransmission);
	tcase_add_test(tc, sequence_numbers_wrap);
	tcase_add_test(tc, only_whole_tcp_segments_count);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
