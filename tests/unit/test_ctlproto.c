/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control protocol: request framing, reply round trips, malformed replies. */
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
	}
}

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
	ck_assert(!ctlproto_parse_reply("path=1\npath=2\npath=3\npath=4\npath=5\npath=6\npath=7\npath=8\n"
					"path=9\nerrno=0\n",
					&st, &err));
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

int main(void)
{
	Suite *s = suite_create("ctlproto");
	TCase *tc = tcase_create("ctlproto");

	tcase_add_test(tc, requests);
	tcase_add_test(tc, status_round_trip);
	tcase_add_test(tc, small_buffer_is_refused);
	tcase_add_test(tc, malformed_replies);
	tcase_add_test(tc, json_escapes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
