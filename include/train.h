/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capacity trains: a few full-size keepalives sent back to back on a path. They leave
 * the path's bottleneck one frame time apart, so their spacing at the far end is the
 * path's rate before any traffic has filled it. weights = "auto" takes them as the
 * paths' line rates (autow_line_rate), and starts from them when no weight was
 * configured (autow_seed).
 */
#ifndef NETAGG_TRAIN_H
#define NETAGG_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#define TRAIN_FRAMES 8                         /* frames per train, numbered 1 .. 8 in flow_seq */
#define TRAIN_SPAN_MAX_NS (500ull * 1000000ull) /* a train spread wider than this tells no rate, */
#define TRAIN_SPAN_MIN_NS (3ull * 1000000ull)   /* nor, timed by reads, one this short: a late read is a */
						/* large part of it (a path up to about 28 Mbit/s) */
#define TRAIN_GAP_SPREAD 2 /* nor, timed by reads, one whose widest gap is more than twice its narrowest */
/*
 * Timed by the kernel as frames come off the wire, a train tells a path up to about 160
 * Mbit/s: shorter gaps are those of a NIC that hands over frames in bunches.
 */
#define TRAIN_WIRE_SPAN_MIN_NS (500ull * 1000ull)
#define TRAIN_WIRE_OFF_LINE 1.0 /* a frame further off the fitted line than this many gaps: no rate */
#define TRAIN_TRIES 5                              /* trains per path when results do not come ... */
#define TRAIN_RETRY_NS (100ull * 1000000ull)       /* ... this long and two of the path's RTTs after the last, */
#define TRAIN_RETRY_NO_RTT_NS (250ull * 1000000ull)  /* or this long without an RTT yet */
#define TRAIN_QUIET_NS (100ull * 1000000ull)        /* nor while data went on the path this recently */

/* The receiving end's measurement of the trains on one path. */
struct train_rx {
	bool active;        /* frames 1 .. frames of a train came in order */
	unsigned frames;
	uint32_t first_seq; /* the path_seq of frame 1 */
	uint64_t first_at;  /* when frame 1 arrived, ns */
	uint64_t last_at;   /* when the latest did */
	uint64_t gap_min, gap_max; /* the narrowest and widest time between two frames in a row */
	uint64_t gap[TRAIN_FRAMES - 1]; /* each of those times, in order */
	uint64_t bytes;     /* datagram bytes of the frames after the first */
	uint32_t result_seq;  /* the latest whole train's first path_seq, */
	uint32_t result_kbps; /* and its rate in kbit/s (0: none yet), reported back */
};

/*
 * Frame `index` (1 .. TRAIN_FRAMES) of a train arrived at `at` (ns; a clock that does not
 * step during a train), with path_seq and len datagram bytes. on_wire: `at` is when the
 * kernel received it (else when it was read). A frame lost or out of order spoils its
 * train, and so does one at the same time as the frame before (read in one batch): their
 * spacing is then the reader's, not the path's. Returns true when it completed one:
 * result_seq and result_kbps are its own.
 */
bool train_on_frame(struct train_rx *t, unsigned index, uint32_t path_seq, uint32_t len, uint64_t at,
		    bool on_wire);

#endif
