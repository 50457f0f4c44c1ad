/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Turns a libconfig document into a validated struct conf, naming file and line on errors. */
#include "conf.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <string.h>

#include "sched.h"

#define TABLE_MAX 0xfffffffeu /* the kernel's RT_TABLE_MAX */
#define RATIO_WEIGHT_MAX 65535u

struct reader {
	const char *file;
	char *err;
	size_t errlen;
	bool resolve_relative; /* file names a real file, so relative paths in it can be resolved */
};

__attribute__((format(printf, 3, 4))) static bool fail_at(struct reader *r, const config_setting_t *s,
							   const char *fmt, ...)
{
	char msg[CONF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s && config_setting_source_line(s) > 0)
		snprintf(r->err, r->errlen, "%s:%u: %s", r->file, config_setting_source_line(s), msg);
	else
		snprintf(r->err, r->errlen, "%s: %s", r->file, msg);
	return false;
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

/* Interface and path names end up in file names and netlink messages: keep them plain. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

static bool get_string(struct reader *r, const config_setting_t *s, const char **out)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail_at(r, s, "%s must be a string", config_setting_name(s));
	*out = config_setting_get_string(s);
	return true;
}

static bool get_name(struct reader *r, const config_setting_t *s, char out[IFNAMSIZ])
{
	const char *v = NULL;

	if (!get_string(r, s, &v))
		return false;
	if (!valid_name(v))
		return fail_at(r, s, "%s \"%s\" must be 1 to %d characters of A-Z a-z 0-9 . _ -",
			       config_setting_name(s), v, IFNAMSIZ - 1);
	strcpy(out, v);
	return true;
}

static bool get_uint(struct reader *r, const config_setting_t *s, long long lo, long long hi, unsigned *out)
{
	long long v;
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return fail_at(r, s, "%s must be an integer from %lld to %lld", config_setting_name(s), lo, hi);
	v = config_setting_get_int64(s);
	if (v < lo || v > hi)
		return fail_at(r, s, "%s %lld is out of range (%lld to %lld)", config_setting_name(s), v, lo, hi);
	*out = (unsigned)v;
	return true;
}

static bool get_bool(struct reader *r, const config_setting_t *s, bool *out)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail_at(r, s, "%s must be true or false", config_setting_name(s));
	*out = config_setting_get_bool(s);
	return true;
}

/* Rejects keys this version does not know, so that typos are not silently ignored. */
static bool check_keys(struct reader *r, const config_setting_t *group, const char *const *known)
{
	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		bool found = false;

		for (const char *const *k = known; *k; k++)
			found = found || strcmp(name, *k) == 0;
		if (!found)
			return fail_at(r, s, "unknown key '%s'", name);
	}
	return true;
}

static bool read_endpoint(struct reader *r, const config_setting_t *s, int port_rule, struct endpoint *ep)
{
	const char *v = NULL;
	char why[128];

	if (!get_string(r, s, &v))
		return false;
	if (!addr_parse(v, port_rule, ep, why, sizeof(why)))
		return fail_at(r, s, "%s \"%s\": %s", config_setting_name(s), v, why);
	return true;
}

static bool read_path_addresses(struct reader *r, const config_setting_t *g, struct conf_path *p)
{
	const config_setting_t *local = config_setting_get_member(g, "local");
	const config_setting_t *remote = config_setting_get_member(g, "remote");

	if (!local)
		return fail_at(r, g, "path '%s' needs 'local' (its local address)", p->name);
	if (!read_endpoint(r, local, 0, &p->local))
		return false;
	if (remote) {
		if (!read_endpoint(r, remote, 1, &p->remote))
			return false;
		if (addr_family(&p->remote) != addr_family(&p->local))
			return fail_at(r, remote, "remote and local of path '%s' must both be IPv4 or both IPv6",
				       p->name);
	} else if (addr_port(&p->local) == 0) {
		return fail_at(r, local, "path '%s' has no 'remote', so 'local' needs a port to listen on",
			       p->name);
	}
	return true;
}

/*
 * libconfig 1.5 wraps a plain integer above INT32_MAX to a negative one; such tables need
 * the L suffix, which conf_print writes for them.
 */
static bool read_table(struct reader *r, const config_setting_t *s, struct conf_path *p)
{
	if (config_setting_type(s) == CONFIG_TYPE_INT && config_setting_get_int64(s) < 0)
		return fail_at(r, s, "table %lld is out of range (0 to %u; write a table above %d with an L suffix, "
				     "e.g. 4294967294L)",
			       config_setting_get_int64(s), TABLE_MAX, INT32_MAX);
	if (!get_uint(r, s, 0, TABLE_MAX, &p->table))
		return false;
	if (p->table >= 253 && p->table <= 255)
		return fail_at(r, s, "table %u is the kernel's %s table; choose another or leave it out", p->table,
			       p->table == 253 ? "default" : p->table == 254 ? "main" : "local");
	return true;
}

static bool read_gateway(struct reader *r, const config_setting_t *s, struct conf_path *p)
{
	if (!read_endpoint(r, s, -1, &p->gateway))
		return false;
	if (addr_family(&p->gateway) != addr_family(&p->local))
		return fail_at(r, s, "gateway \"%s\" and local of path '%s' must both be IPv4 or both IPv6",
			       config_setting_get_string(s), p->name);
	return true;
}

/* Where up routes the path's packets: its own table, through its gateway. */
static bool read_path_routing(struct reader *r, const config_setting_t *g, struct conf_path *p)
{
	const config_setting_t *s;

	if ((s = config_setting_get_member(g, "table")) && !read_table(r, s, p))
		return false;
	if ((s = config_setting_get_member(g, "gateway")) && !read_gateway(r, s, p))
		return false;
	return true;
}

/*
 * How fast a dead path is found: probes every probe_interval, down after down_after of
 * silence, in group g (the root or a path; `whose` prefixes the message, `what` names the
 * path there). down_after's default is down_default, or three probes if probe_interval is
 * given and that is longer.
 */
static bool read_probe_keys(struct reader *r, const config_setting_t *g, unsigned probe_default,
			    unsigned down_default, const char *whose, const char *what, unsigned *probe, unsigned *down)
{
	const config_setting_t *s = config_setting_get_member(g, "probe_interval");
	const config_setting_t *d = config_setting_get_member(g, "down_after");

	*probe = probe_default;
	if (s && !get_uint(r, s, 10, 60000, probe))
		return false;
	*down = s && 3 * *probe > down_default ? 3 * *probe : down_default;
	if (d && !get_uint(r, d, 20, 600000, down))
		return false;
	if (*down < 2 * *probe)
		return fail_at(r, d ? d : s, "%sdown_after (%u ms) must be at least twice %sprobe_interval (%u ms), "
					     "so that one lost probe does not take %s down",
			       whose, *down, !s && whose[0] ? "the link's " : "", *probe, what);
	return true;
}

/* A path's own probing, else the link's (conf.h): a metered line may be probed slower. */
static bool read_path_probing(struct reader *r, const config_setting_t *g, const struct conf *c,
			      struct conf_path *p)
{
	char whose[IFNAMSIZ + 16];

	snprintf(whose, sizeof(whose), "path '%s': ", p->name);
	return read_probe_keys(r, g, c->probe_interval, c->down_after, whose, "the path", &p->probe_interval,
			       &p->down_after);
}

static bool read_path(struct reader *r, const config_setting_t *g, unsigned index, const struct conf *c,
		      struct conf_path *p)
{
	static const char *const known[] = { "name", "local", "remote", "weight", "device", "backup",
					     "table", "gateway", "probe_interval", "down_after", NULL };
	const config_setting_t *s;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail_at(r, g, "each entry of 'paths' must be a group { ... }");
	if (!check_keys(r, g, known))
		return false;
	snprintf(p->name, sizeof(p->name), "path%u", index + 1);
	if ((s = config_setting_get_member(g, "name")) && !get_name(r, s, p->name))
		return false;
	if (!read_path_addresses(r, g, p))
		return false;
	p->weight = 1;
	if ((s = config_setting_get_member(g, "weight")) && !get_uint(r, s, 1, SCHED_MAX_WEIGHT, &p->weight))
		return false;
	p->weight_given = s != NULL;
	if ((s = config_setting_get_member(g, "device")) && !get_name(r, s, p->device))
		return false;
	if ((s = config_setting_get_member(g, "backup")) && !get_bool(r, s, &p->backup))
		return false;
	return read_path_probing(r, g, c, p) && read_path_routing(r, g, p);
}

static bool check_path_unique(struct reader *r, const config_setting_t *g, const struct conf *c, unsigned i)
{
	for (unsigned j = 0; j < i; j++) {
		if (strcmp(c->path[j].name, c->path[i].name) == 0)
			return fail_at(r, g, "path name '%s' is used twice", c->path[i].name);
		if (addr_port(&c->path[i].local) && addr_equal(&c->path[j].local, &c->path[i].local))
			return fail_at(r, g, "paths '%s' and '%s' have the same local address and port",
				       c->path[j].name, c->path[i].name);
		if (c->path[i].table && c->path[j].table == c->path[i].table)
			return fail_at(r, g, "paths '%s' and '%s' use the same table %u", c->path[j].name,
				       c->path[i].name, c->path[i].table);
	}
	return true;
}

static bool read_paths(struct reader *r, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *list = config_setting_get_member(root, "paths");
	int n;

	if (!list)
		return fail_at(r, NULL, "missing 'paths' (a list of 1 to %d paths)", WIRE_MAX_PATHS);
	if (!config_setting_is_aggregate(list) || config_setting_type(list) == CONFIG_TYPE_GROUP)
		return fail_at(r, list, "paths must be a list ( { ... }, { ... } )");
	n = config_setting_length(list);
	if (n < 1 || n > WIRE_MAX_PATHS)
		return fail_at(r, list, "paths must hold 1 to %d entries, not %d", WIRE_MAX_PATHS, n);
	for (unsigned i = 0; i < (unsigned)n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, i);

		if (!read_path(r, g, i, c, &c->path[i]) || !check_path_unique(r, g, c, i))
			return false;
		c->npaths = i + 1;
	}
	return true;
}

static bool read_one_address(struct reader *r, const config_setting_t *s, struct conf *c)
{
	const char *v = NULL;
	char why[128];

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail_at(r, s, "address entries must be strings like \"198.19.0.1/30\"");
	v = config_setting_get_string(s);
	if (c->naddress == CONF_MAX_ADDRESSES)
		return fail_at(r, s, "at most %d addresses", CONF_MAX_ADDRESSES);
	if (!addr_parse_prefix(v, &c->address[c->naddress], why, sizeof(why)))
		return fail_at(r, s, "address \"%s\": %s", v, why);
	c->naddress++;
	return true;
}

static bool read_addresses(struct reader *r, const config_setting_t *s, struct conf *c)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		return read_one_address(r, s, c);
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail_at(r, s, "address must be a string or an array of strings");
	for (int i = 0; i < config_setting_length(s); i++)
		if (!read_one_address(r, config_setting_get_elem(s, (unsigned)i), c))
			return false;
	return true;
}

static bool read_mode(struct reader *r, const config_setting_t *s, struct conf *c)
{
	const char *v = NULL;

	if (!get_string(r, s, &v))
		return false;
	if (strcmp(v, "udp") == 0)
		c->mode = CONF_MODE_UDP;
	else if (strcmp(v, "raw") == 0)
		c->mode = CONF_MODE_RAW;
	else
		return fail_at(r, s, "mode must be \"udp\" or \"raw\", not \"%s\"", v);
	return true;
}

static bool read_mtu(struct reader *r, const config_setting_t *s, struct conf *c)
{
	if (!get_uint(r, s, CONF_MTU_MIN, CONF_MTU_MAX, &c->mtu))
		return false;
	if (c->mtu < CONF_MTU_MIN_V6 && conf_has_family(c, AF_INET6))
		return fail_at(r, s, "mtu %u is below %d, the least IPv6 allows, and the tunnel has an IPv6 address",
			       c->mtu, CONF_MTU_MIN_V6);
	return true;
}

static bool read_cipher(struct reader *r, const config_setting_t *s, struct conf *c)
{
	const char *v = NULL;

	if (!get_string(r, s, &v))
		return false;
	if (strcmp(v, "auto") == 0)
		c->cipher = CONF_CIPHER_AUTO;
	else if (strcmp(v, "chacha20-poly1305") == 0)
		c->cipher = CONF_CIPHER_CHACHA20_POLY1305;
	else if (strcmp(v, "aes-256-gcm") == 0)
		c->cipher = CONF_CIPHER_AES256_GCM;
	else
		return fail_at(r, s, "cipher must be \"auto\", \"chacha20-poly1305\" or \"aes-256-gcm\", not \"%s\"",
			       v);
	return true;
}

/* A relative key_file is taken relative to the config file's directory, as people expect. */
static bool read_key_file(struct reader *r, const config_setting_t *s, struct conf *c)
{
	const char *v = NULL, *slash = strrchr(r->file, '/');
	int n;

	if (!get_string(r, s, &v))
		return false;
	if (!*v || strpbrk(v, "\"\\\n"))
		return fail_at(r, s, "key_file must be a path without quotes, backslashes or newlines");
	if (v[0] == '/' || !slash || !r->resolve_relative)
		n = snprintf(c->key_file, sizeof(c->key_file), "%s", v);
	else
		n = snprintf(c->key_file, sizeof(c->key_file), "%.*s/%s", (int)(slash - r->file), r->file, v);
	if (n < 0 || (size_t)n >= sizeof(c->key_file))
		return fail_at(r, s, "key_file path is too long");
	return true;
}

static bool read_user(struct reader *r, const config_setting_t *s, struct conf *c)
{
	const char *v = NULL;

	if (!get_string(r, s, &v))
		return false;
	if (!*v || strlen(v) >= sizeof(c->user) || strpbrk(v, ":/ \t\n"))
		return fail_at(r, s, "user \"%s\" is not a valid user name", v);
	strcpy(c->user, v);
	return true;
}

static bool read_security(struct reader *r, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *s;

	c->rekey_interval = CONF_REKEY_DEFAULT;
	if ((s = config_setting_get_member(root, "rekey_interval")) && !get_uint(r, s, 1, 86400, &c->rekey_interval))
		return false;
	if ((s = config_setting_get_member(root, "key_file")) && !read_key_file(r, s, c))
		return false;
	if ((s = config_setting_get_member(root, "cipher")) && !read_cipher(r, s, c))
		return false;
	if (!c->key_file[0])
		return fail_at(r, NULL, "missing 'key_file': mode \"udp\" authenticates and encrypts every "
				      "packet with a pre-shared key (make one with: netagg genkey)");
	return true;
}

static bool read_probing(struct reader *r, const config_setting_t *root, struct conf *c)
{
	return read_probe_keys(r, root, CONF_PROBE_INTERVAL_DEFAULT, CONF_DOWN_AFTER_DEFAULT, "", "a path",
			       &c->probe_interval, &c->down_after);
}

static bool parse_weight(const char *text, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		if (v <= RATIO_WEIGHT_MAX)
			v = v * 10 + (uint32_t)(text[i] - '0');
	}
	*out = v;
	return true;
}

bool conf_parse_ratio(const char *text, uint32_t *primary, uint32_t *secondary, char *why, size_t whylen)
{
	const char *colon = strchr(text, ':');
	uint32_t a, b;

	if (!colon || !parse_weight(text, (size_t)(colon - text), &a) || !parse_weight(colon + 1, strlen(colon + 1), &b)) {
		snprintf(why, whylen, "must be two weights PRIMARY:SECONDARY, e.g. 7500:2500");
		return false;
	}
	if (a < 1 || a > RATIO_WEIGHT_MAX || b < 1 || b > RATIO_WEIGHT_MAX) {
		snprintf(why, whylen, "each weight must be from 1 to %u", RATIO_WEIGHT_MAX);
		return false;
	}
	*primary = a;
	*secondary = b;
	return true;
}

const char *conf_role_name(enum conf_role role)
{
	return role == CONF_ROLE_RECEIVER ? "receiver" : "sender";
}

static bool read_role(struct reader *r, const config_setting_t *s, struct conf_rule *rule)
{
	const char *v = NULL;

	if (!get_string(r, s, &v))
		return false;
	if (strcmp(v, "sender") == 0)
		rule->role = CONF_ROLE_SENDER;
	else if (strcmp(v, "receiver") == 0)
		rule->role = CONF_ROLE_RECEIVER;
	else
		return fail_at(r, s, "role must be \"sender\" or \"receiver\", not \"%s\"", v);
	return true;
}

static bool read_ratio(struct reader *r, const config_setting_t *s, struct conf_rule *rule)
{
	const char *v = NULL;
	char why[128];

	if (!get_string(r, s, &v))
		return false;
	if (!conf_parse_ratio(v, &rule->weight_primary, &rule->weight_secondary, why, sizeof(why)))
		return fail_at(r, s, "ratio \"%s\": %s", v, why);
	return true;
}

/* Both ends of a rule: ports (read_endpoint insists), one family, two different endpoints. */
static bool read_rule_endpoints(struct reader *r, const config_setting_t *g, unsigned n, struct conf_rule *rule)
{
	const config_setting_t *p = config_setting_get_member(g, "primary");
	const config_setting_t *s = config_setting_get_member(g, "secondary");

	if (!p || !s)
		return fail_at(r, g, "rule %u needs '%s' (ADDR:PORT or [ADDR]:PORT)", n, p ? "secondary" : "primary");
	if (!read_endpoint(r, p, 1, &rule->primary) || !read_endpoint(r, s, 1, &rule->secondary))
		return false;
	if (addr_family(&rule->primary) != addr_family(&rule->secondary))
		return fail_at(r, s, "primary \"%s\" and secondary \"%s\" of rule %u must both be IPv4 or both IPv6",
			       config_setting_get_string(p), config_setting_get_string(s), n);
	if (addr_equal(&rule->primary, &rule->secondary))
		return fail_at(r, s, "primary and secondary of rule %u are the same, \"%s\"", n,
			       config_setting_get_string(s));
	return true;
}

static bool read_rule(struct reader *r, const config_setting_t *g, unsigned index, struct conf_rule *rule)
{
	static const char *const known[] = { "role", "primary", "secondary", "ratio", NULL };
	const config_setting_t *s;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail_at(r, g, "each entry of 'rules' must be a group { ... }");
	if (!check_keys(r, g, known))
		return false;
	if (!(s = config_setting_get_member(g, "role")))
		return fail_at(r, g, "rule %u needs 'role' (\"sender\" or \"receiver\")", index + 1);
	if (!read_role(r, s, rule) || !read_rule_endpoints(r, g, index + 1, rule))
		return false;
	rule->weight_primary = rule->weight_secondary = 1;
	if ((s = config_setting_get_member(g, "ratio")) && !read_ratio(r, s, rule))
		return false;
	return true;
}

/*
 * Within a role, a primary or a secondary in two rules is ambiguous: the sender could not
 * tell which secondary to use, the receiver which primary to restore.
 */
static bool check_rule_unique(struct reader *r, const config_setting_t *g, const struct conf *c, unsigned i)
{
	const struct conf_rule *a = &c->rule[i];
	char buf[ADDR_TEXT_MAX];

	for (unsigned j = 0; j < i; j++) {
		const struct conf_rule *b = &c->rule[j];

		if (b->role != a->role)
			continue;
		if (addr_equal(&a->primary, &b->primary))
			return fail_at(r, g, "rules %u and %u are both %s rules for primary \"%s\"", j + 1, i + 1,
				       conf_role_name(a->role), addr_format(&a->primary, buf, sizeof(buf)));
		if (addr_equal(&a->secondary, &b->secondary))
			return fail_at(r, g, "rules %u and %u are both %s rules with secondary \"%s\"", j + 1, i + 1,
				       conf_role_name(a->role), addr_format(&a->secondary, buf, sizeof(buf)));
	}
	return true;
}

static bool read_rules(struct reader *r, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *list = config_setting_get_member(root, "rules");
	int n;

	if (!list)
		return fail_at(r, NULL, "missing 'rules' (a list of 1 to %d rules)", CONF_MAX_RULES);
	if (!config_setting_is_aggregate(list) || config_setting_type(list) == CONFIG_TYPE_GROUP)
		return fail_at(r, list, "rules must be a list ( { ... }, { ... } )");
	n = config_setting_length(list);
	if (n < 1 || n > CONF_MAX_RULES)
		return fail_at(r, list, "rules must hold 1 to %d entries, not %d", CONF_MAX_RULES, n);
	for (unsigned i = 0; i < (unsigned)n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, i);

		if (!read_rule(r, g, i, &c->rule[i]) || !check_rule_unique(r, g, c, i))
			return false;
		c->nrules = i + 1;
	}
	return true;
}

static bool read_raw(struct reader *r, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *s;

	c->queue = CONF_QUEUE_DEFAULT;
	if ((s = config_setting_get_member(root, "queue")) && !get_uint(r, s, 0, 65535, &c->queue))
		return false;
	return read_rules(r, root, c);
}

/* "auto" is the only value: fixed weights are the default, given per path. */
static bool read_weights_mode(struct reader *r, const config_setting_t *s, struct conf *c)
{
	const char *v = NULL;

	if (!get_string(r, s, &v))
		return false;
	if (strcmp(v, "auto") != 0)
		return fail_at(r, s, "weights \"%s\" must be \"auto\" (or left out: each path's weight, fixed)", v);
	c->auto_weights = true;
	return true;
}

static bool read_udp(struct reader *r, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *s;

	if ((s = config_setting_get_member(root, "address")) && !read_addresses(r, s, c))
		return false;
	if ((s = config_setting_get_member(root, "mtu")) && !read_mtu(r, s, c))
		return false;
	if (!read_paths(r, root, c))
		return false;
	c->reorder = true;
	if ((s = config_setting_get_member(root, "reorder")) && !get_bool(r, s, &c->reorder))
		return false;
	c->repair = true;
	if ((s = config_setting_get_member(root, "repair")) && !get_bool(r, s, &c->repair))
		return false;
	c->fast_acks = true;
	if ((s = config_setting_get_member(root, "fast_acks")) && !get_bool(r, s, &c->fast_acks))
		return false;
	c->fast_udp = CONF_FAST_UDP_DEFAULT;
	if ((s = config_setting_get_member(root, "fast_udp")) && !get_uint(r, s, 0, CONF_MTU_MAX, &c->fast_udp))
		return false;
	if ((s = config_setting_get_member(root, "weights")) && !read_weights_mode(r, s, c))
		return false;
	return read_security(r, root, c);
}

/* Refuses, in file order, the keys that belong to the other mode. */
static bool refuse_other_mode_keys(struct reader *r, const config_setting_t *root, const struct conf *c)
{
	/* Raw mode has no tunnel and no keepalives: probing keys would silently do nothing. */
	static const char *const udp_only[] = { "address", "mtu", "paths", "key_file", "cipher", "rekey_interval",
						"probe_interval", "down_after", "reorder", "repair", "fast_acks",
						"fast_udp", "weights", NULL };
	static const char *const raw_only[] = { "rules", "queue", NULL };
	const char *const *other = c->mode == CONF_MODE_RAW ? udp_only : raw_only;

	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);

		for (const char *const *k = other; *k; k++)
			if (strcmp(config_setting_name(s), *k) == 0)
				return fail_at(r, s, "%s is not used in %s mode", *k,
					       c->mode == CONF_MODE_RAW ? "raw" : "udp");
	}
	return true;
}

/* Keys of both modes: who the daemon runs as, what up may change on the host, probing. */
static bool read_common(struct reader *r, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *s;

	strcpy(c->user, CONF_USER_DEFAULT);
	if ((s = config_setting_get_member(root, "user")) && !read_user(r, s, c))
		return false;
	c->host_setup = true;
	if ((s = config_setting_get_member(root, "host_setup")) && !get_bool(r, s, &c->host_setup))
		return false;
	if ((s = config_setting_get_member(root, "forwarding")) && !get_bool(r, s, &c->forwarding))
		return false;
	return read_probing(r, root, c);
}

static bool read_root(struct reader *r, const config_setting_t *root, struct conf *c)
{
	static const char *const known[] = { "interface", "mode", "address", "mtu", "probe_interval", "down_after",
					     "paths", "key_file", "cipher", "user", "rekey_interval",
					     "host_setup", "forwarding", "queue", "rules", "reorder", "repair", "fast_acks",
					     "fast_udp", "weights", NULL };
	const config_setting_t *s;

	if (!check_keys(r, root, known))
		return false;
	if ((s = config_setting_get_member(root, "mode")) && !read_mode(r, s, c))
		return false;
	if (!refuse_other_mode_keys(r, root, c))
		return false;
	if (!(s = config_setting_get_member(root, "interface")))
		return fail_at(r, NULL, c->mode == CONF_MODE_RAW
						? "missing 'interface' (the name of the instance, e.g. \"na0\")"
						: "missing 'interface' (the name of the TUN device, e.g. \"na0\")");
	if (!get_name(r, s, c->interface) || !read_common(r, root, c))
		return false;
	return c->mode == CONF_MODE_RAW ? read_raw(r, root, c) : read_udp(r, root, c);
}

static bool read_document(struct reader *r, config_t *cfg, struct conf *c)
{
	memset(c, 0, sizeof(*c));
	return read_root(r, config_root_setting(cfg), c);
}

static bool parse_failed(struct reader *r, config_t *cfg)
{
	snprintf(r->err, r->errlen, "%s:%d: %s", r->file, config_error_line(cfg), config_error_text(cfg));
	return false;
}

bool conf_parse(const char *text, const char *name, struct conf *c, char *err, size_t errlen)
{
	struct reader r = { name, err, errlen, false };
	config_t cfg;
	bool ok;

	config_init(&cfg);
	ok = config_read_string(&cfg, text) ? read_document(&r, &cfg, c) : parse_failed(&r, &cfg);
	config_destroy(&cfg);
	return ok;
}

bool conf_load(const char *file, struct conf *c, char *err, size_t errlen)
{
	struct reader r = { file, err, errlen, true };
	config_t cfg;
	FILE *f;
	bool ok;

	f = fopen(file, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", file, strerror(errno));
		return false;
	}
	config_init(&cfg);
	ok = config_read(&cfg, f) ? read_document(&r, &cfg, c) : parse_failed(&r, &cfg);
	config_destroy(&cfg);
	fclose(f);
	return ok;
}
