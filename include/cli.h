/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The netagg subcommands. Each takes the arguments after its name and returns the exit code. */
#ifndef NETAGG_CLI_H
#define NETAGG_CLI_H

#include <stdbool.h>

#include "conf.h"

enum cli_exit { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

int cli_up(int argc, char **argv);
int cli_down(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_help(int argc, char **argv);
int cli_genkey(int argc, char **argv);

/* NetAgg's original command line: -A/-F ROLE [-P ADDR:PORT -S ADDR:PORT -R WP:WS] (argv: the options). */
int cli_seed(int argc, char **argv);

/* Starts the daemon for c in the background (file: for SIGHUP, may be NULL) and waits for it to be up. */
int cli_start_daemon(const struct conf *c, const char *file, int verbose);

/* Host set-up (cli_setup.c), journalled in the run directory as IFACE.journal. */
int cli_setup_dry_run(const struct conf *c);        /* prints the plan; returns the exit code */
bool cli_setup_up(const struct conf *c);            /* the link's and configured rules' changes; rolls back on failure */
bool cli_setup_rule(const struct conf *c, const struct conf_rule *r); /* one raw-mode rule's, group = its role */
bool cli_setup_down(const char *iface, const char *group);           /* undoes group (NULL: all) */
/* Before starting an instance that is not running: undoes what a crashed one left in its journal,
 * so a respawned daemon finds the host as it was instead of failing on its own routes. */
bool cli_setup_stale(const char *iface);

/* Prints "netagg: <msg>" and "usage: ..." for cmd to stderr; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *msg);

#endif
