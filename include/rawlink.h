/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A running raw-mode instance: the NFQUEUE queue and the rules that steer its packets. */
#ifndef NETAGG_RAWLINK_H
#define NETAGG_RAWLINK_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "hostplan.h"
#include "nfqueue.h"
#include "status.h"
#include "steer.h"

/* The mark of a packet moved to the secondary path: policy routing sends it out that path's device. */
#define RAWLINK_SECONDARY_MARK HOSTPLAN_SECONDARY_MARK

struct rawlink {
	struct conf conf;
	struct nfqueue queue;
	struct steer steer;
};

/* Binds the config's queue and loads its rules. False with the reason in err. */
bool rawlink_open(struct rawlink *r, const struct conf *c, char *err, size_t errlen);
void rawlink_close(struct rawlink *r);

/* Decides for every queued packet and lets it go on, rewritten where a rule says. */
void rawlink_process(struct rawlink *r);

/* Fills st: one entry per rule and path, with the packets and bytes steered. */
void rawlink_snapshot(const struct rawlink *r, struct status *st);

#endif
