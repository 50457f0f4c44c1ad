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
 * backup carries nothing), other than `except`, with a known peer and a measured RTT,
 * the one with the lowest smoothed RTT, preferring paths that are not degraded. NULL
 * if none.
 */
static const struct path *fastest_path_but(const struct link *l, unsigned except)
{
	const struct path *best = NULL;
	bool best_degraded = true;
	uint64_t best_rtt = UINT64_MAX;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		bool degraded = l->health[i].state == PATH_DEGRADED;

		if (i == except || !l->sched.up[i] || !l->path[i].remote.len || !l->probe[i].have_rtt)
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

static const struct path *fastest_path(const struct link *l)
{
	return fastest_path_but(l, WIRE_MAX_PATHS);
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

/* Is path i's queue building up (the long queue weights = "auto" takes for a full path)? */
static bool queueing(const struct link *l, unsigned i)
{
	const struct probe *pr = &l->probe[i];

	return pr->have_rtt && autow_queue_long(pr->srtt, pr->min_rtt);
}

/*
 * How long the resend of what path i carried in `silence` takes to come once asked
 * for: a round trip of the fastest other path, plus about as long as the silence, the
 * time the path took to carry those frames (a slower path left takes longer, and what
 * comes after the wait is delivered at once as it comes). 0: repair cannot help, or must
 * not: with that path's queue building, the bond was full, the inner flows must slow
 * down for the capacity lost anyway, and the loss tells them at once; a burst of
 * resends would only overflow the path left (a bulk BBR transfer's stall after a cut,
 * 2-3 runs each: 0.38-0.40 s without outage repair, 0.41-0.53 s with it regardless).
 */
static uint64_t outage_wait(const struct link *l, unsigned i, uint64_t silence)
{
	const struct path *fast = fastest_path_but(l, i);
	uint64_t wait;

	if (!l->conf.repair || !l->conf.reorder || !fast || queueing(l, fast->index))
		return 0;
	wait = l->probe[fast->index].srtt + 2 * l->probe[fast->index].rttvar + LINK_REPAIR_SLACK_NS + silence;
	return wait < LINK_OUTAGE_WAIT_MAX_NS ? wait : LINK_OUTAGE_WAIT_MAX_NS;
}

/*
 * Everything the peer sent on path i after the last frame heard is lost. Waiting for
 * the inner flows to find that out costs them a round trip at least, a cut in their
 * window, and, for BBR pacing the bond's old rate into what is left, rounds of repair
 * behind an overflowing queue. So one NACK entry asks for all of it at once; the peer
 * takes the path down too and resends what it still keeps on the fastest path left.
 * Until that can have come, the gaps are not given up, if they were still held: the
 * path was suspect here (link_repair_suspect_hold). A path found down only after
 * down_after had its gaps given up long before; its resends are delivered at once as
 * they come, and holding the flows now would only delay the other paths' losses.
 * Only when the peer's data came on the path shortly before: an idle path lost nothing.
 */
void link_repair_outage(struct link *l, unsigned i, uint64_t now)
{
	uint64_t silence = now - l->health[i].last_rx, wait = outage_wait(l, i, silence);
	bool held = l->suspect_paths & 1u << i;

	if (!wait || !l->data_rx_at[i] || now - l->data_rx_at[i] > LINK_RESEND_MAX_AGE_NS)
		return;
	/* In a NACK of its own: an end of an earlier version drops a NACK with an outage entry whole. */
	link_repair_flush(l, now);
	if (!nack_outage(&l->nack, i, now, held ? wait : 0))
		return;
	link_repair_flush(l, now);
	l->outage_again |= 1u << i;
	if (!held)
		return;
	/* A packet that came just after the path's last frame is due at that time plus the hold. */
	if (silence + wait > l->outage_hold)
		l->outage_hold = silence + wait;
	if (now + wait > l->outage_until)
		l->outage_until = now + wait;
	link_update_hold(l);
}

/*
 * Each outage entry goes twice, a tick apart: a lost NACK would leave the gaps waiting
 * for nothing. The peer serves a repeated entry from where the first one ended, so the
 * second costs one small frame. Not for a path that was heard again meanwhile.
 */
void link_repair_outage_again(struct link *l, uint64_t now)
{
	unsigned again = l->outage_again;

	l->outage_again = 0;
	for (unsigned i = 0; i < l->conf.npaths; i++)
		if ((again & 1u << i) && l->health[i].state == PATH_DOWN)
			nack_outage(&l->nack, i, now, 0);
	link_repair_flush(l, now);
}

/*
 * Path i carried the peer's data, this end sends data on it too (the inner flows'
 * acknowledgements, say), and it has been quiet for longer than its usual gaps: it may
 * have failed. The gaps its frames would fill must then not be given up before it is
 * found down (health_quiet_limit, seen at the next tick) and its frames are asked for
 * and resent: given up, they reach the inner flows as losses, which costs them more
 * than the wait. Returns the reorder hold that covers this from the path's last
 * frame, 0 when the path is not suspect or repair cannot help.
 */
uint64_t link_repair_suspect_hold(const struct link *l, unsigned i, uint64_t now, uint64_t busy_since, uint64_t skew)
{
	const struct health *h = &l->health[i];
	uint64_t limit, wait;

	/* Only a path this end sends data on is found down that soon: otherwise down_after, too long to hold. */
	if (!busy_since || !h->long_gap || !health_quiet(h, now, LINK_SUSPECT_MIN_NS) || !l->data_rx_at[i] ||
	    h->last_rx - l->data_rx_at[i] > h->long_gap)
		return 0;
	limit = health_quiet_limit(h, skew) + LINK_TICK_NS;
	wait = outage_wait(l, i, limit);
	return wait ? limit + wait : 0;
}

/*
 * Did the frames lost just before this one on path i (if any) overflow a queue? The
 * frame that follows such a loss waited in a full queue: as long as the path's queue
 * has lately held at most (owdspan_at_top), and either long by itself (5 ms or a quarter of
 * its base RTT, as a full path's for weights = "auto") or on a path whose smoothed RTT says
 * it is queueing. The inner flows must see that loss and slow down; a resend would keep
 * their windows growing into a queue that drops more. A loss anywhere else in the
 * queue's swing, or on a path without a queue, is random: repaired.
 *
 * The smoothed RTT alone lags a queue that fills within a round trip, as BBR's startup
 * fills it, and it stays high while a loss-based sender's queue swings between full and
 * half full, where a random loss cut its window for nothing (agg-slow links, 0.5 % loss
 * on path 2, CUBIC: see doc/PROTOCOL.md, Loss repair). A resend carries its first
 * stamp, which tells nothing of the queue now: the smoothed RTT decides alone.
 */
static bool overflowed(struct link *l, unsigned i, const struct wire_header *h, uint64_t now)
{
	uint32_t owd = link_stamp(now) - h->timestamp_us;
	const struct owdspan *span = &l->owdspan[i];

	if (h->type == WIRE_REPAIR)
		return queueing(l, i);
	owdspan_note(&l->owdspan[i], owd, now);
	if (!owdspan_at_top(span, owd))
		return false;
	return queueing(l, i) ||
	       (l->probe[i].have_rtt && owdspan_above_low(span, owd) * 1000ull >= autow_queue_full_ns(l->probe[i].min_rtt));
}

void link_repair_on_frame(struct link *l, const struct path *p, const struct wire_header *h, uint64_t now)
{
	uint64_t wait = overflowed(l, p->index, h, now) ? 0 : link_repair_wait(l);

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
 * Takes the frame sent on path `lost` as path_seq (metered by the budget or not),
 * seals it as a repair frame into TUN batch buffer `slot` and queues it on p.
 * Returns 1 if it was kept and queued, else 0.
 */
static unsigned queue_resend(struct link *l, struct session *s, struct path *p, unsigned lost, uint32_t path_seq,
			     bool metered, unsigned slot, uint64_t now)
{
	uint8_t *frame = l->tx_buf + slot * l->slot;
	struct resend_frame f;
	bool kept = metered ? resend_take(&l->resend, lost, path_seq, now, LINK_RESEND_MAX_AGE_NS, &f)
			    : resend_take_lost_path(&l->resend, lost, path_seq, now, LINK_RESEND_MAX_AGE_NS, &f);

	if (!kept)
		return 0;
	memcpy(frame + WIRE_HEADER_LEN, f.pkt, f.len);
	path_queue(p, frame, link_seal_frame(l, s, p, WIRE_REPAIR, f.len, f.flow_seq, f.stamp_us, frame));
	return 1;
}

/*
 * The peer heard nothing on path `lost` from path_seq `first` on: the path is down
 * (the peer's silence says so sooner than ours would), and every frame sent on it
 * since that is still kept is resent on the fastest path left, in order, in batches
 * of LINK_RESEND_PER_NACK sealed into the TUN batch's buffers. All at once: the
 * oldest hold up every flow at the receiver, and the inner senders, whose data is
 * held there, have stopped for want of acknowledgements, so the path has room.
 */
static void resend_lost_path(struct link *l, struct session *s, unsigned lost, uint32_t first, uint64_t now)
{
	struct health *h = &l->health[lost];
	uint32_t end = l->path[lost].tx_seq;
	const struct path *fast;
	struct path *p;

	if (health_on_peer_report(h, UINT64_MAX, now)) {
		link_schedule(l);
		log_warnx("path %s: down, the peer heard nothing on it after frame %u", l->path[lost].conf->name, first);
		/* Most failures are both ways: if the path is quiet here too, what the peer sent is lost as well. */
		if (now - h->last_rx >= h->long_gap)
			link_repair_outage(l, lost, now);
	}
	fast = fastest_path(l);
	if (!fast || fast->index == lost)
		return;
	/* An entry repeated, or one for frames resent already, costs no second look at them. */
	first = resend_lost_start(&l->resend, first, end, l->outage_resent_to[lost], l->outage_resent[lost]);
	l->outage_resent_to[lost] = end;
	l->outage_resent[lost] = true;
	p = &l->path[fast->index];
	for (uint32_t seq = first; seq != end;) {
		unsigned sent = 0;

		for (; seq != end && sent < LINK_RESEND_PER_NACK; seq++)
			sent += queue_resend(l, s, p, lost, seq, false, sent, now);
		if (sent)
			path_flush(p);
	}
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
	const struct path *fast;
	struct path *p;

	l->nacks_received++;
	if (!l->conf.repair || !s)
		return;
	/* Outages first: they take their path down, which may change the fastest path. */
	for (unsigned k = 0; k < n; k++)
		if (e[k].path < l->conf.npaths && !e[k].count)
			resend_lost_path(l, s, e[k].path, e[k].first, now);
	fast = fastest_path(l);
	if (!fast)
		return;
	p = &l->path[fast->index];
	for (unsigned k = 0; k < n && sent < LINK_RESEND_PER_NACK; k++) {
		/* The receiver saw whether the loss was a queue's overflow (overflowed()), and did not NACK it if so. */
		if (e[k].path >= l->conf.npaths || !e[k].count)
			continue;
		for (unsigned j = 0; j < e[k].count && sent < LINK_RESEND_PER_NACK; j++)
			sent += queue_resend(l, s, p, e[k].path, e[k].first + j, true, sent, now);
	}
	if (sent)
		path_flush(p);
}
