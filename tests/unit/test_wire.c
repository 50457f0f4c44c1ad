/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frame header: round trips, every truncation, and each reason a frame is refused before crypto. */
#include <string.h>

#include "unit.h"
#include "wire.h"

#define NPATHS 2

/* A frame of `type` with `payload` bytes after the header (plus the tag when sealed). */
static size_t make_frame(uint8_t *buf, uint8_t type, uint8_t key_id, uint8_t path_id, size_t payload)
{
	struct wire_header h = {
		.version = WIRE_VERSION, .type = type, .path_id = path_id, .key_id = key_id,
		.length = (uint16_t)payload, .path_seq = 0x01020304, .timestamp_us = 0xa0b0c0d0,
		.seq = 0x1122334455667788ull,
	};

	wire_encode(&h, buf);
	memset(buf + WIRE_HEADER_LEN, 0xab, payload + WIRE_TAG_LEN);
	return WIRE_HEADER_LEN + payload + (wire_is_sealed(type) ? WIRE_TAG_LEN : 0);
}

START_TEST(round_trip)
{
	uint8_t buf[2048];
	size_t len = make_frame(buf, WIRE_DATA, 5, 1, 1000);
	struct wire_header h;

	ck_assert_uint_eq(len, WIRE_HEADER_LEN + 1000 + WIRE_TAG_LEN);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_OK);
	ck_assert_uint_eq(h.version, WIRE_VERSION);
	ck_assert_uint_eq(h.type, WIRE_DATA);
	ck_assert_uint_eq(h.path_id, 1);
	ck_assert_uint_eq(h.key_id, 5);
	ck_assert_uint_eq(h.length, 1000);
	ck_assert_uint_eq(h.path_seq, 0x01020304);
	ck_assert_uint_eq(h.timestamp_us, 0xa0b0c0d0);
	ck_assert(h.seq == 0x1122334455667788ull);
}
END_TEST

START_TEST(encoding_is_big_endian)
{
	static const uint8_t expect[WIRE_HEADER_LEN] = { 1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4, 0xa0, 0xb0,
							 0xc0, 0xd0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	struct wire_header h = { .version = 1, .type = 2, .path_id = 3, .key_id = 4, .path_seq = 0x01020304,
				 .timestamp_us = 0xa0b0c0d0, .seq = 0x1122334455667788ull };
	uint8_t out[WIRE_HEADER_LEN];

	wire_encode(&h, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(each_type_and_its_size)
{
	uint8_t buf[256];
	struct wire_header h;

	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_KEEPALIVE, 1, 0, WIRE_PROBE_LEN), NPATHS, &h), WIRE_OK);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_KEEPALIVE, 1, 0, 0), NPATHS, &h), WIRE_BAD_LENGTH);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_HS_INIT, 0, 0, WIRE_HS_INIT_LEN), NPATHS, &h), WIRE_OK);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_HS_RESP, 0, 1, WIRE_HS_RESP_LEN), NPATHS, &h), WIRE_OK);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_KEEPALIVE, 1, 0, 4), NPATHS, &h), WIRE_BAD_LENGTH);
	/* A down path's keepalives are padded to a full frame; a keepalive never is shorter than its report. */
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_KEEPALIVE, 1, 0, WIRE_PROBE_LEN + 100), NPATHS, &h),
			 WIRE_OK);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_KEEPALIVE, 1, 0, WIRE_PROBE_LEN - 1), NPATHS, &h),
			 WIRE_BAD_LENGTH);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_HS_INIT, 0, 0, WIRE_HS_INIT_LEN - 1), NPATHS, &h),
			 WIRE_BAD_LENGTH);
	ck_assert_int_eq(wire_decode(buf, make_frame(buf, WIRE_HS_RESP, 0, 0, WIRE_HS_INIT_LEN), NPATHS, &h),
			 WIRE_BAD_LENGTH);
	ck_assert_uint_eq(wire_overhead(WIRE_DATA), WIRE_HEADER_LEN + WIRE_TAG_LEN);
	ck_assert_uint_eq(wire_overhead(WIRE_HS_INIT), WIRE_HEADER_LEN);
}
END_TEST

START_TEST(every_truncation_is_refused)
{
	uint8_t buf[256];
	size_t full = make_frame(buf, WIRE_DATA, 1, 0, 100);
	struct wire_header h;

	for (size_t len = 0; len < full; len++) {
		enum wire_error e = wire_decode(buf, len, NPATHS, &h);

		ck_assert_int_eq(e, len < WIRE_HEADER_LEN ? WIRE_SHORT : WIRE_BAD_LENGTH);
	}
}
END_TEST

START_TEST(refusals)
{
	uint8_t buf[256];
	size_t len;
	struct wire_header h;

	len = make_frame(buf, WIRE_DATA, 1, 0, 60);
	buf[0] = WIRE_VERSION + 1;
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_VERSION);
	buf[0] = 0;
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_VERSION);
	for (unsigned type = 0; type < 256; type++) {
		if (type >= WIRE_DATA && type <= WIRE_TYPE_MAX)
			continue;
		len = make_frame(buf, (uint8_t)type, 1, 0, 60);
		ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_TYPE);
	}
	len = make_frame(buf, WIRE_DATA, 0, 0, 60);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_UNSEALED);
	len = make_frame(buf, WIRE_KEEPALIVE, 0, 0, WIRE_PROBE_LEN);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_UNSEALED);
	len = make_frame(buf, WIRE_HS_INIT, 3, 0, WIRE_HS_INIT_LEN);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_KEY);
	len = make_frame(buf, WIRE_DATA, 1, NPATHS, 60);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_PATH);
	len = make_frame(buf, WIRE_DATA, 1, 255, 60);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_PATH);
	/* Datagram longer than the length field says. */
	len = make_frame(buf, WIRE_DATA, 1, 0, 60);
	ck_assert_int_eq(wire_decode(buf, len + 1, NPATHS, &h), WIRE_BAD_LENGTH);
	/* Repairs, express packets and NACKs are sealed; a NACK is 1 to 16 whole entries. */
	len = make_frame(buf, WIRE_REPAIR, 0, 0, 60);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_UNSEALED);
	len = make_frame(buf, WIRE_EXPRESS, 0, 0, 40);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_UNSEALED);
	len = make_frame(buf, WIRE_EXPRESS, 1, 0, 40);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_OK);
	len = make_frame(buf, WIRE_NACK, 0, 0, 8);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_UNSEALED);
	len = make_frame(buf, WIRE_REPAIR, 1, 0, 60);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_OK);
	len = make_frame(buf, WIRE_NACK, 1, 0, 8);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_OK);
	len = make_frame(buf, WIRE_NACK, 1, 0, 128);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_OK);
	len = make_frame(buf, WIRE_NACK, 1, 0, 0);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_LENGTH);
	len = make_frame(buf, WIRE_NACK, 1, 0, 12);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_LENGTH);
	len = make_frame(buf, WIRE_NACK, 1, 0, 136);
	ck_assert_int_eq(wire_decode(buf, len, NPATHS, &h), WIRE_BAD_LENGTH);
}
END_TEST

START_TEST(nack_round_trip)
{
	struct wire_nack_entry in[WIRE_NACK_MAX_ENTRIES], got[WIRE_NACK_MAX_ENTRIES];
	uint8_t buf[WIRE_NACK_MAX_ENTRIES * WIRE_NACK_ENTRY_LEN];
	size_t len;

	for (unsigned i = 0; i < WIRE_NACK_MAX_ENTRIES; i++)
		in[i] = (struct wire_nack_entry){ .path = (uint8_t)(i % 8), .count = (uint8_t)(i + 1),
						  .first = 0xfffffff0u + i * 3 };
	len = wire_nack_encode(in, WIRE_NACK_MAX_ENTRIES, buf);
	ck_assert_uint_eq(len, sizeof(buf));
	ck_assert_uint_eq(buf[8], 1);
	ck_assert_uint_eq(buf[9], 2);
	ck_assert_uint_eq(buf[12], 0xff); /* big-endian first */
	ck_assert_uint_eq(buf[15], 0xf3);
	ck_assert_uint_eq(wire_nack_decode(buf, len, got), WIRE_NACK_MAX_ENTRIES);
	for (unsigned i = 0; i < WIRE_NACK_MAX_ENTRIES; i++) {
		ck_assert_uint_eq(got[i].path, in[i].path);
		ck_assert_uint_eq(got[i].count, in[i].count);
		ck_assert_uint_eq(got[i].first, in[i].first);
	}
	buf[1] = 0; /* a count of 0: an outage entry, everything from `first` on */
	ck_assert_uint_eq(wire_nack_decode(buf, len, got), WIRE_NACK_MAX_ENTRIES);
	ck_assert_uint_eq(got[0].count, 0);
	ck_assert_uint_eq(got[0].first, in[0].first);
	buf[1] = WIRE_NACK_MAX_COUNT + 1;
	ck_assert_uint_eq(wire_nack_decode(buf, len, got), 0);
	buf[1] = WIRE_NACK_MAX_COUNT;
	ck_assert_uint_eq(wire_nack_decode(buf, len, got), WIRE_NACK_MAX_ENTRIES);
	buf[1] = 1;
	buf[10] = 1; /* reserved bytes of the second entry */
	ck_assert_uint_eq(wire_nack_decode(buf, len, got), 0);
}
END_TEST

START_TEST(inner_ipv4)
{
	uint8_t pkt[60] = { 0x45 };

	pkt[3] = 60;
	ck_assert_int_eq(wire_check_inner(pkt, sizeof(pkt)), WIRE_OK);
	pkt[3] = 59; /* IPv4 total length disagrees */
	ck_assert_int_eq(wire_check_inner(pkt, sizeof(pkt)), WIRE_BAD_INNER);
	pkt[3] = 60;
	pkt[0] = 0x44; /* IHL below 5 */
	ck_assert_int_eq(wire_check_inner(pkt, sizeof(pkt)), WIRE_BAD_INNER);
	pkt[0] = 0x35; /* version 3 */
	ck_assert_int_eq(wire_check_inner(pkt, sizeof(pkt)), WIRE_BAD_INNER);
	pkt[0] = 0x45;
	pkt[3] = 19;
	ck_assert_int_eq(wire_check_inner(pkt, 19), WIRE_BAD_INNER); /* shorter than a header */
	ck_assert_int_eq(wire_check_inner(pkt, 0), WIRE_BAD_INNER);
}
END_TEST

START_TEST(inner_ipv6)
{
	uint8_t pkt[100] = { 0x60 };

	pkt[5] = 60; /* payload length: 100 - 40 */
	ck_assert_int_eq(wire_check_inner(pkt, sizeof(pkt)), WIRE_OK);
	pkt[5] = 61;
	ck_assert_int_eq(wire_check_inner(pkt, sizeof(pkt)), WIRE_BAD_INNER);
	pkt[5] = 0;
	ck_assert_int_eq(wire_check_inner(pkt, 40), WIRE_OK);
	ck_assert_int_eq(wire_check_inner(pkt, 39), WIRE_BAD_INNER);
}
END_TEST

START_TEST(error_names_are_distinct)
{
	for (int a = 0; a < WIRE_ERROR_COUNT; a++)
		for (int b = a + 1; b < WIRE_ERROR_COUNT; b++)
			ck_assert_str_ne(wire_error_name(a), wire_error_name(b));
	ck_assert_str_eq(wire_error_name(WIRE_ERROR_COUNT), "unknown");
}
END_TEST

START_TEST(probe_report_round_trip)
{
	const struct wire_probe in = { 0x01020304, 0xfffffffe, 7, 0x80000001, 0xffffffff, 0x0a0b0c0d };
	uint8_t buf[WIRE_PROBE_LEN];
	struct wire_probe out;

	wire_probe_encode(&in, buf);
	ck_assert_uint_eq(buf[0], 1); /* network byte order */
	ck_assert_uint_eq(buf[3], 4);
	ck_assert_uint_eq(buf[20], 0x0a);
	ck_assert_uint_eq(buf[23], 0x0d);
	wire_probe_decode(buf, &out);
	ck_assert_mem_eq(&in, &out, sizeof(in));
}
END_TEST

START_TEST(train_result_round_trip)
{
	const struct wire_train_result in = { 0xfffffffe, 0x00012345 };
	uint8_t buf[WIRE_TRAIN_RESULT_LEN], zero[WIRE_TRAIN_RESULT_LEN] = { 0 };
	struct wire_train_result out;

	wire_train_result_encode(&in, buf);
	ck_assert_uint_eq(buf[0], 0xff);
	ck_assert_uint_eq(buf[7], 0x45);
	wire_train_result_decode(buf, &out);
	ck_assert_mem_eq(&in, &out, sizeof(in));
	wire_train_result_decode(zero, &out); /* an older peer's padding: no result */
	ck_assert_uint_eq(out.kbps, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("wire");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, train_result_round_trip);
	tcase_add_test(tc, encoding_is_big_endian);
	tcase_add_test(tc, each_type_and_its_size);
	tcase_add_test(tc, every_truncation_is_refused);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, nack_round_trip);
	tcase_add_test(tc, inner_ipv4);
	tcase_add_test(tc, inner_ipv6);
	tcase_add_test(tc, error_names_are_distinct);
	tcase_add_test(tc, probe_report_round_trip);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
