/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renders a status snapshot for people (text) and for programs (JSON). */
#include "status.h"

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
	};

	if (reason < WIRE_ERROR_COUNT)
		return wire_error_name((enum wire_error)reason);
	if (reason < DROP_REASON_COUNT)
		return extra[reason - WIRE_ERROR_COUNT];
	return "unknown";
}

double status_tx_share(const struct status *st, unsigned i)
{
	uint64_t total = 0;

	for (unsigned j = 0; j < st->npaths; j++)
		total += st->path[j].tx_bytes;
	return total ? (double)st->path[i].tx_bytes / (double)total : 0.0;
}

void status_print_text(FILE *out, const struct status *st)
{
	bool any_drop = false;

	fprintf(out, "interface %s  mode %s  mtu %u  pid %ld  cipher %s  handshakes %llu\n", st->interface, st->mode,
		st->mtu, st->pid, st->cipher, (unsigned long long)st->handshakes);
	fprintf(out, "  %-10s %-8s %-24s %-24s %6s %10s %12s %10s %12s %6s\n", "path", "state", "local",
		"remote", "weight", "tx_pkts", "tx_bytes", "rx_pkts", "rx_bytes", "share");
	for (unsigned i = 0; i < st->npaths; i++) {
		const struct status_path *p = &st->path[i];

		fprintf(out, "  %-10s %-8s %-24s %-24s %6u %10llu %12llu %10llu %12llu %5.1f%%\n", p->name,
			p->state, p->local, p->remote, p->weight, (unsigned long long)p->tx_packets,
			(unsigned long long)p->tx_bytes, (unsigned long long)p->rx_packets,
			(unsigned long long)p->rx_bytes, 100.0 * status_tx_share(st, i));
	}
	fprintf(out, "  drops:");
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
		"\"tx_errors\":%llu,\"share\":%.4f}",
		p->weight, (unsigned long long)p->tx_packets, (unsigned long long)p->tx_bytes,
		(unsigned long long)p->rx_packets, (unsigned long long)p->rx_bytes,
		(unsigned long long)p->tx_errors, status_tx_share(st, i));
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
	fprintf(out, "],\"drops\":{");
	for (unsigned r = 1; r < DROP_REASON_COUNT; r++)
		fprintf(out, "%s\"%s\":%llu", r > 1 ? "," : "", drop_reason_name(r),
			(unsigned long long)st->drop[r]);
	fprintf(out, "}}\n");
}
