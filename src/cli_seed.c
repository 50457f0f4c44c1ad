/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetAgg's command line: -A appends a raw-mode rule to the running instance (starting it), -F flushes a chain. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "ctlproto.h"
#include "rundir.h"
#include "seedcli.h"

#define SEED_INSTANCE "netagg" /* the raw-mode instance the original command line works on */

static void seed_usage(const char *msg)
{
	fprintf(stderr, "netagg: %s\n", msg);
	fprintf(stderr, "usage: netagg -A sender|receiver -P ADDR:PORT -S ADDR:PORT [-R WPRIMARY:WSECONDARY]\n"
			"       netagg -F sender|receiver\n");
}

/* The instance -A starts when none runs: raw mode, no rules yet, defaults for the rest. */
static void seed_conf(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->interface, sizeof(c->interface), "%s", SEED_INSTANCE);
	c->mode = CONF_MODE_RAW;
	c->queue = CONF_QUEUE_DEFAULT;
	c->host_setup = true;
	c->probe_interval = CONF_PROBE_INTERVAL_DEFAULT;
	c->down_after = CONF_DOWN_AFTER_DEFAULT;
	snprintf(c->user, sizeof(c->user), "%s", CONF_USER_DEFAULT);
}

/* Sends a request; returns the errno the instance answered, or -1 when it did not answer. */
static int call(const char *sock, const char *request)
{
	char reply[CTLPROTO_REPLY_MAX];
	struct status st;
	int err;

	if (!ctl_call(sock, request, reply, sizeof(reply)) || !ctlproto_parse_reply(reply, &st, &err))
		return -1;
	return err;
}

static int flush(const char *sock, enum conf_role role)
{
	char req[CTLPROTO_REQUEST_MAX];
	int err;

	if (!ctl_alive(sock)) {
		/* Host changes of a killed instance are still undone. */
		return cli_setup_down(SEED_INSTANCE, conf_role_name(role)) ? CLI_OK : CLI_ERROR;
	}
	ctlproto_format_rule_flush(role, req, sizeof(req));
	err = call(sock, req);
	if (err != 0) {
		fprintf(stderr, "netagg: flush refused: %s\n",
			err == EOPNOTSUPP ? "the instance is not in raw mode" : err < 0 ? "no answer" : strerror(err));
		return CLI_ERROR;
	}
	return cli_setup_down(SEED_INSTANCE, conf_role_name(role)) ? CLI_OK : CLI_ERROR;
}

static const char *add_error(int err)
{
	switch (err) {
	case EEXIST:
		return "a rule of this role for this primary address exists already";
	case ENOSPC:
		return "the instance holds the most rules it can";
	case EOPNOTSUPP:
		return "the instance is not in raw mode";
	case -1:
		return "no answer from the instance";
	default:
		return strerror(err);
	}
}

/* Refuses, before any host change, a rule the instance would refuse: 0, or the errno. */
static int precheck(const char *sock, const struct conf_rule *r)
{
	static char reply[CTLPROTO_REPLY_MAX];
	static struct status st;
	char primary[ADDR_TEXT_MAX];
	unsigned rules = 0;
	int err;

	if (!ctl_call(sock, "get=1\n\n", reply, sizeof(reply)) || !ctlproto_parse_reply(reply, &st, &err))
		return -1;
	if (strcmp(st.mode, "raw") != 0)
		return EOPNOTSUPP;
	addr_format(&r->primary, primary, sizeof(primary));
	for (unsigned i = 0; i < st.npaths; i++) {
		/* Every rule has a secondary entry; its state names the role, its local the primary. */
		if (!strstr(st.path[i].name, "-secondary"))
			continue;
		rules++;
		if (strcmp(st.path[i].state, conf_role_name(r->role)) == 0 && strcmp(st.path[i].local, primary) == 0)
			return EEXIST;
	}
	return rules >= CONF_MAX_RULES ? ENOSPC : 0;
}

static int append(const char *sock, const struct conf *c, const struct conf_rule *r)
{
	char req[CTLPROTO_REQUEST_MAX];
	int err, rc = CLI_OK;

	if (!ctl_alive(sock) && (!cli_setup_stale(SEED_INSTANCE) || (rc = cli_start_daemon(c, NULL, 0)) != CLI_OK))
		return rc == CLI_OK ? CLI_ERROR : rc;
	err = precheck(sock, r);
	/* Host changes first: until the daemon holds the rule, it lets the queued packets pass unchanged. */
	if (err == 0 && !cli_setup_rule(c, r))
		return CLI_ERROR;
	if (err == 0) {
		ctlproto_format_rule_add(r, req, sizeof(req));
		err = call(sock, req);
	}
	if (err != 0) {
		fprintf(stderr, "netagg: rule refused: %s\n", add_error(err));
		return CLI_ERROR;
	}
	return CLI_OK;
}

int cli_seed(int argc, char **argv)
{
	struct seedcli_command cmd;
	char err[SEEDCLI_ERR_MAX], sock[PATH_MAX];
	static struct conf c;

	if (!seedcli_parse(argc, argv, &cmd, err, sizeof(err))) {
		seed_usage(err);
		return CLI_USAGE;
	}
	rundir_file(sock, sizeof(sock), SEED_INSTANCE, ".sock");
	if (cmd.action == SEEDCLI_FLUSH)
		return flush(sock, cmd.role);
	seed_conf(&c);
	if (!rundir_create(err, sizeof(err))) {
		fprintf(stderr, "netagg: %s\n", err);
		return CLI_ERROR;
	}
	return append(sock, &c, &cmd.rule);
}
