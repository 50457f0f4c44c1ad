/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry point: dispatches the first argument to a subcommand, by exact match. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "seal.h"
#include "seedcli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "up", cli_up },         { "down", cli_down },       { "run", cli_run },
	{ "status", cli_status }, { "check", cli_check },     { "version", cli_version },
	{ "help", cli_help },     { "--help", cli_help },     { "-h", cli_help },
	{ "--version", cli_version }, { "genkey", cli_genkey },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(NULL, "no command given");
	if (!seal_startup()) {
		fprintf(stderr, "netagg: cannot initialise libsodium\n");
		return CLI_ERROR;
	}
	/* NetAgg's original options: netagg -A sender -P ... */
	if (seedcli_is_seed(argc - 1, argv + 1))
		return cli_seed(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "netagg: unknown command '%s' (try 'netagg help')\n", argv[1]);
	return CLI_USAGE;
}
