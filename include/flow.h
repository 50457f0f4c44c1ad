/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which flow an inner packet belongs to, as a bucket number both ends compute alike. */
#ifndef NETAGG_FLOW_H
#define NETAGG_FLOW_H

#include <stddef.h>
#include <stdint.h>

#define FLOW_BUCKETS 1024 /* a power of two; sequence spaces for the receiver's reorder buffer */

/*
 * Hashes the flow of an IPv4 or IPv6 packet (addresses, protocol, and the ports of
 * TCP, UDP, UDP-Lite, SCTP and DCCP) into 0 .. FLOW_BUCKETS-1. Fragments and other
 * protocols hash on addresses and protocol only, so all of a datagram's fragments
 * share a bucket. The hash is fixed (no key): both ends must agree, and a collision
 * only makes two flows share one sequence space. Anything unparsable is bucket 0.
 */
unsigned flow_bucket(const uint8_t *pkt, size_t len);

#endif
