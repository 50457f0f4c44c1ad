/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding configs and running instances from what the user typed: NAME, FILE or interface. */
#ifndef NETAGG_INSTANCE_H
#define NETAGG_INSTANCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define INSTANCE_CONFDIR_DEFAULT "/etc/netagg"

/* "FILE" when arg names a file (has a '/' or exists), else "<confdir>/<arg>.conf". */
void instance_config_path(const char *arg, char *buf, size_t len);

/*
 * Which interface does arg mean? An interface with files in the run directory,
 * else the interface of the config that arg names. False with a message in err.
 */
bool instance_resolve(const char *arg, char iface[], size_t ifacelen, char *err, size_t errlen);

/* The pid recorded for iface, or 0. */
pid_t instance_pid(const char *iface);

/* Does process pid still run (a zombie does not count)? */
bool instance_process_alive(pid_t pid);

#endif
