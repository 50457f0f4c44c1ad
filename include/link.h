/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A running link: the TUN device, the path sockets, the scheduler and the counters. */
#ifndef NETAGG_LINK_H
#define NETAGG_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "autow.h"
#include "conf.h"
#include "delayline.h"
#include "express.h"
#include "flow.h"
#include "handshake.h"
#include "health.h"
#include "loglimit.h"
#include "nack.h"
#include "owdspan.h"
#include "path.h"
#include "police.h"
#include "probe.h"
#include "reorder.h"
#include "resend.h"
#include "sched.h"
#include "session.h"
#include "status.h"
#include "train.h"

#define LINK_TUN_BATCH 64 /* inner packets read from the TUN per wake-up */
/* A path that carries data is probed LINK_BUSY_PROBE_DIVISOR times as often by the peer
 * (every 25 ms by default), and found down after down_after / LINK_BUSY_DOWN_DIVISOR of
 * silence (150 ms: six probes missed, room for a loaded host's scheduling jitter). */
#define LINK_BUSY_PROBE_DIVISOR 4

/* Path i's probe interval in ns: the link's, or the path's own (conf.h). */
#define LINK_PROBE_NS(l, i) ((uint64_t)(l)->conf.path[(i)].probe_interval * 1000000ull)
#define LINK_TICK_NS (25ull * 1000000ull) /* how often probes and path liveness are looked at */
#define LINK_BUSY_DOWN_DIVISOR 2
#define LINK_PROBE_SLACK_NS 5000000ull /* a probe due this soon goes with the current tick */
/* A fast keepalive is left out while this end's own data, sent this recently, shows the
 * peer the path is alive (see probe_path in datapath.c). */
#define LINK_DATA_SPEAKS_NS 5000000ull

/* Key exchange state: who starts handshakes, the one in flight, the sessions. */
struct keying {
	bool initiator; /* this end knows a remote, so it starts handshakes */
	uint8_t ciphers; /* HS_CIPHER_BIT set this end can use */
	struct hs_keys keys;
	struct session_table sessions;
	bool pending; /* an INIT awaits its RESP */
	struct hs_init sent;
	uint8_t e_sec[HS_SEC_LEN];
	uint64_t init_sent_at; /* monotonic ns */
	unsigned init_attempts; /* picks the path of the next INIT, round robin */
	uint64_t last_timestamp; /* of our last INIT (wall clock ns), strictly growing */
	uint64_t peer_timestamp; /* newest INIT accepted from the peer */
	uint8_t last_epoch;
	uint64_t handshakes;    /* sessions set up, as initiator or responder */
	uint64_t auth_failures; /* since the last log line about them */
	uint64_t auth_logged_at;
	bool lost_logged; /* said that every path is down and a handshake is due (until one is answered) */
};

struct link {
	struct conf conf;
	unsigned mtu; /* of the TUN: from the config or derived from the paths */
	int tun_fd;
	unsigned ifindex;
	struct path path[WIRE_MAX_PATHS];
	struct sched sched;
	struct keying keying;
	struct health health[WIRE_MAX_PATHS];
	struct probe probe[WIRE_MAX_PATHS];
	struct reorder reorder; /* the peer's data, put back in order per flow bucket */
	struct delayline delay; /* ... after the faster paths' data waited for the slowest path's delay */
	uint32_t owd[WIRE_MAX_PATHS]; /* smoothed (our stamp - peer's stamp) of its frames: one-way delay + clock offset, us */
	bool have_owd[WIRE_MAX_PATHS];
	uint64_t owd_at[WIRE_MAX_PATHS]; /* when owd last took a sample */
	struct owdspan owdspan[WIRE_MAX_PATHS]; /* the range of each path's recent one-way delays */
	int64_t owd_rest[WIRE_MAX_PATHS]; /* what the last steps left over, in us * ns */
	/* The smoothed owd's range over the last 10-20 s: above its low, the peer's frames
	 * queue on their way here (see auto_weights). */
	struct owdspan owd_base[WIRE_MAX_PATHS];
	/* While a down path sets the bond's delay: no data frame is delivered before its one-way
	 * delay (our stamp - peer's, as owd) reaches owd_floor (see update_equalize). */
	bool owd_floor_on;
	uint32_t owd_floor;
	uint32_t last_stamp[WIRE_MAX_PATHS]; /* the peer's stamp of the newest frame heard on the path */
	struct autow autow;     /* weights = "auto" */
	struct resend resend;   /* copies of the data sent, for the peer's NACKs */
	struct police police;   /* the paths left after a failure, held to what they deliver */
	struct nack nack;       /* gaps in the peer's frames on each path, to NACK */
	uint64_t nacks_sent, nacks_received, repairs_received;
	/* While the resend of a silent path's frames may come: the reorder hold it needs, and until when. */
	uint64_t outage_hold, outage_until;
	uint64_t suspect_hold; /* ... and while a path that carried the peer's data is quiet (link_repair_suspect_hold) */
	unsigned suspect_paths; /* bit i: path i was suspect at the last look */
	unsigned outage_again;  /* bit i: path i's outage entry is to be sent once more, at the next tick */
	uint32_t outage_resent_to[WIRE_MAX_PATHS]; /* the peer's outage entries: path_seq resent up to (excl.) */
	bool outage_resent[WIRE_MAX_PATHS];
	uint64_t next_probe[WIRE_MAX_PATHS]; /* ns, monotonic: when a keepalive is next due on each path */
	uint64_t next_report[WIRE_MAX_PATHS]; /* ... and when one must go in any case (every probe interval) */
	uint64_t tick_tx_bytes[WIRE_MAX_PATHS], tick_rx_bytes[WIRE_MAX_PATHS]; /* path counters at the last tick */
	/* Inner bytes sent on each path as data or bare ACKs; and their count and the time at the last look of weights = "auto". */
	uint64_t data_tx_bytes[WIRE_MAX_PATHS], autow_data_mark[WIRE_MAX_PATHS], autow_mark_at;
	uint64_t keepalives[WIRE_MAX_PATHS], keepalives_spared[WIRE_MAX_PATHS]; /* sent; left out for data */
	uint64_t fast_acks_sent[WIRE_MAX_PATHS], fast_acks_received[WIRE_MAX_PATHS]; /* WIRE_EXPRESS frames */
	bool slow[WIRE_MAX_PATHS]; /* too slow to share a flow with the fastest path (slowpath.h) */
	struct loglimit slow_log[WIRE_MAX_PATHS]; /* what the log last said of it */
	/* Capacity trains (train.h): the peer's heard on each path, and ours with the rate it reported. */
	struct train_rx train_rx[WIRE_MAX_PATHS];
	unsigned train_tries[WIRE_MAX_PATHS];
	uint32_t train_seq[WIRE_MAX_PATHS][TRAIN_TRIES]; /* the path_seq of each of our trains' first frame */
	uint64_t train_next[WIRE_MAX_PATHS]; /* when another may go */
	uint64_t train_bps[WIRE_MAX_PATHS];  /* its rate; 0: none reported yet */
	int ack_path; /* the path bare TCP ACKs took last (express.h); -1: none yet */
	struct express_bar ack_bar[WIRE_MAX_PATHS];
	uint64_t data_rx_at[WIRE_MAX_PATHS];  /* when data last arrived on the path */
	uint64_t data_tx_at[WIRE_MAX_PATHS];  /* when data was last sent on the path */
	uint64_t data_tx_since[WIRE_MAX_PATHS]; /* start of the current run of data sent on it */
	uint64_t full_at[WIRE_MAX_PATHS];   /* when the path was last seen full from here (link_note_full) */
	uint64_t full_rate[WIRE_MAX_PATHS]; /* the rate the peer received on it then, bits per second */
	uint64_t seq;            /* next global sequence number */
	uint64_t now;            /* of the packet being delivered, for callbacks that need it */
	uint16_t flow_seq[FLOW_BUCKETS]; /* next sequence number per flow bucket of the data sent */
	uint64_t udp_large_at[FLOW_BUCKETS]; /* when the bucket last sent a UDP datagram over fast_udp (express.h) */
	uint64_t drop[DROP_REASON_COUNT];
	uint64_t version_warned_at[WIRE_MAX_PATHS]; /* when a frame of another wire version was last logged */
	size_t slot;     /* bytes per frame buffer */
	uint8_t *tx_buf; /* LINK_TUN_BATCH frame buffers */
	struct path_rx rx;
};

/*
 * Creates the TUN device, configures it, opens the path sockets. On failure
 * everything already done is undone and err says why. Times are monotonic ns.
 */
bool link_open(struct link *l, const struct conf *c, uint64_t now, char *err, size_t errlen);
void link_close(struct link *l);

/* Fills st from the link's current state. */
void link_snapshot(const struct link *l, struct status *st, uint64_t now);

/* Reads up to LINK_TUN_BATCH inner packets and sends each on the path the scheduler picks. */
void link_forward_from_tun(struct link *l, uint64_t now);

/* Receives a batch on path i and writes valid inner packets to the TUN. */
void link_forward_to_tun(struct link *l, unsigned i, uint64_t now);

/* Periodic work: keepalives when due, paths fallen silent taken out of the schedule. */
void link_tick(struct link *l, uint64_t now);

/* Holds the gaps a suspect path's frames may fill for as long as finding it down and repairing takes. */
void link_update_suspicion(struct link *l, uint64_t now);
/* Releases held data whose gap is given up on; the next such deadline (UINT64_MAX: none). */
void link_reorder_tick(struct link *l, uint64_t now);
uint64_t link_reorder_deadline(const struct link *l);
/*
 * Re-judges which paths are too slow for data (slowpath.h), after an RTT moved; reschedules
 * and logs changes, one line per path per LINK_SLOW_LOG_NS (a path slow by its own queue
 * can leave and return every second).
 */
void link_update_slow(struct link *l, uint64_t now);
/* At a tick: logs path i's slow state if it is not what the last line said and the interval is over. */
void link_catch_up_slow_log(struct link *l, unsigned i, uint64_t now);
#define LINK_SLOW_LOG_NS (10ull * 1000000000ull)
/* Sets the reorder hold from the usable paths' delays (after a report or a schedule change). */
void link_update_hold(struct link *l);

/* The longest a packet waits for the gap before it: the paths' one-way delay skew and jitter, at most this. */
#define LINK_REORDER_HOLD_MAX_NS (200ull * 1000000ull) /* (longer while a failed path's frames are awaited) */
#define LINK_REORDER_HOLD_MIN_NS (2ull * 1000000ull) /* scheduling noise of the two hosts */
/* Pools, allocated and touched at start (about 1.5 MB and 3 MB at a 1432-byte MTU): the
 * delay line holds the packets of 20 ms at 1 Gbit/s, the reorder buffer half of that. */
#define LINK_REORDER_SLOTS 1024
#define LINK_DELAY_SLOTS 2048
#define LINK_EQUALIZE_MAX_NS (100ull * 1000000ull) /* the most a faster path's packets are delayed */
#define LINK_EQUALIZE_KEEP_NS (30ull * 1000000000ull) /* a down path still sets the delay this long */
#define LINK_OWD_BASE_BUCKET_NS (10ull * 1000000000ull) /* owd_base's buckets */
#define LINK_VERSION_WARN_NS (60ull * 1000000000ull) /* a frame of another wire version is logged once a minute */
#define LINK_OWD_TAU_NS (250ull * 1000000ull) /* how fast a path's one-way delay follows its frames' */
#define LINK_STANDBY_DATA_NS (1000000000ull) /* a standby backup the peer sent data on counts this long */

/* Loss repair (repair.c): how old a frame may be to be resent, and what a repair's wait adds to
 * the fastest path's round trip (the sender's and receiver's scheduling). */
#define LINK_RESEND_MAX_AGE_NS (500ull * 1000000ull)
#define LINK_REPAIR_SLACK_NS (5ull * 1000000ull)
#define LINK_RESEND_PER_NACK 64 /* frames resent for one NACK at most (and at most LINK_TUN_BATCH) */
/* The longest the receiver waits for the resend of a silent path's frames, after it took the path down. */
#define LINK_OUTAGE_WAIT_MAX_NS (300ull * 1000000ull)
/*
 * Policing after a failure (police.h): a path left is held to this share of the rate the
 * peer received on it, for this long after the failure or until a path comes back, if it
 * was full in our direction: its smoothed RTT LINK_POLICE_QUEUE_NS (or half its base RTT)
 * above the base, and carrying at least LINK_POLICE_SENDER_RATIO times as much from us as
 * to us (the queue a round trip shows is then ours, not the peer's data's: the receiver
 * of a bulk transfer must not police its acknowledgements).
 */
#define LINK_POLICE_PERCENT 100
#define LINK_POLICE_NS (3000ull * 1000000ull)
#define LINK_POLICE_QUEUE_NS (10ull * 1000000ull)
#define LINK_POLICE_SENDER_RATIO 4
/* A path seen full this shortly before the failure counts as full: a failure drains the
 * queues of the paths left for a while (a pacing sender waits for its losses to be found). */
#define LINK_POLICE_FULL_RECENT_NS (1000ull * 1000000ull)
/* The shortest quiet that makes a busy path suspect (health_quiet): the hosts' scheduling noise. */
#define LINK_SUSPECT_MIN_NS (10ull * 1000000ull)

/* How long the resend of a frame lost now may take to arrive; 0 when repair is off or cannot help. */
uint64_t link_repair_wait(const struct link *l);
/* Keeps a copy of a data frame about to be sealed on p (it must not be sealed yet). */
void link_repair_keep(struct link *l, struct path *p, uint16_t flow_seq, const uint8_t *pkt, size_t len,
		      uint64_t now);
/* Notes an authentic frame of h on p for gap finding. */
void link_repair_on_frame(struct link *l, const struct path *p, const struct wire_header *h, uint64_t now);
/* Sends the NACK for the gaps found since the last call, if any. */
void link_repair_flush(struct link *l, uint64_t now);
/* Path i fell silent here and was taken down: asks the peer for what it sent on it since (an outage entry). */
void link_repair_outage(struct link *l, unsigned i, uint64_t now);
/* Sends the outage entries due once more (a tick after the first, in case that NACK was lost). */
void link_repair_outage_again(struct link *l, uint64_t now);
/* The reorder hold path i needs while it is quiet after carrying the peer's data, skew later than another
 * (busy_since as for health_tick); 0 if none. */
uint64_t link_repair_suspect_hold(const struct link *l, unsigned i, uint64_t now, uint64_t busy_since, uint64_t skew);
/* The peer's NACK arrived: resends what it names and is still kept. */
void link_repair_on_nack(struct link *l, const uint8_t *payload, size_t len, uint64_t now);

/* Seals frame[header | len bytes] in place under s for p, stamped stamp_us; returns the datagram length
 * (datapath.c). */
size_t link_seal_frame(struct link *l, struct session *s, struct path *p, uint8_t type, size_t len,
		       uint16_t flow_seq, uint32_t stamp_us, uint8_t *frame);
/* The header's timestamp for now: microseconds of the monotonic clock, modulo 2^32. */
uint32_t link_stamp(uint64_t now);
/* Writes a packet the peer sent to the TUN (counted when the kernel refuses it). */
void link_write_tun(void *ctx, const uint8_t *pkt, size_t len);

/* Bytes a frame adds on the wire around an inner packet, outer IP and UDP included. */
unsigned link_overhead(int family);

/* Applies a configuration that conf_reload_check accepted: weights, backup, probing, rekeying, cipher. */
void link_apply(struct link *l, const struct conf *c, uint64_t now);

/* Key exchange (keying.c). */
/* A session is forgotten 2.5 rekey intervals after its handshake (300 s at the default 120 s):
 * long enough for frames in flight, short enough that few sessions are held. */
#define KEYING_REJECT_AFTER(rekey_ns) ((rekey_ns) * 5 / 2)
#define KEYING_RETRY_NS (1000000000ull)                 /* resend an unanswered INIT after */
#define KEYING_LOST_AFTER_NS (1000000000ull)            /* nothing heard for this long under a session older: handshake */
#define KEYING_REKEY_AFTER_FRAMES (1ull << 60)
#define KEYING_LOG_INTERVAL_NS (10ull * 1000000000ull)  /* at most one auth-failure log line per */

/* Loads the key; false with err when the key file or the cipher cannot be used. */
bool keying_init(struct link *l, char *err, size_t errlen);
void keying_wipe(struct link *l);
/* Recomputes the ciphers this end offers from the config (the next handshake uses them). */
void keying_set_ciphers(struct link *l);
/* Starts or retries a handshake when one is due; forgets old sessions. */
void keying_tick(struct link *l, uint64_t now);
/* Handles an authentic-looking INIT/RESP frame received on path p; true when it was accepted. */
bool keying_on_init(struct link *l, struct path *p, const uint8_t *frame, const struct wire_header *h,
		    const struct endpoint *from, uint64_t now);
bool keying_on_resp(struct link *l, struct path *p, const uint8_t *frame, const struct wire_header *h,
		    uint64_t now);
/* Counts a frame that failed authentication; logs a summary at most every KEYING_LOG_INTERVAL_NS. */
void keying_auth_failed(struct link *l, const struct path *p, const struct endpoint *from, uint64_t now);

/* Shared by datapath.c and keying.c: header filling and sending single frames. */
void link_fill_header(struct link *l, struct path *p, uint8_t type, uint8_t key_id, size_t len, uint64_t now,
		      uint8_t *frame);
void link_fill_data_header(struct link *l, struct path *p, uint8_t type, uint8_t key_id, size_t len,
			   uint16_t flow_seq, uint32_t stamp_us, uint8_t *frame);
/* Seals and sends a keepalive on p under the current session (nothing when there is none). */
void link_send_keepalive(struct link *l, struct path *p, uint64_t now);
/* Writes a keepalive's plaintext for path i to session s's peer at out: the path report, and the
 * latest train result where the peer takes it; returns its length. The next report starts afresh. */
size_t link_keepalive_report(struct link *l, const struct session *s, unsigned i, uint64_t now, uint8_t *out);

/* Capacity trains (linktrain.c, train.h). Sends one on path i when weights = "auto" wants it. */
void link_train_tick(struct link *l, unsigned i, uint64_t now);
/*
 * A frame of the peer's train (flow_seq 1 .. TRAIN_FRAMES of a keepalive) came in at `at`, the
 * kernel's receive time (path_rx_stamp); where it gave none (0), it is timed by now, when it was
 * read, and trains then tell only slower paths' rates (train_on_frame).
 */
void link_train_frame(struct link *l, struct path *p, const struct wire_header *h, size_t len, uint64_t at,
		      uint64_t now);
/* The train result after the peer's report on path i (WIRE_TRAIN_RESULT_LEN bytes at in). */
void link_train_result(struct link *l, unsigned i, const uint8_t *in);
/*
 * The rates the trains measured, to weights = "auto" after its estimates started afresh
 * (a reload): as line rates, and as the start where no weight is given.
 */
void link_train_reapply(struct link *l);
/* Tells the scheduler which paths to use: the up ones, and backup paths only while no other is up. */
void link_schedule(struct link *l);

/* Notes, at each tick, which paths are full from here and at what rate: what a failure's policing starts from. */
void link_note_full(struct link *l, uint64_t now);

/* Takes `from` as path p's peer address (only ever after p's frame proved authentic). */
void link_learn_peer(struct link *l, struct path *p, const struct endpoint *from, uint64_t now);

#endif
