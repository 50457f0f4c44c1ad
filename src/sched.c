/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Byte-weighted smooth round robin over the paths that are up. */
#include "sched.h"

#include <string.h>

static void restart(struct sched *s)
{
	memset(s->credit, 0, sizeof(s->credit));
}

void sched_init(struct sched *s, unsigned npaths, const uint32_t *weights)
{
	memset(s, 0, sizeof(*s));
	s->npaths = npaths > WIRE_MAX_PATHS ? WIRE_MAX_PATHS : npaths;
	for (unsigned i = 0; i < s->npaths; i++)
		s->weight[i] = weights[i];
}

void sched_set_up(struct sched *s, unsigned path, bool up)
{
	if (path >= s->npaths || s->up[path] == up)
		return;
	s->up[path] = up;
	restart(s);
}

void sched_set_weight(struct sched *s, unsigned path, uint32_t weight)
{
	if (path >= s->npaths || weight == 0 || weight > SCHED_MAX_WEIGHT)
		return;
	s->weight[path] = weight;
	restart(s);
}

void sched_charge(struct sched *s, unsigned path, uint32_t bytes)
{
	int64_t total = 0;

	if (path >= s->npaths || !s->up[path])
		return;
	for (unsigned i = 0; i < s->npaths; i++)
		if (s->up[i]) {
			s->credit[i] += (int64_t)s->weight[i] * bytes;
			total += s->weight[i];
		}
	s->credit[path] -= total * bytes;
	if (s->credit[path] < -total * SCHED_DEBT_MAX)
		restart(s);
}

int sched_pick(struct sched *s, uint32_t bytes)
{
	int64_t total = 0;
	int best = -1;

	for (unsigned i = 0; i < s->npaths; i++) {
		if (!s->up[i])
			continue;
		s->credit[i] += (int64_t)s->weight[i] * bytes;
		total += s->weight[i];
		if (best < 0 || s->credit[i] > s->credit[best])
			best = (int)i;
	}
	if (best >= 0)
		s->credit[best] -= total * bytes;
	return best;
}
