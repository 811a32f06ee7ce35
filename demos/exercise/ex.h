/*
 * exercise: "predict the trace" exercises and their grader (bin/exercise).
 *
 * An exercise is a plain file in exercises/ (the format: exercises/README.md):
 * a command line of the suite's programs, perhaps a server started first,
 * the question, hints, which fields of a line the grader normalises, and the
 * instructor's model answer. Grading runs the command now, with its trace
 * in a file, normalises both traces the same way and compares them call by
 * call, explaining each difference.
 */
#ifndef SOCKFAM_EXERCISE_H
#define SOCKFAM_EXERCISE_H

#include <stddef.h>

#include "../../common/sbuf.h"

#define EX_MAX_LIST 16

/* What a trace line may have normalised, beyond what always is (pointers,
 * the alignment spaces, [pid N] prefixes, the scratch directory). */
enum ex_norm {
	EX_FD = 1,         /* descriptor numbers: FD */
	EX_PORT = 2,       /* htons(N), N not 0: htons(PORT) */
	EX_PID = 4,        /* pids and ids: clone's result, nl_pid=, SO_PEERCRED's, unix-client-PID.sock */
	EX_SIZE = 8,       /* byte counts sendto/recvfrom/... return, and the length they were given */
	EX_DATA = 16,      /* what was sent or received: DATA */
};

struct exercise {
	char id[64];           /* the file's name without .txt: "01-tcp-refused" */
	int number;            /* its place in the sorted list, from 1 */
	char title[200];
	char command[512];
	char server[512];      /* "" when none */
	int trace_server;      /* the server's trace is graded, not the command's */
	char question[512];
	char hints[EX_MAX_LIST][400];
	int nhints;
	unsigned norm;         /* enum ex_norm bits */
	char explain_call[EX_MAX_LIST][24];
	char explain[EX_MAX_LIST][400];
	int nexplain;
	/* the texts taken from KEY.LANG lines, in the language of the messages */
	int title_translated, question_translated, hints_translated, explain_translated[EX_MAX_LIST];
	struct sbuf answer;    /* the model answer, lines as written */
};

/* The exercises' directory: $SOCKFAM_EXERCISES, else exercises/ beside bin/,
 * else share/sockfam/exercises beside the installed bin/. NULL: none. */
const char *ex_dir(void);

/* Every exercise of dir, sorted by name, numbered from 1; returns the count,
 * -1 with one line in err (a file that does not parse: its name and line). */
int ex_load_all(const char *dir, struct exercise **out, struct sbuf *err);
/* One file; 0, or -1 with one line in err. */
int ex_parse(const char *path, struct exercise *e, struct sbuf *err);
void ex_free(struct exercise *e, int n);

/* Runs the exercise now; its trace (normalised lines, '\n' after each) into
 * trace. 0, or -1 with one line in err. */
int ex_run(const struct exercise *e, struct sbuf *trace, struct sbuf *err);

/* Normalises one trace line as e says; dir is the run's scratch directory
 * (NULL: none), written DIR. */
void ex_normalise(const struct exercise *e, const char *line, const char *dir, struct sbuf *out);

/* Grades `answer` (the student's lines) against `actual` (normalised lines):
 * a report into out, *score of *total. 0 when every line matches. */
int ex_grade(const struct exercise *e, const char *answer, const char *actual, struct sbuf *out, int *score,
	     int *total);

#endif
