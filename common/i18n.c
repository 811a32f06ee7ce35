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
int i18n_catalog;

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
	i18n_catalog = i18n_language() != NULL;
	const char *dir = i18n_catalog ? locale_dir() : NULL;
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

size_t i18n_char(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] < 0xc0 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if ((u[i] & 0xc0) != 0x80) {
			n = 1;   /* not a whole character: the byte alone */
			break;
		}
	unsigned c = n == 1 ? u[0] : u[0] & (0x7fu >> n);
	for (size_t i = 1; i < n; i++)
		c = c << 6 | (u[i] & 0x3f);
	if (cp)
		*cp = c;
	return n;
}

static int wide(unsigned c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
	       (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

size_t i18n_width(const char *s, size_t bytes)
{
	size_t w = 0;
	for (const char *p = s, *end = s + bytes; p < end && *p;) {
		unsigned c;
		p += i18n_char(p, &c);
		w += wide(c) ? 2 : 1;
	}
	return w;
}

int i18n_pad(const char *s, int width)
{
	size_t w = i18n_width(s, strlen(s));
	return w >= (size_t)width ? 0 : width - (int)w;
}

static int one_of(unsigned c, const unsigned *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c == set[i])
			return 1;
	return 0;
}

int i18n_may_break(const char *before, const char *after)
{
	/* ，。：；、）！？”’》」』】…． and their ASCII kin must not start a line;
	 * （“‘《「『【 and ( must not end one */
	static const unsigned closing[] = { 0xff0c, 0x3002, 0xff1a, 0xff1b, 0x3001, 0xff09, 0xff01, 0xff1f,
					    0x201d, 0x2019, 0x300b, 0x300d, 0x300f, 0x3011, 0x2026, 0xff0e,
					    ')', ',', '.', ':', ';', '!', '?' };
	static const unsigned opening[] = { 0xff08, 0x201c, 0x2018, 0x300a, 0x300c, 0x300e, 0x3010, '(' };
	unsigned b, a;
	if (!*before || !*after || *before == ' ' || *after == ' ' || *before == '\n' || *after == '\n')
		return 0;
	i18n_char(before, &b);
	i18n_char(after, &a);
	if (!wide(b) && !wide(a))
		return 0;   /* inside a word */
	return !one_of(a, closing, sizeof closing / sizeof closing[0]) &&
	       !one_of(b, opening, sizeof opening / sizeof opening[0]);
}

size_t i18n_unit(const char *s, int *width)
{
	size_t n = 0;
	while (s[n] && s[n] != ' ' && s[n] != '\n') {
		size_t len = i18n_char(s + n, NULL);
		n += len;
		if (i18n_may_break(s + n - len, s + n))
			break;
	}
	if (width)
		*width = (int)i18n_width(s, n);
	return n;
}

void i18n_wrap(const char *text, int indent, int width)
{
	int col = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '\n') {   /* a line of its own */
			putchar('\n');
			col = 0;
			p++;
			continue;
		}
		int w;
		size_t n = i18n_unit(p, &w);
		int space = col > indent && p > text && p[-1] == ' ';
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
