/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpgap: one bulk TCP (or MPTCP) transfer whose receiver logs when the application got
 * its bytes, in 10 ms bins. iperf3 reports at most every 100 ms, too coarse to tell a
 * 250 ms stall after a path failure from a 350 ms one; the failover benchmark uses this.
 *
 *   tcpgap recv [-m] PORT FILE   accept one connection on PORT, read it to the end and
 *                                write "epoch_s bytes" per 10 ms bin into FILE
 *   tcpgap send [-m] [-C CC] [-r MBIT] HOST PORT SECONDS
 *                                send as fast as TCP allows (or at most MBIT Mbit/s, in
 *                                writes of 10 ms worth: a flow the application limits;
 *                                MPTCP sockets have no SO_MAX_PACING_RATE, and stalled on
 *                                1 ms writes here) for SECONDS,
 *                                then wait until the receiver has read everything
 *   -m: an MPTCP socket (IPPROTO_MPTCP), so that no mptcpize wrapper is needed.
 *
 * Bins count from the moment the connection was accepted, on the monotonic clock; the
 * file gives each bin's start on the wall clock so that it lines up with the scenario's
 * cut and restore times (bash's EPOCHREALTIME). A receiver stopped by SIGTERM (a
 * transfer that never ended) still writes the bins it has, and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

enum { BIN_NS = 10000000, MAX_BINS = 100 * 600, BUF_BYTES = 256 * 1024 };

static volatile sig_atomic_t stopped;

static void on_term(int sig)
{
	(void)sig;
	stopped = 1;
}

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: tcpgap recv [-m] PORT FILE\n"
			"       tcpgap send [-m] [-C CC] [-r MBIT] HOST PORT SECONDS\n");
	return 2;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535) {
		fprintf(stderr, "tcpgap: bad port '%s'\n", s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

static int run_recv(int proto, uint16_t port, const char *file)
{
	static uint64_t bins[MAX_BINS];
	static char buf[BUF_BYTES];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, ls, fd;
	size_t nbins = 0;

	ls = socket(AF_INET, SOCK_STREAM, proto);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
		fprintf(stderr, "tcpgap: listen on port %u: %s\n", port, strerror(errno));
		return 1;
	}
	/* No SA_RESTART: SIGTERM interrupts the read, and what was counted is written. */
	struct sigaction term = { .sa_handler = on_term };
	sigaction(SIGTERM, &term, NULL);
	fd = accept(ls, NULL, NULL);
	if (fd < 0) {
		fprintf(stderr, "tcpgap: accept: %s\n", strerror(errno));
		return 1;
	}
	int64_t mono0 = now_ns(CLOCK_MONOTONIC), wall0 = now_ns(CLOCK_REALTIME);
	while (!stopped) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "tcpgap: read: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		size_t bin = (size_t)((now_ns(CLOCK_MONOTONIC) - mono0) / BIN_NS);
		if (bin >= MAX_BINS) {
			fprintf(stderr, "tcpgap: transfer longer than %d s\n", MAX_BINS / 100);
			return 1;
		}
		bins[bin] += (uint64_t)n;
		if (bin + 1 > nbins)
			nbins = bin + 1;
	}
	close(fd);
	close(ls);
	FILE *out = fopen(file, "w");
	if (!out) {
		fprintf(stderr, "tcpgap: %s: %s\n", file, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < nbins; i++)
		fprintf(out, "%.3f %llu\n", (double)(wall0 + (int64_t)i * BIN_NS) / 1e9,
			(unsigned long long)bins[i]);
	if (fclose(out) != 0) {
		fprintf(stderr, "tcpgap: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (stopped) {
		fprintf(stderr, "tcpgap: stopped before the transfer ended\n");
		return 1;
	}
	return 0;
}

static int run_send(int proto, const char *cc, unsigned bytes_per_s, const char *host, uint16_t port, double seconds)
{
	static char buf[BUF_BYTES];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcpgap: bad IPv4 address '%s'\n", host);
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0) {
		fprintf(stderr, "tcpgap: socket: %s\n", strerror(errno));
		return 1;
	}
	if (cc && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc)) < 0) {
		fprintf(stderr, "tcpgap: congestion control '%s': %s\n", cc, strerror(errno));
		return 1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "tcpgap: connect %s:%u: %s\n", host, port, strerror(errno));
		return 1;
	}
	memset(buf, 0x5a, sizeof(buf));
	int64_t start = now_ns(CLOCK_MONOTONIC), end = start + (int64_t)(seconds * 1e9), sent = 0, t;
	while ((t = now_ns(CLOCK_MONOTONIC)) < end) {
		/* With a rate, what is due by now (at most a buffer) once it is 10 ms worth, else a millisecond's sleep. */
		int64_t due = bytes_per_s ? (t - start) / 1000 * (int64_t)bytes_per_s / 1000000 - sent : BUF_BYTES;
		ssize_t n;

		if (due <= 0 || (bytes_per_s && due < (int64_t)bytes_per_s / 100)) {
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
			continue;
		}
		n = write(fd, buf, due < BUF_BYTES ? (size_t)due : BUF_BYTES);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "tcpgap: write: %s\n", strerror(errno));
			return 1;
		}
		sent += n > 0 ? n : 0;
	}
	/* The receiver closes once it has read our FIN: everything was delivered. */
	if (shutdown(fd, SHUT_WR) < 0) {
		fprintf(stderr, "tcpgap: shutdown: %s\n", strerror(errno));
		return 1;
	}
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cc = NULL;
	int proto = IPPROTO_TCP, i = 2;
	unsigned bytes_per_s = 0;
	uint16_t port;

	if (argc < 2)
		return usage();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-m") == 0)
			proto = IPPROTO_MPTCP;
		else if (strcmp(argv[i], "-C") == 0 && i + 1 < argc)
			cc = argv[++i];
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			char *endp;
			double mbit = strtod(argv[++i], &endp);

			if (*endp != '\0' || !(mbit > 0 && mbit <= 10000)) {
				fprintf(stderr, "tcpgap: bad rate '%s' (Mbit/s, 0..10000)\n", argv[i]);
				return 2;
			}
			bytes_per_s = (unsigned)(mbit * 1e6 / 8);
		} else
			return usage();
	}
	if (strcmp(argv[1], "recv") == 0 && argc - i == 2 && !cc && !bytes_per_s) {
		if (parse_port(argv[i], &port) < 0)
			return 2;
		return run_recv(proto, port, argv[i + 1]);
	}
	if (strcmp(argv[1], "send") == 0 && argc - i == 3) {
		char *endp;
		double seconds = strtod(argv[i + 2], &endp);

		if (parse_port(argv[i + 1], &port) < 0)
			return 2;
		if (*endp != '\0' || !(seconds > 0 && seconds <= 500)) {
			fprintf(stderr, "tcpgap: bad duration '%s' (seconds, 0..500)\n", argv[i + 2]);
			return 2;
		}
		return run_send(proto, cc, bytes_per_s, argv[i], port, seconds);
	}
	return usage();
}
