/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Makes planned host changes with a journal, so that a failed `up` rolls back and `down` undoes them, even after a crash. */
#ifndef NETAGG_SETUP_H
#define NETAGG_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hostchange.h"

/*
 * For --dry-run: reads each sysctl's current value into its `old` and drops the sysctls
 * already at their value. setup_apply reads the values again when it applies. False with
 * "sysctl KEY: strerror" in err when one cannot be read.
 */
bool setup_prune(struct hostchange *plan, size_t *n, char *err, size_t errlen);

/* Prints plan one change a line, in the journal's text form (the --dry-run output). */
void setup_print(FILE *out, const struct hostchange *plan, size_t n);

/*
 * Makes the changes in order, each preceded by its journal line ("GROUP CHANGE", appended
 * to `journal`, created 0600, fsync'd): a sysctl's old value is on disk before the new one
 * is written, a rule or route is added only if it did not exist (NLM_F_EXCL), a filter
 * rule is appended with iptables/ip6tables -w -A. A sysctl already at its value is skipped
 * unless the journal already holds that key (then the entry records old=VALUE, so that
 * undoing one group hands the original value on to the other instead of restoring it
 * under it). On failure undoes what this call did, in reverse, removes its lines from
 * the journal (keeping any whose undo failed too) and returns false with the change's
 * text and the reason ("route ... table 20033: Network is unreachable") in err.
 */
bool setup_apply(const char *journal, const char *group, const struct hostchange *plan, size_t n, char *err,
		 size_t errlen);

/*
 * Undoes the journal's changes of `group` (NULL: all) from the last to the first: a sysctl
 * gets its old value back, a rule or route is deleted (already gone is fine: a device that
 * disappeared took its routes along), a filter rule is deleted if present. Best effort:
 * keeps going past a failed step; the lines undone leave the journal, the rest stay for
 * a later try, and the file goes once it is empty. A missing journal is nothing to undo.
 * False with the first failure ("JOURNAL:LINE: CHANGE: reason") in err.
 */
bool setup_undo(const char *journal, const char *group, char *err, size_t errlen);

/* The routes the journal holds, of every group, in order: at most max into out; 0 without a journal. */
size_t setup_routes(const char *journal, struct hostchange_route *out, size_t max);

/* The number of journal entries of `group` (NULL: all); 0 without a journal, -1 if unreadable. */
int setup_pending(const char *journal, const char *group);

#endif
