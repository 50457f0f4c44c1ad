/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Makes and unmakes one host change in the calling thread's network namespace, with no journal. */
#ifndef NETAGG_HOSTOP_H
#define NETAGG_HOSTOP_H

#include <stdbool.h>
#include <stddef.h>

#include "hostchange.h"

/*
 * Reads /proc/sys for a dotted key (a '/' stands for a dot of a device name) as one word
 * without the newline. 0, the errno, or EINVAL for a value the journal could not hold
 * (several words, or HOSTCHANGE_SYSCTL_VALUE_MAX characters or more).
 */
int hostop_sysctl_read(const char *key, char *value, size_t len);

/*
 * Makes c: writes a sysctl's value (its old is the caller's business), adds a rule or
 * route that must not exist yet (NLM_F_EXCL; routes tagged proto static), or runs
 * "iptables -w -t TABLE -A CHAIN SPEC" (ip6tables for IPv6; no shell; /usr/sbin and /sbin
 * are tried when PATH has no iptables). False with the errno text or the exit status and
 * iptables' first line of stderr in why.
 */
bool hostop_apply(const struct hostchange *c, char *why, size_t whylen);

/*
 * Adds route r again if it is missing (a re-created device took it along): 1 when it was
 * added, 0 when it was there already, -1 with the errno text in why (its device or the
 * gateway's subnet not back yet, say).
 */
int hostop_route_restore(const struct hostchange_route *r, char *why, size_t whylen);

/*
 * Unmakes c: writes a sysctl's old value back, deletes a rule or route, deletes a filter
 * rule if "-C" finds it. Already gone counts as done: a device that disappeared took its
 * routes and sysctls along. False with the reason in why.
 */
bool hostop_undo(const struct hostchange *c, char *why, size_t whylen);

#endif
