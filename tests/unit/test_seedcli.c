/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetAgg's command line: every accepted form, and each usage error with the option and value it names. */
#include <stdio.h>
#include <string.h>

#include "seedcli.h"
#include "unit.h"

#define MAX_WORDS 16

/* Splits a space-separated command line (no quoting) into words; returns their number. */
static int split(const char *line, char buf[256], char *argv[MAX_WORDS])
{
	int argc = 0;

	snprintf(buf, 256, "%s", line);
	for (char *w = strtok(buf, " "); w && argc < MAX_WORDS; w = strtok(NULL, " "))
		argv[argc++] = w;
	return argc;
}

static bool parse(const char *line, struct seedcli_command *out, char *err, size_t errlen)
{
	char buf[256], *argv[MAX_WORDS];
	int argc = split(line, buf, argv);

	return seedcli_parse(argc, argv, out, err, errlen);
}

static void ck_endpoint(const struct endpoint *ep, const char *text)
{
	char buf[ADDR_TEXT_MAX];

	ck_assert_str_eq(addr_format(ep, buf, sizeof(buf)), text);
}

START_TEST(append_sender_with_ratio)
{
	struct seedcli_command c;
	char err[SEEDCLI_ERR_MAX];

	ck_assert_msg(parse("-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 7500:2500", &c, err, sizeof(err)), "%s",
		      err);
	ck_assert_int_eq(c.action, SEEDCLI_APPEND);
	ck_assert_int_eq(c.role, CONF_ROLE_SENDER);
	ck_assert_int_eq(c.rule.role, CONF_ROLE_SENDER);
	ck_endpoint(&c.rule.primary, "10.0.0.11:1234");
	ck_endpoint(&c.rule.secondary, "10.0.0.12:1234");
	ck_assert_uint_eq(c.rule.weight_primary, 7500);
	ck_assert_uint_eq(c.rule.weight_secondary, 2500);
}
END_TEST

START_TEST(append_receiver_default_ratio)
{
	struct seedcli_command c;
	char err[SEEDCLI_ERR_MAX];

	ck_assert_msg(parse("-A receiver -P 10.0.0.11:1234 -S 10.0.0.12:1234", &c, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(c.action, SEEDCLI_APPEND);
	ck_assert_int_eq(c.role, CONF_ROLE_RECEIVER);
	ck_assert_int_eq(c.rule.role, CONF_ROLE_RECEIVER);
	ck_endpoint(&c.rule.primary, "10.0.0.11:1234");
	ck_endpoint(&c.rule.secondary, "10.0.0.12:1234");
	ck_assert_uint_eq(c.rule.weight_primary, 1);
	ck_assert_uint_eq(c.rule.weight_secondary, 1);
}
END_TEST

START_TEST(any_order_and_ipv6)
{
	struct seedcli_command c;
	char err[SEEDCLI_ERR_MAX];

	ck_assert_msg(parse("-R 1:3 -S [2001:2::2]:80 -P [2001:2::1]:80 -A sender", &c, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(c.action, SEEDCLI_APPEND);
	ck_endpoint(&c.rule.primary, "[2001:2::1]:80");
	ck_endpoint(&c.rule.secondary, "[2001:2::2]:80");
	ck_assert_uint_eq(c.rule.weight_primary, 1);
	ck_assert_uint_eq(c.rule.weight_secondary, 3);
	/* same address, other port; and the extremes of ports and weights */
	ck_assert_msg(parse("-A sender -P 10.0.0.11:1 -S 10.0.0.11:65535 -R 65535:1", &c, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(addr_port(&c.rule.secondary), 65535);
	ck_assert_uint_eq(c.rule.weight_primary, 65535);
}
END_TEST

START_TEST(flush)
{
	struct seedcli_command c;
	char err[SEEDCLI_ERR_MAX];

	ck_assert_msg(parse("-F sender", &c, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(c.action, SEEDCLI_FLUSH);
	ck_assert_int_eq(c.role, CONF_ROLE_SENDER);
	ck_assert_uint_eq(c.rule.primary.len, 0);
	ck_assert_msg(parse("-F receiver", &c, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(c.action, SEEDCLI_FLUSH);
	ck_assert_int_eq(c.role, CONF_ROLE_RECEIVER);
}
END_TEST

START_TEST(argv_is_left_alone)
{
	char a[] = "-A", r[] = "sender", p[] = "-P", pv[] = "10.0.0.1:1", s[] = "-S", sv[] = "10.0.0.2:1";
	char *argv[] = { a, r, p, pv, s, sv, NULL };
	char *copy[7];
	struct seedcli_command c;
	char err[SEEDCLI_ERR_MAX];

	memcpy(copy, argv, sizeof(argv));
	ck_assert(seedcli_parse(6, argv, &c, err, sizeof(err)));
	ck_assert_mem_eq(copy, argv, sizeof(argv));
	ck_assert_str_eq(argv[1], "sender");
	/* argc bounds the words, not a NULL */
	ck_assert(!seedcli_parse(5, argv, &c, err, sizeof(err)));
	ck_assert_str_eq(err, "-S needs an argument (the secondary ADDR:PORT)");
}
END_TEST

/* Each bad command line and its exact message. */
static const struct {
	const char *line, *message;
} bad[] = {
	{ "", "one of -A ROLE (append a rule) or -F ROLE (flush the rules of ROLE) is required" },
	{ "-P 10.0.0.11:1234 -S 10.0.0.12:1234",
	  "one of -A ROLE (append a rule) or -F ROLE (flush the rules of ROLE) is required" },
	{ "-A sender -F sender", "-A and -F cannot be used together" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -F receiver", "-A and -F cannot be used together" },
	{ "-A forwarder -P 10.0.0.11:1234 -S 10.0.0.12:1234", "-A \"forwarder\": the role must be sender or receiver" },
	{ "-F Sender", "-F \"Sender\": the role must be sender or receiver" },
	{ "-A sender -S 10.0.0.12:1234", "-A needs -P (the primary ADDR:PORT)" },
	{ "-A sender -P 10.0.0.11:1234", "-A needs -S (the secondary ADDR:PORT)" },
	{ "-A receiver", "-A needs -P (the primary ADDR:PORT)" },
	{ "-F sender -P 10.0.0.11:1234", "-P cannot be used with -F" },
	{ "-F sender -S 10.0.0.12:1234", "-S cannot be used with -F" },
	{ "-F receiver -R 1:1", "-R cannot be used with -F" },
	{ "-A sender -P 10.0.0.11 -S 10.0.0.12:1234", "-P \"10.0.0.11\": a port is required (ADDR:PORT or [ADDR]:PORT)" },
	{ "-A sender -P 10.0.0.11:1234 -S [2001:2::1]",
	  "-S \"[2001:2::1]\": a port is required (ADDR:PORT or [ADDR]:PORT)" },
	{ "-A sender -P 10.0.0.11:1234 -S 2001:2::1:80",
	  "-S \"2001:2::1:80\": a port is required (ADDR:PORT or [ADDR]:PORT)" },
	{ "-A sender -P 10.0.0.11: -S 10.0.0.12:1234", "-P \"10.0.0.11:\": port must be a number from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:0 -S 10.0.0.12:1234", "-P \"10.0.0.11:0\": port must be a number from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:65536",
	  "-S \"10.0.0.12:65536\": port must be a number from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:http", "-S \"10.0.0.12:http\": port must be a number from 1 to 65535" },
	{ "-A sender -P server:1234 -S 10.0.0.12:1234", "-P \"server:1234\": not an IPv4 or IPv6 address" },
	{ "-A sender -P 10.0.0.256:1234 -S 10.0.0.12:1234", "-P \"10.0.0.256:1234\": not an IPv4 or IPv6 address" },
	{ "-A sender -P :1234 -S 10.0.0.12:1234", "-P \":1234\": not an address" },
	{ "-A sender -P [2001:2::1:80 -S 10.0.0.12:1234", "-P \"[2001:2::1:80\": not an address" },
	{ "-A sender -P 10.0.0.11:1234 -S [2001:2::1]:1234",
	  "-P \"10.0.0.11:1234\" and -S \"[2001:2::1]:1234\" must both be IPv4 or both IPv6" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.11:1234",
	  "-P \"10.0.0.11:1234\" and -S \"10.0.0.11:1234\" are the same endpoint" },
	{ "-A sender -P [2001:2::1]:80 -S [2001:2:0::1]:80",
	  "-P \"[2001:2::1]:80\" and -S \"[2001:2:0::1]:80\" are the same endpoint" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 0:0",
	  "-R \"0:0\": each weight must be from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 0:5",
	  "-R \"0:5\": each weight must be from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 5:0",
	  "-R \"5:0\": each weight must be from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 70000:1",
	  "-R \"70000:1\": each weight must be from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 1:65536",
	  "-R \"1:65536\": each weight must be from 1 to 65535" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 7500",
	  "-R \"7500\": must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 7500:",
	  "-R \"7500:\": must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R a:b",
	  "-R \"a:b\": must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R -1:2",
	  "-R \"-1:2\": must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "-A sender -A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234", "-A is given twice (\"sender\" and \"sender\")" },
	{ "-A sender -P 10.0.0.11:1234 -P 10.0.0.13:1234 -S 10.0.0.12:1234",
	  "-P is given twice (\"10.0.0.11:1234\" and \"10.0.0.13:1234\")" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -S 10.0.0.13:1", "-S is given twice (\"10.0.0.12:1234\" and "
									 "\"10.0.0.13:1\")" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R 1:1 -R 2:1", "-R is given twice (\"1:1\" and \"2:1\")" },
	{ "-F sender -F receiver", "-F is given twice (\"sender\" and \"receiver\")" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -X 1", "unknown option '-X'" },
	{ "-Asender -P 10.0.0.11:1234 -S 10.0.0.12:1234", "unknown option '-Asender'" },
	{ "-F sender --verbose", "unknown option '--verbose'" },
	{ "-F sender -", "unknown option '-'" },
	{ "-F sender now", "unexpected argument 'now'" },
	{ "sender -F sender", "unexpected argument 'sender'" },
	{ "-A", "-A needs an argument (sender or receiver)" },
	{ "-F", "-F needs an argument (sender or receiver)" },
	{ "-A -P 10.0.0.11:1234 -S 10.0.0.12:1234", "-A needs an argument (sender or receiver)" },
	{ "-A sender -P -S 10.0.0.12:1234", "-P needs an argument (the primary ADDR:PORT)" },
	{ "-A sender -P 10.0.0.11:1234 -S", "-S needs an argument (the secondary ADDR:PORT)" },
	{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234 -R", "-R needs an argument (the ratio WPRIMARY:WSECONDARY)" },
};

START_TEST(bad_command_lines)
{
	struct seedcli_command c;
	char err[SEEDCLI_ERR_MAX];

	ck_assert_msg(!parse(bad[_i].line, &c, err, sizeof(err)), "'%s' was accepted", bad[_i].line);
	ck_assert_str_eq(err, bad[_i].message);
}
END_TEST

START_TEST(message_is_truncated_safely)
{
	struct seedcli_command c;
	char err[8];

	ck_assert(!parse("-A sender -P 10.0.0.11 -S 10.0.0.12:1234", &c, err, sizeof(err)));
	ck_assert_str_eq(err, "-P \"10.");
}
END_TEST

START_TEST(is_seed)
{
	static const struct {
		const char *line;
		bool seed;
	} cases[] = {
		{ "-A sender -P 10.0.0.11:1234 -S 10.0.0.12:1234", true },
		{ "-F receiver", true },
		{ "-P 10.0.0.11:1234", true },
		{ "-S x", true },
		{ "-R 1:1", true },
		{ "-A", true },
		{ "up bond0", false },
		{ "check -v x.conf", false },
		{ "-h", false },
		{ "--help", false },
		{ "-Asender", false },
		{ "status -A", false },
		{ "", false },
	};
	char buf[256], *argv[MAX_WORDS];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int argc = split(cases[i].line, buf, argv);

		ck_assert_msg(seedcli_is_seed(argc, argv) == cases[i].seed, "'%s'", cases[i].line);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seedcli");
	TCase *tc = tcase_create("seedcli");

	tcase_add_test(tc, append_sender_with_ratio);
	tcase_add_test(tc, append_receiver_default_ratio);
	tcase_add_test(tc, any_order_and_ipv6);
	tcase_add_test(tc, flush);
	tcase_add_test(tc, argv_is_left_alone);
	tcase_add_loop_test(tc, bad_command_lines, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, message_is_truncated_safely);
	tcase_add_test(tc, is_seed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
