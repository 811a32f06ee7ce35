/*
 * compare: the families side by side (bin/compare).
 *
 * A matrix of scenarios (rows) over every (family, socket kind) pair of the
 * registry (columns). Every cell is measured by running the scenario now, in
 * a child process of its own with a timeout and a scratch directory that is
 * removed afterwards; nothing in a cell is a constant of the code. What
 * differs by family comes from the family table (kinds, test_address, ...).
 *
 * compare_trace.c runs the skeleton's own client/server exchange with the
 * trace captured, for the side-by-side trace diff and the sequence diagram.
 */
#ifndef SOCKFAM_COMPARE_H
#define SOCKFAM_COMPARE_H

#include <stdio.h>

#include "../../common/family.h"
#include "../../common/sbuf.h"

enum cmp_status {
	CELL_OK = 0,      /* measured */
	CELL_NA,          /* the scenario does not apply to this kind */
	CELL_CANT,        /* cannot run here (no IPv6, no permission, ...): text says why */
	CELL_TIMEOUT,     /* the scenario did not finish in time */
	CELL_ERROR,       /* the scenario itself failed unexpectedly */
};

#define CMP_MAXVAL 14
struct cmp_value {
	char key[24];
	int is_num;
	long num;
	char str[100];
};

/* One cell; a flat struct so that the child can hand it back through a pipe. */
struct cmp_cell {
	int status;
	char text[200];     /* what the matrix shows */
	char detail[640];   /* the longer story: --json, --markdown, --details */
	int nvalues;
	struct cmp_value v[CMP_MAXVAL];  /* measured values by name, for scripts and tests */
};

struct cmp_ctx;

struct cmp_scenario {
	const char *id;      /* "boundaries": --only takes it (or the number) */
	int number;          /* the scenario number, 1..9 */
	const char *title;
	int timeout_ms;      /* the cell is killed after this */
	void (*run)(struct cmp_ctx *c);
};
extern const struct cmp_scenario cmp_scenarios[];   /* ends with { NULL } */

const char *cmp_status_name(int status);   /* "ok", "n/a", "cannot run", "timeout", "error" */

/* Runs one cell in a child process; problems (timeouts, crashes) land in the cell. */
void cmp_run_cell(const struct cmp_scenario *sc, const struct family *f,
		  const struct sock_kind *k, struct cmp_cell *out);

/* A value of a cell: the number (dflt when absent or not a number), the text (NULL when absent). */
long cmp_num(const struct cmp_cell *c, const char *key, long dflt);
const char *cmp_str(const struct cmp_cell *c, const char *key);

struct cmp_column {
	const struct family *fam;
	const struct sock_kind *kind;
	char label[48];      /* "inet TCP" */
};

struct cmp_matrix {
	int ncols, nrows;
	struct cmp_column *cols;
	const struct cmp_scenario **rows;
	struct cmp_cell *cells;     /* nrows x ncols, row-major */
	double seconds;             /* how long the run took */
};
#define CMP_CELL(m, r, c) (&(m)->cells[(size_t)(r) * (size_t)(m)->ncols + (size_t)(c)])

/*
 * Picks rows and columns. `only`: NULL, or a comma list of scenario ids or
 * numbers; `families`: NULL, or a comma list of FAMILY or FAMILY/KIND.
 * 0, or -1 with one line in err.
 */
int cmp_matrix_select(struct cmp_matrix *m, const char *only, const char *families, struct sbuf *err);
/* Runs every cell; `progress` (may be NULL) gets a dot per cell. */
void cmp_matrix_run(struct cmp_matrix *m, FILE *progress);
void cmp_matrix_free(struct cmp_matrix *m);

/* Output. width: the terminal's columns for the text table. */
void cmp_print_text(FILE *out, const struct cmp_matrix *m, int width, int details);
void cmp_print_markdown(FILE *out, const struct cmp_matrix *m);
void cmp_print_json(FILE *out, const struct cmp_matrix *m);
void cmp_print_csv(FILE *out, const struct cmp_matrix *m);

/* A fresh private directory under $TMPDIR (or /tmp) into buf; 0 or -1 with errno.
 * cmp_remove_tree removes it with everything in it. */
int cmp_scratch(char *buf, size_t size);
void cmp_remove_tree(const char *dir);

/* The kinds the comparison shows for f: its compare_kinds, or its kinds. */
static inline const struct sock_kind *cmp_kinds(const struct family *f)
{
	return f->compare_kinds ? f->compare_kinds : f->kinds;
}

/* Finds a family (and a kind: "inet/udp"; the default kind without one) in the registry. */
int cmp_find(const char *spec, const struct family **f, const struct sock_kind **k, struct sbuf *err);

/* ---- traces of one exchange (compare_trace.c) ------------------------------ */

enum { SIDE_SERVER = 0, SIDE_CLIENT = 1 };

struct cmp_call {
	int side;
	double start, end;   /* seconds of the day: when the call began and returned */
	char *call;          /* "connect(3, {...}, 16)" */
	char *result;        /* "0", "-1 ECONNREFUSED (Connection refused)" */
	char name[24];       /* "connect" */
	int fd;              /* the first argument */
	long rc;
};

struct cmp_capture {
	const struct family *fam;
	const struct sock_kind *kind;
	char label[48];
	char scratch[256];          /* the run's scratch directory (gone after the run) */
	char **messages;            /* what the client sent */
	int nmessages;
	struct cmp_call *calls;     /* both sides, in time order */
	size_t ncalls;
	int server_status, client_status;
};

/* Runs the skeleton's server (one client) and client with `nmsg` messages over
 * f/k, capturing both traces. 0, or -1 with one line in err. */
int cmp_capture_run(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		    char **messages, int nmsg, struct sbuf *err);
void cmp_capture_free(struct cmp_capture *cap);

/* One line of the trace as strace prints it (without timestamps). */
void cmp_call_line(struct sbuf *sb, const struct cmp_call *c);

struct cmp_diffstat {
	int same;        /* identical */
	int volatile_;   /* differ only in ports, pids or private names */
	int changed;     /* same call, other arguments or result */
	int only_a, only_b;
};
/* Prints a's and b's traces side by side, server calls then client calls,
 * aligned call by call, marking differences; fills st (may be NULL). */
void cmp_trace_diff(FILE *out, const struct cmp_capture *a, const struct cmp_capture *b,
		    int width, struct cmp_diffstat *st);

/* The run as a sequence diagram: text for a terminal, or an SVG picture. */
void cmp_diagram_text(FILE *out, const struct cmp_capture *cap, int width);
void cmp_diagram_svg(FILE *out, const struct cmp_capture *cap);

#endif
