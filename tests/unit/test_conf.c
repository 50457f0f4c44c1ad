/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config: good files of both modes, defaults, each error message with its line, print/parse round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "unit.h"

static const char good[] =
	"interface = \"na0\";\n"
	"mode = \"udp\";\n"
	"address = [ \"198.19.0.1/30\", \"fd00:4e41::1/64\" ];\n"
	"mtu = 1400;\n"
	"key_file = \"/etc/netagg/na0.key\";\n"
	"cipher = \"aes-256-gcm\";\n"
	"user = \"netagg\";\n"
	"paths = (\n"
	"  { name = \"primary\";   local = \"198.18.1.1\"; remote = \"198.18.1.2:5000\"; weight = 7500; },\n"
	"  { name = \"secondary\"; local = \"198.18.2.1\"; remote = \"198.18.2.2:5000\"; weight = 2500; "
	"device = \"eth1\"; }\n"
	");\n";

START_TEST(good_config)
{
	char err[CONF_ERR_MAX], text[ADDR_TEXT_MAX];
	struct conf c;

	ck_assert_msg(conf_parse(good, "t.conf", &c, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(c.interface, "na0");
	ck_assert_int_eq(c.mode, CONF_MODE_UDP);
	ck_assert_uint_eq(c.naddress, 2);
	ck_assert_str_eq(addr_format_prefix(&c.address[1], text, sizeof(text)), "fd00:4e41::1/64");
	ck_assert_uint_eq(c.mtu, 1400);
	ck_assert_uint_eq(c.probe_interval, CONF_PROBE_INTERVAL_DEFAULT);
	ck_assert_uint_eq(c.down_after, CONF_DOWN_AFTER_DEFAULT);
	ck_assert_uint_eq(c.fast_udp, CONF_FAST_UDP_DEFAULT);
	ck_assert(!c.path[0].backup);
	ck_assert_uint_eq(c.npaths, 2);
	ck_assert_str_eq(c.path[0].name, "primary");
	ck_assert_str_eq(addr_format(&c.path[0].local, text, sizeof(text)), "198.18.1.1");
	ck_assert_str_eq(addr_format(&c.path[0].remote, text, sizeof(text)), "198.18.1.2:5000");
	ck_assert_uint_eq(c.path[0].weight, 7500);
	ck_assert_str_eq(c.path[1].device, "eth1");
	ck_assert_str_eq(c.key_file, "/etc/netagg/na0.key");
	ck_assert_int_eq(c.cipher, CONF_CIPHER_AES256_GCM);
	ck_assert_str_eq(c.user, "netagg");
}
END_TEST

START_TEST(defaults_and_accepting_side)
{
	static const char text[] = "interface = \"nb0\";\n"
				   "key_file = \"nb0.key\";\n"
				   "address = \"198.19.0.2/30\";\n"
				   "paths = ( { local = \"198.18.1.2:5000\"; }, { local = \"[2001:2::2]:5000\"; } );\n";
	char err[CONF_ERR_MAX];
	struct conf c;

	ck_assert_msg(conf_parse(text, "t.conf", &c, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(c.path[0].name, "path1");
	ck_assert_str_eq(c.path[1].name, "path2");
	ck_assert_uint_eq(c.path[0].weight, 1);
	ck_assert_uint_eq(c.path[0].remote.len, 0);
	ck_assert_uint_eq(c.mtu, 0);
	ck_assert_uint_eq(c.naddress, 1);
	ck_assert_str_eq(c.key_file, "nb0.key"); /* no file to be relative to */
	ck_assert_int_eq(c.cipher, CONF_CIPHER_AUTO);
	ck_assert_str_eq(c.user, CONF_USER_DEFAULT);
}
END_TEST

static const char raw[] = "interface = \"raw0\";\n"
			  "mode = \"raw\";\n"
			  "rules = (\n"
			  "  { role = \"sender\"; primary = \"10.0.0.11:1234\"; secondary = \"10.0.0.12:1234\";"
			  " ratio = \"7500:2500\"; },\n"
			  "  { role = \"receiver\"; primary = \"[2001:2::1]:80\"; secondary = \"[2001:2::2]:80\"; }\n"
			  ");\n";

START_TEST(raw_mode)
{
	char err[CONF_ERR_MAX], text[ADDR_TEXT_MAX];
	struct conf c;

	ck_assert_msg(conf_parse(raw, "t.conf", &c, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(c.interface, "raw0");
	ck_assert_int_eq(c.mode, CONF_MODE_RAW);
	ck_assert_uint_eq(c.queue, CONF_QUEUE_DEFAULT);
	ck_assert(c.host_setup);
	ck_assert(!c.forwarding);
	ck_assert_str_eq(c.user, CONF_USER_DEFAULT);
	ck_assert_uint_eq(c.nrules, 2);
	ck_assert_int_eq(c.rule[0].role, CONF_ROLE_SENDER);
	ck_assert_str_eq(addr_format(&c.rule[0].primary, text, sizeof(text)), "10.0.0.11:1234");
	ck_assert_str_eq(addr_format(&c.rule[0].secondary, text, sizeof(text)), "10.0.0.12:1234");
	ck_assert_uint_eq(c.rule[0].weight_primary, 7500);
	ck_assert_uint_eq(c.rule[0].weight_secondary, 2500);
	ck_assert_int_eq(c.rule[1].role, CONF_ROLE_RECEIVER);
	ck_assert_str_eq(addr_format(&c.rule[1].secondary, text, sizeof(text)), "[2001:2::2]:80");
	ck_assert_uint_eq(c.rule[1].weight_primary, 1); /* 1:1 when not given */
	ck_assert_uint_eq(c.rule[1].weight_secondary, 1);
	/* what only udp mode uses stays empty */
	ck_assert_uint_eq(c.npaths, 0);
	ck_assert_uint_eq(c.naddress, 0);
	ck_assert_str_eq(c.key_file, "");
	ck_assert_uint_eq(c.rekey_interval, 0);
}
END_TEST

START_TEST(raw_mode_settings)
{
	static const char text[] = "interface = \"raw1\"; mode = \"raw\"; queue = 0; host_setup = false; forwarding = true;\n"
				   "user = \"root\";\n"
				   "rules = ( { role = \"receiver\"; primary = \"10.0.0.11:1234\"; secondary = \"10.0.0.12:1234\";"
				   " ratio = \"3:1\"; },\n"
				   "          { role = \"sender\"; primary = \"10.0.0.11:1234\"; secondary = \"10.0.0.12:1234\"; } );\n";
	char err[CONF_ERR_MAX];
	struct conf c;

	ck_assert_msg(conf_parse(text, "t.conf", &c, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(c.queue, 0);
	ck_assert(!c.host_setup);
	ck_assert(c.forwarding);
	ck_assert_str_eq(c.user, "root");
	ck_assert_uint_eq(c.rule[0].weight_primary, 3); /* accepted on a receiver too */
	ck_assert_uint_eq(c.rule[0].weight_secondary, 1);
	ck_assert_int_eq(c.rule[1].role, CONF_ROLE_SENDER); /* the same pair in both roles is fine */
}
END_TEST

START_TEST(path_routing)
{
	static const char text[] = "interface = \"na0\"; key_file = \"/k\"; forwarding = true;\n"
				   "paths = ( { local = \"198.18.1.1\"; remote = \"198.18.1.2:5000\"; table = 100;"
				   " gateway = \"198.18.1.254\"; },\n"
				   "          { local = \"2001:2::1\"; remote = \"[2001:2::2]:5000\"; table = 4294967294L;"
				   " gateway = \"fe80::1\"; },\n"
				   "          { local = \"198.18.3.1:5000\"; table = 0; } );\n";
	char err[CONF_ERR_MAX], buf[ADDR_TEXT_MAX];
	struct conf c;

	ck_assert_msg(conf_parse(text, "t.conf", &c, err, sizeof(err)), "%s", err);
	ck_assert(c.host_setup);
	ck_assert(c.forwarding);
	ck_assert_uint_eq(c.path[0].table, 100);
	ck_assert_str_eq(addr_format(&c.path[0].gateway, buf, sizeof(buf)), "198.18.1.254");
	ck_assert_uint_eq(addr_port(&c.path[0].gateway), 0);
	ck_assert_uint_eq(c.path[1].table, 0xfffffffeu);
	ck_assert_str_eq(addr_format(&c.path[1].gateway, buf, sizeof(buf)), "fe80::1");
	ck_assert_uint_eq(c.path[2].table, 0); /* automatic */
	ck_assert_uint_eq(c.path[2].gateway.len, 0);
	ck_assert_uint_eq(c.queue, 0); /* raw mode only */
	ck_assert_uint_eq(c.nrules, 0);
}
END_TEST

/* Each bad config and the exact message it must produce. */
static const struct {
	const char *text, *message;
} bad[] = {
	{ "interface = \"na0\";\npaths = ( { = 1 } );\n", "bad.conf:2: syntax error" },
	{ "paths = ( { local = \"198.18.1.2:5000\"; } );\n",
	  "bad.conf: missing 'interface' (the name of the TUN device, e.g. \"na0\")" },
	{ "interface = \"na0\";\n", "bad.conf: missing 'paths' (a list of 1 to 8 paths)" },
	{ "interface = \"this-name-is-too-long\";\n",
	  "bad.conf:1: interface \"this-name-is-too-long\" must be 1 to 15 characters of A-Z a-z 0-9 . _ -" },
	{ "interface = \"a/b\";\n", "bad.conf:1: interface \"a/b\" must be 1 to 15 characters of A-Z a-z 0-9 . _ -" },
	{ "interface = 7;\n", "bad.conf:1: interface must be a string" },
	{ "interface = \"na0\";\nmode = \"tcp\";\n", "bad.conf:2: mode must be \"udp\" or \"raw\", not \"tcp\"" },
	{ "interface = \"na0\";\nfoo = 1;\n", "bad.conf:2: unknown key 'foo'" },
	{ "interface = \"na0\";\naddress = [ \"198.19.0.1\" ];\n",
	  "bad.conf:2: address \"198.19.0.1\": a prefix length is required (ADDR/LEN)" },
	{ "interface = \"na0\";\naddress = [ \"198.19.0.1/33\" ];\n",
	  "bad.conf:2: address \"198.19.0.1/33\": prefix length must be 0 to 32" },
	{ "interface = \"na0\";\naddress = [ \"x/3\" ];\n",
	  "bad.conf:2: address \"x/3\": not an IPv4 or IPv6 address" },
	{ "interface = \"na0\";\naddress = 5;\n", "bad.conf:2: address must be a string or an array of strings" },
	{ "interface = \"na0\";\nmtu = 100;\n", "bad.conf:2: mtu 100 is out of range (576 to 9000)" },
	{ "interface = \"na0\";\nmtu = \"big\";\n", "bad.conf:2: mtu must be an integer from 576 to 9000" },
	{ "interface = \"na0\";\naddress = \"fd00:4e41::1/64\";\nmtu = 1000;\n",
	  "bad.conf:3: mtu 1000 is below 1280, the least IPv6 allows, and the tunnel has an IPv6 address" },
	{ "interface = \"na0\";\nprobe_interval = 5;\n", "bad.conf:2: probe_interval 5 is out of range (10 to 60000)" },
	{ "interface = \"na0\";\nfast_udp = 9001;\npaths = ( { local = \"198.18.1.1:5\"; } );\n",
	  "bad.conf:2: fast_udp 9001 is out of range (0 to 9000)" },
	{ "interface = \"na0\";\nmode = \"raw\";\nfast_udp = 0;\n", "bad.conf:3: fast_udp is not used in raw mode" },
	{ "interface = \"na0\";\nprobe_interval = 100;\ndown_after = 150;\n",
	  "bad.conf:3: down_after (150 ms) must be at least twice probe_interval (100 ms), so that one lost probe "
	  "does not take a path down" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; backup = 1; }\n);\n",
	  "bad.conf:3: backup must be true or false" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; probe_interval = 0; }\n);\n",
	  "bad.conf:3: probe_interval 0 is out of range (10 to 60000)" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; name = \"lte\";\n"
	  "    probe_interval = 1000; down_after = 1500; }\n);\n",
	  "bad.conf:4: path 'lte': down_after (1500 ms) must be at least twice probe_interval (1000 ms), so that one "
	  "lost probe does not take the path down" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; down_after = 150; }\n);\n",
	  "bad.conf:3: path 'path1': down_after (150 ms) must be at least twice the link's probe_interval (100 ms), so "
	  "that one lost probe does not take the path down" },
	{ "interface = \"na0\";\npaths = ();\n", "bad.conf:2: paths must hold 1 to 8 entries, not 0" },
	{ "interface = \"na0\";\npaths = { };\n", "bad.conf:2: paths must be a list ( { ... }, { ... } )" },
	{ "interface = \"na0\";\npaths = ( 1 );\n", "bad.conf:2: each entry of 'paths' must be a group { ... }" },
	{ "interface = \"na0\";\npaths = (\n  { name = \"a\"; }\n);\n",
	  "bad.conf:3: path 'a' needs 'local' (its local address)" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1\"; }\n);\n",
	  "bad.conf:3: path 'path1' has no 'remote', so 'local' needs a port to listen on" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1\";\n    remote = \"198.18.1.2\"; }\n);\n",
	  "bad.conf:4: remote \"198.18.1.2\": a port is required (ADDR:PORT or [ADDR]:PORT)" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1\"; remote = \"198.18.1.2:70000\"; }\n);\n",
	  "bad.conf:3: remote \"198.18.1.2:70000\": port must be a number from 1 to 65535" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1\"; remote = \"[2001:2::1]:5\"; }\n);\n",
	  "bad.conf:3: remote and local of path 'path1' must both be IPv4 or both IPv6" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\";\n    weight = \"x\"; }\n);\n",
	  "bad.conf:4: weight must be an integer from 1 to 65535" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; weight = 0; }\n);\n",
	  "bad.conf:3: weight 0 is out of range (1 to 65535)" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; wieght = 3; }\n);\n",
	  "bad.conf:3: unknown key 'wieght'" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; },\n  { local = \"198.18.1.1:5\"; }\n);\n",
	  "bad.conf:4: paths 'path1' and 'path2' have the same local address and port" },
	{ "interface = \"na0\";\npaths = (\n  { name = \"a\"; local = \"198.18.1.1:5\"; },\n"
	  "  { name = \"a\"; local = \"198.18.1.1:6\"; }\n);\n",
	  "bad.conf:4: path name 'a' is used twice" },
	{ "interface = \"na0\";\npaths = ( { local = \"198.18.1.1:5\"; } );\n",
	  "bad.conf: missing 'key_file': mode \"udp\" authenticates and encrypts every packet with a pre-shared key "
	  "(make one with: netagg genkey)" },
	{ "interface = \"na0\";\npaths = ( { local = \"198.18.1.1:5\"; } );\nkey_file = \"k\";\ncipher = \"rot13\";\n",
	  "bad.conf:4: cipher must be \"auto\", \"chacha20-poly1305\" or \"aes-256-gcm\", not \"rot13\"" },
	{ "interface = \"na0\";\npaths = ( { local = \"198.18.1.1:5\"; } );\nkey_file = \"a\\\"b\";\n",
	  "bad.conf:3: key_file must be a path without quotes, backslashes or newlines" },
	{ "interface = \"na0\";\npaths = ( { local = \"198.18.1.1:5\"; } );\nkey_file = \"k\";\nuser = \"a:b\";\n",
	  "bad.conf:4: user \"a:b\" is not a valid user name" },
	{ "interface = \"na0\";\npaths = ( {local=\"1:5\";},{local=\"1:6\";},{local=\"1:7\";},{local=\"1:8\";},"
	  "{local=\"1:9\";},{local=\"1:10\";},{local=\"1:11\";},{local=\"1:12\";},{local=\"1:13\";} );\n",
	  "bad.conf:2: paths must hold 1 to 8 entries, not 9" },
	/* host set-up, both modes */
	{ "interface = \"na0\";\nhost_setup = 1;\n", "bad.conf:2: host_setup must be true or false" },
	{ "interface = \"na0\";\nmode = \"raw\";\nforwarding = \"yes\";\n", "bad.conf:3: forwarding must be true or false" },
	/* per path routing */
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\";\n    table = 253; }\n);\n",
	  "bad.conf:4: table 253 is the kernel's default table; choose another or leave it out" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; table = 254; }\n);\n",
	  "bad.conf:3: table 254 is the kernel's main table; choose another or leave it out" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; table = 255; }\n);\n",
	  "bad.conf:3: table 255 is the kernel's local table; choose another or leave it out" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; table = 4294967295L; }\n);\n",
	  "bad.conf:3: table 4294967295 is out of range (0 to 4294967294)" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; table = 4294967294; }\n);\n",
	  "bad.conf:3: table -2 is out of range (0 to 4294967294; write a table above 2147483647 with an L suffix, "
	  "e.g. 4294967294L)" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; table = \"main\"; }\n);\n",
	  "bad.conf:3: table must be an integer from 0 to 4294967294" },
	{ "interface = \"na0\";\npaths = (\n  { name = \"a\"; local = \"198.18.1.1:5\"; table = 7; },\n"
	  "  { name = \"b\"; local = \"198.18.1.1:6\"; table = 7; }\n);\n",
	  "bad.conf:4: paths 'a' and 'b' use the same table 7" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\";\n    gateway = \"198.18.1.254:53\"; }\n);\n",
	  "bad.conf:4: gateway \"198.18.1.254:53\": no port allowed here" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; gateway = \"router\"; }\n);\n",
	  "bad.conf:3: gateway \"router\": not an IPv4 or IPv6 address" },
	{ "interface = \"na0\";\npaths = (\n  { name = \"x\"; local = \"[2001:2::1]:5\"; gateway = \"198.18.1.254\"; }\n);\n",
	  "bad.conf:3: gateway \"198.18.1.254\" and local of path 'x' must both be IPv4 or both IPv6" },
	/* keys of the other mode, at their own line */
	{ "interface = \"r0\";\nmode = \"raw\";\npaths = ();\n", "bad.conf:3: paths is not used in raw mode" },
	{ "interface = \"r0\";\nmode = \"raw\";\n\naddress = \"198.19.0.1/30\";\n", "bad.conf:4: address is not used in raw mode" },
	{ "interface = \"r0\";\nmode = \"raw\";\nmtu = 1400;\n", "bad.conf:3: mtu is not used in raw mode" },
	{ "interface = \"r0\";\nmode = \"raw\";\nkey_file = \"k\";\n", "bad.conf:3: key_file is not used in raw mode" },
	{ "interface = \"r0\";\nmode = \"raw\";\ncipher = \"auto\";\n", "bad.conf:3: cipher is not used in raw mode" },
	{ "interface = \"r0\";\nrekey_interval = 60;\nmode = \"raw\";\n",
	  "bad.conf:2: rekey_interval is not used in raw mode" },
	{ "interface = \"na0\";\nmode = \"udp\";\nrules = ();\n", "bad.conf:3: rules is not used in udp mode" },
	{ "interface = \"na0\";\nqueue = 1;\n", "bad.conf:2: queue is not used in udp mode" },
	/* raw mode */
	{ "mode = \"raw\";\nrules = ();\n", "bad.conf: missing 'interface' (the name of the instance, e.g. \"na0\")" },
	{ "interface = \"r0\";\nmode = \"raw\";\n", "bad.conf: missing 'rules' (a list of 1 to 16 rules)" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = ();\n", "bad.conf:3: rules must hold 1 to 16 entries, not 0" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = { };\n", "bad.conf:3: rules must be a list ( { ... }, { ... } )" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = ( \"x\" );\n",
	  "bad.conf:3: each entry of 'rules' must be a group { ... }" },
	{ "interface = \"r0\";\nmode = \"raw\";\nqueue = -1;\n", "bad.conf:3: queue -1 is out of range (0 to 65535)" },
	{ "interface = \"r0\";\nmode = \"raw\";\nqueue = 65536;\n", "bad.conf:3: queue 65536 is out of range (0 to 65535)" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { primary = \"10.0.0.1:1\"; }\n);\n",
	  "bad.conf:4: rule 1 needs 'role' (\"sender\" or \"receiver\")" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"Sender\"; }\n);\n",
	  "bad.conf:4: role must be \"sender\" or \"receiver\", not \"Sender\"" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; secondary = \"10.0.0.2:1\"; }\n);\n",
	  "bad.conf:4: rule 1 needs 'primary' (ADDR:PORT or [ADDR]:PORT)" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:1\"; }\n);\n",
	  "bad.conf:4: rule 1 needs 'secondary' (ADDR:PORT or [ADDR]:PORT)" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:1\";\n"
	  "    secondary = \"10.0.0.2\"; }\n);\n",
	  "bad.conf:5: secondary \"10.0.0.2\": a port is required (ADDR:PORT or [ADDR]:PORT)" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:0\";"
	  " secondary = \"10.0.0.2:1\"; }\n);\n",
	  "bad.conf:4: primary \"10.0.0.1:0\": port must be a number from 1 to 65535" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:1\";"
	  " secondary = \"[2001:2::1]:1\"; }\n);\n",
	  "bad.conf:4: primary \"10.0.0.1:1\" and secondary \"[2001:2::1]:1\" of rule 1 must both be IPv4 or both IPv6" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"[2001:2::1]:1\";"
	  " secondary = \"[2001:2:0::1]:1\"; }\n);\n",
	  "bad.conf:4: primary and secondary of rule 1 are the same, \"[2001:2:0::1]:1\"" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:1\";"
	  " secondary = \"10.0.0.2:1\"; wieght = 1; }\n);\n",
	  "bad.conf:4: unknown key 'wieght'" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:1\";"
	  " secondary = \"10.0.0.2:1\"; ratio = 3; }\n);\n",
	  "bad.conf:4: ratio must be a string" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n"
	  "  { role = \"sender\"; primary = \"10.0.0.1:1\"; secondary = \"10.0.0.2:1\"; },\n"
	  "  { role = \"receiver\"; primary = \"10.0.0.1:1\"; secondary = \"10.0.0.2:1\"; },\n"
	  "  { role = \"sender\"; primary = \"10.0.0.1:1\"; secondary = \"10.0.0.3:1\"; }\n);\n",
	  "bad.conf:6: rules 1 and 3 are both sender rules for primary \"10.0.0.1:1\"" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = (\n"
	  "  { role = \"receiver\"; primary = \"10.0.0.1:1\"; secondary = \"10.0.0.2:1\"; },\n"
	  "  { role = \"receiver\"; primary = \"10.0.0.1:2\"; secondary = \"10.0.0.2:1\"; }\n);\n",
	  "bad.conf:5: rules 1 and 2 are both receiver rules with secondary \"10.0.0.2:1\"" },
	{ "interface = \"r0\";\nmode = \"raw\";\nrules = ("
	  "{role=\"sender\";primary=\"1.0.0.1:1\";secondary=\"2.0.0.1:1\";},{role=\"sender\";primary=\"1.0.0.2:1\";secondary=\"2.0.0.2:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.3:1\";secondary=\"2.0.0.3:1\";},{role=\"sender\";primary=\"1.0.0.4:1\";secondary=\"2.0.0.4:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.5:1\";secondary=\"2.0.0.5:1\";},{role=\"sender\";primary=\"1.0.0.6:1\";secondary=\"2.0.0.6:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.7:1\";secondary=\"2.0.0.7:1\";},{role=\"sender\";primary=\"1.0.0.8:1\";secondary=\"2.0.0.8:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.9:1\";secondary=\"2.0.0.9:1\";},{role=\"sender\";primary=\"1.0.0.10:1\";secondary=\"2.0.0.10:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.11:1\";secondary=\"2.0.0.11:1\";},{role=\"sender\";primary=\"1.0.0.12:1\";secondary=\"2.0.0.12:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.13:1\";secondary=\"2.0.0.13:1\";},{role=\"sender\";primary=\"1.0.0.14:1\";secondary=\"2.0.0.14:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.15:1\";secondary=\"2.0.0.15:1\";},{role=\"sender\";primary=\"1.0.0.16:1\";secondary=\"2.0.0.16:1\";},"
	  "{role=\"sender\";primary=\"1.0.0.17:1\";secondary=\"2.0.0.17:1\";} );\n",
	  "bad.conf:3: rules must hold 1 to 16 entries, not 17" },
};

/* Each malformed ratio, in a sender rule on line 4, and the reason given for it. */
static const struct {
	const char *ratio, *why;
} bad_ratio[] = {
	{ "0:0", "each weight must be from 1 to 65535" },
	{ "1:0", "each weight must be from 1 to 65535" },
	{ "0:1", "each weight must be from 1 to 65535" },
	{ "70000:1", "each weight must be from 1 to 65535" },
	{ "1:65536", "each weight must be from 1 to 65535" },
	{ "99999999999999999999:1", "each weight must be from 1 to 65535" },
	{ "a:b", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "7500", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "7500:", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ ":2500", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "1:2:3", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "-1:2", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "+1:2", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ " 1:2", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "1 :2", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
	{ "", "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500" },
};

START_TEST(bad_ratios)
{
	char text[512], err[CONF_ERR_MAX], expect[CONF_ERR_MAX];
	struct conf c;

	snprintf(text, sizeof(text),
		 "interface = \"r0\";\nmode = \"raw\";\nrules = (\n  { role = \"sender\"; primary = \"10.0.0.1:1\"; "
		 "secondary = \"10.0.0.2:1\";\n    ratio = \"%s\"; }\n);\n",
		 bad_ratio[_i].ratio);
	snprintf(expect, sizeof(expect), "bad.conf:5: ratio \"%s\": %s", bad_ratio[_i].ratio, bad_ratio[_i].why);
	ck_assert_msg(!conf_parse(text, "bad.conf", &c, err, sizeof(err)), "ratio '%s' was accepted", bad_ratio[_i].ratio);
	ck_assert_str_eq(err, expect);
}
END_TEST

START_TEST(ratio_parser)
{
	uint32_t p = 0, s = 0;
	char why[128];

	ck_assert(conf_parse_ratio("7500:2500", &p, &s, why, sizeof(why)));
	ck_assert_uint_eq(p, 7500);
	ck_assert_uint_eq(s, 2500);
	ck_assert(conf_parse_ratio("65535:1", &p, &s, why, sizeof(why)));
	ck_assert_uint_eq(p, 65535);
	ck_assert_uint_eq(s, 1);
	ck_assert(conf_parse_ratio("007:010", &p, &s, why, sizeof(why)));
	ck_assert_uint_eq(p, 7);
	ck_assert_uint_eq(s, 10);
	p = s = 42;
	ck_assert(!conf_parse_ratio("0:0", &p, &s, why, sizeof(why)));
	ck_assert_uint_eq(p, 42); /* untouched on error */
	ck_assert_str_eq(why, "each weight must be from 1 to 65535");
	ck_assert(!conf_parse_ratio("x", &p, &s, why, sizeof(why)));
	ck_assert_str_eq(why, "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500");
	ck_assert_str_eq(conf_role_name(CONF_ROLE_SENDER), "sender");
	ck_assert_str_eq(conf_role_name(CONF_ROLE_RECEIVER), "receiver");
}
END_TEST

START_TEST(bad_configs)
{
	char err[CONF_ERR_MAX];
	struct conf c;

	ck_assert_msg(!conf_parse(bad[_i].text, "bad.conf", &c, err, sizeof(err)), "case %d was accepted", _i);
	ck_assert_str_eq(err, bad[_i].message);
}
END_TEST

static void round_trip_text(const char *text)
{
	char err[CONF_ERR_MAX], *printed = NULL;
	size_t len = 0;
	struct conf a, b;
	FILE *out = open_memstream(&printed, &len);

	ck_assert_msg(conf_parse(text, "a.conf", &a, err, sizeof(err)), "%s", err);
	conf_print(out, &a);
	fclose(out);
	ck_assert_msg(conf_parse(printed, "b.conf", &b, err, sizeof(err)), "%s\n%s", err, printed);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(printed);
}

START_TEST(print_parse_round_trip)
{
	round_trip_text(good);
	round_trip_text("interface = \"x\"; probe_interval = 250; key_file = \"/k\";\n"
			"paths = ( { local = \"[2001:2::2]:5000\"; }, { local = \"2001:2::1\"; remote = \"[2001:2::9]:1\"; } );\n");
	round_trip_text(raw);
	round_trip_text("interface = \"r\"; mode = \"raw\"; queue = 0; host_setup = false; forwarding = true;\n"
			"rules = ( { role = \"receiver\"; primary = \"[2001:2::1]:1\"; secondary = \"[2001:2::1]:2\";"
			" ratio = \"065535:1\"; } );\n");
	round_trip_text("interface = \"x\"; key_file = \"/k\"; host_setup = false; forwarding = true;\n"
			"paths = ( { local = \"198.18.1.1:5\"; table = 2147483647; gateway = \"198.18.1.254\"; },\n"
			"          { local = \"198.18.2.1:5\"; table = 2147483648L; },\n"
			"          { local = \"2001:2::1\"; remote = \"[2001:2::9]:1\"; table = 4294967294L;"
			" gateway = \"2001:2::fe\"; } );\n");
	round_trip_text("interface = \"x\"; key_file = \"/k\"; fast_udp = 0;\n"
			"paths = ( { local = \"198.18.1.1:5\"; } );\n");
	round_trip_text("interface = \"x\"; key_file = \"/k\"; down_after = 400;\n"
			"paths = ( { local = \"198.18.1.1:5\"; probe_interval = 1000; },\n"
			"          { local = \"198.18.2.1:5\"; down_after = 2000; },\n"
			"          { local = \"198.18.3.1:5\"; probe_interval = 100; down_after = 400; } );\n");
}
END_TEST

START_TEST(load_from_file)
{
	char path[] = "/tmp/netagg-test-XXXXXX", err[CONF_ERR_MAX], expect[CONF_ERR_MAX + 64];
	struct conf c;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, good, sizeof(good) - 1), (ssize_t)sizeof(good) - 1);
	close(fd);
	ck_assert_msg(conf_load(path, &c, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(c.path[1].name, "secondary");
	unlink(path);
	ck_assert(!conf_load(path, &c, err, sizeof(err)));
	snprintf(expect, sizeof(expect), "%s: cannot open: No such file or directory", path);
	ck_assert_str_eq(err, expect);
}
END_TEST

START_TEST(probing_defaults_follow_the_interval)
{
	char err[CONF_ERR_MAX];
	struct conf c;

	ck_assert(conf_parse("interface = \"x\"; key_file = \"/k\"; probe_interval = 500;\n"
			     "paths = ( { local = \"198.18.1.1:5\"; backup = true; } );\n",
			     "t.conf", &c, err, sizeof(err)));
	ck_assert_uint_eq(c.down_after, 1500); /* three intervals when that is more than the default */
	ck_assert(c.path[0].backup);
	ck_assert_uint_eq(c.path[0].probe_interval, 500); /* a path without its own takes the link's */
	ck_assert_uint_eq(c.path[0].down_after, 1500);
}
END_TEST

/* A metered backup probed slowly while the other paths keep the link's pace. */
START_TEST(a_path_may_probe_at_its_own_pace)
{
	char err[CONF_ERR_MAX];
	struct conf c;

	ck_assert_msg(conf_parse("interface = \"x\"; key_file = \"/k\"; down_after = 400;\n"
				 "paths = ( { local = \"198.18.1.1:5\"; },\n"
				 "          { local = \"198.18.2.1:5\"; backup = true; probe_interval = 1000; },\n"
				 "          { local = \"198.18.3.1:5\"; probe_interval = 50; },\n"
				 "          { local = \"198.18.4.1:5\"; probe_interval = 1000; down_after = 2500; },\n"
				 "          { local = \"198.18.5.1:5\"; down_after = 900; } );\n",
				 "t.conf", &c, err, sizeof(err)),
		      "%s", err);
	ck_assert_uint_eq(c.path[0].probe_interval, 100);
	ck_assert_uint_eq(c.path[0].down_after, 400);
	/* three of its own probes, when that is longer than the link's down_after */
	ck_assert_uint_eq(c.path[1].probe_interval, 1000);
	ck_assert_uint_eq(c.path[1].down_after, 3000);
	ck_assert_uint_eq(c.path[2].probe_interval, 50);
	ck_assert_uint_eq(c.path[2].down_after, 400);
	ck_assert_uint_eq(c.path[3].down_after, 2500);
	ck_assert_uint_eq(c.path[4].probe_interval, 100);
	ck_assert_uint_eq(c.path[4].down_after, 900);
	ck_assert_uint_eq(c.probe_interval, 100); /* the link's own stay as they were */
	ck_assert_uint_eq(c.down_after, 400);
}
END_TEST

START_TEST(reload_check)
{
	char err[CONF_ERR_MAX], why[128];
	struct conf a, b;

	ck_assert(conf_parse(good, "a.conf", &a, err, sizeof(err)));
	b = a;
	b.path[0].weight = 1;
	b.probe_interval = 50;
	b.down_after = 200;
	b.path[1].probe_interval = 1000;
	b.path[1].down_after = 3000;
	b.path[1].backup = true;
	b.rekey_interval = 30;
	b.cipher = CONF_CIPHER_CHACHA20_POLY1305;
	ck_assert_msg(conf_reload_check(&a, &b, why, sizeof(why)), "%s", why);
	b = a;
	b.mtu = 1300;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing mtu needs a restart (netagg down, then up)");
	b = a;
	addr_set_port(&b.path[1].remote, 6000);
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing paths (a name, local, remote or device) needs a restart (netagg down, then up)");
	b = a;
	strcpy(b.key_file, "/other.key");
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing key_file needs a restart (netagg down, then up)");
	b = a;
	b.host_setup = !a.host_setup;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing host_setup needs a restart (netagg down, then up)");
	b = a;
	b.forwarding = !a.forwarding;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing forwarding needs a restart (netagg down, then up)");
	b = a;
	b.path[1].table = 100;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing paths (a table or gateway) needs a restart (netagg down, then up)");
	b = a;
	ck_assert(addr_parse("198.18.2.254", -1, &b.path[1].gateway, why, sizeof(why)));
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing paths (a table or gateway) needs a restart (netagg down, then up)");
}
END_TEST

START_TEST(reload_check_raw)
{
	char err[CONF_ERR_MAX], why[128];
	struct conf a, b;

	ck_assert(conf_parse(raw, "a.conf", &a, err, sizeof(err)));
	b = a;
	b.probe_interval = 50;
	ck_assert_msg(conf_reload_check(&a, &b, why, sizeof(why)), "%s", why);
	b = a;
	b.queue = 1;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing queue needs a restart (netagg down, then up)");
	b = a;
	b.nrules = 1;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing rules (their number) needs a restart (netagg down, then up)");
	b = a;
	b.rule[0].weight_secondary = 2501;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing rules needs a restart (netagg down, then up)");
	b = a;
	b.rule[1].role = CONF_ROLE_SENDER;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing rules needs a restart (netagg down, then up)");
	b = a;
	addr_set_port(&b.rule[1].primary, 81);
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing rules needs a restart (netagg down, then up)");
	b = a;
	b.mode = CONF_MODE_UDP;
	ck_assert(!conf_reload_check(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "changing mode needs a restart (netagg down, then up)");
}
END_TEST

START_TEST(relative_key_file_follows_the_config)
{
	char dir[] = "/tmp/netagg-conf-XXXXXX", path[64], err[CONF_ERR_MAX], expect[80];
	static const char text[] = "interface = \"na0\"; key_file = \"keys/na0.key\";\n"
				   "paths = ( { local = \"198.18.1.1:5\"; } );\n";
	struct conf c;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/na0.conf", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	ck_assert_msg(conf_load(path, &c, err, sizeof(err)), "%s", err);
	snprintf(expect, sizeof(expect), "%s/keys/na0.key", dir);
	ck_assert_str_eq(c.key_file, expect);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, good_config);
	tcase_add_test(tc, defaults_and_accepting_side);
	tcase_add_loop_test(tc, bad_configs, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, print_parse_round_trip);
	tcase_add_test(tc, load_from_file);
	tcase_add_test(tc, relative_key_file_follows_the_config);
	tcase_add_test(tc, reload_check);
	tcase_add_test(tc, probing_defaults_follow_the_interval);
	tcase_add_test(tc, a_path_may_probe_at_its_own_pace);
	tcase_add_test(tc, raw_mode);
	tcase_add_test(tc, raw_mode_settings);
	tcase_add_test(tc, path_routing);
	tcase_add_loop_test(tc, bad_ratios, 0, sizeof(bad_ratio) / sizeof(bad_ratio[0]));
	tcase_add_test(tc, ratio_parser);
	tcase_add_test(tc, reload_check_raw);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
