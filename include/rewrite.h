/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw mode's packet rewrite: finds a TCP packet's destination and moves it to another addr:port. */
#ifndef NETAGG_REWRITE_H
#define NETAGG_REWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * Why a packet was (not) rewritten; each refusal leaves the packet's bytes as they
 * were, so the caller can still send it unchanged. Names for counters come from
 * rewrite_result_name().
 */
enum rewrite_result {
	REWRITE_OK = 0,
	REWRITE_NOT_TCP,    /* not IPv4/IPv6 carrying TCP (UDP, ICMP, AH, ESP, unknown IPv6 header, ...) */
	REWRITE_FRAGMENT,   /* an IPv4 fragment (MF or offset) or an IPv6 packet with a Fragment header */
	REWRITE_TRUNCATED,  /* the buffer ends before the IP header, or before the IP length field says */
	REWRITE_BAD_HEADER, /* not version 4/6, or lengths inside the packet contradict each other */
	REWRITE_NO_MATCH,   /* a well-formed TCP packet, but not to the address and port asked for */
	REWRITE_ROUTED,     /* source routed: the IP destination is not where the TCP segment ends up */
	REWRITE_RESULT_COUNT
};

/* Where a packet's TCP segment goes, found by rewrite_parse. */
struct rewrite_tcp {
	int family;    /* AF_INET or AF_INET6 */
	size_t l3_len; /* bytes before the TCP header: IP header with v4 options or v6 extension headers */
	struct endpoint src, dst;
};

/*
 * Parses pkt[0..len), an IPv4 or IPv6 packet as read from a TUN device or raw socket.
 * Reads nothing past len; bytes past the IP length field (link padding) are ignored.
 * On REWRITE_OK fills `out`; otherwise `out` is unspecified. Never returns
 * REWRITE_NO_MATCH.
 */
enum rewrite_result rewrite_parse(const uint8_t *pkt, size_t len, struct rewrite_tcp *out);

/*
 * If pkt[0..len) is a TCP packet rewrite_parse accepts whose destination address and
 * port equal `match`'s, sets them to `to`'s and updates the IPv4 header checksum and
 * the TCP checksum incrementally (RFC 1624), in time independent of the packet's size.
 * `to` must have `match`'s family; if not, nothing matches.
 *
 * The checksums are not verified, only carried along: a wrong checksum stays wrong
 * by the same amount, so the receiving host still drops the packet. A correct
 * checksum comes out exactly as a full recomputation would write it. Rewriting
 * back (match and to swapped) restores the original bytes, except that a checksum
 * field holding 0xffff comes back as 0x0000, its equivalent for every verifier.
 *
 * The checksum must be complete: a TCP checksum left partial for offload
 * (CHECKSUM_PARTIAL, TP_STATUS_CSUMNOTREADY) holds a different quantity.
 * Returns REWRITE_OK or the reason the packet was left untouched.
 */
enum rewrite_result rewrite_dst(uint8_t *pkt, size_t len, const struct endpoint *match,
				const struct endpoint *to);

/* Stable snake_case name for counters: "ok", "not_tcp", ...; "unknown" out of range. */
const char *rewrite_result_name(enum rewrite_result r);

#endif
