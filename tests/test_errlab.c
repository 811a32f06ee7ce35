/*
 * bin/errlab: every errno of the lab comes, live, on every family and kind
 * the lab says it can happen on, from the call it marks; the trace lines of
 * each experiment are the ones strace -f prints for it; a bad command line
 * is one line and exit 2.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct str {
	char *s;
	size_t n, cap;
};

/* The JSON string at *p (p at its opening quote), unescaped into out;
 * returns the position after its closing quote. */
static const char *json_string(const char *p, struct str *out)
{
	cr_assert_eq(*p, '"');
	out->n = 0;
	for (p++; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			if (*p == 'u') {
				unsigned v = 0;
				sscanf(p + 1, "%4x", &v);
				c = (char)v;
				p += 4;
			}
		}
		if (out->n + 2 > out->cap)
			out->s = realloc(out->s, out->cap = out->cap * 2 + 64);
		out->s[out->n++] = c;
	}
	out->s[out->n] = '\0';
	return *p ? p + 1 : p;
}

Test(errlab, every_errno_comes_where_the_lab_says_it_can, .timeout = 120)
{
	char *argv[] = { "bin/errlab", "--json", NULL };
	char *out = NULL;
	int rc = h_run(argv, NULL, 0, &out, NULL);
	cr_assert(out);
	cr_expect_eq(rc, 0, "errlab --json: exit %d (an errno did not come)", rc);
	cr_expect_null(strstr(out, "\"produced\": false"), "an errno did not come:\n%s", strstr(out, "\"produced\": false"));
	/* every errno the issue names, and each produced on some family */
	static const char *const names[] = { "ECONNREFUSED", "EADDRINUSE", "EADDRNOTAVAIL", "EACCES", "ENOENT",
		"EPIPE", "ECONNRESET", "EAGAIN", "EINPROGRESS", "EISCONN", "ENOTCONN", "EMSGSIZE", "ETIMEDOUT",
		"EAFNOSUPPORT", "EPROTONOSUPPORT", "ENOBUFS", "EINTR" };
	size_t cases = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char key[64];
		snprintf(key, sizeof key, "{\"errno\": \"%s\"", names[i]);
		const char *at = strstr(out, key);
		cr_expect(at, "no %s in the lab", names[i]);
		if (!at)
			continue;
		const char *end = strstr(at + 1, "{\"errno\": ");
		/* within this errno: each produced case's marked line returned it */
		struct str str = { NULL, 0, 0 };
		int produced = 0;
		for (const char *p = strstr(at, "\"produced\": true"); p && (!end || p < end);
		     p = strstr(p + 1, "\"produced\": true")) {
			produced++;
			const char *tr = strstr(p, "\"trace\": [");
			int failed = -1;
			const char *fl = strstr(p, "\"failed_line\": ");
			cr_assert(tr && fl);
			sscanf(fl + 15, "%d", &failed);
			cr_expect_geq(failed, 0, "%s: no marked line", names[i]);
			const char *q = tr + 10;
			for (int k = 0; *q == '"'; k++) {
				q = json_string(q, &str);
				if (k == failed) {
					char want[80];
					snprintf(want, sizeof want, "= -1 %s (", names[i]);
					int intr = !strcmp(names[i], "EINTR");
					cr_expect(strstr(str.s, intr ? "= ? ERESTARTSYS" : want),
						  "%s: the marked line is not its error: %s", names[i], str.s);
				}
				if (*q == ',')
					q += 2;
			}
		}
		free(str.s);
		cr_expect_gt(produced, 0, "%s came on no family", names[i]);
		cases += (size_t)produced;
	}
	/* the families are all there: the lab runs on every kind */
	cr_expect(strstr(out, "\"family\": \"netlink\"") && strstr(out, "\"kind\": \"seqpacket\""));
	cr_expect_geq(cases, 80, "only %zu experiments produced their errno", cases);
	free(out);
}

/* Each experiment's trace lines against strace -f's for its process. */
Test(errlab, every_experiments_trace_is_straces, .timeout = 180)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed");
	char *dir = h_tmpdir();
	char st[300];
	snprintf(st, sizeof st, "%s/st", dir);
	/* all but ETIMEDOUT, which waits 3 s per kind and makes the same calls as EINPROGRESS */
	char *argv[] = { "/usr/bin/strace", "-ff", "-o", st, "-e", H_MODEL_CALLS, "bin/errlab", "--json",
		"ECONNREFUSED", "EADDRINUSE", "EADDRNOTAVAIL", "EACCES", "ENOENT", "EPIPE", "ECONNRESET", "EAGAIN",
		"EINPROGRESS", "EISCONN", "ENOTCONN", "EMSGSIZE", "EAFNOSUPPORT", "EPROTONOSUPPORT", "ENOBUFS", "EINTR",
		NULL };
	char *out = NULL;
	int rc = h_run(argv, NULL, 0, &out, NULL);
	cr_assert_eq(rc, 0, "errlab under strace: exit %d", rc);
	/* the experiments' processes, in the order they were made: the pids of st.PID but the lowest (errlab) */
	DIR *d = opendir(dir);
	cr_assert(d);
	long pids[512];
	size_t npids = 0;
	struct dirent *e;
	while ((e = readdir(d)) && npids < 512)
		if (!strncmp(e->d_name, "st.", 3))
			pids[npids++] = atol(e->d_name + 3);
	closedir(d);
	for (size_t i = 0; i < npids; i++)
		for (size_t j = i + 1; j < npids; j++)
			if (pids[j] < pids[i]) {
				long t = pids[i];
				pids[i] = pids[j];
				pids[j] = t;
			}
	/* each "trace": [...] of the JSON, in order, is one experiment */
	struct str str = { NULL, 0, 0 };
	size_t n = 0, lines = 0, same_total = 0;
	for (const char *p = strstr(out, "\"trace\": ["); p; p = strstr(p + 1, "\"trace\": [")) {
		n++;
		cr_assert_lt(n, npids, "more experiments than strace saw processes");
		char own[320], sf[320];
		snprintf(own, sizeof own, "%s/own.%zu", dir, n);
		snprintf(sf, sizeof sf, "%s/st.%ld", dir, pids[n]);
		FILE *f = fopen(own, "w");
		cr_assert(f);
		const char *q = p + 10;
		while (*q == '"') {
			q = json_string(q, &str);
			fprintf(f, "%s\n", str.s);
			if (*q == ',')
				q += 2;
		}
		fclose(f);
		size_t same = 0;
		char *diff = NULL;
		size_t total = h_strace_compare(sf, own, &same, &diff);
		cr_expect_eq(same, total, "experiment %zu (pid %ld): %zu of %zu lines as strace's; first difference: %s",
			     n, pids[n], same, total, diff ? diff : "?");
		free(diff);
		lines += total;
		same_total += same;
	}
	free(str.s);
	cr_expect_eq(n, npids - 1, "%zu experiments, %zu processes besides errlab", n, npids - 1);
	cr_expect_gt(lines, 150, "only %zu lines compared", lines);
	free(out);
	h_tmpdir_free(dir);
}

Test(errlab, bad_command_lines_are_one_line_and_exit_2)
{
	char *cases[][4] = {
		{ "bin/errlab", "EBOGUS", NULL },
		{ "bin/errlab", "ENOMEM", NULL },
		{ "bin/errlab", "--csv", NULL },
		{ "bin/errlab", "--json=1", NULL },
	};
	static const char *const says[] = { "unknown errno 'EBOGUS'", "unknown errno 'ENOMEM'",
		"'--csv' does not apply to errlab", "takes no argument" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i], says[i]);
		cr_expect_null(why, "%s %s: %s", cases[i][0], cases[i][1], why);
		free(why);
	}
}

/* The names are taken in any case, and only the ones given run. */
Test(errlab, runs_only_the_errnos_named)
{
	char *argv[] = { "bin/errlab", "eisconn", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	cr_expect(!strncmp(out, "EISCONN (Transport endpoint is already connected): ", 51), "%s", out);
	cr_expect_null(strstr(out, "ECONNREFUSED"));
	cr_expect(strstr(out, "  unix/dgram: cannot happen here\n"));
	cr_expect(strstr(out, "  > connect(") && strstr(out, "= -1 EISCONN (Transport endpoint is already connected)"));
	free(out);
}
