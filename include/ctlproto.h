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

#include "status.h"

#define CTLPROTO_REQUEST_MAX 256
#define CTLPROTO_REPLY_MAX 8192

enum ctl_request {
	CTL_INCOMPLETE, /* no terminating empty line yet */
	CTL_BAD,        /* malformed or unknown */
	CTL_GET,        /* "get=1": reply with the status */
	CTL_STOP,       /* "stop=1": shut the instance down */
};

/* Classifies the request bytes received so far. */
enum ctl_request ctlproto_parse_request(const char *buf, size_t len);

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
