/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host changes: the journal's text form read back exactly, garbage refused, and the plans for hand-built configs. */
#include <stdio.h>
#include <string.h>

#include "hostchange.h"
#include "hostplan.h"
#include "unit.h"

/* ------------------------------------------------------------------ text */

static const char *const canonical[] = {
	"sysctl net.ipv4.conf.all.rp_filter=2 old=0",
	"sysctl net.ipv4.ip_forward=1",
	"sysctl net.ipv4.conf.eth0/100.arp_filter=1 old=0",
	"sysctl net.ipv6.conf.all.forwarding=1 old=0",
	"rule from 198.18.1.1/32 table 1000 priority 1000",
	"rule fwmark 0x4e410001/0xffff0000 table 1001 priority 1001",
	"rule from 198.18.0.0/15 fwmark 0x1/0xff table 4294967295 priority 20033",
	"rule from 2001:2::1/128 table 20033 priority 20034",
	"rule ipv6 fwmark 0x4e410002/0xffff0000 table 20035 priority 20035",
	"rule table 7 priority 9",
	"route 198.18.2.0/24 dev a2 src 198.18.2.1 table 1000",
	"route default via 198.18.2.254 dev a2 table 1000",
	"route 198.18.1.2/32 via 198.18.2.254 dev eth0.100 table 20033",
	"route default dev ppp0 table 5",
	"route 2001:2:0:1::/64 dev a1 src 2001:2:0:1::1 table 20034",
	"route default via fe80::1 dev a1 table 20034",
	"route ipv6 default dev a1 table 20034",
	"route 2001:2::2/128 dev a1 table 3",
	"filter ipv4 mangle OUTPUT -p tcp -d 198.18.1.2/32 --dport 5001 -m comment --comment netagg:na0 -j NFQUEUE "
	"--queue-num 20033 --queue-bypass",
	"filter ipv6 raw PREROUTING -p tcp -d 2001:2::2/128 --dport 5002 -m comment --comment netagg:na0 -j NFQUEUE "
	"--queue-num 20033 --queue-bypass",
};

static const char *reformat(const char *line)
{
	static char out[HOSTCHANGE_TEXT_MAX], why[256];
	struct hostchange c;

	if (!hostchange_parse(line, &c, why, sizeof(why)))
		return why;
	ck_assert(hostchange_format(&c, out, sizeof(out)));
	return out;
}

START_TEST(round_trip)
{
	for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++)
		ck_assert_str_eq(reformat(canonical[i]), canonical[i]);
}
END_TEST

START_TEST(lenient_input_canonical_output)
{
	ck_assert_str_eq(reformat("  rule   priority 5\ttable 6 from 198.18.1.1/32\n"),
			 "rule from 198.18.1.1/32 table 6 priority 5");
	ck_assert_str_eq(reformat("rule ipv4 fwmark 16/255 table 6 priority 5\r\n"), "rule fwmark 0x10/0xff table 6 priority 5");
	ck_assert_str_eq(reformat("route ipv4 198.18.2.0/24 table 3 src 198.18.2.1 dev a2"),
			 "route 198.18.2.0/24 dev a2 src 198.18.2.1 table 3");
	ck_assert_str_eq(reformat("route ipv6 default via 2001:2::1 dev a1 table 4"), "route default via 2001:2::1 dev a1 table 4");
	ck_assert_str_eq(reformat("filter ipv4 raw PREROUTING   -p  tcp -j ACCEPT"), "filter ipv4 raw PREROUTING -p tcp -j ACCEPT");
}
END_TEST

START_TEST(fields)
{
	char err[256];
	struct hostchange c;

	ck_assert(hostchange_parse("rule from 198.18.1.1/32 table 1000 priority 1001", &c, err, sizeof(err)));
	ck_assert_int_eq(c.kind, HOSTCHANGE_RULE);
	ck_assert_int_eq(c.u.rule.family, AF_INET);
	ck_assert_uint_eq(c.u.rule.from.len, 32);
	ck_assert_uint_eq(c.u.rule.fwmask, 0);
	ck_assert_uint_eq(c.u.rule.table, 1000);
	ck_assert_uint_eq(c.u.rule.priority, 1001);
	ck_assert(hostchange_parse("rule ipv6 fwmark 0x4e410001/0xffff0000 table 2 priority 3", &c, err, sizeof(err)));
	ck_assert_int_eq(c.u.rule.family, AF_INET6);
	ck_assert_int_eq(c.u.rule.from.family, 0);
	ck_assert_uint_eq(c.u.rule.fwmark, 0x4e410001u);
	ck_assert_uint_eq(c.u.rule.fwmask, 0xffff0000u);
	ck_assert(hostchange_parse("route ipv6 default dev a1 table 4", &c, err, sizeof(err)));
	ck_assert_int_eq(c.kind, HOSTCHANGE_ROUTE);
	ck_assert_int_eq(c.u.route.family, AF_INET6);
	ck_assert_int_eq(c.u.route.dst.family, AF_INET6);
	ck_assert_uint_eq(c.u.route.dst.len, 0);
	ck_assert_uint_eq(c.u.route.gateway.len, 0);
	ck_assert_str_eq(c.u.route.dev, "a1");
	ck_assert(hostchange_parse("sysctl net.ipv4.ip_forward=1", &c, err, sizeof(err)));
	ck_assert_str_eq(c.u.sysctl.key, "net.ipv4.ip_forward");
	ck_assert_str_eq(c.u.sysctl.value, "1");
	ck_assert_str_eq(c.u.sysctl.old, "");
	ck_assert(hostchange_parse(canonical[18], &c, err, sizeof(err)));
	ck_assert_int_eq(c.u.filter.family, AF_INET);
	ck_assert_str_eq(c.u.filter.table, "mangle");
	ck_assert_str_eq(c.u.filter.chain, "OUTPUT");
	ck_assert(strncmp(c.u.filter.spec, "-p tcp -d 198.18.1.2/32 ", 24) == 0);
}
END_TEST

START_TEST(garbage)
{
	static const char *const bad[][2] = {
		{ "", "line: empty" },
		{ "   \n", "line: empty" },
		{ "link sysctl a=1", "kind 'link': expected sysctl, rule, route or filter" },
		{ "sysctl net.ipv4.ip_forward=1\nsysctl x=1", "line: more than one line" },
		{ "sysctl net.ipv4.ip_forward", "sysctl 'net.ipv4.ip_forward': expected KEY=VALUE" },
		{ "sysctl kernel.panic=1", "sysctl key 'kernel.panic': not a net.* sysctl name" },
		{ "sysctl net.ipv4.conf.//.rp_filter=1", "sysctl key 'net.ipv4.conf.//.rp_filter': not a net.* sysctl name" },
		{ "sysctl net.ipv4..x=1", "sysctl key 'net.ipv4..x': not a net.* sysctl name" },
		{ "sysctl net.ipv4.ip_forward=", "sysctl value '': 1 to 31 characters, no spaces" },
		{ "sysctl net.ipv4.ip_forward=1 was=0", "sysctl 'was=0': expected old=VALUE" },
		{ "sysctl net.ipv4.ip_forward=1 old=", "sysctl old '': 1 to 31 characters, no spaces" },
		{ "sysctl net.ipv4.ip_forward=1 old=0 x", "sysctl: expected KEY=VALUE [old=VALUE]" },
		{ "rule from 198.18.1.1/32 table 1000", "rule: priority missing" },
		{ "rule from 198.18.1.1/32 priority 1", "rule: table missing" },
		{ "rule from 198.18.1.1 table 1 priority 1", "rule from '198.18.1.1': a prefix length is required (ADDR/LEN)" },
		{ "rule from 198.18.1.x/32 table 1 priority 1", "rule from '198.18.1.x/32': not an IPv4 or IPv6 address" },
		{ "rule ipv6 from 198.18.1.1/32 table 1 priority 1",
		  "rule from '198.18.1.1/32': not an IPv6 address like the rest of the line" },
		{ "rule table x priority 1", "rule table 'x': not a number from 1 to 4294967295" },
		{ "rule table 0 priority 1", "rule table '0': not a number from 1 to 4294967295" },
		{ "rule table 4294967296 priority 1", "rule table '4294967296': not a number from 1 to 4294967295" },
		{ "rule table 1 priority -1", "rule priority '-1': not a number from 1 to 4294967295" },
		{ "rule table 1 table 2 priority 1", "rule 'table': unknown or repeated field" },
		{ "rule table 1 priority", "rule priority: value missing" },
		{ "rule iif a1 table 1 priority 1", "rule 'iif': unknown or repeated field" },
		{ "rule fwmark 0x1 table 1 priority 1", "rule fwmark '0x1': expected MARK/MASK" },
		{ "rule fwmark 0x1/0 table 1 priority 1",
		  "rule fwmark '0x1/0': expected MARK/MASK, 32-bit numbers, mask not 0" },
		{ "route", "route: destination missing" },
		{ "route 198.18.2.0/24 table 1", "route: dev missing" },
		{ "route 198.18.2.0/24 dev a2", "route: table missing" },
		{ "route 198.18.2.0/24 dev a/2 table 1", "route dev 'a/2': not a device name" },
		{ "route 198.18.2.0/24 dev abcdefghijklmnop table 1", "route dev 'abcdefghijklmnop': not a device name" },
		{ "route default via 198.18.x dev a2 table 1", "route via '198.18.x': not an IPv4 or IPv6 address" },
		{ "route default via 198.18.2.254:53 dev a2 table 1", "route via '198.18.2.254:53': no port allowed here" },
		{ "route 2001:2::/64 via 198.18.2.254 dev a2 table 1",
		  "route via '198.18.2.254': not an IPv6 address like the rest of the line" },
		{ "route 198.18.2.0/24 dev a2 src 2001:2::1 table 1",
		  "route src '2001:2::1': not an IPv4 address like the rest of the line" },
		{ "route 0.0.0.0/0 dev a2 table 1", "route '0.0.0.0/0': write a /0 route as default" },
		{ "route default dev a2 table 1 metric 5", "route 'metric': unknown or repeated field" },
		{ "filter ipv4 mangle OUTPUT", "filter: expected ipv4|ipv6 TABLE CHAIN SPEC..." },
		{ "filter ipv5 mangle OUTPUT -j ACCEPT", "filter family 'ipv5': expected ipv4 or ipv6" },
		{ "filter ipv4 broute OUTPUT -j ACCEPT", "filter table 'broute': expected raw, mangle, filter, nat or security" },
		{ "filter ipv4 raw -F -j ACCEPT", "filter chain '-F': not a chain name" },
		{ "filter ipv4 raw OUTPUT -j ACCEPT -t filter", "filter spec word '-t': not allowed" },
		{ "filter ipv4 raw OUTPUT -j ACCEPT --flush", "filter spec word '--flush': not allowed" },
		{ "filter ipv4 raw OUTPUT -m comment --comment $(reboot)", "filter spec word '$(reboot)': not allowed" },
	};
	char err[256];
	struct hostchange c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!hostchange_parse(bad[i][0], &c, err, sizeof(err)), "accepted: %s", bad[i][0]);
		ck_assert_str_eq(err, bad[i][1]);
	}
}
END_TEST

START_TEST(too_long)
{
	char line[HOSTCHANGE_TEXT_MAX + 8], err[256], small[16];
	struct hostchange c;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ck_assert(!hostchange_parse(line, &c, err, sizeof(err)));
	ck_assert_str_eq(err, "line: longer than 511 characters");
	ck_assert(hostchange_parse(canonical[0], &c, err, sizeof(err)));
	ck_assert(!hostchange_format(&c, small, sizeof(small)));
}
END_TEST

START_TEST(entries)
{
	char line[HOSTCHANGE_TEXT_MAX], group[HOSTCHANGE_GROUP_MAX], err[256];
	struct hostchange c;

	ck_assert(hostchange_parse_entry("sender rule fwmark 0x4e410001/0xffff0000 table 1001 priority 1001\n", group,
					 &c, err, sizeof(err)));
	ck_assert_str_eq(group, "sender");
	ck_assert(hostchange_format_entry(group, &c, line, sizeof(line)));
	ck_assert_str_eq(line, "sender rule fwmark 0x4e410001/0xffff0000 table 1001 priority 1001");
	ck_assert(hostchange_parse_entry("link sysctl net.ipv4.ip_forward=1 old=0", group, &c, err, sizeof(err)));
	ck_assert_str_eq(group, "link");
	ck_assert_str_eq(c.u.sysctl.old, "0");
	ck_assert(!hostchange_format_entry("Bad group", &c, line, sizeof(line)));
	ck_assert(!hostchange_parse_entry("Link sysctl net.ipv4.ip_forward=1", group, &c, err, sizeof(err)));
	ck_assert_str_eq(err, "group 'Link': 1 to 15 characters of a-z 0-9 _ -");
	ck_assert(!hostchange_parse_entry("link", group, &c, err, sizeof(err)));
	ck_assert_str_eq(err, "group 'link': no change follows");
	ck_assert(!hostchange_parse_entry("link route default", group, &c, err, sizeof(err)));
	ck_assert_str_eq(err, "route: dev missing");
	ck_assert(!hostchange_parse_entry("sysctl net.ipv4.ip_forward=1", group, &c, err, sizeof(err)));
	ck_assert_str_eq(err, "kind 'net.ipv4.ip_forward=1': expected sysctl, rule, route or filter");
}
END_TEST

/* ------------------------------------------------------------------ plans */

static struct conf conf;
static struct hostfacts facts;
static struct hostchange plan[HOSTCHANGE_PLAN_MAX];
static size_t nplan;
static char err[256];

static void setup(void)
{
	memset(&conf, 0, sizeof(conf));
	memset(&facts, 0, sizeof(facts));
	strcpy(conf.interface, "na0");
	conf.mode = CONF_MODE_UDP;
	conf.host_setup = true;
	conf.queue = CONF_QUEUE_DEFAULT;
	nplan = 0;
	err[0] = '\0';
}

static void ep(struct endpoint *e, const char *text)
{
	char why[128];

	ck_assert_msg(addr_parse(text, 0, e, why, sizeof(why)), "%s: %s", text, why);
}

/* add_path LOCAL DEV SUBNET GATEWAY: a path and what the host says about it ("" for none). */
static struct conf_path *add_path(const char *local, const char *dev, const char *subnet, const char *gw)
{
	struct conf_path *p = &conf.path[conf.npaths];
	struct hostfacts_path *f = &facts.path[conf.npaths];
	char why[128];

	snprintf(p->name, sizeof(p->name), "p%u", conf.npaths + 1);
	ep(&p->local, local);
	p->weight = 1;
	snprintf(f->dev, sizeof(f->dev), "%s", dev);
	if (*subnet)
		ck_assert(addr_parse_prefix(subnet, &f->subnet, why, sizeof(why)));
	if (*gw)
		ep(&f->gateway, gw);
	conf.npaths++;
	return p;
}

static struct conf_rule *add_rule(enum conf_role role, const char *primary, const char *secondary)
{
	struct conf_rule *r = &conf.rule[conf.nrules++];

	conf.mode = CONF_MODE_RAW;
	r->role = role;
	ep(&r->primary, primary);
	ep(&r->secondary, secondary);
	r->weight_primary = r->weight_secondary = 1;
	return r;
}

static void add_address(const char *text)
{
	char why[128];

	ck_assert(addr_parse_prefix(text, &conf.address[conf.naddress++], why, sizeof(why)));
}

/* The plan as text, one change a line. */
static const char *lines(void)
{
	static char out[HOSTCHANGE_PLAN_MAX * HOSTCHANGE_TEXT_MAX];
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < nplan; i++) {
		ck_assert(hostchange_format(&plan[i], out + used, sizeof(out) - used - 1));
		used += strlen(out + used);
		out[used++] = '\n';
		out[used] = '\0';
	}
	return out;
}

static void plan_link(void)
{
	ck_assert_msg(hostplan_link(&conf, &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)), "%s", err);
}

static void plan_rule(unsigned i)
{
	ck_assert_msg(hostplan_rule(&conf, &conf.rule[i], &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)),
		      "%s", err);
}

START_TEST(single_path_nothing)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "198.18.1.254");
	plan_link();
	ck_assert_uint_eq(nplan, 0);
}
END_TEST

START_TEST(two_paths_one_device_nothing)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "198.18.1.254");
	add_path("198.18.1.3", "a1", "198.18.1.3/24", "198.18.1.254");
	plan_link();
	ck_assert_uint_eq(nplan, 0);
}
END_TEST

START_TEST(two_devices)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "198.18.1.254");
	add_path("198.18.2.1:5000", "a2", "198.18.2.1/24", "");
	add_path("0.0.0.0:5001", "", "", ""); /* wildcard: no table */
	plan_link();
	ck_assert_str_eq(lines(), "sysctl net.ipv4.conf.all.arp_filter=1\n"
				  "sysctl net.ipv4.conf.all.rp_filter=2\n"
				  "sysctl net.ipv4.conf.a1.arp_filter=1\n"
				  "sysctl net.ipv4.conf.a1.rp_filter=2\n"
				  "sysctl net.ipv4.conf.a2.arp_filter=1\n"
				  "sysctl net.ipv4.conf.a2.rp_filter=2\n"
				  "route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20033\n"
				  "route default via 198.18.1.254 dev a1 table 20033\n"
				  "rule from 198.18.1.1/32 table 20033 priority 20033\n"
				  "route 198.18.2.0/24 dev a2 src 198.18.2.1 table 20034\n"
				  "rule from 198.18.2.1/32 table 20034 priority 20034\n");
}
END_TEST

START_TEST(two_devices_v6_and_dotted_device)
{
	add_path("2001:2:0:1::1", "a1", "2001:2:0:1::1/64", "fe80::1");
	add_path("198.18.2.1", "eth0.100", "198.18.2.1/32", "");
	plan_link();
	ck_assert_str_eq(lines(), "sysctl net.ipv4.conf.all.arp_filter=1\n"
				  "sysctl net.ipv4.conf.all.rp_filter=2\n"
				  "sysctl net.ipv4.conf.eth0/100.arp_filter=1\n"
				  "sysctl net.ipv4.conf.eth0/100.rp_filter=2\n"
				  "route 2001:2:0:1::/64 dev a1 src 2001:2:0:1::1 table 20033\n"
				  "route default via fe80::1 dev a1 table 20033\n"
				  "rule from 2001:2:0:1::1/128 table 20033 priority 20033\n"
				  "rule from 198.18.2.1/32 table 20034 priority 20034\n");
}
END_TEST

START_TEST(used_ids_are_skipped)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "");
	add_path("198.18.2.1", "a2", "198.18.2.1/24", "");
	conf.path[1].table = 20034; /* configured: reserved before automatic choices */
	facts.table[facts.ntables++] = 20033;
	facts.priority[facts.npriorities++] = 20033;
	facts.priority[facts.npriorities++] = 20034;
	plan_link();
	ck_assert_uint_eq(nplan, 10);
	ck_assert_str_eq(strstr(lines(), "route"), "route 198.18.1.0/24 dev a1 src 198.18.1.1 table 20035\n"
						    "rule from 198.18.1.1/32 table 20035 priority 20035\n"
						    "route 198.18.2.0/24 dev a2 src 198.18.2.1 table 20034\n"
						    "rule from 198.18.2.1/32 table 20034 priority 20036\n");
}
END_TEST

START_TEST(configured_table_and_gateway)
{
	struct conf_path *p;

	add_path("198.18.1.1", "a1", "198.18.1.1/24", "198.18.1.254");
	p = add_path("198.18.1.3", "a1", "198.18.1.3/24", "198.18.1.254");
	p->table = 1000;
	ep(&p->gateway, "198.18.1.253");
	plan_link();
	ck_assert_str_eq(lines(), "route 198.18.1.0/24 dev a1 src 198.18.1.3 table 1000\n"
				  "route default via 198.18.1.253 dev a1 table 1000\n"
				  "rule from 198.18.1.3/32 table 1000 priority 20033\n");
}
END_TEST

START_TEST(host_setup_off)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "198.18.1.254");
	add_path("198.18.2.1", "a2", "198.18.2.1/24", "198.18.2.254");
	conf.host_setup = false;
	plan_link();
	ck_assert_uint_eq(nplan, 0);
}
END_TEST

START_TEST(forwarding)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "");
	add_address("198.19.0.1/30");
	conf.forwarding = true;
	plan_link();
	ck_assert_str_eq(lines(), "sysctl net.ipv4.ip_forward=1\n");
	add_address("fd00:4e41::1/64");
	nplan = 0;
	plan_link();
	ck_assert_str_eq(lines(), "sysctl net.ipv4.ip_forward=1\nsysctl net.ipv6.conf.all.forwarding=1\n");
	plan_link(); /* appending: no sysctl planned twice */
	ck_assert_uint_eq(nplan, 2);
}
END_TEST

START_TEST(link_errors)
{
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "");
	add_path("198.18.9.1", "", "", "");
	add_path("198.18.2.1", "a2", "198.18.2.1/24", "");
	ck_assert(!hostplan_link(&conf, &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "path p2: local address 198.18.9.1 is on no interface");
	setup();
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "");
	add_path("198.18.2.1", "a2", "198.18.2.1/24", "");
	ck_assert(!hostplan_link(&conf, &facts, plan, 3, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "more than 3 host changes");
	setup();
	add_path("198.18.1.1", "a1", "198.18.1.1/24", "")->table = 7;
	add_path("198.18.2.1", "a2", "198.18.2.1/24", "")->table = 7;
	ck_assert(!hostplan_link(&conf, &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "paths p1 and p2: both use table 7");
	setup();
	ep(&add_path("198.18.1.1", "a1", "198.18.1.1/24", "")->gateway, "2001:2::1");
	ck_assert(!hostplan_link(&conf, &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "path p1: gateway 2001:2::1 is not of the local address's family");
	setup();
	add_path("0.0.0.0", "", "", "")->table = 9;
	ck_assert(!hostplan_link(&conf, &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "path p1: table and gateway need a specific local address");
}
END_TEST

START_TEST(raw_sender)
{
	add_rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:5001");
	add_rule(CONF_ROLE_SENDER, "[2001:2:0:1::2]:80", "[2001:2:0:2::2]:8080");
	strcpy(facts.rule[0].out_dev, "a2");
	ep(&facts.rule[0].out_gateway, "198.18.2.254");
	strcpy(facts.rule[1].out_dev, "a2");
	facts.table[facts.ntables++] = 20034;
	plan_rule(0);
	plan_rule(1);
	/* The moved packets keep the primary source: ARP must ask with the secondary device's address. */
	ck_assert_str_eq(lines(), "sysctl net.ipv4.conf.all.arp_announce=2\n"
				  "route 198.18.2.2/32 via 198.18.2.254 dev a2 table 20033\n"
				  "rule fwmark 0x4e410001/0xffff0000 table 20033 priority 20033\n"
				  "filter ipv4 mangle OUTPUT -p tcp -d 198.18.1.2/32 --dport 5001 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 20033 --queue-bypass\n"
				  "route 2001:2:0:2::2/128 dev a2 table 20035\n"
				  "rule ipv6 fwmark 0x4e410001/0xffff0000 table 20035 priority 20034\n"
				  "filter ipv6 mangle OUTPUT -p tcp -d 2001:2:0:1::2/128 --dport 80 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 20033 --queue-bypass\n");
}
END_TEST

START_TEST(raw_receiver)
{
	add_rule(CONF_ROLE_RECEIVER, "198.18.1.2:5001", "198.18.2.2:5002");
	add_rule(CONF_ROLE_RECEIVER, "198.18.1.2:5003", "198.18.1.3:5003");
	add_rule(CONF_ROLE_RECEIVER, "[2001:2:0:1::2]:80", "[2001:2:0:2::2]:80");
	strcpy(facts.rule[0].primary_dev, "b1");
	strcpy(facts.rule[0].secondary_dev, "b2");
	strcpy(facts.rule[1].primary_dev, "b1");
	strcpy(facts.rule[1].secondary_dev, "b1");
	strcpy(facts.rule[2].primary_dev, "b1");
	strcpy(facts.rule[2].secondary_dev, "b2");
	conf.queue = 7;
	plan_rule(0);
	ck_assert_str_eq(lines(), "sysctl net.ipv4.conf.all.rp_filter=2\n"
				  "sysctl net.ipv4.conf.b1.rp_filter=2\n"
				  "sysctl net.ipv4.conf.b2.rp_filter=2\n"
				  "sysctl net.ipv4.conf.all.arp_filter=1\n"
				  "sysctl net.ipv4.conf.b1.arp_filter=1\n"
				  "sysctl net.ipv4.conf.b2.arp_filter=1\n"
				  "filter ipv4 raw PREROUTING -p tcp -d 198.18.2.2/32 --dport 5002 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 7 --queue-bypass\n");
	nplan = 0;
	plan_rule(1);
	plan_rule(2);
	ck_assert_str_eq(lines(), "sysctl net.ipv4.conf.all.rp_filter=2\n"
				  "sysctl net.ipv4.conf.b1.rp_filter=2\n"
				  "filter ipv4 raw PREROUTING -p tcp -d 198.18.1.3/32 --dport 5003 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 7 --queue-bypass\n"
				  "filter ipv6 raw PREROUTING -p tcp -d 2001:2:0:2::2/128 --dport 80 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 7 --queue-bypass\n");
}
END_TEST

START_TEST(link_then_rules_share_ids)
{
	add_rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:5001");
	strcpy(facts.rule[0].out_dev, "a2");
	conf.forwarding = true;
	plan_link();
	plan_rule(0);
	plan_rule(0); /* the same rule again: a second table, never a clash with the first */
	ck_assert_uint_eq(nplan, 8); /* the sysctl once */
	ck_assert_str_eq(lines(), "sysctl net.ipv4.ip_forward=1\n"
				  "sysctl net.ipv4.conf.all.arp_announce=2\n"
				  "route 198.18.2.2/32 dev a2 table 20033\n"
				  "rule fwmark 0x4e410001/0xffff0000 table 20033 priority 20033\n"
				  "filter ipv4 mangle OUTPUT -p tcp -d 198.18.1.2/32 --dport 5001 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 20033 --queue-bypass\n"
				  "route 198.18.2.2/32 dev a2 table 20034\n"
				  "rule fwmark 0x4e410001/0xffff0000 table 20034 priority 20034\n"
				  "filter ipv4 mangle OUTPUT -p tcp -d 198.18.1.2/32 --dport 5001 -m comment "
				  "--comment netagg:na0 -j NFQUEUE --queue-num 20033 --queue-bypass\n");
}
END_TEST

START_TEST(rule_errors)
{
	struct conf_rule other;

	add_rule(CONF_ROLE_SENDER, "198.18.1.2:5001", "198.18.2.2:5001");
	ck_assert(!hostplan_rule(&conf, &conf.rule[0], &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "rule 1: no route toward secondary 198.18.2.2");
	conf.rule[0].role = CONF_ROLE_RECEIVER;
	strcpy(facts.rule[0].primary_dev, "b1");
	ck_assert(!hostplan_rule(&conf, &conf.rule[0], &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "rule 1: secondary 198.18.2.2 is on no interface");
	other = conf.rule[0];
	ck_assert(!hostplan_rule(&conf, &other, &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "rule: not one of the config's rules");
	ep(&conf.rule[0].secondary, "[2001:2::2]:5001");
	ck_assert(!hostplan_rule(&conf, &conf.rule[0], &facts, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)));
	ck_assert_str_eq(err, "rule 1: primary and secondary need a port and the same family");
	ck_assert_uint_eq(nplan, 0);
	ck_assert_uint_eq(HOSTPLAN_SECONDARY_MARK, 0x4e410001u);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostchange");
	TCase *text = tcase_create("text");
	TCase *plans = tcase_create("plan");

	tcase_add_test(text, round_trip);
	tcase_add_test(text, lenient_input_canonical_output);
	tcase_add_test(text, fields);
	tcase_add_test(text, garbage);
	tcase_add_test(text, too_long);
	tcase_add_test(text, entries);
	suite_add_tcase(s, text);
	tcase_add_checked_fixture(plans, setup, NULL);
	tcase_add_test(plans, single_path_nothing);
	tcase_add_test(plans, two_paths_one_device_nothing);
	tcase_add_test(plans, two_devices);
	tcase_add_test(plans, two_devices_v6_and_dotted_device);
	tcase_add_test(plans, used_ids_are_skipped);
	tcase_add_test(plans, configured_table_and_gateway);
	tcase_add_test(plans, host_setup_off);
	tcase_add_test(plans, forwarding);
	tcase_add_test(plans, link_errors);
	tcase_add_test(plans, raw_sender);
	tcase_add_test(plans, raw_receiver);
	tcase_add_test(plans, link_then_rules_share_ids);
	tcase_add_test(plans, rule_errors);
	suite_add_tcase(s, plans);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
