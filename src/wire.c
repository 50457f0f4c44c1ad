/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Encodes and validates netagg frame headers; all fields are big-endian. */
#include "wire.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

void wire_encode(const struct wire_header *h, uint8_t *out)
{
	out[0] = h->version;
	out[1] = h->type;
	out[2] = h->path_id;
	out[3] = h->key_id;
	put16(out + 4, h->length);
	put16(out + 6, h->flags);
	put32(out + 8, h->path_seq);
	put32(out + 12, h->timestamp_us);
	put64(out + 16, h->seq);
}

enum wire_error wire_check_inner(const uint8_t *buf, size_t len)
{
	if (len < 1)
		return WIRE_BAD_INNER;
	switch (buf[0] >> 4) {
	case 4:
		/* IHL counts 32-bit words and must cover at least the fixed header. */
		if (len < 20 || (buf[0] & 0x0f) < 5 || get16(buf + 2) != len)
			return WIRE_BAD_INNER;
		return WIRE_OK;
	case 6:
		/* A zero payload length would mean a jumbogram, which never fits a frame. */
		if (len < 40 || (size_t)get16(buf + 4) + 40 != len)
			return WIRE_BAD_INNER;
		return WIRE_OK;
	default:
		return WIRE_BAD_INNER;
	}
}

static enum wire_error check_type(const struct wire_header *h)
{
	switch (h->type) {
	case WIRE_DATA:
		return WIRE_OK;
	case WIRE_KEEPALIVE:
		return h->length == 0 ? WIRE_OK : WIRE_BAD_LENGTH;
	default:
		return WIRE_BAD_TYPE;
	}
}

enum wire_error wire_decode(const uint8_t *buf, size_t len, unsigned npaths, struct wire_header *h)
{
	enum wire_error e;

	if (len < WIRE_HEADER_LEN)
		return WIRE_SHORT;
	h->version = buf[0];
	h->type = buf[1];
	h->path_id = buf[2];
	h->key_id = buf[3];
	h->length = get16(buf + 4);
	h->flags = get16(buf + 6);
	h->path_seq = get32(buf + 8);
	h->timestamp_us = get32(buf + 12);
	h->seq = get64(buf + 16);
	if (h->version != WIRE_VERSION)
		return WIRE_BAD_VERSION;
	if (h->key_id != 0)
		return WIRE_BAD_KEY;
	if (h->path_id >= npaths)
		return WIRE_BAD_PATH;
	if ((size_t)h->length != len - WIRE_HEADER_LEN)
		return WIRE_BAD_LENGTH;
	e = check_type(h);
	if (e != WIRE_OK)
		return e;
	if (h->type == WIRE_DATA)
		return wire_check_inner(buf + WIRE_HEADER_LEN, h->length);
	return WIRE_OK;
}

const char *wire_error_name(enum wire_error e)
{
	static const char *const names[WIRE_ERROR_COUNT] = {
		[WIRE_OK] = "ok",
		[WIRE_SHORT] = "short",
		[WIRE_BAD_VERSION] = "bad_version",
		[WIRE_BAD_TYPE] = "bad_type",
		[WIRE_BAD_KEY] = "bad_key",
		[WIRE_BAD_PATH] = "bad_path",
		[WIRE_BAD_LENGTH] = "bad_length",
		[WIRE_BAD_INNER] = "bad_inner",
	};

	return (unsigned)e < WIRE_ERROR_COUNT ? names[e] : "unknown";
}
