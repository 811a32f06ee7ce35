/* floor: the floor of make bench. A bare C echo server (answers what it
 * reads with the ASCII letters upper-cased), no trace, no log, one model per
 * run, each written the classic textbook way (Stevens, UNP ch. 30):
 *
 *   iterative     accept, serve that client until EOF, accept the next
 *   fork          a child per connection; SIGCHLD reaps (waitpid WNOHANG loop)
 *   thread        a detached thread per connection
 *   prefork=N     N children, each blocking in accept and serving one client
 *                 at a time (the kernel hands each connection to one of them)
 *   prethread=N   N threads, each blocking in accept
 *   select, poll, epoll
 *                 one thread, non-blocking sockets, an output buffer per
 *                 connection; reading pauses while a client's unsent answer
 *                 exceeds 1 MiB (a client that does not read)
 *
 * Each read takes whatever arrived (up to 64 KiB) and answers it in one send
 * where the socket buffer allows. Listens on port 0 (the kernel picks) on
 * 127.0.0.1 or ::1, or on a UNIX path, backlog SOMAXCONN, TCP_NODELAY (set on
 * the listener: Linux copies it to every accepted socket). Prints
 * "listening on PORT" (or "listening on PATH") on stdout, serves until
 * SIGTERM, then stops its children, reaps them, removes its socket file and
 * exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFSZ (64 * 1024)
#define OUT_LIMIT (1024 * 1024)
#define MAX_KIDS 65536

static int lfd = -1;
static const char *unix_path;

/* ---- children: recorded with SIGCHLD and SIGTERM blocked, removed by the
 * SIGCHLD handler, stopped and reaped by the SIGTERM handler ---- */
static pid_t kids[MAX_KIDS];
static volatile int nkids;

static void forget_kid(pid_t pid)
{
	for (int i = 0; i < nkids; i++)
		if (kids[i] == pid) {
			kids[i] = kids[--nkids];
			return;
		}
}

static void on_chld(int sig)
{
	(void)sig;
	int saved = errno;
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		forget_kid(pid);
	errno = saved;
}

/* Everything here is async-signal-safe: the handler itself ends the server,
 * so no blocking call can miss the signal. */
static void on_term(int sig)
{
	(void)sig;
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	for (;;) {
		pid_t pid = waitpid(-1, NULL, 0);
		if (pid > 0 || (pid < 0 && errno == EINTR))
			continue;
		break;  /* ECHILD: all reaped */
	}
	if (unix_path)
		unlink(unix_path);
	_exit(0);
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGCHLD);
	sigaddset(&sa.sa_mask, SIGTERM);
	if (sigaction(sig, &sa, NULL) < 0) {
		perror("floor: sigaction");
		exit(1);
	}
}

static void block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* A new child: default signals, no listener unless it accepts itself. */
static void become_child(const sigset_t *old)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void once(const char *what, int err)
{
	static int said[8];
	static const char *seen[8];
	for (int i = 0; i < 8; i++) {
		if (seen[i] == what) {
			if (said[i]++)
				return;
			break;
		}
		if (!seen[i]) {
			seen[i] = what;
			said[i] = 1;
			break;
		}
	}
	fprintf(stderr, "floor: %s%s%s (said once)\n", what, err ? ": " : "", err ? strerror(err) : "");
}

static void upper(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = (char)(p[i] - 'a' + 'A');
}

/* ---- the blocking models ---- */

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One client, until EOF or an error (a reset is the usual end on TCP). */
static void serve(int fd)
{
	char buf[BUFSZ];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		upper(buf, (size_t)n);
		if (send_all(fd, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
}

static int accept_one(void)
{
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			return c;
		switch (errno) {
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
			continue;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			once("accept", errno);
			usleep(1000);
			continue;
		default:
			perror("floor: accept");
			exit(1);
		}
	}
}

static void run_iterative(int n)
{
	(void)n;
	for (;;)
		serve(accept_one());
}

static void run_fork(int n)
{
	(void)n;
	handle(SIGCHLD, on_chld, SA_RESTART | SA_NOCLDSTOP);
	for (;;) {
		int c = accept_one();
		sigset_t old;
		block_signals(&old);
		if (nkids == MAX_KIDS) {
			once("too many children; closing new connections", 0);
			close(c);
		} else {
			pid_t pid = fork();
			if (pid == 0) {
				become_child(&old);
				close(lfd);
				serve(c);
				_exit(0);
			}
			if (pid > 0)
				kids[nkids++] = pid;
			else
				once("fork", errno);
			close(c);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
}

static void *serve_thread(void *arg)
{
	serve((int)(intptr_t)arg);
	return NULL;
}

static void run_thread(int n)
{
	(void)n;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		int c = accept_one();
		pthread_t t;
		int err = pthread_create(&t, &attr, serve_thread, (void *)(intptr_t)c);
		if (err) {
			once("pthread_create", err);
			close(c);
		}
	}
}

static void run_prefork(int n)
{
	handle(SIGCHLD, on_chld, SA_RESTART | SA_NOCLDSTOP);
	sigset_t old;
	block_signals(&old);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			become_child(&old);
			for (;;)
				serve(accept_one());
		}
		if (pid < 0) {
			perror("floor: fork");
			on_term(SIGTERM);
		}
		kids[nkids++] = pid;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (;;)
		pause();   /* SIGTERM's handler ends it */
}

static void *accept_thread(void *arg)
{
	(void)arg;
	for (;;)
		serve(accept_one());
	return NULL;
}

static void run_prethread(int n)
{
	for (int i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, accept_thread, NULL);
		if (err) {
			fprintf(stderr, "floor: pthread_create: %s\n", strerror(err));
			on_term(SIGTERM);
		}
		pthread_detach(t);
	}
	for (;;)
		pause();
}

/* ---- the event models: one loop, three ways to wait ---- */

struct conn {
	char *out;           /* answer not sent yet */
	size_t off, len, cap;
	int eof;             /* the client closed its side: close once flushed */
	int rd, wr;          /* what we wait for */
};

static struct conn **conns;  /* by descriptor */
static int maxconn;

struct waiter {
	const char *name;
	void (*init)(void);
	int (*add)(int fd);              /* watch for reading; -1 if it cannot */
	void (*set)(int fd, int rd, int wr);
	void (*del)(int fd);
	/* wait, then call ev(fd, readable, writable) for each ready descriptor */
	void (*wait)(void (*ev)(int, int, int));
};
static const struct waiter *W;

static void conn_close(int fd)
{
	struct conn *c = conns[fd];
	W->del(fd);
	close(fd);
	free(c->out);
	free(c);
	conns[fd] = NULL;
}

static void conn_want(int fd, int rd, int wr)
{
	struct conn *c = conns[fd];
	if (c->rd != rd || c->wr != wr) {
		c->rd = rd;
		c->wr = wr;
		W->set(fd, rd, wr);
	}
}

static int queue(struct conn *c, const char *p, size_t n)
{
	if (c->off && c->off == c->len)
		c->off = c->len = 0;
	if (c->len + n > c->cap) {
		if (c->off) {
			memmove(c->out, c->out + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->len + n)
			cap *= 2;
		char *q = realloc(c->out, cap);
		if (!q)
			return -1;
		c->out = q;
		c->cap = cap;
	}
	memcpy(c->out + c->len, p, n);
	c->len += n;
	return 0;
}

static void on_accept(void)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				once("accept", errno);
			return;
		}
		struct conn *c = fd < maxconn ? calloc(1, sizeof *c) : NULL;
		if (!c) {
			once("no room for a connection; closing it", fd < maxconn ? ENOMEM : EMFILE);
			close(fd);
			continue;
		}
		conns[fd] = c;
		c->rd = 1;
		if (W->add(fd) < 0) {
			free(c);
			conns[fd] = NULL;
			close(fd);
		}
	}
}

static void on_readable(int fd, struct conn *c)
{
	static char buf[BUFSZ];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(fd);   /* a reset, usually */
		return;
	}
	if (n == 0) {
		c->eof = 1;
		if (c->len == c->off)
			conn_close(fd);
		else
			conn_want(fd, 0, 1);
		return;
	}
	upper(buf, (size_t)n);
	size_t sent = 0;
	if (c->len == c->off) {
		ssize_t w = send(fd, buf, (size_t)n, MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			conn_close(fd);
			return;
		}
		sent = w < 0 ? 0 : (size_t)w;
	}
	if (sent < (size_t)n && queue(c, buf + sent, (size_t)n - sent) < 0) {
		once("out of memory for an answer; closing the connection", ENOMEM);
		conn_close(fd);
		return;
	}
	size_t pending = c->len - c->off;
	conn_want(fd, pending < OUT_LIMIT, pending > 0);
}

static void on_writable(int fd, struct conn *c)
{
	while (c->off < c->len) {
		ssize_t w = send(fd, c->out + c->off, c->len - c->off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w < 0) {
			conn_close(fd);
			return;
		}
		c->off += (size_t)w;
	}
	if (c->off == c->len) {
		c->off = c->len = 0;
		if (c->eof) {
			conn_close(fd);
			return;
		}
	}
	size_t pending = c->len - c->off;
	conn_want(fd, !c->eof && pending < OUT_LIMIT, pending > 0);
}

static void event(int fd, int readable, int writable)
{
	if (fd == lfd) {
		on_accept();
		return;
	}
	struct conn *c = conns[fd];
	if (c && writable)
		on_writable(fd, c);
	c = conns[fd];   /* may be closed now */
	if (c && readable && c->rd)
		on_readable(fd, c);
}

/* select */
static fd_set s_rd, s_wr;
static int s_max;
static void s_init(void)
{
	FD_ZERO(&s_rd);
	FD_ZERO(&s_wr);
	FD_SET(lfd, &s_rd);
	s_max = lfd;
}
static int s_add(int fd)
{
	if (fd >= FD_SETSIZE) {
		once("descriptor over FD_SETSIZE, select cannot watch it; closing it", 0);
		return -1;
	}
	FD_SET(fd, &s_rd);
	if (fd > s_max)
		s_max = fd;
	return 0;
}
static void s_set(int fd, int rd, int wr)
{
	if (rd) FD_SET(fd, &s_rd); else FD_CLR(fd, &s_rd);
	if (wr) FD_SET(fd, &s_wr); else FD_CLR(fd, &s_wr);
}
static void s_del(int fd)
{
	FD_CLR(fd, &s_rd);
	FD_CLR(fd, &s_wr);
	while (s_max > lfd && !FD_ISSET(s_max, &s_rd) && !FD_ISSET(s_max, &s_wr))
		s_max--;
}
static void s_wait(void (*ev)(int, int, int))
{
	fd_set r = s_rd, w = s_wr;
	int n = select(s_max + 1, &r, &w, NULL, NULL);
	if (n < 0) {
		if (errno != EINTR) {
			perror("floor: select");
			exit(1);
		}
		return;
	}
	int top = s_max;
	for (int fd = 0; fd <= top && n > 0; fd++) {
		int rd = FD_ISSET(fd, &r), wr = FD_ISSET(fd, &w);
		if (rd || wr) {
			n -= !!rd + !!wr;
			ev(fd, rd, wr);
		}
	}
}
static const struct waiter w_select = { "select", s_init, s_add, s_set, s_del, s_wait };

/* poll */
static struct pollfd *p_fds;
static int *p_index;   /* by descriptor: where it is in p_fds */
static int p_n;
static void p_init(void)
{
	p_fds = calloc((size_t)maxconn, sizeof *p_fds);
	p_index = calloc((size_t)maxconn, sizeof *p_index);
	if (!p_fds || !p_index) {
		perror("floor");
		exit(1);
	}
	p_fds[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	p_n = 1;
}
static int p_add(int fd)
{
	p_index[fd] = p_n;
	p_fds[p_n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	return 0;
}
static void p_set(int fd, int rd, int wr)
{
	p_fds[p_index[fd]].events = (short)((rd ? POLLIN : 0) | (wr ? POLLOUT : 0));
}
static void p_del(int fd)
{
	int i = p_index[fd];
	p_fds[i] = p_fds[--p_n];
	p_index[p_fds[i].fd] = i;
}
static void p_wait(void (*ev)(int, int, int))
{
	int n = poll(p_fds, (nfds_t)p_n, -1);
	if (n < 0) {
		if (errno != EINTR) {
			perror("floor: poll");
			exit(1);
		}
		return;
	}
	/* Walk backwards: removing entry i moves the last one into it, and the
	 * last one has been seen already. */
	for (int i = p_n - 1; i >= 0 && n > 0; i--) {
		if (i >= p_n)
			continue;
		short re = p_fds[i].revents;
		if (!re)
			continue;
		n--;
		p_fds[i].revents = 0;
		int bad = re & (POLLERR | POLLHUP | POLLNVAL);
		ev(p_fds[i].fd, (re & POLLIN) || bad, (re & POLLOUT) || bad);
	}
}
static const struct waiter w_poll = { "poll", p_init, p_add, p_set, p_del, p_wait };

/* epoll (level-triggered) */
static int e_fd;
static void e_ctl(int op, int fd, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.fd = fd };
	if (epoll_ctl(e_fd, op, fd, &e) < 0) {
		perror("floor: epoll_ctl");
		exit(1);
	}
}
static void e_init(void)
{
	e_fd = epoll_create1(EPOLL_CLOEXEC);
	if (e_fd < 0) {
		perror("floor: epoll_create1");
		exit(1);
	}
	e_ctl(EPOLL_CTL_ADD, lfd, EPOLLIN);
}
static int e_add(int fd)
{
	e_ctl(EPOLL_CTL_ADD, fd, EPOLLIN);
	return 0;
}
static void e_set(int fd, int rd, int wr)
{
	e_ctl(EPOLL_CTL_MOD, fd, (rd ? EPOLLIN : 0) | (wr ? EPOLLOUT : 0));
}
static void e_del(int fd)
{
	(void)fd;   /* close() takes it out of the set */
}
static void e_wait(void (*ev)(int, int, int))
{
	struct epoll_event evs[256];
	int n = epoll_wait(e_fd, evs, 256, -1);
	if (n < 0) {
		if (errno != EINTR) {
			perror("floor: epoll_wait");
			exit(1);
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		uint32_t e = evs[i].events;
		int bad = e & (EPOLLERR | EPOLLHUP);
		ev(evs[i].data.fd, (e & EPOLLIN) || bad, (e & EPOLLOUT) || bad);
	}
}
static const struct waiter w_epoll = { "epoll", e_init, e_add, e_set, e_del, e_wait };

static void run_events(const struct waiter *w)
{
	W = w;
	conns = calloc((size_t)maxconn, sizeof *conns);
	if (!conns) {
		perror("floor");
		exit(1);
	}
	int fl = fcntl(lfd, F_GETFL);
	fcntl(lfd, F_SETFL, fl | O_NONBLOCK);
	W->init();
	for (;;)
		W->wait(event);
}

static void run_select(int n) { (void)n; run_events(&w_select); }
static void run_poll(int n) { (void)n; run_events(&w_poll); }
static void run_epoll(int n) { (void)n; run_events(&w_epoll); }

/* ---- the models, by name ---- */

static const struct model {
	const char *name;
	int pool;          /* takes =N */
	void (*run)(int n);
} models[] = {
	{ "iterative", 0, run_iterative },
	{ "fork", 0, run_fork },
	{ "thread", 0, run_thread },
	{ "prefork", 1, run_prefork },
	{ "prethread", 1, run_prethread },
	{ "select", 0, run_select },
	{ "poll", 0, run_poll },
	{ "epoll", 0, run_epoll },
};

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"Usage: floor --model MODEL (--inet | --inet6 | --unix PATH)\n"
		"A bare C upper-casing echo server, the floor make bench measures the suite's\n"
		"servers against: no trace, no log.\n"
		"  --model iterative|fork|thread|prefork[=N]|prethread[=N]|select|poll|epoll\n"
		"                 (N: the pool size, default 8)\n"
		"  --inet         127.0.0.1, a port the kernel picks\n"
		"  --inet6        ::1, a port the kernel picks\n"
		"  --unix PATH    a UNIX stream socket at PATH\n"
		"Prints \"listening on PORT\" (or PATH), serves until SIGTERM, exits 0.\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, 0, 'm' },
		{ "inet", no_argument, 0, '4' },
		{ "inet6", no_argument, 0, '6' },
		{ "unix", required_argument, 0, 'u' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const struct model *m = NULL;
	int pool = 8, family = -1, o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'm': {
			size_t len = strcspn(optarg, "=");
			for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
				if (strlen(models[i].name) == len && !strncmp(optarg, models[i].name, len))
					m = &models[i];
			if (!m || (optarg[len] && !m->pool)) {
				fprintf(stderr, "floor: unknown model '%s'\n", optarg);
				exit(2);
			}
			if (optarg[len]) {
				char *end;
				long v = strtol(optarg + len + 1, &end, 10);
				if (*end || end == optarg + len + 1 || v < 1 || v > 4096) {
					fprintf(stderr, "floor: pool size '%s' is not 1 to 4096\n", optarg + len + 1);
					exit(2);
				}
				pool = (int)v;
			}
			break;
		}
		case '4': family = AF_INET; break;
		case '6': family = AF_INET6; break;
		case 'u': family = AF_UNIX; unix_path = optarg; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (!m || family < 0 || optind != argc)
		usage(2);

	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof *a;
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof *a;
	} else {
		struct sockaddr_un *a = (struct sockaddr_un *)&ss;
		if (strlen(unix_path) >= sizeof a->sun_path) {
			fprintf(stderr, "floor: UNIX path longer than %zu bytes\n", sizeof a->sun_path - 1);
			exit(2);
		}
		a->sun_family = AF_UNIX;
		strcpy(a->sun_path, unix_path);
		sl = sizeof *a;
	}

	/* room for many clients */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	maxconn = rl.rlim_cur > 1000000 ? 1000000 : (int)rl.rlim_cur;
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("floor: socket");
		return 1;
	}
	int one = 1;
	if (family != AF_UNIX) {
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	} else {
		struct stat st;
		if (lstat(unix_path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(unix_path);   /* a stale socket file */
	}
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0) {
		perror("floor: bind");
		return 1;
	}
	handle(SIGTERM, on_term, 0);
	if (listen(lfd, SOMAXCONN) < 0) {
		perror("floor: listen");
		on_term(SIGTERM);
	}
	if (family == AF_UNIX) {
		printf("listening on %s\n", unix_path);
	} else {
		sl = sizeof ss;
		getsockname(lfd, (struct sockaddr *)&ss, &sl);
		in_port_t port = family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
		                                   : ((struct sockaddr_in6 *)&ss)->sin6_port;
		printf("listening on %u\n", ntohs(port));
	}
	fflush(stdout);
	setvbuf(stdout, NULL, _IOLBF, 0);
	m->run(pool);
	return 0;
}
