/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Maps names, files and interfaces onto run-directory files and configs. */
#include "instance.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "rundir.h"

static const char *confdir(void)
{
	const char *env = getenv("NETAGG_CONFDIR");

	return env && *env ? env : INSTANCE_CONFDIR_DEFAULT;
}

void instance_config_path(const char *arg, char *buf, size_t len)
{
	struct stat st;

	if (strchr(arg, '/') || stat(arg, &st) == 0)
		snprintf(buf, len, "%s", arg);
	else
		snprintf(buf, len, "%s/%s.conf", confdir(), arg);
}

static bool has_run_files(const char *iface)
{
	char path[PATH_MAX];
	struct stat st;

	rundir_file(path, sizeof(path), iface, ".sock");
	if (stat(path, &st) == 0)
		return true;
	rundir_file(path, sizeof(path), iface, ".pid");
	return stat(path, &st) == 0;
}

bool instance_resolve(const char *arg, char iface[], size_t ifacelen, char *err, size_t errlen)
{
	char file[PATH_MAX];
	struct conf c;

	if (!strchr(arg, '/') && strlen(arg) < ifacelen && has_run_files(arg)) {
		snprintf(iface, ifacelen, "%s", arg);
		return true;
	}
	instance_config_path(arg, file, sizeof(file));
	if (access(file, R_OK) != 0) {
		snprintf(err, errlen, "no instance named %s (no run files in %s, no config %s)", arg, rundir_base(),
			 file);
		return false;
	}
	if (!conf_load(file, &c, err, errlen))
		return false;
	snprintf(iface, ifacelen, "%s", c.interface);
	return true;
}

pid_t instance_pid(const char *iface)
{
	char path[PATH_MAX];
	long pid = 0;
	FILE *f;

	rundir_file(path, sizeof(path), iface, ".pid");
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

bool instance_process_alive(pid_t pid)
{
	char path[64], state = 0;
	FILE *f;

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	/* The state follows the parenthesised command name, which may itself hold spaces. */
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state != 0 && state != 'Z' && state != 'X';
}
