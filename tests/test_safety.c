/*
 * Safety (issue 11): socket files nobody else can take over or make us
 * remove, no message cut or dropped without a word, Ctrl-C at a blocked
 * call printed as strace prints it, a server that outlives running out of
 * descriptors, and a build whose own flags survive the user's.
 *
 * Where a race needs a window held open, strace's fault injection holds it
 * (-e inject=CALL:delay_enter/delay_exit=US), so the test does not depend on
 * luck or on the machine's load. Tests that need root (other users, setpriv)
 * or strace skip with the reason.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- helpers -------------------------------------------------------------------------- */

static char *path_in(const char *dir, const char *name)
{
	char *p;
	cr_assert_geq(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* Waits up to 5 s for a socket file at path. */
static int wait_socket_file(const char *path)
{
	struct stat st;
	for (int i = 0; i < 500; i++) {
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			return 0;
		usleep(10000);
	}
	return -1;
}

/* argv run as uid (and gid) `uid` with no supplementary groups (setpriv). */
static void as_user(char **out, unsigned uid, char *const argv[])
{
	static char reuid[32], regid[32];
	snprintf(reuid, sizeof reuid, "--reuid=%u", uid);
	snprintf(regid, sizeof regid, "--regid=%u", uid);
	int n = 0;
	out[n++] = "/usr/bin/setpriv";
	out[n++] = reuid;
	out[n++] = regid;
	out[n++] = "--clear-groups";
	for (int i = 0; argv[i]; i++)
		out[n++] = argv[i];
	out[n] = NULL;
}

static void need_root_and_setpriv(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root, to run programs as two other (fresh) users with setpriv");
	if (access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("setpriv (util-linux) is not installed");
}

/* Two uids no one uses, different for every test process. */
static unsigned fresh_uid(int k)
{
	return 41000u + (unsigned)(getpid() % 4000) * 4u + (unsigned)k;
}

/* A scratch directory anyone may create in, as /tmp: mode 1777. */
static char *shared_tmp(void)
{
	char *d = h_tmpdir();
	cr_assert(d);
	cr_assert_eq(chmod(d, 01777), 0);
	return d;
}

/* ---- 4. socket files -------------------------------------------------------------------- */

/*
 * Another user made the victim's default directory first and waits there with
 * a server of its own: the victim's client and server both refuse the
 * directory, and the other user's server never sees a connection.
 */
Test(safety, another_user_cannot_take_over_the_default_path, .timeout = 60)
{
	need_root_and_setpriv();
	char *tmp = shared_tmp();
	unsetenv("XDG_RUNTIME_DIR");
	setenv("TMPDIR", tmp, 1);
	unsigned victim = fresh_uid(0), other = fresh_uid(1);
	char dir[300], sock[400], errf[400], vuid[16];
	snprintf(dir, sizeof dir, "%s/sockfam-%u", tmp, victim);
	snprintf(sock, sizeof sock, "%s/stream.sock", dir);
	snprintf(errf, sizeof errf, "%s/err", tmp);
	snprintf(vuid, sizeof vuid, "%u", victim);

	/* the other user: the directory, open to all, and a server in it */
	char *mk[] = { "/bin/mkdir", "-m", "0777", dir, NULL }, *run[16];
	as_user(run, other, mk);
	cr_assert_eq(h_run(run, NULL, 0, NULL, NULL), 0);
	char *fake[] = { "bin/unix-server", "-a", sock, NULL };
	as_user(run, other, fake);
	struct h_proc sv;
	char *svtrace = path_in(tmp, "other.err");
	cr_assert_eq(h_start_server(&sv, run, svtrace), 0, "the other user's server did not start");

	/* the victim, with no -a: refused before any socket, and says why */
	char *client[] = { "bin/unix-client", "secret", NULL };
	as_user(run, victim, client);
	char *out = NULL;
	int st = h_run(run, NULL, 0, &out, errf);
	char *err = h_slurp(errf, NULL);
	cr_expect_neq(st, 0, "the client used a directory another user made: %s", out);
	cr_expect(err && strstr(err, "belongs to uid") && strstr(err, "not using it"), "stderr: %s", err);
	cr_expect(!out || !strstr(out, "SECRET"), "the other user's server answered: %s", out);
	cr_expect(!err || !strstr(err, "socket("), "a socket was made before refusing: %s", err);
	free(out);
	free(err);
	char *server[] = { "bin/unix-server", "-n", "1", NULL };
	as_user(run, victim, server);
	st = h_run(run, NULL, 0, NULL, errf);
	err = h_slurp(errf, NULL);
	cr_expect_neq(st, 0, "the server used a directory another user made");
	cr_expect(err && strstr(err, "belongs to uid"), "stderr: %s", err);
	free(err);
	kill(sv.pid, SIGINT);
	h_wait(&sv, 10);
	char *seen = h_slurp(svtrace, NULL);
	cr_expect(seen && !strstr(seen, "accept(3, {"), "the other user's server got a connection:\n%s", seen);
	free(seen);
	free(svtrace);
	h_tmpdir_free(tmp);
}

/* The victim's server came first: its directory (0700) keeps the other user
 * out, and the victim's client reaches the victim's server. */
Test(safety, the_default_directory_keeps_other_users_out, .timeout = 60)
{
	need_root_and_setpriv();
	char *tmp = shared_tmp();
	unsetenv("XDG_RUNTIME_DIR");
	setenv("TMPDIR", tmp, 1);
	unsigned victim = fresh_uid(2), other = fresh_uid(3);
	char dir[300], sock[400], errf[400];
	snprintf(dir, sizeof dir, "%s/sockfam-%u", tmp, victim);
	snprintf(sock, sizeof sock, "%s/stream.sock", dir);
	snprintf(errf, sizeof errf, "%s/err", tmp);
	char *server[] = { "bin/unix-server", "-q", NULL }, *run[16];
	as_user(run, victim, server);
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, run, NULL), 0);
	struct stat st;
	cr_assert_eq(lstat(dir, &st), 0);
	cr_expect(S_ISDIR(st.st_mode) && st.st_uid == victim && (st.st_mode & 0777) == 0700,
		  "the default directory: uid %u, mode %o", (unsigned)st.st_uid, (unsigned)st.st_mode);

	/* the other user: neither a server there, nor a client, nor removing it */
	char *fake[] = { "bin/unix-server", "-q", "-a", sock, "-n", "1", NULL };
	as_user(run, other, fake);
	cr_expect_neq(h_run(run, NULL, 0, NULL, NULL), 0, "another user served at the victim's path");
	char *peek[] = { "bin/unix-client", "-q", "-a", sock, "hi", NULL };
	as_user(run, other, peek);
	cr_expect_neq(h_run(run, NULL, 0, NULL, NULL), 0, "another user reached the victim's server");
	char *rm[] = { "/bin/rm", "-rf", dir, NULL };
	as_user(run, other, rm);
	h_run(run, NULL, 0, NULL, NULL);
	cr_expect_eq(lstat(sock, &st), 0, "another user removed the victim's socket");

	char *client[] = { "bin/unix-client", "-q", "mine", NULL };
	as_user(run, victim, client);
	char *out = NULL;
	cr_expect_eq(h_run(run, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "MINE"), "the victim's own server did not answer: %s", out);
	free(out);
	kill(sv.pid, SIGINT);
	cr_expect_eq(h_wait(&sv, 10), 0);
	h_tmpdir_free(tmp);
}

/* $XDG_RUNTIME_DIR that others can enter is refused, not used. */
Test(safety, an_open_xdg_runtime_dir_is_refused)
{
	char *tmp = h_tmpdir();
	cr_assert_eq(chmod(tmp, 0755), 0);
	setenv("XDG_RUNTIME_DIR", tmp, 1);
	char *argv[] = { "bin/unix-client", "hi", NULL };
	char *why = h_refused(argv, "has mode 0755");
	cr_expect_null(why, "%s", why);
	free(why);
	cr_assert_eq(chmod(tmp, 0700), 0);
	char *server[] = { "bin/unix-server", "-q", "-k", "seqpacket", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, server, NULL), 0);
	cr_expect(strstr(sv.first, tmp) && strstr(sv.first, "/seqpacket.sock"), "%s", sv.first);
	char *client[] = { "bin/unix-client", "-q", "-k", "seqpacket", "there", NULL };
	char *out = NULL;
	cr_expect_eq(h_run(client, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "THERE"), "%s", out);
	free(out);
	kill(sv.pid, SIGINT);
	cr_expect_eq(h_wait(&sv, 10), 0);
	h_tmpdir_free(tmp);
}

/*
 * Two servers race for one path: the first is held between bind() and
 * listen() (where connect() is refused, as at a stale file) while the second
 * starts. The second must leave the first one's file alone.
 */
Test(safety, two_servers_racing_never_remove_each_others_file, .timeout = 60)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed: it holds the first server between bind and listen");
	static const char *kinds[] = { "stream", "seqpacket", "dgram" };
	for (int k = 0; k < 3; k++) {
		char *dir = h_tmpdir();
		char *sock = path_in(dir, "race.sock");
		/* dgram servers do not listen: hold them after bind instead */
		const char *inject = k < 2 ? "inject=listen:delay_enter=1500000" : "inject=bind:delay_exit=1500000";
		char *first[] = { "/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=bind,listen", "-e",
				  (char *)inject, "bin/unix-server", "-q", "-k", (char *)kinds[k], "-a", sock, "-n", "1",
				  NULL };
		struct h_proc a;
		cr_assert_eq(h_spawn(&a, first, NULL), 0);
		cr_assert_eq(wait_socket_file(sock), 0, "%s: the first server never bound", kinds[k]);
		struct stat before, after;
		cr_assert_eq(lstat(sock, &before), 0);
		char *second[] = { "bin/unix-server", "-q", "-k", (char *)kinds[k], "-a", sock, "-n", "1", NULL };
		char *errf = path_in(dir, "second.err");
		int st = h_run(second, NULL, 0, NULL, errf);
		char *err = h_slurp(errf, NULL);
		cr_expect_eq(st, 1, "%s: the second server did not refuse (exit %d): %s", kinds[k], st, err);
		cr_expect(err && strstr(err, "a live server is using"), "%s: %s", kinds[k], err);
		cr_expect_eq(lstat(sock, &after), 0, "%s: the first server's socket file was removed", kinds[k]);
		cr_expect_eq(before.st_ino, after.st_ino, "%s: the first server's file was replaced", kinds[k]);
		/* and the first one serves on it, once strace lets it go on */
		cr_expect_eq(h_wait_line(&a, "listening on", 10000), 0, "%s: the first server stopped", kinds[k]);
		char *client[] = { "bin/unix-client", "-q", "-k", (char *)kinds[k], "-a", sock, "first", NULL };
		char *out = NULL;
		cr_expect_eq(h_run(client, NULL, 0, &out, NULL), 0, "%s", kinds[k]);
		cr_expect(out && strstr(out, "FIRST"), "%s: %s", kinds[k], out);
		free(out);
		/* -n 1: that client was its one */
		cr_expect_eq(h_wait(&a, 10), 0, "%s: the first server's exit", kinds[k]);
		cr_expect_neq(lstat(sock, &after), 0, "%s: the first server left its file", kinds[k]);
		free(err);
		free(errf);
		free(sock);
		h_tmpdir_free(dir);
	}
}

/*
 * --mode with the path swapped for a symbolic link right after bind(): the
 * target's mode never changes (the mode comes with bind, there is no chmod of
 * the path), and the server refuses to serve on what is no longer its file.
 */
Test(safety, a_symlink_swap_never_changes_the_targets_mode, .timeout = 60)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed: it holds the server right after bind");
	char *dir = h_tmpdir();
	char *sock = path_in(dir, "m.sock"), *target = path_in(dir, "precious");
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(chmod(target, 0644), 0);
	char *errf = path_in(dir, "server.err");
	char *argv[] = { "/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=bind", "-e",
			 "inject=bind:delay_exit=3000000", "bin/unix-server", "-q", "-a", sock, "--mode", "0600", "-n", "1",
			 NULL };
	struct h_proc sv;
	cr_assert_eq(h_spawn(&sv, argv, errf), 0);
	cr_assert_eq(wait_socket_file(sock), 0);
	struct stat st;
	cr_assert_eq(lstat(sock, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "bind made the file with mode %o", (unsigned)(st.st_mode & 0777));
	cr_assert_eq(unlink(sock), 0);
	cr_assert_eq(symlink(target, sock), 0);
	int rc = h_wait(&sv, 20);
	char *err = h_slurp(errf, NULL);
	cr_assert_eq(stat(target, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0644, "the target's mode changed to %o", (unsigned)(st.st_mode & 07777));
	cr_expect_eq(rc, 1, "the server served on a replaced path (exit %d): %s", rc, err);
	cr_expect(err && strstr(err, "is no longer the socket bind() made"), "%s", err);
	cr_expect_eq(lstat(sock, &st), 0, "the server removed the link it did not make");
	free(err);
	free(errf);
	free(sock);
	free(target);
	h_tmpdir_free(dir);
}

/* ---- 5. nothing cut, nothing dropped without a word ------------------------------------ */

/* A message of n copies of c (malloc'd, NUL-terminated). */
static char *repeat(char c, size_t n)
{
	char *m = malloc(n + 1);
	cr_assert(m);
	memset(m, c, n);
	m[n] = '\0';
	return m;
}

/* How many times `line` (a whole line) occurs in text. */
static int count_lines(const char *text, const char *line)
{
	int n = 0;
	size_t len = strlen(line);
	for (const char *p = text; p && (p = strstr(p, line)); p += len)
		n += (p == text || p[-1] == '\n') && (p[len] == '\n' || !p[len]);
	return n;
}

/* A 100 000-byte message over UNIX dgram and seqpacket comes back whole; one
 * of 300 000 (more than a record can carry) is refused with a message, and the
 * next message still goes. */
Test(safety, a_100000_byte_unix_message_is_delivered_whole_or_refused, .timeout = 60)
{
	static const char *kinds[] = { "dgram", "seqpacket" };
	char *big = repeat('a', 100000), *want = repeat('A', 100000), *huge = repeat('h', 300000);
	for (int k = 0; k < 2; k++) {
		char *dir = h_tmpdir();
		char *sock = path_in(dir, "s.sock"), *errf = path_in(dir, "client.err");
		char *server[] = { "bin/unix-server", "-q", "-k", (char *)kinds[k], "-a", sock, NULL };
		struct h_proc sv;
		cr_assert_eq(h_start_server(&sv, server, NULL), 0);
		char *client[] = { "bin/unix-client", "-q", "-k", (char *)kinds[k], "-a", sock, "first", NULL };
		/* the messages from standard input: an argument is limited to 128 KiB */
		size_t inlen = 300000 + 100000 + 64;
		char *in = malloc(inlen);
		cr_assert(in);
		int n = snprintf(in, inlen, "first\n%s\n%s\nlast\n", big, huge);
		client[6] = NULL;
		char *out = NULL;
		int st = h_run(client, in, (size_t)n, &out, errf);
		char *err = h_slurp(errf, NULL);
		cr_expect_eq(st, 1, "%s: exit %d after a message it could not send: %s", kinds[k], st, err);
		cr_expect_eq(count_lines(out, want), 1, "%s: the 100000-byte answer is not there whole", kinds[k]);
		cr_expect_eq(count_lines(out, "FIRST"), 1, "%s: %.200s", kinds[k], out);
		cr_expect_eq(count_lines(out, "LAST"), 1, "%s: the message after the refused one is missing",
			     kinds[k]);
		cr_expect(err && strstr(err, " 300000 bytes") && strstr(err, "(EMSGSIZE)"),
			  "%s: %s", kinds[k], err);
		free(in);
		free(out);
		free(err);
		kill(sv.pid, SIGINT);
		cr_expect_eq(h_wait(&sv, 10), 0);
		free(sock);
		free(errf);
		h_tmpdir_free(dir);
	}
	free(big);
	free(want);
	free(huge);
}

/* A sender with a larger SO_SNDBUF sends more than the server's buffer: the
 * kernel cuts it, and the server says so (stderr, exit 1) and tells the
 * sender, instead of answering the first 212992 bytes as if they were all. */
Test(safety, a_message_the_kernel_cut_is_refused_with_a_message, .timeout = 60)
{
	static const int types[] = { SOCK_DGRAM, SOCK_SEQPACKET };
	static const char *kinds[] = { "dgram", "seqpacket" };
	char *huge = repeat('h', 300000);
	for (int k = 0; k < 2; k++) {
		char *dir = h_tmpdir();
		char *sock = path_in(dir, "s.sock"), *me = path_in(dir, "me.sock"), *errf = path_in(dir, "server.err");
		char *server[] = { "bin/unix-server", "-k", (char *)kinds[k], "-a", sock, "-n", "1", NULL };
		struct h_proc sv;
		cr_assert_eq(h_start_server(&sv, server, errf), 0);
		int fd = socket(AF_UNIX, types[k] | SOCK_CLOEXEC, 0);
		cr_assert_geq(fd, 0);
		int big = 1 << 20;
		cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big), 0);
		struct sockaddr_un to = { .sun_family = AF_UNIX }, mine = { .sun_family = AF_UNIX };
		snprintf(to.sun_path, sizeof to.sun_path, "%s", sock);
		snprintf(mine.sun_path, sizeof mine.sun_path, "%s", me);
		if (types[k] == SOCK_DGRAM)
			cr_assert_eq(bind(fd, (struct sockaddr *)&mine, sizeof mine), 0);
		else
			cr_assert_eq(connect(fd, (struct sockaddr *)&to, sizeof to), 0);
		ssize_t w = sendto(fd, huge, 300000, 0, types[k] == SOCK_DGRAM ? (struct sockaddr *)&to : NULL,
				   types[k] == SOCK_DGRAM ? sizeof to : 0);
		cr_assert_eq(w, 300000, "%s: %s", kinds[k], strerror(errno));
		struct timeval tv = { 5, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		char buf[512];
		ssize_t r = recv(fd, buf, sizeof buf - 1, 0);
		buf[r > 0 ? r : 0] = '\0';
		cr_expect(r > 0 && strstr(buf, "error: a message larger than 212992 bytes was cut"), "%s: got '%s'",
			  kinds[k], buf);
		if (types[k] == SOCK_DGRAM) {
			/* -n 1 counts datagrams served: one more, answered */
			sendto(fd, "ok", 2, 0, (struct sockaddr *)&to, sizeof to);
			r = recv(fd, buf, sizeof buf - 1, 0);
			cr_expect(r == 2 && !memcmp(buf, "OK", 2), "%s: the next datagram was not answered", kinds[k]);
		} else {
			r = recv(fd, buf, sizeof buf, 0);
			cr_expect_eq(r, 0, "%s: the connection was not ended after the refusal", kinds[k]);
		}
		close(fd);
		cr_expect_eq(h_wait(&sv, 10), 1, "%s: the server's exit status does not show the loss", kinds[k]);
		char *err = h_slurp(errf, NULL);
		cr_expect(err && strstr(err, "the kernel cut it (MSG_TRUNC)"), "%s: %s", kinds[k], err);
		cr_expect(err && strstr(err, "msg_flags=MSG_TRUNC}"), "%s: the trace does not show it: %s", kinds[k], err);
		free(err);
		free(sock);
		free(me);
		free(errf);
		h_tmpdir_free(dir);
	}
	free(huge);
}

/* UDP: a message too large for a datagram is reported, the next one is still
 * sent and answered, and the exit status is 1; from arguments and from
 * standard input alike. */
Test(safety, a_lost_udp_message_makes_exit_1_and_the_next_is_sent, .timeout = 60)
{
	char *server[] = { "bin/inet-server", "-q", "-u", "-p", "0", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, server, NULL), 0);
	char port[16];
	snprintf(port, sizeof port, "%d", h_port_of(sv.first));
	char *dir = h_tmpdir();
	char *errf = path_in(dir, "client.err");
	char *huge = repeat('u', 70000);
	char *args[] = { "bin/inet-client", "-q", "-u", "-p", port, "one", huge, "two", NULL };
	char *stdin_only[] = { "bin/inet-client", "-q", "-u", "-p", port, NULL };
	char in[70100];
	int n = snprintf(in, sizeof in, "one\n%s\ntwo\n", huge);
	for (int round = 0; round < 2; round++) {
		char *out = NULL;
		int st = round ? h_run(stdin_only, in, (size_t)n, &out, errf) : h_run(args, NULL, 0, &out, errf);
		char *err = h_slurp(errf, NULL);
		const char *how = round ? "stdin" : "arguments";
		cr_expect_eq(st, 1, "%s: exit %d", how, st);
		cr_expect_eq(count_lines(out, "ONE"), 1, "%s: %s", how, out);
		cr_expect_eq(count_lines(out, "TWO"), 1, "%s: the message after the lost one was not sent: %s", how,
			     out);
		cr_expect(err && strstr(err, "sending 70000 bytes") && strstr(err, "(EMSGSIZE)"), "%s: %s", how, err);
		free(out);
		free(err);
	}
	kill(sv.pid, SIGINT);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(huge);
	free(errf);
	h_tmpdir_free(dir);
}

/* A UDP server of the test's own that never answers the first datagram and
 * answers the others upper-cased; its port, and its pid in *pid. */
static int dropping_udp_server(pid_t *pid)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*pid = fork();
	cr_assert_geq(*pid, 0);
	if (*pid == 0) {
		alarm(30);
		char buf[2048];
		for (int i = 0;; i++) {
			struct sockaddr_storage from;
			socklen_t flen = sizeof from;
			ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
			if (n < 0)
				_exit(1);
			for (ssize_t k = 0; k < n; k++)
				buf[k] = (char)toupper((unsigned char)buf[k]);
			if (i > 0)
				sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
		}
	}
	close(fd);
	return ntohs(a.sin_port);
}

/* The answer to the first message never comes: said, the next message still
 * goes (from standard input too), exit 1. */
Test(safety, a_lost_udp_answer_makes_exit_1_and_the_next_is_sent, .timeout = 30)
{
	pid_t srv;
	char port[16];
	snprintf(port, sizeof port, "%d", dropping_udp_server(&srv));
	char *dir = h_tmpdir();
	char *errf = path_in(dir, "client.err");
	char *client[] = { "bin/inet-client", "-q", "-u", "-p", port, "-w", "300", NULL };
	char *out = NULL;
	int st = h_run(client, "lost\nfound\n", 11, &out, errf);
	char *err = h_slurp(errf, NULL);
	cr_expect_eq(st, 1, "exit %d", st);
	cr_expect_eq(count_lines(out, "FOUND"), 1, "the message after the lost one was not sent: %s", out);
	cr_expect(err && strstr(err, "waiting 300 ms for the answer"), "%s", err);
	free(out);
	free(err);
	free(errf);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	h_tmpdir_free(dir);
}

/* A signal that interrupts the UDP client's sendto (EINTR, made by a shim)
 * does not end it: the message goes again, and the next one too. */
Test(safety, eintr_on_the_udp_clients_sendto_does_not_end_it, .timeout = 30)
{
	if (h_use_shim() < 0)
		cr_skip_test("%s is not built here (make test builds it)", H_SHIM);
	char *server[] = { "bin/inet-server", "-q", "-u", "-p", "0", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, server, NULL), 0);
	char port[16];
	snprintf(port, sizeof port, "%d", h_port_of(sv.first));
	setenv("SHIM_SENDTO_EINTR", "2", 1);
	char *dir = h_tmpdir();
	char *errf = path_in(dir, "client.err");
	char *client[] = { "bin/inet-client", "-u", "-p", port, "one", "two", NULL };
	char *out = NULL;
	int st = h_run(client, NULL, 0, &out, errf);
	unsetenv("LD_PRELOAD");
	char *err = h_slurp(errf, NULL);
	cr_expect_eq(st, 0, "exit %d: %s", st, err);
	cr_expect(count_lines(out, "ONE") == 1 && count_lines(out, "TWO") == 1, "%s", out);
	/* the trace shows the interrupted calls, then the one that went */
	int tries = 0;
	for (const char *p = err; p && (p = strstr(p, "sendto(3, \"one\"")); p++)
		tries++;
	cr_expect_eq(tries, 3, "sendto of 'one' was made %d times, not 3:\n%s", tries, err);
	free(out);
	free(err);
	free(errf);
	kill(sv.pid, SIGINT);
	cr_expect_eq(h_wait(&sv, 10), 0);
	h_tmpdir_free(dir);
}

/* The UNIX stream pair with every write going out one byte at a time (a shim
 * in both programs): everything arrives, nothing deadlocks. */
Test(safety, the_unix_stream_pair_through_one_byte_writes, .timeout = 120)
{
	if (h_use_shim() < 0)
		cr_skip_test("%s is not built here (make test builds it)", H_SHIM);
	setenv("SHIM_ONE_BYTE", "1", 1);
	char *dir = h_tmpdir();
	char *sock = path_in(dir, "s.sock"), *errf = path_in(dir, "client.err");
	char *server[] = { "bin/unix-server", "-q", "-a", sock, NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, server, NULL), 0);
	char *big = repeat('b', 100000), *want = repeat('B', 100000);
	char *args[] = { "bin/unix-client", "-q", "-a", sock, "hello", big, "bye", NULL };
	char *stdin_only[] = { "bin/unix-client", "-q", "-a", sock, NULL };
	size_t inlen = 100000 + 64;
	char *in = malloc(inlen);
	cr_assert(in);
	int n = snprintf(in, inlen, "hello\n%s\nbye\n", big);
	for (int round = 0; round < 2; round++) {
		char *out = NULL;
		int st = round ? h_run(stdin_only, in, (size_t)n, &out, errf) : h_run(args, NULL, 0, &out, errf);
		char *err = h_slurp(errf, NULL);
		const char *how = round ? "stdin" : "arguments";
		cr_expect_eq(st, 0, "%s: exit %d: %s", how, st, err);
		cr_expect_eq(count_lines(out, "HELLO"), 1, "%s", how);
		cr_expect_eq(count_lines(out, want), 1, "%s: the 100000-byte answer is not there whole", how);
		cr_expect_eq(count_lines(out, "BYE"), 1, "%s", how);
		free(out);
		free(err);
	}
	unsetenv("LD_PRELOAD");
	kill(sv.pid, SIGINT);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(in);
	free(big);
	free(want);
	free(sock);
	free(errf);
	h_tmpdir_free(dir);
}

/* A UNIX datagram client that never reads its answers: the server drops what
 * does not fit its queue (said in the log) and goes on serving others. */
Test(safety, a_dgram_client_that_does_not_read_blocks_nobody, .timeout = 60)
{
	char *dir = h_tmpdir();
	char *sock = path_in(dir, "s.sock"), *me = path_in(dir, "deaf.sock");
	char *server[] = { "bin/unix-server", "-q", "-k", "dgram", "-a", sock, NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, server, NULL), 0);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un to = { .sun_family = AF_UNIX }, mine = { .sun_family = AF_UNIX };
	snprintf(to.sun_path, sizeof to.sun_path, "%s", sock);
	snprintf(mine.sun_path, sizeof mine.sun_path, "%s", me);
	cr_assert_eq(bind(fd, (struct sockaddr *)&mine, sizeof mine), 0);
	/* more than the deaf socket's queue holds (net.unix.max_dgram_qlen, 10 by
	 * default), each sent once the server has room for it */
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int sent = 0;
	for (int i = 0; i < 200; i++)
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to) == 1;
	cr_expect_eq(sent, 200, "the server stopped taking datagrams after %d", sent);
	char *client[] = { "bin/unix-client", "-q", "-k", "dgram", "-a", sock, "others", NULL };
	char *out = NULL;
	cr_expect_eq(h_run(client, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "OTHERS"), "the server did not answer another client: %s", out);
	free(out);
	kill(sv.pid, SIGINT);
	char *log = h_drain(&sv);
	h_wait(&sv, 10);
	cr_expect(strstr(log, "deaf.sock is not reading: its receive queue is full"), "%.2000s", log);
	free(log);
	close(fd);
	free(sock);
	free(me);
	h_tmpdir_free(dir);
}

/* ---- 6. Ctrl-C at a blocked call, against strace ------------------------------------ */

/* Waits up to 10 s until pid is blocked in system call `nr` (/proc/PID/syscall). */
static int blocked_in(pid_t pid, long nr)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	for (int i = 0; i < 1000; i++) {
		char *s = h_slurp(path, NULL);
		long now = s ? strtol(s, NULL, 10) : -2;
		free(s);
		if (now == nr) {
			usleep(50000);   /* and still there: not passing through */
			s = h_slurp(path, NULL);
			now = s ? strtol(s, NULL, 10) : -2;
			free(s);
			if (now == nr)
				return 0;
		}
		usleep(10000);
	}
	return -1;
}

/*
 * prog (argv, with "-o OWN" added) runs under strace -ff; once it is blocked
 * in system call `nr`, Ctrl-C (SIGINT) reaches it. Its own trace must equal
 * strace's, line for line, and hold `line` (the interrupted call's result).
 * `ready`: the stdout line to wait for first (NULL: none). The program's
 * stdout is returned through out_port when it is a server (its port).
 */
static void ctrl_c_at(const char *what, char *const prog[], const char *ready, long nr, const char *line,
		      int *port_out)
{
	char *dir = h_tmpdir();
	char spre[300], own[300];
	snprintf(spre, sizeof spre, "%s/st", dir);
	snprintf(own, sizeof own, "%s/own", dir);
	char *argv[64];
	int n = 0;
	const char *pre[] = { "/usr/bin/strace", "-ff", "-o", spre, "-e",
			      "trace=%network,close,poll,pselect6,epoll_create1,epoll_ctl,epoll_wait,fcntl", "-e",
			      "signal=none" };
	for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++)
		argv[n++] = (char *)pre[k];
	argv[n++] = prog[0];
	argv[n++] = "-o";
	argv[n++] = own;
	for (int k = 1; prog[k]; k++)
		argv[n++] = prog[k];
	argv[n] = NULL;
	struct h_proc p;
	cr_assert_eq(h_spawn(&p, argv, NULL), 0);
	if (ready) {
		cr_assert_eq(h_wait_line(&p, ready, 10000), 0, "%s: no '%s' line", what, ready);
		if (port_out)
			*port_out = h_port_of(p.first);
	}
	pid_t pid = h_tracee_of(p.pid);
	cr_assert_gt(pid, 0);
	if (blocked_in(pid, nr) < 0) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
		char *sc = h_slurp(path, NULL), *mine = h_slurp(own, NULL);
		cr_assert_fail("%s: never blocked in system call %ld (pid %d: %s)\n%s", what, nr, (int)pid, sc, mine);
	}
	kill(pid, SIGINT);
	cr_expect_lt(h_wait(&p, 10), 128, "%s: Ctrl-C did not end it", what);
	char *sf = h_strace_file(dir, "st");
	cr_assert(sf, "%s: no strace output", what);
	size_t same;
	char *diff = NULL;
	size_t total = h_strace_compare(sf, own, &same, &diff);
	char *mine = h_slurp(own, NULL);
	cr_expect(total > 0 && same == total && !diff, "%s: %zu of %zu lines identical\n%s\nown trace:\n%s", what,
		  same, total, diff ? diff : "", mine);
	cr_expect(mine && strstr(mine, line), "%s: '%s' is not in its trace:\n%s", what, line, mine);
	cr_log_info("Ctrl-C at %s: %zu of %zu strace lines identical", what, same, total);
	free(mine);
	free(diff);
	free(sf);
	h_tmpdir_free(dir);
}

#define RESTARTSYS "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)"

Test(safety, ctrl_c_at_accept_matches_strace, .timeout = 60)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	char *inet[] = { "bin/inet-server", "-p", "0", NULL };
	ctrl_c_at("inet-server's accept", inet, "listening on", SYS_accept, RESTARTSYS, NULL);
	char *dir = h_tmpdir(), *sock = path_in(dir, "s.sock");
	char *unx[] = { "bin/unix-server", "-k", "seqpacket", "-a", sock, NULL };
	ctrl_c_at("unix-server's accept", unx, "listening on", SYS_accept, RESTARTSYS, NULL);
	char *epoll[] = { "bin/inet-server", "-p", "0", "--model", "epoll", NULL };
	ctrl_c_at("the epoll server's epoll_wait", epoll, "listening on", SYS_epoll_wait, "= -1 EINTR", NULL);
	char *sel[] = { "bin/inet-server", "-p", "0", "--model", "select", NULL };
	ctrl_c_at("the select server's pselect6", sel, "listening on", SYS_pselect6,
		  "= ? ERESTARTNOHAND (To be restarted if no handler)", NULL);
	char *pol[] = { "bin/inet-server", "-p", "0", "--model", "poll", NULL };
	ctrl_c_at("the poll server's poll", pol, "listening on", SYS_poll, "= ? ERESTART", NULL);
	free(sock);
	h_tmpdir_free(dir);
}

/* A server blocked in a receive from a client that sends nothing: the test
 * connects from a child process once the server listens. */
static pid_t silent_client(int domain, const char *path, int port_of_server)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(30);
		int fd = -1;
		for (int i = 0; i < 500 && fd < 0; i++) {
			fd = h_connect_stream(domain, path, port_of_server);
			if (fd < 0)
				usleep(10000);
		}
		pause();
		_exit(0);
	}
	return pid;
}

Test(safety, ctrl_c_at_recv_matches_strace, .timeout = 60)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	/* the server's receive: a fixed port is not needed, the client waits for the file */
	char *dir = h_tmpdir(), *sock = path_in(dir, "s.sock");
	pid_t c = silent_client(AF_UNIX, sock, 0);
	char *unx[] = { "bin/unix-server", "-a", sock, NULL };
	ctrl_c_at("unix-server's recvmsg", unx, "listening on", SYS_recvmsg, RESTARTSYS, NULL);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);

	/* the UDP client's recvfrom, which has a receive timeout (SO_RCVTIMEO):
	 * the kernel returns EINTR itself, and strace prints that */
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	cr_assert_eq(bind(u, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(getsockname(u, (struct sockaddr *)&a, &len), 0);
	char port[16];
	snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
	char *udp[] = { "bin/inet-client", "-u", "-p", port, "-w", "20000", "unanswered", NULL };
	ctrl_c_at("the UDP client's recvfrom", udp, NULL, SYS_recvfrom, "= -1 EINTR (Interrupted system call)", NULL);
	close(u);

	/* the stream client waits in poll() for an answer that does not come */
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	len = sizeof a;
	a.sin_port = 0;
	cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(l, 4), 0);
	cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
	snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
	char *tcp[] = { "bin/inet-client", "-p", port, "unanswered", NULL };
	ctrl_c_at("the TCP client's poll", tcp, NULL, SYS_poll, "= ? ERESTART_RESTARTBLOCK", NULL);
	close(l);
	free(sock);
	h_tmpdir_free(dir);
}

/* connect() blocks on a UNIX stream listener whose backlog is full (listen(fd,
 * 0) and one connection waiting that nobody accepts). */
Test(safety, ctrl_c_at_connect_matches_strace, .timeout = 60)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	char *dir = h_tmpdir(), *sock = path_in(dir, "full.sock");
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
	cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(l, 0), 0);
	int first = h_connect_stream(AF_UNIX, sock, 0);
	cr_assert_geq(first, 0);
	char *unx[] = { "bin/unix-client", "-a", sock, "waits", NULL };
	ctrl_c_at("unix-client's connect", unx, NULL, SYS_connect, RESTARTSYS, NULL);
	close(first);
	close(l);
	free(sock);
	h_tmpdir_free(dir);
}

/* ---- 7. out of descriptors ------------------------------------------------------------- */

/*
 * Under the smallest `ulimit -n` a model can serve with (stdin, stdout,
 * stderr, the listening socket, the model's own descriptors and one client):
 * while one client holds the only descriptor, the next waits (or is told with
 * a reset), and once the first leaves the server goes on serving; it never
 * exits, and a reserve descriptor never takes the last free one.
 */
Test(safety, a_tiny_descriptor_limit_keeps_serving_once_one_frees, .timeout = 120)
{
	static const struct {
		const char *model;
		int limit;
	} on[] = { { "iterative", 5 }, { "fork", 5 }, { "thread", 5 }, { "prefork=2", 5 },
		   { "prethread=2", 5 }, { "select", 5 }, { "poll", 5 }, { "epoll", 6 } };
	for (size_t i = 0; i < sizeof on / sizeof on[0]; i++) {
		char cmd[256];
		snprintf(cmd, sizeof cmd, "exec 3>&- 4>&- 5>&-; ulimit -n %d; exec bin/inet-server -q -p 0 --model %s", on[i].limit,
			 on[i].model);
		char *sh[] = { "/bin/sh", "-c", cmd, NULL };
		struct h_proc sv;
		cr_assert_eq(h_start_server(&sv, sh, NULL), 0, "%s did not start", cmd);
		int port = h_port_of(sv.first);
		char ports[16];
		snprintf(ports, sizeof ports, "%d", port);
		int holder = h_connect_stream(AF_INET, NULL, port);
		cr_assert_geq(holder, 0);
		usleep(200000);   /* the server took it (and holds the one descriptor) */
		char *waiting[] = { "bin/inet-client", "-q", "-p", ports, "waited", NULL };
		struct h_proc w;
		cr_assert_eq(h_spawn(&w, waiting, NULL), 0);
		usleep(300000);
		close(holder);
		char *out = h_drain(&w);
		int st = h_wait(&w, 20);
		cr_expect(st == 0 && strstr(out, "WAITED"), "ulimit -n %d, --model %s: the waiting client: exit %d, '%s'",
			  on[i].limit, on[i].model, st, out);
		free(out);
		for (int k = 0; k < 3; k++) {
			char *next[] = { "bin/inet-client", "-q", "-p", ports, "next", NULL };
			st = h_run(next, NULL, 0, &out, NULL);
			cr_expect(st == 0 && strstr(out, "NEXT"), "ulimit -n %d, --model %s: client %d after: exit %d, '%s'",
				  on[i].limit, on[i].model, k, st, out);
			free(out);
		}
		kill(sv.pid, SIGINT);
		cr_expect_eq(h_wait(&sv, 10), 0, "--model %s: exit status after Ctrl-C", on[i].model);
	}
}

/* ---- 8. the build ------------------------------------------------------------------------ */

/* What make would run (make -n), as one string. */
static char *make_n(char *const argv[])
{
	char *out = NULL;
	int st = h_run(argv, NULL, 0, &out, NULL);
	cr_assert_eq(st, 0, "make -n failed: %s", out);
	return out;
}

Test(safety, the_projects_flags_survive_a_users_cflags_and_make_test_installs_first)
{
	if (access("/usr/bin/make", X_OK) != 0)
		cr_skip_test("make is not installed");
	char *compile[] = { "/usr/bin/make", "-n", "-B", "CFLAGS=-O0 -g3", "build/common/io.o", NULL };
	char *out = make_n(compile);
	cr_expect(strstr(out, "-O0 -g3") && strstr(out, "-std=gnu11") && strstr(out, "-Wall") &&
		  strstr(out, "-Wextra") && strstr(out, "-pthread"), "the compile line lost the project's flags:\n%s", out);
	free(out);
	char *link[] = { "/usr/bin/make", "-n", "-B", "LDFLAGS=-Wl,-O1", "LDLIBS=-lm", "bin/inet-client", NULL };
	out = make_n(link);
	const char *l = strstr(out, "-o bin/inet-client");
	cr_expect(l && strstr(out, "-Wl,-O1") && strstr(out, "-lm") && strstr(out, "-lmnl"),
		  "the link line lost the project's libraries:\n%s", out);
	free(out);
	char *test[] = { "/usr/bin/make", "-n", "test", NULL };
	out = make_n(test);
	const char *deps = strstr(out, "dpkg-query"), *run = strstr(out, "run-tests");
	cr_expect(deps && run && deps < run, "make test does not install what is missing first:\n%s", out);
	free(out);
}

/* make test's runner runs under tests/tool_subreap.c: a process a test leaves
 * running is named, killed and makes the run fail, once the run has ended. */
Test(safety, a_process_left_running_by_the_tests_is_named_killed_and_fails_the_run, .timeout = 30)
{
	char *dir = h_tmpdir();
	char errf[300], pidf[300], cmd[700];
	snprintf(errf, sizeof errf, "%s/err", dir);
	snprintf(pidf, sizeof pidf, "%s/pid", dir);
	/* a test that passes (exit 0) and leaves a sleep behind it */
	snprintf(cmd, sizeof cmd, "sleep 67 & echo $! > %s; exit 0", pidf);
	char *argv[] = { "build/tests/tool_subreap", "--grace", "1", "--", "/bin/sh", "-c", cmd, NULL };
	char *out = NULL;
	int st = h_run(argv, NULL, 0, &out, errf);
	char *err = h_slurp(errf, NULL);
	char *pidtext = h_slurp(pidf, NULL);
	cr_assert(err && pidtext, "no stderr or pid file");
	cr_expect_eq(st, 1, "exit %d, not 1: %s", st, err);
	char want[64];
	snprintf(want, sizeof want, "pid %d: sleep 67; killed", atoi(pidtext));
	cr_expect(strstr(err, want), "stderr does not say '%s':\n%s", want, err);
	cr_expect(kill(atoi(pidtext), 0) < 0 && errno == ESRCH, "the sleep (pid %d) still runs", atoi(pidtext));
	/* and a run that leaves nothing keeps its own status */
	char *clean[] = { "build/tests/tool_subreap", "--", "/bin/sh", "-c", "sleep 0.1 & exit 3", NULL };
	char *out2 = NULL;
	cr_expect_eq(h_run(clean, NULL, 0, &out2, NULL), 3);
	free(out);
	free(out2);
	free(err);
	free(pidtext);
	h_tmpdir_free(dir);
}
