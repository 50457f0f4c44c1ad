/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal of host changes: apply as a transaction, undo by group, hand shared sysctls over. */
#include "setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errfmt.h"
#include "hostop.h"

/* ------------------------------------------------------------------ journal */

struct entry {
	unsigned line;
	char *text; /* as read, without the newline */
	bool parsed, keep, edited; /* edited: write c formatted rather than text */
	char group[HOSTCHANGE_GROUP_MAX];
	struct hostchange c;
	char why[160]; /* when not parsed */
};

struct journal {
	struct entry *e;
	size_t n, cap;
};

static void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->e[i].text);
	free(j->e);
	memset(j, 0, sizeof(*j));
}

static int journal_add(struct journal *j, const char *text, unsigned line)
{
	struct entry *en;

	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 32;
		struct entry *e = realloc(j->e, cap * sizeof(*e));

		if (!e)
			return ENOMEM;
		j->e = e;
		j->cap = cap;
	}
	en = &j->e[j->n];
	memset(en, 0, sizeof(*en));
	en->line = line;
	en->keep = true;
	en->text = strdup(text);
	if (!en->text)
		return ENOMEM;
	en->parsed = hostchange_parse_entry(text, en->group, &en->c, en->why, sizeof(en->why));
	j->n++;
	return 0;
}

/* A missing journal reads as an empty one. Blank lines are dropped. */
static int journal_read(const char *path, struct journal *j)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned no = 0;
	int e = 0;

	memset(j, 0, sizeof(*j));
	if (!f)
		return errno == ENOENT ? 0 : errno;
	while (!e && getline(&line, &cap, f) >= 0) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		if (line[strspn(line, " \t\r")])
			e = journal_add(j, line, no);
	}
	if (!e && ferror(f))
		e = EIO;
	free(line);
	fclose(f);
	return e;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t put = write(fd, buf, len);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return errno;
		buf += put;
		len -= (size_t)put;
	}
	return 0;
}

/* Appends "LINE\n" and waits until it is on disk. */
static int journal_append(int fd, const char *line)
{
	int e = write_all(fd, line, strlen(line));

	if (!e)
		e = write_all(fd, "\n", 1);
	return e ? e : fsync(fd) < 0 ? errno : 0;
}

/* Replaces the journal by its kept entries (atomically, by rename), or removes it when none is left. */
static int journal_write(const char *path, const struct journal *j)
{
	char tmp[PATH_MAX], line[HOSTCHANGE_TEXT_MAX + HOSTCHANGE_GROUP_MAX];
	size_t kept = 0;
	int fd, e = 0;

	for (size_t i = 0; i < j->n; i++)
		kept += j->e[i].keep;
	if (kept == 0)
		return unlink(path) < 0 && errno != ENOENT ? errno : 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	for (size_t i = 0; i < j->n && !e; i++) {
		const struct entry *en = &j->e[i];

		if (!en->keep)
			continue;
		if (en->edited && hostchange_format_entry(en->group, &en->c, line, sizeof(line)))
			e = journal_append(fd, line);
		else
			e = journal_append(fd, en->text);
	}
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	return e;
}

/* ------------------------------------------------------------------ apply */

static bool journal_has_key(const struct journal *j, const char *key)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->e[i].parsed && j->e[i].c.kind == HOSTCHANGE_SYSCTL && strcmp(j->e[i].c.u.sysctl.key, key) == 0)
			return true;
	return false;
}

struct applied {
	struct hostchange c;
	bool stuck; /* its undo failed: its journal line must stay */
};

/* Undoes this call's changes in reverse and cuts its lines off the journal again, but for stuck ones. */
static void rollback(int fd, off_t start, const char *journal, const char *group, struct applied *done, size_t n,
		     char *err, size_t errlen)
{
	char why[256], line[HOSTCHANGE_TEXT_MAX + HOSTCHANGE_GROUP_MAX];
	size_t used = strlen(err);
	bool any = false;

	for (size_t k = n; k-- > 0;) {
		done[k].stuck = !hostop_undo(&done[k].c, why, sizeof(why));
		if (done[k].stuck && !any && hostchange_format(&done[k].c, line, sizeof(line)))
			snprintf(err + used, errlen - used, "; undoing %s failed too: %s", line, why);
		any |= done[k].stuck;
	}
	if (ftruncate(fd, start) < 0)
		return; /* the lines stay; down will find them all undone already */
	for (size_t k = 0; k < n; k++)
		if (done[k].stuck && hostchange_format_entry(group, &done[k].c, line, sizeof(line)))
			journal_append(fd, line);
	fsync(fd);
	if (start == 0 && !any)
		unlink(journal);
}

/* Fills a sysctl's old value; *skip when the change would change nothing and no other entry shares it. */
static bool prepare(struct hostchange *c, const struct journal *j, bool *skip, char *why, size_t whylen)
{
	struct hostchange_sysctl *s = &c->u.sysctl;
	int e;

	*skip = false;
	if (c->kind != HOSTCHANGE_SYSCTL)
		return true;
	e = hostop_sysctl_read(s->key, s->old, sizeof(s->old));
	if (e)
		return errfmt(why, whylen, "cannot read the current value: %s", strerror(e));
	*skip = strcmp(s->old, s->value) == 0 && !journal_has_key(j, s->key);
	return true;
}

static bool fail_change(const struct hostchange *c, const char *why, char *err, size_t errlen)
{
	char line[HOSTCHANGE_TEXT_MAX];

	hostchange_format(c, line, sizeof(line));
	return errfmt(err, errlen, "%s: %s", line, why);
}

static bool apply_all(int fd, const char *group, const struct journal *j, const struct hostchange *plan, size_t n,
		      struct applied *done, size_t *ndone, char *err, size_t errlen)
{
	char line[HOSTCHANGE_TEXT_MAX + HOSTCHANGE_GROUP_MAX], why[256];

	for (size_t i = 0; i < n; i++) {
		struct hostchange c = plan[i];
		bool skip;
		int e;

		if (!prepare(&c, j, &skip, why, sizeof(why)))
			return fail_change(&c, why, err, errlen);
		if (skip)
			continue;
		if (!hostchange_format_entry(group, &c, line, sizeof(line)))
			return fail_change(&c, "too long for the journal", err, errlen);
		if ((e = journal_append(fd, line))) {
			snprintf(why, sizeof(why), "cannot write the journal: %s", strerror(e));
			return fail_change(&c, why, err, errlen);
		}
		if (!hostop_apply(&c, why, sizeof(why)))
			return fail_change(&c, why, err, errlen);
		done[(*ndone)++].c = c;
	}
	return true;
}

bool setup_apply(const char *journal, const char *group, const struct hostchange *plan, size_t n, char *err,
		 size_t errlen)
{
	struct journal j;
	struct applied *done;
	size_t ndone = 0;
	off_t start;
	bool ok;
	int fd, e;

	if (!hostchange_group_valid(group))
		return errfmt(err, errlen, "setup: group '%s': 1 to %d characters of a-z 0-9 _ -", group,
			    HOSTCHANGE_GROUP_MAX - 1);
	if (n == 0)
		return true;
	if ((e = journal_read(journal, &j)))
		return errfmt(err, errlen, "%s: %s", journal, strerror(e));
	fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	start = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	done = calloc(n, sizeof(*done));
	if (fd < 0 || start < 0 || !done) {
		e = errno;
		journal_free(&j);
		free(done);
		if (fd >= 0)
			close(fd);
		return errfmt(err, errlen, "%s: %s", journal, strerror(e));
	}
	ok = apply_all(fd, group, &j, plan, n, done, &ndone, err, errlen);
	if (!ok)
		rollback(fd, start, journal, group, done, ndone, err, errlen);
	close(fd);
	free(done);
	journal_free(&j);
	return ok;
}

/* ------------------------------------------------------------------ undo */

/*
 * Removing a sysctl entry from the middle of its key's chain: the next entry for the same
 * key inherits its old value and nothing is written, so the key keeps the value the
 * later entry (another group, still up) set, and undoing that one restores the original.
 */
static bool hand_over(struct journal *j, size_t i)
{
	const struct hostchange_sysctl *s = &j->e[i].c.u.sysctl;

	for (size_t k = i + 1; k < j->n; k++) {
		struct entry *en = &j->e[k];

		if (en->keep && en->parsed && en->c.kind == HOSTCHANGE_SYSCTL && strcmp(en->c.u.sysctl.key, s->key) == 0) {
			strcpy(en->c.u.sysctl.old, s->old);
			en->edited = true;
			return true;
		}
	}
	return false;
}

bool setup_undo(const char *journal, const char *group, char *err, size_t errlen)
{
	char why[256];
	struct journal j;
	bool ok = true;
	int e;

	if ((e = journal_read(journal, &j)))
		return errfmt(err, errlen, "%s: %s", journal, strerror(e));
	for (size_t i = j.n; i-- > 0;) {
		struct entry *en = &j.e[i];

		if (!en->parsed) {
			ok = ok ? errfmt(err, errlen, "%s:%u: %s", journal, en->line, en->why) : false;
			continue;
		}
		if (group && strcmp(group, en->group) != 0)
			continue;
		if (en->c.kind == HOSTCHANGE_SYSCTL && hand_over(&j, i))
			en->keep = false;
		else if (hostop_undo(&en->c, why, sizeof(why)))
			en->keep = false;
		else
			ok = ok ? errfmt(err, errlen, "%s:%u: %s: %s", journal, en->line, en->text, why) : false;
	}
	if ((e = journal_write(journal, &j)))
		ok = ok ? errfmt(err, errlen, "%s: cannot rewrite: %s", journal, strerror(e)) : false;
	journal_free(&j);
	return ok;
}

int setup_pending(const char *journal, const char *group)
{
	struct journal j;
	int n = 0;

	if (journal_read(journal, &j))
		return -1;
	for (size_t i = 0; i < j.n; i++)
		n += !group || (j.e[i].parsed && strcmp(group, j.e[i].group) == 0);
	journal_free(&j);
	return n;
}

size_t setup_routes(const char *journal, struct hostchange_route *out, size_t max)
{
	struct journal j;
	size_t n = 0;

	if (journal_read(journal, &j))
		return 0;
	for (size_t i = 0; i < j.n && n < max; i++)
		if (j.e[i].parsed && j.e[i].c.kind == HOSTCHANGE_ROUTE)
			out[n++] = j.e[i].c.u.route;
	journal_free(&j);
	return n;
}

/* ------------------------------------------------------------------ dry run */

bool setup_prune(struct hostchange *plan, size_t *n, char *err, size_t errlen)
{
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++) {
		struct hostchange_sysctl *s = &plan[i].u.sysctl;

		if (plan[i].kind == HOSTCHANGE_SYSCTL) {
			int e = hostop_sysctl_read(s->key, s->old, sizeof(s->old));

			if (e)
				return errfmt(err, errlen, "sysctl %s: %s", s->key, strerror(e));
			if (strcmp(s->old, s->value) == 0)
				continue;
		}
		plan[kept++] = plan[i];
	}
	*n = kept;
	return true;
}

void setup_print(FILE *out, const struct hostchange *plan, size_t n)
{
	char line[HOSTCHANGE_TEXT_MAX];

	for (size_t i = 0; i < n; i++)
		if (hostchange_format(&plan[i], line, sizeof(line)))
			fprintf(out, "%s\n", line);
}
