/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decides each packet's fate and release time on an emulated bottleneck link; no I/O, no clock. */
#include "linkem_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_PER_S 1000000000ull
#define DEFAULT_QUEUE_MIN (32u * 1024u)

void linkem_init(struct linkem_model *m, uint64_t rate_bps, uint64_t delay_ns, uint32_t loss_ppm,
		 uint64_t limit_bytes, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	m->rate_bps = rate_bps;
	m->delay_ns = delay_ns;
	m->loss_ppm = loss_ppm;
	if (!limit_bytes) {
		limit_bytes = rate_bps / 8 / 10;
		if (limit_bytes < DEFAULT_QUEUE_MIN)
			limit_bytes = DEFAULT_QUEUE_MIN;
	}
	m->limit_bytes = limit_bytes;
	m->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint64_t next_random(struct linkem_model *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return m->rng;
}

void linkem_set_jitter(struct linkem_model *m, uint64_t jitter_ns, bool keep_order)
{
	m->jitter_ns = jitter_ns;
	m->keep_order = keep_order;
}

/* The delay of the next packet: delay_ns, or uniform within delay_ns +- jitter_ns, not below 0. */
static uint64_t packet_delay(struct linkem_model *m)
{
	uint64_t low, span;

	if (!m->jitter_ns)
		return m->delay_ns;
	low = m->delay_ns > m->jitter_ns ? m->delay_ns - m->jitter_ns : 0;
	span = m->delay_ns + m->jitter_ns - low;
	return low + next_random(m) % (span + 1);
}

uint64_t linkem_backlog(const struct linkem_model *m, uint64_t now_ns)
{
	if (!m->rate_bps || m->busy_until <= now_ns)
		return 0;
	/* 128-bit: a second of backlog at 100 Gbit/s would overflow 64 bits here. */
	return (uint64_t)((unsigned __int128)(m->busy_until - now_ns) * m->rate_bps / 8 / NS_PER_S);
}

enum linkem_fate linkem_admit(struct linkem_model *m, uint64_t now_ns, uint32_t len, uint64_t *release_ns)
{
	uint64_t backlog = linkem_backlog(m, now_ns), start;

	if (m->loss_ppm && next_random(m) % 1000000u < m->loss_ppm) {
		m->lost++;
		return LINKEM_LOST;
	}
	if (m->rate_bps && backlog + len > m->limit_bytes) {
		m->queue_drops++;
		return LINKEM_QUEUE_FULL;
	}
	if (backlog + len > m->max_backlog)
		m->max_backlog = backlog + len;
	start = m->busy_until > now_ns ? m->busy_until : now_ns;
	if (m->rate_bps)
		m->busy_until = start + (uint64_t)((unsigned __int128)len * 8 * NS_PER_S / m->rate_bps);
	else
		m->busy_until = start;
	*release_ns = m->busy_until + packet_delay(m);
	if (m->keep_order && *release_ns < m->last_release)
		*release_ns = m->last_release;
	m->last_release = *release_ns;
	m->passed++;
	m->passed_bytes += len;
	return LINKEM_PASS;
}

/* Parses a non-negative decimal with an optional unit suffix from `units`. */
static bool parse_scaled(const char *s, const char *const *units, const double *scale, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return false;
	for (unsigned i = 0; units[i]; i++)
		if (strcasecmp(end, units[i]) == 0) {
			*out = v * scale[i];
			return true;
		}
	return false;
}

bool linkem_parse_rate(const char *s, uint64_t *bps)
{
	static const char *const units[] = { "bit", "kbit", "mbit", "gbit", NULL };
	static const double scale[] = { 1, 1e3, 1e6, 1e9 };
	double v;

	if (!parse_scaled(s, units, scale, &v) || v > 1e12)
		return false;
	*bps = (uint64_t)v;
	return true;
}

bool linkem_parse_time(const char *s, uint64_t *ns)
{
	static const char *const units[] = { "us", "ms", "s", NULL };
	static const double scale[] = { 1e3, 1e6, 1e9 };
	double v;

	if (!parse_scaled(s, units, scale, &v) || v > 60e9)
		return false;
	*ns = (uint64_t)v;
	return true;
}

bool linkem_parse_loss(const char *s, uint32_t *ppm)
{
	static const char *const units[] = { "%", NULL };
	static const double scale[] = { 1e4 };
	double v;

	if (!parse_scaled(s, units, scale, &v) || v > 1e6)
		return false;
	*ppm = (uint32_t)(v + 0.5);
	return true;
}

bool linkem_parse_size(const char *s, uint64_t *bytes)
{
	static const char *const units[] = { "", "b", "k", "kb", "m", "mb", NULL };
	static const double scale[] = { 1, 1, 1024, 1024, 1048576, 1048576 };
	double v;

	if (!parse_scaled(s, units, scale, &v) || v > 1e10)
		return false;
	*bytes = (uint64_t)v;
	return true;
}

int linkem_tcp_payload(const uint8_t *pkt, uint32_t len)
{
	uint32_t ip_hdr, tcp_off;

	if (len < 20)
		return -1;
	if (pkt[0] >> 4 == 4) {
		ip_hdr = (uint32_t)(pkt[0] & 0x0f) * 4;
		if (ip_hdr < 20 || pkt[9] != 6 || ((uint32_t)pkt[2] << 8 | pkt[3]) != len)
			return -1;
	} else if (pkt[0] >> 4 == 6) {
		ip_hdr = 40;
		if (len < ip_hdr || pkt[6] != 6 || ((uint32_t)pkt[4] << 8 | pkt[5]) + 40 != len)
			return -1;
	} else {
		return -1;
	}
	if (len < ip_hdr + 20)
		return -1;
	tcp_off = (uint32_t)(pkt[ip_hdr + 12] >> 4) * 4;
	if (tcp_off < 20 || ip_hdr + tcp_off > len)
		return -1;
	return (int)(len - ip_hdr - tcp_off);
}

void linkem_count_tcp(struct linkem_model *m, uint32_t len, int payload)
{
	if (payload <= 0 || len < m->tcp_full_len)
		return;
	if (len > m->tcp_full_len) {
		m->tcp_full_len = len;
		m->tcp_full_segments = 0;
		m->tcp_full_payload = 0;
	}
	m->tcp_full_segments++;
	m->tcp_full_payload += (uint64_t)payload;
}
