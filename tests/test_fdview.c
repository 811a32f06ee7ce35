/*
 * What a descriptor is: --fds (the program's own /proc walk) shows the inode
 * /proc shows and the address the kernel gave; -y/-yy read /proc only when
 * asked; an unreadable /proc gives bare numbers and one warning; the options
 * on the command line. (-y/-yy against strace line by line: test_pair.c,
 * test_models.c, test_netlink.c.)
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* Reads p's stdout until `needle` has come (after what was read before, in
 * *acc), for up to `ms`; 1 when it came. */
static int read_until(struct h_proc *p, char **acc, size_t *len, const char *needle, int ms)
{
	for (int waited = 0; waited < ms; waited += 50) {
		if (*acc && strstr(*acc, needle))
			return 1;
		struct pollfd pfd = { p->out, POLLIN, 0 };
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		char buf[4096];
		ssize_t r = read(p->out, buf, sizeof buf);
		if (r <= 0)
			break;
		*acc = realloc(*acc, *len + (size_t)r + 1);
		memcpy(*acc + *len, buf, (size_t)r);
		*len += (size_t)r;
		(*acc)[*len] = '\0';
	}
	return *acc && strstr(*acc, needle);
}

/* The target of /proc/PID/fd/FD. */
static void fd_link(pid_t pid, int fd, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * A server with --fds and one client connected: on SIGUSR1 it lists its
 * listening socket and the connection with the inodes /proc/PID/fd shows,
 * their /proc/net/tcp lines and the port the kernel gave, decoded; at exit
 * (Ctrl-C) no socket is left in the table.
 */
Test(fdview, fds_shows_the_inode_and_the_address, .timeout = 30)
{
	char *argv[] = { "bin/inet-server", "-q", "-p", "0", "--fds", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, argv, NULL), 0);
	int port = h_port_of(sv.first);
	cr_assert_gt(port, 0);
	int c = h_connect_stream(AF_INET, NULL, port);
	cr_assert_geq(c, 0, "connect: %s", strerror(errno));
	char *out = NULL;
	size_t len = 0;
	cr_assert(read_until(&sv, &out, &len, "connection from", 5000), "no connection line: %s", out ? out : "");
	kill(sv.pid, SIGUSR1);
	cr_assert(read_until(&sv, &out, &len, "LISTEN\n", 5000) && read_until(&sv, &out, &len, "ESTABLISHED\n", 5000),
		  "no table on SIGUSR1:\n%s", out ? out : "");
	char want[256];
	snprintf(want, sizeof want, "descriptors on SIGUSR1 (ls -l /proc/%d/fd):", (int)sv.pid);
	cr_expect(strstr(out, want), "%s not in:\n%s", want, out);
	/* every socket /proc/PID/fd shows, with its inode, and no other */
	int sockets = 0;
	for (int fd = 0; fd < 256; fd++) {
		char link[128];
		fd_link(sv.pid, fd, link, sizeof link);
		if (strncmp(link, "socket:[", 8))
			continue;
		sockets++;
		snprintf(want, sizeof want, "\n  %d -> %s\n", fd, link);
		cr_expect(strstr(out, want), "fd %d (%s) not in:\n%s", fd, link, out);
	}
	cr_expect_eq(sockets, 2, "the server has %d sockets", sockets);
	int listed = 0;
	for (const char *q = out; (q = strstr(q, " -> socket:[")); q++)
		listed++;
	cr_expect_eq(listed, 2, "%d sockets in the table:\n%s", listed, out);
	cr_expect(strstr(out, "AF_INET SOCK_STREAM (the kernel's TCP); its line in /proc/net/tcp:"), "%s", out);
	/* the /proc/net/tcp line itself: the port in hex, the inode */
	snprintf(want, sizeof want, "0100007F:%04X 00000000:0000 0A ", (unsigned)port);
	cr_expect(strstr(out, want), "%s not in:\n%s", want, out);
	snprintf(want, sizeof want, "= 127.0.0.1 port %d, rem_address 00000000:0000 = 0.0.0.0 port 0, st 0A = LISTEN",
		 port);
	cr_expect(strstr(out, want), "%s not in:\n%s", want, out);
	/* the connection: our own socket's port, as getsockname says */
	struct sockaddr_in me;
	socklen_t ml = sizeof me;
	cr_assert_eq(getsockname(c, (struct sockaddr *)&me, &ml), 0);
	snprintf(want, sizeof want, "= 127.0.0.1 port %d, st 01 = ESTABLISHED", ntohs(me.sin_port));
	cr_expect(strstr(out, want), "%s not in:\n%s", want, out);
	close(c);
	cr_assert(read_until(&sv, &out, &len, "closing ours", 5000));
	kill(sv.pid, SIGINT);
	cr_expect(read_until(&sv, &out, &len, "descriptors at exit", 5000), "%s", out);
	cr_expect_eq(h_wait(&sv, 10), 0);
	const char *at_exit = strstr(out, "descriptors at exit");
	cr_expect(at_exit && !strstr(at_exit, "socket:["), "a socket left at exit:\n%s", at_exit ? at_exit : out);
	free(out);
}

/* A UNIX server's table: the path and the state, from /proc/net/unix. */
Test(fdview, fds_on_unix_shows_the_path, .timeout = 30)
{
	char *dir = h_tmpdir(), path[300];
	snprintf(path, sizeof path, "%s/s.sock", dir);
	char *argv[] = { "bin/unix-server", "-q", "-a", path, "--fds", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, argv, NULL), 0);
	char *out = NULL;
	size_t len = 0;
	kill(sv.pid, SIGUSR1);
	cr_assert(read_until(&sv, &out, &len, path, 5000), "%s", out ? out : "");
	cr_expect(read_until(&sv, &out, &len, "= listening (__SO_ACCEPTCON)", 5000), "%s", out);
	cr_expect(strstr(out, "AF_UNIX SOCK_STREAM (the kernel's UNIX-STREAM); its line in /proc/net/unix:"), "%s", out);
	cr_expect(strstr(out, "Type 0001 = SOCK_STREAM, St 01 = SS_UNCONNECTED"), "%s", out);
	kill(sv.pid, SIGINT);
	cr_expect_eq(h_wait(&sv, 10), 0);
	free(out);
	h_tmpdir_free(dir);
}

/* An inet server for one client, quiet; its port as -p takes it. */
static void one_client_server(struct h_proc *sv, char port[16])
{
	char *sargv[] = { "bin/inet-server", "-q", "-p", "0", "-n", "1", NULL };
	cr_assert_eq(h_start_server(sv, sargv, NULL), 0);
	snprintf(port, 16, "%d", h_port_of(sv->first));
}

/* The file calls of a client run (and its server's) under strace. */
static char *file_calls(const char *topt)
{
	char *dir = h_tmpdir(), st[300];
	snprintf(st, sizeof st, "%s/st", dir);
	struct h_proc sv;
	char port[16];
	one_client_server(&sv, port);
	char *cargv[] = { "/usr/bin/strace", "-f", "-o", st, "-e",
			  "trace=open,openat,readlink,readlinkat,getxattr,fgetxattr,lgetxattr,newfstatat,stat",
			  "bin/inet-client", "-o", "/dev/null", "-p", port, "hello", (char *)topt, NULL };
	cr_assert_eq(h_run(cargv, NULL, 0, NULL, NULL), 0);
	cr_expect_eq(h_wait(&sv, 10), 0);
	char *calls = h_slurp(st, NULL);
	cr_assert(calls);
	h_tmpdir_free(dir);
	return calls;
}

/* No option, nothing read: not /proc, not a socket's protocol name. With
 * -yy, /proc/self/fd and /proc/self/net/tcp are read (so this test can fail). */
Test(fdview, no_proc_read_without_the_options, .timeout = 30)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	char *plain = file_calls(NULL);
	cr_expect(!strstr(plain, "/proc/"), "/proc read without -y:\n%s", plain);
	cr_expect(!strstr(plain, "sockprotoname"), "protocol asked without -y:\n%s", plain);
	char *yy = file_calls("-yy");
	cr_expect(strstr(yy, "\"/proc/self/fd/"), "-yy did not read /proc/self/fd:\n%s", yy);
	cr_expect(strstr(yy, "\"/proc/self/net/tcp\""), "-yy did not read /proc/self/net/tcp:\n%s", yy);
	cr_expect(strstr(yy, "system.sockprotoname"), "%s", yy);
	free(plain);
	free(yy);
}

/*
 * A /proc that cannot be read (an empty one mounted over it, in a mount
 * namespace of the run's own): the trace shows bare numbers, one warning says
 * why, and the run succeeds.
 */
Test(fdview, unreadable_proc_gives_bare_numbers_and_one_warning, .timeout = 30)
{
	if (geteuid() != 0)
		cr_skip_test("needs root for a mount namespace (unshare -m)");
	if (system("unshare -m true 2>/dev/null") != 0)
		cr_skip_test("unshare -m is not allowed here");
	char *dir = h_tmpdir(), err[300];
	snprintf(err, sizeof err, "%s/err", dir);
	struct h_proc sv;
	char port[16];
	one_client_server(&sv, port);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mount -t tmpfs none /proc && exec bin/inet-client -yy -p %s hello", port);
	char *argv[] = { "/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", cmd, NULL };
	char *out = NULL;
	int st = h_run(argv, NULL, 0, &out, err);
	cr_expect_eq(st, 0, "exit %d", st);
	cr_expect_eq(h_wait(&sv, 10), 0);
	char *e = h_slurp(err, NULL);
	cr_assert(e);
	int warnings = 0;
	for (const char *p = e; (p = strstr(p, "warning:")); p++)
		warnings++;
	cr_expect_eq(warnings, 1, "%d warnings:\n%s", warnings, e);
	cr_expect(strstr(e, "inet-client: warning: cannot read /proc/self/fd"), "%s", e);
	cr_expect(strstr(e, "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3\n"), "not a bare number:\n%s", e);
	cr_expect(strstr(e, "\nclose(3)"), "%s", e);
	cr_expect(!strchr(e, '<'), "a decoration without /proc:\n%s", e);
	free(e);
	free(out);
	h_tmpdir_free(dir);
}

/* -yyy is -yy (strace takes it so); -y with -q has nothing to decorate. */
Test(fdview, options_as_strace_takes_them, .timeout = 30)
{
	struct h_proc sv;
	char port[16];
	one_client_server(&sv, port);
	char *dir = h_tmpdir(), err[300];
	snprintf(err, sizeof err, "%s/err", dir);
	char *argv[] = { "bin/inet-client", "-yyy", "-p", port, "hello", NULL };
	cr_expect_eq(h_run(argv, NULL, 0, NULL, err), 0);
	cr_expect_eq(h_wait(&sv, 10), 0);
	char *e = h_slurp(err, NULL);
	cr_assert(e);
	cr_expect(strstr(e, "connect(3<TCP:["), "-yyy is not -yy:\n%s", e);
	cr_expect(strstr(e, "getsockname(3<TCP:[127.0.0.1:"), "-yyy is not -yy:\n%s", e);
	free(e);
	h_tmpdir_free(dir);
	static const char *const bad[][4] = {
		{ "bin/inet-client", "-q", "-y", NULL },
		{ "bin/unix-server", "-yy", "-q", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *why = h_refused((char *const *)bad[i], "-q turns the trace off, so -y has nothing to do");
		cr_expect_null(why, "%s", why);
		free(why);
	}
	/* every program takes both, and says so */
	static const char *const progs[] = { "bin/inet-server", "bin/inet-client", "bin/inet6-server", "bin/inet6-client",
					     "bin/unix-server", "bin/unix-client", "bin/netlink-query",
					     "bin/netlink-monitor" };
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		char *hargv[] = { (char *)progs[i], "--help", NULL };
		char *help = NULL;
		cr_expect_eq(h_run(hargv, NULL, 0, &help, NULL), 0);
		cr_expect(help && strstr(help, "  -y, -yy ") && strstr(help, "  --fds "), "%s: --help:\n%s", progs[i], help);
		free(help);
	}
}
