/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol spoken on the instance's UNIX socket, WireGuard UAPI style:
 * a request is "key=value" lines ended by an empty line; a reply is "key=value"
 * lines ended by "errno=N" and an empty line.
 */
#ifndef NETAGG_CTLPROTO_H
#define NETAGG_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "status.h"

#define CTLPROTO_REQUEST_MAX 256
#define CTLPROTO_REPLY_MAX 16384

enum ctl_request {
	CTL_INCOMPLETE, /* no terminating empty line yet */
	CTL_BAD,        /* malformed or unknown */
	CTL_GET,        /* "get=1": reply with the status */
	CTL_STOP,       /* "stop=1": shut the instance down */
	CTL_RULE_ADD,   /* "rule_add=ROLE PRIMARY SECONDARY WP:WS": a raw-mode rule, as NetAgg's -A */
	CTL_RULE_FLUSH, /* "rule_flush=ROLE": removes that role's raw-mode rules, as NetAgg's -F */
};

struct ctl_command {
	enum ctl_request kind;
	struct conf_rule rule; /* CTL_RULE_ADD */
	enum conf_role role;   /* CTL_RULE_FLUSH */
};

/* Classifies the request bytes received so far. */
enum ctl_request ctlproto_parse_request(const char *buf, size_t len);

/* Same, and fills cmd with the arguments of a rule request. */
enum ctl_request ctlproto_parse_command(const char *buf, size_t len, struct ctl_command *cmd);

/* Writes the request for a rule_add / rule_flush into buf (CTLPROTO_REQUEST_MAX); returns its length. */
size_t ctlproto_format_rule_add(const struct conf_rule *r, char *buf, size_t len);
size_t ctlproto_format_rule_flush(enum conf_role role, char *buf, size_t len);

/* Writes the reply to "get=1" into buf; returns its length, or 0 when buf is too small. */
size_t ctlproto_format_status(const struct status *st, char *buf, size_t len);

/* Writes a reply carrying only errno=err; returns its length. */
size_t ctlproto_format_errno(int err, char *buf, size_t len);

/*
 * Parses a reply. Returns false when it is malformed or does not end with errno=N;
 * otherwise *err holds N and, for a status reply, st is filled (unknown keys are skipped
 * so that newer daemons can add fields).
 */
bool ctlproto_parse_reply(const char *text, struct status *st, int *err);

#endif
