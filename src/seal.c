/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AEAD sealing of frames with libsodium; nonces are built from a never-repeating counter. */
#include "seal.h"

#include <sodium.h>
#include <string.h>

/* 96-bit IETF nonce: four zero bytes, then the 64-bit counter, big-endian. */
static void make_nonce(uint64_t counter, uint8_t nonce[12])
{
	memset(nonce, 0, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(counter >> (56 - 8 * i));
}

bool seal_startup(void)
{
	return sodium_init() >= 0;
}

bool seal_aes_available(void)
{
	return crypto_aead_aes256gcm_is_available() != 0;
}

size_t seal_close(const struct seal_key *k, uint64_t counter, uint8_t *buf, size_t ad_len, size_t len)
{
	uint8_t nonce[12];
	uint8_t *msg = buf + ad_len;

	make_nonce(counter, nonce);
	if (k->cipher == SEAL_AES256_GCM)
		crypto_aead_aes256gcm_encrypt_detached(msg, msg + len, NULL, msg, len, buf, ad_len, NULL, nonce,
						       k->key);
	else
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(msg, msg + len, NULL, msg, len, buf, ad_len,
								   NULL, nonce, k->key);
	return ad_len + len + SEAL_TAG_LEN;
}

bool seal_open(const struct seal_key *k, uint64_t counter, uint8_t *buf, size_t ad_len, size_t total,
	       size_t *len)
{
	uint8_t nonce[12];
	uint8_t *msg = buf + ad_len;
	size_t n;
	int r;

	if (total < ad_len + SEAL_TAG_LEN)
		return false;
	n = total - ad_len - SEAL_TAG_LEN;
	make_nonce(counter, nonce);
	/* libsodium checks the tag before decrypting and zeroes the output when it fails. */
	if (k->cipher == SEAL_AES256_GCM)
		r = crypto_aead_aes256gcm_decrypt_detached(msg, NULL, msg, n, msg + n, buf, ad_len, nonce, k->key);
	else
		r = crypto_aead_chacha20poly1305_ietf_decrypt_detached(msg, NULL, msg, n, msg + n, buf, ad_len,
								       nonce, k->key);
	if (r != 0)
		return false;
	*len = n;
	return true;
}

void seal_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
