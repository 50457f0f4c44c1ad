/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "slowpath.h"

unsigned slowpath_update(unsigned npaths, const bool *candidate, const uint64_t *srtt_ns, const uint64_t *base_ns,
			 bool *slow)
{
	uint64_t base = UINT64_MAX;
	int fastest = -1;
	unsigned changed = 0;

	for (unsigned i = 0; i < npaths; i++) {
		if (!candidate[i])
			continue;
		base = base_ns[i] < base ? base_ns[i] : base;
		if (fastest < 0 || srtt_ns[i] < srtt_ns[fastest])
			fastest = (int)i;
	}
	for (unsigned i = 0; i < npaths; i++) {
		bool was = slow[i];

		if (!candidate[i] || (int)i == fastest)
			slow[i] = false;
		else
			slow[i] = srtt_ns[i] > base + (was ? SLOWPATH_BACK_NS : SLOWPATH_LEAVE_NS);
		if (slow[i] != was)
			changed |= 1u << i;
	}
	return changed;
}
