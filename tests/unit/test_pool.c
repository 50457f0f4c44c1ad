/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pools are resident from their allocation on. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pool.h"
#include "unit.h"

/* Pages of p[0..len) that are resident. */
static size_t resident(void *p, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 0;
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)(page - 1);
	size_t pages = ((uintptr_t)p + len - start + page - 1) / page;
	unsigned char *vec = malloc(pages);

	ck_assert_ptr_nonnull(vec);
	ck_assert_int_eq(mincore((void *)start, pages * page, vec), 0);
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

START_TEST(a_pool_is_resident_and_zero)
{
	size_t len = 4u << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	/* A large calloc is fresh pages of the kernel's (glibc maps it), not resident until written. */
	unsigned char *pool = pool_calloc(1, len);

	ck_assert_ptr_nonnull(pool);
	ck_assert_uint_ge(resident(pool, len), len / page);
	for (size_t i = 0; i < len; i += 997)
		ck_assert_uint_eq(pool[i], 0);
	free(pool);
}
END_TEST

START_TEST(touch_covers_the_last_byte)
{
	size_t len = 3u << 20;
	unsigned char *p = malloc(len + 4096);

	ck_assert_ptr_nonnull(p);
	pool_touch(p + 100, len);
	ck_assert_uint_ge(resident(p + 100, len), len / (size_t)sysconf(_SC_PAGESIZE));
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, a_pool_is_resident_and_zero);
	tcase_add_test(tc, touch_covers_the_last_byte);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
