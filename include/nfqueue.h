/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One NFQUEUE queue over libmnl: packets the kernel hands over, and the verdicts that send them on. */
#ifndef NETAGG_NFQUEUE_H
#define NETAGG_NFQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

struct nfqueue {
	struct mnl_socket *nl;
	unsigned portid;
	uint16_t num;
	char *buf; /* receive buffer: a batch of queued packets */
	size_t buflen;
	uint64_t verdict_errors;
};

/* A packet handed over by the kernel; payload is writable in place (it lives in the receive buffer). */
struct nfqueue_packet {
	uint32_t id;
	uint8_t *payload;
	size_t len;
};

/*
 * Binds queue `num` (copying whole packets; no GSO batches, so checksums come complete).
 * Needs CAP_NET_ADMIN, then and for every later verdict.
 */
bool nfqueue_open(struct nfqueue *q, uint16_t num, char *err, size_t errlen);
void nfqueue_close(struct nfqueue *q);
int nfqueue_fd(const struct nfqueue *q);

/* Calls fn for each queued packet until the socket is drained; returns how many. */
unsigned nfqueue_receive(struct nfqueue *q, void (*fn)(void *ctx, struct nfqueue_packet *pkt), void *ctx);

/* Lets the packet go on; with `changed` the kernel takes its new bytes, with `mark` != 0 its new mark. */
void nfqueue_accept(struct nfqueue *q, const struct nfqueue_packet *pkt, bool changed, uint32_t mark);

#endif
