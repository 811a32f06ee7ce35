/* skeleton: the shared server and client loops (see skeleton.h). */
#define _GNU_SOURCE
#include "skeleton.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "io.h"
#include "trace.h"

#define STREAM_BUF 4096
#define CLIENT_WINDOW 65536   /* bytes in flight before the client reads the echo */

/* ---- telling the user ------------------------------------------------- */

/* What an errno means to someone running a client or server, by call. */
static const struct {
	const char *call;   /* NULL: any call */
	int err;
	const char *text;
} explanations[] = {
	{ "connect", ECONNREFUSED, "nobody is listening there; is the server running?" },
	{ "connect", ETIMEDOUT, "no answer from that address" },
	{ "connect", ENETUNREACH, "no route to that network" },
	{ "connect", EHOSTUNREACH, "no route to that host" },
	{ "bind", EADDRINUSE, "the address is already in use: is another server running there? (pick another with -p)" },
	{ "bind", EADDRNOTAVAIL, "that address does not belong to this machine" },
	{ "bind", EACCES, "not allowed (ports below 1024 need root or CAP_NET_BIND_SERVICE)" },
	{ "sendto", EMSGSIZE, "the message is larger than one datagram of this socket can carry; not sent" },
	{ "recvfrom", EAGAIN, "no answer in time: is the server running? (a datagram socket is not told)" },
	{ "recvfrom", ECONNREFUSED, "the server's port is closed (an ICMP port unreachable came back)" },
	{ NULL, ECONNRESET, "the peer reset the connection" },
	{ NULL, EPIPE, "the peer has closed the connection" },
	{ NULL, EAFNOSUPPORT, "this kernel does not support the address family" },
	{ NULL, EPROTONOSUPPORT, "this kernel does not support the protocol" },
};

void skel_fail(const struct session *s, const char *call, int err, const char *fmt, ...)
{
	const char *text = s->fam->explain ? s->fam->explain(s, call, err) : NULL;
	for (size_t i = 0; !text && i < sizeof explanations / sizeof explanations[0]; i++)
		if (explanations[i].err == err &&
		    (!explanations[i].call || !strcmp(explanations[i].call, call)))
			text = explanations[i].text;
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
static void note_local(struct session *s, int fd, const char *when)
{
	struct endpoint me = { .len = addr_room(s) };
	struct sbuf text = SBUF_INIT;
	if (t_getsockname(fd, EP_SA(&me), &me.len) == 0)
		printf("%s: %s, our address is %s\n", s->prog, when,
		       skel_describe(s, EP_SA(&me), me.len, &text));
	sb_free(&text);
}

/*
 * A stream has no message boundaries, so each message goes out as a line.
 * The answer is read back in windows of CLIENT_WINDOW bytes, so a huge line
 * never leaves both sides blocked in send() with full buffers.
 */
static int stream_exchange(struct session *s, int fd, const char *msg, size_t len, char **ans, size_t *anscap,
			   union control_buf *ctl, size_t *ctllen)
{
	size_t total = len + (s->kind->type == SOCK_STREAM);  /* the newline */
	if (*anscap < total + 1) {
		char *p = realloc(*ans, total + 1);
		if (!p)
			return 1;
		*ans = p;
		*anscap = total + 1;
	}
	char *out = malloc(total ? total : 1);
	if (!out)
		return 1;
	memcpy(out, msg, len);
	if (total > len)
		out[len] = '\n';
	size_t sent = 0;
	do {
		size_t chunk = total - sent < CLIENT_WINDOW ? total - sent : CLIENT_WINDOW;
		ssize_t w = *ctllen ? io_sendmsg_all(fd, out + sent, chunk, MSG_NOSIGNAL, ctl, *ctllen)
				    : io_send_all(fd, out + sent, chunk, MSG_NOSIGNAL);
		*ctllen = 0;   /* control messages go with the first message only */
		if (w < 0) {
			skel_fail(s, "sendto", errno, "sending");
			free(out);
			return 1;
		}
		ssize_t got = io_recv_all(fd, *ans + sent, chunk);
		if (got < 0) {
			skel_fail(s, "recvfrom", errno, "reading the answer");
			free(out);
			return 1;
		}
		if ((size_t)got < chunk) {
			fprintf(stderr, "%s: the server closed the connection before answering in full "
				"(%zu of %zu bytes)\n", s->prog, sent + (size_t)got, total);
			free(out);
			return 1;
		}
		sent += chunk;
	} while (sent < total);
	free(out);
	print_answer(*ans, len);
	return 0;
}

static int client_connected(struct session *s, int fd)
{
	char *line = NULL, *msg, *ans = NULL;
	size_t cap = 0, len, anscap = 0;
	int idx = 0, rc = 0;
	union control_buf ctl;
	size_t ctllen = client_control(s, fd, &ctl);
	while (!rc && !io_stop && next_message(s, &idx, &line, &cap, &msg, &len))
		rc = stream_exchange(s, fd, msg, len, &ans, &anscap, &ctl, &ctllen);
	free(line);
	free(ans);
	if (rc)
		return rc;
	/* Orderly release: we send no more; the server sees end of stream, closes,
	 * and we see end of stream in turn. */
	if (t_shutdown(fd, SHUT_WR) < 0) {
		skel_fail(s, "shutdown", errno, "closing our side");
		return 1;
	}
	char tail[STREAM_BUF];
	ssize_t n;
	while ((n = io_recv(fd, tail, sizeof tail, 0)) > 0)
		;
	if (n < 0) {
		skel_fail(s, "recvfrom", errno, "waiting for the server to close");
		return 1;
	}
	return 0;
}

static int same_address(const struct endpoint *a, const struct endpoint *b)
{
	return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

static int client_datagrams(struct session *s, int fd)
{
	struct timeval tv = { s->timeout_ms / 1000, (s->timeout_ms % 1000) * 1000 };
	if (t_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		skel_fail(s, "setsockopt", errno, "setting a receive timeout");
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
	while (!io_stop && next_message(s, &idx, &line, &cap, &msg, &len)) {
		ssize_t n;
		if (ctllen) {
			/* sendto() with control messages: sendmsg() naming the server */
			struct iovec iov = { msg, len };
			struct msghdr m = { .msg_name = EP_SA(&s->server), .msg_namelen = s->server.len,
					    .msg_iov = &iov, .msg_iovlen = 1,
					    .msg_control = &ctl, .msg_controllen = ctllen };
			n = t_sendmsg(fd, &m, 0);
			ctllen = 0;
		} else {
			n = t_sendto(fd, msg, len, 0, EP_SA(&s->server), s->server.len);
		}
		if (n < 0) {
			if (errno == EINTR)
				break;
			skel_fail(s, "sendto", errno, "sending %zu bytes", len);
			rc = 1;
			continue;
		}
		if (!named++)
			note_local(s, fd, "after the first sendto");
		for (;;) {
			struct endpoint from = { .len = addr_room(s) };
			n = t_recvfrom(fd, buf, s->fam->max_dgram, 0, EP_SA(&from), &from.len);
			if (n < 0 && errno == EINTR && !io_stop)
				continue;
			if (n < 0) {
				skel_fail(s, "recvfrom", errno, "waiting %d ms for the answer", s->timeout_ms);
				rc = 1;
				break;
			}
			if (!same_address(&from, &s->server)) {
				printf("%s: ignoring a datagram from %s, which is not the server\n", s->prog,
				       skel_describe(s, EP_SA(&from), from.len, &text));
				continue;
			}
			print_answer(buf, (size_t)n);
			break;
		}
		if (rc && !s->messages)
			break;
	}
	sb_free(&text);
	free(buf);
	free(line);
	return rc;
}

int client_run(struct session *s)
{
	const struct family *f = s->fam;
	struct sbuf text = SBUF_INIT;
	int rc = 1;
	io_catch_signals();

	int fd = t_socket(f->domain, s->kind->type, s->kind->protocol);
	if (fd < 0) {
		skel_fail(s, "socket", errno, "creating a %s socket", s->kind->label);
		goto out;
	}
	if (f->client_before_connect && f->client_before_connect(s, fd))
		goto out_close;
	if (f->client_exchange) {
		rc = f->client_exchange(s, fd);
	} else if (connection_oriented(s)) {
		if (t_connect(fd, EP_SA(&s->server), s->server.len) < 0) {
			skel_fail(s, "connect", errno, "connecting to %s",
				  skel_describe(s, EP_SA(&s->server), s->server.len, &text));
			goto out_close;
		}
		note_local(s, fd, "connected");
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
	sb_free(&text);
	return rc;
}
