/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renders a status snapshot for people (text) and for programs (JSON). */
#include "status.h"

#include <stddef.h>
#include <string.h>

const char *drop_reason_name(unsigned reason)
{
	static const char *const extra[] = {
		[DROP_BAD_SOURCE - WIRE_ERROR_COUNT] = "bad_source",
		[DROP_NO_PATH - WIRE_ERROR_COUNT] = "no_path",
		[DROP_TOO_BIG - WIRE_ERROR_COUNT] = "too_big",
		[DROP_TUN_WRITE - WIRE_ERROR_COUNT] = "tun_write",
		[DROP_BAD_AUTH - WIRE_ERROR_COUNT] = "bad_auth",
		[DROP_REPLAY - WIRE_ERROR_COUNT] = "replay",
		[DROP_NO_SESSION - WIRE_ERROR_COUNT] = "no_session",
		[DROP_NO_KEY - WIRE_ERROR_COUNT] = "no_key",
		[DROP_BAD_HANDSHAKE - WIRE_ERROR_COUNT] = "bad_handshake",
		[DROP_POLICED - WIRE_ERROR_COUNT] = "policed",
	};

	if (reason < WIRE_ERROR_COUNT)
		return wire_error_name((enum wire_error)reason);
	if (reason < DROP_REASON_COUNT)
		return extra[reason - WIRE_ERROR_COUNT];
	return "unknown";
}

const char *status_repair_name(unsigned i)
{
	static const char *const names[STATUS_REPAIR_COUNT] = {
		"gaps", "unasked", "frames_asked", "nacks_sent", "repairs_received", "nacks_received",
		"resent", "missed", "repeated", "budget", "outages_asked", "outage_resent",
		"reordered", "waited", "filled",
	};

	return i < STATUS_REPAIR_COUNT ? names[i] : "unknown";
}

const char *status_reorder_name(unsigned i)
{
	static const char *const names[STATUS_REORDER_COUNT] = { "held",	 "late",     "released_late",
								  "gaps_skipped", "duplicates", "overflow",
								  "oversize",	 "resyncs",	"lost_early" };

	return i < STATUS_REORDER_COUNT ? names[i] : "unknown";
}

double status_tx_share(const struct status *st, unsigned i)
{
	uint64_t total = 0;

	for (unsigned j = 0; j < st->npaths; j++)
		total += st->path[j].tx_bytes;
	return total ? (double)st->path[i].tx_bytes / (double)total : 0.0;
}

/* The rule an entry of a raw-mode status belongs to: the "rK" of "rK-primary". */
static size_t rule_prefix(const char *name)
{
	const char *dash = strchr(name, '-');

	return dash ? (size_t)(dash - name) : strlen(name);
}

/* Share of the entry's packets' bytes within its rule (sender: how the rule split them). */
static double rule_share(const struct status *st, unsigned i)
{
	const struct status_path *p = &st->path[i];
	size_t n = rule_prefix(p->name);
	uint64_t total = 0;

	for (unsigned j = 0; j < st->npaths; j++)
		if (rule_prefix(st->path[j].name) == n && strncmp(st->path[j].name, p->name, n) == 0)
			total += st->path[j].tx_bytes + st->path[j].rx_bytes;
	return total ? (double)(p->tx_bytes + p->rx_bytes) / (double)total : 0.0;
}

static void print_raw(FILE *out, const struct status *st)
{
	fprintf(out, "instance %s  mode raw  pid %ld  rules' paths %u\n", st->interface, st->pid, st->npaths);
	fprintf(out, "  %-14s %-9s %-24s %-24s %6s %10s %12s %6s\n", "rule", "role", "primary", "sent to", "weight",
		"packets", "bytes", "share");
	for (unsigned i = 0; i < st->npaths; i++) {
		const struct status_path *p = &st->path[i];

		fprintf(out, "  %-14s %-9s %-24s %-24s %6u %10llu %12llu %5.1f%%\n", p->name, p->state, p->local,
			p->remote, p->weight, (unsigned long long)(p->tx_packets + p->rx_packets),
			(unsigned long long)(p->tx_bytes + p->rx_bytes), 100.0 * rule_share(st, i));
	}
}

/* How long, to a glance: 8.2s, 12m05s, 3h07m, 2d04h. */
static const char *duration_text(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000ull;

	if (s < 60)
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600), (unsigned long long)(s / 60 % 60));
	else
		snprintf(buf, len, "%llud%02lluh", (unsigned long long)(s / 86400), (unsigned long long)(s / 3600 % 24));
	return buf;
}

void status_print_text(FILE *out, const struct status *st)
{
	bool any_drop = false;

	if (strcmp(st->mode, "raw") == 0) {
		print_raw(out, st);
		return;
	}
	fprintf(out, "interface %s  mode %s  mtu %u  pid %ld  cipher %s  handshakes %llu\n", st->interface, st->mode,
		st->mtu, st->pid, st->cipher, (unsigned long long)st->handshakes);
	fprintf(out, "  %-10s %-8s %7s %-24s %-24s %6s %10s %12s %10s %12s %6s %9s %8s %7s %10s\n", "path", "state",
		"for", "local", "remote", "weight", "tx_pkts", "tx_bytes", "rx_pkts", "rx_bytes", "share", "rtt_ms",
		"queue_ms", "loss", "rate_mbit");
	for (unsigned i = 0; i < st->npaths; i++) {
		const struct status_path *p = &st->path[i];
		char rtt[32] = "-", queue[32] = "-", state_for[32];

		if (p->have_rtt)
			snprintf(rtt, sizeof(rtt), "%.2f", (double)p->rtt_ns / 1e6);
		if (p->have_queue)
			snprintf(queue, sizeof(queue), "%.1f", (double)p->queue_ns / 1e6);
		fprintf(out, "  %-10s %-8s %7s %-24s %-24s %6u %10llu %12llu %10llu %12llu %5.1f%% %9s %8s %6.2f%% %10.3f\n",
			p->name, p->state, duration_text(p->state_ns, state_for, sizeof(state_for)), p->local,
			p->remote, p->weight, (unsigned long long)p->tx_packets,
			(unsigned long long)p->tx_bytes, (unsigned long long)p->rx_packets,
			(unsigned long long)p->rx_bytes, 100.0 * status_tx_share(st, i), rtt, queue, p->loss_ppm / 10000.0,
			(double)p->rate_bps / 1e6);
	}
	fprintf(out, "  reorder: hold %.1f ms", (double)st->reorder_hold_ns / 1e6);
	for (unsigned r = 0; r < STATUS_REORDER_COUNT; r++)
		fprintf(out, " %s=%llu", status_reorder_name(r), (unsigned long long)st->reorder[r]);
	/* Only paths that reorder their own frames: most never do. */
	for (unsigned i = 0; i < st->npaths; i++)
		if (st->path[i].reordering_ns)
			fprintf(out, " reordering[%s]=%.1fms", st->path[i].name, (double)st->path[i].reordering_ns / 1e6);
	fprintf(out, "\n  repair:");
	for (unsigned r = 0; r < STATUS_REPAIR_COUNT; r++)
		fprintf(out, " %s=%llu", status_repair_name(r), (unsigned long long)st->repair[r]);
	fprintf(out, "\n  drops:");
	for (unsigned r = 1; r < DROP_REASON_COUNT; r++) {
		if (!st->drop[r])
			continue;
		fprintf(out, " %s=%llu", drop_reason_name(r), (unsigned long long)st->drop[r]);
		any_drop = true;
	}
	fprintf(out, "%s\n", any_drop ? "" : " none");
}

/* Names and addresses are restricted to plain characters, but escape anyway: this is an API. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_path(FILE *out, const struct status *st, unsigned i)
{
	const struct status_path *p = &st->path[i];

	fprintf(out, "{\"name\":");
	json_string(out, p->name);
	fprintf(out, ",\"state\":");
	json_string(out, p->state);
	fprintf(out, ",\"local\":");
	json_string(out, p->local);
	fprintf(out, ",\"remote\":");
	json_string(out, p->remote);
	fprintf(out,
		",\"weight\":%u,\"tx_packets\":%llu,\"tx_bytes\":%llu,\"rx_packets\":%llu,\"rx_bytes\":%llu,"
		"\"tx_errors\":%llu,\"share\":%.4f,",
		p->weight, (unsigned long long)p->tx_packets, (unsigned long long)p->tx_bytes,
		(unsigned long long)p->rx_packets, (unsigned long long)p->rx_bytes,
		(unsigned long long)p->tx_errors, status_tx_share(st, i));
	/* null until measured: 0 would read as a perfect path */
	if (p->have_rtt)
		fprintf(out, "\"rtt_ms\":%.3f,\"rttvar_ms\":%.3f,\"min_rtt_ms\":%.3f,", (double)p->rtt_ns / 1e6,
			(double)p->rttvar_ns / 1e6, (double)p->min_rtt_ns / 1e6);
	else
		fprintf(out, "\"rtt_ms\":null,\"rttvar_ms\":null,\"min_rtt_ms\":null,");
	if (p->have_queue)
		fprintf(out, "\"queue_ms\":%.3f,", (double)p->queue_ns / 1e6);
	else
		fprintf(out, "\"queue_ms\":null,");
	fprintf(out, "\"loss\":%.6f,\"lost\":%llu,\"rate_bps\":%llu,\"failures\":%llu,\"equalize_ms\":%.3f,"
		"\"reordering_ms\":%.3f,\"state_ms\":%llu,\"keepalives\":%llu,\"keepalives_spared\":%llu,\"fast_acks_sent\":%llu,"
		"\"fast_acks_received\":%llu}",
		p->loss_ppm / 1e6, (unsigned long long)p->lost, (unsigned long long)p->rate_bps,
		(unsigned long long)p->failures, (double)p->equalize_ns / 1e6, (double)p->reordering_ns / 1e6,
		(unsigned long long)(p->state_ns / 1000000), (unsigned long long)p->keepalives,
		(unsigned long long)p->keepalives_spared, (unsigned long long)p->fast_acks_sent,
		(unsigned long long)p->fast_acks_received);
}

void status_print_json(FILE *out, const struct status *st)
{
	fprintf(out, "{\"interface\":");
	json_string(out, st->interface);
	fprintf(out, ",\"mode\":");
	json_string(out, st->mode);
	fprintf(out, ",\"mtu\":%u,\"pid\":%ld,\"cipher\":", st->mtu, st->pid);
	json_string(out, st->cipher);
	fprintf(out, ",\"handshakes\":%llu,\"paths\":[", (unsigned long long)st->handshakes);
	for (unsigned i = 0; i < st->npaths; i++) {
		if (i)
			fputc(',', out);
		json_path(out, st, i);
	}
	fprintf(out, "],\"reorder\":{\"hold_ms\":%.3f", (double)st->reorder_hold_ns / 1e6);
	for (unsigned r = 0; r < STATUS_REORDER_COUNT; r++)
		fprintf(out, ",\"%s\":%llu", status_reorder_name(r), (unsigned long long)st->reorder[r]);
	fprintf(out, "},\"repair\":{");
	for (unsigned r = 0; r < STATUS_REPAIR_COUNT; r++)
		fprintf(out, "%s\"%s\":%llu", r ? "," : "", status_repair_name(r), (unsigned long long)st->repair[r]);
	fprintf(out, "},\"drops\":{");
	for (unsigned r = 1; r < DROP_REASON_COUNT; r++)
		fprintf(out, "%s\"%s\":%llu", r > 1 ? "," : "", drop_reason_name(r),
			(unsigned long long)st->drop[r]);
	fprintf(out, "}}\n");
}

/* Label values escape backslash, double quote and newline (exposition format 0.0.4). */
static void prom_label(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void prom_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_link_label(FILE *out, const char *name, const struct status *st)
{
	fprintf(out, "%s{interface=", name);
	prom_label(out, st->interface);
}

static void prom_path_label(FILE *out, const char *name, const struct status *st, unsigned i)
{
	prom_link_label(out, name, st);
	fputs(",path=", out);
	prom_label(out, st->path[i].name);
	fputs("} ", out);
}

/* One counter family with a sample per path of every link; `field` is a uint64_t of struct status_path. */
static void prom_path_counter(FILE *out, const struct status *sts, unsigned n, const char *name, const char *help,
			      size_t field)
{
	prom_family(out, name, "counter", help);
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			uint64_t v;

			memcpy(&v, (const char *)&sts[k].path[i] + field, sizeof(v));
			prom_path_label(out, name, &sts[k], i);
			fprintf(out, "%llu\n", (unsigned long long)v);
		}
}

static void prom_path_state(FILE *out, const struct status *sts, unsigned n)
{
	static const char *const states[] = { "waiting", "up", "degraded", "down", "standby" };

	prom_family(out, "netagg_path_state", "gauge", "1 for the path's current state, 0 for the others.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++)
			for (unsigned s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
				prom_link_label(out, "netagg_path_state", &sts[k]);
				fputs(",path=", out);
				prom_label(out, sts[k].path[i].name);
				fprintf(out, ",state=\"%s\"} %d\n", states[s], strcmp(sts[k].path[i].state, states[s]) == 0);
			}
}

/* Gauges from the path measurements; a path without an RTT sample yet has no rtt series. */
static void prom_path_gauges(FILE *out, const struct status *sts, unsigned n)
{
	prom_path_state(out, sts, n);
	prom_family(out, "netagg_path_rtt_seconds", "gauge", "Smoothed round-trip time of the path.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++)
			if (sts[k].path[i].have_rtt) {
				prom_path_label(out, "netagg_path_rtt_seconds", &sts[k], i);
				fprintf(out, "%.6f\n", (double)sts[k].path[i].rtt_ns / 1e9);
			}
	prom_family(out, "netagg_path_rtt_variance_seconds", "gauge", "Round-trip time variation (RFC 6298 RTTVAR).");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++)
			if (sts[k].path[i].have_rtt) {
				prom_path_label(out, "netagg_path_rtt_variance_seconds", &sts[k], i);
				fprintf(out, "%.6f\n", (double)sts[k].path[i].rttvar_ns / 1e9);
			}
	prom_family(out, "netagg_path_queue_seconds", "gauge",
		    "Standing queue this end's frames met on the path, as the peer last reported it.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++)
			if (sts[k].path[i].have_queue) {
				prom_path_label(out, "netagg_path_queue_seconds", &sts[k], i);
				fprintf(out, "%.6f\n", (double)sts[k].path[i].queue_ns / 1e9);
			}
	prom_family(out, "netagg_path_loss_ratio", "gauge", "Recent fraction of the path's frames the peer did not receive.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_loss_ratio", &sts[k], i);
			fprintf(out, "%.6f\n", sts[k].path[i].loss_ppm / 1e6);
		}
	prom_family(out, "netagg_path_receive_rate_bits_per_second", "gauge",
		    "Rate at which the peer receives the path's frames, as it reports.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_receive_rate_bits_per_second", &sts[k], i);
			fprintf(out, "%llu\n", (unsigned long long)sts[k].path[i].rate_bps);
		}
	prom_family(out, "netagg_path_equalize_seconds", "gauge",
		    "How long the path's packets wait at the receiver to match the slowest path's delay.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_equalize_seconds", &sts[k], i);
			fprintf(out, "%.6f\n", (double)sts[k].path[i].equalize_ns / 1e9);
		}
	prom_family(out, "netagg_path_reordering_seconds", "gauge",
		    "How late a frame has recently come on the path after frames sent after it (0: in order).");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_reordering_seconds", &sts[k], i);
			fprintf(out, "%.6f\n", (double)sts[k].path[i].reordering_ns / 1e9);
		}
	prom_family(out, "netagg_path_state_seconds", "gauge", "How long the path has been in its current state.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_state_seconds", &sts[k], i);
			fprintf(out, "%.3f\n", (double)sts[k].path[i].state_ns / 1e9);
		}
	prom_path_counter(out, sts, n, "netagg_path_failures_total", "Times the path went down.",
			  offsetof(struct status_path, failures));
	prom_path_counter(out, sts, n, "netagg_path_lost_frames_total", "Frames the peer reported missing.",
			  offsetof(struct status_path, lost));
	prom_path_counter(out, sts, n, "netagg_path_keepalives_total", "Keepalives sent on the path.",
			  offsetof(struct status_path, keepalives));
	prom_path_counter(out, sts, n, "netagg_path_keepalives_spared_total",
			  "Fast keepalives left out because data sent on the path showed it alive.",
			  offsetof(struct status_path, keepalives_spared));
	prom_path_counter(out, sts, n, "netagg_path_fast_acks_sent_total",
			  "Bare TCP ACKs sent on the path ahead of the delay equalisation.",
			  offsetof(struct status_path, fast_acks_sent));
	prom_path_counter(out, sts, n, "netagg_path_fast_acks_received_total",
			  "Bare TCP ACKs received on the path and delivered on arrival.",
			  offsetof(struct status_path, fast_acks_received));
}

enum path_counter { TX_PACKETS, TX_BYTES, RX_PACKETS, RX_BYTES, TX_ERRORS, PATH_COUNTERS };

static uint64_t path_counter(const struct status_path *p, enum path_counter c)
{
	const uint64_t v[PATH_COUNTERS] = { p->tx_packets, p->tx_bytes, p->rx_packets, p->rx_bytes, p->tx_errors };

	return v[c];
}

static void prom_links(FILE *out, const struct status *sts, unsigned n)
{
	prom_family(out, "netagg_info", "gauge", "A running link: its mode and the cipher it sends with.");
	for (unsigned k = 0; k < n; k++) {
		prom_link_label(out, "netagg_info", &sts[k]);
		fputs(",mode=", out);
		prom_label(out, sts[k].mode);
		fputs(",cipher=", out);
		prom_label(out, sts[k].cipher);
		fputs("} 1\n", out);
	}
	prom_family(out, "netagg_mtu_bytes", "gauge", "MTU of the link's TUN device.");
	for (unsigned k = 0; k < n; k++) {
		prom_link_label(out, "netagg_mtu_bytes", &sts[k]);
		fprintf(out, "} %u\n", sts[k].mtu);
	}
	prom_family(out, "netagg_handshakes_total", "counter", "Sessions set up since the daemon started.");
	for (unsigned k = 0; k < n; k++) {
		prom_link_label(out, "netagg_handshakes_total", &sts[k]);
		fprintf(out, "} %llu\n", (unsigned long long)sts[k].handshakes);
	}
	prom_family(out, "netagg_reorder_packets_total", "counter",
		    "The receiver's reorder buffer: packets held, late, released at a deadline, gaps skipped, ...");
	for (unsigned k = 0; k < n; k++)
		for (unsigned r = 0; r < STATUS_REORDER_COUNT; r++) {
			prom_link_label(out, "netagg_reorder_packets_total", &sts[k]);
			fprintf(out, ",event=\"%s\"} %llu\n", status_reorder_name(r), (unsigned long long)sts[k].reorder[r]);
		}
	prom_family(out, "netagg_repair_total", "counter",
		    "Loss repair: gaps found and frames asked for, NACKs sent and received, frames resent, ...");
	for (unsigned k = 0; k < n; k++)
		for (unsigned r = 0; r < STATUS_REPAIR_COUNT; r++) {
			prom_link_label(out, "netagg_repair_total", &sts[k]);
			fprintf(out, ",event=\"%s\"} %llu\n", status_repair_name(r), (unsigned long long)sts[k].repair[r]);
		}
	prom_family(out, "netagg_reorder_hold_seconds", "gauge", "How long a packet waits for a gap before it at most.");
	for (unsigned k = 0; k < n; k++) {
		prom_link_label(out, "netagg_reorder_hold_seconds", &sts[k]);
		fprintf(out, "} %.6f\n", (double)sts[k].reorder_hold_ns / 1e9);
	}
	prom_family(out, "netagg_drops_total", "counter", "Frames and packets dropped, by reason.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned r = 1; r < DROP_REASON_COUNT; r++) {
			prom_link_label(out, "netagg_drops_total", &sts[k]);
			fprintf(out, ",reason=\"%s\"} %llu\n", drop_reason_name(r), (unsigned long long)sts[k].drop[r]);
		}
}

static void prom_paths(FILE *out, const struct status *sts, unsigned n)
{
	static const char *const names[PATH_COUNTERS] = { "netagg_path_tx_packets_total", "netagg_path_tx_bytes_total",
							 "netagg_path_rx_packets_total", "netagg_path_rx_bytes_total",
							 "netagg_path_tx_errors_total" };
	static const char *const help[PATH_COUNTERS] = { "Frames sent on the path.", "UDP payload bytes sent on the path.",
							"Valid frames received on the path.",
							"UDP payload bytes of valid frames received on the path.",
							"Frames the kernel refused to send on the path." };

	prom_family(out, "netagg_path_up", "gauge", "1 while the path carries traffic (up or degraded), 0 otherwise.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_up", &sts[k], i);
			fprintf(out, "%d\n", strcmp(sts[k].path[i].state, "up") == 0 || strcmp(sts[k].path[i].state, "degraded") == 0);
		}
	prom_family(out, "netagg_path_weight", "gauge", "Configured weight of the path.");
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < sts[k].npaths; i++) {
			prom_path_label(out, "netagg_path_weight", &sts[k], i);
			fprintf(out, "%u\n", sts[k].path[i].weight);
		}
	prom_path_gauges(out, sts, n);
	for (unsigned c = 0; c < PATH_COUNTERS; c++) {
		prom_family(out, names[c], "counter", help[c]);
		for (unsigned k = 0; k < n; k++)
			for (unsigned i = 0; i < sts[k].npaths; i++) {
				prom_path_label(out, names[c], &sts[k], i);
				fprintf(out, "%llu\n", (unsigned long long)path_counter(&sts[k].path[i], c));
			}
	}
}

void status_print_prometheus(FILE *out, const struct status *sts, unsigned n)
{
	prom_links(out, sts, n);
	prom_paths(out, sts, n);
}
