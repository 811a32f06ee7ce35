/*
 * AF_INET6: IPv6, over TCP (SOCK_STREAM) and UDP (SOCK_DGRAM).
 *
 * What changes from AF_INET: a sockaddr_in6 of 28 bytes (port, flow info,
 * the 16-byte address and a scope id naming the interface of a link-local
 * address), and dual stack: a socket bound to :: also accepts IPv4 clients,
 * which appear as ::ffff:a.b.c.d, unless IPV6_V6ONLY is set (--v6only).
 *
 * An address is numeric (inet_pton: no resolver, no hidden socket); a scope
 * is written fe80::1%lo or fe80::1%1 and looked up in /sys/class/net, since
 * if_nametoindex() would open a socket of its own.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../common/trace.h"
#include "../common/i18n.h"
#include "families.h"
#include "ipopts.h"

#define F_V6ONLY 1UL   /* s->fam_flags: --v6only */

static const struct sock_kind inet6_kinds[] = {
	{ "tcp", "TCP over IPv6", SOCK_STREAM, 0 },
	{ "udp", "UDP over IPv6", SOCK_DGRAM, 0 },
	{ NULL, NULL, 0, 0 },
};

/* The index of interface `name` from sysfs; 0 when there is none. */
static unsigned ifindex_of(const char *name)
{
	char path[128];
	unsigned idx = 0;
	if (!*name || strlen(name) >= 16 || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	snprintf(path, sizeof path, "/sys/class/net/%s/ifindex", name);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &idx) != 1)
		idx = 0;
	fclose(f);
	return idx;
}

/* The name of interface `index` from sysfs; -1 when there is none. */
static int ifname_of(unsigned index, char *name, size_t size)
{
	DIR *d = opendir("/sys/class/net");
	int found = -1;
	if (!d)
		return -1;
	struct dirent *e;
	while (found < 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.' && ifindex_of(e->d_name) == index && strlen(e->d_name) < size) {
			snprintf(name, size, "%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static int inet6_resolve(struct session *s, const char *addr, int port, struct sbuf *err)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->server.ss;
	char text[INET6_ADDRSTRLEN + 32];
	memset(&s->server, 0, sizeof s->server);
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)(port < 0 ? s->fam->default_port : port));
	if (!addr)
		addr = "::1";
	if (strlen(addr) >= sizeof text) {
		sb_printf(err, _("'%.40s...' is too long for an IPv6 address"), addr);
		return -1;
	}
	snprintf(text, sizeof text, "%s", addr);
	char *scope = strchr(text, '%');
	if (scope)
		*scope++ = '\0';
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) != 1) {
		struct in_addr a4;
		if (inet_pton(AF_INET, text, &a4) == 1)
			sb_printf(err, _("'%s' is an IPv4 address: use inet-%s, or write ::ffff:%s to "
				  "reach it over IPv6"), addr, s->role == ROLE_SERVER ? "server" : "client", text);
		else
			sb_printf(err, _("'%s' is not an IPv6 address: write it in hex groups like ::1 or "
				  "fe80::1%%lo (names are not looked up)"), addr);
		return -1;
	}
	if (scope) {
		long idx;
		if (!*scope) {
			sb_printf(err, _("'%s' has an empty scope: name an interface after %%, like fe80::1%%lo"), addr);
			return -1;
		}
		if (isdigit((unsigned char)*scope)) {
			char name[64];
			if (cli_number(scope, 1, 1L << 30, &idx) || ifname_of((unsigned)idx, name, sizeof name)) {
				sb_printf(err, _("bad scope in '%s': there is no interface number %s (see ip link)"),
					  addr, scope);
				return -1;
			}
		} else if (!(idx = ifindex_of(scope))) {
			sb_printf(err, _("bad scope in '%s': there is no interface '%s' (see ip link)"), addr, scope);
			return -1;
		}
		in6->sin6_scope_id = (uint32_t)idx;
	}
	s->server.len = sizeof *in6;
	return ipo_check(s, err);
}

/* a multicast group: any member may answer */
static int inet6_group_address(const struct session *s)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->server.ss;
	return s->kind->type == SOCK_DGRAM && IN6_IS_ADDR_MULTICAST(&in6->sin6_addr);
}

static void inet6_describe(const struct sockaddr *sa, socklen_t len, struct sbuf *out)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	char a[INET6_ADDRSTRLEN], ifname[64];
	if (len < sizeof *in6 || sa->sa_family != AF_INET6) {
		sb_puts(out, _("(no IPv6 address)"));
		return;
	}
	inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
	sb_puts(out, a);
	if (in6->sin6_scope_id) {
		if (ifname_of(in6->sin6_scope_id, ifname, sizeof ifname) == 0)
			sb_printf(out, "%%%s", ifname);
		else
			sb_printf(out, "%%%u", in6->sin6_scope_id);
	}
	sb_printf(out, " port %u", ntohs(in6->sin6_port));
	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
		sb_puts(out, _(" (an IPv4 address mapped into IPv6)"));
}

/* --v6only sets IPV6_V6ONLY; on :: without it, the server shows the dual-stack default. */
static int inet6_before_bind(struct session *s, int fd)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->server.ss;
	int v6only = 1;
	if (s->fam_flags & F_V6ONLY) {
		if (t_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0) {
			skel_fail(s, "setsockopt", errno, _("setting IPV6_V6ONLY"));
			return -1;
		}
		printf(_("%s: IPV6_V6ONLY set: IPv6 clients only\n"), s->prog);
	} else if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)) {
		socklen_t len = sizeof v6only;
		if (t_getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) == 0 && !v6only)
			printf(_("%s: IPV6_V6ONLY is 0: IPv4 clients are accepted too, as ::ffff:a.b.c.d\n"),
			       s->prog);
	}
	return 0;
}

static int opt_v6only(struct session *s, const char *arg, struct sbuf *err)
{
	(void)arg;
	(void)err;
	s->fam_flags |= F_V6ONLY;
	return 0;
}

static const char *inet6_explain(const struct session *s, const char *call, int err)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->server.ss;
	if (!strcmp(call, "bind") && err == EADDRNOTAVAIL)
		return IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)
			       ? _("that link-local address is not on that interface (see ip -6 addr)")
			       : _("that address does not belong to this machine (see ip -6 addr)");
	if (!strcmp(call, "bind") && err == EINVAL && IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
		return _("a link-local address needs a scope: add %INTERFACE, like fe80::1%lo");
	if (!strcmp(call, "connect") && (err == ENETUNREACH || err == EINVAL) &&
	    IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
		return in6->sin6_scope_id ? _("no route to that link-local address on that interface")
					  : _("a link-local address needs a scope: add %INTERFACE, like fe80::1%lo");
	return ipo_explain(s, call, err);
}

/* bin/compare: IPv6 loopback and a port the kernel picks, so runs never collide. */
static int inet6_test_address(const struct sock_kind *k, const char *dir, int n,
			      struct sbuf *addr, int *port, struct sbuf *err)
{
	(void)k, (void)dir, (void)n, (void)err;
	sb_puts(addr, "::1");
	*port = 0;
	return 0;
}

static const struct fam_option inet6_options[] = {
	{ "v6only", NULL, N_("set IPV6_V6ONLY: refuse IPv4 clients on ::"), ROLE_SERVER, opt_v6only, 0 },
	{ "join", "GROUP", N_("-u: join the multicast GROUP (IPV6_ADD_MEMBERSHIP, also called IPV6_JOIN_GROUP) "
	  "after bind"), ROLE_SERVER, ipo_join6, 0 },
	{ "ttl", "HOPS", N_("-u: IPV6_MULTICAST_HOPS, how many routers a multicast datagram may cross (default 1)"),
	  ROLE_CLIENT, ipo_ttl, 0 },
	{ "no-loop", NULL, N_("-u: IPV6_MULTICAST_LOOP 0: our own host does not get our multicast datagrams"),
	  ROLE_CLIENT, ipo_no_loop, 0 },
	{ "dont-fragment", NULL, N_("-u: IPV6_MTU_DISCOVER IPV6_PMTUDISC_DO: never fragment; a datagram larger "
	  "than the MTU fails with EMSGSIZE"), ROLE_CLIENT, ipo_dont_fragment, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};

const struct family family_inet6 = {
	.name = "inet6",
	.title = N_("AF_INET6 (IPv6)"),
	.domain = AF_INET6,
	.kinds = inet6_kinds,
	.addr_help = N_("IPv6 address, fe80::1%lo for a scope (default ::1; :: for all, IPv4 too)"),
	.default_port = 2345,
	.max_dgram = 65536,
	.reuseaddr = 1,
	.nodelay = 1,
	.resolve = inet6_resolve,
	.describe = inet6_describe,
	.server_before_bind = inet6_before_bind,
	.explain = inet6_explain,
	.options = inet6_options,
	.client_before_connect = ipo_client_before,
	.server_after_bind = ipo_server_after_bind,
	.group_address = inet6_group_address,
	.addr_size = sizeof(struct sockaddr_in6),
	.foreign_address = "2001:db8::1",   /* the documentation prefix, RFC 3849 */
	.test_address = inet6_test_address,
};
