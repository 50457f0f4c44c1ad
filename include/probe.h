/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-path measurements from keepalive reports: round-trip time, loss and the rate the peer receives at. */
#ifndef NETAGG_PROBE_H
#define NETAGG_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "owdspan.h"
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
	struct owdspan owd_low;     /* the one-way delays of its stamped frames over 10-20 s: the base */
	bool queue_heard;           /* a stamped frame came since the last report ... */
	uint32_t queue_us;          /* ... and the least one-way delay above the base among them */

	/* The peer's previous report, for differences. */
	bool have_report;
	struct wire_probe last;
	uint32_t last_stamp_us; /* the peer's send stamp of that report */

	/* Estimates. */
	bool have_rtt;
	uint64_t srtt, rttvar, min_rtt; /* ns; RFC 6298 smoothing; min_rtt: see probe_on_report */
	uint64_t forward_srtt;          /* ns; srtt's smoothing of the samples less their reports' queue */
	int64_t lost_acc, sent_acc;     /* decayed sums (x256): loss = lost/sent */
	uint32_t loss_peak_ppm;         /* probe_loss_peak_ppm */
	bool loss_rebase;               /* the next report only sets the base for loss (probe_forget_loss) */
	uint64_t rate_bps;              /* bits per second the peer receives on the path, smoothed */
	bool have_rate_mark;
	uint32_t rate_mark_stamp_us, rate_mark_bytes; /* the report the next rate sample is measured from */
	uint64_t lost_total;            /* frames the peer never heard, as far as reports tell */

	/* How loaded the path was between reports, both ways, to tell RTT samples without a queue. */
	uint32_t report_at_us;      /* this end's stamp when the last in-order report came */
	uint32_t rx_at_report;      /* rx_bytes then */
	uint32_t rx_rate_mark_us, rx_rate_mark; /* this end's stamp and rx_bytes at the rx rate mark */
	uint64_t rx_rate_bps;       /* bits per second this end receives on the path, smoothed like rate_bps */
	uint64_t peak_tx_bps, peak_rx_bps; /* the highest rate_bps and rx_rate_bps so far */
	unsigned quiet_run;         /* in-order reports in a row whose interval was quiet */
	/* The lowest RTT sampled after quiet intervals in the current epoch (see probe_on_report). */
	bool quiet_epoch_started;
	uint32_t quiet_epoch_us;    /* this end's stamp when the epoch began */
	uint64_t quiet_min;         /* ns; 0: no such sample yet */
	unsigned quiet_samples;
	uint64_t min_rtt_raised;    /* times min_rtt rose to a longer base RTT */

	/* The standing queue the peer reports on the path (see probe_on_delay). */
	bool have_queue;            /* a report told one */
	uint32_t queue_reported_us; /* the latest report's */
	bool queue_pending;         /* one came since probe_take_queue ... */
	uint32_t queue_least_us;    /* ... and the least of them */
	bool have_take_mark;        /* the latest report when probe_take_queue last looked: */
	uint32_t take_mark_stamp_us, take_mark_bytes; /* the peer's stamp and rx_bytes then, */
	uint32_t take_mark_frames, take_mark_seq;     /* and its rx_frames and rx_highest_seq */
};

/* What the reports since the last probe_take_queue tell (see there). */
struct probe_take {
	uint64_t queue_ns; /* the least standing queue */
	uint64_t rate_bps; /* the rate received at; 0: unknown */
	bool have_loss;
	uint32_t loss_ppm; /* frames lost among those sent over the same reports */
};

/* Quiet: both ways under this share of the path's highest rate so far, or under the floor. */
#define PROBE_QUIET_SHARE 16
#define PROBE_QUIET_FLOOR_BPS 64000u
#define PROBE_QUIET_EPOCH_US 10000000u /* min_rtt may rise once per epoch ... */
#define PROBE_QUIET_SAMPLES 5          /* ... on at least this many quiet RTT samples in it */

void probe_init(struct probe *pr);

/* An authentic frame of `len` datagram bytes arrived on the path at `now`. */
void probe_on_frame(struct probe *pr, uint32_t path_seq, uint32_t stamp_us, uint32_t len, uint64_t now);

/* An authentic frame whose stamp is not its sending time (a resent one): counted for loss and rate, no echo. */
void probe_on_unstamped(struct probe *pr, uint32_t path_seq, uint32_t len);

#define PROBE_OWD_BASE_NS (10ull * 1000000000ull) /* owd_low's buckets: the base is the least of 10-20 s */

/*
 * A stamped frame (not a resend) came at `now` with this one-way delay: this end's stamp
 * minus the peer's, in us, the clocks' offset included. The least of these above their
 * base between two reports is the path's standing queue (as CoDel takes the least
 * sojourn time over an interval): the queue that did not drain while frames came. A
 * path whose delay only jitters has frames near its base in every interval; a path
 * that holds a queue has none. Reported in queue_us.
 */
void probe_on_delay(struct probe *pr, uint32_t owd_us, uint64_t now);

/* The report to send in a keepalive at `now`; the next report's standing queue starts afresh. */
void probe_report(struct probe *pr, uint64_t now, struct wire_probe *out);

/*
 * The least standing queue the peer reported on the path since the last call, in ns,
 * and over the same reports the rate the peer received at (bits per second,
 * unsmoothed) and the loss, unless they span under PROBE_TAKE_MIN_US of the peer's
 * clock or PROBE_TAKE_MIN_FRAMES frames sent. False when no report told a queue (an
 * idle path, or no report came). While the queue never drained, the path never idled:
 * that rate is its capacity. The loss is what goes on now; probe_loss_ppm's decayed
 * one still shows a burst for a second after it.
 */
bool probe_take_queue(struct probe *pr, struct probe_take *take);
#define PROBE_TAKE_MIN_US 50000u
#define PROBE_TAKE_MIN_FRAMES 16u

/*
 * The peer's report arrived at `now` in a keepalive stamped `stamp_us` by the peer; `now_stamp_us` is this
 * end's stamp for `now` (the one it puts in headers).
 *
 * min_rtt, the path's base RTT (what a path with no queue takes), falls with any lower
 * sample. It rises when the route got longer: at the end of each PROBE_QUIET_EPOCH_US,
 * to the lowest RTT sampled in that epoch after quiet intervals, if there were at least
 * PROBE_QUIET_SAMPLES of them and it is higher. An interval between two in-order reports
 * is quiet when both ways the path carried less than 1/PROBE_QUIET_SHARE of its highest
 * rate so far (or less than PROBE_QUIET_FLOOR_BPS), and a sample counts only after two
 * quiet intervals in a row, so that a queue had time to drain. A path kept busy, whose
 * queue may never empty, keeps its lowest RTT: a standing queue must not pass for base RTT.
 */
void probe_on_report(struct probe *pr, const struct wire_probe *rep, uint32_t stamp_us, uint32_t now_stamp_us,
		     uint64_t reverse_queue_ns);

/*
 * An RTT sample without the queue its report waited in on the way here
 * (reverse_queue_ns, the report's one-way delay above the path's low), never below
 * the base: the round trip this end's own frames make. probe_on_report smooths it
 * into forward_srtt like srtt, sample by sample: the report that closes a round trip
 * is the one that tells its way back, so the two never lag each other. A thin uplink
 * that a download's acknowledgements fill would otherwise make the download's path
 * look full to the sender.
 */
uint64_t probe_forward_rtt(uint64_t rtt_ns, uint64_t min_rtt_ns, uint64_t reverse_queue_ns);

/*
 * Starts the loss estimate afresh (a path that just came back). The next report only
 * sets the base: the frames it counts since the one before were sent into the outage.
 */
void probe_forget_loss(struct probe *pr);

/* Loss as parts per million of the frames sent, over roughly the last 8 reports' worth of traffic. */
uint32_t probe_loss_ppm(const struct probe *pr);
/*
 * The highest of those lately: it follows a rise at once and falls by 1/64 a report
 * (from 30 % to 6 % in about 100 reports: 10 s of an idle path's, 2.5 s where the peer
 * speeds up its own keepalives, and so its reports, for loss). An idle path's estimate
 * rests on a few keepalives, and the keepalives' pace must not drop each time a few of
 * them pass (health_keepalive_interval).
 */
uint32_t probe_loss_peak_ppm(const struct probe *pr);

#endif
