/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A running link: the TUN device, the path sockets, the scheduler and the counters. */
#ifndef NETAGG_LINK_H
#define NETAGG_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "health.h"
#include "path.h"
#include "sched.h"
#include "status.h"

#define LINK_TUN_BATCH 64 /* inner packets read from the TUN per wake-up */

struct link {
	struct conf conf;
	unsigned mtu; /* of the TUN: from the config or derived from the paths */
	int tun_fd;
	unsigned ifindex;
	struct path path[WIRE_MAX_PATHS];
	struct sched sched;
	struct health health[WIRE_MAX_PATHS];
	uint64_t next_keepalive; /* ns, monotonic */
	uint64_t seq;            /* next global sequence number */
	uint64_t drop[DROP_REASON_COUNT];
	size_t slot;     /* bytes per frame buffer */
	uint8_t *tx_buf; /* LINK_TUN_BATCH frame buffers */
	struct path_rx rx;
};

/* A silent path is declared down after this many keepalive intervals. */
#define LINK_DOWN_AFTER_KEEPALIVES 3

/*
 * Creates the TUN device, configures it, opens the path sockets. On failure
 * everything already done is undone and err says why. Times are monotonic ns.
 */
bool link_open(struct link *l, const struct conf *c, uint64_t now, char *err, size_t errlen);
void link_close(struct link *l);

/* Fills st from the link's current state. */
void link_snapshot(const struct link *l, struct status *st);

/* Reads up to LINK_TUN_BATCH inner packets and sends each on the path the scheduler picks. */
void link_forward_from_tun(struct link *l, uint64_t now);

/* Receives a batch on path i and writes valid inner packets to the TUN. */
void link_forward_to_tun(struct link *l, unsigned i, uint64_t now);

/* Periodic work: keepalives when due, paths fallen silent taken out of the schedule. */
void link_tick(struct link *l, uint64_t now);

/* Bytes a frame adds on the wire around an inner packet, outer IP and UDP included. */
unsigned link_overhead(int family);

#endif
