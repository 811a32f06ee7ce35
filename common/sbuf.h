/* sbuf: a growable string buffer, used to build one trace line before it is written. */
#ifndef SOCKFAM_SBUF_H
#define SOCKFAM_SBUF_H

#include <stddef.h>

struct sbuf {
	char *p;      /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define SBUF_INIT { NULL, 0, 0 }

void sb_putc(struct sbuf *sb, char c);
void sb_puts(struct sbuf *sb, const char *s);
void sb_putn(struct sbuf *sb, const char *s, size_t n);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sb_str(struct sbuf *sb);   /* "" for an empty buffer */
void sb_reset(struct sbuf *sb);        /* empties, keeps the memory */
void sb_free(struct sbuf *sb);


#endif
