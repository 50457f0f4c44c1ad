/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What goes ahead of the bond's delay equalisation (bare TCP ACKs, small UDP) and on which path. */
#ifndef NETAGG_EXPRESS_H
#define NETAGG_EXPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The receiver makes every path as slow as the slowest (delayline.h), so that the
 * packets of a flow split over the paths arrive in order. A bare acknowledgement
 * (tcpseg_pure_ack) needs no such order: TCP takes acknowledgements in any order, an
 * older one is simply ignored. Sent on one path, the one of lowest RTT, and delivered
 * on arrival, it spares the inner TCP the slow path's delay on the way back: its RTT
 * is the slow path's one way plus the fast path's other way, not twice the slow
 * path's. A higher RTT slows every slow start and every loss recovery.
 */
#define EXPRESS_MARGIN_MIN_NS 1000000ull /* see express_path */
#define EXPRESS_WATCH_NS 10000000ull     /* see express_watch_due */

/*
 * Small UDP datagrams go the same way: voice (G.711 in 20 or 30 ms frames: 200 and 280
 * bytes), games, DNS queries, the acknowledgements of a QUIC download. Such traffic wants
 * the fastest path's delay, not the slowest's, and comes at a rate the fastest path
 * carries; equalised, every such packet of a DSL + LTE bond waits for the LTE line's
 * delay. Is pkt a whole UDP datagram (not a fragment; over IPv6 with no extension header)?
 */
bool express_udp(const uint8_t *pkt, size_t len);

/*
 * Does a UDP datagram of len bytes (IP header included) in a flow bucket go express, with
 * fast_udp = max? Only if it is at most max bytes, and the bucket sent none larger for
 * EXPRESS_UDP_BULK_NS: a flow that also sends full-size datagrams (a VPN, a QUIC upload)
 * keeps its small ones in the schedule, in order with the rest, where a TCP flow inside a
 * VPN would take a small segment that overtook the full-size ones before it for a loss.
 * *large_at: when the bucket last sent a larger one, updated here (0: never). max 0: none.
 */
#define EXPRESS_UDP_BULK_NS (2000ull * 1000000ull)
bool express_udp_admits(uint64_t *large_at, size_t len, unsigned max, uint64_t now);

/*
 * A path that carries the peer's data must also carry some of this end's, or the
 * liveness watch that outage repair rests on is lost: this end finds a path down within
 * its busy limit, and holds the gaps of the peer's data for the resend, only while it
 * sends data on that path itself, and the peer probes a path fast only while it gets
 * data on it (doc/PROTOCOL.md, Liveness, Loss repair). Before bare ACKs went on one
 * path, the inner flows' ACKs kept every path the data came on busy. So while this end
 * sends bare ACKs, a path that had the peer's data (peer_data[i]) and none of this
 * end's for EXPRESS_WATCH_NS (since[i]: how long ago this end last sent data on it;
 * UINT64_MAX for never) gets an express frame with no payload, which the peer takes as
 * data on that path and delivers nothing of. Not an ACK: one sent on a slower path
 * arrives behind newer ones, and TCP answers such an ACK's older timestamp (PAWS) with
 * an ACK of its own. Returns the bit set of the paths due (bit i: path i).
 */
unsigned express_watch_due(unsigned npaths, const bool *peer_data, const uint64_t *since);

/*
 * The path for the next bare acknowledgement: of the `npaths` paths, those with
 * candidate[i] set, the one of lowest smoothed RTT srtt_ns[i]. The path taken last
 * (`current`, -1 for none) keeps them unless another's RTT is lower by an eighth of
 * its own, at least EXPRESS_MARGIN_MIN_NS: two paths of about the same RTT would
 * otherwise trade them with every probe. Acknowledgements add to the path they take,
 * and when that queues it up, its RTT rises and they move. -1 when no path is a
 * candidate.
 */
int express_path(unsigned npaths, const bool *candidate, const uint64_t *srtt_ns, int current);

#define EXPRESS_BAR_MIN_NS (500ull * 1000000ull)   /* see express_bar */
#define EXPRESS_BAR_MAX_NS (8000ull * 1000000ull)
#define EXPRESS_BAR_CALM_NS (10000ull * 1000000ull)

/*
 * A path whose way out queues or loses (the ACKs' own doing, on a thin uplink) takes no
 * ACKs, and while it takes none its queue drains. Readmitted at once, it took them back
 * a few hundred ms later, filled again, and so on: every move from the slower path to
 * it let newer ACKs overtake the older ones still on the way, and the data sender
 * dropped those as PAWS (about 900 in an 8 s download over a 1 Mbit/s uplink). So a
 * path that fails is barred for EXPRESS_BAR_MIN_NS after it last failed, twice as long
 * each time it fails again within EXPRESS_BAR_CALM_NS of the previous failure (up to
 * EXPRESS_BAR_MAX_NS), and the bar is back at its minimum after a calm that long.
 */
struct express_bar {
	uint64_t until;     /* ns: the path takes no ACKs before this */
	uint64_t length;    /* ns: the present bar; 0 before the first failure */
	uint64_t failed_at; /* ns: the start of the last failure */
	bool failing;
};

/* Records whether the path fails the test at `now`; true when it may take ACKs. */
bool express_bar_admits(struct express_bar *b, bool fails, uint64_t now);

#endif
