/*
 * AF_NETLINK: the family where the kernel is the server.
 *
 * The skeleton's steps that remain: socket -> bind -> sendto -> recvfrom,
 * and close. There is no connect (the peer is always the kernel, port id 0,
 * so every sendto names it), no listen and no accept (the kernel does not
 * queue connections: it answers each request datagram at once, or sends
 * event datagrams to the groups a socket joined at bind).
 *
 * Netlink practice, each visible in the trace:
 *  - bind before the first send (nl_pid 0: the kernel picks our port id),
 *    then getsockname to learn it, so replies can be checked against it;
 *  - NETLINK_EXT_ACK, so an NLMSG_ERROR carries the kernel's reason text;
 *    NETLINK_GET_STRICT_CHK, so a dump filter the kernel cannot apply is
 *    refused instead of silently ignored;
 *  - recvfrom with MSG_TRUNC into a 32 KiB buffer: the return value is the
 *    datagram's real size, so a truncated reply is noticed, never parsed;
 *  - each reply is accepted only from nl_pid 0 in the address recvfrom
 *    returns (a header's nlmsg_pid can be forged by any process), with our
 *    port id and the request's sequence number in its header;
 *  - every request either dumps (ends with NLMSG_DONE) or asks for an ack
 *    (NLM_F_ACK): the answer always has an end, so nothing waits forever.
 *
 * libmnl builds the messages and parses the attributes; the socket calls
 * go through the trace layer on a plain fd.
 */
#define _GNU_SOURCE
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/i18n.h"
#include "../common/io.h"
#include "../common/skeleton.h"
#include "../common/trace.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nl_query nl_query = { .af = AF_UNSPEC, .sock_family = AF_UNSPEC };

/* ---- transport ------------------------------------------------------------ */

int nl_setup(struct nl_sock *ns, int fd, int protocol, uint32_t groups, const char *prog)
{
	memset(ns, 0, sizeof *ns);
	ns->fd = fd;
	ns->protocol = protocol;
	ns->prog = prog;
	ns->size = NL_BUFSIZE;
	ns->buf = malloc(ns->size);
	if (!ns->buf)
		return -1;
	int one = 1;
	/* Both are optional on old kernels: without them errors have no text and
	 * filters may be ignored, which the answer then shows. */
	t_setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
	if (protocol == NETLINK_ROUTE)
		t_setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
	struct sockaddr_nl me = { .nl_family = AF_NETLINK, .nl_pid = 0, .nl_groups = groups };
	if (t_bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
		fprintf(stderr, "%s: bind: %s (%s)\n", prog, strerror(errno), strerrorname_np(errno));
		return -1;
	}
	socklen_t len = sizeof me;
	if (t_getsockname(fd, (struct sockaddr *)&me, &len) < 0) {
		fprintf(stderr, "%s: getsockname: %s\n", prog, strerror(errno));
		return -1;
	}
	ns->portid = me.nl_pid;
	return 0;
}

void nl_free(struct nl_sock *ns)
{
	free(ns->buf);
	ns->buf = NULL;
}

static int extack_cb(const struct nlattr *a, void *data)
{
	struct nl_error *e = data;
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(e->msg, sizeof e->msg, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* The errno a kernel's negative error code stands for; a value no errno
 * negates to (positive, INT_MIN, below -4095: a forged or broken reply) is
 * EBADMSG rather than a negation that overflows. */
static int nl_errno(int code)
{
	return code < 0 && code > -4096 ? -code : EBADMSG;
}

/* An NLMSG_ERROR: 0 for an ack, else the errno and the extended-ack text. */
static int parse_error(const struct nlmsghdr *h, struct nl_error *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(h);
	if (mnl_nlmsg_get_payload_len(h) < sizeof(int)) {
		e->err = EBADMSG;
		return -1;
	}
	if (err->error == 0)
		return 0;
	e->call = "kernel";
	e->err = nl_errno(err->error);
	e->msg[0] = '\0';
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && mnl_nlmsg_get_payload_len(h) >= sizeof *err) {
		size_t off = sizeof(int) + ((h->nlmsg_flags & NLM_F_CAPPED) ? sizeof(struct nlmsghdr)
									: err->msg.nlmsg_len);
		size_t plen = mnl_nlmsg_get_payload_len(h);
		if (off < plen)
			mnl_attr_parse_payload((const char *)err + off, plen - off, extack_cb, e);
	}
	return -1;
}

int nl_transact(struct nl_sock *ns, struct nlmsghdr *req, nl_msg_cb cb, void *data, struct nl_error *e)
{
	memset(e, 0, sizeof *e);
	int dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	req->nlmsg_flags |= NLM_F_REQUEST | (dump ? 0 : NLM_F_ACK);
	req->nlmsg_seq = ++ns->seq;
	req->nlmsg_pid = 0;
	ns->interrupted = 0;

	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (t_sendto(ns->fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
		e->call = "sendto";
		e->err = errno;
		return -1;
	}
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof from;
		ssize_t n = t_recvfrom(ns->fd, ns->buf, ns->size, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR && !io_stop)
			continue;
		if (n < 0) {
			e->call = "recvfrom";
			e->err = errno;
			return -1;
		}
		if ((size_t)n > ns->size) {
			e->call = "recvfrom";
			e->err = EMSGSIZE;
			e->truncated = (size_t)n;
			return -1;
		}
		if (fromlen < sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0) {
			fprintf(stderr, _("%s: ignored a datagram from port id %u: only the kernel (0) answers\n"),
				ns->prog, from.nl_pid);
			continue;
		}
		int len = (int)n;
		for (const struct nlmsghdr *h = (const void *)ns->buf; nl_msg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_pid != ns->portid || h->nlmsg_seq != req->nlmsg_seq) {
				fprintf(stderr, _("%s: ignored a message for port id %u, sequence %u "
						  "(we are %u, waiting for %u)\n"), ns->prog, h->nlmsg_pid,
					h->nlmsg_seq, ns->portid, req->nlmsg_seq);
				continue;
			}
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				ns->interrupted = 1;
			switch (h->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				return parse_error(h, e);
			case NLMSG_DONE:
				if (mnl_nlmsg_get_payload_len(h) >= sizeof(int)) {
					int rc = *(const int *)mnl_nlmsg_get_payload(h);
					if (rc < 0) {
						e->call = "kernel";
						e->err = nl_errno(rc);
						return -1;
					}
				}
				return 0;
			default:
				if (cb && cb(h, data) < MNL_CB_OK) {
					e->call = "parse";
					e->err = EBADMSG;
					return -1;
				}
			}
		}
		if (len > 0)
			fprintf(stderr, _("%s: %d bytes at the end of a datagram are not a message\n"), ns->prog, len);
	}
}

/* What an errno from the kernel means for a netlink request. */
static const struct {
	int err;
	const char *text;
} nl_explanations[] = {
	{ EPERM, N_("not permitted: this needs CAP_NET_ADMIN (run it as root)") },
	{ EACCES, N_("access denied by the kernel") },
	{ ENODEV, N_("no such interface") },
	{ ENOENT, N_("the kernel has nothing to answer this with (a module that is not loaded?)") },
	{ EOPNOTSUPP, N_("the kernel does not support this request") },
	{ EINVAL, N_("the kernel refused the request as invalid") },
	{ ENOBUFS, N_("the socket's receive buffer overflowed: messages were lost") },
	{ EMSGSIZE, N_("the reply is larger than our receive buffer") },
};

int nl_report(const struct nl_sock *ns, const char *what, const struct nl_error *e)
{
	const char *text = strerror(e->err);
	for (size_t i = 0; i < sizeof nl_explanations / sizeof nl_explanations[0]; i++)
		if (nl_explanations[i].err == e->err)
			text = _(nl_explanations[i].text);
	if (e->truncated)
		fprintf(stderr, _("%s: %s: a reply of %zu bytes did not fit into our %zu-byte buffer "
				  "(MSG_TRUNC); it was not parsed\n"), ns->prog, what, e->truncated, ns->size);
	else if (e->msg[0])
		fprintf(stderr, "%s: %s: %s: %s (%s)\n", ns->prog, what, text, e->msg,
			strerrorname_np(e->err) ? strerrorname_np(e->err) : "?");
	else
		fprintf(stderr, "%s: %s: %s%s%s (%s)\n", ns->prog, what,
			strcmp(e->call ? e->call : "", "kernel") ? e->call ? e->call : "" : "",
			strcmp(e->call ? e->call : "", "kernel") && e->call ? ": " : "", text,
			strerrorname_np(e->err) ? strerrorname_np(e->err) : "?");
	return 1;
}

/* ---- the family ------------------------------------------------------------- */

static const struct sock_kind netlink_kinds[] = {
	{ "route", "NETLINK_ROUTE", SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE },
	{ "sock_diag", "NETLINK_SOCK_DIAG", SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG },
	{ "generic", "NETLINK_GENERIC", SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC },
	{ NULL, NULL, 0, 0 },
};

/*
 * bin/compare's column: netlink-query's kinds all talk to the kernel, which
 * answers only requests it understands, so the comparison pairs two user
 * sockets on NETLINK_USERSOCK (a protocol no kernel subsystem uses): the same
 * socket(), bind(), sendto() and recvfrom() with a struct sockaddr_nl, whose
 * nl_pid is the port id the kernel assigns at bind (or at the first send).
 */
static const struct sock_kind netlink_compare_kinds[] = {
	{ "usersock", "NETLINK_USERSOCK", SOCK_RAW, NETLINK_USERSOCK },
	{ NULL, NULL, 0, 0 },
};

/*
 * The server (n 0) binds a port id of its own choosing, as a user-to-user
 * protocol's server would: 2^30 + our pid, a number the kernel never hands out
 * by itself (at bind with nl_pid 0, or at the first send, it gives the process's
 * pid if that is free, else a random negative one below -4096), so a closed
 * server's port id is not given to the next client. Clients (n >= 1) bind with nl_pid 0: the kernel assigns one.
 */
static int netlink_test_address(const struct sock_kind *k, const char *dir, int n,
				struct sbuf *addr, int *port, struct sbuf *err)
{
	(void)k, (void)dir, (void)addr, (void)err;
	*port = n == 0 ? (1 << 30) + (int)getpid() : 0;
	return 0;
}

static const char *netlink_compare_skip(const struct sock_kind *k, const char *scenario)
{
	(void)k;
	if (!strcmp(scenario, "trace"))
		return _("netlink has no server program in this suite (the kernel answers netlink-query): "
			 "see netlink-query's own trace");
	return NULL;
}

static const struct nl_cmd *find_cmd(const char *name)
{
	for (const struct nl_cmd *c = nl_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* An interface name as the kernel accepts it: 1-15 bytes, no '/', ':' or space. */
static int valid_ifname(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len >= 16 || !strcmp(n, ".") || !strcmp(n, ".."))
		return 0;
	return strcspn(n, "/: \t\n") == len;
}

static int netlink_resolve(struct session *s, const char *addr, int port, struct sbuf *err)
{
	(void)port;
	struct sockaddr_nl *nl = (struct sockaddr_nl *)&s->server.ss;
	memset(&s->server, 0, sizeof s->server);
	nl->nl_family = AF_NETLINK;   /* nl_pid 0: the kernel */
	s->server.len = sizeof *nl;
	s->priv = &nl_query;
	if (port >= 0) {
		/* bin/compare's test address (netlink_test_address): a port id, 0 for
		 * "the kernel assigns one at bind". The command line never gets here:
		 * default_port -1 makes it refuse -p. */
		nl->nl_pid = (uint32_t)port;
		return 0;
	}
	if (addr) {
		sb_puts(err, _("-a: a netlink socket has no address to pick: its peer is always the kernel"));
		return -1;
	}
	if (s->role == ROLE_SERVER) {
		/* the monitor binds to the event groups */
		nl->nl_groups = NL_MONITOR_GROUPS;
		s->kind = &netlink_kinds[0];
		return 0;
	}
	if (s->nmessages < 1) {
		sb_puts(err, _("which question? links, addrs, routes, neigh, sockets or families"));
		return -1;
	}
	const struct nl_cmd *cmd = find_cmd(s->messages[0]);
	if (!cmd) {
		sb_printf(err, _("unknown subcommand '%s': use links, addrs, routes, neigh, sockets or families"),
			  s->messages[0]);
		return -1;
	}
	nl_query.cmd = cmd;
	if (s->nmessages > 2 || (s->nmessages == 2 && !cmd->takes_ifname)) {
		sb_printf(err, _("unexpected argument '%s' after '%s'"), s->messages[s->nmessages - 1], cmd->name);
		return -1;
	}
	if (s->nmessages == 2) {
		if (!valid_ifname(s->messages[1])) {
			sb_printf(err, _("'%s' is not an interface name (1-15 bytes, no '/', ':' or spaces)"),
				  s->messages[1]);
			return -1;
		}
		nl_query.ifname = s->messages[1];
	}
	if (nl_query.af != AF_UNSPEC && strcmp(cmd->name, "addrs") && strcmp(cmd->name, "routes") &&
	    strcmp(cmd->name, "neigh")) {
		sb_printf(err, _("-4/-6 apply to addrs, routes and neigh, not to %s"), cmd->name);
		return -1;
	}
	if ((nl_query.listening || nl_query.sock_family != AF_UNSPEC || nl_query.sock_proto) &&
	    strcmp(cmd->name, "sockets")) {
		sb_printf(err, _("--listening, --family and --proto apply to sockets, not to %s"), cmd->name);
		return -1;
	}
	if (nl_query.sock_proto && nl_query.sock_family == AF_UNIX) {
		sb_puts(err, _("--proto selects inet sockets; it does not go with --family unix"));
		return -1;
	}
	for (const struct sock_kind *k = netlink_kinds; k->name; k++)
		if (k->protocol == cmd->protocol)
			s->kind = k;
	return 0;
}

static void netlink_describe(const struct sockaddr *sa, socklen_t len, struct sbuf *out)
{
	const struct sockaddr_nl *nl = (const struct sockaddr_nl *)sa;
	if (len < sizeof *nl || sa->sa_family != AF_NETLINK) {
		sb_puts(out, _("(no netlink address)"));
		return;
	}
	if (nl->nl_pid == 0)
		sb_puts(out, _("the kernel (port id 0)"));   /* a port id itself, like a port, stays as it is */
	else
		sb_printf(out, "port id %u", nl->nl_pid);
	if (nl->nl_groups)
		sb_printf(out, ", groups %#x", nl->nl_groups);
}

/* The client: options, bind, getsockname, then the subcommand's requests. */
static struct nl_sock client_sock;

static int netlink_client_bind(struct session *s, int fd)
{
	return nl_setup(&client_sock, fd, s->kind->protocol, 0, s->prog);
}

static int netlink_client_exchange(struct session *s, int fd)
{
	(void)fd;
	const struct nl_query *q = s->priv;
	int rc = q->cmd->run(&client_sock, q);
	nl_free(&client_sock);
	return rc;
}

/* The monitor: a bigger receive buffer if asked, bind to the groups, read events. */
static int netlink_monitor_before_bind(struct session *s, int fd)
{
	const struct nl_query *q = s->priv;
	if (q->rcvbuf) {
		/* SO_RCVBUFFORCE may go beyond net.core.rmem_max: it needs CAP_NET_ADMIN */
		int v = (int)q->rcvbuf;
		if (t_setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) < 0) {
			skel_fail(s, "setsockopt", errno, _("forcing a receive buffer of %d bytes"), v);
			return -1;
		}
	}
	return 0;
}

static int netlink_monitor_serve(struct session *s, int fd)
{
	struct nl_sock ns;
	memset(&ns, 0, sizeof ns);
	ns.fd = fd;
	ns.protocol = s->kind->protocol;
	ns.prog = s->prog;
	ns.size = NL_BUFSIZE;
	ns.buf = malloc(ns.size);
	if (!ns.buf)
		return 1;
	int rc = nl_monitor(&ns, s->count);
	nl_free(&ns);
	return rc;
}

static const char *netlink_explain(const struct session *s, const char *call, int err)
{
	(void)s;
	(void)call;
	for (size_t i = 0; i < sizeof nl_explanations / sizeof nl_explanations[0]; i++)
		if (nl_explanations[i].err == err)
			return _(nl_explanations[i].text);
	return NULL;
}

static int opt_json(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s, (void)arg, (void)err;
	nl_query.json = 1;
	return 0;
}

static int opt_v4(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s, (void)arg;
	if (nl_query.af == AF_INET6) {
		sb_puts(err, _("-4 and -6 exclude each other (give neither for both)"));
		return -1;
	}
	nl_query.af = AF_INET;
	return 0;
}

static int opt_v6(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s, (void)arg;
	if (nl_query.af == AF_INET) {
		sb_puts(err, _("-4 and -6 exclude each other (give neither for both)"));
		return -1;
	}
	nl_query.af = AF_INET6;
	return 0;
}

static int opt_listening(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s, (void)arg, (void)err;
	nl_query.listening = 1;
	return 0;
}

static const struct { const char *name; int value; } sock_families[] = {
	{ "unix", AF_UNIX }, { "inet", AF_INET }, { "inet6", AF_INET6 },
}, sock_protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "raw", IPPROTO_RAW },
	{ "sctp", IPPROTO_SCTP }, { "dccp", IPPROTO_DCCP }, { "udplite", IPPROTO_UDPLITE },
	{ "mptcp", IPPROTO_MPTCP },
};

static int opt_family(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	for (size_t i = 0; i < sizeof sock_families / sizeof sock_families[0]; i++)
		if (!strcmp(arg, sock_families[i].name)) {
			nl_query.sock_family = sock_families[i].value;
			return 0;
		}
	sb_printf(err, _("unknown socket family '%s': use unix, inet or inet6"), arg);
	return -1;
}

static int opt_proto(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	for (size_t i = 0; i < sizeof sock_protos / sizeof sock_protos[0]; i++)
		if (!strcmp(arg, sock_protos[i].name)) {
			nl_query.sock_proto = sock_protos[i].value;
			return 0;
		}
	sb_printf(err, _("unknown protocol '%s': use tcp, udp, raw, sctp, dccp, udplite or mptcp"), arg);
	return -1;
}

static int opt_rcvbuf(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || v > (1L << 30)) {
		sb_printf(err, _("invalid receive buffer size '%s': give bytes, 1 to 1073741824"), arg);
		return -1;
	}
	nl_query.rcvbuf = v;
	return 0;
}

static const struct fam_option netlink_options[] = {
	{ "json", NULL, N_("print the answer as JSON instead of a table"), ROLE_CLIENT, opt_json, 0 },
	{ "ipv4", NULL, N_("addrs, routes, neigh: IPv4 only"), ROLE_CLIENT, opt_v4, '4' },
	{ "ipv6", NULL, N_("addrs, routes, neigh: IPv6 only"), ROLE_CLIENT, opt_v6, '6' },
	{ "listening", NULL, N_("sockets: listening (and unconnected) sockets only"), ROLE_CLIENT,
	  opt_listening, 0 },
	{ "family", "FAM", N_("sockets: unix, inet or inet6 only"), ROLE_CLIENT, opt_family, 0 },
	{ "proto", "PROTO", N_("sockets: inet sockets of tcp, udp, raw, sctp, dccp, udplite, mptcp"),
	  ROLE_CLIENT, opt_proto, 0 },
	{ "rcvbuf", "BYTES", N_("force the event socket's receive buffer (root; small values show ENOBUFS)"), ROLE_SERVER,
	  opt_rcvbuf, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};

const struct family family_netlink = {
	.name = "netlink",
	.title = "AF_NETLINK",
	.domain = AF_NETLINK,
	.verbose_arrays = 1,
	.count_help = N_("exit after COUNT events"),
	.kinds = netlink_kinds,
	.addr_help = NULL,       /* no -a: the peer of a netlink socket is always the kernel */
	.kind_from_operands = 1, /* no -k: the subcommand picks the netlink protocol */
	.default_port = -1,
	.max_dgram = NL_BUFSIZE,
	.reuseaddr = 0,
	.resolve = netlink_resolve,
	.describe = netlink_describe,
	.server_before_bind = netlink_monitor_before_bind,
	.client_before_connect = netlink_client_bind,
	.explain = netlink_explain,
	.options = netlink_options,
	.client_exchange = netlink_client_exchange,
	.server_serve = netlink_monitor_serve,
	.addr_size = sizeof(struct sockaddr_nl),
	.test_address = netlink_test_address,
	.compare_skip = netlink_compare_skip,
	.compare_kinds = netlink_compare_kinds,
	.client_operands = " SUBCOMMAND [IFNAME]",
	/* N_(): common/cli.c prints them through gettext */
	.client_intro =
		N_("Asks the kernel over netlink and prints the answer as a table, like ip and ss,\n"
		   "printing each socket system call it makes as strace would.\n\n"
		   "Subcommands:\n"
		   "  links [IFNAME]      network interfaces (ip link)\n"
		   "  addrs [IFNAME]      addresses (ip addr); -4 or -6 for one family\n"
		   "  routes              the main routing table (ip route); -4 (default) or -6\n"
		   "  neigh [IFNAME]      neighbour (ARP/NDP) entries (ip neigh); -4 or -6\n"
		   "  sockets             TCP, UDP and UNIX sockets via sock_diag (ss -a)\n"
		   "  families            generic netlink families (genl-ctrl-list)\n"),
	.server_intro =
		N_("Joins the rtnetlink groups for links, addresses, routes and neighbours and\n"
		   "prints each event the kernel sends, until Ctrl-C (or -n COUNT events),\n"
		   "printing each socket system call it makes as strace would.\n"),
};
