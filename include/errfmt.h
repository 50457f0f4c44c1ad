/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one way modules report a failure: a formatted message in the caller's buffer, and false. */
#ifndef NETAGG_ERRFMT_H
#define NETAGG_ERRFMT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the message into err (truncated to errlen) and returns false, for `return errfmt(...)`. */
__attribute__((format(printf, 3, 4))) bool errfmt(char *err, size_t errlen, const char *fmt, ...);

#endif
