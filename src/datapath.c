/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Moves packets between the TUN and the paths: frame, schedule, send; receive, check, deliver. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "link.h"
#include "log.h"

static void fill_header(struct link *l, struct path *p, uint8_t type, size_t len, uint32_t now_us,
			uint8_t *frame)
{
	struct wire_header h = {
		.version = WIRE_VERSION,
		.type = type,
		.path_id = (uint8_t)p->index,
		.length = (uint16_t)len,
		.path_seq = p->tx_seq++,
		.timestamp_us = now_us,
		.seq = l->seq++,
	};

	wire_encode(&h, frame);
}

/* Reads one inner packet into frame's payload; returns its length, 0 when the TUN is drained. */
static size_t read_inner(struct link *l, uint8_t *frame)
{
	for (;;) {
		ssize_t n = read(l->tun_fd, frame + WIRE_HEADER_LEN, l->slot - WIRE_HEADER_LEN);

		if (n > 0)
			return (size_t)n;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			log_warn("read from %s", l->conf.interface);
		return 0;
	}
}

void link_forward_from_tun(struct link *l, uint32_t now_us)
{
	unsigned i;

	for (i = 0; i < LINK_TUN_BATCH; i++) {
		uint8_t *frame = l->tx_buf + i * l->slot;
		size_t len = read_inner(l, frame);
		int pick;

		if (len == 0)
			break;
		if (len > l->mtu) {
			l->drop[DROP_TOO_BIG]++;
			continue;
		}
		pick = sched_pick(&l->sched, (uint32_t)(len + WIRE_HEADER_LEN));
		if (pick < 0) {
			l->drop[DROP_NO_PATH]++;
			continue;
		}
		fill_header(l, &l->path[pick], WIRE_DATA, len, now_us, frame);
		path_queue(&l->path[pick], frame, len + WIRE_HEADER_LEN);
	}
	for (unsigned p = 0; p < l->conf.npaths; p++)
		if (l->path[p].queued)
			path_flush(&l->path[p]);
}

/* Is `from` allowed to speak for path p? Learns the peer on an accepting path. */
static bool accept_source(struct link *l, struct path *p, const struct endpoint *from)
{
	char text[ADDR_TEXT_MAX];

	if (p->remote.len && addr_equal(&p->remote, from))
		return true;
	if (p->conf->remote.len) {
		l->drop[DROP_BAD_SOURCE]++;
		return false;
	}
	p->remote = *from;
	sched_set_up(&l->sched, p->index, true);
	log_info("path %s: peer is %s", p->conf->name, addr_format(from, text, sizeof(text)));
	return true;
}

static void deliver(struct link *l, const uint8_t *payload, size_t len)
{
	ssize_t n;

	do
		n = write(l->tun_fd, payload, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		l->drop[DROP_TUN_WRITE]++;
}

static void receive_one(struct link *l, struct path *p, const uint8_t *buf, size_t len,
			const struct endpoint *from)
{
	struct wire_header h;
	enum wire_error e = len ? wire_decode(buf, len, l->conf.npaths, &h) : WIRE_BAD_LENGTH;

	/* Paths are listed in the same order on both ends: frames of path i arrive on socket i. */
	if (e == WIRE_OK && h.path_id != p->index)
		e = WIRE_BAD_PATH;
	if (e != WIRE_OK) {
		l->drop[e]++;
		return;
	}
	if (!accept_source(l, p, from))
		return;
	p->stats.rx_packets++;
	p->stats.rx_bytes += len;
	if (h.type == WIRE_DATA)
		deliver(l, buf + WIRE_HEADER_LEN, h.length);
}

void link_forward_to_tun(struct link *l, unsigned i)
{
	struct path *p = &l->path[i];
	unsigned n = path_receive(p, &l->rx);

	for (unsigned k = 0; k < n; k++)
		receive_one(l, p, l->rx.buf + k * l->rx.slot, path_rx_len(&l->rx, k), &l->rx.from[k]);
}

void link_send_keepalives(struct link *l, uint32_t now_us)
{
	/* Keepalives are sent one at a time, from a buffer of their own, outside any batch. */
	uint8_t frame[WIRE_HEADER_LEN];

	for (unsigned i = 0; i < l->conf.npaths; i++) {
		struct path *p = &l->path[i];

		if (!p->remote.len)
			continue;
		fill_header(l, p, WIRE_KEEPALIVE, 0, now_us, frame);
		path_queue(p, frame, sizeof(frame));
		path_flush(p);
	}
}
