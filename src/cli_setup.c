/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host changes of up, down, -A and -F: planned from the config and the host, journalled per instance. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hostfacts.h"
#include "hostplan.h"
#include "rundir.h"
#include "setup.h"

#define GROUP_LINK "link"

static void journal_path(const char *iface, char *buf, size_t len)
{
	rundir_file(buf, len, iface, ".journal");
}

/* The changes the link (and, in raw mode, its configured rules) needs; false with the reason. */
static bool plan_all(const struct conf *c, struct hostchange *plan, size_t *n, size_t *nlink, char *err,
		     size_t errlen)
{
	struct hostfacts f;

	if (!hostfacts_gather(c, &f, err, errlen) ||
	    !hostplan_link(c, &f, plan, HOSTCHANGE_PLAN_MAX, n, err, errlen))
		return false;
	*nlink = *n;
	/* The planners append, and count what is already in the plan as taken (tables, priorities). */
	for (unsigned i = 0; i < c->nrules; i++)
		if (!hostplan_rule(c, &c->rule[i], &f, plan, HOSTCHANGE_PLAN_MAX, n, err, errlen))
			return false;
	return true;
}

int cli_setup_dry_run(const struct conf *c)
{
	static struct hostchange plan[HOSTCHANGE_PLAN_MAX];
	char err[512];
	size_t n = 0, nlink;

	if (!c->host_setup) {
		printf("# host_setup = false: netagg changes nothing on the host\n");
		return CLI_OK;
	}
	if (!plan_all(c, plan, &n, &nlink, err, sizeof(err)) || !setup_prune(plan, &n, err, sizeof(err))) {
		fprintf(stderr, "netagg: %s: %s\n", c->interface, err);
		return CLI_ERROR;
	}
	if (n == 0)
		printf("# nothing to change on this host\n");
	setup_print(stdout, plan, n);
	return CLI_OK;
}

bool cli_setup_stale(const char *iface)
{
	char journal[4096];

	journal_path(iface, journal, sizeof(journal));
	if (setup_pending(journal, NULL) <= 0)
		return true;
	fprintf(stderr, "netagg: %s: undoing host changes a previous instance left behind\n", iface);
	return cli_setup_down(iface, NULL);
}

/* Applies the link's changes, then each configured rule's under its role's group. */
bool cli_setup_up(const struct conf *c)
{
	static struct hostchange plan[HOSTCHANGE_PLAN_MAX];
	struct hostfacts f;
	char err[512], journal[4096];
	size_t n = 0;
	bool ok;

	journal_path(c->interface, journal, sizeof(journal));
	if (!cli_setup_stale(c->interface))
		return false;
	if (!c->host_setup)
		return true;
	ok = hostfacts_gather(c, &f, err, sizeof(err)) && hostplan_link(c, &f, plan, HOSTCHANGE_PLAN_MAX, &n, err, sizeof(err)) &&
	     setup_apply(journal, GROUP_LINK, plan, n, err, sizeof(err));
	for (unsigned i = 0; ok && i < c->nrules; i++) {
		size_t from = n;

		ok = hostplan_rule(c, &c->rule[i], &f, plan, HOSTCHANGE_PLAN_MAX, &n, err, sizeof(err)) &&
		     setup_apply(journal, conf_role_name(c->rule[i].role), plan + from, n - from, err, sizeof(err));
	}
	if (!ok) {
		fprintf(stderr, "netagg: %s: host set-up: %s\n", c->interface, err);
		cli_setup_down(c->interface, NULL);
	}
	return ok;
}

bool cli_setup_rule(const struct conf *instance, const struct conf_rule *r)
{
	static struct hostchange plan[HOSTCHANGE_PLAN_MAX];
	static struct conf c;
	struct hostfacts f;
	char err[512], journal[4096];
	size_t n = 0;

	if (!instance->host_setup)
		return true;
	/* Planned as the only rule: tables and priorities in use by earlier rules are facts of the host. */
	c = *instance;
	c.rule[0] = *r;
	c.nrules = 1;
	journal_path(c.interface, journal, sizeof(journal));
	if (!hostfacts_gather(&c, &f, err, sizeof(err)) ||
	    !hostplan_rule(&c, &c.rule[0], &f, plan, HOSTCHANGE_PLAN_MAX, &n, err, sizeof(err)) ||
	    !setup_apply(journal, conf_role_name(r->role), plan, n, err, sizeof(err))) {
		fprintf(stderr, "netagg: %s: host set-up: %s\n", c.interface, err);
		return false;
	}
	return true;
}

bool cli_setup_down(const char *iface, const char *group)
{
	char err[512], journal[4096];

	journal_path(iface, journal, sizeof(journal));
	if (setup_undo(journal, group, err, sizeof(err)))
		return true;
	fprintf(stderr, "netagg: %s: undoing host changes: %s (the rest is still in %s)\n", iface, err, journal);
	return false;
}
