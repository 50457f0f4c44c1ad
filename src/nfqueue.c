/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NFQUEUE socket: binding a queue, reading queued packets, sending verdicts (libmnl + libnetfilter_queue). */
#include "nfqueue.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NFQ_RCVBUF (8u << 20)  /* queued packets wait here while the daemon is busy */
#define NFQ_MAXLEN 4096        /* packets the kernel holds for us; beyond, --queue-bypass lets them pass */

static bool config(struct nfqueue *q, struct nlmsghdr *nlh, char *err, size_t errlen, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		goto fail;
	n = (int)mnl_socket_recvfrom(q->nl, buf, sizeof(buf));
	if (n < 0 || mnl_cb_run(buf, (size_t)n, 0, q->portid, NULL, NULL) < 0)
		goto fail;
	return true;
fail:
	snprintf(err, errlen, "NFQUEUE %u: %s: %s", q->num, what, strerror(errno));
	return false;
}

static bool bind_queue(struct nfqueue *q, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->num);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
	if (!config(q, nlh, err, errlen, "bind"))
		return false;
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->num);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 0xffff);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, NFQ_MAXLEN);
	/* Fail open: when our socket is full the kernel lets packets pass rather than drop them. */
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	return config(q, nlh, err, errlen, "set copy mode");
}

bool nfqueue_open(struct nfqueue *q, uint16_t num, char *err, size_t errlen)
{
	int on = 1, size = NFQ_RCVBUF;

	memset(q, 0, sizeof(*q));
	q->num = num;
	q->buflen = 0xffff + (MNL_SOCKET_BUFFER_SIZE / 2);
	q->buf = malloc(q->buflen);
	q->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!q->buf || !q->nl || mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "NFQUEUE %u: netlink socket: %s", num, strerror(errno));
		nfqueue_close(q);
		return false;
	}
	q->portid = mnl_socket_get_portid(q->nl);
	/* A full socket buffer must not surface as an error on every read: the kernel fails open. */
	mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &on, sizeof(on));
	setsockopt(mnl_socket_get_fd(q->nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (!bind_queue(q, err, errlen)) {
		nfqueue_close(q);
		return false;
	}
	return true;
}

void nfqueue_close(struct nfqueue *q)
{
	if (q->nl)
		mnl_socket_close(q->nl);
	q->nl = NULL;
	free(q->buf);
	q->buf = NULL;
}

int nfqueue_fd(const struct nfqueue *q)
{
	return mnl_socket_get_fd(q->nl);
}

struct dispatch {
	void (*fn)(void *ctx, struct nfqueue_packet *pkt);
	void *ctx;
	unsigned count;
};

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct dispatch *d = data;
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	struct nfqnl_msg_packet_hdr *ph;
	struct nfqueue_packet pkt;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR] || !attr[NFQA_PAYLOAD])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	pkt.id = ntohl(ph->packet_id);
	pkt.payload = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
	pkt.len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	d->fn(d->ctx, &pkt);
	d->count++;
	return MNL_CB_OK;
}

unsigned nfqueue_receive(struct nfqueue *q, void (*fn)(void *ctx, struct nfqueue_packet *pkt), void *ctx)
{
	struct dispatch d = { fn, ctx, 0 };

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(q->nl, q->buf, q->buflen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return d.count; /* EAGAIN: drained */
		mnl_cb_run(q->buf, (size_t)n, 0, q->portid, on_message, &d);
	}
}

void nfqueue_accept(struct nfqueue *q, const struct nfqueue_packet *pkt, bool changed, uint32_t mark)
{
	char buf[0xffff + 256];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT, q->num);

	nfq_nlmsg_verdict_put(nlh, (int)pkt->id, NF_ACCEPT);
	if (mark)
		nfq_nlmsg_verdict_put_mark(nlh, mark);
	if (changed)
		nfq_nlmsg_verdict_put_pkt(nlh, pkt->payload, (uint32_t)pkt->len);
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		q->verdict_errors++;
}
