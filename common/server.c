/*
 * server: the server's flow and the steps every model shares (see server.h).
 *
 *   socket -> [SO_REUSEADDR] -> [TCP_NODELAY] -> bind -> listen(backlog)
 *   -> getsockname -> the model's loop -> close -> the family's cleanup
 *
 * A model owns its loop; what it does with one connection or one datagram
 * is here, once, and what the connection is answered with is the service's.
 */
#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "io.h"
#include "skeleton.h"
#include "tls.h"
#include "upload.h"
#include "trace.h"

/* A stream is read in windows this large and each window answered with one
 * send, so a large message moves at stream speed. */
#define STREAM_WINDOW 65536
/* A non-blocking connection stops being read while this much output waits
 * for a peer that does not read (and is read again below OUT_LOW). */
#define OUT_HIGH (1024 * 1024)

/* ---- the log -------------------------------------------------------------------- */

void sv_log_line(const struct server *sv, const char *fmt, ...)
{
	char line[768];
	int n = snprintf(line, sizeof line, "%s: ", sv->s->prog);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2) {
		/* a line this long is a peer's description gone wild: say it was cut */
		memcpy(line + sizeof line - 6, "[...]", 5);
		len = sizeof line - 1;
	}
	line[len++] = '\n';
	/* one call, so threads never mix inside a line */
	fwrite(line, 1, len, stdout);
}

void sv_block_stop_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGUSR1);   /* --fds: the main thread prints the table */
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void sv_restore_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

void sv_log_flush(void)
{
	/* Read without stdout's lock: taking it writes to the C library's data,
	 * and after a fork() that write copies a page, in the child and again in
	 * the parent, for every connection of a server that logs nothing. A
	 * thread sees its own lines (it calls this before it blocks); another
	 * thread's, half written, are that thread's to send before it blocks. */
	if (!__fpending(stdout))
		return;
	sigset_t old;
	sv_block_stop_signals(&old);
	fflush(stdout);
	sv_restore_signals(&old);
}

int sv_before_block(void)
{
	sv_log_flush();
	return io_stop;
}

/* ---- admission ------------------------------------------------------------------ */

int sv_done(struct server *sv)
{
	if (io_stop)
		return 1;
	long n = sv->s->count;
	return n && __atomic_load_n(sv->admitted, __ATOMIC_RELAXED) >= n;
}

int sv_admit(struct server *sv)
{
	if (io_stop)
		return 0;
	long n = sv->s->count;
	if (!n)
		return 1;
	if (__atomic_add_fetch(sv->admitted, 1, __ATOMIC_RELAXED) <= n)
		return 1;
	__atomic_sub_fetch(sv->admitted, 1, __ATOMIC_RELAXED);
	return 0;
}

void sv_unadmit(struct server *sv)
{
	if (sv->s->count)
		__atomic_sub_fetch(sv->admitted, 1, __ATOMIC_RELAXED);
}

/* ---- accepting ------------------------------------------------------------------ */

static socklen_t addr_room(const struct session *s)
{
	socklen_t n = s->fam->addr_size;
	return n && n <= sizeof(struct sockaddr_storage) ? n : (socklen_t)sizeof(struct sockaddr_storage);
}

/* The reserve descriptor; with `leave_room`, only when the model's own
 * descriptors and one client still fit beside it (under a tiny `ulimit -n`
 * it would leave no room for any client, and every one would be shed). */
static void open_spare(struct server *sv, int leave_room)
{
	sv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (sv->spare_fd < 0 || !leave_room)
		return;
	int probe[8], n = 0, want = sv->o->model->own_fds + 1;
	while (n < want && n < 8 && (probe[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		n++;
	int room = n == want;
	while (n)
		close(probe[--n]);
	if (!room) {
		close(sv->spare_fd);
		sv->spare_fd = -1;
	}
}

/* A client there is no descriptor for: closed with a reset (SO_LINGER 0), so
 * it is told at once that it was not served, not shown an orderly end that
 * looks like an empty answer. */
static void shed(struct server *sv, int fd, const struct endpoint *p)
{
	struct sbuf who = SBUF_INIT;
	sv_log(sv, _("no descriptor for %s: resetting its connection at once"),
	       skel_describe(sv->s, EP_SA(p), p->len, &who));
	sb_free(&who);
	struct linger lg = { 1, 0 };
	t_setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	t_close(fd);
}

int sv_accept(struct server *sv, int flags, struct endpoint *peer)
{
	peer->len = addr_room(sv->s);
	int fd = flags ? t_accept4(sv->lfd, EP_SA(peer), &peer->len, flags)
		       : t_accept(sv->lfd, EP_SA(peer), &peer->len);
	if (fd >= 0) {
		if (__atomic_exchange_n(&sv->emfile_said, 0, __ATOMIC_RELAXED))
			fprintf(stderr, _("%s: descriptors are free again: accepting clients\n"), sv->s->prog);
		return fd;
	}
	int err = errno;
	if (err != EMFILE && err != ENFILE)
		return -1;
	pthread_mutex_lock(&sv->lock);
	if (!sv->emfile_said) {
		sv->emfile_said = 1;
		/* said on stderr too: it matters even under --no-log */
		if (sv->spare_fd >= 0)
			fprintf(stderr, _("%s: out of descriptors (%s) while accepting: clients that arrive now "
					  "are accepted and closed at once, until some leave\n"), sv->s->prog,
				strerrorname_np(err));
		else
			fprintf(stderr, _("%s: out of descriptors (%s) while accepting: waiting for clients "
					  "to leave before accepting more\n"), sv->s->prog, strerrorname_np(err));
	}
	/* One descriptor was kept in reserve for this: free it and take the
	 * waiting client. When the reserve can be had back at once, descriptors
	 * came free meanwhile (a blocking accept waits for the client, and others
	 * may have left by then): the client is served. Otherwise it is reset
	 * (told, instead of hanging in the backlog) and the reserve taken back.
	 * The accept itself runs without the lock: another thread may have taken
	 * the waiting client, and then this one waits for the next with nothing
	 * held (a thread that meets EMFILE meanwhile finds no reserve, and waits
	 * as the model does without one). */
	int spare = sv->spare_fd >= 0;
	if (spare) {
		close(sv->spare_fd);
		sv->spare_fd = -1;
	}
	pthread_mutex_unlock(&sv->lock);
	if (!spare) {
		errno = err;
		return -1;
	}
	struct endpoint p = { .len = addr_room(sv->s) };
	int got = flags ? t_accept4(sv->lfd, EP_SA(&p), &p.len, flags) : t_accept(sv->lfd, EP_SA(&p), &p.len);
	pthread_mutex_lock(&sv->lock);
	if (got >= 0) {
		open_spare(sv, 0);
		if (sv->spare_fd >= 0) {
			sv->emfile_said = 0;
			fprintf(stderr, _("%s: descriptors are free again: accepting clients\n"), sv->s->prog);
			pthread_mutex_unlock(&sv->lock);
			*peer = p;
			return got;
		}
		shed(sv, got, &p);
	}
	open_spare(sv, 0);
	pthread_mutex_unlock(&sv->lock);
	errno = err;
	return -1;
}

/* ---- one connection ------------------------------------------------------------- */

static const struct transport plain_transport;
static int join_room(struct server *sv, struct conn *c);
static void leave_room(struct server *sv, struct conn *c);

static void now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

const char *conn_who(struct conn *c)
{
	if (!c->who_made) {
		struct sbuf text = SBUF_INIT;
		snprintf(c->who, sizeof c->who, "%s", skel_describe(c->sv->s, EP_SA(&c->peer), c->peer.len, &text));
		sb_free(&text);
		c->who_made = 1;
	}
	return c->who;
}

int sv_conn_open(struct server *sv, struct conn *c, int fd, const struct endpoint *peer, int nonblocking)
{
	memset(c, 0, sizeof *c);
	c->sv = sv;
	c->fd = fd;
	c->slot = -1;
	c->side_fd = -1;
	c->nonblocking = nonblocking;
	c->qtail = &c->q;
	c->tp = &plain_transport;
	now(&c->last);
	c->framed = sv->s->kind->type == SOCK_STREAM && sv->s->framing->cuts;
	if (c->framed)
		deframer_init(&c->frames, sv->s->framing, sv->s->max_frame);
	if (peer)
		c->peer = *peer;
	c->who_made = !peer;   /* conn_who() writes it when someone reads it */
	sv_log(sv, _("connection from %s"), conn_who(c));
	if (sv->s->fam->server_peer)
		sv->s->fam->server_peer(sv->s, fd);
	if (sv->s->tls && tls_conn_attach(c) < 0)
		return -1;
	/* a thread room's member joins before its greeting goes out, so nothing
	 * said after that greeting passes it by */
	if (sv->room && join_room(sv, c) < 0)
		return -1;
	const struct service *svc = sv->o->service;
	if (svc->opened && svc->opened(c) < 0)
		c->ending = 1;
	return c->failed ? -1 : 0;
}

/* Room for control messages; a family asking for more gets this much. */
#define CONTROL_MAX 512
union control_buf {
	struct cmsghdr align;
	char bytes[CONTROL_MAX];
};

/*
 * One receive: recv()/recvfrom(), or recvmsg() with room for control
 * messages when the family wants them (they go to its server_control hook).
 * `peer` (datagrams) gets the sender's address.
 */
static ssize_t receive(struct server *sv, int fd, void *buf, size_t n, struct endpoint *peer)
{
	struct session *s = sv->s;
	const struct family *f = s->fam;
	if (!f->server_control_space) {
		/* MSG_TRUNC: the datagram's real length, so a cut one is seen */
		int fl = f->dgram_may_exceed && s->kind->type != SOCK_STREAM ? MSG_TRUNC : 0;
		ssize_t r = peer ? t_recvfrom(fd, buf, n, fl, EP_SA(peer), &peer->len) : io_recv(fd, buf, n, fl);
		if (r > (ssize_t)n) {
			errno = EMSGSIZE;
			return -1;
		}
		return r;
	}
	union control_buf ctl;
	struct iovec iov = { buf, n };
	struct msghdr m = {
		.msg_name = peer ? EP_SA(peer) : NULL,
		.msg_namelen = peer ? peer->len : 0,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = &ctl,
		.msg_controllen = f->server_control_space < CONTROL_MAX ? f->server_control_space : CONTROL_MAX,
	};
	ssize_t r = peer ? t_recvmsg(fd, &m, 0) : io_recvmsg(fd, &m, 0);
	if (r < 0)
		return r;
	if (peer)
		peer->len = m.msg_namelen;
	if ((m.msg_controllen || (m.msg_flags & MSG_CTRUNC)) && f->server_control)
		f->server_control(s, fd, &m);
	if (m.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;   /* the kernel cut the message to the buffer */
		return -1;
	}
	return r;
}

/* A message the kernel cut to our buffer (MSG_TRUNC): said on stderr (it is a
 * loss, even under --no-log), and the server's exit status says it too. */
static void said_cut(struct server *sv, const char *who)
{
	fprintf(stderr, _("%s: %s sent a message larger than the %zu bytes one receive takes; the kernel "
		"cut it (MSG_TRUNC): refused, not answered as if whole\n"), sv->s->prog, who, sv->bufsize);
	__atomic_store_n(&sv->rc, 1, __ATOMIC_RELAXED);
}

/* The plain transport: the calls themselves. */
static ssize_t plain_recv(struct conn *c, void *buf, size_t n)
{
	return receive(c->sv, c->fd, buf, n, NULL);
}

static ssize_t plain_send(struct conn *c, const void *buf, size_t n)
{
	return t_send(c->fd, buf, n, MSG_NOSIGNAL);
}

static const struct transport plain_transport = { "plain", plain_recv, plain_send, NULL };

/* A frame the service cannot take: said to the peer (framed) and in the
 * log, and the connection ends once that answer has gone. */
static void refuse_said(struct server *sv, struct conn *c, const char *why, const char *said)
{
	sv_log(sv, _("%s: %s; closing the connection"), conn_who(c), said);
	char line[300];
	int n = snprintf(line, sizeof line, "error: %s", why);
	c->partial = 0;
	conn_send(c, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	c->ending = 1;
}

/* The same, the log's words the peer's (English: the protocol's). */
static void refuse(struct server *sv, struct conn *c, const char *why)
{
	refuse_said(sv, c, why, why);
}

/* The messages the frames hold now (eof: the stream ended) to the service;
 * their answers go out in one write. */
static void deliver_frames(struct server *sv, struct conn *c, int eof)
{
	const struct service *svc = sv->o->service;
	struct sbuf err = SBUF_INIT;
	const char *msg;
	size_t len;
	int r;
	c->batching = 1;
	while (!c->ending && !c->failed && c->side_fd < 0 && (r = deframer_next(&c->frames, eof, &msg, &len, &err)) != 0) {
		if (r < 0) {
			c->batching = 0;
			refuse(sv, c, sb_str(&err));
			break;
		}
		c->partial = eof && sv->s->framing->open_end;
		if (svc->data && svc->data(c, (char *)msg, len) < 0)
			c->ending = 1;
	}
	c->batching = 0;
	if (c->batch.len) {
		conn_write(c, c->batch.p, c->batch.len);
		sb_reset(&c->batch);
	}
	sb_free(&err);
}

/* Nothing held back from earlier reads: the whole messages are cut straight
 * out of what was just read (no copy), and only an unfinished one is kept. */
static void deliver_read(struct server *sv, struct conn *c, char *buf, size_t n)
{
	const struct service *svc = sv->o->service;
	struct sbuf err = SBUF_INIT;
	size_t off = 0;
	c->batching = 1;
	while (!c->ending && !c->failed && c->side_fd < 0 && off < n) {
		size_t start, len, used;
		int r = sv->s->framing->next(buf + off, n - off, 0, sv->s->max_frame, &start, &len, &used, &err);
		if (r == 0)
			break;
		if (r < 0) {
			c->batching = 0;
			refuse(sv, c, sb_str(&err));
			break;
		}
		c->partial = 0;
		if (svc->data && svc->data(c, buf + off + start, len) < 0)
			c->ending = 1;
		off += used;
	}
	c->batching = 0;
	if (c->batch.len) {
		conn_write(c, c->batch.p, c->batch.len);
		sb_reset(&c->batch);
	}
	if (!c->ending && !c->failed && off < n && deframer_add(&c->frames, buf + off, n - off, &err) < 0)
		refuse(sv, c, sb_str(&err));
	sb_free(&err);
}

int sv_conn_read(struct server *sv, struct conn *c, char *buf)
{
	ssize_t n = c->tp->recv(c, buf, sv->bufsize);
	if (n == 0) {
		if (c->mid_line)
			sv_log(sv, _("%s closed its side after %lu bytes, in the middle of a line; closing ours"),
			       conn_who(c), c->in);
		else
			sv_log(sv, _("%s closed its side after %lu bytes; closing ours"), conn_who(c), c->in);
		if (c->framed && deframer_pending(&c->frames))
			deliver_frames(sv, c, 1);
		if (c->side_fd >= 0 && !c->failed) {
			c->in_ended = 1;   /* the service's wait, and the messages after it, first */
			return 1;
		}
		if (c->q && !c->failed) {
			c->ending = 1;   /* (non-blocking) the answers still waiting go out first */
			return 1;
		}
		return 0;
	}
	if (n < 0) {
		if (errno == EAGAIN && c->nonblocking)
			return 2;
		if (errno == EPROTO)
			return 0;   /* the transport refused the peer's bytes (TLS) and said why */
		if (errno == EMSGSIZE) {
			said_cut(sv, conn_who(c));
			char why[96], said[192];
			snprintf(why, sizeof why, "a message larger than %zu bytes was cut by the kernel", sv->bufsize);
			snprintf(said, sizeof said, _("a message larger than %zu bytes was cut by the kernel"), sv->bufsize);
			refuse_said(sv, c, why, said);
			return c->failed ? -1 : c->ending && !c->q ? 0 : 1;
		}
		if (errno == EAGAIN) {
			sv_log(sv, _("%s sent nothing for %d s (--idle): dropping it"), conn_who(c), sv->o->idle_s);
			return 0;
		}
		if (errno == ECONNRESET || errno == ETIMEDOUT) {
			/* the client's doing, not a failure of the server */
			if (errno == ECONNRESET)
				sv_log(sv, _("%s reset the connection after %lu bytes; closing ours"), conn_who(c),
				       c->in);
			else
				sv_log(sv, _("%s stopped answering (ETIMEDOUT) after %lu bytes; closing ours"),
				       conn_who(c), c->in);
			return 0;
		}
		if (!io_stop)
			skel_fail(sv->s, "recvfrom", errno, _("reading from %s"), conn_who(c));
		return -1;
	}
	c->in += (unsigned long)n;
	now(&c->last);
	c->mid_line = sv->s->kind->type == SOCK_STREAM && buf[n - 1] != '\n';
	if (c->framed && !deframer_pending(&c->frames)) {
		deliver_read(sv, c, buf, (size_t)n);
	} else if (c->framed) {
		struct sbuf err = SBUF_INIT;
		if (deframer_add(&c->frames, buf, (size_t)n, &err) < 0)
			refuse(sv, c, sb_str(&err));
		else
			deliver_frames(sv, c, 0);
		sb_free(&err);
	} else {
		const struct service *svc = sv->o->service;
		c->partial = 0;
		if (svc->data && svc->data(c, buf, (size_t)n) < 0)
			c->ending = 1;
	}
	if (c->failed)
		return -1;
	return c->ending && !c->q ? 0 : 1;
}

/* ---- a service's own wait (cmd under the event models) ------------------------- */

int sv_side_possible(const struct conn *c)
{
	return c->sv->side_watch && !c->dgram;
}

int sv_side_wait(struct conn *c, int fd, long ms)
{
	now(&c->side_deadline);
	c->side_deadline.tv_sec += ms / 1000;
	c->side_deadline.tv_nsec += (ms % 1000) * 1000000L;
	if (c->side_deadline.tv_nsec >= 1000000000L) {
		c->side_deadline.tv_sec++;
		c->side_deadline.tv_nsec -= 1000000000L;
	}
	c->side_fd = fd;
	if (c->sv->side_watch(c->sv, c, 1) < 0) {
		c->side_fd = -1;
		return -1;
	}
	return 0;
}

void sv_side_done(struct conn *c)
{
	if (c->side_fd < 0)
		return;
	c->sv->side_watch(c->sv, c, 0);
	c->side_fd = -1;
	now(&c->last);
}

void sv_conn_resume(struct server *sv, struct conn *c)
{
	if (c->side_fd >= 0 || c->failed)
		return;
	if (c->framed && deframer_pending(&c->frames))
		deliver_frames(sv, c, c->in_ended);
	if (c->in_ended && c->side_fd < 0)
		c->ending = 1;   /* nothing more will come: close once the answers went */
}

static void drop_queue(struct conn *c)
{
	while (c->q) {
		struct out_chunk *k = c->q;
		c->q = k->next;
		free(k);
	}
	c->qtail = &c->q;
	c->queued = 0;
}

void sv_conn_close(struct server *sv, struct conn *c, const char *why)
{
	if (why)
		sv_log(sv, "%s", why);
	if (c->queued)
		sv_log(sv, _("%zu bytes of answers to %s were never taken by it: dropped"), c->queued, conn_who(c));
	leave_room(sv, c);
	const struct service *svc = sv->o->service;
	if (svc->closed)
		svc->closed(c);
	drop_queue(c);
	if (c->framed)
		deframer_free(&c->frames);
	sb_free(&c->batch);
	if (c->tp && c->tp->close)
		c->tp->close(c);
	if (sv->before_close)
		sv->before_close(sv, c);
	t_close(c->fd);
	c->fd = -1;
}

/* ---- thread rooms: a mailbox per connection -------------------------------------
 *
 * Under thread and prethread a room service (chat) reaches the other clients
 * without writing to their sockets: a line for the room goes into each
 * member's mailbox, under the room's lock, and an eventfd wakes the member's
 * own thread, which waits in poll() for its client and its mailbox at once
 * and sends what the mailbox holds. So each socket (and each TLS session) is
 * written by one thread only, and a member that does not read fills only its
 * own mailbox: past ROOM_BACKLOG bytes its lines are counted, not kept, and
 * it is told how many it lost and let go.
 */
#define ROOM_BACKLOG (1 << 20)

struct letter {
	struct letter *next;
	int end;                    /* end the connection once this went */
	size_t n;
	char msg[];
};

struct mailbox {
	struct mailbox *next;       /* the room's members */
	struct conn *c;
	int efd;                    /* eventfd: letters came */
	struct letter *head, **tail;
	size_t bytes;
	unsigned long lost;         /* lines not kept: the member did not keep up */
};

struct room {
	pthread_mutex_t mu;
	struct mailbox *members;
};

static int room_open(struct server *sv)
{
	sv->room = calloc(1, sizeof *sv->room);
	if (!sv->room)
		return -1;
	pthread_mutex_init(&sv->room->mu, NULL);
	return 0;
}

static void room_close(struct server *sv)
{
	if (!sv->room)
		return;
	pthread_mutex_destroy(&sv->room->mu);
	free(sv->room);
	sv->room = NULL;
}

/* Under the room's lock. */
static void post(struct mailbox *mb, const char *msg, size_t n, int end)
{
	struct letter *l = NULL;
	if (end || mb->bytes + n <= ROOM_BACKLOG)
		l = malloc(sizeof *l + n);
	if (!l) {
		mb->lost++;
	} else {
		l->next = NULL;
		l->end = end;
		l->n = n;
		memcpy(l->msg, msg, n);
		*mb->tail = l;
		mb->tail = &l->next;
		mb->bytes += n;
	}
	uint64_t one = 1;
	if (write(mb->efd, &one, sizeof one) < 0) {
		/* the counter is full only after 2^64 - 2 wakeups: the member is awake */
	}
}

static int join_room(struct server *sv, struct conn *c)
{
	struct mailbox *mb = calloc(1, sizeof *mb);
	if (!mb || (mb->efd = eventfd(0, EFD_CLOEXEC)) < 0) {
		sv_log(sv, _("%s: no mailbox for the room (%s); closing the connection"), conn_who(c),
		       strerrorname_np(errno));
		free(mb);
		return -1;
	}
	mb->c = c;
	mb->tail = &mb->head;
	c->mbox = mb;
	pthread_mutex_lock(&sv->room->mu);
	mb->next = sv->room->members;
	sv->room->members = mb;
	pthread_mutex_unlock(&sv->room->mu);
	return 0;
}

static void leave_room(struct server *sv, struct conn *c)
{
	struct mailbox *mb = c->mbox;
	if (!mb)
		return;
	pthread_mutex_lock(&sv->room->mu);
	for (struct mailbox **p = &sv->room->members; *p; p = &(*p)->next)
		if (*p == mb) {
			*p = mb->next;
			break;
		}
	pthread_mutex_unlock(&sv->room->mu);
	while (mb->head) {
		struct letter *l = mb->head;
		mb->head = l->next;
		free(l);
	}
	close(mb->efd);
	free(mb);
	c->mbox = NULL;
}

/* The member's own thread: sends what its mailbox holds. */
static void deliver_mail(struct server *sv, struct conn *c)
{
	struct mailbox *mb = c->mbox;
	uint64_t n;
	if (read(mb->efd, &n, sizeof n) < 0 && errno != EAGAIN) {
		/* an eventfd read fails only when it was not written: nothing came */
	}
	pthread_mutex_lock(&sv->room->mu);
	struct letter *l = mb->head;
	unsigned long lost = mb->lost;
	mb->head = NULL;
	mb->tail = &mb->head;
	mb->bytes = 0;
	mb->lost = 0;
	pthread_mutex_unlock(&sv->room->mu);
	/* gathered, then sent in one write, as a read's answers are */
	c->batching = 1;
	while (l) {
		struct letter *next = l->next;
		if (!c->ending && !c->failed)
			conn_send(c, l->msg, l->n);
		if (l->end)
			c->ending = 1;
		free(l);
		l = next;
	}
	c->batching = 0;
	if (c->batch.len) {
		conn_write(c, c->batch.p, c->batch.len);
		sb_reset(&c->batch);
	}
	if (lost && !c->ending && !c->failed) {
		char line[200];
		int k = snprintf(line, sizeof line, "*** %lu lines of the room were not kept for you: you did not read "
				 "them in time; closing the connection", lost);
		sv_log(sv, _("%s did not read the room's lines: %lu not kept for it (over %d bytes waiting); "
		       "closing the connection"), conn_who(c), lost, ROOM_BACKLOG);
		conn_send(c, line, (size_t)k);
		c->ending = 1;
	}
}

void sv_conn_serve_blocking(struct server *sv, int fd, const struct endpoint *peer)
{
	struct conn c;
	char *buf = malloc(sv->bufsize);
	if (!buf) {
		fprintf(stderr, _("%s: out of memory for a connection\n"), sv->s->prog);
		if (sv->before_close) {
			c.fd = fd;
			sv->before_close(sv, &c);
		}
		t_close(fd);
		return;
	}
	int r = sv_conn_open(sv, &c, fd, peer, 0) < 0 ? -1 : 1;
	if (r > 0 && sv->o->idle_s) {
		/* --idle on a blocking socket: a receive (and a send to a peer that
		 * does not read) gives up with EAGAIN after that long */
		struct timeval tv = { sv->o->idle_s, 0 };
		if (t_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
		    t_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) {
			skel_fail(sv->s, "setsockopt", errno, _("setting the --idle timeout"));
			r = -1;
		}
	}
	if (r > 0 && c.ending)
		r = 0;
	/* the one connection a room service reaches (iterative: one at a time;
	 * the thread models reach theirs through the mailboxes) */
	int current = sv->o->model->shares_conns;
	if (current)
		sv->current = &c;
	/* besides the client, a thread room's member waits for its mailbox, and
	 * an iterative chat for the person at the server */
	int other = c.mbox ? c.mbox->efd : sv->kbd_on && current ? STDIN_FILENO : -1;
	while (r == 1 && !sv_before_block()) {
		if (other >= 0) {
			/* wait for both at once; --idle is the poll's timeout */
			struct pollfd p[2] = { { fd, POLLIN, 0 }, { other, POLLIN, 0 } };
			int n = t_poll(p, 2, sv->o->idle_s ? sv->o->idle_s * 1000 : -1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				skel_fail(sv->s, "poll", errno,
					  c.mbox ? _("waiting for %s and the room")
						 : _("waiting for %s and the keyboard"),
					  conn_who(&c));
				break;
			}
			if (n == 0) {
				sv_log(sv, _("%s sent nothing for %d s (--idle): dropping it"), conn_who(&c),
				       sv->o->idle_s);
				break;
			}
			if (p[1].revents && c.mbox)
				deliver_mail(sv, &c);
			else if (p[1].revents && sv_keyboard(sv) < 0)
				other = -1;
			if ((c.ending && !c.q) || c.failed)
				break;
			if (!p[0].revents)
				continue;
		}
		r = sv_conn_read(sv, &c, buf);
	}
	if (current)
		sv->current = NULL;
	free(buf);
	sv_conn_close(sv, &c, NULL);
	sv_log_flush();
}

/* ---- every client: a room --------------------------------------------------------- */

static void each_current(struct server *sv, int (*fn)(struct conn *c, void *arg), void *arg)
{
	if (sv->current)
		fn(sv->current, arg);
}

struct bcast {
	struct conn *from;
	const char *msg;
	size_t n;
};

static int send_one(struct conn *c, void *arg)
{
	struct bcast *b = arg;
	if (c != b->from && !c->ending && !c->failed)
		conn_send(c, b->msg, b->n);
	return 0;
}

void sv_broadcast(struct server *sv, struct conn *from, const char *msg, size_t n)
{
	if (sv->room) {
		pthread_mutex_lock(&sv->room->mu);
		for (struct mailbox *mb = sv->room->members; mb; mb = mb->next)
			if (mb->c != from)
				post(mb, msg, n, 0);
		pthread_mutex_unlock(&sv->room->mu);
		return;
	}
	struct bcast b = { from, msg, n };
	sv->each_conn(sv, send_one, &b);
}

static int end_one(struct conn *c, void *arg)
{
	const struct bcast *b = arg;
	if (!c->ending && !c->failed)
		conn_send(c, b->msg, b->n);
	c->ending = 1;
	return 0;
}

void sv_room_end(struct server *sv, const char *msg, size_t n)
{
	if (sv->room) {
		pthread_mutex_lock(&sv->room->mu);
		for (struct mailbox *mb = sv->room->members; mb; mb = mb->next)
			post(mb, msg, n, 1);
		pthread_mutex_unlock(&sv->room->mu);
		return;
	}
	struct bcast b = { NULL, msg, n };
	sv->each_conn(sv, end_one, &b);
}

static int count_one(struct conn *c, void *arg)
{
	(void)c;
	++*(int *)arg;
	return 0;
}

int sv_room_count(struct server *sv)
{
	int n = 0;
	if (sv->room) {
		pthread_mutex_lock(&sv->room->mu);
		for (struct mailbox *mb = sv->room->members; mb; mb = mb->next)
			n++;
		pthread_mutex_unlock(&sv->room->mu);
		return n;
	}
	sv->each_conn(sv, count_one, &n);
	return n;
}

void sv_say(const struct server *sv, const char *fmt, ...)
{
	(void)sv;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
	line[len++] = '\n';
	fwrite(line, 1, len, stdout);
}

int sv_keyboard(struct server *sv)
{
	const struct service *svc = sv->o->service;
	if (sv->kbdcap - sv->kbdlen < 4096) {
		size_t cap = sv->kbdcap ? sv->kbdcap * 2 : 8192;
		char *p = cap <= 1 << 20 ? realloc(sv->kbd, cap) : NULL;
		if (!p) {
			fprintf(stderr, _("%s: a line of more than 1 MiB on the keyboard: not read\n"), sv->s->prog);
			sv->kbdlen = 0;
			return 0;
		}
		sv->kbd = p;
		sv->kbdcap = cap;
	}
	ssize_t r = read(STDIN_FILENO, sv->kbd + sv->kbdlen, sv->kbdcap - sv->kbdlen);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0) {
		if (sv->kbdlen)
			svc->keyboard(sv, sv->kbd, sv->kbdlen);
		sv->kbdlen = 0;
		sv->kbd_on = 0;
		svc->keyboard(sv, NULL, 0);
		return -1;
	}
	sv->kbdlen += (size_t)r;
	char *start = sv->kbd, *nl;
	while ((nl = memchr(start, '\n', sv->kbdlen - (size_t)(start - sv->kbd)))) {
		svc->keyboard(sv, start, (size_t)(nl - start));
		start = nl + 1;
	}
	sv->kbdlen -= (size_t)(start - sv->kbd);
	memmove(sv->kbd, start, sv->kbdlen);
	return 0;
}

/* ---- writing -------------------------------------------------------------------- */

static int write_failed(struct conn *c, int err)
{
	if (!c->failed && !io_stop && err != EPROTO) {   /* EPROTO: the transport said why */
		if (err == EAGAIN && !c->nonblocking)
			sv_log(c->sv, _("%s did not take its answer for %d s (--idle): dropping it"), conn_who(c),
			       c->sv->o->idle_s);
		else if (err == EPIPE || err == ECONNRESET)
			sv_log(c->sv, _("%s went away before taking its answer (%s); closing ours"), conn_who(c),
			       strerrorname_np(err));
		else
			skel_fail(c->sv->s, "sendto", err, _("answering %s"), conn_who(c));
	}
	c->failed = 1;
	return -1;
}

static int queue(struct conn *c, const char *p, size_t n)
{
	struct out_chunk *k = malloc(sizeof *k + n);
	if (!k) {
		fprintf(stderr, _("%s: out of memory for %zu bytes of answer to %s: closing it\n"),
			c->sv->s->prog, n, conn_who(c));
		c->failed = 1;
		return -1;
	}
	k->next = NULL;
	k->len = n;
	k->off = 0;
	memcpy(k->data, p, n);
	*c->qtail = k;
	c->qtail = &k->next;
	c->queued += n;
	return 0;
}

int conn_send(struct conn *c, const void *msg, size_t n)
{
	if (!c->framed || c->dgram)
		return conn_write(c, msg, n);
	if (c->partial) {
		/* the unterminated end of a stream: answered as it came, without a newline */
		return conn_write(c, msg, n);
	}
	if (c->batching && !c->failed) {
		/* gathered with the other answers to the same read: framed in place */
		c->sv->s->framing->encode(&c->batch, msg, n);
		return 0;
	}
	struct sbuf framed = SBUF_INIT;
	c->sv->s->framing->encode(&framed, msg, n);
	int r = conn_write(c, framed.p ? framed.p : "", framed.len);
	sb_free(&framed);
	return r;
}

int conn_write(struct conn *c, const void *buf, size_t n)
{
	if (c->failed)
		return -1;
	if (c->batching) {
		sb_putn(&c->batch, buf, n);
		return 0;
	}
	if (c->dgram) {
		/* MSG_DONTWAIT: a datagram peer that does not read never blocks the
		 * server; its answer is dropped and that is said */
		if (t_sendto(c->fd, buf, n, MSG_DONTWAIT, EP_SA(&c->peer), c->peer.len) < 0) {
			if (errno == EAGAIN)
				sv_log(c->sv, _("%s is not reading: its receive queue is full, the answer "
				       "(%zu bytes) was dropped"), conn_who(c), n);
			else
				skel_fail(c->sv->s, "sendto", errno, _("answering %s"), conn_who(c));
			c->sv->rc = 1;
			return -1;
		}
		c->out += n;
		return 0;
	}
	if (c->q)
		return queue(c, buf, n);
	if (!c->nonblocking) {
		for (size_t done = 0; done < n;) {
			ssize_t w = c->tp->send(c, (const char *)buf + done, n - done);
			if (w < 0 && errno == EINTR && !io_stop)
				continue;
			if (w < 0)
				return write_failed(c, errno);
			done += (size_t)w;
		}
		c->out += n;
		now(&c->last);
		return 0;
	}
	const char *p = buf;
	int record = c->sv->s->kind->type != SOCK_STREAM;
	while (n) {
		ssize_t w = c->tp->send(c, p, n);
		if (w < 0 && errno == EAGAIN)
			return queue(c, p, n);
		if (w < 0)
			return write_failed(c, errno);
		c->out += (unsigned long)w;
		now(&c->last);
		if (record)
			break;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int conn_flush(struct conn *c)
{
	int record = c->sv->s->kind->type != SOCK_STREAM;
	while (c->q) {
		struct out_chunk *k = c->q;
		ssize_t w = c->tp->send(c, k->data + k->off, k->len - k->off);
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w < 0)
			return write_failed(c, errno);
		c->out += (unsigned long)w;
		c->queued -= record ? k->len - k->off : (size_t)w;
		now(&c->last);
		k->off = record ? k->len : k->off + (size_t)w;
		if (k->off < k->len)
			continue;
		c->q = k->next;
		if (!c->q)
			c->qtail = &c->q;
		free(k);
	}
	return 1;
}

int sv_conn_backlogged(const struct conn *c)
{
	return c->queued >= OUT_HIGH;
}

/* ---- datagrams ------------------------------------------------------------------ */

/* A datagram's sender as a connection the service can answer. */
static void dgram_conn(struct server *sv, struct conn *c, const struct endpoint *peer)
{
	memset(c, 0, sizeof *c);
	c->sv = sv;
	c->fd = sv->lfd;
	c->dgram = 1;
	c->slot = -1;
	c->side_fd = -1;
	c->peer = *peer;
	c->qtail = &c->q;
	c->who_made = 0;
}

long sv_dgram_read(struct server *sv, char *buf, struct endpoint *peer)
{
	peer->len = addr_room(sv->s);
	long n = receive(sv, sv->lfd, buf, sv->bufsize, peer);
	if (n < 0 && errno == EMSGSIZE) {
		/* cut: said, and the sender is told (when it can be answered) */
		struct conn c;
		dgram_conn(sv, &c, peer);
		said_cut(sv, conn_who(&c));
		char why[96];
		int k = snprintf(why, sizeof why, "error: a message larger than %zu bytes was cut by the kernel",
				 sv->bufsize);
		if (peer->len > sizeof(sa_family_t))
			conn_write(&c, why, (size_t)k);
		errno = EMSGSIZE;
	}
	return n;
}

void sv_dgram_serve(struct server *sv, char *buf, size_t n, const struct endpoint *peer)
{
	struct conn c;
	dgram_conn(sv, &c, peer);
	sv_log(sv, _("datagram of %zu bytes from %s"), n, conn_who(&c));
	if (peer->len <= sizeof(sa_family_t)) {
		sv_log(sv, _("the sender has no address, so there is no way to answer it"));
		return;
	}
	c.in = n;
	const struct service *svc = sv->o->service;
	if (svc->opened)
		svc->opened(&c);
	if (svc->data)
		svc->data(&c, buf, n);
	if (svc->closed)
		svc->closed(&c);
}

/* ---- --idle ------------------------------------------------------------------------ */

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000L + (b->tv_nsec - a->tv_nsec) / 1000000L;
}

int sv_idle_expired(const struct server *sv, const struct conn *c, const struct timespec *t)
{
	return sv->o->idle_s && ms_between(&c->last, t) >= sv->o->idle_s * 1000L;
}

int sv_idle_timeout(const struct server *sv, const struct timespec *oldest)
{
	if (!sv->o->idle_s || !oldest)
		return -1;
	struct timespec t;
	now(&t);
	long left = sv->o->idle_s * 1000L - ms_between(oldest, &t);
	return left < 0 ? 0 : left > 1000000 ? 1000000 : (int)left + 1;
}

int sv_set_nonblocking(struct server *sv, int fd)
{
	return skel_set_nonblocking(sv->s, fd);
}

/* poll() on the listening socket for up to ms: 1 ready, 0 timed out or stopped. */
static int wait_listener(struct server *sv, int ms)
{
	for (;;) {
		sv_log_flush();
		struct pollfd p = { sv->lfd, POLLIN, 0 };
		int n = t_poll(&p, 1, ms);
		if (n < 0 && errno == EINTR && !io_stop)
			continue;
		return n > 0;
	}
}

int sv_wait_ready(struct server *sv)
{
	int secs = sv->s->timeout_s;
	if (!secs)
		return 1;
	if (wait_listener(sv, secs * 1000))
		return 1;
	if (!io_stop) {
		if (sv->conn_oriented)
			fprintf(stderr, _("%s: no client for %d s: timed out (Python's accept() raises "
					  "TimeoutError)\n"), sv->s->prog, secs);
		else
			fprintf(stderr, _("%s: no datagram for %d s: timed out (Python's recvfrom() raises "
					  "TimeoutError)\n"), sv->s->prog, secs);
		sv->rc = 1;
	}
	return 0;
}

int sv_wait_again(struct server *sv)
{
	return wait_listener(sv, -1) || !io_stop;
}

/* ---- options ---------------------------------------------------------------------- */

static int connection_oriented(const struct session *s)
{
	int type = s->kind->type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);
	return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

#define DEFAULT_POOL 8

int server_opts_check(struct session *s, struct sbuf *err)
{
	struct server_opts *o = &s->srv;
	if (!o->model)
		o->model = models[0];
	if (!o->service)
		o->service = services[0];
	if (!o->backlog)
		o->backlog = SOMAXCONN;
	const struct model *m = o->model;
	int conn = connection_oriented(s);
	if (!conn && !(m->kinds & MK_DGRAM)) {
		sb_printf(err, _("--model %s cannot serve %s datagrams: %s"), m->name, s->kind->label, _(m->no_dgram));
		return -1;
	}
	if (!conn && o->idle_s) {
		sb_printf(err, _("--idle drops a silent connection; a %s server has no connections "
			  "(each datagram stands alone)"), s->kind->label);
		return -1;
	}
	if (o->pool && !m->pool) {
		sb_printf(err, _("--model %s takes no =N (only prefork=N and prethread=N do)"), m->name);
		return -1;
	}
	if (o->service->room && !m->shares_conns && !m->room_by_mail) {
		sb_printf(err, _("--service %s needs every client in one loop or one memory (a room), and --model %s "
			  "serves each in a process of its own, which cannot reach the others: use iterative, "
			  "thread, prethread, select, poll or epoll"),
			  o->service->name, m->name);
		return -1;
	}
	if (o->service->room && !conn) {
		sb_printf(err, _("--service %s needs connections: a %s socket has none"), o->service->name,
			  s->kind->label);
		return -1;
	}
	if (o->cmd_timeout_s && !o->service->runs_commands) {
		sb_printf(err, _("--cmd-timeout is the time limit of --service cmd; --service %s runs no commands"),
			  o->service->name);
		return -1;
	}
	if ((s->nonblock || s->timeout_s) && m->no_blocking_modes) {
		struct sbuf list = SBUF_INIT;
		for (const struct model *const *p = models; *p; p++)
			if (!(*p)->no_blocking_modes)
				sb_printf(&list, "%s%s", p == models ? "" : ", ", (*p)->name);
		sb_printf(err, _("%s applies to the models whose one loop accepts (%s); --model %s %s"),
			  s->nonblock ? "--nonblock" : "--timeout", sb_str(&list), m->name, _(m->no_blocking_modes));
		sb_free(&list);
		return -1;
	}
	if (o->max_clients && !m->limits_clients) {
		sb_printf(err, _("--max-clients needs a model that serves several clients at once: "
			  "--model %s serves one at a time"), m->name);
		return -1;
	}
	if (m->pool) {
		if (o->pool && o->max_clients && o->pool != o->max_clients) {
			sb_printf(err, _("--model %s=%d already serves %d clients at once; "
				  "--max-clients %d says otherwise"), m->name, o->pool, o->pool, o->max_clients);
			return -1;
		}
		if (!o->pool)
			o->pool = o->max_clients ? o->max_clients : DEFAULT_POOL;
		o->max_clients = o->pool;
	} else if (m->limits_clients && !o->max_clients) {
		o->max_clients = m->default_max;
	}
	if (!m->limits_clients)
		o->max_clients = 1;
	return 0;
}

/* ---- the whole run ------------------------------------------------------------------- */

int server_run(struct session *s)
{
	const struct family *f = s->fam;
	struct sbuf text = SBUF_INIT;
	int rc = 1;
	io_catch_signals();
	skel_defaults(s);   /* bin/compare does not go through cli_parse */
	if (!s->srv.model) {
		struct sbuf err = SBUF_INIT;
		if (server_opts_check(s, &err))
			fprintf(stderr, "%s: %s\n", s->prog, sb_str(&err));
		sb_free(&err);
		if (!s->srv.model)
			return 2;
	}

	if (upload_load(s))   /* --service upload: SHA-256, before any worker */
		return 1;
	int tls_rc = tls_setup(s);   /* --tls: the certificate, before any socket */
	if (tls_rc)
		return tls_rc;
	int fd = t_socket(f->domain, s->kind->type, s->kind->protocol);
	if (fd < 0) {
		skel_fail(s, "socket", errno, _("creating a %s socket"), s->kind->label);
		goto out;
	}
	int conn = connection_oriented(s);
	if (conn && f->reuseaddr) {
		int one = 1;
		if (t_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
			skel_fail(s, "setsockopt", errno, _("setting SO_REUSEADDR"));
			goto out_close;
		}
	}
	if (conn && f->nodelay && s->kind->type == SOCK_STREAM) {
		/* accepted connections inherit it: answers go out at once, not held
		 * back for the peer's delayed ACK (Nagle's algorithm) */
		int one = 1;
		if (t_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
			skel_fail(s, "setsockopt", errno, _("setting TCP_NODELAY"));
			goto out_close;
		}
	}
	if (f->server_before_bind && f->server_before_bind(s, fd))
		goto out_close;
	if (t_bind(fd, EP_SA(&s->server), s->server.len) < 0) {
		skel_fail(s, "bind", errno, _("binding to %s"),
			  skel_describe(s, EP_SA(&s->server), s->server.len, &text));
		goto out_close;
	}
	if (f->server_after_bind && f->server_after_bind(s, fd))
		goto out_close;
	if (conn && t_listen(fd, s->srv.backlog) < 0) {
		skel_fail(s, "listen", errno, _("listening"));
		goto out_close;
	}
	/* --nonblock, --timeout: Python's setblocking(False) and settimeout() on the
	 * listening socket: it is non-blocking, and the model waits in poll() */
	if ((s->nonblock || s->timeout_s) && skel_set_nonblocking(s, fd))
		goto out_close;
	struct endpoint me = { .len = addr_room(s) };
	if (t_getsockname(fd, EP_SA(&me), &me.len) < 0) {
		skel_fail(s, "getsockname", errno, _("asking which address we got"));
		goto out_close;
	}
	printf(_("%s: listening on %s (%s)\n"), s->prog, skel_describe(s, EP_SA(&me), me.len, &text),
	       s->kind->label);
	if (s->srv.model != models[0] || s->srv.service != services[0])
		printf("%s: --model %s, --service %s\n", s->prog, s->srv.model->name, s->srv.service->name);
	sv_log_flush();
	if (s->on_ready)
		s->on_ready(s, &me);

	if (f->server_serve) {
		rc = f->server_serve(s, fd);
	} else {
		static long admitted_local;
		struct server sv = {
			.s = s,
			.o = &s->srv,
			.lfd = fd,
			.conn_oriented = conn,
			.bufsize = s->kind->type == SOCK_STREAM ? STREAM_WINDOW : f->max_dgram,
			.max_clients = s->srv.max_clients,
			.admitted = &admitted_local,
			.spare_fd = -1,
		};
		pthread_mutex_init(&sv.lock, NULL);
		sv.each_conn = each_current;
		struct stat st0;
		sv.kbd_on = s->srv.service->keyboard && fstat(STDIN_FILENO, &st0) == 0;
		/* the count of clients taken is shared by a pool's processes */
		long *shared = s->count ? mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE,
					       MAP_SHARED | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
		if (shared != MAP_FAILED)
			sv.admitted = shared;
		*sv.admitted = 0;
		if (conn && s->srv.model->shared_fds)
			open_spare(&sv, 1);
		if (s->srv.service->room && s->srv.model->room_by_mail && room_open(&sv) < 0) {
			fprintf(stderr, _("%s: out of memory for the room\n"), s->prog);
			rc = 1;
		} else {
			rc = s->srv.model->serve(&sv) | sv.rc;
		}
		room_close(&sv);
		sv_log_flush();
		if (sv.spare_fd >= 0)
			close(sv.spare_fd);
		free(sv.kbd);
		if (shared != MAP_FAILED)
			munmap(shared, sizeof(long));
		pthread_mutex_destroy(&sv.lock);
	}
	if (io_stop)
		printf(_("%s: stopped by a signal\n"), s->prog);
out_close:
	t_close(fd);
out:
	if (f->cleanup)
		f->cleanup(s);
	tls_teardown(s);
	sb_free(&text);
	fflush(stdout);
	return rc;
}
