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
 * trace captured (under any server model), for the side-by-side trace diff;
 * compare_timeline.c tells its processes and threads apart and pairs what one
 * sent with what another received; compare_diagram.c draws that, one lane per
 * process or thread; compare_models.c runs the exchange under every server
 * model and shows what each adds or changes.
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

/* The end of a cell's text that was too long for it (never seen: a test runs
 * every scenario and family in every language and looks for it). */
#define CMP_CUT " [...cut]"

/* One cell; a flat struct so that the child can hand it back through a pipe. */
struct cmp_cell {
	int status;
	char text[400];     /* what the matrix shows (in the language of the messages) */
	char detail[1400];  /* the longer story: --json, --markdown, --details */
	int nvalues;
	struct cmp_value v[CMP_MAXVAL];  /* measured values by name, for scripts and tests */
};

struct cmp_ctx;

struct cmp_scenario {
	const char *id;      /* "boundaries": --only takes it (or the number) */
	int number;          /* the scenario number, 1..9 */
	const char *title;   /* N_()-marked: _() it where it is shown */
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

/* The width text is made for: COLUMNS from the environment, else the width of
 * the terminal on standard output, else 80 (not a terminal); at least
 * CMP_MIN_WIDTH. */
#define CMP_MIN_WIDTH 40
int cmp_term_width(void);
/* text as lines of at most `width` columns, broken at spaces (else after a
 * '/', ',', ';' or '|'); continuation lines indented by `indent`. width 0:
 * one line. */
void cmp_print_wrapped(FILE *out, const char *text, int width, int indent);

/* s (its first `bytes` bytes) and the spaces that pad it to `width` columns
 * (i18n_width's: a CJK character takes 2). */
void cmp_put_padded(struct sbuf *sb, const char *s, size_t bytes, size_t width);
/* The next line of s of at most w columns (its bytes): broken at the last
 * space that fits or between two CJK characters, else after a '/', ',', ';'
 * or '|', else at w. */
size_t cmp_wrap_next(const char *s, size_t w);

/* Output. The text table is at most `width` columns wide: when the whole
 * matrix would not fit, it is transposed (a row per socket kind) or split
 * into tables that each fit, whichever needs fewer; CMP_WIDE keeps it one
 * table whatever the width. CMP_DETAILS adds every cell's longer story. */
enum { CMP_DETAILS = 1, CMP_WIDE = 2 };
void cmp_print_text(FILE *out, const struct cmp_matrix *m, int width, int flags);
void cmp_print_markdown(FILE *out, const struct cmp_matrix *m);
void cmp_print_json(FILE *out, const struct cmp_matrix *m);
void cmp_print_csv(FILE *out, const struct cmp_matrix *m);
/* s as a JSON string, quotes included. */
void cmp_json_str(FILE *out, const char *s);

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
	int tid;             /* the process or thread that made it */
	double start, end;   /* seconds of the day: when the call began and returned */
	char *call;          /* "connect(3, {...}, 16)" */
	char *result;        /* "0", "-1 ECONNREFUSED (Connection refused)" */
	char name[24];       /* "connect" */
	int fd;              /* the first argument */
	long rc;
};

struct model;

struct cmp_capture {
	const struct family *fam;
	const struct sock_kind *kind;
	const struct model *model;  /* the server's model (never NULL after a run) */
	int pool;                   /* prefork=N / prethread=N as run; 0 for other models */
	char label[48];
	char scratch[256];          /* the run's scratch directory (gone after the run) */
	char **messages;            /* what the client sent */
	int nmessages;
	struct cmp_call *calls;     /* both sides, in time order */
	size_t ncalls;
	int server_pid, client_pid; /* the processes the run started */
	int server_status, client_status;
};

/* Runs the skeleton's server (one client) and client with `nmsg` messages over
 * f/k, capturing both traces. 0, or -1 with one line in err. */
int cmp_capture_run(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		    char **messages, int nmsg, struct sbuf *err);
/* The same with the server under model m (NULL: the default) with a pool of
 * `pool` (0: the model's default). 1 when the model does not apply to the kind
 * (err says why, with the model's own reason), 0, or -1 with one line in err. */
int cmp_capture_model(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		      const struct model *m, int pool, char **messages, int nmsg, struct sbuf *err);
void cmp_capture_free(struct cmp_capture *cap);

/* "fork" or "prefork=2" into a model and a pool; 0, or -1 with one line in err. */
int cmp_model_parse(const char *spec, const struct model **m, int *pool, struct sbuf *err);

/* One line of the trace as strace prints it (without timestamps). */
void cmp_call_line(struct sbuf *sb, const struct cmp_call *c);
/* s with the run's scratch directory written as $DIR. */
void cmp_put_short(struct sbuf *sb, const char *s, const char *scratch);

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

/* ---- who made which call, and what went from whom to whom (compare_timeline.c) -- */

/* A process or thread of the run: the client, the server, each child or thread. */
struct cmp_actor {
	int tid;
	int side;            /* SIDE_SERVER or SIDE_CLIENT */
	int proc;            /* the actor whose descriptor table it uses (itself, or the
			      * process a thread belongs to) */
	int is_thread;       /* made by clone3 (pthread_create) */
	int parent;          /* the actor that made it, -1 */
	long spawn, reap;    /* the clone/clone3 and the wait4 call (indexes), -1 */
	char name[40];       /* "client", "server", "child 4455", "thread 4490" (English: --json gives it) */
};

enum cmp_arrow_kind { ARR_CONNECT = 1, ARR_DATA, ARR_EOF, ARR_SPAWN, ARR_REAP };

struct cmp_arrow {
	int kind;
	long from, to;        /* call indexes; -1: the lane itself (to: nothing received it) */
	int from_actor, to_actor;   /* to_actor -1: nobody received it */
	long bytes;
	char label[48];       /* "6 B", "connect", "end of stream", "fork", "exit 0" (in the language of the messages) */
};

struct cmp_timeline {
	struct cmp_actor *actors;   /* client first, then the server, then in the order made */
	size_t nactors;
	int *actor_of;              /* call -> actor */
	size_t *order;              /* the calls in the order they happened: a call after
				     * the earlier calls of its own lane, a receive after its
				     * send, a child's calls after its clone, a wait4 after
				     * the child's last call */
	size_t *row;                /* call -> its place in order */
	struct cmp_arrow *arrows;
	size_t narrows;
};

void cmp_timeline_build(const struct cmp_capture *cap, struct cmp_timeline *t);
void cmp_timeline_free(struct cmp_timeline *t);

/* ---- the run as a sequence diagram (compare_diagram.c) ------------------------ */

/* s as lines of at most w columns, broken after a space (continuations indented
 * by two), never cut; returns the count. cmp_free_lines frees them. */
size_t cmp_wrap_lines(const char *s, size_t w, char ***lines);
void cmp_free_lines(char **lines, size_t n);

/* One lane per process or thread; text for a terminal `width` wide, or SVG. */
void cmp_diagram_text(FILE *out, const struct cmp_capture *cap, int width);
void cmp_diagram_svg(FILE *out, const struct cmp_capture *cap);

/* ---- the server models side by side (compare_models.c) ------------------------ */

/* What one model's server did differently from the reference (iterative). */
enum cmp_mark { MARK_SAME = 0, MARK_ADDED, MARK_CHANGED, MARK_MOVED, MARK_MISSING };

struct cmp_mentry {
	int mark;
	int count;            /* N calls in a row that differ only in pids, pointers, ports */
	const struct cmp_call *call;   /* the (first) call; MARK_MISSING: the reference's */
	char who[40];         /* the actor that made it */
	char *results;        /* "4514, 4515, ..." when count > 1, else NULL */
	size_t at;            /* MARK_ADDED: before the reference's call `at` (== n: at the
			       * end); otherwise the reference's call it stands for */
};

struct cmp_mrun {
	const struct model *model;
	int status;                 /* 0 ran, 1 does not apply, -1 failed */
	char why[400];              /* status != 0: why */
	struct cmp_capture cap;
	struct cmp_mentry *entries; /* against the reference, in the model's order */
	size_t nentries;
	int client_same;            /* the client's calls match the reference's */
};

struct cmp_models {
	const struct family *fam;
	const struct sock_kind *kind;
	struct cmp_mrun *runs;      /* one per model; runs[0] is the reference */
	size_t nruns;
	const struct cmp_call **ref;   /* the reference's server calls, in order */
	char **ref_who;
	size_t nref;
	size_t nclient;             /* the reference's client calls */
};

/* Runs the exchange under every model on f/k. 0 when the reference ran, else
 * -1 with one line in err. */
int cmp_models_run(struct cmp_models *mm, const struct family *f, const struct sock_kind *k,
		   struct sbuf *err);
void cmp_models_free(struct cmp_models *mm);
void cmp_models_text(FILE *out, const struct cmp_models *mm, int width);
void cmp_models_markdown(FILE *out, const struct cmp_models *mm);
void cmp_models_json(FILE *out, const struct cmp_models *mm);
/* "+", "!", ">", "-" or " " */
const char *cmp_mark_sign(int mark);

#endif
