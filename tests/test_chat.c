/*
 * --service chat, driven through pipes on both sides (the keyboards are
 * pipes the test writes to; what each side shows is read from its stdout):
 * a conversation of two under iterative, either side ending first; a room
 * under select, poll and epoll on inet, inet6 and unix, under thread and
 * prethread, and over TLS; socat as a member of a room; the models that
 * cannot hold a room refused.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

struct side {
	pid_t pid;
	int in, out;        /* its keyboard (we write), its screen (we read) */
	char seen[8192];
	size_t nseen;
};

static void side_start(struct side *s, char *const argv[])
{
	int in[2], out[2];
	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	memset(s, 0, sizeof *s);
	s->pid = fork();
	cr_assert_geq(s->pid, 0);
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	s->out = out[0];
}

static void side_type(struct side *s, const char *line)
{
	cr_assert_eq(write(s->in, line, strlen(line)), (ssize_t)strlen(line));
}

/* Reads what the side shows until `want` is in it (or 3 s pass). */
static int side_sees(struct side *s, const char *want)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		s->seen[s->nseen] = '\0';
		if (strstr(s->seen, want))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > 3000 || s->nseen >= sizeof s->seen - 1)
			return 0;
		struct pollfd p = { s->out, POLLIN, 0 };
		if (poll(&p, 1, (int)(3000 - ms)) <= 0)
			continue;
		ssize_t r = read(s->out, s->seen + s->nseen, sizeof s->seen - 1 - s->nseen);
		if (r <= 0)
			return strstr(s->seen, want) != NULL;
		s->nseen += (size_t)r;
	}
}

static int side_end(struct side *s, int timeout_s)
{
	close(s->in);
	struct h_proc p = { .pid = s->pid, .out = s->out };
	return h_wait(&p, timeout_s);
}

/* Where a chat server listens: a family's programs, and the port or path. */
struct place {
	const char *server, *client;
	int unix_path;          /* -a PATH (in dir), else -p PORT */
	const char *extra;      /* one more option on both sides (--tls), or NULL */
	char where[300];        /* the port, or the path */
	char *dir;
};

static const struct place inet = { "bin/inet-server", "bin/inet-client", 0, NULL, "", NULL };

/* argv: prog, -q, the place, --service chat, more..., NULL */
static int place_argv(const struct place *pl, const char *prog, int server, char **argv, const char *const *more)
{
	int n = 0;
	argv[n++] = (char *)prog;
	argv[n++] = "-q";
	argv[n++] = pl->unix_path ? "-a" : "-p";
	argv[n++] = server && !pl->unix_path ? "0" : (char *)pl->where;
	argv[n++] = "--service";
	argv[n++] = "chat";
	if (pl->extra)
		argv[n++] = (char *)pl->extra;
	for (int i = 0; more && more[i]; i++)
		argv[n++] = (char *)more[i];
	argv[n] = NULL;
	return n;
}

static void server_start_at(struct side *sv, struct place *pl, const char *model)
{
	if (pl->unix_path) {
		pl->dir = h_tmpdir();
		snprintf(pl->where, sizeof pl->where, "%s/chat.sock", pl->dir);
	}
	const char *more[] = { "--model", model, NULL };
	char *argv[16];
	place_argv(pl, pl->server, 1, argv, more);
	side_start(sv, argv);
	cr_assert(side_sees(sv, "listening on"), "the chat server did not start: %s", sv->seen);
	const char *p = strstr(sv->seen, " port ");
	if (!pl->unix_path)
		snprintf(pl->where, sizeof pl->where, "%d", p ? atoi(p + 6) : 0);
}

static void client_start_at(struct side *c, const struct place *pl)
{
	char *argv[16];
	place_argv(pl, pl->client, 0, argv, NULL);
	side_start(c, argv);
	cr_assert(side_sees(c, "type /quit to leave"), "no greeting: %s", c->seen);
}

static void place_free(struct place *pl)
{
	if (pl->dir)
		h_tmpdir_free(pl->dir);
	pl->dir = NULL;
}

static void server_start(struct side *sv, const char *model, char *port)
{
	struct place pl = inet;
	server_start_at(sv, &pl, model);
	snprintf(port, 16, "%.15s", pl.where);
}

static void client_start(struct side *c, char *port)
{
	struct place pl = inet;
	snprintf(pl.where, sizeof pl.where, "%s", port);
	client_start_at(c, &pl);
}

/* Two people, iterative: lines both ways; the client leaves with /quit, the
 * server is told and takes the next person; the server leaves, and that
 * client is told and exits 0. */
Test(chat, iterative_conversation_either_side_ends, .timeout = 60)
{
	struct side sv, a, b;
	char port[16];
	server_start(&sv, "iterative", port);
	client_start(&a, port);
	side_type(&a, "hello server\n");
	cr_expect(side_sees(&sv, ": hello server"), "the server sees the client's line: %s", sv.seen);
	side_type(&sv, "hello client\n");
	cr_expect(side_sees(&a, "server: hello client"), "the client sees the server's line: %s", a.seen);
	side_type(&a, "/quit\nthis is not sent\n");
	cr_expect(side_sees(&sv, " left"), "the server is told who left: %s", sv.seen);
	cr_expect_eq(side_end(&a, 5), 0, "the client that left exits 0");
	cr_expect(!strstr(sv.seen, "this is not sent"), "nothing after /quit went out: %s", sv.seen);

	client_start(&b, port);
	side_type(&sv, "/quit\n");
	cr_expect(side_sees(&b, "*** the server left"), "the client is told the server left: %s", b.seen);
	cr_expect_eq(side_end(&b, 5), 0, "and exits 0");
	kill(sv.pid, SIGTERM);
	cr_expect_eq(side_end(&sv, 5), 0);
}

/* A room: every line goes to every other client and to the server; the
 * server's lines go to all; a client leaving is announced to the others.
 * Each event model on another family, the thread models (their rooms go
 * through mailboxes), and some once more over TLS. */
Test(chat, a_room_under_the_event_models, .timeout = 90)
{
	static const char *const models[] = { "select", "poll", "epoll", "epoll", "poll", "thread", "prethread=3",
					      "thread" };
	static const struct place places[] = {
		{ "bin/inet-server", "bin/inet-client", 0, NULL, "", NULL },
		{ "bin/inet6-server", "bin/inet6-client", 0, NULL, "", NULL },
		{ "bin/unix-server", "bin/unix-client", 1, NULL, "", NULL },
		{ "bin/inet6-server", "bin/inet6-client", 0, "--tls", "", NULL },
		{ "bin/unix-server", "bin/unix-client", 1, "--tls", "", NULL },
		{ "bin/inet-server", "bin/inet-client", 0, NULL, "", NULL },
		{ "bin/unix-server", "bin/unix-client", 1, NULL, "", NULL },
		{ "bin/inet6-server", "bin/inet6-client", 0, "--tls", "", NULL },
	};
	char *conf = h_tmpdir();
	setenv("XDG_CONFIG_HOME", conf, 1);   /* --tls: the certificate the server makes goes here */
	for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
		struct side sv, a, b;
		struct place pl = places[m];
		server_start_at(&sv, &pl, models[m]);
		client_start_at(&a, &pl);
		client_start_at(&b, &pl);
		char what[96];
		snprintf(what, sizeof what, "%s --model %s%s%s", pl.server, models[m], pl.extra ? " " : "",
			 pl.extra ? pl.extra : "");
		cr_expect(side_sees(&a, "joined"), "%s: A is told B joined: %s", what, a.seen);
		side_type(&a, "hi from A\n");
		cr_expect(side_sees(&b, ": hi from A"), "%s: B sees A's line: %s", what, b.seen);
		cr_expect(side_sees(&sv, ": hi from A"), "%s: the server sees it: %s", what, sv.seen);
		cr_expect(!strstr(a.seen, ": hi from A"), "%s: A is not sent its own line", what);
		side_type(&sv, "hi all\n");
		cr_expect(side_sees(&a, "server: hi all") && side_sees(&b, "server: hi all"),
			  "%s: the server's line goes to all", what);
		cr_expect_eq(side_end(&a, 5), 0, "%s: A ends its input and exits 0", what);
		cr_expect(side_sees(&b, " left"), "%s: B is told A left: %s", what, b.seen);
		side_type(&sv, "/quit\n");
		cr_expect(side_sees(&b, "*** the server left"), "%s: %s", what, b.seen);
		cr_expect_eq(side_end(&b, 5), 0);
		kill(sv.pid, SIGTERM);
		cr_expect_eq(side_end(&sv, 5), 0);
		place_free(&pl);
	}
	unsetenv("XDG_CONFIG_HOME");
	h_tmpdir_free(conf);
}

/* Reads one raw member's screen, counting B's lines. */
struct reader {
	int fd;
	int lines;          /* "...: line NNNN" lines seen */
};

static void *read_member(void *arg)
{
	struct reader *r = arg;
	static __thread char buf[1 << 16];
	size_t have = 0;
	while (r->lines < 600) {
		struct pollfd p = { r->fd, POLLIN, 0 };
		if (poll(&p, 1, 20000) <= 0)
			break;
		ssize_t n = recv(r->fd, buf + have, sizeof buf - have, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			*nl = '\0';
			if (strstr(start, ": line "))
				r->lines++;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
	}
	return NULL;
}

/* Reads and drops what a side shows (the server's screen gets every line). */
static void *drain(void *arg)
{
	int fd = *(int *)arg;
	char buf[65536];
	while (read(fd, buf, sizeof buf) > 0)
		;
	return NULL;
}

/* Reads a raw member's socket up to the end of its greeting: 1, or 0 when
 * none came in 10 s. */
static int greeted(int fd)
{
	char got[4096];
	size_t n = 0;
	while (!memmem(got, n, "type /quit to leave\n", 20) && n < sizeof got) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 10000) <= 0)
			return 0;
		ssize_t r = recv(fd, got + n, 1, 0);   /* a byte at a time: nothing after it is taken */
		if (r <= 0)
			return 0;
		n += (size_t)r;
	}
	return n < sizeof got;
}

/* Under the thread models a member that never reads holds up nobody: the
 * room writes to it only through its mailbox (bounded at 1 MiB, which B's
 * 600 lines of 1000 bytes stay under, so a member that reads, if more
 * slowly than B floods, loses nothing), and the others get every line. */
Test(chat, a_member_that_never_reads_holds_up_nobody_under_thread, .timeout = 90)
{
	static const char *const models[] = { "thread", "prethread=4" };
	for (size_t m = 0; m < 2; m++) {
		struct side sv;
		struct place pl = inet;
		const char *more[] = { "--model", models[m], NULL };
		char *argv[16];
		place_argv(&pl, pl.server, 1, argv, more);
		side_start(&sv, argv);
		cr_assert(side_sees(&sv, "listening on"), "%s", sv.seen);
		const char *pp = strstr(sv.seen, " port ");
		int port = pp ? atoi(pp + 6) : 0;
		/* a member hears what is said after it joined, and a member's
		 * greeting goes out once it is in: each is in once greeted */
		int a = h_connect_stream(AF_INET, NULL, port);
		int small = 4096;
		setsockopt(a, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
		cr_assert(a >= 0 && greeted(a), "%s: A", models[m]);
		int c = h_connect_stream(AF_INET, NULL, port);
		cr_assert(c >= 0 && greeted(c), "%s: C", models[m]);
		int b = h_connect_stream(AF_INET, NULL, port);
		cr_assert(b >= 0 && greeted(b), "%s: B", models[m]);
		struct reader rc = { c, 0 };
		pthread_t t, d;
		cr_assert_eq(pthread_create(&t, NULL, read_member, &rc), 0);
		cr_assert_eq(pthread_create(&d, NULL, drain, &sv.out), 0);
		char line[1001];
		memset(line, 'x', sizeof line);
		line[1000] = '\n';
		for (int i = 0; i < 600; i++) {
			snprintf(line, 10, "line %04d", i);
			line[9] = ' ';
			size_t off = 0;
			while (off < sizeof line) {
				ssize_t w = send(b, line + off, sizeof line - off, MSG_NOSIGNAL);
				cr_assert_gt(w, 0, "%s: B's send", models[m]);
				off += (size_t)w;
			}
		}
		pthread_join(t, NULL);
		cr_expect_eq(rc.lines, 600, "%s: C got %d of B's 600 lines while A read nothing", models[m], rc.lines);
		close(a);
		close(b);
		close(c);
		kill(sv.pid, SIGTERM);
		close(sv.in);
		int st;
		cr_expect_eq(waitpid(sv.pid, &st, 0), sv.pid);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: the server's exit status %#x", models[m], st);
		pthread_join(d, NULL);
		close(sv.out);
	}
}

/* socat, a peer the project did not write, as a member of the room: its
 * line reaches our client, our client's line reaches it, and its leaving
 * (the end of its input) is announced. */
Test(chat, socat_in_a_room, .timeout = 60)
{
	if (access("/usr/bin/socat", X_OK))
		cr_skip_test("socat is not installed (make deps installs it)");
	struct side sv, a, so;
	char port[16], addr[64];
	server_start(&sv, "epoll", port);
	client_start(&a, port);
	snprintf(addr, sizeof addr, "TCP4:127.0.0.1:%s", port);
	char *argv[] = { "/usr/bin/socat", "-t", "2", "-", addr, NULL };
	side_start(&so, argv);
	cr_expect(side_sees(&a, "joined"), "A is told socat joined: %s", a.seen);
	side_type(&so, "hello from socat\n");
	cr_expect(side_sees(&a, ": hello from socat"), "A sees socat's line: %s", a.seen);
	side_type(&a, "hello socat\n");
	cr_expect(side_sees(&so, ": hello socat"), "socat sees A's line: %s", so.seen);
	cr_expect_eq(side_end(&so, 5), 0, "socat ends its input and exits 0");
	cr_expect(side_sees(&a, " left"), "A is told socat left: %s", a.seen);
	cr_expect_eq(side_end(&a, 5), 0);
	kill(sv.pid, SIGTERM);
	cr_expect_eq(side_end(&sv, 5), 0);
}

/* A room needs every client in one loop or one memory: the process models
 * are refused in one line. */
Test(chat, models_without_a_room_are_refused, .timeout = 30)
{
	static const char *const models[] = { "fork", "prefork" };
	for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
		char *argv[] = { "bin/inet-server", "--model", (char *)models[m], "--service", "chat", NULL };
		char *dir = h_tmpdir(), errf[300];
		snprintf(errf, sizeof errf, "%s/err", dir);
		cr_expect_eq(h_run(argv, NULL, 0, NULL, errf), 2, "%s", models[m]);
		char *err = h_slurp(errf, NULL);
		cr_expect(err && strstr(err, "needs every client in one loop or one memory"), "%s: %s", models[m], err);
		free(err);
		h_tmpdir_free(dir);
	}
}
