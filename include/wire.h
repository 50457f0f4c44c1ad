/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The netagg frame header: encoding, decoding and validation (see doc/PROTOCOL.md). */
#ifndef NETAGG_WIRE_H
#define NETAGG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION 2 /* 2: the path report has queue_us */
#define WIRE_HEADER_LEN 24
#define WIRE_MAX_PATHS 8
#define WIRE_TAG_LEN 16 /* AEAD tag after the payload of a sealed frame */
/* Largest inner packet a frame can carry (the length field is 16 bits). */
#define WIRE_MAX_PAYLOAD (65535 - WIRE_HEADER_LEN - WIRE_TAG_LEN)
#define WIRE_HS_INIT_LEN 80 /* payload of a handshake initiation */
#define WIRE_HS_RESP_LEN 72 /* payload of a handshake response */
#define WIRE_PROBE_LEN 24   /* plaintext of a keepalive: the path report below */
#define WIRE_TRAIN_RESULT_LEN 8 /* after the report, to a peer that takes it (HS_FEATURE_TRAIN) */

enum wire_type {
	WIRE_DATA = 1,      /* sealed; the plaintext is one inner IPv4 or IPv6 packet */
	WIRE_KEEPALIVE = 2, /* sealed path report; proves the path alive, teaches the peer our address;
			     * a train result (HS_FEATURE_TRAIN) and zero padding (HS_FEATURE_PADDED) may
			     * follow the report; flow_seq 1 .. TRAIN_FRAMES: a frame of a capacity train */
	WIRE_HS_INIT = 3,   /* unsealed, MACed: starts a key exchange */
	WIRE_HS_RESP = 4,   /* unsealed, MACed: answers it */
	WIRE_REPAIR = 5,    /* sealed; a data frame's inner packet resent: flow_seq and timestamp_us are the original's */
	WIRE_NACK = 6,      /* sealed; names frames lost on a path (struct wire_nack_entry each) */
	WIRE_EXPRESS = 7,   /* sealed; one inner packet delivered on arrival (a bare TCP ACK, small UDP): flow_seq 0 */
};
#define WIRE_TYPE_MAX WIRE_EXPRESS

/*
 * key_id names the session a sealed frame (data, keepalive) is sealed under and is
 * never 0 for them; handshake frames carry key_id 0. For a sealed frame `length` is
 * the plaintext length and the datagram is header + length + WIRE_TAG_LEN bytes.
 */
struct wire_header {
	uint8_t version;
	uint8_t type;
	uint8_t path_id;
	uint8_t key_id;
	uint16_t length;       /* payload bytes after the header */
	uint16_t flow_seq;     /* data: sequence number in its flow bucket (flow.h), for reordering; else 0 */
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
	WIRE_BAD_KEY,     /* handshake frame with a key id */
	WIRE_UNSEALED,    /* data or keepalive without a key id */
	WIRE_BAD_PATH,    /* path id not configured here */
	WIRE_BAD_LENGTH,  /* length field does not match the datagram, or the type's size */
	WIRE_BAD_INNER,   /* decrypted payload is not a well-formed IPv4/IPv6 packet of that length */
	WIRE_ERROR_COUNT
};

/*
 * A keepalive's plaintext: what the sender heard from us on this path, so we can
 * measure round-trip time (echo), loss (frames heard vs. highest path_seq) and the
 * rate our frames arrive at (bytes heard). Counters are modulo 2^32.
 */
#define WIRE_PROBE_NO_ECHO 0xffffffffu /* echo_hold_us when nothing was heard yet */
#define WIRE_PROBE_NO_QUEUE 0xffffffffu /* queue_us when no stamped frame came since the last report */
struct wire_probe {
	uint32_t echo_timestamp_us; /* timestamp_us of the last frame heard on the path */
	uint32_t echo_hold_us;      /* how long ago it was heard, when this report was sent */
	uint32_t rx_frames;         /* authentic frames heard on the path */
	uint32_t rx_bytes;          /* their datagram bytes */
	uint32_t rx_highest_seq;    /* the highest path_seq among them */
	uint32_t queue_us;          /* the standing queue: the least one-way delay above the path's
				     * base among the frames heard since the last report */
};

/* A NACK's plaintext: 1 to WIRE_NACK_MAX_ENTRIES entries of WIRE_NACK_ENTRY_LEN bytes, each
 * path(1) count(1) zero(2) first(4): `count` frames from path_seq `first` on path `path` were lost;
 * a count of 0 (an outage entry): the path fell silent, every frame from `first` on was lost. */
#define WIRE_NACK_ENTRY_LEN 8
#define WIRE_NACK_MAX_ENTRIES 16
#define WIRE_NACK_MAX_COUNT 32 /* frames per entry: a longer gap is an outage, not loss to repair */
struct wire_nack_entry {
	uint8_t path;
	uint8_t count;
	uint32_t first;
};

/* Writes n entries; returns the payload length. */
size_t wire_nack_encode(const struct wire_nack_entry *e, unsigned n, uint8_t *out);
/* Reads a NACK payload of len bytes (which wire_decode checked) into e; returns the entries, 0 if any is malformed
 * (non-zero reserved bytes, or a count over WIRE_NACK_MAX_COUNT). */
unsigned wire_nack_decode(const uint8_t *in, size_t len, struct wire_nack_entry *e);

/*
 * The rate of the latest capacity train heard on the path (train.h): the path_seq of
 * its first frame and kbit/s, 0 for none. It follows the report in a keepalive; the
 * zero padding of an older peer's keepalive reads as none.
 */
struct wire_train_result {
	uint32_t first_seq;
	uint32_t kbps;
};
void wire_train_result_encode(const struct wire_train_result *r, uint8_t out[WIRE_TRAIN_RESULT_LEN]);
void wire_train_result_decode(const uint8_t in[WIRE_TRAIN_RESULT_LEN], struct wire_train_result *r);

void wire_probe_encode(const struct wire_probe *p, uint8_t out[WIRE_PROBE_LEN]);
void wire_probe_decode(const uint8_t in[WIRE_PROBE_LEN], struct wire_probe *p);

/* Writes h as WIRE_HEADER_LEN bytes at out (version is taken from h). */
void wire_encode(const struct wire_header *h, uint8_t *out);

/*
 * Decodes and checks the header of datagram buf[0..len) received on a node with
 * `npaths` paths: everything that can be checked before authentication. On WIRE_OK
 * the payload (ciphertext for sealed frames) is buf[WIRE_HEADER_LEN ..
 * WIRE_HEADER_LEN + h->length), followed by the tag for sealed frames.
 */
enum wire_error wire_decode(const uint8_t *buf, size_t len, unsigned npaths, struct wire_header *h);

/* Stable snake_case name for counters: "short", "bad_version", ... */
const char *wire_error_name(enum wire_error e);

/* Checks that buf[0..len) is one IPv4 or IPv6 packet whose own length field says len. */
enum wire_error wire_check_inner(const uint8_t *buf, size_t len);

/* Is a frame of this type sealed? */
int wire_is_sealed(uint8_t type);

/* Bytes a frame of this type adds around its payload (header, and tag when sealed). */
size_t wire_overhead(uint8_t type);

#endif
