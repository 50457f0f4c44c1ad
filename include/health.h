/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path liveness: a path whose peer has fallen silent is taken out of the schedule, and a
 * path that keeps failing must prove itself for longer before it is used again. */
#ifndef NETAGG_HEALTH_H
#define NETAGG_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

enum path_state {
	PATH_WAITING,  /* the peer's address is not known yet */
	PATH_UP,       /* heard from the peer recently: carries traffic */
	PATH_DEGRADED, /* carries traffic, but loses more than HEALTH_DEGRADED_PPM of it */
	PATH_DOWN,     /* silent for longer than down_after, or not yet heard for long enough since */
};

#define HEALTH_DEGRADED_PPM 50000   /* loss at which an up path is degraded (5 %) ... */
#define HEALTH_RECOVERED_PPM 20000  /* ... and below which it is up again (2 %): hysteresis */
/*
 * Loss at which a usable path that carries our data is down (50 %): it loses more than
 * it delivers. Frames too large for the path's MTU beyond the first hop vanish where no
 * ICMP comes back (a black hole), while the small keepalives pass and keep it up: a bond
 * of 20 + 20 Mbit/s whose second path took frames of at most 1400 bytes moved 0.25
 * Mbit/s of TCP. The keepalives of a path down for loss (`lossy`) are padded to full
 * frames (link_send_keepalive), so it returns only once those pass.
 */
#define HEALTH_FAILING_PPM 500000
/*
 * A path on which this end sent fewer than HEALTH_DATA_FRAMES data frames within the last
 * HEALTH_OURS_IDLE_NS carries none of ours to speak of: its loss estimate (about eight
 * reports) is mostly of keepalives. Small, they pass a black hole, so that loss cannot
 * tell one; and it rests on a handful of them (2 of 3 lost read 66.7 %: an idle path
 * losing 10 % went down for it, CI's tests/netns/measure.sh). Such a path is not taken
 * down for its loss, only for silence, and its keepalives come faster on loss
 * (health_keepalive_interval) so that silence stays rare. Ten a second are as many as the
 * keepalives at the default pace, so a path that carries our data has an estimate of at
 * least half data frames, and a black hole shows as the loss of half or more. A single
 * data frame now and then does not count: the tunnel of an idle test bed sent one on a
 * path every 8 s or so, and each put the keepalives back to their slow pace for a second.
 */
#define HEALTH_OURS_IDLE_NS (1000000000ull)
#define HEALTH_DATA_FRAMES 10
/*
 * The chance (ppm) we accept that a working idle path loses every keepalive we send it
 * within down_after, so that the peer takes it for dead: one in a million.
 */
#define HEALTH_FALSE_DOWN_PPM 1
#define HEALTH_HOLD_MAX_FACTOR 32   /* a flapping path waits at most 32 base holds before it returns */
#define HEALTH_STABLE_NS (60ull * 1000000000ull) /* up this long without a failure: the flap count resets */
/* A busy path that falls silent while another path goes on delivering is down after
 * HEALTH_QUIET_GAPS times the longest gap between its frames over the last one or two
 * HEALTH_GAP_WINDOW_NS, but never sooner than quiet_min (plus how much later its frames
 * arrive than the other path's) nor later than busy_down_after. */
#define HEALTH_QUIET_GAPS 3
#define HEALTH_GAP_WINDOW_NS (1000000000ull)

/*
 * Both ends send a keepalive on every path at least every probe interval, so a
 * path that has received nothing for down_after is dead, busy or idle alike. A
 * down path returns once it has been heard without a gap for `hold`; the hold
 * starts at hold_base and doubles each time the path fails again within
 * HEALTH_STABLE_NS of returning (flap damping). All times are nanoseconds on the
 * caller's monotonic clock.
 */
struct health {
	enum path_state state;
	uint64_t last_rx;
	uint64_t down_after;
	uint64_t busy_down_after; /* silence that takes down a path while we send data on it */
	uint64_t hold_base, hold;
	uint64_t heard_since; /* while down: start of the current run of frames without a gap */
	/* While down: runs of frames cut short by a gap over down_after. Several, and the path may be
	 * alive but probed by the peer less often than down_after allows (a mismatched probe_interval). */
	unsigned broken_runs;
	uint64_t up_since;    /* when the path last came back from down; 0 never */
	uint64_t flaps;       /* failures since start */
	bool peer_deaf;       /* the peer's last report said it has not heard us for over down_after */
	bool lossy;           /* down for its loss (HEALTH_FAILING_PPM), and the peer has not heard us since */
	uint64_t lossy_since;
	uint64_t state_since; /* when the state last changed */
	/* The longest gap between two frames heard while usable, in the current window and the one before. */
	uint64_t gap_window_start, gap_max, gap_max_before;
	uint64_t quiet_min; /* the shortest quiet limit: above the peer's keepalive spacing (set by the caller) */
	uint64_t long_gap;  /* a gap at least this long counts as the path having paused (set by the caller) */
	uint64_t long_gap_end; /* when the last such pause ended */
	/* When this end sent its last HEALTH_DATA_FRAMES data frames on the path, the oldest at data_next (0: none). */
	uint64_t data_sent[HEALTH_DATA_FRAMES];
	unsigned data_next;
};

/* A path whose peer is configured starts up, as if just heard from at `now`. */
void health_init(struct health *h, bool peer_known, uint64_t down_after, uint64_t hold_base, uint64_t now);

/* Starts the path down (it cannot work yet: its local address is missing); no failure is counted. */
void health_start_down(struct health *h, uint64_t now);
/* A valid frame arrived from the peer. Returns true when the state changed. */
bool health_on_rx(struct health *h, uint64_t now);

/*
 * Time passes. Returns true when the state changed (to down). Silence past down_after
 * takes a path down in any case. busy_since is 0 while this end sends no data on the
 * path; otherwise silence is also measured from the later of the last frame and
 * busy_since, against busy_down_after: a path carrying data is
 * probed more often by the peer, so its failure shows sooner. `other`, when not NULL,
 * is another usable path, and `skew` how much later (ns, 0 if not later) this path's
 * frames arrive than that path's for the same sending time. If the other path has
 * delivered without a pause since before this path's last frame, and recently, the
 * peer is alive and only this path is quiet: a busy path is then down after
 * health_quiet_limit. A peer or host that stalls pauses every path, so that the other
 * path's pause ends after this path's last frame: no quiet limit then.
 */
bool health_tick(struct health *h, uint64_t now, uint64_t busy_since, const struct health *other, uint64_t skew);

/*
 * Has a usable path been quiet at `now` for longer than its usual gaps allow (HEALTH_QUIET_GAPS
 * times the longest gap between its frames lately), and at least `min`? Far sooner than
 * health_quiet_limit: a sign it may have failed, not a finding.
 */
bool health_quiet(const struct health *h, uint64_t now, uint64_t min);
/* The silence after which a busy path, quiet while another delivers, is down (see health_tick). */
uint64_t health_quiet_limit(const struct health *h, uint64_t skew);

/*
 * The peer reported at `now` that it last heard us on this path `heard_ago` ns
 * earlier. A path that works only towards us is down too: data sent on it is lost.
 * A path down for its loss returns only once the peer heard us more than down_after
 * after it went down (the frames sent before have arrived or are lost by then): what
 * it heard is a padded probe. Returns true when the state changed.
 */
bool health_on_peer_report(struct health *h, uint64_t heard_ago, uint64_t now);

/* This end sent a data frame on the path. */
void health_on_data_sent(struct health *h, uint64_t now);

/*
 * Does the path carry our data at `now`: were HEALTH_DATA_FRAMES of them sent on it within
 * the last HEALTH_OURS_IDLE_NS?
 */
bool health_carries_ours(const struct health *h, uint64_t now);

/*
 * The path's current loss estimate at `now`. Returns true when it moved the path between
 * up and degraded, or took it down (HEALTH_FAILING_PPM, a failure like any other) when
 * `others` (another path is usable) and the path carries our data (health_carries_ours):
 * the last path left carries on, degraded, since what gets through it is all the link has.
 */
bool health_on_loss(struct health *h, uint32_t loss_ppm, bool others, uint64_t now);

/*
 * The spacing of this end's keepalives on the path: `interval` (the configured one, or the
 * busy one), or on a usable path that carries none of our data (health_carries_ours) and
 * whose peer reports `loss_ppm` of our frames lost, the longest multiple of `tick` (they go
 * out on ticks) that sends enough of them strictly within down_after for losing all to be
 * a HEALTH_FALSE_DOWN_PPM event, at least one tick. At 100 ms and down after 300 ms, a path
 * hears two keepalives within down_after: at 30 % loss an idle path went down nine times in
 * 20 s. With the defaults: 100 ms up to 0.1 %, 75 ms to 1 %, 50 ms to 6.3 %, 25 ms above
 * (from 28 % on, even that leaves more than a millionth). Loss counts up to
 * HEALTH_FAILING_PPM.
 */
uint64_t health_keepalive_interval(const struct health *h, uint64_t interval, uint64_t tick, uint32_t loss_ppm,
				   uint64_t now);

/* Does the path carry traffic (up or degraded)? */
bool health_usable(const struct health *h);

/*
 * Does a frame sent at `sent_at` (this end's or the peer's clock, in the caller's
 * terms: ns) and heard now tell the path's delay as it is? Only while the path is
 * usable and if the frame left after the path last came back. Frames of an outage can
 * wait it out in a queue and arrive with the first ones after it, seconds late (a
 * next hop's ARP queue holds them until the line is back): a 7 s cut left a restored
 * path's smoothed RTT at 476 ms, and it stood by for another 0.4 s as too slow for data.
 */
bool health_times_path(const struct health *h, uint64_t sent_at);

const char *health_state_name(enum path_state s);

#endif
