/*
 * pymap: each Python socket call of the users' notes, run now under real
 * strace, beside the suite's C equivalent and its trace line (text, or
 * --markdown). Needs python3 and strace; without one of them it says which
 * is missing and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/cli.h"
#include "../../common/i18n.h"
#include "../../common/sbuf.h"
#include "pymap.h"

extern char **environ;

/* The full path of an executable of PATH, into buf; 0 when found. */
static int in_path(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t len = strcspn(p, ":");
		snprintf(buf, size, "%.*s/%s", (int)len, p, name);
		if (len && access(buf, X_OK) == 0)
			return 0;
		p += len + (p[len] == ':');
	}
	return -1;
}

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	(void)arg, (void)err;
	*(int *)ctx = key == CLI_MARKDOWN;
	return 0;
}

/* The environment for strace and python3: this one, with the messages in
 * English whatever the language of pymap's own (--lang sets LANGUAGE, and
 * strace prints an errno's text in the language of its locale): the lines
 * strace prints are always those of strace in English, as the C side's. */
static char **english_environ(void)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (!env)
		return environ;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LANGUAGE=", 9) && strncmp(environ[i], "LC_ALL=", 7) &&
		    strncmp(environ[i], "LC_MESSAGES=", 12))
			env[k++] = environ[i];
	env[k++] = "LC_ALL=C.UTF-8";
	env[k] = NULL;
	return env;
}

/* Runs python3 on the script under strace; strace's lines into out, the
 * version Python printed into version. 0, or -1 after saying why. */
static int run_python(const char *strace, const char *python, struct sbuf *out, char *version, size_t vsize)
{
	char dir[] = "/tmp/pymap.XXXXXX";
	if (!mkdtemp(dir)) {
		fprintf(stderr, _("pymap: cannot make a scratch directory: %s\n"), strerror(errno));
		return -1;
	}
	char script[64], trace[64], pyout[64], pyerr[64];
	snprintf(script, sizeof script, "%s/steps.py", dir);
	snprintf(trace, sizeof trace, "%s/strace.txt", dir);
	snprintf(pyout, sizeof pyout, "%s/stdout", dir);
	snprintf(pyerr, sizeof pyerr, "%s/stderr", dir);
	struct sbuf code = SBUF_INIT;
	pm_script(&code);
	FILE *f = fopen(script, "we");
	int rc = -1;
	if (f) {
		fputs(sb_str(&code), f);
		fclose(f);
		char *argv[] = { (char *)strace, "-f", "-o", trace, "-e",
				 "trace=%network,poll,ioctl,fcntl,read,write,close", (char *)python, script, NULL };
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, pyout, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, pyerr, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		pid_t pid;
		int status = 0;
		char **env = english_environ();
		int spawned = posix_spawn(&pid, strace, &fa, NULL, argv, env) == 0;
		if (env != environ)
			free(env);
		if (spawned && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			FILE *t = fopen(trace, "re");
			char buf[4096];
			size_t n;
			while (t && (n = fread(buf, 1, sizeof buf, t)) > 0)
				sb_putn(out, buf, n);
			if (t)
				fclose(t);
			FILE *v = fopen(pyout, "re");
			if (v && fgets(version, (int)vsize, v))
				version[strcspn(version, "\n")] = '\0';
			if (v)
				fclose(v);
			rc = 0;
		} else {
			char why[512] = "";
			FILE *e = fopen(pyerr, "re");
			if (e && fgets(why, sizeof why, e))
				why[strcspn(why, "\n")] = '\0';
			if (e)
				fclose(e);
			int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			if (why[0])
				fprintf(stderr, _("pymap: python3 under strace failed (exit %d): %s\n"), code, why);
			else
				fprintf(stderr, _("pymap: python3 under strace failed (exit %d)\n"), code);
		}
		posix_spawn_file_actions_destroy(&fa);
	}
	sb_free(&code);
	unlink(script);
	unlink(trace);
	unlink(pyout);
	unlink(pyerr);
	rmdir(dir);
	return rc;
}

/* How many lines of text are calls of `name`. */
static int count_calls(const char *text, const char *name)
{
	int n = 0;
	size_t len = strlen(name);
	for (const char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n'))
		if (!strncmp(p, name, len) && p[len] == '(')
			n++;
	return n;
}

/* A step's note, its %d filled in from what strace saw. */
static void note_of(const struct pm_step *st, const char *py, struct sbuf *out)
{
	if (!st->note)
		return;
	/* the note is N_()-marked in the table; its %d, if any, is kept by the translation */
	if (st->count)
		sb_printf(out, _(st->note), count_calls(py, st->count));
	else
		sb_puts(out, _(st->note));
}

/* Each line of text with a prefix. */
static void indent(const char *prefix, const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		printf("%s%.*s\n", prefix, (int)len, p);
		p += len + (p[len] == '\n');
	}
}

/* A table cell: lines joined with <br>, each in backticks, | escaped. */
static void cell(const char *text)
{
	int first = 1;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		printf("%s`", first ? "" : "<br>");
		for (size_t i = 0; i < len; i++) {
			/* the alignment spaces strace puts before " = " are one space here */
			if (p[i] == ' ' && i + 1 < len && p[i + 1] == ' ')
				continue;
			fputs(p[i] == '|' ? "\\|" : (char[]){ p[i], 0 }, stdout);
		}
		putchar('`');
		first = 0;
		p += len + (p[len] == '\n');
	}
	printf(" |");
}

int main(int argc, char **argv)
{
	int markdown = 0;
	const struct cli_tool tool = {
		.name = "pymap",
		.id = CLI_TOOL_PYMAP,
		.usage = N_("Usage: pymap [--markdown]\n"),
		.intro = N_("The Python socket calls of the users' notes, each run now by python3 under strace, "
			    "beside the suite's C equivalent and the line its trace layer prints for it, with what "
			    "differs and why."),
		.epilog = N_("Needs python3 and strace (make deps installs both). Exit status: 0 success, 1 one "
			     "of them is missing or failed, 2 bad usage."),
		.run_title = "",
		.set = set,
		.ctx = &markdown,
	};
	int first = cli_tool_parse(&tool, argc, argv);
	if (first < argc)
		cli_tool_error(&tool, _("unexpected argument '%s'"), argv[first]);

	char strace[4096], python[4096];
	int no_strace = in_path("strace", strace, sizeof strace), no_python = in_path("python3", python, sizeof python);
	if (no_strace || no_python) {
		fputs(no_strace && no_python
			      ? _("pymap: needs python3 and strace: neither is installed (make deps installs both)\n")
			      : no_strace ? _("pymap: needs python3 and strace: strace is not installed (make deps installs it)\n")
					  : _("pymap: needs python3 and strace: python3 is not installed (make deps installs it)\n"),
		      stderr);
		return 1;
	}
	struct sbuf out = SBUF_INIT;
	char version[64] = "?";
	struct sbuf *py = calloc(pm_nsteps, sizeof *py), *c = calloc(pm_nsteps, sizeof *c);
	if (!py || !c || run_python(strace, python, &out, version, sizeof version) < 0)
		return 1;
	if (pm_split(sb_str(&out), py) < 0) {
		fputs(_("pymap: strace's output lacks the step markers: cannot tell the steps apart\n"), stderr);
		return 1;
	}
	if (pm_run_c(c) < 0) {
		fprintf(stderr, _("pymap: cannot capture the trace: %s\n"), strerror(errno));
		return 1;
	}
	if (markdown)
		printf(_("| Python %s | strace saw | C | the suite's trace | why they differ |\n"), version),
			fputs("|---|---|---|---|---|\n", stdout);
	else
		printf(_("Each Python line run by python3 %s under strace, beside the suite's C call and its trace.\n"),
		       version);
	/* once, not per step */
	const char *no_call = _("(no system call)");
	for (size_t i = 0; i < pm_nsteps; i++) {
		const struct pm_step *st = &pm_steps[i];
		if (st->hidden)
			continue;
		struct sbuf note = SBUF_INIT;
		note_of(st, sb_str(&py[i]), &note);
		if (markdown) {
			printf("| ");
			cell(st->python);
			putchar(' ');
			cell(sb_str(&py[i]));
			putchar(' ');
			cell(_(st->c_call));
			putchar(' ');
			cell(sb_str(&c[i]));
			printf(" %s |\n", sb_str(&note));
		} else {
			printf("\n");
			indent(">>> ", st->python);
			printf("  strace:\n");
			indent("    ", py[i].len ? sb_str(&py[i]) : no_call);
			printf("  C: %s\n", _(st->c_call));
			indent("    ", c[i].len ? sb_str(&c[i]) : no_call);
			if (note.len)
				printf(_("  why: %s\n"), sb_str(&note));
		}
		sb_free(&note);
	}
	for (size_t i = 0; i < pm_nsteps; i++) {
		sb_free(&py[i]);
		sb_free(&c[i]);
	}
	free(py);
	free(c);
	sb_free(&out);
	return 0;
}
