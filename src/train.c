/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capacity trains, the receiving end: their spacing is the path's bottleneck rate. No I/O. */
#include "train.h"

bool train_on_frame(struct train_rx *t, unsigned index, uint32_t path_seq, uint32_t len, uint64_t at)
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
	t->gap_min = t->frames == 1 || gap < t->gap_min ? gap : t->gap_min;
	t->gap_max = gap > t->gap_max ? gap : t->gap_max;
	t->last_at = at;
	t->frames++;
	t->bytes += len;
	if (t->frames < TRAIN_FRAMES)
		return false;
	t->active = false;
	span = at - t->first_at;
	/*
	 * Frames are timed as they are read, and a read a fraction of a millisecond late is
	 * a large part of a short train: at 50 Mbit/s (1.7 ms) two equal paths read 77:23.
	 * Such a path keeps the configured start (up to about 28 Mbit/s, trains tell).
	 */
	if (span < TRAIN_SPAN_MIN_NS || span > TRAIN_SPAN_MAX_NS)
		return false;
	/*
	 * The bottleneck spaces the frames evenly; a read that came late (the daemon busy)
	 * widens one gap, and the train then reads slower than the path: a 50 Mbit/s path
	 * read as a few Mbit/s got 5 % of a transfer that made 52 Mbit/s of 92.
	 */
	if (t->gap_max > TRAIN_GAP_SPREAD * t->gap_min)
		return false;
	kbps = t->bytes * 8 * 1000000 / span;
	if (kbps == 0 || kbps > UINT32_MAX)
		return false;
	t->result_seq = t->first_seq;
	t->result_kbps = (uint32_t)kbps;
	return true;
}
