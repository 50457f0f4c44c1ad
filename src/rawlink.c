/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw mode at run time: queued packets through the steering rules and back to the kernel. */
#include "rawlink.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool rawlink_open(struct rawlink *r, const struct conf *c, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->conf = *c;
	steer_init(&r->steer);
	for (unsigned i = 0; i < c->nrules; i++)
		if (!steer_add(&r->steer, &c->rule[i], err, errlen))
			return false;
	return nfqueue_open(&r->queue, (uint16_t)c->queue, err, errlen);
}

void rawlink_close(struct rawlink *r)
{
	nfqueue_close(&r->queue);
}

static void on_packet(void *ctx, struct nfqueue_packet *pkt)
{
	struct rawlink *r = ctx;

	switch (steer_packet(&r->steer, pkt->payload, pkt->len)) {
	case STEER_PASS:
	case STEER_PRIMARY:
		nfqueue_accept(&r->queue, pkt, false, 0);
		break;
	case STEER_SECONDARY:
		nfqueue_accept(&r->queue, pkt, true, RAWLINK_SECONDARY_MARK);
		break;
	case STEER_RESTORED:
		nfqueue_accept(&r->queue, pkt, true, 0);
		break;
	}
}

void rawlink_process(struct rawlink *r)
{
	nfqueue_receive(&r->queue, on_packet, r);
}

static void entry(struct status *st, const struct steer_rule *sr, unsigned k, unsigned path)
{
	struct status_path *sp = &st->path[st->npaths++];
	const struct conf_rule *c = &sr->conf;
	bool sender = c->role == CONF_ROLE_SENDER;

	snprintf(sp->name, sizeof(sp->name), "r%u-%s", k + 1, path ? "secondary" : "primary");
	snprintf(sp->state, sizeof(sp->state), "%s", sender ? "sender" : "receiver");
	addr_format(&c->primary, sp->local, sizeof(sp->local));
	addr_format(path ? &c->secondary : &c->primary, sp->remote, sizeof(sp->remote));
	sp->weight = path ? c->weight_secondary : c->weight_primary;
	/* The sender counts what it sent each way; the receiver what it restored. */
	if (sender) {
		sp->tx_packets = sr->packets[path];
		sp->tx_bytes = sr->bytes[path];
	} else {
		sp->rx_packets = sr->packets[path];
		sp->rx_bytes = sr->bytes[path];
	}
}

void rawlink_snapshot(const struct rawlink *r, struct status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->interface, sizeof(st->interface), "%s", r->conf.interface);
	snprintf(st->mode, sizeof(st->mode), "raw");
	st->pid = (long)getpid();
	snprintf(st->cipher, sizeof(st->cipher), "none");
	for (unsigned k = 0; k < r->steer.nrules && st->npaths + 2 <= STATUS_MAX_PATHS; k++) {
		const struct steer_rule *sr = &r->steer.rule[k];

		if (sr->conf.role == CONF_ROLE_SENDER)
			entry(st, sr, k, 0);
		entry(st, sr, k, 1);
	}
}
