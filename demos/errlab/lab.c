/*
 * errlab: the experiments, the table of errnos and causes, and the runner
 * (see lab.h). Every socket call goes through the trace layer; the child
 * that runs an experiment writes its trace lines into a pipe, then what the
 * call of interest returned ("#got CALL ERRNO") and, when something in the
 * set-up failed, a note ("#note TEXT").
 */
#define _GNU_SOURCE
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/skeleton.h"
#include "../../common/trace.h"
#include "../../families/families.h"

#define LAB_TIMEOUT_MS 10000   /* an experiment still running then is killed */

struct lab {
	const struct family *f;
	const struct sock_kind *k;
	const char *dir;        /* the experiment's scratch directory */
	char note[200];
	char call[24];          /* the call of interest, once made */
	int got;                /* and its errno (0: it succeeded) */
};

__attribute__((format(printf, 2, 3)))
static void note(struct lab *l, const char *fmt, ...)
{
	if (l->note[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->note, sizeof l->note, fmt, ap);
	va_end(ap);
}

/* The call of interest returned rc: remember it; -1 when it failed. */
static int want(struct lab *l, const char *call, long rc)
{
	snprintf(l->call, sizeof l->call, "%s", call);
	l->got = rc < 0 ? errno : 0;
	return rc < 0 ? -1 : 0;
}

/* A set-up call failed: the experiment cannot go on. */
static int setup(struct lab *l, const char *call, long rc)
{
	if (rc < 0)
		note(l, _("%s failed before the experiment: %s"), call, strerrorname_np(errno));
	return rc < 0 ? -1 : 0;
}

static int conn_type(const struct sock_kind *k)
{
	int t = k->type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	return t == SOCK_STREAM || t == SOCK_SEQPACKET;
}

/* ---- addresses and sockets, through the family table ---------------------------- */

/* Address n of the experiment (test_address; port, when not -1 and the family
 * has ports, instead of its own), or the family's foreign address. */
static int address(struct lab *l, int n, int port, const char *foreign, struct endpoint *ep)
{
	struct sbuf err = SBUF_INIT;
	int rc = skel_test_endpoint("errlab", l->f, l->k, l->dir, n, ROLE_SERVER, foreign, port, ep, NULL, &err);
	if (rc)
		note(l, _("no address for the experiment: %s"), sb_str(&err));
	sb_free(&err);
	return rc;
}

static int sock(struct lab *l)
{
	int fd = t_socket(l->f->domain, l->k->type, l->k->protocol);
	setup(l, "socket", fd);
	return fd;
}

/* socket and bind to address n; *at: the address getsockname gives. */
static int bound(struct lab *l, int n, struct endpoint *at)
{
	struct endpoint ep;
	if (address(l, n, -1, NULL, &ep))
		return -1;
	int fd = sock(l);
	if (fd < 0 || setup(l, "bind", t_bind(fd, EP_SA(&ep), ep.len)))
		return -1;
	at->len = sizeof at->ss;
	if (setup(l, "getsockname", t_getsockname(fd, EP_SA(at), &at->len)))
		return -1;
	return fd;
}

static int listener(struct lab *l, int backlog, struct endpoint *at)
{
	int fd = bound(l, 0, at);
	if (fd < 0 || setup(l, "listen", t_listen(fd, backlog)))
		return -1;
	return fd;
}

/* A connected pair: *c connected to a listener, *a the connection accepted. */
static int pair(struct lab *l, int *c, int *a, struct endpoint *at)
{
	int lfd = listener(l, 16, at);
	if (lfd < 0 || (*c = sock(l)) < 0 || setup(l, "connect", t_connect(*c, EP_SA(at), at->len)))
		return -1;
	struct sockaddr_storage peer;
	socklen_t len = l->f->addr_size ? l->f->addr_size : sizeof peer;
	*a = t_accept(lfd, (struct sockaddr *)&peer, &len);
	return setup(l, "accept", *a);
}

/* A socket with nothing to read: the client end of a pair, or a bound one. */
static int quiet_socket(struct lab *l)
{
	struct endpoint at;
	int c, a;
	if (conn_type(l->k))
		return pair(l, &c, &a, &at) ? -1 : c;
	return bound(l, 0, &at);
}

/* As root, become nobody: permissions then apply to us too. */
static int unprivileged(struct lab *l)
{
	if (geteuid() != 0)
		return 0;
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		note(l, _("could not give up root to see the permission check: %s"), strerrorname_np(errno));
		return -1;
	}
	return 0;
}

/* ---- the experiments ------------------------------------------------------------ */

static void connect_unlistened(struct lab *l)
{
	struct endpoint at;
	int c;
	if (bound(l, 0, &at) < 0 || (c = sock(l)) < 0)
		return;
	want(l, "connect", t_connect(c, EP_SA(&at), at.len));
}

/* connect, send, receive to an address whose socket is gone: the first to fail */
static void talk_to_closed(struct lab *l)
{
	struct endpoint at;
	char buf[64];
	int a = bound(l, 0, &at), c;
	if (a < 0 || setup(l, "close", t_close(a)) || (c = sock(l)) < 0)
		return;
	if (want(l, "connect", t_connect(c, EP_SA(&at), at.len)) || want(l, "sendto", t_send(c, "ping", 4, 0)))
		return;
	want(l, "recvfrom", t_recv(c, buf, sizeof buf, 0));
}

static void bind_twice(struct lab *l)
{
	struct endpoint at;
	int b;
	if (bound(l, 0, &at) < 0 || (b = sock(l)) < 0)
		return;
	want(l, "bind", t_bind(b, EP_SA(&at), at.len));
}

static void bind_foreign(struct lab *l)
{
	struct endpoint ep;
	int c;
	if (address(l, 0, -1, l->f->foreign_address, &ep) || (c = sock(l)) < 0)
		return;
	want(l, "bind", t_bind(c, EP_SA(&ep), ep.len));
}

static void bind_low_port(struct lab *l)
{
	struct endpoint ep;
	int c;
	if (address(l, 0, 1, NULL, &ep) || unprivileged(l) || (c = sock(l)) < 0)
		return;
	if (!want(l, "bind", t_bind(c, EP_SA(&ep), ep.len)))
		note(l, "%s", _("bind succeeded: this machine lets every user bind low ports "
			   "(net.ipv4.ip_unprivileged_port_start)"));
}

/* the socket's file is in a directory we may not search (0700, root's, when
 * we become nobody; else mode 0) */
static void connect_unsearchable(struct lab *l)
{
	struct endpoint at;
	int a = bound(l, 0, &at), c;
	if (a < 0 || (conn_type(l->k) && setup(l, "listen", t_listen(a, 16))))
		return;
	if (geteuid() != 0 && chmod(l->dir, 0)) {
		note(l, "chmod %s: %s", l->dir, strerror(errno));
		return;
	}
	if (unprivileged(l) || (c = sock(l)) < 0)
		return;
	want(l, "connect", t_connect(c, EP_SA(&at), at.len));
}

static void connect_nothing(struct lab *l)
{
	struct endpoint at;
	int c;
	if (address(l, 0, -1, NULL, &at) || (c = sock(l)) < 0)
		return;
	want(l, "connect", t_connect(c, EP_SA(&at), at.len));
}

/* the peer closed: send until the kernel says so (a TCP peer answers the
 * first send with a reset) */
static void send_to_closed_peer(struct lab *l)
{
	struct endpoint at;
	int c, a;
	if (pair(l, &c, &a, &at) || setup(l, "close", t_close(a)))
		return;
	for (int i = 0; i < 3; i++) {
		if (want(l, "sendto", t_send(c, "x", 1, MSG_NOSIGNAL)))
			return;
		struct pollfd p = { c, POLLIN, 0 };
		t_poll(&p, 1, 1000);
	}
}

/* the peer closed with our bytes unread */
static void close_unread(struct lab *l)
{
	struct endpoint at;
	char buf[64];
	int c, a;
	if (pair(l, &c, &a, &at) || setup(l, "sendto", t_send(c, "unread", 6, MSG_NOSIGNAL)))
		return;
	struct pollfd p = { a, POLLIN, 0 };
	if (setup(l, "poll", t_poll(&p, 1, 2000)) || setup(l, "close", t_close(a)))
		return;
	want(l, "recvfrom", t_recv(c, buf, sizeof buf, 0));
}

static void recv_dontwait(struct lab *l)
{
	char buf[64];
	int c = quiet_socket(l);
	if (c >= 0)
		want(l, "recvfrom", t_recv(c, buf, sizeof buf, MSG_DONTWAIT));
}

static void connect_nonblocking(struct lab *l)
{
	struct endpoint at;
	int c;
	if (listener(l, 16, &at) < 0 || (c = sock(l)) < 0)
		return;
	int fl = t_fcntl(c, F_GETFL, 0);
	if (setup(l, "fcntl", fl) || setup(l, "fcntl", t_fcntl(c, F_SETFL, fl | O_NONBLOCK)))
		return;
	want(l, "connect", t_connect(c, EP_SA(&at), at.len));
}

static void connect_again(struct lab *l)
{
	struct endpoint at;
	int c, a;
	if (!pair(l, &c, &a, &at))
		want(l, "connect", t_connect(c, EP_SA(&at), at.len));
}

static void peer_of_unconnected(struct lab *l)
{
	struct sockaddr_storage ss;
	socklen_t len = l->f->addr_size ? l->f->addr_size : sizeof ss;
	int c = sock(l);
	if (c >= 0)
		want(l, "getpeername", t_getpeername(c, (struct sockaddr *)&ss, &len));
}

/* one message of 70000 bytes from a socket whose send buffer is small */
static void send_huge(struct lab *l)
{
	static char big[70000];
	struct endpoint at;
	int c, a, size = 4096;
	memset(big, 'x', sizeof big);
	if (conn_type(l->k) ? pair(l, &c, &a, &at) : (bound(l, 0, &at) < 0 || (c = sock(l)) < 0))
		return;
	if (setup(l, "setsockopt", t_setsockopt(c, SOL_SOCKET, SO_SNDBUF, &size, sizeof size)))
		return;
	want(l, "sendto", conn_type(l->k) ? t_send(c, big, sizeof big, MSG_NOSIGNAL)
					  : t_sendto(c, big, sizeof big, 0, EP_SA(&at), at.len));
}

/* the listener's queue is full (backlog 0 and one connection waiting), so
 * the kernel drops our SYN; TCP_SYNCNT 1: one retransmission, then give up */
static void connect_full_queue(struct lab *l)
{
	struct endpoint at;
	int first, c, one = 1;
	if (listener(l, 0, &at) < 0 || (first = sock(l)) < 0 ||
	    setup(l, "connect", t_connect(first, EP_SA(&at), at.len)) || (c = sock(l)) < 0 ||
	    setup(l, "setsockopt", t_setsockopt(c, IPPROTO_TCP, TCP_SYNCNT, &one, sizeof one)))
		return;
	want(l, "connect", t_connect(c, EP_SA(&at), at.len));
}

static void bind_unspec(struct lab *l)
{
	struct endpoint ep;
	int c;
	if (address(l, 0, -1, NULL, &ep) || (c = sock(l)) < 0)
		return;
	ep.ss.ss_family = AF_UNSPEC;
	want(l, "bind", t_bind(c, EP_SA(&ep), ep.len));
}

/* socket() with protocol 255: IPPROTO_RAW, which has no stream or datagram
 * sockets; no netlink protocol (there are 32); not 0, a UNIX socket's only one */
static void socket_wrong_protocol(struct lab *l)
{
	want(l, "socket", t_socket(l->f->domain, l->k->type, 255));
}

/*
 * Multicast that outruns a receiver: A (a small receive buffer) and B join
 * group 1; datagrams sent to B's address, whose nl_groups names the group,
 * go to B and to every other member of the group (A). The kernel drops
 * what A has no room for and tells A with ENOBUFS at its next receive.
 * Only a raw (netlink) socket has groups here: SOL_NETLINK's option.
 */
static void multicast_overrun(struct lab *l)
{
	struct endpoint at_b;
	int group = 1, small = 1024;
	int a = sock(l);
	if (a < 0 || setup(l, "setsockopt", t_setsockopt(a, SOL_SOCKET, SO_RCVBUF, &small, sizeof small)))
		return;
	struct endpoint ep;
	if (address(l, 1, -1, NULL, &ep) || setup(l, "bind", t_bind(a, EP_SA(&ep), ep.len)) ||
	    setup(l, "setsockopt", t_setsockopt(a, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group)))
		return;
	int b = bound(l, 2, &at_b);
	if (b < 0 || setup(l, "setsockopt", t_setsockopt(b, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group)))
		return;
	at_b.len = sizeof at_b.ss;
	if (setup(l, "getsockname", t_getsockname(b, EP_SA(&at_b), &at_b.len)))
		return;
	int s = sock(l);
	if (s < 0)
		return;
	/* messages of 1000 bytes, each a netlink header and its payload */
	static unsigned char msg[1000];
	struct nlmsghdr h = { .nlmsg_len = sizeof msg, .nlmsg_type = NLMSG_MIN_TYPE };
	memcpy(msg, &h, sizeof h);
	memset(msg + sizeof h, 'x', sizeof msg - sizeof h);
	for (int i = 0; i < 6; i++)
		if (setup(l, "sendto", t_sendto(s, msg, sizeof msg, MSG_DONTWAIT, EP_SA(&at_b), at_b.len)))
			return;
	char buf[2048];
	for (int i = 0; i < 6; i++)
		if (want(l, "recvfrom", t_recv(a, buf, sizeof buf, MSG_DONTWAIT)))
			return;
}

static void on_alarm(int sig) { (void)sig; }

static void recv_interrupted(struct lab *l)
{
	char buf[64];
	int c = quiet_socket(l);
	if (c < 0)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;   /* no SA_RESTART: the call returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 300000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	want(l, "recvfrom", t_recv(c, buf, sizeof buf, 0));
}

/* ---- the table ------------------------------------------------------------------- */

/* socket types, as bits */
#define S_STREAM 1u
#define S_DGRAM 2u
#define S_SEQPACKET 4u
#define S_RAW 8u
#define S_CONN (S_STREAM | S_SEQPACKET)
#define S_ALL 15u

static unsigned type_bit(const struct sock_kind *k)
{
	switch (k->type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
	case SOCK_STREAM: return S_STREAM;
	case SOCK_DGRAM: return S_DGRAM;
	case SOCK_SEQPACKET: return S_SEQPACKET;
	default: return S_RAW;
	}
}

/* what the family table says of the family */
static int has_ports(const struct family *f) { return f->default_port >= 0; }
static int no_ports(const struct family *f) { return f->default_port < 0; }
/* its addresses are names in the file system: a closed socket leaves one behind */
static int file_names(const struct family *f) { return f->test_release != NULL; }
static int foreign(const struct family *f) { return f->foreign_address != NULL; }
static int no_foreign(const struct family *f) { return f->foreign_address == NULL; }

/* The explanation by the call that returned the errno. */
struct why {
	const char *call;       /* NULL: any */
	const char *text;
};

struct lab_case {
	int err;
	unsigned types;
	int (*on)(const struct family *f);   /* NULL: every family */
	void (*run)(struct lab *l);           /* NULL: it cannot happen there; why[0] says why */
	const char *cause;
	struct why why[3];
};

static const struct lab_case cases[] = {
	{ ECONNREFUSED, S_CONN, NULL, connect_unlistened, N_("connect to an address bound by a socket that does not listen"),
	  { { NULL, N_("The address exists but no socket listens on it, so nobody can accept: TCP answers the SYN "
		    "with a reset, a UNIX socket says so at once.") } } },
	{ ECONNREFUSED, S_DGRAM | S_RAW, NULL, talk_to_closed,
	  N_("connect, send and receive to an address whose socket was closed"),
	  { { "connect", N_("A UNIX datagram connect looks the socket file up: the file is still there, but no socket "
			 "is behind it any more.") },
	    { "sendto", N_("The message has nowhere to go: no socket has that address any more, and the kernel, the "
			"only carrier, says so to the sender at once.") },
	    { "recvfrom", N_("UDP connect only records the address and the datagram leaves fine; the ICMP 'port "
			  "unreachable' that came back is reported at the next call on the connected socket.") } } },
	{ EADDRINUSE, S_ALL, NULL, bind_twice, N_("bind a second socket to the address of a bound one"),
	  { { NULL, N_("An address belongs to one socket at a time (a port, a socket file, a port id): the "
		    "second bind is refused. SO_REUSEADDR lets a server rebind while old connections linger, not "
		    "two sockets share one.") } } },
	{ EADDRNOTAVAIL, S_ALL, foreign, bind_foreign, N_("bind to an address no interface of this machine has"),
	  { { NULL, N_("Binding picks one of this machine's own addresses: one that is on no interface (here a "
		    "documentation address) cannot be bound (IP_FREEBIND would allow it).") } } },
	{ EADDRNOTAVAIL, S_ALL, no_foreign, NULL, NULL,
	  { { NULL, N_("Its addresses are not interface addresses: a name or a number of the kernel's, which is "
		    "free or taken (EADDRINUSE), never 'not on this machine'.") } } },
	{ EACCES, S_ALL, has_ports, bind_low_port, N_("bind to port 1 as an ordinary user"),
	  { { NULL, N_("Ports below 1024 (net.ipv4.ip_unprivileged_port_start) are for root, or a program with "
		    "CAP_NET_BIND_SERVICE: an ordinary user's bind is refused.") } } },
	{ EACCES, S_ALL, file_names, connect_unsearchable,
	  N_("connect as an ordinary user to a socket file in a directory that user may not search"),
	  { { NULL, N_("A socket file is reached like any file: connecting needs search permission on every "
		    "directory of its path and write permission on the file.") } } },
	{ EACCES, S_ALL, NULL, NULL, NULL,
	  { { NULL, N_("Netlink checks capabilities, not file permissions: a request it does not allow fails "
		    "with EPERM.") } } },
	{ ENOENT, S_ALL, file_names, connect_nothing, N_("connect to a path where there is no socket file"),
	  { { NULL, N_("The address is a path, and there is no file at it: no server ever bound it, or it "
		    "removed its file when it ended.") } } },
	{ ENOENT, S_ALL, NULL, NULL, NULL,
	  { { NULL, N_("Its addresses are not files, so none can be missing: reaching nobody is ECONNREFUSED "
		    "here.") } } },
	{ EPIPE, S_CONN, NULL, send_to_closed_peer, N_("send after the peer closed the connection"),
	  { { NULL, N_("Nobody will ever read these bytes: the peer closed. TCP learns it from the reset the "
		    "peer's kernel sends for the first bytes, so a later send fails; a UNIX socket knows at "
		    "once. Without MSG_NOSIGNAL the process would also get SIGPIPE and die.") } } },
	{ EPIPE, S_DGRAM | S_RAW, NULL, NULL, NULL,
	  { { NULL, N_("A datagram socket has no connection to lose: sending to a socket that is gone is "
		    "ECONNREFUSED.") } } },
	{ ECONNRESET, S_CONN, NULL, close_unread, N_("the peer closes with our bytes still unread"),
	  { { NULL, N_("Closing a connection with unread data in it throws data away, so the kernel does not "
		    "end it politely: TCP sends a reset, a UNIX socket marks its peer, and the next receive "
		    "fails instead of seeing the end of the stream.") } } },
	{ ECONNRESET, S_DGRAM | S_RAW, NULL, NULL, NULL,
	  { { NULL, N_("There is no connection to reset: each datagram stands alone.") } } },
	{ EAGAIN, S_ALL, NULL, recv_dontwait, N_("receive without waiting (MSG_DONTWAIT) when nothing has come"),
	  { { NULL, N_("A non-blocking call that would have to wait returns at once with EAGAIN (the same "
		    "number as EWOULDBLOCK): try again once poll says the socket is ready.") } } },
	{ EINPROGRESS, S_STREAM, has_ports, connect_nonblocking, N_("connect on a non-blocking TCP socket"),
	  { { NULL, N_("The handshake takes a round trip, and a non-blocking connect does not wait for it: it "
		    "has started. poll for POLLOUT, then SO_ERROR says how it ended.") } } },
	{ EINPROGRESS, S_ALL, NULL, NULL, NULL,
	  { { NULL, N_("Its connect has nothing to wait for on a wire: it is done within the call (a UNIX "
		    "stream whose listener's queue is full fails with EAGAIN instead), or it only records "
		    "the peer's address.") } } },
	{ EISCONN, S_CONN, NULL, connect_again, N_("connect a socket that is already connected"),
	  { { NULL, N_("A connection is for the life of the socket: to talk to someone else, open another "
		    "socket.") } } },
	{ EISCONN, S_DGRAM | S_RAW, NULL, NULL, NULL,
	  { { NULL, N_("A datagram socket may connect again: the new address replaces the old one (and "
		    "AF_UNSPEC forgets it).") } } },
	{ ENOTCONN, S_CONN | S_DGRAM, NULL, peer_of_unconnected, N_("ask for the peer of a socket that never connected"),
	  { { NULL, N_("There is no peer yet: getpeername, recv on a stream, or send without an address all "
		    "need a connected socket.") } } },
	{ ENOTCONN, S_RAW, NULL, NULL, NULL,
	  { { NULL, N_("A netlink socket's default peer is the kernel, port id 0: getpeername answers even "
		    "before any connect.") } } },
	{ EMSGSIZE, S_DGRAM | S_SEQPACKET | S_RAW, NULL, send_huge,
	  N_("send one message of 70000 bytes with a 4096-byte send buffer"),
	  { { NULL, N_("A message is sent whole or not at all: one larger than a datagram can be (65507 bytes "
		    "of UDP over IPv4) or than the socket's send buffer is refused, nothing is sent.") } } },
	{ EMSGSIZE, S_STREAM, NULL, NULL, NULL,
	  { { NULL, N_("A stream has no messages: a large send is cut into pieces, or waits for room, and is "
		    "never refused for its size.") } } },
	{ ETIMEDOUT, S_STREAM, has_ports, connect_full_queue,
	  N_("connect to a listener whose queue is full, with TCP_SYNCNT 1"),
	  { { NULL, N_("The listener's accept queue is full, so its kernel drops our SYN; TCP sends it again "
		    "and, with no answer after TCP_SYNCNT retries (here 1, about 3 seconds), gives up.") } } },
	{ ETIMEDOUT, S_ALL, NULL, NULL, NULL,
	  { { NULL, N_("Only TCP retransmits and gives up after a time: datagrams are not retransmitted, and a "
		    "UNIX or netlink call never waits on a wire.") } } },
	{ EAFNOSUPPORT, S_ALL, has_ports, bind_unspec, N_("bind with an address whose sa_family is AF_UNSPEC"),
	  { { NULL, N_("The address given is not of the socket's family: an IP socket refuses it as an address "
		    "family it does not support.") } } },
	{ EAFNOSUPPORT, S_ALL, no_ports, NULL, NULL,
	  { { NULL, N_("A UNIX or netlink socket refuses an address of another family with EINVAL. "
		    "EAFNOSUPPORT then only comes from socket() for a family the kernel lacks.") } } },
	{ EPROTONOSUPPORT, S_ALL, NULL, socket_wrong_protocol,
	  N_("socket() with protocol 255, which this family and type do not have"),
	  { { NULL, N_("socket()'s third argument must be a protocol of the family that offers the type, or 0 "
		    "for its default: IPPROTO_RAW (255) makes no stream or datagram sockets, netlink has 32 "
		    "protocols, and a UNIX socket takes only 0.") } } },
	{ ENOBUFS, S_RAW, NULL, multicast_overrun,
	  N_("multicast to a group faster than one member (a 1024-byte receive buffer) reads"),
	  { { NULL, N_("The kernel could not queue every message for that member: it dropped some and tells "
		    "the member so, with ENOBUFS at its next receive. Messages were lost: "
		    "the program must read the whole state again (netlink-monitor does).") } } },
	{ ENOBUFS, S_ALL, NULL, NULL, NULL,
	  { { NULL, N_("A datagram that finds a full receive buffer is dropped without a word (UDP), or the "
		    "sender waits or gets EAGAIN (UNIX, TCP); only netlink tells a receiver it lost "
		    "messages.") } } },
	{ EINTR, S_ALL, NULL, recv_interrupted, N_("a blocking receive, interrupted by SIGALRM (no SA_RESTART)"),
	  { { NULL, N_("A signal arrived while the call waited, and its handler was set without SA_RESTART: "
		    "the call returns EINTR (strace shows the kernel's ERESTARTSYS) and the program must "
		    "call again.") } } },
};
#define NCASES (sizeof cases / sizeof cases[0])

const struct lab_errno lab_errnos[] = {
	{ ECONNREFUSED, N_("nobody takes what is sent to this address") },
	{ EADDRINUSE, N_("another socket has this address") },
	{ EADDRNOTAVAIL, N_("this address is not one of this machine's") },
	{ EACCES, N_("permission denied") },
	{ ENOENT, N_("there is no socket file at this path") },
	{ EPIPE, N_("writing to a connection that is closed") },
	{ ECONNRESET, N_("the peer broke the connection off") },
	{ EAGAIN, N_("the call would have to wait, and it may not") },
	{ EINPROGRESS, N_("a non-blocking connect has started, not finished") },
	{ EISCONN, N_("the socket is already connected") },
	{ ENOTCONN, N_("the socket is not connected") },
	{ EMSGSIZE, N_("the message is too long to send in one piece") },
	{ ETIMEDOUT, N_("the peer did not answer in time") },
	{ EAFNOSUPPORT, N_("an address family the socket (or the kernel) does not support") },
	{ EPROTONOSUPPORT, N_("a protocol the family does not have") },
	{ ENOBUFS, N_("no room: messages were lost") },
	{ EINTR, N_("a signal interrupted the call") },
	{ 0, NULL },
};

const struct lab_errno *lab_find(const char *name)
{
	for (const struct lab_errno *e = lab_errnos; e->err; e++)
		if (!strcasecmp(strerrorname_np(e->err), name))
			return e;
	return NULL;
}

int lab_next_kind(const struct family **f, const struct sock_kind **k)
{
	const struct family *const *fp = sockfam_families;
	if (*f) {
		while (*fp != *f)
			fp++;
		if ((++*k)->name)
			return 1;
		fp++;
	}
	if (!*fp)
		return 0;
	*f = *fp;
	*k = (*f)->compare_kinds ? (*f)->compare_kinds : (*f)->kinds;
	return 1;
}

/* ---- the runner ------------------------------------------------------------------ */

static const struct lab_case *case_for(int err, const struct family *f, const struct sock_kind *k)
{
	for (size_t i = 0; i < NCASES; i++)
		if (cases[i].err == err && (cases[i].types & type_bit(k)) && (!cases[i].on || cases[i].on(f)))
			return &cases[i];
	return NULL;
}

static const char *why_for(const struct lab_case *c, const char *call)
{
	for (size_t i = 0; i < sizeof c->why / sizeof c->why[0] && c->why[i].text; i++)
		if (!c->why[i].call || !strcmp(c->why[i].call, call))
			return c->why[i].text;
	return c->why[0].text;
}

static void child(const struct lab_case *c, const struct family *f, const struct sock_kind *k, FILE *out,
		  const char *dir)
{
	struct lab l;
	memset(&l, 0, sizeof l);
	l.f = f;
	l.k = k;
	l.dir = dir;
	trace_cfg.enabled = 1;
	trace_cfg.out = out;
	c->run(&l);
	fprintf(trace_cfg.out, "#got %s %d\n#note %s\n", l.call[0] ? l.call : "-", l.got, l.note);
	fclose(trace_cfg.out);
	_exit(0);
}

/* What the child sent: trace lines, then #got and #note. */
static void take(struct lab_result *r, char *text)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "#got ", 5)) {
			sscanf(line + 5, "%23s %d", r->call, &r->got);
		} else if (!strncmp(line, "#note ", 6)) {
			snprintf(r->note, sizeof r->note, "%s", line + 6);
		} else if (r->nlines < LAB_MAX_LINES) {
			r->lines[r->nlines++] = strdup(line);
		} else {
			snprintf(r->note, sizeof r->note, _("more than %d trace lines: the rest are not shown"),
				 LAB_MAX_LINES);
		}
	}
}

static void remove_dir(const char *dir)
{
	/* it holds at most the socket files of test addresses 0 to 3 */
	char path[PATH_MAX + 16];
	chmod(dir, 0700);
	for (int n = 0; n < 4; n++) {
		snprintf(path, sizeof path, "%s/s%d.sock", dir, n);
		unlink(path);
	}
	if (rmdir(dir))
		fprintf(stderr, _("errlab: could not remove %s: %s\n"), dir, strerror(errno));
}

void lab_free(struct lab_result *r)
{
	for (int i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	r->nlines = 0;
}

void lab_run(const struct lab_errno *e, const struct family *f, const struct sock_kind *k, struct lab_result *r)
{
	memset(r, 0, sizeof *r);
	r->fam = f;
	r->kind = k;
	r->failed_line = -1;
	r->got = -1;
	const struct lab_case *c = case_for(e->err, f, k);
	if (!c) {
		r->why = N_("this lab has no experiment for it on this kind");
		return;
	}
	r->why = c->why[0].text;
	if (!c->run)
		return;
	r->cause = c->cause;

	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/errlab-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fds[2];
	if (!mkdtemp(dir) || pipe2(fds, O_CLOEXEC)) {
		snprintf(r->note, sizeof r->note, _("no scratch directory or pipe: %s"), strerror(errno));
		return;
	}
	/* the pipe's end out of the way, so the experiment's sockets are 3, 4, ...
	 * as in a program of its own; its FILE made here, so that the child makes
	 * no call of its own before the experiment's */
	FILE *out = NULL;
	if (dup3(fds[1], 100, O_CLOEXEC) == 100) {
		close(fds[1]);
		fds[1] = 100;
	}
	if (!(out = fdopen(fds[1], "w"))) {
		snprintf(r->note, sizeof r->note, "fdopen: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		remove_dir(dir);
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child(c, f, k, out, dir);
	}
	fclose(out);
	struct sbuf got = SBUF_INIT;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int timed_out = 0;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long left = LAB_TIMEOUT_MS - ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = { fds[0], POLLIN, 0 };
		if (left <= 0 || (poll(&p, 1, (int)left) == 0)) {
			timed_out = 1;
			break;
		}
		char buf[4096];
		ssize_t n = read(fds[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_putn(&got, buf, (size_t)n);
	}
	close(fds[0]);
	if (pid > 0) {
		if (timed_out)
			kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	remove_dir(dir);
	take(r, got.p ? got.p : (char[]){ 0 });
	sb_free(&got);
	if (timed_out)
		snprintf(r->note, sizeof r->note, _("the experiment was still running after %d s and was stopped"),
			 LAB_TIMEOUT_MS / 1000);
	r->produced = r->got == e->err;
	if (r->call[0] && strcmp(r->call, "-"))
		r->why = why_for(c, r->call);
	/* the line of the call that returned it: the last one of that call */
	for (int i = r->nlines - 1; i >= 0 && r->call[0]; i--)
		if (!strncmp(r->lines[i], r->call, strlen(r->call)) && r->lines[i][strlen(r->call)] == '(') {
			r->failed_line = i;
			break;
		}
}
