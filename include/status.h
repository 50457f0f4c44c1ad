/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A snapshot of a running link's state and counters, and its human and JSON renderings. */
#ifndef NETAGG_STATUS_H
#define NETAGG_STATUS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "wire.h"

/* Why an inbound frame or outbound packet was dropped. The first values mirror enum wire_error. */
enum drop_reason {
	DROP_BAD_SOURCE = WIRE_ERROR_COUNT, /* frame from an address that is not this path's peer */
	DROP_NO_PATH,                       /* inner packet read while no path was up */
	DROP_TOO_BIG,                       /* inner packet larger than the tunnel MTU */
	DROP_TUN_WRITE,                     /* the kernel refused the decapsulated packet */
	DROP_BAD_AUTH,                      /* failed authentication (AEAD tag or handshake MAC) */
	DROP_REPLAY,                        /* a frame or handshake seen before, or too old */
	DROP_NO_SESSION,                    /* sealed under a key id this end does not hold */
	DROP_NO_KEY,                        /* inner packet read before any session was set up */
	DROP_BAD_HANDSHAKE,                 /* authentic handshake this end cannot accept (cipher, epoch, stale) */
	DROP_POLICED,                       /* inner packet over the rate of a path left after a failure (police.h) */
	DROP_REASON_COUNT
};

/* Counter name for reasons 1 .. DROP_REASON_COUNT-1 (reason 0 is not a drop). */
const char *drop_reason_name(unsigned reason);

#define STATUS_STATE_MAX 16
/* Entries: a tunnel's paths, or a raw-mode instance's rules (two per sender rule). */
#define STATUS_MAX_PATHS 32

struct status_path {
	char name[IFNAMSIZ];
	char state[STATUS_STATE_MAX]; /* "up", or "waiting" until the peer's address is known */
	char local[ADDR_TEXT_MAX];
	char remote[ADDR_TEXT_MAX];   /* "-" while unknown */
	uint32_t weight;
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes, tx_errors;
	bool have_rtt;       /* false until the first echo came back */
	uint64_t rtt_ns, rttvar_ns, min_rtt_ns; /* smoothed round-trip time, its variation, the lowest seen */
	uint32_t loss_ppm;   /* of the frames sent on the path, recently */
	uint64_t lost;       /* frames the peer reported missing since start */
	uint64_t rate_bps;   /* the rate the peer receives this path's frames at */
	bool have_queue;     /* false until the peer reported a standing queue */
	uint64_t queue_ns;   /* the standing queue this end's frames met on the path, as the peer last reported it */
	uint64_t failures;   /* times the path went down since start */
	uint64_t equalize_ns; /* how long its packets now wait to match the slowest path's delay */
	uint64_t reordering_ns;  /* how far behind the path's newest frame one may still come (nack.h) */
	uint64_t state_ns;    /* how long it has been in its state (standby: in up or degraded) */
	uint64_t keepalives, keepalives_spared; /* keepalives sent; fast ones left out while data spoke for them */
	uint64_t fast_acks_sent, fast_acks_received; /* express frames: bare TCP ACKs, small UDP (express.h) */
};

/* The receiver's reorder buffer (see reorder.h for what each counts). */
enum status_reorder {
	STATUS_REORDER_HELD,
	STATUS_REORDER_LATE,
	STATUS_REORDER_RELEASED_LATE,
	STATUS_REORDER_GAPS,
	STATUS_REORDER_DROPPED,
	STATUS_REORDER_OVERFLOW,
	STATUS_REORDER_OVERSIZE,
	STATUS_REORDER_RESYNCS,
	STATUS_REORDER_LOST_EARLY,
	STATUS_REORDER_COUNT
};
const char *status_reorder_name(unsigned i);

/* Loss repair (see nack.h, resend.h): this end as receiver (NACKs), and as sender (resends). */
enum status_repair {
	STATUS_REPAIR_GAPS,            /* gaps found in the peer's frame numbers and reported */
	STATUS_REPAIR_UNASKED,         /* gaps not reported: repair off, or the path was queueing */
	STATUS_REPAIR_FRAMES_ASKED,    /* frames those gaps cover */
	STATUS_REPAIR_NACKS_SENT,
	STATUS_REPAIR_REPAIRS_RECEIVED, /* resent packets that arrived */
	STATUS_REPAIR_NACKS_RECEIVED,
	STATUS_REPAIR_RESENT,          /* frames this end resent */
	STATUS_REPAIR_MISSED,          /* asked for but no longer kept (or never data) */
	STATUS_REPAIR_REPEATED,        /* asked for again after a resend */
	STATUS_REPAIR_BUDGET,          /* refused: the resend budget was spent */
	STATUS_REPAIR_OUTAGES_ASKED,   /* paths fallen silent whose frames this end asked for */
	STATUS_REPAIR_OUTAGE_RESENT,   /* frames this end resent for the peer's outage entries */
	STATUS_REPAIR_REORDERED,       /* frames that came after later-stamped ones on their path */
	STATUS_REPAIR_WAITED,          /* gaps that waited out their path's reordering before a NACK */
	STATUS_REPAIR_FILLED,          /* frames that came while their gap waited: not asked for */
	STATUS_REPAIR_COUNT
};
const char *status_repair_name(unsigned i);

struct status {
	char interface[IFNAMSIZ];
	char mode[8];
	unsigned mtu;
	long pid;
	uint64_t handshakes; /* sessions set up since start */
	char cipher[24];     /* of the session sent under, or "none" */
	uint64_t drop[DROP_REASON_COUNT];
	uint64_t reorder[STATUS_REORDER_COUNT];
	uint64_t reorder_hold_ns; /* how long a packet now waits for a gap at most */
	uint64_t repair[STATUS_REPAIR_COUNT];
	struct status_path path[STATUS_MAX_PATHS];
	unsigned npaths;
};

/* Share of all paths' tx bytes sent on path i, 0..1 (0 when nothing was sent). */
double status_tx_share(const struct status *st, unsigned i);

void status_print_text(FILE *out, const struct status *st);
/* One JSON object; paths[] fields: name, state, local, remote, weight, tx_packets, tx_bytes,
 * rx_packets, rx_bytes, tx_errors, share. */
void status_print_json(FILE *out, const struct status *st);
/* Prometheus text exposition format for n links, each metric family once. */
void status_print_prometheus(FILE *out, const struct status *sts, unsigned n);

#endif
