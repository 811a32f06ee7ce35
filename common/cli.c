/*
 * cli: the one command line of every program (see cli.h).
 *
 * Every option any of them takes is a row of `vocabulary` below, with a
 * rule saying which programs take it: a family's programs by a predicate
 * over the family and the role, a program above the families (bin/compare)
 * by its bit. --help and the parser are both made from that table, so a
 * program lists, and accepts, only the options it takes, and an option
 * means the same on every program that takes it. The trace options are
 * named as strace names them; strace's -f (follow children) is always on
 * here, so no family program takes -f (bin/sockopt's -f names a family).
 * A family's own options (--v6only, --mode, --send-fd...) come from its
 * table.
 *
 * Options may come anywhere on the line (GNU getopt_long permutation); `--`
 * ends them, so a message may start with a dash. A bad command line is one
 * line on stderr, starting with the program's name, and exit 2, before any
 * socket exists.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "frame.h"
#include "i18n.h"
#include "server.h"
#include "tls.h"
#include "trace.h"
#include "upload.h"

#ifndef SOCKFAM_VERSION
#error "SOCKFAM_VERSION comes from the file VERSION (see the Makefile)"
#endif

static __attribute__((noreturn)) void usage_error(const char *prog, const char *fmt, va_list ap)
{
	/* one write: the message is one line whoever else writes to stderr */
	char line[4096];
	int n = snprintf(line, sizeof line, "%s: ", prog);
	if (n >= 0 && (size_t)n < sizeof line)
		vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	fprintf(stderr, _("%s (see --help)\n"), line);
	exit(2);
}

void cli_usage_error(const struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	usage_error(s->prog, fmt, ap);
}

void cli_tool_error(const struct cli_tool *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	usage_error(t->name, fmt, ap);
}

int cli_number(const char *text, long lo, long hi, long *out)
{
	if (!text || !*text || strlen(text) > 9)
		return -1;
	for (const char *p = text; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	long v = strtol(text, NULL, 10);
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* ---- which programs take an option ------------------------------------------------ */

static int has_kind(const struct family *f, const char *name)
{
	for (const struct sock_kind *k = f->kinds; k->name; k++)
		if (!strcmp(k->name, name))
			return 1;
	return 0;
}

/* the family offers a kind of this socket type */
static int has_type(const struct family *f, int type)
{
	for (const struct sock_kind *k = f->kinds; k->name; k++)
		if (k->type == type)
			return 1;
	return 0;
}

static int w_all(const struct family *f, enum role r) { (void)f, (void)r; return 1; }
static int w_address(const struct family *f, enum role r) { (void)r; return f->addr_help != NULL; }
static int w_server(const struct family *f, enum role r) { (void)f; return r == ROLE_SERVER; }
/* the servers that run a model's loop (not netlink-monitor, whose loop is the family's) */
static int w_models(const struct family *f, enum role r) { return r == ROLE_SERVER && !f->server_serve; }
static int w_ports(const struct family *f, enum role r) { (void)r; return f->default_port >= 0; }
static int w_kinds(const struct family *f, enum role r)
{
	(void)r;
	return !f->kind_from_operands && f->kinds[0].name && f->kinds[1].name;
}
static int w_udp(const struct family *f, enum role r) { (void)r; return has_kind(f, "udp"); }
/* a client that waits for its server: for datagram answers, or for a stream to
 * close (not netlink-query: the kernel always answers) */
static int w_waiting_client(const struct family *f, enum role r)
{
	return r == ROLE_CLIENT && !f->client_exchange && (has_type(f, SOCK_DGRAM) || has_type(f, SOCK_STREAM));
}
static int w_arrays(const struct family *f, enum role r) { (void)r; return f->verbose_arrays; }
/* the programs that send messages over a byte stream (not netlink's) */
static int w_streams(const struct family *f, enum role r)
{
	(void)r;
	return !f->client_exchange && has_type(f, SOCK_STREAM);
}

/* --service: the servers that run a model's loop, and the stream clients
 * (the service says how the client ends: chat's /quit) */
static int w_service(const struct family *f, enum role r)
{
	return w_models(f, r) || (r == ROLE_CLIENT && w_streams(f, r));
}

/* --upload: a client of a family with a stream kind */
static int w_stream_client(const struct family *f, enum role r) { return r == ROLE_CLIENT && w_streams(f, r); }
/* --dir, --overwrite: a server of such a family that runs a model's loop */
static int w_stream_server(const struct family *f, enum role r) { return w_models(f, r) && w_streams(f, r); }

/* ---- the vocabulary ------------------------------------------------------------------- */

enum { O_FRAMING = 384, O_MAX_FRAME, O_DIR, O_OVERWRITE, O_UPLOAD, O_NONBLOCK, O_TIMEOUT, O_FDS, O_FAMILY_BASE = 512 };

/* --nonblock, --timeout: a client that connects or waits for answers (not
 * netlink-query, whose peer is the kernel), and the servers that run a
 * model's loop */
static int w_blocking(const struct family *f, enum role r)
{
	return (r == ROLE_CLIENT && !f->client_exchange) || w_models(f, r);
}

/* --tls and its options: --tls on every stream program, --cert/--key on its
 * servers, --cafile/--insecure on its clients */
enum { O_TLS = 448, O_CERT, O_KEY, O_CAFILE, O_INSECURE };
static int w_tls_server(const struct family *f, enum role r) { return w_models(f, r) && w_streams(f, r); }
static int w_tls_client(const struct family *f, enum role r) { return r == ROLE_CLIENT && w_streams(f, r); }

enum group { G_ENDPOINT, G_SERVER, G_TRACE, G_RUN, G_MATRIX, G_OUTPUT, G_LAB };

struct cli_opt {
	int key;                /* the short letter, or a CLI_* key when there is none */
	const char *lng;        /* long name, or NULL */
	const char *arg;        /* the argument's name; NULL: a flag */
	enum group group;
	/* which of the families' programs take it (NULL: none of them) */
	int (*takes)(const struct family *f, enum role r);
	unsigned tools;         /* which programs above the families take it: CLI_TOOL_* bits */
	/* the help text; "%s"-free. A NULL help is made by help_for(). */
	const char *help;
};

#define T_ALL (~0u)
#define T_CMP CLI_TOOL_COMPARE
#define T_ERRLAB CLI_TOOL_ERRLAB
#define T_LAB CLI_TOOL_LAB
#define T_OOB CLI_TOOL_OOB
#define T_SOPT CLI_TOOL_SOCKOPT

static const struct cli_opt vocabulary[] = {
	{ 'a', "address", "ADDRESS", G_ENDPOINT, w_address, T_OOB, NULL },
	{ 'p', "port", "PORT", G_ENDPOINT, w_ports, T_OOB, NULL },
	{ CLI_INLINE, "inline", NULL, G_ENDPOINT, NULL, T_OOB,
	  N_("server: SO_OOBINLINE, the urgent byte stays in the stream (read where SIOCATMARK says) "
	  "instead of being read apart with MSG_OOB") },
	{ 'k', "kind", "KIND", G_ENDPOINT, w_kinds, T_SOPT, NULL },
	/* bin/sockopt: which socket */
	{ 'f', "family", "FAMILY", G_ENDPOINT, NULL, T_SOPT, N_("the socket's family (default inet; the list is below)") },
	/* bin/lookup */
	{ CLI_ADDR, "addr", NULL, G_RUN, NULL, CLI_TOOL_LOOKUP,
	  N_("the operands are address forms: what inet_aton, inet_pton (AF_INET and AF_INET6) and "
	  "inet_ntop make of each, byte by byte") },
	{ CLI_ORDER, "order", NULL, G_RUN, NULL, CLI_TOOL_LOOKUP,
	  N_("the operands are numbers: htons/htonl/ntohs/ntohl of each, and its bytes in memory and on the wire") },
	{ 'u', "udp", NULL, G_ENDPOINT, w_udp, 0, N_("UDP: the same as -k udp") },
	{ 'n', "count", "COUNT", G_ENDPOINT, w_server, 0, NULL },
	{ 'w', "wait", "MS", G_ENDPOINT, w_waiting_client, 0,
	  N_("how long to wait: for each datagram answer (default 2000); on a stream, "
	  "for the server to close after our last message (default: until it does)") },
	/* bin/compare: what to run */
	{ CLI_TRACE, "trace", NULL, G_RUN, NULL, T_CMP,
	  N_("one exchange on each of two FAMILY[/KIND], their traces side by side, call by call, "
	  "marked where they differ") },
	{ CLI_DIAGRAM, "diagram", NULL, G_RUN, NULL, T_CMP,
	  N_("one exchange on FAMILY[/KIND] as a sequence diagram, one lane per process or thread") },
	{ CLI_MODELS, "models", NULL, G_RUN, NULL, T_CMP,
	  N_("one exchange on FAMILY[/KIND] (default inet/tcp) under every server model, side by side: "
	  "the calls each adds or changes against iterative, and which process or thread made them") },
	{ CLI_ONLY, "only", "LIST", G_MATRIX, NULL, T_CMP,
	  N_("its rows: scenarios by number or name, comma-separated (the list is below)") },
	{ CLI_FAMILIES, "families", "LIST", G_MATRIX, NULL, T_CMP,
	  N_("its columns, comma-separated: FAMILY (every kind of it: inet is inet/tcp and inet/udp) "
	  "or FAMILY/KIND (inet/udp)") },
	{ CLI_DETAILS, "details", NULL, G_MATRIX, NULL, T_CMP,
	  N_("the longer story of every cell after the table") },
	{ CLI_MARKDOWN, "markdown", NULL, G_OUTPUT, NULL, T_CMP | CLI_TOOL_PYMAP, NULL },
	{ CLI_JSON, "json", NULL, G_OUTPUT, NULL, T_CMP | T_SOPT, NULL },
	{ CLI_CSV, "csv", NULL, G_OUTPUT, NULL, T_CMP, N_("CSV, one line per cell (the matrix)") },
	{ CLI_WIDE, "wide", NULL, G_OUTPUT, NULL, T_CMP,
	  N_("ignore the terminal's width: the matrix as one table, --models in one band, "
	  "--trace and --diagram lines as long as their calls") },
	{ CLI_SVG, "svg", "FILE", G_OUTPUT, NULL, T_CMP,
	  N_("--diagram: the diagram as SVG into FILE too") },
	/* bin/lab */
	{ CLI_HOSTS, "hosts", "N", G_LAB, NULL, T_LAB, N_("up: how many hosts (2 to 16, default 2)") },
	{ CLI_V6, "v6", NULL, G_LAB, NULL, T_LAB, N_("up: IPv6 addresses (2001:db8::N/64) too") },
	{ 'w', "write", "FILE", G_LAB, NULL, T_LAB,
	  N_("capture: the packets into FILE as pcap (tcpdump -r, Wireshark) instead of one line each") },
	{ 'c', "count", "N", G_LAB, NULL, T_LAB, N_("capture: stop after N packets") },
	{ CLI_RATE, "rate", "RATE", G_LAB, NULL, T_LAB,
	  N_("impair: the link's rate (tbf), bits per second with k, m or g: 1m, 500k") },
	{ CLI_DELAY, "delay", "MS", G_LAB, NULL, T_LAB, N_("impair: delay each packet (netem, where the kernel has it)") },
	{ CLI_LOSS, "loss", "PCT", G_LAB, NULL, T_LAB, N_("impair: drop PCT percent of packets (netem, likewise)") },
	{ CLI_MTU, "mtu", "BYTES", G_LAB, NULL, T_LAB, N_("impair: the link's MTU (68 to 9000)") },
	{ CLI_MODEL, "model", "NAME[=N]", G_SERVER, w_models, T_CMP, NULL },
	{ CLI_SERVICE, "service", "NAME", G_SERVER, w_service, 0, NULL },
	{ CLI_BACKLOG, "backlog", "N", G_SERVER, w_models, 0,
	  N_("listen() backlog (default SOMAXCONN; the kernel caps it at "
	  "net.core.somaxconn)") },
	{ CLI_MAX_CLIENTS, "max-clients", "N", G_SERVER, w_models, 0,
	  N_("clients served at once (fork, thread: default 1000; "
	  "the pools: N; select, poll, epoll: as many as there "
	  "are descriptors); more wait in the listen backlog") },
	{ CLI_IDLE, "idle", "SECONDS", G_SERVER, w_models, 0,
	  N_("drop a client that makes no progress for that long") },
	{ CLI_NO_LOG, "no-log", NULL, G_SERVER, w_models, 0,
	  N_("no line per connection or datagram on standard output") },
	{ CLI_CMD_TIMEOUT, "cmd-timeout", "SECONDS", G_SERVER, w_models, 0,
	  N_("--service cmd: a command still running after that long is killed (default 5)") },
	{ O_FRAMING, "framing", "NAME", G_ENDPOINT, w_streams, 0, NULL },
	{ O_MAX_FRAME, "max-frame", "BYTES", G_ENDPOINT, w_streams, 0,
	  N_("the longest message taken (default 1048576)") },
	{ O_TLS, "tls", NULL, G_ENDPOINT, w_streams, 0,
	  N_("the stream inside TLS (OpenSSL, its records shown in the trace; stream kinds only); "
	  "the server's certificate is made on its first run in $XDG_CONFIG_HOME/sockfam/ "
	  "(else ~/.config/sockfam/), which the client trusts") },
	{ O_CERT, "cert", "FILE", G_ENDPOINT, w_tls_server, 0,
	  N_("--tls: the server's certificate (PEM), with --key, instead of the one made") },
	{ O_KEY, "key", "FILE", G_ENDPOINT, w_tls_server, 0, N_("--tls: the private key of --cert (PEM)") },
	{ O_CAFILE, "cafile", "FILE", G_ENDPOINT, w_tls_client, 0,
	  N_("--tls: trust the certificates in FILE (PEM) instead of the one the server made") },
	{ O_INSECURE, "insecure", NULL, G_ENDPOINT, w_tls_client, 0,
	  N_("--tls: do not verify the server's certificate (anyone could be answering)") },
	{ O_UPLOAD, "upload", "FILE", G_ENDPOINT, w_stream_client, 0,
	  N_("send FILE to a --service upload server (its name, size and content) and check "
	  "the SHA-256 it answers with") },
	{ O_NONBLOCK, "nonblock", NULL, G_ENDPOINT, w_blocking, 0, NULL },
	{ O_TIMEOUT, "timeout", "SECONDS", G_ENDPOINT, w_blocking, 0, NULL },
	{ O_DIR, "dir", "DIR", G_SERVER, w_stream_server, 0,
	  N_("--service upload: where the uploaded files go") },
	{ O_OVERWRITE, "overwrite", NULL, G_SERVER, w_stream_server, 0,
	  N_("--service upload: an upload may replace a file of DIR") },
	{ 'q', NULL, NULL, G_TRACE, w_all, T_LAB | T_OOB | T_SOPT, N_("do not print system calls") },
	{ 'o', NULL, "FILE", G_TRACE, w_all, T_LAB | T_OOB | T_SOPT, N_("print system calls to FILE instead of standard error") },
	{ 's', NULL, "N", G_TRACE, w_all, T_LAB | T_OOB | T_SOPT, N_("show at most N bytes of each buffer (default 32)") },
	{ 't', NULL, NULL, G_TRACE, w_all, T_LAB | T_OOB | T_SOPT, N_("time of day before each call; -tt adds microseconds") },
	{ 'T', NULL, NULL, G_TRACE, w_all, T_LAB | T_OOB | T_SOPT, N_("time spent in each call") },
	{ 'x', NULL, NULL, G_TRACE, w_all, T_LAB | T_OOB | T_SOPT, N_("non-printable bytes in hex; -xx: all bytes in hex") },
	{ 'y', NULL, NULL, G_TRACE, w_all, T_SOPT,
	  N_("each descriptor with what it is: its path, socket:[INODE]; -yy: what each socket is, "
	  "TCP:[127.0.0.1:2345], UNIX-STREAM:[INODE->PEER,\"PATH\"], NETLINK:[ROUTE:PORTID], "
	  "and a device's numbers (read from /proc; see README)") },
	{ O_FDS, "fds", NULL, G_TRACE, w_all, 0,
	  N_("print the program's own descriptor table when it exits and on SIGUSR1: each "
	  "/proc/self/fd link, and a socket's line of /proc/net/tcp (udp, unix, netlink...), "
	  "raw and decoded") },
	{ 'v', NULL, NULL, G_TRACE, w_arrays, 0, N_("print netlink attribute arrays in full") },
	{ CLI_LANG, "lang", "LANG", G_TRACE, w_all, T_ALL,
	  N_("the language of the messages: C (English) or zh_CN (Chinese); default: from LANGUAGE, "
	  "LC_ALL, LC_MESSAGES or LANG. The trace lines are strace's in every language") },
	{ CLI_JSON, "json", NULL, G_TRACE, NULL, T_ERRLAB,
	  N_("JSON: every errno and family, with the trace lines and the explanations") },
	{ 'h', "help", NULL, G_TRACE, w_all, T_ALL, N_("this help") },
	{ CLI_VERSION, "version", NULL, G_TRACE, w_all, T_ALL, N_("the version of sockfam, and its licence") },
};
#define NVOCAB (sizeof vocabulary / sizeof vocabulary[0])

/* Who is reading the command line: a family's program (f, role), or a
 * program above the families (f NULL, tool its bit). */
struct who {
	const char *prog;
	const struct family *f;
	enum role role;
	unsigned tool;
};

static int who_takes(const struct who *w, const struct cli_opt *o)
{
	if (w->f)
		return o->takes && o->takes(w->f, w->role);
	return (o->tools & w->tool) != 0;
}

/* The option as the user writes it; `tool` 0: the first row with that key,
 * else the row of that tool (-w is --wait for clients, --write for bin/lab). */
static const char *option_name(int key, unsigned tool)
{
	static char buf[NVOCAB][40];
	for (size_t i = 0; i < NVOCAB; i++)
		if (vocabulary[i].key == key && (!tool || (vocabulary[i].tools & tool))) {
			if (vocabulary[i].lng)
				snprintf(buf[i], sizeof buf[i], "--%s", vocabulary[i].lng);
			else
				snprintf(buf[i], sizeof buf[i], "-%c", key);
			return buf[i];
		}
	return "?";
}

const char *cli_option_name(int key)
{
	return option_name(key, 0);
}

const char *cli_tool_option_name(const struct cli_tool *t, int key)
{
	return option_name(key, t->id);
}

/* The help of the options whose text depends on the program. */
static void help_for(const struct cli_opt *o, const struct who *w, char *buf, size_t size)
{
	const struct family *f = w->f;
	int server = w->role == ROLE_SERVER;
	int n = 0;
	char list[256] = "";
	switch (f ? o->key : -o->key) {
	case -'a':
		snprintf(buf, size, "%s", _("IPv4 address: the server's to listen on, the client's to connect to "
					    "(default 127.0.0.1)"));
		return;
	case -'p':
		snprintf(buf, size, "%s", _("port (default 2345; the server: 0 lets the kernel pick one)"));
		return;
	case 'a':
		snprintf(buf, size, "%s", _(f->addr_help));
		return;
	case 'p':
		if (server)
			snprintf(buf, size, _("port (default %d); 0 lets the kernel pick one"), f->default_port);
		else
			snprintf(buf, size, _("port (default %d)"), f->default_port);
		return;
	case 'k':
		for (const struct sock_kind *k = f->kinds; k->name; k++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k == f->kinds ? "" : " ",
				 k->name);
		snprintf(buf, size, _("socket kind: %s (default %s)"), list, f->kinds[0].name);
		return;
	case 'n':
		snprintf(buf, size, "%s", f->count_help ? _(f->count_help)
					: _("exit after COUNT clients (datagrams for datagram sockets)"));
		return;
	case -CLI_MODEL:
		/* bin/compare: its server's */
		n = snprintf(buf, size, _("--diagram: how the server serves clients at once (default %s):"),
			     models[0]->name);
		for (const struct model *const *m = models; *m && n < (int)size; m++)
			n += snprintf(buf + n, size - (size_t)n, "\n  %-10s %s", (*m)->name, _((*m)->summary));
		return;
	case -'k':
		snprintf(buf, size, "%s",
			 _("the socket's kind, as the family's programs name it (default: the family's first)"));
		return;
	case -CLI_MARKDOWN:
		snprintf(buf, size, "%s", w->tool == CLI_TOOL_COMPARE ? _("Markdown (the matrix, --models)")
									 : _("the table in Markdown"));
		return;
	case -CLI_JSON:
		if (o->help)
			break;   /* a row with its own text (errlab's) */
		snprintf(buf, size, "%s", w->tool == CLI_TOOL_COMPARE ? _("JSON, every value (the matrix, --models)")
									 : _("JSON, every value"));
		return;
	case O_NONBLOCK:
	case O_TIMEOUT:
		if (!server) {
			snprintf(buf, size, "%s", o->key == O_NONBLOCK
				 ? _("Python's setblocking(False): the socket made non-blocking with fcntl(F_SETFL, "
				     "O_NONBLOCK); a receive with nothing there returns EAGAIN, connect returns "
				     "EINPROGRESS (what connect_ex() returns) and the client then waits in poll()")
				 : _("Python's settimeout(SECONDS): a non-blocking socket, and poll() with that limit "
				     "before connect completes (then getsockopt(SO_ERROR)) and before each datagram "
				     "answer; no connection in time: ETIMEDOUT"));
			return;
		}
		/* the models that take them, "iterative, fork, thread" */
		for (const struct model *const *m = models; *m; m++)
			if (!(*m)->no_blocking_modes)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "",
					 (*m)->name);
		snprintf(buf, size, o->key == O_NONBLOCK
			 ? _("Python's setblocking(False) on the listening socket (fcntl(F_SETFL, O_NONBLOCK)): "
			     "accept() (recvfrom() on datagrams) with nobody there returns EAGAIN, then the "
			     "server waits in poll() (--model %s only)")
			 : _("Python's settimeout(SECONDS) on the listening socket: poll() up to SECONDS before "
			     "each accept() (recvfrom() on datagrams); nobody in time: the server ends, exit 1 "
			     "(--model %s only)"), list);
		return;
	case CLI_MODEL:
		n = snprintf(buf, size, _("how clients are served at once (default %s):"), models[0]->name);
		for (const struct model *const *m = models; *m && n < (int)size; m++)
			n += snprintf(buf + n, size - (size_t)n, "\n  %-10s %s", (*m)->name, _((*m)->summary));
		return;
	case O_FRAMING:
		n = snprintf(buf, size, _("how messages are cut out of a stream (default %s):"), framings[0]->name);
		for (const struct framing *const *fr = framings; *fr && n < (int)size; fr++)
			n += snprintf(buf + n, size - (size_t)n, "\n  %-7s %s", (*fr)->name, _((*fr)->summary));
		return;
	case CLI_SERVICE:
		n = snprintf(buf, size, _("what a connection is answered with (default %s):"), services[0]->name);
		for (const struct service *const *v = services; *v && n < (int)size; v++)
			n += snprintf(buf + n, size - (size_t)n, "\n  %-10s %s", (*v)->name, _((*v)->summary));
		return;
	}
	snprintf(buf, size, "%s", o->help ? _(o->help) : "");
}

/* ---- text wrapped by terminal columns ---------------------------------------------------- */

/* "  -k, --kind KIND       text": the text from column 25, wrapped at 80
 * columns (and at its own newlines), continuation lines under it. A line of
 * the text that starts with spaces (a list: "\n  NAME      what it is") keeps
 * them, and its spacing, and goes on two columns further in. Columns are
 * the terminal's (a CJK character takes two), and a line may also break
 * between two CJK characters. */
#define HELP_COL 24
static void print_opt(const char *left, const char *help)
{
	int col = printf("  %-*s", HELP_COL - 3, left);
	if (col > HELP_COL - 1) {
		printf("\n");
		col = 0;
	}
	const char *p = help;
	int bol = 1, cont = HELP_COL;
	while (*p) {
		if (*p == '\n') {
			p++;
			printf("\n");
			col = 0;
			bol = 1;
			continue;
		}
		int gap = (int)strspn(p, " ");
		const char *word = p + gap;
		int w;
		int bytes = (int)i18n_unit(word, &w);
		p = word + bytes;
		if (!bytes)
			continue;
		if (bol) {
			/* an item of a list goes on under its text ("NAME  text"), else 2 further in */
			int g2 = (int)strspn(p, " ");
			cont = HELP_COL + (!gap ? 0 : g2 >= 2 && p[g2] && p[g2] != '\n' ? gap + w + g2 : gap + 2);
			col += col ? printf("%*s", 1 + gap, "") : printf("%*s", HELP_COL + gap, "");
			bol = 0;
		} else if (col + gap + w > 80) {
			col = printf("\n%*s", cont, "") - 1;
		} else {
			col += printf("%*s", gap, "");
		}
		fwrite(word, 1, (size_t)bytes, stdout);
		col += w;
	}
	printf("\n");
}

/* The option rows a program takes, group by group, each under its title. */
static void print_groups(const struct who *w, const char *run_title)
{
	static const char *const family_titles[] = {
		[G_ENDPOINT] = N_("Endpoint:"),
		[G_SERVER] = N_("Server design (socketserver's server class x mixin x handler, traced):"),
		[G_TRACE] = N_("Trace (as strace names them; strace's -f is always on):"),
	};
	static const char *const tool_titles[] = {
		[G_RUN] = N_("What to run (the matrix when none is given):"),
		[G_MATRIX] = N_("The matrix:"),
		[G_OUTPUT] = N_("Output (text by default, as wide as the terminal):"),
		[G_SERVER] = N_("The server:"),
		[G_TRACE] = "",
		[G_ENDPOINT] = N_("The socket:"),
		[G_LAB] = "",
	};
	static const enum group family_order[] = { G_ENDPOINT, G_SERVER, G_TRACE };
	static const enum group tool_order[] = { G_RUN, G_ENDPOINT, G_MATRIX, G_OUTPUT, G_SERVER, G_LAB, G_TRACE };
	const enum group *order = w->f ? family_order : tool_order;
	size_t norder = w->f ? 3 : 7;
	const char *const *titles = w->f ? family_titles : tool_titles;
	const char *other_titles[G_OUTPUT + 1];
	if (run_title) {
		/* a program other than compare: its own first title; its output is not a matrix */
		memcpy(other_titles, tool_titles, sizeof other_titles);
		other_titles[G_RUN] = run_title;
		other_titles[G_OUTPUT] = N_("Output (text by default):");
		if (w->tool & T_SOPT)
			other_titles[G_TRACE] = N_("Trace (as strace names them):");
		titles = other_titles;
	}
	int any = 0;
	for (size_t gi = 0; gi < norder; gi++) {
		enum group g = order[gi];
		int shown = 0;
		for (size_t i = 0; i < NVOCAB; i++) {
			const struct cli_opt *o = &vocabulary[i];
			if (o->group != g || !who_takes(w, o))
				continue;
			if (!shown++) {
				if (any++)
					putchar('\n');
				/* a tool's run_title is N_()-marked in its table, or made translated */
				if (titles[g][0])
					printf("%s\n", _(titles[g]));
			}
			char left[64], help[4096];
			if (o->key < 256 && o->lng)
				snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->lng, o->arg ? " " : "",
					 o->arg ? o->arg : "");
			else if (o->key < 256)
				snprintf(left, sizeof left, "-%c%s%s", o->key, o->arg ? " " : "", o->arg ? o->arg : "");
			else
				snprintf(left, sizeof left, "--%s%s%s", o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
			if (o->key < 256 && strchr("txy", o->key))   /* the flags that count, as strace's */
				snprintf(left, sizeof left, "-%c, -%c%c", o->key, o->key, o->key);
			help_for(o, w, help, sizeof help);
			print_opt(left, help);
		}
		/* a family's own options go with the endpoint */
		if (g == G_ENDPOINT && w->f)
			for (const struct fam_option *fo = w->f->options; fo && fo->name; fo++) {
				if (!(fo->roles & w->role))
					continue;
				char left[64], alias[8] = "";
				if (fo->short_opt)
					snprintf(alias, sizeof alias, "-%c, ", fo->short_opt);
				snprintf(left, sizeof left, "%s--%s%s%s", alias, fo->name, fo->arg_name ? " " : "",
					 fo->arg_name ? fo->arg_name : "");
				print_opt(left, _(fo->help));
				any = 1;
			}
	}
}

static void usage(const struct session *s)
{
	const struct family *f = s->fam;
	int server = s->role == ROLE_SERVER;
	printf(_("Usage: %s [OPTION]...%s\n"), s->prog,
	       server ? "" : f->client_operands ? f->client_operands : " [--] [MESSAGE]...");
	char intro[2048];
	if (server && f->server_intro)
		printf("%s\n", _(f->server_intro));
	else if (!server && f->client_intro)
		printf("%s\n", _(f->client_intro));
	else {
		if (server)
			snprintf(intro, sizeof intro, _("An %s server that answers every message upper-cased "
							"(or as --service says), printing each socket system call it "
							"makes as strace would."), _(f->title));
		else
			snprintf(intro, sizeof intro, _("An %s client: sends each MESSAGE (each line of standard "
							"input when there is none) to the server and prints the "
							"answer, and each socket system call it makes as strace "
							"would. Options may come anywhere; after -- every word is a "
							"message, even one that starts with a dash."), _(f->title));
		i18n_wrap(intro, 0, 80);
		putchar('\n');
	}
	struct who w = { s->prog, f, s->role, 0 };
	print_groups(&w, NULL);
	printf("\n%s\n", _("Exit status: 0 success, 1 a system call or the peer failed, 2 bad usage."));
}

/* --version: GNU's form, the program's name as it was called. */
static __attribute__((noreturn)) void print_version(const char *prog)
{
	printf("%s (sockfam) %s\n"
	       "Copyright (c) 2026 the sockfam authors.\n"
	       "%s\n", prog, SOCKFAM_VERSION, _("MIT License: see the LICENSE file. There is NO WARRANTY."));
	exit(0);
}

/* ---- parsing ----------------------------------------------------------------------------- */

/* --model NAME or NAME=N */
static void parse_model(struct session *s, const char *arg)
{
	char name[32];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), arg);
	const struct model *m = len < sizeof name ? model_find(name) : NULL;
	if (!m) {
		char list[256] = "";
		for (const struct model *const *p = models; *p; p++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", p == models ? "" : ", ",
				 (*p)->name);
		cli_usage_error(s, _("unknown model '%s': choose one of %s"), arg, list);
	}
	s->srv.model = m;
	s->srv.pool = 0;
	if (eq) {
		long n;
		if (!m->pool)
			cli_usage_error(s, _("--model %s takes no =N (only prefork=N and prethread=N do)"), m->name);
		if (cli_number(eq + 1, 1, 1024, &n))
			cli_usage_error(s, _("invalid pool size '%s' in --model %s: give a number from 1 to 1024"),
					eq + 1, arg);
		s->srv.pool = (int)n;
	}
}

__attribute__((noreturn)) void cli_usage_error(const struct session *s, const char *fmt, ...);
static const struct sock_kind *find_kind(const struct session *s, const char *name)
{
	for (const struct sock_kind *k = s->fam->kinds; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	char list[128] = "";
	for (const struct sock_kind *k = s->fam->kinds; k->name; k++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k == s->fam->kinds ? "" : ", ",
			 k->name);
	cli_usage_error(s, _("unknown socket kind '%s': %s offers %s"), name, s->fam->name, list);
}

/* What went wrong with the option getopt_long could not take: its own text,
 * from the word itself, not getopt's. */
static __attribute__((noreturn, format(printf, 2, 3))) void die(const char *prog, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	usage_error(prog, fmt, ap);
}

/* The getopt_long tables of the rows w takes; returns the count of longs. */
static int getopt_tables(const struct who *w, struct option *longs, char *shorts)
{
	int n = 0;
	size_t ns = 0;
	for (size_t i = 0; i < NVOCAB; i++) {
		const struct cli_opt *o = &vocabulary[i];
		if (!who_takes(w, o))
			continue;
		if (o->lng)
			longs[n++] = (struct option){ o->lng, o->arg ? required_argument : no_argument, NULL, o->key };
		if (o->key < 256) {
			shorts[ns++] = (char)o->key;
			if (o->arg)
				shorts[ns++] = ':';
		}
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	return n;
}

static __attribute__((noreturn)) void bad_option(const char *prog, const struct option *longs, const char *shorts,
							char *word, int optopt_)
{
	if (word && word[0] == '-' && word[1] == '-') {
		const char *name = word + 2;
		size_t len = strcspn(name, "=");
		const struct option *hit = NULL;
		int matches = 0;
		for (const struct option *o = longs; o->name; o++) {
			if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
				hit = o;
				matches = 1;
				break;
			}
			if (!strncmp(o->name, name, len)) {
				hit = o;
				matches++;
			}
		}
		if (!hit) {
			for (size_t i = 0; i < NVOCAB; i++)
				if (vocabulary[i].lng && strlen(vocabulary[i].lng) == len &&
				    !strncmp(vocabulary[i].lng, name, len))
					die(prog, _("option '--%.*s' does not apply to %s"), (int)len, name, prog);
			die(prog, _("unknown option '--%.*s'"), (int)len, name);
		}
		if (matches > 1)
			die(prog, _("option '--%.*s' is ambiguous"), (int)len, name);
		if (name[len] == '=' && hit->has_arg == no_argument)
			die(prog, _("option '--%s' takes no argument"), hit->name);
		die(prog, _("option '--%s' needs an argument"), hit->name);
	}
	if (optopt_ > 0 && optopt_ < 256 && strchr(shorts, optopt_))
		die(prog, _("option '-%c' needs an argument"), optopt_);
	for (size_t i = 0; optopt_ > 0 && i < NVOCAB; i++)
		if (vocabulary[i].key == optopt_)
			die(prog, _("option '-%c' does not apply to %s"), optopt_, prog);
	if (optopt_ > 0 && optopt_ < 256)
		die(prog, _("unknown option '-%c'"), optopt_);
	die(prog, _("unknown option '%s'"), word ? word : "?");
}

/* A trace option (-q -o -s -t -T -x -y -v): 1 when c is one (taken), 0 when not. */
static int trace_option(const char *prog, int c, const char *arg, const char **outfile)
{
	long num;
	switch (c) {
	case 'q': trace_cfg.enabled = 0; return 1;
	case 'o': *outfile = arg; return 1;
	case 's':
		if (cli_number(arg, 0, 1L << 30, &num))
			die(prog, _("invalid string limit '%s': give a number of bytes"), arg);
		decode_opts.strsize = (int)num;
		return 1;
	case 't': trace_cfg.timestamps++; return 1;
	case 'T': trace_cfg.show_time = 1; return 1;
	case 'x': decode_opts.xflag++; return 1;
	case 'y': trace_cfg.decorate++; return 1;
	case 'v': decode_opts.verbose = 1; return 1;
	}
	return 0;
}

/* After the options: the trace options checked together, the -o file opened. */
static void trace_finish(const char *prog, const char *outfile)
{
	if (decode_opts.xflag > 2)
		decode_opts.xflag = 2;
	if (trace_cfg.timestamps > 2)
		trace_cfg.timestamps = 2;
	if (trace_cfg.decorate > 2)
		trace_cfg.decorate = 2;   /* strace takes -yyy as -yy */
	if (!trace_cfg.enabled && (outfile || trace_cfg.timestamps || trace_cfg.show_time || trace_cfg.decorate))
		die(prog, _("-q turns the trace off, so %s has nothing to do"),
		    outfile ? "-o" : trace_cfg.timestamps ? "-t" : trace_cfg.show_time ? "-T" : "-y");
	if (outfile) {
		/* the processes of a server (fork, prefork) share this one open file,
		 * and with it the offset each write() moves on */
		trace_cfg.out = fopen(outfile, "we");
		if (!trace_cfg.out)
			die(prog, _("cannot write trace to '%s': %s"), outfile, strerror(errno));
		trace_cfg.to_file = 1;
	}
	trace_setup(prog);
}

/* The language of the messages, before any of them: the environment's, or
 * --lang's wherever it is on the line (before `--`), so that --help and every
 * usage error come out in it. An unknown language is a usage error. */
void cli_lang(const char *prog, int argc, char **argv)
{
	i18n_init(NULL);
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *lang = NULL;
		if (!strncmp(argv[i], "--lang=", 7))
			lang = argv[i] + 7;
		else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			lang = argv[++i];
		if (lang && i18n_init(lang))
			die(prog, _("unknown language '%s': C (English) or zh_CN (Chinese)"), lang);
	}
}

/* --lang in the parse: lang_first took it already (an abbreviation, --la, is
 * taken here). */
static void lang_option(const char *prog, const char *arg)
{
	if (i18n_init(arg))
		die(prog, _("unknown language '%s': C (English) or zh_CN (Chinese)"), arg);
}

void cli_parse(struct session *s, const struct family *f, enum role role, int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	memset(s, 0, sizeof *s);
	s->fam = f;
	s->role = role;
	s->prog = slash ? slash + 1 : argv[0];
	s->kind = &f->kinds[0];
	s->port = -1;
	s->timeout_ms = -1;
	s->framing = framings[0];
	s->max_frame = FRAME_MAX_DEFAULT;
	cli_lang(s->prog, argc, argv);

	/* the options this program takes, from the vocabulary and the family */
	struct option longs[64];
	char shorts[64] = "";
	struct who w = { s->prog, f, role, 0 };
	int n = getopt_tables(&w, longs, shorts);
	size_t ns = strlen(shorts);
	int nfam = 0;
	for (const struct fam_option *o = f->options; o && o->name; o++, nfam++) {
		if (!(o->roles & role))
			continue;
		longs[n++] = (struct option){ o->name, o->arg_name ? required_argument : no_argument, NULL,
					      O_FAMILY_BASE + nfam };
		if (o->short_opt) {
			shorts[ns++] = (char)o->short_opt;
			if (o->arg_name)
				shorts[ns++] = ':';
		}
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';

	const char *outfile = NULL, *kind_name = NULL;
	int udp = 0;
	long num;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c > 0 && c < 256 && !strchr("hqostTxyvapkunw", c)) {
			/* a family option's one-letter alias (-4, -6) */
			int i = 0;
			const struct fam_option *o;
			for (o = f->options; o && o->name && o->short_opt != c; o++, i++)
				;
			if (o && o->name)
				c = O_FAMILY_BASE + i;
		}
		if (trace_option(s->prog, c, optarg, &outfile))
			continue;
		switch (c) {
		case 'h':
			usage(s);
			exit(0);
		case CLI_VERSION: print_version(s->prog);
		case O_FDS: trace_cfg.fds = 1; break;
		case CLI_LANG: lang_option(s->prog, optarg); break;
		case 'a': s->addr = optarg; break;
		case 'p':
			if (cli_number(optarg, role == ROLE_SERVER ? 0 : 1, 65535, &num))
				cli_usage_error(s, _("invalid port '%s': give a number from %d to 65535"), optarg,
						role == ROLE_SERVER ? 0 : 1);
			s->port = (int)num;
			break;
		case 'k':
			if (kind_name && strcmp(kind_name, optarg))
				cli_usage_error(s, _("-k %s and -k %s: one socket kind at a time"), kind_name, optarg);
			kind_name = optarg;
			break;
		case 'u': udp = 1; break;
		case 'n':
			if (cli_number(optarg, 0, 1000000000, &num))
				cli_usage_error(s, _("invalid count '%s': give a number (0 = forever)"), optarg);
			s->count = num;
			break;
		case 'w':
			if (cli_number(optarg, 1, 3600000, &num))
				cli_usage_error(s, _("invalid wait '%s': give milliseconds, 1 to 3600000"), optarg);
			s->timeout_ms = (int)num;
			break;
		case CLI_MODEL: parse_model(s, optarg); break;
		case CLI_SERVICE:
			if (!(s->srv.service = service_find(optarg)))
				cli_usage_error(s, _("unknown service '%s'"), optarg);
			break;
		case CLI_BACKLOG:
			if (cli_number(optarg, 1, 65535, &num))
				cli_usage_error(s, _("invalid backlog '%s': give a number from 1 to 65535"), optarg);
			s->srv.backlog = (int)num;
			break;
		case CLI_MAX_CLIENTS:
			if (cli_number(optarg, 1, 100000, &num))
				cli_usage_error(s, _("invalid --max-clients '%s': give a number from 1 to 100000"), optarg);
			s->srv.max_clients = (int)num;
			break;
		case CLI_IDLE:
			if (cli_number(optarg, 1, 86400, &num))
				cli_usage_error(s, _("invalid --idle '%s': give whole seconds from 1 to 86400"), optarg);
			s->srv.idle_s = (int)num;
			break;
		case CLI_NO_LOG: s->srv.no_log = 1; break;
		case CLI_CMD_TIMEOUT:
			if (cli_number(optarg, 1, 3600, &num))
				cli_usage_error(s, _("invalid --cmd-timeout '%s': give whole seconds from 1 to 3600"), optarg);
			s->srv.cmd_timeout_s = (int)num;
			break;
		case O_TLS: s->tls = 1; break;
		case O_CERT: s->tls_cert = optarg; break;
		case O_KEY: s->tls_key = optarg; break;
		case O_CAFILE: s->tls_cafile = optarg; break;
		case O_INSECURE: s->tls_insecure = 1; break;
		case O_FRAMING:
			if (!(s->framing = framing_find(optarg)))
				cli_usage_error(s, _("unknown framing '%s': choose none, line or length"), optarg);
			break;
		case O_MAX_FRAME:
			if (cli_number(optarg, 1, 1L << 30, &num))
				cli_usage_error(s, _("invalid --max-frame '%s': give bytes, 1 to 1073741824"), optarg);
			s->max_frame = (size_t)num;
			break;
		case O_DIR: s->srv.upload_dir = optarg; break;
		case O_OVERWRITE: s->srv.overwrite = 1; break;
		case O_UPLOAD: s->upload = optarg; break;
		case O_NONBLOCK: s->nonblock = 1; break;
		case O_TIMEOUT:
			if (cli_number(optarg, 1, 3600, &num))
				cli_usage_error(s, _("invalid --timeout '%s': give whole seconds from 1 to 3600"), optarg);
			s->timeout_s = (int)num;
			break;
		case '?':
		case ':':
			bad_option(s->prog, longs, shorts, argv[optind - 1], optopt);
		default:
			if (c >= O_FAMILY_BASE && c < O_FAMILY_BASE + nfam) {
				struct sbuf err = SBUF_INIT;
				if (f->options[c - O_FAMILY_BASE].set(s, optarg, &err))
					cli_usage_error(s, "%s", sb_str(&err));
				sb_free(&err);
				break;
			}
			cli_usage_error(s, _("unknown option"));
		}
	}
	if (s->nonblock && s->timeout_s)
		cli_usage_error(s, _("--nonblock and --timeout: one blocking mode at a time "
				"(Python's settimeout(0) is setblocking(False))"));
	if (kind_name)
		s->kind = find_kind(s, kind_name);
	if (udp) {
		if (kind_name && strcmp(kind_name, "udp"))
			cli_usage_error(s, _("-u means -k udp, and -k %s names another socket kind"), kind_name);
		s->kind = find_kind(s, "udp");
	}
	if (role == ROLE_SERVER && optind < argc)
		cli_usage_error(s, _("unexpected argument '%s' (a server takes options only)"), argv[optind]);
	if (role == ROLE_CLIENT && optind < argc) {
		s->messages = argv + optind;
		s->nmessages = argc - optind;
	}
	if (w_streams(f, role)) {
		struct sbuf tls_err = SBUF_INIT;
		if (tls_opts_check(s, &tls_err))
			cli_usage_error(s, "%s", sb_str(&tls_err));
		sb_free(&tls_err);
	}

	/* A server's log under -q, when not on a terminal: in blocks, sent
	 * whenever the server is about to wait (sv_log_flush), so under load it
	 * costs a write per batch, not per line. Otherwise a line at a time, in
	 * step with the trace lines on standard error. */
	if (w_models(f, role) && !trace_cfg.enabled && !isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 65536);
	else
		setvbuf(stdout, NULL, _IOLBF, 0);

	struct sbuf err = SBUF_INIT;
	if (f->resolve(s, s->addr, s->port, &err))
		cli_usage_error(s, "%s", sb_str(&err));
	if (w_models(f, role) && server_opts_check(s, &err))
		cli_usage_error(s, "%s", sb_str(&err));
	if (w_streams(f, role) && upload_opts_check(s, &err))
		cli_usage_error(s, "%s", sb_str(&err));
	sb_free(&err);

	trace_finish(s->prog, outfile);
}

/* ---- programs above the families ----------------------------------------------------- */

static void tool_usage(const struct cli_tool *t, const struct who *w)
{
	/* a tool's texts are N_()-marked in its table, or made translated */
	fputs(_(t->usage), stdout);
	if (t->intro)
		i18n_wrap(_(t->intro), 0, 80);
	putchar('\n');
	print_groups(w, t->run_title);
	if (t->epilog) {
		putchar('\n');
		i18n_wrap(_(t->epilog), 0, 80);
	}
}

int cli_tool_parse(const struct cli_tool *t, int argc, char **argv)
{
	struct who w = { t->name, NULL, 0, t->id };
	cli_lang(t->name, argc, argv);
	struct option longs[NVOCAB + 1];
	char shorts[2 * NVOCAB + 1];
	getopt_tables(&w, longs, shorts);
	opterr = 0;
	int c;
	const char *outfile = NULL;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == '?' || c == ':')
			bad_option(t->name, longs, shorts, argv[optind - 1], optopt);
		if (c == 'h') {
			tool_usage(t, &w);
			exit(0);
		}
		if (c == CLI_VERSION)
			print_version(t->name);
		if (c == CLI_LANG) {
			lang_option(t->name, optarg);
			continue;
		}
		if (trace_option(t->name, c, optarg, &outfile))
			continue;
		struct sbuf err = SBUF_INIT;
		if (t->set(t->ctx, c, optarg, &err))
			die(t->name, "%s", sb_str(&err));
		sb_free(&err);
	}
	trace_finish(t->name, outfile);
	return optind;
}
