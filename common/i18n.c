/* i18n: gettext set-up and UTF-8 text widths (see i18n.h). */
#define _GNU_SOURCE
#include "i18n.h"
#include "io.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const i18n_languages[] = { "zh_CN", NULL };

/* The catalogs: $SOCKFAM_LOCALEDIR, else build/locale beside bin/ (the tree),
 * else share/locale beside the installed bin/. */
static const char *locale_dir(void)
{
	static char dir[PATH_MAX + 64];
	static const char *const beside[] = { "../build/locale", "../share/locale", NULL };
	return io_data_dir("SOCKFAM_LOCALEDIR", beside, dir, sizeof dir);
}

int i18n_init(const char *lang)
{
	if (lang && strcmp(lang, "C") && strcmp(lang, "en")) {
		size_t i;
		for (i = 0; i18n_languages[i] && strcmp(i18n_languages[i], lang); i++)
			;
		if (!i18n_languages[i])
			return -1;
		setenv("LANGUAGE", lang, 1);
	} else if (lang) {
		setenv("LANGUAGE", "C", 1);
	}
	/* gettext ignores LANGUAGE in the C locale: a language whose locale the
	 * system lacks (LANG=zh_CN.UTF-8 without the locales package) still gets
	 * its catalog, with C.UTF-8's characters */
	/* Only the messages follow the environment. The characters are C.UTF-8's
	 * whatever it says (UTF-8 out; toupper, isprint and the trace's escaping
	 * the same for every byte in every language), and numbers and times stay
	 * C's: a trace's -T <0.000123> and -t 12:00:00.123456 are strace's under
	 * any LANG. */
	setlocale(LC_CTYPE, "C.UTF-8");
	const char *got = setlocale(LC_MESSAGES, "");
	if (!got || !strcmp(got, "C") || !strcmp(got, "POSIX")) {
		setlocale(LC_MESSAGES, "C.UTF-8");
		const char *env = NULL;
		static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
		for (size_t i = 0; i < 3 && !env; i++)
			if (getenv(vars[i]) && *getenv(vars[i]))
				env = getenv(vars[i]);
		const char *language = getenv("LANGUAGE");
		if (!lang && env && !(language && *language)) {
			char want[32];
			snprintf(want, sizeof want, "%.*s", (int)strcspn(env, ".@"), env);
			for (size_t i = 0; i18n_languages[i]; i++)
				if (!strcmp(want, i18n_languages[i]))
					setenv("LANGUAGE", want, 1);
		}
	}
	/* the catalogs are looked for (a readlink of /proc/self/exe) only when a
	 * language with one is asked for: an English run reads nothing it does
	 * not need (tests/test_fdview.c: no /proc without -y) */
	const char *dir = i18n_language() ? locale_dir() : NULL;
	if (dir)
		bindtextdomain("sockfam", dir);
	bind_textdomain_codeset("sockfam", "UTF-8");
	textdomain("sockfam");
	return 0;
}

const char *i18n_language(void)
{
	/* what i18n_init left for gettext: LANGUAGE's first entry, else the locale's */
	const char *env = getenv("LANGUAGE");
	const char *loc = setlocale(LC_MESSAGES, NULL);
	const char *from = env && *env ? env : loc;
	if (!from)
		return NULL;
	for (size_t i = 0; i18n_languages[i]; i++)
		if (!strncmp(from, i18n_languages[i], strlen(i18n_languages[i])))
			return i18n_languages[i];
	return NULL;
}

/* the code point at s (UTF-8), its length in *len */
static unsigned code_point(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80 || !s[1]) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*len = 2;
		return (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && s[2]) {
		*len = 3;
		return (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	if (s[2] && s[3]) {
		*len = 4;
		return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 | (unsigned)(s[2] & 0x3f) << 6 |
		       (s[3] & 0x3f);
	}
	*len = 1;
	return s[0];
}

static int wide(unsigned c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
	       (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

size_t i18n_width(const char *s, size_t bytes)
{
	size_t w = 0, len;
	const unsigned char *p = (const unsigned char *)s, *end = p + bytes;
	while (p < end && *p) {
		unsigned c = code_point(p, &len);
		w += wide(c) ? 2 : 1;
		p += len;
	}
	return w;
}

int i18n_pad(const char *s, int width)
{
	size_t w = i18n_width(s, strlen(s));
	return w >= (size_t)width ? 0 : width - (int)w;
}

void i18n_wrap(const char *text, int indent, int width)
{
	int col = 0;
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* the next unit: a word, or one wide character (a line may break after it) */
		size_t len, n = 0;
		unsigned c = code_point(p, &len);
		if (wide(c)) {
			n = len;
			/* punctuation that must not start a line goes with it */
			while (p[n]) {
				size_t l2;
				unsigned c2 = code_point(p + n, &l2);
				if (c2 != 0xff0c && c2 != 0x3002 && c2 != 0xff1a && c2 != 0xff1b && c2 != 0x3001 &&
				    c2 != 0xff09 && c2 != 0xff01 && c2 != 0xff1f)
					break;
				n += l2;
			}
		} else {
			while (p[n] && p[n] != ' ') {
				unsigned c2 = code_point(p + n, &len);
				if (wide(c2))
					break;
				n += len;
			}
		}
		int w = (int)i18n_width((const char *)p, n);
		int space = col > indent && p > (const unsigned char *)text && p[-1] == ' ';
		if (col && col + space + w > width) {
			putchar('\n');
			col = 0;
		}
		if (!col)
			col = printf("%*s", indent, "");
		else if (space)
			col += printf(" ");
		col += w;
		fwrite(p, 1, n, stdout);
		p += n;
	}
	putchar('\n');
}
