/* skeleton: the shared server and client loops (see skeleton.h). */
#define _GNU_SOURCE
#include "skeleton.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "frame.h"
#include "i18n.h"
#include "io.h"
#include "server.h"
#include "tls.h"
#include "trace.h"
#include "upload.h"

#define STREAM_BUF 65536      /* one read from the server */
#define CLIENT_WINDOW 65536   /* input taken ahead of what went out */

/* ---- telling the user ------------------------------------------------- */

/* What an errno means to someone running a client or server, by call. */
static const struct {
	const char *call;   /* NULL: any call */
	int err;
	const char *text;
} explanations[] = {
	{ "connect", ECONNREFUSED, N_("nobody is listening there; is the server running?") },
	{ "connect", ETIMEDOUT, N_("no answer from that address") },
	{ "connect", ENETUNREACH, N_("no route to that network") },
	{ "connect", EHOSTUNREACH, N_("no route to that host") },
	{ "bind", EADDRINUSE, N_("the address is already in use: is another server running there? (pick another with -p)") },
	{ "bind", EADDRNOTAVAIL, N_("that address does not belong to this machine") },
	{ "bind", EACCES, N_("not allowed (ports below 1024 need root or CAP_NET_BIND_SERVICE)") },
	{ "sendto", EMSGSIZE, N_("the message is larger than one datagram of this socket can carry; not sent") },
	{ "recvfrom", EAGAIN, N_("no answer in time: is the server running? (a datagram socket is not told)") },
	{ "recvfrom", ECONNREFUSED, N_("the server's port is closed (an ICMP port unreachable came back)") },
	{ NULL, ECONNRESET, N_("the peer reset the connection") },
	{ NULL, EPIPE, N_("the peer has closed the connection") },
	{ NULL, EAFNOSUPPORT, N_("this kernel does not support the address family") },
	{ NULL, EPROTONOSUPPORT, N_("this kernel does not support the protocol") },
};

void skel_fail(const struct session *s, const char *call, int err, const char *fmt, ...)
{
	const char *text = s->fam->explain ? s->fam->explain(s, call, err) : NULL;
	for (size_t i = 0; !text && i < sizeof explanations / sizeof explanations[0]; i++)
		if (explanations[i].err == err &&
		    (!explanations[i].call || !strcmp(explanations[i].call, call)))
			text = _(explanations[i].text);
	if (!text)
		text = strerror(err);
	va_list ap;
	fprintf(stderr, "%s: ", s->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (%s)\n", text, strerrorname_np(err) ? strerrorname_np(err) : "?");
}

const char *skel_describe(const struct session *s, const struct sockaddr *sa, socklen_t len,
			  struct sbuf *buf)
{
	sb_reset(buf);
	s->fam->describe(sa, len, buf);
	return sb_str(buf);
}

int skel_set_nonblocking(const struct session *s, int fd)
{
	int fl = t_fcntl(fd, F_GETFL, 0);
	if (fl < 0 || t_fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		skel_fail(s, "fcntl", errno, _("making descriptor %d non-blocking"), fd);
		return -1;
	}
	return 0;
}

void skel_transform(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
}

/* Stream and seqpacket sockets listen, accept and connect; datagram and raw
 * (netlink) sockets do not. The type may carry SOCK_CLOEXEC/SOCK_NONBLOCK. */
static int connection_oriented(const struct session *s)
{
	int type = s->kind->type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);
	return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

/* The room given to calls that return an address: the family's own sockaddr. */
static socklen_t addr_room(const struct session *s)
{
	socklen_t n = s->fam->addr_size;
	return n && n <= sizeof(struct sockaddr_storage) ? n : (socklen_t)sizeof(struct sockaddr_storage);
}

/* Room for control messages; a family asking for more gets this much. */
#define CONTROL_MAX 512
union control_buf {
	struct cmsghdr align;
	char bytes[CONTROL_MAX];
};

/* The client's control messages for its first message, if the family has any. */
static size_t client_control(struct session *s, int fd, union control_buf *ctl)
{
	if (!s->fam->client_control)
		return 0;
	size_t n = s->fam->client_control(s, fd, ctl, sizeof *ctl);
	return n <= sizeof *ctl ? n : 0;
}

/* ---- client ------------------------------------------------------------ */

/* The next message: the next argument, or the next line of stdin without its newline. */
static int next_message(struct session *s, int *idx, char **line, size_t *cap, char **msg, size_t *len)
{
	if (s->messages) {
		if (*idx >= s->nmessages)
			return 0;
		*msg = s->messages[(*idx)++];
		*len = strlen(*msg);
		return 1;
	}
	ssize_t n = getline(line, cap, stdin);
	if (n < 0)
		return 0;
	if (n > 0 && (*line)[n - 1] == '\n')
		(*line)[--n] = '\0';
	*msg = *line;
	*len = (size_t)n;
	return 1;
}

static void print_answer(const char *buf, size_t n)
{
	fwrite(buf, 1, n, stdout);
	putchar('\n');
}

/* Tells the user which address the kernel gave us, once we have one. */
static void note_local(struct session *s, int fd, const char *fmt)
{
	struct endpoint me = { .len = addr_room(s) };
	struct sbuf text = SBUF_INIT;
	if (t_getsockname(fd, EP_SA(&me), &me.len) == 0) {
		printf("%s: ", s->prog);
		printf(fmt, skel_describe(s, EP_SA(&me), me.len, &text));
		putchar('\n');
	}
	sb_free(&text);
}

/*
 * A connection: what the user gives (the messages, or standard input) goes
 * out, framed (--framing), and whatever the server sends is shown as it
 * arrives, in one poll() loop, so an answer longer, shorter or later than
 * the message, or none at all, is shown as it is. Sends are non-blocking
 * (MSG_DONTWAIT) so a large message never leaves both sides blocked in
 * send() with full buffers. At the end of the input: shutdown(SHUT_WR), and
 * everything the server still sends is shown until it closes (or -w MS).
 */
struct cstate {
	struct session *s;
	int fd;
	int records;                /* SOCK_SEQPACKET: one send per message */
	size_t bufsize;             /* one receive: a stream's window, or a whole record */
	int rflags;                 /* MSG_TRUNC when a record can be larger than bufsize */
	struct sbuf out;            /* messages to send: [4-byte length][framed bytes]... */
	size_t off, roff;           /* the message being sent, and how much of it went */
	size_t queued;              /* bytes not sent yet */
	union control_buf ctl;      /* control messages for the first send */
	size_t ctllen;
	int input_done, shut, server_done;
	int failed;                 /* a message could not be sent (said): exit 1 at the end */
	char *in;                   /* standard input not yet cut into lines */
	size_t inlen, incap;
	int idx;                    /* the next argument */
	struct deframer answers;    /* --framing length: answers are cut into messages */
	unsigned long got;          /* bytes from the server */
	unsigned long sent_total;   /* bytes of the messages queued so far */
	/* The connection's bytes: the plain calls (send with MSG_DONTWAIT), or
	 * TLS over them (--tls, common/tls.c); as send()/recv() with errno. */
	ssize_t (*xsend)(struct cstate *c, const void *buf, size_t n);
	ssize_t (*xrecv)(struct cstate *c, void *buf, size_t n);
	struct tls_conn *tls;
	struct upload *up;          /* --upload: the file is the input, its answer is checked */
};

static ssize_t plain_send(struct cstate *c, const void *buf, size_t n)
{
	return t_send(c->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static ssize_t plain_recv(struct cstate *c, void *buf, size_t n)
{
	return t_recv(c->fd, buf, n, c->rflags);
}

/* The receive flags for one datagram or record: MSG_TRUNC (the real length
 * comes back, so a message cut to the buffer is seen) when the family's
 * senders can send more than max_dgram. */
static int record_flags(const struct session *s)
{
	return s->fam->dgram_may_exceed ? MSG_TRUNC : 0;
}

/* n bytes of a message arrived for a buffer of cap: when n is more, the
 * kernel cut it; said, and 1 (a loss) returned. */
static int cut_message(const struct session *s, long n, size_t cap)
{
	if (n <= (long)cap)
		return 0;
	fprintf(stderr, _("%s: the server sent a message of %ld bytes, more than the %zu one receive takes: "
		"the kernel cut it (MSG_TRUNC), so it is not shown\n"), s->prog, n, cap);
	return 1;
}

static ssize_t tls_send(struct cstate *c, const void *buf, size_t n) { return tls_write(c->tls, buf, n); }
static ssize_t tls_recv(struct cstate *c, void *buf, size_t n) { return tls_read(c->tls, buf, n); }

/* A call of the connection failed: why, in one line (TLS: OpenSSL's reason). */
static void conn_failed(struct cstate *c, const char *call, int err, const char *what)
{
	if (err == EPROTO && c->tls)
		fprintf(stderr, "%s: %s: TLS: %s\n", c->s->prog, what, tls_reason(c->tls));
	else
		skel_fail(c->s, call, err, "%s", what);
}

/* Each message is kept as [4-byte length][framed bytes], so each goes out
 * with a send of its own (on a stream too: what the server then reads at
 * once is what TCP merged, not what we did). */
static void queue_message(struct cstate *c, const char *msg, size_t len)
{
	struct sbuf framed = SBUF_INIT;
	if (c->records)
		sb_putn(&framed, msg, len);
	else
		c->s->framing->encode(&framed, msg, len);
	uint32_t n = (uint32_t)framed.len;
	sb_putn(&c->out, (const char *)&n, sizeof n);
	sb_putn(&c->out, framed.p ? framed.p : "", framed.len);
	c->queued += framed.len;
	sb_free(&framed);
}

/* Sends what the socket takes now: 0, or -1 after saying why. */
static int send_some(struct cstate *c)
{
	while (c->off < c->out.len) {
		uint32_t rl;
		memcpy(&rl, c->out.p + c->off, sizeof rl);
		const char *p = c->out.p + c->off + sizeof rl + c->roff;
		size_t n = rl - c->roff;
		ssize_t w;
		if (c->ctllen) {
			struct iovec iov = { (void *)p, n };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &c->ctl,
					    .msg_controllen = c->ctllen };
			w = t_sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		} else {
			w = c->xsend(c, p, n);
		}
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (w < 0 && errno == EMSGSIZE && c->records) {
			/* one record cannot carry it: said, not sent, and the rest goes on */
			skel_fail(c->s, "sendto", errno, _("sending a message of %zu bytes"), n);
			c->failed = 1;
			c->queued -= n;
			c->off += sizeof rl + rl;
			c->roff = 0;
			continue;
		}
		if (w < 0) {
			conn_failed(c, c->ctllen ? "sendmsg" : "sendto", errno, _("sending"));
			return -1;
		}
		c->ctllen = 0;   /* control messages go with the first message only */
		c->queued -= c->records ? n : (size_t)w;
		c->roff += c->records ? n : (size_t)w;
		if (c->roff < rl)
			continue;
		c->off += sizeof rl + rl;
		c->roff = 0;
	}
	sb_reset(&c->out);
	c->off = 0;
	return 0;
}

/* The next messages from the arguments, or the lines standard input has. */
static int take_input(struct cstate *c, int stdin_ready)
{
	struct session *s = c->s;
	if (c->up) {
		/* --upload: the file's header, then its content, read as the queue drains */
		const char *msg;
		size_t len;
		int r = 1;
		if (c->off && c->queued < CLIENT_WINDOW) {
			/* what went out is dropped first, so the queue never holds more than the window */
			memmove(c->out.p, c->out.p + c->off, c->out.len - c->off);
			c->out.len -= c->off;
			c->off = 0;
		}
		while (c->queued < CLIENT_WINDOW && (r = upload_next(c->up, &msg, &len)) > 0)
			queue_message(c, msg, len);
		c->input_done = r == 0;
		return r < 0 ? -1 : 0;
	}
	if (s->messages) {
		/* s->lockstep: the next message only once as many bytes came back as went
		 * out (bin/compare pairs each message with its echo) */
		while (c->idx < s->nmessages && c->queued < CLIENT_WINDOW &&
		       (!s->lockstep || c->got >= c->sent_total)) {
			size_t before = c->queued;
			queue_message(c, s->messages[c->idx], strlen(s->messages[c->idx]));
			c->sent_total += c->queued - before;
			c->idx++;
		}
		c->input_done = c->idx >= s->nmessages;
		return 0;
	}
	if (!stdin_ready)
		return 0;
	if (c->incap - c->inlen < 65536) {
		size_t cap = c->incap ? c->incap * 2 : 65536;
		char *p = realloc(c->in, cap);
		if (!p)
			return -1;
		c->in = p;
		c->incap = cap;
	}
	ssize_t r = read(STDIN_FILENO, c->in + c->inlen, c->incap - c->inlen);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r < 0) {
		fprintf(stderr, _("%s: reading standard input: %s\n"), s->prog, strerror(errno));
		return -1;
	}
	c->inlen += (size_t)r;
	char *start = c->in, *nl;
	const char *quit = s->srv.service ? s->srv.service->client_quit : NULL;
	while (!c->input_done && (nl = memchr(start, '\n', c->inlen - (size_t)(start - c->in)))) {
		size_t len = (size_t)(nl - start);
		if (quit && len >= strlen(quit) && !strncmp(start, quit, strlen(quit)) &&
		    strspn(start + strlen(quit), " \r") == len - strlen(quit)) {
			/* "/quit": our input ends here (what follows it is not sent) */
			c->input_done = 1;
			start = c->in + c->inlen;
			break;
		}
		queue_message(c, start, len);
		start = nl + 1;
	}
	if (c->input_done) {
		c->inlen = 0;
		return 0;
	}
	if (r == 0) {
		if (start < c->in + c->inlen)   /* the last line had no newline */
			queue_message(c, start, (size_t)(c->in + c->inlen - start));
		start = c->in + c->inlen;
		c->input_done = 1;
	}
	c->inlen -= (size_t)(start - c->in);
	memmove(c->in, start, c->inlen);
	return 0;
}

/* One message from the server: on a line of its own, or (--upload) checked. */
static int show_message(struct cstate *c, const char *msg, size_t len)
{
	if (c->up)
		return upload_answer(c->up, msg, len);
	fwrite(msg, 1, len, stdout);
	putchar('\n');
	return 0;
}

/* What the server sent: shown as it is, or as messages (--framing length,
 * seqpacket records), one per line. */
static int show_answer(struct cstate *c, const char *buf, size_t n, int eof)
{
	struct session *s = c->s;
	if (c->records) {
		if (!eof && show_message(c, buf, n) < 0)
			return -1;
	} else if (s->framing->binary) {
		struct sbuf err = SBUF_INIT;
		const char *msg;
		size_t len;
		int r = eof ? 0 : deframer_add(&c->answers, buf, n, &err);
		while (r >= 0 && (r = deframer_next(&c->answers, eof, &msg, &len, &err)) > 0)
			if (show_message(c, msg, len) < 0) {
				sb_free(&err);
				return -1;
			}
		if (r < 0) {
			fprintf(stderr, _("%s: the server's answer: %s\n"), s->prog, sb_str(&err));
			sb_free(&err);
			return -1;
		}
		sb_free(&err);
	} else if (n) {
		fwrite(buf, 1, n, stdout);
	}
	fflush(stdout);
	return 0;
}

/* The server reset the connection while we sent: what it said before (an
 * error, say) is still queued here; show it. */
static void show_last_words(struct cstate *c, char *buf)
{
	for (int i = 0; buf && i < 64; i++) {
		ssize_t r = t_recv(c->fd, buf, STREAM_BUF, MSG_DONTWAIT);
		if (r <= 0 || show_answer(c, buf, (size_t)r, 0) < 0)
			break;
	}
}

/* ---- blocking modes (--nonblock, --timeout) ------------------------------- */

/* How long a non-blocking client waits for its socket to be ready: --timeout's
 * seconds, or -w (datagram answers; -1 on a stream: for ever). */
static int ready_wait_ms(const struct session *s)
{
	return s->timeout_s ? s->timeout_s * 1000 : s->timeout_ms;
}

/* poll() for `events` on fd, as Python does before each call of a socket with
 * a timeout: 1 ready, 0 timed out, -1 failed (errno). */
static int wait_ready(const struct session *s, int fd, short events)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		int n = t_poll(&p, 1, ready_wait_ms(s));
		if (n < 0 && errno == EINTR && !io_stop)
			continue;
		return n;
	}
}

/* --nonblock: one receive before anything was sent, to show what
 * setblocking(False) means: nothing is there yet, so EAGAIN at once (Python
 * raises BlockingIOError). The bytes, when some came all the same, go into buf;
 * returns what recv returned, errno kept. */
static ssize_t nonblock_probe(struct session *s, int fd, char *buf, size_t n)
{
	ssize_t r = t_recv(fd, buf, n, 0);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		printf(_("%s: non-blocking: recvfrom returned EAGAIN at once, nothing had arrived "
		       "(Python's recv() raises BlockingIOError)\n"), s->prog);
	return r;
}

/* connect(): blocking, or (--nonblock, --timeout) Python's way with a
 * non-blocking socket: EINPROGRESS (the errno connect_ex() returns), poll()
 * for POLLOUT, then getsockopt(SO_ERROR) for how it ended. 0 when connected,
 * -1 after saying why (a poll that timed out: ETIMEDOUT). */
static int client_connect(struct session *s, int fd)
{
	struct sbuf text = SBUF_INIT;
	int err = 0;
	if (t_connect(fd, EP_SA(&s->server), s->server.len) < 0)
		err = errno;
	if (err == EINPROGRESS && (s->nonblock || s->timeout_s)) {
		if (s->timeout_s)
			printf(_("%s: connect returned EINPROGRESS at once (connect_ex() returns %d); "
				 "poll() waits up to %d s for the handshake\n"), s->prog, err, s->timeout_s);
		else
			printf(_("%s: connect returned EINPROGRESS at once (connect_ex() returns %d); "
				 "poll() waits without a limit for the handshake\n"), s->prog, err);
		int n = wait_ready(s, fd, POLLOUT);
		int soerr = 0;
		socklen_t len = sizeof soerr;
		if (n == 0) {
			err = ETIMEDOUT;
			printf(_("%s: no connection after %d s: timed out (Python raises TimeoutError)\n"), s->prog,
			       s->timeout_s);
		} else if (n < 0) {
			err = errno;
		} else if (t_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
			err = errno;
		} else {
			err = soerr;
		}
	}
	if (err)
		skel_fail(s, "connect", err, _("connecting to %s"),
			  skel_describe(s, EP_SA(&s->server), s->server.len, &text));
	sb_free(&text);
	return err ? -1 : 0;
}

static int client_connected(struct session *s, int fd)
{
	struct cstate c = { .s = s, .fd = fd, .records = s->kind->type != SOCK_STREAM,
			    .xsend = plain_send, .xrecv = plain_recv, .bufsize = STREAM_BUF };
	if (c.records) {
		c.bufsize = s->fam->max_dgram > STREAM_BUF ? s->fam->max_dgram : STREAM_BUF;
		c.rflags = record_flags(s);
	}
	c.ctllen = client_control(s, fd, &c.ctl);
	if (s->tls) {
		/* control messages cannot ride inside TLS records */
		c.ctllen = 0;
		if (!(c.tls = tls_client_new(s, fd)) ||
		    tls_client_handshake(s, c.tls, s->timeout_ms > 0 ? s->timeout_ms : 10000) < 0) {
			tls_free(c.tls);
			return 1;
		}
		c.xsend = tls_send;
		c.xrecv = tls_recv;
	}
	deframer_init(&c.answers, s->framing, s->max_frame);
	char *buf = malloc(c.bufsize);
	int rc = buf ? 0 : 1;
	if (buf && s->nonblock && !s->tls) {
		ssize_t r = nonblock_probe(s, fd, buf, STREAM_BUF);
		if (r > 0) {
			c.got += (unsigned long)r;
			rc = show_answer(&c, buf, (size_t)r, 0) < 0;
		} else if (r == 0) {
			c.server_done = 1;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
			conn_failed(&c, "recvfrom", errno, _("reading from the server"));
			rc = 1;
		}
	}
	if (s->upload && !(c.up = upload_open(s)))
		rc = 1;
	while (!rc && !c.server_done && !io_stop) {
		if (!c.input_done && take_input(&c, 0) < 0)
			rc = 1;
		if (rc || send_some(&c) < 0) {
			if (!rc)
				show_last_words(&c, buf);
			rc = 1;
			break;
		}
		if (c.input_done && c.out.len == c.off && !c.shut) {
			/* orderly release: we send no more; the server sees the end of the
			 * stream, and what it still sends is shown until it closes */
			if (c.tls)
				tls_close_notify(c.tls);   /* TLS's own end first: a close_notify alert */
			if (t_shutdown(fd, SHUT_WR) < 0) {
				skel_fail(s, "shutdown", errno, _("closing our side"));
				show_last_words(&c, buf);
				rc = 1;
				break;
			}
			c.shut = 1;
		}
		if (c.up && !c.input_done && c.queued < CLIENT_WINDOW)
			continue;   /* --upload: all went out, more of the file is taken before waiting */
		if (s->messages && !c.input_done && c.queued < CLIENT_WINDOW &&
		    (!s->lockstep || c.got >= c.sent_total))
			continue;   /* the same for arguments: more are taken before waiting */
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
		if (c.out.len > c.off || (c.tls && tls_wants(c.tls) == POLLOUT))
			p[0].events |= POLLOUT;
		/* standard input is read while what it gave has mostly gone out */
		int want_stdin = !s->messages && !c.up && !c.input_done && c.queued < CLIENT_WINDOW;
		int timeout = c.shut && ready_wait_ms(s) >= 0 ? ready_wait_ms(s) : -1;
		int n = t_poll(p, want_stdin ? 2 : 1, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			skel_fail(s, "poll", errno, _("waiting for the server and the input"));
			rc = 1;
			break;
		}
		if (n == 0) {
			fprintf(stderr, _("%s: the server sent nothing more for %d ms after our last message "
				"(-w), and has not closed: giving up\n"), s->prog, s->timeout_ms);
			rc = 1;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = c.xrecv(&c, buf, c.bufsize);
			if (r < 0 && errno != EINTR && errno != EAGAIN) {
				conn_failed(&c, "recvfrom", errno, _("reading from the server"));
				rc = 1;
				break;
			}
			if (r > 0 && cut_message(s, r, c.bufsize)) {
				c.failed = 1;
			} else if (r > 0) {
				c.got += (unsigned long)r;
				if (show_answer(&c, buf, (size_t)r, 0) < 0)
					rc = 1;
			} else if (r == 0) {
				c.server_done = 1;
				if (show_answer(&c, NULL, 0, 1) < 0)
					rc = 1;
				if ((!c.input_done || c.out.len > c.off) &&
				    !(s->srv.service && s->srv.service->client_peer_may_end)) {
					fprintf(stderr, _("%s: the server closed the connection before we had sent "
						"everything\n"), s->prog);
					rc = 1;
				}
			}
		}
		if (want_stdin && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) && take_input(&c, 1) < 0)
			rc = 1;
	}
	deframer_free(&c.answers);
	sb_free(&c.out);
	free(c.in);
	free(buf);
	tls_free(c.tls);
	if (c.up && upload_close(c.up))
		rc = 1;
	return rc || c.failed;
}

static int same_address(const struct endpoint *a, const struct endpoint *b)
{
	return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

static int client_datagrams(struct session *s, int fd)
{
	if (s->timeout_ms < 0)
		s->timeout_ms = 2000;
	/* a non-blocking socket (--nonblock, --timeout) waits in poll() instead */
	int polled = s->nonblock || s->timeout_s;
	struct timeval tv = { s->timeout_ms / 1000, (s->timeout_ms % 1000) * 1000 };
	if (!polled && t_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		skel_fail(s, "setsockopt", errno, _("setting a receive timeout"));
		return 1;
	}
	char *line = NULL, *msg;
	size_t cap = 0, len;
	int idx = 0, rc = 0, named = 0;
	char *buf = malloc(s->fam->max_dgram);
	struct sbuf text = SBUF_INIT;
	if (!buf)
		return 1;
	union control_buf ctl;
	size_t ctllen = client_control(s, fd, &ctl);
	if (s->nonblock && nonblock_probe(s, fd, buf, s->fam->max_dgram) >= 0)
		printf(_("%s: a datagram was waiting before we sent anything; ignored\n"), s->prog);
	while (!io_stop && next_message(s, &idx, &line, &cap, &msg, &len)) {
		ssize_t n;
		do {
			if (ctllen) {
				/* sendto() with control messages: sendmsg() naming the server */
				struct iovec iov = { msg, len };
				struct msghdr m = { .msg_name = EP_SA(&s->server), .msg_namelen = s->server.len,
						    .msg_iov = &iov, .msg_iovlen = 1,
						    .msg_control = &ctl, .msg_controllen = ctllen };
				n = t_sendmsg(fd, &m, 0);
			} else {
				n = t_sendto(fd, msg, len, 0, EP_SA(&s->server), s->server.len);
			}
			/* a signal before anything went (EINTR): the same message again */
		} while (n < 0 && errno == EINTR && !io_stop);
		const char *call = ctllen ? "sendmsg" : "sendto";
		ctllen = 0;
		if (n < 0) {
			/* said, and the next message still goes; the exit status says it */
			if (!io_stop)
				skel_fail(s, call, errno, _("sending %zu bytes"), len);
			rc = 1;
			continue;
		}
		if (!named++)
			note_local(s, fd, _("after the first sendto, our address is %s"));
		/* to a group (broadcast, multicast) every member may answer: all
		 * answers are taken until the wait runs out, each with its sender */
		int group = s->fam->group_address && s->fam->group_address(s), answers = 0;
		for (;;) {
			struct endpoint from = { .len = addr_room(s) };
			int ready = polled ? wait_ready(s, fd, POLLIN) : 1;
			if (ready == 0)
				errno = EAGAIN;
			n = ready > 0 ? t_recvfrom(fd, buf, s->fam->max_dgram, record_flags(s), EP_SA(&from), &from.len)
				      : -1;
			if (n < 0 && errno == EINTR && !io_stop)
				continue;
			if (n < 0 && group && answers && errno == EAGAIN) {
				printf(ngettext("%s: %d answer in %d ms\n", "%s: %d answers in %d ms\n", (unsigned long)answers),
				       s->prog, answers, s->timeout_ms);
				break;
			}
			if (n < 0) {
				/* no answer: said, and the next message still goes */
				if (!io_stop)
					skel_fail(s, ready < 0 ? "poll" : "recvfrom", errno, _("waiting %d ms for the answer"),
						  ready_wait_ms(s));
				rc = 1;
				break;
			}
			if (group) {
				printf(_("%s: answer from %s: "), s->prog, skel_describe(s, EP_SA(&from), from.len, &text));
				print_answer(buf, (size_t)n);
				answers++;
				continue;
			}
			if (!same_address(&from, &s->server)) {
				printf(_("%s: ignoring a datagram from %s, which is not the server\n"), s->prog,
				       skel_describe(s, EP_SA(&from), from.len, &text));
				continue;
			}
			if (cut_message(s, n, s->fam->max_dgram))
				rc = 1;
			else
				print_answer(buf, (size_t)n);
			break;
		}
	}
	sb_free(&text);
	free(buf);
	free(line);
	return rc;
}

void skel_defaults(struct session *s)
{
	if (!s->framing)
		s->framing = framings[0];
	if (!s->max_frame)
		s->max_frame = FRAME_MAX_DEFAULT;
}

int client_run(struct session *s)
{
	const struct family *f = s->fam;
	struct sbuf text = SBUF_INIT;
	int rc = 1;
	io_catch_signals();
	skel_defaults(s);

	if (upload_load(s))   /* --upload: SHA-256 */
		return 1;
	int tls_rc = tls_setup(s);   /* --tls: what to trust, before any socket */
	if (tls_rc)
		return tls_rc;
	int fd = t_socket(f->domain, s->kind->type, s->kind->protocol);
	if (fd < 0) {
		skel_fail(s, "socket", errno, _("creating a %s socket"), s->kind->label);
		goto out;
	}
	if (f->client_before_connect && f->client_before_connect(s, fd))
		goto out_close;
	/* --nonblock, --timeout: Python's setblocking(False) and settimeout() are
	 * both a non-blocking socket (Python itself uses ioctl(FIONBIO)) */
	if ((s->nonblock || s->timeout_s) && skel_set_nonblocking(s, fd))
		goto out_close;
	if (f->client_exchange) {
		rc = f->client_exchange(s, fd);
	} else if (connection_oriented(s)) {
		if (client_connect(s, fd) < 0)
			goto out_close;
		note_local(s, fd, _("connected, our address is %s"));
		if (f->client_after_connect && f->client_after_connect(s, fd))
			goto out_close;
		rc = client_connected(s, fd);
	} else {
		if (f->client_after_connect && f->client_after_connect(s, fd))
			goto out_close;
		rc = client_datagrams(s, fd);
	}
out_close:
	t_close(fd);
out:
	if (f->cleanup)
		f->cleanup(s);
	tls_teardown(s);
	sb_free(&text);
	return rc;
}

int skel_test_endpoint(const char *prog, const struct family *f, const struct sock_kind *k, const char *dir,
		       int n, enum role role, const char *addr, int port, struct endpoint *ep, int *portp,
		       struct sbuf *err)
{
	struct session s;
	struct sbuf a = SBUF_INIT;
	int p = -1, rc = -1;
	memset(&s, 0, sizeof s);
	s.fam = f;
	s.kind = k;
	s.role = role;
	s.prog = prog;
	s.port = -1;
	if (addr) {
		sb_puts(&a, addr);
		p = 0;
	}
	if ((addr || f->test_address(k, dir, n, &a, &p, err) == 0)) {
		if (p >= 0 && port >= 0)
			p = port;
		if (f->resolve(&s, sb_str(&a), p, err) == 0) {
			*ep = s.server;
			if (portp)
				*portp = p;
			rc = 0;
		}
	}
	if (f->cleanup)
		f->cleanup(&s);
	sb_free(&a);
	return rc;
}
