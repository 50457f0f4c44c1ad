/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path measurements from keepalive reports, two ends simulated on one synthetic clock. */
#include "health.h"
#include "probe.h"
#include "unit.h"

#define MS 1000000ull

static uint32_t stamp(uint64_t ns)
{
	return (uint32_t)(ns / 1000);
}

START_TEST(rtt_is_the_echo_minus_the_hold)
{
	struct probe a, b;
	struct wire_probe rep;

	probe_init(&a);
	probe_init(&b);
	/* A sends a frame stamped at t=1000 ms; it reaches B 20 ms later; B reports 30 ms after that. */
	probe_on_frame(&b, 0, stamp(1000 * MS), 100, 1020 * MS);
	probe_report(&b, 1050 * MS, &rep);
	ck_assert_uint_eq(rep.echo_hold_us, 30000);
	/* The report takes 25 ms back: RTT 45 ms (20 + 25); B's hold is not counted. */
	probe_on_report(&a, &rep, stamp(5000 * MS) /* B's clock, unrelated */, stamp(1075 * MS), 0);
	ck_assert(a.have_rtt);
	ck_assert_uint_eq(a.srtt, 45 * MS);
	ck_assert_uint_eq(a.min_rtt, 45 * MS);
	ck_assert_uint_eq(a.rttvar, 45 * MS / 2);
}
END_TEST

START_TEST(no_echo_before_anything_was_heard)
{
	struct probe a, b;
	struct wire_probe rep;

	probe_init(&a);
	probe_init(&b);
	probe_report(&b, 10 * MS, &rep);
	ck_assert_uint_eq(rep.echo_hold_us, WIRE_PROBE_NO_ECHO);
	probe_on_report(&a, &rep, 1, stamp(20 * MS), 0);
	ck_assert(!a.have_rtt);
}
END_TEST

START_TEST(rtt_survives_the_stamp_wrapping)
{
	struct probe a;
	/* Sent 2 ms before the 32-bit microsecond stamp wraps, echoed 10 ms later, held 1 ms. */
	struct wire_probe rep = { .echo_timestamp_us = 0xffffffffu - 1999, .echo_hold_us = 1000 };

	probe_init(&a);
	probe_on_report(&a, &rep, 7, 8000, 0);
	ck_assert(a.have_rtt);
	ck_assert_uint_eq(a.srtt, 9 * MS);
}
END_TEST

START_TEST(an_implausible_echo_is_ignored)
{
	struct probe a;
	struct wire_probe rep = { .echo_timestamp_us = 1000, .echo_hold_us = 5000 };

	probe_init(&a);
	probe_on_report(&a, &rep, 7, 3000, 0); /* held longer than it was away */
	ck_assert(!a.have_rtt);
}
END_TEST

START_TEST(smoothing_follows_rfc6298)
{
	struct probe a;

	probe_init(&a);
	for (unsigned i = 0; i < 200; i++) {
		struct wire_probe rep = { .echo_timestamp_us = 0, .echo_hold_us = 0 };

		probe_on_report(&a, &rep, i, i % 2 ? 10000 : 30000, 0); /* alternating 10 and 30 ms */
	}
	ck_assert_uint_ge(a.srtt, 17 * MS);
	ck_assert_uint_le(a.srtt, 23 * MS);
	ck_assert_uint_ge(a.rttvar, 8 * MS); /* |srtt - r| is about 10 ms */
	ck_assert_uint_eq(a.min_rtt, 10 * MS);
}
END_TEST

/* B hears `heard` of every `sent` frames A sends in each 100 ms, and reports; returns A's loss estimate. */
static uint32_t run_loss(unsigned sent, unsigned heard, unsigned reports)
{
	struct probe a, b;
	uint32_t seq = 0xfffffff0u; /* wraps during the run */

	probe_init(&a);
	probe_init(&b);
	for (unsigned r = 0; r < reports; r++) {
		uint64_t t = r * 100 * MS;
		struct wire_probe rep;

		for (unsigned i = 0; i < sent; i++, seq++)
			if (i < heard)
				probe_on_frame(&b, seq, stamp(t), 1000, t);
		probe_report(&b, t + 50 * MS, &rep);
		probe_on_report(&a, &rep, stamp(t + 50 * MS), stamp(t + 60 * MS), 0);
	}
	return probe_loss_ppm(&a);
}

START_TEST(loss_is_frames_missing_below_the_highest)
{
	ck_assert_uint_eq(run_loss(100, 100, 50), 0);
	/* Lost frames at the end of a batch are invisible until a later frame arrives: heard 1 of 2 in
	 * each batch means the first of each pair arrived and the second shows up missing next time. */
	ck_assert_uint_ge(run_loss(100, 95, 50), 45000);
	ck_assert_uint_le(run_loss(100, 95, 50), 55000);
	ck_assert_uint_ge(run_loss(10, 5, 50), 450000);
	ck_assert_uint_le(run_loss(10, 5, 50), 550000);
}
END_TEST

START_TEST(loss_recovers_after_a_bad_spell)
{
	struct probe a = { 0 };

	probe_init(&a);
	a.sent_acc = 100 * 256;
	a.lost_acc = 100 * 256;
	ck_assert_uint_eq(probe_loss_ppm(&a), 1000000);
	probe_forget_loss(&a);
	ck_assert_uint_eq(probe_loss_ppm(&a), 0);
}
END_TEST

/*
 * An idle path: A sends one keepalive a report, 3 of every 10 lost, then none lost. The
 * estimate over 8 reports swings with each loss; the peak keeps the highest and fades
 * over about a hundred reports.
 */
START_TEST(the_loss_peak_holds_the_highest_lately_and_fades)
{
	struct probe a, b;
	uint32_t seq = 0, low = 1000000, peak_lossy = 0;

	probe_init(&a);
	probe_init(&b);
	for (unsigned r = 0; r < 300; r++, seq++) {
		uint64_t t = r * 100 * MS;
		struct wire_probe rep;
		bool lost = r < 100 && r % 10 >= 7;

		if (!lost)
			probe_on_frame(&b, seq, stamp(t), 100, t);
		probe_report(&b, t + 50 * MS, &rep);
		probe_on_report(&a, &rep, stamp(t + 50 * MS), stamp(t + 60 * MS), 0);
		ck_assert_uint_ge(probe_loss_peak_ppm(&a), probe_loss_ppm(&a));
		if (r >= 20 && r < 100 && probe_loss_ppm(&a) < low)
			low = probe_loss_ppm(&a);
		if (r == 99)
			peak_lossy = probe_loss_peak_ppm(&a);
		if (r == 130) {
			ck_assert_uint_lt(probe_loss_ppm(&a), 20000); /* the estimate forgot it */
			ck_assert_uint_gt(probe_loss_peak_ppm(&a), peak_lossy / 2);
		}
	}
	ck_assert_uint_lt(low, 250000);          /* the estimate swung under 25 % ... */
	ck_assert_uint_ge(peak_lossy, 300000);   /* ... the peak stayed over 30 % */
	ck_assert_uint_lt(probe_loss_peak_ppm(&a), peak_lossy / 10); /* 200 reports without loss */
	probe_forget_loss(&a);
	ck_assert_uint_eq(probe_loss_peak_ppm(&a), 0);
}
END_TEST

/* Frames sent into an outage show as lost in the first report after it; a path that came back forgets them. */
static uint32_t loss_after_outage(bool forget)
{
	struct probe a, b;
	struct wire_probe rep;
	uint32_t seq = 0;

	probe_init(&a);
	probe_init(&b);
	for (unsigned r = 0; r < 4; r++) {
		uint64_t t = r * 100 * MS;

		for (unsigned i = 0; i < 10; i++)
			probe_on_frame(&b, seq++, stamp(t), 1000, t);
		probe_report(&b, t + 50 * MS, &rep);
		probe_on_report(&a, &rep, stamp(t + 50 * MS), stamp(t + 60 * MS), 0);
	}
	seq += 200; /* the outage: nothing heard */
	if (forget)
		probe_forget_loss(&a);
	for (unsigned r = 0; r < 3; r++) {
		uint64_t t = (10 + r) * 100 * MS;

		for (unsigned i = 0; i < 10; i++)
			probe_on_frame(&b, seq++, stamp(t), 1000, t);
		probe_report(&b, t + 50 * MS, &rep);
		probe_on_report(&a, &rep, stamp(t + 50 * MS), stamp(t + 60 * MS), 0);
	}
	return probe_loss_ppm(&a);
}

START_TEST(a_path_that_came_back_forgets_the_frames_sent_into_its_outage)
{
	ck_assert_uint_ge(loss_after_outage(false), HEALTH_FAILING_PPM);
	ck_assert_uint_eq(loss_after_outage(true), 0);
}
END_TEST

START_TEST(rate_is_bytes_heard_over_the_peers_clock)
{
	struct probe a;

	probe_init(&a);
	for (unsigned r = 0; r < 40; r++) {
		/* 125000 bytes per 100 ms of the peer's clock: 10 Mbit/s. */
		struct wire_probe rep = { .echo_hold_us = WIRE_PROBE_NO_ECHO, .rx_bytes = r * 125000u,
					  .rx_frames = r, .rx_highest_seq = r };

		probe_on_report(&a, &rep, 0xfff00000u + r * 100000u, r * 1000, 0);
	}
	ck_assert_uint_ge(a.rate_bps, 9990000);
	ck_assert_uint_le(a.rate_bps, 10010000);
	ck_assert_uint_eq(probe_loss_ppm(&a), 0);
}
END_TEST

START_TEST(a_reordered_old_report_changes_nothing)
{
	struct probe a;
	struct wire_probe r1 = { .echo_hold_us = WIRE_PROBE_NO_ECHO, .rx_frames = 10, .rx_highest_seq = 10 };
	struct wire_probe r2 = { .echo_hold_us = WIRE_PROBE_NO_ECHO, .rx_frames = 20, .rx_highest_seq = 20,
				 .rx_bytes = 1000 };

	probe_init(&a);
	probe_on_report(&a, &r1, 1000, 0, 0);
	probe_on_report(&a, &r2, 2000, 0, 0);
	probe_on_report(&a, &r1, 1000, 0, 0); /* arrives late */
	ck_assert_uint_eq(a.last.rx_frames, 20);
	ck_assert_uint_eq(a.lost_total, 0);
}
END_TEST

/*
 * A path between A and B, one report from B every 100 ms of the synthetic clock. In
 * each interval A sends `tx` bytes and B `rx` bytes on it besides a 92-byte keepalive
 * each way; A's last frame of the interval comes back echoed after `rtt`.
 */
struct bed {
	struct probe a, b;
	uint64_t t;
	uint32_t a_seq, b_seq;
};

static void bed_init(struct bed *d)
{
	probe_init(&d->a);
	probe_init(&d->b);
	d->t = 1000 * MS;
	d->a_seq = d->b_seq = 0;
}

static void bed_run(struct bed *d, uint64_t ms, uint64_t rtt, uint32_t tx, uint32_t rx)
{
	for (uint64_t end = d->t + ms * MS; d->t < end; d->t += 100 * MS) {
		struct wire_probe rep;

		probe_on_frame(&d->b, d->b_seq++, stamp(d->t - rtt), tx + 92, d->t - rtt / 2);
		probe_on_frame(&d->a, d->a_seq++, stamp(d->t), rx + 92, d->t);
		probe_report(&d->b, d->t - rtt / 2, &rep);
		probe_on_report(&d->a, &rep, stamp(d->t - rtt / 2), stamp(d->t), 0);
	}
}

/* `cycles` times: busy_ms of 10 Mbit/s from A with an RTT of busy_rtt, then quiet_ms of nothing with quiet_rtt. */
static void bed_alternate(struct bed *d, unsigned cycles, uint64_t busy_ms, uint64_t busy_rtt, uint64_t quiet_ms,
			  uint64_t quiet_rtt)
{
	for (unsigned i = 0; i < cycles; i++) {
		bed_run(d, busy_ms, busy_rtt, 125000, 0);
		bed_run(d, quiet_ms, quiet_rtt, 0, 0);
	}
}

/*
 * A download's acknowledgements fill a thin uplink: the queue is on the reports' way to
 * this end, not on this end's. Each RTT sample is taken less its own report's queue,
 * never below the base, so the round trip out stays at the base through the queue's
 * rise and its drain (a smoothed queue taken off a smoothed RTT lagged it, and made a
 * draining queue look like this end's); a queue on the way out still shows.
 */
START_TEST(the_reverse_queue_is_not_this_end_s)
{
	struct probe a, b;
	uint64_t t = 1000 * MS, highest = 0;

	ck_assert_uint_eq(probe_forward_rtt(40 * MS, 11 * MS, 25 * MS), 15 * MS);
	ck_assert_uint_eq(probe_forward_rtt(40 * MS, 11 * MS, 60 * MS), 11 * MS);
	ck_assert_uint_eq(probe_forward_rtt(40 * MS, 11 * MS, 0), 40 * MS);
	ck_assert_uint_eq(probe_forward_rtt(10 * MS, 11 * MS, 5 * MS), 10 * MS);

	probe_init(&a);
	probe_init(&b);
	/* 20 ms both ways, then the way back queues up to 60 ms and drains in 10 ms steps. */
	for (unsigned r = 0; r < 40; r++, t += 100 * MS) {
		uint64_t queue = (r < 10 ? 0 : r < 16 ? r - 10 : r < 22 ? 22 - r : 0) * 10 * MS;
		struct wire_probe rep;

		probe_on_frame(&b, r, stamp(t), 100, t + 10 * MS);
		probe_report(&b, t + 10 * MS, &rep);
		probe_on_report(&a, &rep, stamp(t + 10 * MS), stamp(t + 20 * MS + queue), queue);
		ck_assert_uint_eq(a.forward_srtt, 20 * MS);
		highest = a.srtt > highest ? a.srtt : highest;
	}
	ck_assert_uint_gt(highest, 35 * MS);
	/* The same queue on the way out: the peer's reports come back without one. */
	for (unsigned r = 40; r < 46; r++, t += 100 * MS) {
		struct wire_probe rep;

		probe_on_frame(&b, r, stamp(t), 100, t + 50 * MS);
		probe_report(&b, t + 50 * MS, &rep);
		probe_on_report(&a, &rep, stamp(t + 50 * MS), stamp(t + 60 * MS), 0);
	}
	ck_assert_uint_gt(a.forward_srtt, 35 * MS);
}
END_TEST

START_TEST(base_rtt_follows_a_longer_route_once_the_path_is_quiet)
{
	struct bed d;

	bed_init(&d);
	bed_run(&d, 12000, 20 * MS, 0, 0);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
	/* The route changes: every round trip now takes 60 ms. Not at once ... */
	bed_run(&d, 5000, 60 * MS, 0, 0);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
	/* ... but by the end of the first epoch that saw only the new route. */
	bed_run(&d, 15000, 60 * MS, 0, 0);
	ck_assert_uint_eq(d.a.min_rtt, 60 * MS);
	ck_assert_uint_eq(d.a.min_rtt_raised, 1);
	/* Back on the short route: a lower sample counts at once. */
	bed_run(&d, 200, 20 * MS, 0, 0);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
}
END_TEST

START_TEST(a_standing_queue_does_not_pass_for_base_rtt)
{
	struct bed d;

	bed_init(&d);
	bed_run(&d, 3000, 20 * MS, 0, 0);
	/* Bulk data at 10 Mbit/s each way for a minute behind a queue that never drains: 80 ms. */
	bed_run(&d, 60000, 80 * MS, 125000, 0);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
	bed_run(&d, 60000, 80 * MS, 0, 125000);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
	/* Light traffic (under 1/16 of the path's peak) lets the same queue drain: 20 ms again. */
	bed_run(&d, 30000, 20 * MS, 6000, 6000);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
	ck_assert_uint_eq(d.a.min_rtt_raised, 0);
}
END_TEST

START_TEST(short_lulls_in_a_transfer_are_not_quiet)
{
	struct bed d;

	bed_init(&d);
	bed_run(&d, 3000, 20 * MS, 0, 0);
	/* A transfer that pauses for one report interval in four: each pause echoes a queue not yet drained. */
	bed_alternate(&d, 200, 300, 80 * MS, 100, 70 * MS);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
	/* Two quiet intervals in a row do count (the second one's sample). */
	bed_alternate(&d, 200, 300, 80 * MS, 200, 70 * MS);
	ck_assert_uint_eq(d.a.min_rtt, 70 * MS);
}
END_TEST

START_TEST(too_few_quiet_samples_leave_the_base_rtt)
{
	struct bed d;

	bed_init(&d);
	bed_run(&d, 3000, 20 * MS, 0, 0);
	/* Quiet, on a longer route, for two report intervals in every 10 s: one sample per epoch. */
	bed_alternate(&d, 10, 9800, 60 * MS, 200, 60 * MS);
	ck_assert_uint_eq(d.a.min_rtt, 20 * MS);
}
END_TEST

START_TEST(the_standing_queue_is_the_least_delay_above_the_base)
{
	struct probe a, b;
	struct wire_probe rep;
	uint64_t now = 1000 * MS;
	struct probe_take t;
	const uint32_t offset = 0xfffff000u; /* the clocks' offset: the delays wrap */

	probe_init(&a);
	probe_init(&b);
	/* Nothing heard: no queue to report. */
	probe_report(&b, now, &rep);
	ck_assert_uint_eq(rep.queue_us, WIRE_PROBE_NO_QUEUE);
	/* An idle path: frames at its base of 20 ms. */
	for (int i = 0; i < 10; i++)
		probe_on_delay(&b, offset + 20000, now += 10 * MS);
	probe_report(&b, now, &rep);
	ck_assert_uint_eq(rep.queue_us, 0);
	/* Jitter: 20-40 ms, but some frame of the interval comes near the base. */
	for (int i = 0; i < 20; i++)
		probe_on_delay(&b, offset + 20300 + (uint32_t)(i * 7919 % 20000), now += 5 * MS);
	probe_report(&b, now, &rep);
	ck_assert_uint_lt(rep.queue_us, 1000);
	/* A queue that never drains while the frames come: 15 ms at least, 35-60 ms one way. */
	for (int i = 0; i < 20; i++)
		probe_on_delay(&b, offset + 35000 + (uint32_t)(i * 7919 % 25000), now += 5 * MS);
	probe_report(&b, now, &rep);
	ck_assert_uint_eq(rep.queue_us, 15000);
	/* Each report starts afresh. */
	probe_report(&b, now, &rep);
	ck_assert_uint_eq(rep.queue_us, WIRE_PROBE_NO_QUEUE);

	/* The sender takes the least of the reports since it last looked, in ns. */
	ck_assert(!probe_take_queue(&a, &t));
	rep.echo_hold_us = WIRE_PROBE_NO_ECHO;
	rep.queue_us = 15000;
	probe_on_report(&a, &rep, 100, 5000, 0);
	rep.queue_us = 12000;
	probe_on_report(&a, &rep, 200, 5100, 0);
	rep.queue_us = WIRE_PROBE_NO_QUEUE;
	probe_on_report(&a, &rep, 300, 5200, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert_uint_eq(t.queue_ns, 12 * MS);
	ck_assert(a.have_queue);
	ck_assert_uint_eq(a.queue_reported_us, 12000);
	ck_assert(!probe_take_queue(&a, &t));
}
END_TEST

START_TEST(the_capacity_rate_spans_the_same_reports)
{
	struct probe a;
	struct wire_probe rep = { .echo_hold_us = WIRE_PROBE_NO_ECHO };
	struct probe_take t;

	probe_init(&a);
	rep.rx_bytes = 1000;
	rep.queue_us = 5000;
	probe_on_report(&a, &rep, 1000000, 7000, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert_uint_eq(t.rate_bps, 0); /* no earlier look to measure from */
	/* 312500 bytes over the peer's 250 ms since: 10 Mbit/s; our clock plays no part. */
	rep.rx_bytes = 126000;
	rep.queue_us = 4000;
	probe_on_report(&a, &rep, 1100000, 9000, 0);
	rep.rx_bytes = 313500;
	rep.queue_us = 3000;
	probe_on_report(&a, &rep, 1250000, 9100, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert_uint_eq(t.queue_ns, 3 * MS);
	ck_assert_uint_eq(t.rate_bps, 10000000);
	ck_assert(!probe_take_queue(&a, &t));
	ck_assert_uint_eq(t.rate_bps, 0);
	/* Reports too close together tell no rate. */
	rep.rx_bytes = 400000;
	probe_on_report(&a, &rep, 1290000, 9200, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert_uint_eq(t.rate_bps, 0);
}
END_TEST

/*
 * The loss over the reports since the last look is what goes on now: a burst of loss
 * still shows in the decayed sum a revision later, not here. Too few frames tell none,
 * and neither does a span across a path's outage.
 */
START_TEST(the_loss_now_spans_the_same_reports)
{
	struct probe a;
	struct wire_probe rep = { .echo_hold_us = WIRE_PROBE_NO_ECHO, .queue_us = 1000 };
	struct probe_take t;

	probe_init(&a);
	probe_on_report(&a, &rep, 1000000, 7000, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(!t.have_loss); /* no earlier look */
	/* A burst: 200 sent, 180 heard. */
	rep.rx_highest_seq = 200;
	rep.rx_frames = 180;
	probe_on_report(&a, &rep, 1250000, 7250, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(t.have_loss);
	ck_assert_uint_eq(t.loss_ppm, 100000);
	/* Then 200 more and every one heard: none now, while the decayed loss still shows it. */
	rep.rx_highest_seq = 400;
	rep.rx_frames = 380;
	probe_on_report(&a, &rep, 1500000, 7500, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(t.have_loss);
	ck_assert_uint_eq(t.loss_ppm, 0);
	ck_assert_uint_gt(probe_loss_ppm(&a), 20000);
	/* Late frames of the span before: more heard than sent is no loss, not a wrap. */
	rep.rx_highest_seq = 420;
	rep.rx_frames = 405;
	probe_on_report(&a, &rep, 1750000, 7750, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(t.have_loss);
	ck_assert_uint_eq(t.loss_ppm, 0);
	/* Too few frames to tell. */
	rep.rx_highest_seq = 420 + PROBE_TAKE_MIN_FRAMES - 1;
	rep.rx_frames = 405;
	probe_on_report(&a, &rep, 2000000, 8000, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(!t.have_loss);
	/* Frames sent into an outage are no loss of the span after the path's return. */
	probe_forget_loss(&a);
	rep.rx_highest_seq = 1000;
	rep.rx_frames = 500;
	probe_on_report(&a, &rep, 2250000, 8250, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(!t.have_loss);
	rep.rx_highest_seq = 1100;
	rep.rx_frames = 598;
	probe_on_report(&a, &rep, 2500000, 8500, 0);
	ck_assert(probe_take_queue(&a, &t));
	ck_assert(t.have_loss);
	ck_assert_uint_eq(t.loss_ppm, 20000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("probe");

	tcase_add_test(tc, rtt_is_the_echo_minus_the_hold);
	tcase_add_test(tc, no_echo_before_anything_was_heard);
	tcase_add_test(tc, rtt_survives_the_stamp_wrapping);
	tcase_add_test(tc, an_implausible_echo_is_ignored);
	tcase_add_test(tc, smoothing_follows_rfc6298);
	tcase_add_test(tc, loss_is_frames_missing_below_the_highest);
	tcase_add_test(tc, loss_recovers_after_a_bad_spell);
	tcase_add_test(tc, the_loss_peak_holds_the_highest_lately_and_fades);
	tcase_add_test(tc, a_path_that_came_back_forgets_the_frames_sent_into_its_outage);
	tcase_add_test(tc, rate_is_bytes_heard_over_the_peers_clock);
	tcase_add_test(tc, a_reordered_old_report_changes_nothing);
	tcase_add_test(tc, the_reverse_queue_is_not_this_end_s);
	tcase_add_test(tc, base_rtt_follows_a_longer_route_once_the_path_is_quiet);
	tcase_add_test(tc, a_standing_queue_does_not_pass_for_base_rtt);
	tcase_add_test(tc, short_lulls_in_a_transfer_are_not_quiet);
	tcase_add_test(tc, too_few_quiet_samples_leave_the_base_rtt);
	tcase_add_test(tc, the_standing_queue_is_the_least_delay_above_the_base);
	tcase_add_test(tc, the_capacity_rate_spans_the_same_reports);
	tcase_add_test(tc, the_loss_now_spans_the_same_reports);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
