/*
 * ipopts: the options inet and inet6 share: multicast (--join, --ttl,
 * --no-loop) and fragmentation (--dont-fragment), with each IP version's
 * names for the same socket options in one table row, and --broadcast
 * (IPv4 only: IPv6 has no broadcast).
 */
#define _GNU_SOURCE
#include "ipopts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "../common/cli.h"
#include "../common/i18n.h"
#include "../common/trace.h"

/* One session per process: the values live here, the flags in s->fam_flags. */
static struct in6_addr group;   /* --join; an IPv4 group in its first 4 bytes */
static int joined;
static long hops = -1;          /* --ttl */

struct ip_names {
	int domain, level;
	int hops, loop, mtu_discover, pmtudisc_do, join;
	const char *hops_name, *loop_name, *mtu_name, *join_name;
};
static const struct ip_names names[] = {
	{ AF_INET, IPPROTO_IP, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_MTU_DISCOVER, IP_PMTUDISC_DO,
	  IP_ADD_MEMBERSHIP, "IP_MULTICAST_TTL", "IP_MULTICAST_LOOP", "IP_MTU_DISCOVER", "IP_ADD_MEMBERSHIP" },
	{ AF_INET6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO,
	  IPV6_ADD_MEMBERSHIP, "IPV6_MULTICAST_HOPS", "IPV6_MULTICAST_LOOP", "IPV6_MTU_DISCOVER",
	  "IPV6_ADD_MEMBERSHIP" },
};

static const struct ip_names *names_of(const struct session *s)
{
	return &names[s->fam->domain == AF_INET6];
}

static int flag(struct session *s, unsigned long f)
{
	s->fam_flags |= f;
	return 0;
}
int ipo_broadcast(struct session *s, const char *a, struct sbuf *e) { (void)a, (void)e; return flag(s, IPO_BROADCAST); }
int ipo_no_loop(struct session *s, const char *a, struct sbuf *e) { (void)a, (void)e; return flag(s, IPO_NO_LOOP); }
int ipo_dont_fragment(struct session *s, const char *a, struct sbuf *e)
{
	(void)a, (void)e;
	return flag(s, IPO_DONT_FRAGMENT);
}

int ipo_ttl(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	if (cli_number(arg, 0, 255, &hops)) {
		sb_printf(err, _("invalid --ttl '%s': give a number of hops, 0 to 255"), arg);
		return -1;
	}
	return 0;
}

int ipo_join4(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	struct in_addr a;
	if (inet_pton(AF_INET, arg, &a) != 1 || !IN_MULTICAST(ntohl(a.s_addr))) {
		sb_printf(err, _("invalid --join '%s': give an IPv4 multicast group, 224.0.0.0 to 239.255.255.255"), arg);
		return -1;
	}
	memcpy(&group, &a, sizeof a);
	joined = 1;
	return 0;
}

int ipo_join6(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	if (inet_pton(AF_INET6, arg, &group) != 1 || !IN6_IS_ADDR_MULTICAST(&group)) {
		sb_printf(err, _("invalid --join '%s': give an IPv6 multicast group, ff00::/8 (like ff0e::1:2)"), arg);
		return -1;
	}
	joined = 1;
	return 0;
}

int ipo_check(const struct session *s, struct sbuf *err)
{
	if (joined && s->kind->type != SOCK_DGRAM) {
		sb_printf(err, _("--join needs -u: a TCP socket does not receive multicast"));
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

int ipo_client_before(struct session *s, int fd)
{
	const struct ip_names *n = names_of(s);
	if ((s->fam_flags & IPO_BROADCAST) && set_int(s, fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST"))
		return -1;
	if (hops >= 0 && set_int(s, fd, n->level, n->hops, (int)hops, n->hops_name))
		return -1;
	if ((s->fam_flags & IPO_NO_LOOP) && set_int(s, fd, n->level, n->loop, 0, n->loop_name))
		return -1;
	/* DF on every packet: a datagram larger than the path's MTU is refused with EMSGSIZE */
	if ((s->fam_flags & IPO_DONT_FRAGMENT) && set_int(s, fd, n->level, n->mtu_discover, n->pmtudisc_do, n->mtu_name))
		return -1;
	return 0;
}

/* The group joined on the interface the routing table picks for it
 * (imr_interface 0.0.0.0, ipv6mr_interface 0). */
int ipo_server_after_bind(struct session *s, int fd)
{
	if (!joined)
		return 0;
	const struct ip_names *n = names_of(s);
	struct ip_mreq m4 = { .imr_interface = { htonl(INADDR_ANY) } };
	struct ipv6_mreq m6 = { .ipv6mr_multiaddr = group };
	memcpy(&m4.imr_multiaddr, &group, sizeof m4.imr_multiaddr);
	int v6 = n->domain == AF_INET6;
	char text[INET6_ADDRSTRLEN];
	inet_ntop(n->domain, &group, text, sizeof text);
	if (t_setsockopt(fd, n->level, n->join, v6 ? (void *)&m6 : (void *)&m4, v6 ? sizeof m6 : sizeof m4) < 0) {
		fprintf(stderr, "%s: %s %s: %s (%s)\n", s->prog, n->join_name, text, strerror(errno),
			strerrorname_np(errno));
		return -1;
	}
	printf(_("%s: joined the multicast group %s\n"), s->prog, text);
	return 0;
}

const char *ipo_explain(const struct session *s, const char *call, int err)
{
	if (err == EACCES && !strcmp(call, "sendto") && s->fam->domain == AF_INET && !(s->fam_flags & IPO_BROADCAST))
		return _("a broadcast address needs SO_BROADCAST: add --broadcast");
	if (err == EMSGSIZE && (s->fam_flags & IPO_DONT_FRAGMENT))
		return _("larger than the path's MTU, and --dont-fragment forbids fragments");
	return NULL;
}
