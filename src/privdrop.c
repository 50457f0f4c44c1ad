/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drops root for good after set-up: what is already open (TUN, sockets, queue) keeps working. */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool fail(char *err, size_t errlen, const char *user, const char *what)
{
	snprintf(err, errlen, "cannot drop privileges to user %s: %s: %s", user, what, strerror(errno));
	return false;
}

/* Leaves only CAP_NET_ADMIN in the bounding set, so nothing else can ever come back. */
static bool bound_to_net_admin(void)
{
	/* Only those still there: a service manager may have bounded us already (and dropping needs CAP_SETPCAP). */
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap != CAP_NET_ADMIN && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return false;
	return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0;
}

/* After the uid change: CAP_NET_ADMIN permitted and effective, nothing else (libc has no capset wrapper). */
static bool keep_only_net_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = { 0 };

	data[0].permitted = data[0].effective = 1u << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return false;
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == 0;
}

bool privdrop(const char *user, bool keep_net_admin, char *err, size_t errlen)
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
	if (keep_net_admin && !bound_to_net_admin())
		return fail(err, errlen, user, "capability bounding set");
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0)
		return fail(err, errlen, user, "setresgid");
	/* Without PR_SET_KEEPCAPS, leaving uid 0 clears every capability set. */
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return fail(err, errlen, user, "setresuid");
	if (keep_net_admin && !keep_only_net_admin())
		return fail(err, errlen, user, "capset");
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
