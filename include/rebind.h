/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Keeps the path sockets bound to what exists: re-opens a path whose device was re-created. */
#ifndef NETAGG_REBIND_H
#define NETAGG_REBIND_H

#include <stdint.h>

#include "link.h"
#include "netmon.h"

/*
 * Acts on one netmon event. A path bound to a device whose name now belongs to
 * another ifindex (ppp0 or wwan0 re-created, or the name moved to another device)
 * gets a fresh socket, retried on each later event of that device until it binds
 * (so a device that comes back before its address is followed once the address
 * arrives). Every other path, and every other field of the re-opened one (remote,
 * counters, sequence numbers), is left alone. A configured local address that goes
 * away or comes back is logged: its socket stays, bound to that address, and works
 * again as soon as the address is back. NETMON_LOST runs rebind_check.
 * Sets bit i of *reopened_mask for each path i whose fd changed: the caller must wait
 * on the new l->path[i].fd. `now` is monotonic ns: a re-opened path sends a keepalive
 * at the next tick, so the peer learns its new port at once.
 */
void rebind_on_event(struct link *l, const struct netmon_event *e, uint64_t now, unsigned *reopened_mask);

/*
 * Re-opens every device-bound path whose device's current ifindex differs from the
 * one its socket is bound to (SIGHUP, or after events were lost). Same contract for
 * *reopened_mask as rebind_on_event.
 */
void rebind_check(struct link *l, uint64_t now, unsigned *reopened_mask);

#endif
