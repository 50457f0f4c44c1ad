/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where instances keep their control socket and pid file: $NETAGG_RUNDIR or /run/netagg. */
#ifndef NETAGG_RUNDIR_H
#define NETAGG_RUNDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define RUNDIR_DEFAULT "/run/netagg"

const char *rundir_base(void);

/* Writes "<base>/<iface><suffix>" (suffix ".sock" or ".pid") into buf of PATH_MAX. */
void rundir_file(char *buf, size_t len, const char *iface, const char *suffix);

/* Creates the base directory (mode 0700) if missing. */
bool rundir_create(char *err, size_t errlen);

#endif
