/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A link's periodic work: keepalives, path liveness and automatic weights. */
#include "link.h"
#include "log.h"

/*
 * While this end sends data on path i, the time from which its silence counts against
 * the shorter busy limit: the run's start plus a grace for the peer to notice the data
 * and probe faster (a round trip and two probe intervals). 0 when no data went out
 * within half a probe interval before the path's last frame: the peer probes fast for
 * a probe interval after the data it gets, so its next probe was due well inside that,
 * and a sender whose TCP stops after a cut (waiting for acknowledgements that the dead
 * path took) still counts as busy.
 */
static uint64_t busy_since(const struct link *l, unsigned i, uint64_t now, uint64_t probe)
{
	uint64_t grace = (l->probe[i].have_rtt ? l->probe[i].srtt : probe) + 2 * probe / LINK_BUSY_PROBE_DIVISOR;

	(void)now;
	if (!l->data_tx_at[i] || l->data_tx_at[i] + probe / 2 < l->health[i].last_rx)
		return 0;
	return l->data_tx_since[i] + grace;
}

/*
 * Does this end's own data stand in for a fast keepalive on path i? It does while data
 * went out on the path just now, so the peer hears a frame within a tick, and this end
 * sent at least as many bytes on it since the last tick as it received: the peer's
 * reports of that data are what this end's estimates need, its own reports serve
 * the lighter direction, which can do with one per probe interval. A keepalive is 92
 * bytes; 40 a second are 1.2 % of a 2.5 Mbit/s path that the data could have had.
 */
static bool data_speaks_for(const struct link *l, unsigned i, uint64_t now)
{
	const struct path_stats *st = &l->path[i].stats;

	return l->data_tx_at[i] && now - l->data_tx_at[i] <= LINK_DATA_SPEAKS_NS &&
	       st->tx_bytes - l->tick_tx_bytes[i] >= st->rx_bytes - l->tick_rx_bytes[i];
}

/*
 * Keepalives every probe interval, LINK_BUSY_PROBE_DIVISOR times as often on a path the peer
 * sends data on, and more often on one that carries none of ours and loses them.
 */
static void probe_path(struct link *l, unsigned i, uint64_t now, uint64_t probe)
{
	bool busy = l->data_rx_at[i] && now - l->data_rx_at[i] <= probe;
	uint64_t interval = health_keepalive_interval(&l->health[i], busy ? probe / LINK_BUSY_PROBE_DIVISOR : probe,
						      LINK_TICK_NS, probe_loss_peak_ppm(&l->probe[i]), now);
	bool due;

	if (l->next_probe[i] > now + interval)
		l->next_probe[i] = now + interval; /* just became busy: do not wait out the slow interval */
	/* The slack keeps a tick that comes a little early from pushing the probe a whole tick later. */
	due = now + LINK_PROBE_SLACK_NS >= l->next_probe[i];
	/*
	 * The next one counts from when this one was due, not from a tick that ran late: counted
	 * from the tick, one late by over the slack pushes the next a whole tick later (75 ms
	 * would become 100), and an idle lossy path needs its keepalives on time. Not sooner than half
	 * an interval from now, after a long-late tick.
	 */
	if (due)
		l->next_probe[i] = l->next_probe[i] + interval > now + interval / 2 ? l->next_probe[i] + interval
										   : now + interval;
	if (due && busy && now + LINK_PROBE_SLACK_NS < l->next_report[i] && data_speaks_for(l, i, now)) {
		l->keepalives_spared[i]++;
		due = false;
	}
	l->tick_tx_bytes[i] = l->path[i].stats.tx_bytes;
	l->tick_rx_bytes[i] = l->path[i].stats.rx_bytes;
	/* Down paths keep sending keepalives: that is how the peer learns they healed. */
	if (due)
		link_send_keepalive(l, &l->path[i], now);
	link_train_tick(l, i, now);
	link_catch_up_slow_log(l, i, now);
}

/* weights = "auto": the scheduler's weights follow what the probes measure. */
static void auto_weights(struct link *l, uint64_t now)
{
	struct autow_sample s[WIRE_MAX_PATHS];
	uint32_t w[WIRE_MAX_PATHS];
	uint64_t span_us;

	if (!autow_due(&l->autow, now))
		return;
	span_us = (now - l->autow_mark_at) / 1000;
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		struct probe *pr = &l->probe[i];
		struct probe_take take;

		s[i] = (struct autow_sample){
			.usable = health_usable(&l->health[i]) && pr->have_rtt,
			.rate_bps = pr->rate_bps,
			/* less the peer's queue: a thin uplink full of the ACKs is no full path this way */
			.srtt_ns = pr->forward_srtt,
			.min_rtt_ns = pr->min_rtt,
			.rttvar_ns = pr->rttvar,
			.loss_ppm = probe_loss_ppm(pr),
		};
		s[i].have_queue = probe_take_queue(pr, &take);
		s[i].queue_ns = take.queue_ns;
		s[i].queue_rate_bps = take.rate_bps;
		s[i].have_queue_loss = take.have_loss;
		s[i].queue_loss_ppm = take.loss_ppm;
		s[i].sent_bps = span_us ? (l->data_tx_bytes[i] - l->autow_data_mark[i]) * 8 * 1000000ull / span_us : 0;
		l->autow_data_mark[i] = l->data_tx_bytes[i];
	}
	l->autow_mark_at = now;
	if (!autow_update(&l->autow, s, now, w))
		return;
	for (unsigned i = 0; i < l->conf.npaths; i++)
		if (w[i] != l->sched.weight[i])
			sched_set_weight(&l->sched, i, w[i]);
}

/*
 * The usable path other than i that best shows the peer alive while i is quiet: one
 * that has not paused since i's last frame, else the latest heard; NULL if none. *skew:
 * how much later i's frames arrive than its frames, by the one-way delays.
 */
static const struct health *witness(const struct link *l, unsigned i, uint64_t *skew)
{
	int best = -1;

	for (unsigned j = 0; j < l->conf.npaths; j++) {
		const struct health *h = &l->health[j];
		bool steady = h->long_gap_end <= l->health[i].last_rx;

		if (j == i || !health_usable(h))
			continue;
		if (best < 0 || (steady && l->health[best].long_gap_end > l->health[i].last_rx) ||
		    (steady == (l->health[best].long_gap_end <= l->health[i].last_rx) && h->last_rx > l->health[best].last_rx))
			best = (int)j;
	}
	*skew = 0;
	if (best < 0)
		return NULL;
	if (l->have_owd[i] && l->have_owd[best] && (int32_t)(l->owd[i] - l->owd[best]) > 0)
		*skew = (uint64_t)(uint32_t)(l->owd[i] - l->owd[best]) * 1000;
	return &l->health[best];
}

/*
 * Checked at every tick and before the reorder buffer gives up a gap at its deadline:
 * a busy path can fall quiet and the deadline pass between two ticks.
 */
void link_update_suspicion(struct link *l, uint64_t now)
{
	uint64_t suspect = 0;
	bool changed = false;

	l->suspect_paths = 0;
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		uint64_t probe = LINK_PROBE_NS(l, i), skew, hold;

		(void)witness(l, i, &skew);
		hold = link_repair_suspect_hold(l, i, now, busy_since(l, i, now, probe), skew);
		suspect = hold > suspect ? hold : suspect;
		l->suspect_paths |= (hold != 0) << i;
	}
	if (l->outage_hold && now >= l->outage_until) {
		l->outage_hold = 0;
		changed = true;
	}
	if (suspect != l->suspect_hold || changed) {
		l->suspect_hold = suspect;
		link_update_hold(l);
	}
}

void link_tick(struct link *l, uint64_t now)
{
	keying_tick(l, now);
	if (l->outage_again)
		link_repair_outage_again(l, now);
	if (l->conf.auto_weights)
		auto_weights(l, now);
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		struct path *p = &l->path[i];
		uint64_t probe = LINK_PROBE_NS(l, i), busy = busy_since(l, i, now, probe);

		uint64_t skew;
		const struct health *other = witness(l, i, &skew);

		if (health_tick(&l->health[i], now, busy, other, skew)) {
			link_schedule(l);
			log_warnx("path %s: down, nothing heard for %llu ms%s (failure %llu; back after %llu ms heard)",
				  p->conf->name,
				  (unsigned long long)((now - l->health[i].last_rx) / 1000000),
				  busy ? " while sending data" : "", (unsigned long long)l->health[i].flaps,
				  (unsigned long long)(l->health[i].hold / 1000000));
			link_repair_outage(l, i, now);
		}
		probe_path(l, i, now, probe);
	}
	link_update_suspicion(l, now);
	link_note_full(l, now);
}
