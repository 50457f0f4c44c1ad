/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Key exchange: both ends derive matching keys; forged, altered or mismatched messages fail. */
#include <sodium.h>
#include <string.h>

#include "handshake.h"
#include "unit.h"

struct side {
	struct hs_keys k;
	uint8_t pub[HS_PUB_LEN], sec[HS_SEC_LEN];
};

static void make_side(struct side *s, uint8_t psk_fill)
{
	uint8_t psk[HS_PSK_LEN];

	memset(psk, psk_fill, sizeof(psk));
	hs_derive(psk, &s->k);
	crypto_kx_keypair(s->pub, s->sec);
}

static void header(uint8_t type, uint8_t *out)
{
	struct wire_header h = { .version = WIRE_VERSION, .type = type, .length = 80, .seq = 5 };

	wire_encode(&h, out);
}

static struct hs_init sample_init(const struct side *i)
{
	struct hs_init in = { .timestamp = 1700000000123456789ull, .epoch = 9, .ciphers = 3, .features = HS_FEATURE_EXPRESS };

	memcpy(in.e_pub, i->pub, HS_PUB_LEN);
	return in;
}

START_TEST(full_exchange_gives_matching_keys)
{
	struct side ini, res;
	uint8_t hi[WIRE_HEADER_LEN], hr[WIRE_HEADER_LEN], init_msg[HS_INIT_LEN], resp_msg[HS_RESP_LEN];
	uint8_t e_r[HS_PUB_LEN], itx[32], irx[32], rtx[32], rrx[32], cipher = 0, features = 0;
	struct hs_init sent, got;

	make_side(&ini, 1);
	make_side(&res, 1);
	sent = sample_init(&ini);
	header(3, hi);
	hs_write_init(&ini.k, hi, &sent, init_msg);
	ck_assert(hs_read_init(&res.k, hi, init_msg, sizeof(init_msg), &got));
	ck_assert_mem_eq(got.e_pub, ini.pub, HS_PUB_LEN);
	ck_assert(got.timestamp == sent.timestamp);
	ck_assert_uint_eq(got.epoch, 9);
	ck_assert_uint_eq(got.ciphers, 3);
	ck_assert_uint_eq(got.features, HS_FEATURE_EXPRESS);

	header(4, hr);
	hs_write_resp(&res.k, hr, res.pub, SEAL_AES256_GCM, 0x81, &got, resp_msg);
	ck_assert(hs_read_resp(&ini.k, hr, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	ck_assert_mem_eq(e_r, res.pub, HS_PUB_LEN);
	ck_assert_uint_eq(cipher, SEAL_AES256_GCM);
	ck_assert_uint_eq(features, 0x81);

	ck_assert(hs_session_keys(&ini.k, true, ini.pub, ini.sec, e_r, itx, irx));
	ck_assert(hs_session_keys(&res.k, false, res.pub, res.sec, got.e_pub, rtx, rrx));
	ck_assert_mem_eq(itx, rrx, 32);
	ck_assert_mem_eq(irx, rtx, 32);
	ck_assert_int_ne(memcmp(itx, irx, 32), 0); /* one key per direction */
}
END_TEST

START_TEST(wrong_psk_or_any_altered_byte_fails)
{
	struct side ini, res, stranger;
	uint8_t h[WIRE_HEADER_LEN], msg[HS_INIT_LEN], copy[HS_INIT_LEN], hcopy[WIRE_HEADER_LEN];
	struct hs_init sent, got;

	make_side(&ini, 1);
	make_side(&res, 1);
	make_side(&stranger, 2);
	sent = sample_init(&ini);
	header(3, h);
	hs_write_init(&stranger.k, h, &sent, msg);
	ck_assert(!hs_read_init(&res.k, h, msg, sizeof(msg), &got));
	hs_write_init(&ini.k, h, &sent, msg);
	for (size_t bit = 0; bit < sizeof(msg) * 8; bit++) {
		memcpy(copy, msg, sizeof(msg));
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert(!hs_read_init(&res.k, h, copy, sizeof(copy), &got));
	}
	for (size_t bit = 0; bit < sizeof(h) * 8; bit++) {
		memcpy(hcopy, h, sizeof(h));
		hcopy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert(!hs_read_init(&res.k, hcopy, msg, sizeof(msg), &got));
	}
	ck_assert(!hs_read_init(&res.k, h, msg, sizeof(msg) - 1, &got));
}
END_TEST

START_TEST(resp_is_bound_to_its_init)
{
	struct side ini, res;
	uint8_t h[WIRE_HEADER_LEN], resp_msg[HS_RESP_LEN], e_r[HS_PUB_LEN], init_msg[HS_INIT_LEN], cipher, features;
	struct hs_init sent, other;

	make_side(&ini, 1);
	make_side(&res, 1);
	sent = sample_init(&ini);
	other = sent;
	other.timestamp++;
	header(4, h);
	hs_write_resp(&res.k, h, res.pub, 0, HS_FEATURES, &other, resp_msg);
	ck_assert(!hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	hs_write_resp(&res.k, h, res.pub, 0, HS_FEATURES, &sent, resp_msg);
	ck_assert(hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	/* The chosen cipher is authenticated: flipping it breaks the MAC. */
	resp_msg[HS_PUB_LEN] ^= 1;
	ck_assert(!hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	resp_msg[HS_PUB_LEN] ^= 1;
	/* So are the responder's features, and the initiator's, through the INIT the RESP is bound to. */
	resp_msg[HS_PUB_LEN + 1] ^= HS_FEATURE_EXPRESS;
	ck_assert(!hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	resp_msg[HS_PUB_LEN + 1] ^= HS_FEATURE_EXPRESS;
	other = sent;
	other.features ^= 0x02;
	ck_assert(!hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &other, e_r, &cipher, &features));
	ck_assert(hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	ck_assert_uint_eq(features, HS_FEATURES);
	/* A responder that predates features: it read our INIT without them, and answers with none. */
	other = sent;
	other.features = 0;
	hs_write_resp(&res.k, h, res.pub, 0, 0, &other, resp_msg);
	features = 0xff;
	ck_assert(hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	ck_assert_uint_eq(features, 0);
	/* The rest of the INIT stays bound: such a RESP to another INIT fails. */
	other.timestamp++;
	hs_write_resp(&res.k, h, res.pub, 0, 0, &other, resp_msg);
	ck_assert(!hs_read_resp(&ini.k, h, resp_msg, sizeof(resp_msg), &sent, e_r, &cipher, &features));
	/* An INIT is never taken for a RESP: other MAC key, other length. */
	hs_write_init(&ini.k, h, &sent, init_msg);
	ck_assert(!hs_read_resp(&ini.k, h, init_msg, HS_RESP_LEN, &sent, e_r, &cipher, &features));
}
END_TEST

START_TEST(every_handshake_gives_new_keys)
{
	struct side a1, b1, a2, b2;
	uint8_t tx1[32], rx1[32], tx2[32], rx2[32];

	make_side(&a1, 1);
	make_side(&b1, 1);
	make_side(&a2, 1);
	make_side(&b2, 1);
	ck_assert(hs_session_keys(&a1.k, true, a1.pub, a1.sec, b1.pub, tx1, rx1));
	ck_assert(hs_session_keys(&a2.k, true, a2.pub, a2.sec, b2.pub, tx2, rx2));
	/* Same pre-shared key, new ephemeral keys: nothing in common, so no nonce is ever reused under a key. */
	ck_assert_int_ne(memcmp(tx1, tx2, 32), 0);
	ck_assert_int_ne(memcmp(rx1, rx2, 32), 0);
}
END_TEST

START_TEST(psk_is_mixed_into_session_keys)
{
	struct side a, b, b_other_psk;
	uint8_t atx[32], arx[32], btx[32], brx[32];

	make_side(&a, 1);
	make_side(&b, 1);
	b_other_psk = b;
	make_side(&b_other_psk, 3);
	memcpy(b_other_psk.pub, b.pub, HS_PUB_LEN);
	memcpy(b_other_psk.sec, b.sec, HS_SEC_LEN);
	ck_assert(hs_session_keys(&a.k, true, a.pub, a.sec, b.pub, atx, arx));
	ck_assert(hs_session_keys(&b_other_psk.k, false, b.pub, b.sec, a.pub, btx, brx));
	ck_assert_int_ne(memcmp(atx, brx, 32), 0);
}
END_TEST

START_TEST(cipher_choice)
{
	const uint8_t chacha = HS_CIPHER_BIT(SEAL_CHACHA20_POLY1305), aes = HS_CIPHER_BIT(SEAL_AES256_GCM);

	ck_assert_int_eq(hs_choose_cipher(chacha | aes, chacha | aes), SEAL_AES256_GCM);
	ck_assert_int_eq(hs_choose_cipher(chacha | aes, chacha), SEAL_CHACHA20_POLY1305);
	ck_assert_int_eq(hs_choose_cipher(chacha, chacha | aes), SEAL_CHACHA20_POLY1305);
	ck_assert_int_eq(hs_choose_cipher(aes, aes), SEAL_AES256_GCM);
	ck_assert_int_eq(hs_choose_cipher(aes, chacha), -1);
	ck_assert_int_eq(hs_choose_cipher(0, chacha | aes), -1);
}
END_TEST

START_TEST(degenerate_public_key_is_refused)
{
	struct side a;
	uint8_t zero[HS_PUB_LEN] = { 0 }, tx[32], rx[32];

	make_side(&a, 1);
	ck_assert(!hs_session_keys(&a.k, true, a.pub, a.sec, zero, tx, rx));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("handshake");
	TCase *tc = tcase_create("handshake");

	if (sodium_init() < 0)
		return 99;
	tcase_add_test(tc, full_exchange_gives_matching_keys);
	tcase_add_test(tc, wrong_psk_or_any_altered_byte_fails);
	tcase_add_test(tc, resp_is_bound_to_its_init);
	tcase_add_test(tc, every_handshake_gives_new_keys);
	tcase_add_test(tc, psk_is_mixed_into_session_keys);
	tcase_add_test(tc, degenerate_public_key_is_refused);
	tcase_add_test(tc, cipher_choice);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
