/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw mode's rule table and decisions: splits by ratio, restores, passes what no rule covers. */
#include <arpa/inet.h>
#include <string.h>

#include "steer.h"
#include "unit.h"

static struct endpoint ep(const char *text)
{
	struct endpoint e;
	char why[64];

	ck_assert_msg(addr_parse(text, 1, &e, why, sizeof(why)), "%s: %s", text, why);
	return e;
}

static struct conf_rule rule(enum conf_role role, const char *p, const char *s, uint32_t wp, uint32_t ws)
{
	struct conf_rule r = { .role = role, .primary = ep(p), .secondary = ep(s), .weight_primary = wp,
			       .weight_secondary = ws };
	return r;
}

/* A 40-byte IPv4 TCP packet (no payload) to dst:port; checksums are not needed by steer. */
static size_t tcp4(uint8_t *pkt, const char *dst, uint16_t port, uint8_t proto)
{
	memset(pkt, 0, 40);
	pkt[0] = 0x45;
	pkt[3] = 40;
	pkt[8] = 64;
	pkt[9] = proto;
	inet_pton(AF_INET, "198.18.1.1", pkt + 12);
	inet_pton(AF_INET, dst, pkt + 16);
	pkt[20] = 0x9c;
	pkt[21] = 0x40;
	pkt[22] = (uint8_t)(port >> 8);
	pkt[23] = (uint8_t)port;
	pkt[32] = 0x50;
	return 40;
}

static uint16_t dport(const uint8_t *pkt)
{
	return (uint16_t)(pkt[22] << 8 | pkt[23]);
}

START_TEST(sender_splits_by_the_ratio_and_rewrites_the_share)
{
	struct steer s;
	struct conf_rule r = rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:6001", 7500, 2500);
	char err[128];
	uint8_t pkt[64];
	unsigned moved = 0;

	steer_init(&s);
	ck_assert(steer_add(&s, &r, err, sizeof(err)));
	for (unsigned i = 0; i < 4000; i++) {
		enum steer_verdict v;

		tcp4(pkt, "198.18.1.2", 5001, 6);
		v = steer_packet(&s, pkt, 40);
		ck_assert(v == STEER_PRIMARY || v == STEER_SECONDARY);
		if (v == STEER_SECONDARY) {
			moved++;
			ck_assert_uint_eq(dport(pkt), 6001);
			ck_assert_uint_eq(pkt[16 + 2], 2); /* 198.18.2.2 */
		} else {
			ck_assert_uint_eq(dport(pkt), 5001);
		}
	}
	ck_assert_uint_eq(moved, 1000);
	ck_assert_uint_eq(s.rule[0].packets[0], 3000);
	ck_assert_uint_eq(s.rule[0].bytes[1], 40000);
}
END_TEST

START_TEST(receiver_restores_the_primary)
{
	struct steer s;
	struct conf_rule r = rule(CONF_ROLE_RECEIVER, "198.18.1.2:5001", "198.18.2.2:6001", 1, 1);
	char err[128];
	uint8_t pkt[64];

	steer_init(&s);
	ck_assert(steer_add(&s, &r, err, sizeof(err)));
	tcp4(pkt, "198.18.2.2", 6001, 6);
	ck_assert_int_eq(steer_packet(&s, pkt, 40), STEER_RESTORED);
	ck_assert_uint_eq(dport(pkt), 5001);
	ck_assert_uint_eq(pkt[16 + 2], 1);
	/* Traffic to the primary itself is not the receiver's business. */
	ck_assert_int_eq(steer_packet(&s, pkt, 40), STEER_PASS);
	ck_assert_uint_eq(s.passed, 1);
}
END_TEST

START_TEST(what_no_rule_covers_passes_unchanged)
{
	struct steer s;
	struct conf_rule r = rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:5001", 1, 1);
	char err[128];
	uint8_t pkt[64], copy[64];

	steer_init(&s);
	ck_assert(steer_add(&s, &r, err, sizeof(err)));
	tcp4(pkt, "198.18.1.2", 5002, 6); /* other port */
	memcpy(copy, pkt, 40);
	ck_assert_int_eq(steer_packet(&s, pkt, 40), STEER_PASS);
	ck_assert_mem_eq(pkt, copy, 40);
	tcp4(pkt, "198.18.1.2", 5001, 17); /* UDP */
	ck_assert_int_eq(steer_packet(&s, pkt, 40), STEER_PASS);
	ck_assert_uint_eq(s.refused[REWRITE_NOT_TCP], 1);
	tcp4(pkt, "198.18.1.2", 5001, 6);
	pkt[6] = 0x20; /* more fragments */
	memcpy(copy, pkt, 40);
	ck_assert_int_eq(steer_packet(&s, pkt, 40), STEER_PASS);
	ck_assert_uint_eq(s.refused[REWRITE_FRAGMENT], 1);
	ck_assert_int_eq(steer_packet(&s, pkt, 10), STEER_PASS); /* truncated */
	ck_assert_mem_eq(pkt, copy, 40); /* nothing touched */
}
END_TEST

START_TEST(rules_are_added_refused_and_flushed_by_role)
{
	struct steer s;
	struct conf_rule a = rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:5001", 1, 1);
	struct conf_rule b = rule(CONF_ROLE_SENDER, "198.18.1.2:5002", "198.18.2.2:5002", 1, 1);
	struct conf_rule c = rule(CONF_ROLE_RECEIVER, "198.18.1.2:5001", "198.18.2.2:5001", 1, 1);
	char err[128];

	steer_init(&s);
	ck_assert(steer_add(&s, &a, err, sizeof(err)));
	ck_assert(!steer_add(&s, &a, err, sizeof(err)));
	ck_assert_str_eq(err, "a sender rule for 198.18.1.2:5001 exists already");
	ck_assert(steer_add(&s, &b, err, sizeof(err)));
	ck_assert(steer_add(&s, &c, err, sizeof(err))); /* same primary, other role */
	ck_assert_uint_eq(steer_flush(&s, CONF_ROLE_SENDER), 2);
	ck_assert_uint_eq(s.nrules, 1);
	ck_assert_int_eq(s.rule[0].conf.role, CONF_ROLE_RECEIVER);
	ck_assert_uint_eq(steer_flush(&s, CONF_ROLE_SENDER), 0);
	for (unsigned i = 1; i < CONF_MAX_RULES; i++) {
		struct conf_rule r = rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:5001", 1, 1);

		addr_set_port(&r.primary, (uint16_t)(6000 + i));
		ck_assert(steer_add(&s, &r, err, sizeof(err)));
	}
	ck_assert(!steer_add(&s, &b, err, sizeof(err)));
	ck_assert_str_eq(err, "at most 16 rules");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("steer");
	TCase *tc = tcase_create("steer");

	tcase_add_test(tc, sender_splits_by_the_ratio_and_rewrites_the_share);
	tcase_add_test(tc, receiver_restores_the_primary);
	tcase_add_test(tc, what_no_rule_covers_passes_unchanged);
	tcase_add_test(tc, rules_are_added_refused_and_flushed_by_role);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
