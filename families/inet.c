/*
 * AF_INET: IPv4, over TCP (SOCK_STREAM) and UDP (SOCK_DGRAM).
 *
 * An address is a dotted quad (inet_pton: no octal, no host names, so no
 * resolver runs and no hidden socket is opened), the port a separate number.
 * A sockaddr_in is 16 bytes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "families.h"
#include "../common/cli.h"
#include "../common/trace.h"

/* The options of the inet programs (broadcast, multicast, fragmentation:
 * best seen across bin/lab hosts). Flags in s->fam_flags, values here: one
 * session per process. */
enum { F_BROADCAST = 1, F_NO_LOOP = 2, F_DONT_FRAGMENT = 4 };
static struct in_addr join_group;   /* --join: 0 when not given */
static long mcast_ttl = -1;         /* --ttl */

static const struct sock_kind inet_kinds[] = {
	{ "tcp", "TCP", SOCK_STREAM, 0 },
	{ "udp", "UDP", SOCK_DGRAM, 0 },
	{ NULL, NULL, 0, 0 },
};

static int inet_resolve(struct session *s, const char *addr, int port, struct sbuf *err)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&s->server.ss;
	memset(&s->server, 0, sizeof s->server);
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)(port < 0 ? s->fam->default_port : port));
	if (!addr)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &in->sin_addr) != 1) {
		struct in6_addr a6;
		if (inet_pton(AF_INET6, addr, &a6) == 1)
			sb_printf(err, "'%s' is an IPv6 address: use inet6-%s", addr,
				  s->role == ROLE_SERVER ? "server" : "client");
		else
			sb_printf(err, "'%s' is not an IPv4 address: write four numbers 0-255 "
				  "without leading zeros, like 127.0.0.1 (names are not looked up)", addr);
		return -1;
	}
	s->server.len = sizeof *in;
	if (join_group.s_addr && s->kind->type != SOCK_DGRAM) {
		sb_printf(err, "--join needs -u: a TCP socket does not receive multicast");
		return -1;
	}
	return 0;
}

static int opt_flag(struct session *s, unsigned long flag)
{
	s->fam_flags |= flag;
	return 0;
}
static int opt_broadcast(struct session *s, const char *a, struct sbuf *e) { (void)a, (void)e; return opt_flag(s, F_BROADCAST); }
static int opt_no_loop(struct session *s, const char *a, struct sbuf *e) { (void)a, (void)e; return opt_flag(s, F_NO_LOOP); }
static int opt_dont_fragment(struct session *s, const char *a, struct sbuf *e)
{
	(void)a, (void)e;
	return opt_flag(s, F_DONT_FRAGMENT);
}

static int opt_join(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	if (inet_pton(AF_INET, arg, &join_group) != 1 || !IN_MULTICAST(ntohl(join_group.s_addr))) {
		join_group.s_addr = 0;
		sb_printf(err, "invalid --join '%s': give an IPv4 multicast group, 224.0.0.0 to 239.255.255.255", arg);
		return -1;
	}
	return 0;
}

static int opt_ttl(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	if (cli_number(arg, 0, 255, &mcast_ttl)) {
		sb_printf(err, "invalid --ttl '%s': give a number of hops, 0 to 255", arg);
		return -1;
	}
	return 0;
}

static int set_int(struct session *s, int fd, int level, int name, int value, const char *what)
{
	if (t_setsockopt(fd, level, name, &value, sizeof value) == 0)
		return 0;
	fprintf(stderr, "%s: %s: %s (%s)\n", s->prog, what, strerror(errno), strerrorname_np(errno));
	return -1;
}

/* The client's socket before its first datagram goes. */
static int inet_client_before(struct session *s, int fd)
{
	if ((s->fam_flags & F_BROADCAST) && set_int(s, fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST"))
		return -1;
	if (mcast_ttl >= 0 && set_int(s, fd, IPPROTO_IP, IP_MULTICAST_TTL, (int)mcast_ttl, "IP_MULTICAST_TTL"))
		return -1;
	if ((s->fam_flags & F_NO_LOOP) && set_int(s, fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"))
		return -1;
	/* DF on every packet: a datagram larger than the path's MTU is refused with EMSGSIZE */
	if ((s->fam_flags & F_DONT_FRAGMENT) &&
	    set_int(s, fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER"))
		return -1;
	return 0;
}

/* The server's socket once bound: the group joined on the interface the
 * routing table picks for it (imr_interface 0.0.0.0). */
static int inet_server_after_bind(struct session *s, int fd)
{
	if (!join_group.s_addr)
		return 0;
	struct ip_mreq m = { join_group, { htonl(INADDR_ANY) } };
	if (t_setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) < 0) {
		fprintf(stderr, "%s: joining %s: %s (%s)\n", s->prog, inet_ntoa(join_group), strerror(errno),
			strerrorname_np(errno));
		return -1;
	}
	printf("%s: joined the multicast group %s\n", s->prog, inet_ntoa(join_group));
	return 0;
}

/* a multicast group, or (with --broadcast) a broadcast address */
static int inet_group_address(const struct session *s)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)&s->server.ss;
	return s->kind->type == SOCK_DGRAM &&
	       (IN_MULTICAST(ntohl(in->sin_addr.s_addr)) || (s->fam_flags & F_BROADCAST));
}

static const char *inet_explain(const struct session *s, const char *call, int err)
{
	(void)s;
	if (err == EACCES && !strcmp(call, "sendto"))
		return "a broadcast address needs SO_BROADCAST: add --broadcast";
	if (err == EMSGSIZE)
		return "larger than the path's MTU, and --dont-fragment forbids fragments";
	return NULL;
}

static const struct fam_option inet_options[] = {
	{ "broadcast", NULL, "-u: set SO_BROADCAST, so a datagram may go to a broadcast address "
	  "(192.0.2.255, 255.255.255.255); without it sendto fails with EACCES", ROLE_CLIENT, opt_broadcast, 0 },
	{ "join", "GROUP", "-u: join the multicast GROUP (IP_ADD_MEMBERSHIP) after bind", ROLE_SERVER, opt_join, 0 },
	{ "ttl", "HOPS", "-u: IP_MULTICAST_TTL, how many routers a multicast datagram may cross (default 1)",
	  ROLE_CLIENT, opt_ttl, 0 },
	{ "no-loop", NULL, "-u: IP_MULTICAST_LOOP 0: our own host does not get our multicast datagrams",
	  ROLE_CLIENT, opt_no_loop, 0 },
	{ "dont-fragment", NULL, "-u: IP_MTU_DISCOVER IP_PMTUDISC_DO: never fragment; a datagram larger than "
	  "the MTU fails with EMSGSIZE", ROLE_CLIENT, opt_dont_fragment, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};

static void inet_describe(const struct sockaddr *sa, socklen_t len, struct sbuf *out)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
	char a[INET_ADDRSTRLEN];
	if (len < sizeof *in || sa->sa_family != AF_INET) {
		sb_puts(out, "(no IPv4 address)");
		return;
	}
	inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
	sb_printf(out, "%s port %u", a, ntohs(in->sin_port));
}

/* bin/compare: loopback and a port the kernel picks, so runs never collide. */
static int inet_test_address(const struct sock_kind *k, const char *dir, int n,
			     struct sbuf *addr, int *port, struct sbuf *err)
{
	(void)k, (void)dir, (void)n, (void)err;
	sb_puts(addr, "127.0.0.1");
	*port = 0;
	return 0;
}

const struct family family_inet = {
	.name = "inet",
	.title = "AF_INET (IPv4)",
	.domain = AF_INET,
	.kinds = inet_kinds,
	.addr_help = "IPv4 address (default 127.0.0.1)",
	.default_port = 2345,
	.max_dgram = 65536,
	.reuseaddr = 1,
	.nodelay = 1,
	.resolve = inet_resolve,
	.describe = inet_describe,
	.explain = inet_explain,
	.options = inet_options,
	.client_before_connect = inet_client_before,
	.server_after_bind = inet_server_after_bind,
	.group_address = inet_group_address,
	.addr_size = sizeof(struct sockaddr_in),
	.test_address = inet_test_address,
};
