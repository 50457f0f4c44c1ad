/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A configuration's normal form (netagg check -v), and what a reload may change of a running one. */
#include "conf.h"

#include <string.h>

static bool path_fixed_equal(const struct conf_path *a, const struct conf_path *b)
{
	return strcmp(a->name, b->name) == 0 && addr_equal(&a->local, &b->local) &&
	       addr_equal(&a->remote, &b->remote) && strcmp(a->device, b->device) == 0;
}

static bool path_routing_equal(const struct conf_path *a, const struct conf_path *b)
{
	return a->table == b->table && addr_equal(&a->gateway, &b->gateway);
}

static bool rule_equal(const struct conf_rule *a, const struct conf_rule *b)
{
	return a->role == b->role && addr_equal(&a->primary, &b->primary) &&
	       addr_equal(&a->secondary, &b->secondary) && a->weight_primary == b->weight_primary &&
	       a->weight_secondary == b->weight_secondary;
}

static const char *paths_change(const struct conf *a, const struct conf *b)
{
	if (a->npaths != b->npaths)
		return "paths (their number)";
	for (unsigned i = 0; i < a->npaths; i++)
		if (!path_fixed_equal(&a->path[i], &b->path[i]))
			return "paths (a name, local, remote or device)";
	for (unsigned i = 0; i < a->npaths; i++)
		if (!path_routing_equal(&a->path[i], &b->path[i]))
			return "paths (a table or gateway)";
	return NULL;
}

/* What up set on the host and what the raw datapath was started with. */
static const char *host_change(const struct conf *a, const struct conf *b)
{
	if (a->host_setup != b->host_setup)
		return "host_setup";
	if (a->forwarding != b->forwarding)
		return "forwarding";
	if (a->queue != b->queue)
		return "queue";
	if (a->nrules != b->nrules)
		return "rules (their number)";
	for (unsigned i = 0; i < a->nrules; i++)
		if (!rule_equal(&a->rule[i], &b->rule[i]))
			return "rules";
	return NULL;
}

static const char *fixed_change(const struct conf *a, const struct conf *b)
{
	const char *key;

	if (strcmp(a->interface, b->interface) != 0)
		return "interface";
	if (a->mode != b->mode)
		return "mode";
	if (a->naddress != b->naddress || memcmp(a->address, b->address, sizeof(a->address)) != 0)
		return "address";
	if (a->mtu != b->mtu)
		return "mtu";
	if (strcmp(a->key_file, b->key_file) != 0)
		return "key_file";
	if (strcmp(a->user, b->user) != 0)
		return "user";
	if ((key = host_change(a, b)))
		return key;
	return paths_change(a, b);
}

bool conf_reload_check(const struct conf *old, const struct conf *new, char *why, size_t whylen)
{
	const char *key = fixed_change(old, new);

	if (key)
		snprintf(why, whylen, "changing %s needs a restart (netagg down, then up)", key);
	return key == NULL;
}

const char *conf_cipher_name(enum conf_cipher c)
{
	switch (c) {
	case CONF_CIPHER_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	case CONF_CIPHER_AES256_GCM:
		return "aes-256-gcm";
	default:
		return "auto";
	}
}

bool conf_has_family(const struct conf *c, int family)
{
	for (unsigned i = 0; i < c->naddress; i++)
		if (c->address[i].family == family)
			return true;
	return false;
}

static void print_path(FILE *out, const struct conf *c, const struct conf_path *p, bool last)
{
	char buf[ADDR_TEXT_MAX];

	fprintf(out, "  { name = \"%s\"; local = \"%s\";", p->name, addr_format(&p->local, buf, sizeof(buf)));
	if (p->remote.len)
		fprintf(out, " remote = \"%s\";", addr_format(&p->remote, buf, sizeof(buf)));
	if (p->weight_given) /* left out, it stays so: weights = "auto" then starts from capacity trains */
		fprintf(out, " weight = %u;", p->weight);
	if (p->backup)
		fprintf(out, " backup = true;");
	if (p->device[0])
		fprintf(out, " device = \"%s\";", p->device);
	if (p->table) /* libconfig 1.5 reads a plain integer above INT32_MAX as a negative one */
		fprintf(out, " table = %u%s;", p->table, p->table > INT32_MAX ? "L" : "");
	if (p->gateway.len)
		fprintf(out, " gateway = \"%s\";", addr_format(&p->gateway, buf, sizeof(buf)));
	/* Both, when either is the path's own: read back, a lone probe_interval would change down_after. */
	if (p->probe_interval != c->probe_interval || p->down_after != c->down_after)
		fprintf(out, " probe_interval = %u; down_after = %u;", p->probe_interval, p->down_after);
	fprintf(out, " }%s\n", last ? "" : ",");
}

static void print_rule(FILE *out, const struct conf_rule *rule, bool last)
{
	char p[ADDR_TEXT_MAX], s[ADDR_TEXT_MAX];

	fprintf(out, "  { role = \"%s\"; primary = \"%s\"; secondary = \"%s\"; ratio = \"%u:%u\"; }%s\n",
		conf_role_name(rule->role), addr_format(&rule->primary, p, sizeof(p)),
		addr_format(&rule->secondary, s, sizeof(s)), rule->weight_primary, rule->weight_secondary,
		last ? "" : ",");
}

static void print_udp(FILE *out, const struct conf *c)
{
	char buf[ADDR_TEXT_MAX];

	fprintf(out, "address = [");
	for (unsigned i = 0; i < c->naddress; i++)
		fprintf(out, "%s \"%s\"", i ? "," : "", addr_format_prefix(&c->address[i], buf, sizeof(buf)));
	fprintf(out, "%s];\n", c->naddress ? " " : "");
	if (c->mtu)
		fprintf(out, "mtu = %u;\n", c->mtu);
}

/* The booleans, like a path's backup, only where they differ from their defaults. */
static void print_common(FILE *out, const struct conf *c)
{
	fprintf(out, "user = \"%s\";\n", c->user);
	if (!c->host_setup)
		fprintf(out, "host_setup = false;\n");
	if (c->forwarding)
		fprintf(out, "forwarding = true;\n");
}

static void print_raw(FILE *out, const struct conf *c)
{
	print_common(out, c);
	fprintf(out, "queue = %u;\n", c->queue);
	fprintf(out, "rules = (\n");
	for (unsigned i = 0; i < c->nrules; i++)
		print_rule(out, &c->rule[i], i + 1 == c->nrules);
	fprintf(out, ");\n");
}

void conf_print(FILE *out, const struct conf *c)
{
	fprintf(out, "interface = \"%s\";\n", c->interface);
	fprintf(out, "mode = \"%s\";\n", c->mode == CONF_MODE_RAW ? "raw" : "udp");
	if (c->mode == CONF_MODE_RAW) {
		print_raw(out, c);
		return;
	}
	print_udp(out, c);
	fprintf(out, "probe_interval = %u;\ndown_after = %u;\n", c->probe_interval, c->down_after);
	if (c->key_file[0])
		fprintf(out, "key_file = \"%s\";\n", c->key_file);
	fprintf(out, "cipher = \"%s\";\n", conf_cipher_name(c->cipher));
	if (!c->reorder)
		fprintf(out, "reorder = false;\n");
	if (!c->repair)
		fprintf(out, "repair = false;\n");
	if (!c->fast_acks)
		fprintf(out, "fast_acks = false;\n");
	if (c->fast_udp != CONF_FAST_UDP_DEFAULT)
		fprintf(out, "fast_udp = %u;\n", c->fast_udp);
	if (c->auto_weights)
		fprintf(out, "weights = \"auto\";\n");
	print_common(out, c);
	fprintf(out, "rekey_interval = %u;\n", c->rekey_interval);
	fprintf(out, "paths = (\n");
	for (unsigned i = 0; i < c->npaths; i++)
		print_path(out, c, &c->path[i], i + 1 == c->npaths);
	fprintf(out, ");\n");
}
