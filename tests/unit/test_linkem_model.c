/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test bed's link model on a synthetic clock: rate, delay, loss, queue limit, order. */
#include "../tools/linkem_model.h"
#include "unit.h"

#include <string.h>

#define MS 1000000ull

START_TEST(idle_packet_sees_serialisation_plus_delay)
{
	struct linkem_model m;
	uint64_t release;

	linkem_init(&m, 10000000, 20 * MS, 0, 0, 1);
	ck_assert_int_eq(linkem_admit(&m, 1000, 1250, &release), LINKEM_PASS);
	/* 1250 bytes at 10 Mbit/s take 1 ms. */
	ck_assert_uint_eq(release, 1000 + 1 * MS + 20 * MS);
}
END_TEST

START_TEST(rate_is_exact_over_a_burst)
{
	struct linkem_model m;
	uint64_t release = 0, last = 0;

	linkem_init(&m, 7500000, 10 * MS, 0, 100u << 20, 1);
	for (int i = 0; i < 10000; i++) {
		ck_assert_int_eq(linkem_admit(&m, 0, 1500, &release), LINKEM_PASS);
		ck_assert_uint_ge(release, last); /* in order */
		last = release;
	}
	/* 15 MB at 7.5 Mbit/s = 16 s, plus the delay. */
	ck_assert_uint_eq(release, 16000 * MS + 10 * MS);
}
END_TEST

START_TEST(queue_limit_drops_tail)
{
	struct linkem_model m;
	uint64_t release;
	int passed = 0;

	linkem_init(&m, 1000000, 0, 0, 15000, 1);
	for (int i = 0; i < 20; i++)
		passed += linkem_admit(&m, 0, 1500, &release) == LINKEM_PASS;
	ck_assert_int_eq(passed, 10);
	ck_assert_uint_eq(m.queue_drops, 10);
	/* Once the link drained 1500 bytes (12 ms at 1 Mbit/s), one more fits. */
	ck_assert_int_eq(linkem_admit(&m, 12 * MS, 1500, &release), LINKEM_PASS);
	ck_assert_int_eq(linkem_admit(&m, 12 * MS, 1500, &release), LINKEM_QUEUE_FULL);
}
END_TEST

START_TEST(loss_rate_within_ten_percent)
{
	struct linkem_model m;
	uint64_t release;

	linkem_init(&m, 0, 0, 5000, 0, 42); /* 0.5 % */
	for (int i = 0; i < 1000000; i++)
		linkem_admit(&m, (uint64_t)i, 100, &release);
	ck_assert_uint_ge(m.lost, 4500);
	ck_assert_uint_le(m.lost, 5500);
}
END_TEST

START_TEST(unlimited_rate_adds_only_delay)
{
	struct linkem_model m;
	uint64_t release;

	linkem_init(&m, 0, 5 * MS, 0, 0, 1);
	ck_assert_int_eq(linkem_admit(&m, 7, 65000, &release), LINKEM_PASS);
	ck_assert_uint_eq(release, 7 + 5 * MS);
	ck_assert_uint_eq(linkem_backlog(&m, 7), 0);
}
END_TEST

/* 10000 idle packets 1 ms apart, unlimited rate: how their delays spread and how often one overtakes. */
static void jittered(bool keep_order, uint64_t *min_delay, uint64_t *max_delay, unsigned *overtaken,
		     unsigned *below_mean)
{
	struct linkem_model m;
	uint64_t release, last = 0;

	linkem_init(&m, 0, 10 * MS, 0, 0, 7);
	linkem_set_jitter(&m, 5 * MS, keep_order);
	*min_delay = UINT64_MAX;
	*max_delay = 0;
	*overtaken = *below_mean = 0;
	for (uint64_t i = 0; i < 10000; i++) {
		uint64_t delay;

		ck_assert_int_eq(linkem_admit(&m, i * MS, 1500, &release), LINKEM_PASS);
		delay = release - i * MS;
		*min_delay = delay < *min_delay ? delay : *min_delay;
		*max_delay = delay > *max_delay ? delay : *max_delay;
		*below_mean += delay < 10 * MS;
		*overtaken += release < last;
		last = release > last ? release : last;
	}
}

START_TEST(jitter_spreads_the_delay_and_reorders)
{
	uint64_t lo, hi;
	unsigned overtaken, below;

	jittered(false, &lo, &hi, &overtaken, &below);
	ck_assert_uint_ge(lo, 5 * MS);
	ck_assert_uint_le(hi, 15 * MS);
	ck_assert_uint_lt(lo, 5 * MS + MS / 10); /* the whole range is used */
	ck_assert_uint_gt(hi, 15 * MS - MS / 10);
	ck_assert_uint_ge(below, 4500); /* about half below the mean */
	ck_assert_uint_le(below, 5500);
	/* 1 ms apart with 10 ms of spread: a packet often leaves before the one ahead of it. */
	ck_assert_uint_gt(overtaken, 1000);
}
END_TEST

START_TEST(jitter_in_order_never_overtakes)
{
	uint64_t lo, hi;
	unsigned overtaken, below;

	jittered(true, &lo, &hi, &overtaken, &below);
	ck_assert_uint_eq(overtaken, 0);
	ck_assert_uint_ge(lo, 5 * MS);
	ck_assert_uint_gt(hi, 15 * MS - MS / 10);
	ck_assert_uint_lt(below, 4500); /* held back behind late packets */
}
END_TEST

START_TEST(parsers)
{
	uint64_t v;
	uint32_t ppm;

	ck_assert(linkem_parse_rate("7500kbit", &v) && v == 7500000);
	ck_assert(linkem_parse_rate("50mbit", &v) && v == 50000000);
	ck_assert(!linkem_parse_rate("50mb", &v));
	ck_assert(!linkem_parse_rate("-1kbit", &v));
	ck_assert(linkem_parse_time("10ms", &v) && v == 10 * MS);
	ck_assert(linkem_parse_time("250us", &v) && v == 250000);
	ck_assert(!linkem_parse_time("10", &v));
	ck_assert(linkem_parse_loss("0.5%", &ppm) && ppm == 5000);
	ck_assert(!linkem_parse_loss("0.5", &ppm));
	ck_assert(linkem_parse_size("64k", &v) && v == 65536);
	ck_assert(linkem_parse_size("3000", &v) && v == 3000);
	ck_assert(!linkem_parse_size("x", &v));
}
END_TEST

/* An IPv4 TCP segment of ip_len bytes whose TCP header is tcp_hdr bytes long. */
static void tcp4(uint8_t *pkt, uint32_t ip_len, uint32_t tcp_hdr)
{
	memset(pkt, 0, ip_len);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(ip_len >> 8);
	pkt[3] = (uint8_t)ip_len;
	pkt[9] = 6;
	pkt[20 + 12] = (uint8_t)(tcp_hdr / 4 << 4);
}

START_TEST(tcp_payload_of_full_segments)
{
	static uint8_t pkt[1500];
	struct linkem_model m;

	tcp4(pkt, 1500, 32);
	ck_assert_int_eq(linkem_tcp_payload(pkt, 1500), 1448);
	ck_assert_int_eq(linkem_tcp_payload(pkt, 1400), -1); /* IP length disagrees */
	pkt[9] = 17;
	ck_assert_int_eq(linkem_tcp_payload(pkt, 1500), -1); /* UDP */
	tcp4(pkt, 52, 60);
	ck_assert_int_eq(linkem_tcp_payload(pkt, 52), -1); /* header past the end */
	memset(pkt, 0, 100);
	pkt[0] = 0x60;
	pkt[5] = 60;
	pkt[6] = 6;
	pkt[40 + 12] = 8 << 4;
	ck_assert_int_eq(linkem_tcp_payload(pkt, 100), 28);

	/* Only the segments of the largest length count; a longer one restarts the count. */
	linkem_init(&m, 0, 0, 0, 0, 1);
	linkem_count_tcp(&m, 1400, 1348);
	linkem_count_tcp(&m, 1500, 1440);
	linkem_count_tcp(&m, 1500, 1420);
	linkem_count_tcp(&m, 900, 848);
	linkem_count_tcp(&m, 1500, 0); /* a pure ACK */
	linkem_count_tcp(&m, 1500, -1);
	ck_assert_uint_eq(m.tcp_full_len, 1500);
	ck_assert_uint_eq(m.tcp_full_segments, 2);
	ck_assert_uint_eq(m.tcp_full_payload, 2860);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("linkem_model");
	TCase *tc = tcase_create("linkem_model");

	tcase_add_test(tc, idle_packet_sees_serialisation_plus_delay);
	tcase_add_test(tc, rate_is_exact_over_a_burst);
	tcase_add_test(tc, queue_limit_drops_tail);
	tcase_add_test(tc, loss_rate_within_ten_percent);
	tcase_add_test(tc, unlimited_rate_adds_only_delay);
	tcase_add_test(tc, jitter_spreads_the_delay_and_reorders);
	tcase_add_test(tc, jitter_in_order_never_overtakes);
	tcase_add_test(tc, parsers);
	tcase_add_test(tc, tcp_payload_of_full_segments);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
