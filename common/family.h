/*
 * family: the interface every address family implements (families/ files).
 *
 * Everything that differs from one family to the next lives in a struct
 * family: how an address is written and parsed, its default, the socket
 * types offered, and the hooks the shared server and client call at fixed
 * points of the textbook flow (before bind, after bind, before connect, when
 * a peer arrives, at exit). Neither ever asks which family it runs.
 */
#ifndef SOCKFAM_FAMILY_H
#define SOCKFAM_FAMILY_H

#include <stddef.h>
#include <sys/socket.h>

#include "sbuf.h"

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
};
#define EP_SA(ep) ((struct sockaddr *)&(ep)->ss)

/* One socket type a family offers, as the user names it. */
struct sock_kind {
	const char *name;   /* "tcp", "udp", "stream", "dgram", "seqpacket" */
	const char *label;  /* what the user is told: "TCP", "UDP", "SOCK_SEQPACKET" */
	int type;           /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int protocol;       /* socket()'s third argument */
};

enum role { ROLE_SERVER = 1, ROLE_CLIENT = 2 };

struct session;

/* An option only one family has (--v6only, --mode, --send-fd). */
struct fam_option {
	const char *name;      /* long name, without -- */
	const char *arg_name;  /* NULL: a flag */
	const char *help;
	unsigned roles;        /* ROLE_SERVER | ROLE_CLIENT */
	/* Stores the option in the session; -1 with one line in err when it is bad. */
	int (*set)(struct session *s, const char *arg, struct sbuf *err);
	/* A one-letter alias of the option (netlink-query's -4/-6), 0 for none. */
	int short_opt;
};

struct family {
	/* ---- what it is and the socket kinds it offers ---- */
	const char *name;        /* "inet": the programs are inet-server and inet-client */
	const char *title;       /* "AF_INET (IPv4)" */
	int domain;              /* AF_INET */
	/* Ends with {NULL}; the first is the default. The user picks one with
	 * -k NAME (and -u when there is one named "udp"), unless the program's
	 * operands pick it (kind_from_operands: netlink-query's subcommand). */
	const struct sock_kind *kinds;
	int kind_from_operands;
	const struct fam_option *options;  /* its own options; ends with {NULL}; may be NULL */
	int verbose_arrays;      /* its trace shows netlink attribute arrays, which -v prints whole */

	/* ---- addresses ---- */
	const char *addr_help;   /* for --help: what -a takes and its default; NULL: no -a */
	int default_port;        /* -1: this family has no ports and refuses -p */
	/* Size of the family's own sockaddr (sockaddr_in6: 28, sockaddr_un: 110): the
	 * buffer accept, recvfrom and getsockname are handed, so the trace shows
	 * [110 => 2] as a textbook program's would. 0: a sockaddr_storage (128). */
	socklen_t addr_size;
	/* An address of this family that no interface of a machine has (a
	 * documentation range), written as -a takes it: bin/errlab binds it to
	 * show EADDRNOTAVAIL. NULL: the family's addresses are not interfaces'. */
	const char *foreign_address;
	/* -a and -p (or the defaults: addr NULL, port -1) into s->server.
	 * Must not create sockets. 0, or -1 with one line in err. */
	int (*resolve)(struct session *s, const char *addr, int port, struct sbuf *err);
	/* A socket address for people: "127.0.0.1 port 2345". */
	void (*describe)(const struct sockaddr *sa, socklen_t len, struct sbuf *out);
	/* What an errno from `call` means in this family, or NULL for the common text. */
	const char *(*explain)(const struct session *s, const char *call, int err);

	/* ---- the server (server.c); hooks may be NULL. Those returning int
	 * return 0, or -1 after telling the user why (the server then exits 1). ---- */
	/* One receive of a datagram or a record: what the kind can carry. When a
	 * sender can send more than that (AF_UNIX: up to its own SO_SNDBUF), set
	 * dgram_may_exceed: receives then look for MSG_TRUNC, and a message the
	 * kernel cut is reported and refused, never taken for the whole one. */
	size_t max_dgram;
	int dgram_may_exceed;
	int reuseaddr;           /* the stream server sets SO_REUSEADDR before bind */
	int nodelay;             /* stream sockets take TCP_NODELAY (the server sets it on
				  * the listening socket; accepted ones inherit it) */
	int (*server_before_bind)(struct session *s, int fd);
	int (*server_after_bind)(struct session *s, int fd);
	void (*server_peer)(struct session *s, int cfd);       /* a connection arrived */
	/* Non-zero: the server receives with recvmsg() and this many bytes of room for
	 * control messages (descriptors, credentials), and hands every message that
	 * carried some to server_control. 0: recv()/recvfrom(). */
	size_t server_control_space;
	void (*server_control)(struct session *s, int fd, struct msghdr *msg);
	/* When set, server_run calls this after bind/getsockname instead of a
	 * model's loop (netlink-monitor reads kernel events); such a server
	 * takes no --model/--service options. */
	int (*server_serve)(struct session *s, int fd);
	const char *server_intro;   /* --help's paragraph, when not the echo server's */
	const char *count_help;     /* --help's text for -n, when not "COUNT clients" */

	/* ---- the client (skeleton.c); hooks may be NULL ---- */
	int (*client_before_connect)(struct session *s, int fd);
	int (*client_after_connect)(struct session *s, int fd);
	/* Control messages the client attaches to its first message: fills buf (cap
	 * bytes, aligned for cmsghdr) and returns their length; the skeleton then
	 * sends that message with sendmsg(). 0: none, plain send()/sendto(). */
	size_t (*client_control)(struct session *s, int fd, void *buf, size_t cap);
	/* The kernel is the peer: no connect, no echo loop. When set, client_run
	 * calls this after socket() and client_before_connect (where netlink
	 * binds), and its result is the exit status. */
	int (*client_exchange)(struct session *s, int fd);
	/* Non-zero when the server address is a group (a broadcast or multicast
	 * address): any host may answer a datagram, and the client takes every
	 * answer until its wait (-w) runs out. NULL: never. */
	int (*group_address)(const struct session *s);
	/* --help: the operands after [OPTION]... and the paragraph about the
	 * program, when not the echo client's. */
	const char *client_operands;
	const char *client_intro;

	/* ---- both: at exit, also after Ctrl-C (a server's socket file) ---- */
	void (*cleanup)(struct session *s);

	/* ---- bin/compare: the matrix, the trace diff and the diagrams ----
	 * A family whose test_address is NULL shows "not provided" in every cell
	 * of the matrix; the others are optional. addr_size is also what the
	 * matrix reports as the address size. */
	/* A private address for one test run, written as the user writes -a and -p
	 * (resolve() turns it into s->server): nothing else on the machine can be
	 * using it, and nothing of it is left once test_release ran and `dir` was
	 * removed. `dir` is a fresh scratch directory (for socket files), removed
	 * with its contents by the caller. `n` tells addresses of one run apart:
	 * 0 the server, 1 a client that must be named (datagram replies), 2.. more.
	 * *port: the -p value (0: the kernel picks), or -1 for a family without
	 * ports. 0, or -1 with one line in err (the cell shows it). */
	int (*test_address)(const struct sock_kind *k, const char *dir, int n,
			    struct sbuf *addr, int *port, struct sbuf *err);
	/* Removes what binding to ep leaves behind after close (a socket file);
	 * NULL when nothing stays. Not a system call the trace shows. */
	void (*test_release)(const struct endpoint *ep);
	/* Why scenario `scenario` (a row id of bin/compare: "boundaries",
	 * "refused", ...) does not apply to kind k, or NULL when it does. May be NULL.
	 * Asked with scenario "trace" too: why --trace/--diagram cannot run the
	 * skeleton's server and client on this kind. */
	const char *(*compare_skip)(const struct sock_kind *k, const char *scenario);
	/* The socket kinds bin/compare shows as columns, ending with {NULL}; NULL:
	 * `kinds` (netlink's programs have only the kernel as a peer, so it
	 * compares a user-to-user kind instead). */
	const struct sock_kind *compare_kinds;
};

struct model;
struct service;
struct framing;

/* How a server serves many clients (--model, --service... see server.h). */
struct server_opts {
	const struct model *model;
	const struct service *service;
	int pool;             /* prefork=N / prethread=N; 0: the model's default */
	int backlog;          /* listen()'s backlog (--backlog, default SOMAXCONN) */
	int max_clients;      /* at once (--max-clients); 0: the model's default */
	int idle_s;           /* drop a client silent this long (--idle); 0: never */
	int no_log;           /* --no-log: no line per connection or datagram on stdout */
	const char *upload_dir;  /* --service upload: where files go (--dir) */
	int overwrite;        /* --overwrite: an upload may replace a file of DIR */
	int cmd_timeout_s;    /* --service cmd: a command's time limit (--cmd-timeout); 0: 5 s */
};

/* Everything one run of a server or client knows. */
struct session {
	const struct family *fam;
	const struct sock_kind *kind;
	enum role role;
	const char *prog;           /* "inet-server" */
	struct endpoint server;     /* where the server listens / the client goes */
	int port;                   /* -p, or -1 */
	const char *addr;           /* -a, or NULL */
	long count;                 /* server: clients (or datagrams) to serve; 0 = forever */
	char **messages;            /* client: its arguments; NULL: read stdin */
	int nmessages;
	int timeout_ms;             /* client, -w: how long to wait for a datagram answer (-1:
				     * 2000 ms), or for a stream's server to close (-1: for ever) */
	const struct framing *framing;  /* --framing: how messages are cut out of a stream */
	size_t max_frame;           /* --max-frame: the longest message taken */
	int lockstep;               /* client: each argument's echo is read before the next
				     * argument goes (bin/compare); 0 for the programs */
	int tls;                    /* --tls: the stream inside TLS (common/tls.c) */
	const char *tls_cert, *tls_key;  /* server: --cert, --key (default: made, see tls.h) */
	const char *tls_cafile;     /* client: --cafile, the certificate(s) to trust */
	int tls_insecure;           /* client: --insecure, the server is not verified */
	void *tls_ctx;              /* the run's SSL_CTX (tls_setup) */
	const char *upload;         /* client: --upload FILE, sent instead of messages */
	int nonblock;               /* --nonblock, Python's setblocking(False) */
	int timeout_s;              /* --timeout SECONDS, Python's settimeout(); 0: none */
	void *priv;                 /* the family's own per-run state */
	unsigned long fam_flags;    /* family options that are plain flags */
	struct server_opts srv;     /* server: the model and service options */
	/* Called by server_run once the server's socket is bound (and listening),
	 * with the address getsockname gave; NULL for the demos. bin/compare uses
	 * it to learn a kernel-chosen port. */
	void (*on_ready)(struct session *s, const struct endpoint *bound);
};

#endif
