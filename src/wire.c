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
	put16(out + 6, h->flow_seq);
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

int wire_is_sealed(uint8_t type)
{
	return type == WIRE_DATA || type == WIRE_KEEPALIVE || type == WIRE_REPAIR || type == WIRE_NACK ||
	       type == WIRE_EXPRESS;
}

size_t wire_overhead(uint8_t type)
{
	return WIRE_HEADER_LEN + (wire_is_sealed(type) ? WIRE_TAG_LEN : 0);
}

/* The payload length each type requires, or -1 when any length will do (a keepalive's is its least). */
static long required_length(uint8_t type)
{
	switch (type) {
	case WIRE_KEEPALIVE:
		return WIRE_PROBE_LEN;
	case WIRE_HS_INIT:
		return WIRE_HS_INIT_LEN;
	case WIRE_HS_RESP:
		return WIRE_HS_RESP_LEN;
	default:
		return -1;
	}
}

static enum wire_error check_fields(const struct wire_header *h, size_t len, unsigned npaths)
{
	long need;

	if (h->version != WIRE_VERSION)
		return WIRE_BAD_VERSION;
	if (h->type < WIRE_DATA || h->type > WIRE_TYPE_MAX)
		return WIRE_BAD_TYPE;
	if (wire_is_sealed(h->type) && h->key_id == 0)
		return WIRE_UNSEALED;
	if (!wire_is_sealed(h->type) && h->key_id != 0)
		return WIRE_BAD_KEY;
	if (h->path_id >= npaths)
		return WIRE_BAD_PATH;
	need = required_length(h->type);
	if (len < wire_overhead(h->type) || (size_t)h->length != len - wire_overhead(h->type) ||
	    (need >= 0 && h->length != need && !(h->type == WIRE_KEEPALIVE && h->length > need)))
		return WIRE_BAD_LENGTH;
	if (h->type == WIRE_NACK && (h->length == 0 || h->length % WIRE_NACK_ENTRY_LEN ||
				     h->length > WIRE_NACK_MAX_ENTRIES * WIRE_NACK_ENTRY_LEN))
		return WIRE_BAD_LENGTH;
	return WIRE_OK;
}

enum wire_error wire_decode(const uint8_t *buf, size_t len, unsigned npaths, struct wire_header *h)
{
	if (len < WIRE_HEADER_LEN)
		return WIRE_SHORT;
	h->version = buf[0];
	h->type = buf[1];
	h->path_id = buf[2];
	h->key_id = buf[3];
	h->length = get16(buf + 4);
	h->flow_seq = get16(buf + 6);
	h->path_seq = get32(buf + 8);
	h->timestamp_us = get32(buf + 12);
	h->seq = get64(buf + 16);
	return check_fields(h, len, npaths);
}

size_t wire_nack_encode(const struct wire_nack_entry *e, unsigned n, uint8_t *out)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *o = out + i * WIRE_NACK_ENTRY_LEN;

		o[0] = e[i].path;
		o[1] = e[i].count;
		put16(o + 2, 0);
		put32(o + 4, e[i].first);
	}
	return (size_t)n * WIRE_NACK_ENTRY_LEN;
}

unsigned wire_nack_decode(const uint8_t *in, size_t len, struct wire_nack_entry *e)
{
	unsigned n = (unsigned)(len / WIRE_NACK_ENTRY_LEN);

	if (n > WIRE_NACK_MAX_ENTRIES)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *o = in + i * WIRE_NACK_ENTRY_LEN;

		/* A count of 0 is an outage entry: every frame from `first` on. */
		if (o[1] > WIRE_NACK_MAX_COUNT || get16(o + 2) != 0)
			return 0;
		e[i] = (struct wire_nack_entry){ .path = o[0], .count = o[1], .first = get32(o + 4) };
	}
	return n;
}

void wire_probe_encode(const struct wire_probe *p, uint8_t out[WIRE_PROBE_LEN])
{
	put32(out, p->echo_timestamp_us);
	put32(out + 4, p->echo_hold_us);
	put32(out + 8, p->rx_frames);
	put32(out + 12, p->rx_bytes);
	put32(out + 16, p->rx_highest_seq);
	put32(out + 20, p->queue_us);
}

void wire_probe_decode(const uint8_t in[WIRE_PROBE_LEN], struct wire_probe *p)
{
	p->echo_timestamp_us = get32(in);
	p->echo_hold_us = get32(in + 4);
	p->rx_frames = get32(in + 8);
	p->rx_bytes = get32(in + 12);
	p->rx_highest_seq = get32(in + 16);
	p->queue_us = get32(in + 20);
}

void wire_train_result_encode(const struct wire_train_result *r, uint8_t out[WIRE_TRAIN_RESULT_LEN])
{
	put32(out, r->first_seq);
	put32(out + 4, r->kbps);
}

void wire_train_result_decode(const uint8_t in[WIRE_TRAIN_RESULT_LEN], struct wire_train_result *r)
{
	r->first_seq = get32(in);
	r->kbps = get32(in + 4);
}

const char *wire_error_name(enum wire_error e)
{
	static const char *const names[WIRE_ERROR_COUNT] = {
		[WIRE_OK] = "ok",
		[WIRE_SHORT] = "short",
		[WIRE_BAD_VERSION] = "bad_version",
		[WIRE_BAD_TYPE] = "bad_type",
		[WIRE_BAD_KEY] = "bad_key",
		[WIRE_UNSEALED] = "unsealed",
		[WIRE_BAD_PATH] = "bad_path",
		[WIRE_BAD_LENGTH] = "bad_length",
		[WIRE_BAD_INNER] = "bad_inner",
	};

	return (unsigned)e < WIRE_ERROR_COUNT ? names[e] : "unknown";
}
