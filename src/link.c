/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Brings a link's resources up in order and takes them down in reverse. */
#include "link.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "pool.h"
#include "slowpath.h"
#include "tun.h"

#define DEFAULT_UNDERLAY_MTU 1500

unsigned link_overhead(int family)
{
	return (family == AF_INET6 ? 40 : 20) + 8 + WIRE_HEADER_LEN + WIRE_TAG_LEN;
}

static int device_mtu(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/* The interface holding the path's local address, or "" when none does. */
static void device_of(const struct endpoint *local, char name[IFNAMSIZ])
{
	struct ifaddrs *all, *a;
	struct endpoint ep;

	name[0] = '\0';
	if (getifaddrs(&all) < 0)
		return;
	for (a = all; a; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != addr_family(local))
			continue;
		memset(&ep, 0, sizeof(ep));
		ep.len = local->len;
		memcpy(&ep.u.sa, a->ifa_addr, ep.len);
		addr_set_port(&ep, addr_port(local));
		if (addr_equal(&ep, local)) {
			snprintf(name, IFNAMSIZ, "%s", a->ifa_name);
			break;
		}
	}
	freeifaddrs(all);
}

/* The largest inner packet that fits every path without fragmenting the outer one. */
static unsigned derive_mtu(const struct conf *c)
{
	unsigned mtu = CONF_MTU_MAX;

	for (unsigned i = 0; i < c->npaths; i++) {
		const struct conf_path *p = &c->path[i];
		char dev[IFNAMSIZ];
		int under;

		if (p->device[0])
			snprintf(dev, sizeof(dev), "%s", p->device);
		else
			device_of(&p->local, dev);
		under = dev[0] ? device_mtu(dev) : -1;
		if (under <= 0)
			under = DEFAULT_UNDERLAY_MTU;
		if ((unsigned)under - link_overhead(addr_family(&p->local)) < mtu)
			mtu = (unsigned)under - link_overhead(addr_family(&p->local));
	}
	return mtu < CONF_MTU_MIN ? CONF_MTU_MIN : mtu;
}

static bool configure_tun(struct link *l, char *err, size_t errlen)
{
	l->tun_fd = tun_open(l->conf.interface, err, errlen);
	if (l->tun_fd < 0)
		return false;
	l->ifindex = if_nametoindex(l->conf.interface);
	l->mtu = l->conf.mtu ? l->conf.mtu : derive_mtu(&l->conf);
	if (l->mtu < CONF_MTU_MIN_V6 && conf_has_family(&l->conf, AF_INET6)) {
		snprintf(err, errlen, "the paths allow an MTU of only %u, below the %d IPv6 needs", l->mtu,
			 CONF_MTU_MIN_V6);
		return false;
	}
	for (unsigned i = 0; i < l->conf.naddress; i++)
		if (!netlink_addr_add(l->ifindex, &l->conf.address[i], err, errlen))
			return false;
	return netlink_link_up(l->ifindex, l->mtu, err, errlen);
}

/*
 * A busy path's limits: half of down_after; at least two of the peer's fast keepalive
 * intervals and a tick for the quiet limit, so a path left with keepalives alone is not
 * taken for dead; a pause is two fast keepalive intervals without a frame.
 */
static void set_busy_limits(struct health *h, const struct conf_path *c)
{
	uint64_t fast_probe = (uint64_t)c->probe_interval * 1000000ull / LINK_BUSY_PROBE_DIVISOR;

	h->busy_down_after = h->down_after / LINK_BUSY_DOWN_DIVISOR;
	h->quiet_min = 2 * fast_probe + LINK_TICK_NS;
	h->long_gap = 2 * fast_probe;
}

static bool open_paths(struct link *l, uint64_t now, char *err, size_t errlen)
{
	uint32_t weights[WIRE_MAX_PATHS];

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		if (!path_open(&l->path[i], i, &l->conf.path[i], err, errlen))
			return false;
		weights[i] = l->conf.path[i].weight;
	}
	sched_init(&l->sched, l->conf.npaths, weights);
	autow_init(&l->autow, l->conf.npaths, weights, now);
	l->autow_mark_at = now;
	police_init(&l->police);
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		uint64_t down_after = (uint64_t)l->conf.path[i].down_after * 1000000ull;

		/* A returning path must be heard for half a down_after before it is trusted again. */
		health_init(&l->health[i], l->path[i].remote.len != 0, down_after, down_after / 2, now);
		if (l->path[i].local_missing && l->path[i].remote.len) {
			/* Not "up as if just heard": nothing can be sent on it until the address appears. */
			health_start_down(&l->health[i], now);
			log_info("path %s: local address not on the host yet: down until it is heard from",
				 l->path[i].conf->name);
		}
		set_busy_limits(&l->health[i], &l->conf.path[i]);
		l->next_probe[i] = now;
		l->next_report[i] = now;
		probe_init(&l->probe[i]);
	}
	link_schedule(l);
	return true;
}

bool link_open(struct link *l, const struct conf *c, uint64_t now, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->conf = *c;
	l->tun_fd = -1;
	l->ack_path = -1;
	for (unsigned i = 0; i < WIRE_MAX_PATHS; i++)
		l->path[i].fd = -1;
	/* One size fits any frame a peer may send, so no valid datagram is ever truncated. */
	l->slot = WIRE_HEADER_LEN + WIRE_MAX_PAYLOAD + WIRE_TAG_LEN;
	l->tx_buf = malloc(l->slot * LINK_TUN_BATCH);
	if (!l->tx_buf || !path_rx_init(&l->rx, l->slot)) {
		snprintf(err, errlen, "out of memory");
		link_close(l);
		return false;
	}
	if (!keying_init(l, err, errlen) || !configure_tun(l, err, errlen) || !open_paths(l, now, err, errlen)) {
		link_close(l);
		return false;
	}
	nack_init(&l->nack);
	if (!reorder_init(&l->reorder, l->mtu, LINK_REORDER_SLOTS) || !delayline_init(&l->delay, l->mtu, LINK_DELAY_SLOTS) ||
	    !resend_init(&l->resend, c->npaths, RESEND_DEPTH, l->mtu)) {
		snprintf(err, errlen, "out of memory for the reorder buffer");
		link_close(l);
		return false;
	}
	/* The part of each batch buffer a frame of this MTU fills, resident from the start (pool.h). */
	for (unsigned i = 0; i < LINK_TUN_BATCH; i++)
		pool_touch(l->tx_buf + i * l->slot, WIRE_HEADER_LEN + l->mtu + WIRE_TAG_LEN);
	for (unsigned i = 0; i < PATH_BATCH; i++)
		pool_touch(l->rx.buf + i * l->rx.slot, WIRE_HEADER_LEN + l->mtu + WIRE_TAG_LEN);
	return true;
}

void link_close(struct link *l)
{
	for (unsigned i = 0; i < WIRE_MAX_PATHS; i++)
		path_close(&l->path[i]);
	if (l->tun_fd >= 0)
		close(l->tun_fd);
	l->tun_fd = -1;
	free(l->tx_buf);
	l->tx_buf = NULL;
	keying_wipe(l);
	path_rx_free(&l->rx);
	reorder_free(&l->reorder);
	delayline_free(&l->delay);
	resend_free(&l->resend);
}

/* Did what the automatic weights start from change: a weight, given or not, or a backup? */
static bool weights_changed(const struct conf *a, const struct conf *b)
{
	if (a->auto_weights != b->auto_weights)
		return true;
	for (unsigned i = 0; i < b->npaths; i++)
		if (a->path[i].weight != b->path[i].weight || a->path[i].weight_given != b->path[i].weight_given ||
		    a->path[i].backup != b->path[i].backup)
			return true;
	return false;
}

/* A path's probing changed: its limits follow, and so do a flapping path's hold and the next report. */
static void apply_probing(struct link *l, unsigned i, uint64_t now)
{
	struct health *h = &l->health[i];
	uint64_t base = (uint64_t)l->conf.path[i].down_after * 1000000ull / 2;

	h->down_after = (uint64_t)l->conf.path[i].down_after * 1000000ull;
	if (h->hold_base && base != h->hold_base)
		h->hold = h->hold / h->hold_base * base; /* as many doublings as before */
	h->hold_base = base;
	set_busy_limits(h, &l->conf.path[i]);
	if (l->next_report[i] > now + LINK_PROBE_NS(l, i))
		l->next_report[i] = now + LINK_PROBE_NS(l, i);
}

void link_apply(struct link *l, const struct conf *c, uint64_t now)
{
	uint32_t weights[WIRE_MAX_PATHS];
	bool afresh = weights_changed(&l->conf, c);

	/* New configured weights, or auto switched on or off: start again from the configured ones. */
	for (unsigned i = 0; i < c->npaths; i++) {
		weights[i] = c->path[i].weight;
		if (c->path[i].weight != l->conf.path[i].weight || c->auto_weights != l->conf.auto_weights)
			sched_set_weight(&l->sched, i, c->path[i].weight);
	}
	if (afresh) {
		autow_init(&l->autow, c->npaths, weights, now);
		l->autow_mark_at = now;
		memcpy(l->autow_data_mark, l->data_tx_bytes, sizeof(l->autow_data_mark));
	}
	l->conf = *c;
	/* The paths point into the config they were opened with: keep them pointing at the new copy. */
	for (unsigned i = 0; i < c->npaths; i++) {
		l->path[i].conf = &l->conf.path[i];
		apply_probing(l, i, now);
	}
	/* What the trains measured still holds: as line rates, and as the start where no weight is given now. */
	if (afresh && c->auto_weights)
		link_train_reapply(l);
	link_schedule(l);
	keying_set_ciphers(l);
}

/*
 * Is path i full in our direction: a standing queue (LINK_POLICE_QUEUE_NS, or half the
 * base RTT), with mostly our data on it (LINK_POLICE_SENDER_RATIO)? Only then is the rate
 * the peer receives at the path's capacity: a paced flow that leaves room makes a queue
 * of a few ms too (30 Mbit/s over 50 Mbit/s: 5-6 ms), and holding it to what it carried
 * then would cut it in half.
 */
static bool full_from_here(const struct link *l, unsigned i)
{
	const struct probe *pr = &l->probe[i];
	uint64_t standing = pr->min_rtt / 2 > LINK_POLICE_QUEUE_NS ? pr->min_rtt / 2 : LINK_POLICE_QUEUE_NS;

	return pr->have_rtt && pr->rate_bps && pr->srtt >= pr->min_rtt + standing &&
	       pr->rate_bps >= LINK_POLICE_SENDER_RATIO * pr->rx_rate_bps;
}

void link_note_full(struct link *l, uint64_t now)
{
	for (unsigned i = 0; i < l->conf.npaths; i++)
		if (health_usable(&l->health[i]) && full_from_here(l, i)) {
			l->full_at[i] = now;
			l->full_rate[i] = l->probe[i].rate_bps;
		}
}

/* Path `lost` went down: the paths left that were full take its traffic too, more than they can carry. */
static void police_paths_left(struct link *l, unsigned lost)
{
	uint64_t at = l->health[lost].state_since, rate;

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		if (i == lost || !l->sched.up[i] || !l->full_at[i] || l->full_at[i] + LINK_POLICE_FULL_RECENT_NS < at)
			continue;
		rate = l->full_rate[i] / 100 * LINK_POLICE_PERCENT;
		police_start(&l->police, i, rate, at, at + LINK_POLICE_NS);
		log_info("path %s: watched for %llu ms, held to %.1f Mbit/s if overloaded: it was full, and takes what path %s carried",
			 l->path[i].conf->name, (unsigned long long)(LINK_POLICE_NS / 1000000), (double)rate / 1e6,
			 l->path[lost].conf->name);
	}
}

void link_schedule(struct link *l)
{
	bool normal_up = false, was_up[WIRE_MAX_PATHS];

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		normal_up = normal_up || (health_usable(&l->health[i]) && !l->conf.path[i].backup);
		was_up[i] = l->sched.up[i];
		l->path[i].confirm = l->path[i].confirm && health_usable(&l->health[i]);
	}
	for (unsigned i = 0; i < l->conf.npaths; i++)
		sched_set_up(&l->sched, i,
			     health_usable(&l->health[i]) && (!l->conf.path[i].backup || !normal_up) && !l->slow[i]);
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		if (was_up[i] && !l->sched.up[i] && l->health[i].state == PATH_DOWN)
			police_paths_left(l, i);
		else if (!was_up[i] && l->sched.up[i])
			police_stop(&l->police); /* a path came back: room again */
	}
	link_update_hold(l);
}

/* Says path i's slow state, with the changes the quiet interval held back before this line. */
static void say_slow(const struct link *l, unsigned i, unsigned held)
{
	char more[64] = "";

	if (held)
		snprintf(more, sizeof(more), " (after %u changes not logged)", held);
	if (l->slow[i])
		log_warnx("path %s: standby, its RTT of %.0f ms is over %llu ms above the fastest path's base: "
			  "the bond would wait for it%s", l->conf.path[i].name, (double)l->probe[i].srtt / 1e6,
			  SLOWPATH_LEAVE_NS / 1000000ull, more);
	else if (health_usable(&l->health[i]))
		log_info("path %s: carries data again, its RTT %.0f ms%s", l->conf.path[i].name,
			 (double)l->probe[i].srtt / 1e6, more);
}

void link_catch_up_slow_log(struct link *l, unsigned i, uint64_t now)
{
	unsigned held;

	if (loglimit_catch_up(&l->slow_log[i], l->slow[i], now, LINK_SLOW_LOG_NS, &held))
		say_slow(l, i, held);
}

void link_update_slow(struct link *l, uint64_t now)
{
	bool normal_up = false, candidate[WIRE_MAX_PATHS];
	uint64_t srtt[WIRE_MAX_PATHS], base[WIRE_MAX_PATHS];
	unsigned changed;

	for (unsigned i = 0; i < l->conf.npaths; i++)
		normal_up = normal_up || (health_usable(&l->health[i]) && !l->conf.path[i].backup);
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		candidate[i] = health_usable(&l->health[i]) && l->probe[i].have_rtt &&
			       (!l->conf.path[i].backup || !normal_up);
		srtt[i] = l->probe[i].srtt;
		base[i] = l->probe[i].min_rtt;
	}
	changed = slowpath_update(l->conf.npaths, candidate, srtt, base, l->slow);
	if (!changed)
		return;
	link_schedule(l);
	for (unsigned i = 0; i < l->conf.npaths; i++) {
		unsigned held;

		if ((changed & 1u << i) && loglimit_change(&l->slow_log[i], l->slow[i], now, LINK_SLOW_LOG_NS, &held))
			say_slow(l, i, held);
	}
}

/* A healthy path that the scheduler leaves alone (a backup, or a slow path) is on standby. */
static const char *state_name(const struct link *l, unsigned i)
{
	if (health_usable(&l->health[i]) && !l->sched.up[i])
		return "standby";
	return health_state_name(l->health[i].state);
}

static void snapshot_probe(const struct probe *pr, struct status_path *sp)
{
	sp->have_rtt = pr->have_rtt;
	sp->rtt_ns = pr->srtt;
	sp->rttvar_ns = pr->rttvar;
	sp->min_rtt_ns = pr->min_rtt;
	sp->loss_ppm = probe_loss_ppm(pr);
	sp->lost = pr->lost_total;
	sp->rate_bps = pr->rate_bps;
	sp->have_queue = pr->have_queue;
	sp->queue_ns = (uint64_t)pr->queue_reported_us * 1000;
}

static void snapshot_health(const struct health *h, struct status_path *sp, uint64_t now)
{
	sp->failures = h->flaps;
	sp->state_ns = now > h->state_since ? now - h->state_since : 0;
}

void link_snapshot(const struct link *l, struct status *st, uint64_t now)
{
	const struct session *tx;

	memset(st, 0, sizeof(*st));
	snprintf(st->interface, sizeof(st->interface), "%s", l->conf.interface);
	snprintf(st->mode, sizeof(st->mode), "%s", l->conf.mode == CONF_MODE_RAW ? "raw" : "udp");
	st->mtu = l->mtu;
	st->pid = (long)getpid();
	st->handshakes = l->keying.handshakes;
	tx = session_current(&l->keying.sessions);
	snprintf(st->cipher, sizeof(st->cipher), "%s",
		 !tx ? "none" : tx->tx.cipher == SEAL_AES256_GCM ? "aes-256-gcm" : "chacha20-poly1305");
	memcpy(st->drop, l->drop, sizeof(st->drop));
	st->reorder[STATUS_REORDER_HELD] = l->reorder.count.held;
	st->reorder[STATUS_REORDER_LATE] = l->reorder.count.late;
	st->reorder[STATUS_REORDER_RELEASED_LATE] = l->reorder.count.released_late;
	st->reorder[STATUS_REORDER_GAPS] = l->reorder.count.gaps;
	st->reorder[STATUS_REORDER_DROPPED] = l->reorder.count.dropped;
	st->reorder[STATUS_REORDER_OVERFLOW] = l->reorder.count.overflow;
	st->reorder[STATUS_REORDER_OVERSIZE] = l->reorder.count.oversize;
	st->reorder[STATUS_REORDER_RESYNCS] = l->reorder.count.resyncs;
	st->reorder[STATUS_REORDER_LOST_EARLY] = l->reorder.count.lost_early;
	st->reorder_hold_ns = l->reorder.hold;
	st->repair[STATUS_REPAIR_GAPS] = l->nack.gaps;
	st->repair[STATUS_REPAIR_UNASKED] = l->nack.unasked;
	st->repair[STATUS_REPAIR_FRAMES_ASKED] = l->nack.frames;
	st->repair[STATUS_REPAIR_NACKS_SENT] = l->nacks_sent;
	st->repair[STATUS_REPAIR_REPAIRS_RECEIVED] = l->repairs_received;
	st->repair[STATUS_REPAIR_NACKS_RECEIVED] = l->nacks_received;
	st->repair[STATUS_REPAIR_RESENT] = l->resend.count.resent;
	st->repair[STATUS_REPAIR_MISSED] = l->resend.count.missed;
	st->repair[STATUS_REPAIR_REPEATED] = l->resend.count.repeated;
	st->repair[STATUS_REPAIR_BUDGET] = l->resend.count.budget;
	st->repair[STATUS_REPAIR_OUTAGES_ASKED] = l->nack.outages_asked;
	st->repair[STATUS_REPAIR_OUTAGE_RESENT] = l->resend.count.outage;
	st->repair[STATUS_REPAIR_REORDERED] = l->nack.reordered;
	st->repair[STATUS_REPAIR_WAITED] = l->nack.deferred_gaps;
	st->repair[STATUS_REPAIR_FILLED] = l->nack.filled;
	st->npaths = l->conf.npaths;
	for (unsigned i = 0; i < st->npaths; i++) {
		const struct path *p = &l->path[i];
		struct status_path *sp = &st->path[i];

		snprintf(sp->name, sizeof(sp->name), "%s", p->conf->name);
		snprintf(sp->state, sizeof(sp->state), "%s", state_name(l, i));
		addr_format(&p->bound, sp->local, sizeof(sp->local));
		addr_format(&p->remote, sp->remote, sizeof(sp->remote));
		sp->weight = l->sched.weight[i];
		sp->keepalives = l->keepalives[i];
		sp->keepalives_spared = l->keepalives_spared[i];
		sp->fast_acks_sent = l->fast_acks_sent[i];
		sp->fast_acks_received = l->fast_acks_received[i];
		sp->tx_packets = p->stats.tx_packets;
		sp->tx_bytes = p->stats.tx_bytes;
		sp->rx_packets = p->stats.rx_packets;
		sp->rx_bytes = p->stats.rx_bytes;
		sp->tx_errors = p->stats.tx_errors;
		snapshot_probe(&l->probe[i], sp);
		snapshot_health(&l->health[i], sp, now);
		sp->equalize_ns = l->delay.extra[i];
		sp->reordering_ns = (uint64_t)nack_reordering_us(&l->nack, i, now) * 1000;
	}
}
