/*
 * The inet pair's behaviour at its edges: bad command lines, nobody
 * listening, a port in use, an oversized datagram, and a server that
 * outlives clients that reset, half-close, send garbage or vanish mid-message.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Each bad command line: exit 2, one line on stderr, and not a single socket call. */
Test(inet, usage_errors_exit_2_before_any_socket, .timeout = 60)
{
	static const char *const bad[][6] = {
		{ "bin/inet-client", "-p", "0", "hi", NULL },
		{ "bin/inet-client", "-p", "65536", "hi", NULL },
		{ "bin/inet-client", "-p", "70000", "hi", NULL },
		{ "bin/inet-client", "-p", "abc", "hi", NULL },
		{ "bin/inet-client", "-p", "-1", "hi", NULL },
		{ "bin/inet-client", "-a", "017.0.0.1", "hi", NULL },
		{ "bin/inet-client", "-a", "::1", "hi", NULL },
		{ "bin/inet-client", "-a", "localhost", "hi", NULL },
		{ "bin/inet-client", "--bogus", NULL },
		{ "bin/inet-client", "-s", "lots", NULL },
		{ "bin/inet-server", "-p", "70000", NULL },
		{ "bin/inet-server", "-a", "1.2.3", NULL },
		{ "bin/inet-server", "-n", "x", NULL },
		{ "bin/inet-server", "extra", NULL },
		{ "bin/inet-server", "-p", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *why = h_refused((char *const *)bad[i], NULL);
		cr_expect_null(why, "%s", why);
		free(why);
	}
}

/* A TCP socket bound to a free loopback port but not listening: connecting is refused. */
static int closed_port(int *holder)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	*holder = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(*holder >= 0);
	cr_assert_eq(bind(*holder, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(*holder, (struct sockaddr *)&a, &len);
	return ntohs(a.sin_port);
}

Test(inet, nobody_listening_is_econnrefused)
{
	int holder, port = closed_port(&holder);
	char *dir = h_tmpdir(), tf[300], ef[300], ps[16], want[256];
	snprintf(tf, sizeof tf, "%s/trace", dir);
	snprintf(ef, sizeof ef, "%s/err", dir);
	snprintf(ps, sizeof ps, "%d", port);
	char *argv[] = { "bin/inet-client", "-p", ps, "-o", tf, "hello", NULL };
	cr_expect_eq(h_run(argv, NULL, 0, NULL, ef), 1);
	char *trace = h_slurp(tf, NULL), *err = h_slurp(ef, NULL);
	/* (the descriptor number depends on what the test runner leaves open) */
	snprintf(want, sizeof want, ", {sa_family=AF_INET, sin_port=htons(%d), "
		 "sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)\n", port);
	cr_expect(strstr(trace, want), "trace lacks %s\n%s", want, trace);
	cr_expect(!strstr(trace, "sendto("), "nothing may be sent: %s", trace);
	cr_expect_eq(count_lines(err), 1, "%s", err);
	cr_expect(strstr(err, "nobody is listening"), "%s", err);
	free(trace);
	free(err);
	close(holder);
	h_tmpdir_free(dir);
}

Test(inet, port_in_use_is_eaddrinuse)
{
	struct h_proc sv;
	char *a1[] = { "bin/inet-server", "-p", "0", "-q", NULL };
	cr_assert_eq(h_start_server(&sv, a1, NULL), 0);
	char ps[16], *dir = h_tmpdir(), tf[300], ef[300];
	snprintf(ps, sizeof ps, "%d", h_port_of(sv.first));
	snprintf(tf, sizeof tf, "%s/trace", dir);
	snprintf(ef, sizeof ef, "%s/err", dir);
	char *a2[] = { "bin/inet-server", "-p", ps, "-o", tf, NULL };
	cr_expect_eq(h_run(a2, NULL, 0, NULL, ef), 1);
	char *trace = h_slurp(tf, NULL), *err = h_slurp(ef, NULL);
	cr_expect(strstr(trace, "= -1 EADDRINUSE (Address already in use)\n"), "%s", trace);
	cr_expect(strstr(trace, ", SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"), "%s", trace);
	cr_expect(strstr(err, "already in use"), "%s", err);
	cr_expect(!strstr(trace, "listen("), "%s", trace);
	kill(sv.pid, SIGTERM);
	cr_expect_eq(h_wait(&sv, 5), 0, "a stopped server exits 0");
	free(trace);
	free(err);
	h_tmpdir_free(dir);
}

/* 70000 bytes do not fit a UDP datagram: EMSGSIZE is shown, the next message still goes. */
Test(inet, oversized_udp_message_is_emsgsize)
{
	struct h_proc sv;
	char *a1[] = { "bin/inet-server", "-u", "-p", "0", "-n", "1", "-q", NULL };
	cr_assert_eq(h_start_server(&sv, a1, NULL), 0);
	char ps[16], *dir = h_tmpdir(), tf[300], ef[300];
	snprintf(ps, sizeof ps, "%d", h_port_of(sv.first));
	snprintf(tf, sizeof tf, "%s/trace", dir);
	snprintf(ef, sizeof ef, "%s/err", dir);
	size_t big = 70000;
	char *in = malloc(big + 16);
	memset(in, 'x', big);
	strcpy(in + big, "\nsmall\n");
	char *argv[] = { "bin/inet-client", "-u", "-p", ps, "-o", tf, NULL };
	char *out;
	cr_expect_eq(h_run(argv, in, big + 7, &out, ef), 1);
	char *trace = h_slurp(tf, NULL), *err = h_slurp(ef, NULL);
	cr_expect(strstr(trace, "\"..., 70000, 0, {sa_family=AF_INET, sin_port=htons("), "%s", trace);
	cr_expect(strstr(trace, "16) = -1 EMSGSIZE (Message too long)\n"), "%s", trace);
	cr_expect(strstr(out, "SMALL\n"), "the next message is answered: %s", out);
	cr_expect(strstr(err, "larger than one datagram"), "%s", err);
	cr_expect_eq(h_wait(&sv, 5), 0);
	free(in);
	free(out);
	free(trace);
	free(err);
	h_tmpdir_free(dir);
}

static int connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fd >= 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	return n;
}

/* One server, five clients in a row; each misbehaving one leaves the next served. */
Test(inet, server_survives_bad_clients, .timeout = 30)
{
	struct h_proc sv;
	char *dir = h_tmpdir(), ef[300];
	snprintf(ef, sizeof ef, "%s/err", dir);
	char *a1[] = { "bin/inet-server", "-p", "0", "-q", NULL };
	cr_assert_eq(h_start_server(&sv, a1, ef), 0);
	int port = h_port_of(sv.first);
	char buf[1024];

	/* 1. a reset in the middle of a message (lines are answered whole: the
	 * first one comes back, the half line is held until its end) */
	int fd = connect_to(port);
	cr_assert_eq(write(fd, "a line\n", 7), 7);
	cr_assert_eq(read(fd, buf, sizeof buf), 7);
	cr_expect_eq(memcmp(buf, "A LINE\n", 7), 0);
	cr_assert_eq(write(fd, "half a mess", 11), 11);
	usleep(50000);
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);

	/* 2. a half-close: the answer still arrives, then end of stream */
	fd = connect_to(port);
	cr_assert_eq(write(fd, "abc", 3), 3);
	shutdown(fd, SHUT_WR);
	size_t n = read_all(fd, buf, sizeof buf);
	cr_expect_eq(n, 3);
	cr_expect_eq(memcmp(buf, "ABC", 3), 0);
	close(fd);

	/* 3. garbage: all 256 byte values come back, letters upper-cased */
	unsigned char g[256];
	for (int i = 0; i < 256; i++)
		g[i] = (unsigned char)i;
	fd = connect_to(port);
	cr_assert_eq(write(fd, g, sizeof g), 256);
	shutdown(fd, SHUT_WR);
	n = read_all(fd, buf, sizeof buf);
	cr_expect_eq(n, 256);
	for (int i = 0; i < 256; i++)
		cr_expect_eq((unsigned char)buf[i], (i >= 'a' && i <= 'z') ? i - 32 : i, "byte %d", i);
	close(fd);

	/* 4. a client that connects and vanishes without a byte, and one that
	 * closes in the middle of a line */
	close(connect_to(port));
	fd = connect_to(port);
	cr_assert_eq(write(fd, "no newline", 10), 10);
	shutdown(fd, SHUT_WR);
	cr_expect_eq(read_all(fd, buf, sizeof buf), 10);
	close(fd);

	/* 5. a well-behaved client is served as usual */
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	char *a2[] = { "bin/inet-client", "-q", "-p", ps, "still", "here", NULL };
	char *out;
	cr_expect_eq(h_run(a2, NULL, 0, &out, NULL), 0);
	cr_expect(strstr(out, "STILL\nHERE\n"), "%s", out);
	kill(sv.pid, SIGTERM);
	char log[8192];
	size_t loglen = read_all(sv.out, log, sizeof log - 1);
	log[loglen] = '\0';
	cr_expect_eq(h_wait(&sv, 5), 0, "the server was alive and stops cleanly");
	cr_expect(strstr(log, "closed its side after 10 bytes, in the middle of a line"), "%s", log);
	cr_expect(strstr(log, "closed its side after 0 bytes; closing ours"), "%s", log);
	/* a reset is the client's doing: said in the log, not as an error */
	cr_expect(strstr(log, "reset the connection after 18 bytes; closing ours"), "the reset is logged: %s", log);
	char *err = h_slurp(ef, NULL);
	cr_expect_str_empty(err, "nothing went wrong in the server: %s", err);
	free(err);
	free(out);
	h_tmpdir_free(dir);
}
