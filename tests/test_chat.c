/*
 * --service chat, driven through pipes on both sides (the keyboards are
 * pipes the test writes to; what each side shows is read from its stdout):
 * a conversation of two under iterative, either side ending first; a room
 * under select, poll and epoll; the models that cannot hold a room refused.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void server_start(struct side *sv, const char *model, char *port)
{
	char *argv[] = { "bin/inet-server", "-q", "-p", "0", "--model", (char *)model, "--service", "chat", NULL };
	side_start(sv, argv);
	cr_assert(side_sees(sv, "listening on"), "the chat server did not start: %s", sv->seen);
	const char *p = strstr(sv->seen, " port ");
	snprintf(port, 16, "%d", p ? atoi(p + 6) : 0);
}

static void client_start(struct side *c, char *port)
{
	char *argv[] = { "bin/inet-client", "-q", "-p", port, "--service", "chat", NULL };
	side_start(c, argv);
	cr_assert(side_sees(c, "type /quit to leave"), "no greeting: %s", c->seen);
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
 * server's lines go to all; a client leaving is announced to the others. */
Test(chat, a_room_under_the_event_models, .timeout = 60)
{
	static const char *const models[] = { "select", "poll", "epoll" };
	for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
		struct side sv, a, b;
		char port[16];
		server_start(&sv, models[m], port);
		client_start(&a, port);
		client_start(&b, port);
		cr_expect(side_sees(&a, "joined"), "%s: A is told B joined: %s", models[m], a.seen);
		side_type(&a, "hi from A\n");
		cr_expect(side_sees(&b, ": hi from A"), "%s: B sees A's line: %s", models[m], b.seen);
		cr_expect(side_sees(&sv, ": hi from A"), "%s: the server sees it: %s", models[m], sv.seen);
		cr_expect(!strstr(a.seen, ": hi from A"), "%s: A is not sent its own line", models[m]);
		side_type(&sv, "hi all\n");
		cr_expect(side_sees(&a, "server: hi all") && side_sees(&b, "server: hi all"),
			  "%s: the server's line goes to all", models[m]);
		cr_expect_eq(side_end(&a, 5), 0, "%s: A ends its input and exits 0", models[m]);
		cr_expect(side_sees(&b, " left"), "%s: B is told A left: %s", models[m], b.seen);
		side_type(&sv, "/quit\n");
		cr_expect(side_sees(&b, "*** the server left"), "%s: %s", models[m], b.seen);
		cr_expect_eq(side_end(&b, 5), 0);
		kill(sv.pid, SIGTERM);
		cr_expect_eq(side_end(&sv, 5), 0);
	}
}

/* A room needs every client in one loop: the others are refused in one line. */
Test(chat, models_without_a_room_are_refused, .timeout = 30)
{
	static const char *const models[] = { "fork", "thread", "prefork", "prethread" };
	for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
		char *argv[] = { "bin/inet-server", "--model", (char *)models[m], "--service", "chat", NULL };
		char *dir = h_tmpdir(), errf[300];
		snprintf(errf, sizeof errf, "%s/err", dir);
		cr_expect_eq(h_run(argv, NULL, 0, NULL, errf), 2, "%s", models[m]);
		char *err = h_slurp(errf, NULL);
		cr_expect(err && strstr(err, "needs every client in one loop"), "%s: %s", models[m], err);
		free(err);
		h_tmpdir_free(dir);
	}
}
