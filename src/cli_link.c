/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Commands that start and stop instances: up, down, run. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "instance.h"
#include "log.h"
#include "rundir.h"

#define STOP_WAIT_MS 10000

/* Parses "[-v] ARG"; returns the verbosity or -1 on a usage error. */
static int parse_verbose_arg(int argc, char **argv, const char **arg)
{
	int verbose = 0, i = 0;

	if (i < argc && strcmp(argv[i], "-v") == 0) {
		verbose = 1;
		i++;
	}
	if (argc - i != 1)
		return -1;
	*arg = argv[i];
	return verbose;
}

static bool load(const char *arg, struct conf *c, char file[PATH_MAX])
{
	char err[CONF_ERR_MAX];

	char given[PATH_MAX];

	instance_config_path(arg, given, sizeof(given));
	/* Absolute, so that SIGHUP finds the same file whatever the daemon's directory. */
	if (!realpath(given, file))
		snprintf(file, PATH_MAX, "%s", given);
	if (!conf_load(file, c, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return false;
	}
	return true;
}

/* The daemon keeps nothing its caller happened to have open, but the readiness pipe. */
static void close_inherited(int keep)
{
	if (keep > 3)
		close_range(3, (unsigned)keep - 1, 0);
	close_range((unsigned)keep + 1, ~0u, 0);
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Waits for the daemon's one-line report: "ok" or why set-up failed. */
static int await_ready(int fd, pid_t child, const char *iface)
{
	char msg[1024];
	ssize_t n, used = 0;
	int wstatus;

	while ((n = read(fd, msg + used, sizeof(msg) - 1 - (size_t)used)) > 0 ||
	       (n < 0 && errno == EINTR))
		used += n > 0 ? n : 0;
	close(fd);
	msg[used] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	if (strcmp(msg, "ok") == 0) {
		printf("netagg: %s is up (pid %ld)\n", iface, (long)child);
		return CLI_OK;
	}
	if (msg[0] == '\0' && waitpid(child, &wstatus, 0) == child && WIFSIGNALED(wstatus))
		snprintf(msg, sizeof(msg), "daemon died of signal %d during set-up", WTERMSIG(wstatus));
	fprintf(stderr, "netagg: %s: %s\n", iface, msg[0] ? msg : "daemon exited during set-up");
	return CLI_ERROR;
}

int cli_start_daemon(const struct conf *c, const char *file, int verbose)
{
	int pipefd[2];
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(stderr, "netagg: pipe: %s\n", strerror(errno));
		return CLI_ERROR;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "netagg: fork: %s\n", strerror(errno));
		return CLI_ERROR;
	}
	if (child == 0) {
		close(pipefd[0]);
		setsid();
		detach_stdio();
		close_inherited(pipefd[1]);
		log_init(true, verbose);
		_exit(daemon_run(c, file, pipefd[1]));
	}
	close(pipefd[1]);
	return await_ready(pipefd[0], child, c->interface);
}

/* Host changes belong to one instance: a second `up` of a running one must not touch them. */
static bool already_running(const char *iface)
{
	char sock[PATH_MAX];

	rundir_file(sock, sizeof(sock), iface, ".sock");
	if (!ctl_alive(sock))
		return false;
	fprintf(stderr, "netagg: an instance for %s is already running\n", iface);
	return true;
}

/* Parses "[-v] [--dry-run] ARG" in any order of the flags. */
static int parse_up_args(int argc, char **argv, const char **arg, bool *dry_run)
{
	int verbose = 0;

	*arg = NULL;
	*dry_run = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--dry-run") == 0)
			*dry_run = true;
		else if (!*arg && argv[i][0] != '-')
			*arg = argv[i];
		else
			return -1;
	}
	return *arg ? verbose : -1;
}

int cli_up(int argc, char **argv)
{
	const char *arg;
	char file[PATH_MAX];
	bool dry_run;
	int verbose = parse_up_args(argc, argv, &arg, &dry_run), rc;
	static struct conf c;

	if (verbose < 0)
		return cli_usage("up", "expected [-v] [--dry-run] and a config NAME or FILE");
	if (!load(arg, &c, file))
		return CLI_ERROR;
	if (dry_run)
		return cli_setup_dry_run(&c);
	if (already_running(c.interface) || !cli_setup_up(&c))
		return CLI_ERROR;
	rc = cli_start_daemon(&c, file, verbose);
	if (rc != CLI_OK)
		cli_setup_down(c.interface, NULL);
	return rc;
}

int cli_run(int argc, char **argv)
{
	const char *arg;
	char file[PATH_MAX];
	int verbose = parse_verbose_arg(argc, argv, &arg);
	struct conf c;

	if (verbose < 0)
		return cli_usage("run", "expected a config NAME or FILE");
	if (!load(arg, &c, file))
		return CLI_ERROR;
	if (already_running(c.interface) || !cli_setup_up(&c))
		return CLI_ERROR;
	log_init(false, verbose);
	/* The daemon drops root, so the host changes outlive it: `netagg down` (ExecStopPost) undoes them. */
	return daemon_run(&c, file, -1);
}

static bool wait_gone(pid_t pid)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (int waited = 0; waited < STOP_WAIT_MS; waited += 20) {
		if (!instance_process_alive(pid))
			return true;
		nanosleep(&tick, NULL);
	}
	return !instance_process_alive(pid);
}

/* Asks the instance to stop; falls back to SIGTERM when its socket does not answer. */
static bool stop_instance(const char *sock, pid_t pid, bool *was_running)
{
	char reply[256];

	*was_running = false;
	if (ctl_call(sock, "stop=1\n\n", reply, sizeof(reply))) {
		*was_running = true;
		return pid == 0 || wait_gone(pid);
	}
	if (pid && instance_process_alive(pid)) {
		*was_running = true;
		kill(pid, SIGTERM);
		return wait_gone(pid);
	}
	return true;
}

int cli_down(int argc, char **argv)
{
	char iface[IFNAMSIZ], err[CONF_ERR_MAX], sock[PATH_MAX], pidfile[PATH_MAX], journal[PATH_MAX];
	bool was_running, had_files;
	pid_t pid;

	if (argc != 1)
		return cli_usage("down", "expected an interface, config NAME or FILE");
	if (!instance_resolve(argv[0], iface, sizeof(iface), err, sizeof(err))) {
		fprintf(stderr, "netagg: %s\n", err);
		return CLI_ERROR;
	}
	rundir_file(sock, sizeof(sock), iface, ".sock");
	rundir_file(pidfile, sizeof(pidfile), iface, ".pid");
	had_files = access(sock, F_OK) == 0 || access(pidfile, F_OK) == 0;
	pid = instance_pid(iface);
	if (!stop_instance(sock, pid, &was_running)) {
		fprintf(stderr, "netagg: %s: pid %ld did not stop within %d s\n", iface, (long)pid,
			STOP_WAIT_MS / 1000);
		return CLI_ERROR;
	}
	/* After a crash or SIGKILL the daemon left these behind; the kernel already removed its TUN. */
	unlink(sock);
	unlink(pidfile);
	rundir_file(journal, sizeof(journal), iface, ".journal");
	had_files = had_files || access(journal, F_OK) == 0;
	if (!cli_setup_down(iface, NULL))
		return CLI_ERROR;
	if (!was_running && !had_files) {
		fprintf(stderr, "netagg: %s is not running\n", iface);
		return CLI_ERROR;
	}
	printf(was_running ? "netagg: %s is down\n" : "netagg: %s was not running; removed its stale files\n",
	       iface);
	return CLI_OK;
}
