/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Formatted failure messages into a caller's buffer. */
#include "errfmt.h"

#include <stdarg.h>
#include <stdio.h>

bool errfmt(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}
