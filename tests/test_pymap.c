/*
 * bin/pymap: run under real strace by the test, each C trace line it prints
 * must be what strace saw pymap make, in order; the Python side's lines are
 * strace's own (the notes' calls present: recvfrom for recv, sendto for
 * send, poll for a timeout, EAGAIN for setblocking(False)); --markdown is a
 * table of five columns; without python3 and strace it says so, exit 1.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/sbuf.h"
#include "harness.h"

static int have_python(void)
{
	return system("python3 -c pass >/dev/null 2>&1") == 0;
}

/* The lines of a block of pymap's text output: after `head`, the lines
 * indented by four spaces, until the next line that is not. */
static void block_lines(const char *from, struct sbuf *out)
{
	const char *p = strchr(from, '\n');
	while (p && !strncmp(p + 1, "    ", 4)) {
		const char *e = strchr(p + 1, '\n');
		if (!e)
			break;
		sb_putn(out, p + 5, (size_t)(e - p - 5));
		sb_putc(out, '\n');
		p = e;
	}
}

Test(pymap, c_lines_are_what_strace_saw, .timeout = 90)
{
	if (!h_have_strace() || !have_python())
		cr_skip_test("needs strace and python3 (make deps installs both)");
	char *dir = h_tmpdir(), st[300], *out = NULL;
	snprintf(st, sizeof st, "%s/st", dir);
	/* no -f: pymap runs strace itself, which cannot trace a process twice */
	char *argv[] = { "/usr/bin/strace", "-o", st, "-e", "trace=%network,poll,fcntl,close", "bin/pymap", NULL };
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "%s", out);
	char *strace = h_slurp(st, NULL);
	cr_assert(strace);

	/* every "  C: ..." block's lines, in order, against strace's lines of pymap */
	struct sbuf mine = SBUF_INIT;
	for (const char *p = strstr(out, "\n  C: "); p; p = strstr(p + 1, "\n  C: "))
		block_lines(p + 1, &mine);
	char *m = strdup(sb_str(&mine)), **ml, **sl;
	size_t nm = h_lines(m, &ml), ns = h_lines(strace, &sl), k = 0, same = 0;
	cr_assert_gt(nm, 25, "too few C trace lines:\n%s", out);
	for (size_t i = 0; i < ns && k < nm; i++) {
		/* strace shows pymap's calls outside the steps too (its own spawn, the TLS
		 * client's setup): a step's lines are found in order among them */
		if (!strcmp(sl[i], ml[k])) {
			same++;
			k++;
		}
	}
	cr_expect_eq(same, nm, "line %zu of pymap's C trace is not strace's next one: %s", k, k < nm ? ml[k] : "");

	/* the Python side, as strace printed it */
	const struct {
		const char *step, *want;
	} py[] = {
		{ ">>> s = socket.socket(", "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = " },
		{ ">>> s.listen(5)", "listen(" },
		{ ">>> c.send(b\"hello\")", ", \"hello\", 5, 0, NULL, 0)" },
		{ ">>> a.recv(1024)", ", \"hello\", 1024, 0, NULL, NULL) = 5" },
		{ ">>> c.sendall(", "sendto(" },
		{ ">>> c.settimeout(2.0)", ", FIONBIO, [1])" },
		{ ">>> c.recv(1024)", " events=POLLIN}], 1, 2000)  = 1 ([{fd=" },
		{ ">>> c.setblocking(False)", ", FIONBIO, [1])" },
		{ ">>>     c.recv(1024)", "= -1 EAGAIN (Resource temporarily unavailable)" },
		{ ">>> err = e.connect_ex(", "= -1 ECONNREFUSED (Connection refused)" },
		{ ">>>     ssl.wrap_socket(t)", "write(" },
	};
	for (size_t i = 0; i < sizeof py / sizeof py[0]; i++) {
		const char *b = strstr(out, py[i].step);
		cr_assert(b, "no step %s", py[i].step);
		const char *s = strstr(b, "\n  strace:\n");
		cr_assert(s);
		struct sbuf lines = SBUF_INIT;
		block_lines(s + 1, &lines);
		cr_expect(strstr(sb_str(&lines), py[i].want), "%s: want %s in\n%s", py[i].step, py[i].want,
			  sb_str(&lines));
		sb_free(&lines);
	}
	/* sendall's count is the number strace saw */
	const char *sa = strstr(out, ">>> c.sendall(");
	cr_assert(sa);
	struct sbuf lines = SBUF_INIT;
	block_lines(strstr(sa, "\n  strace:\n") + 1, &lines);
	int n = 0;
	for (const char *p = sb_str(&lines); (p = strstr(p, "sendto(")); p++)
		n++;
	char want[64];
	snprintf(want, sizeof want, "sendto until every byte went: %d call(s) here", n);
	cr_expect(strstr(sa, want), "want %s", want);
	sb_free(&lines);
	sb_free(&mine);
	free(ml);
	free(sl);
	free(m);
	free(strace);
	free(out);
	h_tmpdir_free(dir);
}

Test(pymap, markdown_is_a_table_of_five_columns, .timeout = 60)
{
	if (!h_have_strace() || !have_python())
		cr_skip_test("needs strace and python3 (make deps installs both)");
	char *out = NULL;
	char *argv[] = { "bin/pymap", "--markdown", NULL };
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	char **lines;
	size_t n = h_lines(out, &lines);
	cr_assert_gt(n, 20);
	cr_expect(!strncmp(lines[0], "| Python 3.", 10), "%s", lines[0]);
	cr_expect_str_eq(lines[1], "|---|---|---|---|---|");
	for (size_t i = 0; i < n; i++) {
		int bars = 0;
		for (const char *p = lines[i]; *p; p++)
			bars += *p == '|' && (p == lines[i] || p[-1] != '\\');
		cr_expect_eq(bars, 6, "line %zu: %s", i, lines[i]);
	}
	free(lines);
	free(out);
}

Test(pymap, says_what_is_missing)
{
	char dir[] = "/tmp/pymap-test-XXXXXX", path[300], *out = NULL;
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "PATH=%s", dir);
	char ef[300];
	snprintf(ef, sizeof ef, "%s/err", dir);
	char *argv[] = { "/usr/bin/env", path, "bin/pymap", NULL };
	cr_expect_eq(h_run(argv, NULL, 0, &out, ef), 1);
	char *err = h_slurp(ef, NULL);
	cr_expect(err && !strcmp(err, "pymap: needs python3 and strace: neither is installed (make deps installs both)\n"),
		  "%s", err);
	char *refused[] = { "bin/pymap", "extra", NULL };
	char *why = h_refused(refused, "unexpected argument");
	cr_expect_null(why, "%s", why);
	free(why);
	free(err);
	free(out);
	unlink(ef);
	rmdir(dir);
}
