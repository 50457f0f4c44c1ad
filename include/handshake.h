/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The key exchange messages: an initiator's INIT and a responder's RESP carry
 * ephemeral X25519 public keys, authenticated with MACs keyed from the pre-shared
 * key; both ends then derive per-direction session keys with crypto_kx and mix the
 * pre-shared key in. No I/O, no clock, no randomness: callers pass key pairs in.
 */
#ifndef NETAGG_HANDSHAKE_H
#define NETAGG_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seal.h"
#include "wire.h"

#define HS_PSK_LEN 32
#define HS_PUB_LEN 32
#define HS_SEC_LEN 32
#define HS_MAC_LEN 32
/* INIT payload: e_pub(32) timestamp(8) epoch(1) ciphers(1) features(1) reserved(5) mac(32) */
#define HS_INIT_LEN 80
/* RESP payload: e_pub(32) cipher(1) features(1) reserved(6) mac(32) */
#define HS_RESP_LEN 72

/* A set of ciphers, as offered in an INIT. */
#define HS_CIPHER_BIT(c) (1u << (c))

/*
 * What each end can take from the other, beyond the frames of the first protocol: the
 * initiator's set in its INIT, the responder's in its RESP. Each end sends the other
 * only what the other announced. A peer that predates a bit leaves it clear.
 */
#define HS_FEATURE_EXPRESS 0x01u /* WIRE_EXPRESS frames (express.h) */
#define HS_FEATURE_PADDED 0x02u  /* keepalives padded beyond their report (a down path's, link_send_keepalive) */
#define HS_FEATURE_TRAIN 0x04u  /* capacity trains (train.h): timed, and their rates reported after the report */
#define HS_FEATURES (HS_FEATURE_EXPRESS | HS_FEATURE_PADDED | HS_FEATURE_TRAIN) /* what this build takes */

/* MAC keys derived once from the pre-shared key; one per message kind, so neither can be reflected as the other. */
struct hs_keys {
	uint8_t psk[HS_PSK_LEN];
	uint8_t mac_init[HS_MAC_LEN];
	uint8_t mac_resp[HS_MAC_LEN];
};

struct hs_init {
	uint8_t e_pub[HS_PUB_LEN];
	uint64_t timestamp; /* initiator's wall clock, ns: must grow, so old INITs cannot be replayed */
	uint8_t epoch;      /* 1..127: names the session in the key id of sealed frames */
	uint8_t ciphers;    /* HS_CIPHER_BIT set of what the initiator can use */
	uint8_t features;   /* HS_FEATURE_* set of what the initiator takes */
};

void hs_derive(const uint8_t psk[HS_PSK_LEN], struct hs_keys *k);
void hs_wipe(struct hs_keys *k);

/* Writes the INIT payload; `header` (WIRE_HEADER_LEN bytes, already encoded) is covered by the MAC. */
void hs_write_init(const struct hs_keys *k, const uint8_t *header, const struct hs_init *in, uint8_t *out);

/* Checks and parses an INIT payload of `len` bytes. False when it is not authentic. */
bool hs_read_init(const struct hs_keys *k, const uint8_t *header, const uint8_t *payload, size_t len,
		  struct hs_init *out);

/* Writes the RESP payload, with the cipher chosen and the responder's features, bound by its MAC to the INIT it answers. */
void hs_write_resp(const struct hs_keys *k, const uint8_t *header, const uint8_t e_pub[HS_PUB_LEN],
		   uint8_t cipher, uint8_t features, const struct hs_init *answered, uint8_t *out);

/*
 * Checks a RESP against the INIT we sent; on success copies the responder's public key,
 * cipher and features. A RESP whose MAC binds the INIT with its features cleared comes
 * from a responder that predates them: it is taken, with no features.
 */
bool hs_read_resp(const struct hs_keys *k, const uint8_t *header, const uint8_t *payload, size_t len,
		  const struct hs_init *sent, uint8_t e_pub[HS_PUB_LEN], uint8_t *cipher, uint8_t *features);

/*
 * The cipher a responder able to use `mine` picks for an INIT offering `offered`:
 * AES-256-GCM when both can (it is the faster one where the CPU has AES-NI), else
 * ChaCha20-Poly1305; -1 when they share none.
 */
int hs_choose_cipher(uint8_t offered, uint8_t mine);

/*
 * The session keys of one side. `initiator` says which side this is. False when the
 * peer's public key is degenerate. tx seals what this side sends, rx opens what it receives.
 */
bool hs_session_keys(const struct hs_keys *k, bool initiator, const uint8_t my_pub[HS_PUB_LEN],
		     const uint8_t my_sec[HS_SEC_LEN], const uint8_t peer_pub[HS_PUB_LEN], uint8_t tx[SEAL_KEY_LEN],
		     uint8_t rx[SEAL_KEY_LEN]);

#endif
