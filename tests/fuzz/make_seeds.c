/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes the seed corpus of the frame and control-protocol targets (configs come from tests/conf). */
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "handshake.h"
#include "seal.h"
#include "wire.h"

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
}

static size_t sealed(uint8_t *f, uint8_t type, uint64_t seq, const uint8_t *inner, size_t len)
{
	struct seal_key key = { .cipher = SEAL_CHACHA20_POLY1305, .key = "netagg-fuzz-key-0123456789abcdef" };
	struct wire_header h = { .version = WIRE_VERSION, .type = type, .key_id = 1, .length = (uint16_t)len, .seq = seq };

	wire_encode(&h, f);
	memcpy(f + WIRE_HEADER_LEN, inner, len);
	return seal_close(&key, seq, f, WIRE_HEADER_LEN, len);
}

static void frames(const char *dir)
{
	uint8_t f[2048], ip4[60] = { 0x45, 0, 0, 60, 0, 0, 0, 0, 64, 6 }, ip6[80] = { 0x60, 0, 0, 0, 0, 40, 6, 64 };
	uint8_t probe[WIRE_PROBE_LEN] = { 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3 };
	uint8_t ip4_bare[20] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6 };
	uint8_t nack[2 * WIRE_NACK_ENTRY_LEN];
	const struct wire_nack_entry two[2] = { { .path = 0, .count = 3, .first = 100 }, { .path = 1, .count = 1, .first = 7 } };
	const struct wire_nack_entry outage[2] = { { .path = 1, .count = 0, .first = 50 }, { .path = 0, .count = 2, .first = 9 } };
	uint8_t psk[HS_PSK_LEN] = "netagg-fuzz-psk-0123456789abcdef";
	struct hs_keys hs;
	struct hs_init in = { .timestamp = 1, .epoch = 1, .ciphers = 3, .features = HS_FEATURES };
	struct wire_header h = { .version = WIRE_VERSION, .type = WIRE_HS_INIT, .length = WIRE_HS_INIT_LEN };

	put(dir, "data-ipv4", f, sealed(f, WIRE_DATA, 1, ip4, sizeof(ip4)));
	put(dir, "data-ipv6", f, sealed(f, WIRE_DATA, 2, ip6, sizeof(ip6)));
	put(dir, "keepalive", f, sealed(f, WIRE_KEEPALIVE, 3, probe, sizeof(probe)));
	put(dir, "repair-ipv4", f, sealed(f, WIRE_REPAIR, 4, ip4_bare, sizeof(ip4_bare)));
	put(dir, "nack-two-entries", f, sealed(f, WIRE_NACK, 5, nack, wire_nack_encode(two, 2, nack)));
	put(dir, "nack-outage", f, sealed(f, WIRE_NACK, 6, nack, wire_nack_encode(outage, 2, nack)));
	wire_nack_encode(two, 1, nack);
	nack[2] = 1; /* a reserved byte that must be 0 */
	put(dir, "nack-bad-reserved", f, sealed(f, WIRE_NACK, 7, nack, WIRE_NACK_ENTRY_LEN));
	hs_derive(psk, &hs);
	wire_encode(&h, f);
	hs_write_init(&hs, f, &in, f + WIRE_HEADER_LEN);
	put(dir, "hs-init", f, WIRE_HEADER_LEN + WIRE_HS_INIT_LEN);
	h.type = WIRE_HS_RESP;
	h.length = WIRE_HS_RESP_LEN;
	wire_encode(&h, f);
	hs_write_resp(&hs, f, in.e_pub, 1, HS_FEATURES, &in, f + WIRE_HEADER_LEN);
	put(dir, "hs-resp", f, WIRE_HEADER_LEN + WIRE_HS_RESP_LEN);
	put(dir, "short", f, 10);
}

static void ctl(const char *dir)
{
	char buf[CTLPROTO_REPLY_MAX];
	struct status st = { .interface = "na0", .mode = "udp", .mtu = 1408, .pid = 42, .npaths = 2 };

	strcpy(st.path[0].name, "p1");
	strcpy(st.path[0].state, "up");
	strcpy(st.path[0].local, "198.18.1.1:40000");
	strcpy(st.path[0].remote, "198.18.1.2:5000");
	st.path[0].weight = 3;
	st.path[0].have_queue = true;
	st.path[0].queue_ns = 3000000;
	strcpy(st.path[1].name, "p2");
	strcpy(st.path[1].state, "down");
	strcpy(st.path[1].local, "[2001:2::1]:5000");
	strcpy(st.path[1].remote, "-");
	st.drop[DROP_REPLAY] = 7;
	put(dir, "status", buf, ctlproto_format_status(&st, buf, sizeof(buf)));
	put(dir, "get", "get=1\n\n", 7);
	put(dir, "stop", "stop=1\n\n", 8);
	put(dir, "errno", "errno=22\n\n", 10);
}

int main(int argc, char **argv)
{
	if (argc != 3 || !seal_startup())
		return 2;
	frames(argv[1]);
	ctl(argv[2]);
	return 0;
}
