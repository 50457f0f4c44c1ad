/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Gathers the facts hostplan needs about this host over rtnetlink (libmnl). */
#ifndef NETAGG_HOSTFACTS_H
#define NETAGG_HOSTFACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "hostplan.h"

/*
 * Fills f for c in the calling thread's network namespace: for each path the device
 * holding its local address, that address's prefix and the device's default gateway in
 * the main table (lowest metric); for each raw-mode rule the device and next hop the
 * main table gives toward the secondary address, and the devices holding primary and
 * secondary; the table ids and rule priorities in use from HOSTPLAN_AUTO_FIRST up. An
 * address found nowhere leaves its fields empty (the plan says what is missing). False
 * with "hostfacts: what: strerror" in err when the kernel cannot be asked.
 */
bool hostfacts_gather(const struct conf *c, struct hostfacts *f, char *err, size_t errlen);

#endif
