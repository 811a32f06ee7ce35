/*
 * netlink_cmds: what netlink-query asks the kernel and how it prints the
 * answers (a table like ip/ss, or JSON with ip's key names), and what
 * netlink-monitor prints for each event.
 *
 * Requests are built with libmnl (mnl_nlmsg_put_header and friends);
 * answers are checked with mnl_attr_parse and a type table per attribute
 * set (mnl_attr_validate), so a malformed attribute is refused, not read.
 */
#define _GNU_SOURCE
#include "netlink.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <unistd.h>
#include <errno.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/i18n.h"
#include "../common/io.h"
#include "../common/trace.h"

/* ---- rows: one table, printed as columns or as JSON ---------------------------- */

#define MAXCOLS 10
#define CELL 128

struct col {
	const char *key;    /* JSON key (ip's name where ip has one) */
	const char *head;   /* table heading, N_()-marked: _() where printed */
	int num;            /* a number in JSON */
	int list;           /* comma-separated: a JSON array */
};

struct rows {
	const struct col *cols;
	int ncols;
	size_t n, cap;
	char (*cell)[MAXCOLS][CELL];
};

static char *row_add(struct rows *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		void *p = realloc(r->cell, cap * sizeof *r->cell);
		if (!p)
			abort();
		r->cell = p;
		r->cap = cap;
	}
	memset(r->cell[r->n], 0, sizeof r->cell[r->n]);
	return r->cell[r->n++][0];
}

static void set(struct rows *r, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set(struct rows *r, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->cell[r->n - 1][col], CELL, fmt, ap);
	va_end(ap);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void rows_print(const struct rows *r, int json)
{
	if (json) {
		putchar('[');
		for (size_t i = 0; i < r->n; i++) {
			printf("%s{", i ? "," : "");
			int first = 1;
			for (int c = 0; c < r->ncols; c++) {
				const char *v = r->cell[i][c];
				if (!*v)
					continue;
				printf("%s", first ? "" : ",");
				first = 0;
				json_str(r->cols[c].key);
				putchar(':');
				if (r->cols[c].num) {
					fputs(v, stdout);
				} else if (r->cols[c].list) {
					char buf[CELL];
					snprintf(buf, sizeof buf, "%s", v);
					putchar('[');
					int k = 0;
					for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","), k++) {
						printf("%s", k ? "," : "");
						json_str(t);
					}
					putchar(']');
				} else {
					json_str(v);
				}
			}
			putchar('}');
		}
		puts("]");
		return;
	}
	/* columns by terminal width: a heading in Chinese takes two columns a character */
	int w[MAXCOLS];
	const char *head[MAXCOLS];
	for (int c = 0; c < r->ncols; c++) {
		head[c] = _(r->cols[c].head);
		w[c] = (int)i18n_width(head[c], strlen(head[c]));
		for (size_t i = 0; i < r->n; i++) {
			int cw = (int)i18n_width(r->cell[i][c], strlen(r->cell[i][c]));
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (int c = 0; c < r->ncols; c++)
		if (c + 1 < r->ncols)
			printf("%s%*s  ", head[c], i18n_pad(head[c], w[c]), "");
		else
			printf("%s\n", head[c]);
	for (size_t i = 0; i < r->n; i++)
		for (int c = 0; c < r->ncols; c++) {
			const char *v = *r->cell[i][c] ? r->cell[i][c] : "-";
			if (c + 1 < r->ncols)
				printf("%s%*s  ", v, i18n_pad(v, w[c]), "");
			else
				printf("%s\n", v);
		}
}

/* One row as "key=value ..." for the monitor. */
static void row_line(const struct rows *r, size_t i, const char *tag)
{
	printf("%s", tag);
	for (int c = 0; c < r->ncols; c++)
		if (*r->cell[i][c])
			printf(" %s=%s", r->cols[c].key, r->cell[i][c]);
	putchar('\n');
}

/* ---- attribute validation --------------------------------------------------- */

struct attr_table {
	const struct nlattr **tb;
	unsigned max;
	const enum mnl_attr_data_type *types;   /* by attribute type; MNL_TYPE_UNSPEC: not checked */
	const char *what;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;
	unsigned type = mnl_attr_get_type(a);
	if (type > t->max)
		return MNL_CB_OK;   /* newer than this program: not read */
	if (t->types[type] != MNL_TYPE_UNSPEC && mnl_attr_validate(a, t->types[type]) < 0) {
		fprintf(stderr, _("netlink: %s attribute %u is malformed (%s); answer refused\n"), t->what, type,
			strerror(errno));
		return MNL_CB_ERROR;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

static int parse_attrs(const struct nlmsghdr *h, size_t hdrlen, const struct nlattr **tb, unsigned max,
		       const enum mnl_attr_data_type *types, const char *what)
{
	memset(tb, 0, (max + 1) * sizeof *tb);
	struct attr_table t = { tb, max, types, what };
	return mnl_attr_parse(h, hdrlen, attr_cb, &t);
}

static int parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned max,
			const enum mnl_attr_data_type *types, const char *what)
{
	memset(tb, 0, (max + 1) * sizeof *tb);
	struct attr_table t = { tb, max, types, what };
	return mnl_attr_parse_nested(nest, attr_cb, &t);
}

static const enum mnl_attr_data_type ifla_types[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING, [IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_OPERSTATE] = MNL_TYPE_U8, [IFLA_ADDRESS] = MNL_TYPE_BINARY,
	[IFLA_LINKINFO] = MNL_TYPE_NESTED, [IFLA_QDISC] = MNL_TYPE_NUL_STRING,
	[IFLA_MASTER] = MNL_TYPE_U32, [IFLA_LINK] = MNL_TYPE_U32,
};
static const enum mnl_attr_data_type ifla_info_types[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
};
static const enum mnl_attr_data_type ifa_types[IFA_MAX + 1] = {
	[IFA_ADDRESS] = MNL_TYPE_BINARY, [IFA_LOCAL] = MNL_TYPE_BINARY,
	[IFA_LABEL] = MNL_TYPE_NUL_STRING, [IFA_FLAGS] = MNL_TYPE_U32,
	[IFA_BROADCAST] = MNL_TYPE_BINARY,
};
static const enum mnl_attr_data_type rta_types[RTA_MAX + 1] = {
	[RTA_DST] = MNL_TYPE_BINARY, [RTA_GATEWAY] = MNL_TYPE_BINARY, [RTA_PREFSRC] = MNL_TYPE_BINARY,
	[RTA_OIF] = MNL_TYPE_U32, [RTA_PRIORITY] = MNL_TYPE_U32, [RTA_TABLE] = MNL_TYPE_U32,
};
static const enum mnl_attr_data_type nda_types[NDA_MAX + 1] = {
	[NDA_DST] = MNL_TYPE_BINARY, [NDA_LLADDR] = MNL_TYPE_BINARY,
};
static const enum mnl_attr_data_type unix_diag_types[UNIX_DIAG_MAX + 1] = {
	[UNIX_DIAG_NAME] = MNL_TYPE_BINARY, [UNIX_DIAG_PEER] = MNL_TYPE_U32,
	[UNIX_DIAG_UID] = MNL_TYPE_U32, [UNIX_DIAG_RQLEN] = MNL_TYPE_BINARY,
};
static const enum mnl_attr_data_type ctrl_types[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16, [CTRL_ATTR_FAMILY_NAME] = MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_VERSION] = MNL_TYPE_U32, [CTRL_ATTR_HDRSIZE] = MNL_TYPE_U32,
	[CTRL_ATTR_MAXATTR] = MNL_TYPE_U32, [CTRL_ATTR_OPS] = MNL_TYPE_NESTED,
	[CTRL_ATTR_MCAST_GROUPS] = MNL_TYPE_NESTED,
};
static const enum mnl_attr_data_type mcgrp_types[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME] = MNL_TYPE_NUL_STRING, [CTRL_ATTR_MCAST_GRP_ID] = MNL_TYPE_U32,
};

/* ---- names for people --------------------------------------------------------- */

struct name { unsigned val; const char *name; };

static const char *name_of(const struct name *t, unsigned v, char *buf, size_t size)
{
	for (; t->name; t++)
		if (t->val == v)
			return t->name;
	snprintf(buf, size, "%u", v);
	return buf;
}

static const struct name link_types[] = {
	{ ARPHRD_ETHER, "ether" }, { ARPHRD_LOOPBACK, "loopback" }, { ARPHRD_NONE, "none" },
	{ ARPHRD_VOID, "void" }, { ARPHRD_TUNNEL, "ipip" }, { ARPHRD_TUNNEL6, "tunnel6" },
	{ ARPHRD_SIT, "sit" }, { ARPHRD_IPGRE, "gre" }, { ARPHRD_PPP, "ppp" }, { 0, NULL },
};
static const struct name operstates[] = {
	{ 0, "UNKNOWN" }, { 1, "NOTPRESENT" }, { 2, "DOWN" }, { 3, "LOWERLAYERDOWN" },
	{ 4, "TESTING" }, { 5, "DORMANT" }, { 6, "UP" }, { 0, NULL },
};
static const struct name iff_names[] = {
	{ 0x1, "UP" }, { 0x2, "BROADCAST" }, { 0x4, "DEBUG" }, { 0x8, "LOOPBACK" },
	{ 0x10, "POINTOPOINT" }, { 0x20, "NOTRAILERS" }, { 0x40, "RUNNING" }, { 0x80, "NOARP" },
	{ 0x100, "PROMISC" }, { 0x200, "ALLMULTI" }, { 0x400, "MASTER" }, { 0x800, "SLAVE" },
	{ 0x1000, "MULTICAST" }, { 0x10000, "LOWER_UP" }, { 0x20000, "DORMANT" }, { 0, NULL },
};
static const struct name scopes[] = {
	{ RT_SCOPE_UNIVERSE, "global" }, { RT_SCOPE_SITE, "site" }, { RT_SCOPE_LINK, "link" },
	{ RT_SCOPE_HOST, "host" }, { RT_SCOPE_NOWHERE, "nowhere" }, { 0, NULL },
};
static const struct name rt_protos[] = {
	{ RTPROT_UNSPEC, "unspec" }, { RTPROT_REDIRECT, "redirect" }, { RTPROT_KERNEL, "kernel" },
	{ RTPROT_BOOT, "boot" }, { RTPROT_STATIC, "static" }, { RTPROT_RA, "ra" },
	{ RTPROT_DHCP, "dhcp" }, { 0, NULL },
};
static const struct name rt_types[] = {
	{ RTN_UNICAST, "unicast" }, { RTN_LOCAL, "local" }, { RTN_BROADCAST, "broadcast" },
	{ RTN_ANYCAST, "anycast" }, { RTN_MULTICAST, "multicast" }, { RTN_BLACKHOLE, "blackhole" },
	{ RTN_UNREACHABLE, "unreachable" }, { RTN_PROHIBIT, "prohibit" }, { RTN_THROW, "throw" },
	{ 0, NULL },
};
static const struct name nud_names[] = {
	{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" }, { NUD_STALE, "STALE" },
	{ NUD_DELAY, "DELAY" }, { NUD_PROBE, "PROBE" }, { NUD_FAILED, "FAILED" },
	{ NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" }, { 0, NULL },
};
/* ss's names for TCP states */
static const struct name ss_states[] = {
	{ 1, "ESTAB" }, { 2, "SYN-SENT" }, { 3, "SYN-RECV" }, { 4, "FIN-WAIT-1" },
	{ 5, "FIN-WAIT-2" }, { 6, "TIME-WAIT" }, { 7, "UNCONN" }, { 8, "CLOSE-WAIT" },
	{ 9, "LAST-ACK" }, { 10, "LISTEN" }, { 11, "CLOSING" }, { 12, "NEW-SYN-RECV" }, { 0, NULL },
};

static void bits_text(char *out, size_t size, const struct name *t, unsigned v)
{
	size_t len = 0;
	out[0] = '\0';
	for (; t->name; t++)
		if (v & t->val)
			len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s", len ? "," : "",
						t->name);
}

static void hw_text(char *out, size_t size, const struct nlattr *a)
{
	const unsigned char *p = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a), len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && len + 3 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%02x", i ? ":" : "", p[i]);
}

static int addr_text(char *out, size_t size, int af, const struct nlattr *a)
{
	size_t need = af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
	if (!a || !need || mnl_attr_get_payload_len(a) < need ||
	    !inet_ntop(af, mnl_attr_get_payload(a), out, (socklen_t)size)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static const char *af_name(int af)
{
	return af == AF_INET ? "inet" : af == AF_INET6 ? "inet6" : af == AF_UNIX ? "unix" : "?";
}

/* ---- links ------------------------------------------------------------------ */

/* Index -> name, from a link dump (if_indextoname would open a hidden socket). */
struct linkmap {
	size_t n;
	struct { unsigned idx; char name[16]; } e[512];
};

static const char *link_name(const struct linkmap *m, unsigned idx, char *buf, size_t size)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (m->e[i].idx == idx)
			return m->e[i].name;
	snprintf(buf, size, "if%u", idx);
	return buf;
}

static void link_remember(struct linkmap *m, unsigned idx, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].idx == idx) {
			snprintf(m->e[i].name, sizeof m->e[i].name, "%s", name);
			return;
		}
	if (m->n < sizeof m->e / sizeof m->e[0]) {
		m->e[m->n].idx = idx;
		snprintf(m->e[m->n].name, sizeof m->e[m->n].name, "%s", name);
		m->n++;
	}
}

static const struct col link_cols[] = {
	{ "ifindex", N_("INDEX"), 1, 0 }, { "ifname", N_("NAME"), 0, 0 }, { "link_type", N_("TYPE"), 0, 0 },
	{ "kind", N_("KIND"), 0, 0 }, { "mtu", N_("MTU"), 1, 0 }, { "operstate", N_("STATE"), 0, 0 },
	{ "flags", N_("FLAGS"), 0, 1 }, { "address", N_("ADDRESS"), 0, 0 },
};

struct link_ctx {
	struct rows *rows;
	struct linkmap *map;
};

static int link_row(const struct nlmsghdr *h, struct rows *rows, struct linkmap *map)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	if (mnl_nlmsg_get_payload_len(h) < sizeof *ifi ||
	    parse_attrs(h, sizeof *ifi, tb, IFLA_MAX, ifla_types, "IFLA") < 0)
		return MNL_CB_ERROR;
	char buf[CELL];
	const char *name = tb[IFLA_IFNAME] ? mnl_attr_get_str(tb[IFLA_IFNAME]) : "";
	if (map)
		link_remember(map, (unsigned)ifi->ifi_index, name);
	if (!rows)
		return MNL_CB_OK;
	row_add(rows);
	set(rows, 0, "%d", ifi->ifi_index);
	set(rows, 1, "%s", name);
	set(rows, 2, "%s", name_of(link_types, ifi->ifi_type, buf, sizeof buf));
	if (tb[IFLA_LINKINFO] &&
	    parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX, ifla_info_types, "IFLA_INFO") >= 0 &&
	    info[IFLA_INFO_KIND])
		set(rows, 3, "%s", mnl_attr_get_str(info[IFLA_INFO_KIND]));
	if (tb[IFLA_MTU])
		set(rows, 4, "%u", mnl_attr_get_u32(tb[IFLA_MTU]));
	if (tb[IFLA_OPERSTATE])
		set(rows, 5, "%s", name_of(operstates, mnl_attr_get_u8(tb[IFLA_OPERSTATE]), buf, sizeof buf));
	bits_text(buf, sizeof buf, iff_names, ifi->ifi_flags);
	set(rows, 6, "%s", buf);
	if (tb[IFLA_ADDRESS]) {
		hw_text(buf, sizeof buf, tb[IFLA_ADDRESS]);
		set(rows, 7, "%s", buf);
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *h, void *data)
{
	struct link_ctx *c = data;
	if (h->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	return link_row(h, c->rows, c->map);
}

/* A request's header at the start of req, every byte of req zero first: the
 * padding libmnl leaves after an attribute goes to the kernel as zeros, not
 * as whatever the stack held. */
static struct nlmsghdr *request(char *req, size_t size)
{
	memset(req, 0, size);
	return mnl_nlmsg_put_header(req);
}

/* RTM_GETLINK: a dump, or one interface by name (IFLA_IFNAME). */
static int get_links(struct nl_sock *ns, const char *ifname, struct rows *rows, struct linkmap *map,
		     struct nl_error *e)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_flags = ifname ? 0 : NLM_F_DUMP;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	if (ifname)
		mnl_attr_put_strz(h, IFLA_IFNAME, ifname);
	struct link_ctx c = { rows, map };
	return nl_transact(ns, h, link_cb, &c, e);
}

static int no_such_interface(const struct nl_sock *ns, const char *ifname)
{
	fprintf(stderr, _("%s: no interface named '%s' (see: netlink-query links)\n"), ns->prog, ifname);
	return 2;
}

static int run_links(struct nl_sock *ns, const struct nl_query *q)
{
	struct rows rows = { link_cols, 8, 0, 0, NULL };
	struct nl_error e;
	int rc = 0;
	if (get_links(ns, q->ifname, &rows, NULL, &e) < 0)
		rc = (q->ifname && e.err == ENODEV) ? no_such_interface(ns, q->ifname)
						    : nl_report(ns, _("asking for the links"), &e);
	else
		rows_print(&rows, q->json);
	free(rows.cell);
	return rc;
}

/* The link dump every other subcommand starts with, for interface names. */
static int load_links(struct nl_sock *ns, const struct nl_query *q, struct linkmap *map, unsigned *want)
{
	struct nl_error e;
	if (get_links(ns, NULL, NULL, map, &e) < 0)
		return nl_report(ns, _("asking for the interface names"), &e);
	*want = 0;
	if (!q->ifname)
		return 0;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->e[i].name, q->ifname))
			*want = map->e[i].idx;
	return *want ? 0 : no_such_interface(ns, q->ifname);
}

/* ---- addresses ------------------------------------------------------------ */

static const struct col addr_cols[] = {
	{ "ifindex", N_("INDEX"), 1, 0 }, { "ifname", N_("DEV"), 0, 0 }, { "family", N_("FAMILY"), 0, 0 },
	{ "local", N_("ADDRESS"), 0, 0 }, { "prefixlen", N_("PREFIX"), 1, 0 }, { "scope", N_("SCOPE"), 0, 0 },
	{ "label", N_("LABEL"), 0, 0 },
};

struct route_ctx {
	struct rows *rows;
	const struct linkmap *map;
};

static int addr_row(const struct nlmsghdr *h, struct rows *rows, const struct linkmap *map)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[IFA_MAX + 1];
	if (mnl_nlmsg_get_payload_len(h) < sizeof *ifa ||
	    parse_attrs(h, sizeof *ifa, tb, IFA_MAX, ifa_types, "IFA") < 0)
		return MNL_CB_ERROR;
	char buf[CELL];
	row_add(rows);
	set(rows, 0, "%u", ifa->ifa_index);
	set(rows, 1, "%s", link_name(map, ifa->ifa_index, buf, sizeof buf));
	set(rows, 2, "%s", af_name(ifa->ifa_family));
	if (addr_text(buf, sizeof buf, ifa->ifa_family, tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]) == 0)
		set(rows, 3, "%s", buf);
	set(rows, 4, "%u", ifa->ifa_prefixlen);
	set(rows, 5, "%s", name_of(scopes, ifa->ifa_scope, buf, sizeof buf));
	if (tb[IFA_LABEL])
		set(rows, 6, "%s", mnl_attr_get_str(tb[IFA_LABEL]));
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *h, void *data)
{
	struct route_ctx *c = data;
	return h->nlmsg_type == RTM_NEWADDR ? addr_row(h, c->rows, c->map) : MNL_CB_OK;
}

static int dump_addrs(struct nl_sock *ns, int af, unsigned ifindex, struct route_ctx *c, struct nl_error *e)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = RTM_GETADDR;
	h->nlmsg_flags = NLM_F_DUMP;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof *ifa);
	ifa->ifa_family = (unsigned char)af;
	ifa->ifa_index = ifindex;   /* a filter the kernel applies (strict checking) */
	return nl_transact(ns, h, addr_cb, c, e);
}

static int run_addrs(struct nl_sock *ns, const struct nl_query *q)
{
	struct linkmap *map = calloc(1, sizeof *map);
	struct rows rows = { addr_cols, 7, 0, 0, NULL };
	unsigned idx;
	int rc = load_links(ns, q, map, &idx);
	if (!rc) {
		struct route_ctx c = { &rows, map };
		struct nl_error e;
		if (dump_addrs(ns, q->af, idx, &c, &e) < 0)
			rc = nl_report(ns, _("asking for the addresses"), &e);
		else
			rows_print(&rows, q->json);
	}
	free(rows.cell);
	free(map);
	return rc;
}

/* ---- routes ----------------------------------------------------------------- */

static const struct col route_cols[] = {
	{ "dst", N_("DESTINATION"), 0, 0 }, { "gateway", N_("GATEWAY"), 0, 0 }, { "dev", N_("DEV"), 0, 0 },
	{ "protocol", N_("PROTO"), 0, 0 }, { "scope", N_("SCOPE"), 0, 0 }, { "type", N_("TYPE"), 0, 0 },
	{ "prefsrc", N_("SOURCE"), 0, 0 }, { "metric", N_("METRIC"), 1, 0 }, { "table", N_("TABLE"), 1, 0 },
};

static int route_row(const struct nlmsghdr *h, struct rows *rows, const struct linkmap *map)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[RTA_MAX + 1];
	if (mnl_nlmsg_get_payload_len(h) < sizeof *rtm ||
	    parse_attrs(h, sizeof *rtm, tb, RTA_MAX, rta_types, "RTA") < 0)
		return MNL_CB_ERROR;
	char buf[CELL], a[64];
	row_add(rows);
	int full = rtm->rtm_dst_len == (rtm->rtm_family == AF_INET ? 32 : 128);
	if (rtm->rtm_dst_len == 0)
		set(rows, 0, "default");
	else if (addr_text(a, sizeof a, rtm->rtm_family, tb[RTA_DST]) == 0)
		set(rows, 0, full ? "%s" : "%s/%u", a, rtm->rtm_dst_len);
	if (addr_text(a, sizeof a, rtm->rtm_family, tb[RTA_GATEWAY]) == 0)
		set(rows, 1, "%s", a);
	if (tb[RTA_OIF])
		set(rows, 2, "%s", link_name(map, mnl_attr_get_u32(tb[RTA_OIF]), buf, sizeof buf));
	set(rows, 3, "%s", name_of(rt_protos, rtm->rtm_protocol, buf, sizeof buf));
	set(rows, 4, "%s", name_of(scopes, rtm->rtm_scope, buf, sizeof buf));
	set(rows, 5, "%s", name_of(rt_types, rtm->rtm_type, buf, sizeof buf));
	if (addr_text(a, sizeof a, rtm->rtm_family, tb[RTA_PREFSRC]) == 0)
		set(rows, 6, "%s", a);
	if (tb[RTA_PRIORITY])
		set(rows, 7, "%u", mnl_attr_get_u32(tb[RTA_PRIORITY]));
	set(rows, 8, "%u", tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table);
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *h, void *data)
{
	struct route_ctx *c = data;
	return h->nlmsg_type == RTM_NEWROUTE ? route_row(h, c->rows, c->map) : MNL_CB_OK;
}

static int dump_routes(struct nl_sock *ns, int af, struct route_ctx *c, struct nl_error *e)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = RTM_GETROUTE;
	h->nlmsg_flags = NLM_F_DUMP;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(h, sizeof *rtm);
	rtm->rtm_family = (unsigned char)af;
	rtm->rtm_table = RT_TABLE_MAIN;   /* the kernel filters: the table `ip route` shows */
	return nl_transact(ns, h, route_cb, c, e);
}

static int run_routes(struct nl_sock *ns, const struct nl_query *q)
{
	struct linkmap *map = calloc(1, sizeof *map);
	struct rows rows = { route_cols, 9, 0, 0, NULL };
	unsigned idx;
	int rc = load_links(ns, q, map, &idx);
	if (!rc) {
		struct route_ctx c = { &rows, map };
		struct nl_error e;
		if (dump_routes(ns, q->af == AF_UNSPEC ? AF_INET : q->af, &c, &e) < 0)
			rc = nl_report(ns, _("asking for the routes"), &e);
		else
			rows_print(&rows, q->json);
	}
	free(rows.cell);
	free(map);
	return rc;
}

/* ---- neighbours ------------------------------------------------------------- */

static const struct col neigh_cols[] = {
	{ "dst", N_("ADDRESS"), 0, 0 }, { "dev", N_("DEV"), 0, 0 }, { "lladdr", N_("LLADDR"), 0, 0 },
	{ "state", N_("STATE"), 0, 1 },
};

/* all = 1: also the entries `ip neigh` hides (NOARP, proxy, no state) */
static int neigh_row(const struct nlmsghdr *h, struct rows *rows, const struct linkmap *map, int all)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[NDA_MAX + 1];
	if (mnl_nlmsg_get_payload_len(h) < sizeof *nd ||
	    parse_attrs(h, sizeof *nd, tb, NDA_MAX, nda_types, "NDA") < 0)
		return MNL_CB_ERROR;
	if (!all && (!(nd->ndm_state & (0xff & ~NUD_NOARP)) || (nd->ndm_flags & NTF_PROXY)))
		return MNL_CB_OK;
	char buf[CELL];
	row_add(rows);
	if (addr_text(buf, sizeof buf, nd->ndm_family, tb[NDA_DST]) == 0)
		set(rows, 0, "%s", buf);
	set(rows, 1, "%s", link_name(map, (unsigned)nd->ndm_ifindex, buf, sizeof buf));
	if (tb[NDA_LLADDR]) {
		hw_text(buf, sizeof buf, tb[NDA_LLADDR]);
		set(rows, 2, "%s", buf);
	}
	bits_text(buf, sizeof buf, nud_names, nd->ndm_state);
	set(rows, 3, "%s", *buf ? buf : "NONE");
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *h, void *data)
{
	struct route_ctx *c = data;
	return h->nlmsg_type == RTM_NEWNEIGH ? neigh_row(h, c->rows, c->map, 0) : MNL_CB_OK;
}

static int dump_neigh(struct nl_sock *ns, int af, unsigned ifindex, struct route_ctx *c, struct nl_error *e)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = RTM_GETNEIGH;
	h->nlmsg_flags = NLM_F_DUMP;
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(h, sizeof *nd);
	nd->ndm_family = (unsigned char)af;
	if (ifindex)
		mnl_attr_put_u32(h, NDA_IFINDEX, ifindex);   /* filtered by the kernel */
	return nl_transact(ns, h, neigh_cb, c, e);
}

static int run_neigh(struct nl_sock *ns, const struct nl_query *q)
{
	struct linkmap *map = calloc(1, sizeof *map);
	struct rows rows = { neigh_cols, 4, 0, 0, NULL };
	unsigned idx;
	int rc = load_links(ns, q, map, &idx);
	if (!rc) {
		struct route_ctx c = { &rows, map };
		struct nl_error e;
		if (dump_neigh(ns, q->af, idx, &c, &e) < 0)
			rc = nl_report(ns, _("asking for the neighbours"), &e);
		else
			rows_print(&rows, q->json);
	}
	free(rows.cell);
	free(map);
	return rc;
}

/* ---- sockets (sock_diag) ------------------------------------------------------ */

static const struct col sock_cols[] = {
	{ "netid", N_("NETID"), 0, 0 }, { "state", N_("STATE"), 0, 0 }, { "recv_q", N_("RECV-Q"), 1, 0 },
	{ "send_q", N_("SEND-Q"), 1, 0 }, { "local", N_("LOCAL"), 0, 0 }, { "peer", N_("PEER"), 0, 0 },
	{ "inode", N_("INODE"), 1, 0 }, { "uid", N_("UID"), 1, 0 }, { "process", N_("PROCESS"), 0, 0 },
};

/* Who holds each socket: /proc/PID/fd/N links read "socket:[INODE]" (what ss -p
 * and lsof read). A process that exits meanwhile is simply not found. */
struct owners {
	size_t n, cap;
	struct owner { unsigned long ino; char text[CELL]; } *e;
};

static void owners_load(struct owners *o)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	while (proc && (p = readdir(proc)) != NULL) {
		char *end, dir[64], comm[32] = "?";
		long pid = strtol(p->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		snprintf(dir, sizeof dir, "/proc/%ld/comm", pid);
		FILE *f = fopen(dir, "r");
		if (f) {
			if (fgets(comm, sizeof comm, f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
		DIR *fds = opendir(dir);
		struct dirent *d;
		while (fds && (d = readdir(fds)) != NULL) {
			char path[128], link[64];
			if (strlen(d->d_name) > 16)   /* a descriptor number */
				continue;
			snprintf(path, sizeof path, "%s/%.16s", dir, d->d_name);
			ssize_t n = readlink(path, link, sizeof link - 1);
			unsigned long ino;
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			if (o->n == o->cap) {
				size_t cap = o->cap ? 2 * o->cap : 64;
				void *q = realloc(o->e, cap * sizeof *o->e);
				if (!q)
					break;
				o->e = q;
				o->cap = cap;
			}
			o->e[o->n].ino = ino;
			snprintf(o->e[o->n].text, CELL, "\"%.31s\",pid=%ld,fd=%.16s", comm, pid, d->d_name);
			o->n++;
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
}

/* users:(("inet-server",pid=7,fd=3),...) as ss -p prints it, or "" */
static void owners_text(const struct owners *o, unsigned long ino, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; o && i < o->n && len < size; i++)
		if (o->e[i].ino == ino)
			len += (size_t)snprintf(out + len, size - len, "%s(%s)", len ? "," : "users:(", o->e[i].text);
	if (len && len + 1 < size)
		snprintf(out + len, size - len, ")");
}

static const struct name inet_netids[] = {
	{ IPPROTO_TCP, "tcp" }, { IPPROTO_UDP, "udp" }, { IPPROTO_RAW, "raw" }, { IPPROTO_SCTP, "sctp" },
	{ IPPROTO_DCCP, "dccp" }, { IPPROTO_UDPLITE, "udplite" }, { IPPROTO_MPTCP, "mptcp" }, { 0, NULL },
};
static const struct name unix_netids[] = {
	{ SOCK_STREAM, "u_str" }, { SOCK_DGRAM, "u_dgr" }, { SOCK_SEQPACKET, "u_seq" }, { 0, NULL },
};

struct sock_ctx {
	struct rows *rows;
	int proto;
	const struct owners *owners;   /* NULL: no PROCESS column */
};

static void endpoint_text(char *out, size_t size, int af, const __be32 *addr, __be16 port)
{
	char a[INET6_ADDRSTRLEN];
	if (!inet_ntop(af, addr, a, sizeof a))
		snprintf(a, sizeof a, "?");   /* a family byte that is neither: no address to show */
	snprintf(out, size, af == AF_INET6 ? "[%s]:%u" : "%s:%u", a, ntohs(port));
}

static int inet_sock_cb(const struct nlmsghdr *h, void *data)
{
	struct sock_ctx *c = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || mnl_nlmsg_get_payload_len(h) < sizeof *m)
		return MNL_CB_ERROR;
	char buf[CELL];
	struct rows *r = c->rows;
	row_add(r);
	set(r, 0, "%s", name_of(inet_netids, (unsigned)c->proto, buf, sizeof buf));
	set(r, 1, "%s", name_of(ss_states, m->idiag_state, buf, sizeof buf));
	set(r, 2, "%u", m->idiag_rqueue);
	set(r, 3, "%u", m->idiag_wqueue);
	endpoint_text(buf, sizeof buf, m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	set(r, 4, "%s", buf);
	endpoint_text(buf, sizeof buf, m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	set(r, 5, "%s", buf);
	set(r, 6, "%u", m->idiag_inode);
	set(r, 7, "%u", m->idiag_uid);
	if (c->owners) {
		owners_text(c->owners, m->idiag_inode, buf, sizeof buf);
		set(r, 8, "%s", buf);
	}
	return MNL_CB_OK;
}

static int unix_sock_cb(const struct nlmsghdr *h, void *data)
{
	struct sock_ctx *c = data;
	const struct unix_diag_msg *m = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[UNIX_DIAG_MAX + 1];
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || mnl_nlmsg_get_payload_len(h) < sizeof *m ||
	    parse_attrs(h, sizeof *m, tb, UNIX_DIAG_MAX, unix_diag_types, "UNIX_DIAG") < 0)
		return MNL_CB_ERROR;
	char buf[CELL];
	struct rows *r = c->rows;
	row_add(r);
	set(r, 0, "%s", name_of(unix_netids, m->udiag_type, buf, sizeof buf));
	set(r, 1, "%s", name_of(ss_states, m->udiag_state, buf, sizeof buf));
	if (tb[UNIX_DIAG_RQLEN] && mnl_attr_get_payload_len(tb[UNIX_DIAG_RQLEN]) >= sizeof(struct unix_diag_rqlen)) {
		const struct unix_diag_rqlen *q = mnl_attr_get_payload(tb[UNIX_DIAG_RQLEN]);
		set(r, 2, "%u", q->udiag_rqueue);
		set(r, 3, "%u", q->udiag_wqueue);
	}
	if (tb[UNIX_DIAG_NAME]) {
		const char *p = mnl_attr_get_payload(tb[UNIX_DIAG_NAME]);
		size_t n = mnl_attr_get_payload_len(tb[UNIX_DIAG_NAME]);
		if (n && p[0] == '\0')   /* abstract: @name */
			set(r, 4, "@%.*s", (int)(n - 1), p + 1);
		else
			set(r, 4, "%.*s", (int)strnlen(p, n), p);
	} else {
		set(r, 4, "*");
	}
	if (tb[UNIX_DIAG_PEER])
		set(r, 5, "%u", mnl_attr_get_u32(tb[UNIX_DIAG_PEER]));
	else
		set(r, 5, "*");
	set(r, 6, "%u", m->udiag_ino);
	if (tb[UNIX_DIAG_UID])
		set(r, 7, "%u", mnl_attr_get_u32(tb[UNIX_DIAG_UID]));
	if (c->owners) {
		owners_text(c->owners, m->udiag_ino, buf, sizeof buf);
		set(r, 8, "%s", buf);
	}
	return MNL_CB_OK;
}

#define LISTEN_STATES ((1u << 10) | (1u << 7))   /* TCP_LISTEN | TCP_CLOSE, as ss -l asks */

static int dump_inet(struct nl_sock *ns, int af, int proto, const struct nl_query *q, struct rows *rows,
		     const struct owners *owners, struct nl_error *e)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h->nlmsg_flags = NLM_F_DUMP;
	struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(h, sizeof *r);
	r->sdiag_family = (unsigned char)af;
	r->sdiag_protocol = (unsigned char)proto;
	r->idiag_states = q->listening ? LISTEN_STATES : ~0u;
	struct sock_ctx c = { rows, proto, owners };
	return nl_transact(ns, h, inet_sock_cb, &c, e);
}

static int dump_unix(struct nl_sock *ns, const struct nl_query *q, struct rows *rows, const struct owners *owners,
		     struct nl_error *e)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h->nlmsg_flags = NLM_F_DUMP;
	struct unix_diag_req *r = mnl_nlmsg_put_extra_header(h, sizeof *r);
	r->sdiag_family = AF_UNIX;
	r->udiag_states = q->listening ? LISTEN_STATES : ~0u;
	r->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
	struct sock_ctx c = { rows, 0, owners };
	return nl_transact(ns, h, unix_sock_cb, &c, e);
}

static int run_sockets(struct nl_sock *ns, const struct nl_query *q)
{
	struct rows rows = { sock_cols, q->processes ? 9 : 8, 0, 0, NULL };
	struct nl_error e;
	int rc = 0;
	struct owners owners = { 0, 0, NULL }, *own = q->processes ? &owners : NULL;
	if (own)
		owners_load(own);
	static const int afs[] = { AF_INET, AF_INET6 };
	int protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	int nprotos = 2;
	if (q->sock_proto) {
		protos[0] = q->sock_proto;
		nprotos = 1;
	}
	char what[160];
	for (int p = 0; !rc && p < nprotos && q->sock_family != AF_UNIX; p++)
		for (int a = 0; !rc && a < 2; a++) {
			if (q->sock_family != AF_UNSPEC && q->sock_family != afs[a])
				continue;
			if (dump_inet(ns, afs[a], protos[p], q, &rows, own, &e) < 0) {
				char buf[16];
				snprintf(what, sizeof what, _("asking for %s %s sockets"), af_name(afs[a]),
					 name_of(inet_netids, (unsigned)protos[p], buf, sizeof buf));
				rc = nl_report(ns, what, &e);
			}
		}
	if (!rc && (q->sock_family == AF_UNSPEC || q->sock_family == AF_UNIX) && !q->sock_proto &&
	    dump_unix(ns, q, &rows, own, &e) < 0)
		rc = nl_report(ns, _("asking for unix sockets"), &e);
	if (!rc)
		rows_print(&rows, q->json);
	free(rows.cell);
	free(owners.e);
	return rc;
}

/* ---- generic netlink families ------------------------------------------------ */

static const struct col family_cols[] = {
	{ "id", N_("ID"), 1, 0 }, { "name", N_("NAME"), 0, 0 }, { "version", N_("VERSION"), 1, 0 },
	{ "hdrsize", N_("HDRSIZE"), 1, 0 }, { "maxattr", N_("MAXATTR"), 1, 0 }, { "ops", N_("OPS"), 1, 0 },
	{ "mcast_groups", N_("GROUPS"), 0, 1 },
};

static int family_cb(const struct nlmsghdr *h, void *data)
{
	struct rows *r = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *g[CTRL_ATTR_MCAST_GRP_MAX + 1];
	if (h->nlmsg_type != GENL_ID_CTRL ||
	    parse_attrs(h, GENL_HDRLEN, tb, CTRL_ATTR_MAX, ctrl_types, "CTRL_ATTR") < 0)
		return MNL_CB_ERROR;
	row_add(r);
	if (tb[CTRL_ATTR_FAMILY_ID])
		set(r, 0, "%u", mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]));
	if (tb[CTRL_ATTR_FAMILY_NAME])
		set(r, 1, "%s", mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]));
	if (tb[CTRL_ATTR_VERSION])
		set(r, 2, "%u", mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]));
	if (tb[CTRL_ATTR_HDRSIZE])
		set(r, 3, "%u", mnl_attr_get_u32(tb[CTRL_ATTR_HDRSIZE]));
	if (tb[CTRL_ATTR_MAXATTR])
		set(r, 4, "%u", mnl_attr_get_u32(tb[CTRL_ATTR_MAXATTR]));
	unsigned ops = 0;
	if (tb[CTRL_ATTR_OPS]) {
		const struct nlattr *a;
		mnl_attr_for_each_nested(a, tb[CTRL_ATTR_OPS])
			ops++;
	}
	set(r, 5, "%u", ops);
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		char buf[CELL] = "";
		size_t len = 0;
		const struct nlattr *a;
		mnl_attr_for_each_nested(a, tb[CTRL_ATTR_MCAST_GROUPS]) {
			if (parse_nested(a, g, CTRL_ATTR_MCAST_GRP_MAX, mcgrp_types, "CTRL_ATTR_MCAST_GRP") < 0)
				return MNL_CB_ERROR;
			if (g[CTRL_ATTR_MCAST_GRP_NAME] && len < sizeof buf)
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? "," : "",
							mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]));
		}
		set(r, 6, "%s", buf);
	}
	return MNL_CB_OK;
}

static int run_families(struct nl_sock *ns, const struct nl_query *q)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = request(req, sizeof req);
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_DUMP;
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(h, sizeof *g);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	struct rows rows = { family_cols, 7, 0, 0, NULL };
	struct nl_error e;
	int rc = 0;
	if (nl_transact(ns, h, family_cb, &rows, &e) < 0)
		rc = nl_report(ns, _("asking for the generic netlink families"), &e);
	else
		rows_print(&rows, q->json);
	free(rows.cell);
	return rc;
}

const struct nl_cmd nl_cmds[] = {
	{ "links", NETLINK_ROUTE, 1, "network interfaces", run_links },
	{ "addrs", NETLINK_ROUTE, 1, "addresses", run_addrs },
	{ "routes", NETLINK_ROUTE, 0, "the main routing table", run_routes },
	{ "neigh", NETLINK_ROUTE, 1, "neighbour entries", run_neigh },
	{ "sockets", NETLINK_SOCK_DIAG, 0, "sockets (sock_diag)", run_sockets },
	{ "families", NETLINK_GENERIC, 0, "generic netlink families", run_families },
	{ NULL, 0, 0, NULL, NULL },
};

/* ---- the monitor ------------------------------------------------------------ */

struct monitor {
	struct linkmap map;
	const char *prog;
};

/* One event (or one entry of a state dump) as a line: tag +kind / -kind / =kind. */
static int event_line(const struct nlmsghdr *h, struct monitor *m, char tag)
{
	struct rows rows = { NULL, 0, 0, 0, NULL };
	const char *kind = NULL;
	int rc = MNL_CB_OK;
	switch (h->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK:
		rows.cols = link_cols, rows.ncols = 8, kind = "link";
		rc = link_row(h, &rows, h->nlmsg_type == RTM_NEWLINK ? &m->map : NULL);
		break;
	case RTM_NEWADDR: case RTM_DELADDR:
		rows.cols = addr_cols, rows.ncols = 7, kind = "addr";
		rc = addr_row(h, &rows, &m->map);
		break;
	case RTM_NEWROUTE: case RTM_DELROUTE:
		rows.cols = route_cols, rows.ncols = 9, kind = "route";
		rc = route_row(h, &rows, &m->map);
		break;
	case RTM_NEWNEIGH: case RTM_DELNEIGH:
		rows.cols = neigh_cols, rows.ncols = 4, kind = "neigh";
		rc = neigh_row(h, &rows, &m->map, 1);
		break;
	default:
		printf(_("?%u (a message type this monitor does not show)\n"), h->nlmsg_type);
		return MNL_CB_OK;
	}
	if (rc == MNL_CB_OK && rows.n) {
		char t[16];
		int del = h->nlmsg_type == RTM_DELLINK || h->nlmsg_type == RTM_DELADDR ||
			  h->nlmsg_type == RTM_DELROUTE || h->nlmsg_type == RTM_DELNEIGH;
		snprintf(t, sizeof t, "%c%s", tag ? tag : del ? '-' : '+', kind);
		row_line(&rows, 0, t);
	}
	free(rows.cell);
	return MNL_CB_OK;
}

static int state_cb(const struct nlmsghdr *h, void *data)
{
	return event_line(h, data, '=');
}

static int names_cb(const struct nlmsghdr *h, void *data)
{
	struct monitor *m = data;
	return h->nlmsg_type == RTM_NEWLINK ? link_row(h, NULL, &m->map) : MNL_CB_OK;
}

/* A second socket for dumps: the event socket must not mix answers with events. */
static int read_state(struct monitor *m, int print)
{
	int fd = t_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", m->prog, strerror(errno));
		return 1;
	}
	struct nl_sock ns;
	int rc = nl_setup(&ns, fd, NETLINK_ROUTE, 0, m->prog) ? 1 : 0;
	static const int types[] = { RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETNEIGH };
	for (size_t i = 0; !rc && i < (print ? 4u : 1u); i++) {
		char req[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *h = request(req, sizeof req);
		h->nlmsg_type = (uint16_t)types[i];
		h->nlmsg_flags = NLM_F_DUMP;
		/* each dump's header struct; all zero asks for everything */
		static const size_t hdr[] = { sizeof(struct ifinfomsg), sizeof(struct ifaddrmsg),
					      sizeof(struct rtmsg), sizeof(struct ndmsg) };
		mnl_nlmsg_put_extra_header(h, hdr[i]);
		struct nl_error e;
		if (nl_transact(&ns, h, print ? state_cb : names_cb, m, &e) < 0)
			rc = nl_report(&ns, _("re-reading the state"), &e);
	}
	nl_free(&ns);
	t_close(fd);
	return rc;
}

void nl_rows_of(int protocol, const void *buf, size_t len)
{
	struct monitor *m = calloc(1, sizeof *m);
	struct rows socks = { sock_cols, 8, 0, 0, NULL }, fams = { family_cols, 7, 0, 0, NULL };
	if (!m)
		return;
	m->prog = "nl_rows_of";
	int left = len > INT_MAX ? INT_MAX : (int)len;
	for (const struct nlmsghdr *h = buf; nl_msg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
		const unsigned char *p = mnl_nlmsg_get_payload(h);
		struct sock_ctx c = { .rows = &socks, .proto = IPPROTO_TCP };
		if (protocol == NETLINK_ROUTE)
			event_line(h, m, 0);
		else if (protocol == NETLINK_SOCK_DIAG && mnl_nlmsg_get_payload_len(h) && p[0] == AF_UNIX)
			unix_sock_cb(h, &c);
		else if (protocol == NETLINK_SOCK_DIAG)
			inet_sock_cb(h, &c);
		else if (protocol == NETLINK_GENERIC)
			family_cb(h, &fams);
	}
	rows_print(&socks, 0);
	rows_print(&fams, 1);
	free(socks.cell);
	free(fams.cell);
	free(m);
}

int nl_monitor(struct nl_sock *ns, long count)
{
	struct monitor *m = calloc(1, sizeof *m);
	if (!m)
		return 1;
	m->prog = ns->prog;
	int rc = read_state(m, 0);   /* interface names */
	long seen = 0;
	while (!rc && !io_stop && (!count || seen < count)) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof from;
		ssize_t n = t_recvfrom(ns->fd, ns->buf, ns->size, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			printf(_("%s: events were lost (ENOBUFS: the receive buffer overflowed); "
				 "re-reading the state\n"), ns->prog);
			rc = read_state(m, 1);
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "%s: recvfrom: %s (%s)\n", ns->prog, strerror(errno),
				strerrorname_np(errno));
			rc = 1;
			break;
		}
		if ((size_t)n > ns->size) {
			fprintf(stderr, _("%s: an event of %zd bytes did not fit into our buffer; skipped\n"),
				ns->prog, n);
			continue;
		}
		if (fromlen < sizeof from || from.nl_pid != 0) {
			fprintf(stderr, _("%s: ignored a datagram from port id %u: only the kernel sends events\n"),
				ns->prog, from.nl_pid);
			continue;
		}
		int len = (int)n;
		for (const struct nlmsghdr *h = (const void *)ns->buf; nl_msg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			event_line(h, m, 0);
			seen++;
		}
	}
	free(m);   /* (server_run says when a signal stopped us) */
	return rc;
}
