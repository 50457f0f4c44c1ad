/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetAgg's original command line (-A/-F ROLE, -P, -S, -R), parsed into a raw-mode rule without I/O. */
#ifndef NETAGG_SEEDCLI_H
#define NETAGG_SEEDCLI_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define SEEDCLI_ERR_MAX 256

enum seedcli_action {
	SEEDCLI_APPEND, /* -A ROLE -P ADDR:PORT -S ADDR:PORT [-R WP:WS] */
	SEEDCLI_FLUSH,  /* -F ROLE: remove every rule of that role */
};

struct seedcli_command {
	enum seedcli_action action;
	enum conf_role role;   /* the argument of -A or -F */
	struct conf_rule rule; /* APPEND: role, primary, secondary, ratio (1:1 without -R); FLUSH: all zero */
};

/*
 * Parses a NetAgg command line. argv[0] is the first option (pass argv + 1, or what follows
 * the subcommand); argv[argc] need not be NULL and argv is not modified. Options are the
 * exact words -A, -F, -P, -S, -R, each followed by its value as the next word, in any order,
 * each at most once; a value that is itself one of these words counts as missing. Exactly
 * one of -A and -F; -A needs -P and -S and takes -R; -F takes nothing else. Addresses are
 * ADDR:PORT or [ADDR6]:PORT (ports 1 to 65535), of one family, and differ; -R is
 * WPRIMARY:WSECONDARY, each 1 to 65535 (conf_parse_ratio).
 * On success fills *out and returns true. On error returns false with a message naming the
 * option and quoting its value in err (the caller reports a usage error, exit 2, and applies
 * nothing); *out is then unspecified.
 */
bool seedcli_parse(int argc, char *const argv[], struct seedcli_command *out, char *err, size_t errlen);

/*
 * Is this command line (argv[0] the first argument after the program name) in NetAgg's
 * style? True when argv[0] is exactly one of -A, -F, -P, -S, -R, so that main can hand it
 * to seedcli_parse, which then reports whatever else is wrong with it.
 */
bool seedcli_is_seed(int argc, char *const argv[]);

#endif
