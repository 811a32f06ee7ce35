/*
 * harness: running the suite's programs from tests.
 *
 * Programs are run from bin/ (make test runs from the project root), with
 * their standard output captured. A server is started with -p 0 (or a
 * private name) and the harness waits for its "listening on" line, so tests
 * never share a port or a path and can run in parallel.
 */
#ifndef SOCKFAM_TEST_HARNESS_H
#define SOCKFAM_TEST_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

struct h_proc {
	pid_t pid;
	int out;            /* read end of its stdout */
	char first[512];    /* the server's "listening on ..." line */
	char head[2048];    /* everything it printed up to that line (notes before it) */
};

/* A private scratch directory (removed with everything in it by h_tmpdir_free). */
char *h_tmpdir(void);
void h_tmpdir_free(char *dir);

/* Starts argv (argv[0] a path) with stdout on a pipe, stderr to `errfile`
 * (NULL: /dev/null), stdin from /dev/null. */
int h_spawn(struct h_proc *p, char *const argv[], const char *errfile);

/* Starts a server and waits (up to 5 s) for its "listening on" line (a family may
 * print notes before it: they are kept in head). 0 when it came. */
int h_start_server(struct h_proc *p, char *const argv[], const char *errfile);

/* The port of a "listening on ADDR port N (...)" line, or -1. */
int h_port_of(const char *line);

/* Waits for p; returns its exit status (or 128+signal), kills it after `timeout_s`. */
int h_wait(struct h_proc *p, int timeout_s);

/* Runs argv to the end, feeding `input` (may be NULL) on stdin; returns the exit
 * status and stores stdout (malloc'd, NUL-terminated) in *out when out is not NULL. */
int h_run(char *const argv[], const char *input, size_t input_len, char **out, const char *errfile);

/* Reads a whole file (malloc'd, NUL-terminated); NULL when it cannot. */
char *h_slurp(const char *path, size_t *len);

/* Lines of a text, split on '\n' (the text is modified); returns the count. */
size_t h_lines(char *text, char ***lines);

/* Valid UTF-8 from end to end. */
int h_utf8_ok(const char *s);
/* A Chinese character (a CJK ideograph, U+4E00 to U+9FFF) somewhere in s. */
int h_has_chinese(const char *s);
/* s without spaces, '|' and newlines (what wrapping and a diagram's lifelines
 * add to a call's text), malloc'd. */
char *h_squeeze(const char *s);

/*
 * The differential check: `strace_dir` holds one strace -ff file per process
 * (prefix "st"), `own` is the program's own trace (-o FILE). Compares them
 * line by line: strace's "+++ exited"/"--- SIG" lines are dropped, and so are
 * close() and fcntl() lines of descriptors that were not sockets (the loader's,
 * stdio's, a lock file's; under -y/-yy also every close of a file or pipe: the
 * trace's own /proc reads).
 * Returns the number of strace lines; *same gets how many were printed
 * identically, in the same order, and *first_diff a description of the first
 * difference (malloc'd) or NULL.
 */
size_t h_strace_compare(const char *strace_file, const char *own, size_t *same, char **first_diff);

/* The same for one process of several: inherited non-zero counts every close()
 * as a socket's (a child's or a thread's descriptors were made before it). */
size_t h_strace_compare_ex(const char *strace_file, const char *own, int inherited, size_t *same,
			   char **first_diff);

/* Splits a trace several processes wrote to one -o file ("PID  call..." lines;
 * lines without a pid are main_pid's) into dir/own.PID, prefixes removed.
 * Returns the number of lines written, -1 when own cannot be read. */
int h_own_split(const char *own, const char *dir, int main_pid);

/* The one strace -ff output file in dir with the given prefix (malloc'd path) or NULL. */
char *h_strace_file(const char *dir, const char *prefix);

/*
 * What a refused command line must do: runs argv (under strace -f -e
 * trace=%network when strace is installed) and checks for exit status 2, one
 * line on stderr that starts with "PROG:" (PROG: argv[0]'s last part) and
 * holds `says` (NULL: any text), and not a single socket() call. NULL when all
 * of it holds, else what did not (malloc'd, for the test's message).
 */
char *h_refused(char *const argv[], const char *says);
/* The same for PROG with the words of args (NULL-terminated, at most 14). */
char *h_refused_args(const char *prog, const char *const args[], const char *says);

/* A stream socket of the test's own (not the suite's), connected to a server
 * on loopback: AF_INET 127.0.0.1 or AF_INET6 ::1 with `port`, AF_UNIX with
 * `path` (a file, or @name for the abstract namespace). The descriptor, or
 * -1 with errno. */
int h_connect_stream(int domain, const char *path, int port);

/* The program a strace process started (its child, once it runs the program),
 * waiting up to 2 s for it; -1 when none did. */
pid_t h_tracee_of(pid_t strace_pid);

/* Reads p's stdout until a line holding `text` came (up to timeout_ms); 0 when
 * it came, -1 at the end of its output or on time. The line goes to p->first. */
int h_wait_line(struct h_proc *p, const char *text, int timeout_ms);

/* Everything p writes to its stdout from now until it ends (malloc'd,
 * NUL-terminated); h_wait it afterwards. */
char *h_drain(struct h_proc *p);

/* Children of pid (from /proc/PID/stat's ppid): how many, how many of them
 * zombies; their pids into kids (up to max). */
int h_children(pid_t pid, int *zombies, pid_t *kids, int max);
/* How many children of pid are zombies (exited, never reaped). */
int h_zombies_of(pid_t pid);

/* 1 when the strace binary is installed. */
int h_have_strace(void);

/* tests/shim_io.c, an LD_PRELOAD library that bends a few libc calls. */
#define H_SHIM "build/tests/shim_io.so"
/* The programs started from now on get the shim (and, when they are built
 * with AddressSanitizer, are told not to mind that it loads first); its
 * knobs are environment variables (see shim_io.c). 0, or -1 when it is not
 * built (the caller skips). */
int h_use_shim(void);

/* strace's -e for the calls a server model is made of, besides the network ones. */
#define H_MODEL_CALLS "trace=%network,close,clone,clone3,wait4,kill,poll,pselect6,epoll_create1,epoll_ctl," \
		      "epoll_wait,fcntl"


/* Compares every process and thread strace -ff wrote (dir/PREFIX.PID) with
 * the program's own trace `own`, split by pid (main_pid: the program's):
 * adds the lines to *total and the identical ones to *same, and returns the
 * first difference (malloc'd, naming the pid) or NULL. */
char *h_strace_compare_all(const char *dir, const char *prefix, const char *own, pid_t main_pid, size_t *same,
			   size_t *total, int *files);

#endif
