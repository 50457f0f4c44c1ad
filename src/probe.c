/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Turns keepalive reports into round-trip time, loss and receive-rate estimates; no clock of its own. */
#include "probe.h"

#include <string.h>

#define RTT_MAX_NS (10ull * 1000000000ull) /* a longer echo is a stale or bogus one */
#define DECAY_SHIFT 3                       /* loss sums keep 7/8 per report: ~8 reports of memory */
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

void probe_report(const struct probe *pr, uint64_t now, struct wire_probe *out)
{
	uint64_t hold = now > pr->heard_at ? (now - pr->heard_at) / 1000 : 0;

	out->echo_timestamp_us = pr->heard_stamp_us;
	/* A frame held for over an hour is no echo: the field would be ambiguous. */
	out->echo_hold_us = pr->heard && hold < WIRE_PROBE_NO_ECHO ? (uint32_t)hold : WIRE_PROBE_NO_ECHO;
	out->rx_frames = pr->rx_frames;
	out->rx_bytes = pr->rx_bytes;
	out->rx_highest_seq = pr->rx_highest_seq;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* RFC 6298: srtt += (r - srtt)/8, rttvar += (|srtt - r| - rttvar)/4. */
static void rtt_sample(struct probe *pr, uint64_t r)
{
	if (!pr->have_rtt) {
		pr->srtt = r;
		pr->rttvar = r / 2;
		pr->min_rtt = r;
		pr->have_rtt = true;
		return;
	}
	pr->rttvar = pr->rttvar - pr->rttvar / 4 + absdiff(pr->srtt, r) / 4;
	pr->srtt = pr->srtt - pr->srtt / 8 + r / 8;
	if (r < pr->min_rtt)
		pr->min_rtt = r;
}

static void echo_sample(struct probe *pr, const struct wire_probe *rep, uint32_t now_stamp_us)
{
	uint32_t elapsed;

	if (rep->echo_hold_us == WIRE_PROBE_NO_ECHO)
		return;
	/* Both stamps are ours: the echoed one was put in a frame by this end. */
	elapsed = now_stamp_us - rep->echo_timestamp_us;
	if (rep->echo_hold_us > elapsed)
		return; /* the peer held it longer than it has been away: not one of ours */
	elapsed -= rep->echo_hold_us;
	if ((uint64_t)elapsed * 1000 <= RTT_MAX_NS)
		rtt_sample(pr, (uint64_t)elapsed * 1000);
}

/* Frames the peer should have heard since the last report vs. those it did; negative when late
 * frames from the previous interval arrived, which evens out over the decayed sums. */
static void loss_sample(struct probe *pr, const struct wire_probe *rep)
{
	int64_t sent = diff32(rep->rx_highest_seq, pr->last.rx_highest_seq);
	int64_t heard = diff32(rep->rx_frames, pr->last.rx_frames);

	if (sent < 0 || heard < 0)
		return; /* an older report overtaken by a newer one */
	pr->sent_acc += sent * 256 - (pr->sent_acc >> DECAY_SHIFT);
	pr->lost_acc += (sent - heard) * 256 - (pr->lost_acc >> DECAY_SHIFT);
	if (sent > heard)
		pr->lost_total += (uint64_t)(sent - heard);
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

void probe_on_report(struct probe *pr, const struct wire_probe *rep, uint32_t stamp_us, uint32_t now_stamp_us)
{
	echo_sample(pr, rep, now_stamp_us);
	if (pr->have_report && diff32(stamp_us, pr->last_stamp_us) <= 0)
		return; /* reordered behind a newer report: its counters are stale */
	if (pr->have_report)
		loss_sample(pr, rep);
	rate_sample(pr, rep, stamp_us);
	pr->last = *rep;
	pr->last_stamp_us = stamp_us;
	pr->have_report = true;
}

uint32_t probe_loss_ppm(const struct probe *pr)
{
	if (pr->sent_acc <= 0 || pr->lost_acc <= 0)
		return 0;
	if (pr->lost_acc >= pr->sent_acc)
		return 1000000;
	return (uint32_t)(pr->lost_acc * 1000000 / pr->sent_acc);
}

void probe_forget_loss(struct probe *pr)
{
	pr->lost_acc = 0;
	pr->sent_acc = 0;
}
