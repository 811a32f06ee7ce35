/* sockopt: socket options read and set on a fresh socket (see sockopt.h). */
#define _GNU_SOURCE
#include "sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "cli.h"
#include "decode.h"
#include "i18n.h"
#include "json.h"
#include "trace.h"

/* How an option's value is laid out and shown. */
enum sv_shape {
	SV_INT,      /* a number */
	SV_TYPE,     /* SO_TYPE: 1 (SOCK_STREAM) */
	SV_DOMAIN,   /* SO_DOMAIN: 2 (AF_INET) */
	SV_PROTO,    /* SO_PROTOCOL: 6 (IPPROTO_TCP) */
	SV_ERRNO,    /* SO_ERROR: 0, or 111 (ECONNREFUSED) */
	SV_LINGER,   /* struct linger: ONOFF,SECONDS */
	SV_TIMEVAL,  /* struct timeval: SECONDS[.FRACTION] */
	SV_UCRED,    /* struct ucred */
	SV_TCPINFO,  /* struct tcp_info, decoded in part */
};

struct sopt_row {
	const char *name;
	int level, opt;
	enum sv_shape shape;
	const char *typical;   /* the value set when the user gives none; NULL: read-only */
	const char *sysctl;    /* the limit the kernel clamps a value at (a /proc/sys path), or NULL */
};

static const struct sopt_row rows[] = {
	{ "SO_TYPE", SOL_SOCKET, SO_TYPE, SV_TYPE, NULL, NULL },
	{ "SO_DOMAIN", SOL_SOCKET, SO_DOMAIN, SV_DOMAIN, NULL, NULL },
	{ "SO_PROTOCOL", SOL_SOCKET, SO_PROTOCOL, SV_PROTO, NULL, NULL },
	{ "SO_ACCEPTCONN", SOL_SOCKET, SO_ACCEPTCONN, SV_INT, NULL, NULL },
	{ "SO_ERROR", SOL_SOCKET, SO_ERROR, SV_ERRNO, NULL, NULL },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, SV_INT, "4096", "/proc/sys/net/core/rmem_max" },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, SV_INT, "4096", "/proc/sys/net/core/wmem_max" },
	{ "SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT, SV_INT, "16", NULL },
	{ "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, SV_INT, "1", NULL },
	{ "SO_REUSEPORT", SOL_SOCKET, SO_REUSEPORT, SV_INT, "1", NULL },
	{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, SV_INT, "1", NULL },
	{ "SO_LINGER", SOL_SOCKET, SO_LINGER, SV_LINGER, "1,5", NULL },
	{ "SO_RCVTIMEO", SOL_SOCKET, SO_RCVTIMEO, SV_TIMEVAL, "2.5", NULL },
	{ "SO_SNDTIMEO", SOL_SOCKET, SO_SNDTIMEO, SV_TIMEVAL, "2.5", NULL },
	{ "SO_BROADCAST", SOL_SOCKET, SO_BROADCAST, SV_INT, "1", NULL },
	{ "SO_PASSCRED", SOL_SOCKET, SO_PASSCRED, SV_INT, "1", NULL },
	{ "SO_PEERCRED", SOL_SOCKET, SO_PEERCRED, SV_UCRED, NULL, NULL },
	{ "SO_OOBINLINE", SOL_SOCKET, SO_OOBINLINE, SV_INT, "1", NULL },
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, SV_INT, "1", NULL },
	{ "TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG, SV_INT, "1000", NULL },
	{ "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, SV_INT, "60", NULL },
	{ "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, SV_INT, "10", NULL },
	{ "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, SV_INT, "5", NULL },
	{ "TCP_CORK", IPPROTO_TCP, TCP_CORK, SV_INT, "1", NULL },
	{ "TCP_INFO", IPPROTO_TCP, TCP_INFO, SV_TCPINFO, NULL, NULL },
	{ "IP_TTL", IPPROTO_IP, IP_TTL, SV_INT, "32", NULL },
	{ "IP_TOS", IPPROTO_IP, IP_TOS, SV_INT, "16", NULL },
	{ "IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY, SV_INT, "1", NULL },
	{ "IPV6_UNICAST_HOPS", IPPROTO_IPV6, IPV6_UNICAST_HOPS, SV_INT, "32", NULL },
};
#define NROWS (sizeof rows / sizeof rows[0])

/* ---- values ----------------------------------------------------------------- */

/* The bytes a value of this shape takes. */
static socklen_t shape_size(enum sv_shape sh)
{
	switch (sh) {
	case SV_LINGER: return sizeof(struct linger);
	case SV_TIMEVAL: return sizeof(struct timeval);
	case SV_UCRED: return sizeof(struct ucred);
	case SV_TCPINFO: return sizeof(struct tcp_info);
	default: return sizeof(int);
	}
}

static int parse_value(const struct sopt_row *r, const char *text, union sopt_value *v, struct sbuf *err)
{
	long a, b;
	const char *sep;
	char head[16];
	switch (r->shape) {
	case SV_INT:
		if (cli_number(text, 0, 1L << 30, &a) == 0) {
			v->i = (int)a;
			return 0;
		}
		sb_printf(err, _("invalid value '%s' for %s: give a whole number from 0 to 1073741824"), text, r->name);
		return -1;
	case SV_LINGER:
		sep = strchr(text, ',');
		if (sep && (size_t)(sep - text) < sizeof head) {
			snprintf(head, sizeof head, "%.*s", (int)(sep - text), text);
			if (!cli_number(head, 0, 1, &a) && !cli_number(sep + 1, 0, 86400, &b)) {
				v->linger.onoff = (int)a;
				v->linger.secs = (int)b;
				return 0;
			}
		}
		sb_printf(err, _("invalid value '%s' for SO_LINGER: give ONOFF,SECONDS (0 or 1, then 0 to 86400)"), text);
		return -1;
	case SV_TIMEVAL:
		sep = strchr(text, '.');
		if ((sep ? (size_t)(sep - text) : strlen(text)) < sizeof head) {
			snprintf(head, sizeof head, "%.*s", sep ? (int)(sep - text) : (int)strlen(text), text);
			size_t fl = sep ? strlen(sep + 1) : 0;
			if (!cli_number(head, 0, 86400, &a) && (!sep || (fl >= 1 && fl <= 6 && !cli_number(sep + 1, 0, 999999, &b)))) {
				v->tv.sec = a;
				v->tv.usec = 0;
				if (sep) {
					v->tv.usec = b;
					for (size_t i = fl; i < 6; i++)
						v->tv.usec *= 10;
				}
				return 0;
			}
		}
		sb_printf(err, _("invalid value '%s' for %s: give seconds, 0 to 86400, with up to 6 decimals"), text,
			  r->name);
		return -1;
	default:
		sb_printf(err, _("%s is read-only: it takes no =VALUE"), r->name);
		return -1;
	}
}

int sockopt_parse(const char *word, struct sopt_req *req, struct sbuf *err)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	memset(req, 0, sizeof *req);
	for (size_t i = 0; i < NROWS; i++)
		if (strlen(rows[i].name) == len && !strncasecmp(rows[i].name, word, len))
			req->row = &rows[i];
	if (!req->row) {
		sb_printf(err, _("unknown socket option '%.*s'"), (int)len, word);
		return -1;
	}
	if (!eq)
		return 0;
	req->has_value = 1;
	return parse_value(req->row, eq + 1, &req->value, err);
}

void sockopt_names(struct sbuf *out)
{
	for (size_t i = 0; i < NROWS; i++)
		sb_printf(out, "%s%s", i ? ", " : "", rows[i].name);
}

/* The bytes setsockopt is handed for v; returns their length. */
static socklen_t value_bytes(const struct sopt_row *r, const union sopt_value *v, void *buf)
{
	if (r->shape == SV_LINGER) {
		struct linger l = { v->linger.onoff, v->linger.secs };
		memcpy(buf, &l, sizeof l);
		return sizeof l;
	}
	if (r->shape == SV_TIMEVAL) {
		struct timeval tv = { v->tv.sec, v->tv.usec };
		memcpy(buf, &tv, sizeof tv);
		return sizeof tv;
	}
	memcpy(buf, &v->i, sizeof v->i);
	return sizeof v->i;
}

static const struct xlat tcp_states[] = {
	{ 1, "TCP_ESTABLISHED" }, { 2, "TCP_SYN_SENT" }, { 3, "TCP_SYN_RECV" }, { 4, "TCP_FIN_WAIT1" },
	{ 5, "TCP_FIN_WAIT2" }, { 6, "TCP_TIME_WAIT" }, { 7, "TCP_CLOSE" }, { 8, "TCP_CLOSE_WAIT" },
	{ 9, "TCP_LAST_ACK" }, { 10, "TCP_LISTEN" }, { 11, "TCP_CLOSING" }, XLAT_END
};

/* The values' words (on, none, bytes) in the messages' language for the
 * table; English in --json, where a value is data, like errlab's. */
static int values_in_english;
static const char *V(const char *s)
{
	return values_in_english ? s : _(s);
}

/* A value the kernel gave (len bytes of buf) for people. */
static void show_value(struct sbuf *sb, const struct sopt_row *r, int domain, const void *buf, socklen_t len)
{
	if (len < shape_size(r->shape) && r->shape != SV_TCPINFO) {
		sb_printf(sb, V(N_("(%u bytes, expected %u)")), (unsigned)len, (unsigned)shape_size(r->shape));
		return;
	}
	int i;
	memcpy(&i, buf, sizeof i);
	switch (r->shape) {
	case SV_INT: sb_printf(sb, "%d", i); break;
	case SV_TYPE: sb_printf(sb, "%d (", i), dec_socket_type(sb, i), sb_putc(sb, ')'); break;
	case SV_DOMAIN: sb_printf(sb, "%d (", i), dec_family(sb, i), sb_putc(sb, ')'); break;
	case SV_PROTO: sb_printf(sb, "%d (", i), dec_protocol(sb, domain, i), sb_putc(sb, ')'); break;
	case SV_ERRNO:
		sb_printf(sb, "%d", i);
		if (i)
			sb_puts(sb, " ("), dec_errno_name(sb, i), sb_putc(sb, ')');
		break;
	case SV_LINGER: {
		struct linger l;
		memcpy(&l, buf, sizeof l);
		sb_printf(sb, l.l_onoff ? V(N_("%d,%d (on)")) : V(N_("%d,%d (off)")), l.l_onoff, l.l_linger);
		break;
	}
	case SV_TIMEVAL: {
		struct timeval tv;
		memcpy(&tv, buf, sizeof tv);
		if (tv.tv_sec || tv.tv_usec)
			sb_printf(sb, "%ld.%06ld s", (long)tv.tv_sec, (long)tv.tv_usec);
		else
			sb_puts(sb, V(N_("0 (none)")));
		break;
	}
	case SV_UCRED: {
		struct ucred u;
		memcpy(&u, buf, sizeof u);
		sb_printf(sb, "pid=%d uid=%d gid=%d", u.pid, (int)u.uid, (int)u.gid);
		break;
	}
	case SV_TCPINFO: {
		struct tcp_info ti;
		memset(&ti, 0, sizeof ti);
		memcpy(&ti, buf, len < sizeof ti ? len : sizeof ti);
		if (len < offsetof(struct tcp_info, tcpi_rtt) + sizeof ti.tcpi_rtt) {
			sb_printf(sb, V(N_("(%u bytes: too short to decode)")), (unsigned)len);
			break;
		}
		sb_puts(sb, "state=");
		dec_xval(sb, tcp_states, ti.tcpi_state, "TCP_???", 1);
		/* the fields keep struct tcp_info's names */
		sb_printf(sb, V(N_(" rto=%uus snd_mss=%u rcv_mss=%u rtt=%uus (%u bytes)")), ti.tcpi_rto, ti.tcpi_snd_mss,
			  ti.tcpi_rcv_mss, ti.tcpi_rtt, (unsigned)len);
		break;
	}
	}
}

/* ---- one option ------------------------------------------------------------ */

union optbuf {
	int i;
	struct linger l;
	struct timeval tv;
	struct ucred u;
	struct tcp_info ti;
};

struct outcome {
	const struct sopt_row *row;
	struct sbuf before, set, after, note;
	const char *failed_call;   /* the call the kernel refused, or NULL */
	int err;
};

/* getsockopt into text; 0, or -1 with o->err set. */
static int read_opt(int fd, int domain, struct outcome *o, struct sbuf *text, long *as_int)
{
	union optbuf b;
	memset(&b, 0, sizeof b);
	socklen_t len = shape_size(o->row->shape);
	if (t_getsockopt(fd, o->row->level, o->row->opt, &b, &len) < 0) {
		o->failed_call = "getsockopt";
		o->err = errno;
		return -1;
	}
	show_value(text, o->row, domain, &b, len);
	if (as_int)
		*as_int = b.i;
	return 0;
}

/* A number from a /proc/sys file; -1 when it cannot be read. */
static long read_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The sysctl's name from its path: net.core.rmem_max. */
static void sysctl_name(struct sbuf *sb, const char *path)
{
	for (const char *p = path + strlen("/proc/sys/"); *p; p++)
		sb_putc(sb, *p == '/' ? '.' : *p);
}

/* Why the value read back differs from the one set, worked out from the values. */
static void explain(struct outcome *o, long set, long got)
{
	const struct sopt_row *r = o->row;
	if (r->shape != SV_INT) {
		sb_puts(&o->note, strcmp(sb_str(&o->set), sb_str(&o->after)) ? _("the kernel changed it") : _("as set"));
		return;
	}
	long limit = r->sysctl ? read_sysctl(r->sysctl) : -1;
	if (got == set)
		sb_puts(&o->note, _("as set"));
	else if (limit >= 0 && set > limit && got == 2 * limit) {
		struct sbuf name = SBUF_INIT;
		sysctl_name(&name, r->sysctl);
		sb_printf(&o->note, _("clamped at %s = %ld, then doubled"), sb_str(&name), limit);
		sb_free(&name);
	} else if (got == 2 * set)
		sb_puts(&o->note, _("doubled by the kernel (room for its own bookkeeping)"));
	else
		sb_printf(&o->note, _("the kernel keeps %ld"), got);
}

/* Read, set v, read back. */
static void try_opt(int fd, int domain, struct outcome *o, const union sopt_value *v)
{
	long set_i = v ? v->i : 0, got = 0;
	if (read_opt(fd, domain, o, &o->before, NULL) < 0 || !v)
		return;
	union optbuf b;
	socklen_t len = value_bytes(o->row, v, &b);
	show_value(&o->set, o->row, domain, &b, len);
	if (t_setsockopt(fd, o->row->level, o->row->opt, &b, len) < 0) {
		o->failed_call = "setsockopt";
		o->err = errno;
		return;
	}
	if (read_opt(fd, domain, o, &o->after, &got) == 0)
		explain(o, set_i, got);
}

static void outcome_free(struct outcome *o)
{
	sb_free(&o->before);
	sb_free(&o->set);
	sb_free(&o->after);
	sb_free(&o->note);
}

/* ---- the report ---------------------------------------------------------------- */

static const char *level_name(int level, struct sbuf *sb)
{
	sb_reset(sb);
	dec_xval(sb, xlat_sol, (unsigned)level, "SOL_???", 0);
	return sb_str(sb);
}

/* s, then the spaces that make it `width` terminal columns, then the one
 * between two columns: printf's "%-Ns " by columns, not bytes. */
static void column(struct sbuf *sb, const char *s, int width)
{
	sb_printf(sb, "%s%*s ", s, i18n_pad(s, width), "");
}

static void print_text(FILE *out, struct outcome *os, size_t n)
{
	struct sbuf lv = SBUF_INIT, line = SBUF_INIT;
	int refused = 0;
	/* the column titles, and the words of the rows, translated once */
	column(&line, _("OPTION"), 18);
	column(&line, _("LEVEL"), 11);
	column(&line, _("DEFAULT"), 22);
	column(&line, _("SET"), 10);
	fprintf(out, "%s%s\n", sb_str(&line), _("READ BACK"));
	const char *read_only = _("read-only");
	for (size_t i = 0; i < n; i++) {
		struct outcome *o = &os[i];
		if (o->failed_call && !o->before.len) {
			refused++;
			continue;
		}
		/* the same option again (above the sysctl's limit): its value before is
		 * what the row above read back */
		int again = i && os[i - 1].row == o->row;
		sb_reset(&line);
		column(&line, o->row->name, 18);
		column(&line, level_name(o->row->level, &lv), 11);
		column(&line, again ? "" : sb_str(&o->before), 22);
		column(&line, o->set.len ? sb_str(&o->set) : "-", 10);
		column(&line, o->after.len ? sb_str(&o->after) : o->failed_call ? "" : "-", 12);
		sb_puts(&line, o->failed_call ? "" : o->set.len ? sb_str(&o->note) : read_only);
		size_t l = line.len;
		while (l && sb_str(&line)[l - 1] == ' ')
			l--;
		fprintf(out, "%.*s", (int)l, sb_str(&line));
		if (o->failed_call) {
			fputs(o->set.len ? "" : " ", out);
			fprintf(out, _("%s refused: "), o->failed_call);
			fprintf(out, "%s (%s)", strerrorname_np(o->err) ? strerrorname_np(o->err) : "?", strerror(o->err));
		}
		fputc('\n', out);
	}
	if (refused) {
		fputs(_("\nRefused by the kernel for this socket (getsockopt's errno):\n"), out);
		for (size_t i = 0; i < n; i++)
			if (os[i].failed_call && !os[i].before.len)
				fprintf(out, "  %-18s %-11s %s (%s)\n", os[i].row->name, level_name(os[i].row->level, &lv),
					strerrorname_np(os[i].err) ? strerrorname_np(os[i].err) : "?", strerror(os[i].err));
	}
	sb_free(&lv);
	sb_free(&line);
}

static void print_json(FILE *out, const struct family *f, const struct sock_kind *k, struct outcome *os, size_t n)
{
	struct sbuf lv = SBUF_INIT;
	fputs("{\"family\": ", out);
	json_str(out, f->name);
	fputs(", \"kind\": ", out);
	json_str(out, k->name);
	fputs(", \"options\": [", out);
	for (size_t i = 0; i < n; i++) {
		struct outcome *o = &os[i];
		fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
		json_str(out, o->row->name);
		fputs(", \"level\": ", out);
		json_str(out, level_name(o->row->level, &lv));
		const struct { const char *key; struct sbuf *v; } vals[] = {
			{ "default", &o->before }, { "set", &o->set }, { "read_back", &o->after }, { "note", &o->note },
		};
		for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++) {
			fprintf(out, ", \"%s\": ", vals[j].key);
			if (vals[j].v->len)
				json_str(out, sb_str(vals[j].v));
			else
				fputs("null", out);
		}
		fputs(", \"refused\": ", out);
		if (o->failed_call) {
			fputs("{\"call\": ", out);
			json_str(out, o->failed_call);
			fputs(", \"errno\": ", out);
			json_str(out, strerrorname_np(o->err) ? strerrorname_np(o->err) : "?");
			fputs(", \"text\": ", out);
			json_str(out, strerror(o->err));
			fputc('}', out);
		} else {
			fputs("null", out);
		}
		fputc('}', out);
	}
	fputs("\n]}\n", out);
	sb_free(&lv);
}

int sockopt_run(const struct family *f, const struct sock_kind *k, const struct sopt_req *reqs, size_t n,
		int json, FILE *out)
{
	/* the whole table: each row's typical value, and beyond the sysctl's limit
	 * for the rows the kernel clamps */
	struct sopt_req all[2 * NROWS];
	if (!n) {
		for (size_t i = 0; i < NROWS; i++) {
			all[n++] = (struct sopt_req){ .row = &rows[i] };
			long limit = rows[i].sysctl ? read_sysctl(rows[i].sysctl) : -1;
			if (limit > 0 && limit <= (1L << 28))
				all[n++] = (struct sopt_req){ .row = &rows[i], .has_value = 1, .value.i = (int)(4 * limit) };
		}
		reqs = all;
	}
	int fd = t_socket(f->domain, k->type, k->protocol);
	if (fd < 0) {
		fprintf(stderr, _("sockopt: socket: %s (%s)\n"), strerror(errno), strerrorname_np(errno));
		return 1;
	}
	struct outcome *os = calloc(n, sizeof *os);
	if (!os) {
		t_close(fd);
		return 1;
	}
	int rc = 0;
	values_in_english = json;
	for (size_t i = 0; i < n; i++) {
		union sopt_value typical;
		const union sopt_value *v = NULL;
		os[i].row = reqs[i].row;
		if (reqs[i].has_value)
			v = &reqs[i].value;
		else if (reqs[i].row->typical) {
			struct sbuf err = SBUF_INIT;
			if (parse_value(reqs[i].row, reqs[i].row->typical, &typical, &err) == 0)
				v = &typical;
			sb_free(&err);
		}
		try_opt(fd, f->domain, &os[i], v);
		if (os[i].failed_call && reqs != all)
			rc = 1;   /* an option the user named was refused */
	}
	t_close(fd);
	if (json) {
		print_json(out, f, k, os, n);
	} else {
		struct sbuf st = SBUF_INIT;
		dec_socket_type(&st, k->type);
		fprintf(out, _("A fresh %s %s socket (%s/%s): each option read, set and read back\n\n"), _(f->title),
			sb_str(&st), f->name, k->name);
		sb_free(&st);
		print_text(out, os, n);
	}
	for (size_t i = 0; i < n; i++)
		outcome_free(&os[i]);
	free(os);
	return rc;
}
