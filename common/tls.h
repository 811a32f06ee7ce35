/*
 * tls: --tls on the stream programs, with OpenSSL, whose socket I/O goes
 * through the trace layer.
 *
 * OpenSSL never touches the socket: each connection's SSL reads and writes
 * through a BIO of ours (BIO_meth_new) whose read is t_recv() and whose write
 * is t_send() on the connection's descriptor, so the trace shows the TLS
 * records as the bytes they are: "\26\3\1..." a handshake record (content
 * type 22), "\27\3\3..." application data (23), "\25\3\3..." an alert (21).
 * A call that would block sets BIO's retry flag, so SSL_read/SSL_write
 * answer SSL_ERROR_WANT_READ/WANT_WRITE and the event loops wait for that.
 *
 * Certificates: without --cert/--key the server makes a self-signed EC P-256
 * certificate for localhost, 127.0.0.1 and ::1 on its first run, in
 * $XDG_CONFIG_HOME/sockfam/ (else ~/.config/sockfam/): tls-key.pem and
 * tls-cert.pem, mode 0600, created with O_EXCL|O_NOFOLLOW; later runs reuse
 * them. The client verifies the server against that certificate unless
 * --cafile names another; --insecure skips verification (and says so).
 */
#ifndef SOCKFAM_TLS_H
#define SOCKFAM_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include "family.h"
#include "sbuf.h"

struct conn;
struct transport;

/* cli: --tls and its options against the socket kind and the role, and the
 * files named readable. 0, or -1 with one line in err (a usage error). No socket. */
int tls_opts_check(struct session *s, struct sbuf *err);

/* Before the first socket: the SSL_CTX of this run (a server's certificate
 * made or loaded, a client's trust). 0; 2 a file given is not what it should
 * be; 1 anything else (said on stderr). Nothing to do without --tls. */
int tls_setup(struct session *s);
void tls_teardown(struct session *s);

/* The server's connections under --tls: set c->tp to this after
 * tls_conn_attach (server.c). */
extern const struct transport tls_transport;
int tls_conn_attach(struct conn *c);

/* ---- the client's side (skeleton.c) ---- */
struct tls_conn;
/* A client TLS connection over fd (non-blocking calls: MSG_DONTWAIT), or NULL (said). */
struct tls_conn *tls_client_new(struct session *s, int fd);
/* The handshake, waiting with poll() up to timeout_ms: 0, or -1 after saying
 * OpenSSL's reason in one line. */
int tls_client_handshake(struct session *s, struct tls_conn *t, int timeout_ms);
/* As recv/send: >0 bytes, 0 end of the stream (read), -1 with errno (EAGAIN:
 * wait for tls_wants(); EPROTO: a TLS error, tls_reason() says which). */
ssize_t tls_read(struct tls_conn *t, void *buf, size_t n);
ssize_t tls_write(struct tls_conn *t, const void *buf, size_t n);
short tls_wants(const struct tls_conn *t);
const char *tls_reason(const struct tls_conn *t);
/* Our close_notify (we send no more); reading goes on. */
void tls_close_notify(struct tls_conn *t);
void tls_free(struct tls_conn *t);

#endif
