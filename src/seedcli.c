/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads NetAgg's -A/-F/-P/-S/-R command line into a seedcli_command, by exact words, with no I/O. */
#include "seedcli.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "errfmt.h"

enum seedcli_option { OPT_A, OPT_F, OPT_P, OPT_S, OPT_R, OPT_COUNT };

static const struct {
	const char *name;
	const char *arg; /* what the value looks like, for messages */
} options[OPT_COUNT] = {
	[OPT_A] = { "-A", "sender or receiver" },
	[OPT_F] = { "-F", "sender or receiver" },
	[OPT_P] = { "-P", "the primary ADDR:PORT" },
	[OPT_S] = { "-S", "the secondary ADDR:PORT" },
	[OPT_R] = { "-R", "the ratio WPRIMARY:WSECONDARY" },
};

/* Exact words only: no "-Asender", no prefixes, no long forms. */
static int option_index(const char *word)
{
	for (int o = 0; o < OPT_COUNT; o++)
		if (strcmp(word, options[o].name) == 0)
			return o;
	return -1;
}

/* First pass: which option has which value; nothing is interpreted yet. */
static bool collect(int argc, char *const argv[], const char *value[OPT_COUNT], char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		int o = option_index(argv[i]);

		if (o < 0)
			return argv[i][0] == '-' ? errfmt(err, errlen, "unknown option '%s'", argv[i])
						 : errfmt(err, errlen, "unexpected argument '%s'", argv[i]);
		if (i + 1 == argc || option_index(argv[i + 1]) >= 0)
			return errfmt(err, errlen, "%s needs an argument (%s)", options[o].name, options[o].arg);
		if (value[o])
			return errfmt(err, errlen, "%s is given twice (\"%s\" and \"%s\")", options[o].name, value[o],
				    argv[i + 1]);
		value[o] = argv[++i];
	}
	return true;
}

static bool parse_role(enum seedcli_option o, const char *v, enum conf_role *role, char *err, size_t errlen)
{
	if (strcmp(v, "sender") == 0)
		*role = CONF_ROLE_SENDER;
	else if (strcmp(v, "receiver") == 0)
		*role = CONF_ROLE_RECEIVER;
	else
		return errfmt(err, errlen, "%s \"%s\": the role must be sender or receiver", options[o].name, v);
	return true;
}

/* Which options go together: one of -A and -F; -A needs -P and -S; -F takes nothing else. */
static bool check_combination(const char *const value[OPT_COUNT], char *err, size_t errlen)
{
	if (value[OPT_A] && value[OPT_F])
		return errfmt(err, errlen, "-A and -F cannot be used together");
	if (!value[OPT_A] && !value[OPT_F])
		return errfmt(err, errlen, "one of -A ROLE (append a rule) or -F ROLE (flush the rules of ROLE) "
					 "is required");
	for (int o = OPT_P; value[OPT_F] && o <= OPT_R; o++)
		if (value[o])
			return errfmt(err, errlen, "%s cannot be used with -F", options[o].name);
	for (int o = OPT_P; value[OPT_A] && o <= OPT_S; o++)
		if (!value[o])
			return errfmt(err, errlen, "-A needs %s (%s)", options[o].name, options[o].arg);
	return true;
}

static bool parse_endpoint(enum seedcli_option o, const char *v, struct endpoint *ep, char *err, size_t errlen)
{
	char why[128];

	if (!addr_parse(v, 1, ep, why, sizeof(why)))
		return errfmt(err, errlen, "%s \"%s\": %s", options[o].name, v, why);
	return true;
}

static bool parse_rule(const char *const value[OPT_COUNT], struct conf_rule *rule, char *err, size_t errlen)
{
	char why[128];

	if (!parse_endpoint(OPT_P, value[OPT_P], &rule->primary, err, errlen) ||
	    !parse_endpoint(OPT_S, value[OPT_S], &rule->secondary, err, errlen))
		return false;
	if (addr_family(&rule->primary) != addr_family(&rule->secondary))
		return errfmt(err, errlen, "-P \"%s\" and -S \"%s\" must both be IPv4 or both IPv6", value[OPT_P],
			    value[OPT_S]);
	if (addr_equal(&rule->primary, &rule->secondary))
		return errfmt(err, errlen, "-P \"%s\" and -S \"%s\" are the same endpoint", value[OPT_P], value[OPT_S]);
	rule->weight_primary = rule->weight_secondary = 1;
	if (value[OPT_R] &&
	    !conf_parse_ratio(value[OPT_R], &rule->weight_primary, &rule->weight_secondary, why, sizeof(why)))
		return errfmt(err, errlen, "-R \"%s\": %s", value[OPT_R], why);
	return true;
}

bool seedcli_parse(int argc, char *const argv[], struct seedcli_command *out, char *err, size_t errlen)
{
	const char *value[OPT_COUNT] = { NULL };

	memset(out, 0, sizeof(*out));
	if (!collect(argc, argv, value, err, errlen))
		return false;
	if (value[OPT_A] && !parse_role(OPT_A, value[OPT_A], &out->role, err, errlen))
		return false;
	if (value[OPT_F] && !parse_role(OPT_F, value[OPT_F], &out->role, err, errlen))
		return false;
	if (!check_combination(value, err, errlen))
		return false;
	if (value[OPT_F]) {
		out->action = SEEDCLI_FLUSH;
		return true;
	}
	out->action = SEEDCLI_APPEND;
	out->rule.role = out->role;
	return parse_rule(value, &out->rule, err, errlen);
}

bool seedcli_is_seed(int argc, char *const argv[])
{
	return argc > 0 && option_index(argv[0]) >= 0;
}
