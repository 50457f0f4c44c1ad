/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the key exchange: when to start, retry and answer handshakes, and what they install. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "keyfile.h"
#include "link.h"
#include "log.h"

bool keying_init(struct link *l, char *err, size_t errlen)
{
	struct keying *k = &l->keying;
	uint8_t psk[KEYFILE_KEY_LEN];

	memset(k, 0, sizeof(*k));
	if (l->conf.cipher == CONF_CIPHER_AES256_GCM && !seal_aes_available()) {
		snprintf(err, errlen, "cipher \"aes-256-gcm\" needs a CPU with AES-NI and CLMUL; this one has none");
		return false;
	}
	keying_set_ciphers(l);
	if (!keyfile_load(l->conf.key_file, psk, err, errlen))
		return false;
	hs_derive(psk, &k->keys);
	sodium_memzero(psk, sizeof(psk));
	session_table_init(&k->sessions);
	for (unsigned i = 0; i < l->conf.npaths; i++)
		k->initiator = k->initiator || l->conf.path[i].remote.len;
	return true;
}

void keying_set_ciphers(struct link *l)
{
	struct keying *k = &l->keying;

	k->ciphers = 0;
	if (l->conf.cipher != CONF_CIPHER_AES256_GCM)
		k->ciphers |= HS_CIPHER_BIT(SEAL_CHACHA20_POLY1305);
	if (l->conf.cipher != CONF_CIPHER_CHACHA20_POLY1305 && seal_aes_available())
		k->ciphers |= HS_CIPHER_BIT(SEAL_AES256_GCM);
}

void keying_wipe(struct link *l)
{
	sodium_memzero(&l->keying, sizeof(l->keying));
}

/* INIT timestamps come from the wall clock so they keep growing across restarts. */
static uint64_t next_timestamp(struct keying *k)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	k->last_timestamp = now > k->last_timestamp ? now : k->last_timestamp + 1;
	return k->last_timestamp;
}

/* The path for the next INIT: round robin over paths with a peer, so one dead path cannot stall it. */
static struct path *init_path(struct link *l)
{
	for (unsigned n = 0; n < l->conf.npaths; n++) {
		struct path *p = &l->path[(l->keying.init_attempts + n) % l->conf.npaths];

		if (p->remote.len) {
			l->keying.init_attempts += n + 1;
			return p;
		}
	}
	return NULL;
}

static void send_init(struct link *l, uint64_t now)
{
	struct keying *k = &l->keying;
	uint8_t frame[WIRE_HEADER_LEN + WIRE_HS_INIT_LEN];
	struct path *p = init_path(l);

	if (!p)
		return;
	sodium_memzero(k->e_sec, sizeof(k->e_sec));
	crypto_kx_keypair(k->sent.e_pub, k->e_sec);
	k->sent.timestamp = next_timestamp(k);
	k->last_epoch = (uint8_t)(k->last_epoch % SESSION_EPOCH_MAX + 1);
	k->sent.epoch = k->last_epoch;
	k->sent.ciphers = k->ciphers;
	k->sent.features = HS_FEATURES;
	link_fill_header(l, p, WIRE_HS_INIT, 0, WIRE_HS_INIT_LEN, now, frame);
	hs_write_init(&k->keys, frame, &k->sent, frame + WIRE_HEADER_LEN);
	path_queue(p, frame, sizeof(frame));
	path_flush(p);
	k->pending = true;
	k->init_sent_at = now;
	log_debug("path %s: handshake initiation, epoch %u", p->conf->name, k->sent.epoch);
}

static uint64_t rekey_ns(const struct link *l)
{
	return (uint64_t)l->conf.rekey_interval * 1000000000ull;
}

/*
 * Nothing heard on any path for KEYING_LOST_AFTER_NS, or the path's down_after if that
 * is longer (an idle peer may probe only that often): the peer may have restarted and
 * lost the session. A responder that restarted sends nothing until an INIT comes, so
 * without this the link stayed dead until the next rekey, up to rekey_interval (120 s)
 * later. Silence, not the paths' states: paths that a flap keeps down while they prove
 * themselves still carry the peer's keepalives. A session younger than that has not had
 * the time to be heard.
 */
static bool peer_lost(const struct link *l, const struct session *s, uint64_t now)
{
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		const struct health *h = &l->health[i];
		uint64_t silence = h->down_after > KEYING_LOST_AFTER_NS ? h->down_after : KEYING_LOST_AFTER_NS;

		if (now < h->last_rx + silence || now - s->created <= silence)
			return false;
	}
	return true;
}

static bool rekey_due(const struct link *l, uint64_t now)
{
	const struct session *s = session_newest_mine(&l->keying.sessions);

	return !s || now - s->created > rekey_ns(l) || s->tx_frames > KEYING_REKEY_AFTER_FRAMES || peer_lost(l, s, now);
}

void keying_tick(struct link *l, uint64_t now)
{
	struct keying *k = &l->keying;
	const struct session *s;

	session_expire(&k->sessions, now, KEYING_REJECT_AFTER(rekey_ns(l)));
	if (!k->initiator || !rekey_due(l, now))
		return;
	s = session_newest_mine(&k->sessions);
	if (!k->lost_logged && s && peer_lost(l, s, now)) {
		log_info("nothing heard from the peer on any path for 1 s (or down_after): starting a handshake (it may "
			 "have restarted), then every second until answered");
		k->lost_logged = true;
	}
	if (!k->pending || now - k->init_sent_at >= KEYING_RETRY_NS)
		send_init(l, now);
}

static bool refuse(struct link *l, enum drop_reason why)
{
	l->drop[why]++;
	return false;
}

static void send_resp(struct link *l, struct path *p, const struct hs_init *in, const uint8_t e_pub[HS_PUB_LEN],
		      uint8_t cipher, uint64_t now)
{
	uint8_t frame[WIRE_HEADER_LEN + WIRE_HS_RESP_LEN];

	link_fill_header(l, p, WIRE_HS_RESP, 0, WIRE_HS_RESP_LEN, now, frame);
	hs_write_resp(&l->keying.keys, frame, e_pub, cipher, HS_FEATURES, in, frame + WIRE_HEADER_LEN);
	path_queue(p, frame, sizeof(frame));
	path_flush(p);
}

/* Derives and installs the session an INIT asks for, as its responder. */
static bool answer(struct link *l, struct path *p, const struct hs_init *in, enum seal_cipher cipher,
		   uint64_t now)
{
	uint8_t pub[HS_PUB_LEN], sec[HS_SEC_LEN];
	struct seal_key tx = { .cipher = cipher }, rx = { .cipher = cipher };
	bool ok;

	crypto_kx_keypair(pub, sec);
	ok = hs_session_keys(&l->keying.keys, false, pub, sec, in->e_pub, tx.key, rx.key);
	sodium_memzero(sec, sizeof(sec));
	if (!ok)
		return refuse(l, DROP_BAD_HANDSHAKE);
	session_add(&l->keying.sessions, false, in->epoch, &tx, &rx, now)->peer_features = in->features;
	l->keying.handshakes++;
	sodium_memzero(&tx, sizeof(tx));
	sodium_memzero(&rx, sizeof(rx));
	send_resp(l, p, in, pub, (uint8_t)cipher, now);
	log_info("path %s: answered handshake, session %u, %s (confirmed by the peer's first frame)", p->conf->name,
		 in->epoch, cipher == SEAL_AES256_GCM ? "aes-256-gcm" : "chacha20-poly1305");
	return true;
}

bool keying_on_init(struct link *l, struct path *p, const uint8_t *frame, const struct wire_header *h,
		    const struct endpoint *from, uint64_t now)
{
	struct keying *k = &l->keying;
	struct hs_init in;
	int cipher;

	if (!hs_read_init(&k->keys, frame, frame + WIRE_HEADER_LEN, h->length, &in)) {
		keying_auth_failed(l, p, from, now);
		return false;
	}
	/* Only now is the frame known to come from a key holder; an old one is a replay. */
	if (in.timestamp <= k->peer_timestamp)
		return refuse(l, DROP_REPLAY);
	cipher = hs_choose_cipher(in.ciphers, k->ciphers);
	if (cipher < 0 || in.epoch == 0 || in.epoch > SESSION_EPOCH_MAX) {
		log_warnx("path %s: refused a handshake: no cipher in common (offered set 0x%x, ours 0x%x; "
			  "check 'cipher' on both ends)",
			  p->conf->name, in.ciphers, k->ciphers);
		return refuse(l, DROP_BAD_HANDSHAKE);
	}
	k->peer_timestamp = in.timestamp;
	link_learn_peer(l, p, from, now);
	return answer(l, p, &in, (enum seal_cipher)cipher, now);
}

bool keying_on_resp(struct link *l, struct path *p, const uint8_t *frame, const struct wire_header *h,
		    uint64_t now)
{
	struct keying *k = &l->keying;
	uint8_t e_pub[HS_PUB_LEN], cipher = 0, features = 0;
	struct seal_key tx, rx;

	if (!k->pending)
		return refuse(l, DROP_REPLAY); /* a duplicate, or an answer to an INIT already answered */
	if (!hs_read_resp(&k->keys, frame, frame + WIRE_HEADER_LEN, h->length, &k->sent, e_pub, &cipher, &features)) {
		keying_auth_failed(l, p, &p->remote, now);
		return false;
	}
	if (cipher > SEAL_AES256_GCM || !(k->ciphers & HS_CIPHER_BIT(cipher)))
		return refuse(l, DROP_BAD_HANDSHAKE);
	tx.cipher = rx.cipher = (enum seal_cipher)cipher;
	if (!hs_session_keys(&k->keys, true, k->sent.e_pub, k->e_sec, e_pub, tx.key, rx.key))
		return refuse(l, DROP_BAD_HANDSHAKE);
	session_add(&k->sessions, true, k->sent.epoch, &tx, &rx, now)->peer_features = features;
	k->handshakes++;
	sodium_memzero(&tx, sizeof(tx));
	sodium_memzero(&rx, sizeof(rx));
	sodium_memzero(k->e_sec, sizeof(k->e_sec)); /* forward secrecy: the ephemeral secret is gone */
	k->pending = false;
	k->lost_logged = false;
	log_info("path %s: session %u established, %s", p->conf->name, k->sent.epoch,
		 cipher == SEAL_AES256_GCM ? "aes-256-gcm" : "chacha20-poly1305");
	/* Sealed keepalives on every path confirm the session and teach the peer our addresses. */
	for (unsigned i = 0; i < l->conf.npaths; i++)
		link_send_keepalive(l, &l->path[i], now);
	return true;
}

void keying_auth_failed(struct link *l, const struct path *p, const struct endpoint *from, uint64_t now)
{
	struct keying *k = &l->keying;
	char text[ADDR_TEXT_MAX];

	l->drop[DROP_BAD_AUTH]++;
	k->auth_failures++;
	/* Never a line per packet: an attacker must not be able to flood the log. */
	if (k->auth_logged_at && now - k->auth_logged_at < KEYING_LOG_INTERVAL_NS)
		return;
	log_warnx("path %s: %llu frame(s) failed authentication, the last from %s", p->conf->name,
		  (unsigned long long)k->auth_failures, addr_format(from, text, sizeof(text)));
	k->auth_failures = 0;
	k->auth_logged_at = now;
}
