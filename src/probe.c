/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Turns keepalive reports into round-trip time, loss and receive-rate estimates; no clock of its own. */
#include "probe.h"

#include <string.h>

#define RTT_MAX_NS (10ull * 1000000000ull) /* a longer echo is a stale or bogus one */
#define DECAY_SHIFT 3                       /* loss sums keep 7/8 per report: ~8 reports of memory */
#define PEAK_DECAY_SHIFT 6                  /* the loss peak keeps 63/64 per report */
#define RATE_GAP_MAX_US (5u * 1000000u)     /* reports further apart than this tell no current rate */
/* Samples span at least this: a busy path reports every 25 ms, or every probe interval (100 ms by
 * default, less a tick's slack) while the reporter's own data shows the path alive. */
#define RATE_GAP_MIN_US 90000u

void probe_init(struct probe *pr)
{
	memset(pr, 0, sizeof(*pr));
}

/* a - b for 32-bit counters that wrap: positive when a is ahead. */
static int32_t diff32(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

void probe_on_unstamped(struct probe *pr, uint32_t path_seq, uint32_t len)
{
	if (!pr->rx_frames && !pr->heard)
		pr->rx_highest_seq = path_seq;
	else if (diff32(path_seq, pr->rx_highest_seq) > 0)
		pr->rx_highest_seq = path_seq;
	pr->rx_frames++;
	pr->rx_bytes += len;
}

void probe_on_frame(struct probe *pr, uint32_t path_seq, uint32_t stamp_us, uint32_t len, uint64_t now)
{
	probe_on_unstamped(pr, path_seq, len);
	pr->heard = true;
	pr->heard_stamp_us = stamp_us;
	pr->heard_at = now;
}

void probe_on_delay(struct probe *pr, uint32_t owd_us, uint64_t now)
{
	uint32_t above;

	owdspan_note_every(&pr->owd_low, owd_us, now, PROBE_OWD_BASE_NS);
	above = owdspan_above_low(&pr->owd_low, owd_us);
	if (!pr->queue_heard || above < pr->queue_us)
		pr->queue_us = above;
	pr->queue_heard = true;
}

void probe_report(struct probe *pr, uint64_t now, struct wire_probe *out)
{
	uint64_t hold = now > pr->heard_at ? (now - pr->heard_at) / 1000 : 0;

	out->echo_timestamp_us = pr->heard_stamp_us;
	/* A frame held for over an hour is no echo: the field would be ambiguous. */
	out->echo_hold_us = pr->heard && hold < WIRE_PROBE_NO_ECHO ? (uint32_t)hold : WIRE_PROBE_NO_ECHO;
	out->rx_frames = pr->rx_frames;
	out->rx_bytes = pr->rx_bytes;
	out->rx_highest_seq = pr->rx_highest_seq;
	/* Never the marker by accident: a queue that long would be no path's. */
	out->queue_us = !pr->queue_heard ? WIRE_PROBE_NO_QUEUE
		      : pr->queue_us < WIRE_PROBE_NO_QUEUE ? pr->queue_us : WIRE_PROBE_NO_QUEUE - 1;
	pr->queue_heard = false;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

uint64_t probe_forward_rtt(uint64_t rtt_ns, uint64_t min_rtt_ns, uint64_t reverse_queue_ns)
{
	if (rtt_ns <= min_rtt_ns)
		return rtt_ns;
	return rtt_ns - (reverse_queue_ns < rtt_ns - min_rtt_ns ? reverse_queue_ns : rtt_ns - min_rtt_ns);
}

/* RFC 6298: srtt += (r - srtt)/8, rttvar += (|srtt - r| - rttvar)/4. */
static void rtt_sample(struct probe *pr, uint64_t r, uint64_t reverse_queue_ns)
{
	uint64_t forward;

	if (!pr->have_rtt) {
		pr->srtt = r;
		pr->forward_srtt = r;
		pr->rttvar = r / 2;
		pr->min_rtt = r;
		pr->have_rtt = true;
		return;
	}
	pr->rttvar = pr->rttvar - pr->rttvar / 4 + absdiff(pr->srtt, r) / 4;
	pr->srtt = pr->srtt - pr->srtt / 8 + r / 8;
	if (r < pr->min_rtt)
		pr->min_rtt = r;
	forward = probe_forward_rtt(r, pr->min_rtt, reverse_queue_ns);
	pr->forward_srtt = pr->forward_srtt - pr->forward_srtt / 8 + forward / 8;
}

/* The round trip the report's echo tells, in ns; false when it tells none. */
static bool echo_rtt(const struct wire_probe *rep, uint32_t now_stamp_us, uint64_t *rtt)
{
	uint32_t elapsed;

	if (rep->echo_hold_us == WIRE_PROBE_NO_ECHO)
		return false;
	/* Both stamps are ours: the echoed one was put in a frame by this end. */
	elapsed = now_stamp_us - rep->echo_timestamp_us;
	if (rep->echo_hold_us > elapsed)
		return false; /* the peer held it longer than it has been away: not one of ours */
	elapsed -= rep->echo_hold_us;
	*rtt = (uint64_t)elapsed * 1000;
	return *rtt <= RTT_MAX_NS;
}

/* Frames the peer should have heard since the last report vs. those it did; negative when late
 * frames from the previous interval arrived, which evens out over the decayed sums. */
static void loss_sample(struct probe *pr, const struct wire_probe *rep)
{
	int64_t sent = diff32(rep->rx_highest_seq, pr->last.rx_highest_seq);
	int64_t heard = diff32(rep->rx_frames, pr->last.rx_frames);
	uint32_t now_ppm;

	if (sent < 0 || heard < 0)
		return; /* an older report overtaken by a newer one */
	pr->sent_acc += sent * 256 - (pr->sent_acc >> DECAY_SHIFT);
	pr->lost_acc += (sent - heard) * 256 - (pr->lost_acc >> DECAY_SHIFT);
	if (sent > heard)
		pr->lost_total += (uint64_t)(sent - heard);
	now_ppm = probe_loss_ppm(pr);
	pr->loss_peak_ppm -= pr->loss_peak_ppm >> PEAK_DECAY_SHIFT;
	if (now_ppm > pr->loss_peak_ppm)
		pr->loss_peak_ppm = now_ppm;
}

static void rate_sample(struct probe *pr, const struct wire_probe *rep, uint32_t stamp_us)
{
	uint32_t gap = stamp_us - pr->rate_mark_stamp_us;
	uint64_t bytes = (uint32_t)(rep->rx_bytes - pr->rate_mark_bytes);
	uint64_t bps;

	if (pr->have_rate_mark && gap < RATE_GAP_MIN_US)
		return;
	if (pr->have_rate_mark && gap <= RATE_GAP_MAX_US) {
		bps = bytes * 8 * 1000000 / gap;
		pr->rate_bps = pr->rate_bps ? pr->rate_bps - pr->rate_bps / 4 + bps / 4 : bps;
	}
	pr->have_rate_mark = true;
	pr->rate_mark_stamp_us = stamp_us;
	pr->rate_mark_bytes = rep->rx_bytes;
}

/* The rate this end receives at on the path, sampled on its own clock at the peer's reports. */
static void rx_rate_sample(struct probe *pr, uint32_t now_stamp_us)
{
	uint32_t gap = now_stamp_us - pr->rx_rate_mark_us;
	uint64_t bps;

	if (pr->have_report && gap < RATE_GAP_MIN_US)
		return;
	if (pr->have_report && gap <= RATE_GAP_MAX_US) {
		bps = (uint64_t)(uint32_t)(pr->rx_bytes - pr->rx_rate_mark) * 8 * 1000000 / gap;
		pr->rx_rate_bps = pr->rx_rate_bps ? pr->rx_rate_bps - pr->rx_rate_bps / 4 + bps / 4 : bps;
	}
	pr->rx_rate_mark_us = now_stamp_us;
	pr->rx_rate_mark = pr->rx_bytes;
}

static bool below(uint64_t bytes, uint32_t gap_us, uint64_t peak_bps)
{
	uint64_t limit = peak_bps / PROBE_QUIET_SHARE > PROBE_QUIET_FLOOR_BPS ? peak_bps / PROBE_QUIET_SHARE
									     : PROBE_QUIET_FLOOR_BPS;

	return bytes * 8 * 1000000 <= limit * gap_us;
}

/* Did the path carry little both ways since the last in-order report? */
static bool quiet_interval(const struct probe *pr, const struct wire_probe *rep, uint32_t now_stamp_us)
{
	uint32_t gap = now_stamp_us - pr->report_at_us;

	if (!pr->have_report || gap == 0 || gap > RATE_GAP_MAX_US)
		return false;
	return below((uint32_t)(rep->rx_bytes - pr->last.rx_bytes), gap, pr->peak_tx_bps) &&
	       below((uint32_t)(pr->rx_bytes - pr->rx_at_report), gap, pr->peak_rx_bps);
}

/* The epoch's lowest quiet RTT becomes the base RTT if the route got longer; then a new epoch. */
static void quiet_epoch(struct probe *pr, uint32_t now_stamp_us)
{
	if (pr->quiet_epoch_started && now_stamp_us - pr->quiet_epoch_us < PROBE_QUIET_EPOCH_US)
		return;
	if (pr->quiet_samples >= PROBE_QUIET_SAMPLES && pr->quiet_min > pr->min_rtt) {
		pr->min_rtt = pr->quiet_min;
		pr->min_rtt_raised++;
	}
	pr->quiet_epoch_started = true;
	pr->quiet_epoch_us = now_stamp_us;
	pr->quiet_min = 0;
	pr->quiet_samples = 0;
}

void probe_on_report(struct probe *pr, const struct wire_probe *rep, uint32_t stamp_us, uint32_t now_stamp_us,
		     uint64_t reverse_queue_ns)
{
	bool fresh = !pr->have_report || diff32(stamp_us, pr->last_stamp_us) > 0;
	uint64_t rtt;

	if (fresh)
		pr->quiet_run = quiet_interval(pr, rep, now_stamp_us) ? pr->quiet_run + 1 : 0;
	if (echo_rtt(rep, now_stamp_us, &rtt)) {
		rtt_sample(pr, rtt, reverse_queue_ns);
		if (fresh && pr->quiet_run >= 2) {
			pr->quiet_min = pr->quiet_samples && pr->quiet_min < rtt ? pr->quiet_min : rtt;
			pr->quiet_samples++;
		}
	}
	if (pr->have_rtt)
		quiet_epoch(pr, now_stamp_us);
	if (!fresh)
		return; /* reordered behind a newer report: its counters are stale */
	if (rep->queue_us != WIRE_PROBE_NO_QUEUE) {
		pr->have_queue = true;
		pr->queue_reported_us = rep->queue_us;
		if (!pr->queue_pending || rep->queue_us < pr->queue_least_us)
			pr->queue_least_us = rep->queue_us;
		pr->queue_pending = true;
	}
	if (pr->have_report && !pr->loss_rebase)
		loss_sample(pr, rep);
	pr->loss_rebase = false;
	rate_sample(pr, rep, stamp_us);
	rx_rate_sample(pr, now_stamp_us);
	pr->peak_tx_bps = pr->rate_bps > pr->peak_tx_bps ? pr->rate_bps : pr->peak_tx_bps;
	pr->peak_rx_bps = pr->rx_rate_bps > pr->peak_rx_bps ? pr->rx_rate_bps : pr->peak_rx_bps;
	pr->report_at_us = now_stamp_us;
	pr->rx_at_report = pr->rx_bytes;
	pr->last = *rep;
	pr->last_stamp_us = stamp_us;
	pr->have_report = true;
}

bool probe_take_queue(struct probe *pr, struct probe_take *take)
{
	bool pending = pr->queue_pending;
	uint32_t span = pr->last_stamp_us - pr->take_mark_stamp_us;
	bool measured = pending && pr->have_take_mark && span >= PROBE_TAKE_MIN_US && span <= RATE_GAP_MAX_US;
	int64_t sent = diff32(pr->last.rx_highest_seq, pr->take_mark_seq);
	int64_t heard = diff32(pr->last.rx_frames, pr->take_mark_frames);

	*take = (struct probe_take){ .queue_ns = (uint64_t)pr->queue_least_us * 1000 };
	if (measured)
		take->rate_bps = (uint64_t)(uint32_t)(pr->last.rx_bytes - pr->take_mark_bytes) * 8 * 1000000 / span;
	if (measured && sent >= PROBE_TAKE_MIN_FRAMES && heard >= 0) {
		take->have_loss = true;
		/* Late frames of the span before can make heard exceed sent: no loss. */
		take->loss_ppm = heard >= sent ? 0 : (uint32_t)((sent - heard) * 1000000 / sent);
	}
	pr->queue_pending = false;
	if (pr->have_report) {
		pr->have_take_mark = true;
		pr->take_mark_stamp_us = pr->last_stamp_us;
		pr->take_mark_bytes = pr->last.rx_bytes;
		pr->take_mark_frames = pr->last.rx_frames;
		pr->take_mark_seq = pr->last.rx_highest_seq;
	}
	return pending;
}

uint32_t probe_loss_ppm(const struct probe *pr)
{
	if (pr->sent_acc <= 0 || pr->lost_acc <= 0)
		return 0;
	if (pr->lost_acc >= pr->sent_acc)
		return 1000000;
	return (uint32_t)(pr->lost_acc * 1000000 / pr->sent_acc);
}

uint32_t probe_loss_peak_ppm(const struct probe *pr)
{
	return pr->loss_peak_ppm;
}

void probe_forget_loss(struct probe *pr)
{
	pr->lost_acc = 0;
	pr->sent_acc = 0;
	pr->loss_peak_ppm = 0;
	pr->loss_rebase = true;
	pr->have_take_mark = false; /* nor is the span over the outage measured */
}
