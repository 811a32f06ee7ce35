/* fdview: what a descriptor is (see fdview.h). */
#define _GNU_SOURCE
#include "fdview.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "decode.h"
#include "i18n.h"
#include "trace.h"

const char *fdview_prog = "sockfam";

/* ---- one warning, then bare numbers ------------------------------------------------ */

static int proc_gone;   /* /proc/self/fd could not be read: no decorations from then on */

static void warn_once(int *said, const char *what, int err)
{
	if (__atomic_exchange_n(said, 1, __ATOMIC_RELAXED))
		return;
	char line[512];
	int n = snprintf(line, sizeof line,
			 said == &proc_gone ? _("%s: warning: cannot read %s (%s): descriptors are shown as bare numbers\n")
					    : _("%s: warning: cannot read %s (%s): descriptors are shown without what that "
						"table says\n"),
			 fdview_prog, what, strerror(err));
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* ---- the /proc/net tables ------------------------------------------------------------ */

/* One table: its file, the column of the inode, and what a socket listed there is. */
struct proc_table {
	const char *file;      /* under /proc/self/net/ */
	int inode_col;         /* 0-based, blank-separated */
	int domain, type;      /* type 0: the line says (unix's Type, packet's Type) */
	void (*explain)(struct sbuf *sb, char **col, int ncol, const struct proc_table *t);
};

static int said_net;

/* The line of `t` whose inode column is `inode`, and the header line; 1 when
 * exactly one line has it (a second one would be a socket path with a newline
 * in it pretending: then nothing is believed), 0 when none, -1 when the table
 * cannot be read. */
static int proc_find(const struct proc_table *t, unsigned long inode, struct sbuf *line, struct sbuf *header)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/net/%s", t->file);
	FILE *f = fopen(path, "re");
	if (!f) {
		warn_once(&said_net, path, errno);
		return -1;
	}
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int found = 0, first = 1;
	while ((n = getline(&buf, &cap, f)) > 0) {
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			buf[--n] = '\0';   /* the kernel pads some tables' lines with blanks */
		if (first) {
			first = 0;
			if (header) {
				sb_reset(header);
				sb_putn(header, buf, (size_t)n);
			}
			continue;
		}
		/* the inode column, counted from the left */
		const char *p = buf;
		for (int c = 0; c < t->inode_col && *p; c++) {
			while (*p == ' ')
				p++;
			while (*p && *p != ' ')
				p++;
		}
		while (*p == ' ')
			p++;
		char *end;
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (errno || end == p || (*end && *end != ' ') || v != inode)
			continue;
		if (found++ == 0) {
			sb_reset(line);
			sb_putn(line, buf, (size_t)n);
		}
	}
	free(buf);
	fclose(f);
	return found == 1 ? 1 : 0;
}

/* Splits a copy of a line into at most max blank-separated columns; the last
 * keeps the rest of the line (a UNIX socket's path may hold blanks). */
static int split(char *s, char **col, int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		col[n++] = s;
		if (n == max)
			break;
		while (*s && *s != ' ')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* "0100007F:0929" (tcp) or the 32 hex digits of tcp6: the address as the
 * kernel stores it, each 32-bit word printed in host order, then the port. */
static int hex_endpoint(const char *s, int af, void *addr, unsigned *port)
{
	size_t words = af == AF_INET6 ? 4 : 1;
	uint32_t w[4];
	for (size_t i = 0; i < words; i++) {
		char part[9];
		memcpy(part, s + 8 * i, 8);
		part[8] = '\0';
		if (strlen(s) < 8 * (i + 1) || strspn(part, "0123456789abcdefABCDEF") != 8)
			return -1;
		w[i] = (uint32_t)strtoul(part, NULL, 16);
	}
	const char *colon = s + 8 * words;
	if (*colon != ':' || strspn(colon + 1, "0123456789abcdefABCDEF") != 4)
		return -1;
	memcpy(addr, w, 4 * words);
	*port = (unsigned)strtoul(colon + 1, NULL, 16);
	return 0;
}

/* strace's inet form: NAME:[src:port] or NAME:[src:port->dst:port], IPv6 in []. */
static void inet_details(struct sbuf *sb, const char *name, int af, const void *src, unsigned sport,
			 const void *dst, unsigned dport)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	static const unsigned char zero[16];
	const char *ob = af == AF_INET6 ? "[" : "", *cb = af == AF_INET6 ? "]" : "";
	inet_ntop(af, src, s, sizeof s);
	sb_printf(sb, "%s:[%s%s%s:%u", name, ob, s, cb, sport);
	if (dport || memcmp(dst, zero, af == AF_INET6 ? 16 : 4)) {
		inet_ntop(af, dst, d, sizeof d);
		sb_printf(sb, "->%s%s%s:%u", ob, d, cb, dport);
	}
	sb_putc(sb, ']');
}

static const char *const tcp_states[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1", [5] = "FIN_WAIT2",
	[6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK", [10] = "LISTEN",
	[11] = "CLOSING", [12] = "NEW_SYN_RECV", [13] = "BOUND_INACTIVE",
};

static void explain_inet(struct sbuf *sb, char **col, int ncol, const struct proc_table *t)
{
	unsigned char a[16], b[16];
	unsigned sp, dp;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	if (ncol < 4 || hex_endpoint(col[1], t->domain, a, &sp) || hex_endpoint(col[2], t->domain, b, &dp))
		return;
	inet_ntop(t->domain, a, s, sizeof s);
	inet_ntop(t->domain, b, d, sizeof d);
	unsigned long st = strtoul(col[3], NULL, 16);
	const char *state = st < sizeof tcp_states / sizeof tcp_states[0] && tcp_states[st] ? tcp_states[st] : "?";
	if (t->type == SOCK_RAW)
		sb_printf(sb, _("local_address %s = %s protocol %u, rem_address %s = %s protocol %u, st %s = %s\n"),
			  col[1], s, sp, col[2], d, dp, col[3], state);
	else
		sb_printf(sb, _("local_address %s = %s port %u, rem_address %s = %s port %u, st %s = %s\n"), col[1],
			  s, sp, col[2], d, dp, col[3], state);
}

static const char *const unix_states[] = { "SS_FREE", "SS_UNCONNECTED", "SS_CONNECTING", "SS_CONNECTED",
					   "SS_DISCONNECTING" };

static void explain_unix(struct sbuf *sb, char **col, int ncol, const struct proc_table *t)
{
	(void)t;
	if (ncol < 7)
		return;
	unsigned long type = strtoul(col[4], NULL, 16), st = strtoul(col[5], NULL, 16);
	unsigned long flags = strtoul(col[3], NULL, 16);
	const char *tn = xlat_name(xlat_sock_type, type);
	const char *path = ncol > 7 ? col[7] : _("(none: not bound to a name)");
	if (flags & 0x10000)
		sb_printf(sb, _("Type %s = %s, St %s = %s, Flags %s = listening (__SO_ACCEPTCON), Path %s\n"), col[4],
			  tn ? tn : "?", col[5], st < 5 ? unix_states[st] : "?", col[3], path);
	else
		sb_printf(sb, _("Type %s = %s, St %s = %s, Flags %s, Path %s\n"), col[4], tn ? tn : "?", col[5],
			  st < 5 ? unix_states[st] : "?", col[3], path);
}

static void explain_netlink(struct sbuf *sb, char **col, int ncol, const struct proc_table *t)
{
	(void)t;
	if (ncol < 4)
		return;
	const char *pn = xlat_name(xlat_netlink_proto, strtoul(col[1], NULL, 10));
	if (strcmp(col[2], "0"))
		sb_printf(sb, _("Eth %s = %s, Pid %s = the port id, Groups %s\n"), col[1], pn ? pn : "?", col[2],
			  col[3]);
	else
		sb_printf(sb, _("Eth %s = %s, Pid %s = the port id (0: not bound yet), Groups %s\n"), col[1],
			  pn ? pn : "?", col[2], col[3]);
}

static void explain_packet(struct sbuf *sb, char **col, int ncol, const struct proc_table *t)
{
	(void)t;
	if (ncol < 5)
		return;
	const char *tn = xlat_name(xlat_sock_type, strtoul(col[2], NULL, 10));
	sb_printf(sb, _("Type %s = %s, Proto %s (ethertype, hex), Iface %s\n"), col[2], tn ? tn : "?", col[3], col[4]);
}

static const struct proc_table t_tcp = { "tcp", 9, AF_INET, SOCK_STREAM, explain_inet };
static const struct proc_table t_tcp6 = { "tcp6", 9, AF_INET6, SOCK_STREAM, explain_inet };
static const struct proc_table t_udp = { "udp", 9, AF_INET, SOCK_DGRAM, explain_inet };
static const struct proc_table t_udp6 = { "udp6", 9, AF_INET6, SOCK_DGRAM, explain_inet };
static const struct proc_table t_raw = { "raw", 9, AF_INET, SOCK_RAW, explain_inet };
static const struct proc_table t_raw6 = { "raw6", 9, AF_INET6, SOCK_RAW, explain_inet };
static const struct proc_table t_unix = { "unix", 6, AF_UNIX, 0, explain_unix };
static const struct proc_table t_netlink = { "netlink", 9, AF_NETLINK, 0, explain_netlink };
static const struct proc_table t_packet = { "packet", 8, AF_PACKET, 0, explain_packet };

/* ---- sock_diag, for what /proc does not say ------------------------------------------ */

static struct {
	pthread_mutex_t lock;
	int fd;
	pid_t owner;   /* a child of fork() opens its own: the replies would go to either */
} diag = { PTHREAD_MUTEX_INITIALIZER, -1, 0 };

/* The socket, opened through the trace layer (so its line is in the trace). */
static int diag_fd_locked(void)
{
	pid_t me = getpid();
	if (diag.owner == me)
		return diag.fd;   /* -1: it failed once (no descriptor left...); not asked again */
	diag.fd = t_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
	diag.owner = me;
	return diag.fd;
}

/*
 * One question and its answers: the request goes with write(), the kernel
 * queues the answer before write() returns (and a dump's next part during
 * read()), so the reads never wait. Each message of the answer goes to
 * take(); it returns 1 to stop (found), 0 to go on. 1 when found.
 */
static int diag_ask(const void *req, size_t len, int (*take)(const struct nlmsghdr *h, void *ctx), void *ctx)
{
	pthread_mutex_lock(&diag.lock);
	int fd = diag_fd_locked(), found = 0;
	static char buf[32768] __attribute__((aligned(8)));
	if (fd >= 0 && write(fd, req, len) == (ssize_t)len) {
		for (int done = 0; !done && !found;) {
			ssize_t n = read(fd, buf, sizeof buf);
			if (n <= 0)
				break;
			for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, (size_t)n);
			     h = NLMSG_NEXT(h, n)) {
				if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
					done = 1;
					break;
				}
				if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY && take(h, ctx)) {
					found = 1;
					break;
				}
			}
		}
		/* what a dump had left for the found one: read away, so the next
		 * question does not get it as its answer */
		while (found && read(fd, buf, sizeof buf) > 0)
			;
	}
	pthread_mutex_unlock(&diag.lock);
	return found;
}

struct unix_ask {
	unsigned long inode;
	unsigned peer;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	size_t name_len;
};

static int take_unix(const struct nlmsghdr *h, void *ctx)
{
	struct unix_ask *q = ctx;
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *m) || m->udiag_ino != q->inode)
		return 0;
	int left = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
	for (const struct rtattr *a = (const void *)(m + 1); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		size_t plen = RTA_PAYLOAD(a);
		if (a->rta_type == UNIX_DIAG_NAME && !q->name_len) {
			q->name_len = plen < sizeof q->name - 1 ? plen : sizeof q->name - 1;
			memcpy(q->name, RTA_DATA(a), q->name_len);
		} else if (a->rta_type == UNIX_DIAG_PEER && plen >= 4) {
			memcpy(&q->peer, RTA_DATA(a), 4);
		}
	}
	return 1;
}

struct inet_ask {
	unsigned long inode;
	int af;
	unsigned char src[16], dst[16];
	unsigned sport, dport;
};

static int take_inet(const struct nlmsghdr *h, void *ctx)
{
	struct inet_ask *q = ctx;
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *m) || m->idiag_inode != q->inode || m->idiag_family != q->af)
		return 0;
	memcpy(q->src, m->id.idiag_src, 16);
	memcpy(q->dst, m->id.idiag_dst, 16);
	q->sport = ntohs(m->id.idiag_sport);
	q->dport = ntohs(m->id.idiag_dport);
	return 1;
}

/* ---- strace's cache: the first details found for an inode stay ----------------------- */

/* strace 6.1 keeps what it found for a socket in 1024 slots by inode and
 * prints that from then on, even when the socket changed (a UDP socket
 * connected after its address was shown keeps the address alone). */
#define CACHE_SLOTS 1024
static struct {
	pthread_mutex_t lock;
	struct {
		unsigned long inode;
		char *details;
	} slot[CACHE_SLOTS];
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int cache_get(unsigned long inode, struct sbuf *sb)
{
	int hit = 0;
	pthread_mutex_lock(&cache.lock);
	if (cache.slot[inode % CACHE_SLOTS].details && cache.slot[inode % CACHE_SLOTS].inode == inode) {
		sb_puts(sb, cache.slot[inode % CACHE_SLOTS].details);
		hit = 1;
	}
	pthread_mutex_unlock(&cache.lock);
	return hit;
}

static void cache_put(unsigned long inode, const char *details)
{
	char *copy = strdup(details);
	if (!copy)
		return;
	pthread_mutex_lock(&cache.lock);
	free(cache.slot[inode % CACHE_SLOTS].details);
	cache.slot[inode % CACHE_SLOTS].inode = inode;
	cache.slot[inode % CACHE_SLOTS].details = copy;
	pthread_mutex_unlock(&cache.lock);
}

/* ---- the socket's details, per protocol -------------------------------------------- */

/* socketpair(): the other end, by fd, while that fd is this inode */
#define PAIR_SLOTS 4096
static struct {
	unsigned long inode, peer;
} pairs[PAIR_SLOTS];

void fdview_note_pair(const int sv[2])
{
	struct stat a, b;
	if (sv[0] < 0 || sv[0] >= PAIR_SLOTS || sv[1] < 0 || sv[1] >= PAIR_SLOTS || fstat(sv[0], &a) ||
	    fstat(sv[1], &b))
		return;
	__atomic_store_n(&pairs[sv[0]].inode, a.st_ino, __ATOMIC_RELAXED);
	__atomic_store_n(&pairs[sv[0]].peer, b.st_ino, __ATOMIC_RELAXED);
	__atomic_store_n(&pairs[sv[1]].inode, b.st_ino, __ATOMIC_RELAXED);
	__atomic_store_n(&pairs[sv[1]].peer, a.st_ino, __ATOMIC_RELAXED);
}

static unsigned long pair_peer(int fd, unsigned long inode)
{
	if (fd < 0 || fd >= PAIR_SLOTS || __atomic_load_n(&pairs[fd].inode, __ATOMIC_RELAXED) != inode)
		return 0;
	return __atomic_load_n(&pairs[fd].peer, __ATOMIC_RELAXED);
}

struct sockproto;
/* Appends NAME:[...] for the socket; 1 when found (and so cached), 0 when not. */
typedef int (*details_fn)(struct sbuf *sb, int fd, unsigned long inode, const struct sockproto *p);

/* One protocol, by the name the kernel gives it (system.sockprotoname). */
struct sockproto {
	const char *name;
	const struct proc_table *table;
	details_fn details;
	int diag_bound;         /* TCP: a bound socket /proc does not list is asked of sock_diag */
	int diag_peer;          /* UNIX: a connected socket's peer is asked of sock_diag */
};

static int inet_from_proc(struct sbuf *sb, int fd, unsigned long inode, const struct sockproto *p)
{
	struct sbuf line = SBUF_INIT;
	int r = proc_find(p->table, inode, &line, NULL);
	if (r > 0) {
		char *col[4];
		char *copy = strdup(sb_str(&line));
		unsigned char a[16] = { 0 }, b[16] = { 0 };
		unsigned sp, dp;
		r = copy && split(copy, col, 4) >= 3 && !hex_endpoint(col[1], p->table->domain, a, &sp) &&
		    !hex_endpoint(col[2], p->table->domain, b, &dp);
		if (r)
			inet_details(sb, p->name, p->table->domain, a, sp, b, dp);
		free(copy);
	} else if (r == 0 && p->diag_bound && (trace_fd_flags(fd) & TRACE_FD_BOUND)) {
		/* bound, not listening: only sock_diag lists it (kernel 6.7 and later) */
		struct {
			struct nlmsghdr h;
			struct inet_diag_req_v2 r;
		} req = { { sizeof req, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 0, 0 },
			  { .sdiag_family = (unsigned char)p->table->domain, .sdiag_protocol = IPPROTO_TCP,
			    .idiag_states = ~0u } };
		struct inet_ask q = { .inode = inode, .af = p->table->domain };
		r = diag_ask(&req, sizeof req, take_inet, &q);
		if (r)
			inet_details(sb, p->name, q.af, q.src, q.sport, q.dst, q.dport);
	} else {
		r = 0;
	}
	sb_free(&line);
	return r;
}

/* NAME:[inode->peer,"path"]: /proc/net/unix says the path and whether it is
 * connected; the peer comes from socketpair() or sock_diag. */
static int unix_details(struct sbuf *sb, int fd, unsigned long inode, const struct sockproto *p)
{
	struct sbuf line = SBUF_INIT;
	int r = proc_find(p->table, inode, &line, NULL);
	struct unix_ask q = { .inode = inode };
	if (r > 0) {
		char *col[8];
		char *copy = strdup(sb_str(&line));
		int n = copy ? split(copy, col, 8) : 0;
		if (n >= 7) {
			unsigned long type = strtoul(col[4], NULL, 16), st = strtoul(col[5], NULL, 16);
			int connected = (trace_fd_flags(fd) & TRACE_FD_CONNECTED) || (type != SOCK_DGRAM && st == 3);
			if ((q.peer = (unsigned)pair_peer(fd, inode)) == 0 && connected && p->diag_peer) {
				/* the name comes with the peer, as strace takes both */
				struct {
					struct nlmsghdr h;
					struct unix_diag_req r;
				} req = { { sizeof req, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 0, 0 },
					  { .sdiag_family = AF_UNIX, .udiag_ino = (unsigned)inode, .udiag_states = ~0u,
					    .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
					    .udiag_cookie = { ~0u, ~0u } } };
				if (!diag_ask(&req, sizeof req, take_unix, &q))
					q.peer = 0;
			} else if (n > 7) {
				/* the listed path: '@' starts an abstract name */
				q.name_len = strlen(col[7]) < sizeof q.name - 1 ? strlen(col[7]) : sizeof q.name - 1;
				memcpy(q.name, col[7], q.name_len);
				if (q.name[0] == '@')
					q.name[0] = '\0';
			}
		}
		free(copy);
	}
	r = q.peer || q.name_len;
	if (r) {
		sb_printf(sb, "%s:[%lu", p->name, inode);
		if (q.peer)
			sb_printf(sb, "->%u", q.peer);
		if (q.name_len) {
			sb_putc(sb, ',');
			if (q.name[0] == '\0') {
				sb_putc(sb, '@');
				dec_cstr(sb, q.name + 1, q.name_len - 1);
			} else {
				dec_cstr(sb, q.name, q.name_len);
			}
		}
		sb_putc(sb, ']');
	}
	sb_free(&line);
	return r;
}

static int netlink_details(struct sbuf *sb, int fd, unsigned long inode, const struct sockproto *p)
{
	(void)fd;
	struct sbuf line = SBUF_INIT;
	int r = proc_find(p->table, inode, &line, NULL);
	if (r > 0) {
		char *col[4];
		char *copy = strdup(sb_str(&line));
		r = copy && split(copy, col, 4) >= 3;
		if (r) {
			unsigned long proto = strtoul(col[1], NULL, 10);
			const char *name = xlat_name(xlat_netlink_proto, proto);
			if (name)
				sb_printf(sb, "%s:[%s:%s]", p->name, name + strlen("NETLINK_"), col[2]);
			else
				sb_printf(sb, "%s:[%lu]", p->name, proto);
		}
		free(copy);
	}
	sb_free(&line);
	return r > 0;
}

static const struct sockproto protos[] = {
	{ "TCP", &t_tcp, inet_from_proc, 1, 0 },
	{ "UDP", &t_udp, inet_from_proc, 0, 0 },
	{ "TCPv6", &t_tcp6, inet_from_proc, 1, 0 },
	{ "UDPv6", &t_udp6, inet_from_proc, 0, 0 },
	{ "UNIX-STREAM", &t_unix, unix_details, 0, 1 },
	{ "UNIX", &t_unix, unix_details, 0, 1 },
	{ "NETLINK", &t_netlink, netlink_details, 0, 0 },
};

/* The protocol of socket fd, by the name the kernel gives it; NULL when none of ours. */
static const struct sockproto *proto_of(int fd, char *name, size_t size)
{
	ssize_t n = fgetxattr(fd, "system.sockprotoname", name, size - 1);
	if (n <= 0)
		return NULL;
	name[n] = '\0';
	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		if (!strcmp(protos[i].name, name))
			return &protos[i];
	return NULL;
}

/* -yy for a socket: the details strace prints, or 0 to print the link. */
static int socket_details(struct sbuf *sb, int fd, unsigned long inode)
{
	if (cache_get(inode, sb))
		return 1;
	char name[64];
	const struct sockproto *p = proto_of(fd, name, sizeof name);
	if (!p)
		return 0;
	struct sbuf d = SBUF_INIT;
	if (p->details(&d, fd, inode, p))
		cache_put(inode, sb_str(&d));
	else
		sb_printf(&d, "%s:[%lu]", p->name, inode);   /* not found: not kept */
	sb_puts(sb, sb_str(&d));
	sb_free(&d);
	return 1;
}

/* ---- the decoration ------------------------------------------------------------------- */

/* The link of /proc/self/fd/N; its length, or -1 (not open, or no /proc). */
static ssize_t fd_link(int fd, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, buf, size - 1);
	if (n < 0) {
		int e = errno;
		if (access("/proc/self/fd", X_OK) < 0)
			warn_once(&proc_gone, "/proc/self/fd", errno);
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

void fdview_decorate(struct sbuf *sb, int fd, int level)
{
	if (level <= 0 || fd < 0 || __atomic_load_n(&proc_gone, __ATOMIC_RELAXED))
		return;
	char link[PATH_MAX + 1];
	ssize_t n = fd_link(fd, link, sizeof link);
	if (n < 0)
		return;
	/* strace prints a deleted file's "(deleted)" after the '>' */
	static const char del[] = " (deleted)";
	int deleted = link[0] == '/' && (size_t)n > sizeof del - 1 && !strcmp(link + n - (sizeof del - 1), del);
	if (deleted)
		link[n -= (ssize_t)(sizeof del - 1)] = '\0';
	sb_putc(sb, '<');
	unsigned long inode;
	struct stat st;
	if (level > 1 && sscanf(link, "socket:[%lu]", &inode) == 1 && socket_details(sb, fd, inode)) {
		;
	} else if (level > 1 && link[0] == '/' && stat(link, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		dec_fd_text(sb, link, (size_t)n);
		sb_printf(sb, "<%s %u:%u>", S_ISBLK(st.st_mode) ? "block" : "char", major(st.st_rdev),
			  minor(st.st_rdev));
	} else {
		dec_fd_text(sb, link, (size_t)n);
	}
	sb_putc(sb, '>');
	if (deleted)
		sb_puts(sb, "(deleted)");
}

void fdview_before_new_fds(int fd)
{
	char name[64];
	const struct sockproto *p = proto_of(fd, name, sizeof name);
	if (p && p->diag_peer) {
		pthread_mutex_lock(&diag.lock);
		diag_fd_locked();
		pthread_mutex_unlock(&diag.lock);
	}
}

/* ---- --fds: the table ------------------------------------------------------------------- */

static const struct proc_table *const all_tables[] = { &t_tcp, &t_tcp6, &t_udp, &t_udp6, &t_raw, &t_raw6,
						       &t_unix, &t_netlink, &t_packet };

static void table_socket(struct sbuf *out, int fd, unsigned long inode)
{
	struct sbuf line = SBUF_INIT, header = SBUF_INIT;
	char name[64];
	ssize_t pn = fgetxattr(fd, "system.sockprotoname", name, sizeof name - 1);
	if (pn > 0)
		name[pn] = '\0';
	else
		snprintf(name, sizeof name, "?");
	for (size_t i = 0; i < sizeof all_tables / sizeof all_tables[0]; i++) {
		const struct proc_table *t = all_tables[i];
		if (proc_find(t, inode, &line, &header) <= 0)
			continue;
		char *copy = strdup(sb_str(&line)), *col[8];
		int ncol = copy ? split(copy, col, 8) : 0;
		int type = t->type;
		if (!type && t == &t_unix && ncol > 4)
			type = (int)strtoul(col[4], NULL, 16);
		else if (!type && t == &t_packet && ncol > 2)
			type = (int)strtoul(col[2], NULL, 10);
		else if (!type)
			type = trace_fd_type(fd);
		const char *af = xlat_name(xlat_af, (unsigned long)t->domain), *tn = xlat_name(xlat_sock_type, (unsigned long)type);
		sb_printf(out, _("       %s %s (the kernel's %s); its line in /proc/net/%s:\n"), af ? af : "?",
			  tn ? tn : _("(type not listed)"), name, t->file);
		sb_printf(out, "         %s\n         %s\n       ", sb_str(&header), sb_str(&line));
		if (t->explain)
			t->explain(out, col, ncol, t);
		else
			sb_putc(out, '\n');
		free(copy);
		sb_free(&line);
		sb_free(&header);
		return;
	}
	if (trace_fd_flags(fd) & TRACE_FD_BOUND)
		sb_printf(out, _("       %s, in no /proc/net table: bound, but the kernel lists a TCP socket there only "
				 "once it listens or connects\n"), name);
	else
		sb_printf(out, _("       %s, in no /proc/net table: not bound to an address yet\n"), name);
	sb_free(&line);
	sb_free(&header);
}

static int by_number(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

void fdview_table(FILE *out, const char *prog, const char *why)
{
	struct sbuf sb = SBUF_INIT;
	sb_printf(&sb, _("%s: descriptors %s (ls -l /proc/%d/fd):\n"), prog, why, (int)getpid());
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		sb_printf(&sb, _("  /proc/self/fd cannot be read (%s)\n"), strerror(errno));
	} else {
		/* the numbers first: the directory's own descriptor is not the program's */
		int *fds = NULL, nfd = 0, cap = 0, self = dirfd(d);
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char *end;
			long v = strtol(e->d_name, &end, 10);
			if (*end || end == e->d_name || v < 0 || v > INT_MAX || v == self)
				continue;
			if (nfd == cap) {
				int *more = realloc(fds, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *fds);
				if (!more)
					break;
				fds = more;
			}
			fds[nfd++] = (int)v;
		}
		closedir(d);
		qsort(fds, (size_t)nfd, sizeof *fds, by_number);
		for (int i = 0; i < nfd; i++) {
			char link[PATH_MAX + 1], path[64];
			snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
			ssize_t n = readlink(path, link, sizeof link - 1);
			if (n < 0)
				continue;   /* closed meanwhile (another thread) */
			link[n] = '\0';
			sb_printf(&sb, "  %d -> %s\n", fds[i], link);
			unsigned long inode;
			if (sscanf(link, "socket:[%lu]", &inode) == 1)
				table_socket(&sb, fds[i], inode);
		}
		free(fds);
	}
	fputs(sb_str(&sb), out);
	fflush(out);
	sb_free(&sb);
}
