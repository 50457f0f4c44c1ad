/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Makes and unmakes one host change: /proc/sys writes, rtnetlink rules and routes (libmnl), iptables runs. */
#include "hostop.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errfmt.h"
#include "netlink.h"

/* ------------------------------------------------------------------ sysctl */

/* Dots separate the levels; a '/' in the key is a dot of a device name (sysctl(8)'s rule). */
static void sysctl_path(const char *key, char *path, size_t len)
{
	snprintf(path, len, "/proc/sys/%s", key);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
}

int hostop_sysctl_read(const char *key, char *value, size_t len)
{
	char path[PATH_MAX], buf[64];
	ssize_t got;
	int fd, e;

	sysctl_path(key, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	got = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (got < 0)
		return e;
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		got--;
	buf[got] = '\0';
	if (got == 0 || (size_t)got >= len || strpbrk(buf, " \t="))
		return EINVAL;
	memcpy(value, buf, (size_t)got + 1);
	return 0;
}

static int sysctl_write(const char *key, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t put;
	int fd, e;

	sysctl_path(key, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	put = write(fd, value, len);
	e = put < 0 ? errno : (size_t)put != len ? EIO : 0;
	if (close(fd) < 0 && !e)
		e = errno;
	return e;
}

/* ------------------------------------------------------------------ rtnetlink */

static void put_endpoint(struct nlmsghdr *nlh, uint16_t type, const struct endpoint *ep)
{
	if (addr_family(ep) == AF_INET)
		mnl_attr_put(nlh, type, sizeof(ep->u.sin.sin_addr), &ep->u.sin.sin_addr);
	else
		mnl_attr_put(nlh, type, sizeof(ep->u.sin6.sin6_addr), &ep->u.sin6.sin6_addr);
}

static size_t prefix_bytes(const struct prefix *p)
{
	return p->family == AF_INET ? sizeof(p->addr.v4) : sizeof(p->addr.v6);
}

static int rule_send(const struct hostchange_rule *r, uint16_t type, uint16_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)r->family;
	frh->action = FR_ACT_TO_TBL;
	frh->table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	if (r->from.family) {
		frh->src_len = r->from.len;
		mnl_attr_put(nlh, FRA_SRC, prefix_bytes(&r->from), &r->from.addr);
	}
	if (r->fwmask) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, r->fwmask);
	}
	return netlink_talk(nlh);
}

static int route_send(const struct hostchange_route *r, uint16_t type, uint16_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned ifindex = if_nametoindex(r->dev);
	struct rtmsg *rtm;

	if (!ifindex)
		return ENODEV;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)r->family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	/* Our own protocol tag, so a delete never matches a look-alike someone else added. */
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	if (type == RTM_DELROUTE)
		rtm->rtm_scope = RT_SCOPE_NOWHERE; /* any scope, as ip route del */
	else
		rtm->rtm_scope = r->family == AF_INET && !r->gateway.len ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->dst.len)
		mnl_attr_put(nlh, RTA_DST, prefix_bytes(&r->dst), &r->dst.addr);
	if (r->gateway.len)
		put_endpoint(nlh, RTA_GATEWAY, &r->gateway);
	if (r->src.len)
		put_endpoint(nlh, RTA_PREFSRC, &r->src);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return netlink_talk(nlh);
}

/* ------------------------------------------------------------------ iptables */

/* Forks and runs prog (tried in PATH, then in /usr/sbin and /sbin: a daemon's PATH may lack
 * them) with stdin and stdout on /dev/null; returns its pid or -1, *fd reads its stderr. */
static pid_t spawn(const char *prog, char **argv, int *fd)
{
	char usr_sbin[32], sbin[32];
	int pipefd[2];
	pid_t pid;

	snprintf(usr_sbin, sizeof(usr_sbin), "/usr/sbin/%s", prog);
	snprintf(sbin, sizeof(sbin), "/sbin/%s", prog);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(pipefd[1], 2);
		execvp(prog, argv);
		execv(usr_sbin, argv);
		execv(sbin, argv);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0)
		close(pipefd[0]);
	*fd = pipefd[0];
	return pid;
}

/* Reads fd to its end, keeping the first line in msg: a closed pipe would kill the writer with SIGPIPE. */
static void read_first_line(int fd, char *msg, size_t msglen)
{
	char scratch[256];
	size_t used = 0;

	for (;;) {
		size_t room = msglen - 1 - used;
		ssize_t got = read(fd, room ? msg + used : scratch, room ? room : sizeof(scratch));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += room ? (size_t)got : 0;
	}
	msg[used] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
}

/*
 * Runs "iptables -w -t TABLE OP CHAIN SPEC..." (ip6tables for IPv6) without a shell and
 * returns its exit status, or -1 with errno; the first line of its stderr goes to msg.
 */
static int iptables(const struct hostchange_filter *f, const char *op, char *msg, size_t msglen)
{
	const char *prog = f->family == AF_INET6 ? "ip6tables" : "iptables";
	char spec[HOSTCHANGE_FILTER_MAX], *save = NULL;
	char *argv[8 + HOSTCHANGE_FILTER_MAX / 2] = { (char *)prog, (char *)"-w", (char *)"-t", (char *)f->table,
						      (char *)op, (char *)f->chain };
	size_t argc = 6;
	int fd, status;
	pid_t pid;

	snprintf(spec, sizeof(spec), "%s", f->spec);
	for (char *w = strtok_r(spec, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	msg[0] = '\0';
	pid = spawn(prog, argv, &fd);
	if (pid < 0)
		return -1;
	read_first_line(fd, msg, msglen);
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool iptables_ok(const struct hostchange_filter *f, const char *op, char *why, size_t whylen)
{
	char msg[256];
	int st = iptables(f, op, msg, sizeof(msg));

	if (st < 0)
		return errfmt(why, whylen, "%s: %s", f->family == AF_INET6 ? "ip6tables" : "iptables", strerror(errno));
	if (st == 127)
		return errfmt(why, whylen, "%s not found", f->family == AF_INET6 ? "ip6tables" : "iptables");
	if (st)
		return errfmt(why, whylen, "%s %s exited with %d%s%s", f->family == AF_INET6 ? "ip6tables" : "iptables",
			    op, st, msg[0] ? ": " : "", msg);
	return true;
}

/* ------------------------------------------------------------------ one change */

static bool errno_ok(int e, char *why, size_t whylen)
{
	return e ? errfmt(why, whylen, "%s", strerror(e)) : true;
}

bool hostop_apply(const struct hostchange *c, char *why, size_t whylen)
{
	switch (c->kind) {
	case HOSTCHANGE_SYSCTL:
		return errno_ok(sysctl_write(c->u.sysctl.key, c->u.sysctl.value), why, whylen);
	case HOSTCHANGE_RULE:
		return errno_ok(rule_send(&c->u.rule, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL), why, whylen);
	case HOSTCHANGE_ROUTE:
		return errno_ok(route_send(&c->u.route, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL), why, whylen);
	case HOSTCHANGE_FILTER:
		return iptables_ok(&c->u.filter, "-A", why, whylen);
	}
	return errfmt(why, whylen, "unknown kind");
}

int hostop_route_restore(const struct hostchange_route *r, char *why, size_t whylen)
{
	int e = route_send(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);

	if (e == EEXIST)
		return 0;
	return e ? (errno_ok(e, why, whylen), -1) : 1;
}

bool hostop_undo(const struct hostchange *c, char *why, size_t whylen)
{
	int e;

	switch (c->kind) {
	case HOSTCHANGE_SYSCTL:
		if (!c->u.sysctl.old[0])
			return errfmt(why, whylen, "no old value recorded");
		e = sysctl_write(c->u.sysctl.key, c->u.sysctl.old);
		return errno_ok(e == ENOENT ? 0 : e, why, whylen);
	case HOSTCHANGE_RULE:
		e = rule_send(&c->u.rule, RTM_DELRULE, 0);
		return errno_ok(e == ENOENT || e == ESRCH ? 0 : e, why, whylen);
	case HOSTCHANGE_ROUTE:
		e = route_send(&c->u.route, RTM_DELROUTE, 0);
		return errno_ok(e == ENOENT || e == ESRCH || e == ENODEV ? 0 : e, why, whylen);
	case HOSTCHANGE_FILTER: {
		char msg[256];
		int st = iptables(&c->u.filter, "-C", msg, sizeof(msg));

		if (st == 1) /* no such rule (or chain): nothing to delete */
			return true;
		return iptables_ok(&c->u.filter, "-D", why, whylen);
	}
	}
	return errfmt(why, whylen, "unknown kind");
}
