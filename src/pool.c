/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pool.h"

#include <stdlib.h>
#include <unistd.h>

void pool_touch(void *p, size_t len)
{
	volatile unsigned char *b = p;
	long page = sysconf(_SC_PAGESIZE);
	size_t step = page > 0 ? (size_t)page : 4096;

	/* Through a volatile pointer, so that the compiler keeps the writes. */
	for (size_t off = 0; off < len; off += step)
		b[off] = 0;
	if (len)
		b[len - 1] = 0;
}

void *pool_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p)
		pool_touch(p, n * size);
	return p;
}
