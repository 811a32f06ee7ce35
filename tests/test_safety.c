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
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
			 "inject=bind:delay_exit=1000000", "bin/unix-server", "-q", "-a", sock, "--mode", "0600", "-n", "1",
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
