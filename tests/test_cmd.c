/*
 * The command server (--service cmd, common/cmd.c), end to end over inet,
 * inet6 and unix streams and under every model: an allowed command's output
 * and "[exit N]"; an unknown command's error with the connection still
 * serving the next one; shell syntax refused and nothing run (checked under
 * strace -f -e trace=execve: only allow-listed absolute paths are exec'd,
 * never a shell); the time limit (SIGKILL, reported); the output limit
 * (reported); a 1 MiB line refused while another client is served; --framing
 * length; python3's socket module as the client; the option's usage errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

struct target {
	const char *name, *server;
	int domain;
};

static const struct target targets[] = {
	{ "inet", "bin/inet-server", AF_INET },
	{ "inet6", "bin/inet6-server", AF_INET6 },
	{ "unix", "bin/unix-server", AF_UNIX },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

static const char *const all_models[] = { "iterative", "fork", "thread", "prefork", "prethread",
					  "select", "poll", "epoll" };
#define NMODELS (sizeof all_models / sizeof all_models[0])

struct running {
	struct h_proc p;
	const struct target *t;
	char *dir;
	char addr[300];
	int port;
	char err[320];
};

/* A cmd server: `pre` runs in front of it (strace), `extra` are more options. */
static void start(struct running *r, const struct target *t, const char *model, const char *count,
		  const char *const *pre, const char *const *extra)
{
	memset(r, 0, sizeof *r);
	r->t = t;
	r->dir = h_tmpdir();
	snprintf(r->err, sizeof r->err, "%s/err", r->dir);
	char *argv[32];
	int n = 0;
	for (int i = 0; pre && pre[i]; i++)
		argv[n++] = (char *)pre[i];
	argv[n++] = (char *)t->server;
	argv[n++] = "-q";
	argv[n++] = "-n";
	argv[n++] = (char *)count;
	argv[n++] = "--service";
	argv[n++] = "cmd";
	argv[n++] = "--model";
	argv[n++] = (char *)model;
	for (int i = 0; extra && extra[i]; i++)
		argv[n++] = (char *)extra[i];
	if (t->domain == AF_UNIX) {
		snprintf(r->addr, sizeof r->addr, "%s/s.sock", r->dir);
		argv[n++] = "-a";
		argv[n++] = r->addr;
	} else {
		argv[n++] = "-p";
		argv[n++] = "0";
	}
	argv[n] = NULL;
	cr_assert_eq(h_start_server(&r->p, argv, r->err), 0, "%s --model %s did not start", t->server, model);
	if (t->domain != AF_UNIX)
		r->port = h_port_of(r->p.first);
}

static int connect_to(const struct running *r)
{
	int fd = h_connect_stream(r->t->domain, r->addr, r->port);
	cr_assert_geq(fd, 0, "%s: connect: %s", r->t->name, strerror(errno));
	return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		cr_assert_gt(w, 0, "send");
		p += w;
		n -= (size_t)w;
	}
}

/* Reads one answer: everything up to and with a final line that starts with
 * '[' (the status). Returns it (malloc'd); *status points at its status line. */
static char *read_answer(int fd, const char **status, int timeout_ms)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap + 1);
	cr_assert(buf);
	buf[0] = '\0';
	*status = NULL;
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		if (poll(&pf, 1, timeout_ms) <= 0)
			break;
		ssize_t r = recv(fd, buf + n, cap - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (n && buf[n - 1] == '\n') {
			char *last = n >= 2 ? memrchr(buf, '\n', n - 1) : NULL;
			last = last ? last + 1 : buf;
			if (*last == '[') {
				*status = last;
				break;
			}
		}
		cr_assert_lt(n, cap, "an answer over 1 MiB");
	}
	return buf;
}

/* Sends one command line, returns the answer; *status its status line (with \n). */
static char *ask(int fd, const char *line, const char **status)
{
	send_all(fd, line, strlen(line));
	send_all(fd, "\n", 1);
	char *a = read_answer(fd, status, 10000);
	cr_assert(*status, "no status line after '%s'; got '%s'", line, a);
	return a;
}

static char *server_log(struct running *r)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t k;
	while (n < cap && (k = read(r->p.out, buf + n, cap - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	return buf;
}

static void finish(struct running *r, const char *what)
{
	cr_expect_eq(h_wait(&r->p, 15), 0, "%s: the server's exit status", what);
	h_tmpdir_free(r->dir);
}

/* ---- output, status, errors, on every family x model --------------------------------------- */

Test(cmd, output_status_and_errors_on_every_family_and_model, .timeout = 120)
{
	for (size_t i = 0; i < NTARGETS; i++)
		for (size_t m = 0; m < NMODELS; m++) {
			const struct target *t = &targets[i];
			char what[64];
			snprintf(what, sizeof what, "%s --model %s", t->name, all_models[m]);
			struct running r;
			start(&r, t, all_models[m], "1", NULL, NULL);
			int fd = connect_to(&r);
			const char *st;
			char *a = ask(fd, "echo hello   world", &st);
			cr_expect_str_eq(a, "hello world\n[exit 0]\n", "%s", what);
			free(a);
			a = ask(fd, "foo --bar", &st);
			cr_expect_str_eq(a, "[error: unknown command 'foo': try help]\n", "%s", what);
			free(a);
			/* the same connection goes on after the error */
			a = ask(fd, "false", &st);
			cr_expect_str_eq(a, "[exit 1]\n", "%s", what);
			free(a);
			a = ask(fd, "uname -s", &st);
			cr_expect_str_eq(a, "Linux\n[exit 0]\n", "%s", what);
			free(a);
			a = ask(fd, "sleep 99999", &st);
			cr_expect(strstr(a, "[error: bad arguments for sleep ('99999')"), "%s: %s", what, a);
			free(a);
			a = ask(fd, "help", &st);
			cr_expect(strstr(a, "/usr/bin/date") && !strcmp(st, "[exit 0]\n"), "%s: %s", what, a);
			free(a);
			close(fd);
			char *log = server_log(&r);
			cr_expect(strstr(log, "ran echo (pid ") && strstr(log, "refused a command of 9 bytes: unknown command"),
				  "%s: the log: %s", what, log);
			free(log);
			finish(&r, what);
		}
}

/* ---- no shell ------------------------------------------------------------------------------ */

/* Lines a shell would read as two commands, a substitution or a redirection:
 * each one bad command, answered with an error; under strace -f only the
 * server itself and allow-listed absolute paths were exec'd. */
Test(cmd, shell_syntax_is_refused_and_no_shell_runs, .timeout = 120)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	static const char *const models[] = { "fork", "epoll" };
	for (size_t i = 0; i < NTARGETS; i++)
		for (size_t m = 0; m < 2; m++) {
			const struct target *t = &targets[i];
			char what[64], stf[400], victim[400];
			snprintf(what, sizeof what, "%s --model %s", t->name, models[m]);
			char *dir = h_tmpdir();
			snprintf(stf, sizeof stf, "%s/strace", dir);
			snprintf(victim, sizeof victim, "%s/victim", dir);
			const char *pre[] = { "/usr/bin/strace", "-f", "-qq", "-e", "trace=execve", "-o", stf, NULL };
			struct running r;
			start(&r, t, models[m], "1", pre, NULL);
			int fd = connect_to(&r);
			char redirect[500], semicolon[500];
			snprintf(redirect, sizeof redirect, "echo pwned > %s", victim);
			snprintf(semicolon, sizeof semicolon, "date; echo x >%s", victim);
			const char *bad[] = { "date; rm -rf ~", semicolon, "echo $(id)", "echo `id`", "date | cat",
					      redirect, "date && id", "id || id", "echo ${HOME}", "date\tx&", NULL };
			for (int b = 0; bad[b]; b++) {
				const char *st;
				char *a = ask(fd, bad[b], &st);
				cr_expect(!strncmp(a, "[error: ", 8) && strstr(a, "is shell syntax, and no shell runs here"),
					  "%s: '%s' -> %s", what, bad[b], a);
				cr_expect_eq(a, st, "%s: '%s': nothing but the error", what, bad[b]);
				free(a);
			}
			const char *st;
			char *a = ask(fd, "whoami", &st);
			cr_expect_str_eq(st, "[exit 0]\n", "%s", what);
			free(a);
			close(fd);
			free(server_log(&r));
			cr_expect_eq(h_wait(&r.p, 15), 0, "%s", what);
			cr_expect(access(victim, F_OK), "%s: the redirection made %s", what, victim);
			char *tr = h_slurp(stf, NULL);
			cr_assert(tr, "%s: no strace output", what);
			char **lines;
			size_t n = h_lines(tr, &lines), execs = 0;
			for (size_t k = 0; k < n; k++) {
				char *e = strstr(lines[k], "execve(\"");
				if (!e)
					continue;
				execs++;
				e += 8;
				char *q = strchr(e, '"');
				cr_assert(q);
				*q = '\0';
				cr_expect(!strcmp(e, t->server) || !strcmp(e, "/usr/bin/whoami"),
					  "%s: exec'd %s (only the server and /usr/bin/whoami may be)", what, e);
			}
			cr_expect_eq(execs, 2, "%s: %zu execve calls: the server's and whoami's", what, execs);
			free(lines);
			free(tr);
			h_tmpdir_free(r.dir);
			h_tmpdir_free(dir);
		}
}

/* ---- the limits --------------------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* sleep 10 under --cmd-timeout 1: killed after 1 s and said; the output limit:
 * seq 100000 writes 588895 bytes, 65536 are sent and the status says so. */
Test(cmd, time_and_output_limits_are_reported, .timeout = 120)
{
	static const char *const models[] = { "iterative", "thread", "poll" };
	for (size_t i = 0; i < NTARGETS; i++)
		for (size_t m = 0; m < 3; m++) {
			const struct target *t = &targets[i];
			char what[64];
			snprintf(what, sizeof what, "%s --model %s", t->name, models[m]);
			const char *extra[] = { "--cmd-timeout", "1", NULL };
			struct running r;
			start(&r, t, models[m], "1", NULL, extra);
			int fd = connect_to(&r);
			const char *st;
			double t0 = now_s();
			char *a = ask(fd, "sleep 10", &st);
			double took = now_s() - t0;
			cr_expect_str_eq(a, "[killed by SIGKILL after the 1 s time limit]\n", "%s", what);
			cr_expect(took >= 0.9 && took < 5, "%s: answered after %.2f s", what, took);
			free(a);
			a = ask(fd, "seq 100000", &st);
			cr_expect_str_eq(st, "[exit 0; output cut: 65536 of 588895 bytes sent (the limit is 65536)]\n",
					 "%s", what);
			cr_expect_eq((size_t)(st - a), 65536 + 1, "%s: 65536 bytes and the newline before the status",
				     what);
			cr_expect(!strncmp(a, "1\n2\n3\n", 6), "%s", what);
			free(a);
			a = ask(fd, "seq 3", &st);
			cr_expect_str_eq(a, "1\n2\n3\n[exit 0]\n", "%s: the next command is whole", what);
			free(a);
			close(fd);
			char *log = server_log(&r);
			cr_expect(strstr(log, "ran sleep (pid ") && strstr(log, "[killed by SIGKILL after the 1 s time limit]"),
				  "%s: %s", what, log);
			free(log);
			finish(&r, what);
		}
}

/* Under select, poll and epoll a command's pipe joins the loop: while one
 * client's command runs, another client is answered, and the first one's
 * next command (sent at once) waits its turn, then runs. */
Test(cmd, a_running_command_holds_up_nobody_under_the_event_models, .timeout = 120)
{
	static const char *const models[] = { "select", "poll", "epoll" };
	for (size_t m = 0; m < 3; m++) {
		const struct target *t = &targets[m % NTARGETS];
		char what[64];
		snprintf(what, sizeof what, "%s --model %s", t->name, models[m]);
		const char *extra[] = { "--cmd-timeout", "30", NULL };
		struct running r;
		start(&r, t, models[m], "2", NULL, extra);
		int a = connect_to(&r);
		int b = connect_to(&r);
		send_all(a, "sleep 3\necho after\n", 20);
		const char *st;
		char *ans = ask(b, "echo meanwhile", &st);
		cr_expect_str_eq(ans, "meanwhile\n[exit 0]\n", "%s: the other client", what);
		free(ans);
		struct pollfd pf = { a, POLLIN, 0 };
		cr_expect_eq(poll(&pf, 1, 0), 0, "%s: an answer to the sleeping client came before its command ended",
			     what);
		/* both answers, in order: they may come in one read (the second
		 * command is quick), so read until the second status line */
		char both[256] = "";
		while (!strstr(both, "after\n[exit 0]\n") && strlen(both) < 64) {
			ans = read_answer(a, &st, 20000);
			int got = st != NULL;
			strncat(both, ans, sizeof both - strlen(both) - 1);
			free(ans);
			if (!got)
				break;
		}
		cr_expect_str_eq(both, "[exit 0]\nafter\n[exit 0]\n",
				 "%s: sleep's answer, then that of the command sent with it", what);
		cr_expect_eq(h_zombies_of(r.p.pid), 0, "%s: every command was reaped", what);
		close(a);
		close(b);
		char *log = server_log(&r);
		char *sl = strstr(log, "ran sleep"), *el = strstr(log, "ran echo (pid"), *el2 = el ? strstr(el + 1, "ran echo (pid") : NULL;
		cr_expect(sl && el && el2 && el < sl && sl < el2,
			  "%s: the log has the other client's echo, then sleep, then the echo after it: %s", what, log);
		free(log);
		finish(&r, what);
	}
}

/* The trace's pid prefixes come and go as strace -f's do on a terminal: none
 * before the first fork and on the clone line itself, "[pid N] " while the
 * command's process exists, none again from the wait4 that reaps it. */
Test(cmd, pid_prefixes_end_when_the_child_is_reaped, .timeout = 60)
{
	const struct target *t = &targets[2];   /* unix: no port to read, the log goes to stdout */
	struct running r;
	memset(&r, 0, sizeof r);
	r.t = t;
	r.dir = h_tmpdir();
	snprintf(r.err, sizeof r.err, "%s/err", r.dir);
	snprintf(r.addr, sizeof r.addr, "%s/s.sock", r.dir);
	char *argv[] = { (char *)t->server, "-n", "1", "--service", "cmd", "-a", r.addr, NULL };
	cr_assert_eq(h_start_server(&r.p, argv, r.err), 0);
	int fd = connect_to(&r);
	const char *st;
	char *a = ask(fd, "true", &st);
	free(a);
	close(fd);
	cr_assert_eq(h_wait(&r.p, 15), 0);
	char *trace = h_slurp(r.err, NULL);
	cr_assert(trace);
	char **lines;
	size_t n = h_lines(trace, &lines);
	size_t clone_at = n, wait_at = n;
	for (size_t i = 0; i < n; i++) {
		if (clone_at == n && strstr(lines[i], "clone("))
			clone_at = i;
		if (strstr(lines[i], "wait4("))
			wait_at = i;
	}
	cr_assert(clone_at < wait_at && wait_at < n, "a clone, then a wait4:\n%s", trace);
	for (size_t i = 0; i < n; i++) {
		int prefixed = !strncmp(lines[i], "[pid ", 5);
		cr_expect_eq(prefixed, i > clone_at && i < wait_at, "line %zu of the trace%s: %s", i + 1,
			     i > clone_at && i < wait_at ? " should have a pid prefix" : " should have none", lines[i]);
	}
	cr_expect_gt(wait_at - clone_at, 1, "the poll on the pipe lies between them");
	cr_expect_gt(n - wait_at, 2, "lines follow the wait4 (the answer, the close)");
	free(lines);
	free(trace);
	h_tmpdir_free(r.dir);
}

/* A command line of 1 MiB: refused to that peer (its connection goes on), logged,
 * and another client is served meanwhile. */
Test(cmd, a_1mib_line_is_refused_while_another_client_is_served, .timeout = 120)
{
	static const char *const models[] = { "thread", "epoll", "select" };
	size_t big = 1 << 20;
	char *line = malloc(big + 1);
	memset(line, 'a', big);
	line[big] = '\n';
	for (size_t i = 0; i < NTARGETS; i++)
		for (size_t m = 0; m < 3; m++) {
			const struct target *t = &targets[i];
			char what[64];
			snprintf(what, sizeof what, "%s --model %s", t->name, models[m]);
			struct running r;
			start(&r, t, models[m], "2", NULL, NULL);
			int a = connect_to(&r);
			int b = connect_to(&r);
			/* half of the line first: the server holds it while it serves b */
			send_all(a, line, big / 2);
			const char *st;
			char *ans = ask(b, "whoami", &st);
			cr_expect_str_eq(st, "[exit 0]\n", "%s: the other client", what);
			free(ans);
			send_all(a, line + big / 2, big / 2 + 1);
			ans = read_answer(a, &st, 10000);
			cr_expect_str_eq(ans, "[error: a command line of 1048576 bytes is over the limit of 4096 bytes: not run]\n",
					 "%s", what);
			free(ans);
			ans = ask(a, "true", &st);
			cr_expect_str_eq(ans, "[exit 0]\n", "%s: the refused peer's next command", what);
			free(ans);
			ans = ask(b, "id", &st);
			cr_expect(strstr(ans, "uid="), "%s", what);
			free(ans);
			close(a);
			close(b);
			char *log = server_log(&r);
			cr_expect(strstr(log, "refused a command of 1048576 bytes: a command line of 1048576 bytes is over"),
				  "%s: the log: %s", what, log);
			free(log);
			finish(&r, what);
		}
	free(line);
}

/* ---- --framing length ------------------------------------------------------------------------ */

static char *read_frame(int fd)
{
	unsigned char h[4];
	size_t n = 0;
	while (n < 4) {
		ssize_t r = recv(fd, h + n, 4 - n, 0);
		cr_assert_gt(r, 0, "a frame's header");
		n += (size_t)r;
	}
	uint32_t len = ((uint32_t)h[0] << 24) | ((uint32_t)h[1] << 16) | ((uint32_t)h[2] << 8) | h[3];
	cr_assert_leq(len, 1 << 20);
	char *p = malloc(len + 1);
	n = 0;
	while (n < len) {
		ssize_t r = recv(fd, p + n, len - n, 0);
		cr_assert_gt(r, 0, "a frame's body");
		n += (size_t)r;
	}
	p[len] = '\0';
	return p;
}

static void send_frame(int fd, const char *msg)
{
	uint32_t be = htonl((uint32_t)strlen(msg));
	send_all(fd, (const char *)&be, 4);
	send_all(fd, msg, strlen(msg));
}

Test(cmd, length_framing_sends_output_and_status_as_two_frames, .timeout = 60)
{
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		const char *extra[] = { "--framing", "length", NULL };
		struct running r;
		start(&r, t, "poll", "1", NULL, extra);
		int fd = connect_to(&r);
		send_frame(fd, "echo two words");
		send_frame(fd, "true");
		send_frame(fd, "date; id");
		char *f = read_frame(fd);
		cr_expect_str_eq(f, "two words\n", "%s", t->name);
		free(f);
		f = read_frame(fd);
		cr_expect_str_eq(f, "[exit 0]", "%s", t->name);
		free(f);
		f = read_frame(fd);
		cr_expect_str_eq(f, "", "%s: no output is an empty frame", t->name);
		free(f);
		f = read_frame(fd);
		cr_expect_str_eq(f, "[exit 0]", "%s", t->name);
		free(f);
		f = read_frame(fd);
		cr_expect_str_eq(f, "", "%s", t->name);
		free(f);
		f = read_frame(fd);
		cr_expect(!strncmp(f, "[error: ';' (at byte 5) is shell syntax", 39), "%s: %s", t->name, f);
		free(f);
		close(fd);
		free(server_log(&r));
		finish(&r, t->name);
	}
}

/* ---- a client the project did not write ---------------------------------------------------------- */

static const char py_client[] =
	"import socket, sys\n"
	"fam = {'inet': socket.AF_INET, 'inet6': socket.AF_INET6, 'unix': socket.AF_UNIX}[sys.argv[1]]\n"
	"addr = sys.argv[2] if fam == socket.AF_UNIX else (sys.argv[2], int(sys.argv[3]))\n"
	"s = socket.socket(fam, socket.SOCK_STREAM)\n"
	"s.connect(addr)\n"
	"f = s.makefile('rb')\n"
	"for cmd in ['echo from python', 'rm -rf /', 'cat /proc/version', 'echo a;b']:\n"
	"    s.sendall(cmd.encode() + b'\\n')\n"
	"    while True:\n"
	"        line = f.readline()\n"
	"        if not line:\n"
	"            sys.exit('the server closed')\n"
	"        if line.startswith(b'['):\n"
	"            print(cmd, '=>', line.decode().strip())\n"
	"            break\n"
	"        if cmd.startswith('echo'):\n"
	"            print(cmd, '->', line.decode().strip())\n"
	"s.close()\n";

Test(cmd, python_socket_client, .timeout = 60)
{
	if (access("/usr/bin/python3", X_OK))
		cr_skip_test("python3 is not installed (make deps installs it)");
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, "epoll", "1", NULL, NULL);
		char port[16];
		snprintf(port, sizeof port, "%d", r.port);
		const char *addr = t->domain == AF_UNIX ? r.addr : t->domain == AF_INET ? "127.0.0.1" : "::1";
		char *argv[] = { "/usr/bin/python3", "-c", (char *)py_client, (char *)t->name, (char *)addr, port, NULL };
		char *out = NULL;
		int st = h_run(argv, NULL, 0, &out, NULL);
		cr_expect_eq(st, 0, "%s: python3 exit %d: %s", t->name, st, out);
		cr_expect_str_eq(out,
				 "echo from python -> from python\n"
				 "echo from python => [exit 0]\n"
				 "rm -rf / => [error: unknown command 'rm': try help]\n"
				 "cat /proc/version => [exit 0]\n"
				 "echo a;b => [error: ';' (at byte 7) is shell syntax, and no shell runs here: the whole "
				 "line is one command, refused, and nothing was run]\n",
				 "%s", t->name);
		free(out);
		free(server_log(&r));
		finish(&r, t->name);
	}
}

/* ---- the command line ------------------------------------------------------------------------ */

Test(cmd, cmd_timeout_usage_errors)
{
	struct {
		const char *argv[8];
		const char *msg;
	} cases[] = {
		{ { "bin/inet-server", "--cmd-timeout", "3", "-p", "0", NULL },
		  "inet-server: --cmd-timeout is the time limit of --service cmd; --service echo runs no commands (see --help)\n" },
		{ { "bin/inet-server", "--service", "cmd", "--cmd-timeout", "0", NULL },
		  "inet-server: invalid --cmd-timeout '0': give whole seconds from 1 to 3600 (see --help)\n" },
		{ { "bin/unix-server", "--service", "cmd", "--cmd-timeout", "5s", NULL },
		  "unix-server: invalid --cmd-timeout '5s': give whole seconds from 1 to 3600 (see --help)\n" },
	};
	char *dir = h_tmpdir();
	char errf[400];
	snprintf(errf, sizeof errf, "%s/err", dir);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		int st = h_run((char *const *)cases[i].argv, NULL, 0, &out, errf);
		cr_expect_eq(st, 2, "case %zu: exit %d", i, st);
		char *err = h_slurp(errf, NULL);
		cr_expect_str_eq(err ? err : "", cases[i].msg, "case %zu", i);
		free(err);
		free(out);
	}
	h_tmpdir_free(dir);
}
