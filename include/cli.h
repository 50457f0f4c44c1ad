/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The netagg subcommands. Each takes the arguments after its name and returns the exit code. */
#ifndef NETAGG_CLI_H
#define NETAGG_CLI_H

enum cli_exit { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

int cli_up(int argc, char **argv);
int cli_down(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_help(int argc, char **argv);
int cli_genkey(int argc, char **argv);

/* Prints "netagg: <msg>" and "usage: ..." for cmd to stderr; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *msg);

#endif
