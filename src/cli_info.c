/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Commands that only look: status, check, version, help. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "config.h"
#include "ctl.h"
#include "ctlproto.h"
#include "instance.h"
#include "keyfile.h"
#include "rundir.h"

static const struct {
	const char *cmd, *args, *what;
} usage_lines[] = {
	{ "up", "[-v] NAME|FILE", "start a link in the background (NAME is /etc/netagg/NAME.conf)" },
	{ "down", "IFACE|NAME|FILE", "stop a link and remove what up created" },
	{ "run", "[-v] NAME|FILE", "run a link in the foreground; root for set-up, then 'user'" },
	{ "status", "[-j] [IFACE|NAME]", "show paths, counters and drops (-j: JSON)" },
	{ "check", "[-v] FILE", "validate a config (-v: print it normalised)" },
	{ "genkey", "", "print a new random pre-shared key (base64) for key_file" },
	{ "version", "", "print the version" },
	{ "help", "", "print this help" },
};

int cli_usage(const char *cmd, const char *msg)
{
	if (msg)
		fprintf(stderr, "netagg: %s\n", msg);
	for (size_t i = 0; i < sizeof(usage_lines) / sizeof(usage_lines[0]); i++)
		if (!cmd || strcmp(cmd, usage_lines[i].cmd) == 0)
			fprintf(stderr, "usage: netagg %s %s\n", usage_lines[i].cmd, usage_lines[i].args);
	return CLI_USAGE;
}

int cli_help(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage("help", "help takes no arguments");
	printf("netagg %s: bond several network paths into one link\n\nusage: netagg COMMAND [ARGS]\n\n",
	       PACKAGE_VERSION);
	for (size_t i = 0; i < sizeof(usage_lines) / sizeof(usage_lines[0]); i++)
		printf("  %-7s %-19s %s\n", usage_lines[i].cmd, usage_lines[i].args, usage_lines[i].what);
	printf("\nThe run directory is %s (set NETAGG_RUNDIR to change it).\n", rundir_base());
	return CLI_OK;
}

int cli_genkey(int argc, char **argv)
{
	char text[KEYFILE_TEXT_LEN];

	(void)argv;
	if (argc != 0)
		return cli_usage("genkey", "genkey takes no arguments");
	keyfile_generate(text);
	printf("%s\n", text);
	return CLI_OK;
}

int cli_version(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage("version", "version takes no arguments");
	printf("netagg %s\n", PACKAGE_VERSION);
	return CLI_OK;
}

int cli_check(int argc, char **argv)
{
	char err[CONF_ERR_MAX];
	bool verbose = argc == 2 && strcmp(argv[0], "-v") == 0;
	struct conf c;

	if (argc != 1 + verbose)
		return cli_usage("check", "expected a config FILE");
	if (!conf_load(argv[verbose], &c, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return CLI_ERROR;
	}
	if (verbose)
		conf_print(stdout, &c);
	return CLI_OK;
}

static bool fetch(const char *iface, struct status *st)
{
	char sock[PATH_MAX], reply[CTLPROTO_REPLY_MAX];
	int err = 0;

	rundir_file(sock, sizeof(sock), iface, ".sock");
	if (!ctl_call(sock, "get=1\n\n", reply, sizeof(reply))) {
		fprintf(stderr, "netagg: %s: not running (%s: %s)\n", iface, sock, strerror(errno));
		return false;
	}
	if (!ctlproto_parse_reply(reply, st, &err) || err) {
		fprintf(stderr, "netagg: %s: bad reply from the daemon (errno=%d)\n", iface, err);
		return false;
	}
	return true;
}

static bool show(const char *iface, bool json, bool first)
{
	struct status st;

	if (!fetch(iface, &st))
		return false;
	if (json) {
		if (!first)
			printf(",");
		status_print_json(stdout, &st);
	} else {
		printf("%s", first ? "" : "\n");
		status_print_text(stdout, &st);
	}
	return true;
}

/* Every instance with a control socket in the run directory, as a JSON array with -j. */
static int show_all(bool json)
{
	DIR *dir = opendir(rundir_base());
	struct dirent *e;
	int shown = 0, failed = 0;

	if (json)
		printf("[");
	while (dir && (e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		char iface[IFNAMSIZ];

		if (n <= 5 || n - 5 >= sizeof(iface) || strcmp(e->d_name + n - 5, ".sock") != 0)
			continue;
		snprintf(iface, sizeof(iface), "%.*s", (int)(n - 5), e->d_name);
		if (show(iface, json, shown == 0))
			shown++;
		else
			failed++;
	}
	if (dir)
		closedir(dir);
	if (json)
		printf("]\n");
	else if (!shown && !failed)
		printf("no netagg instance is running\n");
	return failed ? CLI_ERROR : CLI_OK;
}

int cli_status(int argc, char **argv)
{
	char iface[IFNAMSIZ], err[CONF_ERR_MAX];
	bool json = argc > 0 && strcmp(argv[0], "-j") == 0;

	argc -= json;
	argv += json;
	if (argc > 1 || (argc == 1 && argv[0][0] == '-'))
		return cli_usage("status", "expected [-j] and at most one interface or NAME");
	if (argc == 0)
		return show_all(json);
	if (!instance_resolve(argv[0], iface, sizeof(iface), err, sizeof(err))) {
		fprintf(stderr, "netagg: %s\n", err);
		return CLI_ERROR;
	}
	return show(iface, json, true) ? CLI_OK : CLI_ERROR;
}
