/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What an inner packet is to TCP: where its header is, how much data it carries, its flags. */
#ifndef NETAGG_TCPSEG_H
#define NETAGG_TCPSEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPSEG_FIN 0x01
#define TCPSEG_SYN 0x02
#define TCPSEG_RST 0x04
#define TCPSEG_ACK 0x10

struct tcpseg {
	size_t header;  /* offset of the TCP header in the packet */
	size_t payload; /* bytes of data after the TCP header and its options */
	uint8_t flags;  /* the TCP header's flag byte (TCPSEG_*) */
	uint32_t seq;   /* sequence number of the first data byte */
};

/*
 * Reads an IPv4 or IPv6 packet of len bytes as a whole TCP segment. False for anything
 * else: another protocol, an IPv4 fragment, an IPv6 packet with extension headers
 * before TCP, or lengths that do not fit len.
 */
bool tcpseg_parse(const uint8_t *pkt, size_t len, struct tcpseg *seg);

/* A bare acknowledgement: ACK set, no SYN, FIN or RST, and no data. */
bool tcpseg_pure_ack(const uint8_t *pkt, size_t len);

#endif
