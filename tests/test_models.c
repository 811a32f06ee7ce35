/*
 * The server models, table-driven over model x family x socket type: 500
 * clients at once answered byte for byte, the server's descriptors and
 * processes back where they were, no zombie; a silent client delays nobody
 * and --idle drops it; out of descriptors, the server recovers; SIGTERM
 * mid-load ends it cleanly; its trace equals strace -f's; a 1 MiB message
 * round-trips on every stream family; bad model options exit 2 before any
 * socket exists.
 *
 * The load clients here are plain sockets (the test's own, not the
 * suite's): one process, non-blocking, poll, bounded in count and time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- what is tested on ---------------------------------------------------------- */

enum naming { N_PORT, N_PATH, N_ABSTRACT };

struct kind {
	const char *name;
	const char *server;
	const char *opt1, *opt2;   /* the kind option, e.g. "-k" "seqpacket"; NULL */
	int domain, type;
	enum naming naming;
};

static const struct kind kinds[] = {
	{ "inet/tcp", "bin/inet-server", NULL, NULL, AF_INET, SOCK_STREAM, N_PORT },
	{ "inet6/tcp", "bin/inet6-server", NULL, NULL, AF_INET6, SOCK_STREAM, N_PORT },
	{ "unix/stream", "bin/unix-server", "-k", "stream", AF_UNIX, SOCK_STREAM, N_PATH },
	{ "unix/seqpacket@", "bin/unix-server", "-k", "seqpacket", AF_UNIX, SOCK_SEQPACKET, N_ABSTRACT },
	{ "inet/udp", "bin/inet-server", "-u", NULL, AF_INET, SOCK_DGRAM, N_PORT },
	{ "inet6/udp", "bin/inet6-server", "-u", NULL, AF_INET6, SOCK_DGRAM, N_PORT },
	{ "unix/dgram", "bin/unix-server", "-k", "dgram", AF_UNIX, SOCK_DGRAM, N_PATH },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct model {
	const char *arg;   /* --model ARG */
	int dgram;         /* serves datagrams too */
};

static const struct model models[] = {
	{ "iterative", 1 }, { "fork", 1 }, { "thread", 1 }, { "prefork=4", 0 },
	{ "prethread=4", 0 }, { "select", 1 }, { "poll", 1 }, { "epoll", 1 },
};
#define NMODELS (sizeof models / sizeof models[0])

/* ---- a running server ---------------------------------------------------------------- */

struct server {
	struct h_proc p;
	const struct kind *k;
	char *dir;
	char addr[200];       /* a UNIX path or @name */
	int port;
	char errfile[300];
	struct sockaddr_storage ss;
	socklen_t sslen;
};

static void build_sockaddr(struct server *sv)
{
	memset(&sv->ss, 0, sizeof sv->ss);
	if (sv->k->domain == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&sv->ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)sv->port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sv->sslen = sizeof *in;
	} else if (sv->k->domain == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sv->ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)sv->port);
		in6->sin6_addr = in6addr_loopback;
		sv->sslen = sizeof *in6;
	} else {
		struct sockaddr_un *un = (struct sockaddr_un *)&sv->ss;
		un->sun_family = AF_UNIX;
		size_t n = strlen(sv->addr);
		memcpy(un->sun_path, sv->addr, n);
		if (sv->addr[0] == '@')
			un->sun_path[0] = '\0';
		sv->sslen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (sv->addr[0] != '@'));
	}
}

/*
 * Starts k's server with --model `model` and the extra words (NULL-ended),
 * -q --no-log unless `extra` says otherwise. `shell_prefix` (may be NULL)
 * runs it under /bin/sh -c "PREFIX exec ..." (for ulimit).
 */
static void start(struct server *sv, const struct kind *k, const char *model, const char *const *extra,
		  const char *shell_prefix, const char *const *wrap)
{
	static int seq;
	memset(sv, 0, sizeof *sv);
	sv->k = k;
	sv->dir = h_tmpdir();
	cr_assert(sv->dir);
	snprintf(sv->errfile, sizeof sv->errfile, "%s/server.err", sv->dir);
	char *argv[64];
	int n = 0;
	for (int i = 0; wrap && wrap[i]; i++)
		argv[n++] = (char *)wrap[i];
	argv[n++] = (char *)k->server;
	if (k->opt1)
		argv[n++] = (char *)k->opt1;
	if (k->opt2)
		argv[n++] = (char *)k->opt2;
	if (k->naming == N_PORT) {
		argv[n++] = "-p";
		argv[n++] = "0";
	} else {
		if (k->naming == N_PATH)
			snprintf(sv->addr, sizeof sv->addr, "%s/s.sock", sv->dir);
		else
			snprintf(sv->addr, sizeof sv->addr, "@sockfam-models-%d-%d", (int)getpid(), seq++);
		argv[n++] = "-a";
		argv[n++] = sv->addr;
	}
	if (model) {
		argv[n++] = "--model";
		argv[n++] = (char *)model;
	}
	for (int i = 0; extra && extra[i]; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	if (shell_prefix) {
		static char cmd[2048];
		int len = snprintf(cmd, sizeof cmd, "%s exec", shell_prefix);
		for (int i = 0; i < n; i++)
			len += snprintf(cmd + len, sizeof cmd - (size_t)len, " '%s'", argv[i]);
		char *sh[] = { "/bin/sh", "-c", cmd, NULL };
		cr_assert_eq(h_start_server(&sv->p, sh, sv->errfile), 0, "%s --model %s did not start", k->name,
			     model);
	} else {
		cr_assert_eq(h_start_server(&sv->p, argv, sv->errfile), 0, "%s --model %s did not start", k->name,
			     model ? model : "(default)");
	}
	if (k->naming == N_PORT) {
		sv->port = h_port_of(sv->p.first);
		cr_assert_gt(sv->port, 0, "no port in '%s'", sv->p.first);
	}
	build_sockaddr(sv);
}

static void finish(struct server *sv)
{
	if (sv->p.pid > 0) {
		kill(sv->p.pid, SIGKILL);
		h_wait(&sv->p, 5);
	}
	h_tmpdir_free(sv->dir);
	sv->dir = NULL;
}

static char *server_err(struct server *sv)
{
	char *e = h_slurp(sv->errfile, NULL);
	return e ? e : strdup("");
}

/* ---- /proc ---------------------------------------------------------------------------- */

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int fd_count(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	return count_dir(path);
}

static int task_count(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	return count_dir(path);
}

static int alive(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t r = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[r] = '\0';
	char *rp = strrchr(buf, ')');
	return rp && rp[2] != 'Z' && rp[2] != 'X';
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* ---- clients ------------------------------------------------------------------------ */

#define MSG 64

struct client {
	int fd;
	int state;          /* 0 connecting, 1 reading, 2 done, 3 failed */
	char msg[MSG];
	char got[MSG * 2];
	size_t ngot;
};

static void make_msg(char *m, int i)
{
	int n = snprintf(m, MSG, "client %05d of the load test, lower case abcdefghijklmnopq", i);
	memset(m + n, 'x', MSG - 1 - (size_t)n);
	m[MSG - 1] = '\n';
}

static int answer_ok(const struct client *c)
{
	if (c->ngot != MSG)
		return 0;
	for (size_t i = 0; i < MSG; i++)
		if (c->got[i] != toupper((unsigned char)c->msg[i]))
			return 0;
	return 1;
}

static int connect_nb(const struct server *sv)
{
	int fd = socket(sv->k->domain, sv->k->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&sv->ss, sv->sslen) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * n connection-oriented clients at once: each connects, sends its 64-byte
 * message, shuts down its sending side and reads the answer to the end.
 * Returns how many got their own message back upper-cased, byte for byte.
 * `why` (128 bytes) gets the first failure.
 */
static int load_conn(const struct server *sv, int n, int timeout_ms, char *why)
{
	struct client *c = calloc((size_t)n, sizeof *c);
	struct pollfd *p = calloc((size_t)n, sizeof *p);
	cr_assert(c && p);
	for (int i = 0; i < n; i++) {
		make_msg(c[i].msg, i);
		c[i].fd = connect_nb(sv);
		if (c[i].fd < 0) {
			snprintf(why, 128, "client %d: connect: %s", i, strerror(errno));
			c[i].state = 3;
		}
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int left = n;
	for (int i = 0; i < n; i++)
		left -= c[i].state == 3;
	while (left > 0 && ms_since(&t0) < timeout_ms) {
		for (int i = 0; i < n; i++) {
			p[i].fd = c[i].state < 2 ? c[i].fd : -1;
			p[i].events = c[i].state == 0 ? POLLOUT : POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, (nfds_t)n, 200) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			struct client *k = &c[i];
			if (!p[i].revents)
				continue;
			if (k->state == 0) {
				int err = 0;
				socklen_t l = sizeof err;
				getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &l);
				ssize_t w = err ? -1 : send(k->fd, k->msg, MSG, MSG_NOSIGNAL);
				if (w != MSG || shutdown(k->fd, SHUT_WR) < 0) {
					if (!why[0])
						snprintf(why, 128, "client %d: send: %s", i, strerror(err ? err : errno));
					k->state = 3;
					left--;
					continue;
				}
				k->state = 1;
				continue;
			}
			ssize_t r = recv(k->fd, k->got + k->ngot, sizeof k->got - k->ngot, 0);
			if (r > 0) {
				k->ngot += (size_t)r;
				if (k->ngot < sizeof k->got)
					continue;
			}
			if (r < 0 && errno == EAGAIN)
				continue;
			k->state = r == 0 && answer_ok(k) ? 2 : 3;
			if (k->state == 3 && !why[0])
				snprintf(why, 128, "client %d: answer of %zu bytes%s%s", i, k->ngot,
					 r < 0 ? ": " : "", r < 0 ? strerror(errno) : " is not its message upper-cased");
			left--;
		}
	}
	int ok = 0;
	for (int i = 0; i < n; i++) {
		ok += c[i].state == 2;
		if (c[i].state < 2 && !why[0])
			snprintf(why, 128, "client %d: no answer in %d ms", i, timeout_ms);
		if (c[i].fd >= 0)
			close(c[i].fd);
	}
	free(c);
	free(p);
	return ok;
}

/* n datagram clients, at most 50 waiting for an answer at a time. */
static int load_dgram(const struct server *sv, int n, int timeout_ms, char *why)
{
	struct client *c = calloc((size_t)n, sizeof *c);
	struct pollfd *p = calloc((size_t)n, sizeof *p);
	cr_assert(c && p);
	int next = 0, inflight = 0, ok = 0, done = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++)
		c[i].fd = -1;
	while (done < n && ms_since(&t0) < timeout_ms) {
		/* a UNIX datagram socket queues only net.unix.max_dgram_qlen (10) */
		int window = sv->k->domain == AF_UNIX ? 8 : 50;
		while (inflight < window && next < n) {
			struct client *k = &c[next];
			make_msg(k->msg, next);
			k->fd = socket(sv->k->domain, sv->k->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (sv->k->domain == AF_UNIX && k->fd >= 0) {
				/* autobind: an abstract name the server can answer */
				sa_family_t fam = AF_UNIX;
				bind(k->fd, (struct sockaddr *)&fam, sizeof fam);
			}
			if (k->fd < 0 || sendto(k->fd, k->msg, MSG, 0, (const struct sockaddr *)&sv->ss, sv->sslen) != MSG) {
				if (!why[0])
					snprintf(why, 128, "datagram %d: %s", next, strerror(errno));
				k->state = 3;
				done++;
			} else {
				k->state = 1;
				inflight++;
			}
			next++;
		}
		int np = 0;
		int idx[64];
		for (int i = 0; i < next && np < 64; i++)
			if (c[i].state == 1) {
				p[np] = (struct pollfd){ c[i].fd, POLLIN, 0 };
				idx[np++] = i;
			}
		if (!np || poll(p, (nfds_t)np, 200) <= 0)
			continue;
		for (int j = 0; j < np; j++) {
			if (!p[j].revents)
				continue;
			struct client *k = &c[idx[j]];
			ssize_t r = recv(k->fd, k->got, sizeof k->got, 0);
			if (r < 0 && errno == EAGAIN)
				continue;
			k->ngot = r > 0 ? (size_t)r : 0;
			k->state = answer_ok(k) ? 2 : 3;
			if (k->state == 3 && !why[0])
				snprintf(why, 128, "datagram %d: answer of %zd bytes", idx[j], r);
			ok += k->state == 2;
			close(k->fd);
			k->fd = -1;
			inflight--;
			done++;
		}
	}
	for (int i = 0; i < n; i++) {
		if (c[i].fd >= 0)
			close(c[i].fd);
		if (c[i].state == 1 && !why[0])
			snprintf(why, 128, "datagram %d: no answer in %d ms", i, timeout_ms);
	}
	free(c);
	free(p);
	return ok;
}

static int load(const struct server *sv, int n, int timeout_ms, char *why)
{
	why[0] = '\0';
	return sv->k->type == SOCK_DGRAM ? load_dgram(sv, n, timeout_ms, why) : load_conn(sv, n, timeout_ms, why);
}

/* ---- 500 clients ---------------------------------------------------------------------- */

/* Waits up to 3 s for fn(pid) to come back to `want` (<= want when at_most). */
static int settle(int (*fn)(pid_t), pid_t pid, int want, int at_most)
{
	int v = -1;
	for (int i = 0; i < 300; i++) {
		v = fn(pid);
		if (at_most ? v <= want : v == want)
			return v;
		usleep(10000);
	}
	return v;
}

static void load500(const struct model *m)
{
	for (size_t i = 0; i < NKINDS; i++) {
		const struct kind *k = &kinds[i];
		if (k->type == SOCK_DGRAM && !m->dgram)
			continue;
		struct server sv;
		const char *extra[] = { "-q", "--no-log", NULL };
		start(&sv, k, m->arg, extra, NULL, NULL);
		usleep(100000);   /* a pool is up */
		int fds0 = fd_count(sv.p.pid), tasks0 = task_count(sv.p.pid);
		int z, kids0;
		pid_t kk[1];
		kids0 = h_children(sv.p.pid, &z, kk, 0);
		char why[128];
		int ok = load(&sv, 500, 20000, why);
		cr_expect_eq(ok, 500, "%s --model %s: %d of 500 clients answered in full (%s)", k->name, m->arg, ok,
			     why);
		int fds1 = settle(fd_count, sv.p.pid, fds0, 0);
		cr_expect_eq(fds1, fds0, "%s --model %s: %d descriptors before, %d after", k->name, m->arg, fds0,
			     fds1);
		int z1 = settle(h_zombies_of, sv.p.pid, 0, 0);
		cr_expect_eq(z1, 0, "%s --model %s: %d zombies", k->name, m->arg, z1);
		int kids1 = kids0;
		for (int w = 0; w < 300; w++) {   /* the last children may still be ending */
			kids1 = h_children(sv.p.pid, &z, kk, 0);
			if (kids1 == kids0)
				break;
			usleep(10000);
		}
		cr_expect_eq(kids1, kids0, "%s --model %s: %d children before, %d after", k->name, m->arg, kids0,
			     kids1);
		int tasks1 = settle(task_count, sv.p.pid, tasks0, 1);
		cr_expect_leq(tasks1, tasks0, "%s --model %s: %d threads before, %d after", k->name, m->arg, tasks0,
			      tasks1);
		kill(sv.p.pid, SIGTERM);
		cr_expect_eq(h_wait(&sv.p, 10), 0, "%s --model %s: exit status after SIGTERM", k->name, m->arg);
		sv.p.pid = 0;
		char *err = server_err(&sv);
		cr_expect_str_empty(err, "%s --model %s said on stderr: %s", k->name, m->arg, err);
		free(err);
		finish(&sv);
	}
}

Test(models, load500_iterative, .timeout = 120) { load500(&models[0]); }
Test(models, load500_fork, .timeout = 120) { load500(&models[1]); }
Test(models, load500_thread, .timeout = 120) { load500(&models[2]); }
Test(models, load500_prefork, .timeout = 120) { load500(&models[3]); }
Test(models, load500_prethread, .timeout = 120) { load500(&models[4]); }
Test(models, load500_select, .timeout = 120) { load500(&models[5]); }
Test(models, load500_poll, .timeout = 120) { load500(&models[6]); }
Test(models, load500_epoll, .timeout = 120) { load500(&models[7]); }

/* ---- a silent client ------------------------------------------------------------------ */

/* Under every model but iterative, one client that connects and says nothing
 * delays nobody; with --idle 1 it is dropped and the log says so. */
Test(models, silent_client_delays_nobody_and_idle_drops_it, .timeout = 120)
{
	static const struct kind *const on[] = { &kinds[0], &kinds[2], &kinds[3] };
	for (size_t mi = 1; mi < NMODELS; mi++) {
		for (size_t ki = 0; ki < sizeof on / sizeof on[0]; ki++) {
			const struct kind *k = on[ki];
			struct server sv;
			const char *extra[] = { "-q", "--idle", "1", NULL };
			start(&sv, k, models[mi].arg, extra, NULL, NULL);
			/* from before the connection exists: the server's second can
			 * only start after it */
			struct timespec t0;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			int silent = connect_nb(&sv);
			cr_assert_geq(silent, 0);
			usleep(50000);
			char why[128];
			int ok = load(&sv, 10, 900, why);
			cr_expect_eq(ok, 10, "%s --model %s: %d of 10 answered beside a silent client (%s)",
				     k->name, models[mi].arg, ok, why);
			/* the silent one is dropped after about a second */
			struct pollfd p = { silent, POLLIN, 0 };
			int r = poll(&p, 1, 4000);
			char b[8];
			ssize_t got = r == 1 ? recv(silent, b, sizeof b, 0) : -2;
			cr_expect(got == 0 || (got < 0 && errno == ECONNRESET),
				  "%s --model %s: the silent client was not dropped (%zd)", k->name, models[mi].arg, got);
			long ms = ms_since(&t0);
			cr_expect(ms >= 900, "%s --model %s: dropped after %ld ms, before --idle 1 s", k->name,
				  models[mi].arg, ms);
			close(silent);
			kill(sv.p.pid, SIGTERM);
			/* the log (on stdout) says why */
			char log[8192];
			size_t n = 0;
			ssize_t rr;
			while (n < sizeof log - 1 && (rr = read(sv.p.out, log + n, sizeof log - 1 - n)) > 0)
				n += (size_t)rr;
			log[n] = '\0';
			cr_expect(strstr(log, "sent nothing for 1 s (--idle): dropping it"),
				  "%s --model %s: the log does not say why:\n%s", k->name, models[mi].arg, log);
			cr_expect_eq(h_wait(&sv.p, 10), 0);
			sv.p.pid = 0;
			finish(&sv);
		}
	}
}

/* ---- out of descriptors -------------------------------------------------------------- */

Test(models, out_of_descriptors_recovers, .timeout = 120)
{
	for (size_t mi = 0; mi < NMODELS; mi++) {
		const struct kind *k = &kinds[0];
		struct server sv;
		const char *extra[] = { "-q", "--no-log", NULL };
		start(&sv, k, models[mi].arg, extra, "ulimit -n 24;", NULL);
		int hold[40];
		for (int i = 0; i < 40; i++)
			hold[i] = connect_nb(&sv);
		usleep(300000);
		for (int i = 0; i < 40; i++)
			if (hold[i] >= 0)
				close(hold[i]);
		usleep(300000);   /* the server sees them go */
		char why[128];
		int ok = load(&sv, 5, 5000, why);
		cr_expect_eq(ok, 5, "--model %s under ulimit -n 24: %d of 5 answered after 40 clients left (%s)",
			     models[mi].arg, ok, why);
		kill(sv.p.pid, SIGTERM);
		cr_expect_eq(h_wait(&sv.p, 10), 0, "--model %s: exit status", models[mi].arg);
		sv.p.pid = 0;
		char *err = server_err(&sv);
		/* said once per episode (until it accepts again), not once per try */
		int said = 0, free_again = 0;
		for (const char *q = err; (q = strstr(q, "out of descriptors")); q++)
			said++;
		for (const char *q = err; (q = strstr(q, "descriptors are free again")); q++)
			free_again++;
		cr_expect(said <= free_again + 1 && said <= 3, "--model %s: said %d times, free again %d times:\n%s",
			  models[mi].arg, said, free_again, err);
		free(err);
		finish(&sv);
	}
}

/* ---- SIGTERM mid-load ---------------------------------------------------------------- */

Test(models, sigterm_mid_load_exits_clean, .timeout = 120)
{
	static const struct kind *const on[] = { &kinds[0], &kinds[2] };
	for (size_t mi = 0; mi < NMODELS; mi++) {
		for (size_t ki = 0; ki < 2; ki++) {
			const struct kind *k = on[ki];
			struct server sv;
			const char *extra[] = { "-q", "--no-log", NULL };
			start(&sv, k, models[mi].arg, extra, NULL, NULL);
			/* 20 clients connected, some answered, the rest mid-message */
			int c[20];
			for (int i = 0; i < 20; i++) {
				c[i] = connect_nb(&sv);
				cr_assert_geq(c[i], 0);
			}
			usleep(100000);
			for (int i = 0; i < 20; i += 2)
				send(c[i], "half a line", 11, MSG_NOSIGNAL);
			usleep(100000);
			pid_t kids[64];
			int z;
			int nk = h_children(sv.p.pid, &z, kids, 64);
			struct timespec t0;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			kill(sv.p.pid, SIGTERM);
			int st = h_wait(&sv.p, 10);
			sv.p.pid = 0;
			cr_expect_eq(st, 0, "%s --model %s: exit %d after SIGTERM", k->name, models[mi].arg, st);
			cr_expect_lt(ms_since(&t0), 5000, "%s --model %s: took %ld ms to stop", k->name, models[mi].arg,
				     ms_since(&t0));
			for (int i = 0; i < nk && i < 64; i++) {
				for (int w = 0; w < 100 && alive(kids[i]); w++)
					usleep(10000);
				cr_expect(!alive(kids[i]), "%s --model %s: child %d outlived the server", k->name,
					  models[mi].arg, (int)kids[i]);
			}
			if (k->naming == N_PATH)
				cr_expect(access(sv.addr, F_OK) < 0, "%s --model %s: socket file left behind", k->name,
					  models[mi].arg);
			for (int i = 0; i < 20; i++)
				close(c[i]);
			finish(&sv);
		}
	}
}

/* 1 when pid is blocked in system call nr (/proc/PID/syscall starts with it). */
static int in_syscall(pid_t pid, long nr)
{
	char path[64], buf[64];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long got = -1;
	int ok = fgets(buf, sizeof buf, f) && sscanf(buf, "%ld", &got) == 1;
	fclose(f);
	return ok && got == nr;
}

/* ---- a stop signal just before accept() ------------------------------------------------ */

/*
 * prefork: a worker that looked at its stop flag just before SIGTERM came
 * handles the signal and then blocks in accept() all the same. The shim holds
 * that moment open (each worker waits before its first accept, and the signal
 * lands in the wait). The parent's shutdown() of the listening socket after
 * its kill()s wakes such a worker at once (accept returns EINVAL): the server
 * exits 0 and no worker needs the SIGKILL that comes 2 s later.
 */
Test(models, prefork_stop_wakes_a_worker_that_missed_the_signal, .timeout = 120)
{
	if (h_use_shim() < 0)
		cr_skip_test("%s is not built here (make test builds it)", H_SHIM);
	setenv("SHIM_ACCEPT_LATE_MS", "4000", 1);
	for (size_t i = 0; i < NKINDS; i++) {
		const struct kind *k = &kinds[i];
		if (k->type == SOCK_DGRAM)
			continue;
		char *tdir = h_tmpdir();
		char trace[300];
		snprintf(trace, sizeof trace, "%s/trace", tdir);
		const char *extra[] = { "--no-log", "-o", trace, NULL };
		struct server sv;
		start(&sv, k, "prefork=2", extra, NULL, NULL);
		pid_t kids[4];
		int z, nk = 0;
		for (int w = 0; w < 300 && (nk = h_children(sv.p.pid, &z, kids, 4)) < 2; w++)
			usleep(10000);
		cr_assert_eq(nk, 2, "%s: %d workers", k->name, nk);
		/* both are in the shim's wait before accept (clock_nanosleep) */
		for (int w = 0; w < nk; w++) {
			int in = 0;
			for (int t = 0; t < 500 && !(in = in_syscall(kids[w], SYS_clock_nanosleep)); t++)
				usleep(10000);
			cr_assert(in, "%s: worker %d never reached the shim's wait", k->name, (int)kids[w]);
		}
		kill(sv.p.pid, SIGTERM);
		int st = h_wait(&sv.p, 10);
		sv.p.pid = 0;
		cr_expect_eq(st, 0, "%s --model prefork=2: exit %d after SIGTERM", k->name, st);
		char *err = server_err(&sv);
		cr_expect(!strstr(err, "SIGKILL"), "%s --model prefork=2: a worker had to be killed:\n%s", k->name,
			  err);
		free(err);
		/* the parent's stop, in its trace: a kill per worker, then the shutdown */
		char *tr = h_slurp(trace, NULL);
		cr_assert(tr, "%s: no trace in %s", k->name, trace);
		const char *kill1 = strstr(tr, "kill(");
		const char *kill2 = kill1 ? strstr(kill1 + 1, "kill(") : NULL;
		const char *shut = strstr(tr, "shutdown(");
		const char *eol = shut ? strchr(shut, '\n') : NULL;
		int shut_ok = eol && strstr(shut, ", SHUT_RD)") < eol && !strncmp(eol - 4, " = 0", 4);
		cr_expect(kill1 && strstr(kill1, "SIGTERM)") && kill2 && shut_ok && shut > kill2,
			  "%s: the parent's trace has no kill(SIGTERM) for each worker, then shutdown(SHUT_RD):\n%s",
			  k->name, tr);
		/* and the workers saw accept() fail because of it */
		cr_expect(strstr(tr, "EINVAL (Invalid argument)"), "%s: no worker's accept() returned EINVAL:\n%s",
			  k->name, tr);
		free(tr);
		for (int w = 0; w < nk; w++)
			cr_expect(!alive(kids[w]), "%s: worker %d outlived the server", k->name, (int)kids[w]);
		finish(&sv);
		h_tmpdir_free(tdir);
	}
}

/* ---- the trace against strace -f ------------------------------------------------------ */

/* Every model's server on kind k, its own trace (with `topt`: -yy, or NULL)
 * against strace -f's (with the same option), process by process. */
static void model_differential(const struct kind *k, const char *topt)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	size_t all_same = 0, all_total = 0;
	for (size_t mi = 0; mi < NMODELS; mi++) {
		char *dir = h_tmpdir();
		char spre[300], own[300];
		snprintf(spre, sizeof spre, "%s/st", dir);
		snprintf(own, sizeof own, "%s/own.trace", dir);
		const char *wrap[] = { "/usr/bin/strace", "-ff", "-o", spre, "-e", H_MODEL_CALLS, "-e", "signal=none",
				       topt, NULL };
		const char *extra[] = { "-o", own, topt, NULL };
		struct server sv;
		start(&sv, k, models[mi].arg, extra, NULL, wrap);
		char why[128];
		int ok = load(&sv, 3, 5000, why);
		cr_expect_eq(ok, 3, "%s --model %s under strace: %d of 3 answered (%s)", k->name, models[mi].arg, ok,
			     why);
		usleep(200000);
		pid_t server = h_tracee_of(sv.p.pid);
		cr_assert_gt(server, 0);
		kill(server, SIGTERM);
		cr_expect_eq(h_wait(&sv.p, 20), 0, "%s --model %s under strace: exit status", k->name, models[mi].arg);
		sv.p.pid = 0;
		/* every process and thread strace saw, against ours */
		int files;
		char *diff = h_strace_compare_all(dir, "st", own, server, &all_same, &all_total, &files);
		cr_expect_null(diff, "%s%s --model %s: %s", k->name, topt ? topt : "", models[mi].arg, diff);
		free(diff);
		cr_expect_geq(files, 1);
		finish(&sv);
		h_tmpdir_free(dir);
	}
	printf("models differential %s%s: %zu of %zu strace -f lines printed identically\n", k->name,
	       topt ? topt : "", all_same, all_total);
}

Test(models, trace_equals_strace_f, .timeout = 120)
{
	model_differential(&kinds[0], NULL);
}

/* -yy: the descriptors of every model's processes and threads, epoll's and
 * the children's too, as strace -f -yy shows them; on TCP and on a UNIX
 * stream (whose peers the trace learns from sock_diag, in each child that
 * needs to). */
Test(models, yy_trace_equals_strace_f_yy, .timeout = 120)
{
	model_differential(&kinds[0], "-yy");
	model_differential(&kinds[2], "-yy");
}

/* ---- a large message ----------------------------------------------------------------- */

Test(models, one_mib_round_trip_on_every_stream_family, .timeout = 60)
{
	size_t n = 1024 * 1024;
	char *in = malloc(n + 1);
	cr_assert(in);
	for (size_t i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	in[n] = '\n';
	static const char *const clients[] = { "bin/inet-client", "bin/inet6-client", "bin/unix-client" };
	for (int i = 0; i < 3; i++) {
		struct server sv;
		const char *extra[] = { "-q", "-n", "1", NULL };
		start(&sv, &kinds[i], "epoll", extra, NULL, NULL);
		char port[16];
		snprintf(port, sizeof port, "%d", sv.port);
		char *argv[] = { (char *)clients[i], "-q", sv.port ? "-p" : "-a", sv.port ? port : sv.addr, NULL };
		char *out = NULL;
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int st = h_run(argv, in, n + 1, &out, NULL);
		long ms = ms_since(&t0);
		cr_expect_eq(st, 0, "%s: client exit %d", kinds[i].name, st);
		/* the client's notes ("connected, our address is ...") come first */
		const char *ans = out ? out : "";
		while (!strncmp(ans, clients[i] + 4, strlen(clients[i] + 4)) && strchr(ans, '\n'))
			ans = strchr(ans, '\n') + 1;
		size_t got = strlen(ans);
		cr_expect_eq(got, n + 1, "%s: %zu bytes back", kinds[i].name, got);
		int same = got == n + 1;
		for (size_t j = 0; same && j < n; j++)
			same = ans[j] == (char)('A' + j % 26);
		cr_expect(same, "%s: the answer is not the message upper-cased", kinds[i].name);
		cr_expect_lt(ms, 1000, "%s: 1 MiB took %ld ms", kinds[i].name, ms);
		cr_log_info("%s: 1 MiB round trip in %ld ms", kinds[i].name, ms);
		free(out);
		cr_expect_eq(h_wait(&sv.p, 10), 0);
		sv.p.pid = 0;
		finish(&sv);
	}
	free(in);
}

/* ---- bad model options ----------------------------------------------------------------- */

Test(models, bad_options_exit_2_before_any_socket, .timeout = 60)
{
	static const char *const bad[][6] = {
		{ "bin/inet-server", "--model", "nosuch", NULL },
		{ "bin/inet-server", "--model", "fork=3", NULL },
		{ "bin/inet-server", "--model", "prefork=0", NULL },
		{ "bin/inet-server", "--model", "prefork=x", NULL },
		{ "bin/inet-server", "-u", "--model", "prefork", NULL },
		{ "bin/unix-server", "-k", "dgram", "--model", "prethread", NULL },
		{ "bin/inet-server", "--max-clients", "0", NULL },
		{ "bin/inet-server", "--model", "fork", "--max-clients", "x", NULL },
		{ "bin/inet-server", "--max-clients", "5", NULL },
		{ "bin/inet-server", "--model", "prefork=4", "--max-clients", "5", NULL },
		{ "bin/inet-server", "--idle", "-1", NULL },
		{ "bin/inet-server", "--idle", "0", NULL },
		{ "bin/inet6-server", "-u", "--idle", "5", NULL },
		{ "bin/inet-server", "--backlog", "abc", NULL },
		{ "bin/inet-server", "--backlog", "0", NULL },
		{ "bin/unix-server", "--service", "nosuch", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *why = h_refused((char *const *)bad[i], NULL);
		cr_expect_null(why, "%s", why);
		free(why);
	}
}
