/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Wires the link, the control socket and signals to one libev loop; the only user of ev.h. */
#include "daemon.h"

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctlproto.h"
#include "link.h"
#include "log.h"
#include "netmon.h"
#include "notify.h"
#include "privdrop.h"
#include "rawlink.h"
#include "rebind.h"
#include "routekeep.h"
#include "rundir.h"

#define MAX_CTL_CONNS 8
#define TICK_SECONDS ((double)LINK_TICK_NS / 1e9) /* well under down_after */

struct daemon;

struct path_watch {
	ev_io io;
	struct daemon *d;
	unsigned index;
};

struct ctl_conn {
	ev_io io;
	struct daemon *d;
	struct ctl_conn *next;
	size_t len;
	char buf[CTLPROTO_REQUEST_MAX];
};

struct daemon {
	struct ev_loop *loop;
	bool raw; /* mode "raw": the queue and its rules instead of the tunnel */
	struct link link;
	struct rawlink rawlink;
	ev_io queue_io;
	ev_io tun_io;
	struct path_watch path_io[WIRE_MAX_PATHS];
	int ctl_fd;
	ev_io ctl_io;
	struct ctl_conn *conns;
	unsigned nconns;
	ev_timer tick;
	ev_timer reorder; /* the next deadline of the reorder buffer */
	struct netmon netmon; /* device and address changes, for rebind and routekeep (raw mode: routekeep only) */
	struct routekeep routes; /* the host set-up's routes, put back after a device is re-created */
	ev_io netmon_io;
	ev_signal sigint, sigterm, sighup;
	const char *file; /* the config, read again on SIGHUP */
	bool link_opened, pid_written;
	char sock_path[PATH_MAX];
	char pid_path[PATH_MAX];
};

/* ev_now() follows the wall clock; path timing must not jump with it. */
static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_tun(struct ev_loop *loop, ev_io *w, int revents)
{
	struct daemon *d = w->data;

	(void)loop;
	(void)revents;
	link_forward_from_tun(&d->link, mono_ns());
}

/* Arms the reorder timer for the buffer's next deadline (a packet held for a gap). */
static void arm_reorder(struct daemon *d, uint64_t now)
{
	uint64_t next = link_reorder_deadline(&d->link);

	ev_timer_stop(d->loop, &d->reorder);
	if (next == UINT64_MAX)
		return;
	ev_timer_set(&d->reorder, next > now ? (double)(next - now) / 1e9 : 0., 0.);
	ev_timer_start(d->loop, &d->reorder);
}

static void on_reorder(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	uint64_t now = mono_ns();

	(void)loop;
	(void)revents;
	link_reorder_tick(&d->link, now);
	arm_reorder(d, now);
}

static void on_path(struct ev_loop *loop, ev_io *w, int revents)
{
	struct path_watch *pw = w->data;
	uint64_t now = mono_ns();

	(void)loop;
	(void)revents;
	link_forward_to_tun(&pw->d->link, pw->index, now);
	arm_reorder(pw->d, now);
}

static void on_queue(struct ev_loop *loop, ev_io *w, int revents)
{
	struct daemon *d = w->data;

	(void)loop;
	(void)revents;
	rawlink_process(&d->rawlink);
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	uint64_t now = mono_ns();

	(void)loop;
	(void)revents;
	/* Read what waits first: a tick that comes late must not take a path for silent. */
	for (unsigned i = 0; i < d->link.conf.npaths; i++)
		if (d->link.path[i].fd >= 0)
			link_forward_to_tun(&d->link, i, now);
	link_tick(&d->link, now);
	/* A schedule change may have shortened the hold: held packets may be due now. */
	link_reorder_tick(&d->link, now);
	arm_reorder(d, now);
}

/* Moves the watchers of the paths whose sockets rebind re-opened onto their new descriptors. */
static void rewatch_paths(struct daemon *d, unsigned reopened)
{
	for (unsigned i = 0; i < d->link.conf.npaths; i++) {
		if (!(reopened & (1u << i)))
			continue;
		ev_io_stop(d->loop, &d->path_io[i].io);
		ev_io_set(&d->path_io[i].io, d->link.path[i].fd, EV_READ);
		ev_io_start(d->loop, &d->path_io[i].io);
	}
}

struct netmon_batch {
	struct daemon *d;
	uint64_t now;
	unsigned reopened; /* bit i: path i has a new fd */
};

static void on_netmon_event(const struct netmon_event *e, void *arg)
{
	struct netmon_batch *b = arg;

	if (!b->d->raw)
		rebind_on_event(&b->d->link, e, b->now, &b->reopened);
	routekeep_on_event(&b->d->routes, e);
}

static void on_netmon(struct ev_loop *loop, ev_io *w, int revents)
{
	struct daemon *d = w->data;
	struct netmon_batch b = { .d = d, .now = mono_ns(), .reopened = 0 };

	(void)loop;
	(void)revents;
	netmon_read(&d->netmon, on_netmon_event, &b);
	if (!d->raw)
		rewatch_paths(d, b.reopened);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

/* SIGHUP: read the config again and apply what can change live; on any error keep running as before. */
static void on_reload(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;
	char err[CONF_ERR_MAX];
	static struct conf next;

	(void)loop;
	(void)revents;
	notify_send("RELOADING=1");
	if (!d->file)
		log_warnx("reload: started from the command line, there is no file to read again");
	else if (!conf_load(d->file, &next, err, sizeof(err)))
		log_warnx("reload: %s; keeping the running configuration", err);
	else if (!conf_reload_check(d->raw ? &d->rawlink.conf : &d->link.conf, &next, err, sizeof(err)))
		log_warnx("reload: %s: %s; keeping the running configuration", d->file, err);
	else {
		if (!d->raw)
			link_apply(&d->link, &next, mono_ns());
		log_info("reload: %s applied", d->file);
	}
	/* Whatever the config: a device re-created while events were missed is caught here
	 * (the OpenWrt hotplug hook sends SIGHUP when an interface comes up). */
	if (!d->raw) {
		unsigned reopened = 0;

		rebind_check(&d->link, mono_ns(), &reopened);
		rewatch_paths(d, reopened);
	}
	routekeep_check(&d->routes);
	notify_send("READY=1");
}

static void conn_close(struct daemon *d, struct ctl_conn *c)
{
	struct ctl_conn **pp;

	ev_io_stop(d->loop, &c->io);
	close(c->io.fd);
	for (pp = &d->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	d->nconns--;
	free(c);
}

/* netagg -A / -F on a running raw-mode instance; returns the errno to reply with. */
static int rule_request(struct daemon *d, const struct ctl_command *cmd)
{
	struct steer *s = &d->rawlink.steer;
	char err[256];
	unsigned n;

	if (!d->raw)
		return EOPNOTSUPP;
	if (cmd->kind == CTL_RULE_FLUSH) {
		n = steer_flush(s, cmd->role);
		log_info("flushed %u %s rule(s)", n, conf_role_name(cmd->role));
		return 0;
	}
	if (!steer_add(s, &cmd->rule, err, sizeof(err))) {
		log_warnx("rule refused: %s", err);
		return s->nrules == CONF_MAX_RULES ? ENOSPC : EEXIST;
	}
	log_info("%s rule added (%u in all)", conf_role_name(cmd->rule.role), s->nrules);
	return 0;
}

/* Replies are a few KB and fit an empty socket buffer; a short write just ends the call. */
static void conn_reply(struct ctl_conn *c, const struct ctl_command *cmd)
{
	char reply[CTLPROTO_REPLY_MAX];
	struct status st;
	size_t n;
	int err = EINVAL;

	if (cmd->kind == CTL_GET) {
		if (c->d->raw)
			rawlink_snapshot(&c->d->rawlink, &st);
		else
			link_snapshot(&c->d->link, &st, mono_ns());
		n = ctlproto_format_status(&st, reply, sizeof(reply));
	} else {
		if (cmd->kind == CTL_STOP)
			err = 0;
		else if (cmd->kind == CTL_RULE_ADD || cmd->kind == CTL_RULE_FLUSH)
			err = rule_request(c->d, cmd);
		n = ctlproto_format_errno(err, reply, sizeof(reply));
	}
	if (n && send(c->io.fd, reply, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control reply: %s", strerror(errno));
}

static void on_conn(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *c = w->data;
	struct daemon *d = c->d;
	struct ctl_command cmd;
	ssize_t n;

	(void)revents;
	n = read(w->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(d, c);
		return;
	}
	c->len += (size_t)n;
	if (ctlproto_parse_command(c->buf, c->len, &cmd) == CTL_INCOMPLETE)
		return;
	conn_reply(c, &cmd);
	conn_close(d, c);
	if (cmd.kind == CTL_STOP) {
		log_info("stop requested on the control socket");
		ev_break(loop, EVBREAK_ALL);
	}
}

static void on_ctl(struct ev_loop *loop, ev_io *w, int revents)
{
	struct daemon *d = w->data;
	struct ctl_conn *c;
	int fd;

	(void)revents;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (d->nconns == MAX_CTL_CONNS || !(c = calloc(1, sizeof(*c)))) {
		close(fd);
		return;
	}
	c->d = d;
	c->next = d->conns;
	d->conns = c;
	d->nconns++;
	ev_io_init(&c->io, on_conn, fd, EV_READ);
	c->io.data = c;
	ev_io_start(loop, &c->io);
}

static bool write_pid_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "we");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

static bool start(struct daemon *d, const struct conf *c, char *err, size_t errlen)
{
	rundir_file(d->sock_path, sizeof(d->sock_path), c->interface, ".sock");
	rundir_file(d->pid_path, sizeof(d->pid_path), c->interface, ".pid");
	if (!rundir_create(err, errlen))
		return false;
	/* Refuse before touching anything when an instance of this name is alive. */
	if (ctl_alive(d->sock_path)) {
		snprintf(err, errlen, "an instance for %s is already running", c->interface);
		return false;
	}
	if (d->raw ? !rawlink_open(&d->rawlink, c, err, errlen) : !link_open(&d->link, c, mono_ns(), err, errlen))
		return false;
	d->link_opened = true;
	if (!d->raw && !netmon_open(&d->netmon, err, errlen))
		return false;
	d->ctl_fd = ctl_listen(d->sock_path, err, errlen);
	if (d->ctl_fd < 0)
		return false;
	d->pid_written = write_pid_file(d->pid_path, err, errlen);
	/* Everything privileged is done: the TUN, sockets and files are open. Raw mode keeps
	 * CAP_NET_ADMIN alone: the kernel checks it on every NFQUEUE verdict; so does a link
	 * whose host set-up added routes, to add them back after a device is re-created. In
	 * raw mode those are a sender's routes to the secondary through its device: without
	 * them the rewritten packets leave by the main table, on the primary path. */
	if (d->pid_written) {
		char journal[PATH_MAX];

		rundir_file(journal, sizeof(journal), c->interface, ".journal");
		if (routekeep_load(&d->routes, journal))
			log_info("keeping CAP_NET_ADMIN to add back %zu routes of the host set-up if their devices are re-created",
				 d->routes.n);
		if (d->raw && d->routes.n && !netmon_open(&d->netmon, err, errlen))
			return false;
	}
	return d->pid_written && privdrop(c->user, d->raw || d->routes.n, err, errlen);
}

static void watch_link(struct daemon *d)
{
	d->tun_io.data = d;
	ev_io_init(&d->tun_io, on_tun, d->link.tun_fd, EV_READ);
	ev_io_start(d->loop, &d->tun_io);
	for (unsigned i = 0; i < d->link.conf.npaths; i++) {
		struct path_watch *pw = &d->path_io[i];

		pw->d = d;
		pw->index = i;
		pw->io.data = pw;
		ev_io_init(&pw->io, on_path, d->link.path[i].fd, EV_READ);
		ev_io_start(d->loop, &pw->io);
	}
	d->netmon_io.data = d;
	ev_io_init(&d->netmon_io, on_netmon, netmon_fd(&d->netmon), EV_READ);
	ev_io_start(d->loop, &d->netmon_io);
	/* The first tick comes at once: its keepalives let the accepting side learn us before any data. */
	d->tick.data = d;
	ev_timer_init(&d->tick, on_tick, 0., TICK_SECONDS);
	ev_timer_start(d->loop, &d->tick);
	d->reorder.data = d;
	ev_timer_init(&d->reorder, on_reorder, 0., 0.);
}

static void watch(struct daemon *d)
{
	if (d->raw) {
		d->queue_io.data = d;
		ev_io_init(&d->queue_io, on_queue, nfqueue_fd(&d->rawlink.queue), EV_READ);
		ev_io_start(d->loop, &d->queue_io);
		if (d->routes.n) {
			d->netmon_io.data = d;
			ev_io_init(&d->netmon_io, on_netmon, netmon_fd(&d->netmon), EV_READ);
			ev_io_start(d->loop, &d->netmon_io);
		}
	} else {
		watch_link(d);
	}
	d->ctl_io.data = d;
	ev_io_init(&d->ctl_io, on_ctl, d->ctl_fd, EV_READ);
	ev_io_start(d->loop, &d->ctl_io);
	ev_signal_init(&d->sigint, on_signal, SIGINT);
	ev_signal_init(&d->sigterm, on_signal, SIGTERM);
	ev_signal_init(&d->sighup, on_reload, SIGHUP);
	d->sighup.data = d;
	ev_signal_start(d->loop, &d->sigint);
	ev_signal_start(d->loop, &d->sigterm);
	ev_signal_start(d->loop, &d->sighup);
}

static void stop(struct daemon *d)
{
	while (d->conns)
		conn_close(d, d->conns);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->sock_path);
	}
	/* Only what this process created: a refused start must not touch a live instance's files.
	 * After dropping root these unlinks fail; `netagg down` removes the files then. */
	if (d->pid_written)
		unlink(d->pid_path);
	netmon_close(&d->netmon);
	if (d->link_opened && d->raw)
		rawlink_close(&d->rawlink);
	else if (d->link_opened)
		link_close(&d->link);
}

static void report_ready(int ready_fd, const char *msg)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, msg, strlen(msg)) < 0 || write(ready_fd, "\n", 1) < 0)
		log_warn("cannot report readiness");
	close(ready_fd);
}

int daemon_run(const struct conf *c, const char *file, int ready_fd)
{
	static struct daemon d; /* large (frame buffers' bookkeeping); one per process */
	char err[CONF_ERR_MAX + 256];

	memset(&d, 0, sizeof(d));
	d.ctl_fd = -1;
	d.file = file;
	d.raw = c->mode == CONF_MODE_RAW;
	signal(SIGPIPE, SIG_IGN);
	/* A reload asked for during set-up (a hotplug event at boot) must not kill us before
	 * the loop's handler exists; it is simply not needed yet. */
	signal(SIGHUP, SIG_IGN);
	if (!start(&d, c, err, sizeof(err))) {
		stop(&d);
		log_warnx("%s", err);
		report_ready(ready_fd, err);
		return 1;
	}
	d.loop = ev_default_loop(EVFLAG_AUTO);
	watch(&d);
	if (d.raw)
		log_info("%s is up: raw mode, %u rules, queue %u", c->interface, c->nrules, c->queue);
	else
		log_info("%s is up: %u paths, mtu %u", c->interface, c->npaths, d.link.mtu);
	report_ready(ready_fd, "ok");
	notify_send("READY=1");
	ev_run(d.loop, 0);
	notify_send("STOPPING=1");
	stop(&d);
	ev_loop_destroy(d.loop);
	log_info("%s is down", c->interface);
	return 0;
}
