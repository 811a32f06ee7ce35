/*
 * server: how a server serves many clients (the model table) and what it
 * does with each one (the service table), written once for every family.
 *
 * This is Python's socketserver in C: a family is the server class
 * (TCPServer, UDPServer, UnixStreamServer...), a model is the mixin
 * (ForkingMixIn, ThreadingMixIn, or none) plus the designs socketserver does
 * not have (prefork, prethread, select, poll, epoll), and a service is the
 * request handler. Every model drives every service through the same four
 * callbacks, so a new model or service is one table entry.
 *
 *   model     the loop: who accepts, who reads, who waits for what
 *   service   opened / data / closed for one connection (or one datagram)
 *   conn      one client as a service sees it; conn_write() answers it
 */
#ifndef SOCKFAM_SERVER_H
#define SOCKFAM_SERVER_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "family.h"
#include "frame.h"

struct server;
struct conn;

/* ---- services ------------------------------------------------------------------ */

/* What a connection (or a datagram) is answered with. */
struct service {
	const char *name;     /* --service NAME */
	const char *summary;  /* one line for --help */
	/* Any may be NULL. opened: a client arrived (a greeting goes out with
	 * conn_write). data: n bytes arrived (a whole record on seqpacket, a whole
	 * datagram on dgram); answer with conn_write; return 0 to go on, -1 to end
	 * the connection once what was written has gone out. closed: the client
	 * is gone, free what the service kept in c->state. */
	int (*opened)(struct conn *c);
	int (*data)(struct conn *c, char *buf, size_t n);
	void (*closed)(struct conn *c);
	/* The server's own keyboard (standard input), for services a person at
	 * the server takes part in (chat): a line typed there (without its
	 * newline), or line NULL once the keyboard closed. NULL: not read. */
	void (*keyboard)(struct server *sv, const char *line, size_t n);
	/* The service reaches every client at once (a chat room): only models
	 * whose one loop holds every connection can run it (model->shares_conns). */
	int room;
	/* The client's side: a line of its input that ends it ("/quit"), and
	 * whether the server ending first is a normal end (chat), not a failure. */
	const char *client_quit;
	int client_peer_may_end;
	/* It runs programs, so --cmd-timeout (their time limit) applies. */
	int runs_commands;
	/* Something of the service's own that one connection waits for (cmd: the
	 * output pipe of the command it runs), under the models whose one loop
	 * waits for everything (sv_side_wait). The loop calls it when that
	 * descriptor is readable, or with timed_out set once the deadline passed;
	 * the service ends the wait with sv_side_done. May be NULL. */
	void (*side)(struct conn *c, int timed_out);
};

extern const struct service *const services[];   /* ends with NULL; the first is the default */
const struct service *service_find(const char *name);

/* ---- one client --------------------------------------------------------------- */

/* Output that could not be sent yet (non-blocking models): whole records for
 * seqpacket and datagrams, bytes for streams. */
struct out_chunk {
	struct out_chunk *next;
	size_t len, off;
	char data[];
};

/* How a connection's bytes are read and written: the plain calls on the
 * socket, or TLS (common/tls.c) over them. As recv()/send(): recv returns
 * the bytes, 0 at the end of the stream, -1 with errno (EAGAIN: try again
 * once ready; EPROTO: the transport refused what the peer sent and logged
 * why); send is one send, maybe partial. close runs before the socket's
 * close (TLS: close_notify); may be NULL. */
struct transport {
	const char *name;
	ssize_t (*recv)(struct conn *c, void *buf, size_t n);
	ssize_t (*send)(struct conn *c, const void *buf, size_t n);
	void (*close)(struct conn *c);
};

struct conn {
	struct server *sv;
	int fd;
	const struct transport *tp;   /* its bytes' way in and out */
	void *tp_state;               /* the transport's (TLS: the SSL) */
	int out_waits_in;             /* queued output goes on once input came (a TLS handshake) */
	int in_waits_out;             /* reading goes on once the socket takes output */
	char who[160];                /* the peer, for people: read it with conn_who() */
	int who_made;                 /* who[] is written (made when first read) */
	struct endpoint peer;         /* datagrams: where answers go */
	int dgram;                    /* answers go with sendto(peer) */
	int nonblocking;              /* writes that would block are queued */
	unsigned long in, out;        /* bytes received, sent */
	int mid_line;                 /* a stream ended after something but a newline */
	struct out_chunk *q, **qtail; /* queued output */
	size_t queued;
	int ending;                   /* the service ended it: close once the queue is empty */
	int failed;                   /* a write failed: close now */
	struct timespec last;         /* last progress, for --idle */
	void *state;                  /* the service's */
	int slot;                     /* the model's own index, -1 when none */
	int framed;                   /* a stream cut into messages (--framing line, length) */
	struct deframer frames;
	int partial;                  /* the message handed to data() is the unterminated end */
	int batching;                 /* answers to one read are gathered, then sent at once */
	struct sbuf batch;
	struct mailbox *mbox;         /* thread rooms: what the room sent it, not yet delivered */
	/* The service waits for something of its own (sv_side_wait): until then
	 * the connection's input waits too, so answers keep their order. */
	int side_fd;                  /* -1: none */
	struct timespec side_deadline;
	int in_ended;                 /* the peer closed its side while the service waited */
};

/* Sends now what the socket takes; the rest is queued (non-blocking) or sent
 * by blocking until done. 0, or -1 when the connection failed (said once). */
int conn_write(struct conn *c, const void *buf, size_t n);
/* One message, framed as the connection's messages are (--framing). */
int conn_send(struct conn *c, const void *msg, size_t n);
/* Sends queued output until done or the socket is full: 1 all sent, 0 some
 * left, -1 failed. */
int conn_flush(struct conn *c);

/* ---- models ----------------------------------------------------------------------- */

enum { MK_CONN = 1, MK_DGRAM = 2 };

struct model {
	const char *name;          /* --model NAME[=N] */
	const char *summary;       /* one line for --help */
	unsigned kinds;            /* MK_CONN (stream, seqpacket) and/or MK_DGRAM */
	const char *no_dgram;      /* why a datagram server cannot use it, when it cannot */
	int pool;                  /* takes =N: how many processes or threads wait in accept */
	int limits_clients;        /* --max-clients means something (more than one at once) */
	int default_max;           /* clients at once without --max-clients; 0: as many as
				    * there are descriptors */
	int shared_fds;            /* every client's descriptor lives in one process, so the
				    * server keeps one in reserve for EMFILE (see sv_accept) */
	int own_fds;               /* descriptors the loop opens for itself (epoll's instance):
				    * the reserve is kept only when these and one client fit */
	int shares_conns;          /* one loop holds every connection: a service can reach
				    * them all (service->room) */
	int room_by_mail;          /* its threads share one memory: a room reaches every
				    * connection through a mailbox that the connection's own
				    * thread empties (each thread writes only to its own socket) */
	/* Why --nonblock and --timeout (Python's setblocking/settimeout on the
	 * listening socket) do not apply to it; NULL: its one loop accepts (or
	 * reads datagrams) and they do. */
	const char *no_blocking_modes;
	int (*serve)(struct server *sv);   /* the loop; returns the exit status */
};

extern const struct model *const models[];        /* ends with NULL; the first is the default */
const struct model *model_find(const char *name);

/* ---- the server ----------------------------------------------------------------- */

struct server {
	struct session *s;
	const struct server_opts *o;
	int lfd;                      /* the listening (or datagram) socket */
	int conn_oriented;
	size_t bufsize;               /* one receive: a stream's window, a record, a datagram */
	int max_clients;              /* in force */
	long *admitted;               /* clients taken (shared by a pool's processes) */
	int rc;                       /* 1 once something failed */
	int emfile_said;              /* "out of descriptors" told for this episode */
	int spare_fd;                 /* kept free for shedding at EMFILE, or -1 */
	pthread_mutex_t lock;         /* threads of one server: the spare descriptor */
	/* Thread models: called just before a connection's socket is closed, so
	 * the main thread never shuts down a descriptor that was reused. */
	void (*before_close)(struct server *sv, struct conn *c);
	void *model_state;
	/* Every connection now served (the model's), for services that reach
	 * them all: calls fn for each until it returns non-zero. */
	void (*each_conn)(struct server *sv, int (*fn)(struct conn *c, void *arg), void *arg);
	struct conn *current;         /* iterative: the one being served */
	/* The event loop's: starts (on) or stops waiting for a connection's
	 * side descriptor. NULL under the models that block in one connection. */
	int (*side_watch)(struct server *sv, struct conn *c, int on);
	char *kbd;                    /* the keyboard's bytes not yet a line */
	size_t kbdlen, kbdcap;
	int kbd_on;                   /* the keyboard is read (service->keyboard, stdin open) */
	struct room *room;            /* a room service under a room_by_mail model: the mailboxes */
};

/* The models' shared steps (server.c). */
/* 1 when another client may be taken (-n not reached, no stop asked). Takes a ticket. */
int sv_admit(struct server *sv);
/* Gives back the ticket of an accept (or receive) that brought no client. */
void sv_unadmit(struct server *sv);
/* 1 when -n was reached or a stop asked. */
int sv_done(struct server *sv);
/* accept(): the descriptor, or -1 (EINTR, EAGAIN...: see errno). At EMFILE it
 * sheds the client waiting, says so once, and returns -1 with errno EMFILE. */
int sv_accept(struct server *sv, int flags, struct endpoint *peer);
/* A new connection: fills c (who, peer hooks, log line, service opened). 0, or
 * -1 when it should be closed at once. */
int sv_conn_open(struct server *sv, struct conn *c, int fd, const struct endpoint *peer, int nonblocking);
/* The peer as people read it ("127.0.0.1 port 5000"), formatted the first
 * time it is asked for: a server that logs nothing never formats it. */
const char *conn_who(struct conn *c);
/* One read for c and what the service makes of it: 1 go on, 0 closed by
 * the peer or the service, -1 failed; EAGAIN (non-blocking) returns 2. */
int sv_conn_read(struct server *sv, struct conn *c, char *buf);
/* Logs the end, calls the service's closed, frees the queue, closes the socket. */
void sv_conn_close(struct server *sv, struct conn *c, const char *why);
/* A blocking connection from start to end (iterative, fork, thread, pools). */
void sv_conn_serve_blocking(struct server *sv, int fd, const struct endpoint *peer);
/* One datagram read into buf (blocking or not): its length, or -1 (errno;
 * EMSGSIZE: the kernel cut it, which was said and answered with an error). */
long sv_dgram_read(struct server *sv, char *buf, struct endpoint *peer);
/* One datagram handled: the service answers it with sendto(). */
void sv_dgram_serve(struct server *sv, char *buf, size_t n, const struct endpoint *peer);
/* 1 when so much output waits for c that it should not be read for now. */
int sv_conn_backlogged(const struct conn *c);
/* Seconds since c last made progress, and whether --idle expired for it. */
int sv_idle_expired(const struct server *sv, const struct conn *c, const struct timespec *now);
/* The poll/epoll timeout (ms) until the nearest --idle deadline, or -1. */
int sv_idle_timeout(const struct server *sv, const struct timespec *oldest);

/* A service's own wait for one connection (see service->side): 1 when this
 * model can wait for fd in its loop (the service then returns from data()
 * and is called back), 0 when it cannot and the service must wait itself
 * (the blocking models, and datagrams). */
int sv_side_possible(const struct conn *c);
/* Starts that wait: fd readable, or ms milliseconds from now. 0, or -1
 * (errno) when the loop could not watch fd. */
int sv_side_wait(struct conn *c, int fd, long ms);
/* Ends it, before the service closes fd. */
void sv_side_done(struct conn *c);
/* After the wait ended: the messages held back meanwhile go to the service. */
void sv_conn_resume(struct server *sv, struct conn *c);

/* Sends msg (framed) to every connection but `from` (may be NULL). */
void sv_broadcast(struct server *sv, struct conn *from, const char *msg, size_t n);
/* Sends msg to every connection and ends each once it went. */
void sv_room_end(struct server *sv, const char *msg, size_t n);
/* How many connections are served now. */
int sv_room_count(struct server *sv);
/* Reads what the keyboard has and hands each line to the service: 0, or -1
 * once it closed (the service was told). */
int sv_keyboard(struct server *sv);
/* A line on stdout whatever --no-log says (what a person at the server reads). */
void sv_say(const struct server *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line on stdout, unless --no-log ("prog: " in front). A macro, so that
 * under --no-log its arguments (a message looked up in the catalog, a
 * peer's name formatted) are not even made. */
#define sv_log(sv, ...)                                  \
	do {                                             \
		if (!(sv)->o->no_log)                    \
			sv_log_line((sv), __VA_ARGS__); \
	} while (0)
void sv_log_line(const struct server *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends what stdout holds, with the stop signals held off (stdio does not retry
 * a write a signal interrupted). Models call it before they block. */
void sv_log_flush(void);
/* Called just before a model blocks (accept, recv, wait4, poll...): sends the
 * log, and returns 1 when a stop was asked meanwhile, so the model does not
 * block after it. (A signal between this check and the call itself still
 * waits for the next event: closing that window is what pselect, ppoll and
 * epoll_pwait exist for.) */
int sv_before_block(void);
/* Makes the socket non-blocking: fcntl F_GETFL, then F_SETFL with O_NONBLOCK. */
int sv_set_nonblocking(struct server *sv, int fd);

/* --timeout, --nonblock (a blocking model's listening socket is then
 * non-blocking). sv_wait_ready, before an accept or a datagram read: 1 go on,
 * 0 stop (--timeout ran out: said, exit status 1). sv_wait_again, after one
 * failed with EAGAIN under --nonblock: waits in poll() for the next; 1 try
 * again, 0 stop. */
int sv_wait_ready(struct server *sv);
int sv_wait_again(struct server *sv);
/* Models with several processes or threads: the stop signals go to the main
 * one only (threads block them). */
void sv_block_stop_signals(sigset_t *old);
void sv_restore_signals(const sigset_t *old);

/* Checks s->srv against the socket kind and fills in the defaults: 0, or -1
 * with one line in err (a usage error). Makes no system call. */
int server_opts_check(struct session *s, struct sbuf *err);

#endif
