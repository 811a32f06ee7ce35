/*
 * What AF_INET6 and AF_UNIX add to the pair: dual stack and IPV6_V6ONLY, a
 * scoped link-local address, bad input refused before any socket, the
 * stale-socket rules, permissions, credentials and descriptor passing.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"

/* A scratch directory and files in it, for one test. */
struct fam_scratch {
	char *dir;
	char path[512];
};

static const char *fam_in(struct fam_scratch *t, const char *name)
{
	snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
	return t->path;
}

static char *fam_file(struct fam_scratch *t, const char *name)
{
	return strdup(fam_in(t, name));
}

/* Runs argv with stderr into a file; returns the exit status, stdout and stderr. */
static int fam_run(struct fam_scratch *t, char *const argv[], char **out, char **err)
{
	char *ef = fam_file(t, "stderr.txt");
	int st = h_run(argv, NULL, 0, out, ef);
	if (err)
		*err = h_slurp(ef, NULL);
	unlink(ef);
	free(ef);
	return st;
}

static int fam_count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A socket file that nobody accepts on: bound, then closed (the test's own socket). */
static void fam_make_stale_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0, "bind %s: %s", path, strerror(errno));
	close(fd);
}

/* ---- AF_INET6 ------------------------------------------------------------ */

Test(af_inet6, dual_stack_shows_an_ipv4_client_as_mapped)
{
	struct fam_scratch t = { .dir = h_tmpdir() };
	char *strace = fam_file(&t, "server.trace");
	char *sv_argv[] = { "bin/inet6-server", "-a", "::", "-p", "0", "-n", "1", "-o", strace, NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, sv_argv, NULL), 0);
	char port[16];
	snprintf(port, sizeof port, "%d", h_port_of(sv.first));
	char *cl_argv[] = { "bin/inet-client", "-q", "-p", port, "over v4", NULL };
	char *out;
	cr_assert_eq(fam_run(&t, cl_argv, &out, NULL), 0);
	cr_expect(strstr(out, "OVER V4\n"), "answer: %s", out);
	cr_assert_eq(h_wait(&sv, 10), 0);
	char *trace = h_slurp(strace, NULL);
	cr_expect(strstr(trace, ", SOL_IPV6, IPV6_V6ONLY, [0], [4]) = 0\n"), "%s", trace);
	cr_expect(strstr(trace, "inet_pton(AF_INET6, \"::ffff:127.0.0.1\", &sin6_addr)"), "%s", trace);
	free(trace);
	free(out);
	free(strace);
	h_tmpdir_free(t.dir);
}

Test(af_inet6, v6only_refuses_ipv4_and_serves_ipv6)
{
	struct fam_scratch t = { .dir = h_tmpdir() };
	char *strace = fam_file(&t, "server.trace");
	char *sv_argv[] = { "bin/inet6-server", "-a", "::", "--v6only", "-p", "0", "-n", "1", "-o", strace, NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, sv_argv, NULL), 0);
	char port[16];
	snprintf(port, sizeof port, "%d", h_port_of(sv.first));
	char *v4_argv[] = { "bin/inet-client", "-q", "-p", port, "x", NULL };
	char *err;
	cr_expect_eq(fam_run(&t, v4_argv, NULL, &err), 1);
	cr_expect(strstr(err, "(ECONNREFUSED)"), "%s", err);
	char *v6_argv[] = { "bin/inet6-client", "-q", "-p", port, "y", NULL };
	char *out;
	cr_expect_eq(fam_run(&t, v6_argv, &out, NULL), 0);
	cr_expect(strstr(out, "Y\n"), "%s", out);
	cr_assert_eq(h_wait(&sv, 10), 0);
	char *trace = h_slurp(strace, NULL);
	cr_expect(strstr(trace, ", SOL_IPV6, IPV6_V6ONLY, [1], 4) = 0\n"), "%s", trace);
	free(trace);
	free(out);
	free(err);
	free(strace);
	h_tmpdir_free(t.dir);
}

/* fe80::1 on lo in a network namespace of our own: the scope reaches the trace. */
Test(af_inet6, link_local_with_a_scope, .timeout = 20)
{
	if (geteuid() != 0 || access("/usr/bin/unshare", X_OK) != 0)
		cr_skip_test("needs root and unshare to make a network namespace");
	char *argv[] = { "/usr/bin/unshare", "-n", "/bin/sh", "-c",
		"ip link set lo up && ip addr add fe80::1/64 dev lo nodad || exit 77; "
		"bin/inet6-server -a fe80::1%lo -p 2345 -n 1 -q & "
		"i=0; until ss -tlnH | grep -q ':2345'; do i=$((i+1)); [ $i -gt 100 ] && exit 78; sleep 0.05; done; "
		"bin/inet6-client -a fe80::1%lo -p 2345 scoped 2>&1 && wait", NULL };
	char *out;
	int st = h_run(argv, NULL, 0, &out, NULL);
	if (st == 77)
		cr_skip_test("cannot make a network namespace here");
	cr_assert_eq(st, 0, "exit %d: %s", st, out);
	cr_expect(strstr(out, "sin6_scope_id=if_nametoindex(\"lo\")}, 28) = 0\n"), "%s", out);
	cr_expect(strstr(out, "SCOPED\n"), "%s", out);
	free(out);
}

/* ---- bad input: one line, exit 2, no socket ------------------------------- */

struct fam_bad {
	const char *argv[8];
	const char *says;
};

Test(families, bad_input_is_refused_before_any_socket)
{
	static char long_path[300];
	memset(long_path, 'p', 200);
	long_path[0] = '/';
	long_path[200] = '\0';
	static char long_abstract[300];
	memset(long_abstract, 'n', 120);
	long_abstract[0] = '@';
	long_abstract[120] = '\0';
	const struct fam_bad bad[] = {
		{ { "bin/inet6-client", "-a", "127.0.0.1" }, "is an IPv4 address" },
		{ { "bin/inet6-server", "-a", "127.0.0.1" }, "is an IPv4 address" },
		{ { "bin/inet-client", "-a", "::1" }, "is an IPv6 address" },
		{ { "bin/inet6-client", "-a", "fe80::1%nosuchif0" }, "no interface 'nosuchif0'" },
		{ { "bin/inet6-client", "-a", "fe80::1%99999" }, "no interface number 99999" },
		{ { "bin/inet6-client", "-a", "fe80::1%" }, "empty scope" },
		{ { "bin/inet6-client", "-a", "::1::2" }, "is not an IPv6 address" },
		{ { "bin/unix-client", "-a", long_path }, "is 200 bytes; sun_path holds at most 107" },
		{ { "bin/unix-server", "-a", long_path }, "is 200 bytes; sun_path holds at most 107" },
		{ { "bin/unix-server", "-a", long_abstract }, "is 119 bytes; sun_path holds 107" },
		{ { "bin/unix-server", "-a", "@" }, "an abstract name needs a character after the @" },
		{ { "bin/unix-server", "-k", "raw" }, "unknown socket kind 'raw': unix offers stream, dgram, seqpacket" },
		{ { "bin/unix-server", "-p", "2345" }, "option '-p' does not apply to unix-server" },
		{ { "bin/unix-server", "--mode", "0999" }, "invalid mode" },
		{ { "bin/unix-server", "-a", "@x", "--mode", "0600" }, "abstract name has no file" },
		{ { "bin/unix-client", "--send-fd", "/nonexistent/file" }, "cannot open" },
	};
	struct fam_scratch t = { .dir = h_tmpdir() };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[12];
		char *trace = fam_file(&t, "trace");
		int n = 0;
		for (; bad[i].argv[n]; n++)
			argv[n] = (char *)bad[i].argv[n];
		argv[n++] = "-o";
		argv[n++] = trace;
		argv[n] = NULL;
		char *err;
		int st = fam_run(&t, argv, NULL, &err);
		cr_expect_eq(st, 2, "%s %s: exit %d", argv[0], argv[2] ? argv[2] : "", st);
		cr_expect(strstr(err, bad[i].says), "%s: '%s' not in: %s", argv[0], bad[i].says, err);
		cr_expect_eq(fam_count_lines(err), 1, "%s: not one line: %s", argv[0], err);
		cr_expect(access(trace, F_OK) != 0, "%s: a trace was started", argv[0]);
		free(err);
		free(trace);
	}
	h_tmpdir_free(t.dir);
}

/* ---- AF_UNIX: reaching a server that is not there -------------------------- */

Test(af_unix, connect_errors_are_explained_in_one_line)
{
	struct fam_scratch t = { .dir = h_tmpdir() };
	char *missing = fam_file(&t, "missing.sock"), *stale = fam_file(&t, "stale.sock");
	fam_make_stale_socket(stale);
	const struct {
		const char *type, *path, *ename, *says;
	} cases[] = {
		{ "stream", missing, "(ENOENT)", "no socket file at that path" },
		{ "seqpacket", missing, "(ENOENT)", "no socket file at that path" },
		{ "dgram", missing, "(ENOENT)", "no socket file at that path" },
		{ "stream", stale, "(ECONNREFUSED)", "stale socket" },
		{ "dgram", stale, "(ECONNREFUSED)", "stale socket" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[] = { "bin/unix-client", "-q", "-k", (char *)cases[i].type, "-a", (char *)cases[i].path,
				 "hi", NULL };
		char *err;
		cr_expect_eq(fam_run(&t, argv, NULL, &err), 1, "%s %s", cases[i].type, cases[i].path);
		cr_expect(strstr(err, cases[i].ename) && strstr(err, cases[i].says), "%s: %s", cases[i].type, err);
		cr_expect_eq(fam_count_lines(err), 1, "%s", err);
		free(err);
	}
	/* the dgram client removed the name it bound */
	char *left = fam_file(&t, "");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls %s | grep -c unix-client", t.dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	cr_assert(fscanf(p, "%d", &n) == 1);
	pclose(p);
	cr_expect_eq(n, 0, "a client name was left behind in %s", t.dir);
	free(left);
	free(missing);
	free(stale);
	h_tmpdir_free(t.dir);
}

/* A socket file of mode 0600 (--mode) owned by root: another user gets EACCES. */
Test(af_unix, mode_is_set_before_listen_and_enforced)
{
	if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("needs root and setpriv to connect as another user");
	struct fam_scratch t = { .dir = h_tmpdir() };
	chmod(t.dir, 0755);
	char *path = fam_file(&t, "private.sock");
	char *sv_argv[] = { "bin/unix-server", "-q", "-a", path, "--mode", "0600", "-n", "1", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, sv_argv, NULL), 0);
	cr_expect(strstr(sv.head, "was made with mode 0600"), "%s", sv.head);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	char *nobody[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			   "bin/unix-client", "-q", "-a", path, "hi", NULL };
	char *err;
	cr_expect_eq(fam_run(&t, nobody, NULL, &err), 1);
	cr_expect(strstr(err, "(EACCES)") && strstr(err, "write permission"), "%s", err);
	cr_expect_eq(fam_count_lines(err), 1, "%s", err);
	char *root[] = { "bin/unix-client", "-q", "-a", path, "hi", NULL };
	cr_expect_eq(fam_run(&t, root, NULL, NULL), 0);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(err);
	free(path);
	h_tmpdir_free(t.dir);
}

/* ---- AF_UNIX: the socket file's life ---------------------------------------- */

Test(af_unix, stale_socket_is_probed_and_replaced)
{
	struct fam_scratch t = { .dir = h_tmpdir() };
	char *path = fam_file(&t, "s.sock"), *trace = fam_file(&t, "server.trace");
	fam_make_stale_socket(path);
	char *sv_argv[] = { "bin/unix-server", "-a", path, "-n", "1", "-o", trace, NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, sv_argv, NULL), 0);
	cr_expect(strstr(sv.head, "already a socket file"), "%s", sv.head);
	char *cl_argv[] = { "bin/unix-client", "-q", "-a", path, "after", NULL };
	char *out;
	cr_expect_eq(fam_run(&t, cl_argv, &out, NULL), 0);
	cr_expect(strstr(out, "AFTER\n"), "%s", out);
	cr_expect_eq(h_wait(&sv, 10), 0);
	char *tr = h_slurp(trace, NULL), want[700];
	snprintf(want, sizeof want, ", {sa_family=AF_UNIX, sun_path=\"%s\"}, %zu) = -1 ECONNREFUSED "
		 "(Connection refused)\nclose(", path, offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	cr_expect(strstr(tr, want), "no probe in:\n%s", tr);
	cr_expect(access(path, F_OK) != 0, "the server left its socket file");
	free(tr);
	free(out);
	free(trace);
	free(path);
	h_tmpdir_free(t.dir);
}

Test(af_unix, a_regular_file_at_the_path_survives_untouched)
{
	struct fam_scratch t = { .dir = h_tmpdir() };
	char *path = fam_file(&t, "notes.txt");
	FILE *f = fopen(path, "w");
	fputs("do not delete me\n", f);
	fclose(f);
	chmod(path, 0640);
	struct stat before, after;
	stat(path, &before);
	char *argv[] = { "bin/unix-server", "-q", "-a", path, "-n", "1", NULL };
	char *err;
	cr_expect_eq(fam_run(&t, argv, NULL, &err), 1);
	cr_expect(strstr(err, "is not a socket"), "%s", err);
	cr_assert_eq(stat(path, &after), 0, "the file is gone");
	cr_expect_eq(before.st_ino, after.st_ino);
	cr_expect_eq(after.st_mode & 0777, 0640);
	char *content = h_slurp(path, NULL);
	cr_expect_str_eq(content, "do not delete me\n");
	free(content);
	free(err);
	free(path);
	h_tmpdir_free(t.dir);
}

/* A live server keeps its socket; stopped with SIGINT (Ctrl-C) it removes it. */
Test(af_unix, a_live_server_is_never_replaced_and_cleans_up_on_ctrl_c)
{
	struct fam_scratch t = { .dir = h_tmpdir() };
	char *path = fam_file(&t, "live.sock");
	for (int k = 0; k < 3; k++) {
		static const char *types[] = { "stream", "dgram", "seqpacket" };
		char *a_argv[] = { "bin/unix-server", "-q", "-k", (char *)types[k], "-a", path, NULL };
		struct h_proc a;
		cr_assert_eq(h_start_server(&a, a_argv, NULL), 0);
		char *err;
		cr_expect_eq(fam_run(&t, a_argv, NULL, &err), 1, "%s: a second server started", types[k]);
		cr_expect(strstr(err, "a live server is using"), "%s: %s", types[k], err);
		free(err);
		cr_expect_eq(access(path, F_OK), 0, "%s: the live server's socket was removed", types[k]);
		char *cl_argv[] = { "bin/unix-client", "-q", "-k", (char *)types[k], "-a", path, "still here", NULL };
		char *out;
		cr_expect_eq(fam_run(&t, cl_argv, &out, NULL), 0, "%s", types[k]);
		cr_expect(strstr(out, "STILL HERE\n"), "%s: %s", types[k], out);
		free(out);
		kill(a.pid, SIGINT);
		cr_expect_eq(h_wait(&a, 10), 0, "%s: the server did not stop cleanly on SIGINT", types[k]);
		cr_expect(access(path, F_OK) != 0, "%s: the socket file is left after SIGINT", types[k]);
	}
	free(path);
	h_tmpdir_free(t.dir);
}

/* ---- AF_UNIX: credentials and descriptors ---------------------------------- */

/* The pid in "... pid N, uid ..." after `marker`, or -1. */
static long fam_pid_after(const char *text, const char *marker)
{
	const char *p = strstr(text, marker);
	if (!p || !(p = strstr(p, "pid ")))
		return -1;
	return strtol(p + 4, NULL, 10);
}

Test(af_unix, scm_rights_so_peercred_and_scm_credentials, .timeout = 30)
{
	static const char *types[] = { "stream", "seqpacket", "dgram" };
	for (int k = 0; k < 3; k++) {
		struct fam_scratch t = { .dir = h_tmpdir() };
		char *path = fam_file(&t, "s.sock"), *file = fam_file(&t, "passed.txt");
		char *strace_sv = fam_file(&t, "server.trace"), *strace_cl = fam_file(&t, "client.trace");
		FILE *f = fopen(file, "w");
		fputs("the contents of passed.txt\n", f);
		fclose(f);
		char *sv_argv[] = { "bin/unix-server", "-k", (char *)types[k], "-a", path, "--passcred", "-n", "1",
				    "-o", strace_sv, NULL };
		struct h_proc sv;
		cr_assert_eq(h_start_server(&sv, sv_argv, NULL), 0);
		char *cl_argv[] = { "bin/unix-client", "-k", (char *)types[k], "-a", path, "--send-fd", file, "--cred",
				    "-o", strace_cl, "with a descriptor", NULL };
		char *out;
		cr_expect_eq(fam_run(&t, cl_argv, &out, NULL), 0, "%s", types[k]);
		cr_expect(strstr(out, "WITH A DESCRIPTOR\n"), "%s: %s", types[k], out);
		char *svout = h_drain(&sv);
		cr_expect_eq(h_wait(&sv, 10), 0);
		char *ctr = h_slurp(strace_cl, NULL), *str = h_slurp(strace_sv, NULL);
		cr_expect(strstr(svout, "read 27 bytes from it: the contents of passed.txt\n"), "%s: %s", types[k], svout);
		const char *c = strstr(ctr, "SCM_CREDENTIALS, cmsg_data={pid=");
		long client_pid = c ? strtol(c + strlen("SCM_CREDENTIALS, cmsg_data={pid="), NULL, 10) : -2;
		cr_expect_eq(fam_pid_after(svout, "the kernel vouches"), client_pid, "%s: %s", types[k], svout);
		if (k < 2)
			cr_expect_eq(fam_pid_after(svout, "the peer is"), client_pid, "%s: %s", types[k], svout);
		free(svout);
		cr_expect(strstr(ctr, "cmsg_type=SCM_RIGHTS, cmsg_data=["), "%s: client trace:\n%s", types[k], ctr);
		cr_expect(strstr(ctr, "cmsg_type=SCM_CREDENTIALS, cmsg_data={pid="), "%s", ctr);
		cr_expect(strstr(str, "cmsg_type=SCM_RIGHTS, cmsg_data=["), "%s: server trace:\n%s", types[k], str);
		cr_expect(strstr(str, "cmsg_type=SCM_CREDENTIALS, cmsg_data={pid="), "%s", str);
		if (k < 2)
			cr_expect(strstr(str, ", SOL_SOCKET, SO_PEERCRED, {pid="), "%s", str);
		free(ctr);
		free(str);
		free(out);
		free(path);
		free(file);
		free(strace_sv);
		free(strace_cl);
		h_tmpdir_free(t.dir);
	}
}
