/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drops root for good after set-up: what is already open (TUN, sockets) keeps working. */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static bool fail(char *err, size_t errlen, const char *user, const char *what)
{
	snprintf(err, errlen, "cannot drop privileges to user %s: %s: %s", user, what, strerror(errno));
	return false;
}

bool privdrop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	if (geteuid() != 0 || strcmp(user, "root") == 0)
		return true;
	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		if (errno == 0)
			errno = ENOENT;
		return fail(err, errlen, user, "no such user");
	}
	if (setgroups(0, NULL) < 0)
		return fail(err, errlen, user, "setgroups");
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0)
		return fail(err, errlen, user, "setresgid");
	/* Without PR_SET_KEEPCAPS, leaving uid 0 clears every capability set. */
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return fail(err, errlen, user, "setresuid");
	/* No way back, and no new privileges through exec. */
	if (setuid(0) == 0) {
		errno = EPERM;
		return fail(err, errlen, user, "root could be regained");
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* A core dump of a tunnel daemon holds session keys. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return true;
}
