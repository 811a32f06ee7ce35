/* load: the load generator of make bench.
 *
 * Plain libc sockets (no trace layer), one process, one thread, non-blocking
 * sockets driven by epoll. C client slots run at once against one server:
 *
 *   --mode connrate  each slot loops: connect, send a 64-byte request, read
 *                    the 64-byte answer, check it, close; the figure is
 *                    connections per second.
 *   --mode rtt       each slot keeps one connection (all are connected first,
 *                    then the clock starts) and does back-to-back 64-byte
 *                    round trips; the figure is round trips per second.
 *
 * The request is 63 printable bytes and '\n'; the answer must be the request
 * with its ASCII letters upper-cased, byte for byte. A wrong byte, a reset, an
 * early EOF or a failed connect is an error: counted, named on stderr, and the
 * exit status is 1. A connect refused for a full backlog (EAGAIN on AF_UNIX,
 * ECONNREFUSED) is retried after 1 ms, at most --retries times in a row, and
 * the retries are counted. Operations still in flight when the window closes
 * are neither counted nor errors.
 *
 * Bounded in time (--seconds, plus at most --setup-seconds to connect in rtt
 * mode and --drain-seconds after the window) and in count (--max-ops).
 *
 * Output, one line on stdout:
 *   ops=N errors=E seconds=X rate=R served=K retries=T
 * rate is ops per second over the measured window; served is how many slots
 * completed at least one operation (in rtt mode, an iterative server serves
 * one connection at a time and starves the others); retries counts refused
 * connects that were tried again.
 *
 * When the window closes, no new operation starts, but those in flight are
 * finished (for at most --drain-seconds, default 2; not counted, though a
 * wrong answer is still an error): a connection the client abandoned in the
 * server's backlog would otherwise be accepted and served after this run, in
 * the time of whatever is measured next. Each connection closes once its
 * last answer is in, so the server reaches the ones waiting behind it.
 *
 * TIME_WAIT: the client is the side that closes first, so every closed TCP
 * connection would leave the client's port in TIME_WAIT for 60 s; tens of
 * thousands of connections per second would exhaust the 28k ephemeral ports
 * within a few measurements, and connect would fail with EADDRNOTAVAIL. So on
 * inet and inet6 the client closes with SO_LINGER {1, 0} once the answer is
 * read (an abortive close, a RST, no TIME_WAIT): the server then sees
 * ECONNRESET instead of EOF at the end of each connection. AF_UNIX has no
 * TIME_WAIT and closes normally (the server sees EOF).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MSG 64
#define MAX_CLIENTS 20000
#define RETRY_DELAY 0.001

enum mode { CONNRATE, RTT };
enum state { FREE, WAIT_RETRY, CONNECTING, READY, SENDING, READING };

struct slot {
	int fd;
	enum state st;
	int registered;          /* fd is in the epoll set */
	uint32_t events;         /* the events it is registered for */
	size_t sent, got;
	unsigned refused;        /* refused connects in a row */
	double retry_at;
	unsigned long ops;
	unsigned char buf[MSG];
};

static struct sockaddr_storage addr;
static socklen_t addrlen;
static int family;
static enum mode mode = CONNRATE;
static int epfd;
static struct slot *slots;
static int nslots;
static unsigned long ops, max_ops = 10000000;
static unsigned long retries;
static unsigned max_refused = 1000;
static unsigned long waiting;    /* slots in WAIT_RETRY */
static int running;              /* the measured window has started */
static int draining;             /* it has ended: finish what is in flight */

static unsigned char request[MSG], expect[MSG];

/* errors, by kind */
enum err { E_CONNECT, E_REFUSED, E_SEND, E_RECV, E_EOF, E_BYTES, E_SETUP, E_N };
static const char *err_name[E_N] = {
	"connect failed", "connect still refused after the retries", "send failed",
	"receive failed", "connection closed before the whole answer",
	"wrong bytes in the answer", "not connected within the setup time",
};
static unsigned long errs[E_N];
static int err_errno[E_N];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"Usage: load (--inet HOST PORT | --inet6 HOST PORT | --unix PATH)\n"
		"            [--mode connrate|rtt] [--clients C] [--seconds S] [--max-ops N]\n"
		"            [--retries R] [--setup-seconds S] [--drain-seconds S] [--cpu N]\n"
		"A load generator for make bench: C concurrent clients send 64-byte requests\n"
		"to an upper-casing echo server and check each answer byte for byte.\n"
		"  --mode connrate  connect, one round trip, close, again (default)\n"
		"  --mode rtt       one connection per client, back-to-back round trips\n"
		"  --clients C      concurrent clients (default 1, at most %d)\n"
		"  --seconds S      length of the measured window (default 1)\n"
		"  --max-ops N      stop after N operations (default 10000000)\n"
		"  --retries R      refused connects retried in a row (default 1000, 1 ms apart)\n"
		"  --setup-seconds S  rtt mode: time allowed to connect everyone (default 5)\n"
		"  --drain-seconds S  after the window: time allowed to finish what is in\n"
		"                   flight, not counted (default 2)\n"
		"  --cpu N          run on CPU N only (sched_setaffinity)\n"
		"Prints: ops=N errors=E seconds=X rate=R served=K retries=T\n"
		"Exit status: 0 no errors, 1 an error (named on stderr), 2 bad usage.\n",
		MAX_CLIENTS);
	exit(status);
}

static double parse_num(const char *s, const char *what, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "load: bad %s '%s' (%g to %g)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static void set_inet(int fam, const char *host, const char *port)
{
	double p = parse_num(port, "port", 1, 65535);
	memset(&addr, 0, sizeof addr);
	family = fam;
	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&addr;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
			fprintf(stderr, "load: '%s' is not an IPv4 address\n", host);
			exit(2);
		}
		addrlen = sizeof *a;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
			fprintf(stderr, "load: '%s' is not an IPv6 address\n", host);
			exit(2);
		}
		addrlen = sizeof *a;
	}
}

static void set_unix(const char *path)
{
	struct sockaddr_un *a = (struct sockaddr_un *)&addr;
	memset(&addr, 0, sizeof addr);
	if (strlen(path) >= sizeof a->sun_path) {
		fprintf(stderr, "load: UNIX path longer than %zu bytes\n", sizeof a->sun_path - 1);
		exit(2);
	}
	family = AF_UNIX;
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void error(int kind, int err)
{
	errs[kind]++;
	if (err && !err_errno[kind])
		err_errno[kind] = err;
}

static void watch(struct slot *s, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	ev.data.u64 = ((uint64_t)(uint32_t)s->fd << 32) | (uint32_t)(s - slots);
	if (s->registered && s->events == events)
		return;
	if (epoll_ctl(epfd, s->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s->fd, &ev) < 0) {
		perror("load: epoll_ctl");
		exit(1);
	}
	s->registered = 1;
	s->events = events;
}

/* Close a connection; on TCP abortively (see the top of the file). */
static void drop(struct slot *s)
{
	if (s->fd < 0)
		return;
	if (family != AF_UNIX) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	}
	close(s->fd);   /* also leaves the epoll set */
	s->fd = -1;
	s->registered = 0;
	s->st = FREE;
}

static void retry_later(struct slot *s)
{
	s->st = WAIT_RETRY;
	s->retry_at = now() + RETRY_DELAY;
	waiting++;
}

static void fail(struct slot *s, int kind, int err)
{
	error(kind, err);
	drop(s);
	s->refused = 0;
	if (!draining)
		retry_later(s);  /* a new connection, 1 ms later */
}

static void send_request(struct slot *s)
{
	while (s->sent < MSG) {
		ssize_t n = send(s->fd, request + s->sent, MSG - s->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			s->st = SENDING;
			watch(s, EPOLLOUT);
			return;
		}
		if (n < 0) {
			fail(s, E_SEND, errno);
			return;
		}
		s->sent += (size_t)n;
	}
	s->st = READING;
	s->got = 0;
	watch(s, EPOLLIN);
}

/* The connection is up: rtt waits for the clock to start, connrate sends. */
static void connected(struct slot *s)
{
	s->refused = 0;
	s->sent = s->got = 0;
	s->st = READY;
}

/* A connected slot starts its round trip, unless rtt's clock has not started. */
static void go(struct slot *s)
{
	if (draining) {
		if (s->st == READY)
			drop(s);
		return;
	}
	if (s->st == READY && (mode == CONNRATE || running))
		send_request(s);
}

static void start_connect(struct slot *s)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		error(E_CONNECT, errno);
		retry_later(s);
		return;
	}
	s->fd = fd;
	s->registered = 0;
	if (connect(fd, (struct sockaddr *)&addr, addrlen) == 0) {
		connected(s);
		return;
	}
	if (errno == EINPROGRESS) {
		s->st = CONNECTING;
		watch(s, EPOLLOUT);
		return;
	}
	if (errno == EAGAIN || errno == ECONNREFUSED) {
		/* backlog full (AF_UNIX says EAGAIN) or nobody listening */
		int err = errno;
		close(fd);
		s->fd = -1;
		retries++;
		if (++s->refused > max_refused) {
			error(E_REFUSED, err);
			s->refused = 0;
		}
		if (!draining)
			retry_later(s);
		return;
	}
	fail(s, E_CONNECT, errno);
}

static void check_answer(struct slot *s)
{
	if (memcmp(s->buf, expect, MSG) != 0) {
		fail(s, E_BYTES, 0);
		return;
	}
	if (draining) {
		drop(s);
		return;
	}
	ops++;
	s->ops++;
	if (mode == CONNRATE) {
		drop(s);
		start_connect(s);
		go(s);
	} else {
		s->sent = s->got = 0;
		send_request(s);
	}
}

static void on_event(struct slot *s, uint32_t events)
{
	switch (s->st) {
	case CONNECTING: {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err == ECONNREFUSED || err == EAGAIN) {
			drop(s);
			retries++;
			if (++s->refused > max_refused) {
				error(E_REFUSED, err);
				s->refused = 0;
			}
			if (!draining)
				retry_later(s);
		} else if (err) {
			fail(s, E_CONNECT, err);
		} else {
			connected(s);
			if (mode == RTT && !running)
				watch(s, EPOLLIN);  /* wait quietly for the clock */
			go(s);
		}
		break;
	}
	case SENDING:
		send_request(s);
		break;
	case READING:
		for (;;) {
			ssize_t n = recv(s->fd, s->buf + s->got, MSG - s->got, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n < 0) {
				fail(s, E_RECV, errno);
				return;
			}
			if (n == 0) {
				fail(s, E_EOF, 0);
				return;
			}
			s->got += (size_t)n;
			if (s->got == MSG) {
				check_answer(s);
				return;
			}
		}
		break;
	case READY:
		/* rtt, before the clock starts: data or EOF from a server nobody asked */
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
			char c;
			ssize_t n = recv(s->fd, &c, 1, MSG_PEEK);
			if (n == 0)
				fail(s, E_EOF, 0);
			else if (n < 0 && errno != EAGAIN)
				fail(s, E_RECV, errno);
			else if (n > 0)
				fail(s, E_BYTES, 0);
		}
		break;
	default:
		break;
	}
}

/* One pass of the event loop, waiting until at most `until`. */
static void step(double until)
{
	struct epoll_event evs[256];
	double t = now();
	double wait = until - t;
	if (waiting && wait > RETRY_DELAY)
		wait = RETRY_DELAY;
	int ms = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
	if (waiting && ms > 1)
		ms = 1;
	int n = epoll_wait(epfd, evs, 256, ms);
	if (n < 0 && errno != EINTR) {
		perror("load: epoll_wait");
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		uint32_t idx = (uint32_t)evs[i].data.u64;
		int fd = (int)(evs[i].data.u64 >> 32);
		if (idx >= (uint32_t)nslots || slots[idx].fd != fd)
			continue;   /* that connection has been replaced */
		on_event(&slots[idx], evs[i].events);
	}
	if (waiting) {
		t = now();
		for (int i = 0; i < nslots; i++) {
			struct slot *s = &slots[i];
			if (s->st == WAIT_RETRY && (draining || s->retry_at <= t)) {
				waiting--;
				s->st = FREE;
				if (!draining) {
					start_connect(s);
					go(s);
				}
			}
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "inet", required_argument, 0, '4' },
		{ "inet6", required_argument, 0, '6' },
		{ "unix", required_argument, 0, 'u' },
		{ "mode", required_argument, 0, 'm' },
		{ "clients", required_argument, 0, 'c' },
		{ "seconds", required_argument, 0, 's' },
		{ "max-ops", required_argument, 0, 'n' },
		{ "retries", required_argument, 0, 'r' },
		{ "setup-seconds", required_argument, 0, 'S' },
		{ "drain-seconds", required_argument, 0, 'D' },
		{ "cpu", required_argument, 0, 'p' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	double seconds = 1, setup = 5, drain = 2;
	int cpu = -1, have_target = 0;
	nslots = 1;
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case '4':
		case '6':
			if (optind >= argc)
				usage(2);
			set_inet(o == '4' ? AF_INET : AF_INET6, optarg, argv[optind++]);
			have_target++;
			break;
		case 'u':
			set_unix(optarg);
			have_target++;
			break;
		case 'm':
			if (!strcmp(optarg, "connrate"))
				mode = CONNRATE;
			else if (!strcmp(optarg, "rtt"))
				mode = RTT;
			else {
				fprintf(stderr, "load: mode is connrate or rtt, not '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'c': nslots = (int)parse_num(optarg, "client count", 1, MAX_CLIENTS); break;
		case 's': seconds = parse_num(optarg, "seconds", 0.01, 3600); break;
		case 'n': max_ops = (unsigned long)parse_num(optarg, "operation count", 1, 1e12); break;
		case 'r': max_refused = (unsigned)parse_num(optarg, "retry count", 0, 1e6); break;
		case 'S': setup = parse_num(optarg, "setup seconds", 0.01, 600); break;
		case 'D': drain = parse_num(optarg, "drain seconds", 0, 600); break;
		case 'p': cpu = (int)parse_num(optarg, "CPU", 0, CPU_SETSIZE - 1); break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc || have_target != 1) {
		fprintf(stderr, "load: give exactly one of --inet HOST PORT, --inet6 HOST PORT, --unix PATH\n");
		usage(2);
	}

	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0) {
			perror("load: sched_setaffinity");
			return 1;
		}
	}
	/* one descriptor per client, and some room */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)nslots + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < (rlim_t)nslots + 64) {
			fprintf(stderr, "load: %d clients need more descriptors than RLIMIT_NOFILE allows\n", nslots);
			return 1;
		}
	}

	static const char pattern[] = "abcdefghijklmnopqrstuvwxyz0123456789 .,;:-_!?ABCxyz+*/=()[]{}<>";
	_Static_assert(sizeof pattern - 1 == MSG - 1, "63 printable bytes");
	memcpy(request, pattern, MSG - 1);
	request[MSG - 1] = '\n';
	for (int i = 0; i < MSG; i++)
		expect[i] = (request[i] >= 'a' && request[i] <= 'z') ? (unsigned char)(request[i] - 'a' + 'A') : request[i];

	epfd = epoll_create1(EPOLL_CLOEXEC);
	slots = calloc((size_t)nslots, sizeof *slots);
	if (epfd < 0 || !slots) {
		perror("load");
		return 1;
	}
	for (int i = 0; i < nslots; i++)
		slots[i].fd = -1;

	double start, end;
	if (mode == RTT) {
		/* connect everyone first; the clock starts when all are up */
		double limit = now() + setup;
		for (int i = 0; i < nslots; i++)
			start_connect(&slots[i]);
		for (;;) {
			int up = 0;
			for (int i = 0; i < nslots; i++)
				up += slots[i].st == READY;
			if (up == nslots || now() >= limit)
				break;
			step(limit);
		}
		for (int i = 0; i < nslots; i++) {
			struct slot *s = &slots[i];
			if (s->st != READY) {
				if (s->st == WAIT_RETRY)
					waiting--;
				error(E_SETUP, 0);
				drop(s);
				s->st = FREE;
			}
		}
		start = now();
		running = 1;
		for (int i = 0; i < nslots; i++)
			go(&slots[i]);
	} else {
		start = now();
		running = 1;
		for (int i = 0; i < nslots; i++) {
			start_connect(&slots[i]);
			go(&slots[i]);
		}
	}
	double deadline = start + seconds;
	while (ops < max_ops && now() < deadline)
		step(deadline);
	end = now();

	/* the window is over: finish what is in flight, start nothing */
	draining = 1;
	double drain_end = end + drain;
	for (int i = 0; i < nslots; i++)
		go(&slots[i]);
	for (;;) {
		int busy = 0;
		for (int i = 0; i < nslots; i++)
			busy += slots[i].st != FREE;
		if (!busy || now() >= drain_end)
			break;
		step(drain_end);
	}

	int served = 0;
	for (int i = 0; i < nslots; i++) {
		served += slots[i].ops > 0;
		drop(&slots[i]);
	}
	close(epfd);

	unsigned long nerr = 0;
	for (int k = 0; k < E_N; k++)
		nerr += errs[k];
	double secs = end - start;
	printf("ops=%lu errors=%lu seconds=%.3f rate=%.1f served=%d retries=%lu\n",
	       ops, nerr, secs, secs > 0 ? ops / secs : 0.0, served, retries);
	fflush(stdout);
	if (nerr) {
		fprintf(stderr, "load: %lu error%s:", nerr, nerr == 1 ? "" : "s");
		const char *sep = " ";
		for (int k = 0; k < E_N; k++) {
			if (!errs[k])
				continue;
			fprintf(stderr, "%s%lu %s", sep, errs[k], err_name[k]);
			if (err_errno[k])
				fprintf(stderr, " (first: %s)", strerror(err_errno[k]));
			sep = "; ";
		}
		fprintf(stderr, "\n");
		return 1;
	}
	return 0;
}
