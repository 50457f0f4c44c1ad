/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The event loop that drives a link until it is told to stop. */
#ifndef NETAGG_DAEMON_H
#define NETAGG_DAEMON_H

#include "conf.h"

/*
 * Brings the link of c (read from `file`, which SIGHUP reads again) up and runs it.
 * When ready_fd >= 0, one line is written to it once set-up is over: "ok" or the
 * reason it failed; the fd is then closed. Returns the process exit code (0 after a
 * requested stop, 1 when set-up failed).
 */
int daemon_run(const struct conf *c, const char *file, int ready_fd);

#endif
