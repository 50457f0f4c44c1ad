/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One path's UDP socket: bound to the path's local address, batched send and receive. */
#ifndef NETAGG_PATH_H
#define NETAGG_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "addr.h"
#include "conf.h"

#define PATH_BATCH 64 /* datagrams per sendmmsg/recvmmsg call */

struct path_stats {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes, tx_errors;
};

struct path {
	unsigned index;
	const struct conf_path *conf;
	int fd;
	struct endpoint bound;  /* the local address as the kernel bound it (port filled in) */
	unsigned bound_ifindex; /* of conf->device when the socket was bound to it; 0 without a device */
	bool local_missing;     /* the configured local address was not on the host at open, or was seen
				 * removed, and has not come back */
	/* The device index and errno of the last failed re-open: said once, not once per device event. */
	unsigned reopen_failed_ifindex;
	int reopen_failed_errno;
	struct endpoint remote; /* len 0 while not yet learned */
	/*
	 * The peer was heard on the path, and it is up: sends tell the kernel its next hop is
	 * reachable (MSG_CONFIRM). UDP gives it no such sign otherwise, and its neighbour
	 * entry went through DELAY and PROBE every half minute; when a cut found it there, the
	 * entry failed, and the restored path waited up to 1 s for the next ARP request.
	 */
	bool confirm;
	uint32_t tx_seq;
	struct path_stats stats;
	/* Frames queued for the next path_flush; they point into the caller's buffers. */
	unsigned queued;
	struct mmsghdr tx_msg[PATH_BATCH];
	struct iovec tx_iov[PATH_BATCH];
};

/* Room for the one control message a path socket asks for: the receive time (SO_TIMESTAMPNS). */
union path_rx_control {
	char buf[CMSG_SPACE(sizeof(struct timespec))];
	struct cmsghdr align;
};

/* A receive batch: PATH_BATCH buffers of `slot` bytes with their source addresses and receive times. */
struct path_rx {
	size_t slot;
	uint8_t *buf;
	struct mmsghdr msg[PATH_BATCH];
	struct iovec iov[PATH_BATCH];
	struct endpoint from[PATH_BATCH];
	union path_rx_control control[PATH_BATCH];
};

/* Opens and binds the socket of path `index`. Returns false with the reason in err. */
bool path_open(struct path *p, unsigned index, const struct conf_path *cp, char *err, size_t errlen);
void path_close(struct path *p);

/*
 * Opens a fresh socket for p as path_open does and, only once it is bound, sends what
 * is queued on the old one, closes it and takes its place; the remote, counters and
 * sequence numbers stay. The descriptor changes: whoever waits on it must wait on the
 * new one. On failure the old socket stays, err says why and errno is the cause
 * (EADDRNOTAVAIL: the local address is not there yet; EACCES: a port below 1024 after
 * the daemon gave up root). Unprivileged, this needs Linux 5.7 for SO_BINDTODEVICE.
 */
bool path_reopen(struct path *p, char *err, size_t errlen);

/* Queues frame[0..len) for the path's peer; flushes first when the batch is full. */
void path_queue(struct path *p, uint8_t *frame, size_t len);

/* Sends the queued frames; errors are counted in stats.tx_errors, never fatal. */
void path_flush(struct path *p);

bool path_rx_init(struct path_rx *rx, size_t slot);
void path_rx_free(struct path_rx *rx);

/* Receives up to PATH_BATCH datagrams; returns how many (0 when none or on error). */
unsigned path_receive(struct path *p, struct path_rx *rx);

/* Length of datagram i of the last path_receive, or 0 when it was truncated. */
size_t path_rx_len(const struct path_rx *rx, unsigned i);

/*
 * When the kernel took datagram i of the last path_receive off the wire, in ns of the
 * wall clock (CLOCK_REALTIME); 0 when it did not say. Only differences between two such
 * times mean anything here: they are free of how late and in what batches the daemon read.
 */
uint64_t path_rx_stamp(struct path_rx *rx, unsigned i);

#endif
