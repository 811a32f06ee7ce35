/* tls: OpenSSL over the traced calls (see tls.h). */
#define _GNU_SOURCE
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "io.h"
#include "ossl.h"   /* OpenSSL's headers, and its calls through ossl_fn (loaded by tls_setup) */
#include "server.h"
#include "skeleton.h"
#include "trace.h"

struct tls_conn {
	SSL *ssl;
	int fd;
	int sflags, rflags;   /* send()'s and recv()'s flags */
	int sys_errno;        /* the errno of the last failed call (not EAGAIN) */
	int eof;              /* the peer closed the stream */
	int broken;           /* a fatal error: no close_notify, no more calls */
	short wants;          /* POLLIN/POLLOUT: what the last EAGAIN waits for */
	char reason[256];     /* OpenSSL's reason for the last failure */
};

/* ---- the BIO: OpenSSL's socket I/O is the traced calls ------------------------------ */

static BIO_METHOD *bio_method;

static int bio_write(BIO *b, const char *buf, size_t n, size_t *done)
{
	struct tls_conn *t = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	for (;;) {
		ssize_t w = t_send(t->fd, buf, n, t->sflags);
		if (w >= 0) {
			*done = (size_t)w;
			return 1;
		}
		if (errno == EINTR && !io_stop)
			continue;
		if (errno == EAGAIN)
			BIO_set_retry_write(b);
		else
			t->sys_errno = errno;
		return 0;
	}
}

static int bio_read(BIO *b, char *buf, size_t n, size_t *done)
{
	struct tls_conn *t = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	for (;;) {
		ssize_t r = t_recv(t->fd, buf, n, t->rflags);
		if (r > 0) {
			*done = (size_t)r;
			return 1;
		}
		if (r == 0) {
			t->eof = 1;
			*done = 0;
			return 0;
		}
		if (errno == EINTR && !io_stop)
			continue;
		if (errno == EAGAIN)
			BIO_set_retry_read(b);
		else
			t->sys_errno = errno;
		return 0;
	}
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)num, (void)ptr;
	struct tls_conn *t = BIO_get_data(b);
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;   /* nothing is buffered here: every write was a send() */
	case BIO_CTRL_EOF:
		return t && t->eof;
	default:
		return 0;
	}
}

static int bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void make_method(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sockfam traced socket");
	if (m && BIO_meth_set_write_ex(m, bio_write) && BIO_meth_set_read_ex(m, bio_read) &&
	    BIO_meth_set_ctrl(m, bio_ctrl) && BIO_meth_set_create(m, bio_create))
		bio_method = m;
}

static BIO_METHOD *method(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_method);
	return bio_method;
}

/* ---- errors ------------------------------------------------------------------------- */

/* OpenSSL's reason for what just failed, in one line. */
static void take_reason(struct tls_conn *t)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	long v = SSL_get_verify_result(t->ssl);
	if (v != X509_V_OK)
		snprintf(t->reason, sizeof t->reason, "%s (%s)", r ? r : "certificate verify failed",
			 X509_verify_cert_error_string(v));
	else if (r)
		snprintf(t->reason, sizeof t->reason, "%s", r);
	else if (t->eof)
		snprintf(t->reason, sizeof t->reason, "%s", _("the peer closed the connection"));
	else
		snprintf(t->reason, sizeof t->reason, _("error %lu"), e);
	ERR_clear_error();
}

/* SSL_read/SSL_write's result as recv/send's. */
static ssize_t result(struct tls_conn *t, int r)
{
	if (r > 0) {
		t->wants = 0;
		return r;
	}
	switch (SSL_get_error(t->ssl, r)) {
	case SSL_ERROR_ZERO_RETURN:
		return 0;   /* close_notify */
	case SSL_ERROR_WANT_READ:
		t->wants = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		t->wants = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_SYSCALL:
		if (t->sys_errno) {
			t->broken = 1;
			ERR_clear_error();
			errno = t->sys_errno;
			return -1;
		}
		if (!ERR_peek_error())
			return 0;   /* the end of the stream */
		/* fall through */
	default:
		t->broken = 1;
		take_reason(t);
		errno = EPROTO;
		return -1;
	}
}

ssize_t tls_read(struct tls_conn *t, void *buf, size_t n)
{
	if (t->broken) {
		errno = EPROTO;
		return -1;
	}
	ERR_clear_error();
	t->sys_errno = 0;
	return result(t, SSL_read(t->ssl, buf, n > INT_MAX ? INT_MAX : (int)n));
}

ssize_t tls_write(struct tls_conn *t, const void *buf, size_t n)
{
	if (t->broken) {
		errno = EPROTO;
		return -1;
	}
	if (!n)
		return 0;
	ERR_clear_error();
	t->sys_errno = 0;
	return result(t, SSL_write(t->ssl, buf, n > INT_MAX ? INT_MAX : (int)n));
}

short tls_wants(const struct tls_conn *t) { return t->wants; }
const char *tls_reason(const struct tls_conn *t) { return t->reason; }

void tls_close_notify(struct tls_conn *t)
{
	if (t->broken || !SSL_is_init_finished(t->ssl))
		return;
	ERR_clear_error();
	t->sys_errno = 0;
	SSL_shutdown(t->ssl);
	ERR_clear_error();
}

void tls_free(struct tls_conn *t)
{
	if (!t)
		return;
	SSL_free(t->ssl);
	free(t);
}

static struct tls_conn *conn_new(SSL_CTX *ctx, int fd, int sflags, int rflags)
{
	struct tls_conn *t = calloc(1, sizeof *t);
	BIO *b = method() ? BIO_new(bio_method) : NULL;
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	if (!t || !b || !ssl) {
		free(t);
		BIO_free(b);
		SSL_free(ssl);
		return NULL;
	}
	t->ssl = ssl;
	t->fd = fd;
	t->sflags = sflags;
	t->rflags = rflags;
	BIO_set_data(b, t);
	SSL_set_bio(ssl, b, b);
	return t;
}

/* ---- the certificate ------------------------------------------------------------------ */

/* $XDG_CONFIG_HOME/sockfam or ~/.config/sockfam (made 0700 when missing). */
static int cert_dir(char dir[PATH_MAX - 64], size_t size, int make, struct sbuf *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char base[PATH_MAX];
	if (xdg && xdg[0] == '/')
		snprintf(base, sizeof base, "%s", xdg);
	else if (home && home[0] == '/')
		snprintf(base, sizeof base, "%s/.config", home);
	else {
		sb_printf(err, _("neither XDG_CONFIG_HOME nor HOME names a directory for the TLS certificate"));
		return -1;
	}
	if ((size_t)snprintf(dir, size, "%s/sockfam", base) >= size) {
		sb_printf(err, _("the certificate's directory name is too long"));
		return -1;
	}
	if (!make)
		return 0;
	if (mkdir(base, 0700) < 0 && errno != EEXIST) {
		sb_printf(err, _("cannot make %s: %s"), base, strerror(errno));
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		sb_printf(err, _("cannot make %s: %s"), dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		sb_printf(err, _("%s is not a directory (a symbolic link is not followed)"), dir);
		return -1;
	}
	return 0;
}

/* A file's bytes in a memory BIO, read without following a symbolic link
 * (and with plain read()s: stdio's fcntl would be one more call to trace);
 * NULL with errno. */
static BIO *open_nofollow(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char buf[4096];
	ssize_t r;
	while (b && (r = read(fd, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || BIO_write(b, buf, (int)r) != (int)r) {
			int e = errno;
			BIO_free(b);
			b = NULL;
			errno = e;
		}
	}
	close(fd);
	return b;
}

/* Writes what b holds into a new file, mode 0600, never an existing one or
 * through a link: 0, or -1 with errno. */
static int create_excl(const char *path, BIO *b)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	char *p;
	long n = BIO_get_mem_data(b, &p);
	while (n > 0) {
		ssize_t w = write(fd, p, (size_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		p += w;
		n -= w;
	}
	return close(fd);
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!e)
		return 0;
	int ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A self-signed EC P-256 certificate for localhost, 127.0.0.1 and ::1. */
static int make_cert(EVP_PKEY **pkey, X509 **cert)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name = NULL;
	int ok = k && x && X509_set_version(x, 2) &&
		 ASN1_INTEGER_set_int64(X509_get_serialNumber(x), (int64_t)time(NULL) ^ getpid()) &&
		 X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
		 X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600) && X509_set_pubkey(x, k) &&
		 (name = X509_get_subject_name(x)) &&
		 X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0) &&
		 X509_set_issuer_name(x, name) &&
		 add_ext(x, NID_basic_constraints, "critical,CA:FALSE") &&
		 add_ext(x, NID_key_usage, "critical,digitalSignature") &&
		 add_ext(x, NID_ext_key_usage, "serverAuth") &&
		 add_ext(x, NID_subject_key_identifier, "hash") &&
		 add_ext(x, NID_authority_key_identifier, "keyid:always") &&
		 add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") &&
		 X509_sign(x, k, EVP_sha256());
	if (!ok) {
		EVP_PKEY_free(k);
		X509_free(x);
		return -1;
	}
	*pkey = k;
	*cert = x;
	return 0;
}

/* Writes the new pair under temporary names, then links them to their
 * names: a server starting at the same moment either wins or finds ours. */
static int store_cert(const char dir[PATH_MAX - 64], const char *keyp, const char *certp, struct sbuf *err)
{
	EVP_PKEY *k;
	X509 *x;
	if (make_cert(&k, &x) < 0) {
		sb_printf(err, _("making a certificate: %s"), ERR_reason_error_string(ERR_get_error()));
		return -1;
	}
	char tk[PATH_MAX], tc[PATH_MAX];
	snprintf(tk, sizeof tk, "%s/.tls-key.%d.tmp", dir, (int)getpid());
	snprintf(tc, sizeof tc, "%s/.tls-cert.%d.tmp", dir, (int)getpid());
	BIO *bk = BIO_new(BIO_s_mem()), *bc = BIO_new(BIO_s_mem());
	int rc = -1, made_k = 0, made_c = 0;
	if (!bk || !bc || !PEM_write_bio_PrivateKey(bk, k, NULL, NULL, 0, NULL, NULL) || !PEM_write_bio_X509(bc, x)) {
		sb_printf(err, _("cannot write the certificate: out of memory"));
	} else if (!(made_k = create_excl(tk, bk) == 0) || !(made_c = create_excl(tc, bc) == 0)) {
		sb_printf(err, _("cannot create %s: %s"), made_k ? tc : tk, strerror(errno));
	} else if (link(tk, keyp) < 0) {
		if (errno == EEXIST)
			rc = 0;   /* another server made one just now: it is used */
		else
			sb_printf(err, _("cannot create %s: %s"), keyp, strerror(errno));
	} else if (link(tc, certp) < 0) {
		sb_printf(err, _("cannot create %s: %s (remove %s and %s to start again)"), certp, strerror(errno),
			  keyp, certp);
	} else {
		rc = 0;
	}
	BIO_free(bk);
	BIO_free(bc);
	if (made_k)
		unlink(tk);
	if (made_c)
		unlink(tc);
	EVP_PKEY_free(k);
	X509_free(x);
	return rc;
}

static void cert_paths(const char dir[PATH_MAX - 64], char *keyp, char *certp)
{
	snprintf(keyp, PATH_MAX, "%s/tls-key.pem", dir);
	snprintf(certp, PATH_MAX, "%s/tls-cert.pem", dir);
}

/* ---- options -------------------------------------------------------------------------- */

/* The file read through as open_nofollow() will, without OpenSSL (which
 * is loaded only once the options are right). */
static int readable(const char *opt, const char *path, struct sbuf *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[4096];
	ssize_t r = fd < 0 ? -1 : 1;
	while (r != 0) {
		if (r < 0 && errno != EINTR)
			break;
		r = read(fd, buf, sizeof buf);
	}
	if (r < 0) {
		sb_printf(err, "%s %s: %s", opt, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int tls_opts_check(struct session *s, struct sbuf *err)
{
	const char *given = s->tls_cert ? "--cert" : s->tls_key ? "--key" : s->tls_cafile ? "--cafile"
			  : s->tls_insecure ? "--insecure" : NULL;
	if (!s->tls) {
		if (given) {
			sb_printf(err, _("%s is an option of --tls, which was not given"), given);
			return -1;
		}
		return 0;
	}
	if (s->kind->type != SOCK_STREAM) {
		sb_printf(err, _("--tls needs a byte stream (TLS records cut across send() calls); "
			  "a %s socket is not one"), s->kind->label);
		return -1;
	}
	if (!s->tls_cert != !s->tls_key) {
		sb_printf(err, _("--cert and --key go together (the certificate and its private key)"));
		return -1;
	}
	if (s->tls_insecure && s->tls_cafile) {
		sb_printf(err, _("--insecure skips the verification that --cafile is for: one or the other"));
		return -1;
	}
	if ((s->tls_cert && readable("--cert", s->tls_cert, err)) ||
	    (s->tls_key && readable("--key", s->tls_key, err)) ||
	    (s->tls_cafile && readable("--cafile", s->tls_cafile, err)))
		return -1;
	return 0;
}

/* ---- the context of a run -------------------------------------------------------------- */

static int ssl_fail(const struct session *s, const char *what)
{
	unsigned long e = ERR_get_error();
	fprintf(stderr, "%s: %s: %s\n", s->prog, what, e ? ERR_reason_error_string(e) : _("failed"));
	ERR_clear_error();
	return 1;
}

static int server_ctx(struct session *s, SSL_CTX *ctx)
{
	char dir[PATH_MAX - 64], keyp[PATH_MAX], certp[PATH_MAX];
	const char *kp = s->tls_key, *cp = s->tls_cert;
	int given = kp != NULL;
	if (!given) {
		struct sbuf err = SBUF_INIT;
		if (cert_dir(dir, sizeof dir, 1, &err) < 0) {
			fprintf(stderr, "%s: %s\n", s->prog, sb_str(&err));
			sb_free(&err);
			return 1;
		}
		cert_paths(dir, keyp, certp);
		struct stat st;
		if (lstat(keyp, &st) < 0 && errno == ENOENT) {
			if (store_cert(dir, keyp, certp, &err) < 0) {
				fprintf(stderr, "%s: %s\n", s->prog, sb_str(&err));
				sb_free(&err);
				return 1;
			}
			printf(_("%s: made a self-signed certificate for localhost, 127.0.0.1 and ::1: %s "
			       "(its key: %s)\n"), s->prog, certp, keyp);
		}
		sb_free(&err);
		kp = keyp;
		cp = certp;
		/* a server that just won the race above may not have linked the certificate yet */
		for (int i = 0; i < 20 && lstat(certp, &st) < 0; i++)
			usleep(100000);
	}
	BIO *fk = open_nofollow(kp), *fc = open_nofollow(cp);
	EVP_PKEY *k = fk ? PEM_read_bio_PrivateKey(fk, NULL, NULL, NULL) : NULL;
	X509 *x = fc ? PEM_read_bio_X509(fc, NULL, NULL, NULL) : NULL;
	int rc = 0;
	if (!fk || !fc) {
		fprintf(stderr, _("%s: cannot read %s: %s\n"), s->prog, fk ? cp : kp, strerror(errno));
		rc = given ? 2 : 1;
	} else if (!k || !x) {
		unsigned long e = ERR_get_error();
		if (k)
			fprintf(stderr, _("%s: %s holds no PEM certificate: %s\n"), s->prog, cp,
				e ? ERR_reason_error_string(e) : "?");
		else
			fprintf(stderr, _("%s: %s holds no PEM private key: %s\n"), s->prog, kp,
				e ? ERR_reason_error_string(e) : "?");
		rc = given ? 2 : 1;
	} else if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, k) != 1 ||
		   SSL_CTX_check_private_key(ctx) != 1) {
		unsigned long e = ERR_get_error();
		fprintf(stderr, _("%s: %s and %s do not go together: %s\n"), s->prog, cp, kp,
			e ? ERR_reason_error_string(e) : "?");
		rc = given ? 2 : 1;
	} else {
		printf(_("%s: TLS with the certificate %s\n"), s->prog, cp);
	}
	ERR_clear_error();
	BIO_free(fk);
	BIO_free(fc);
	EVP_PKEY_free(k);
	X509_free(x);
	/* no session tickets: the handshake in the trace is the whole story */
	SSL_CTX_set_num_tickets(ctx, 0);
	return rc;
}

static int client_ctx(struct session *s, SSL_CTX *ctx)
{
	if (s->tls_insecure) {
		printf(_("%s: --insecure: the server's certificate is NOT verified (anyone could be "
		       "answering)\n"), s->prog);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	char dir[PATH_MAX - 64], keyp[PATH_MAX], certp[PATH_MAX];
	const char *ca = s->tls_cafile;
	if (!ca) {
		struct sbuf err = SBUF_INIT;
		if (cert_dir(dir, sizeof dir, 0, &err) < 0) {
			fprintf(stderr, "%s: %s\n", s->prog, sb_str(&err));
			sb_free(&err);
			return 1;
		}
		cert_paths(dir, keyp, certp);
		ca = certp;
		BIO *f = open_nofollow(ca);
		if (!f) {
			fprintf(stderr, _("%s: no certificate to trust at %s (%s): a --tls server makes it on "
				"its first run; or name one with --cafile\n"), s->prog, ca, strerror(errno));
			return 1;
		}
		BIO_free(f);
	}
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		unsigned long e = ERR_get_error();
		fprintf(stderr, _("%s: %s holds no certificate to trust: %s\n"), s->prog, ca,
			e ? ERR_reason_error_string(e) : "?");
		ERR_clear_error();
		return s->tls_cafile ? 2 : 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

int tls_setup(struct session *s)
{
	if (!s->tls)
		return 0;
	/* OpenSSL itself, here in the main process before any socket: what the
	 * server's workers inherit, never loaded per connection */
	if (ossl_need(OSSL_SSL, s->prog, "--tls"))
		return 1;
	int server = s->role == ROLE_SERVER;
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (!ctx)
		return ssl_fail(s, "SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* writes may stop at a record (a full socket) and go on from a copy of the buffer */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* a peer that closes without close_notify ends the stream like TCP's end */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	int rc = server ? server_ctx(s, ctx) : client_ctx(s, ctx);
	if (rc) {
		SSL_CTX_free(ctx);
		return rc;
	}
	s->tls_ctx = ctx;
	return 0;
}

void tls_teardown(struct session *s)
{
	if (!s->tls_ctx)
		return;   /* (and OpenSSL may not be loaded: no --tls) */
	SSL_CTX_free(s->tls_ctx);
	s->tls_ctx = NULL;
}

/* ---- the server's connections ---------------------------------------------------------- */

static void conn_refused(struct conn *c, struct tls_conn *t)
{
	if (SSL_is_init_finished(t->ssl))
		sv_log(c->sv, _("%s: TLS connection failed: %s; closing the connection"), conn_who(c), t->reason);
	else
		sv_log(c->sv, _("%s: TLS handshake failed: %s; closing the connection"), conn_who(c), t->reason);
}

static ssize_t tp_recv(struct conn *c, void *buf, size_t n)
{
	struct tls_conn *t = c->tp_state;
	ssize_t r = tls_read(t, buf, n);
	c->in_waits_out = r < 0 && errno == EAGAIN && t->wants == POLLOUT;
	if (r < 0 && errno == EPROTO)
		conn_refused(c, t);
	return r;
}

static ssize_t tp_send(struct conn *c, const void *buf, size_t n)
{
	struct tls_conn *t = c->tp_state;
	ssize_t w = tls_write(t, buf, n);
	c->out_waits_in = w < 0 && errno == EAGAIN && t->wants == POLLIN;
	if (w < 0 && errno == EPROTO)
		conn_refused(c, t);
	return w;
}

static void tp_close(struct conn *c)
{
	struct tls_conn *t = c->tp_state;
	if (!t)
		return;
	if (!c->failed)
		tls_close_notify(t);
	tls_free(t);
	c->tp_state = NULL;
}

const struct transport tls_transport = { "tls", tp_recv, tp_send, tp_close };

int tls_conn_attach(struct conn *c)
{
	struct tls_conn *t = conn_new(c->sv->s->tls_ctx, c->fd, MSG_NOSIGNAL, 0);
	if (!t) {
		sv_log(c->sv, _("%s: no memory for a TLS connection; closing it"), conn_who(c));
		return -1;
	}
	SSL_set_accept_state(t->ssl);
	c->tp_state = t;
	c->tp = &tls_transport;
	return 0;
}

/* ---- the client ------------------------------------------------------------------------ */

struct tls_conn *tls_client_new(struct session *s, int fd)
{
	struct tls_conn *t = conn_new(s->tls_ctx, fd, MSG_NOSIGNAL | MSG_DONTWAIT, MSG_DONTWAIT);
	if (!t) {
		ssl_fail(s, _("a TLS connection"));
		return NULL;
	}
	SSL_set_connect_state(t->ssl);
	/* who the server must prove to be: the address connected to, or (a
	 * UNIX socket has no host) localhost */
	char ip[INET6_ADDRSTRLEN] = "";
	const struct sockaddr *sa = EP_SA(&s->server);
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
	if (!s->tls_insecure) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
		if (ip[0])
			X509_VERIFY_PARAM_set1_ip_asc(vp, ip);
		else
			SSL_set1_host(t->ssl, "localhost");
	}
	if (!ip[0])
		SSL_set_tlsext_host_name(t->ssl, "localhost");
	return t;
}

int tls_client_handshake(struct session *s, struct tls_conn *t, int timeout_ms)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ERR_clear_error();
		t->sys_errno = 0;
		int r = SSL_do_handshake(t->ssl);
		if (r == 1)
			break;
		if (result(t, r) == 0 && !t->broken) {
			fprintf(stderr, _("%s: TLS handshake failed: the server closed the connection\n"), s->prog);
			return -1;
		}
		if (errno != EAGAIN) {
			if (errno == EPROTO)
				fprintf(stderr, _("%s: TLS handshake failed: %s\n"), s->prog, t->reason);
			else
				skel_fail(s, "recvfrom", errno, _("TLS handshake"));
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000L + (now.tv_nsec - t0.tv_nsec) / 1000000L);
		struct pollfd p = { t->fd, t->wants, 0 };
		int n = left > 0 ? t_poll(&p, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR && !io_stop)
			continue;
		if (n < 0) {
			skel_fail(s, "poll", errno, _("TLS handshake"));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, _("%s: TLS handshake failed: no answer from the server in %d ms\n"), s->prog,
				timeout_ms);
			return -1;
		}
	}
	if (s->tls_insecure)
		printf(_("%s: TLS: %s, %s, the certificate not verified (--insecure)\n"), s->prog,
		       SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
	else
		printf(_("%s: TLS: %s, %s, the certificate verified\n"), s->prog, SSL_get_version(t->ssl),
		       SSL_get_cipher_name(t->ssl));
	return 0;
}
