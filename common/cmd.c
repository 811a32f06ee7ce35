/*
 * cmd: the command server (--service cmd).
 *
 * Each message is one command line. The server never hands it to a shell:
 * the line is checked byte by byte (letters, digits, spaces and -_.,:/=+@%
 * only; anything a shell would read as syntax is refused, so `date; rm -rf ~`
 * is one bad command, never two), split on spaces into an argument vector,
 * looked up in a fixed allow-list, its arguments checked against that entry's
 * rule, and run from its absolute path:
 *
 *   pipe2 -> fork (t_fork) -> child: stdin /dev/null, stdout and stderr the
 *   pipe, every other descriptor closed, signals as a new program expects,
 *   execve(path, argv, {PATH, LC_ALL=C}) -> parent: poll (t_poll) the pipe
 *   until it ends or the time limit passes (then kill SIGKILL, t_kill) ->
 *   wait4 (t_wait4) for that one child.
 *
 * The answer is the output, then one status line: "[exit N]", "[killed by
 * SIGKILL after the 5 s time limit]", "[error: ...]", with "; output cut: ..."
 * when the output was over the limit. On a text stream (--framing line or
 * none) the output goes as it came and the status is a line after it; with
 * --framing length, on seqpacket and on datagrams the output is one message
 * and the status another.
 *
 * Where the wait happens depends on the model. Under the blocking models
 * (iterative, fork, thread, prefork, prethread) it happens inside data(),
 * and only this client waits. Under select, poll and epoll the pipe joins
 * the loop (sv_side_wait): data() returns at once, the loop watches the pipe
 * beside every socket, and cmd_side() reads the output as it comes and
 * answers when the command ends or its time is up. Meanwhile this client's
 * next commands wait unread, so answers keep their order, and every other
 * client is served as usual. (On datagrams the wait stays inside data():
 * a datagram has no connection to hold it.)
 */
#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "i18n.h"
#include "io.h"
#include "skeleton.h"
#include "trace.h"

#define CMD_OUTPUT_MAX 65536     /* bytes of output sent back; the rest is counted, not sent */
#define CMD_TIMEOUT_DEFAULT 5    /* seconds, unless --cmd-timeout */

/* How an entry's arguments are checked. */
enum argrule {
	A_NONE,      /* no arguments at all */
	A_FLAGS,     /* each one of `allowed` */
	A_WORDS,     /* any words (the line's own check already ran) */
	A_NUMBERS,   /* whole numbers in [lo, hi] */
	A_FILES,     /* each one of `allowed` */
};

struct command {
	const char *name;
	const char *path;                /* absolute: no PATH search */
	enum argrule rule;
	int min_args, max_args;
	const char *const *allowed;
	long lo, hi;
	const char *usage;
};

static const char *const date_flags[] = { "-u", "-R", "-I", NULL };
static const char *const uname_flags[] = { "-a", "-s", "-n", "-r", "-m", NULL };
static const char *const uptime_flags[] = { "-p", "-s", NULL };
static const char *const cat_files[] = { "/etc/os-release", "/proc/loadavg", "/proc/uptime", "/proc/version",
					 NULL };

/* The allow-list. README.md ("A command server") says why each is safe. */
static const struct command commands[] = {
	{ "date", "/usr/bin/date", A_FLAGS, 0, 3, date_flags, 0, 0, "date [-u] [-R|-I]" },
	{ "uname", "/usr/bin/uname", A_FLAGS, 0, 5, uname_flags, 0, 0, "uname [-a|-s|-n|-r|-m]" },
	{ "hostname", "/usr/bin/hostname", A_NONE, 0, 0, NULL, 0, 0, "hostname" },
	{ "uptime", "/usr/bin/uptime", A_FLAGS, 0, 1, uptime_flags, 0, 0, "uptime [-p|-s]" },
	{ "whoami", "/usr/bin/whoami", A_NONE, 0, 0, NULL, 0, 0, "whoami" },
	{ "id", "/usr/bin/id", A_NONE, 0, 0, NULL, 0, 0, "id" },
	{ "echo", "/usr/bin/echo", A_WORDS, 0, CMD_ARGS_MAX - 1, NULL, 0, 0, "echo [WORD]..." },
	{ "seq", "/usr/bin/seq", A_NUMBERS, 1, 3, NULL, -1000000000L, 1000000000L, "seq [FIRST [STEP]] LAST" },
	{ "sleep", "/usr/bin/sleep", A_NUMBERS, 1, 1, NULL, 0, 3600, "sleep SECONDS" },
	{ "cat", "/usr/bin/cat", A_FILES, 1, 1, cat_files, 0, 0,
	  "cat FILE" },
	{ "true", "/usr/bin/true", A_NONE, 0, 0, NULL, 0, 0, "true" },
	{ "false", "/usr/bin/false", A_NONE, 0, 0, NULL, 0, 0, "false" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* What a command line may hold besides letters and digits. */
static const char word_chars[] = "-_.,:/=+@%";
/* What a shell would read as syntax: named as such in the refusal. */
static const char shell_chars[] = ";&|$`<>(){}[]*?~!#'\"\\\n";

/* ---- the line ------------------------------------------------------------------------ */

static int is_word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr(word_chars, ch));
}

/* "'x'" or "byte 0x07", for people. */
static void name_byte(struct sbuf *sb, unsigned char ch)
{
	if (ch >= 0x21 && ch < 0x7f)
		sb_printf(sb, "'%c'", ch);
	else if (ch == '\n')
		sb_printf(sb, "a newline");
	else
		sb_printf(sb, "byte 0x%02x", ch);
}

/* A name from the line in an error: whole up to 64 bytes, else cut with "...". */
static void quote_word(struct sbuf *sb, const char *w)
{
	size_t n = strlen(w);
	sb_printf(sb, "'%.*s%s'", n > 64 ? 64 : (int)n, w, n > 64 ? "..." : "");
}

static int whole_number(const char *w, long lo, long hi)
{
	const char *p = w;
	if (*p == '-')
		p++;
	if (!*p || strlen(p) > 10)
		return 0;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return 0;
	long v = strtol(w, NULL, 10);
	return v >= lo && v <= hi;
}

static int one_of(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

const struct command *cmd_parse(char *line, size_t n, char **argv, int *help, struct sbuf *err)
{
	*help = 0;
	if (n > CMD_LINE_MAX) {
		sb_printf(err, "a command line of %zu bytes is over the limit of %d bytes: not run", n,
			  CMD_LINE_MAX);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (is_word_byte(ch) || ch == ' ' || ch == '\t')
			continue;
		name_byte(err, ch);
		if (ch && strchr(shell_chars, ch))
			sb_printf(err, " (at byte %zu) is shell syntax, and no shell runs here: the whole line "
				  "is one command, refused, and nothing was run", i + 1);
		else
			sb_printf(err, " (at byte %zu) cannot be in a command: letters, digits, spaces and %s "
				  "only; nothing was run", i + 1, word_chars);
		return NULL;
	}
	line[n] = '\0';
	int argc = 0;
	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (argc == CMD_ARGS_MAX) {
			sb_printf(err, "more than %d words: not run", CMD_ARGS_MAX);
			return NULL;
		}
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	if (!argc) {
		sb_printf(err, "an empty command: try help");
		return NULL;
	}
	if (!strcmp(argv[0], "help")) {
		if (argc > 1) {
			sb_printf(err, "help takes no arguments");
			return NULL;
		}
		*help = 1;
		return NULL;
	}
	const struct command *cmd = NULL;
	for (size_t i = 0; i < NCOMMANDS && !cmd; i++)
		if (!strcmp(commands[i].name, argv[0]))
			cmd = &commands[i];
	if (!cmd) {
		sb_printf(err, "unknown command ");
		quote_word(err, argv[0]);
		sb_printf(err, ": try help");
		return NULL;
	}
	int nargs = argc - 1;
	int ok = nargs >= cmd->min_args && nargs <= cmd->max_args;
	const char *bad = NULL;
	for (int i = 1; ok && i < argc; i++) {
		switch (cmd->rule) {
		case A_NONE: ok = 0; break;
		case A_FLAGS:
		case A_FILES: ok = one_of(argv[i], cmd->allowed); break;
		case A_NUMBERS: ok = whole_number(argv[i], cmd->lo, cmd->hi); break;
		case A_WORDS: break;
		}
		if (!ok)
			bad = argv[i];
	}
	if (!ok) {
		sb_printf(err, "bad arguments for %s", cmd->name);
		if (bad) {
			sb_printf(err, " (");
			quote_word(err, bad);
			sb_printf(err, ")");
		}
		sb_printf(err, ": usage: %s", cmd->usage);
		if (cmd->rule == A_FILES) {
			sb_printf(err, " (FILE is");
			for (const char *const *f = cmd->allowed; *f; f++)
				sb_printf(err, "%s %s", f == cmd->allowed ? "" : ",", *f);
			sb_printf(err, ")");
		}
		if (cmd->rule == A_NUMBERS)
			sb_printf(err, " (whole numbers from %ld to %ld)", cmd->lo, cmd->hi);
		return NULL;
	}
	if (access(cmd->path, X_OK)) {
		sb_printf(err, "%s is on the list, but %s is not installed here", cmd->name, cmd->path);
		return NULL;
	}
	return cmd;
}

/* ---- running one ------------------------------------------------------------------------ */

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* In the child, between fork and execve: only async-signal-safe calls. */
static void __attribute__((noreturn)) child(const struct command *cmd, char **argv, int devnull, int out)
{
	static char *const env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);   /* thread models block some in their threads */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);          /* the server ignores it; exec keeps that */
	if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	/* the listening socket, other clients' sockets, their pipes: none is the command's */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execve(cmd->path, argv, env);
	static const char msg[] = "cmd: execve failed\n";
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(127);
	_exit(127);
}

/* One command running for a connection. */
struct job {
	const struct command *cmd;
	pid_t pid;
	int fd;                       /* the read end of its output's pipe */
	struct timespec t0;
	int timeout_s;
	size_t max, total;            /* output kept at most; output seen */
	struct sbuf out;              /* what is sent back */
	char *tmp;                    /* one read (a pipe's buffer) */
};

enum job_end { RAN, TIMED_OUT, STOPPED };

#define JOB_READ 65536   /* a pipe's buffer: one read takes what it holds */

/* Starts cmd: 0, or -1 with the reason in status (nothing runs). */
static int job_start(struct conn *c, struct job *j, const struct command *cmd, char **argv, size_t max,
		     struct sbuf *status)
{
	struct server *sv = c->sv;
	memset(j, 0, sizeof *j);
	j->cmd = cmd;
	j->max = max;
	j->timeout_s = sv->o->cmd_timeout_s ? sv->o->cmd_timeout_s : CMD_TIMEOUT_DEFAULT;
	j->fd = -1;
	j->tmp = malloc(JOB_READ);
	if (!j->tmp) {
		sb_printf(status, "[error: out of memory: not run]");
		return -1;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		sb_printf(status, "[error: no pipe for the command's output (%s): not run]", strerrorname_np(errno));
		return -1;
	}
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		sb_printf(status, "[error: cannot open /dev/null (%s): not run]", strerrorname_np(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	sv_log_flush();
	pid_t pid = t_fork();
	if (pid == 0)
		child(cmd, argv, devnull, p[1]);
	int fork_errno = errno;
	close(p[1]);
	close(devnull);
	if (pid < 0) {
		close(p[0]);
		sv_log(sv, _("%s: no process for %s (%s): not run"), conn_who(c), cmd->name,
		       strerrorname_np(fork_errno));
		sb_printf(status, "[error: no process for the command (%s): not run]", strerrorname_np(fork_errno));
		return -1;
	}
	j->pid = pid;
	j->fd = p[0];
	return 0;
}

/* One read of the command's output (the pipe is readable): 1 more may come,
 * 0 it ended (or can no longer be read). */
static int job_take(struct job *j)
{
	ssize_t n = read(j->fd, j->tmp, JOB_READ);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return 0;
	j->total += (size_t)n;
	if (j->out.len < j->max)
		sb_putn(&j->out, j->tmp, (size_t)n < j->max - j->out.len ? (size_t)n : j->max - j->out.len);
	return 1;
}

/* The command ended (or is to be ended: then it is killed first): its
 * pipe closed, its status taken with wait4, and the status line into
 * status (j->out stays, for the answer). */
static void job_finish(struct conn *c, struct job *j, enum job_end end, struct sbuf *status)
{
	if (end != RAN)
		t_kill(j->pid, SIGKILL);
	close(j->fd);
	j->fd = -1;
	free(j->tmp);
	j->tmp = NULL;
	int st = 0;
	pid_t w;
	while ((w = t_wait4(j->pid, &st, 0)) < 0 && errno == EINTR)
		;
	long ms = ms_since(&j->t0);
	if (w < 0)
		sb_printf(status, "[error: the command's status was lost (%s)", strerrorname_np(errno));
	else if (end == TIMED_OUT)
		sb_printf(status, "[killed by SIGKILL after the %d s time limit", j->timeout_s);
	else if (end == STOPPED)
		sb_printf(status, "[killed by SIGKILL: %s", io_stop ? "the server is stopping" : "the client is gone");
	else if (WIFEXITED(st))
		sb_printf(status, "[exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		sb_printf(status, "[killed by SIG%s", sigabbrev_np(WTERMSIG(st)) ?: "?");
	else
		sb_printf(status, "[ended with status %#x", st);
	if (j->total > j->out.len)
		sb_printf(status, "; output cut: %zu of %s%zu bytes sent (the limit is %zu)", j->out.len,
			  end == RAN ? "" : "at least ", j->total, j->max);
	sb_putc(status, ']');
	sv_log(c->sv, _("%s: ran %s (pid %d, %s) in %ld ms: %s"), conn_who(c), j->cmd->name, (int)j->pid, j->cmd->path,
	       ms, sb_str(status));
}

/* The blocking models: waits here, in poll on the pipe, until the command
 * ends or its time is up. */
static void job_wait(struct conn *c, struct job *j, struct sbuf *status)
{
	enum job_end end = RAN;
	for (;;) {
		long left = j->timeout_s * 1000L - ms_since(&j->t0);
		if (io_stop || left <= 0) {
			end = io_stop ? STOPPED : TIMED_OUT;
			break;
		}
		struct pollfd pf = { j->fd, POLLIN, 0 };
		int r = t_poll(&pf, 1, (int)left);
		if (r <= 0)
			continue;   /* EINTR, or the time is up: looked at above */
		if (!job_take(j))
			break;
	}
	job_finish(c, j, end, status);
}

/* ---- the answer ---------------------------------------------------------------------------- */

/* A text stream (--framing line or none): the output as it came, then the
 * status as a line of its own. Otherwise each is one message. */
static int text_stream(const struct conn *c)
{
	const struct session *s = c->sv->s;
	return !c->dgram && s->kind->type == SOCK_STREAM && (!c->framed || s->framing->open_end);
}

static int answer(struct conn *c, const struct sbuf *out, const struct sbuf *status)
{
	int r = 0;
	if (text_stream(c)) {
		struct sbuf all = SBUF_INIT;
		if (out->len) {
			sb_putn(&all, out->p, out->len);
			if (out->p[out->len - 1] != '\n')
				sb_putc(&all, '\n');   /* so the status starts a line (README says so) */
		}
		sb_putn(&all, status->p, status->len);
		sb_putc(&all, '\n');
		r = conn_write(c, all.p, all.len);
		sb_free(&all);
		return r;
	}
	/* length framing: always two frames (an empty one is unambiguous); a
	 * record or datagram of 0 bytes would read as nothing, so none is sent */
	if (out->len || (c->framed && !c->dgram))
		r = conn_send(c, out->len ? out->p : "", out->len);
	if (r == 0)
		r = conn_send(c, status->p, status->len);
	return r;
}

static void help_text(struct sbuf *out, int timeout_s, size_t max)
{
	sb_printf(out, "commands (no shell: each runs from its absolute path, at most %d s and %zu bytes "
		  "of output):\n", timeout_s, max);
	sb_printf(out, "  %-26s %s\n", "help", "this list");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *k = &commands[i];
		sb_printf(out, "  %-26s %s\n", k->usage, k->path);
		if (k->rule == A_FILES) {
			sb_printf(out, "    FILE:");
			for (const char *const *f = k->allowed; *f; f++)
				sb_printf(out, " %s", *f);
			sb_putc(out, '\n');
		}
	}
}

/* The command ran (or could not): its answer goes out, and what the job
 * held is freed. */
static int job_answer(struct conn *c, struct job *j, struct sbuf *status)
{
	int r = answer(c, &j->out, status);
	sb_free(&j->out);
	free(j->tmp);
	return r;
}

static int cmd_data(struct conn *c, char *buf, size_t n)
{
	/* the line's end: a CR from a terminal or a Windows peer, and under
	 * --framing none the newline a read brought */
	if (!c->framed && n && buf[n - 1] == '\n')
		n--;
	if (n && buf[n - 1] == '\r')
		n--;
	char *line = malloc(n + 1);
	char **argv = malloc((CMD_ARGS_MAX + 1) * sizeof *argv);
	struct sbuf err = SBUF_INIT, status = SBUF_INIT;
	struct job job = { .fd = -1 };
	size_t max = CMD_OUTPUT_MAX;
	if ((c->dgram || c->sv->s->kind->type != SOCK_STREAM) && max > c->sv->bufsize)
		max = c->sv->bufsize;   /* the output must fit one record or datagram */
	int r = 0;
	if (!line || !argv) {
		sb_printf(&status, "[error: out of memory: not run]");
	} else {
		memcpy(line, buf, n);
		line[n] = '\0';
		int help;
		const struct command *cmd = cmd_parse(line, n, argv, &help, &err);
		if (cmd && job_start(c, &job, cmd, argv, max, &status) == 0) {
			struct job *held;
			if (sv_side_possible(c) && (held = malloc(sizeof *held))) {
				/* the event models: the loop waits for the pipe with
				 * everyone else, and calls cmd_side */
				*held = job;
				if (sv_side_wait(c, held->fd, held->timeout_s * 1000L) == 0) {
					c->state = held;
					goto out;
				}
				free(held);
			}
			job_wait(c, &job, &status);
		} else if (help) {
			help_text(&job.out, c->sv->o->cmd_timeout_s ? c->sv->o->cmd_timeout_s : CMD_TIMEOUT_DEFAULT,
				  max);
			sb_printf(&status, "[exit 0]");
		} else if (!cmd) {
			sv_log(c->sv, _("%s: refused a command of %zu bytes: %s"), conn_who(c), n, sb_str(&err));
			sb_printf(&status, "[error: %s]", sb_str(&err));
		}
	}
	r = job_answer(c, &job, &status);
out:
	free(line);
	free(argv);
	sb_free(&err);
	sb_free(&status);
	return r;
}

/* The event models: the pipe of c's command is readable, or its time is up. */
static void cmd_side(struct conn *c, int timed_out)
{
	struct job *j = c->state;
	if (!timed_out && job_take(j))
		return;   /* more may come */
	sv_side_done(c);
	struct sbuf status = SBUF_INIT;
	job_finish(c, j, timed_out ? TIMED_OUT : RAN, &status);
	c->state = NULL;
	if (job_answer(c, j, &status) < 0)
		c->failed = 1;
	free(j);
	sb_free(&status);
}

/* The client left (or the server stops) while its command runs: the
 * command is killed and reaped. */
static void cmd_closed(struct conn *c)
{
	struct job *j = c->state;
	if (!j)
		return;
	sv_side_done(c);
	struct sbuf status = SBUF_INIT;
	job_finish(c, j, STOPPED, &status);
	sb_free(&j->out);
	free(j);
	c->state = NULL;
	sb_free(&status);
}

const struct service service_cmd = {
	.name = "cmd",
	.summary = N_("runs allow-listed commands (no shell); try help"),
	.data = cmd_data,
	.side = cmd_side,
	.closed = cmd_closed,
	.runs_commands = 1,
};
