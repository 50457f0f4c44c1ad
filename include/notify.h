/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readiness and state notifications to systemd ($NOTIFY_SOCKET), without libsystemd. */
#ifndef NETAGG_NOTIFY_H
#define NETAGG_NOTIFY_H

/* Sends `state` ("READY=1", "RELOADING=1", "STOPPING=1", ...) when run under systemd; else nothing. */
void notify_send(const char *state);

#endif
