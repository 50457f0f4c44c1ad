/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opens the TUN device the link's inner packets flow through. */
#include "tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int tun_open(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd;

	/* TUNSETIFF would attach to an existing persistent TUN; we only want our own. */
	if (if_nametoindex(name) != 0) {
		snprintf(err, errlen, "interface %s already exists", name);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "cannot create TUN device %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
