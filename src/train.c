/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capacity trains, the receiving end: their spacing is the path's bottleneck rate. No I/O. */
#include "train.h"

bool train_on_frame(struct train_rx *t, unsigned index, uint32_t path_seq, uint32_t len, uint64_t at)
{
	uint64_t span, kbps;

	if (index == 1) {
		*t = (struct train_rx){ .active = true, .frames = 1, .first_seq = path_seq, .first_at = at,
					.last_at = at, .result_seq = t->result_seq, .result_kbps = t->result_kbps };
		return false;
	}
	if (!t->active || index != t->frames + 1 || path_seq != t->first_seq + t->frames || at <= t->last_at) {
		t->active = false;
		return false;
	}
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
	kbps = t->bytes * 8 * 1000000 / span;
	if (kbps == 0 || kbps > UINT32_MAX)
		return false;
	t->result_seq = t->first_seq;
	t->result_kbps = (uint32_t)kbps;
	return true;
}
