/*
 * bin/oob: TCP urgent data. The urgent byte is read where SIOCATMARK says,
 * apart (MSG_OOB) or inline (SO_OOBINLINE), never mixed into the ordinary
 * reads; the server's trace is what strace prints (ioctl SIOCATMARK, poll
 * with POLLPRI, recvfrom with MSG_OOB). The exact split of the reads depends
 * on how the three sends arrive, so the tests check what must hold whatever
 * the split.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Runs the server (under strace -ff when st is not NULL) and the client with
 * its default parts; returns the server's stdout after it ended (malloc'd). */
static char *exchange(const char *own, const char *st, int inline_oob)
{
	if (access("bin/oob", X_OK) != 0)
		cr_skip_test("bin/oob is not built (run make)");
	struct h_proc srv;
	char *argv[16];
	int n = 0;
	if (st) {
		argv[n++] = "/usr/bin/strace";
		argv[n++] = "-ff";
		argv[n++] = "-e";
		argv[n++] = "trace=%network,ioctl,poll,close";
		argv[n++] = "-o";
		argv[n++] = (char *)st;
	}
	argv[n++] = "bin/oob";
	argv[n++] = "server";
	argv[n++] = "-p";
	argv[n++] = "0";
	argv[n++] = "-o";
	argv[n++] = (char *)own;
	if (inline_oob)
		argv[n++] = "--inline";
	argv[n] = NULL;
	cr_assert_eq(h_start_server(&srv, argv, NULL), 0, "the server starts");
	char port[16];
	snprintf(port, sizeof port, "%d", h_port_of(srv.first));
	char *const client[] = { "bin/oob", "client", "-q", "-p", port, NULL };
	char *out = NULL;
	cr_assert_eq(h_run(client, NULL, 0, &out, NULL), 0);
	cr_assert(strstr(out, "sent \"!\" with MSG_OOB"), "%s", out);
	free(out);
	/* what it printed after its first line, up to its end (h_wait closes the pipe) */
	char rest[8192];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof rest - 1 && (r = read(srv.out, rest + got, sizeof rest - 1 - got)) > 0)
		got += (size_t)r;
	rest[got] = '\0';
	cr_assert_eq(h_wait(&srv, 10), 0, "the server ends when the client closes");
	return strdup(rest);
}

/* The ordinary reads of the trace, concatenated; and the text of the trace. */
static void reads_of(const char *own, char *data, size_t size, char **trace)
{
	*trace = h_slurp(own, NULL);
	cr_assert_not_null(*trace);
	size_t n = 0;
	data[0] = '\0';
	for (const char *p = *trace; (p = strstr(p, "recvfrom(")) != NULL; p++) {
		const char *eol = strchr(p, '\n'), *q = strchr(p, '"'), *oob = strstr(p, "MSG_OOB");
		if (!eol || !q || q > eol || (oob && oob < eol))   /* not a read with data, or the urgent one */
			continue;
		const char *e = strchr(q + 1, '"');
		if (e && n + (size_t)(e - q - 1) < size)
			n += (size_t)snprintf(data + n, size - n, "%.*s", (int)(e - q - 1), q + 1);
	}
}

Test(oob, urgent_byte_read_apart_at_the_mark)
{
	char *dir = h_tmpdir(), own[512];
	snprintf(own, sizeof own, "%s/own", dir);
	char *out = exchange(own, NULL, 0);
	char data[256], *trace;
	reads_of(own, data, sizeof data, &trace);
	cr_assert_str_eq(data, "abcdef", "the ordinary reads never hold the urgent byte:\n%s", trace);
	/* the MSG_OOB read comes right after SIOCATMARK said [1] */
	const char *oob = strstr(trace, ", 1, MSG_OOB, NULL, NULL) = 1");
	cr_assert_not_null(oob, "%s", trace);
	cr_assert(strstr(trace, ", \"!\", 1, MSG_OOB, NULL, NULL) = 1"), "%s", trace);
	const char *mark = strstr(trace, ", SIOCATMARK, [1])");
	cr_assert(mark && mark < oob, "%s", trace);
	cr_assert(strstr(trace, ", revents=POLLPRI}])") || strstr(trace, ", revents=POLLIN|POLLPRI}])"),
		  "poll reports the urgent data: %s", trace);
	cr_assert(strstr(out, "the urgent byte, read apart with MSG_OOB: \"!\""), "%s", out);
	free(out);
	free(trace);
	h_tmpdir_free(dir);
}

Test(oob, inline_urgent_byte_starts_the_read_at_the_mark)
{
	char *dir = h_tmpdir(), own[512];
	snprintf(own, sizeof own, "%s/own", dir);
	char *out = exchange(own, NULL, 1);
	char data[256], *trace;
	reads_of(own, data, sizeof data, &trace);
	cr_assert_str_eq(data, "abc!def", "inline, the urgent byte is in the stream:\n%s", trace);
	cr_assert_null(strstr(trace, "MSG_OOB"), "%s", trace);
	cr_assert(strstr(trace, ", SOL_SOCKET, SO_OOBINLINE, [1], 4) = 0"), "%s", trace);
	/* a read never crosses the mark: the one at the mark starts with '!' */
	const char *mark = strstr(trace, ", SIOCATMARK, [1])"), *read = mark ? strstr(mark, "recvfrom(") : NULL;
	cr_assert(read && strchr(read, '"') && strchr(read, '"')[1] == '!', "%s", trace);
	cr_assert(strstr(out, "(the first is the urgent byte, inline)"), "%s", out);
	free(out);
	free(trace);
	h_tmpdir_free(dir);
}

Test(oob, server_trace_is_strace_identical)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed");
	char *dir = h_tmpdir(), own[512], st[512];
	snprintf(own, sizeof own, "%s/own", dir);
	snprintf(st, sizeof st, "%s/st", dir);
	free(exchange(own, st, 0));
	char *file = h_strace_file(dir, "st");
	cr_assert_not_null(file);
	size_t same = 0;
	char *diff = NULL;
	size_t total = h_strace_compare(file, own, &same, &diff);
	cr_assert_geq(total, 15, "%zu lines", total);
	cr_assert_eq(same, total, "%zu of %zu lines as strace prints them; first difference: %s", same, total,
		     diff ? diff : "");
	free(file);
	free(diff);
	h_tmpdir_free(dir);
}

Test(oob, bad_command_lines)
{
	static const struct {
		const char *args[6];
		const char *says;
	} cases[] = {
		{ { NULL }, "which side" },
		{ { "peer" }, "which side" },
		{ { "server", "x" }, "unexpected argument 'x'" },
		{ { "client", "a", "b" }, "give BEFORE URGENT AFTER" },
		{ { "client", "a", "", "c" }, "URGENT is empty" },
		{ { "client", "-p", "0" }, "port 0" },
		{ { "client", "-p", "70000" }, "invalid port '70000'" },
		{ { "server", "-a", "localhost" }, "'localhost' is not an IPv4 address" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused_args("bin/oob", cases[i].args, cases[i].says);
		cr_expect_null(why, "case %zu (%s): %s", i, cases[i].says, why ? why : "");
		free(why);
	}
}
