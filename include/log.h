/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging in OpenBSD's shape: stderr in the foreground, syslog when detached. */
#ifndef NETAGG_LOG_H
#define NETAGG_LOG_H

#include <stdbool.h>

/* verbosity: 0 = warnings and info, 1 = also debug. */
void log_init(bool to_syslog, int verbosity);
void log_to_syslog(bool on);

/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
