/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names the files an instance keeps under the run directory. */
#include "rundir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *rundir_base(void)
{
	const char *env = getenv("NETAGG_RUNDIR");

	return env && *env ? env : RUNDIR_DEFAULT;
}

void rundir_file(char *buf, size_t len, const char *iface, const char *suffix)
{
	snprintf(buf, len, "%s/%s%s", rundir_base(), iface, suffix);
}

bool rundir_create(char *err, size_t errlen)
{
	const char *base = rundir_base();

	if (mkdir(base, 0700) == 0 || errno == EEXIST)
		return true;
	snprintf(err, errlen, "cannot create run directory %s: %s", base, strerror(errno));
	return false;
}
