/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Puts the routes of the host set-up back when a re-created device took them along. */
#ifndef NETAGG_ROUTEKEEP_H
#define NETAGG_ROUTEKEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "hostchange.h"
#include "netmon.h"

#define ROUTEKEEP_MAX 32

/*
 * `up` adds, per path, routes through the path's device to a table of its own
 * (hostplan.h). Deleting a device (ppp0 or wwan0 when a modem re-dials) deletes them
 * too, and the path's packets would then leave by the main table. The daemon reads the
 * routes from the journal before it drops root, keeps CAP_NET_ADMIN if there are any,
 * and adds back each one that is missing when its device reappears or gets an address.
 * The routes are the journal's, unchanged, so `down` still removes exactly them.
 */
struct routekeep {
	struct hostchange_route route[ROUTEKEEP_MAX];
	size_t n;
	uint64_t restored; /* routes added back */
};

/* Reads the routes of the journal (none without one). Returns how many it keeps. */
size_t routekeep_load(struct routekeep *k, const char *journal);

/*
 * Adds back the missing routes through the device an event names (a device created or
 * changed, an address added), every route on NETMON_LOST; in journal order, so that a
 * subnet route comes before the default route through a gateway in it. A route that
 * cannot be added yet (its device has no address yet) is tried again on the next event.
 */
void routekeep_on_event(struct routekeep *k, const struct netmon_event *e);

/* Adds back every missing route (SIGHUP, or after events were lost). */
void routekeep_check(struct routekeep *k);

#endif
