/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw mode's rule table and per-packet decision; no I/O. */
#include "steer.h"

#include <stdio.h>
#include <string.h>

void steer_init(struct steer *s)
{
	memset(s, 0, sizeof(*s));
}

/* The address a rule's packets arrive with: the sender sees the primary, the receiver the secondary. */
static const struct endpoint *match_of(const struct conf_rule *r)
{
	return r->role == CONF_ROLE_SENDER ? &r->primary : &r->secondary;
}

bool steer_add(struct steer *s, const struct conf_rule *r, char *err, size_t errlen)
{
	char text[ADDR_TEXT_MAX];
	const uint32_t weights[2] = { r->weight_primary, r->weight_secondary };
	struct steer_rule *sr;

	for (unsigned i = 0; i < s->nrules; i++)
		if (s->rule[i].conf.role == r->role && addr_equal(match_of(&s->rule[i].conf), match_of(r))) {
			snprintf(err, errlen, "a %s rule for %s exists already",
				 r->role == CONF_ROLE_SENDER ? "sender" : "receiver",
				 addr_format(match_of(r), text, sizeof(text)));
			return false;
		}
	if (s->nrules == CONF_MAX_RULES) {
		snprintf(err, errlen, "at most %d rules", CONF_MAX_RULES);
		return false;
	}
	sr = &s->rule[s->nrules++];
	memset(sr, 0, sizeof(*sr));
	sr->conf = *r;
	sched_init(&sr->sched, 2, weights);
	sched_set_up(&sr->sched, 0, true);
	sched_set_up(&sr->sched, 1, true);
	return true;
}

unsigned steer_flush(struct steer *s, enum conf_role role)
{
	unsigned kept = 0, n = s->nrules;

	for (unsigned i = 0; i < n; i++)
		if (s->rule[i].conf.role != role)
			s->rule[kept++] = s->rule[i];
	s->nrules = kept;
	return n - kept;
}

static struct steer_rule *find(struct steer *s, const struct endpoint *dst)
{
	for (unsigned i = 0; i < s->nrules; i++)
		if (addr_equal(match_of(&s->rule[i].conf), dst))
			return &s->rule[i];
	return NULL;
}

static enum steer_verdict refuse(struct steer *s, enum rewrite_result why)
{
	s->refused[why]++;
	return STEER_PASS;
}

static enum steer_verdict send_side(struct steer *s, struct steer_rule *r, uint8_t *pkt, size_t len)
{
	int path = sched_pick(&r->sched, (uint32_t)len);
	enum rewrite_result e;

	if (path == 1 && (e = rewrite_dst(pkt, len, &r->conf.primary, &r->conf.secondary)) != REWRITE_OK)
		return refuse(s, e);
	path = path == 1;
	r->packets[path]++;
	r->bytes[path] += len;
	return path ? STEER_SECONDARY : STEER_PRIMARY;
}

static enum steer_verdict receive_side(struct steer *s, struct steer_rule *r, uint8_t *pkt, size_t len)
{
	enum rewrite_result e = rewrite_dst(pkt, len, &r->conf.secondary, &r->conf.primary);

	if (e != REWRITE_OK)
		return refuse(s, e);
	r->packets[1]++;
	r->bytes[1] += len;
	return STEER_RESTORED;
}

enum steer_verdict steer_packet(struct steer *s, uint8_t *pkt, size_t len)
{
	struct rewrite_tcp tcp;
	struct steer_rule *r;
	enum rewrite_result e = rewrite_parse(pkt, len, &tcp);

	if (e != REWRITE_OK)
		return refuse(s, e);
	r = find(s, &tcp.dst);
	if (!r) {
		s->passed++;
		return STEER_PASS;
	}
	return r->conf.role == CONF_ROLE_SENDER ? send_side(s, r, pkt, len) : receive_side(s, r, pkt, len);
}
