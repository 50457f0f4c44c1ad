/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The delay line on a synthetic clock: waits, order, independence, a full pool. */
#include <string.h>

#include "delayline.h"
#include "unit.h"

#define MS 1000000ull

struct log {
	unsigned n;
	unsigned path[64];
	uint8_t first[64];
	size_t len[64];
};

static void record(void *ctx, unsigned path, uint64_t tag, const uint8_t *pkt, size_t len)
{
	struct log *l = ctx;

	ck_assert_uint_eq(tag, pkt[0] * 3u);
	l->path[l->n] = path;
	l->first[l->n] = pkt[0];
	l->len[l->n] = len;
	l->n++;
}

static void push(struct delayline *d, unsigned path, uint8_t tag, uint64_t now, struct log *l)
{
	uint8_t pkt[100];

	memset(pkt, tag, sizeof(pkt));
	delayline_push(d, path, tag * 3u, pkt, sizeof(pkt), now, 0, record, l);
}

START_TEST(no_extra_passes_straight_through)
{
	struct delayline d;
	struct log l = { 0 };

	ck_assert(delayline_init(&d, 1500, 8));
	push(&d, 0, 1, 0, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(d.delayed, 0);
	ck_assert_uint_eq(delayline_next(&d), UINT64_MAX);
	delayline_free(&d);
}
END_TEST

START_TEST(a_packet_waits_its_extra)
{
	struct delayline d;
	struct log l = { 0 };

	ck_assert(delayline_init(&d, 1500, 8));
	delayline_set_extra(&d, 0, 10 * MS);
	push(&d, 0, 7, 100 * MS, &l);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(delayline_next(&d), 110 * MS);
	{
		uint64_t tag = 0;

		ck_assert(delayline_head(&d, 0, &tag));
		ck_assert_uint_eq(tag, 21);
		ck_assert(!delayline_head(&d, 1, &tag));
	}
	delayline_tick(&d, 110 * MS - 1, record, &l);
	ck_assert_uint_eq(l.n, 0);
	delayline_tick(&d, 110 * MS, record, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.first[0], 7);
	ck_assert_uint_eq(l.len[0], 100);
	ck_assert_uint_eq(delayline_next(&d), UINT64_MAX);
	delayline_free(&d);
}
END_TEST

/* A packet's own floor: it waits that long if its path's extra is shorter, never less than the extra. */
START_TEST(a_packet_waits_at_least_its_floor)
{
	struct delayline d;
	struct log l = { 0 };
	uint8_t pkt[100];

	ck_assert(delayline_init(&d, 1500, 8));
	memset(pkt, 4, sizeof(pkt));
	delayline_push(&d, 0, 12, pkt, sizeof(pkt), 100 * MS, 15 * MS, record, &l); /* no extra, a floor */
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(delayline_next(&d), 115 * MS);
	delayline_set_extra(&d, 0, 20 * MS);
	memset(pkt, 5, sizeof(pkt));
	delayline_push(&d, 0, 15, pkt, sizeof(pkt), 101 * MS, 5 * MS, record, &l); /* the extra is longer */
	delayline_tick(&d, 115 * MS, record, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(delayline_next(&d), 121 * MS);
	delayline_tick(&d, 121 * MS, record, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.first[1], 5);
	delayline_free(&d);
}
END_TEST

START_TEST(a_shrinking_extra_keeps_the_path_in_order)
{
	struct delayline d;
	struct log l = { 0 };

	ck_assert(delayline_init(&d, 1500, 8));
	delayline_set_extra(&d, 0, 20 * MS);
	push(&d, 0, 1, 0, &l);
	delayline_set_extra(&d, 0, 0);
	push(&d, 0, 2, 1 * MS, &l); /* would be due at once, but 1 still waits */
	ck_assert_uint_eq(l.n, 0);
	delayline_tick(&d, 20 * MS, record, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.first[0], 1);
	ck_assert_uint_eq(l.first[1], 2);
	delayline_free(&d);
}
END_TEST

START_TEST(paths_are_independent)
{
	struct delayline d;
	struct log l = { 0 };

	ck_assert(delayline_init(&d, 1500, 8));
	delayline_set_extra(&d, 0, 20 * MS);
	push(&d, 0, 1, 0, &l);
	push(&d, 1, 2, 1 * MS, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.path[0], 1);
	delayline_free(&d);
}
END_TEST

START_TEST(a_full_pool_lets_through_in_order_and_loses_nothing)
{
	struct delayline d;
	struct log l = { 0 };
	uint8_t big[2000] = { 9 };

	ck_assert(delayline_init(&d, 1500, 3));
	delayline_set_extra(&d, 0, 50 * MS);
	for (uint8_t t = 1; t <= 4; t++)
		push(&d, 0, t, t, &l);
	ck_assert_uint_eq(d.overflow, 1);
	ck_assert_uint_eq(l.n, 4); /* the three that waited, then the fourth */
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(l.first[i], i + 1);
	delayline_push(&d, 0, 27, big, sizeof(big), 10, 0, record, &l); /* longer than a slot */
	ck_assert_uint_eq(l.n, 5);
	ck_assert_uint_eq(l.len[4], sizeof(big));
	/* All slots are free again. */
	for (uint8_t t = 1; t <= 3; t++)
		push(&d, 0, t, 20, &l);
	ck_assert_uint_eq(d.overflow, 2);
	delayline_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("delayline");
	TCase *tc = tcase_create("delayline");

	tcase_add_test(tc, no_extra_passes_straight_through);
	tcase_add_test(tc, a_packet_waits_its_extra);
	tcase_add_test(tc, a_packet_waits_at_least_its_floor);
	tcase_add_test(tc, a_shrinking_extra_keeps_the_path_in_order);
	tcase_add_test(tc, paths_are_independent);
	tcase_add_test(tc, a_full_pool_lets_through_in_order_and_loses_nothing);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
