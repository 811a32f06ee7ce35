/*
 * pymap: the users' table of Python socket calls and the system calls behind
 * them, made live. Each step is a line of Python (run by python3 under real
 * strace, steps told apart by a marker write of their own) and the suite's C
 * equivalent (made here through the trace layer, its lines captured).
 */
#ifndef SOCKFAM_PYMAP_H
#define SOCKFAM_PYMAP_H

#include <stddef.h>

#include "../../common/sbuf.h"

struct pm_state;

struct pm_step {
	const char *python;     /* the Python lines, as run (and shown) */
	const char *c_call;     /* the C equivalent, as shown */
	void (*c)(struct pm_state *st);
	/* what a student should know when the two differ; a "%d" is the number
	 * of `count` calls strace saw for the Python line */
	const char *note;
	const char *count;
	int hidden;             /* setup for the next steps: run, not shown */
};

extern const struct pm_step pm_steps[];
extern const size_t pm_nsteps;

/* The C side: runs every step's C equivalent, each step's trace lines into
 * lines[i] (one line per '\n'). 0, or -1 when the trace could not be captured. */
int pm_run_c(struct sbuf *lines);

/* The Python side: the script of every step, each behind a marker. */
void pm_script(struct sbuf *out);
/* strace's output split by the markers into lines[i]; -1 when a marker is missing. */
int pm_split(const char *strace_out, struct sbuf *lines);

#endif
