/* pymap's steps: each Python line and its C equivalent (see pymap.h). */
#define _GNU_SOURCE
#include "pymap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/io.h"
#include "../../common/tls.h"
#include "../../common/trace.h"
#include "../../families/families.h"

struct pm_state {
	int s, c, a, d, e, x, u, v, t;
	struct sockaddr_in sa, da, ua;   /* the listener's, the closed port's, the UDP receiver's */
	socklen_t len;
	char buf[4096];
	struct session sess;             /* for the TLS client (common/tls.c) */
};

static void loopback(struct sockaddr_in *in)
{
	memset(in, 0, sizeof *in);
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* bind to 127.0.0.1 port 0 and learn the port */
static void bind_any(int fd, struct sockaddr_in *in)
{
	loopback(in);
	t_bind(fd, (struct sockaddr *)in, sizeof *in);
	socklen_t len = sizeof *in;
	t_getsockname(fd, (struct sockaddr *)in, &len);
}

static void nonblocking(int fd)
{
	int fl = t_fcntl(fd, F_GETFL, 0);
	if (fl >= 0)
		t_fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void c_socket(struct pm_state *st) { st->s = t_socket(AF_INET, SOCK_STREAM, 0); }
static void c_setsockopt(struct pm_state *st)
{
	int one = 1;
	t_setsockopt(st->s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}
static void c_bind(struct pm_state *st)
{
	loopback(&st->sa);
	t_bind(st->s, (struct sockaddr *)&st->sa, sizeof st->sa);
}
static void c_listen(struct pm_state *st) { t_listen(st->s, 5); }
static void c_getsockname(struct pm_state *st)
{
	st->len = sizeof st->sa;
	t_getsockname(st->s, (struct sockaddr *)&st->sa, &st->len);
}
static void c_client(struct pm_state *st) { st->c = t_socket(AF_INET, SOCK_STREAM, 0); }
static void c_connect(struct pm_state *st) { t_connect(st->c, (struct sockaddr *)&st->sa, sizeof st->sa); }
static void c_accept(struct pm_state *st)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	st->a = t_accept(st->s, (struct sockaddr *)&peer, &len);
}
static void c_getpeername(struct pm_state *st)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	t_getpeername(st->c, (struct sockaddr *)&peer, &len);
}
static void c_send(struct pm_state *st) { t_send(st->c, "hello", 5, 0); }
static void c_recv(struct pm_state *st) { t_recv(st->a, st->buf, 1024, 0); }
static void c_sendall(struct pm_state *st)
{
	memset(st->buf, 'x', 1000);
	io_send_all(st->c, st->buf, 1000, 0);
}
static void c_drain(struct pm_state *st) { io_recv_all(st->a, st->buf, 1000); }
static void c_getsockopt(struct pm_state *st)
{
	int v;
	socklen_t len = sizeof v;
	t_getsockopt(st->c, SOL_SOCKET, SO_RCVBUF, &v, &len);
}
static void c_settimeout(struct pm_state *st) { nonblocking(st->c); }
static void c_answer(struct pm_state *st) { t_send(st->a, "hi", 2, 0); }
static void c_recv_timeout(struct pm_state *st)
{
	struct pollfd p = { st->c, POLLIN, 0 };
	if (t_poll(&p, 1, 2000) == 1)
		t_recv(st->c, st->buf, 1024, 0);
}
static void c_setblocking(struct pm_state *st) { nonblocking(st->c); }
static void c_recv_eagain(struct pm_state *st) { t_recv(st->c, st->buf, 1024, 0); }
static void c_shutdown(struct pm_state *st) { t_shutdown(st->c, SHUT_WR); }
static void c_close(struct pm_state *st) { t_close(st->c); }
static void c_closed_port(struct pm_state *st)
{
	st->d = t_socket(AF_INET, SOCK_STREAM, 0);
	bind_any(st->d, &st->da);
	st->e = t_socket(AF_INET, SOCK_STREAM, 0);
}
static void c_connect_ex(struct pm_state *st) { t_connect(st->e, (struct sockaddr *)&st->da, sizeof st->da); }
static void c_create_connection(struct pm_state *st)
{
	st->x = t_socket(AF_INET, SOCK_STREAM, 0);
	t_connect(st->x, (struct sockaddr *)&st->sa, sizeof st->sa);
}
static void c_udp(struct pm_state *st)
{
	st->u = t_socket(AF_INET, SOCK_DGRAM, 0);
	bind_any(st->u, &st->ua);
	st->v = t_socket(AF_INET, SOCK_DGRAM, 0);
}
static void c_sendto(struct pm_state *st)
{
	t_sendto(st->v, "dgram", 5, 0, (struct sockaddr *)&st->ua, sizeof st->ua);
}
static void c_recvfrom(struct pm_state *st)
{
	struct sockaddr_in from;
	socklen_t len = sizeof from;
	t_recvfrom(st->u, st->buf, 1024, 0, (struct sockaddr *)&from, &len);
}
/* a connection nobody will answer: the listener never accepts it */
static void c_tls_setup(struct pm_state *st)
{
	c_create_connection(st);
	st->t = st->x;
	nonblocking(st->t);
}
/* the TLS client's handshake, with what it says on stderr (that --insecure
 * is in force, that the handshake failed) dropped */
static void wrap(struct pm_state *st)
{
	struct session *s = &st->sess;
	s->fam = &family_inet;
	s->kind = &family_inet.kinds[0];
	s->role = ROLE_CLIENT;
	s->prog = "pymap";
	s->tls = 1;
	s->tls_insecure = 1;
	if (tls_setup(s))
		return;
	/* OpenSSL's ClientHello goes out; no answer comes: the handshake times
	 * out, as Python's does */
	struct tls_conn *t = tls_client_new(s, st->t);
	if (t)
		tls_client_handshake(s, t, 300);
	tls_free(t);
	tls_teardown(s);
}

static void c_wrap(struct pm_state *st)
{
	/* what it tells its user (stdout: --insecure; stderr: the failed
	 * handshake) is not pymap's to show */
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int saved[2] = { -1, -1 };
	fflush(stdout);
	for (int i = 0; i < 2 && null >= 0; i++)
		if ((saved[i] = dup(i + 1)) >= 0)
			dup2(null, i + 1);
	wrap(st);
	fflush(stdout);
	for (int i = 0; i < 2; i++)
		if (saved[i] >= 0) {
			dup2(saved[i], i + 1);
			close(saved[i]);
		}
	if (null >= 0)
		close(null);
}

const struct pm_step pm_steps[] = {
	{ "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", "socket(AF_INET, SOCK_STREAM, 0)", c_socket,
	  N_("the notes' older strace printed PF_INET; strace 6.1 prints AF_INET (the same number, 2). "
	     "Python 3 adds SOCK_CLOEXEC: a program it runs does not inherit the socket"), NULL, 0 },
	{ "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
	  "setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)", c_setsockopt, NULL, NULL, 0 },
	{ "s.bind((\"127.0.0.1\", 0))", "bind(fd, &sin, sizeof sin)", c_bind,
	  N_("the port is htons(0): the kernel picks one"), NULL, 0 },
	{ "s.listen(5)", "listen(fd, 5)", c_listen, NULL, NULL, 0 },
	{ "port = s.getsockname()[1]", "getsockname(fd, &sin, &len)", c_getsockname, NULL, NULL, 0 },
	{ "c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", "", c_client, NULL, NULL, 1 },
	{ "c.connect((\"127.0.0.1\", port))", "connect(c, &sin, sizeof sin)", c_connect, NULL, NULL, 0 },
	{ "a, addr = s.accept()", "accept(fd, &peer, &len)", c_accept,
	  N_("Python calls accept4 with SOCK_CLOEXEC (accept() is the same call without flags), then "
	     "getsockname on the new descriptor for its socket object"), NULL, 0 },
	{ "c.getpeername()", "getpeername(c, &peer, &len)", c_getpeername, NULL, NULL, 0 },
	{ "c.send(b\"hello\")", "send(c, \"hello\", 5, 0)", c_send,
	  N_("send is the sendto system call with no address (NULL, 0)"), NULL, 0 },
	{ "a.recv(1024)", "recv(a, buf, 1024, 0)", c_recv,
	  N_("recv is the recvfrom system call with no address (NULL, NULL)"), NULL, 0 },
	{ "c.sendall(b\"x\" * 1000)", N_("io_send_all(c, buf, 1000, 0): send() until every byte went"), c_sendall,
	  N_("sendall is a loop of sendto until every byte went: %d call(s) here"), "sendto", 0 },
	{ "a.recv(1000)", "", c_drain, NULL, NULL, 1 },
	{ "c.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)", "getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len)",
	  c_getsockopt, NULL, NULL, 0 },
	{ "c.settimeout(2.0)", "fcntl(c, F_SETFL, flags | O_NONBLOCK)", c_settimeout,
	  N_("a timeout makes the socket non-blocking: Python with ioctl(FIONBIO), the suite with fcntl; "
	     "the timeout itself is kept by Python, for poll()"), NULL, 0 },
	{ "a.send(b\"hi\")", "", c_answer, NULL, NULL, 1 },
	{ "c.recv(1024)", N_("poll(POLLIN, 2000 ms), then recv(c, buf, 1024, 0)"), c_recv_timeout,
	  N_("with a timeout every call waits in poll() first; the timeout is poll's third argument, in ms"),
	  NULL, 0 },
	{ "c.setblocking(False)", "fcntl(c, F_SETFL, flags | O_NONBLOCK)", c_setblocking,
	  N_("the same flag as settimeout, without the poll(): a call that would wait fails at once"), NULL, 0 },
	{ "try:\n    c.recv(1024)\nexcept BlockingIOError:\n    pass", "recv(c, buf, 1024, 0)", c_recv_eagain,
	  N_("nothing there: EAGAIN, which Python raises as BlockingIOError"), NULL, 0 },
	{ "c.shutdown(socket.SHUT_WR)", "shutdown(c, SHUT_WR)", c_shutdown, NULL, NULL, 0 },
	{ "c.close()", "close(c)", c_close, NULL, NULL, 0 },
	{ "d = socket.socket()\nd.bind((\"127.0.0.1\", 0))\ndport = d.getsockname()[1]\ne = socket.socket()", "",
	  c_closed_port, NULL, NULL, 1 },
	{ "err = e.connect_ex((\"127.0.0.1\", dport))", "connect(e, &sin, sizeof sin) < 0 ? errno : 0", c_connect_ex,
	  N_("the port is bound but nobody listens: connect_ex returns the errno (ECONNREFUSED) instead of "
	     "raising"),
	  NULL, 0 },
	{ "x = socket.create_connection((\"127.0.0.1\", port))", "socket(AF_INET, SOCK_STREAM, 0), connect(...)",
	  c_create_connection,
	  N_("getaddrinfo (no system call for a numeric address), then socket, with the protocol "
	     "getaddrinfo named (IPPROTO_TCP), and connect"), NULL, 0 },
	{ "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu.bind((\"127.0.0.1\", 0))\n"
	  "uport = u.getsockname()[1]\nv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
	  "", c_udp, NULL, NULL, 1 },
	{ "v.sendto(b\"dgram\", (\"127.0.0.1\", uport))", "sendto(v, \"dgram\", 5, 0, &sin, sizeof sin)", c_sendto, NULL,
	  NULL, 0 },
	{ "u.recvfrom(1024)", "recvfrom(u, buf, 1024, 0, &from, &len)", c_recvfrom, NULL, NULL, 0 },
	{ "t = socket.create_connection((\"127.0.0.1\", port))\nt.settimeout(0.3)", "", c_tls_setup, NULL, NULL, 1 },
	{ "try:\n    ssl.wrap_socket(t)\nexcept OSError:\n    pass", N_("SSL_do_handshake through the suite's BIO (common/tls.c)"),
	  c_wrap,
	  N_("ssl.wrap_socket (gone in Python 3.12: SSLContext.wrap_socket) checks the socket (SO_TYPE, "
	     "getsockname, getpeername) and hands it to OpenSSL, which sends the ClientHello with write(), "
	     "not sendto; the suite's BIO sends it with sendto. "
	     "Nobody answers here: both give up after the timeout"),
	  NULL, 0 },
};
const size_t pm_nsteps = sizeof pm_steps / sizeof pm_steps[0];

/* ---- the C side ------------------------------------------------------------------- */

int pm_run_c(struct sbuf *lines)
{
	static struct pm_state st;
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	if (!mem)
		return -1;
	FILE *saved = trace_cfg.out;
	int saved_enabled = trace_cfg.enabled;
	trace_cfg.out = mem;
	trace_cfg.enabled = 1;
	size_t from = 0;
	for (size_t i = 0; i < pm_nsteps; i++) {
		pm_steps[i].c(&st);
		fflush(mem);
		sb_putn(&lines[i], text + from, size - from);
		from = size;
	}
	trace_cfg.out = saved;
	trace_cfg.enabled = saved_enabled;
	fclose(mem);
	free(text);
	return 0;
}

/* ---- the Python side ------------------------------------------------------------- */

/* A marker strace shows and Python makes nothing else like: write(-1, "pymap N") = -1 EBADF. */
#define MARK "pymap step "

void pm_script(struct sbuf *out)
{
	sb_puts(out, "import os, socket, ssl, sys, warnings\n"
		     "warnings.simplefilter('ignore')\n"
		     "if not hasattr(ssl, 'wrap_socket'):  # Python 3.12 and later\n"
		     "    _ctx = ssl.create_default_context()\n"
		     "    _ctx.check_hostname = False\n"
		     "    _ctx.verify_mode = ssl.CERT_NONE\n"
		     "    ssl.wrap_socket = _ctx.wrap_socket\n"
		     "print(sys.version.split()[0], flush=True)\n"
		     "socket.getaddrinfo('127.0.0.1', 1, 0, socket.SOCK_STREAM)  # its modules loaded now\n"
		     "def mark(n):\n"
		     "    try:\n"
		     "        os.write(-1, b'" MARK "%d' % n)\n"
		     "    except OSError:\n"
		     "        pass\n");
	for (size_t i = 0; i <= pm_nsteps; i++) {
		sb_printf(out, "mark(%zu)\n", i);
		if (i < pm_nsteps)
			sb_printf(out, "%s\n", pm_steps[i].python);
	}
}

/* A line of strace -o with its pid prefix cut: the " = " moved back to
 * column 40 (strace counted the prefix in), as strace prints it for one process. */
static void realign(struct sbuf *out, const char *line)
{
	const char *eq = NULL;
	for (const char *p = strstr(line, " = "); p; p = strstr(p + 1, " = "))
		eq = p;
	if (!eq) {
		sb_printf(out, "%s\n", line);
		return;
	}
	size_t call = (size_t)(eq - line);
	while (call && line[call - 1] == ' ')
		call--;
	struct sbuf text = SBUF_INIT, full = SBUF_INIT;
	sb_putn(&text, line, call);
	sb_puts(&full, sb_str(&text));
	sb_putc(&full, ' ');
	while (full.len < 40)
		sb_putc(&full, ' ');
	sb_printf(out, "%s%s\n", sb_str(&full), eq + 1);
	sb_free(&text);
	sb_free(&full);
}

/* The step a marker line names, or -1. */
static long marker(const char *line)
{
	const char *m = strstr(line, "write(-1, \"" MARK);
	return m ? strtol(m + strlen("write(-1, \"" MARK), NULL, 10) : -1;
}

int pm_split(const char *strace_out, struct sbuf *lines)
{
	long cur = -1, seen = -1;
	for (const char *p = strace_out; *p;) {
		size_t len = strcspn(p, "\n");
		char line[4096];
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
		p += len + (p[len] == '\n');
		/* strace -f -o: "PID  " in front of every line */
		char *call = line + strspn(line, "0123456789");
		call += strspn(call, " ");
		long m = marker(call);
		if (m >= 0) {
			if (m != seen + 1)
				return -1;
			seen = cur = m;
			continue;
		}
		if (cur >= 0 && (size_t)cur < pm_nsteps && strncmp(call, "+++", 3) && strncmp(call, "---", 3))
			realign(&lines[cur], call);
	}
	return (size_t)seen == pm_nsteps ? 0 : -1;
}
