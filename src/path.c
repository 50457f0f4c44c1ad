/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP sockets of the paths, with batched system calls so a burst costs one call. */
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Deep buffers absorb a burst of a whole TUN batch without ENOBUFS. */
#define PATH_SOCKET_BUFFER (4 << 20)

/* Closes fd and describes the failure in err; errno stays the cause, for the caller to act on. */
static int fail(const struct conf_path *cp, int fd, char *err, size_t errlen, const char *what)
{
	char local[ADDR_TEXT_MAX];
	int cause = errno;

	snprintf(err, errlen, "path %s (local %s): %s: %s", cp->name, addr_format(&cp->local, local, sizeof(local)),
		 what, strerror(cause));
	if (fd >= 0)
		close(fd);
	errno = cause;
	return -1;
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

static int bind_to_device(const struct conf_path *cp, int fd, unsigned *ifindex, char *err, size_t errlen)
{
	/* Looked up before binding: should the device be re-created in between, the index kept is
	 * the older one, so the next device event re-opens the socket again rather than never. */
	*ifindex = if_nametoindex(cp->device);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cp->device, (socklen_t)strlen(cp->device)) < 0)
		return fail(cp, fd, err, errlen, "cannot bind to device");
	return fd;
}

static int bind_local(const struct conf_path *cp, int fd, struct endpoint *bound, char *err, size_t errlen)
{
	char what[96];

	if (bind(fd, &cp->local.u.sa, cp->local.len) < 0) {
		snprintf(what, sizeof(what), "cannot bind");
		/* Only a re-open after the drop to an unprivileged user gets here. */
		if (errno == EACCES && addr_port(&cp->local) && addr_port(&cp->local) < 1024)
			snprintf(what, sizeof(what), "cannot bind port %u without root, which the daemon gave up",
				 addr_port(&cp->local));
		return fail(cp, fd, err, errlen, what);
	}
	bound->len = sizeof(bound->u.ss);
	if (getsockname(fd, &bound->u.sa, &bound->len) < 0)
		return fail(cp, fd, err, errlen, "getsockname");
	return fd;
}

/* A bound socket for cp, or -1 with err set. */
static int open_socket(const struct conf_path *cp, struct endpoint *bound, unsigned *ifindex, char *err,
		       size_t errlen)
{
	int family = addr_family(&cp->local), on = 1;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	*ifindex = 0;
	if (fd < 0)
		return fail(cp, fd, err, errlen, "socket");
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
		return fail(cp, fd, err, errlen, "IPV6_V6ONLY");
	/* A local address not on the host yet (an uplink still dialling) is no reason not to start:
	 * the path stays down, its sends failing, until the address appears. */
	if (setsockopt(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP, family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND,
		       &on, sizeof(on)) < 0)
		return fail(cp, fd, err, errlen, "IP_FREEBIND");
	if (cp->device[0] && bind_to_device(cp, fd, ifindex, err, errlen) < 0)
		return -1;
	set_buffers(fd);
	/* Capacity trains are timed by these (train.h); without them, by when frames are read. */
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0)
		log_debug("path %s: no receive times (SO_TIMESTAMPNS): %s", cp->name, strerror(errno));
	return bind_local(cp, fd, bound, err, errlen);
}

/* Is cp's local address not on the host (yet)? A plain bind to it, without IP_FREEBIND, tells. */
static bool local_absent(const struct conf_path *cp)
{
	struct endpoint probe = cp->local;
	bool absent;
	int fd;

	if (addr_is_wildcard(&probe))
		return false;
	addr_set_port(&probe, 0);
	fd = socket(addr_family(&probe), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	absent = bind(fd, &probe.u.sa, probe.len) < 0 && errno == EADDRNOTAVAIL;
	close(fd);
	return absent;
}

bool path_open(struct path *p, unsigned index, const struct conf_path *cp, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->index = index;
	p->conf = cp;
	p->remote = cp->remote;
	p->fd = open_socket(cp, &p->bound, &p->bound_ifindex, err, errlen);
	if (p->fd >= 0)
		p->local_missing = local_absent(cp);
	return p->fd >= 0;
}

bool path_reopen(struct path *p, char *err, size_t errlen)
{
	struct endpoint bound;
	unsigned ifindex;
	int fd = open_socket(p->conf, &bound, &ifindex, err, errlen);

	if (fd < 0)
		return false;
	/* The queued frames point at p->remote, which stays: they may as well leave (or fail) here. */
	path_flush(p);
	close(p->fd);
	p->fd = fd;
	p->bound = bound;
	p->bound_ifindex = ifindex;
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
		int n = sendmmsg(p->fd, p->tx_msg + done, p->queued - done, p->confirm ? MSG_CONFIRM : 0);

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
		rx->msg[i].msg_hdr.msg_control = rx->control[i].buf;
		rx->msg[i].msg_hdr.msg_controllen = sizeof(rx->control[i].buf);
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

uint64_t path_rx_stamp(struct path_rx *rx, unsigned i)
{
	struct msghdr *m = &rx->msg[i].msg_hdr;
	struct timespec ts;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(ts))) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		}
	return 0;
}
