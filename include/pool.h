/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory the daemon allocates once at start and keeps resident, so that its size never grows under load. */
#ifndef NETAGG_POOL_H
#define NETAGG_POOL_H

#include <stddef.h>

/*
 * calloc(n, size) with every page touched. A page is not resident until first written,
 * so the daemon's resident size grew as traffic first used a pool's slots, or a batch
 * buffer's: 10 MB through the tunnel added 880 kB, and a hostile.sh run whose warm-up
 * happened to fill fewer of them grew by 448 kB under attack. NULL when out of memory.
 */
void *pool_calloc(size_t n, size_t size);

/* Touches every page of p[0..len) (writing a zero at each page's start), so it is resident. */
void pool_touch(void *p, size_t len);

#endif
