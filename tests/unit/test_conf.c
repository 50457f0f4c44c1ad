/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config: a good file, defaults, each error message with its line, and print/parse round trips. */
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
	{ "interface = \"na0\";\nmode = \"raw\";\n", "bad.conf:2: mode \"raw\" is not available in this version of netagg" },
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
	{ "interface = \"na0\";\nprobe_interval = 100;\ndown_after = 150;\n",
	  "bad.conf:3: down_after (150 ms) must be at least twice probe_interval (100 ms), so that one lost probe "
	  "does not take a path down" },
	{ "interface = \"na0\";\npaths = (\n  { local = \"198.18.1.1:5\"; backup = 1; }\n);\n",
	  "bad.conf:3: backup must be true or false" },
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
};

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
	suite_add_tcase(s, tc);
	return unit_run(s);
}
