/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The instance's UNIX control socket: listening, and the client side used by the CLI. */
#ifndef NETAGG_CTL_H
#define NETAGG_CTL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Listens on `path` (mode 0600). A stale socket file left by a dead instance is
 * replaced; a live one means the instance is already running, and that is an error.
 * Returns a non-blocking fd, or -1 with the reason in err.
 */
int ctl_listen(const char *path, char *err, size_t errlen);

/* Is an instance answering on `path`? */
bool ctl_alive(const char *path);

/*
 * Sends `request` to the instance at `path` and reads its whole reply into
 * reply (NUL-terminated). Returns false with errno set when it cannot.
 */
bool ctl_call(const char *path, const char *request, char *reply, size_t len);

#endif
