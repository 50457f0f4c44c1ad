/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sealing: round trips, every flipped bit fails, wrong key or counter fails, both ciphers. */
#include <string.h>

#include "seal.h"
#include "unit.h"

#define AD 24
#define LEN 100

static void key(struct seal_key *k, enum seal_cipher c, uint8_t fill)
{
	k->cipher = c;
	memset(k->key, fill, sizeof(k->key));
}

static size_t sample(uint8_t *buf, const struct seal_key *k, uint64_t counter)
{
	for (int i = 0; i < AD + LEN; i++)
		buf[i] = (uint8_t)(i * 7);
	return seal_close(k, counter, buf, AD, LEN);
}

static void round_trip(enum seal_cipher c)
{
	uint8_t buf[AD + LEN + SEAL_TAG_LEN], orig[AD + LEN];
	struct seal_key k;
	size_t total, len = 0;

	key(&k, c, 1);
	for (int i = 0; i < AD + LEN; i++)
		orig[i] = (uint8_t)(i * 7);
	total = sample(buf, &k, 42);
	ck_assert_uint_eq(total, sizeof(buf));
	ck_assert_mem_eq(buf, orig, AD);                           /* header stays readable */
	ck_assert_int_ne(memcmp(buf + AD, orig + AD, LEN), 0);    /* payload is not */
	ck_assert(seal_open(&k, 42, buf, AD, total, &len));
	ck_assert_uint_eq(len, LEN);
	ck_assert_mem_eq(buf, orig, sizeof(orig));
}

START_TEST(round_trip_chacha)
{
	round_trip(SEAL_CHACHA20_POLY1305);
}
END_TEST

START_TEST(round_trip_aes)
{
	if (!seal_aes_available())
		return; /* the CPU lacks AES-NI: netagg would not pick this cipher */
	round_trip(SEAL_AES256_GCM);
}
END_TEST

START_TEST(every_flipped_bit_fails)
{
	uint8_t buf[AD + LEN + SEAL_TAG_LEN], copy[sizeof(buf)];
	struct seal_key k;
	size_t total, len;

	key(&k, SEAL_CHACHA20_POLY1305, 2);
	total = sample(buf, &k, 7);
	for (size_t bit = 0; bit < total * 8; bit++) {
		memcpy(copy, buf, total);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert_msg(!seal_open(&k, 7, copy, AD, total, &len), "bit %zu", bit);
	}
}
END_TEST

/* Opens a fresh copy, since a failed open leaves the payload undefined. */
static bool try_open(const struct seal_key *k, uint64_t counter, const uint8_t *sealed, size_t ad, size_t total)
{
	uint8_t copy[AD + LEN + SEAL_TAG_LEN];
	size_t len;

	memcpy(copy, sealed, sizeof(copy));
	return seal_open(k, counter, copy, ad, total, &len);
}

START_TEST(wrong_key_counter_or_length_fails)
{
	uint8_t buf[AD + LEN + SEAL_TAG_LEN];
	struct seal_key k, other;
	size_t total;

	key(&k, SEAL_CHACHA20_POLY1305, 3);
	key(&other, SEAL_CHACHA20_POLY1305, 4);
	total = sample(buf, &k, 9);
	ck_assert(!try_open(&other, 9, buf, AD, total));
	ck_assert(!try_open(&k, 10, buf, AD, total));
	ck_assert(!try_open(&k, 9, buf, AD, total - 1));
	ck_assert(!try_open(&k, 9, buf, AD + 1, total));
	ck_assert(!try_open(&k, 9, buf, AD, AD + SEAL_TAG_LEN - 1));
	ck_assert(try_open(&k, 9, buf, AD, total));
}
END_TEST

START_TEST(nonce_differs_per_counter)
{
	uint8_t a[AD + LEN + SEAL_TAG_LEN], b[sizeof(a)];
	struct seal_key k;

	key(&k, SEAL_CHACHA20_POLY1305, 5);
	sample(a, &k, 1);
	sample(b, &k, 2);
	ck_assert_int_ne(memcmp(a + AD, b + AD, LEN + SEAL_TAG_LEN), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("seal");

	if (!seal_startup())
		return 99;
	tcase_add_test(tc, round_trip_chacha);
	tcase_add_test(tc, round_trip_aes);
	tcase_add_test(tc, every_flipped_bit_fails);
	tcase_add_test(tc, wrong_key_counter_or_length_fails);
	tcase_add_test(tc, nonce_differs_per_counter);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
