/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw-mode rewrite: round trips, checksums against a full recomputation, and every refusal. */
#include <stdlib.h>
#include <string.h>

#include "rewrite.h"
#include "unit.h"

#define PKT_MAX 2048
#define RANDOM_PACKETS 6000

/* A SYN and a PSH before and after the move, built with full checksums by a separate Python script. */
static const uint8_t v4_before[44] = {
	0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x92, 0x5e,
	0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x02, 0x9c, 0x40, 0x14, 0x51,
	0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xfa, 0xf0,
	0x1c, 0x16, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4
};
static const uint8_t v4_after[44] = {
	0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x92, 0x5d,
	0xc6, 0x12, 0x00, 0x01, 0xc6, 0x13, 0x00, 0x02, 0x9c, 0x40, 0x18, 0x39,
	0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xfa, 0xf0,
	0x18, 0x2d, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4
};
static const uint8_t v6_before[65] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x01, 0xbb, 0xa0, 0xb0, 0xc0, 0xd0,
	0x01, 0x02, 0x03, 0x04, 0x50, 0x18, 0x02, 0x00, 0x0a, 0xfe, 0x00, 0x00,
	0x68, 0x65, 0x6c, 0x6c, 0x6f
};
static const uint8_t v6_after[65] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x20, 0xfb, 0xa0, 0xb0, 0xc0, 0xd0,
	0x01, 0x02, 0x03, 0x04, 0x50, 0x18, 0x02, 0x00, 0xeb, 0xbc, 0x00, 0x00,
	0x68, 0x65, 0x6c, 0x6c, 0x6f
};

/* splitmix64: a fixed seed makes every run test the same packets. */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static void rng_fill(struct rng *r, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng_next(r);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A test packet and where its parts are, as its builder laid them out. */
struct pkt {
	int family;
	int ext;            /* IPv6 extension headers before TCP */
	size_t next[5];     /* offset of the byte naming header k (k == ext: TCP): protocol or next header */
	size_t l3;          /* TCP header offset */
	size_t end; /* end of the IP packet; len - end bytes of link padding follow */
	size_t len;
	uint8_t b[PKT_MAX];
};

static size_t ip_dst_off(const struct pkt *p)
{
	return p->family == AF_INET ? 16 : 24;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* The straightforward Internet checksum: sum 16-bit words, pad an odd byte, fold, complement. */
static uint64_t ref_add(uint64_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint64_t)p[n - 1] << 8;
	return sum;
}

static uint16_t ref_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Folded sum of the IPv4 header as it stands, checksum field included (0xffff when valid). */
static uint16_t ref_ipv4_verify(const struct pkt *p)
{
	return ref_fold(ref_add(0, p->b, (size_t)(p->b[0] & 15) * 4));
}

static uint16_t ref_ipv4_csum(const struct pkt *p)
{
	uint8_t h[60];
	size_t n = (size_t)(p->b[0] & 15) * 4;

	memcpy(h, p->b, n);
	put16(h + 10, 0);
	return (uint16_t)~ref_fold(ref_add(0, h, n));
}

/* Folded sum of pseudo-header and segment; with `zero_check` as if the checksum field were 0. */
static uint16_t ref_tcp_sum(const struct pkt *p, int zero_check)
{
	size_t seg = p->end - p->l3, alen = addr_len(p->family);
	uint8_t pseudo[40] = { 0 }, copy[PKT_MAX];
	uint64_t sum;

	memcpy(pseudo, p->b + ip_dst_off(p) - alen, 2 * alen); /* source then destination */
	if (p->family == AF_INET) {
		pseudo[9] = 6;
		put16(pseudo + 10, (uint16_t)seg);
		sum = ref_add(0, pseudo, 12);
	} else {
		put16(pseudo + 34, (uint16_t)seg); /* 32-bit length, high half 0 */
		pseudo[39] = 6;
		sum = ref_add(0, pseudo, 40);
	}
	memcpy(copy, p->b + p->l3, seg);
	if (zero_check)
		put16(copy + 16, 0);
	return ref_fold(ref_add(sum, copy, seg));
}

static uint16_t ref_tcp_csum(const struct pkt *p)
{
	return (uint16_t)~ref_tcp_sum(p, 1);
}

static void set_checksums(struct pkt *p)
{
	if (p->family == AF_INET)
		put16(p->b + 10, ref_ipv4_csum(p));
	put16(p->b + p->l3 + 16, ref_tcp_csum(p));
}

/* Fills n option bytes with NOPs, well-formed non-routing options, and maybe EOL then junk. */
static void fill_ipv4_options(struct rng *r, uint8_t *o, size_t n)
{
	static const uint8_t types[] = { 0x07, 0x44, 0x94, 0x82, 0x88 };
	size_t i = 0, olen;

	while (i < n) {
		switch (rng_below(r, 4)) {
		case 0:
			o[i] = 0; /* the parser must stop here: junk after EOL is never read as options */
			rng_fill(r, o + i + 1, n - i - 1);
			return;
		case 1:
			o[i++] = 1;
			break;
		default:
			if (n - i < 2) {
				o[i++] = 1;
				break;
			}
			olen = 2 + rng_below(r, (uint32_t)(n - i - 1));
			o[i] = types[rng_below(r, sizeof(types))];
			o[i + 1] = (uint8_t)olen;
			rng_fill(r, o + i + 2, olen - 2);
			i += olen;
		}
	}
}

static size_t build_ipv4(struct rng *r, struct pkt *p, size_t opts)
{
	uint8_t *b = p->b;

	p->family = AF_INET;
	p->l3 = 20 + opts;
	rng_fill(r, b, p->l3);
	b[0] = (uint8_t)(0x40 | p->l3 / 4);
	put16(b + 6, rng_below(r, 2) ? 0x4000 : 0); /* DF or nothing: never a fragment */
	b[9] = 6;
	p->ext = 0;
	p->next[0] = 9;
	fill_ipv4_options(r, b + 20, opts);
	return p->l3;
}

/* Chains `ext` hop-by-hop, destination options and routing headers (segments left 0) before TCP. */
static size_t build_ipv6(struct rng *r, struct pkt *p, int ext)
{
	static const uint8_t types[] = { 0, 60, 43 };
	uint8_t *b = p->b;
	size_t off = 40, hlen;

	p->family = AF_INET6;
	p->ext = ext;
	p->next[0] = 6;
	rng_fill(r, b, 40);
	b[0] = (uint8_t)(0x60 | (b[0] & 15));
	for (int i = 0; i < ext; i++) {
		hlen = 8 * (1 + rng_below(r, 4));
		b[p->next[i]] = types[rng_below(r, sizeof(types))];
		rng_fill(r, b + off, hlen);
		b[off + 1] = (uint8_t)(hlen / 8 - 1);
		if (b[p->next[i]] == 43)
			b[off + 3] = 0;
		p->next[i + 1] = off;
		off += hlen;
	}
	b[p->next[ext]] = 6;
	p->l3 = off;
	return off;
}

/* Random TCP header with tcp_opts option bytes, then payload, then pad bytes past the IP length. */
static void build_tcp(struct rng *r, struct pkt *p, size_t tcp_opts, size_t payload, size_t pad)
{
	uint8_t *t = p->b + p->l3;
	size_t seg = 20 + tcp_opts + payload;

	p->end = p->l3 + seg;
	p->len = p->end + pad;
	rng_fill(r, t, seg + pad);
	t[12] = (uint8_t)((5 + tcp_opts / 4) << 4 | (t[12] & 15));
	if (p->family == AF_INET)
		put16(p->b + 2, (uint16_t)p->end);
	else
		put16(p->b + 4, (uint16_t)(p->end - 40));
}

static void build_random(struct rng *r, struct pkt *p)
{
	static const size_t odd[] = { 0, 1, 3, 5, 1459, 1461 };
	size_t payload = rng_below(r, 3) ? rng_below(r, 1461) : odd[rng_below(r, 6)];
	size_t pad = rng_below(r, 4) == 0 ? rng_below(r, 5) : 0;

	if (rng_below(r, 2))
		build_ipv4(r, p, rng_below(r, 2) ? 4 * rng_below(r, 11) : 0);
	else
		build_ipv6(r, p, rng_below(r, 2) ? (int)rng_below(r, 4) : 0);
	build_tcp(r, p, 4 * rng_below(r, 11), payload, pad);
	set_checksums(p);
}

static void make_ep(struct endpoint *ep, int family, const uint8_t *addr, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	if (family == AF_INET) {
		ep->u.sin.sin_family = AF_INET;
		memcpy(&ep->u.sin.sin_addr, addr, 4);
		ep->len = sizeof(ep->u.sin);
	} else {
		ep->u.sin6.sin6_family = AF_INET6;
		memcpy(&ep->u.sin6.sin6_addr, addr, 16);
		ep->len = sizeof(ep->u.sin6);
	}
	addr_set_port(ep, port);
}

static void packet_dst(const struct pkt *p, struct endpoint *ep)
{
	make_ep(ep, p->family, p->b + ip_dst_off(p), get16(p->b + p->l3 + 2));
}

static void random_ep(struct rng *r, int family, struct endpoint *ep)
{
	uint8_t a[16];

	rng_fill(r, a, sizeof(a));
	make_ep(ep, family, a, (uint16_t)rng_next(r));
}

static struct endpoint ep_text(const char *text)
{
	struct endpoint ep;
	char why[64];

	ck_assert_msg(addr_parse(text, 1, &ep, why, sizeof(why)), "%s: %s", text, why);
	return ep;
}

/* Every byte but the destination address, port and the two checksums is as it was. */
static void assert_only_dst_changed(const struct pkt *before, const struct pkt *after, const struct endpoint *to)
{
	size_t dst = ip_dst_off(before), alen = addr_len(before->family), tcp = before->l3;
	struct endpoint now;

	for (size_t i = 0; i < before->len; i++) {
		if ((i >= dst && i < dst + alen) || i == tcp + 2 || i == tcp + 3 || i == tcp + 16 || i == tcp + 17 ||
		    (before->family == AF_INET && (i == 10 || i == 11)))
			continue;
		if (before->b[i] != after->b[i]) /* not ck_assert: Check writes a pipe per assertion */
			ck_abort_msg("byte %zu changed", i);
	}
	packet_dst(after, &now);
	ck_assert(addr_equal(&now, to));
}

/* Parses and rewrites an exact-size heap copy of p's first len bytes, so ASan sees any overread. */
static void expect(const char *what, const struct pkt *p, size_t len, enum rewrite_result want)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct endpoint match, to;
	struct rewrite_tcp t;
	enum rewrite_result got;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, p->b, len);
	packet_dst(p, &match);
	make_ep(&to, p->family, (const uint8_t *)"\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19",
		443);
	if (want != REWRITE_NO_MATCH) {
		got = rewrite_parse(copy, len, &t);
		ck_assert_msg(got == want, "%s: parse says %s, want %s", what, rewrite_result_name(got),
			      rewrite_result_name(want));
	}
	got = rewrite_dst(copy, len, &match, &to);
	ck_assert_msg(got == want, "%s: rewrite says %s, want %s", what, rewrite_result_name(got),
		      rewrite_result_name(want));
	if (want != REWRITE_OK)
		ck_assert_msg(memcmp(copy, p->b, len) == 0, "%s: refused packet was changed", what);
	free(copy);
}

static void expect_no_match(const char *what, const struct pkt *p, const struct endpoint *match,
			    const struct endpoint *to)
{
	struct pkt copy = *p;

	ck_assert_msg(rewrite_dst(copy.b, copy.len, match, to) == REWRITE_NO_MATCH, "%s", what);
	ck_assert_msg(memcmp(copy.b, p->b, p->len) == 0, "%s: changed", what);
}

static void build(struct rng *r, struct pkt *p, int family, int opts_or_ext, size_t tcp_opts, size_t payload)
{
	if (family == AF_INET)
		build_ipv4(r, p, (size_t)opts_or_ext);
	else
		build_ipv6(r, p, opts_or_ext);
	build_tcp(r, p, tcp_opts, payload, 0);
	set_checksums(p);
}

START_TEST(golden_packets)
{
	struct endpoint m4 = ep_text("198.18.0.2:5201"), t4 = ep_text("198.19.0.2:6201");
	struct endpoint m6 = ep_text("[2001:db8::2]:443"), t6 = ep_text("[2001:db8:1::2]:8443");
	uint8_t b[sizeof(v6_before)];

	memcpy(b, v4_before, sizeof(v4_before));
	ck_assert_int_eq(rewrite_dst(b, sizeof(v4_before), &m4, &t4), REWRITE_OK);
	ck_assert_mem_eq(b, v4_after, sizeof(v4_after));
	ck_assert_int_eq(rewrite_dst(b, sizeof(v4_after), &t4, &m4), REWRITE_OK);
	ck_assert_mem_eq(b, v4_before, sizeof(v4_before));
	memcpy(b, v6_before, sizeof(v6_before));
	ck_assert_int_eq(rewrite_dst(b, sizeof(v6_before), &m6, &t6), REWRITE_OK);
	ck_assert_mem_eq(b, v6_after, sizeof(v6_after));
	ck_assert_int_eq(rewrite_dst(b, sizeof(v6_after), &t6, &m6), REWRITE_OK);
	ck_assert_mem_eq(b, v6_before, sizeof(v6_before));
}
END_TEST

START_TEST(parse_golden)
{
	struct rewrite_tcp t;
	char a[ADDR_TEXT_MAX];

	ck_assert_int_eq(rewrite_parse(v4_before, sizeof(v4_before), &t), REWRITE_OK);
	ck_assert_int_eq(t.family, AF_INET);
	ck_assert_uint_eq(t.l3_len, 20);
	ck_assert_str_eq(addr_format(&t.src, a, sizeof(a)), "198.18.0.1:40000");
	ck_assert_str_eq(addr_format(&t.dst, a, sizeof(a)), "198.18.0.2:5201");
	ck_assert_int_eq(rewrite_parse(v6_before, sizeof(v6_before), &t), REWRITE_OK);
	ck_assert_int_eq(t.family, AF_INET6);
	ck_assert_uint_eq(t.l3_len, 40);
	ck_assert_str_eq(addr_format(&t.src, a, sizeof(a)), "[2001:db8::1]:40000");
	ck_assert_str_eq(addr_format(&t.dst, a, sizeof(a)), "[2001:db8::2]:443");
}
END_TEST

START_TEST(parse_random)
{
	struct rng r = { 7 };
	struct pkt p;
	struct rewrite_tcp t;
	struct endpoint src, dst;

	for (int i = 0; i < RANDOM_PACKETS; i++) {
		build_random(&r, &p);
		ck_assert_int_eq(rewrite_parse(p.b, p.len, &t), REWRITE_OK);
		ck_assert_int_eq(t.family, p.family);
		ck_assert_uint_eq(t.l3_len, p.l3);
		packet_dst(&p, &dst);
		make_ep(&src, p.family, p.b + ip_dst_off(&p) - addr_len(p.family), get16(p.b + p.l3));
		ck_assert(addr_equal(&t.dst, &dst));
		ck_assert(addr_equal(&t.src, &src));
	}
}
END_TEST

/* Any checksum field but 0xffff comes back exactly, so start from wrong ones as well as right ones. */
START_TEST(round_trip_restores_every_byte)
{
	struct rng r = { 1 };
	struct pkt p, orig;
	struct endpoint match, to;
	struct rewrite_tcp t;
	int v4_opts = 0, v6_ext = 0, plain = 0;

	for (int i = 0; i < RANDOM_PACKETS; i++) {
		build_random(&r, &p);
		if (i % 3 == 1) {
			put16(p.b + p.l3 + 16, (uint16_t)rng_below(&r, 0xffff));
			if (p.family == AF_INET)
				put16(p.b + 10, (uint16_t)rng_below(&r, 0xffff));
		} else if (i % 3 == 2) {
			put16(p.b + p.l3 + 16, 0);
		}
		orig = p;
		packet_dst(&p, &match);
		random_ep(&r, p.family, &to);
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
		assert_only_dst_changed(&orig, &p, &to);
		ck_assert_int_eq(rewrite_parse(p.b, p.len, &t), REWRITE_OK);
		ck_assert(addr_equal(&t.dst, &to));
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &to, &match), REWRITE_OK);
		ck_assert_mem_eq(p.b, orig.b, p.len);
		if (p.l3 == (p.family == AF_INET ? 20u : 40u))
			plain++;
		else if (p.family == AF_INET)
			v4_opts++;
		else
			v6_ext++;
	}
	/* The generator really produced each shape. */
	ck_assert_int_gt(plain, RANDOM_PACKETS / 4);
	ck_assert_int_gt(v4_opts, RANDOM_PACKETS / 8);
	ck_assert_int_gt(v6_ext, RANDOM_PACKETS / 8);
}
END_TEST

START_TEST(checksums_equal_full_recomputation)
{
	struct rng r = { 2 };
	struct pkt p;
	struct endpoint match, to;

	for (int i = 0; i < RANDOM_PACKETS; i++) {
		build_random(&r, &p);
		ck_assert_uint_eq(ref_tcp_sum(&p, 0), 0xffff); /* the builder is right to begin with */
		packet_dst(&p, &match);
		random_ep(&r, p.family, &to);
		if (i % 4 == 0) /* same address, new port: only the TCP checksum moves */
			make_ep(&to, p.family, p.b + ip_dst_off(&p), (uint16_t)rng_next(&r));
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
		if (p.family == AF_INET)
			ck_assert_uint_eq(get16(p.b + 10), ref_ipv4_csum(&p));
		ck_assert_uint_eq(get16(p.b + p.l3 + 16), ref_tcp_csum(&p));
	}
}
END_TEST

/* Sets the word at off so that p's full TCP (or IPv4 header) checksum is 0x0000, then fixes both. */
static void force_zero_checksum(struct pkt *p, size_t off, int tcp)
{
	uint16_t sum = (uint16_t)~(tcp ? ref_tcp_csum(p) : ref_ipv4_csum(p)); /* 1..0xffff */
	uint16_t w = get16(p->b + off);

	put16(p->b + off, (uint16_t)((w + 0xffffu - sum) % 0xffffu));
	set_checksums(p);
	ck_assert_uint_eq(tcp ? ref_tcp_csum(p) : ref_ipv4_csum(p), 0);
}

/* A rewrite whose correct result is 0x0000 must not write 0xffff (RFC 1141's flaw, fixed by RFC 1624). */
static void zero_after(struct rng *r, int family, size_t off_in_tcp, size_t off_in_ip, int tcp)
{
	struct pkt p, want;
	struct endpoint match, to;

	build(r, &p, family, (int)rng_below(r, 3) * (family == AF_INET ? 4 : 1), 0, rng_below(r, 100));
	packet_dst(&p, &match);
	random_ep(r, family, &to);
	want = p;
	ck_assert_int_eq(rewrite_dst(want.b, want.len, &match, &to), REWRITE_OK);
	force_zero_checksum(&want, tcp ? want.l3 + off_in_tcp : off_in_ip, tcp);
	memcpy(p.b + (tcp ? p.l3 + off_in_tcp : off_in_ip), want.b + (tcp ? want.l3 + off_in_tcp : off_in_ip), 2);
	set_checksums(&p);
	ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
	ck_assert_mem_eq(p.b, want.b, p.len);
}

START_TEST(checksum_becomes_zero)
{
	struct rng r = { 3 };

	for (int i = 0; i < 500; i++) {
		zero_after(&r, AF_INET, 18, 0, 1);     /* urgent pointer steers the TCP checksum */
		zero_after(&r, AF_INET6, 18, 0, 1);
		zero_after(&r, AF_INET, 0, 4, 0);      /* identification steers the header checksum */
	}
}
END_TEST

START_TEST(checksum_zero_on_input)
{
	struct rng r = { 4 };
	struct pkt p, orig;
	struct endpoint match, to;

	for (int i = 0; i < 1000; i++) {
		build(&r, &p, i % 2 ? AF_INET : AF_INET6, 0, 0, rng_below(&r, 100));
		force_zero_checksum(&p, p.l3 + 18, 1);
		if (p.family == AF_INET)
			force_zero_checksum(&p, 4, 0);
		orig = p;
		packet_dst(&p, &match);
		random_ep(&r, p.family, &to);
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
		ck_assert_uint_eq(get16(p.b + p.l3 + 16), ref_tcp_csum(&p));
		if (p.family == AF_INET)
			ck_assert_uint_eq(get16(p.b + 10), ref_ipv4_csum(&p));
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &to, &match), REWRITE_OK);
		ck_assert_mem_eq(p.b, orig.b, p.len);
		/* 0xffff, the other form of a 0x0000 checksum, is valid too; it comes back canonical. */
		put16(p.b + p.l3 + 16, 0xffff);
		ck_assert_uint_eq(ref_tcp_sum(&p, 0), 0xffff);
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
		ck_assert_uint_eq(get16(p.b + p.l3 + 16), ref_tcp_csum(&p));
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &to, &match), REWRITE_OK);
		ck_assert_mem_eq(p.b, orig.b, p.len);
	}
}
END_TEST

/* A corrupt packet must stay exactly as corrupt, so the end host still drops it. */
START_TEST(wrong_checksum_stays_wrong)
{
	struct rng r = { 5 };
	struct pkt p;
	struct endpoint match, to;
	uint16_t tcp_before, ip_before;

	for (int i = 0; i < RANDOM_PACKETS; i++) {
		build_random(&r, &p);
		put16(p.b + p.l3 + 16, (uint16_t)(get16(p.b + p.l3 + 16) ^ (1 + rng_below(&r, 0xfffe))));
		if (get16(p.b + p.l3 + 16) == 0xffff)
			continue;
		if (p.family == AF_INET)
			p.b[10] ^= 0x10;
		tcp_before = ref_tcp_sum(&p, 0);
		ip_before = p.family == AF_INET ? ref_ipv4_verify(&p) : 0;
		packet_dst(&p, &match);
		random_ep(&r, p.family, &to);
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
		ck_assert_uint_ne(tcp_before, 0xffff);
		ck_assert_uint_eq(ref_tcp_sum(&p, 0), tcp_before);
		if (p.family == AF_INET) {
			ck_assert_uint_ne(ip_before, 0xffff);
			ck_assert_uint_eq(ref_ipv4_verify(&p), ip_before);
		}
	}
}
END_TEST

START_TEST(refuse_not_tcp)
{
	static const uint8_t v4[] = { 17, 1, 0, 41, 50, 51, 255 };
	static const uint8_t v6[] = { 17, 58, 59, 51, 50, 253, 135 };
	struct rng r = { 6 };
	struct pkt p, q;

	for (size_t i = 0; i < sizeof(v4); i++) {
		build(&r, &p, AF_INET, 8, 0, 30);
		p.b[9] = v4[i];
		expect("ipv4 protocol", &p, p.len, REWRITE_NOT_TCP);
		put16(p.b + 6, 0x2000); /* a UDP fragment is counted as not TCP */
		expect("ipv4 fragment of another protocol", &p, p.len, REWRITE_NOT_TCP);
	}
	for (size_t i = 0; i < sizeof(v6); i++) {
		for (int ext = 0; ext < 4; ext++) {
			build(&r, &p, AF_INET6, ext, 0, 30);
			q = p;
			q.b[q.next[ext]] = v6[i];
			expect("ipv6 next header", &q, q.len, REWRITE_NOT_TCP);
			if (ext) { /* the unknown header sits before the extension headers */
				q = p;
				q.b[q.next[0]] = v6[i];
				expect("ipv6 first header", &q, q.len, REWRITE_NOT_TCP);
			}
		}
	}
}
END_TEST

START_TEST(refuse_fragments)
{
	static const uint16_t frag[] = { 0x2000, 0x0001, 0x1fff, 0x2001, 0x6000, 0x6abc, 0x00b9 };
	struct rng r = { 8 };
	struct pkt p;

	for (size_t i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
		build(&r, &p, AF_INET, 0, 0, 30);
		put16(p.b + 6, frag[i]);
		expect("ipv4 fragment", &p, p.len, REWRITE_FRAGMENT);
	}
	build(&r, &p, AF_INET, 0, 0, 30);
	put16(p.b + 6, 0x4000); /* DF alone is not a fragment */
	expect("ipv4 DF", &p, p.len, REWRITE_OK);
	for (int ext = 1; ext < 4; ext++) {
		for (int at = 0; at < ext; at++) {
			build(&r, &p, AF_INET6, ext, 0, 30);
			p.b[p.next[at]] = 44;
			expect("ipv6 fragment header", &p, p.len, REWRITE_FRAGMENT);
		}
	}
}
END_TEST

START_TEST(refuse_every_truncation)
{
	struct rng r = { 9 };
	struct pkt p;
	int cases = 0;

	for (int shape = 0; shape < 8; shape++) {
		build(&r, &p, shape < 4 ? AF_INET : AF_INET6, (shape % 4) * (shape < 4 ? 12 : 1), (size_t)(shape % 3) * 8,
		      (size_t)shape * 3);
		for (size_t len = 0; len < p.end; len++, cases++)
			expect("truncated", &p, len, REWRITE_TRUNCATED);
		expect("whole", &p, p.end, REWRITE_OK);
	}
	ck_assert_int_gt(cases, 8 * 40);
}
END_TEST

START_TEST(refuse_bad_ip_header)
{
	struct rng r = { 10 };
	struct pkt p;

	for (unsigned ihl = 0; ihl < 5; ihl++) {
		build(&r, &p, AF_INET, 0, 0, 30);
		p.b[0] = (uint8_t)(0x40 | ihl);
		/* Bytes 20.. read as options would end cleanly, and a TCP header at 4 * ihl would look sane. */
		memcpy(p.b + 20, "\x50\x02\x00", 3);
		p.b[4 * ihl + 12] = 0x50;
		expect("ihl below 5", &p, p.len, REWRITE_BAD_HEADER);
	}
	for (unsigned v = 0; v < 16; v++) {
		if (v == 4 || v == 6)
			continue;
		build(&r, &p, v & 1 ? AF_INET : AF_INET6, 0, 0, 30);
		p.b[0] = (uint8_t)(v << 4 | (p.b[0] & 15));
		expect("version", &p, p.len, REWRITE_BAD_HEADER);
	}
	/* A length field that cannot hold the headers it claims to, down to 0. */
	build(&r, &p, AF_INET, 40, 0, 0);
	for (unsigned total = 0; total < p.end; total++) {
		put16(p.b + 2, (uint16_t)total);
		expect("ipv4 total length too short", &p, p.len, REWRITE_BAD_HEADER);
		if (total >= 20) /* and nothing behind it to read */
			expect("ipv4 total length too short, exact", &p, total, REWRITE_BAD_HEADER);
	}
	build(&r, &p, AF_INET6, 3, 0, 0);
	for (unsigned plen = 0; plen < p.end - 40; plen++) {
		put16(p.b + 4, (uint16_t)plen);
		expect("ipv6 payload length too short", &p, p.len, REWRITE_BAD_HEADER);
		expect("ipv6 payload length too short, exact", &p, 40 + plen, REWRITE_BAD_HEADER);
	}
	/* Longer than the buffer: a truncated capture. */
	build(&r, &p, AF_INET, 4, 0, 10);
	put16(p.b + 2, (uint16_t)(p.len + 1));
	expect("ipv4 total length past the buffer", &p, p.len, REWRITE_TRUNCATED);
	put16(p.b + 2, 0xffff);
	expect("ipv4 total length 65535", &p, p.len, REWRITE_TRUNCATED);
	build(&r, &p, AF_INET6, 1, 0, 10);
	put16(p.b + 4, (uint16_t)(p.len - 40 + 1));
	expect("ipv6 payload length past the buffer", &p, p.len, REWRITE_TRUNCATED);
	/* An extension header longer than the payload. */
	build(&r, &p, AF_INET6, 2, 0, 0);
	p.b[p.next[2] + 1] = 255;
	expect("ipv6 extension header too long", &p, p.len, REWRITE_BAD_HEADER);
}
END_TEST

START_TEST(padding_after_the_packet)
{
	struct rng r = { 11 };
	struct pkt p, orig;
	struct endpoint match, to;

	for (int i = 0; i < 200; i++) {
		if (i % 2)
			build_ipv6(&r, &p, (int)rng_below(&r, 3));
		else
			build_ipv4(&r, &p, 4 * rng_below(&r, 3));
		build_tcp(&r, &p, 0, rng_below(&r, 50), 1 + rng_below(&r, 30));
		set_checksums(&p);
		orig = p;
		packet_dst(&p, &match);
		random_ep(&r, p.family, &to);
		ck_assert_int_eq(rewrite_dst(p.b, p.len, &match, &to), REWRITE_OK);
		assert_only_dst_changed(&orig, &p, &to);
		ck_assert_uint_eq(get16(p.b + p.l3 + 16), ref_tcp_csum(&p));
	}
}
END_TEST

START_TEST(refuse_bad_data_offset)
{
	struct rng r = { 12 };
	struct pkt p;

	for (unsigned doff = 0; doff < 16; doff++) {
		build(&r, &p, doff & 1 ? AF_INET : AF_INET6, 0, 0, 0); /* a bare 20-byte TCP header */
		p.b[p.l3 + 12] = (uint8_t)(doff << 4);
		expect("data offset", &p, p.len, doff == 5 ? REWRITE_OK : REWRITE_BAD_HEADER);
		build(&r, &p, doff & 1 ? AF_INET : AF_INET6, 0, 4, 4); /* 28 bytes: room for doff 7 */
		p.b[p.l3 + 12] = (uint8_t)(doff << 4);
		expect("data offset", &p, p.len, doff >= 5 && doff <= 7 ? REWRITE_OK : REWRITE_BAD_HEADER);
	}
}
END_TEST

START_TEST(ipv4_options)
{
	static const struct {
		uint8_t o[8];
		enum rewrite_result want;
	} cases[] = {
		{ { 7, 0, 1, 1, 1, 1, 1, 1 }, REWRITE_BAD_HEADER }, /* option length 0 */
		{ { 7, 1, 1, 1, 1, 1, 1, 1 }, REWRITE_BAD_HEADER }, /* option length 1 */
		{ { 1, 1, 1, 1, 1, 1, 7, 3 }, REWRITE_BAD_HEADER }, /* runs past the header */
		{ { 1, 1, 1, 1, 1, 1, 1, 7 }, REWRITE_BAD_HEADER }, /* no room for a length */
		{ { 1, 0x83, 7, 4, 1, 2, 3, 4 }, REWRITE_ROUTED },  /* loose source route */
		{ { 0x89, 7, 4, 1, 2, 3, 4, 0 }, REWRITE_ROUTED },  /* strict source route */
		{ { 0, 0x83, 7, 4, 1, 2, 3, 4 }, REWRITE_OK },      /* after the end of the list */
		{ { 7, 7, 4, 1, 2, 3, 4, 0 }, REWRITE_OK },         /* record route */
		{ { 1, 1, 1, 1, 1, 1, 1, 1 }, REWRITE_OK },
		{ { 0x94, 4, 0, 0, 0x44, 4, 5, 0 }, REWRITE_OK },   /* router alert, timestamp */
	};
	struct rng r = { 13 };
	struct pkt p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&r, &p, AF_INET, 8, 0, 10);
		memcpy(p.b + 20, cases[i].o, 8);
		set_checksums(&p);
		expect("ipv4 options", &p, p.len, cases[i].want);
	}
}
END_TEST

START_TEST(ipv6_routing_header)
{
	struct rng r = { 14 };
	struct pkt p;

	for (int ext = 1; ext < 4; ext++) {
		for (int at = 0; at < ext; at++) {
			build(&r, &p, AF_INET6, ext, 0, 10);
			p.b[p.next[at]] = 43;
			p.b[p.next[at + 1] + 3] = 0;
			expect("routing header, no segments left", &p, p.len, REWRITE_OK);
			p.b[p.next[at + 1] + 3] = 1;
			expect("routing header, segments left", &p, p.len, REWRITE_ROUTED);
		}
	}
}
END_TEST

START_TEST(refuse_no_match)
{
	struct rng r = { 15 };
	struct pkt p;
	struct endpoint match, to, other;
	uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff };

	for (int family = 0; family < 2; family++) {
		build(&r, &p, family ? AF_INET6 : AF_INET, 0, 0, 20);
		packet_dst(&p, &match);
		random_ep(&r, p.family, &to);
		expect("match", &p, p.len, REWRITE_OK);
		for (int d = -1; d <= 1; d += 2) {
			addr_set_port(&match, (uint16_t)(get16(p.b + p.l3 + 2) + d));
			expect_no_match("other port", &p, &match, &to);
		}
		for (size_t i = 0; i < addr_len(p.family) * 8; i++) {
			struct pkt q = p;

			q.b[ip_dst_off(&q) + i / 8] ^= (uint8_t)(1 << i % 8);
			packet_dst(&p, &match);
			expect_no_match("other address", &q, &match, &to);
		}
		packet_dst(&p, &match);
		make_ep(&other, p.family, p.b + ip_dst_off(&p) - addr_len(p.family), get16(p.b + p.l3));
		expect_no_match("the source", &p, &other, &to);
		random_ep(&r, p.family == AF_INET ? AF_INET6 : AF_INET, &other);
		expect_no_match("to of the other family", &p, &match, &other);
		memset(&other, 0, sizeof(other));
		expect_no_match("unset match", &p, &other, &to);
		expect_no_match("unset to", &p, &match, &other);
	}
	/* Family differs: the v4-mapped form of the packet's own destination. */
	build(&r, &p, AF_INET, 0, 0, 20);
	memcpy(mapped + 12, p.b + 16, 4);
	make_ep(&match, AF_INET6, mapped, get16(p.b + p.l3 + 2));
	random_ep(&r, AF_INET6, &to);
	expect_no_match("v4-mapped v6", &p, &match, &to);
}
END_TEST

START_TEST(result_names)
{
	for (int a = 0; a < REWRITE_RESULT_COUNT; a++)
		for (int b = a + 1; b < REWRITE_RESULT_COUNT; b++)
			ck_assert_str_ne(rewrite_result_name(a), rewrite_result_name(b));
	ck_assert_str_eq(rewrite_result_name(REWRITE_OK), "ok");
	ck_assert_str_eq(rewrite_result_name(REWRITE_NO_MATCH), "no_match");
	ck_assert_str_eq(rewrite_result_name(REWRITE_RESULT_COUNT), "unknown");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rewrite");
	TCase *tc = tcase_create("rewrite");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, golden_packets);
	tcase_add_test(tc, parse_golden);
	tcase_add_test(tc, parse_random);
	tcase_add_test(tc, round_trip_restores_every_byte);
	tcase_add_test(tc, checksums_equal_full_recomputation);
	tcase_add_test(tc, checksum_becomes_zero);
	tcase_add_test(tc, checksum_zero_on_input);
	tcase_add_test(tc, wrong_checksum_stays_wrong);
	tcase_add_test(tc, refuse_not_tcp);
	tcase_add_test(tc, refuse_fragments);
	tcase_add_test(tc, refuse_every_truncation);
	tcase_add_test(tc, refuse_bad_ip_header);
	tcase_add_test(tc, padding_after_the_packet);
	tcase_add_test(tc, refuse_bad_data_offset);
	tcase_add_test(tc, ipv4_options);
	tcase_add_test(tc, ipv6_routing_header);
	tcase_add_test(tc, refuse_no_match);
	tcase_add_test(tc, result_names);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
