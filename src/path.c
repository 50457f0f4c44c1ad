/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP sockets of the paths, with batched system calls so a burst costs one call. */
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Deep buffers absorb a burst of a whole TUN batch without ENOBUFS. */
#define PATH_SOCKET_BUFFER (4 << 20)

static bool fail(struct path *p, char *err, size_t errlen, const char *what)
{
	char local[ADDR_TEXT_MAX];

	snprintf(err, errlen, "path %s (local %s): %s: %s", p->conf->name,
		 addr_format(&p->conf->local, local, sizeof(local)), what, strerror(errno));
	close(p->fd);
	p->fd = -1;
	return false;
}

static void set_buffers(int fd)
{
	int size = PATH_SOCKET_BUFFER;

	/* The *FORCE variants pass net.core.[rw]mem_max when we are privileged. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

bool path_open(struct path *p, unsigned index, const struct conf_path *cp, char *err, size_t errlen)
{
	int family = addr_family(&cp->local), on = 1;

	memset(p, 0, sizeof(*p));
	p->index = index;
	p->conf = cp;
	p->remote = cp->remote;
	p->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return fail(p, err, errlen, "socket");
	if (family == AF_INET6 && setsockopt(p->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
		return fail(p, err, errlen, "IPV6_V6ONLY");
	if (cp->device[0] &&
	    setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, cp->device, (socklen_t)strlen(cp->device)) < 0)
		return fail(p, err, errlen, "cannot bind to device");
	set_buffers(p->fd);
	if (bind(p->fd, &cp->local.u.sa, cp->local.len) < 0)
		return fail(p, err, errlen, "cannot bind");
	p->bound.len = sizeof(p->bound.u.ss);
	if (getsockname(p->fd, &p->bound.u.sa, &p->bound.len) < 0)
		return fail(p, err, errlen, "getsockname");
	return true;
}

void path_close(struct path *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

void path_queue(struct path *p, uint8_t *frame, size_t len)
{
	struct mmsghdr *m;

	if (p->queued == PATH_BATCH)
		path_flush(p);
	m = &p->tx_msg[p->queued];
	p->tx_iov[p->queued] = (struct iovec){ .iov_base = frame, .iov_len = len };
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_name = &p->remote.u.sa;
	m->msg_hdr.msg_namelen = p->remote.len;
	m->msg_hdr.msg_iov = &p->tx_iov[p->queued];
	m->msg_hdr.msg_iovlen = 1;
	p->queued++;
}

void path_flush(struct path *p)
{
	unsigned done = 0;

	while (done < p->queued) {
		int n = sendmmsg(p->fd, p->tx_msg + done, p->queued - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* The frame at `done` failed (unreachable, no buffer, ...): count it, go on. */
			p->stats.tx_errors++;
			done++;
			continue;
		}
		for (unsigned i = done; i < done + (unsigned)n; i++) {
			p->stats.tx_packets++;
			p->stats.tx_bytes += p->tx_iov[i].iov_len;
		}
		done += (unsigned)n;
	}
	p->queued = 0;
}

bool path_rx_init(struct path_rx *rx, size_t slot)
{
	memset(rx, 0, sizeof(*rx));
	rx->slot = slot;
	rx->buf = malloc(slot * PATH_BATCH);
	return rx->buf != NULL;
}

void path_rx_free(struct path_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
}

unsigned path_receive(struct path *p, struct path_rx *rx)
{
	int n;

	for (unsigned i = 0; i < PATH_BATCH; i++) {
		rx->iov[i] = (struct iovec){ .iov_base = rx->buf + i * rx->slot, .iov_len = rx->slot };
		memset(&rx->msg[i], 0, sizeof(rx->msg[i]));
		rx->msg[i].msg_hdr.msg_iov = &rx->iov[i];
		rx->msg[i].msg_hdr.msg_iovlen = 1;
		rx->msg[i].msg_hdr.msg_name = &rx->from[i].u.ss;
		rx->msg[i].msg_hdr.msg_namelen = sizeof(rx->from[i].u.ss);
	}
	do
		n = recvmmsg(p->fd, rx->msg, PATH_BATCH, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* ICMP errors from earlier sends surface here; they are not fatal. */
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			log_debug("path %s: receive: %s", p->conf->name, strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++)
		rx->from[i].len = rx->msg[i].msg_hdr.msg_namelen;
	return (unsigned)n;
}

size_t path_rx_len(const struct path_rx *rx, unsigned i)
{
	if (rx->msg[i].msg_hdr.msg_flags & MSG_TRUNC)
		return 0;
	return rx->msg[i].msg_len;
}
