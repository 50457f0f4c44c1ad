/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Builds and checks key exchange messages and derives session keys with libsodium. */
#include "handshake.h"

#include <sodium.h>
#include <string.h>

/* crypto_kdf contexts are 8 bytes; these name what each derived key is for. */
#define CTX_MAC "netagg-m"
#define CTX_SESSION "netagg-s"

enum { SUBKEY_MAC_INIT = 1, SUBKEY_MAC_RESP = 2 };

void hs_derive(const uint8_t psk[HS_PSK_LEN], struct hs_keys *k)
{
	memcpy(k->psk, psk, HS_PSK_LEN);
	crypto_kdf_derive_from_key(k->mac_init, HS_MAC_LEN, SUBKEY_MAC_INIT, CTX_MAC, psk);
	crypto_kdf_derive_from_key(k->mac_resp, HS_MAC_LEN, SUBKEY_MAC_RESP, CTX_MAC, psk);
}

void hs_wipe(struct hs_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

/* MAC over the frame header, the message body and, for RESP, the INIT it answers. */
static void mac(const uint8_t key[HS_MAC_LEN], const uint8_t *header, const uint8_t *body, size_t body_len,
		const uint8_t *bound, size_t bound_len, uint8_t out[HS_MAC_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, HS_MAC_LEN, HS_MAC_LEN);
	crypto_generichash_update(&st, header, WIRE_HEADER_LEN);
	crypto_generichash_update(&st, body, body_len);
	if (bound_len)
		crypto_generichash_update(&st, bound, bound_len);
	crypto_generichash_final(&st, out, HS_MAC_LEN);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The INIT body without its MAC; also what a RESP's MAC is bound to. */
static void init_body(const struct hs_init *in, uint8_t body[HS_INIT_LEN - HS_MAC_LEN])
{
	memset(body, 0, HS_INIT_LEN - HS_MAC_LEN);
	memcpy(body, in->e_pub, HS_PUB_LEN);
	put64(body + 32, in->timestamp);
	body[40] = in->epoch;
	body[41] = in->ciphers;
	body[42] = in->features;
}

void hs_write_init(const struct hs_keys *k, const uint8_t *header, const struct hs_init *in, uint8_t *out)
{
	init_body(in, out);
	mac(k->mac_init, header, out, HS_INIT_LEN - HS_MAC_LEN, NULL, 0, out + HS_INIT_LEN - HS_MAC_LEN);
}

bool hs_read_init(const struct hs_keys *k, const uint8_t *header, const uint8_t *payload, size_t len,
		  struct hs_init *out)
{
	uint8_t want[HS_MAC_LEN];

	if (len != HS_INIT_LEN)
		return false;
	mac(k->mac_init, header, payload, HS_INIT_LEN - HS_MAC_LEN, NULL, 0, want);
	if (sodium_memcmp(want, payload + HS_INIT_LEN - HS_MAC_LEN, HS_MAC_LEN) != 0)
		return false;
	memcpy(out->e_pub, payload, HS_PUB_LEN);
	out->timestamp = get64(payload + 32);
	out->epoch = payload[40];
	out->ciphers = payload[41];
	out->features = payload[42];
	return true;
}

#define RESP_BODY_LEN (HS_RESP_LEN - HS_MAC_LEN)

void hs_write_resp(const struct hs_keys *k, const uint8_t *header, const uint8_t e_pub[HS_PUB_LEN],
		   uint8_t cipher, uint8_t features, const struct hs_init *answered, uint8_t *out)
{
	uint8_t bound[HS_INIT_LEN - HS_MAC_LEN];

	init_body(answered, bound);
	memset(out, 0, RESP_BODY_LEN);
	memcpy(out, e_pub, HS_PUB_LEN);
	out[HS_PUB_LEN] = cipher;
	out[HS_PUB_LEN + 1] = features;
	mac(k->mac_resp, header, out, RESP_BODY_LEN, bound, sizeof(bound), out + RESP_BODY_LEN);
}

/* Is payload's MAC that of a RESP to `answered`? */
static bool resp_answers(const struct hs_keys *k, const uint8_t *header, const uint8_t *payload,
			 const struct hs_init *answered)
{
	uint8_t bound[HS_INIT_LEN - HS_MAC_LEN], want[HS_MAC_LEN];

	init_body(answered, bound);
	mac(k->mac_resp, header, payload, RESP_BODY_LEN, bound, sizeof(bound), want);
	return sodium_memcmp(want, payload + RESP_BODY_LEN, HS_MAC_LEN) == 0;
}

bool hs_read_resp(const struct hs_keys *k, const uint8_t *header, const uint8_t *payload, size_t len,
		  const struct hs_init *sent, uint8_t e_pub[HS_PUB_LEN], uint8_t *cipher, uint8_t *features)
{
	struct hs_init unaware = *sent;

	if (len != HS_RESP_LEN)
		return false;
	/* A responder that predates `features` rebuilt our INIT without them for its MAC: it takes none. */
	unaware.features = 0;
	if (resp_answers(k, header, payload, sent))
		*features = payload[HS_PUB_LEN + 1];
	else if (sent->features && resp_answers(k, header, payload, &unaware))
		*features = 0;
	else
		return false;
	memcpy(e_pub, payload, HS_PUB_LEN);
	*cipher = payload[HS_PUB_LEN];
	return true;
}

int hs_choose_cipher(uint8_t offered, uint8_t mine)
{
	uint8_t common = offered & mine;

	if (common & HS_CIPHER_BIT(SEAL_AES256_GCM))
		return SEAL_AES256_GCM;
	if (common & HS_CIPHER_BIT(SEAL_CHACHA20_POLY1305))
		return SEAL_CHACHA20_POLY1305;
	return -1;
}

/* Binds a crypto_kx key to the pre-shared key, so a session needs both the DH secret and the PSK. */
static void mix_psk(const struct hs_keys *k, uint8_t key[SEAL_KEY_LEN])
{
	crypto_generichash(key, SEAL_KEY_LEN, key, SEAL_KEY_LEN, k->psk, HS_PSK_LEN);
}

bool hs_session_keys(const struct hs_keys *k, bool initiator, const uint8_t my_pub[HS_PUB_LEN],
		     const uint8_t my_sec[HS_SEC_LEN], const uint8_t peer_pub[HS_PUB_LEN], uint8_t tx[SEAL_KEY_LEN],
		     uint8_t rx[SEAL_KEY_LEN])
{
	int r = initiator ? crypto_kx_client_session_keys(rx, tx, my_pub, my_sec, peer_pub)
			  : crypto_kx_server_session_keys(rx, tx, my_pub, my_sec, peer_pub);

	if (r != 0)
		return false;
	mix_psk(k, tx);
	mix_psk(k, rx);
	return true;
}
