/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A running link: the TUN device, the path sockets, the scheduler and the counters. */
#ifndef NETAGG_LINK_H
#define NETAGG_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
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
	uint64_t seq; /* next global sequence number */
	uint64_t drop[DROP_REASON_COUNT];
	size_t slot;     /* bytes per frame buffer */
	uint8_t *tx_buf; /* LINK_TUN_BATCH frame buffers */
	struct path_rx rx;
};

/*
 * Creates the TUN device, configures it, opens the path sockets. On failure
 * everything already done is undone and err says why.
 */
bool link_open(struct link *l, const struct conf *c, char *err, size_t errlen);
void link_close(struct link *l);

/* Fills st from the link's current state. */
void link_snapshot(const struct link *l, struct status *st);

/* Reads up to LINK_TUN_BATCH inner packets and sends each on the path the scheduler picks. */
void link_forward_from_tun(struct link *l, uint32_t now_us);

/* Receives a batch on path i and writes valid inner packets to the TUN. */
void link_forward_to_tun(struct link *l, unsigned i);

/* Sends a keepalive on every path whose peer is known. */
void link_send_keepalives(struct link *l, uint32_t now_us);

/* Bytes a frame adds on the wire around an inner packet, outer IP and UDP included. */
unsigned link_overhead(int family);

#endif
