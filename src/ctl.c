/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UNIX stream sockets for the control protocol; framing lives in ctlproto.c. */
#include "ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_CALL_TIMEOUT_S 5

static bool make_address(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	strcpy(sun->sun_path, path);
	return true;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sun;
	struct timeval tv = { .tv_sec = CTL_CALL_TIMEOUT_S };
	int fd;

	if (!make_address(path, &sun))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* A wedged daemon must not hang the CLI forever. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

bool ctl_alive(const char *path)
{
	int fd = connect_to(path);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int ctl_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, ret;

	if (ctl_alive(path)) {
		snprintf(err, errlen, "an instance is already running (control socket %s)", path);
		return -1;
	}
	if (!make_address(path, &sun)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret < 0 || listen(fd, 8) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

bool ctl_call(const char *path, const char *request, char *reply, size_t len)
{
	size_t used = 0;
	ssize_t n = 0;
	int fd = connect_to(path), e;

	if (fd < 0)
		return false;
	if (!write_all(fd, request, strlen(request))) {
		e = errno;
		close(fd);
		errno = e;
		return false;
	}
	while (used + 1 < len && (n = read(fd, reply + used, len - 1 - used)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		used += (size_t)n;
	}
	e = errno;
	close(fd);
	reply[used] = '\0';
	errno = e;
	return n >= 0;
}
