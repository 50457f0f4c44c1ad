/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setupctl: drives the journalled host set-up from shell tests.
 *
 *   setupctl plan                      read change lines on stdin, print those that would change something
 *   setupctl apply JOURNAL [GROUP]     read change lines on stdin, apply them under JOURNAL (group "link")
 *   setupctl undo JOURNAL [GROUP]      undo GROUP's entries (all without GROUP)
 *   setupctl pending JOURNAL [GROUP]   print how many entries JOURNAL holds
 *   setupctl link [-f] LOCAL...        gather facts, print the udp-mode plan for paths from LOCAL
 *                                      addresses (-f: forwarding); an "=TABLE" suffix sets a table
 *   setupctl rule sender|receiver PRIMARY SECONDARY   the same for one raw-mode rule
 *
 * Change lines are hostchange_format's text; blank lines and lines starting with '#' are
 * skipped. Exit 0 ok, 1 error, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostfacts.h"
#include "hostplan.h"
#include "setup.h"

static struct hostchange plan[HOSTCHANGE_PLAN_MAX];
static size_t nplan;
static char err[1024];

static int usage(void)
{
	fprintf(stderr, "usage: setupctl plan | apply JOURNAL [GROUP] | undo JOURNAL [GROUP] | pending JOURNAL [GROUP]\n"
			"       setupctl link [-f] LOCAL[=TABLE]... | rule sender|receiver PRIMARY SECONDARY\n");
	return 2;
}

static int die(const char *what)
{
	fprintf(stderr, "setupctl: %s\n", what);
	return 1;
}

static bool read_plan(void)
{
	char line[HOSTCHANGE_TEXT_MAX + 2], why[256];
	unsigned no = 0;

	while (fgets(line, sizeof(line), stdin)) {
		no++;
		if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
			continue;
		if (nplan == HOSTCHANGE_PLAN_MAX) {
			snprintf(err, sizeof(err), "stdin:%u: more than %d changes", no, HOSTCHANGE_PLAN_MAX);
			return false;
		}
		if (!hostchange_parse(line, &plan[nplan], why, sizeof(why))) {
			snprintf(err, sizeof(err), "stdin:%u: %s", no, why);
			return false;
		}
		nplan++;
	}
	return true;
}

static void conf_init(struct conf *c, enum conf_mode mode)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->interface, "nasu");
	c->mode = mode;
	c->host_setup = true;
	c->queue = CONF_QUEUE_DEFAULT;
}

static bool parse_ep(const char *text, int port_rule, struct endpoint *ep)
{
	char why[128];

	if (addr_parse(text, port_rule, ep, why, sizeof(why)))
		return true;
	snprintf(err, sizeof(err), "%s: %s", text, why);
	return false;
}

static int print_plan(const struct conf *c, struct hostfacts *f, bool link, unsigned rule)
{
	if (!hostfacts_gather(c, f, err, sizeof(err)))
		return die(err);
	if (link ? !hostplan_link(c, f, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err))
		 : !hostplan_rule(c, &c->rule[rule], f, plan, HOSTCHANGE_PLAN_MAX, &nplan, err, sizeof(err)))
		return die(err);
	setup_print(stdout, plan, nplan);
	return 0;
}

static int cmd_link(int argc, char **argv)
{
	static struct conf c;
	static struct hostfacts f;
	int i = 0;

	conf_init(&c, CONF_MODE_UDP);
	if (argc > 0 && strcmp(argv[0], "-f") == 0) {
		c.forwarding = true;
		i++;
	}
	if (i == argc || argc - i > WIRE_MAX_PATHS)
		return usage();
	for (; i < argc; i++) {
		struct conf_path *p = &c.path[c.npaths];
		char *eq = strchr(argv[i], '=');

		if (eq) {
			*eq = '\0';
			p->table = (uint32_t)strtoul(eq + 1, NULL, 10);
		}
		snprintf(p->name, sizeof(p->name), "p%u", ++c.npaths);
		if (!parse_ep(argv[i], 0, &p->local))
			return die(err);
	}
	return print_plan(&c, &f, true, 0);
}

static int cmd_rule(int argc, char **argv)
{
	static struct conf c;
	static struct hostfacts f;
	struct conf_rule *r = &c.rule[0];

	conf_init(&c, CONF_MODE_RAW);
	if (argc != 3 || (strcmp(argv[0], "sender") && strcmp(argv[0], "receiver")))
		return usage();
	r->role = strcmp(argv[0], "sender") == 0 ? CONF_ROLE_SENDER : CONF_ROLE_RECEIVER;
	if (!parse_ep(argv[1], 1, &r->primary) || !parse_ep(argv[2], 1, &r->secondary))
		return die(err);
	c.nrules = 1;
	return print_plan(&c, &f, false, 0);
}

static int cmd_plan(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return usage();
	if (!read_plan() || !setup_prune(plan, &nplan, err, sizeof(err)))
		return die(err);
	setup_print(stdout, plan, nplan);
	return 0;
}

static int cmd_apply(int argc, char **argv)
{
	if (argc < 1 || argc > 2)
		return usage();
	if (!read_plan() || !setup_apply(argv[0], argc == 2 ? argv[1] : "link", plan, nplan, err, sizeof(err)))
		return die(err);
	return 0;
}

static int cmd_undo(int argc, char **argv)
{
	if (argc < 1 || argc > 2)
		return usage();
	return setup_undo(argv[0], argc == 2 ? argv[1] : NULL, err, sizeof(err)) ? 0 : die(err);
}

static int cmd_pending(int argc, char **argv)
{
	int n;

	if (argc < 1 || argc > 2)
		return usage();
	n = setup_pending(argv[0], argc == 2 ? argv[1] : NULL);
	if (n < 0)
		return die("cannot read the journal");
	printf("%d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} cmds[] = { { "plan", cmd_plan },     { "apply", cmd_apply }, { "undo", cmd_undo },
		     { "pending", cmd_pending }, { "link", cmd_link },   { "rule", cmd_rule } };

	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 2, argv + 2);
	return usage();
}
