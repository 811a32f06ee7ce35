/*
 * skeleton: the server and client flows, written once for every family.
 *
 * Server (server.c): socket -> [setsockopt SO_REUSEADDR, TCP_NODELAY] ->
 *   bind -> listen -> getsockname -> the model's loop (models.c) driving the
 *   service (services.c) for each connection or datagram -> close.
 * Client, connection-oriented:
 *   socket -> connect -> getsockname -> { send -> recv }... -> shutdown(SHUT_WR)
 *   -> recv (end of stream) -> close
 * Client, datagram:
 *   socket -> setsockopt SO_RCVTIMEO -> { sendto -> recvfrom }... -> close
 *
 * The family table supplies addresses and the hooks at fixed points of
 * these flows; nothing here depends on which family runs.
 */
#ifndef SOCKFAM_SKELETON_H
#define SOCKFAM_SKELETON_H

#include "family.h"

/* Both return the exit status: 0, or 1 when a call or the peer failed.
 * server_run is in server.c. */
int server_run(struct session *s);
int client_run(struct session *s);

/* "prog: what: explanation (ENAME)" on stderr, for a call that failed with err. */
void skel_fail(const struct session *s, const char *call, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The peer's or our address for people, via the family's describe(). */
const char *skel_describe(const struct session *s, const struct sockaddr *sa, socklen_t len,
			  struct sbuf *buf);

/* What a session built without cli_parse (bin/compare) lacks: the default
 * framing and frame limit. */
void skel_defaults(struct session *s);

/* fcntl(F_GETFL), then fcntl(F_SETFL, flags|O_NONBLOCK): 0, or -1 after saying why. */
int skel_set_nonblocking(const struct session *s, int fd);

/* Upper-cases ASCII letters in place: what the server does to every message. */
void skel_transform(char *buf, size_t n);

/* A private address for a test run of prog (bin/compare, bin/errlab): the
 * family's test_address n, or `addr` when not NULL (port 0), through its
 * resolve(); `port` >= 0 replaces the port of a family that has ports. *ep
 * gets it, *portp (may be NULL) the port asked for (-1: no ports). 0, or -1
 * with one line in err. */
int skel_test_endpoint(const char *prog, const struct family *f, const struct sock_kind *k, const char *dir,
		       int n, enum role role, const char *addr, int port, struct endpoint *ep, int *portp,
		       struct sbuf *err);

#endif
