/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path liveness on a synthetic clock. */
#include "health.h"
#include "unit.h"

#include <stddef.h>

#define S 1000000000ull

START_TEST(configured_peer_starts_up_and_goes_down_when_silent)
{
	struct health h;

	health_init(&h, true, 3 * S, 0, 100 * S);
	ck_assert_int_eq(h.state, PATH_UP);
	ck_assert(!health_tick(&h, 103 * S, 0, NULL, 0)); /* exactly down_after: still up */
	ck_assert(health_tick(&h, 103 * S + 1, 0, NULL, 0));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_tick(&h, 200 * S, 0, NULL, 0)); /* reported once */
	ck_assert(health_on_rx(&h, 201 * S));
	ck_assert_int_eq(h.state, PATH_UP);
	ck_assert(!health_on_rx(&h, 202 * S));
	ck_assert(!health_tick(&h, 205 * S, 0, NULL, 0));
	ck_assert(health_tick(&h, 206 * S, 0, NULL, 0));
}
END_TEST

START_TEST(accepting_side_waits_for_the_peer)
{
	struct health h;

	health_init(&h, false, 3 * S, 0, 0);
	ck_assert_int_eq(h.state, PATH_WAITING);
	ck_assert(!health_tick(&h, 1000 * S, 0, NULL, 0)); /* nothing to lose while waiting */
	ck_assert_int_eq(h.state, PATH_WAITING);
	ck_assert(health_on_rx(&h, 1000 * S));
	ck_assert_int_eq(h.state, PATH_UP);
}
END_TEST

START_TEST(traffic_keeps_a_path_up)
{
	struct health h;

	health_init(&h, true, 3 * S, 0, 0);
	for (uint64_t t = 0; t < 100 * S; t += S / 2) {
		health_on_rx(&h, t);
		ck_assert(!health_tick(&h, t + S, 0, NULL, 0));
	}
	ck_assert_int_eq(h.state, PATH_UP);
}
END_TEST

START_TEST(clock_never_goes_back)
{
	struct health h;

	health_init(&h, true, 3 * S, 0, 10 * S);
	health_on_rx(&h, 5 * S); /* older than the start: ignored */
	ck_assert_uint_eq(h.last_rx, 10 * S);
	ck_assert(!health_tick(&h, 9 * S, 0, NULL, 0));
	ck_assert_str_eq(health_state_name(PATH_DOWN), "down");
}
END_TEST

#define MS 1000000ull

/* Sends HEALTH_DATA_FRAMES data frames on the path just before `now`. */
static void carry(struct health *h, uint64_t now)
{
	for (unsigned i = HEALTH_DATA_FRAMES; i-- > 0;)
		health_on_data_sent(h, now - i * MS);
}

/* Keeps the path heard every 100 ms from `from` to `to`; returns when it came up, or 0. */
static uint64_t hear(struct health *h, uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t <= to; t += 100 * MS)
		if (health_on_rx(h, t) && h->state == PATH_UP)
			return t;
	return 0;
}

START_TEST(a_returning_path_must_be_heard_for_the_hold)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_on_rx(&h, 1000 * MS)); /* one frame is not enough */
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_on_rx(&h, 1100 * MS));
	ck_assert(health_on_rx(&h, 1150 * MS)); /* heard without a gap for 150 ms */
	ck_assert_int_eq(h.state, PATH_UP);
}
END_TEST

/* A path whose local address is missing at start is down from the first moment, not a failure. */
START_TEST(a_path_started_down_comes_up_once_heard_for_the_hold)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 10 * MS);
	health_start_down(&h, 10 * MS);
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_usable(&h));
	ck_assert_uint_eq(h.state_since, 10 * MS);
	ck_assert_uint_eq(h.flaps, 0);
	ck_assert(!health_tick(&h, 5000 * MS, 0, NULL, 0)); /* down already: no change */
	ck_assert(!health_on_rx(&h, 6000 * MS));
	ck_assert(health_on_rx(&h, 6150 * MS));
	ck_assert_int_eq(h.state, PATH_UP);
	ck_assert_uint_eq(h.flaps, 0);
}
END_TEST

START_TEST(a_gap_restarts_the_proof)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0));
	ck_assert(!health_on_rx(&h, 1000 * MS));
	ck_assert(!health_on_rx(&h, 1400 * MS)); /* 400 ms gap: starts again */
	ck_assert(!health_on_rx(&h, 1500 * MS));
	ck_assert(health_on_rx(&h, 1550 * MS));
}
END_TEST

/* A peer that probes every second a path whose down_after here is 300 ms: never back, and counted. */
START_TEST(runs_broken_by_gaps_are_counted_while_down)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0));
	ck_assert_uint_eq(h.broken_runs, 0);
	ck_assert(!health_on_rx(&h, 1000 * MS)); /* the first frame starts a run: nothing broken yet */
	ck_assert_uint_eq(h.broken_runs, 0);
	for (unsigned k = 1; k <= 3; k++) {
		ck_assert(!health_on_rx(&h, (1000 + 1000 * k) * MS));
		ck_assert_uint_eq(h.broken_runs, k);
	}
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_on_rx(&h, 4100 * MS)); /* at the peer's default pace it returns, */
	ck_assert(health_on_rx(&h, 4200 * MS));
	ck_assert(health_tick(&h, 4501 * MS, 0, NULL, 0)); /* and a new down spell counts from 0 */
	ck_assert_uint_eq(h.broken_runs, 0);
	ck_assert(!health_on_rx(&h, 5600 * MS));
	ck_assert_uint_eq(h.broken_runs, 0);
}
END_TEST

START_TEST(flapping_doubles_the_hold_and_a_stable_run_resets_it)
{
	struct health h;
	uint64_t t = 0, back;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0)); /* first failure: not a flap */
	ck_assert_uint_eq(h.hold, 150 * MS);
	back = hear(&h, 1000 * MS, 5000 * MS);
	ck_assert_uint_eq(back, 1200 * MS); /* first frame 1000, then 1100, 1200 >= 150 */
	for (unsigned k = 1; k <= 8; k++) {
		t = back + 400 * MS;
		ck_assert(health_tick(&h, t, 0, NULL, 0)); /* fails again soon after returning */
		back = hear(&h, t + 1000 * MS, t + 100000 * MS);
		ck_assert(back);
	}
	ck_assert_uint_eq(h.hold, 150 * MS * HEALTH_HOLD_MAX_FACTOR); /* capped */
	ck_assert_uint_eq(h.flaps, 9);
	/* A long good run: the next failure is not a flap. */
	hear(&h, back, back + HEALTH_STABLE_NS + 100 * MS);
	t = back + HEALTH_STABLE_NS + 500 * MS;
	ck_assert(health_tick(&h, t, 0, NULL, 0));
	ck_assert_uint_eq(h.hold, 150 * MS);
}
END_TEST

START_TEST(loss_degrades_with_hysteresis)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(!health_on_loss(&h, HEALTH_DEGRADED_PPM - 1, true, 0));
	ck_assert(health_on_loss(&h, HEALTH_DEGRADED_PPM, true, 0));
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	ck_assert(health_usable(&h));
	ck_assert(!health_on_loss(&h, HEALTH_RECOVERED_PPM, true, 0)); /* between the thresholds: stays */
	ck_assert(health_on_loss(&h, HEALTH_RECOVERED_PPM - 1, true, 0));
	ck_assert_int_eq(h.state, PATH_UP);
	/* A degraded path still goes down when silent. */
	health_on_loss(&h, HEALTH_FAILING_PPM - 1, true, 0);
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_on_loss(&h, 0, true, 0)); /* loss never brings a down path up */
	ck_assert_int_eq(h.state, PATH_DOWN);
}
END_TEST

START_TEST(a_path_that_loses_half_its_frames_is_down)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	carry(&h, 10 * MS);
	ck_assert(health_on_loss(&h, HEALTH_FAILING_PPM, true, 10 * MS));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_usable(&h));
	ck_assert_uint_eq(h.flaps, 1);
	ck_assert_uint_eq(h.state_since, 10 * MS);
	ck_assert(h.lossy);
	/* Heard from the peer is not enough: the peer must have heard us, after what we sent before. */
	ck_assert_uint_eq(hear(&h, 20 * MS, 1000 * MS), 0);
	ck_assert(!health_on_peer_report(&h, 10 * MS, 300 * MS)); /* heard us at 290 ms: sent before 310 ms */
	ck_assert(h.lossy);
	ck_assert_uint_eq(hear(&h, 1100 * MS, 1200 * MS), 0);
	ck_assert(!health_on_peer_report(&h, 50 * MS, 1250 * MS)); /* heard us at 1200 ms: a padded probe */
	ck_assert(!h.lossy);
	ck_assert(health_on_rx(&h, 1300 * MS)); /* heard without a gap all along */
	ck_assert_int_eq(h.state, PATH_UP);
	/* Down again soon after: a flap, so the hold doubles; from degraded as from up. */
	ck_assert(health_on_loss(&h, HEALTH_DEGRADED_PPM, true, 1400 * MS));
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	carry(&h, 1500 * MS);
	ck_assert(health_on_loss(&h, 1000000, true, 1500 * MS));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert_uint_eq(h.hold, 300 * MS);
	ck_assert(!health_on_loss(&h, 1000000, true, 1600 * MS)); /* already down: no second failure */
	ck_assert_uint_eq(h.flaps, 2);
	/* The last path left is not taken down for its loss: what gets through is all there is. */
	health_init(&h, true, 300 * MS, 150 * MS, 0);
	carry(&h, 10 * MS);
	ck_assert(health_on_loss(&h, 1000000, false, 10 * MS));
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	ck_assert(!health_on_loss(&h, 1000000, false, 20 * MS));
	ck_assert(health_on_loss(&h, 1000000, true, 30 * MS)); /* another path came up */
	ck_assert_int_eq(h.state, PATH_DOWN);
	/* Down for silence is not down for loss. */
	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0));
	ck_assert(!h.lossy);
}
END_TEST

START_TEST(a_path_carries_our_data_with_ten_frames_a_second)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(!health_carries_ours(&h, 0));
	for (unsigned i = 0; i < HEALTH_DATA_FRAMES - 1; i++)
		health_on_data_sent(&h, S + i * 10 * MS);
	ck_assert(!health_carries_ours(&h, S + 100 * MS)); /* nine: a ping now and then is not traffic */
	health_on_data_sent(&h, S + 100 * MS);
	ck_assert(health_carries_ours(&h, S + 100 * MS));
	ck_assert(health_carries_ours(&h, 2 * S - 1)); /* the tenth latest, sent at 1 s, within a second */
	ck_assert(!health_carries_ours(&h, 2 * S));
	/* Each frame sent moves the window: now the tenth latest is the one sent at 1.01 s. */
	health_on_data_sent(&h, 2 * S);
	ck_assert(health_carries_ours(&h, 2 * S));
	ck_assert(!health_carries_ours(&h, 2 * S + 10 * MS));
}
END_TEST

START_TEST(loss_takes_down_only_a_path_that_carries_our_data)
{
	struct health h;

	/* Never sent data on: what it loses are keepalives (2 of 3 read 66.7 %). */
	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_on_loss(&h, 666667, true, 10 * MS));
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	ck_assert(!health_on_loss(&h, 1000000, true, 20 * MS));
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	/* Our data a second ago is no longer in the estimate; just under, it is. */
	carry(&h, 30 * MS);
	ck_assert(!health_on_loss(&h, 1000000, true, 21 * MS + HEALTH_OURS_IDLE_NS));
	ck_assert_int_eq(h.state, PATH_DEGRADED);
	ck_assert(health_on_loss(&h, 1000000, true, 21 * MS + HEALTH_OURS_IDLE_NS - 1));
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(h.lossy);
}
END_TEST

START_TEST(keepalives_come_faster_on_an_idle_lossy_path)
{
	const uint64_t tick = 25 * MS, now = 10 * S;
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 0, now), 100 * MS);
	/* Two keepalives within down_after (at 100 and 200 ms) suffice up to 0.1 %, three to 1 %. */
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 1000, now), 100 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 1001, now), 75 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 10000, now), 75 * MS);
	/* 3 %: four needed within 300 ms; 75 ms puts three there, 50 ms five. */
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 30000, now), 50 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 100000, now), 25 * MS);
	/* Not below a tick, whatever the loss; counted up to HEALTH_FAILING_PPM. */
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 300000, now), 25 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 1000000, now), 25 * MS);
	/* A configured interval that sends enough stands, as the ticks round it up: 30 ms goes
	 * out every 50 at most, five within 300 ms; 90 ms every 100, too few at 1 %. */
	ck_assert_uint_eq(health_keepalive_interval(&h, 30 * MS, tick, 30000, now), 30 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 90 * MS, tick, 1000, now), 90 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 90 * MS, tick, 10000, now), 75 * MS);
	/* A long interval and down_after: 1 % over 3 s needs three within it, under 1 s apart. */
	health_init(&h, true, 3 * S, 150 * MS, 0);
	ck_assert_uint_eq(health_keepalive_interval(&h, S, tick, 10000, now), 975 * MS);
	/* A path that carries our data: its loss is judged, its keepalives keep their pace. */
	health_init(&h, true, 300 * MS, 150 * MS, 0);
	carry(&h, now);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 100000, now), 100 * MS);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 100000, now + S), 25 * MS);
	/* A down path is not kept from a false failure: it keeps its pace; as does a path with no peer yet. */
	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(health_tick(&h, 301 * MS, 0, NULL, 0));
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 300000, now), 100 * MS);
	health_init(&h, false, 300 * MS, 150 * MS, 0);
	ck_assert_uint_eq(health_keepalive_interval(&h, 100 * MS, tick, 300000, now), 100 * MS);
}
END_TEST

START_TEST(a_peer_that_cannot_hear_us_takes_the_path_down)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	ck_assert(!health_on_peer_report(&h, 300 * MS, 100 * MS));
	ck_assert(health_on_peer_report(&h, 301 * MS, 200 * MS));
	ck_assert_int_eq(h.state, PATH_DOWN);
	/* Its frames still reach us, but that is not enough while it cannot hear us. */
	ck_assert_uint_eq(hear(&h, 300 * MS, 2000 * MS), 0);
	ck_assert_int_eq(h.state, PATH_DOWN);
	ck_assert(!health_on_peer_report(&h, 50 * MS, 2050 * MS));
	ck_assert(health_on_rx(&h, 2100 * MS));
	ck_assert_int_eq(h.state, PATH_UP);
}
END_TEST

START_TEST(a_busy_path_fails_sooner_but_only_after_its_grace)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	h.busy_down_after = 100 * MS;
	health_on_rx(&h, 1000 * MS);
	/* Data started at 1050 (grace to 1050): silence counts from there. */
	ck_assert(!health_tick(&h, 1150 * MS, 1050 * MS, NULL, 0));
	ck_assert(health_tick(&h, 1151 * MS, 1050 * MS, NULL, 0));
	ck_assert_int_eq(h.state, PATH_DOWN);
	/* Idle, the same silence is fine. */
	health_init(&h, true, 300 * MS, 150 * MS, 0);
	h.busy_down_after = 100 * MS;
	health_on_rx(&h, 1000 * MS);
	ck_assert(!health_tick(&h, 1151 * MS, 0, NULL, 0));
	ck_assert(!health_tick(&h, 1300 * MS, 0, NULL, 0));
	ck_assert(health_tick(&h, 1301 * MS, 0, NULL, 0));
}
END_TEST

/* A busy path as the link sets it up: quiet limit at least 75 ms, a pause is 50 ms. */
static void busy_init(struct health *h)
{
	health_init(h, true, 300 * MS, 150 * MS, 0);
	h->busy_down_after = 150 * MS;
	h->quiet_min = 75 * MS;
	h->long_gap = 50 * MS;
}

/* Path h and the other path o both heard every 2 ms from 1000 ms to 3000 ms (the first
 * gap, from start, is forgotten two windows later); data sent on h since 500 ms. */
static void two_busy_paths(struct health *h, struct health *o)
{
	busy_init(h);
	busy_init(o);
	for (uint64_t t = 1000 * MS; t <= 3000 * MS; t += 2 * MS) {
		health_on_rx(h, t);
		health_on_rx(o, t + MS);
	}
}

START_TEST(a_busy_path_quiet_while_another_delivers_fails_fast)
{
	struct health h, o;

	two_busy_paths(&h, &o);
	ck_assert_uint_eq(health_quiet_limit(&h, 0), 75 * MS);
	ck_assert_uint_eq(health_quiet_limit(&h, 20 * MS), 95 * MS); /* frames 20 ms later than the other's */
	/* The other path goes on: down after 75 ms, not 150. */
	for (uint64_t t = 3003 * MS; t <= 3075 * MS; t += 2 * MS)
		health_on_rx(&o, t);
	ck_assert(!health_tick(&h, 3075 * MS, 500 * MS, &o, 0));
	ck_assert(health_tick(&h, 3076 * MS, 500 * MS, &o, 0));
	ck_assert_uint_eq(h.state_since, 3076 * MS);

	/* No other path, or not sending data on it: the usual limits. */
	two_busy_paths(&h, &o);
	for (uint64_t t = 3001 * MS; t <= 3400 * MS; t += 2 * MS)
		health_on_rx(&o, t);
	ck_assert(!health_tick(&h, 3150 * MS, 500 * MS, NULL, 0));
	ck_assert(health_tick(&h, 3151 * MS, 500 * MS, NULL, 0));
	two_busy_paths(&h, &o);
	for (uint64_t t = 3001 * MS; t <= 3400 * MS; t += 2 * MS)
		health_on_rx(&o, t);
	ck_assert(!health_tick(&h, 3300 * MS, 0, &o, 0));
	ck_assert(health_tick(&h, 3301 * MS, 0, &o, 0));
}
END_TEST

START_TEST(a_peer_that_pauses_everywhere_is_not_a_quiet_path)
{
	struct health h, o;

	/* The peer stops at 3000 and resumes at 3090: the other path first, this one 20 ms
	 * later (it is slower). At 3105 this path has been quiet for 105 ms, but the other
	 * path's pause ended after this path's last frame: 150 ms holds. */
	two_busy_paths(&h, &o);
	health_on_rx(&o, 3090 * MS);
	health_on_rx(&o, 3100 * MS);
	ck_assert_uint_eq(o.long_gap_end, 3090 * MS);
	ck_assert(!health_tick(&h, 3105 * MS, 500 * MS, &o, 20 * MS));
	ck_assert(!health_tick(&h, 3150 * MS, 500 * MS, &o, 20 * MS));
	ck_assert(health_on_rx(&h, 3110 * MS) == false && h.state == PATH_UP);

	/* A short pause (40 ms) does not count as one, and 40 ms is under the limit anyway. */
	two_busy_paths(&h, &o);
	health_on_rx(&o, 3041 * MS);
	ck_assert_uint_lt(o.long_gap_end, 3000 * MS);
	ck_assert(!health_tick(&h, 3060 * MS, 500 * MS, &o, 20 * MS));

	/* The other path is quiet now too (nothing for 50 ms): no quiet limit. */
	two_busy_paths(&h, &o);
	ck_assert(!health_tick(&h, 3090 * MS, 500 * MS, &o, 0));
}
END_TEST

START_TEST(the_quiet_limit_follows_the_longest_recent_gap)
{
	struct health h, o;

	two_busy_paths(&h, &o);
	health_on_rx(&h, 3040 * MS); /* a 40 ms gap: 120 ms */
	ck_assert_uint_eq(health_quiet_limit(&h, 0), 120 * MS);
	/* Still remembered in the next window (it started at 3000 ms)... */
	for (uint64_t t = 3042 * MS; t <= 4500 * MS; t += 2 * MS)
		health_on_rx(&h, t);
	ck_assert_uint_eq(health_quiet_limit(&h, 0), 120 * MS);
	/* ... and forgotten in the one after. */
	for (uint64_t t = 4502 * MS; t <= 5100 * MS; t += 2 * MS)
		health_on_rx(&h, t);
	ck_assert_uint_eq(health_quiet_limit(&h, 0), 75 * MS);

	/* 100 ms gaps (keepalives only): capped at busy_down_after. */
	two_busy_paths(&h, &o);
	health_on_rx(&h, 3100 * MS);
	ck_assert_uint_eq(health_quiet_limit(&h, 0), 150 * MS);

	/* A window with nothing heard in it: the gaps before it are forgotten. */
	two_busy_paths(&h, &o);
	health_on_rx(&h, 3040 * MS);
	health_on_rx(&h, 5500 * MS);
	health_on_rx(&h, 5502 * MS);
	ck_assert_uint_eq(h.gap_max_before, 0);
}
END_TEST

START_TEST(a_path_quiet_beyond_its_usual_gaps_is_suspect_long_before_it_is_down)
{
	struct health h, o;

	/* Frames every 2 ms: quiet for 10 ms (the floor given) is beyond 3 x 2 ms. */
	two_busy_paths(&h, &o);
	ck_assert(!health_quiet(&h, 3009 * MS, 10 * MS));
	ck_assert(health_quiet(&h, 3010 * MS, 10 * MS));
	ck_assert(!health_tick(&h, 3010 * MS, 500 * MS, &o, 0));
	/* A 40 ms gap lately: suspect after 120 ms only. */
	health_on_rx(&h, 3040 * MS);
	ck_assert(!health_quiet(&h, 3159 * MS, 10 * MS));
	ck_assert(health_quiet(&h, 3160 * MS, 10 * MS));
	/* A path already down (silent for down_after) is past suspicion. */
	ck_assert(health_tick(&h, 3341 * MS, 0, NULL, 0));
	ck_assert(!health_quiet(&h, 3500 * MS, 10 * MS));
}
END_TEST

START_TEST(state_since_follows_every_change)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 7 * MS);
	ck_assert_uint_eq(h.state_since, 7 * MS);
	ck_assert(health_on_loss(&h, HEALTH_DEGRADED_PPM, true, 20 * MS));
	ck_assert_uint_eq(h.state_since, 20 * MS);
	ck_assert(health_on_loss(&h, 0, true, 30 * MS));
	ck_assert_uint_eq(h.state_since, 30 * MS);
	ck_assert(health_tick(&h, 400 * MS, 0, NULL, 0));
	ck_assert_uint_eq(h.state_since, 400 * MS);
	health_on_rx(&h, 410 * MS);
	ck_assert(health_on_rx(&h, 560 * MS));
	ck_assert_uint_eq(h.state_since, 560 * MS);
}
END_TEST

START_TEST(a_new_run_of_data_does_not_restart_the_silence)
{
	struct health h;

	health_init(&h, true, 300 * MS, 150 * MS, 0);
	h.busy_down_after = 150 * MS;
	health_on_rx(&h, 1000 * MS);
	/* Data resumed at 1250 with a grace to 1400: busy counting starts there, but the
	 * path has been silent since 1000, and 300 ms of that is enough. */
	ck_assert(!health_tick(&h, 1300 * MS, 1400 * MS, NULL, 0));
	ck_assert(health_tick(&h, 1301 * MS, 1400 * MS, NULL, 0));
}
END_TEST

/*
 * A 7 s outage: the peer's frames of the outage wait it out in a queue and come first
 * when the line is back. Neither they (heard while the path proves itself) nor echoes of
 * this end's frames sent before the path came back tell its delay; frames sent after do.
 */
START_TEST(an_outage_s_frames_do_not_time_the_path)
{
	struct health h;

	health_init(&h, true, S / 2, S / 4, 10 * S);
	ck_assert(health_times_path(&h, 9 * S)); /* up from the start: every frame */
	ck_assert(health_tick(&h, 11 * S, 0, NULL, 0));
	ck_assert(!health_times_path(&h, 11 * S)); /* down */
	ck_assert(!health_on_rx(&h, 18 * S));      /* back: heard, proving itself */
	ck_assert(!health_times_path(&h, 18 * S));
	ck_assert(health_on_rx(&h, 18 * S + S / 4)); /* up after the hold */
	ck_assert(!health_times_path(&h, 15 * S)); /* sent in the outage */
	ck_assert(!health_times_path(&h, 18 * S)); /* sent while it proved itself */
	ck_assert(health_times_path(&h, 18 * S + S / 4));
	ck_assert(health_times_path(&h, 19 * S));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("health");

	tcase_add_test(tc, configured_peer_starts_up_and_goes_down_when_silent);
	tcase_add_test(tc, accepting_side_waits_for_the_peer);
	tcase_add_test(tc, traffic_keeps_a_path_up);
	tcase_add_test(tc, clock_never_goes_back);
	tcase_add_test(tc, a_returning_path_must_be_heard_for_the_hold);
	tcase_add_test(tc, a_path_started_down_comes_up_once_heard_for_the_hold);
	tcase_add_test(tc, a_gap_restarts_the_proof);
	tcase_add_test(tc, runs_broken_by_gaps_are_counted_while_down);
	tcase_add_test(tc, flapping_doubles_the_hold_and_a_stable_run_resets_it);
	tcase_add_test(tc, loss_degrades_with_hysteresis);
	tcase_add_test(tc, a_path_that_loses_half_its_frames_is_down);
	tcase_add_test(tc, a_path_carries_our_data_with_ten_frames_a_second);
	tcase_add_test(tc, loss_takes_down_only_a_path_that_carries_our_data);
	tcase_add_test(tc, keepalives_come_faster_on_an_idle_lossy_path);
	tcase_add_test(tc, a_peer_that_cannot_hear_us_takes_the_path_down);
	tcase_add_test(tc, a_busy_path_fails_sooner_but_only_after_its_grace);
	tcase_add_test(tc, a_busy_path_quiet_while_another_delivers_fails_fast);
	tcase_add_test(tc, a_peer_that_pauses_everywhere_is_not_a_quiet_path);
	tcase_add_test(tc, the_quiet_limit_follows_the_longest_recent_gap);
	tcase_add_test(tc, state_since_follows_every_change);
	tcase_add_test(tc, a_path_quiet_beyond_its_usual_gaps_is_suspect_long_before_it_is_down);
	tcase_add_test(tc, a_new_run_of_data_does_not_restart_the_silence);
	tcase_add_test(tc, an_outage_s_frames_do_not_time_the_path);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
