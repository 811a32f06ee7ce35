/*
 * upload: a file from the client into a directory of the server
 * (--service upload --dir DIR [--overwrite] on the server, --upload FILE on
 * the client), over every stream kind (and seqpacket) under every model.
 *
 * The protocol: length-framed messages (--framing length; on seqpacket each
 * record is one message).
 *
 *   client -> server   "UPLOAD <size> <name>"       the header: size in decimal, then the name
 *   client -> server   <content>...                 the file's bytes, in messages of up to 64 KiB
 *   server -> client   "OK <size> <sha256 in hex>"  once exactly <size> bytes arrived
 *                      "error: <why>"               and the connection ends
 *
 * The server writes into a temporary name in DIR (".upload-XXXXXXXX.part",
 * created with openat(O_CREAT|O_EXCL|O_NOFOLLOW) on a descriptor of DIR) and
 * renames it to <name> only once the announced size arrived; a connection that
 * ends before, or a message that carries more than announced, leaves nothing
 * under <name> and the temporary file is removed. After an answer another
 * header may follow on the same connection.
 */
#ifndef SOCKFAM_UPLOAD_H
#define SOCKFAM_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"
#include "sbuf.h"

struct service;
extern const struct service service_upload;

/* The longest name taken (NAME_MAX), and the content carried per message. */
#define UPLOAD_NAME_MAX 255
#define UPLOAD_CHUNK 65536

/* Checks --dir, --overwrite and --upload against the rest of the command
 * line (and sets --framing length for them): 0, or -1 with one line in err.
 * Makes no socket call. */
int upload_opts_check(struct session *s, struct sbuf *err);

/* Before the first socket, in the main process: libcrypto (for SHA-256)
 * loaded when this run uploads (--upload, --service upload), so no
 * connection loads it and a run that does not never maps it (ossl.h). 0, or
 * 1 after saying why on stderr. */
int upload_load(struct session *s);

/* Why the server refuses name (n bytes), or NULL when it takes it. */
const char *upload_name_refused(const char *name, size_t n);

/* The server's reading of a header "UPLOAD <size> <name>" (n bytes, from the
 * peer): 0 with *size and the name (*name, *len: inside msg, not
 * NUL-terminated), or -1 with why the server refuses it in `why`. */
int upload_parse_header(const char *msg, size_t n, uint64_t *size, const char **name, size_t *len,
			struct sbuf *why);

/* ---- the client ---- */
struct upload;
/* Opens s->upload: NULL after saying why on stderr. */
struct upload *upload_open(struct session *s);
/* The next message to send: 1 (*msg, *len valid until the next call), 0 when
 * everything was handed out, -1 when the file could not be read (said). */
int upload_next(struct upload *u, const char **msg, size_t *len);
/* A message from the server: 0, or -1 when it refused or disagrees (said). */
int upload_answer(struct upload *u, const char *msg, size_t len);
/* Frees u: 0 when the server's answer agreed with what was sent, else 1 (said). */
int upload_close(struct upload *u);

#endif
