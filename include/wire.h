/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The netagg frame header: encoding, decoding and validation (see doc/PROTOCOL.md). */
#ifndef NETAGG_WIRE_H
#define NETAGG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION 1
#define WIRE_HEADER_LEN 24
#define WIRE_MAX_PATHS 8
/* Largest inner packet a frame can carry (the length field is 16 bits). */
#define WIRE_MAX_PAYLOAD (65535 - WIRE_HEADER_LEN)

enum wire_type {
	WIRE_DATA = 1,      /* payload is one inner IPv4 or IPv6 packet */
	WIRE_KEEPALIVE = 2, /* empty; tells the accepting side where the peer is */
};

/* key_id 0 marks an unsealed frame; other values are reserved for sealed key epochs. */
struct wire_header {
	uint8_t version;
	uint8_t type;
	uint8_t path_id;
	uint8_t key_id;
	uint16_t length;       /* payload bytes after the header */
	uint16_t flags;        /* sent as 0, ignored on receipt */
	uint32_t path_seq;     /* per path, counts frames sent on that path */
	uint32_t timestamp_us; /* sender's monotonic clock, microseconds mod 2^32 */
	uint64_t seq;          /* global, counts frames sent on all paths */
};

/* Why a frame was refused; each has a drop counter named by wire_error_name(). */
enum wire_error {
	WIRE_OK = 0,
	WIRE_SHORT,       /* shorter than the header */
	WIRE_BAD_VERSION, /* version field is not WIRE_VERSION */
	WIRE_BAD_TYPE,    /* unknown type */
	WIRE_BAD_KEY,     /* sealed frame (key_id != 0) that this build cannot open */
	WIRE_BAD_PATH,    /* path id not configured here */
	WIRE_BAD_LENGTH,  /* length field does not match the datagram */
	WIRE_BAD_INNER,   /* payload is not a well-formed IPv4/IPv6 packet of that length */
	WIRE_ERROR_COUNT
};

/* Writes h as WIRE_HEADER_LEN bytes at out (version is taken from h). */
void wire_encode(const struct wire_header *h, uint8_t *out);

/*
 * Decodes and validates the datagram buf[0..len) received on a node with
 * `npaths` paths. On WIRE_OK, h is filled and the payload is
 * buf[WIRE_HEADER_LEN .. WIRE_HEADER_LEN + h->length).
 */
enum wire_error wire_decode(const uint8_t *buf, size_t len, unsigned npaths, struct wire_header *h);

/* Stable snake_case name for counters: "short", "bad_version", ... */
const char *wire_error_name(enum wire_error e);

/* Checks that buf[0..len) is one IPv4 or IPv6 packet whose own length field says len. */
enum wire_error wire_check_inner(const uint8_t *buf, size_t len);

#endif
