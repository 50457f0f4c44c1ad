/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: what the daemon does with a received datagram, minus the sockets. */
#include <stdint.h>
#include <string.h>

#include "handshake.h"
#include "replay.h"
#include "seal.h"
#include "wire.h"

#define NPATHS 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed key, so that the seed corpus can hold frames that open and reach the inner check. */
static struct seal_key key = { .cipher = SEAL_CHACHA20_POLY1305, .key = "netagg-fuzz-key-0123456789abcdef" };
static struct replay window;
static struct hs_keys hs;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536 + 64];
	struct wire_header h;
	struct hs_init in;
	uint8_t pub[HS_PUB_LEN], cipher, features;
	size_t plain;

	if (!ready) {
		uint8_t psk[HS_PSK_LEN] = "netagg-fuzz-psk-0123456789abcdef";

		seal_startup();
		hs_derive(psk, &hs);
		replay_init(&window);
		ready = 1;
	}
	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	if (wire_decode(buf, size, NPATHS, &h) != WIRE_OK)
		return 0;
	if (h.type == WIRE_HS_INIT) {
		hs_read_init(&hs, buf, buf + WIRE_HEADER_LEN, h.length, &in);
		return 0;
	}
	if (h.type == WIRE_HS_RESP) {
		memset(&in, 0, sizeof(in));
		hs_read_resp(&hs, buf, buf + WIRE_HEADER_LEN, h.length, &in, pub, &cipher, &features);
		return 0;
	}
	if (h.type == WIRE_NACK) {
		/* Any bytes may reach the entry parser once authentic: parse the raw payload as if it were. */
		struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];
		unsigned n = wire_nack_decode(buf + WIRE_HEADER_LEN, h.length, e);

		/* A count of 0 is an outage entry (every frame from `first` on); none is ever over the limit. */
		for (unsigned i = 0; i < n; i++)
			if (e[i].count > WIRE_NACK_MAX_COUNT)
				__builtin_trap();
	}
	if (replay_check(&window, h.seq) != REPLAY_OK)
		return 0;
	if (!seal_open(&key, h.seq, buf, WIRE_HEADER_LEN, size, &plain))
		return 0;
	replay_commit(&window, h.seq);
	if (h.type == WIRE_DATA)
		wire_check_inner(buf + WIRE_HEADER_LEN, plain);
	return 0;
}
