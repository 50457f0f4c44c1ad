/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A WAN bottleneck model: random loss, a drop-tail queue drained at a rate, then a delay that may vary. */
#ifndef LINKEM_MODEL_H
#define LINKEM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct linkem_model {
	uint64_t rate_bps;    /* 0: no rate limit */
	uint64_t delay_ns;    /* one-way propagation delay */
	uint64_t jitter_ns;   /* each packet's delay is uniform in delay +- jitter (never below 0) */
	bool keep_order;      /* with jitter: a packet never leaves before the one ahead of it */
	uint64_t last_release;
	uint32_t loss_ppm;    /* random loss, parts per million */
	uint64_t limit_bytes; /* drop-tail queue size (bytes waiting to be serialised) */
	uint64_t busy_until;  /* when the link finishes serialising what it holds, ns */
	uint64_t rng;         /* xorshift64 state, never 0 */
	/* counters */
	uint64_t passed, passed_bytes, lost, queue_drops, max_backlog;
	/* TCP segments with payload at the largest IP length seen so far: the full-size
	 * segments, whose mean payload gives a stack's per-packet ceiling (bench/). */
	uint32_t tcp_full_len;
	uint64_t tcp_full_segments, tcp_full_payload;
};

enum linkem_fate { LINKEM_PASS, LINKEM_LOST, LINKEM_QUEUE_FULL };

/* rate 0 = unlimited; limit 0 = a default of 100 ms at the rate (at least 32 KB). */
void linkem_init(struct linkem_model *m, uint64_t rate_bps, uint64_t delay_ns, uint32_t loss_ppm,
		 uint64_t limit_bytes, uint64_t seed);

/*
 * Varies each packet's delay uniformly within delay +- jitter_ns, as netem's
 * `delay D J` does. Packets then overtake each other (netem's behaviour too), unless
 * keep_order: a late packet holds back the ones behind it, as on a link whose delay
 * varies (a radio link's scheduling) but which delivers in order.
 */
void linkem_set_jitter(struct linkem_model *m, uint64_t jitter_ns, bool keep_order);

/*
 * A packet of len bytes arrives at now_ns. On LINKEM_PASS, *release_ns is when it
 * leaves the far end of the link: after the packets ahead of it are serialised, its
 * own serialisation, and the delay. Without jitter (or with keep_order), release times
 * never decrease, so packets stay in order.
 */
enum linkem_fate linkem_admit(struct linkem_model *m, uint64_t now_ns, uint32_t len, uint64_t *release_ns);

/*
 * TCP payload bytes of the IPv4 or IPv6 packet pkt[0..len), no extension headers;
 * -1 when it is not a whole TCP segment.
 */
int linkem_tcp_payload(const uint8_t *pkt, uint32_t len);

/* Counts a passed packet of len IP bytes carrying payload TCP bytes into the full-size
 * segment counters (restarted whenever a longer segment is seen). */
void linkem_count_tcp(struct linkem_model *m, uint32_t len, int payload);

/* Bytes queued for serialisation at now_ns. */
uint64_t linkem_backlog(const struct linkem_model *m, uint64_t now_ns);

/* Parsers for the command line: "7500kbit", "10ms", "0.5%", "64k". False on bad text. */
bool linkem_parse_rate(const char *s, uint64_t *bps);
bool linkem_parse_time(const char *s, uint64_t *ns);
bool linkem_parse_loss(const char *s, uint32_t *ppm);
bool linkem_parse_size(const char *s, uint64_t *bytes);

#endif
