/*
 * tool_traceprobe: makes a wide set of real socket calls, all through the t_*
 * wrappers, and writes its own trace. test_traceprobe.c runs it under
 * `strace -ff -o DIR/p -e trace=%network` and compares the two traces line by
 * line, so every call form the suite prints is checked against strace itself.
 *
 *   tool_traceprobe [-o FILE] [-s N] [-x | -xx] [-v]
 *
 * One process, loopback addresses with ephemeral ports, UNIX sockets in a
 * private mkdtemp() directory and abstract names carrying the pid, so several
 * probes can run at once. Whatever a call returns, both traces show the same
 * result: what matters is only that the lines agree.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/decode.h"
#include "../common/trace.h"

static char probe_dir[64];

/* ---- small helpers --------------------------------------------------------- */

static struct sockaddr_in probe_in4(const char *ip, unsigned port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static struct sockaddr_in6 probe_in6(const char *ip, unsigned port)
{
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof a);
	a.sin6_family = AF_INET6;
	a.sin6_port = htons((unsigned short)port);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

/* A path in the private directory; returns the length to pass to bind/connect. */
static socklen_t probe_un_path(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", probe_dir, name);
	return sizeof *a;
}

/* An abstract name: "\0sockfam-<pid>-name", passed with its exact length. */
static socklen_t probe_un_abstract(struct sockaddr_un *a, const char *name, size_t extra_nul)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "sockfam-%d-%s", (int)getpid(), name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n + extra_nul);
}

static unsigned probe_port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (t_getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void probe_getint(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;
	t_getsockopt(fd, level, name, &v, &len);
}

static void probe_setint(int fd, int level, int name, int v)
{
	t_setsockopt(fd, level, name, &v, sizeof v);
}

static void probe_rcvtimeo(int fd, long usec)
{
	struct timeval tv = { usec / 1000000, usec % 1000000 };
	t_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* ---- AF_INET TCP ---------------------------------------------------------- */

static void probe_tcp4(void)
{
	char buf[256];
	int lfd = t_socket(AF_INET, SOCK_STREAM, 0);
	probe_setint(lfd, SOL_SOCKET, SO_REUSEADDR, 1);
	probe_getint(lfd, SOL_SOCKET, SO_REUSEADDR);
	probe_getint(lfd, SOL_SOCKET, SO_RCVBUF);
	probe_setint(lfd, SOL_SOCKET, SO_RCVBUF, 4096);
	probe_getint(lfd, SOL_SOCKET, SO_RCVBUF);
	probe_getint(lfd, SOL_SOCKET, SO_TYPE);
	probe_getint(lfd, SOL_SOCKET, SO_DOMAIN);
	probe_getint(lfd, SOL_SOCKET, SO_PROTOCOL);
	probe_getint(lfd, SOL_SOCKET, SO_ACCEPTCONN);
	probe_getint(lfd, SOL_SOCKET, SO_KEEPALIVE);
	probe_getint(lfd, SOL_IP, IP_TTL);
	probe_getint(lfd, SOL_TCP, TCP_MAXSEG);
	/* an option no table knows, and a failing getsockopt */
	probe_setint(lfd, SOL_SOCKET, 9999, 1);
	probe_getint(lfd, SOL_SOCKET, 9999);
	probe_getint(lfd, SOL_TCP, 9999);

	struct sockaddr_in a = probe_in4("127.0.0.1", 0);
	t_bind(lfd, (struct sockaddr *)&a, sizeof a);
	unsigned port = probe_port_of(lfd);
	t_listen(lfd, 5);
	probe_getint(lfd, SOL_SOCKET, SO_ACCEPTCONN);

	/* the port is taken */
	int busy = t_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	a = probe_in4("127.0.0.1", port);
	t_bind(busy, (struct sockaddr *)&a, sizeof a);
	t_close(busy);

	int cfd = t_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	probe_setint(cfd, SOL_TCP, TCP_NODELAY, 1);
	probe_getint(cfd, SOL_TCP, TCP_NODELAY);
	probe_rcvtimeo(cfd, 50000);
	{
		struct timeval tv;
		socklen_t len = sizeof tv;
		t_getsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
	}
	{
		struct sockaddr_in peer;
		socklen_t len = sizeof peer;
		t_getpeername(cfd, (struct sockaddr *)&peer, &len);   /* ENOTCONN */
	}
	t_connect(cfd, (struct sockaddr *)&a, sizeof a);

	struct sockaddr_in from;
	socklen_t flen = sizeof from;
	int sfd = t_accept(lfd, (struct sockaddr *)&from, &flen);
	{
		struct sockaddr_in me, peer;
		socklen_t l1 = sizeof me, l2 = sizeof peer;
		t_getsockname(cfd, (struct sockaddr *)&me, &l1);
		t_getpeername(cfd, (struct sockaddr *)&peer, &l2);
	}

	t_send(cfd, "hello\n", 6, 0);
	t_recv(sfd, buf, 64, 0);
	t_send(sfd, "HELLO\n", 6, MSG_NOSIGNAL);
	t_recv(cfd, buf, 64, 0);

	/* longer than 32 bytes; binary bytes; octal lookahead cases */
	static const char longmsg[] =
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
		"abcdefghijklmnopqrstuv";
	t_send(cfd, longmsg, 100, 0);
	t_recv(sfd, buf, 200, 0);
	static const char bin[] = "bin\0\1\177\377\n";
	t_send(cfd, bin, 8, 0);
	t_recv(sfd, buf, 200, 0);
	static const char oct[] = "\0007\0008\0019\3770\177a\037\"q\\\t\r\v\f\a\b\033[0m";
	t_send(cfd, oct, sizeof oct - 1, 0);
	t_recv(sfd, buf, 200, 0);
	/* a non-printable byte as the last shown one, a digit right after the cut */
	static const char edge[] = "0123456789012345678901234567890\0017777";
	t_send(cfd, edge, sizeof edge - 1, 0);
	t_recv(sfd, buf, 200, 0);
	/* a string that is printable except for one byte far in: -x hexes all of it */
	static const char late[] = "printable text, then one byte: \001 and more text after it";
	t_send(cfd, late, sizeof late - 1, 0);
	t_recv(sfd, buf, 200, 0);
	/* a non-printable byte only past the -s cut: -x shows text */
	static const char past[] = "all printable for the first 32 bytes\001";
	t_send(cfd, past, sizeof past - 1, 0);
	t_recv(sfd, buf, 200, 0);
	/* exactly 32 bytes, and 33 */
	t_send(cfd, longmsg, 32, 0);
	t_recv(sfd, buf, 32, 0);
	t_send(cfd, longmsg, 33, 0);
	t_recv(sfd, buf, 33, 0);
	/* high bytes and whitespace only */
	static const char ws[] = "\t\n\v\f\r tab";
	t_send(cfd, ws, sizeof ws - 1, 0);
	t_recv(sfd, buf, 200, 0);
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	t_send(cfd, all, sizeof all, 0);
	t_recv(sfd, buf, 256, MSG_WAITALL);

	/* peek, then nothing there */
	t_send(cfd, "peekaboo", 8, 0);
	t_recv(sfd, buf, 4, MSG_PEEK);
	t_recv(sfd, buf, 64, MSG_DONTWAIT);
	t_recv(sfd, buf, 64, MSG_DONTWAIT);             /* EAGAIN */
	t_recv(cfd, buf, 64, 0);                        /* EAGAIN after SO_RCVTIMEO */

	/* several iovecs out, fewer in, split across them */
	{
		struct iovec out[3] = {
			{ (void *)"one-", 4 }, { (void *)"two-", 4 }, { (void *)"three", 5 },
		};
		struct msghdr m;
		memset(&m, 0, sizeof m);
		m.msg_iov = out;
		m.msg_iovlen = 3;
		t_sendmsg(cfd, &m, MSG_NOSIGNAL);
		char b1[6], b2[6], b3[16];
		struct iovec in[3] = { { b1, sizeof b1 }, { b2, sizeof b2 }, { b3, sizeof b3 } };
		memset(&m, 0, sizeof m);
		m.msg_iov = in;
		m.msg_iovlen = 3;
		t_recvmsg(sfd, &m, 0);
		/* nothing there: the failure form, without and with a name */
		t_recvmsg(sfd, &m, MSG_DONTWAIT);
		struct sockaddr_in nm;
		m.msg_name = &nm;
		m.msg_namelen = sizeof nm;
		t_recvmsg(sfd, &m, MSG_DONTWAIT);
		/* a name buffer on a stream socket: the kernel sets msg_namelen to 0 */
		t_send(cfd, "named?", 6, 0);
		m.msg_namelen = sizeof nm;
		t_recvmsg(sfd, &m, 0);
	}
	/* many iovecs: more than -s 32 of them */
	{
		static char one[40];
		struct iovec v[40];
		for (int i = 0; i < 40; i++) {
			one[i] = (char)('A' + i % 26);
			v[i].iov_base = &one[i];
			v[i].iov_len = 1;
		}
		struct msghdr m;
		memset(&m, 0, sizeof m);
		m.msg_iov = v;
		m.msg_iovlen = 40;
		t_sendmsg(cfd, &m, 0);
		t_recv(sfd, buf, 64, 0);
	}

	/* half-close: the peer reads 0 */
	t_shutdown(cfd, SHUT_WR);
	t_recv(sfd, buf, 64, 0);
	t_shutdown(sfd, SHUT_RD);
	{
		struct linger lg = { 1, 0 };
		t_setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		socklen_t len = sizeof lg;
		t_getsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, &len);
	}
	t_close(cfd);
	t_close(sfd);

	/* accept4 with flags, accept with a big buffer, accept with NULLs */
	cfd = t_socket(AF_INET, SOCK_STREAM, IPPROTO_IP);
	t_connect(cfd, (struct sockaddr *)&a, sizeof a);
	flen = sizeof from;
	sfd = t_accept4(lfd, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC | SOCK_NONBLOCK);
	t_recv(sfd, buf, 64, 0);                        /* EAGAIN: non-blocking */
	t_close(sfd);
	t_close(cfd);
	cfd = t_socket(AF_INET, SOCK_STREAM, 0);
	t_connect(cfd, (struct sockaddr *)&a, sizeof a);
	struct sockaddr_storage big;
	socklen_t blen = sizeof big;
	sfd = t_accept(lfd, (struct sockaddr *)&big, &blen);
	t_close(sfd);
	t_close(cfd);
	cfd = t_socket(AF_INET, SOCK_STREAM, 0);
	t_connect(cfd, (struct sockaddr *)&a, sizeof a);
	sfd = t_accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	t_close(sfd);
	t_close(cfd);
	t_close(lfd);

	/* a non-blocking listener with nothing pending */
	lfd = t_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	a = probe_in4("127.0.0.1", 0);
	t_bind(lfd, (struct sockaddr *)&a, sizeof a);
	t_listen(lfd, 1);
	flen = sizeof from;
	t_accept(lfd, (struct sockaddr *)&from, &flen); /* EAGAIN */
	t_accept4(lfd, NULL, NULL, 0);                  /* EAGAIN */
	t_close(lfd);

	/* refused: a port that is bound but not listening */
	int hold = t_socket(AF_INET, SOCK_STREAM, 0);
	a = probe_in4("127.0.0.1", 0);
	t_bind(hold, (struct sockaddr *)&a, sizeof a);
	a = probe_in4("127.0.0.1", probe_port_of(hold));
	cfd = t_socket(AF_INET, SOCK_STREAM, 0);
	t_connect(cfd, (struct sockaddr *)&a, sizeof a);
	t_close(cfd);
	cfd = t_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP);
	t_connect(cfd, (struct sockaddr *)&a, sizeof a);
	probe_getint(cfd, SOL_SOCKET, SO_ERROR);
	probe_getint(cfd, SOL_SOCKET, SO_ERROR);
	t_close(cfd);
	t_close(hold);

	/* calls on a bad fd */
	t_listen(999, 1);
	t_shutdown(999, SHUT_RDWR);
	t_send(999, "x", 1, 0);
	t_recv(999, buf, 8, 0);
}

/* ---- AF_INET UDP ------------------------------------------------------------ */

static void probe_udp4(void)
{
	char buf[128];
	int sv = t_socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = probe_in4("127.0.0.1", 0);
	t_bind(sv, (struct sockaddr *)&a, sizeof a);
	a = probe_in4("127.0.0.1", probe_port_of(sv));
	int cl = t_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	t_sendto(cl, "ping", 4, 0, (struct sockaddr *)&a, sizeof a);
	struct sockaddr_in from;
	socklen_t flen = sizeof from;
	t_recvfrom(sv, buf, 64, 0, (struct sockaddr *)&from, &flen);
	t_sendto(sv, "PONG", 4, 0, (struct sockaddr *)&from, flen);
	t_recvfrom(cl, buf, 64, 0, NULL, NULL);

	/* MSG_TRUNC: returns 10, shows 4 */
	t_sendto(cl, "0123456789", 10, 0, (struct sockaddr *)&a, sizeof a);
	flen = sizeof from;
	t_recvfrom(sv, buf, 4, MSG_TRUNC, (struct sockaddr *)&from, &flen);
	/* a big address buffer: [128 => 16] */
	t_sendto(cl, "big", 3, 0, (struct sockaddr *)&a, sizeof a);
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	t_recvfrom(sv, buf, 64, 0, (struct sockaddr *)&ss, &sslen);
	/* an address buffer too small: [8 => 16], the address cut */
	t_sendto(cl, "small", 5, 0, (struct sockaddr *)&a, sizeof a);
	sslen = 8;
	t_recvfrom(sv, buf, 64, 0, (struct sockaddr *)&ss, &sslen);

	/* sendmsg/recvmsg with a name */
	{
		struct iovec v = { (void *)"via-sendmsg", 11 };
		struct msghdr m;
		memset(&m, 0, sizeof m);
		m.msg_name = &a;
		m.msg_namelen = sizeof a;
		m.msg_iov = &v;
		m.msg_iovlen = 1;
		t_sendmsg(cl, &m, 0);
		struct iovec in = { buf, 64 };
		memset(&m, 0, sizeof m);
		m.msg_name = &from;
		m.msg_namelen = sizeof from;
		m.msg_iov = &in;
		m.msg_iovlen = 1;
		t_recvmsg(sv, &m, 0);
		/* the kernel changes msg_namelen */
		t_sendmsg(cl, &(struct msghdr){ .msg_name = &a, .msg_namelen = sizeof a,
						.msg_iov = &v, .msg_iovlen = 1 }, 0);
		memset(&m, 0, sizeof m);
		m.msg_name = &ss;
		m.msg_namelen = sizeof ss;
		m.msg_iov = &in;
		m.msg_iovlen = 1;
		t_recvmsg(sv, &m, 0);
		/* truncated datagram: msg_flags=MSG_TRUNC */
		t_sendmsg(cl, &(struct msghdr){ .msg_name = &a, .msg_namelen = sizeof a,
						.msg_iov = &v, .msg_iovlen = 1 }, 0);
		struct iovec tiny = { buf, 3 };
		memset(&m, 0, sizeof m);
		m.msg_iov = &tiny;
		m.msg_iovlen = 1;
		t_recvmsg(sv, &m, 0);
		/* nothing queued: failure forms */
		memset(&m, 0, sizeof m);
		m.msg_name = &ss;
		m.msg_namelen = sizeof ss;
		m.msg_iov = &in;
		m.msg_iovlen = 1;
		t_recvmsg(sv, &m, MSG_DONTWAIT);
	}
	t_recvfrom(sv, buf, 64, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	/* odd addresses: too short, none, AF_UNSPEC (dissolves a UDP association) */
	t_connect(cl, (struct sockaddr *)&a, 4);
	t_bind(cl, NULL, sizeof a);
	t_connect(cl, (struct sockaddr *)&a, sizeof a);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	t_connect(cl, &unspec, sizeof unspec);
	probe_rcvtimeo(sv, 10000);
	t_recvfrom(sv, buf, 64, 0, NULL, NULL);

	/* connected UDP to a closed port: ECONNREFUSED on the next recv */
	int tmp = t_socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in z = probe_in4("127.0.0.1", 0);
	t_bind(tmp, (struct sockaddr *)&z, sizeof z);
	z = probe_in4("127.0.0.1", probe_port_of(tmp));
	t_close(tmp);
	int cc = t_socket(AF_INET, SOCK_DGRAM, 0);
	t_connect(cc, (struct sockaddr *)&z, sizeof z);
	t_send(cc, "x", 1, 0);
	probe_rcvtimeo(cc, 200000);
	t_recv(cc, buf, 64, 0);
	t_close(cc);
	t_close(cl);
	t_close(sv);
}

/* ---- AF_INET6 ---------------------------------------------------------------- */

static void probe_inet6(void)
{
	char buf[64];
	int lfd = t_socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0)
		return;
	probe_getint(lfd, SOL_IPV6, IPV6_V6ONLY);
	probe_setint(lfd, SOL_IPV6, IPV6_V6ONLY, 0);
	probe_setint(lfd, SOL_SOCKET, SO_REUSEADDR, 1);
	struct sockaddr_in6 a = probe_in6("::", 0);
	t_bind(lfd, (struct sockaddr *)&a, sizeof a);
	unsigned port = probe_port_of(lfd);
	t_listen(lfd, 5);

	int busy = t_socket(AF_INET6, SOCK_STREAM, 0);
	a = probe_in6("::", port);
	t_bind(busy, (struct sockaddr *)&a, sizeof a);
	t_close(busy);

	/* an IPv4 client of a dual-stack listener */
	int c4 = t_socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a4 = probe_in4("127.0.0.1", port);
	t_connect(c4, (struct sockaddr *)&a4, sizeof a4);
	struct sockaddr_in6 from;
	socklen_t flen = sizeof from;
	int s = t_accept(lfd, (struct sockaddr *)&from, &flen);
	flen = sizeof from;
	t_getsockname(s, (struct sockaddr *)&from, &flen);
	t_close(s);
	t_close(c4);

	int c6 = t_socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a = probe_in6("::1", port);
	t_connect(c6, (struct sockaddr *)&a, sizeof a);
	flen = sizeof from;
	s = t_accept4(lfd, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC);
	flen = sizeof from;
	t_getpeername(c6, (struct sockaddr *)&from, &flen);
	/* the old 24-byte sockaddr_in6 length */
	flen = 24;
	t_getpeername(c6, (struct sockaddr *)&from, &flen);
	t_send(c6, "six", 3, 0);
	t_recv(s, buf, 64, 0);
	t_close(s);
	t_close(c6);
	t_close(lfd);

	/* V6ONLY listener refuses IPv4 */
	lfd = t_socket(AF_INET6, SOCK_STREAM, 0);
	probe_setint(lfd, SOL_IPV6, IPV6_V6ONLY, 1);
	probe_getint(lfd, SOL_IPV6, IPV6_V6ONLY);
	a = probe_in6("::", 0);
	t_bind(lfd, (struct sockaddr *)&a, sizeof a);
	port = probe_port_of(lfd);
	t_listen(lfd, 5);
	c4 = t_socket(AF_INET, SOCK_STREAM, 0);
	a4 = probe_in4("127.0.0.1", port);
	t_connect(c4, (struct sockaddr *)&a4, sizeof a4);
	t_close(c4);
	t_close(lfd);

	/* UDP6, a flowinfo and a scope id that is not an interface */
	int u1 = t_socket(AF_INET6, SOCK_DGRAM, 0);
	a = probe_in6("::1", 0);
	t_bind(u1, (struct sockaddr *)&a, sizeof a);
	a = probe_in6("::1", probe_port_of(u1));
	int u2 = t_socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	t_sendto(u2, "hi6", 3, 0, (struct sockaddr *)&a, sizeof a);
	flen = sizeof from;
	t_recvfrom(u1, buf, 16, 0, (struct sockaddr *)&from, &flen);
	a.sin6_flowinfo = htonl(0x12345);
	t_sendto(u2, "flow", 4, 0, (struct sockaddr *)&a, sizeof a);
	t_recv(u1, buf, 16, 0);
	struct sockaddr_in6 m = probe_in6("ff02::1", 1);
	m.sin6_scope_id = 1;   /* lo */
	t_sendto(u2, "mc", 2, MSG_DONTWAIT, (struct sockaddr *)&m, sizeof m);
	t_close(u2);
	t_close(u1);
}

/* ---- AF_UNIX -------------------------------------------------------------------- */

static void probe_unix_stream(void)
{
	char buf[64];
	struct sockaddr_un a;
	socklen_t alen = probe_un_path(&a, "demo.sock");

	int fd = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_connect(fd, (struct sockaddr *)&a, alen);             /* ENOENT */
	t_close(fd);

	int lfd = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_bind(lfd, (struct sockaddr *)&a, alen);
	t_listen(lfd, 5);
	int busy = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_bind(busy, (struct sockaddr *)&a, alen);              /* EADDRINUSE */
	t_close(busy);

	int c = t_socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	t_connect(c, (struct sockaddr *)&a, alen);
	struct sockaddr_un from;
	socklen_t flen = sizeof from;
	int s = t_accept(lfd, (struct sockaddr *)&from, &flen);
	flen = sizeof from;
	t_getsockname(c, (struct sockaddr *)&from, &flen);
	flen = sizeof from;
	t_getpeername(c, (struct sockaddr *)&from, &flen);
	flen = sizeof from;
	t_getsockname(lfd, (struct sockaddr *)&from, &flen);
	/* a buffer too small for the path */
	flen = 10;
	t_getsockname(lfd, (struct sockaddr *)&from, &flen);

	struct ucred cr;
	socklen_t crlen = sizeof cr;
	t_getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crlen);
	probe_getint(s, SOL_SOCKET, SO_TYPE);
	probe_getint(s, SOL_SOCKET, SO_DOMAIN);
	probe_getint(s, SOL_SOCKET, SO_PROTOCOL);

	/* SCM_RIGHTS */
	union { char b[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } ctl;
	struct iovec v = { (void *)"F", 1 };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &lfd, sizeof(int));
	t_sendmsg(c, &m, 0);

	union { char b[256]; struct cmsghdr align; } rctl;
	char rb[16];
	struct iovec rv = { rb, sizeof rb };
	memset(&m, 0, sizeof m);
	m.msg_iov = &rv;
	m.msg_iovlen = 1;
	m.msg_control = rctl.b;
	m.msg_controllen = sizeof rctl.b;
	t_recvmsg(s, &m, MSG_CMSG_CLOEXEC);
	cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_type == SCM_RIGHTS) {
		int got;
		memcpy(&got, CMSG_DATA(cm), sizeof got);
		t_close(got);
	}

	/* two fds in one message, received into a control buffer too small for both */
	memset(&m, 0, sizeof m);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = CMSG_SPACE(2 * sizeof(int));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	int two[2] = { lfd, c };
	memcpy(CMSG_DATA(cm), two, sizeof two);
	t_sendmsg(c, &m, 0);
	memset(&m, 0, sizeof m);
	m.msg_iov = &rv;
	m.msg_iovlen = 1;
	m.msg_control = rctl.b;
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	t_recvmsg(s, &m, 0);
	cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_type == SCM_RIGHTS) {
		int got;
		memcpy(&got, CMSG_DATA(cm), sizeof got);
		t_close(got);
	}

	/* SO_PASSCRED + SCM_CREDENTIALS */
	probe_setint(s, SOL_SOCKET, SO_PASSCRED, 1);
	probe_getint(s, SOL_SOCKET, SO_PASSCRED);
	struct ucred me = { getpid(), getuid(), getgid() };
	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	union { char b[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } cctl;
	memset(&cctl, 0, sizeof cctl);
	v.iov_base = (void *)"C";
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = cctl.b;
	m.msg_controllen = sizeof cctl.b;
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof me);
	memcpy(CMSG_DATA(cm), &me, sizeof me);
	t_sendmsg(c, &m, 0);
	memset(&m, 0, sizeof m);
	m.msg_iov = &rv;
	m.msg_iovlen = 1;
	m.msg_control = rctl.b;
	m.msg_controllen = sizeof rctl.b;
	t_recvmsg(s, &m, 0);

	/* SCM_RIGHTS while SO_PASSCRED is on: two control messages */
	memset(&m, 0, sizeof m);
	v.iov_base = (void *)"R";
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &lfd, sizeof(int));
	t_sendmsg(c, &m, 0);
	memset(&m, 0, sizeof m);
	m.msg_iov = &rv;
	m.msg_iovlen = 1;
	m.msg_control = rctl.b;
	m.msg_controllen = sizeof rctl.b;
	t_recvmsg(s, &m, 0);
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_type == SCM_RIGHTS) {
			int got;
			memcpy(&got, CMSG_DATA(cm), sizeof got);
			t_close(got);
		}
	}

	/* nothing queued */
	t_recvmsg(s, &m, MSG_DONTWAIT);

	/* a control buffer with no room for the fd: MSG_CTRUNC */
	memset(&m, 0, sizeof m);
	v.iov_base = (void *)"T";
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &lfd, sizeof(int));
	t_sendmsg(c, &m, 0);
	memset(&m, 0, sizeof m);
	m.msg_iov = &rv;
	m.msg_iovlen = 1;
	m.msg_control = rctl.b;
	m.msg_controllen = 8;
	t_recvmsg(s, &m, 0);

	t_shutdown(c, SHUT_RDWR);
	t_recv(s, buf, sizeof buf, 0);
	t_close(c);
	t_close(s);
	t_close(lfd);

	/* the socket file is left behind: ECONNREFUSED */
	c = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_connect(c, (struct sockaddr *)&a, alen);
	t_close(c);
	unlink(a.sun_path);

	/* a path with odd bytes, bound with its exact length */
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	int n = snprintf(a.sun_path, sizeof a.sun_path, "%s/odd \"q\"\t\001x.sock", probe_dir);
	lfd = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_bind(lfd, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1));
	flen = sizeof from;
	t_getsockname(lfd, (struct sockaddr *)&from, &flen);
	t_close(lfd);
	unlink(a.sun_path);

	/* autobind: only the family */
	lfd = t_socket(AF_UNIX, SOCK_DGRAM, 0);
	t_bind(lfd, (struct sockaddr *)&a, sizeof(sa_family_t));
	flen = sizeof from;
	t_getsockname(lfd, (struct sockaddr *)&from, &flen);
	t_close(lfd);
}

static void probe_unix_dgram_seq(void)
{
	char buf[64];
	struct sockaddr_un sa, ca, from;
	socklen_t salen = probe_un_path(&sa, "dg_sv.sock");
	socklen_t calen = probe_un_path(&ca, "dg_cl.sock");
	int sv = t_socket(AF_UNIX, SOCK_DGRAM, 0);
	t_bind(sv, (struct sockaddr *)&sa, salen);
	int cl = t_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	t_bind(cl, (struct sockaddr *)&ca, calen);
	t_sendto(cl, "lower", 5, 0, (struct sockaddr *)&sa, salen);
	socklen_t flen = sizeof from;
	t_recvfrom(sv, buf, 64, 0, (struct sockaddr *)&from, &flen);
	t_sendto(sv, "LOWER", 5, 0, (struct sockaddr *)&from, flen);
	t_recvfrom(cl, buf, 64, 0, NULL, NULL);
	t_recvfrom(cl, buf, 64, MSG_DONTWAIT, NULL, NULL);   /* EAGAIN */
	/* recvmsg with a name: msg_namelen 110 => N */
	t_sendto(cl, "named", 5, 0, (struct sockaddr *)&sa, salen);
	struct iovec v = { buf, sizeof buf };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	m.msg_name = &from;
	m.msg_namelen = sizeof from;
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	t_recvmsg(sv, &m, 0);
	memset(&m, 0, sizeof m);
	m.msg_name = &from;
	m.msg_namelen = sizeof from;
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	t_recvmsg(sv, &m, MSG_DONTWAIT);                      /* EAGAIN */
	t_close(cl);
	t_close(sv);
	/* a destination that is gone */
	unlink(ca.sun_path);
	int lone = t_socket(AF_UNIX, SOCK_DGRAM, 0);
	t_sendto(lone, "gone", 4, 0, (struct sockaddr *)&ca, calen);  /* ENOENT */
	t_sendto(lone, "gone", 4, 0, (struct sockaddr *)&sa, salen);  /* ECONNREFUSED */
	t_close(lone);
	unlink(sa.sun_path);

	struct sockaddr_un qa;
	socklen_t qalen = probe_un_path(&qa, "seq.sock");
	int lfd = t_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	t_bind(lfd, (struct sockaddr *)&qa, qalen);
	t_listen(lfd, 1);
	int c = t_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	t_connect(c, (struct sockaddr *)&qa, qalen);
	int s = t_accept(lfd, NULL, NULL);
	t_send(c, "msg1", 4, 0);
	t_send(c, "msg2", 4, MSG_EOR);
	t_recv(s, buf, 64, 0);
	t_recv(s, buf, 2, 0);
	t_close(c);
	t_close(s);
	t_close(lfd);
	unlink(qa.sun_path);
}

static void probe_unix_abstract(void)
{
	char buf[64];
	struct sockaddr_un a, from;
	socklen_t alen = probe_un_abstract(&a, "abstract", 0);
	int lfd = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_bind(lfd, (struct sockaddr *)&a, alen);
	t_listen(lfd, 1);
	int c = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_connect(c, (struct sockaddr *)&a, alen);
	socklen_t flen = sizeof from;
	t_getpeername(c, (struct sockaddr *)&from, &flen);
	flen = sizeof from;
	int s = t_accept(lfd, (struct sockaddr *)&from, &flen);
	t_close(s);
	t_close(c);
	t_close(lfd);

	/* an abstract name with a NUL inside, and one that nobody listens on */
	alen = probe_un_abstract(&a, "nul", 2);
	a.sun_path[alen - offsetof(struct sockaddr_un, sun_path) - 1] = '7';
	lfd = t_socket(AF_UNIX, SOCK_DGRAM, 0);
	t_bind(lfd, (struct sockaddr *)&a, alen);
	flen = sizeof from;
	t_getsockname(lfd, (struct sockaddr *)&from, &flen);
	t_close(lfd);
	alen = probe_un_abstract(&a, "nobody", 0);
	c = t_socket(AF_UNIX, SOCK_STREAM, 0);
	t_connect(c, (struct sockaddr *)&a, alen);
	t_close(c);

	int sv[2] = { -1, -1 };
	t_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	t_send(sv[0], "pair", 4, 0);
	t_recv(sv[1], buf, 64, 0);
	t_close(sv[0]);
	t_close(sv[1]);
	t_socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv);
	t_recv(sv[1], buf, 64, 0);                      /* EAGAIN */
	t_close(sv[0]);
	t_close(sv[1]);
	t_socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	t_close(sv[0]);
	t_close(sv[1]);
	t_socketpair(AF_INET, SOCK_STREAM, 0, sv);      /* EOPNOTSUPP */
}

/* ---- AF_NETLINK ------------------------------------------------------------------ */

static void probe_netlink(void)
{
	char buf[64];
	int fd = t_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return;
	struct sockaddr_nl nl;
	memset(&nl, 0, sizeof nl);
	nl.nl_family = AF_NETLINK;
	t_bind(fd, (struct sockaddr *)&nl, sizeof nl);
	socklen_t len = sizeof nl;
	t_getsockname(fd, (struct sockaddr *)&nl, &len);
	t_recv(fd, buf, sizeof buf, MSG_DONTWAIT);      /* EAGAIN */
	t_close(fd);

	fd = t_socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	memset(&nl, 0, sizeof nl);
	nl.nl_family = AF_NETLINK;
	nl.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
	t_bind(fd, (struct sockaddr *)&nl, sizeof nl);
	len = sizeof nl;
	t_getsockname(fd, (struct sockaddr *)&nl, &len);
	t_close(fd);
	fd = t_socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	t_close(fd);
	fd = t_socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	t_close(fd);
}

/*
 * Lengths that lie (issue 11's fuzzing found the decoders trusted them): the
 * same forged bytes go through real calls, so strace's reading of them and
 * ours are compared. The kernel refuses or ignores each; only the lines matter.
 */
static void probe_forged(void)
{
	/* nlmsg_len 0xfffffffd aligns to 0 in 32 bits: strace prints one message and stops */
	int fd = t_socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	struct sockaddr_nl kernel;
	memset(&kernel, 0, sizeof kernel);
	kernel.nl_family = AF_NETLINK;
	t_bind(fd, (struct sockaddr *)&kernel, sizeof kernel);   /* so strace knows the protocol */
	uint32_t words[12];
	memset(words, 0, sizeof words);
	struct nlmsghdr *h = (struct nlmsghdr *)words;
	h->nlmsg_len = 0xfffffffd;
	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_seq = 7;
	t_sendto(fd, words, sizeof words, MSG_DONTWAIT, (struct sockaddr *)&kernel, sizeof kernel);
	/* NLMSG_ERROR carrying error = INT_MIN, a number no errno negates to */
	memset(words, 0, sizeof words);
	h->nlmsg_len = NLMSG_HDRLEN + 4 + NLMSG_HDRLEN;
	h->nlmsg_type = NLMSG_ERROR;
	words[4] = 0x80000000u;
	struct nlmsghdr *inner = (struct nlmsghdr *)&words[5];
	inner->nlmsg_len = NLMSG_HDRLEN;
	inner->nlmsg_type = RTM_GETADDR;
	t_sendto(fd, words, h->nlmsg_len, MSG_DONTWAIT, (struct sockaddr *)&kernel, sizeof kernel);
	t_close(fd);

	/* a sockaddr_in6 of 25 bytes: one byte of sin6_scope_id is there, the rest is not */
	fd = t_socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a6 = probe_in6("::1", 0);
	a6.sin6_scope_id = 0x01020304;
	t_bind(fd, (struct sockaddr *)&a6, 25);
	t_close(fd);

	/* cmsg_len past msg_controllen, and bytes after a message too few for a header */
	int sv[2];
	if (t_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return;
	union {
		struct cmsghdr align;
		unsigned char b[CMSG_SPACE(2 * sizeof(int)) + 10];
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct cmsghdr *c = &ctl.align;
	c->cmsg_len = 4096;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	int fds[2] = { sv[0], sv[1] };
	memcpy(CMSG_DATA(c), fds, sizeof fds);
	char data[] = "forged";
	struct iovec iov = { data, sizeof data - 1 };
	struct msghdr msg;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.b;
	msg.msg_controllen = CMSG_SPACE(sizeof fds);
	t_sendmsg(sv[0], &msg, MSG_DONTWAIT);
	c->cmsg_len = CMSG_LEN(sizeof fds);
	msg.msg_controllen = sizeof ctl.b;
	t_sendmsg(sv[0], &msg, MSG_DONTWAIT);
	c->cmsg_len = 3;   /* shorter than its own header: the walk cannot go on */
	t_sendmsg(sv[0], &msg, MSG_DONTWAIT);
	t_close(sv[0]);
	t_close(sv[1]);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "o:s:xv")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 's': decode_opts.strsize = atoi(optarg); break;
		case 'x': decode_opts.xflag++; break;
		case 'v': decode_opts.verbose = 1; break;
		default:
			fprintf(stderr, "usage: %s [-o FILE] [-s N] [-x|-xx] [-v]\n", argv[0]);
			return 2;
		}
	}
	if (decode_opts.xflag > 2)
		decode_opts.xflag = 2;
	if (out) {
		trace_cfg.out = fopen(out, "w");
		if (!trace_cfg.out) {
			perror(out);
			return 1;
		}
		trace_cfg.to_file = 1;
	}
	snprintf(probe_dir, sizeof probe_dir, "/tmp/sockfam-probe-XXXXXX");
	if (!mkdtemp(probe_dir)) {
		perror("mkdtemp");
		return 1;
	}

	probe_tcp4();
	probe_udp4();
	probe_inet6();
	probe_unix_stream();
	probe_unix_dgram_seq();
	probe_unix_abstract();
	probe_netlink();
	probe_forged();

	rmdir(probe_dir);
	if (trace_cfg.out)
		fclose(trace_cfg.out);
	return 0;
}
