/*
 * test_traceprobe: the differential test against real strace.
 *
 * Runs build/tests/tool_traceprobe under
 *     strace -ff -o DIR/p -e trace=%network [FLAGS]  tool_traceprobe [FLAGS] -o DIR/mine
 * and checks that strace's lines and the probe's own lines are the same, one
 * for one. strace's `+++ exited` and `--- SIG` lines are not calls and are
 * dropped; so are the probe's close() lines, because close is not in
 * %network. -ff writes one file per process, so no line carries a pid prefix
 * or is split by <unfinished ...>.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct tp_lines {
	char **v;
	size_t n, cap;
};

static void tp_lines_add(struct tp_lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		cr_assert_not_null(l->v);
	}
	l->v[l->n++] = strdup(s);
}

static void tp_lines_free(struct tp_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Reads `path` line by line, leaving out lines that start with one of `skip`. */
static void tp_read(struct tp_lines *l, const char *path, const char *const *skip)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		int drop = 0;
		for (const char *const *s = skip; *s; s++)
			if (strncmp(line, *s, strlen(*s)) == 0)
				drop = 1;
		if (!drop)
			tp_lines_add(l, line);
	}
	free(line);
	fclose(f);
}

/* strace on PATH, or NULL. */
static const char *tp_find_strace(char *buf, size_t size)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	char *dup = strdup(path), *save = NULL;
	const char *found = NULL;
	for (char *d = strtok_r(dup, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, size, "%s/strace", d);
		if (access(buf, X_OK) == 0) {
			found = buf;
			break;
		}
	}
	free(dup);
	return found;
}

/* Runs argv to completion with stdout/stderr to /dev/null; the exit status, or -1. */
static int tp_run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *null = freopen("/dev/null", "w", stdout);
		(void)null;
		null = freopen("/dev/null", "w", stderr);
		(void)null;
		/* LeakSanitizer cannot run under ptrace: an ASan build of the probe would fail */
		const char *asan = getenv("ASAN_OPTIONS");
		char opts[512];
		snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", asan ? asan : "", asan && *asan ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void tp_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[PATH_MAX];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * One comparison: `flags` are given to strace and to the probe alike.
 * Asserts that the lines are identical and prints how many were.
 */
static void tp_compare(const char *label, const char *const *flags)
{
	char strace_path[PATH_MAX];
	if (!tp_find_strace(strace_path, sizeof strace_path))
		cr_skip_test("strace is not installed (apt-get install strace)");

	char self[PATH_MAX], tool[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	cr_assert_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(tool, sizeof tool, "%s/tool_traceprobe", self);
	cr_assert_eq(access(tool, X_OK), 0, "%s is missing: run `make test`", tool);

	/* ptrace may be forbidden (containers, yama): then there is nothing to compare */
	char *probe_argv[] = { strace_path, "-o", "/dev/null", "/bin/true", NULL };
	if (tp_run(probe_argv) != 0)
		cr_skip_test("strace cannot trace here (ptrace not permitted?)");

	char dir[] = "/tmp/sockfam-tp-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char prefix[PATH_MAX], mine[PATH_MAX];
	snprintf(prefix, sizeof prefix, "%s/p", dir);
	snprintf(mine, sizeof mine, "%s/mine", dir);

	char *argv[32];
	int ac = 0;
	argv[ac++] = strace_path;
	argv[ac++] = "-ff";
	argv[ac++] = "-o";
	argv[ac++] = prefix;
	argv[ac++] = "-e";
	argv[ac++] = "trace=%network";
	for (const char *const *f = flags; *f; f++)
		argv[ac++] = (char *)*f;
	argv[ac++] = tool;
	for (const char *const *f = flags; *f; f++)
		argv[ac++] = (char *)*f;
	argv[ac++] = "-o";
	argv[ac++] = mine;
	argv[ac] = NULL;
	int st = tp_run(argv);
	if (st != 0) {
		tp_rmtree(dir);
		cr_assert_fail("%s: strace + probe exited with %d", label, st);
	}

	/* exactly one per-process file: the probe does not fork */
	char sfile[PATH_MAX] = "";
	int nfiles = 0;
	DIR *d = opendir(dir);
	cr_assert_not_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "p.", 2) == 0) {
			snprintf(sfile, sizeof sfile, "%s/%s", dir, e->d_name);
			nfiles++;
		}
	}
	closedir(d);
	cr_assert_eq(nfiles, 1, "%s: expected one strace output file, found %d", label, nfiles);

	static const char *const strace_skip[] = { "+++ ", "--- ", NULL };
	static const char *const probe_skip[] = { "close(", NULL };
	struct tp_lines want = { 0 }, got = { 0 };
	tp_read(&want, sfile, strace_skip);
	tp_read(&got, mine, probe_skip);

	size_t same = 0, shown = 0;
	size_t common = want.n < got.n ? want.n : got.n;
	for (size_t i = 0; i < common; i++) {
		if (strcmp(want.v[i], got.v[i]) == 0) {
			same++;
		} else if (shown++ < 10) {
			cr_log_error("%s: line %zu differs\n  strace: %s\n  probe:  %s",
				     label, i + 1, want.v[i], got.v[i]);
		}
	}
	fprintf(stderr, "traceprobe %-8s %zu of %zu strace lines identical (probe printed %zu)\n",
		label, same, want.n, got.n);
	cr_expect_geq(want.n, 260, "%s: strace saw only %zu calls: the probe did not run its sequence",
		      label, want.n);
	cr_expect_eq(want.n, got.n, "%s: strace printed %zu lines, the probe %zu", label, want.n, got.n);
	cr_expect_eq(same, common, "%s: %zu of %zu lines differ", label, common - same, common);

	tp_lines_free(&want);
	tp_lines_free(&got);
	tp_rmtree(dir);
}

Test(traceprobe, default_s32)
{
	static const char *const flags[] = { NULL };
	tp_compare("default", flags);
}

Test(traceprobe, s256)
{
	static const char *const flags[] = { "-s", "256", NULL };
	tp_compare("-s256", flags);
}

Test(traceprobe, x)
{
	static const char *const flags[] = { "-x", NULL };
	tp_compare("-x", flags);
}

Test(traceprobe, xx)
{
	static const char *const flags[] = { "-xx", NULL };
	tp_compare("-xx", flags);
}

/* Array cut-offs: -s 0 cuts every array to "...", -v lifts the cut. */
Test(traceprobe, s0)
{
	static const char *const flags[] = { "-s", "0", NULL };
	tp_compare("-s0", flags);
}

Test(traceprobe, v_s1)
{
	static const char *const flags[] = { "-v", "-s", "1", NULL };
	tp_compare("-v-s1", flags);
}
