/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Authenticated encryption of frames with libsodium: the header is authenticated, the payload sealed. */
#ifndef NETAGG_SEAL_H
#define NETAGG_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_LEN 32
#define SEAL_TAG_LEN 16

enum seal_cipher {
	SEAL_CHACHA20_POLY1305, /* default: fast everywhere, constant time in software */
	SEAL_AES256_GCM,        /* only where the CPU has AES-NI and CLMUL */
};

struct seal_key {
	enum seal_cipher cipher;
	uint8_t key[SEAL_KEY_LEN];
};

/* Initialises libsodium; false when it cannot (no entropy source). */
bool seal_startup(void);

/* Is AES-256-GCM usable on this CPU? */
bool seal_aes_available(void);

/*
 * Seals in place: buf[0..ad_len) is authenticated only, buf[ad_len..ad_len+len) is
 * encrypted, and the tag is written after it (buf needs SEAL_TAG_LEN bytes of room).
 * `counter` must never repeat under one key: it is the nonce. Returns ad_len + len + tag.
 */
size_t seal_close(const struct seal_key *k, uint64_t counter, uint8_t *buf, size_t ad_len, size_t len);

/*
 * Opens in place what seal_close made: buf[0..total) with the first ad_len bytes
 * authenticated. On success returns true and the plaintext length in *len; on any
 * mismatch returns false and the payload bytes are undefined (libsodium zeroes them),
 * so a refused frame must be dropped, never retried.
 */
bool seal_open(const struct seal_key *k, uint64_t counter, uint8_t *buf, size_t ad_len, size_t total,
	       size_t *len);

/* Wipes key material. */
void seal_wipe(void *p, size_t n);

#endif
