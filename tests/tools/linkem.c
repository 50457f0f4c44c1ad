/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linkem: emulates one direction of a WAN link for packets that iptables sends to an
 * NFQUEUE (for kernels without netem). Each packet is held until linkem_model says it
 * has crossed the link, then accepted; lost or queue-dropped packets are dropped.
 *
 *   linkem --queue N [--rate 7500kbit] [--delay 10ms] [--jitter 5ms [--in-order]] [--loss 0.5%]
 *          [--limit 64k] [--seed S]
 *
 * On SIGTERM/SIGINT it prints its counters as key=value lines and exits; on SIGUSR1 it
 * prints them and goes on (a "--" line ends each such snapshot).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "linkem_model.h"

#define HELD_MAX 65536u /* packets in flight; the kernel queue is sized to match */

struct held {
	uint32_t id;
	uint64_t release_ns;
	uint64_t order; /* arrival number: equal release times leave in arrival order */
};

/* Held packets in a binary min-heap on (release_ns, order): with jitter they may leave out of order. */
struct emu {
	struct linkem_model model;
	struct nfq_q_handle *qh;
	struct held heap[HELD_MAX];
	uint32_t count;
	uint64_t arrivals;
	uint64_t overruns, ring_full;
};

static volatile sig_atomic_t stopping, snapshot;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool earlier(const struct held *a, const struct held *b)
{
	return a->release_ns < b->release_ns || (a->release_ns == b->release_ns && a->order < b->order);
}

static void heap_push(struct emu *e, struct held h)
{
	uint32_t i = e->count++;

	while (i && earlier(&h, &e->heap[(i - 1) / 2])) {
		e->heap[i] = e->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	e->heap[i] = h;
}

static struct held heap_pop(struct emu *e)
{
	struct held top = e->heap[0], last = e->heap[--e->count];
	uint32_t i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= e->count)
			break;
		if (c + 1 < e->count && earlier(&e->heap[c + 1], &e->heap[c]))
			c++;
		if (!earlier(&e->heap[c], &last))
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	if (e->count)
		e->heap[i] = last;
	return top;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data)
{
	struct emu *e = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	unsigned char *payload;
	int len = nfq_get_payload(nfa, &payload);
	uint64_t release;
	uint32_t id;

	(void)msg;
	if (!ph)
		return 0;
	id = ntohl(ph->packet_id);
	if (len < 0 || e->count == HELD_MAX) {
		e->ring_full += e->count == HELD_MAX;
		return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
	}
	if (linkem_admit(&e->model, now_ns(), (uint32_t)len, &release) != LINKEM_PASS)
		return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
	linkem_count_tcp(&e->model, (uint32_t)len, linkem_tcp_payload(payload, (uint32_t)len));
	heap_push(e, (struct held){ id, release, e->arrivals++ });
	return 0;
}

/* Accepts every held packet whose time has come, earliest release first. */
static void release_due(struct emu *e)
{
	uint64_t now = now_ns();

	while (e->count && e->heap[0].release_ns <= now)
		nfq_set_verdict(e->qh, heap_pop(e).id, NF_ACCEPT, 0, NULL);
}

/* Signals are blocked but while waiting here, so one never arrives between the flag checks and the wait. */
static void wait_for_work(struct emu *e, int fd, const sigset_t *waiting_mask)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts, *timeout = NULL;
	uint64_t now = now_ns();

	if (e->count) {
		uint64_t wait = e->heap[0].release_ns > now ? e->heap[0].release_ns - now : 0;

		ts.tv_sec = (time_t)(wait / 1000000000ull);
		ts.tv_nsec = (long)(wait % 1000000000ull);
		timeout = &ts;
	}
	ppoll(&pfd, 1, timeout, waiting_mask);
}

static void drain(struct emu *e, struct nfq_handle *h, int fd)
{
	static char buf[0x10000 + 4096] __attribute__((aligned));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0) {
			nfq_handle_packet(h, buf, (int)n);
			continue;
		}
		/* ENOBUFS: the kernel dropped messages because we were slow; count and go on. */
		if (n < 0 && errno == ENOBUFS) {
			e->overruns++;
			continue;
		}
		return;
	}
}

static void print_stats(const struct emu *e)
{
	const struct linkem_model *m = &e->model;

	printf("passed=%llu\npassed_bytes=%llu\nlost=%llu\nqueue_drops=%llu\nmax_backlog=%llu\n"
	       "overruns=%llu\nring_full=%llu\ntcp_full_len=%u\ntcp_full_segments=%llu\ntcp_full_payload=%llu\n",
	       (unsigned long long)m->passed, (unsigned long long)m->passed_bytes, (unsigned long long)m->lost,
	       (unsigned long long)m->queue_drops, (unsigned long long)m->max_backlog,
	       (unsigned long long)e->overruns, (unsigned long long)e->ring_full, m->tcp_full_len,
	       (unsigned long long)m->tcp_full_segments, (unsigned long long)m->tcp_full_payload);
	fflush(stdout);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		snapshot = 1;
	else
		stopping = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: linkem --queue N [--rate 7500kbit] [--delay 10ms] [--jitter 5ms [--in-order]] "
			"[--loss 0.5%%] [--limit 64k] [--seed S]\n");
	exit(2);
}

static void parse_args(int argc, char **argv, unsigned *queue, struct linkem_model *m)
{
	static const struct option opts[] = {
		{ "queue", 1, NULL, 'q' }, { "rate", 1, NULL, 'r' }, { "delay", 1, NULL, 'd' },
		{ "loss", 1, NULL, 'l' },  { "limit", 1, NULL, 'L' }, { "seed", 1, NULL, 's' },
		{ "jitter", 1, NULL, 'j' }, { "in-order", 0, NULL, 'o' }, { NULL, 0, NULL, 0 },
	};
	uint64_t rate = 0, delay = 0, jitter = 0, limit = 0, seed = 1;
	uint32_t loss = 0;
	int c, have_queue = 0, which = 0;
	bool in_order = false;

	while ((c = getopt_long(argc, argv, "", opts, &which)) != -1) {
		bool ok = true;

		switch (c) {
		case 'q': *queue = (unsigned)strtoul(optarg, NULL, 10); have_queue = 1; break;
		case 'r': ok = linkem_parse_rate(optarg, &rate); break;
		case 'd': ok = linkem_parse_time(optarg, &delay); break;
		case 'j': ok = linkem_parse_time(optarg, &jitter); break;
		case 'o': in_order = true; break;
		case 'l': ok = linkem_parse_loss(optarg, &loss); break;
		case 'L': ok = linkem_parse_size(optarg, &limit); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		default: usage();
		}
		if (!ok) {
			fprintf(stderr, "linkem: bad value for --%s: '%s'\n", opts[which].name, optarg);
			exit(2);
		}
	}
	if (!have_queue || optind != argc || (in_order && !jitter))
		usage();
	linkem_init(m, rate, delay, loss, limit, seed);
	linkem_set_jitter(m, jitter, in_order);
}

int main(int argc, char **argv)
{
	static struct emu e;
	struct nfq_handle *h;
	unsigned queue = 0;
	int fd;

	parse_args(argc, argv, &queue, &e.model);
	h = nfq_open();
	if (!h || !(e.qh = nfq_create_queue(h, (uint16_t)queue, on_packet, &e))) {
		fprintf(stderr, "linkem: cannot bind NFQUEUE %u: %s\n", queue, strerror(errno));
		return 1;
	}
	nfq_set_mode(e.qh, NFQNL_COPY_PACKET, 0xffff);
	nfq_set_queue_maxlen(e.qh, HELD_MAX);
	fd = nfq_fd(h);
	nfnl_rcvbufsiz(nfq_nfnlh(h), 32u << 20);
	sigset_t handled, waiting_mask;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	sigemptyset(&handled);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGUSR1);
	sigprocmask(SIG_BLOCK, &handled, &waiting_mask);
	printf("ready\n");
	fflush(stdout);
	while (!stopping) {
		wait_for_work(&e, fd, &waiting_mask);
		drain(&e, h, fd);
		release_due(&e);
		if (snapshot) {
			snapshot = 0;
			print_stats(&e);
			printf("--\n");
			fflush(stdout);
		}
	}
	/* Let what is in flight through rather than have the kernel drop it with the queue. */
	while (e.count)
		nfq_set_verdict(e.qh, heap_pop(&e).id, NF_ACCEPT, 0, NULL);
	print_stats(&e);
	nfq_destroy_queue(e.qh);
	nfq_close(h);
	return 0;
}
