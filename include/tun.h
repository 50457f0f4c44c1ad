/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TUN device: creation and non-blocking packet I/O. */
#ifndef NETAGG_TUN_H
#define NETAGG_TUN_H

#include <stddef.h>

/*
 * Creates TUN device `name` (IFF_TUN | IFF_NO_PI, non-persistent, so the kernel
 * removes it when the fd closes, even after SIGKILL). Returns a non-blocking fd,
 * or -1 with the reason in err.
 */
int tun_open(const char *name, char *err, size_t errlen);

#endif
