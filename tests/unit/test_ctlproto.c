/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control protocol: request framing, reply round trips, malformed replies. */
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "unit.h"

START_TEST(requests)
{
	char big[CTLPROTO_REQUEST_MAX];

	ck_assert_int_eq(ctlproto_parse_request("get=1\n\n", 7), CTL_GET);
	ck_assert_int_eq(ctlproto_parse_request("stop=1\n\n", 8), CTL_STOP);
	ck_assert_int_eq(ctlproto_parse_request("get=1\n", 6), CTL_INCOMPLETE);
	ck_assert_int_eq(ctlproto_parse_request("", 0), CTL_INCOMPLETE);
	ck_assert_int_eq(ctlproto_parse_request("get=2\n\n", 7), CTL_BAD);
	ck_assert_int_eq(ctlproto_parse_request("get=1\nx=1\n\n", 11), CTL_BAD);
	ck_assert_int_eq(ctlproto_parse_request("\n\n", 2), CTL_BAD);
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(ctlproto_parse_request(big, sizeof(big)), CTL_BAD);
}
END_TEST

static void sample(struct status *st)
{
	memset(st, 0, sizeof(*st));
	strcpy(st->interface, "na0");
	strcpy(st->mode, "udp");
	st->mtu = 1448;
	st->pid = 4242;
	st->handshakes = 17;
	strcpy(st->cipher, "aes-256-gcm");
	st->drop[WIRE_SHORT] = 3;
	st->drop[DROP_TUN_WRITE] = 18446744073709551615ull;
	for (unsigned r = 0; r < STATUS_REORDER_COUNT; r++)
		st->reorder[r] = 100 + r;
	st->reorder_hold_ns = 21500000;
	for (unsigned r = 0; r < STATUS_REPAIR_COUNT; r++)
		st->repair[r] = 200 + r;
	st->npaths = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct status_path *p = &st->path[i];

		strcpy(p->name, i ? "secondary" : "primary");
		strcpy(p->state, i ? "waiting" : "up");
		strcpy(p->local, i ? "[2001:2::1]:5000" : "198.18.1.1:40000");
		strcpy(p->remote, i ? "-" : "198.18.1.2:5000");
		p->weight = i ? 2500 : 7500;
		p->tx_packets = 10 + i;
		p->tx_bytes = 1000 + i;
		p->rx_packets = 20 + i;
		p->rx_bytes = 2000 + i;
		p->tx_errors = i;
		/* Path 0 has been measured, path 1 not yet (no rtt keys on the wire). */
		p->have_rtt = i == 0;
		p->rtt_ns = i ? 0 : 21042000;
		p->rttvar_ns = i ? 0 : 512000;
		p->min_rtt_ns = i ? 0 : 20311000;
		p->loss_ppm = i ? 1000000 : 1234;
		p->lost = 77 + i;
		p->rate_bps = i ? 0 : 7312000;
		p->failures = 3 * i;
		p->equalize_ns = i ? 0 : 30000000;
		p->reordering_ns = i ? 12345000 : 0;
		/* Path 0 has a standing queue reported, path 1 none yet (no key on the wire). */
		p->have_queue = i == 0;
		p->queue_ns = i ? 0 : 3125000;
		p->state_ns = 1500000000ull + i;
		p->keepalives = 400 + i;
		p->keepalives_spared = 1200 + i;
	}
}

START_TEST(rule_requests_round_trip)
{
	struct conf_rule r = { .role = CONF_ROLE_SENDER, .weight_primary = 7500, .weight_secondary = 2500 };
	struct ctl_command cmd;
	char buf[CTLPROTO_REQUEST_MAX], why[64];
	size_t n;

	ck_assert(addr_parse("198.18.1.2:1234", 1, &r.primary, why, sizeof(why)));
	ck_assert(addr_parse("[2001:2::2]:1234", 1, &r.secondary, why, sizeof(why)));
	n = ctlproto_format_rule_add(&r, buf, sizeof(buf));
	ck_assert_uint_gt(n, 0);
	/* Families differ: refused. */
	ck_assert_int_eq(ctlproto_parse_command(buf, n, &cmd), CTL_BAD);
	ck_assert(addr_parse("198.18.2.2:4321", 1, &r.secondary, why, sizeof(why)));
	n = ctlproto_format_rule_add(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "rule_add=sender 198.18.1.2:1234 198.18.2.2:4321 7500:2500\n\n");
	ck_assert_int_eq(ctlproto_parse_command(buf, n, &cmd), CTL_RULE_ADD);
	ck_assert_int_eq(cmd.rule.role, CONF_ROLE_SENDER);
	ck_assert(addr_equal(&cmd.rule.primary, &r.primary));
	ck_assert(addr_equal(&cmd.rule.secondary, &r.secondary));
	ck_assert_uint_eq(cmd.rule.weight_primary, 7500);
	ck_assert_uint_eq(cmd.rule.weight_secondary, 2500);
	n = ctlproto_format_rule_flush(CONF_ROLE_RECEIVER, buf, sizeof(buf));
	ck_assert_int_eq(ctlproto_parse_command(buf, n, &cmd), CTL_RULE_FLUSH);
	ck_assert_int_eq(cmd.role, CONF_ROLE_RECEIVER);
}
END_TEST

START_TEST(bad_rule_requests)
{
	static const char *const bad[] = {
		"rule_add=sender 198.18.1.2:1 198.18.2.2:1\n\n",          /* no ratio */
		"rule_add=sender 198.18.1.2:1 198.18.2.2:1 1:1 x\n\n",    /* a word too many */
		"rule_add=both 198.18.1.2:1 198.18.2.2:1 1:1\n\n",        /* role */
		"rule_add=sender 198.18.1.2 198.18.2.2:1 1:1\n\n",        /* no port */
		"rule_add=sender 198.18.1.2:1 198.18.1.2:1 1:1\n\n",      /* same endpoint */
		"rule_add=sender 198.18.1.2:1 198.18.2.2:1 0:0\n\n",      /* ratio */
		"rule_add=sender 198.18.1.2:1 198.18.2.2:70000 1:1\n\n",  /* port */
		"rule_flush=everyone\n\n",
		"rule_flush=sender\nget=1\n\n",                            /* two lines */
	};
	struct ctl_command cmd;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ctlproto_parse_command(bad[i], strlen(bad[i]), &cmd) == CTL_BAD, "%s", bad[i]);
}
END_TEST

START_TEST(status_round_trip)
{
	char buf[CTLPROTO_REPLY_MAX];
	struct status a, b;
	int err = -1;
	size_t n;

	sample(&a);
	n = ctlproto_format_status(&a, buf, sizeof(buf));
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(strlen(buf), n);
	ck_assert(ctlproto_parse_reply(buf, &b, &err));
	ck_assert_int_eq(err, 0);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	ck_assert_double_eq_tol(status_tx_share(&b, 0), 1000.0 / 2001.0, 1e-9);
}
END_TEST

START_TEST(small_buffer_is_refused)
{
	char buf[64];
	struct status a;

	sample(&a);
	ck_assert_uint_eq(ctlproto_format_status(&a, buf, sizeof(buf)), 0);
}
END_TEST

/* A reply with n entries "path=K" and errno=0. */
static const char *many_paths(unsigned n)
{
	static char buf[CTLPROTO_REPLY_MAX];
	size_t used = 0;

	for (unsigned i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "path=%u\n", i + 1);
	snprintf(buf + used, sizeof(buf) - used, "errno=0\n");
	return buf;
}

START_TEST(malformed_replies)
{
	struct status st;
	int err = 0;

	ck_assert(ctlproto_parse_reply("errno=22\n\n", &st, &err));
	ck_assert_int_eq(err, 22);
	ck_assert(!ctlproto_parse_reply("interface=na0\n", &st, &err));       /* no errno */
	ck_assert(!ctlproto_parse_reply("garbage\nerrno=0\n", &st, &err));    /* no '=' */
	ck_assert(!ctlproto_parse_reply("mtu=x\nerrno=0\n", &st, &err));      /* not a number */
	ck_assert(!ctlproto_parse_reply("path=p\nweight=99999999999\nerrno=0\n", &st, &err));
	ck_assert(!ctlproto_parse_reply("interface=0123456789abcdefg\nerrno=0\n", &st, &err));
	ck_assert(!ctlproto_parse_reply(many_paths(STATUS_MAX_PATHS + 1), &st, &err));
	ck_assert(ctlproto_parse_reply(many_paths(STATUS_MAX_PATHS), &st, &err));
	ck_assert_uint_eq(st.npaths, STATUS_MAX_PATHS);
	/* Keys from a newer daemon are skipped. */
	ck_assert(ctlproto_parse_reply("future=1\ndrop_future=2\npath=p\nrtt_us=5\nerrno=0\n", &st, &err));
	ck_assert_uint_eq(st.npaths, 1);
}
END_TEST

START_TEST(json_escapes)
{
	char *out = NULL;
	size_t len = 0;
	struct status st;
	FILE *f = open_memstream(&out, &len);

	sample(&st);
	strcpy(st.path[0].name, "a\"b\\");
	status_print_json(f, &st);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"a\\\"b\\\\\""));
	ck_assert_ptr_nonnull(strstr(out, "\"tun_write\":18446744073709551615"));
	free(out);
}
END_TEST

/* The text view says how long each path has been in its state, to a glance. */
static char *text_view(uint64_t ns0, uint64_t ns1)
{
	char *out = NULL;
	size_t len = 0;
	struct status st;
	FILE *f = open_memstream(&out, &len);

	sample(&st);
	st.path[0].state_ns = ns0;
	st.path[1].state_ns = ns1;
	status_print_text(f, &st);
	fclose(f);
	return out;
}

START_TEST(text_view_shows_time_in_state)
{
	const uint64_t s = 1000000000ull;
	char *out = text_view(8200000000ull, (3 * 3600 + 7 * 60 + 5) * s);

	ck_assert_ptr_nonnull(strstr(out, " for "));
	ck_assert_ptr_nonnull(strstr(out, " up          8.2s "));
	ck_assert_ptr_nonnull(strstr(out, " waiting    3h07m "));
	free(out);
	out = text_view((12 * 60 + 5) * s, (2 * 86400 + 4 * 3600 + 59 * 60) * s);
	ck_assert_ptr_nonnull(strstr(out, " 12m05s "));
	ck_assert_ptr_nonnull(strstr(out, " 2d04h "));
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctlproto");
	TCase *tc = tcase_create("ctlproto");

	tcase_add_test(tc, requests);
	tcase_add_test(tc, status_round_trip);
	tcase_add_test(tc, rule_requests_round_trip);
	tcase_add_test(tc, bad_rule_requests);
	tcase_add_test(tc, small_buffer_is_refused);
	tcase_add_test(tc, malformed_replies);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, text_view_shows_time_in_state);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
