/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Encodes and decodes control-socket requests and replies; no sockets here. */
#include "ctlproto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *buf;
	size_t len, used;
	bool overflow;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		o->overflow = true;
	else
		o->used += (size_t)n;
}

static bool parse_role(const char *text, enum conf_role *role)
{
	if (strcmp(text, "sender") == 0)
		*role = CONF_ROLE_SENDER;
	else if (strcmp(text, "receiver") == 0)
		*role = CONF_ROLE_RECEIVER;
	else
		return false;
	return true;
}

/* "ROLE PRIMARY SECONDARY WP:WS", exactly one space between words. */
static bool parse_rule(char *text, struct conf_rule *r)
{
	char *word[4], *save = NULL, why[128];
	unsigned n = 0;

	for (char *w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n == 4)
			return false;
		word[n++] = w;
	}
	memset(r, 0, sizeof(*r));
	return n == 4 && parse_role(word[0], &r->role) && addr_parse(word[1], 1, &r->primary, why, sizeof(why)) &&
	       addr_parse(word[2], 1, &r->secondary, why, sizeof(why)) &&
	       addr_family(&r->primary) == addr_family(&r->secondary) && !addr_equal(&r->primary, &r->secondary) &&
	       conf_parse_ratio(word[3], &r->weight_primary, &r->weight_secondary, why, sizeof(why));
}

/* The one "key=value" line of a rule request, NUL-terminated in line[]. */
static enum ctl_request parse_rule_request(const char *buf, size_t n, struct ctl_command *cmd)
{
	char line[CTLPROTO_REQUEST_MAX];

	if (n >= sizeof(line) || memchr(buf, '\n', n - 1))
		return CTL_BAD;
	memcpy(line, buf, n - 1);
	line[n - 1] = '\0';
	if (strncmp(line, "rule_add=", 9) == 0)
		return parse_rule(line + 9, &cmd->rule) ? CTL_RULE_ADD : CTL_BAD;
	if (strncmp(line, "rule_flush=", 11) == 0)
		return parse_role(line + 11, &cmd->role) ? CTL_RULE_FLUSH : CTL_BAD;
	return CTL_BAD;
}

enum ctl_request ctlproto_parse_command(const char *buf, size_t len, struct ctl_command *cmd)
{
	const char *end = len >= 2 ? memmem(buf, len, "\n\n", 2) : NULL;
	size_t n;

	memset(cmd, 0, sizeof(*cmd));
	if (!end)
		return cmd->kind = len >= CTLPROTO_REQUEST_MAX ? CTL_BAD : CTL_INCOMPLETE;
	n = (size_t)(end - buf) + 1;
	if (n == sizeof("get=1\n") - 1 && memcmp(buf, "get=1\n", n) == 0)
		return cmd->kind = CTL_GET;
	if (n == sizeof("stop=1\n") - 1 && memcmp(buf, "stop=1\n", n) == 0)
		return cmd->kind = CTL_STOP;
	return cmd->kind = parse_rule_request(buf, n, cmd);
}

enum ctl_request ctlproto_parse_request(const char *buf, size_t len)
{
	struct ctl_command cmd;

	return ctlproto_parse_command(buf, len, &cmd);
}

size_t ctlproto_format_rule_add(const struct conf_rule *r, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };
	char p[ADDR_TEXT_MAX], s[ADDR_TEXT_MAX];

	put(&o, "rule_add=%s %s %s %u:%u\n\n", conf_role_name(r->role), addr_format(&r->primary, p, sizeof(p)),
	    addr_format(&r->secondary, s, sizeof(s)), r->weight_primary, r->weight_secondary);
	return o.overflow ? 0 : o.used;
}

size_t ctlproto_format_rule_flush(enum conf_role role, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };

	put(&o, "rule_flush=%s\n\n", conf_role_name(role));
	return o.overflow ? 0 : o.used;
}

static void put_path(struct out *o, const struct status_path *p)
{
	put(o, "path=%s\nstate=%s\nlocal=%s\nremote=%s\nweight=%u\n", p->name, p->state, p->local, p->remote,
	    p->weight);
	put(o, "tx_packets=%llu\ntx_bytes=%llu\nrx_packets=%llu\nrx_bytes=%llu\ntx_errors=%llu\n",
	    (unsigned long long)p->tx_packets, (unsigned long long)p->tx_bytes,
	    (unsigned long long)p->rx_packets, (unsigned long long)p->rx_bytes,
	    (unsigned long long)p->tx_errors);
	if (p->have_rtt)
		put(o, "rtt_ns=%llu\nrttvar_ns=%llu\nmin_rtt_ns=%llu\n", (unsigned long long)p->rtt_ns,
		    (unsigned long long)p->rttvar_ns, (unsigned long long)p->min_rtt_ns);
	if (p->have_queue)
		put(o, "queue_ns=%llu\n", (unsigned long long)p->queue_ns);
	put(o, "loss_ppm=%u\nlost=%llu\nrate_bps=%llu\nfailures=%llu\nequalize_ns=%llu\nreordering_ns=%llu\nstate_ns=%llu\n",
	    p->loss_ppm, (unsigned long long)p->lost, (unsigned long long)p->rate_bps,
	    (unsigned long long)p->failures, (unsigned long long)p->equalize_ns, (unsigned long long)p->reordering_ns,
	    (unsigned long long)p->state_ns);
	put(o, "keepalives=%llu\nkeepalives_spared=%llu\n", (unsigned long long)p->keepalives,
	    (unsigned long long)p->keepalives_spared);
	put(o, "fast_acks_sent=%llu\nfast_acks_received=%llu\n", (unsigned long long)p->fast_acks_sent,
	    (unsigned long long)p->fast_acks_received);
}

size_t ctlproto_format_status(const struct status *st, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };

	put(&o, "interface=%s\nmode=%s\nmtu=%u\npid=%ld\n", st->interface, st->mode, st->mtu, st->pid);
	put(&o, "cipher=%s\nhandshakes=%llu\n", st->cipher, (unsigned long long)st->handshakes);
	for (unsigned r = 1; r < DROP_REASON_COUNT; r++)
		put(&o, "drop_%s=%llu\n", drop_reason_name(r), (unsigned long long)st->drop[r]);
	for (unsigned r = 0; r < STATUS_REORDER_COUNT; r++)
		put(&o, "reorder_%s=%llu\n", status_reorder_name(r), (unsigned long long)st->reorder[r]);
	put(&o, "reorder_hold_ns=%llu\n", (unsigned long long)st->reorder_hold_ns);
	for (unsigned r = 0; r < STATUS_REPAIR_COUNT; r++)
		put(&o, "repair_%s=%llu\n", status_repair_name(r), (unsigned long long)st->repair[r]);
	for (unsigned i = 0; i < st->npaths; i++)
		put_path(&o, &st->path[i]);
	put(&o, "errno=0\n\n");
	return o.overflow ? 0 : o.used;
}

size_t ctlproto_format_errno(int err, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };

	put(&o, "errno=%d\n\n", err);
	return o.overflow ? 0 : o.used;
}

static bool parse_u64(const char *v, uint64_t *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return false;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return !errno && !*end;
}

static bool copy_text(char *dst, size_t dstlen, const char *v)
{
	size_t n = strlen(v);

	if (n >= dstlen)
		return false;
	/* Clear the whole field: a repeated key must leave no trace of the longer value before it. */
	memset(dst, 0, dstlen);
	memcpy(dst, v, n);
	return true;
}

static bool parse_drop(struct status *st, const char *name, const char *v)
{
	for (unsigned r = 1; r < DROP_REASON_COUNT; r++)
		if (strcmp(name, drop_reason_name(r)) == 0)
			return parse_u64(v, &st->drop[r]);
	return true; /* a reason this client does not know yet */
}

static bool parse_reorder(struct status *st, const char *name, const char *v)
{
	for (unsigned r = 0; r < STATUS_REORDER_COUNT; r++)
		if (strcmp(name, status_reorder_name(r)) == 0)
			return parse_u64(v, &st->reorder[r]);
	return true; /* a counter this client does not know yet */
}

static bool parse_repair(struct status *st, const char *name, const char *v)
{
	for (unsigned r = 0; r < STATUS_REPAIR_COUNT; r++)
		if (strcmp(name, status_repair_name(r)) == 0)
			return parse_u64(v, &st->repair[r]);
	return true; /* a counter this client does not know yet */
}

static bool parse_path_counter(struct status_path *p, const char *k, const char *v)
{
	const struct {
		const char *name;
		uint64_t *field;
	} fields[] = {
		{ "tx_packets", &p->tx_packets }, { "tx_bytes", &p->tx_bytes },   { "rx_packets", &p->rx_packets },
		{ "rx_bytes", &p->rx_bytes },     { "tx_errors", &p->tx_errors }, { "rtt_ns", &p->rtt_ns },
		{ "rttvar_ns", &p->rttvar_ns },   { "min_rtt_ns", &p->min_rtt_ns }, { "lost", &p->lost },
		{ "rate_bps", &p->rate_bps },     { "failures", &p->failures },   { "equalize_ns", &p->equalize_ns },
		{ "reordering_ns", &p->reordering_ns }, { "queue_ns", &p->queue_ns },
		{ "state_ns", &p->state_ns },     { "keepalives", &p->keepalives },
		{ "keepalives_spared", &p->keepalives_spared }, { "fast_acks_sent", &p->fast_acks_sent },
		{ "fast_acks_received", &p->fast_acks_received },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(k, fields[i].name))
			return parse_u64(v, fields[i].field);
	return true; /* a key this client does not know yet */
}

static bool parse_path_key(struct status_path *p, const char *k, const char *v)
{
	uint64_t n;

	if (!strcmp(k, "state"))
		return copy_text(p->state, sizeof(p->state), v);
	if (!strcmp(k, "local"))
		return copy_text(p->local, sizeof(p->local), v);
	if (!strcmp(k, "remote"))
		return copy_text(p->remote, sizeof(p->remote), v);
	if (!strcmp(k, "weight")) {
		if (!parse_u64(v, &n) || n > UINT32_MAX)
			return false;
		p->weight = (uint32_t)n;
		return true;
	}
	if (!strcmp(k, "loss_ppm")) {
		if (!parse_u64(v, &n) || n > 1000000)
			return false;
		p->loss_ppm = (uint32_t)n;
		return true;
	}
	if (!strcmp(k, "rtt_ns") || !strcmp(k, "rttvar_ns") || !strcmp(k, "min_rtt_ns"))
		p->have_rtt = true;
	if (!strcmp(k, "queue_ns"))
		p->have_queue = true;
	return parse_path_counter(p, k, v);
}

static bool parse_top_key(struct status *st, const char *k, const char *v)
{
	uint64_t n;

	if (!strcmp(k, "interface"))
		return copy_text(st->interface, sizeof(st->interface), v);
	if (!strcmp(k, "mode"))
		return copy_text(st->mode, sizeof(st->mode), v);
	if (!strcmp(k, "cipher"))
		return copy_text(st->cipher, sizeof(st->cipher), v);
	if (!strcmp(k, "handshakes"))
		return parse_u64(v, &st->handshakes);
	if (!strcmp(k, "mtu") || !strcmp(k, "pid")) {
		if (!parse_u64(v, &n) || n > INT32_MAX)
			return false;
		if (k[0] == 'm')
			st->mtu = (unsigned)n;
		else
			st->pid = (long)n;
		return true;
	}
	if (!strncmp(k, "drop_", 5))
		return parse_drop(st, k + 5, v);
	if (!strcmp(k, "reorder_hold_ns"))
		return parse_u64(v, &st->reorder_hold_ns);
	if (!strncmp(k, "reorder_", 8))
		return parse_reorder(st, k + 8, v);
	if (!strncmp(k, "repair_", 7))
		return parse_repair(st, k + 7, v);
	if (!strcmp(k, "path")) {
		if (st->npaths == STATUS_MAX_PATHS)
			return false;
		memset(&st->path[st->npaths], 0, sizeof(st->path[0]));
		return copy_text(st->path[st->npaths++].name, IFNAMSIZ, v);
	}
	if (st->npaths)
		return parse_path_key(&st->path[st->npaths - 1], k, v);
	return true;
}

/* Handles one "key=value" line; sets *done on "errno=N". */
static bool parse_line(char *line, struct status *st, int *err, bool *done)
{
	char *eq = strchr(line, '=');
	uint64_t n;

	if (!eq || eq == line)
		return false;
	*eq = '\0';
	if (!strcmp(line, "errno")) {
		if (!parse_u64(eq + 1, &n) || n > INT32_MAX)
			return false;
		*err = (int)n;
		*done = true;
		return true;
	}
	return parse_top_key(st, line, eq + 1);
}

bool ctlproto_parse_reply(const char *text, struct status *st, int *err)
{
	char *copy = strdup(text), *save = NULL;
	bool done = false, ok = copy != NULL;

	memset(st, 0, sizeof(*st));
	for (char *line = ok ? strtok_r(copy, "\n", &save) : NULL; ok && line && !done;
	     line = strtok_r(NULL, "\n", &save))
		ok = parse_line(line, st, err, &done);
	free(copy);
	return ok && done;
}
