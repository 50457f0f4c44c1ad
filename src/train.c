/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capacity trains, the receiving end: their spacing is the path's bottleneck rate. No I/O. */

#include "train.h"

/*
 * Timed by reads: the whole train's span, and only from a train read evenly. A read a
 * fraction of a millisecond late is a large part of a short train: at 50 Mbit/s (1.7 ms)
 * two equal paths read 77:23. Such a path keeps the configured start.
 */
static uint64_t read_time_gap(const struct train_rx *t, uint64_t span)
{
	if (span < TRAIN_SPAN_MIN_NS)
		return 0;
	/*
	 * The bottleneck spaces the frames evenly; a read that came late (the daemon busy)
	 * widens one gap, and the train then reads slower than the path: a 50 Mbit/s path
	 * read as a few Mbit/s got 5 % of a transfer that made 52 Mbit/s of 92.
	 */
	if (t->gap_max > TRAIN_GAP_SPREAD * t->gap_min)
		return 0;
	return span / (TRAIN_FRAMES - 1);
}

/*
 * Timed on the wire: the slope of the line fitted (least squares) to the frames' times.
 * Whatever released the frames (a shaper's timer, a NIC's interrupts) holds some back a
 * little: of 22 trains at 80 Mbit/s through the test bed's emulator, 20 had a gap under
 * 65 us where the path spaced frames 151 us apart, so no one gap can be trusted. A frame
 * more than a gap off the fitted line was released late by more than what is measured:
 * such a train tells no rate. The fit read 134-156 us from the 18 of the 22 that pass;
 * of the 4 that did not, two were held back over a millisecond, and the fit read 235
 * and 333 us from them.
 */
static uint64_t wire_time_gap(const struct train_rx *t, uint64_t span)
{
	double at[TRAIN_FRAMES], mean_at = 0, mean_k = (TRAIN_FRAMES - 1) / 2.0, cov = 0, var = 0, gap, off;

	if (span < TRAIN_WIRE_SPAN_MIN_NS)
		return 0;
	at[0] = 0;
	for (unsigned k = 1; k < TRAIN_FRAMES; k++)
		at[k] = at[k - 1] + (double)t->gap[k - 1];
	for (unsigned k = 0; k < TRAIN_FRAMES; k++)
		mean_at += at[k] / TRAIN_FRAMES;
	for (unsigned k = 0; k < TRAIN_FRAMES; k++) {
		cov += (k - mean_k) * (at[k] - mean_at);
		var += (k - mean_k) * (k - mean_k);
	}
	gap = cov / var;
	if (gap < 1)
		return 0;
	for (unsigned k = 0; k < TRAIN_FRAMES; k++) {
		off = at[k] - (mean_at + (k - mean_k) * gap);
		if (off > TRAIN_WIRE_OFF_LINE * gap || -off > TRAIN_WIRE_OFF_LINE * gap)
			return 0;
	}
	return (uint64_t)(gap + 0.5);
}

bool train_on_frame(struct train_rx *t, unsigned index, uint32_t path_seq, uint32_t len, uint64_t at,
		    bool on_wire)
{
	uint64_t span, kbps, gap;

	if (index == 1) {
		*t = (struct train_rx){ .active = true, .frames = 1, .first_seq = path_seq, .first_at = at,
					.last_at = at, .result_seq = t->result_seq, .result_kbps = t->result_kbps };
		return false;
	}
	if (!t->active || index != t->frames + 1 || path_seq != t->first_seq + t->frames || at <= t->last_at) {
		t->active = false;
		return false;
	}
	gap = at - t->last_at;
	t->gap[t->frames - 1] = gap;
	t->gap_min = t->frames == 1 || gap < t->gap_min ? gap : t->gap_min;
	t->gap_max = gap > t->gap_max ? gap : t->gap_max;
	t->last_at = at;
	t->frames++;
	t->bytes += len;
	if (t->frames < TRAIN_FRAMES)
		return false;
	t->active = false;
	span = at - t->first_at;
	if (span > TRAIN_SPAN_MAX_NS)
		return false;
	gap = on_wire ? wire_time_gap(t, span) : read_time_gap(t, span);
	if (!gap)
		return false;
	/* The frames after the first, on average, crossed one each gap. */
	kbps = t->bytes / (TRAIN_FRAMES - 1) * 8 * 1000000 / gap;
	if (kbps == 0 || kbps > UINT32_MAX)
		return false;
	t->result_seq = t->first_seq;
	t->result_kbps = (uint32_t)kbps;
	return true;
}
