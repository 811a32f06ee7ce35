/* frame: the framings (see frame.h). */
#include "frame.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* ---- none: one read is one message ---------------------------------------------- */

static void none_encode(struct sbuf *out, const char *msg, size_t n)
{
	sb_putn(out, msg, n);
}

static int none_next(const char *buf, size_t n, int eof, size_t max, size_t *start, size_t *len, size_t *used,
		     struct sbuf *err)
{
	(void)buf, (void)eof, (void)max, (void)err;
	if (!n)
		return 0;
	*start = 0;
	*len = n;
	*used = n;
	return 1;
}

/* ---- line: up to and with a newline ---------------------------------------------- */

static void line_encode(struct sbuf *out, const char *msg, size_t n)
{
	sb_putn(out, msg, n);
	sb_putc(out, '\n');
}

static int line_next(const char *buf, size_t n, int eof, size_t max, size_t *start, size_t *len, size_t *used,
		     struct sbuf *err)
{
	const char *nl = memchr(buf, '\n', n);
	if (!nl) {
		if (n > max) {
			sb_printf(err, "a line of more than %zu bytes (--max-frame) has no end in sight", max);
			return -1;
		}
		if (!eof || !n)
			return 0;
		*start = 0;
		*len = n;   /* the last line, without its newline */
		*used = n;
		return 1;
	}
	size_t l = (size_t)(nl - buf);
	if (l > max) {
		sb_printf(err, "a line of %zu bytes is over the limit of %zu (--max-frame)", l, max);
		return -1;
	}
	*start = 0;
	*len = l;   /* the message is the line; its newline is framing */
	*used = l + 1;
	return 1;
}

/* ---- length: 4 bytes, network order, then the message ----------------------------- */

static void length_encode(struct sbuf *out, const char *msg, size_t n)
{
	uint32_t be = htonl((uint32_t)n);
	sb_putn(out, (const char *)&be, 4);
	sb_putn(out, msg, n);
}

static int length_next(const char *buf, size_t n, int eof, size_t max, size_t *start, size_t *len,
		       size_t *used, struct sbuf *err)
{
	if (n < 4) {
		if (eof && n) {
			sb_printf(err, "the stream ended inside a length prefix (%zu of its 4 bytes)", n);
			return -1;
		}
		return 0;
	}
	uint32_t be;
	memcpy(&be, buf, 4);
	uint32_t l = ntohl(be);
	if (l > max) {
		sb_printf(err, "a frame of %u bytes was announced, over the limit of %zu (--max-frame)", l, max);
		return -1;
	}
	if (n - 4 < l) {
		if (eof) {
			sb_printf(err, "the stream ended inside a frame: %zu of its %u bytes came, %zu missing",
				  n - 4, l, (size_t)l - (n - 4));
			return -1;
		}
		return 0;
	}
	*start = 4;
	*len = l;
	*used = 4 + (size_t)l;
	return 1;
}

static const struct framing framing_none = {
	.name = "none",
	.summary = N_("no framing: a read is a message (three quick sends may arrive as one)"),
	.encode = none_encode,
	.next = none_next,
};
static const struct framing framing_line = {
	.name = "line",
	.summary = N_("a message ends at a newline (the default)"),
	.encode = line_encode,
	.next = line_next,
	.cuts = 1,
	.open_end = 1,
};
static const struct framing framing_length = {
	.name = "length",
	.summary = N_("a 4-byte network-order length before each message"),
	.encode = length_encode,
	.next = length_next,
	.cuts = 1,
	.binary = 1,
};

const struct framing *const framings[] = { &framing_line, &framing_none, &framing_length, NULL };

const struct framing *framing_find(const char *name)
{
	for (const struct framing *const *f = framings; *f; f++)
		if (!strcmp((*f)->name, name))
			return *f;
	return NULL;
}

/* ---- a stream being cut ---------------------------------------------------------- */

void deframer_init(struct deframer *d, const struct framing *f, size_t max)
{
	memset(d, 0, sizeof *d);
	d->f = f;
	d->max = max;
}

void deframer_free(struct deframer *d)
{
	free(d->buf);
	free(d->msg);
	d->buf = d->msg = NULL;
	d->len = d->cap = d->msgcap = 0;
}

int deframer_add(struct deframer *d, const char *p, size_t n, struct sbuf *err)
{
	/* room for the longest frame plus its header and one read */
	if (d->len + n > d->max + 8 + 65536) {
		sb_printf(err, "more than %zu bytes without a whole message (--max-frame)", d->max);
		return -1;
	}
	if (d->len + n > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap < d->len + n)
			cap *= 2;
		char *b = realloc(d->buf, cap);
		if (!b) {
			sb_printf(err, "out of memory for %zu bytes", d->len + n);
			return -1;
		}
		d->buf = b;
		d->cap = cap;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	return 0;
}

int deframer_next(struct deframer *d, int eof, const char **msg, size_t *len, struct sbuf *err)
{
	size_t start, l, used;
	int r = d->f->next(d->buf ? d->buf : "", d->len, eof, d->max, &start, &l, &used, err);
	if (r <= 0)
		return r;
	/* hand out a copy (NUL-terminated); the rest moves down */
	if (l + 1 > d->msgcap) {
		char *o = realloc(d->msg, l + 1);
		if (!o) {
			sb_printf(err, "out of memory for a message of %zu bytes", l);
			return -1;
		}
		d->msg = o;
		d->msgcap = l + 1;
	}
	memcpy(d->msg, d->buf + start, l);
	d->msg[l] = '\0';
	memmove(d->buf, d->buf + used, d->len - used);
	d->len -= used;
	*msg = d->msg;
	*len = l;
	return 1;
}

size_t deframer_pending(const struct deframer *d)
{
	return d->len;
}
