/*
 * upload: --service upload on the server, --upload FILE on the client (see
 * upload.h for the protocol). The file calls (openat, write, renameat2,
 * unlinkat) are not socket calls and are not traced; what goes over the
 * socket is, as always.
 */
#define _GNU_SOURCE
#include "upload.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frame.h"
#include "i18n.h"
#include "ossl.h"   /* EVP_*: SHA-256 from libcrypto, loaded at run time (upload_load) */
#include "server.h"

#define SHA256_HEX (2 * 32 + 1)

static void hex_digest(EVP_MD_CTX *md, char out[SHA256_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_DigestFinal_ex(md, d, &n);
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[2 * (n < 32 ? n : 32)] = '\0';
}

int upload_load(struct session *s)
{
	int uploads = s->role == ROLE_SERVER ? s->srv.service == &service_upload : s->upload != NULL;
	if (!uploads)
		return 0;
	return ossl_need(OSSL_CRYPTO, s->prog, s->role == ROLE_SERVER ? "--service upload" : "--upload");
}

static EVP_MD_CTX *digest_new(void)
{
	/* loaded already by upload_load (at once when it was) */
	struct sbuf err = SBUF_INIT;
	int loaded = ossl_load(OSSL_CRYPTO, &err) == 0;
	sb_free(&err);
	if (!loaded)
		return NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return md;
}

const char *upload_name_refused(const char *name, size_t n)
{
	if (!n)
		return N_("the name is empty");
	if (n > UPLOAD_NAME_MAX)
		return N_("the name is longer than 255 bytes");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch < 0x20 || ch == 0x7f)
			return N_("the name holds a control character");
		if (ch == '/')
			return N_("the name holds a '/' (only a name in the directory is taken)");
	}
	if (memmem(name, n, "..", 2))
		return N_("the name holds '..'");
	if (name[0] == '.')
		return N_("the name starts with a dot");
	return NULL;
}

/* ---- the server ------------------------------------------------------------------ */

struct up_conn {
	int dirfd;                        /* DIR, opened for this connection */
	int fd;                           /* the temporary file, or -1 between uploads */
	char name[UPLOAD_NAME_MAX + 1];   /* where it goes once whole */
	char tmp[48];                     /* its temporary name in DIR */
	uint64_t size, got;
	EVP_MD_CTX *md;
};

/* Drops the temporary file of an upload that did not finish. */
static void discard(struct up_conn *u)
{
	if (u->fd < 0)
		return;
	close(u->fd);
	u->fd = -1;
	unlinkat(u->dirfd, u->tmp, 0);
	if (u->md)
		EVP_MD_CTX_free(u->md);
	u->md = NULL;
}

/* Refuses the upload: logged, said to the peer, nothing renamed, the
 * connection ends. Returns -1 for data() to return. */
static int up_refuse(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int up_refuse(struct conn *c, const char *fmt, ...)
{
	struct up_conn *u = c->state;
	char why[400], said[800];
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	vsnprintf(why, sizeof why, fmt, ap);   /* the peer's: the protocol's English */
	vsnprintf(said, sizeof said, _(fmt), again);   /* the log's: the person's language */
	va_end(again);
	va_end(ap);
	if (u)
		discard(u);
	sv_log(c->sv, _("%s: upload refused: %s; closing the connection"), conn_who(c), said);
	char line[420];
	int n = snprintf(line, sizeof line, "error: %s", why);
	conn_send(c, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	return -1;
}

static int up_opened(struct conn *c)
{
	struct up_conn *u = calloc(1, sizeof *u);
	if (!u)
		return up_refuse(c, N_("the server is out of memory"));
	u->fd = -1;
	u->dirfd = open(c->sv->o->upload_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u->dirfd < 0) {
		int err = errno;
		free(u);
		return up_refuse(c, N_("the server cannot open its directory (%s)"), strerrorname_np(err));
	}
	c->state = u;
	return 0;
}

/* Renames the whole file to its name: 0, or -1 with errno. Without
 * --overwrite an existing name is never replaced (RENAME_NOREPLACE, or link
 * where the file system lacks it). A symbolic link under the name is
 * replaced by --overwrite, never followed. */
static int publish(struct up_conn *u, int overwrite)
{
	if (overwrite)
		return renameat(u->dirfd, u->tmp, u->dirfd, u->name);
	if (renameat2(u->dirfd, u->tmp, u->dirfd, u->name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (linkat(u->dirfd, u->tmp, u->dirfd, u->name, 0) < 0)
		return -1;
	unlinkat(u->dirfd, u->tmp, 0);
	return 0;
}

/* The upload is whole: renamed, logged, answered. */
static int finish(struct conn *c, struct up_conn *u)
{
	char hex[SHA256_HEX];
	hex_digest(u->md, hex);
	EVP_MD_CTX_free(u->md);
	u->md = NULL;
	int fd = u->fd;
	u->fd = -1;
	if (close(fd) < 0 || publish(u, c->sv->o->overwrite) < 0) {
		int err = errno;
		unlinkat(u->dirfd, u->tmp, 0);
		if (err == EEXIST)
			return up_refuse(c, N_("%s could not be saved (it exists already: --overwrite replaces it)"),
					 u->name);
		return up_refuse(c, N_("%s could not be saved (%s)"), u->name, strerrorname_np(err));
	}
	sv_log(c->sv, _("%s: saved %s: %" PRIu64 " bytes, sha256 %s"), conn_who(c), u->name, u->size, hex);
	char line[128];
	int n = snprintf(line, sizeof line, "OK %" PRIu64 " %s", u->size, hex);
	return conn_send(c, line, (size_t)n) < 0 ? -1 : 0;
}

int upload_parse_header(const char *msg, size_t n, uint64_t *size, const char **name, size_t *len,
			struct sbuf *why)
{
	if (n < 7 || memcmp(msg, "UPLOAD ", 7)) {
		sb_puts(why, "expected a header \"UPLOAD <size> <name>\"");
		return -1;
	}
	size_t i = 7, digits = 0;
	*size = 0;
	while (i < n && msg[i] >= '0' && msg[i] <= '9' && digits < 19) {
		*size = *size * 10 + (uint64_t)(msg[i++] - '0');
		digits++;
	}
	if (!digits || i >= n || msg[i] != ' ') {
		sb_puts(why, "expected a header \"UPLOAD <size> <name>\" (the size in decimal, at most 18 digits)");
		return -1;
	}
	*name = msg + i + 1;
	*len = n - i - 1;
	const char *bad = upload_name_refused(*name, *len);
	if (bad) {
		/* the name as it came, control bytes in hex, cut at about 75 bytes */
		sb_printf(why, "%s: the name '", bad);
		size_t shown = 0;
		for (size_t j = 0; j < *len && shown < 75; j++) {
			unsigned char ch = (unsigned char)(*name)[j];
			size_t before = why->len;
			sb_printf(why, ch < 0x20 || ch >= 0x7f ? "\\x%02x" : "%c", ch);
			shown += why->len - before;
		}
		sb_printf(why, "%s'", shown < 75 ? "" : "...");
		return -1;
	}
	return 0;
}

/* "UPLOAD <size> <name>": a temporary file is made for it. */
static int header(struct conn *c, struct up_conn *u, const char *msg, size_t n)
{
	uint64_t size;
	const char *name;
	size_t len;
	struct sbuf why = SBUF_INIT;
	if (upload_parse_header(msg, n, &size, &name, &len, &why) < 0) {
		int r = up_refuse(c, "%s", sb_str(&why));
		sb_free(&why);
		return r;
	}
	memcpy(u->name, name, len);
	u->name[len] = '\0';
	struct stat st;
	if (!c->sv->o->overwrite && fstatat(u->dirfd, u->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return up_refuse(c, N_("%s exists already: --overwrite replaces it"), u->name);
	for (int tries = 0; tries < 16 && u->fd < 0; tries++) {
		uint32_t r;
		if (getrandom(&r, sizeof r, 0) != sizeof r)
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		snprintf(u->tmp, sizeof u->tmp, ".upload-%08" PRIx32 ".part", r);
		u->fd = openat(u->dirfd, u->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (u->fd < 0 && errno != EEXIST)
			break;
	}
	if (u->fd < 0)
		return up_refuse(c, N_("the server cannot create a file in its directory (%s)"), strerrorname_np(errno));
	if (!(u->md = digest_new()))
		return up_refuse(c, N_("the server cannot compute SHA-256"));
	u->size = size;
	u->got = 0;
	sv_log(c->sv, _("%s: receiving %s (%" PRIu64 " bytes) as %s"), conn_who(c), u->name, size, u->tmp);
	return size ? 0 : finish(c, u);
}

static int content(struct conn *c, struct up_conn *u, const char *p, size_t n)
{
	if (n > u->size - u->got)
		return up_refuse(c, N_("%s: more bytes came than the %" PRIu64 " announced (%" PRIu64 " and %zu more)"),
				 u->name, u->size, u->got, n);
	EVP_DigestUpdate(u->md, p, n);
	u->got += n;
	while (n) {
		/* the disk is local: a write blocks briefly, never on the network */
		ssize_t w = write(u->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return up_refuse(c, N_("writing %s failed (%s)"), u->name, strerrorname_np(errno));
		p += w;
		n -= (size_t)w;
	}
	return u->got == u->size ? finish(c, u) : 0;
}

static int up_data(struct conn *c, char *buf, size_t n)
{
	struct up_conn *u = c->state;
	if (!u)
		return -1;
	return u->fd < 0 ? header(c, u, buf, n) : content(c, u, buf, n);
}

static void up_closed(struct conn *c)
{
	struct up_conn *u = c->state;
	if (!u)
		return;
	if (u->fd >= 0) {
		sv_log(c->sv, _("%s: the connection ended after %" PRIu64 " of the %" PRIu64 " bytes of %s: "
		       "nothing saved, %s removed"), conn_who(c), u->got, u->size, u->name, u->tmp);
		discard(u);
	}
	close(u->dirfd);
	free(u);
	c->state = NULL;
}

const struct service service_upload = {
	.name = "upload",
	.summary = N_("a file into --dir DIR: name, size, content; the SHA-256 back (--upload FILE)"),
	.opened = up_opened,
	.data = up_data,
	.closed = up_closed,
};

/* ---- the command line ---------------------------------------------------------------- */

int upload_opts_check(struct session *s, struct sbuf *err)
{
	struct server_opts *o = &s->srv;
	int uploads = s->role == ROLE_SERVER ? o->service == &service_upload : s->upload != NULL;
	if (!uploads) {
		if (o->upload_dir || o->overwrite) {
			sb_printf(err, _("%s needs --service upload"), o->upload_dir ? "--dir" : "--overwrite");
			return -1;
		}
		return 0;
	}
	int type = s->kind->type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (type != SOCK_STREAM && type != SOCK_SEQPACKET) {
		sb_printf(err, _("%s needs a connection: a %s socket has none (use a stream kind)"),
			  s->role == ROLE_SERVER ? "--service upload" : "--upload", s->kind->label);
		return -1;
	}
	if (!s->framing->cuts) {
		sb_printf(err, _("an upload is length-framed messages: --framing none cannot carry them"));
		return -1;
	}
	s->framing = framing_find("length");
	if (s->max_frame < UPLOAD_CHUNK + 16) {
		sb_printf(err, _("an upload sends messages of %d bytes: --max-frame must be at least %d"),
			  UPLOAD_CHUNK, UPLOAD_CHUNK + 16);
		return -1;
	}
	struct stat st;
	if (s->role == ROLE_SERVER) {
		if (!o->upload_dir) {
			sb_printf(err, _("--service upload needs --dir DIR (where the files go)"));
			return -1;
		}
		if (stat(o->upload_dir, &st) < 0) {
			sb_printf(err, "--dir %s: %s", o->upload_dir, strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			sb_printf(err, _("--dir %s: not a directory"), o->upload_dir);
			return -1;
		}
		if (access(o->upload_dir, W_OK | X_OK) < 0) {
			sb_printf(err, _("--dir %s: cannot write there: %s"), o->upload_dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (s->messages) {
		sb_printf(err, _("--upload sends a file: no MESSAGE operands with it ('%s')"), s->messages[0]);
		return -1;
	}
	int fd = open(s->upload, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sb_printf(err, "--upload %s: %s", s->upload, strerror(errno));
		return -1;
	}
	int r = fstat(fd, &st);
	close(fd);
	if (r < 0 || !S_ISREG(st.st_mode)) {
		sb_printf(err, _("--upload %s: not a regular file"), s->upload);
		return -1;
	}
	const char *slash = strrchr(s->upload, '/');
	const char *base = slash ? slash + 1 : s->upload;
	const char *why = upload_name_refused(base, strlen(base));
	if (why) {
		sb_printf(err, _("--upload %s: the server would refuse its name: %s"), s->upload, _(why));
		return -1;
	}
	return 0;
}

/* ---- the client ------------------------------------------------------------------------ */

struct upload {
	struct session *s;
	int fd;
	const char *name;
	uint64_t size, sent;
	int header_sent, said_sent;
	EVP_MD_CTX *md;
	char hex[SHA256_HEX];
	int answered;          /* 1 agreed, -1 refused or disagreed */
	char *buf;
	char head[UPLOAD_NAME_MAX + 40];
};

struct upload *upload_open(struct session *s)
{
	if (ossl_need(OSSL_CRYPTO, s->prog, "--upload"))
		return NULL;
	struct upload *u = calloc(1, sizeof *u);
	struct stat st;
	if (!u || !(u->buf = malloc(UPLOAD_CHUNK)) || !(u->md = digest_new())) {
		fprintf(stderr, _("%s: out of memory for the upload\n"), s->prog);
		goto fail;
	}
	u->s = s;
	u->fd = open(s->upload, O_RDONLY | O_CLOEXEC);
	if (u->fd < 0 || fstat(u->fd, &st) < 0) {
		fprintf(stderr, "%s: --upload %s: %s\n", s->prog, s->upload, strerror(errno));
		goto fail;
	}
	const char *slash = strrchr(s->upload, '/');
	u->name = slash ? slash + 1 : s->upload;
	u->size = (uint64_t)st.st_size;
	printf(_("%s: uploading %s: %" PRIu64 " bytes\n"), s->prog, u->name, u->size);
	return u;
fail:
	if (u) {
		if (u->fd > 0)
			close(u->fd);
		if (u->md)
			EVP_MD_CTX_free(u->md);
		free(u->buf);
		free(u);
	}
	return NULL;
}

int upload_next(struct upload *u, const char **msg, size_t *len)
{
	if (!u->header_sent) {
		u->header_sent = 1;
		int n = snprintf(u->head, sizeof u->head, "UPLOAD %" PRIu64 " %s", u->size, u->name);
		*msg = u->head;
		*len = (size_t)n;
		return 1;
	}
	if (u->sent < u->size) {
		size_t want = u->size - u->sent < UPLOAD_CHUNK ? (size_t)(u->size - u->sent) : UPLOAD_CHUNK;
		ssize_t r;
		do
			r = read(u->fd, u->buf, want);
		while (r < 0 && errno == EINTR);
		if (r <= 0) {
			if (r < 0)
				fprintf(stderr, "%s: reading %s: %s\n", u->s->prog, u->s->upload, strerror(errno));
			else
				fprintf(stderr, _("%s: reading %s: it became shorter while being sent\n"), u->s->prog,
					u->s->upload);
			return -1;
		}
		EVP_DigestUpdate(u->md, u->buf, (size_t)r);
		u->sent += (uint64_t)r;
		*msg = u->buf;
		*len = (size_t)r;
		return 1;
	}
	if (!u->said_sent) {
		u->said_sent = 1;
		hex_digest(u->md, u->hex);
		printf(_("%s: sent %" PRIu64 " bytes, sha256 %s\n"), u->s->prog, u->sent, u->hex);
	}
	return 0;
}

int upload_answer(struct upload *u, const char *msg, size_t len)
{
	const char *prog = u->s->prog;
	if (len >= 7 && !memcmp(msg, "error: ", 7)) {
		fprintf(stderr, _("%s: the server refused the upload: %.*s\n"), prog, (int)(len - 7), msg + 7);
		u->answered = -1;
		return -1;
	}
	uint64_t size = 0;
	char hex[SHA256_HEX] = "";
	char text[128];
	snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), msg);
	if (len >= sizeof text || sscanf(text, "OK %" SCNu64 " %64[0-9a-f]", &size, hex) != 2 ||
	    strlen(hex) != 64 || !u->said_sent) {
		fprintf(stderr, _("%s: an answer that is not an upload's: '%s'\n"), prog, text);
		u->answered = -1;
		return -1;
	}
	int same = size == u->sent && !strcmp(hex, u->hex);
	if (same)
		printf(_("%s: the server saved %" PRIu64 " bytes, sha256 %s: the same\n"), prog, size, hex);
	else
		printf(_("%s: the server saved %" PRIu64 " bytes, sha256 %s: DIFFERENT\n"), prog, size, hex);
	if (!same) {
		fprintf(stderr, _("%s: the server's count and SHA-256 differ from what was sent\n"), prog);
		u->answered = -1;
		return -1;
	}
	u->answered = 1;
	return 0;
}

int upload_close(struct upload *u)
{
	int rc = u->answered != 1;
	if (!u->answered)
		fprintf(stderr, _("%s: the server closed without saying whether it saved %s\n"), u->s->prog,
			u->name);
	close(u->fd);
	EVP_MD_CTX_free(u->md);
	free(u->buf);
	free(u);
	return rc;
}
