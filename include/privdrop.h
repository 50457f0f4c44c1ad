/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Giving up root once the TUN device and the sockets exist. */
#ifndef NETAGG_PRIVDROP_H
#define NETAGG_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Becomes `user` (its uid, gid, no supplementary groups) with no capabilities left
 * but CAP_NET_ADMIN when keep_net_admin (in the permitted, effective and bounding
 * sets; nothing inheritable), unless user is "root" or the process is not root.
 * False with err when the user does not exist or a step fails; the caller must then
 * not go on.
 */
bool privdrop(const char *user, bool keep_net_admin, char *err, size_t errlen);

#endif
