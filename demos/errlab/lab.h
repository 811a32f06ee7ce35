/*
 * errlab: the errno values a student meets with sockets, each provoked live
 * on every family and socket kind where it can happen (bin/errlab).
 *
 * The lab is a table (lab.c): for each errno, its causes (what is done, on
 * which socket types and families, and the explanation by the call that
 * failed) and, for the family/kinds none of its causes can run on, why it
 * cannot happen there. Which kinds a row applies to is said by socket type
 * and by what the family table says of the family (ports, file names,
 * foreign_address), never by its name. Every experiment runs in a child of
 * its own with a scratch directory and a time limit; its socket calls go
 * through the trace layer, and the lines it printed come back with it.
 */
#ifndef SOCKFAM_ERRLAB_H
#define SOCKFAM_ERRLAB_H

#include "../../common/family.h"

#define LAB_MAX_LINES 24

/* One errno of the lab. */
struct lab_errno {
	int err;
	const char *summary;    /* one sentence: what it means whatever the family */
};
extern const struct lab_errno lab_errnos[];   /* ends with { 0 } */

/* What one experiment did, on one family/kind. */
struct lab_result {
	const struct family *fam;
	const struct sock_kind *kind;
	const char *cause;      /* what was done, one line (NULL: cannot happen here) */
	const char *why;        /* the explanation, or why it cannot happen here */
	int produced;           /* the errno came */
	int got;                /* what the call of interest returned instead: an errno, 0 for success */
	char call[24];          /* the call that returned it ("connect") */
	int failed_line;        /* the index of that call's line in lines, -1 */
	char note[200];         /* when not produced: why (the child's own words) */
	int nlines;
	char *lines[LAB_MAX_LINES];   /* the trace lines, as strace prints them (malloc'd, whole) */
};

/* The errno's name ("ECONNREFUSED") or NULL when the lab has no such errno. */
const struct lab_errno *lab_find(const char *name);

/* The family/kinds of the lab, one after the other: *f NULL starts, returns 0
 * after the last. The kinds are bin/compare's (netlink: a user-to-user kind). */
int lab_next_kind(const struct family **f, const struct sock_kind **k);

/* Runs e on f/k (or says why it cannot happen there) into *r; lab_free then. */
void lab_run(const struct lab_errno *e, const struct family *f, const struct sock_kind *k, struct lab_result *r);
void lab_free(struct lab_result *r);

#endif
