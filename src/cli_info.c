/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Commands that only look: status, check, version, help. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	{ "status", "[-j|--prometheus|--watch] [IFACE|NAME]", "paths, counters, drops: text, JSON, Prometheus, or live" },
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
		printf("  %-7s %-37s %s\n", usage_lines[i].cmd, usage_lines[i].args, usage_lines[i].what);
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

#define STATUS_MAX_LINKS 64

/* The instances to show: the one named, or every one with a socket in the run directory. */
static unsigned list_instances(const char *name, char ifaces[][IFNAMSIZ], unsigned max)
{
	DIR *dir;
	struct dirent *e;
	unsigned n = 0;

	if (name) {
		snprintf(ifaces[0], IFNAMSIZ, "%s", name);
		return 1;
	}
	dir = opendir(rundir_base());
	while (dir && n < max && (e = readdir(dir))) {
		size_t len = strlen(e->d_name);

		if (len > 5 && len - 5 < IFNAMSIZ && strcmp(e->d_name + len - 5, ".sock") == 0)
			snprintf(ifaces[n++], IFNAMSIZ, "%.*s", (int)(len - 5), e->d_name);
	}
	if (dir)
		closedir(dir);
	return n;
}

enum status_format { STATUS_TEXT, STATUS_JSON, STATUS_PROMETHEUS };

static void render(enum status_format fmt, const struct status *sts, unsigned n, bool named)
{
	if (fmt == STATUS_PROMETHEUS) {
		status_print_prometheus(stdout, sts, n);
		return;
	}
	if (fmt == STATUS_JSON) {
		printf("%s", named ? "" : "[");
		for (unsigned i = 0; i < n; i++) {
			printf("%s", i ? "," : "");
			status_print_json(stdout, &sts[i]);
		}
		printf("%s", named ? "" : "]\n");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		printf("%s", i ? "\n" : "");
		status_print_text(stdout, &sts[i]);
	}
	if (n == 0)
		printf("no netagg instance is running\n");
}

/* One round: fetch every instance and print them; false when any could not be fetched. */
static bool show(enum status_format fmt, const char *name)
{
	static struct status sts[STATUS_MAX_LINKS];
	char ifaces[STATUS_MAX_LINKS][IFNAMSIZ];
	unsigned n = list_instances(name, ifaces, STATUS_MAX_LINKS), got = 0;
	bool ok = true;

	for (unsigned i = 0; i < n; i++) {
		if (fetch(ifaces[i], &sts[got]))
			got++;
		else
			ok = false;
	}
	render(fmt, sts, got, name != NULL);
	fflush(stdout);
	return ok;
}

static _Noreturn void watch(const char *name)
{
	for (;;) {
		/* Home the cursor and clear, like watch(1), so the view refreshes in place. */
		printf("\033[H\033[2J");
		show(STATUS_TEXT, name);
		sleep(1);
	}
}

int cli_status(int argc, char **argv)
{
	char iface[IFNAMSIZ], err[CONF_ERR_MAX];
	enum status_format fmt = STATUS_TEXT;
	bool watching = false;
	int i = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-j") == 0 || strcmp(argv[i], "--json") == 0)
			fmt = STATUS_JSON;
		else if (strcmp(argv[i], "--prometheus") == 0)
			fmt = STATUS_PROMETHEUS;
		else if (strcmp(argv[i], "--watch") == 0)
			watching = true;
		else
			return cli_usage("status", "unknown option");
	}
	if (argc - i > 1 || (watching && fmt != STATUS_TEXT))
		return cli_usage("status", "expected one of -j, --prometheus, --watch and at most one interface or NAME");
	if (argc - i == 1 && !instance_resolve(argv[i], iface, sizeof(iface), err, sizeof(err))) {
		fprintf(stderr, "netagg: %s\n", err);
		return CLI_ERROR;
	}
	if (watching)
		watch(argc - i == 1 ? iface : NULL);
	return show(fmt, argc - i == 1 ? iface : NULL) ? CLI_OK : CLI_ERROR;
}
