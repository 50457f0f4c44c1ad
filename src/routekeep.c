/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Adds back the journal's routes through a device that was deleted and created again. */
#include "routekeep.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "hostop.h"
#include "log.h"
#include "setup.h"

size_t routekeep_load(struct routekeep *k, const char *journal)
{
	memset(k, 0, sizeof(*k));
	k->n = setup_routes(journal, k->route, ROUTEKEEP_MAX);
	return k->n;
}

/* Routes through `dev` (all when NULL) that are missing are added; failures wait for the next event. */
static void restore(struct routekeep *k, const char *dev)
{
	for (size_t i = 0; i < k->n; i++) {
		struct hostchange c = { .kind = HOSTCHANGE_ROUTE, .u.route = k->route[i] };
		char why[128], text[HOSTCHANGE_TEXT_MAX];
		int r;

		if (dev && strcmp(dev, k->route[i].dev) != 0)
			continue;
		r = hostop_route_restore(&k->route[i], why, sizeof(why));
		if (!hostchange_format(&c, text, sizeof(text)))
			snprintf(text, sizeof(text), "a route through %s", k->route[i].dev);
		if (r > 0) {
			k->restored++;
			log_info("%s: added back, its device was re-created", text);
		} else if (r < 0) {
			log_debug("%s: not yet: %s", text, why);
		}
	}
}

void routekeep_on_event(struct routekeep *k, const struct netmon_event *e)
{
	char name[IFNAMSIZ];

	if (!k->n)
		return;
	if (e->kind == NETMON_LOST) {
		restore(k, NULL);
		return;
	}
	if (e->kind != NETMON_LINK_NEW && e->kind != NETMON_ADDR_NEW)
		return;
	if (e->ifname[0])
		restore(k, e->ifname);
	else if (if_indextoname(e->ifindex, name))
		restore(k, name);
}

void routekeep_check(struct routekeep *k)
{
	restore(k, NULL);
}
