/*
 * compare: the scenarios of the comparison matrix and the cell runner
 * (see compare.h). Every socket call goes through the trace layer, quiet
 * (trace_cfg.enabled = 0). Nothing here asks which family runs: addresses
 * come from the family's test_address and resolve, the rest from the kind.
 */
#define _GNU_SOURCE
#include "compare.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../families/families.h"
#include "../../common/i18n.h"
#include "../../common/skeleton.h"
#include "../../common/trace.h"

#define IO_TIMEOUT_MS 2000   /* every socket of a scenario: no call blocks longer */
#define SLOW_RECEIVER_MS 50  /* scenario 1: the receiver reads this late */
#define QUIET_WAIT_MS 150    /* how long "nothing arrives" is waited for */

struct cmp_ctx {
	const struct family *f;
	const struct sock_kind *k;
	const char *dir;
	struct cmp_cell *cell;
	int failed;          /* a setup call failed: the cell already says why */
};

/* ---- cells ---------------------------------------------------------------- */

const char *cmp_status_name(int status)
{
	static const char *const names[] = { "ok", "n/a", "cannot run", "timeout", "error" };
	return status >= 0 && status <= CELL_ERROR ? names[status] : "?";
}

static const char *ename(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "E???";
}

/* A cell's text grows by fmt. It never ends cut silently, nor in the middle
 * of a UTF-8 character: text that does not fit ends with CMP_CUT (a test
 * checks that no cell of the matrix, in any language, ever does). */
static void vappend(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strlen(buf), mark = sizeof CMP_CUT;
	if (strstr(buf, CMP_CUT) || size <= mark)
		return;
	int n = vsnprintf(buf + len, size - len, fmt, ap);
	if (n < 0 || len + (size_t)n < size)
		return;
	size_t end = size - mark;
	while (end > 0 && ((unsigned char)buf[end] & 0xc0) == 0x80)
		end--;
	memcpy(buf + end, CMP_CUT, mark);
}

__attribute__((format(printf, 2, 3)))
static void text(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vappend(c->cell->text, sizeof c->cell->text, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void detail(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vappend(c->cell->detail, sizeof c->cell->detail, fmt, ap);
	va_end(ap);
}

static struct cmp_value *slot(struct cmp_cell *cell, const char *key)
{
	for (int i = 0; i < cell->nvalues; i++)
		if (!strcmp(cell->v[i].key, key))
			return &cell->v[i];
	if (cell->nvalues >= CMP_MAXVAL)
		return NULL;
	struct cmp_value *v = &cell->v[cell->nvalues++];
	memset(v, 0, sizeof *v);
	snprintf(v->key, sizeof v->key, "%s", key);
	return v;
}

static void val_num(struct cmp_ctx *c, const char *key, long n)
{
	struct cmp_value *v = slot(c->cell, key);
	if (v) {
		v->is_num = 1;
		v->num = n;
	}
}

__attribute__((format(printf, 3, 4)))
static void val_str(struct cmp_ctx *c, const char *key, const char *fmt, ...)
{
	struct cmp_value *v = slot(c->cell, key);
	if (!v)
		return;
	va_list ap;
	va_start(ap, fmt);
	v->is_num = 0;
	vsnprintf(v->str, sizeof v->str, fmt, ap);
	va_end(ap);
}

long cmp_num(const struct cmp_cell *c, const char *key, long dflt)
{
	for (int i = 0; i < c->nvalues; i++)
		if (!strcmp(c->v[i].key, key))
			return c->v[i].is_num ? c->v[i].num : dflt;
	return dflt;
}

const char *cmp_str(const struct cmp_cell *c, const char *key)
{
	for (int i = 0; i < c->nvalues; i++)
		if (!strcmp(c->v[i].key, key))
			return c->v[i].is_num ? NULL : c->v[i].str;
	return NULL;
}

/* A set-up call failed: the cell says which and why, and the scenario stops. */
static void cant(struct cmp_ctx *c, const char *call, int err)
{
	if (c->failed++)
		return;
	c->cell->status = err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == EACCES ||
			  err == EPERM || err == EADDRNOTAVAIL || err == ESOCKTNOSUPPORT ||
			  err == ENETUNREACH || err == ENETDOWN || err == EHOSTUNREACH
		? CELL_CANT : CELL_ERROR;
	c->cell->text[0] = c->cell->detail[0] = '\0';
	text(c, "%s: %s", call, ename(err));
	detail(c, _("%s failed here: %s (%s), so this cell could not be measured."), call,
	       ename(err), strerror(err));
}

static void na(struct cmp_ctx *c, const char *why)
{
	c->cell->status = CELL_NA;
	c->cell->text[0] = '\0';
	text(c, _("n/a: %s"), _(why));
}

/* A result as the cell's text shows it: "data" in the language of the messages
 * (the cell's values keep it as it is, for scripts); "ok" stays, as errno names do. */
static const char *shown(const char *result)
{
	return !strcmp(result, "data") ? _("data") : result;
}

/* ---- helpers around the traced calls ---------------------------------------- */

static int conn_oriented(const struct sock_kind *k)
{
	return k->type == SOCK_STREAM || k->type == SOCK_SEQPACKET;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_timeouts(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	t_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	t_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Address n of this run, through the family's test_address and resolve; *portp (may be
 * NULL) gets the port asked for (0: the kernel picks, -1: the family has no ports). */
static int test_addr_port(struct cmp_ctx *c, int n, enum role role, struct endpoint *ep, int *portp)
{
	struct sbuf err = SBUF_INIT;
	int rc = skel_test_endpoint("compare", c->f, c->k, c->dir, n, role, NULL, -1, ep, portp, &err);
	if (rc && !c->failed++) {
		c->cell->status = CELL_CANT;
		snprintf(c->cell->text, sizeof c->cell->text, _("no test address: %s"), sb_str(&err));
	}
	sb_free(&err);
	return rc;
}

static int test_addr(struct cmp_ctx *c, int n, enum role role, struct endpoint *ep)
{
	return test_addr_port(c, n, role, ep, NULL);
}

static int new_socket(struct cmp_ctx *c)
{
	int fd = t_socket(c->f->domain, c->k->type, c->k->protocol);
	if (fd < 0)
		cant(c, "socket", errno);
	else
		set_timeouts(fd, IO_TIMEOUT_MS);
	return fd;
}

/* socket, [SO_REUSEADDR], bind to address n, [listen]; the bound address in *bound. */
static int server_on(struct cmp_ctx *c, int n, int reuse, struct endpoint *bound)
{
	struct endpoint ep;
	if (test_addr(c, n, ROLE_SERVER, &ep))
		return -1;
	int fd = new_socket(c);
	if (fd < 0)
		return -1;
	int one = 1;
	if (reuse && t_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		goto fail_call;
	if (t_bind(fd, EP_SA(&ep), ep.len) < 0) {
		cant(c, "bind", errno);
		t_close(fd);
		return -1;
	}
	if (conn_oriented(c->k) && t_listen(fd, 16) < 0) {
		cant(c, "listen", errno);
		goto fail;
	}
	bound->len = sizeof bound->ss;
	if (t_getsockname(fd, EP_SA(bound), &bound->len) < 0) {
		cant(c, "getsockname", errno);
		goto fail;
	}
	return fd;
fail_call:
	cant(c, "setsockopt", errno);
fail:
	t_close(fd);
	if (c->f->test_release)
		c->f->test_release(&ep);
	return -1;
}

static void server_off(struct cmp_ctx *c, int fd, const struct endpoint *bound)
{
	if (fd >= 0)
		t_close(fd);
	if (c->f->test_release)
		c->f->test_release(bound);
}

/*
 * Closes a socket without leaving anything in the kernel: a TCP connection
 * closed normally leaves its first closer in TIME_WAIT for a minute, so a
 * scenario's own connections end with SO_LINGER {1, 0} (an abortive close).
 */
static void drop(int fd)
{
	if (fd < 0)
		return;
	struct linger lg = { 1, 0 };
	t_setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	t_close(fd);
}

/* socket + connect (a datagram socket is connected too: it then has one peer). */
static int client_to(struct cmp_ctx *c, const struct endpoint *to)
{
	int fd = new_socket(c);
	if (fd < 0)
		return -1;
	if (t_connect(fd, (const struct sockaddr *)&to->ss, to->len) < 0) {
		cant(c, "connect", errno);
		t_close(fd);
		return -1;
	}
	return fd;
}

/* The server's end of the client's connection: accept on streams, the bound socket otherwise. */
static int server_end(struct cmp_ctx *c, int lfd, struct endpoint *peer)
{
	struct endpoint tmp;
	if (!peer)
		peer = &tmp;
	peer->len = sizeof peer->ss;
	if (!conn_oriented(c->k))
		return lfd;
	int fd = t_accept(lfd, EP_SA(peer), &peer->len);
	if (fd < 0)
		cant(c, "accept", errno);
	else
		set_timeouts(fd, IO_TIMEOUT_MS);
	return fd;
}

/*
 * A server, a client connected to it, and the server's end of their connection
 * (accept on streams, the bound socket otherwise). 0, or -1 after cant() said
 * why, with nothing left open. pair_close undoes it.
 */
static int pair_open(struct cmp_ctx *c, int reuse, struct endpoint *sv, struct endpoint *peer, int *lfd,
		     int *cfd, int *sfd)
{
	*lfd = server_on(c, 0, reuse, sv);
	if (*lfd < 0)
		return -1;
	*cfd = client_to(c, sv);
	*sfd = *cfd >= 0 ? server_end(c, *lfd, peer) : -1;
	if (*sfd >= 0)
		return 0;
	drop(*cfd);
	server_off(c, *lfd, sv);
	return -1;
}

static void pair_close(struct cmp_ctx *c, const struct endpoint *sv, int lfd, int cfd, int sfd)
{
	drop(cfd);
	if (sfd != lfd)
		drop(sfd);
	server_off(c, lfd, sv);
}

static void describe(struct cmp_ctx *c, const struct endpoint *ep, char *out, size_t size)
{
	struct sbuf sb = SBUF_INIT;
	c->f->describe((const struct sockaddr *)&ep->ss, ep->len, &sb);
	snprintf(out, size, "%s", sb_str(&sb));
	sb_free(&sb);
}

/* What an errno from `call` means in this family (its explain hook), or NULL. */
static const char *explain(struct cmp_ctx *c, const char *call, int err)
{
	if (!c->f->explain)
		return NULL;
	struct session s;
	memset(&s, 0, sizeof s);
	s.fam = c->f;
	s.kind = c->k;
	s.role = ROLE_CLIENT;
	s.prog = "compare";
	const char *why = c->f->explain(&s, call, err);
	return why ? _(why) : NULL;
}

/* A printable copy of a received buffer, cut to fit. */
static void quote(char *out, size_t size, const char *buf, size_t n)
{
	size_t o = 0;
	if (size < 8)
		return;
	out[o++] = '"';
	for (size_t i = 0; i < n && o + 5 < size; i++)
		out[o++] = buf[i] >= 32 && buf[i] < 127 && buf[i] != '"' ? buf[i] : '.';
	out[o++] = '"';
	out[o] = '\0';
}

/* ---- 1. message boundaries --------------------------------------------------- */

static void sc_boundaries(struct cmp_ctx *c)
{
	static const char *const msgs[] = { "one", "two", "three" };
	struct endpoint sv;
	int lfd, cfd, sfd;
	if (pair_open(c, 0, &sv, NULL, &lfd, &cfd, &sfd) < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (t_send(cfd, msgs[i], strlen(msgs[i]), MSG_NOSIGNAL) < 0) {
			cant(c, "sendto", errno);
			goto out;
		}
	sleep_ms(SLOW_RECEIVER_MS);   /* the receiver is slower than the sender */
	char buf[256], q[64], got[160] = "";
	int n = 0;
	long total = 0;
	for (;;) {
		ssize_t r = t_recv(sfd, buf, sizeof buf, n ? MSG_DONTWAIT : 0);
		if (r <= 0)
			break;
		n++;
		total += r;
		quote(q, sizeof q, buf, (size_t)r);
		size_t gl = strlen(got);
		snprintf(got + gl, sizeof got - gl, "%s%s", gl ? " " : "", q);
	}
	val_num(c, "sends", 3);
	val_num(c, "receives", n);
	val_num(c, "bytes", total);
	val_str(c, "got", "%s", got);
	val_num(c, "kept", n == 3);
	if (n == 3)
		text(c, _("kept: 3 receives %s"), got);
	else
		text(c, ngettext("merged: %d receive %s", "merged: %d receives %s", (unsigned long)n), n, got);
	detail(c, ngettext("Three sends of 3-5 bytes, then the receiver woke %d ms later and read until "
			   "nothing was left (buffer %zu): %d receive, %ld bytes: %s. %s",
			   "Three sends of 3-5 bytes, then the receiver woke %d ms later and read until "
			   "nothing was left (buffer %zu): %d receives, %ld bytes: %s. %s", (unsigned long)n),
	       SLOW_RECEIVER_MS, sizeof buf, n, total, got,
	       n == 3 ? _("Each receive returned one message: this socket type keeps boundaries.")
		      : _("A byte stream has no message boundaries: the receiver must frame them."));
out:
	pair_close(c, &sv, lfd, cfd, sfd);
}

/* ---- 2. nobody listening --------------------------------------------------- */

/* Connects (and for datagrams sends, then waits for an answer) to a dead address. */
static void try_dead(struct cmp_ctx *c, const struct endpoint *dead, char *out, size_t size,
		     char *call, int *err)
{
	*err = 0;
	strcpy(call, "");
	int fd = new_socket(c);
	if (fd < 0)
		return;
	set_timeouts(fd, QUIET_WAIT_MS);
	if (t_connect(fd, (const struct sockaddr *)&dead->ss, dead->len) < 0) {
		strcpy(call, "connect");
		*err = errno;
		snprintf(out, size, "connect: %s", ename(errno));
	} else if (conn_oriented(c->k)) {
		strcpy(call, "none");
		snprintf(out, size, "%s", _("connect: ok (?)"));
	} else if (t_send(fd, "ping", 4, MSG_NOSIGNAL) < 0) {
		strcpy(call, "sendto");
		*err = errno;
		snprintf(out, size, _("connect ok, send: %s"), ename(errno));
	} else {
		char buf[64];
		if (t_recv(fd, buf, sizeof buf, 0) < 0) {
			*err = errno;
			strcpy(call, "recvfrom");
			if (errno == EAGAIN)
				snprintf(out, size, _("connect ok, send ok, recv: nothing (%s after %d ms)"),
					 ename(errno), QUIET_WAIT_MS);
			else
				snprintf(out, size, _("connect ok, send ok, recv: %s"), ename(errno));
		} else {
			strcpy(call, "none");
			snprintf(out, size, "%s", _("connect ok, send ok, recv ok (?)"));
		}
	}
	t_close(fd);
}

static void sc_refused(struct cmp_ctx *c)
{
	struct endpoint dead;
	int lfd = server_on(c, 0, 0, &dead);
	if (lfd < 0)
		return;
	t_close(lfd);   /* the address was ours a moment ago; nobody has it now */
	char stale[256] = "", gone[256] = "", call[16], call2[16];
	int err = 0, err2 = 0;
	if (c->f->test_release) {
		/* what closing left behind (a socket file) is still there */
		try_dead(c, &dead, stale, sizeof stale, call2, &err2);
		c->f->test_release(&dead);
	}
	try_dead(c, &dead, gone, sizeof gone, call, &err);
	if (c->failed)
		return;
	val_str(c, "call", "%s", call);
	val_str(c, "errno", "%s", err ? ename(err) : "none");
	const char *why = err ? explain(c, call, err) : NULL;
	if (c->f->test_release) {
		val_str(c, "stale_call", "%s", call2);
		val_str(c, "stale_errno", "%s", err2 ? ename(err2) : "none");
		text(c, _("left-over name: %s; removed: %s"), stale, gone);
		detail(c, _("Right after the server closed, its name still existed: %s. Once it was "
			    "removed: %s."), stale, gone);
	} else {
		text(c, "%s", gone);
		detail(c, _("A client of a closed server: %s."), gone);
	}
	if (!conn_oriented(c->k)) {
		/* the unconnected way: sendto and wait */
		int fd = new_socket(c);
		if (fd >= 0) {
			char buf[16];
			set_timeouts(fd, QUIET_WAIT_MS);
			ssize_t s = t_sendto(fd, "ping", 4, 0, (const struct sockaddr *)&dead.ss, dead.len);
			int serr = errno;
			if (s < 0) {
				detail(c, _(" Unconnected, sendto fails at once: %s."), ename(serr));
				val_str(c, "unconnected", "sendto: %s", ename(serr));
			} else {
				ssize_t r = t_recvfrom(fd, buf, sizeof buf, 0, NULL, NULL);
				int rerr = errno;
				detail(c, _(" Unconnected, sendto succeeds and the next recvfrom gets %s: "
					    "errors are reported only to connected datagram sockets."),
				       r < 0 ? ename(rerr) : _("data (?)"));
				val_str(c, "unconnected", "recvfrom: %s", r < 0 ? ename(rerr) : "data");
			}
			t_close(fd);
		}
	}
	if (why)
		detail(c, " (%s)", why);
}

/* ---- 3. restart on the same address ------------------------------------------ */

/* A server that had one client exits; a new one binds the same address at once
 * (release: after the family's test_release removed what the old one left). */
static void restart_once(struct cmp_ctx *c, int reuse, int release, char *out, size_t size, int *err)
{
	struct endpoint sv;
	int lfd, cfd, sfd;
	*err = -1;
	if (pair_open(c, reuse, &sv, NULL, &lfd, &cfd, &sfd) < 0)
		return;
	char buf[16];
	if (!conn_oriented(c->k)) {
		t_send(cfd, "hi", 2, MSG_NOSIGNAL);
		t_recv(sfd, buf, sizeof buf, 0);
	}
	/* the server exits: its connection first (it closes actively), then the listener */
	if (sfd != lfd)
		t_close(sfd);
	t_close(lfd);
	if (release && c->f->test_release)
		c->f->test_release(&sv);
	int fd = new_socket(c);
	if (fd >= 0) {
		int one = 1;
		if (reuse)
			t_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (t_bind(fd, EP_SA(&sv), sv.len) < 0) {
			*err = errno;
			snprintf(out, size, "%s", ename(errno));
		} else {
			*err = 0;
			snprintf(out, size, "ok");
		}
		t_close(fd);
	}
	/* No leftovers: the client resets the connection (SO_LINGER 0), which ends
	 * the server's half-closed one at once instead of leaving it in the kernel. */
	drop(cfd);
	if (c->f->test_release)
		c->f->test_release(&sv);
}

static void sc_restart(struct cmp_ctx *c)
{
	char plain[32] = "?", reuse[32] = "?", released[32] = "?";
	int e1, e2, e3 = -1;
	restart_once(c, 0, 0, plain, sizeof plain, &e1);
	if (c->failed)
		return;
	restart_once(c, 1, 0, reuse, sizeof reuse, &e2);
	if (c->failed)
		return;
	val_str(c, "plain", "%s", plain);
	val_str(c, "reuseaddr", "%s", reuse);
	if (c->f->test_release && e1 > 0) {
		/* what holds the address may be the name the old socket left behind */
		restart_once(c, 0, 1, released, sizeof released, &e3);
		if (c->failed)
			return;
		val_str(c, "released", "%s", released);
	}
	text(c, _("bind again: %s; with SO_REUSEADDR: %s"), shown(plain), shown(reuse));
	if (e3 >= 0)
		text(c, _("; name removed first: %s"), shown(released));
	detail(c, _("A server served one client and exited (closing the connection first); a new "
		    "server bound the same address at once: %s without SO_REUSEADDR, %s with it on "
		    "both servers."), shown(plain), shown(reuse));
	if (e3 >= 0) {
		detail(c, _(" With the old server's name removed first (a socket file stays after close "
			    "until someone unlinks it): %s."), shown(released));
		if (e3 == 0 && e2 > 0)
			detail(c, "%s", _(" SO_REUSEADDR does not help: what holds the address is the name the "
					  "closed socket left behind, not a socket in the middle of closing."));
		return;
	}
	const char *why = e1 > 0 ? explain(c, "bind", e1) : NULL;
	if (why)
		detail(c, " (%s)", why);
	if (e1 > 0 && conn_oriented(c->k) && e2 == 0)
		detail(c, "%s", _(" The old connection still holds the address while it closes; "
				  "SO_REUSEADDR lets a listener bind next to it."));
	else if (e1 > 0 && e2 > 0)
		detail(c, "%s", _(" SO_REUSEADDR does not help: what holds the address is not a socket "
				  "in the middle of closing."));
}

/* ---- 4. largest single message ---------------------------------------------- */

static void sc_maxmsg(struct cmp_ctx *c)
{
	struct endpoint sv;
	int lfd, cfd, sfd;
	if (pair_open(c, 0, &sv, NULL, &lfd, &cfd, &sfd) < 0)
		return;
	const size_t cap = 16u << 20;
	char *buf = calloc(1, cap), *rbuf = malloc(cap);
	if (!buf || !rbuf) {
		free(buf);
		free(rbuf);
		goto out;
	}
	int sndbuf = 0;
	socklen_t sl = sizeof sndbuf;
	t_getsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
	val_num(c, "sndbuf", sndbuf);
	if (c->k->type == SOCK_STREAM) {
		size_t big = 4u << 20;
		ssize_t r = t_send(cfd, buf, big, MSG_DONTWAIT | MSG_NOSIGNAL);
		val_num(c, "max", -1);
		val_num(c, "first_send", (long)r);
		text(c, _("no limit: a stream (a 4 MiB send takes %zd at once)"), r);
		detail(c, _("A byte stream has no messages, so no largest one: a non-blocking send of "
			    "4 MiB took %zd bytes at once (what fits in the send buffer, SO_SNDBUF %d); a "
			    "blocking send waits until all of it is taken."), r, sndbuf);
	} else {
		/* grow until refused, then halve the gap: the largest size sent whole */
		size_t ok = 0, bad = 0, size = 1024;
		int bad_err = 0, steps = 0, other = 0;
		while (steps++ < 64) {
			if (bad && bad - ok <= 1)
				break;
			if (!bad && size > cap) {
				break;
			}
			ssize_t r = t_send(cfd, buf, size, MSG_NOSIGNAL);
			if (r == (ssize_t)size) {
				ok = size;
				ssize_t got = t_recv(sfd, rbuf, cap, MSG_TRUNC);
				if (got != r) {
					other = EIO;
					break;
				}
			} else if (r < 0 && (errno == EMSGSIZE || errno == ENOBUFS || errno == ENOMEM)) {
				bad = size;
				bad_err = errno;
			} else {
				other = r < 0 ? errno : EIO;
				break;
			}
			size = bad ? ok + (bad - ok) / 2 : size * 2;
		}
		if (other) {
			text(c, _("search stopped: %s at %zu bytes"), ename(other), size);
			c->cell->status = CELL_ERROR;
		} else if (!bad) {
			val_num(c, "max", (long)ok);
			text(c, _("at least %zu B accepted"), ok);
		} else {
			val_num(c, "max", (long)ok);
			val_num(c, "refused", (long)bad);
			val_str(c, "errno", "%s", ename(bad_err));
			text(c, "%zu B (%zu: %s)", ok, bad, ename(bad_err));
			detail(c, _("Searched with %d sends: %zu bytes went as one message, received whole; "
				    "%zu bytes were refused with %s (%s). The sender's SO_SNDBUF is %d, "
				    "%ld bytes above the limit."), steps - 1, ok, bad, ename(bad_err),
			       strerror(bad_err), sndbuf, (long)sndbuf - (long)ok);
		}
	}
	free(buf);
	free(rbuf);
out:
	pair_close(c, &sv, lfd, cfd, sfd);
}

/* ---- 5. address size and who names the client -------------------------------- */

/* The client's address as the kernel gave it: after connect, or after the first send. */
static void naming(struct cmp_ctx *c, int which)
{
	struct endpoint sv, me = { .len = sizeof me.ss }, before = { .len = sizeof before.ss };
	int lfd = server_on(c, 0, 0, &sv);
	if (lfd < 0)
		return;
	int fd = new_socket(c);
	if (fd < 0)
		goto out;
	t_getsockname(fd, EP_SA(&before), &before.len);
	int conn = conn_oriented(c->k);   /* named (or not) after connect, else after the first sendto */
	if (conn) {
		if (t_connect(fd, EP_SA(&sv), sv.len) < 0)
			cant(c, "connect", errno);
	} else {
		if (t_sendto(fd, "x", 1, 0, EP_SA(&sv), sv.len) < 0)
			cant(c, "sendto", errno);
	}
	if (!c->failed && t_getsockname(fd, EP_SA(&me), &me.len) < 0)
		cant(c, "getsockname", errno);
	if (c->failed)
		goto out;
	/* A second client binds its own test address: with port 0 the kernel picks. */
	struct endpoint want, got = { .len = sizeof got.ss };
	int port = -1, bfd = -1;
	char gd[256] = "";
	if (which == 1 && test_addr_port(c, 1, ROLE_CLIENT, &want, &port) == 0 &&
	    (bfd = new_socket(c)) >= 0) {
		if (t_bind(bfd, EP_SA(&want), want.len) < 0)
			snprintf(gd, sizeof gd, "bind: %s", ename(errno));
		else if (t_getsockname(bfd, EP_SA(&got), &got.len) == 0)
			describe(c, &got, gd, sizeof gd);
		t_close(bfd);
		if (c->f->test_release)
			c->f->test_release(&want);
	}
	if (c->failed)
		goto out;
	int unnamed = me.len <= sizeof(sa_family_t);   /* nothing but the family */
	char sd[128], md[128], bd[128];
	describe(c, &sv, sd, sizeof sd);
	describe(c, &me, md, sizeof md);
	describe(c, &before, bd, sizeof bd);
	if (which == 0) {
		val_num(c, "sizeof", (long)c->f->addr_size);
		val_num(c, "server_len", (long)sv.len);
		val_num(c, "client_len", (long)me.len);
		val_num(c, "storage", (long)sizeof(struct sockaddr_storage));
		text(c, _("sizeof %u B; server's %u B, client's %u B"), (unsigned)c->f->addr_size,
		     (unsigned)sv.len, (unsigned)me.len);
		detail(c, _("The family's socket address structure is %u bytes (sockaddr_storage: %zu). "
			    "getsockname returned %u bytes for the server (%s) and %u for the client (%s)."),
		       (unsigned)c->f->addr_size, sizeof(struct sockaddr_storage), (unsigned)sv.len, sd,
		       (unsigned)me.len, md);
	} else {
		val_str(c, "client", "%s", md);
		val_num(c, "client_len", (long)me.len);
		val_str(c, "before", "%s", bd);
		val_num(c, "before_len", (long)before.len);
		val_num(c, "named", !unnamed);
		val_str(c, "bound", "%s", gd);
		val_num(c, "bound_port0", port == 0);
		if (unnamed)
			text(c, conn ? _("nobody: after connect still unnamed (%u B)")
				     : _("nobody: after the first sendto still unnamed (%u B)"), (unsigned)me.len);
		else
			text(c, conn ? _("kernel, after connect: %s") : _("kernel, after the first sendto: %s"), md);
		if (port == 0 && gd[0])
			text(c, _("; bind with port 0: %s"), gd);
		const char *story =
			unnamed ? (conn ? _("The client never called bind. Before it was used, getsockname gave %s "
					    "(%u bytes); after connect it was still %s (%u bytes).")
					: _("The client never called bind. Before it was used, getsockname gave %s "
					    "(%u bytes); after the first sendto it was still %s (%u bytes)."))
				: (conn ? _("The client never called bind. Before it was used, getsockname gave %s "
					    "(%u bytes); after connect the kernel had named it %s (%u bytes).")
					: _("The client never called bind. Before it was used, getsockname gave %s "
					    "(%u bytes); after the first sendto the kernel had named it %s (%u bytes)."));
		detail(c, story, bd, (unsigned)before.len, md, (unsigned)me.len);
		if (unnamed)
			detail(c, "%s", _(" Nobody names such a client: a server sees an unnamed peer and cannot "
					  "send a datagram back to it unless the client binds a name first."));
		if (gd[0])
			detail(c, port == 0 ? _(" A client that binds its own address with port 0 (the kernel picks) "
						"gets: %s.")
					    : _(" A client that binds its own name gets: %s."), gd);
	}
out:
	drop(fd);
	server_off(c, lfd, &sv);
}

static void sc_addrsize(struct cmp_ctx *c) { naming(c, 0); }
static void sc_clientname(struct cmp_ctx *c) { naming(c, 1); }

/* ---- 6. what the server learns about its peer --------------------------------- */

static void sc_peer(struct cmp_ctx *c)
{
	struct endpoint sv, peer = { .len = sizeof peer.ss };
	int lfd, cfd, sfd;
	if (pair_open(c, 0, &sv, &peer, &lfd, &cfd, &sfd) < 0)
		return;
	const char *how = "accept";
	if (!conn_oriented(c->k)) {
		char buf[16];
		how = "recvfrom";
		t_send(cfd, "hi", 2, MSG_NOSIGNAL);
		peer.len = sizeof peer.ss;
		if (t_recvfrom(sfd, buf, sizeof buf, 0, EP_SA(&peer), &peer.len) < 0) {
			cant(c, "recvfrom", errno);
			goto out;
		}
	}
	char pd[128];
	describe(c, &peer, pd, sizeof pd);
	val_str(c, "peer", "%s", pd);
	val_num(c, "peer_len", (long)peer.len);
	struct ucred cr = { 0, 0, 0 };
	socklen_t crl = sizeof cr;
	char cred[160];
	if (t_getsockopt(sfd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) < 0) {
		val_str(c, "peercred", "%s", ename(errno));
		snprintf(cred, sizeof cred, "SO_PEERCRED: %s", ename(errno));
	} else {
		int real = cr.pid == getpid();
		val_num(c, "cred_pid", cr.pid);
		val_num(c, "cred_uid", (long)(int)cr.uid);
		val_num(c, "cred_gid", (long)(int)cr.gid);
		val_num(c, "cred_real", real);
		val_str(c, "peercred", "%s", real ? "credentials" : "none");
		if (real)
			snprintf(cred, sizeof cred, "SO_PEERCRED pid=%d uid=%u gid=%u", (int)cr.pid,
				 (unsigned)cr.uid, (unsigned)cr.gid);
		else
			snprintf(cred, sizeof cred, _("no credentials (pid=%d uid=%d)"), (int)cr.pid,
				 (int)cr.uid);
	}
	text(c, "%s: %s (%u B); %s", how, pd, (unsigned)peer.len, cred);
	detail(c, cmp_num(c->cell, "cred_real", 0)
		  ? _("%s gave the peer's address: %s (%u bytes). getsockopt(SO_PEERCRED) on the server's "
		      "socket: %s (the client is this process: the kernel knows who is on the other end).")
		  : _("%s gave the peer's address: %s (%u bytes). getsockopt(SO_PEERCRED) on the server's "
		      "socket: %s (the kernel has no process behind this peer)."),
	       how, pd, (unsigned)peer.len, cred);
out:
	pair_close(c, &sv, lfd, cfd, sfd);
}

/* ---- 7. buffer sizes --------------------------------------------------------- */

static void sc_buffers(struct cmp_ctx *c)
{
	int fd = t_socket(c->f->domain, c->k->type, c->k->protocol);
	if (fd < 0) {
		cant(c, "socket", errno);
		return;
	}
	int snd = 0, rcv = 0, set = 4096, got = 0, gots = 0;
	socklen_t l = sizeof snd;
	t_getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &l);
	l = sizeof rcv;
	t_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &l);
	t_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &set, sizeof set);
	l = sizeof got;
	t_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &l);
	t_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &set, sizeof set);
	l = sizeof gots;
	t_getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &gots, &l);
	t_close(fd);
	val_num(c, "sndbuf", snd);
	val_num(c, "rcvbuf", rcv);
	val_num(c, "set", set);
	val_num(c, "rcvbuf_read", got);
	val_num(c, "sndbuf_read", gots);
	text(c, _("snd %d, rcv %d; set %d, read %d"), snd, rcv, set, got);
	detail(c, _("A fresh socket: SO_SNDBUF %d, SO_RCVBUF %d. After setsockopt(SO_RCVBUF, %d) "
		    "getsockopt reads %d, and SO_SNDBUF %d reads %d: %s"), snd, rcv, set, got, set, gots,
	       got == 2 * set ? _("the kernel doubles the value for its bookkeeping overhead.")
			      : _("not simply twice the value (a minimum or maximum applies)."));
}

/* ---- 8. half-close and sending to a closed peer --------------------------------- */

static void sc_halfclose(struct cmp_ctx *c)
{
	struct endpoint sv;
	int lfd, cfd, sfd;
	if (pair_open(c, 0, &sv, NULL, &lfd, &cfd, &sfd) < 0)
		return;
	char buf[64], peer[128], lost[64] = "", after[64];
	if (t_shutdown(cfd, SHUT_WR) < 0) {
		val_str(c, "shutdown", "%s", ename(errno));
		text(c, "shutdown(SHUT_WR): %s", ename(errno));
		goto out;
	}
	val_str(c, "shutdown", "ok");
	set_timeouts(sfd, QUIET_WAIT_MS);
	ssize_t r = t_recv(sfd, buf, sizeof buf, 0);
	if (r == 0)
		snprintf(peer, sizeof peer, "EOF (0)");
	else if (r < 0)
		snprintf(peer, sizeof peer, _("nothing (%s after %d ms)"), ename(errno), QUIET_WAIT_MS);
	else
		snprintf(peer, sizeof peer, _("%zd bytes (?)"), r);
	val_str(c, "peer_reads", "%s", r == 0 ? "EOF" : r < 0 ? ename(errno) : "data");
	/* the other direction: 0 not tried (a datagram socket), 1 the answer arrives, 2 it is lost */
	int back = 0;
	if (conn_oriented(c->k)) {
		if (t_send(sfd, "late", 4, MSG_NOSIGNAL) == 4 && t_recv(cfd, buf, sizeof buf, 0) == 4) {
			back = 1;
		} else {
			back = 2;
			snprintf(lost, sizeof lost, "%s", ename(errno));
		}
		val_str(c, "reverse", "%s", back == 2 ? "closed" : "open");
	}
	ssize_t s = t_send(cfd, "more", 4, MSG_NOSIGNAL);
	snprintf(after, sizeof after, "%s", s < 0 ? ename(errno) : "ok");
	val_str(c, "send_after", "%s", after);
	text(c, back == 0 ? _("peer reads %s; own send: %s")
	     : back == 1 ? _("peer reads %s; answer still arrives; own send: %s")
			 : _("peer reads %s; answer lost; own send: %s"), peer, shown(after));
	if (back == 2)
		detail(c, _("The client called shutdown(SHUT_WR). The server's next read: %s. the answer is lost: "
			    "%s in the other direction. The client's own send afterwards: %s."), peer, lost,
		       shown(after));
	else
		detail(c, back == 1 ? _("The client called shutdown(SHUT_WR). The server's next read: %s. the "
					"answer still arrives in the other direction. The client's own send "
					"afterwards: %s.")
				    : _("The client called shutdown(SHUT_WR). The server's next read: %s. A datagram "
					"socket sends no end-of-stream mark. The client's own send afterwards: %s."),
		       peer, shown(after));
out:
	pair_close(c, &sv, lfd, cfd, sfd);
}

static void sc_afterclose(struct cmp_ctx *c)
{
	struct endpoint sv;
	int lfd, cfd, sfd;
	if (pair_open(c, 0, &sv, NULL, &lfd, &cfd, &sfd) < 0)
		return;
	if (sfd != lfd)
		t_close(sfd);
	server_off(c, lfd, &sv);   /* the peer is gone */
	char res[2][48];
	for (int i = 0; i < 2; i++) {
		ssize_t s = t_send(cfd, "data", 4, MSG_NOSIGNAL);
		snprintf(res[i], sizeof res[i], "%s", s < 0 ? ename(errno) : "ok");
		sleep_ms(20);   /* time for an answer (RST, ICMP) to come back */
	}
	char buf[16];
	set_timeouts(cfd, 50);
	ssize_t r = t_recv(cfd, buf, sizeof buf, MSG_DONTWAIT);
	char rd[48];
	snprintf(rd, sizeof rd, "%s", r == 0 ? "EOF (0)" : r < 0 ? ename(errno) : "data");
	val_str(c, "send1", "%s", res[0]);
	val_str(c, "send2", "%s", res[1]);
	val_str(c, "recv", "%s", rd);
	text(c, _("send: %s, again: %s; recv: %s"), shown(res[0]), shown(res[1]), shown(rd));
	detail(c, _("The server closed; the client then sent twice (20 ms apart) with MSG_NOSIGNAL: "
		    "%s, then %s; a read gave %s."), shown(res[0]), shown(res[1]), shown(rd));
	t_close(cfd);
}

/* ---- 9. speed ------------------------------------------------------------------ */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* An echo (or sink) server in a child process; returns its pid. */
static pid_t serve_in_child(struct cmp_ctx *c, int lfd, int sink)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	alarm(10);
	static char buf[1 << 18];
	set_timeouts(lfd, 5000);
	int fd = conn_oriented(c->k) ? t_accept(lfd, NULL, NULL) : lfd;
	if (fd < 0)
		_exit(1);
	set_timeouts(fd, 5000);
	for (;;) {
		struct endpoint from = { .len = sizeof from.ss };
		ssize_t r = t_recvfrom(fd, buf, sink ? sizeof buf : 64, 0,
				       conn_oriented(c->k) ? NULL : EP_SA(&from),
				       conn_oriented(c->k) ? NULL : &from.len);
		if (r <= 0)
			break;
		if (sink)
			continue;
		if (conn_oriented(c->k)) {
			if (t_send(fd, buf, (size_t)r, MSG_NOSIGNAL) < 0)
				break;
		} else if (t_sendto(fd, buf, (size_t)r, 0, EP_SA(&from), from.len) < 0) {
			break;
		}
	}
	_exit(0);
}

static void sc_rtt(struct cmp_ctx *c)
{
	enum { WARMUP = 100, N = 1000 };
	struct endpoint sv, me;
	int lfd = server_on(c, 0, 0, &sv);
	if (lfd < 0)
		return;
	pid_t pid = serve_in_child(c, lfd, 0);
	int cfd = -1;
	long *ns = malloc(N * sizeof *ns);
	if (pid < 0 || !ns)
		goto out;
	cfd = new_socket(c);
	if (cfd < 0)
		goto out;
	if (!conn_oriented(c->k)) {
		/* a datagram client must be named to get an answer */
		if (test_addr(c, 1, ROLE_CLIENT, &me))
			goto out;
		if (t_bind(cfd, EP_SA(&me), me.len) < 0) {
			cant(c, "bind", errno);
			goto out;
		}
	}
	if (t_connect(cfd, EP_SA(&sv), sv.len) < 0) {
		cant(c, "connect", errno);
		goto out;
	}
	char msg[64], buf[64];
	memset(msg, 'x', sizeof msg);
	for (int i = 0; i < WARMUP + N; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (t_send(cfd, msg, sizeof msg, MSG_NOSIGNAL) != (ssize_t)sizeof msg) {
			cant(c, "sendto", errno);
			goto out;
		}
		size_t got = 0;
		while (got < sizeof buf) {
			ssize_t r = t_recv(cfd, buf + got, sizeof buf - got, 0);
			if (r <= 0) {
				cant(c, "recvfrom", r < 0 ? errno : EPIPE);
				goto out;
			}
			got += (size_t)r;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (i >= WARMUP)
			ns[i - WARMUP] = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	}
	qsort(ns, N, sizeof *ns, cmp_long);
	long med = ns[N / 2], p10 = ns[N / 10], p90 = ns[N * 9 / 10];
	val_num(c, "median_ns", med);
	val_num(c, "p10_ns", p10);
	val_num(c, "p90_ns", p90);
	val_num(c, "n", N);
	text(c, _("%.1f us (p10 %.1f, p90 %.1f)"), med / 1e3, p10 / 1e3, p90 / 1e3);
	detail(c, _("%d round trips of 64 bytes (after %d to warm up), server in another process: "
		    "median %.1f us, 10%% under %.1f us, 90%% under %.1f us. Measured now; not a "
		    "benchmark."), N, WARMUP, med / 1e3, p10 / 1e3, p90 / 1e3);
out:
	free(ns);
	drop(cfd);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (!conn_oriented(c->k) && c->f->test_release && cfd >= 0)
		c->f->test_release(&me);
	server_off(c, lfd, &sv);
}

static void sc_throughput(struct cmp_ctx *c)
{
	enum { WINDOWS = 5, WINDOW_MS = 50, CHUNK = 128 * 1024 };
	if (c->k->type != SOCK_STREAM) {
		na(c, N_("not a byte stream"));
		return;
	}
	struct endpoint sv;
	int lfd = server_on(c, 0, 0, &sv);
	if (lfd < 0)
		return;
	pid_t pid = serve_in_child(c, lfd, 1);
	int cfd = pid > 0 ? client_to(c, &sv) : -1;
	char *buf = calloc(1, CHUNK);
	if (cfd < 0 || !buf)
		goto out;
	long mbs[WINDOWS];
	for (int w = 0; w < WINDOWS; w++) {
		double t0 = now_s(), t;
		long bytes = 0;
		while ((t = now_s()) - t0 < WINDOW_MS / 1000.0) {
			ssize_t s = t_send(cfd, buf, CHUNK, MSG_NOSIGNAL);
			if (s <= 0) {
				cant(c, "sendto", errno);
				goto out;
			}
			bytes += s;
		}
		mbs[w] = (long)(bytes / (t - t0) / 1e6);
	}
	qsort(mbs, WINDOWS, sizeof mbs[0], cmp_long);
	val_num(c, "median_mbs", mbs[WINDOWS / 2]);
	val_num(c, "min_mbs", mbs[0]);
	val_num(c, "max_mbs", mbs[WINDOWS - 1]);
	text(c, "%ld MB/s (%ld-%ld)", mbs[WINDOWS / 2], mbs[0], mbs[WINDOWS - 1]);
	detail(c, _("%d windows of %d ms, %d KiB sends to a reader in another process: median %ld "
		    "MB/s, lowest %ld, highest %ld. Measured now; not a benchmark."), WINDOWS, WINDOW_MS,
	       CHUNK / 1024, mbs[WINDOWS / 2], mbs[0], mbs[WINDOWS - 1]);
out:
	free(buf);
	drop(cfd);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	server_off(c, lfd, &sv);
}

const struct cmp_scenario cmp_scenarios[] = {
	{ "boundaries", 1, N_("Message boundaries (3 sends, slow receiver)"), 3000, sc_boundaries },
	{ "refused", 2, N_("Nobody listening"), 3000, sc_refused },
	{ "restart", 3, N_("Restart on the same address"), 3000, sc_restart },
	{ "maxmsg", 4, N_("Largest single message"), 5000, sc_maxmsg },
	{ "addrsize", 5, N_("Address size"), 3000, sc_addrsize },
	{ "clientname", 5, N_("Who names the client"), 3000, sc_clientname },
	{ "peer", 6, N_("What the server learns about its peer"), 3000, sc_peer },
	{ "buffers", 7, N_("SO_SNDBUF / SO_RCVBUF (set 4096)"), 3000, sc_buffers },
	{ "halfclose", 8, N_("Half-close: shutdown(SHUT_WR)"), 3000, sc_halfclose },
	{ "afterclose", 8, N_("Sending after the peer closed"), 3000, sc_afterclose },
	{ "rtt", 9, N_("Round trip, 64 bytes"), 5000, sc_rtt },
	{ "throughput", 9, N_("Stream throughput"), 5000, sc_throughput },
	{ NULL, 0, NULL, 0, NULL },
};

/* ---- the cell runner ------------------------------------------------------------- */

int cmp_scratch(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 200)
		tmp = "/tmp";
	if ((size_t)snprintf(buf, size, "%s/sockfam-compare-XXXXXX", tmp) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(buf) ? 0 : -1;
}

void cmp_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char path[512];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				cmp_remove_tree(path);
			else
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

void cmp_run_cell(const struct cmp_scenario *sc, const struct family *f,
		  const struct sock_kind *k, struct cmp_cell *out)
{
	memset(out, 0, sizeof *out);
	const char *why = f->compare_skip ? f->compare_skip(k, sc->id) : NULL;
	if (!f->test_address)
		why = N_("this family has no test_address (family.h)");
	if (why) {
		out->status = CELL_NA;
		snprintf(out->text, sizeof out->text, _("n/a: %s"), _(why));
		return;
	}
	char dir[256];
	int pfd[2];
	if (cmp_scratch(dir, sizeof dir) || pipe(pfd) < 0) {
		out->status = CELL_ERROR;
		snprintf(out->text, sizeof out->text, _("no scratch space: %s"), strerror(errno));
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		close(pfd[0]);
		signal(SIGPIPE, SIG_IGN);
		alarm((unsigned)(sc->timeout_ms / 1000 + 2));
		trace_cfg.enabled = 0;
		struct cmp_ctx c = { f, k, dir, out, 0 };
		sc->run(&c);
		ssize_t w = write(pfd[1], out, sizeof *out);
		_exit(w == (ssize_t)sizeof *out ? 0 : 1);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		out->status = CELL_ERROR;
		snprintf(out->text, sizeof out->text, "fork: %s", strerror(errno));
		cmp_remove_tree(dir);
		return;
	}
	setpgid(pid, pid);
	size_t got = 0;
	double deadline = now_s() + sc->timeout_ms / 1000.0;
	while (got < sizeof *out) {
		int left = (int)((deadline - now_s()) * 1000);
		struct pollfd p = { pfd[0], POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t r = read(pfd[0], (char *)out + got, sizeof *out - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(pfd[0]);
	int status = 0;
	if (got < sizeof *out) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		memset(out, 0, sizeof *out);
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL && WTERMSIG(status) != SIGALRM) {
			out->status = CELL_ERROR;
			snprintf(out->text, sizeof out->text, _("crashed: %s"), strsignal(WTERMSIG(status)));
		} else {
			out->status = CELL_TIMEOUT;
			snprintf(out->text, sizeof out->text, _("timed out after %d ms"), sc->timeout_ms);
		}
	} else {
		waitpid(pid, &status, 0);
	}
	kill(-pid, SIGKILL);   /* anything the scenario left running */
	cmp_remove_tree(dir);
}

/* ---- the matrix -------------------------------------------------------------------- */

static int in_list(const char *list, const char *word, size_t wlen)
{
	const char *p = list;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == wlen && !strncmp(p, word, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int cmp_find(const char *spec, const struct family **fp, const struct sock_kind **kp, struct sbuf *err)
{
	const char *slash = strchr(spec, '/');
	size_t flen = slash ? (size_t)(slash - spec) : strlen(spec);
	for (const struct family *const *f = sockfam_families; *f; f++) {
		if (strlen((*f)->name) != flen || strncmp((*f)->name, spec, flen))
			continue;
		*fp = *f;
		*kp = &cmp_kinds(*f)[0];
		if (!slash)
			return 0;
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++)
			if (!strcmp(k->name, slash + 1)) {
				*kp = k;
				return 0;
			}
		struct sbuf has = SBUF_INIT;
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++)
			sb_printf(&has, "%s%s", has.len ? " " : "", k->name);
		sb_printf(err, _("family %s has no socket kind '%s' (it has: %s)"), (*f)->name, slash + 1, sb_str(&has));
		sb_free(&has);
		return -1;
	}
	struct sbuf known = SBUF_INIT;
	for (const struct family *const *f = sockfam_families; *f; f++)
		sb_printf(&known, "%s%s", known.len ? " " : "", (*f)->name);
	sb_printf(err, _("unknown family '%.*s' (known: %s)"), (int)flen, spec, sb_str(&known));
	sb_free(&known);
	return -1;
}

int cmp_matrix_select(struct cmp_matrix *m, const char *only, const char *families, struct sbuf *err)
{
	memset(m, 0, sizeof *m);
	size_t nsc = 0, nk = 0;
	while (cmp_scenarios[nsc].id)
		nsc++;
	for (const struct family *const *f = sockfam_families; *f; f++)
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++)
			nk++;
	m->rows = calloc(nsc, sizeof *m->rows);
	m->cols = calloc(nk ? nk : 1, sizeof *m->cols);
	if (!m->rows || !m->cols)
		return -1;
	/* check the lists first: every name must mean something */
	for (const char *p = only; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int hit = 0;
		for (size_t i = 0; i < nsc; i++) {
			char num[8];
			snprintf(num, sizeof num, "%d", cmp_scenarios[i].number);
			if ((strlen(cmp_scenarios[i].id) == n && !strncmp(cmp_scenarios[i].id, p, n)) ||
			    (strlen(num) == n && !strncmp(num, p, n)))
				hit = 1;
		}
		if (!hit) {
			struct sbuf ids = SBUF_INIT;
			for (size_t i = 0; i < nsc; i++)
				sb_printf(&ids, "%s%s", ids.len ? " " : "", cmp_scenarios[i].id);
			sb_printf(err, _("unknown scenario '%.*s' (give a number 1-9 or one of: %s)"), (int)n, p,
				  sb_str(&ids));
			sb_free(&ids);
			return -1;
		}
		p = e ? e + 1 : NULL;
	}
	for (const char *p = families; p && *p;) {
		const char *e = strchr(p, ',');
		char spec[64];
		snprintf(spec, sizeof spec, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
		const struct family *f;
		const struct sock_kind *k;
		if (cmp_find(spec, &f, &k, err))
			return -1;
		p = e ? e + 1 : NULL;
	}
	for (size_t i = 0; i < nsc; i++) {
		char num[8];
		snprintf(num, sizeof num, "%d", cmp_scenarios[i].number);
		if (!only || in_list(only, cmp_scenarios[i].id, strlen(cmp_scenarios[i].id)) ||
		    in_list(only, num, strlen(num)))
			m->rows[m->nrows++] = &cmp_scenarios[i];
	}
	for (const struct family *const *f = sockfam_families; *f; f++)
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++) {
			char spec[64];
			snprintf(spec, sizeof spec, "%s/%s", (*f)->name, k->name);
			if (families && !in_list(families, (*f)->name, strlen((*f)->name)) &&
			    !in_list(families, spec, strlen(spec)))
				continue;
			struct cmp_column *col = &m->cols[m->ncols++];
			col->fam = *f;
			col->kind = k;
			/* the name the user gives --families, e.g. inet6/udp, unix/seqpacket */
			snprintf(col->label, sizeof col->label, "%s/%s", (*f)->name, k->name);
		}
	m->cells = calloc((size_t)(m->nrows * m->ncols) + 1, sizeof *m->cells);
	return m->cells ? 0 : -1;
}

void cmp_matrix_run(struct cmp_matrix *m, FILE *progress)
{
	double t0 = now_s();
	for (int r = 0; r < m->nrows; r++)
		for (int c = 0; c < m->ncols; c++) {
			cmp_run_cell(m->rows[r], m->cols[c].fam, m->cols[c].kind, CMP_CELL(m, r, c));
			if (progress) {
				fputc('.', progress);
				fflush(progress);
			}
		}
	if (progress)
		fputc('\n', progress);
	m->seconds = now_s() - t0;
}

void cmp_matrix_free(struct cmp_matrix *m)
{
	free(m->rows);
	free(m->cols);
	free(m->cells);
	memset(m, 0, sizeof *m);
}
