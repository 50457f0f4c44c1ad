/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw mode's decisions: which rule covers a packet, which path the sender gives it, and the rewrite. */
#ifndef NETAGG_STEER_H
#define NETAGG_STEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "rewrite.h"
#include "sched.h"

enum steer_verdict {
	STEER_PASS,      /* no rule covers it (or it cannot be rewritten): send it on unchanged */
	STEER_PRIMARY,   /* a sender rule kept it on the primary path: unchanged */
	STEER_SECONDARY, /* a sender rule moved it to the secondary addr:port: rewritten, to be marked */
	STEER_RESTORED,  /* a receiver rule moved it back to the primary addr:port: rewritten */
};

struct steer_rule {
	struct conf_rule conf;
	struct sched sched; /* sender: path 0 primary, path 1 secondary */
	uint64_t packets[2], bytes[2]; /* sender: per path; receiver: [1] restored */
};

struct steer {
	struct steer_rule rule[CONF_MAX_RULES];
	unsigned nrules;
	uint64_t passed;                        /* TCP packets no rule covered */
	uint64_t refused[REWRITE_RESULT_COUNT]; /* packets passed unchanged because they could not be
						 * parsed or rewritten (fragments, not TCP, malformed) */
};

void steer_init(struct steer *s);

/* Adds a rule; false with the reason when it is full or a rule of that role has the same primary. */
bool steer_add(struct steer *s, const struct conf_rule *r, char *err, size_t errlen);

/* Removes every rule of `role`; returns how many. */
unsigned steer_flush(struct steer *s, enum conf_role role);

/*
 * Decides for pkt[0..len) and rewrites it in place when the verdict says so.
 * A sender rule matches TCP to its primary addr:port and splits by its ratio
 * (bytes, smooth weighted round robin); a receiver rule matches TCP to its
 * secondary addr:port. Fragments and malformed packets are passed unchanged.
 */
enum steer_verdict steer_packet(struct steer *s, uint8_t *pkt, size_t len);

#endif
