/*
 * frame: how messages are cut out of a byte stream (--framing), one table
 * entry each.
 *
 *   none    no framing: whatever one read returned is one "message", so three
 *           quick sends can be read as one (the "sticky packets" of the
 *           users' notes) and one send can be read in pieces
 *   line    a message ends at a newline
 *   length  each message is preceded by its length, 4 bytes in network byte
 *           order (the trace shows "\0\0\0\5hello")
 *
 * A frame longer than the limit (--max-frame, default 1 MiB) is refused; a
 * stream that ends inside a frame is reported with how many bytes were
 * missing. Sequenced-packet and datagram sockets keep boundaries themselves:
 * there every record is one message whatever the framing.
 */
#ifndef SOCKFAM_FRAME_H
#define SOCKFAM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

#define FRAME_MAX_DEFAULT (1024 * 1024)

struct framing {
	const char *name;
	const char *summary;
	/* Appends msg, framed, to out. */
	void (*encode)(struct sbuf *out, const char *msg, size_t n);
	/* Finds the next whole message in the n bytes at buf: returns 1 with *start, *len
	 * (the message without its framing) and *used (bytes to drop, framing
	 * included); 0 when more bytes are needed; -1 when the frame is refused
	 * (err says why). At end of stream (eof) a partial message is returned
	 * (line) or refused (length). */
	int (*next)(const char *buf, size_t n, int eof, size_t max, size_t *start, size_t *len, size_t *used,
		    struct sbuf *err);
	int cuts;          /* it cuts the stream into messages (none: a read is one, as it came) */
	int open_end;      /* the stream's unterminated end is a message too, answered as it
			    * came (line: the last line without its newline) */
	int binary;        /* its framing bytes are not text: a client shows each message on a
			    * line of its own rather than the bytes (length) */
};

extern const struct framing *const framings[];   /* ends with NULL; the first is the default */
const struct framing *framing_find(const char *name);

/* Bytes arriving on a stream, cut into messages by a framing. */
struct deframer {
	const struct framing *f;
	size_t max;          /* the longest message taken */
	char *buf;
	size_t len, cap;
	char *msg;           /* the message handed out last */
	size_t msgcap;
};

void deframer_init(struct deframer *d, const struct framing *f, size_t max);
void deframer_free(struct deframer *d);
/* Adds n bytes; -1 (err says why) when they cannot be kept (over the limit). */
int deframer_add(struct deframer *d, const char *p, size_t n, struct sbuf *err);
/* The next whole message: 1 (*msg, *len valid until the next call), 0 none
 * yet, -1 refused (err). eof: the stream ended, take what is left. */
int deframer_next(struct deframer *d, int eof, const char **msg, size_t *len, struct sbuf *err);
/* Bytes held that are not a whole message yet. */
size_t deframer_pending(const struct deframer *d);

#endif
