/*
 * The clients' blocking modes: --nonblock (setblocking(False): fcntl
 * O_NONBLOCK, EINPROGRESS, a receive with nothing there fails with EAGAIN)
 * and --timeout (settimeout: EINPROGRESS, poll, getsockopt(SO_ERROR)); a
 * connect to an address that never answers times out with ETIMEDOUT inside
 * a private network namespace; every traced line identical to strace's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* An echo server of `prog` on an ephemeral port serving `n` clients. */
static int start_server(struct h_proc *sv, const char *prog, int udp, const char *n)
{
	char *argv[] = { (char *)prog, "-p", "0", "-n", (char *)n, "-q", udp ? "-u" : NULL, NULL };
	cr_assert_eq(h_start_server(sv, argv, NULL), 0, "%s did not start", prog);
	return h_port_of(sv->first);
}

/* prog (a NULL-ended argv) with its own trace into dir/OWN, under strace -ff
 * into dir/PRE.PID when strace is there, as one argv in out (room for 32). */
static void traced_argv(const char *dir, const char *pre, const char *own, char *const prog[], char **out,
			char paths[2][300])
{
	snprintf(paths[0], 300, "%s/%s", dir, pre);
	snprintf(paths[1], 300, "%s/%s", dir, own);
	int n = 0;
	if (h_have_strace()) {
		const char *wrap[] = { "/usr/bin/strace", "-ff", "-o", paths[0], "-e", "trace=%network,close,poll,fcntl" };
		for (size_t i = 0; i < sizeof wrap / sizeof wrap[0]; i++)
			out[n++] = (char *)wrap[i];
	}
	for (int i = 0; prog[i] && n < 28; i++)
		out[n++] = prog[i];
	out[n++] = "-o";
	out[n++] = paths[1];
	out[n] = NULL;
}

/* dir/OWN, the program's own trace, after the differential check against
 * strace's dir/PRE.PID. */
static char *own_trace(const char *dir, const char *pre, const char *own, const char *what)
{
	char tf[300];
	snprintf(tf, sizeof tf, "%s/%s", dir, own);
	char *trace = h_slurp(tf, NULL);
	cr_assert(trace, "%s: no trace", what);
	if (h_have_strace()) {
		char *sf = h_strace_file(dir, pre), *diff = NULL;
		cr_assert(sf, "%s: no strace output", what);
		size_t same, total = h_strace_compare(sf, tf, &same, &diff);
		cr_expect_gt(total, 4, "%s: strace saw too few calls", what);
		cr_expect_eq(same, total, "%s:\n%s", what, diff ? diff : "");
		cr_expect_null(diff, "%s:\n%s", what, diff);
		free(diff);
		free(sf);
	}
	return trace;
}

/* Runs the client (its trace into dir/trace, stderr into dir/err) under
 * strace -ff when strace is there (dir/st.PID); returns its exit status. */
static int run_client(const char *dir, char **out, char *const cargs[])
{
	char *argv[32], paths[2][300], ef[300];
	snprintf(ef, sizeof ef, "%s/err", dir);
	traced_argv(dir, "st", "trace", cargs, argv, paths);
	return h_run(argv, NULL, 0, out, ef);
}

/* The client's own trace, and the differential check against strace's. */
static char *check_trace(const char *dir, const char *what)
{
	return own_trace(dir, "st", "trace", what);
}

/* The text of the line of `text` that contains `what`, or NULL. */
static const char *line_with(const char *text, const char *what)
{
	return strstr(text, what);
}

Test(blocking, nonblock_stream_einprogress_then_eagain, .timeout = 30)
{
	struct h_proc sv;
	char port[16], *dir = h_tmpdir(), *out = NULL;
	snprintf(port, sizeof port, "%d", start_server(&sv, "bin/inet-server", 0, "1"));
	char *cargs[] = { "bin/inet-client", "-p", port, "--nonblock", "hello", NULL };
	cr_assert_eq(run_client(dir, &out, cargs), 0, "%s", out);
	cr_expect(strstr(out, "HELLO\n"), "%s", out);
	cr_expect(strstr(out, "connect returned EINPROGRESS at once (connect_ex() returns 115)"), "%s", out);
	cr_expect(strstr(out, "recvfrom returned EAGAIN at once"), "%s", out);
	char *trace = check_trace(dir, "inet-client --nonblock");
	cr_expect(line_with(trace, ", F_SETFL, O_RDWR|O_NONBLOCK)    = 0\n"), "%s", trace);
	cr_expect(line_with(trace, "16) = -1 EINPROGRESS (Operation now in progress)\n"), "%s", trace);
	cr_expect(line_with(trace, " events=POLLOUT}], 1, -1)   = 1 ([{fd=") && line_with(trace, " revents=POLLOUT}])\n"), "%s", trace);
	cr_expect(line_with(trace, ", SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n"), "%s", trace);
	cr_expect(line_with(trace, ", 65536, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)\n"), "%s", trace);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(trace);
	free(out);
	h_tmpdir_free(dir);
}

Test(blocking, nonblock_datagram_eagain_before_the_first_send, .timeout = 30)
{
	struct h_proc sv;
	char port[16], *dir = h_tmpdir(), *out = NULL;
	snprintf(port, sizeof port, "%d", start_server(&sv, "bin/inet-server", 1, "1"));
	char *cargs[] = { "bin/inet-client", "-u", "-p", port, "--nonblock", "hi", NULL };
	cr_assert_eq(run_client(dir, &out, cargs), 0, "%s", out);
	cr_expect(strstr(out, "HI\n"), "%s", out);
	char *trace = check_trace(dir, "inet-client -u --nonblock");
	const char *eagain = strstr(trace, "recvfrom(");
	const char *send = strstr(trace, ", \"hi\", 2, 0, {");
	cr_expect(eagain && send && eagain < send, "EAGAIN before the first sendto:\n%s", trace);
	cr_expect(eagain && strstr(eagain, "= -1 EAGAIN") < strchr(eagain, '\n') && strstr(eagain, "= -1 EAGAIN"),
		  "%s", trace);
	cr_expect(strstr(trace, " events=POLLIN}], 1, 2000)  = 1 ([{fd=") && strstr(trace, " revents=POLLIN}])\n"), "%s", trace);
	cr_expect_null(strstr(trace, "SO_RCVTIMEO"), "a polled socket needs no SO_RCVTIMEO:\n%s", trace);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(trace);
	free(out);
	h_tmpdir_free(dir);
}

Test(blocking, timeout_connects_through_poll_and_so_error, .timeout = 30)
{
	struct h_proc sv;
	char port[16], *dir = h_tmpdir(), *out = NULL;
	snprintf(port, sizeof port, "%d", start_server(&sv, "bin/inet6-server", 0, "1"));
	char *cargs[] = { "bin/inet6-client", "-p", port, "--timeout", "7", "one", NULL };
	cr_assert_eq(run_client(dir, &out, cargs), 0, "%s", out);
	cr_expect(strstr(out, "ONE\n"), "%s", out);
	cr_expect(strstr(out, "poll() waits up to 7 s for the handshake"), "%s", out);
	char *trace = check_trace(dir, "inet6-client --timeout");
	cr_expect(strstr(trace, " events=POLLOUT}], 1, 7000) = 1 ([{fd=") && strstr(trace, " revents=POLLOUT}])\n"), "%s", trace);
	cr_expect(strstr(trace, ", SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n"), "%s", trace);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(trace);
	free(out);
	h_tmpdir_free(dir);
}

Test(blocking, timeout_refused_comes_from_so_error, .timeout = 30)
{
	/* a port that is bound but not listening: the handshake gets a reset */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof in;
	cr_assert_eq(bind(fd, (struct sockaddr *)&in, sizeof in), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&in, &len), 0);
	char port[16], *dir = h_tmpdir(), *out = NULL, ef[300];
	snprintf(port, sizeof port, "%d", ntohs(in.sin_port));
	char *cargs[] = { "bin/inet-client", "-p", port, "--timeout", "5", "x", NULL };
	cr_expect_eq(run_client(dir, &out, cargs), 1);
	char *trace = check_trace(dir, "inet-client --timeout, refused");
	cr_expect(strstr(trace, ", SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0\n"), "%s", trace);
	snprintf(ef, sizeof ef, "%s/err", dir);
	char *err = h_slurp(ef, NULL);
	cr_expect(err && strstr(err, "(ECONNREFUSED)"), "%s", err);
	close(fd);
	free(err);
	free(trace);
	free(out);
	h_tmpdir_free(dir);
}

Test(blocking, blackholed_connect_times_out_in_a_private_namespace, .timeout = 30)
{
	if (geteuid() != 0 || access("/usr/bin/unshare", X_OK) != 0)
		cr_skip_test("needs root and unshare to make a private network namespace");
	if (system("unshare -n true 2>/dev/null") != 0)
		cr_skip_test("unshare -n does not work here (no namespace support?)");
	char *dir = h_tmpdir(), tf[300], ef[300], *out = NULL;
	snprintf(tf, sizeof tf, "%s/trace", dir);
	snprintf(ef, sizeof ef, "%s/err", dir);
	/* inside a namespace of its own: 10.77.0.0/24 is routed to lo, where no
	 * host answers (the namespace does not forward), so the SYN goes nowhere */
	char *script;
	cr_assert(asprintf(&script, "ip link set lo up && ip route add 10.77.0.0/24 dev lo && "
			   "exec bin/inet-client -a 10.77.0.2 -p 9 --timeout 1 -o %s hello", tf) > 0);
	char *argv[] = { "/usr/bin/unshare", "-n", "/bin/sh", "-c", script, NULL };
	cr_expect_eq(h_run(argv, NULL, 0, &out, ef), 1);
	char *trace = h_slurp(tf, NULL), *err = h_slurp(ef, NULL);
	cr_assert(trace, "no trace; stderr: %s", err);
	cr_expect(strstr(trace, ", {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr(\"10.77.0.2\")}, "
			 "16) = -1 EINPROGRESS (Operation now in progress)\n"), "%s", trace);
	cr_expect(strstr(trace, " events=POLLOUT}], 1, 1000) = 0 (Timeout)\n"), "%s", trace);
	cr_expect_null(strstr(trace, "sendto("), "nothing is sent without a connection:\n%s", trace);
	cr_expect(err && strstr(err, "connecting to 10.77.0.2 port 9: no answer from that address (ETIMEDOUT)"), "%s", err);
	cr_expect(strstr(out, "no connection after 1 s: timed out"), "%s", out);
	free(script);
	free(trace);
	free(err);
	free(out);
	h_tmpdir_free(dir);
}

/* A server with the given mode on an ephemeral port, traced into dir/server
 * (under strace -ff into dir/sv.PID when strace is there). */
static void start_moded_server(struct h_proc *sv, const char *dir, char *const extra[])
{
	char *argv[32], paths[2][300];
	traced_argv(dir, "sv", "server", extra, argv, paths);
	cr_assert_eq(h_start_server(sv, argv, NULL), 0, "%s did not start", extra[0]);
}

Test(blocking, nonblocking_server_accept_eagain_then_poll, .timeout = 30)
{
	struct h_proc sv;
	char *dir = h_tmpdir(), port[16], *out = NULL;
	start_moded_server(&sv, dir, (char *const[]){ "bin/inet-server", "-p", "0", "-n", "1", "--nonblock", NULL });
	snprintf(port, sizeof port, "%d", h_port_of(sv.first));
	/* the client only once the first accept found nobody (its line is in
	 * the server's trace), so that the EAGAIN is there to see */
	char tf[300];
	snprintf(tf, sizeof tf, "%s/server", dir);
	int seen = 0;
	for (int i = 0; i < 1000 && !seen; i++) {
		char *t = h_slurp(tf, NULL);
		seen = t && strstr(t, "= -1 EAGAIN (Resource temporarily unavailable)\n");
		free(t);
		if (!seen)
			usleep(10000);
	}
	cr_assert(seen, "the server's first accept did not return EAGAIN within 10 s");
	char *cargs[] = { "bin/inet-client", "-q", "-p", port, "x", NULL };
	cr_assert_eq(h_run(cargs, NULL, 0, &out, NULL), 0);
	cr_expect_eq(h_wait(&sv, 10), 0);
	char *trace = own_trace(dir, "sv", "server", "inet-server --nonblock");
	const char *eagain = strstr(trace, "[16])         = -1 EAGAIN (Resource temporarily unavailable)\n");
	const char *poll = strstr(trace, " events=POLLIN}], 1, -1)    = 1 ([{fd=");
	const char *accepted = poll ? strstr(poll, "sin_addr=inet_addr(\"127.0.0.1\")}, [16]) = ") : NULL;
	cr_expect(eagain && poll && accepted && eagain < poll,
		  "accept EAGAIN, poll, accept:\n%s", trace);
	cr_expect(strstr(trace, ", F_SETFL, O_RDWR|O_NONBLOCK)    = 0\n"), "%s", trace);
	free(trace);
	free(out);
	h_tmpdir_free(dir);
}

Test(blocking, server_timeout_ends_with_no_client, .timeout = 30)
{
	const struct {
		const char *prog, *kind, *what;
	} cases[] = {
		{ "bin/inet-server", NULL, "no client for 1 s: timed out" },
		{ "bin/inet6-server", "-u", "no datagram for 1 s: timed out" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct h_proc sv;
		char *dir = h_tmpdir(), ef[300];
		snprintf(ef, sizeof ef, "%s/err", dir);
		char tf[300], pre[300];
		snprintf(tf, sizeof tf, "%s/server", dir);
		snprintf(pre, sizeof pre, "%s/sv", dir);
		char *argv[] = { (char *)cases[i].prog, "-p", "0", "--timeout", "1", "-o", tf, (char *)cases[i].kind, NULL };
		cr_assert_eq(h_start_server(&sv, argv, ef), 0);
		cr_expect_eq(h_wait(&sv, 10), 1, "%s: a timeout is exit 1", cases[i].prog);
		char *err = h_slurp(ef, NULL), *trace = h_slurp(tf, NULL);
		cr_expect(err && strstr(err, cases[i].what), "%s: %s", cases[i].prog, err);
		cr_expect(trace && strstr(trace, " events=POLLIN}], 1, 1000)  = 0 (Timeout)\n"), "%s", trace);
		free(err);
		free(trace);
		h_tmpdir_free(dir);
	}
}

Test(blocking, bad_modes_are_refused)
{
	char *const cases[][6] = {
		{ "bin/inet-client", "--timeout", "0", NULL },
		{ "bin/inet-client", "--timeout", "1.5", NULL },
		{ "bin/unix-client", "--timeout", "x", NULL },
		{ "bin/inet6-client", "--nonblock", "--timeout", "3", NULL },
		{ "bin/netlink-query", "--nonblock", NULL },
		{ "bin/inet-server", "--model", "epoll", "--nonblock", NULL },
		{ "bin/unix-server", "--model", "prefork", "--timeout", "2", NULL },
		{ "bin/netlink-monitor", "--timeout", "2", NULL },
		{ "bin/inet-server", "--timeout", "99999", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i], NULL);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
}
