/*
 * The README, run: every command README.md shows in a fenced block is run
 * and, where the README shows what it prints, what it prints now is
 * compared with it, so the README cannot drift from the programs.
 *
 * What counts as a command:
 *  - a line `$ CMD` in a block: CMD is run, and the lines after it, up to the
 *    next `$ ` line or the end of the block, are the output the README shows
 *    for it (standard output and standard error, as a terminal shows them);
 *  - every line of a ```sh block (comments after `#`): run, and it must exit 0
 *    and print nothing that looks like a usage error;
 *  - a block that a `cmd` annotation names (see below) is that command's output.
 *
 * A command whose program is a server (`*-server`, `netlink-monitor`) runs in
 * the background, as in a terminal of its own: the next commands start once it
 * printed its "listening on" line, and it is stopped with SIGINT (Ctrl-C) when
 * the block ends or the next server of the block starts (one with `-n` that
 * had a client first gets the chance to exit by itself). A server stopped
 * with Ctrl-C must exit 0, as the README says.
 *
 * Shapes, not values: both sides are normalised before the comparison (times
 * of day, <durations>, pointers, MAC addresses, pids, port ids, numbers of
 * four digits or more: ports, inodes, byte counts; the length of a name with
 * a pid in it, @demo-client-PID; whether a poll's revents has POLLHUP besides
 * POLLIN, as the peer may have closed by then; runs of blanks become one), and
 * a README line that is only `...` stands for any number of lines. A block
 * whose output differs is run again, up to three times in all, before the
 * difference is a failure: TCP may merge two answers into one read, or not.
 *
 * Each block runs in a private network namespace and a private mount
 * namespace with a tmpfs of its own on /tmp (and sysfs remounted), with lo up,
 * in a scratch directory /tmp/work that holds bin/ and exercises/ (the project's, bind-mounted)
 * and with bin/ on PATH, so the README's fixed ports (2345, 2346) and paths
 * (/tmp/demo/...) never meet another test or a server someone is running.
 * /tmp/demo exists in every block. Blocks run two at a time.
 *
 * Annotations: HTML comments (invisible on GitHub) on lines of their own
 * before a block, one per comment, apply to the next fenced block:
 *   <!-- readme-test: setup "SHELL" -->         run first, must exit 0
 *   <!-- readme-test: server "CMD" -->          a server running for the whole block
 *   <!-- readme-test: before "CMD" "SHELL" -->  run right before the README command CMD
 *   <!-- readme-test: after "CMD" "SHELL" -->   run once CMD ran (a server: is listening)
 *   <!-- readme-test: cmd "CMD" -->             the block is CMD's output
 *   <!-- readme-test: expand "LINE" "CMD"... --> the README line LINE is these commands
 *   <!-- readme-test: nocompare "REASON" -->    run, exit 0, but the output is not compared
 *   <!-- readme-test: stale "REASON" -->        compared, but a difference is only said, not a
 *                                               failure (a sample someone else regenerates)
 *   <!-- readme-test: skip "REASON" -->         the block is not run, for REASON
 * (CMD in before/after is how the command starts, its `# comment` left out.)
 *
 * README_TEST_DUMP=DIR (a new directory) writes what each command printed to
 * DIR/LINE.out (LINE-annotation.out for an annotation's; -2, -3 for a block run
 * again), to paste into the README when a program's output changed on purpose:
 *   README_TEST_DUMP=/tmp/readme build/tests/run --filter readme/every_command_runs_as_shown
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* The commands that are not run, each with the reason (a prefix of the command). */
static const struct {
	const char *prefix, *reason;
} rt_excluded[] = {
	{ "make demo", "installs packages, then runs programs this test runs" },
	{ "make test", "runs this test" },
	{ "make bench", "takes 5 minutes" },
	{ "make fuzz", "runs for minutes, and its counts differ every run" },
	{ "make check-sanitize", "runs this test, and the rest, again under sanitizers" },
};
#define RT_NEXCLUDED (sizeof rt_excluded / sizeof rt_excluded[0])

#define RT_WORKERS 2          /* blocks run at once */
#define RT_CMD_TIMEOUT 30.0   /* seconds for one command */
#define RT_READY_TIMEOUT 5.0  /* for a server's "listening on" line */
#define RT_BLOCK_TIMEOUT 120  /* for one block, everything included */
#define RT_ATTEMPTS 3         /* runs of a block before a difference is a failure */

/* ---- small helpers ---------------------------------------------------------------- */

static double rt_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rt_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Lines of a text, empty ones kept (the text is modified); a last empty line is dropped. */
static size_t rt_split(char *text, char ***lines)
{
	size_t n = 0, cap = 16;
	char **v = malloc(cap * sizeof *v);
	char *p = text;
	while (*p) {
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		v[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	*lines = v;
	return n;
}

static char *rt_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A command without its `# comment` (a # that starts a word, outside quotes), trimmed. */
static char *rt_strip_comment(const char *cmd)
{
	char *s = strdup(cmd);
	char q = 0;
	for (char *p = s; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			else if (*p == '\\' && q == '"' && p[1])
				p++;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	char *t = strdup(rt_trim(s));
	free(s);
	return t;
}

/* Appends printf output to a malloc'd string. */
static void rt_cat(char **s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *add = NULL;
	if (vasprintf(&add, fmt, ap) < 0)
		add = NULL;
	va_end(ap);
	if (!add)
		return;
	size_t old = *s ? strlen(*s) : 0;
	*s = realloc(*s, old + strlen(add) + 1);
	memcpy(*s + old, add, strlen(add) + 1);
	free(add);
}

/* ---- the plan: blocks and their steps ---------------------------------------------- */

enum rt_kind {
	RT_SHOWN,   /* a `$ CMD` line or a `cmd` annotation: its output is compared */
	RT_SH,      /* a line of a ```sh block: exit 0, no usage error */
	RT_HELPER,  /* an annotation's command: must not fail, output not compared */
};

struct rt_step {
	enum rt_kind kind;
	int line;            /* README line it comes from */
	char *cmd;           /* what runs (a shell command line) */
	char *bare;          /* the command without its comment */
	int server;          /* runs in the background until "listening on" */
	char **expect;       /* RT_SHOWN: the lines the README shows */
	size_t nexpect;
	int expect_line;     /* README line of expect[0] */
	const char *stale;   /* a `stale` annotation's reason */
};

struct rt_block {
	int line;            /* the opening fence */
	struct rt_step *steps;
	size_t nsteps;
};

struct rt_plan {
	struct rt_block *blocks;
	size_t nblocks;
	size_t excluded, uncompared;
	char *excluded_why;  /* "command: reason; ..." for the summary */
	char *uncompared_why;
	char *errors;        /* annotations that refer to nothing, and the like */
};

static struct rt_step *rt_add_step(struct rt_block *b, enum rt_kind kind, int line, const char *cmd)
{
	b->steps = realloc(b->steps, (b->nsteps + 1) * sizeof *b->steps);
	struct rt_step *s = &b->steps[b->nsteps++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->line = line;
	s->cmd = strdup(cmd);
	s->bare = rt_strip_comment(cmd);
	/* the program: the first word after VAR=value assignments */
	const char *p = s->bare;
	for (;;) {
		size_t w = strcspn(p, " \t");
		const char *eq = memchr(p, '=', w);
		if (!eq || w == 0 || memchr(p, '/', (size_t)(eq - p)))
			break;
		p += w;
		p += strspn(p, " \t");
	}
	size_t w = strcspn(p, " \t;|&");
	const char *base = p;
	for (const char *q = p; q < p + w; q++)
		if (*q == '/')
			base = q + 1;
	size_t bl = (size_t)(p + w - base);
	s->server = kind != RT_HELPER && ((bl > 7 && !strncmp(base + bl - 7, "-server", 7)) ||
					   (bl == 15 && !strncmp(base, "netlink-monitor", 15)));
	return s;
}

static void rt_insert_step(struct rt_block *b, size_t at, enum rt_kind kind, int line, const char *cmd)
{
	rt_add_step(b, kind, line, cmd);
	struct rt_step s = b->steps[b->nsteps - 1];
	memmove(&b->steps[at + 1], &b->steps[at], (b->nsteps - 1 - at) * sizeof *b->steps);
	b->steps[at] = s;
}

/* The words of an annotation: bare words, or "quoted strings" with \" and \\. */
static int rt_words(const char *s, char **w, int max)
{
	int n = 0;
	while (n < max) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		char *out = malloc(strlen(s) + 1), *o = out;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				*o++ = *s;
			}
			if (*s == '"')
				s++;
		} else {
			while (*s && !isspace((unsigned char)*s))
				*o++ = *s++;
		}
		*o = '\0';
		w[n++] = out;
	}
	return n;
}

struct rt_note {
	int line;
	int n;
	char *w[16];
};

static int rt_starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void rt_plan_error(struct rt_plan *pl, int line, const char *fmt, const char *arg)
{
	rt_cat(&pl->errors, "README.md:%d: ", line);
	rt_cat(&pl->errors, fmt, arg);
	rt_cat(&pl->errors, "\n");
}

/* Makes a block's steps from its lines and the annotations before it. */
static void rt_plan_block(struct rt_plan *pl, int fence_line, const char *lang, char **lines, size_t n,
			  struct rt_note *notes, size_t nnotes)
{
	struct rt_block b = { .line = fence_line };
	const char *cmd_note = NULL, *skip = NULL, *nocompare = NULL, *stale = NULL;
	for (size_t i = 0; i < nnotes; i++) {
		if (!strcmp(notes[i].w[0], "cmd") && notes[i].n == 2)
			cmd_note = notes[i].w[1];
		else if (!strcmp(notes[i].w[0], "skip") && notes[i].n == 2)
			skip = notes[i].w[1];
		else if (!strcmp(notes[i].w[0], "nocompare") && notes[i].n == 2)
			nocompare = notes[i].w[1];
		else if (!strcmp(notes[i].w[0], "stale") && notes[i].n == 2)
			stale = notes[i].w[1];
	}
	int dollar = 0;
	for (size_t i = 0; i < n; i++)
		dollar |= rt_starts(lines[i], "$ ");
	if (cmd_note) {
		struct rt_step *s = rt_add_step(&b, RT_SHOWN, fence_line, cmd_note);
		s->expect = lines;
		s->nexpect = n;
		s->expect_line = fence_line + 1;
	} else if (dollar) {
		for (size_t i = 0; i < n; i++) {
			if (!rt_starts(lines[i], "$ "))
				continue;
			struct rt_step *s = rt_add_step(&b, RT_SHOWN, fence_line + 1 + (int)i, lines[i] + 2);
			size_t j = i + 1;
			while (j < n && !rt_starts(lines[j], "$ "))
				j++;
			size_t k = j;
			while (k > i + 1 && !*rt_trim(lines[k - 1]))
				k--;
			s->expect = lines + i + 1;
			s->nexpect = k - i - 1;
			s->expect_line = fence_line + 2 + (int)i;
		}
	} else if (!strcmp(lang, "sh")) {
		for (size_t i = 0; i < n; i++) {
			char *bare = rt_strip_comment(lines[i]);
			int empty = !*bare;
			int expanded = 0;
			for (size_t k = 0; k < nnotes && !empty; k++) {
				if (strcmp(notes[k].w[0], "expand") || notes[k].n < 3 || strcmp(notes[k].w[1], bare))
					continue;
				for (int e = 2; e < notes[k].n; e++)
					rt_add_step(&b, RT_SH, fence_line + 1 + (int)i, notes[k].w[e]);
				expanded = 1;
			}
			free(bare);
			if (!empty && !expanded)
				rt_add_step(&b, RT_SH, fence_line + 1 + (int)i, lines[i]);
		}
	}
	if (!b.nsteps) {
		if (nnotes)
			rt_plan_error(pl, notes[0].line, "a readme-test annotation before a block with no command%s", "");
		return;
	}
	/* the exclusions */
	for (size_t i = 0; i < b.nsteps;) {
		const char *why = skip;
		for (size_t k = 0; k < RT_NEXCLUDED && !why; k++)
			if (rt_starts(b.steps[i].bare, rt_excluded[k].prefix))
				why = rt_excluded[k].reason;
		if (!why) {
			i++;
			continue;
		}
		pl->excluded++;
		rt_cat(&pl->excluded_why, "%s%s: %s", pl->excluded_why ? "; " : "", b.steps[i].bare, why);
		memmove(&b.steps[i], &b.steps[i + 1], (b.nsteps - i - 1) * sizeof *b.steps);
		b.nsteps--;
	}
	if (!b.nsteps)
		return;
	for (size_t i = 0; i < b.nsteps; i++)
		if (b.steps[i].kind == RT_SHOWN)
			b.steps[i].stale = stale;
	for (size_t i = 0; i < b.nsteps && nocompare; i++) {
		if (b.steps[i].kind != RT_SHOWN)
			continue;
		b.steps[i].kind = RT_SH;
		pl->uncompared++;
		rt_cat(&pl->uncompared_why, "%s%s: %s", pl->uncompared_why ? "; " : "", b.steps[i].bare, nocompare);
	}
	/* before/after, then the block's own server and setup in front of everything */
	for (size_t k = 0; k < nnotes; k++) {
		int before = !strcmp(notes[k].w[0], "before"), after = !strcmp(notes[k].w[0], "after");
		if (!before && !after)
			continue;
		size_t i = 0;
		while (i < b.nsteps && (b.steps[i].kind == RT_HELPER || !rt_starts(b.steps[i].bare, notes[k].w[1])))
			i++;
		if (i == b.nsteps) {
			rt_plan_error(pl, notes[k].line, "readme-test before/after: no command of the next block starts "
				      "with \"%s\"", notes[k].w[1]);
			continue;
		}
		rt_insert_step(&b, before ? i : i + 1, RT_HELPER, notes[k].line, notes[k].w[2]);
	}
	for (size_t k = nnotes; k-- > 0;) {
		if (!strcmp(notes[k].w[0], "server") && notes[k].n == 2) {
			rt_insert_step(&b, 0, RT_HELPER, notes[k].line, notes[k].w[1]);
			b.steps[0].server = 1;
		}
	}
	for (size_t k = nnotes; k-- > 0;)
		if (!strcmp(notes[k].w[0], "setup") && notes[k].n == 2)
			rt_insert_step(&b, 0, RT_HELPER, notes[k].line, notes[k].w[1]);
	pl->blocks = realloc(pl->blocks, (pl->nblocks + 1) * sizeof *pl->blocks);
	pl->blocks[pl->nblocks++] = b;
}

/* Each annotation and how many words it takes, its name included (expand: 3 or more). */
static const struct {
	const char *name;
	int words;
} rt_directives[] = { { "setup", 2 }, { "server", 2 }, { "before", 3 }, { "after", 3 }, { "cmd", 2 },
		      { "expand", 3 }, { "nocompare", 2 }, { "stale", 2 }, { "skip", 2 } };

static void rt_plan_readme(struct rt_plan *pl, char *text)
{
	memset(pl, 0, sizeof *pl);
	char **lines;
	size_t n = rt_split(text, &lines);
	struct rt_note notes[32];
	size_t nnotes = 0;
	for (size_t i = 0; i < n; i++) {
		char *l = lines[i];
		char *c = l + strspn(l, " \t");
		if (rt_starts(c, "<!-- readme-test:")) {   /* a line of its own, not one quoted in the text */
			char *end = strstr(c, "-->");
			if (!end || nnotes == 32) {
				rt_plan_error(pl, (int)i + 1, "a readme-test annotation is one line, and at most 32 a block%s", "");
				continue;
			}
			char *body = strndup(c + 17, (size_t)(end - c - 17));
			struct rt_note *nt = &notes[nnotes];
			nt->line = (int)i + 1;
			nt->n = rt_words(body, nt->w, 16);
			free(body);
			int known = 0;
			for (size_t d = 0; d < sizeof rt_directives / sizeof *rt_directives && nt->n; d++)
				if (!strcmp(nt->w[0], rt_directives[d].name))
					known = nt->n == rt_directives[d].words ||
						(!strcmp(nt->w[0], "expand") && nt->n > 3);
			if (!known) {
				rt_plan_error(pl, nt->line, "readme-test annotation '%s': an unknown name, or not the "
					      "number of \"quoted\" arguments it takes", nt->n ? nt->w[0] : "");
				continue;
			}
			nnotes++;
			continue;
		}
		if (!rt_starts(l, "```"))
			continue;
		const char *lang = rt_trim(l + 3);
		size_t j = i + 1;
		while (j < n && !rt_starts(lines[j], "```"))
			j++;
		rt_plan_block(pl, (int)i + 1, lang, lines + i + 1, j - i - 1, notes, nnotes);
		nnotes = 0;
		i = j;
	}
	if (nnotes)
		rt_plan_error(pl, notes[0].line, "a readme-test annotation with no block after it%s", "");
}

/* ---- shapes: normalising and matching outputs ------------------------------------- */

struct rt_rule {
	const char *re, *with;
	const char *only_in;   /* NULL, or applied only to a line that has this (by then) */
};

/* Order matters: MAC addresses before times of day, pointers before numbers. */
static struct rt_rule rt_rules[] = {
	{ "([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC", NULL },
	{ "[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?", "TIME", NULL },
	{ "<[0-9]+\\.[0-9]+>", "<DURATION>", NULL },
	{ "0x[0-9a-f]{6,}", "0xPTR", NULL },
	{ "(revents=[A-Z|]*POLLIN)\\|POLLHUP", "\\1", NULL },
	{ "sockfam-([a-z]+)-[A-Za-z0-9]{6}", "sockfam-\\1-XXXXXX", NULL },
	{ "(pid[= ] *|client-|port id |child |thread |tid=\\[?)[0-9]+", "\\1PID", NULL },
	/* a name with a pid in it is as long as the pid: 3 to 7 digits */
	{ "(client-PID\"\\}, |=> )[0-9]+", "\\1LEN", "client-PID" },
	{ "[0-9]{4,}", "N", NULL },
	{ "[ \t]+", " ", NULL },
};
#define RT_NRULES (sizeof rt_rules / sizeof rt_rules[0])
static regex_t rt_rx[RT_NRULES];

static void rt_rules_init(void)
{
	static int done;
	if (done)
		return;
	for (size_t i = 0; i < RT_NRULES; i++)
		cr_assert_eq(regcomp(&rt_rx[i], rt_rules[i].re, REG_EXTENDED), 0, "%s", rt_rules[i].re);
	done = 1;
}

/* One line's shape (malloc'd). */
static char *rt_shape(const char *line)
{
	char *s = strdup(line);
	for (size_t r = 0; r < RT_NRULES; r++) {
		if (rt_rules[r].only_in && !strstr(s, rt_rules[r].only_in))
			continue;
		char *out = NULL;
		const char *p = s;
		regmatch_t m[2];
		int flags = 0;
		while (*p && regexec(&rt_rx[r], p, 2, m, flags) == 0 && m[0].rm_eo > 0) {
			rt_cat(&out, "%.*s", (int)m[0].rm_so, p);
			for (const char *w = rt_rules[r].with; *w; w++) {
				if (w[0] == '\\' && w[1] == '1') {
					rt_cat(&out, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
					w++;
				} else {
					rt_cat(&out, "%c", *w);
				}
			}
			p += m[0].rm_eo;
			flags = REG_NOTBOL;
		}
		rt_cat(&out, "%s", p);
		free(s);
		s = out ? out : strdup("");
	}
	char *t = strdup(rt_trim(s));
	free(s);
	return t;
}

/* Does got[0..ng) match want[0..nw) (shapes), `...` standing for any run of lines? */
static int rt_match(char **want, size_t nw, char **got, size_t ng)
{
	/* ok[j]: want[0..i) matches got[0..j) */
	char *ok = calloc(ng + 1, 1), *next = calloc(ng + 1, 1);
	ok[0] = 1;
	for (size_t i = 0; i < nw; i++) {
		int any = !strcmp(want[i], "...");
		memset(next, 0, ng + 1);
		for (size_t j = 0; j <= ng; j++) {
			if (any)
				next[j] = ok[j] || (j && next[j - 1]);
			else
				next[j] = j && ok[j - 1] && !strcmp(want[i], got[j - 1]);
		}
		char *t = ok;
		ok = next;
		next = t;
	}
	int r = ok[ng];
	free(ok);
	free(next);
	return r;
}

/* Where it first goes wrong, read greedily, for the message. */
static void rt_first_difference(char **want, size_t nw, char **got, size_t ng, size_t *wi, size_t *gi)
{
	size_t i = 0, j = 0;
	while (i < nw && j < ng) {
		if (!strcmp(want[i], "...")) {
			if (i + 1 == nw) {
				i = nw, j = ng;
				break;
			}
			size_t k = j;
			while (k < ng && strcmp(want[i + 1], got[k]))
				k++;
			if (k == ng)
				break;
			i++, j = k;
			continue;
		}
		if (strcmp(want[i], got[j]))
			break;
		i++, j++;
	}
	while (i < nw && !strcmp(want[i], "...") && j == ng)
		i++;
	*wi = i;
	*gi = j;
}

/* ---- running a block (in its own namespaces) -------------------------------------- */

struct rt_proc {
	pid_t pid;           /* also its process group */
	char out[64];        /* its standard output and error, merged */
	int status;          /* exit status, 128+signal; -1 while it runs */
	int timed_out, listening, had_client, stopped;
};

static FILE *rt_report;  /* the worker's results, read by the test */

/* Records are one line each; a message's newlines travel as \x01. */
static void rt_record(const char *tag, int line, const char *msg)
{
	fprintf(rt_report, "%s %d ", tag, line);
	for (const char *p = msg ? msg : ""; *p; p++)
		fputc(*p == '\n' ? '\x01' : *p, rt_report);
	fputc('\n', rt_report);
	fflush(rt_report);
}

static const char *rt_shell(void)
{
	return access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
}

static void rt_spawn(struct rt_proc *p, const char *cmd, int n)
{
	memset(p, 0, sizeof *p);
	p->status = -1;
	snprintf(p->out, sizeof p->out, "/tmp/.readme-out/%d", n);
	pid_t parent = getpid();
	p->pid = fork();
	if (p->pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int in = open("/dev/null", O_RDONLY);
		int out = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0)
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		/* nothing of ours or of Criterion's: the descriptors the README shows start at 3 */
		close_range(3, ~0U, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl(rt_shell(), "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (p->pid > 0)
		setpgid(p->pid, p->pid);
}

/* Reaps p if it ended; waits up to `secs` (0: just looks). 1 when it has ended. */
static int rt_reap(struct rt_proc *p, double secs)
{
	if (p->status >= 0)
		return 1;
	double end = rt_now() + secs;
	for (;;) {
		int st;
		pid_t r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid) {
			p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			kill(-p->pid, SIGKILL);   /* anything it left behind in its group */
			return 1;
		}
		if (rt_now() >= end)
			return 0;
		rt_sleep_ms(5);
	}
}

static void rt_kill(struct rt_proc *p)
{
	kill(-p->pid, SIGKILL);
	rt_reap(p, 5);
}

static off_t rt_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Waits for a server's "listening on" line (or its end). */
static void rt_wait_ready(struct rt_proc *p)
{
	double end = rt_now() + RT_READY_TIMEOUT;
	while (rt_now() < end) {
		char *text = h_slurp(p->out, NULL);
		int ready = text && strstr(text, "listening on");
		free(text);
		if (ready) {
			p->listening = 1;
			return;
		}
		if (rt_reap(p, 0))
			return;
		rt_sleep_ms(10);
	}
	p->timed_out = 1;
	rt_kill(p);
}

static int rt_has_count(const char *cmd)
{
	return strstr(cmd, " -n ") || strstr(cmd, " --count") || strstr(cmd, " -n1");
}

/* Ctrl-C, once what it prints has settled (a -n server with a client: it may end by itself). */
static void rt_stop(struct rt_proc *p, const char *cmd)
{
	if (rt_reap(p, 0))
		return;
	if (p->had_client && rt_has_count(cmd) && rt_reap(p, 3))
		return;
	off_t last = rt_size(p->out);
	double quiet = rt_now(), end = rt_now() + 2;
	while (rt_now() < end && rt_now() - quiet < 0.15) {
		rt_sleep_ms(10);
		off_t now = rt_size(p->out);
		if (now != last)
			last = now, quiet = rt_now();
	}
	p->stopped = 1;
	kill(-p->pid, SIGINT);
	if (!rt_reap(p, 5)) {
		p->timed_out = 1;
		rt_kill(p);
	}
}

static int rt_usage_error(const char *out)
{
	static const char *const signs[] = { "(see --help)", "unknown option", "does not apply to",
		"takes no argument", "needs an argument", "requires an argument", "invalid option",
		"unrecognized option", "Usage:", "usage:" };
	for (size_t i = 0; i < sizeof signs / sizeof *signs; i++)
		if (strstr(out, signs[i]))
			return 1;
	return 0;
}

static int rt_dump_dir = -1;   /* README_TEST_DUMP, opened before /tmp is replaced */

static void rt_check(const struct rt_step *s, const struct rt_proc *p)
{
	char *out = h_slurp(p->out, NULL);
	if (!out)
		out = strdup("");
	if (rt_dump_dir >= 0) {
		/* LINE.out, LINE-2.out... (an expanded line runs several commands) */
		char name[48];
		int fd = -1;
		for (int k = 1; k < 100 && fd < 0; k++) {
			snprintf(name, sizeof name, k > 1 ? "%d%s-%d.out" : "%d%s.out", s->line,
				 s->kind == RT_HELPER ? "-annotation" : "", k);
			fd = openat(rt_dump_dir, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		}
		if (fd >= 0) {
			if (write(fd, out, strlen(out)) < 0)
				(void)0;
			close(fd);
		}
	}
	char *msg = NULL;
	const char *what = s->kind == RT_HELPER ? "the annotation's command" : "the command";
	if (p->timed_out)
		rt_cat(&msg, "%s `%s` did not end in time%s", what, s->cmd,
		       s->server && !p->listening ? " (or print its \"listening on\" line)" : "");
	else if (p->status > 128 && !(p->stopped && p->status == 128 + SIGINT))
		rt_cat(&msg, "%s `%s` was killed by signal %d", what, s->cmd, p->status - 128);
	else if (s->kind != RT_SHOWN && p->status != 0)
		rt_cat(&msg, "%s `%s` exited with %d, not 0%s", what, s->cmd, p->status,
		       p->stopped ? " after Ctrl-C (SIGINT)" : "");
	else if (s->kind == RT_SH && rt_usage_error(out))
		rt_cat(&msg, "the command `%s` printed a usage error", s->cmd);
	else if (s->kind == RT_SHOWN && p->stopped && p->status != 0)
		rt_cat(&msg, "the server `%s` exited with %d after Ctrl-C (SIGINT), not 0", s->cmd, p->status);
	if (msg) {
		rt_cat(&msg, "; it printed:\n%s", out);
		rt_record("FAIL", s->line, msg);
		free(msg);
		free(out);
		return;
	}
	if (s->kind != RT_SHOWN) {
		free(out);
		return;
	}
	char *copy = strdup(out);
	char **got_raw;
	size_t ng = rt_split(copy, &got_raw);
	char **got = malloc((ng + 1) * sizeof *got), **want = malloc((s->nexpect + 1) * sizeof *want);
	for (size_t j = 0; j < ng; j++)
		got[j] = rt_shape(got_raw[j]);
	for (size_t i = 0; i < s->nexpect; i++)
		want[i] = rt_shape(s->expect[i]);
	rt_record("COMPARED", s->line, NULL);
	int same = rt_match(want, s->nexpect, got, ng);
	if (s->stale) {
		size_t wi, gi;
		rt_first_difference(want, s->nexpect, got, ng, &wi, &gi);
		if (same)
			rt_cat(&msg, "`%s` matches its sample now: remove its stale annotation", s->cmd);
		else
			rt_cat(&msg, "`%s`: the sample is marked stale (%s); it first differs at README.md:%d:\n"
				     "    README: %s\n    now:    %s", s->cmd, s->stale, s->expect_line + (int)wi,
			       wi < s->nexpect ? s->expect[wi] : "(the end)", gi < ng ? got_raw[gi] : "(the end)");
		rt_record("NOTE", s->line, msg);
		free(msg);
		msg = NULL;
		same = 1;
	}
	if (!same) {
		size_t wi, gi;
		rt_first_difference(want, s->nexpect, got, ng, &wi, &gi);
		rt_cat(&msg, "`%s`: the output is not what the README shows: ", s->cmd);
		if (wi < s->nexpect)
			rt_cat(&msg, "README.md:%d shows\n    %s\n", s->expect_line + (int)wi, s->expect[wi]);
		else
			rt_cat(&msg, "the README's sample ends at README.md:%d,\n", s->expect_line + (int)s->nexpect - 1);
		if (gi < ng)
			rt_cat(&msg, "  where the program printed (line %zu of its output)\n    %s\n", gi + 1, got_raw[gi]);
		else
			rt_cat(&msg, "  where the program's output had ended\n");
		rt_cat(&msg, "  (compared as shapes: `%s` and `%s`)\nthe whole output, to paste:\n%s",
		       wi < s->nexpect ? want[wi] : "", gi < ng ? got[gi] : "", out);
		rt_record("FAIL", s->line, msg);
		free(msg);
	}
	for (size_t j = 0; j < ng; j++)
		free(got[j]);
	for (size_t i = 0; i < s->nexpect; i++)
		free(want[i]);
	free(got);
	free(want);
	free(got_raw);
	free(copy);
	free(out);
}

static void rt_run_block(const struct rt_block *b)
{
	struct rt_proc *procs = calloc(b->nsteps, sizeof *procs);
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct rt_step *s = &b->steps[i];
		if (s->server && s->kind != RT_HELPER) {
			/* one terminal: the README's previous server there is stopped first */
			for (size_t k = 0; k < i; k++)
				if (b->steps[k].server && b->steps[k].kind != RT_HELPER)
					rt_stop(&procs[k], b->steps[k].bare);
		}
		rt_spawn(&procs[i], s->cmd, (int)i);
		if (procs[i].pid < 0) {
			rt_record("FAIL", s->line, "fork failed");
			continue;
		}
		if (s->kind != RT_HELPER)
			rt_record("RUN", s->line, NULL);
		if (s->server) {
			rt_wait_ready(&procs[i]);
		} else {
			if (!rt_reap(&procs[i], RT_CMD_TIMEOUT)) {
				procs[i].timed_out = 1;
				rt_kill(&procs[i]);
			}
			for (size_t k = 0; k < i; k++)
				if (b->steps[k].server && procs[k].listening)
					procs[k].had_client = 1;
		}
	}
	for (int helper = 0; helper < 2; helper++)
		for (size_t k = b->nsteps; k-- > 0;)
			if (b->steps[k].server && (b->steps[k].kind == RT_HELPER) == helper)
				rt_stop(&procs[k], b->steps[k].bare);
	for (size_t i = 0; i < b->nsteps; i++)
		if (procs[i].pid > 0)
			rt_check(&b->steps[i], &procs[i]);
	free(procs);
}

/* The namespaces, /tmp, sysfs, lo and the scratch directory; NULL, or why not. */
static const char *rt_enter_namespaces(const char *root)
{
	static char why[256];
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
		snprintf(why, sizeof why, "unshare(CLONE_NEWNET|CLONE_NEWNS): %s", strerror(errno));
		return why;
	}
	char *bin;
	if (asprintf(&bin, "%s/bin", root) < 0)
		return "out of memory";
	int binfd = open(bin, O_PATH | O_DIRECTORY);
	free(bin);
	/* exercises/ beside bin/, where bin/exercise looks for them, and the
	 * message catalogs in build/locale/, where every program looks for them
	 * (a README command with --lang zh_CN speaks Chinese here too) */
	static const char *const beside[] = { "exercises", "build/locale" };
	int besidefd[2];
	for (size_t i = 0; i < 2; i++) {
		char *ex;
		if (asprintf(&ex, "%s/%s", root, beside[i]) < 0)
			return "out of memory";
		besidefd[i] = open(ex, O_PATH | O_DIRECTORY);
		free(ex);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || binfd < 0 ||
	    mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777") < 0) {
		snprintf(why, sizeof why, "a private /tmp (tmpfs in a mount namespace): %s", strerror(errno));
		return why;
	}
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
		snprintf(why, sizeof why, "sysfs for the namespace: %s", strerror(errno));
		return why;
	}
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", binfd);
	if (mkdir("/tmp/work", 0755) < 0 || mkdir("/tmp/work/bin", 0755) < 0 || mkdir("/tmp/demo", 0755) < 0 ||
	    mkdir("/tmp/.readme-out", 0755) < 0 || mount(self, "/tmp/work/bin", NULL, MS_BIND, NULL) < 0 ||
	    chdir("/tmp/work") < 0) {
		snprintf(why, sizeof why, "the scratch directory /tmp/work with bin/: %s", strerror(errno));
		return why;
	}
	close(binfd);
	for (size_t i = 0; i < 2; i++) {
		if (besidefd[i] < 0)
			continue;
		char at[64];
		snprintf(self, sizeof self, "/proc/self/fd/%d", besidefd[i]);
		snprintf(at, sizeof at, "/tmp/work/%s", beside[i]);
		if ((strchr(beside[i], '/') && mkdir("/tmp/work/build", 0755) < 0) || mkdir(at, 0755) < 0 ||
		    mount(self, at, NULL, MS_BIND, NULL) < 0) {
			snprintf(why, sizeof why, "the scratch directory's %s/: %s", beside[i], strerror(errno));
			return why;
		}
		close(besidefd[i]);
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)) {
		snprintf(why, sizeof why, "bringing lo up: %s", strerror(errno));
		return why;
	}
	close(fd);
	const char *path = getenv("PATH");
	char *newpath;
	if (asprintf(&newpath, "/tmp/work/bin:%s", path ? path : "/usr/sbin:/usr/bin:/sbin:/bin") < 0)
		return "out of memory";
	setenv("PATH", newpath, 1);
	free(newpath);
	unsetenv("COLUMNS");   /* the README's commands set it where they need it */
	unsetenv("TMPDIR");
	return NULL;
}

/* ---- the test ------------------------------------------------------------------------ */

/* What one run of a block reported. */
struct rt_result {
	size_t runs, compared, fails;
	char *failures;      /* "README.md:N: message\x02..." */
	char *notes;         /* stale samples, said on standard output */
	char *skip;
	int finished;
};

struct rt_worker {
	pid_t pid;
	FILE *report;
	double started;
	size_t block;
	int attempt;
};

static void rt_result_free(struct rt_result *r)
{
	free(r->failures);
	free(r->notes);
	free(r->skip);
	memset(r, 0, sizeof *r);
}

static void rt_collect(struct rt_worker *w, struct rt_result *r)
{
	memset(r, 0, sizeof *r);
	rewind(w->report);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, w->report)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		char tag[16];
		int at = 0, off = 0;
		if (sscanf(line, "%15s %d %n", tag, &at, &off) < 2)
			continue;
		char *msg = line + off;
		for (char *p = msg; *p; p++)
			if (*p == '\x01')
				*p = '\n';
		if (!strcmp(tag, "RUN"))
			r->runs++;
		else if (!strcmp(tag, "COMPARED"))
			r->compared++;
		else if (!strcmp(tag, "DONE"))
			r->finished = 1;
		else if (!strcmp(tag, "SKIP") && !r->skip)
			r->skip = strdup(msg);
		else if (!strcmp(tag, "NOTE"))
			rt_cat(&r->notes, "readme: README.md:%d: %s\n", at, msg);
		else if (!strcmp(tag, "FAIL")) {
			r->fails++;
			rt_cat(&r->failures, "README.md:%d: %s\x02", at, msg);
		}
	}
	free(line);
	fclose(w->report);
}

Test(readme, every_command_runs_as_shown, .timeout = 300)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: the README's commands run in a private network and mount namespace "
			     "(unshare -n -m, a tmpfs on /tmp), for its fixed ports and paths");
	size_t len;
	char *text = h_slurp("README.md", &len);
	cr_assert(text, "README.md is not in the current directory (make test runs from the project root)");
	char root[4096];
	cr_assert(getcwd(root, sizeof root));
	cr_assert(access("bin/inet-server", X_OK) == 0, "bin/ is not built (run make)");
	rt_rules_init();

	struct rt_plan pl;
	rt_plan_readme(&pl, text);
	cr_expect(!pl.errors, "%s", pl.errors ? pl.errors : "");

	const char *dump = getenv("README_TEST_DUMP");
	if (dump && *dump) {
		mkdir(dump, 0755);
		rt_dump_dir = open(dump, O_PATH | O_DIRECTORY);
	}

	/* the blocks with the most commands first, so that the long ones do not come last */
	size_t *order = malloc((pl.nblocks + 1) * sizeof *order);
	for (size_t i = 0; i < pl.nblocks; i++) {
		size_t k = i;
		while (k > 0 && pl.blocks[order[k - 1]].nsteps < pl.blocks[i].nsteps) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	/* a queue of blocks to run, each with the attempt it is at */
	size_t *queue = malloc((pl.nblocks + 1) * sizeof *queue);
	int *attempt = calloc(pl.nblocks + 1, sizeof *attempt);
	size_t head = 0, tail = 0;
	for (size_t i = 0; i < pl.nblocks; i++)
		queue[tail++ % (pl.nblocks + 1)] = order[i];
	size_t runs = 0, compared = 0, fails = 0, active = 0, retried = 0;
	char *skip = NULL, *notes = NULL;
	struct rt_worker workers[RT_WORKERS] = { { 0 } };
	while (head != tail || active) {
		/* start blocks while there is room */
		for (size_t w = 0; w < RT_WORKERS && head != tail && !skip; w++) {
			if (workers[w].pid > 0)
				continue;
			size_t b = queue[head++ % (pl.nblocks + 1)];
			FILE *report = tmpfile();
			cr_assert(report);
			fflush(stdout);
			fflush(stderr);
			pid_t pid = fork();
			cr_assert(pid >= 0);
			if (pid == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				rt_report = report;
				const char *why = rt_enter_namespaces(root);
				if (why) {
					rt_record("SKIP", 0, why);
				} else {
					rt_run_block(&pl.blocks[b]);
					rt_record("DONE", 0, NULL);
				}
				fflush(report);
				_exit(0);
			}
			workers[w] = (struct rt_worker){ pid, report, rt_now(), b, ++attempt[b] };
			active++;
		}
		if (skip && !active)
			break;
		/* reap the ones that ended, or took too long */
		int st;
		for (size_t w = 0; w < RT_WORKERS; w++) {
			if (workers[w].pid <= 0)
				continue;
			pid_t r = waitpid(workers[w].pid, &st, WNOHANG);
			if (r == 0 && rt_now() - workers[w].started > RT_BLOCK_TIMEOUT) {
				kill(workers[w].pid, SIGKILL);
				r = waitpid(workers[w].pid, &st, 0);
			}
			if (r != workers[w].pid)
				continue;
			struct rt_result res;
			rt_collect(&workers[w], &res);
			workers[w].pid = 0;
			active--;
			if (!res.finished && !res.skip) {
				res.fails++;
				rt_cat(&res.failures, "README.md:%d: the block did not finish within %d s\x02",
				       pl.blocks[workers[w].block].line, RT_BLOCK_TIMEOUT);
			}
			if (res.skip && !skip)
				skip = strdup(res.skip);
			/* a run that went another way (TCP merging two sends, a peer
			 * closing before poll looked) gets a second and a third chance */
			if (res.fails && !res.skip && workers[w].attempt < RT_ATTEMPTS) {
				queue[tail++ % (pl.nblocks + 1)] = workers[w].block;
				retried++;
				rt_result_free(&res);
				continue;
			}
			runs += res.runs;
			compared += res.compared;
			fails += res.fails;
			if (res.notes)
				rt_cat(&notes, "%s", res.notes);
			for (char *f = res.failures, *e; f && *f; f = e + 1) {
				e = strchr(f, '\x02');
				*e = '\0';
				cr_expect_fail("%s%s", f, workers[w].attempt > 1 ? "\n(the same in every attempt)" : "");
			}
			rt_result_free(&res);
		}
		rt_sleep_ms(10);
	}
	if (skip)
		cr_skip_test("cannot make the namespace the README's commands run in: %s", skip);
	if (notes)
		printf("%s", notes);
	printf("readme: %zu commands run, %zu outputs compared", runs, compared);
	if (pl.uncompared)
		printf(" (%zu shown but not compared: %s)", pl.uncompared, pl.uncompared_why);
	printf(", %zu excluded (%s)", pl.excluded, pl.excluded_why ? pl.excluded_why : "none");
	if (retried)
		printf("; %zu block%s run again after a difference", retried, retried == 1 ? "" : "s");
	printf("%s\n", fails ? "; see the failures above" : "");
	fflush(stdout);
	cr_expect(runs > 0, "no command found in README.md");
	free(order);
	free(queue);
	free(attempt);
	free(notes);
	free(text);
}
