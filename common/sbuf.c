#include "sbuf.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sb_grow(struct sbuf *sb, size_t more)
{
	size_t need = sb->len + more + 1;
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 128;
	while (cap < need)
		cap *= 2;
	char *p = realloc(sb->p, cap);
	if (!p) {
		fputs(_("sockfam: out of memory\n"), stderr);
		abort();
	}
	sb->p = p;
	sb->cap = cap;
}

void sb_putn(struct sbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void sb_putc(struct sbuf *sb, char c) { sb_putn(sb, &c, 1); }
void sb_puts(struct sbuf *sb, const char *s) { sb_putn(sb, s, strlen(s)); }

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

const char *sb_str(struct sbuf *sb) { return sb->p ? sb->p : ""; }

void sb_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->p)
		sb->p[0] = '\0';
}

void sb_free(struct sbuf *sb)
{
	free(sb->p);
	sb->p = NULL;
	sb->len = sb->cap = 0;
}
