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

#include "../common/i18n.h"
#include "families.h"
#include "ipopts.h"

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
			sb_printf(err, _("'%s' is an IPv6 address: use inet6-%s"), addr,
				  s->role == ROLE_SERVER ? "server" : "client");
		else
			sb_printf(err, _("'%s' is not an IPv4 address: write four numbers 0-255 "
				  "without leading zeros, like 127.0.0.1 (names are not looked up)"), addr);
		return -1;
	}
	s->server.len = sizeof *in;
	return ipo_check(s, err);
}

/* a multicast group, or (with --broadcast) a broadcast address */
static int inet_group_address(const struct session *s)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)&s->server.ss;
	return s->kind->type == SOCK_DGRAM &&
	       (IN_MULTICAST(ntohl(in->sin_addr.s_addr)) || (s->fam_flags & IPO_BROADCAST));
}

static const struct fam_option inet_options[] = {
	{ "broadcast", NULL, N_("-u: set SO_BROADCAST, so a datagram may go to a broadcast address "
	  "(192.0.2.255, 255.255.255.255); without it sendto fails with EACCES"), ROLE_CLIENT, ipo_broadcast, 0 },
	{ "join", "GROUP", N_("-u: join the multicast GROUP (IP_ADD_MEMBERSHIP) after bind"), ROLE_SERVER, ipo_join4, 0 },
	{ "ttl", "HOPS", N_("-u: IP_MULTICAST_TTL, how many routers a multicast datagram may cross (default 1)"),
	  ROLE_CLIENT, ipo_ttl, 0 },
	{ "no-loop", NULL, N_("-u: IP_MULTICAST_LOOP 0: our own host does not get our multicast datagrams"),
	  ROLE_CLIENT, ipo_no_loop, 0 },
	{ "dont-fragment", NULL, N_("-u: IP_MTU_DISCOVER IP_PMTUDISC_DO: never fragment; a datagram larger than "
	  "the MTU fails with EMSGSIZE"), ROLE_CLIENT, ipo_dont_fragment, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};

static void inet_describe(const struct sockaddr *sa, socklen_t len, struct sbuf *out)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
	char a[INET_ADDRSTRLEN];
	if (len < sizeof *in || sa->sa_family != AF_INET) {
		sb_puts(out, _("(no IPv4 address)"));
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
	.title = N_("AF_INET (IPv4)"),
	.domain = AF_INET,
	.kinds = inet_kinds,
	.addr_help = N_("IPv4 address (default 127.0.0.1)"),
	.default_port = 2345,
	.max_dgram = 65536,
	.reuseaddr = 1,
	.nodelay = 1,
	.resolve = inet_resolve,
	.describe = inet_describe,
	.explain = ipo_explain,
	.options = inet_options,
	.client_before_connect = ipo_client_before,
	.server_after_bind = ipo_server_after_bind,
	.group_address = inet_group_address,
	.addr_size = sizeof(struct sockaddr_in),
	.foreign_address = "192.0.2.1",   /* TEST-NET-1, RFC 5737 */
	.test_address = inet_test_address,
};
