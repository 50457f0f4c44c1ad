/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Moves packets between the TUN and the paths: seal, schedule, send; receive, check, open, deliver. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "express.h"
#include "flow.h"
#include "link.h"
#include "log.h"
#include "slowpath.h"
#include "tcpseg.h"

uint32_t link_stamp(uint64_t now)
{
	return (uint32_t)(now / 1000);
}

static uint32_t stamp(uint64_t now)
{
	return link_stamp(now);
}

void link_fill_header(struct link *l, struct path *p, uint8_t type, uint8_t key_id, size_t len, uint64_t now,
		      uint8_t *frame)
{
	link_fill_data_header(l, p, type, key_id, len, 0, stamp(now), frame);
}

void link_fill_data_header(struct link *l, struct path *p, uint8_t type, uint8_t key_id, size_t len,
			   uint16_t flow_seq, uint32_t stamp_us, uint8_t *frame)
{
	struct wire_header h = {
		.version = WIRE_VERSION,
		.type = type,
		.path_id = (uint8_t)p->index,
		.key_id = key_id,
		.length = (uint16_t)len,
		.path_seq = p->tx_seq++,
		.flow_seq = flow_seq,
		.timestamp_us = stamp_us,
		.seq = l->seq++, /* also the AEAD nonce: never repeats in the daemon's life */
	};

	wire_encode(&h, frame);
}

size_t link_seal_frame(struct link *l, struct session *s, struct path *p, uint8_t type, size_t len,
		       uint16_t flow_seq, uint32_t stamp_us, uint8_t *frame)
{
	uint64_t nonce = l->seq;

	link_fill_data_header(l, p, type, session_key_id(s), len, flow_seq, stamp_us, frame);
	s->tx_frames++;
	return seal_close(&s->tx, nonce, frame, WIRE_HEADER_LEN, len);
}

size_t link_keepalive_report(struct link *l, const struct session *s, unsigned i, uint64_t now, uint8_t *out)
{
	struct wire_probe report;
	struct wire_train_result train = { l->train_rx[i].result_seq, l->train_rx[i].result_kbps };

	probe_report(&l->probe[i], now, &report);
	l->next_report[i] = now + LINK_PROBE_NS(l, i);
	wire_probe_encode(&report, out);
	if (!(s->peer_features & HS_FEATURE_TRAIN))
		return WIRE_PROBE_LEN;
	wire_train_result_encode(&train, out + WIRE_PROBE_LEN);
	return WIRE_PROBE_LEN + WIRE_TRAIN_RESULT_LEN;
}

/*
 * The keepalives of a path down for its loss are as long as the longest data frame,
 * zero padded, where the peer takes that (HS_FEATURE_PADDED): a path whose MTU beyond
 * the first hop drops full frames but passes small ones (HEALTH_FAILING_PPM) must not
 * return on the strength of small keepalives, only to lose the data again. A path down
 * for silence keeps them small: it may be a metered link that is merely cut.
 */
void link_send_keepalive(struct link *l, struct path *p, uint64_t now)
{
	/* From a buffer of its own, outside any batch. */
	uint8_t frame[WIRE_HEADER_LEN + CONF_MTU_MAX + WIRE_TAG_LEN];
	struct session *s = session_for_tx(&l->keying.sessions);
	size_t len;

	if (!s || !p->remote.len)
		return;
	len = link_keepalive_report(l, s, p->index, now, frame + WIRE_HEADER_LEN);
	if (l->health[p->index].lossy && (s->peer_features & HS_FEATURE_PADDED) && l->mtu > len) {
		memset(frame + WIRE_HEADER_LEN + len, 0, l->mtu - len);
		len = l->mtu;
	}
	l->keepalives[p->index]++;
	path_queue(p, frame, link_seal_frame(l, s, p, WIRE_KEEPALIVE, len, 0, stamp(now), frame));
	path_flush(p);
}

static void note_data_sent(struct link *l, unsigned i, uint64_t now)
{
	uint64_t probe = LINK_PROBE_NS(l, i);

	/*
	 * A new run of data, after a pause of a probe interval, once the path was heard after
	 * the last one: its peer then went back to probing every interval, and the busy limit
	 * waits until it notices the data (busy_since). Nothing heard since is no pause but a
	 * path falling silent, and the data on it may pause with it: in a CUBIC transfer none
	 * went out for 107 ms after a cut, the run restarted, the busy limit moved past
	 * down_after, and the path was down after 315 ms, not 100-150 (a stall of 0.34 s, not
	 * 0.14).
	 */
	if (!l->data_tx_at[i] || (now - l->data_tx_at[i] > probe && l->health[i].last_rx > l->data_tx_at[i]))
		l->data_tx_since[i] = now;
	l->data_tx_at[i] = now;
	health_on_data_sent(&l->health[i], now);
}

/* Reads one inner packet into frame's payload; returns its length, 0 when the TUN is drained. */
static size_t read_inner(struct link *l, uint8_t *frame)
{
	for (;;) {
		ssize_t n = read(l->tun_fd, frame + WIRE_HEADER_LEN, l->slot - WIRE_HEADER_LEN - WIRE_TAG_LEN);

		if (n > 0)
			return (size_t)n;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			log_warn("read from %s", l->conf.interface);
		return 0;
	}
}

/* An express frame with no payload: this end's data on path p, for the peer's and our liveness watch (express.h). */
static void send_watch(struct link *l, struct session *s, struct path *p, uint64_t now)
{
	uint8_t frame[WIRE_HEADER_LEN + WIRE_TAG_LEN];

	note_data_sent(l, p->index, now);
	path_queue(p, frame, link_seal_frame(l, s, p, WIRE_EXPRESS, 0, 0, stamp(now), frame));
	path_flush(p);
}

/* The paths the peer's data comes on, other than `except`, that this end's bare ACKs left without its data for too long. */
static void keep_watch(struct link *l, struct session *s, unsigned except, uint64_t now)
{
	bool peer_data[WIRE_MAX_PATHS];
	uint64_t since[WIRE_MAX_PATHS];
	unsigned due;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		/* As busy_since (linktick.c) reckons the peer's data recent. */
		uint64_t recent = LINK_PROBE_NS(l, i) / 2;

		peer_data[i] = l->sched.up[i] && i != except && l->data_rx_at[i] && now - l->data_rx_at[i] <= recent;
		since[i] = l->data_tx_at[i] ? now - l->data_tx_at[i] : UINT64_MAX;
	}
	due = express_watch_due(l->conf.npaths, peer_data, since);
	for (unsigned i = 0; i < l->conf.npaths; i++)
		if (due & 1u << i)
			send_watch(l, s, &l->path[i], now);
}

/*
 * The path for a bare TCP ACK or a small UDP packet (of a flow in `bucket`), of lowest RTT
 * (express.h); NULL when it goes with the data: fast_acks or fast_udp off, a peer that
 * takes no express frames, or no path with an RTT and room. A path whose own way out
 * queues (its RTT without the peer's queue, by autow_queue_long) or loses 2 % is no
 * candidate, and for a while after (express_bar_admits): the ACKs of a download would
 * otherwise fill a thin uplink, and the download would go at the pace that uplink carries
 * its ACKs (30 + 30 Mbit/s, path 1's uplink 1 Mbit/s, BBR: 23 Mbit/s, against 52 with the
 * ACKs in the schedule).
 */
static struct path *express_route(struct link *l, struct session *s, const uint8_t *pkt, size_t len,
				  unsigned bucket, uint64_t now)
{
	bool candidate[WIRE_MAX_PATHS];
	uint64_t srtt[WIRE_MAX_PATHS];
	bool udp = express_udp(pkt, len);

	if (udp && !express_udp_admits(&l->udp_large_at[bucket], len, l->conf.fast_udp, now))
		return NULL;
	if (!(s->peer_features & HS_FEATURE_EXPRESS) || !(udp || (l->conf.fast_acks && tcpseg_pure_ack(pkt, len))))
		return NULL;
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		const struct probe *pr = &l->probe[i];

		srtt[i] = pr->forward_srtt; /* the way out's: the peer's queue is not ours */
		candidate[i] = l->sched.up[i] && pr->have_rtt &&
			       express_bar_admits(&l->ack_bar[i],
						  autow_queue_long(srtt[i], pr->min_rtt) ||
							  probe_loss_ppm(pr) >= AUTOW_LOSS_PPM,
						  now);
	}
	l->ack_path = express_path(l->conf.npaths, candidate, srtt, l->ack_path);
	if (l->ack_path < 0)
		return NULL;
	keep_watch(l, s, (unsigned)l->ack_path, now);
	return &l->path[l->ack_path];
}

/*
 * Picks a path and a session for the inner packet pkt of len bytes; NULL (counted) when
 * there is none. *express: it goes as a WIRE_EXPRESS frame, outside the schedule.
 */
static struct path *route(struct link *l, const uint8_t *pkt, size_t len, unsigned bucket, struct session **s,
			  bool *express, uint64_t now)
{
	struct path *ack;
	int pick;

	if (len > l->mtu) {
		l->drop[DROP_TOO_BIG]++;
		return NULL;
	}
	*s = session_for_tx(&l->keying.sessions);
	if (!*s) {
		l->drop[DROP_NO_KEY]++;
		return NULL;
	}
	*express = (ack = express_route(l, *s, pkt, len, bucket, now)) != NULL;
	if (*express)
		return ack;
	pick = sched_pick(&l->sched, (uint32_t)(len + WIRE_HEADER_LEN + WIRE_TAG_LEN));
	if (pick < 0) {
		l->drop[DROP_NO_PATH]++;
		return NULL;
	}
	return &l->path[pick];
}

void link_forward_from_tun(struct link *l, uint64_t now)
{
	for (unsigned i = 0; i < LINK_TUN_BATCH; i++) {
		uint8_t *frame = l->tx_buf + i * l->slot;
		size_t len = read_inner(l, frame);
		struct session *s = NULL;
		struct path *p;
		bool express = false;
		unsigned bucket;

		if (len == 0)
			break;
		bucket = flow_bucket(frame + WIRE_HEADER_LEN, len);
		p = route(l, frame + WIRE_HEADER_LEN, len, bucket, &s, &express, now);
		if (p && express) {
			size_t bytes = len + WIRE_HEADER_LEN + WIRE_TAG_LEN;

			/*
			 * Small UDP may come at any rate: it counts in the path's share of the
			 * schedule and in its policing (never dropped there, as a resend is not),
			 * unlike the bare ACKs, which a data flow's own rate bounds.
			 */
			if (express_udp(frame + WIRE_HEADER_LEN, len)) {
				sched_charge(&l->sched, p->index, (uint32_t)bytes);
				(void)police_pass(&l->police, p->index, bytes, true, now);
			}
			/* Not kept for repair: a lost bare ACK is made good by the next, and a voice or game
			 * packet resent a round trip late is of no use. */
			note_data_sent(l, p->index, now);
			l->data_tx_bytes[p->index] += len;
			l->fast_acks_sent[p->index]++;
			path_queue(p, frame, link_seal_frame(l, s, p, WIRE_EXPRESS, len, 0, stamp(now), frame));
		} else if (p) {
			bool resent = police_tcp_resent(&l->police, bucket, frame + WIRE_HEADER_LEN, len);
			/* Numbered per flow bucket, so the receiver can restore each flow's order. */
			uint16_t fseq;

			if (!police_pass(&l->police, p->index, len + WIRE_HEADER_LEN + WIRE_TAG_LEN, resent, now)) {
				l->drop[DROP_POLICED]++;
				continue;
			}
			fseq = l->flow_seq[bucket]++;

			note_data_sent(l, p->index, now);
			l->data_tx_bytes[p->index] += len;
			link_repair_keep(l, p, fseq, frame + WIRE_HEADER_LEN, len, now);
			path_queue(p, frame, link_seal_frame(l, s, p, WIRE_DATA, len, fseq, stamp(now), frame));
		}
	}
	for (unsigned p = 0; p < l->conf.npaths; p++)
		if (l->path[p].queued)
			path_flush(&l->path[p]);
}

void link_learn_peer(struct link *l, struct path *p, const struct endpoint *from, uint64_t now)
{
	char text[ADDR_TEXT_MAX];

	if (p->remote.len && addr_equal(&p->remote, from))
		return;
	p->remote = *from;
	log_info("path %s: peer is %s", p->conf->name, addr_format(from, text, sizeof(text)));
	/* Answer at once, so the peer hears this path is alive without waiting a probe interval. */
	link_send_keepalive(l, p, now);
}

/* Said once a down spell: the usual cause is a configuration, not the line. */
#define LINK_BROKEN_RUNS_HINT 3

static void note_alive(struct link *l, struct path *p, uint64_t now)
{
	unsigned broken = l->health[p->index].broken_runs;
	bool changed = health_on_rx(&l->health[p->index], now);

	if (broken < LINK_BROKEN_RUNS_HINT && l->health[p->index].broken_runs == LINK_BROKEN_RUNS_HINT)
		log_warnx("path %s: still down: heard again %u times, each after over %llu ms (down_after) of silence; "
			  "if the line works, the peer probes it less often than that: give the path the same "
			  "probe_interval and down_after on both ends",
			  p->conf->name, LINK_BROKEN_RUNS_HINT,
			  (unsigned long long)(l->health[p->index].down_after / 1000000));

	/* Heard, and up: the next hop works (path.h); a path proving itself is not known to. */
	p->confirm = health_usable(&l->health[p->index]);
	if (!changed)
		return;
	/* What was lost while the path was down is not the loss of the path that came back. */
	probe_forget_loss(&l->probe[p->index]);
	nack_forget_path(&l->nack, p->index);
	link_schedule(l);
	log_info("path %s: up", p->conf->name);
}

/* When this end sent the frame it stamped stamp_us, on the clock of `now` (0: before it started). */
static uint64_t sent_at(uint64_t now, uint32_t stamp_us)
{
	uint64_t ago = (uint64_t)(uint32_t)(stamp(now) - stamp_us) * 1000;

	return ago < now ? now - ago : 0;
}

/* The peer's report on what it heard from us on p: round-trip time, loss, rate. */
static void take_report(struct link *l, struct path *p, const uint8_t *payload, size_t length, uint32_t peer_stamp,
			uint64_t now)
{
	struct wire_probe rep, timed;
	struct health *h = &l->health[p->index];
	struct probe *pr = &l->probe[p->index];
	uint64_t raised = pr->min_rtt_raised;
	bool others = false;

	/* The queue the report waited in on its way here: its one-way delay above the path's low. */
	uint64_t reverse_queue = l->have_owd[p->index]
		? owdspan_above_low(&l->owd_base[p->index], stamp(now) - peer_stamp) * 1000ull : 0;

	wire_probe_decode(payload, &rep);
	timed = rep;
	/* The echo's frame left at our stamp echo_timestamp_us: a round trip of an outage's frames is none of the path's. */
	if (rep.echo_hold_us != WIRE_PROBE_NO_ECHO && !health_times_path(h, sent_at(now, rep.echo_timestamp_us)))
		timed.echo_hold_us = WIRE_PROBE_NO_ECHO;
	probe_on_report(pr, &timed, peer_stamp, stamp(now), reverse_queue);
	if (length >= WIRE_PROBE_LEN + WIRE_TRAIN_RESULT_LEN)
		link_train_result(l, p->index, payload + WIRE_PROBE_LEN);
	link_update_slow(l, now);
	if (pr->min_rtt_raised != raised)
		log_info("path %s: base RTT now %.1f ms, the lowest while quiet for the last 10 s", p->conf->name,
			 (double)pr->min_rtt / 1e6);
	link_update_hold(l);
	if (rep.echo_hold_us != WIRE_PROBE_NO_ECHO &&
	    health_on_peer_report(h, (uint64_t)rep.echo_hold_us * 1000, now)) {
		link_schedule(l);
		log_warnx("path %s: down, the peer has not heard us for %u ms", p->conf->name,
			  rep.echo_hold_us / 1000);
		return;
	}
	for (unsigned i = 0; i < l->conf.npaths; i++)
		others = others || (i != p->index && health_usable(&l->health[i]));
	if (!health_on_loss(h, probe_loss_ppm(pr), others, now))
		return;
	link_schedule(l);
	if (h->state == PATH_DOWN)
		log_warnx("path %s: down, losing %.1f %% of frames; back once its probes, padded to full %u-byte "
			  "packets, pass (a path MTU below that drops them: then set mtu lower)",
			  p->conf->name, probe_loss_ppm(pr) / 10000.0, l->mtu + link_overhead(addr_family(&p->conf->local)));
	else
		log_info("path %s: %s, losing %.1f %% of frames", p->conf->name, health_state_name(h->state),
			 probe_loss_ppm(pr) / 10000.0);
}

/*
 * A bare TCP ACK (express.h) goes to the TUN on arrival: TCP takes ACKs in any order.
 * One with no payload only kept the path busy (express_watch_due).
 */
static void deliver_express(struct link *l, unsigned path, const uint8_t *payload, size_t len)
{
	if (len == 0)
		return;
	if (wire_check_inner(payload, len) != WIRE_OK) {
		l->drop[WIRE_BAD_INNER]++;
		return;
	}
	l->fast_acks_received[path]++;
	link_write_tun(l, payload, len);
}

void link_write_tun(void *ctx, const uint8_t *payload, size_t len)
{
	struct link *l = ctx;
	ssize_t n;

	do
		n = write(l->tun_fd, payload, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		l->drop[DROP_TUN_WRITE]++;
}

/* The delay line's tag: the sender's stamp above the flow sequence number. */
static uint64_t data_tag(uint32_t stamp, uint16_t flow_seq)
{
	return (uint64_t)stamp << 16 | flow_seq;
}

static void to_reorder(void *ctx, unsigned path, uint64_t tag, const uint8_t *pkt, size_t len)
{
	struct link *l = ctx;

	(void)path;
	reorder_push(&l->reorder, flow_bucket(pkt, len), (uint16_t)tag, (uint32_t)(tag >> 16), pkt, len, l->now,
		     link_write_tun, l);
}

/* How long a frame stamped peer_stamp must wait to reach the floor's one-way delay (0: none). */
static uint64_t floor_wait(const struct link *l, uint32_t peer_stamp, uint64_t now)
{
	int32_t short_by = (int32_t)(l->owd_floor - (stamp(now) - peer_stamp));
	uint64_t wait;

	if (!l->owd_floor_on || short_by <= 0)
		return 0;
	wait = (uint64_t)short_by * 1000;
	return wait < LINK_EQUALIZE_MAX_NS ? wait : LINK_EQUALIZE_MAX_NS;
}

/* A checked inner packet waits out its path's delay deficit, then goes through the reorder buffer. */
static void deliver(struct link *l, unsigned path, const uint8_t *payload, size_t len, const struct wire_header *h,
		    uint64_t now)
{
	if (wire_check_inner(payload, len) != WIRE_OK) {
		l->drop[WIRE_BAD_INNER]++;
		return;
	}
	l->now = now;
	delayline_push(&l->delay, path, data_tag(h->timestamp_us, h->flow_seq), payload, len, now,
		       floor_wait(l, h->timestamp_us, now), to_reorder, l);
}

/*
 * A resent packet is late already: it skips the delay line and goes to the reorder
 * buffer, which puts it in its gap or, if the gap was given up, delivers it at once.
 */
static void deliver_repair(struct link *l, const uint8_t *payload, size_t len, const struct wire_header *h,
			   uint64_t now)
{
	if (wire_check_inner(payload, len) != WIRE_OK) {
		l->drop[WIRE_BAD_INNER]++;
		return;
	}
	l->repairs_received++;
	l->now = now;
	if (!l->conf.reorder) {
		link_write_tun(l, payload, len);
		return;
	}
	reorder_push(&l->reorder, flow_bucket(payload, len), h->flow_seq, h->timestamp_us, payload, len, now,
		     link_write_tun, l);
}

/*
 * The sender's stamp before which every path has delivered all it carried to the reorder
 * buffer: per path, its newest frame's stamp less the most the path was seen to reorder,
 * or just before its oldest packet still in the delay line if that is older. Only usable
 * paths count; false when none has been heard.
 */
static bool watermark(const struct link *l, uint32_t *mark)
{
	bool any = false;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		uint64_t tag;
		uint32_t w = l->last_stamp[i] - nack_reordering_us(&l->nack, i, l->now);

		if (!health_usable(&l->health[i]) || !l->have_owd[i])
			continue;
		if (delayline_head(&l->delay, i, &tag) && (int32_t)((uint32_t)(tag >> 16) - w) < 0)
			w = (uint32_t)(tag >> 16);
		if (!any || (int32_t)(w - *mark) < 0)
			*mark = w;
		any = true;
	}
	return any;
}

/* Gaps every path has moved past are losses: give them up now, not at the deadline. */
static void release_lost(struct link *l)
{
	uint32_t mark;

	if (l->conf.reorder && l->reorder.nheld && watermark(l, &mark)) {
		/* A gap whose resend was asked for is not given up before the resend had time to come. */
		nack_cap(&l->nack, l->now, &mark);
		reorder_watermark(&l->reorder, mark, link_write_tun, l);
	}
}

void link_reorder_tick(struct link *l, uint64_t now)
{
	l->now = now;
	nack_due(&l->nack, now);
	link_repair_flush(l, now);
	link_update_suspicion(l, now);
	delayline_tick(&l->delay, now, to_reorder, l);
	release_lost(l);
	reorder_tick(&l->reorder, now, link_write_tun, l);
}

uint64_t link_reorder_deadline(const struct link *l)
{
	uint64_t a = reorder_next_deadline(&l->reorder), b = delayline_next(&l->delay), c = nack_next_due(&l->nack);

	a = a < b ? a : b;
	return a < c ? a : c;
}

/*
 * One-way delay plus the clocks' offset, per path: only differences between paths mean
 * anything. Smoothed over time, not per frame: each sample moves it by the share of
 * LINK_OWD_TAU_NS that passed since the last. A busy path then follows its queue over
 * a quarter second, not over its last 16 frames (4 ms at 50 Mbit/s): the delay line's
 * extra for the other paths steadies, and so does the pace at which the receiver's TCP
 * gets the data, which BBR measures the bond's rate by (agg-fast, BBR, 4 alternating
 * runs each: 86.1-87.4 -> 87.5-87.8 Mbit/s, and far fewer retransmits). An idle path's
 * keepalives still move it quickly.
 */
static void note_owd(struct link *l, unsigned i, uint32_t peer_stamp, uint64_t now)
{
	uint32_t sample = stamp(now) - peer_stamp;
	uint64_t dt = now - l->owd_at[i];

	if (!l->have_owd[i]) {
		l->owd[i] = sample;
		l->have_owd[i] = true;
		l->owd_at[i] = now;
		return;
	}
	if (dt > LINK_OWD_TAU_NS)
		dt = LINK_OWD_TAU_NS;
	/* Wrap-around arithmetic: the difference is small, the values are not. What a step
	 * leaves over is carried, or small differences at a high frame rate would never move it. */
	int64_t moved = (int64_t)(int32_t)(sample - l->owd[i]) * (int64_t)dt + l->owd_rest[i];
	int64_t step = moved / (int64_t)LINK_OWD_TAU_NS;

	l->owd_rest[i] = moved - step * (int64_t)LINK_OWD_TAU_NS;
	l->owd[i] += (uint32_t)(int32_t)step;
	l->owd_at[i] = now;
	owdspan_note_every(&l->owd_base[i], l->owd[i], now, LINK_OWD_BASE_BUCKET_NS);
}

/*
 * Is path i's smoothed one-way delay more than half SLOWPATH_LEAVE_NS above the lowest
 * usable path's base (its delay without a queue)? The peer then takes it for too slow
 * for data (slowpath.h), though this end's RTTs may not say so. The base, not the
 * smoothed delay: the fastest path's queue of the peer's data comes and goes.
 */
static bool far_behind(const struct link *l, unsigned i)
{
	bool any = false;
	uint32_t lowest = 0;

	if (!l->have_owd[i])
		return false;
	for (unsigned j = 0; j < l->conf.npaths; j++) {
		uint32_t base;

		if (!health_usable(&l->health[j]) || !l->have_owd[j])
			continue;
		base = l->owd[j] - owdspan_above_low(&l->owd_base[j], l->owd[j]);
		if (!any || (int32_t)(base - lowest) < 0)
			lowest = base;
		any = true;
	}
	return (int32_t)(l->owd[i] - lowest) > (int32_t)(SLOWPATH_LEAVE_NS / 2 / 1000);
}

/*
 * Can the peer's data come on path i? A usable path's can, except a backup path that
 * stands by here while a normal path is up, or a path too slow for data (slowpath.h,
 * by this end's RTTs or far_behind): the peer, with the same config and about the same
 * delays, sends nothing on it, and waiting for it would add its delay to every packet.
 * Should the peer send data on it all the same (its config differs, or it failed over
 * first, or it judged the delays otherwise), it counts until LINK_STANDBY_DATA_NS after
 * its latest data (latest_rx: the latest frame heard on any path).
 */
static bool carries_peer_data(const struct link *l, unsigned i, uint64_t latest_rx)
{
	if (!health_usable(&l->health[i]))
		return false;
	if (l->sched.up[i] || (!l->conf.path[i].backup && !l->slow[i] && !far_behind(l, i)))
		return true;
	return l->data_rx_at[i] && latest_rx >= l->data_rx_at[i] && latest_rx - l->data_rx_at[i] < LINK_STANDBY_DATA_NS;
}

static uint64_t latest_frame(const struct link *l)
{
	uint64_t latest_rx = 0;

	for (unsigned i = 0; i < l->conf.npaths; i++)
		latest_rx = l->health[i].last_rx > latest_rx ? l->health[i].last_rx : latest_rx;
	return latest_rx;
}

/*
 * Does path i set the delay the others are equalised to? One the peer's data can come on does; so does
 * one that went down less than LINK_EQUALIZE_KEEP_NS ago (against the latest frame
 * heard on any path, the link's clock here): the bond's delay stays what it was
 * through the first 30 s of an outage, because a sender that learnt the lower RTT of
 * the remaining paths (BBR's min RTT) keeps too little in flight when the slow path
 * returns, for up to 10 s.
 */
static bool sets_delay(const struct link *l, unsigned i, uint64_t latest_rx)
{
	const struct health *h = &l->health[i];

	if (!l->have_owd[i])
		return false;
	return carries_peer_data(l, i, latest_rx) || (h->state == PATH_DOWN &&
				    (latest_rx <= h->state_since || latest_rx - h->state_since < LINK_EQUALIZE_KEEP_NS));
}

/*
 * The one-way delay path i sets: its smoothed one, queue and all, while the peer's data
 * can come on it; once it is down, the lowest of the last 10-20 s. The sender learnt
 * the bond's base RTT, without the queues; the queue the path had when it was cut is
 * gone with it, and holding the paths left to it made their RTT as long as with that
 * queue for 30 s (tests/netns/cutqueue.sh: path 1 held 81 ms instead of 20).
 */
static uint32_t delay_set(const struct link *l, unsigned i, uint64_t latest_rx)
{
	if (carries_peer_data(l, i, latest_rx))
		return l->owd[i];
	return l->owd[i] - owdspan_above_low(&l->owd_base[i], l->owd[i]);
}

/*
 * Each usable path's packets wait the difference to the slowest path's one-way delay.
 * While a down path sets it, each frame also waits until its own one-way delay reaches
 * it (owd_floor): the remaining paths' smoothed delays lag their queues, and a frame
 * that came quickly while a drained queue still showed in them went through with no
 * wait. One such frame on path 1 gave a BBR sender an RTT sample of 11 ms, the path
 * alone, against the bond's 30 ms (failover, 50 Mbit/s 5 ms + 50 Mbit/s 25 ms): its
 * window shrank to that RTT's, and after the restore it held the bond to 43 Mbit/s
 * until it probed its RTT again 10 s later.
 */
static void update_equalize(struct link *l)
{
	uint32_t slowest = 0, kept_slowest = 0;
	uint64_t latest_rx = latest_frame(l);
	bool any = false, kept = false;
	unsigned counted = 0;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		uint32_t owd;

		if (!sets_delay(l, i, latest_rx))
			continue;
		counted++;
		owd = delay_set(l, i, latest_rx);
		if (!any || (int32_t)(owd - slowest) > 0)
			slowest = owd;
		any = true;
		if (carries_peer_data(l, i, latest_rx))
			continue;
		if (!kept || (int32_t)(owd - kept_slowest) > 0)
			kept_slowest = owd;
		kept = true;
	}
	/* The down paths' delay only: a remaining path's own smoothed delay would hold back
	 * its frames that come under it, as when its queue drains (CUBIC after a loss): the
	 * stall after a cut grew from 0.11-0.13 s to 0.20-0.21 s with that. */
	l->owd_floor_on = kept && counted > 1 && l->conf.reorder;
	l->owd_floor = kept_slowest;
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		uint64_t extra = 0;

		if (counted > 1 && l->conf.reorder && health_usable(&l->health[i]) && l->have_owd[i])
			extra = (uint64_t)(uint32_t)(slowest - l->owd[i]) * 1000;
		delayline_set_extra(&l->delay, i, extra < LINK_EQUALIZE_MAX_NS ? extra : LINK_EQUALIZE_MAX_NS);
	}
}

/*
 * How long a packet waits for a gap: the spread of the one-way delays (half the smoothed
 * RTTs) of the paths the peer's data can come on, plus twice the largest RTT variation,
 * so that a packet on the slowest path, a little late, still fills its gap. One such
 * path: no reordering.
 */
void link_update_hold(struct link *l)
{
	uint64_t lo = UINT64_MAX, hi = 0, var = 0, reordering = 0, hold = 0, latest_rx = latest_frame(l);
	unsigned usable = 0;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		const struct probe *pr = &l->probe[i];
		uint64_t r = (uint64_t)nack_reordering_us(&l->nack, i, l->now) * 1000;

		if (!carries_peer_data(l, i, latest_rx) || !pr->have_rtt)
			continue;
		usable++;
		lo = pr->srtt / 2 < lo ? pr->srtt / 2 : lo;
		hi = pr->srtt / 2 > hi ? pr->srtt / 2 : hi;
		var = pr->rttvar > var ? pr->rttvar : var;
		reordering = r > reordering ? r : reordering;
	}
	/* A path that reorders delivers up to `reordering` late, and asks for a lost frame that much later. */
	if (usable > 1 && l->conf.reorder)
		hold = hi - lo + 2 * var + 2 * reordering + LINK_REORDER_HOLD_MIN_NS + link_repair_wait(l);
	if (hold > LINK_REORDER_HOLD_MAX_NS)
		hold = LINK_REORDER_HOLD_MAX_NS;
	/* A silent path's frames were asked for (link_repair_outage), or it may have failed: their gaps wait. */
	if (hold < l->outage_hold)
		hold = l->outage_hold;
	reorder_set_hold(&l->reorder, hold > l->suspect_hold ? hold : l->suspect_hold);
	update_equalize(l);
}

/* Opens a sealed frame in place: the replay window is only touched once it proved authentic. */
static bool open_sealed(struct link *l, struct path *p, uint8_t *buf, size_t len, const struct wire_header *h,
			const struct endpoint *from, uint64_t now)
{
	struct session *s = session_for_rx(&l->keying.sessions, h->key_id);
	size_t plain;

	if (!s) {
		l->drop[DROP_NO_SESSION]++;
		return false;
	}
	if (replay_check(&s->replay, h->seq) != REPLAY_OK) {
		l->drop[DROP_REPLAY]++;
		return false;
	}
	if (!seal_open(&s->rx, h->seq, buf, WIRE_HEADER_LEN, len, &plain)) {
		keying_auth_failed(l, p, from, now);
		return false;
	}
	replay_commit(&s->replay, h->seq);
	if (!s->confirmed) {
		s->confirmed = true; /* the peer sent under it, so it holds the keys: we may send too */
		log_info("session %u confirmed by the peer", s->epoch);
	}
	return true;
}

/*
 * A frame of another wire version that looks like netagg's (a version and a type a
 * release could have sent) is most likely a peer that runs another release: the link
 * cannot come up, and only the bad_version counter would say why. Logged once a
 * minute per path, so that no one can flood the log with such frames.
 */
static void warn_version(struct link *l, const struct path *p, const uint8_t *buf, const struct endpoint *from,
			 uint64_t now)
{
	char text[ADDR_TEXT_MAX];
	uint64_t *at = &l->version_warned_at[p->index];

	if (buf[0] == 0 || buf[0] > 16 || buf[1] == 0 || buf[1] > WIRE_TYPE_MAX)
		return;
	if (*at && now - *at < LINK_VERSION_WARN_NS)
		return;
	*at = now;
	log_warnx("path %s: dropping frames of wire version %u from %s; this end speaks version %u: both ends "
		  "must run releases of the same protocol version", p->conf->name, buf[0],
		  addr_format(from, text, sizeof(text)), WIRE_VERSION);
}

/* wire_at: when the kernel received it (path_rx_stamp), 0 if unknown; it times capacity trains. */
static void receive_one(struct link *l, struct path *p, uint8_t *buf, size_t len, const struct endpoint *from,
			uint64_t now, uint64_t wire_at)
{
	struct wire_header h;
	enum wire_error e = len ? wire_decode(buf, len, l->conf.npaths, &h) : WIRE_BAD_LENGTH;
	bool ok;

	/* Paths are listed in the same order on both ends: frames of path i arrive on socket i. */
	if (e == WIRE_OK && h.path_id != p->index)
		e = WIRE_BAD_PATH;
	if (e != WIRE_OK) {
		l->drop[e]++;
		if (e == WIRE_BAD_VERSION)
			warn_version(l, p, buf, from, now);
		return;
	}
	/* On a path with a configured peer, a stranger is turned away before any crypto. */
	if (p->conf->remote.len && !addr_equal(&p->remote, from)) {
		l->drop[DROP_BAD_SOURCE]++;
		return;
	}
	if (h.type == WIRE_HS_INIT)
		ok = keying_on_init(l, p, buf, &h, from, now);
	else if (h.type == WIRE_HS_RESP)
		ok = keying_on_resp(l, p, buf, &h, now);
	else if ((ok = open_sealed(l, p, buf, len, &h, from, now)))
		link_learn_peer(l, p, from, now);
	if (!ok)
		return;
	note_alive(l, p, now);
	p->stats.rx_packets++;
	p->stats.rx_bytes += len;
	link_repair_on_frame(l, p, &h, now);
	if (h.type == WIRE_REPAIR) {
		/* Its stamp is the original frame's: it tells nothing of this path's delay. */
		probe_on_unstamped(&l->probe[p->index], h.path_seq, (uint32_t)len);
		l->data_rx_at[p->index] = now;
		deliver_repair(l, buf + WIRE_HEADER_LEN, h.length, &h, now);
		return;
	}
	probe_on_frame(&l->probe[p->index], h.path_seq, h.timestamp_us, (uint32_t)len, now);
	probe_on_delay(&l->probe[p->index], stamp(now) - h.timestamp_us, now);
	/* Heard while the path proves itself after an outage, a frame may have waited it out (health_times_path). */
	if (health_usable(&l->health[p->index]))
		note_owd(l, p->index, h.timestamp_us, now);
	/* The newest stamp: a frame the path reordered is older (one much older is a peer whose clock restarted). */
	if ((uint32_t)(l->last_stamp[p->index] - h.timestamp_us) - 1u >= NACK_REORDER_MAX_US)
		l->last_stamp[p->index] = h.timestamp_us;
	if (h.type == WIRE_DATA) {
		l->data_rx_at[p->index] = now;
		deliver(l, p->index, buf + WIRE_HEADER_LEN, h.length, &h, now);
	} else if (h.type == WIRE_EXPRESS) {
		l->data_rx_at[p->index] = now;
		deliver_express(l, p->index, buf + WIRE_HEADER_LEN, h.length);
	}
	else if (h.type == WIRE_KEEPALIVE) {
		if (h.flow_seq)
			link_train_frame(l, p, &h, len, wire_at, now);
		/* A train's frames after its first carry the same report: it is taken once. */
		if (h.flow_seq <= 1)
			take_report(l, p, buf + WIRE_HEADER_LEN, h.length, h.timestamp_us, now);
	}
	else if (h.type == WIRE_NACK)
		link_repair_on_nack(l, buf + WIRE_HEADER_LEN, h.length, now);
}

void link_forward_to_tun(struct link *l, unsigned i, uint64_t now)
{
	struct path *p = &l->path[i];
	unsigned n = path_receive(p, &l->rx);

	for (unsigned k = 0; k < n; k++)
		receive_one(l, p, l->rx.buf + k * l->rx.slot, path_rx_len(&l->rx, k), &l->rx.from[k], now,
			    path_rx_stamp(&l->rx, k));
	if (n) {
		nack_due(&l->nack, now);
		link_repair_flush(l, now);
		l->now = now;
		release_lost(l);
	}
}
