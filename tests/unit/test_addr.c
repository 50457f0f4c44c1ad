/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address parsing and printing, the forms configs and status use. */
#include <string.h>

#include "addr.h"
#include "unit.h"

static const char *fmt(const char *in, int rule)
{
	static char out[ADDR_TEXT_MAX], why[128];
	struct endpoint ep;

	if (!addr_parse(in, rule, &ep, why, sizeof(why)))
		return why;
	return addr_format(&ep, out, sizeof(out));
}

START_TEST(forms)
{
	ck_assert_str_eq(fmt("198.18.1.1", 0), "198.18.1.1");
	ck_assert_str_eq(fmt("198.18.1.1:5000", 0), "198.18.1.1:5000");
	ck_assert_str_eq(fmt("2001:2::1", 0), "2001:2::1");
	ck_assert_str_eq(fmt("[2001:2::1]:5000", 0), "[2001:2::1]:5000");
	ck_assert_str_eq(fmt("[2001:2::1]", 0), "2001:2::1");
	ck_assert_str_eq(fmt("2001:0002:0:0::1", 0), "2001:2::1");
}
END_TEST

START_TEST(errors)
{
	ck_assert_str_eq(fmt("198.18.1.1", 1), "a port is required (ADDR:PORT or [ADDR]:PORT)");
	ck_assert_str_eq(fmt("198.18.1.1:5", -1), "no port allowed here");
	ck_assert_str_eq(fmt("198.18.1.1:0", 0), "port must be a number from 1 to 65535");
	ck_assert_str_eq(fmt("198.18.1.1:65536", 0), "port must be a number from 1 to 65535");
	ck_assert_str_eq(fmt("198.18.1.1:-1", 0), "port must be a number from 1 to 65535");
	ck_assert_str_eq(fmt("198.18.1.1:", 0), "port must be a number from 1 to 65535");
	ck_assert_str_eq(fmt("198.18.1.256", 0), "not an IPv4 or IPv6 address");
	ck_assert_str_eq(fmt("host.example", 0), "not an IPv4 or IPv6 address");
	ck_assert_str_eq(fmt("[2001:2::1", 0), "not an address");
	ck_assert_str_eq(fmt("[2001:2::1]x", 0), "not an address");
	ck_assert_str_eq(fmt("", 0), "not an address");
	ck_assert_str_eq(fmt(":5", 0), "not an address");
}
END_TEST

START_TEST(prefixes)
{
	char why[128], out[ADDR_TEXT_MAX];
	struct prefix p;

	ck_assert(addr_parse_prefix("198.19.0.1/30", &p, why, sizeof(why)));
	ck_assert_int_eq(p.family, AF_INET);
	ck_assert_uint_eq(p.len, 30);
	ck_assert_str_eq(addr_format_prefix(&p, out, sizeof(out)), "198.19.0.1/30");
	ck_assert(addr_parse_prefix("fd00:4e41::1/128", &p, why, sizeof(why)));
	ck_assert_uint_eq(p.len, 128);
	ck_assert(!addr_parse_prefix("fd00:4e41::1/129", &p, why, sizeof(why)));
	ck_assert_str_eq(why, "prefix length must be 0 to 128");
	ck_assert(!addr_parse_prefix("198.19.0.1/", &p, why, sizeof(why)));
	ck_assert(!addr_parse_prefix("198.19.0.1/3x", &p, why, sizeof(why)));
	ck_assert(!addr_parse_prefix("/3", &p, why, sizeof(why)));
}
END_TEST

START_TEST(equality)
{
	char why[128];
	struct endpoint a, b;

	ck_assert(addr_parse("198.18.1.1:5", 0, &a, why, sizeof(why)));
	ck_assert(addr_parse("198.18.1.1:5", 0, &b, why, sizeof(why)));
	ck_assert(addr_equal(&a, &b));
	addr_set_port(&b, 6);
	ck_assert(!addr_equal(&a, &b));
	ck_assert(addr_parse("[::ffff:198.18.1.1]:5", 0, &b, why, sizeof(why)));
	ck_assert(!addr_equal(&a, &b));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");

	tcase_add_test(tc, forms);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, equality);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
