/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inject: hostile traffic for the security tests. Each kind is built to be refused
 * for exactly one reason, so the daemon's drop counters can be checked exactly.
 *
 *   inject KIND COUNT HOST PORT [PATH_ID [KEY_ID]]   send COUNT forged frames
 *     KIND: short (1..23 bytes)        -> drop "short"
 *           garbage (random, version != WIRE_VERSION) -> drop "bad_version"
 *           badkey (sealed data, key id KEY_ID, random ciphertext and tag) -> "bad_auth"
 *           badinit (handshake initiation with a random MAC) -> "bad_auth"
 *           oldversion (a handshake initiation of wire version 1, as an older release sends) -> "bad_version"
 *           unsealed (data frame without key id) -> "unsealed"
 *           nosession (key id that names no session) -> "no_session"
 *           badpath (path id 7) -> "bad_path"
 *   inject capture IFACE PORT COUNT FILE   save COUNT UDP/IPv4 payloads sent to PORT seen on IFACE
 *   inject replay FILE HOST PORT           send them again
 *
 * Frames go out at INJECT_PPS per second (default 20000), so that the receiver's
 * kernel never drops any before the daemon has counted it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

#define HEADER WIRE_HEADER_LEN
#define TAG 16
#define MAX_FRAME 2048

static void die(const char *what)
{
	fprintf(stderr, "inject: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void random_bytes(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0)
			die("getrandom");
		p += got;
		n -= (size_t)got;
	}
}

static uint32_t random_below(uint32_t n)
{
	uint32_t v;

	random_bytes((uint8_t *)&v, sizeof(v));
	return v % n;
}

static void header(uint8_t *f, uint8_t type, uint8_t path, uint8_t key, uint16_t len)
{
	uint8_t seq[8];

	memset(f, 0, HEADER);
	f[0] = WIRE_VERSION;
	f[1] = type;
	f[2] = path;
	f[3] = key;
	f[4] = (uint8_t)(len >> 8);
	f[5] = (uint8_t)len;
	/* A fresh counter far ahead of the real ones: the replay window lets it through to the AEAD. */
	random_bytes(seq, sizeof(seq));
	seq[0] = (seq[0] & 0x3f) | 0x40;
	memcpy(f + 16, seq, sizeof(seq));
}

/* Builds one frame of `kind`; returns its length. */
static size_t forge(const char *kind, uint8_t path, uint8_t key, uint8_t *f)
{
	uint16_t len = (uint16_t)(40 + random_below(1200));

	if (!strcmp(kind, "short")) {
		size_t n = 1 + random_below(HEADER - 1);

		random_bytes(f, n);
		return n;
	}
	if (!strcmp(kind, "garbage")) {
		size_t n = HEADER + random_below(1400);

		random_bytes(f, n);
		if (f[0] == WIRE_VERSION)
			f[0] = WIRE_VERSION + 1;
		return n;
	}
	if (!strcmp(kind, "badinit") || !strcmp(kind, "oldversion")) {
		header(f, 3, path, 0, 80);
		random_bytes(f + HEADER, 80);
		if (kind[0] == 'o')
			f[0] = 1;
		return HEADER + 80;
	}
	header(f, 1, path, key, len);
	if (!strcmp(kind, "unsealed"))
		f[3] = 0;
	else if (!strcmp(kind, "nosession"))
		f[3] = 0x7f; /* epoch 127 of the peer's own sessions: never set up in a short test */
	else if (!strcmp(kind, "badpath"))
		f[2] = 7;
	else if (strcmp(kind, "badkey") != 0) {
		fprintf(stderr, "inject: unknown kind '%s'\n", kind);
		exit(2);
	}
	random_bytes(f + HEADER, (size_t)len + TAG);
	return HEADER + len + (f[3] ? TAG : 0);
}

static int udp_to(const char *host, const char *port, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int fd;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(port));
		*sl = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)atoi(port));
		*sl = sizeof(*sin6);
	} else {
		fprintf(stderr, "inject: bad address %s\n", host);
		exit(2);
	}
	fd = socket(ss->ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	return fd;
}

/* Sleeps until frame number `i` is due at the configured rate. */
static void pace(long i)
{
	static struct timespec start;
	static double pps;
	struct timespec due;
	double at;

	if (i == 0) {
		const char *env = getenv("INJECT_PPS");

		pps = env ? atof(env) : 20000;
		clock_gettime(CLOCK_MONOTONIC, &start);
	}
	at = (double)i / pps;
	due.tv_sec = start.tv_sec + (time_t)at;
	due.tv_nsec = start.tv_nsec + (long)((at - (double)(time_t)at) * 1e9);
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
}

static void send_one(int fd, const uint8_t *f, size_t n, const struct sockaddr_storage *ss, socklen_t sl)
{
	/* Pace on a full socket buffer instead of losing frames we mean to count. */
	while (sendto(fd, f, n, 0, (const struct sockaddr *)ss, sl) < 0) {
		if (errno != ENOBUFS && errno != EAGAIN)
			die("sendto");
		usleep(100);
	}
}

static int cmd_forge(int argc, char **argv)
{
	uint8_t f[MAX_FRAME];
	struct sockaddr_storage ss;
	socklen_t sl;
	long count = atol(argv[2]);
	uint8_t path = argc > 5 ? (uint8_t)atoi(argv[5]) : 0, key = argc > 6 ? (uint8_t)atoi(argv[6]) : 1;
	int fd = udp_to(argv[3], argv[4], &ss, &sl);

	for (long i = 0; i < count; i++) {
		size_t n = forge(argv[1], path, key, f);

		pace(i);
		send_one(fd, f, n, &ss, sl);
	}
	printf("sent %ld %s\n", count, argv[1]);
	return 0;
}

static int cmd_capture(char **argv)
{
	uint8_t buf[65536];
	long want = atol(argv[4]), got = 0;
	uint16_t port = (uint16_t)atoi(argv[3]);
	/* ETH_P_ALL: on a bridge port only the taps see frames before the bridge takes them. */
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	FILE *out = fopen(argv[5], "wb");

	if (fd < 0 || !out)
		die("capture socket or file");
	sll.sll_ifindex = (int)if_nametoindex(argv[2]);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind AF_PACKET");
	while (got < want) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		struct iphdr *ip = (struct iphdr *)buf;
		struct udphdr *udp;
		uint16_t len;

		if (n < (ssize_t)(sizeof(*ip) + sizeof(*udp)) || from.sll_protocol != htons(ETH_P_IP) ||
		    from.sll_pkttype == PACKET_OUTGOING || ip->protocol != IPPROTO_UDP)
			continue;
		udp = (struct udphdr *)(buf + ip->ihl * 4);
		if (ntohs(udp->dest) != port)
			continue;
		len = (uint16_t)(ntohs(udp->len) - sizeof(*udp));
		fwrite(&len, sizeof(len), 1, out);
		fwrite(udp + 1, 1, len, out);
		got++;
	}
	fclose(out);
	printf("captured %ld\n", got);
	return 0;
}

static int cmd_replay(char **argv)
{
	uint8_t f[65536];
	struct sockaddr_storage ss;
	socklen_t sl;
	uint16_t len;
	long sent = 0;
	FILE *in = fopen(argv[2], "rb");
	int fd = udp_to(argv[3], argv[4], &ss, &sl);

	if (!in)
		die(argv[2]);
	while (fread(&len, sizeof(len), 1, in) == 1 && fread(f, 1, len, in) == len) {
		pace(sent++);
		send_one(fd, f, len, &ss, sl);
	}
	printf("replayed %ld\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "capture"))
		return cmd_capture(argv);
	if (argc == 5 && !strcmp(argv[1], "replay"))
		return cmd_replay(argv);
	if (argc >= 5 && argc <= 7)
		return cmd_forge(argc, argv);
	fprintf(stderr, "usage: inject KIND COUNT HOST PORT [PATH_ID [KEY_ID]] | capture IFACE PORT COUNT FILE | "
			"replay FILE HOST PORT\n");
	return 2;
}
