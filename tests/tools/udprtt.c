/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udprtt: round-trip times of UDP datagrams of a chosen size, for tests that check which
 * delay small datagrams meet through the tunnel.
 *
 *   udprtt echo ADDR PORT SECONDS                 answers every datagram, for SECONDS
 *   udprtt ping ADDR PORT COUNT SIZES INTERVAL_MS sends COUNT datagrams from one socket,
 *                                                 one every INTERVAL_MS, of SIZES bytes of
 *                                                 payload in turn (a comma-separated list),
 *                                                 and prints for each size
 *   "size S sent N received M min_ms A median_ms B max_ms C"
 *
 * A reply that has not come 1 s after the last datagram was sent counts as lost. IPv4 or
 * IPv6, by ADDR's form. Exit 0 when at least one reply came, 1 otherwise, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD_MAX 8192
#define COUNT_MAX 100000
#define SIZES_MAX 8

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: udprtt echo ADDR PORT SECONDS\n"
			"       udprtt ping ADDR PORT COUNT SIZE[,SIZE...] INTERVAL_MS\n");
	return 2;
}

/* Fills *ss for ADDR:PORT; false when ADDR is neither IPv4 nor IPv6. */
static int endpoint(const char *addr, const char *port, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	int p = atoi(port);

	memset(ss, 0, sizeof(*ss));
	if (p <= 0 || p > 65535)
		return 0;
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
		*sl = sizeof(*v4);
		return 1;
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
		*sl = sizeof(*v6);
		return 1;
	}
	return 0;
}

static int echo(int fd, const struct sockaddr_storage *ss, socklen_t sl, int seconds)
{
	uint8_t buf[PAYLOAD_MAX];
	uint64_t end = now_ns() + (uint64_t)seconds * 1000000000ull;

	if (bind(fd, (const struct sockaddr *)ss, sl) < 0) {
		perror("udprtt: bind");
		return 1;
	}
	while (now_ns() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n > 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return 0;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Prints the round trips of the datagrams i = k, k + step, ... below count (0: lost). */
static void report(const uint64_t *rtt, unsigned count, unsigned k, unsigned step, size_t size)
{
	uint64_t *got = calloc(count, sizeof(*got));
	unsigned sent = 0, n = 0;

	for (unsigned i = k; got && i < count; i += step, sent++)
		if (rtt[i])
			got[n++] = rtt[i];
	qsort(got, n, sizeof(*got), by_value);
	printf("size %zu sent %u received %u", size, sent, n);
	if (n)
		printf(" min_ms %.3f median_ms %.3f max_ms %.3f", got[0] / 1e6, got[n / 2] / 1e6, got[n - 1] / 1e6);
	printf("\n");
	free(got);
}

static int ping(int fd, const struct sockaddr_storage *ss, socklen_t sl, unsigned count, const size_t *size,
		unsigned nsizes, unsigned interval_ms)
{
	uint8_t buf[PAYLOAD_MAX];
	uint64_t *sent_at = calloc(count, sizeof(*sent_at)), *rtt = calloc(count, sizeof(*rtt));
	uint64_t next = now_ns(), deadline = 0;
	unsigned sent = 0, received = 0;

	if (!sent_at || !rtt || connect(fd, (const struct sockaddr *)ss, sl) < 0) {
		perror("udprtt");
		return 1;
	}
	memset(buf, 0x5a, sizeof(buf));
	for (;;) {
		uint64_t t = now_ns();
		/* Until the next send, or the end; rounded up, so that the loop does not spin. */
		int64_t left = (int64_t)((sent < count ? next : deadline) - t);
		int wait_ms = left > 0 ? (int)((left + 999999) / 1000000) : 0;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (sent == count && left <= 0)
			break;
		if (sent < count && t >= next) {
			memcpy(buf, &sent, sizeof(sent)); /* the sequence number, echoed back */
			sent_at[sent] = t;
			if (send(fd, buf, size[sent % nsizes], 0) < 0)
				perror("udprtt: send");
			sent++;
			next += (uint64_t)interval_ms * 1000000ull;
			deadline = t + 1000000000ull;
			continue;
		}
		if (poll(&pfd, 1, wait_ms) > 0) {
			unsigned seq;
			ssize_t n = recv(fd, buf, sizeof(buf), 0);

			if (n >= (ssize_t)sizeof(seq)) {
				memcpy(&seq, buf, sizeof(seq));
				if (seq < sent && !rtt[seq]) {
					rtt[seq] = now_ns() - sent_at[seq];
					received++;
				}
			}
		}
	}
	for (unsigned k = 0; k < nsizes; k++)
		report(rtt, count, k, nsizes, size[k]);
	free(sent_at);
	free(rtt);
	return received ? 0 : 1;
}

/* Parses "S[,S...]" into size[]; the number of sizes, 0 when malformed. */
static unsigned parse_sizes(const char *text, size_t *size)
{
	unsigned n = 0;

	while (n < SIZES_MAX) {
		char *end;
		long v = strtol(text, &end, 10);

		if (end == text || v < (long)sizeof(unsigned) || v > PAYLOAD_MAX)
			return 0;
		size[n++] = (size_t)v;
		if (*end == '\0')
			return n;
		if (*end != ',')
			return 0;
		text = end + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int fd;

	if (argc < 5 || !endpoint(argv[2], argv[3], &ss, &sl))
		return usage();
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udprtt: socket");
		return 1;
	}
	if (strcmp(argv[1], "echo") == 0 && argc == 5)
		return echo(fd, &ss, sl, atoi(argv[4]));
	if (strcmp(argv[1], "ping") == 0 && argc == 7) {
		long count = atol(argv[4]), interval = atol(argv[6]);
		size_t size[SIZES_MAX];
		unsigned nsizes = parse_sizes(argv[5], size);

		if (count < 1 || count > COUNT_MAX || !nsizes || interval < 1 || interval > 10000)
			return usage();
		return ping(fd, &ss, sl, (unsigned)count, size, nsizes, (unsigned)interval);
	}
	return usage();
}
