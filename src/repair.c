/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loss repair between the two ends: the receiver NACKs frames missing from a path's
 * sequence, on the fastest path; the sender resends the data among them, once, on the
 * fastest path, under a byte budget. Both halves run only with `repair` on (the
 * receiver's half also needs `reorder`, which is what lets a resend fill its gap).
 */
#include <string.h>

#include "link.h"
#include "log.h"

_Static_assert(LINK_RESEND_PER_NACK <= LINK_TUN_BATCH, "resends are sealed into the TUN batch's buffers");

/*
 * The path NACKs and resends take: of the paths the scheduler sends on (a standby
 * backup carries nothing), with a known peer and a measured RTT, the one with the
 * lowest smoothed RTT, preferring paths that are not degraded. NULL if none.
 */
static const struct path *fastest_path(const struct link *l)
{
	const struct path *best = NULL;
	bool best_degraded = true;
	uint64_t best_rtt = UINT64_MAX;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		bool degraded = l->health[i].state == PATH_DEGRADED;

		if (!l->sched.up[i] || !l->path[i].remote.len || !l->probe[i].have_rtt)
			continue;
		if (best && (degraded > best_degraded ||
			     (degraded == best_degraded && l->probe[i].srtt >= best_rtt)))
			continue;
		best = &l->path[i];
		best_degraded = degraded;
		best_rtt = l->probe[i].srtt;
	}
	return best;
}

/*
 * The NACK and the resend both cross the fastest path, so a resend arrives a round
 * trip of it after the gap showed, give or take its variation and both ends' scheduling.
 */
uint64_t link_repair_wait(const struct link *l)
{
	const struct path *fast;
	unsigned sending = 0;

	if (!l->conf.repair || !l->conf.reorder)
		return 0;
	for (unsigned i = 0; i < l->conf.npaths; i++)
		sending += l->sched.up[i];
	fast = fastest_path(l);
	/* With one path a resend could not beat the inner TCP's own retransmission by much. */
	if (sending < 2 || !fast)
		return 0;
	return l->probe[fast->index].srtt + 2 * l->probe[fast->index].rttvar + LINK_REPAIR_SLACK_NS;
}

void link_repair_keep(struct link *l, struct path *p, uint16_t flow_seq, const uint8_t *pkt, size_t len,
		      uint64_t now)
{
	/* p->tx_seq is the path_seq the frame is about to be sealed with. */
	if (l->conf.repair)
		resend_keep(&l->resend, p->index, p->tx_seq, flow_seq, link_stamp(now), pkt, len, now);
}

/*
 * Is path i's queue building up (the long queue weights = "auto" takes for a full
 * path)? A loss there is most likely a queue that overflowed: the inner flows must see
 * it and slow down, so it is not repaired. Repairing it would keep their windows
 * growing into a queue that drops more.
 */
static bool queueing(const struct link *l, unsigned i)
{
	const struct probe *pr = &l->probe[i];

	return pr->have_rtt && autow_queue_long(pr->srtt, pr->min_rtt);
}

void link_repair_on_frame(struct link *l, const struct path *p, const struct wire_header *h, uint64_t now)
{
	uint64_t wait = queueing(l, p->index) ? 0 : link_repair_wait(l);

	/* The numbers are followed even while no gap is wanted, so that a later gap is reported right. */
	nack_on_frame(&l->nack, p->index, h->path_seq, h->timestamp_us, h->type != WIRE_REPAIR, now, wait);
}

void link_repair_flush(struct link *l, uint64_t now)
{
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];
	uint8_t frame[WIRE_HEADER_LEN + WIRE_NACK_MAX_ENTRIES * WIRE_NACK_ENTRY_LEN + WIRE_TAG_LEN];
	unsigned n = nack_take(&l->nack, e);
	struct session *s;
	const struct path *fast;
	struct path *p;
	size_t len;

	if (!n)
		return;
	s = session_for_tx(&l->keying.sessions);
	fast = fastest_path(l);
	if (!s || !fast)
		return;
	p = &l->path[fast->index];
	len = wire_nack_encode(e, n, frame + WIRE_HEADER_LEN);
	path_queue(p, frame, link_seal_frame(l, s, p, WIRE_NACK, len, 0, link_stamp(now), frame));
	path_flush(p);
	l->nacks_sent++;
}

/*
 * Resends at most LINK_RESEND_PER_NACK frames per NACK, sealed into the TUN batch's
 * buffers (free while frames are received: the loop is single-threaded and
 * link_forward_from_tun flushes before it returns) and sent with one flush.
 */
void link_repair_on_nack(struct link *l, const uint8_t *payload, size_t len, uint64_t now)
{
	struct wire_nack_entry e[WIRE_NACK_MAX_ENTRIES];
	unsigned n = wire_nack_decode(payload, len, e), sent = 0;
	struct session *s = session_for_tx(&l->keying.sessions);
	const struct path *fast = fastest_path(l);
	struct path *p = fast ? &l->path[fast->index] : NULL;

	l->nacks_received++;
	if (!l->conf.repair || !s || !p)
		return;
	for (unsigned k = 0; k < n && sent < LINK_RESEND_PER_NACK; k++) {
		if (e[k].path >= l->conf.npaths)
			continue;
		if (queueing(l, e[k].path)) {
			l->resend_congested += e[k].count;
			continue;
		}
		for (unsigned j = 0; j < e[k].count && sent < LINK_RESEND_PER_NACK; j++) {
			uint8_t *frame = l->tx_buf + sent * l->slot;
			struct resend_frame f;

			if (!resend_take(&l->resend, e[k].path, e[k].first + j, now, LINK_RESEND_MAX_AGE_NS, &f))
				continue;
			memcpy(frame + WIRE_HEADER_LEN, f.pkt, f.len);
			path_queue(p, frame, link_seal_frame(l, s, p, WIRE_REPAIR, f.len, f.flow_seq, f.stamp_us, frame));
			sent++;
		}
	}
	if (sent)
		path_flush(p);
}
