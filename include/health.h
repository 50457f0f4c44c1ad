/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path liveness: a path whose peer has fallen silent is taken out of the schedule. */
#ifndef NETAGG_HEALTH_H
#define NETAGG_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

enum path_state {
	PATH_WAITING, /* the peer's address is not known yet */
	PATH_UP,      /* heard from the peer recently: carries traffic */
	PATH_DOWN,    /* silent for longer than down_after: carries nothing but keepalives */
};

/*
 * Both ends send a keepalive on every path at least every probe interval, so a
 * path that has received nothing for down_after is dead, busy or idle alike. All
 * times are nanoseconds on the caller's monotonic clock.
 */
struct health {
	enum path_state state;
	uint64_t last_rx;
	uint64_t down_after;
};

/* A path whose peer is configured starts up, as if just heard from at `now`. */
void health_init(struct health *h, bool peer_known, uint64_t down_after, uint64_t now);

/* A valid frame arrived from the peer. Returns true when the state changed. */
bool health_on_rx(struct health *h, uint64_t now);

/* Time passes. Returns true when the state changed (up -> down). */
bool health_tick(struct health *h, uint64_t now);

const char *health_state_name(enum path_state s);

#endif
