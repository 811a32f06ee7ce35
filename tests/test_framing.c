/*
 * Framing and the client that shows whatever comes (issue 9's first parts):
 * the deframer on its own (line, length, none; over the limit; a stream that
 * ends inside a frame); end to end on every stream family, `none` merging
 * quick sends, `length` keeping boundaries ("\0\0\0\5hello" in the trace), a
 * frame of 4 GiB announced and a truncated frame refused while the server
 * goes on serving; and the client against a server it did not write
 * (python3) that answers longer, shorter, later and in pieces.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/frame.h"
#include "harness.h"

/* ---- the deframer ------------------------------------------------------------------- */

static int next_msg(struct deframer *d, int eof, char *out, size_t cap, struct sbuf *err)
{
	const char *m;
	size_t n;
	int r = deframer_next(d, eof, &m, &n, err);
	if (r == 1)
		snprintf(out, cap, "%.*s", (int)n, m);
	return r;
}

Test(deframer, line_cuts_at_newlines_and_keeps_the_rest)
{
	struct deframer d;
	struct sbuf err = SBUF_INIT;
	char m[64];
	deframer_init(&d, framing_find("line"), 100);
	cr_assert_eq(deframer_add(&d, "one\ntw", 6, &err), 0);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 1);
	cr_expect_str_eq(m, "one");
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 0, "half a line is no message yet");
	cr_assert_eq(deframer_add(&d, "o\nthree", 7, &err), 0);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 1);
	cr_expect_str_eq(m, "two");
	cr_expect_eq(next_msg(&d, 1, m, sizeof m, &err), 1, "at the end, the unterminated rest");
	cr_expect_str_eq(m, "three");
	cr_expect_eq(next_msg(&d, 1, m, sizeof m, &err), 0);
	deframer_free(&d);
	sb_free(&err);
}

Test(deframer, line_over_the_limit_is_refused)
{
	struct deframer d;
	struct sbuf err = SBUF_INIT;
	char m[64], big[300];
	memset(big, 'x', sizeof big);
	deframer_init(&d, framing_find("line"), 100);
	deframer_add(&d, big, sizeof big, &err);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), -1);
	cr_expect(strstr(sb_str(&err), "100"), "%s", sb_str(&err));
	deframer_free(&d);
	sb_free(&err);
}

Test(deframer, length_prefix_in_network_order)
{
	struct sbuf enc = SBUF_INIT, err = SBUF_INIT;
	framing_find("length")->encode(&enc, "hello", 5);
	cr_assert_eq(enc.len, 9);
	cr_expect_eq(memcmp(enc.p, "\0\0\0\5hello", 9), 0);
	struct deframer d;
	char m[64];
	deframer_init(&d, framing_find("length"), 100);
	/* in pieces: 2 bytes of the header, then the rest and half the next */
	deframer_add(&d, enc.p, 2, &err);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 0);
	deframer_add(&d, enc.p + 2, 7, &err);
	deframer_add(&d, "\0\0\0\3ab", 6, &err);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 1);
	cr_expect_str_eq(m, "hello");
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 0);
	/* the stream ends inside the second frame: how much was missing */
	cr_expect_eq(next_msg(&d, 1, m, sizeof m, &err), -1);
	cr_expect(strstr(sb_str(&err), "2 of its 3 bytes came, 1 missing"), "%s", sb_str(&err));
	deframer_free(&d);
	sb_free(&enc);
	sb_free(&err);
}

Test(deframer, length_over_the_limit_is_refused_at_the_header)
{
	struct deframer d;
	struct sbuf err = SBUF_INIT;
	char m[64];
	deframer_init(&d, framing_find("length"), 1 << 20);
	deframer_add(&d, "\xff\xff\xff\xff", 4, &err);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), -1);
	cr_expect(strstr(sb_str(&err), "4294967295 bytes was announced"), "%s", sb_str(&err));
	deframer_free(&d);
	sb_free(&err);
}

Test(deframer, none_is_what_came)
{
	struct deframer d;
	struct sbuf err = SBUF_INIT;
	char m[64];
	deframer_init(&d, framing_find("none"), 100);
	deframer_add(&d, "abc", 3, &err);
	cr_expect_eq(next_msg(&d, 0, m, sizeof m, &err), 1);
	cr_expect_str_eq(m, "abc");
	deframer_free(&d);
	sb_free(&err);
}

/* ---- end to end ---------------------------------------------------------------------- */

struct target {
	const char *name, *server, *client;
	int domain;
};

static const struct target targets[] = {
	{ "inet", "bin/inet-server", "bin/inet-client", AF_INET },
	{ "inet6", "bin/inet6-server", "bin/inet6-client", AF_INET6 },
	{ "unix", "bin/unix-server", "bin/unix-client", AF_UNIX },
};

struct running {
	struct h_proc p;
	char *dir;
	char addr[300];
	char port[16];
	char log[320], err[320];
};

/* A server with the given framing (NULL: the default), serving `count` clients. */
static void start(struct running *r, const struct target *t, const char *framing, const char *count)
{
	memset(r, 0, sizeof *r);
	r->dir = h_tmpdir();
	snprintf(r->err, sizeof r->err, "%s/err", r->dir);
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)t->server;
	argv[n++] = "-q";
	argv[n++] = "-n";
	argv[n++] = (char *)count;
	if (framing) {
		argv[n++] = "--framing";
		argv[n++] = (char *)framing;
	}
	if (t->domain == AF_UNIX) {
		snprintf(r->addr, sizeof r->addr, "%s/s.sock", r->dir);
		argv[n++] = "-a";
		argv[n++] = r->addr;
	} else {
		argv[n++] = "-p";
		argv[n++] = "0";
	}
	argv[n] = NULL;
	cr_assert_eq(h_start_server(&r->p, argv, r->err), 0, "%s did not start", t->server);
	if (t->domain != AF_UNIX)
		snprintf(r->port, sizeof r->port, "%d", h_port_of(r->p.first));
}

/* A plain socket of the test's own, connected to the server. */
static int raw_connect(const struct target *t, const struct running *r)
{
	int fd = h_connect_stream(t->domain, r->addr, atoi(r->port));
	cr_assert_geq(fd, 0, "%s: connect: %s", t->name, strerror(errno));
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

static char *run_client(const struct target *t, const struct running *r, const char *const *extra, int *st,
			const char *tracefile)
{
	char *argv[24];
	int n = 0;
	argv[n++] = (char *)t->client;
	if (tracefile) {
		argv[n++] = "-o";
		argv[n++] = (char *)tracefile;
	} else {
		argv[n++] = "-q";
	}
	argv[n++] = t->domain == AF_UNIX ? "-a" : "-p";
	argv[n++] = t->domain == AF_UNIX ? (char *)r->addr : (char *)r->port;
	for (int i = 0; extra[i]; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	char *out = NULL;
	*st = h_run(argv, NULL, 0, &out, NULL);
	/* drop the client's notes ("connected, our address is ...") */
	char *p = out;
	while (p && !strncmp(p, t->client + 4, strlen(t->client + 4)) && strchr(p, '\n'))
		p = strchr(p, '\n') + 1;
	char *ans = strdup(p ? p : "");
	free(out);
	return ans;
}

/* --framing none: three sends that are all there before the server reads are
 * one read, and one answer; --framing length keeps them apart. */
Test(framing, none_merges_and_length_keeps_boundaries, .timeout = 60)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, "none", "2");
		/* the iterative server is busy with a first client while the second
		 * sends three messages */
		int busy = raw_connect(t, &r);
		int fd = raw_connect(t, &r);
		cr_assert_eq(send(fd, "one", 3, 0), 3);
		cr_assert_eq(send(fd, "two", 3, 0), 3);
		cr_assert_eq(send(fd, "three", 5, 0), 5);
		shutdown(fd, SHUT_WR);
		usleep(50000);
		close(busy);
		char buf[64] = "";
		size_t n = read_all(fd, buf, sizeof buf - 1);
		buf[n] = '\0';
		cr_expect_str_eq(buf, "ONETWOTHREE", "%s: the three sends came back as one stream", t->name);
		close(fd);
		cr_expect_eq(h_wait(&r.p, 10), 0);
		h_tmpdir_free(r.dir);

		/* length on both sides: every message is its own frame, each shown on
		 * its own line, and the trace shows the prefix */
		start(&r, t, "length", "1");
		char trace[320];
		snprintf(trace, sizeof trace, "%s/client.trace", r.dir);
		const char *extra[] = { "--framing", "length", "hello", "two words", "", NULL };
		int st;
		char *ans = run_client(t, &r, extra, &st, trace);
		cr_expect_eq(st, 0, "%s: client exit %d", t->name, st);
		cr_expect_str_eq(ans, "HELLO\nTWO WORDS\n\n", "%s", t->name);
		char *tr = h_slurp(trace, NULL);
		cr_expect(tr && strstr(tr, "\"\\0\\0\\0\\5hello\", 9, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0) = 9"),
			  "%s: the length prefix in the trace:\n%s", t->name, tr);
		free(tr);
		free(ans);
		cr_expect_eq(h_wait(&r.p, 10), 0);
		h_tmpdir_free(r.dir);
	}
}

/* A frame of 4 GiB announced, and a frame the stream ends inside: refused with
 * an error to that peer, logged, and the next client is served. */
Test(framing, bad_frames_are_refused_and_the_server_goes_on, .timeout = 60)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, "length", "3");
		int fd = raw_connect(t, &r);
		send(fd, "\xff\xff\xff\xf0", 4, 0);
		char buf[256] = "";
		size_t n = read_all(fd, buf, sizeof buf - 1);
		close(fd);
		cr_expect_gt(n, 4, "%s: an error frame comes back", t->name);
		cr_expect(n > 4 && strstr(buf + 4, "error: a frame of 4294967280 bytes was announced"), "%s: %s",
			  t->name, n > 4 ? buf + 4 : "");

		fd = raw_connect(t, &r);
		send(fd, "\0\0\0\x0a" "abc", 7, 0);
		shutdown(fd, SHUT_WR);
		n = read_all(fd, buf, sizeof buf - 1);
		buf[n] = '\0';
		close(fd);
		cr_expect(n > 4 && strstr(buf + 4, "3 of its 10 bytes came, 7 missing"), "%s: %s", t->name,
			  n > 4 ? buf + 4 : "");

		const char *extra[] = { "--framing", "length", "still here", NULL };
		int st;
		char *ans = run_client(t, &r, extra, &st, NULL);
		cr_expect_eq(st, 0);
		cr_expect_str_eq(ans, "STILL HERE\n", "%s", t->name);
		free(ans);
		cr_expect_eq(h_wait(&r.p, 10), 0, "%s: the server survived", t->name);
		h_tmpdir_free(r.dir);
	}
}

/* The client against a server it did not write: every byte shown, in order,
 * whatever the answer's length and timing; nothing waits for bytes that do
 * not come. */
Test(framing, client_shows_every_byte_of_any_server, .timeout = 60)
{
	if (access("/usr/bin/python3", X_OK))
		cr_skip_test("python3 is not installed (make deps installs it)");
	char *dir = h_tmpdir();
	char script[320], portfile[320];
	snprintf(script, sizeof script, "%s/peer.py", dir);
	snprintf(portfile, sizeof portfile, "%s/port", dir);
	FILE *f = fopen(script, "w");
	cr_assert(f);
	/* answers: longer than the message, shorter, later, and in pieces; then closes */
	fprintf(f, "import socket, sys, time\n"
		   "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)\n"
		   "open(sys.argv[1] + '.tmp', 'w').write(str(s.getsockname()[1]))\n"
		   "import os; os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n"
		   "c, _ = s.accept(); f = c.makefile('rb')\n"
		   "line = f.readline()\n"
		   "c.sendall(b'serve ' + line.strip() + b' got your %%d bytes, and this answer is much longer\\n' %% len(line))\n"
		   "f.readline(); c.sendall(b'ok\\n')\n"
		   "f.readline(); time.sleep(0.3); c.sendall(b'later\\n')\n"
		   "for piece in (b'in ', b'four ', b'pie', b'ces\\n'):\n"
		   "    c.sendall(piece); time.sleep(0.05)\n"
		   "c.close()\n");
	fclose(f);
	char *py[] = { "/usr/bin/python3", script, portfile, NULL };
	struct h_proc p;
	cr_assert_eq(h_spawn(&p, py, NULL), 0);
	char *port = NULL;
	for (int i = 0; i < 200 && !(port = h_slurp(portfile, NULL)); i++)
		usleep(10000);
	cr_assert(port, "the python server did not start");
	char *argv[] = { "bin/inet-client", "-q", "-p", port, "hello", "second", "third", NULL };
	char *out = NULL;
	int st = h_run(argv, NULL, 0, &out, NULL);
	cr_expect_eq(st, 0, "client exit %d", st);
	cr_expect(out && strstr(out, "serve hello got your 6 bytes, and this answer is much longer\n"
				     "ok\nlater\nin four pieces\n"),
		  "every byte, in order:\n%s", out);
	free(out);
	free(port);
	h_wait(&p, 5);
	h_tmpdir_free(dir);
}

/* More than 64 KiB of arguments to a server that reads them all and never
 * answers, then closes: every byte goes out (the client takes the next
 * arguments as the earlier ones leave, not only when something comes back). */
Test(framing, many_arguments_to_a_silent_server, .timeout = 60)
{
	if (access("/usr/bin/python3", X_OK))
		cr_skip_test("python3 is not installed (make deps installs it)");
	char *dir = h_tmpdir();
	char script[320], portfile[320], countfile[320];
	snprintf(script, sizeof script, "%s/silent.py", dir);
	snprintf(portfile, sizeof portfile, "%s/port", dir);
	snprintf(countfile, sizeof countfile, "%s/count", dir);
	FILE *f = fopen(script, "w");
	cr_assert(f);
	fprintf(f, "import socket, sys, os\n"
		   "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)\n"
		   "open(sys.argv[1] + '.tmp', 'w').write(str(s.getsockname()[1])); os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n"
		   "c, _ = s.accept(); n = 0\n"
		   "while True:\n"
		   "    d = c.recv(65536)\n"
		   "    if not d: break\n"
		   "    n += len(d)\n"
		   "open(sys.argv[2], 'w').write(str(n)); c.close()\n");
	fclose(f);
	char *py[] = { "/usr/bin/python3", script, portfile, countfile, NULL };
	struct h_proc p;
	cr_assert_eq(h_spawn(&p, py, NULL), 0);
	char *port = NULL;
	for (int i = 0; i < 200 && !(port = h_slurp(portfile, NULL)); i++)
		usleep(10000);
	cr_assert(port);
	static char word[1000];
	memset(word, 'x', sizeof word - 1);
	char *argv[210];
	int n = 0;
	argv[n++] = "bin/inet-client";
	argv[n++] = "-q";
	argv[n++] = "-p";
	argv[n++] = port;
	for (int i = 0; i < 200; i++)
		argv[n++] = word;
	argv[n] = NULL;
	cr_expect_eq(h_run(argv, NULL, 0, NULL, NULL), 0);
	cr_expect_eq(h_wait(&p, 10), 0);
	char *count = h_slurp(countfile, NULL);
	cr_expect(count && atol(count) == 200L * 1000, "the server got %s bytes of 200000", count);
	free(count);
	free(port);
	h_tmpdir_free(dir);
}
