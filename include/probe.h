/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-path measurements from keepalive reports: round-trip time, loss and the rate the peer receives at. */
#ifndef NETAGG_PROBE_H
#define NETAGG_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

/*
 * Each end reports, in every keepalive on a path, what it heard on that path (see
 * struct wire_probe). The other end turns successive reports into estimates. All
 * times are nanoseconds on the caller's monotonic clock; stamps are its
 * microseconds modulo 2^32, as in the wire header.
 */
struct probe {
	/* What this end heard from the peer on the path: reported back. */
	bool heard;
	uint32_t heard_stamp_us; /* timestamp_us of the last frame heard */
	uint64_t heard_at;
	uint32_t rx_frames, rx_bytes, rx_highest_seq;

	/* The peer's previous report, for differences. */
	bool have_report;
	struct wire_probe last;
	uint32_t last_stamp_us; /* the peer's send stamp of that report */

	/* Estimates. */
	bool have_rtt;
	uint64_t srtt, rttvar, min_rtt; /* ns; RFC 6298 smoothing */
	int64_t lost_acc, sent_acc;     /* decayed sums (x256): loss = lost/sent */
	uint64_t rate_bps;              /* bits per second the peer receives on the path, smoothed */
	bool have_rate_mark;
	uint32_t rate_mark_stamp_us, rate_mark_bytes; /* the report the next rate sample is measured from */
	uint64_t lost_total;            /* frames the peer never heard, as far as reports tell */
};

void probe_init(struct probe *pr);

/* An authentic frame of `len` datagram bytes arrived on the path at `now`. */
void probe_on_frame(struct probe *pr, uint32_t path_seq, uint32_t stamp_us, uint32_t len, uint64_t now);

/* An authentic frame whose stamp is not its sending time (a resent one): counted for loss and rate, no echo. */
void probe_on_unstamped(struct probe *pr, uint32_t path_seq, uint32_t len);

/* The report to send in a keepalive at `now`. */
void probe_report(const struct probe *pr, uint64_t now, struct wire_probe *out);

/* The peer's report arrived at `now` in a keepalive stamped `stamp_us` by the peer; `now_stamp_us` is this
 * end's stamp for `now` (the one it puts in headers). */
void probe_on_report(struct probe *pr, const struct wire_probe *rep, uint32_t stamp_us, uint32_t now_stamp_us);

/* Starts the loss estimate afresh (a path that just came back). */
void probe_forget_loss(struct probe *pr);

/* Loss as parts per million of the frames sent, over roughly the last 8 reports' worth of traffic. */
uint32_t probe_loss_ppm(const struct probe *pr);

#endif
