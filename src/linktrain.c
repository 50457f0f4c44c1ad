/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capacity trains at the link: when to send one, sending it, timing the peer's, taking the rate it reports. */
#include <stdio.h>
#include <string.h>

#include "link.h"
#include "log.h"

/*
 * Configured weights are the user's start (the "starting point"): trains then
 * only give room (autow_line_rate), and stand in for the start where none was given.
 */
static bool weights_given(const struct conf *c)
{
	for (unsigned i = 0; i < c->npaths; i++)
		if (c->path[i].weight_given)
			return true;
	return false;
}

/*
 * The result of a timed train comes back one round trip after it went (the peer answers
 * at once); twice that and more means the peer could not time it. Transfers often start
 * as soon as the link is up, and the rates are worth most in their first second: a retry
 * that waited 1 s came after a bench transfer had found its split the slow way.
 */
static uint64_t retry_after(const struct probe *pr)
{
	return pr->have_rtt ? 2 * pr->srtt + TRAIN_RETRY_NS : TRAIN_RETRY_NO_RTT_NS;
}

/*
 * TRAIN_FRAMES keepalives as long as the longest data frame, one right after the other,
 * numbered in flow_seq. They carry the same report; the peer takes it from the first.
 */
static void send_train(struct link *l, struct session *s, struct path *p, uint64_t now)
{
	uint8_t frame[WIRE_HEADER_LEN + CONF_MTU_MAX + WIRE_TAG_LEN];
	uint8_t report[WIRE_PROBE_LEN + WIRE_TRAIN_RESULT_LEN];
	size_t len = link_keepalive_report(l, s, p->index, now, report);
	size_t padded = l->mtu > len ? l->mtu : len;

	l->train_seq[p->index][l->train_tries[p->index]] = p->tx_seq;
	for (unsigned k = 1; k <= TRAIN_FRAMES; k++) {
		/* Sealing encrypts in place: each frame starts from the plaintext. */
		memcpy(frame + WIRE_HEADER_LEN, report, len);
		memset(frame + WIRE_HEADER_LEN + len, 0, padded - len);
		path_queue(p, frame, link_seal_frame(l, s, p, WIRE_KEEPALIVE, padded, (uint16_t)k, link_stamp(now), frame));
		path_flush(p);
	}
	l->keepalives[p->index] += TRAIN_FRAMES;
	l->train_tries[p->index]++;
	l->train_next[p->index] = now + retry_after(&l->probe[p->index]);
}

void link_train_tick(struct link *l, unsigned i, uint64_t now)
{
	struct session *s = session_for_tx(&l->keying.sessions);
	struct path *p = &l->path[i];

	/*
	 * Sent whatever the start: a rate still gives a path held back by a full one its room
	 * at once (autow_line_rate). Not into data of ours on the path, though: a burst of 8
	 * full frames on a full queue may overflow it, and its losses count as the path's.
	 */
	if (!l->conf.auto_weights || !s || !(s->peer_features & HS_FEATURE_TRAIN) || !p->remote.len ||
	    !health_usable(&l->health[i]) || l->train_bps[i] || l->train_tries[i] >= TRAIN_TRIES ||
	    now < l->train_next[i] || now - l->data_tx_at[i] < TRAIN_QUIET_NS)
		return;
	send_train(l, s, p, now);
}

void link_train_frame(struct link *l, struct path *p, const struct wire_header *h, size_t len, uint64_t at,
		      uint64_t now)
{
	struct train_rx *t = &l->train_rx[p->index];

	if (h->flow_seq > TRAIN_FRAMES ||
	    !train_on_frame(t, h->flow_seq, h->path_seq, (uint32_t)len, at ? at : now, at != 0))
		return;
	log_debug("path %s: the peer's capacity train came at %.2f Mbit/s", p->conf->name, t->result_kbps / 1e3);
	/* The sender waits for this to set its weights: it goes at once. */
	link_send_keepalive(l, p, now);
}

/* Where no weight is given and every usable path has a train's rate, the start comes from them. */
static void seed(struct link *l)
{
	bool usable[WIRE_MAX_PATHS];
	uint32_t w[WIRE_MAX_PATHS];
	char text[WIRE_MAX_PATHS * 12] = "";
	size_t used = 0;

	if (weights_given(&l->conf))
		return;
	for (unsigned j = 0; j < l->conf.npaths; j++)
		usable[j] = health_usable(&l->health[j]);
	if (!autow_seed(&l->autow, usable, l->train_bps, w))
		return;
	for (unsigned j = 0; j < l->conf.npaths; j++) {
		if (w[j] != l->sched.weight[j])
			sched_set_weight(&l->sched, j, w[j]);
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%u", j ? ":" : "", w[j]);
	}
	log_info("weights from the capacity trains: %s", text);
}

/* A result names one of the trains this end sent on the path: a late one for an earlier train measured the line all the same. */
static bool ours(const struct link *l, unsigned i, uint32_t first_seq)
{
	for (unsigned k = 0; k < l->train_tries[i]; k++)
		if (l->train_seq[i][k] == first_seq)
			return true;
	return false;
}

void link_train_result(struct link *l, unsigned i, const uint8_t *in)
{
	struct wire_train_result r;

	wire_train_result_decode(in, &r);
	if (!r.kbps || l->train_bps[i] || !ours(l, i, r.first_seq))
		return;
	l->train_bps[i] = (uint64_t)r.kbps * 1000;
	log_info("path %s: a capacity train crossed at %.2f Mbit/s", l->path[i].conf->name, r.kbps / 1e3);
	autow_line_rate(&l->autow, i, l->train_bps[i]);
	seed(l);
}

void link_train_reapply(struct link *l)
{
	for (unsigned i = 0; i < l->conf.npaths; i++)
		autow_line_rate(&l->autow, i, l->train_bps[i]);
	seed(l);
}
