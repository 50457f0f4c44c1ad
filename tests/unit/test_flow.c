/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow buckets: stable per flow, spread across flows, fragments together. */
#include <string.h>

#include "flow.h"
#include "unit.h"

static void ip4(uint8_t *p, uint8_t proto, uint16_t sport, uint16_t dport)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	p[9] = proto;
	p[12] = 198, p[13] = 18, p[14] = 1, p[15] = 1;
	p[16] = 198, p[17] = 18, p[18] = 2, p[19] = 2;
	p[20] = (uint8_t)(sport >> 8), p[21] = (uint8_t)sport;
	p[22] = (uint8_t)(dport >> 8), p[23] = (uint8_t)dport;
}

START_TEST(same_flow_same_bucket_whatever_the_payload)
{
	uint8_t a[1500], b[1500];

	ip4(a, 6, 40000, 5001);
	ip4(b, 6, 40000, 5001);
	memset(a + 40, 0x11, 1000);
	memset(b + 40, 0x22, 1000);
	a[8] = 64, b[8] = 3; /* TTL, lengths, ids differ */
	a[4] = 1, b[4] = 2;
	ck_assert_uint_eq(flow_bucket(a, 1040), flow_bucket(b, 40));
}
END_TEST

START_TEST(ports_spread_flows_over_the_buckets)
{
	static unsigned hits[FLOW_BUCKETS];
	uint8_t p[40];
	unsigned used = 0, most = 0;

	memset(hits, 0, sizeof(hits));
	for (unsigned port = 0; port < 8192; port++) {
		ip4(p, 6, (uint16_t)(30000 + port), 5001);
		hits[flow_bucket(p, 40)]++;
	}
	for (unsigned i = 0; i < FLOW_BUCKETS; i++) {
		used += hits[i] != 0;
		most = hits[i] > most ? hits[i] : most;
	}
	ck_assert_uint_ge(used, FLOW_BUCKETS * 9 / 10); /* 8 flows per bucket on average */
	ck_assert_uint_le(most, 24);
}
END_TEST

START_TEST(fragments_share_the_datagrams_bucket)
{
	uint8_t first[40], later[40];

	ip4(first, 17, 1111, 2222);
	first[6] = 0x20; /* MF */
	ip4(later, 17, 0x0102, 0x0304); /* a later fragment: payload bytes, not ports */
	later[7] = 185;
	ck_assert_uint_eq(flow_bucket(first, 40), flow_bucket(later, 40));
}
END_TEST

START_TEST(ipv6_and_garbage)
{
	uint8_t p[60] = { 0x60 }, q[60];

	p[6] = 6;
	p[23] = 1;
	p[39] = 2;
	p[40] = 0x9c, p[41] = 0x40, p[42] = 0x13, p[43] = 0x89;
	memcpy(q, p, sizeof(p));
	q[41] = 0x41; /* another source port */
	ck_assert_uint_lt(flow_bucket(p, 60), FLOW_BUCKETS);
	ck_assert_uint_ne(flow_bucket(p, 60), flow_bucket(q, 60));
	ck_assert_uint_eq(flow_bucket(p, 3), 0);
	p[0] = 0x50;
	ck_assert_uint_eq(flow_bucket(p, 60), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("flow");

	tcase_add_test(tc, same_flow_same_bucket_whatever_the_payload);
	tcase_add_test(tc, ports_spread_flows_over_the_buckets);
	tcase_add_test(tc, fragments_share_the_datagrams_bucket);
	tcase_add_test(tc, ipv6_and_garbage);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
