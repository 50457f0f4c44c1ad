/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bare TCP ACKs: which inner packets are, and the path of lowest RTT they take, with hysteresis. */
#include <stdint.h>
#include <string.h>

#include "express.h"
#include "tcpseg.h"
#include "segment.h"
#include "unit.h"

#define MS 1000000ull

/* An IPv4 (or IPv6) TCP segment with the flags given and `payload` bytes of data, at seq 0x12345678. */
static size_t segment(uint8_t *pkt, int version, uint8_t flags, size_t payload)
{
	return unit_segment(pkt, version, 0x12345678u, flags, payload);
}

START_TEST(a_segment_is_parsed)
{
	uint8_t pkt[1600];
	struct tcpseg seg;

	for (int v = 4; v <= 6; v += 2) {
		ck_assert(tcpseg_parse(pkt, segment(pkt, v, TCPSEG_ACK, 1000), &seg));
		ck_assert_uint_eq(seg.header, v == 4 ? 20 : 40);
		ck_assert_uint_eq(seg.payload, 1000);
		ck_assert_uint_eq(seg.flags, TCPSEG_ACK);
		ck_assert_uint_eq(seg.seq, 0x12345678u);
	}
	/* Options are not data: a 32-byte header with no payload. */
	segment(pkt, 4, TCPSEG_ACK, 12);
	pkt[20 + 12] = 8 << 4;
	ck_assert(tcpseg_parse(pkt, 52, &seg));
	ck_assert_uint_eq(seg.payload, 0);
}
END_TEST

START_TEST(only_bare_acks_are_pure)
{
	uint8_t pkt[1600];
	size_t n;

	for (int v = 4; v <= 6; v += 2) {
		ck_assert(tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_ACK, 0)));
		ck_assert(tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_ACK | 0x08 /* PSH */ | 0x40 /* ECE */, 0)));
		ck_assert(!tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_ACK, 1)));
		ck_assert(!tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_ACK | TCPSEG_FIN, 0)));
		ck_assert(!tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_ACK | TCPSEG_SYN, 0)));
		ck_assert(!tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_ACK | TCPSEG_RST, 0)));
		ck_assert(!tcpseg_pure_ack(pkt, segment(pkt, v, TCPSEG_SYN, 0)));
		ck_assert(!tcpseg_pure_ack(pkt, segment(pkt, v, 0, 0)));
	}
	/* UDP, a fragment, an IPv6 extension header, a truncated header: not TCP at all. */
	n = segment(pkt, 4, TCPSEG_ACK, 0);
	pkt[9] = 17;
	ck_assert(!tcpseg_pure_ack(pkt, n));
	n = segment(pkt, 4, TCPSEG_ACK, 0);
	pkt[7] = 1; /* fragment offset */
	ck_assert(!tcpseg_pure_ack(pkt, n));
	n = segment(pkt, 6, TCPSEG_ACK, 0);
	pkt[6] = 0; /* hop-by-hop options first */
	ck_assert(!tcpseg_pure_ack(pkt, n));
	n = segment(pkt, 4, TCPSEG_ACK, 0);
	ck_assert(!tcpseg_pure_ack(pkt, n - 1));
	pkt[20 + 12] = 4 << 4; /* a data offset under 20 bytes */
	ck_assert(!tcpseg_pure_ack(pkt, n));
	pkt[20 + 12] = 6 << 4; /* one past the packet's end */
	ck_assert(!tcpseg_pure_ack(pkt, n));
	ck_assert(!tcpseg_pure_ack(pkt, 19));
}
END_TEST

/* A UDP datagram of `total` bytes, IP header included (IPv4 or IPv6). */
static size_t datagram(uint8_t *pkt, int version, size_t total)
{
	size_t n = unit_segment(pkt, version, 0, 0, total - (version == 4 ? 40 : 60));

	pkt[version == 4 ? 9 : 6] = 17;
	return n;
}

/* Bytes that make a 200-byte datagram no whole UDP datagram. */
static const struct {
	int version;
	size_t at;
	uint8_t value;
} not_whole[] = {
	{ 4, 6, 0x20 }, /* a first fragment: more fragments */
	{ 4, 7, 1 },    /* a later one: an offset */
	{ 6, 6, 0 },    /* an IPv6 extension header (hop-by-hop) first */
	{ 4, 9, 1 },    /* ICMP */
	{ 4, 0, 0x55 }, /* not IP */
};

START_TEST(whole_udp_datagrams_are_recognised)
{
	uint8_t pkt[1600];
	size_t n;

	for (int v = 4; v <= 6; v += 2) {
		ck_assert(express_udp(pkt, datagram(pkt, v, 200)));
		ck_assert(express_udp(pkt, datagram(pkt, v, 1400)));
		ck_assert(!express_udp(pkt, segment(pkt, v, TCPSEG_ACK, 10)));
	}
	for (size_t i = 0; i < sizeof(not_whole) / sizeof(not_whole[0]); i++) {
		n = datagram(pkt, not_whole[i].version, 200);
		pkt[not_whole[i].at] = not_whole[i].value;
		ck_assert_msg(!express_udp(pkt, n), "case %zu", i);
	}
	/* Shorter than the IP and UDP headers, options included. */
	n = datagram(pkt, 4, 200);
	ck_assert(!express_udp(pkt, 27));
	pkt[0] = 0x4f; /* 60 bytes of IPv4 header */
	ck_assert(!express_udp(pkt, 67));
	ck_assert(express_udp(pkt, 68));
	n = datagram(pkt, 6, 200);
	ck_assert(!express_udp(pkt, 47));
}
END_TEST

START_TEST(small_datagrams_go_express_unless_their_flow_sends_large_ones)
{
	uint64_t large_at = 0;

	ck_assert(express_udp_admits(&large_at, 200, 300, 1000 * MS)); /* voice */
	ck_assert(express_udp_admits(&large_at, 300, 300, 1020 * MS)); /* at the limit */
	ck_assert_uint_eq(large_at, 0);
	ck_assert(!express_udp_admits(&large_at, 301, 300, 1040 * MS)); /* larger: in the schedule */
	ck_assert_uint_eq(large_at, 1040 * MS);
	/* The flow's small ones stay in the schedule too, in order with its large ones, */
	ck_assert(!express_udp_admits(&large_at, 100, 300, 1041 * MS));
	ck_assert(!express_udp_admits(&large_at, 100, 300, 1040 * MS + EXPRESS_UDP_BULK_NS - 1));
	/* until it has sent none large for EXPRESS_UDP_BULK_NS. */
	ck_assert(express_udp_admits(&large_at, 100, 300, 1040 * MS + EXPRESS_UDP_BULK_NS));
	/* fast_udp = 0: none, and nothing marked, so that turned on again it takes them at once. */
	large_at = 0;
	ck_assert(!express_udp_admits(&large_at, 100, 0, 5000 * MS));
	ck_assert(!express_udp_admits(&large_at, 1400, 0, 5000 * MS));
	ck_assert_uint_eq(large_at, 0);
}
END_TEST

START_TEST(the_path_of_lowest_rtt_is_taken)
{
	bool cand[4] = { true, true, true, true };
	uint64_t srtt[4] = { 50 * MS, 10 * MS, 30 * MS, 10 * MS };

	ck_assert_int_eq(express_path(4, cand, srtt, -1), 1); /* ties: the lowest index */
	cand[1] = false;
	ck_assert_int_eq(express_path(4, cand, srtt, -1), 3);
	ck_assert_int_eq(express_path(4, cand, srtt, 1), 3); /* the last one is no candidate any more */
	memset(cand, 0, sizeof(cand));
	ck_assert_int_eq(express_path(4, cand, srtt, 1), -1);
	ck_assert_int_eq(express_path(0, cand, srtt, -1), -1);
}
END_TEST

START_TEST(the_last_path_keeps_them_within_an_eighth)
{
	bool cand[2] = { true, true };
	uint64_t srtt[2] = { 40 * MS, 36 * MS };

	/* 4 ms lower, under 40/8 = 5 ms: no move. */
	ck_assert_int_eq(express_path(2, cand, srtt, 0), 0);
	srtt[1] = 34 * MS;
	ck_assert_int_eq(express_path(2, cand, srtt, 0), 1);
	/* At low RTTs the margin is 1 ms at least. */
	srtt[0] = 2 * MS;
	srtt[1] = 1200000;
	ck_assert_int_eq(express_path(2, cand, srtt, 0), 0);
	srtt[1] = 900000;
	ck_assert_int_eq(express_path(2, cand, srtt, 0), 1);
	/* A path whose queue grew loses them. */
	srtt[0] = 10 * MS;
	srtt[1] = 80 * MS;
	ck_assert_int_eq(express_path(2, cand, srtt, 1), 0);
}
END_TEST

START_TEST(a_path_with_the_peers_data_is_watched_every_10_ms)
{
	bool peer_data[3] = { true, true, false };
	uint64_t since[3] = { 0, 3 * MS, UINT64_MAX };

	ck_assert_uint_eq(express_watch_due(3, peer_data, since), 0);
	since[1] = EXPRESS_WATCH_NS;
	ck_assert_uint_eq(express_watch_due(3, peer_data, since), 2);
	/* Never sent on: due at once; a path without the peer's data never is. */
	since[1] = UINT64_MAX;
	since[0] = 11 * MS;
	ck_assert_uint_eq(express_watch_due(3, peer_data, since), 3);
	peer_data[1] = false;
	ck_assert_uint_eq(express_watch_due(3, peer_data, since), 1);
	ck_assert_uint_eq(express_watch_due(0, peer_data, since), 0);
}
END_TEST

START_TEST(a_path_that_fails_is_barred_longer_each_time)
{
	struct express_bar b = { 0 };
	uint64_t t = 1000 * MS;

	ck_assert(express_bar_admits(&b, false, t));
	/* Failing: barred, for 500 ms after the last failing look. */
	ck_assert(!express_bar_admits(&b, true, t));
	ck_assert(!express_bar_admits(&b, true, t + 100 * MS));
	ck_assert(!express_bar_admits(&b, false, t + 599 * MS));
	ck_assert(express_bar_admits(&b, false, t + 600 * MS));
	/* Again within 10 s: 1 s, 2 s, 4 s, 8 s, and no longer. */
	for (uint64_t bar = 1000 * MS; bar <= 16000 * MS; bar *= 2) {
		uint64_t expect = bar < EXPRESS_BAR_MAX_NS ? bar : EXPRESS_BAR_MAX_NS;

		t += 1000 * MS;
		ck_assert(!express_bar_admits(&b, true, t));
		ck_assert(!express_bar_admits(&b, false, t + expect - 1));
		ck_assert(express_bar_admits(&b, false, t + expect));
		t += expect;
	}
	/* After a calm of 10 s since the last failure, the bar is back at 500 ms. */
	t += EXPRESS_BAR_CALM_NS;
	ck_assert(!express_bar_admits(&b, true, t));
	ck_assert(!express_bar_admits(&b, false, t + 499 * MS));
	ck_assert(express_bar_admits(&b, false, t + 500 * MS));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("express");
	TCase *tc = tcase_create("express");

	tcase_add_test(tc, a_segment_is_parsed);
	tcase_add_test(tc, only_bare_acks_are_pure);
	tcase_add_test(tc, whole_udp_datagrams_are_recognised);
	tcase_add_test(tc, small_datagrams_go_express_unless_their_flow_sends_large_ones);
	tcase_add_test(tc, the_path_of_lowest_rtt_is_taken);
	tcase_add_test(tc, the_last_path_keeps_them_within_an_eighth);
	tcase_add_test(tc, a_path_with_the_peers_data_is_watched_every_10_ms);
	tcase_add_test(tc, a_path_that_fails_is_barred_longer_each_time);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
