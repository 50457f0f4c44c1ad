/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A link's configuration: loading from a libconfig file, validation, normalised printing. */
#ifndef NETAGG_CONF_H
#define NETAGG_CONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "seal.h"
#include "wire.h"

#define CONF_MAX_ADDRESSES 8
#define CONF_MTU_MIN 576
#define CONF_MTU_MIN_V6 1280 /* IPv6 requires it of every link */
#define CONF_MTU_MAX 9000
#define CONF_PROBE_INTERVAL_DEFAULT 100 /* ms */
#define CONF_DOWN_AFTER_DEFAULT 300     /* ms */
#define CONF_REKEY_DEFAULT 120 /* seconds */
#define CONF_FAST_UDP_DEFAULT 300 /* bytes: G.711 voice in 30 ms frames is 280 */
#define CONF_ERR_MAX 512
#define CONF_USER_DEFAULT "nobody"
#define CONF_USER_MAX 33

enum conf_mode { CONF_MODE_UDP, CONF_MODE_RAW };
enum conf_cipher { CONF_CIPHER_AUTO, CONF_CIPHER_CHACHA20_POLY1305, CONF_CIPHER_AES256_GCM };
enum conf_role { CONF_ROLE_SENDER, CONF_ROLE_RECEIVER };

#define CONF_MAX_RULES 16
#define CONF_QUEUE_DEFAULT 20033 /* NFQUEUE number of raw mode: 0x4e41 */

/*
 * A raw-mode rule, as NetAgg's -A: the sender moves a weighted share of the TCP packets
 * bound for `primary` onto `secondary`; the receiver moves packets arriving at
 * `secondary` back to `primary`. Both endpoints have a port and the same family.
 */
struct conf_rule {
	enum conf_role role;
	struct endpoint primary;
	struct endpoint secondary;
	uint32_t weight_primary, weight_secondary; /* the ratio; 1:1 when not given */
};

struct conf_path {
	char name[IFNAMSIZ];
	struct endpoint local;  /* port 0: any (initiating side) */
	struct endpoint remote; /* len 0: learned from the peer's packets */
	uint32_t weight;
	bool weight_given;     /* weight was set: weights = "auto" starts from it, not from trains */
	bool backup;           /* carries traffic only while no other path is up */
	char device[IFNAMSIZ]; /* "" when not bound to a device */
	uint32_t table;           /* policy routing table for this path's source address; 0: chosen by up */
	struct endpoint gateway;  /* next hop in that table; len 0: the device's default gateway, if any */
	/*
	 * The link's probe_interval and down_after, or the path's own: a metered backup (LTE)
	 * probed every 100 ms each way moves about 5 GB a month doing nothing.
	 */
	unsigned probe_interval, down_after;
};

struct conf {
	char interface[IFNAMSIZ];
	enum conf_mode mode;
	struct prefix address[CONF_MAX_ADDRESSES];
	unsigned naddress;
	unsigned mtu;       /* 0: derived from the paths at start-up */
	unsigned probe_interval; /* ms between keepalives on each path */
	unsigned down_after;     /* ms of silence after which a path is down */
	unsigned rekey_interval; /* seconds between handshakes started by the initiator */
	char key_file[PATH_MAX]; /* pre-shared key; relative paths resolved against the config's directory */
	enum conf_cipher cipher; /* auto: AES-256-GCM when both ends have AES-NI, else ChaCha20-Poly1305 */
	char user[CONF_USER_MAX]; /* the daemon drops to this user after set-up; "root" keeps root */
	struct conf_path path[WIRE_MAX_PATHS];
	unsigned npaths;
	bool host_setup; /* up makes the sysctl, rule and route changes the paths need (default true) */
	bool reorder;    /* udp: the receiver restores each flow's order (default true; live) */
	bool repair;     /* udp: frames lost on a path are asked for again and resent (default true; live) */
	bool fast_acks;  /* udp: bare TCP ACKs go on the path of lowest RTT, unequalised (default true; live) */
	unsigned fast_udp; /* udp: so do UDP packets of at most this many bytes; 0: none (express.h; live) */
	bool auto_weights; /* udp: weights = "auto": weights follow measured capacity, starting from the paths' (live) */
	bool forwarding; /* up enables IP forwarding (a router bonding a LAN); default false */
	unsigned queue;  /* raw mode: NFQUEUE number */
	struct conf_rule rule[CONF_MAX_RULES]; /* raw mode */
	unsigned nrules;
};

/*
 * Reads and validates `file`. On failure returns false with
 * "FILE:LINE: what is wrong" (or "FILE: ..." when no line applies) in err.
 */
bool conf_load(const char *file, struct conf *c, char *err, size_t errlen);

/* Same, from text in memory; `name` stands for the file name in messages. */
bool conf_parse(const char *text, const char *name, struct conf *c, char *err, size_t errlen);

/* Prints c in the normalised form that conf_parse reads back to the same struct. */
void conf_print(FILE *out, const struct conf *c);

const char *conf_cipher_name(enum conf_cipher c);
const char *conf_role_name(enum conf_role role); /* "sender", "receiver" */

/*
 * Parses a raw-mode ratio "PRIMARY:SECONDARY" (the config's ratio, NetAgg's -R): two
 * decimal weights from 1 to 65535, nothing else. On error returns false with a short
 * reason in why (the caller names the key or option and quotes the value).
 */
bool conf_parse_ratio(const char *text, uint32_t *primary, uint32_t *secondary, char *why, size_t whylen);

/*
 * Can a running link change from `old` to `new` without a restart? Weights, backup,
 * probe_interval, down_after, rekey_interval and cipher can; everything that shaped the TUN, the sockets, the key,
 * the privileges, the host set-up (host_setup, forwarding, table, gateway) or the raw datapath (queue, rules)
 * cannot. False with the first such key named in why.
 */
bool conf_reload_check(const struct conf *old, const struct conf *new, char *why, size_t whylen);

/* Does c hold an address of this family (for MTU rules)? */
bool conf_has_family(const struct conf *c, int family);

#endif
