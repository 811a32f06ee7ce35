/*
 * i18n: the messages a program says to a person, through gettext (domain
 * "sockfam", catalogs made from po/LANG.po). Trace lines are never translated:
 * they stay exactly strace's.
 *
 * The language: --lang NAME, else LANGUAGE/LC_ALL/LC_MESSAGES/LANG as
 * gettext reads them. A catalog that is not installed as a locale of the
 * system still works: the messages come from the catalog, with the C.UTF-8
 * locale for the characters.
 */
#ifndef SOCKFAM_I18N_H
#define SOCKFAM_I18N_H

#include <libintl.h>
#include <stddef.h>

/* gettext when a catalog language was asked for; English is the text itself,
 * with no look-up (a forked server's child would otherwise fault in
 * gettext's code and data for every connection). */
#define _(s) (i18n_catalog ? gettext(s) : (char *)(s))
#define N_(s) (s)   /* marks a string of a table for xgettext; _() it where it is used */

/* 1 once i18n_init chose a language there is a catalog for. */
extern int i18n_catalog;

/* The languages there are catalogs for ("zh_CN"), besides C (English); ends with NULL. */
extern const char *const i18n_languages[];

/* setlocale, bindtextdomain and textdomain; lang: NULL (the environment's),
 * "C"/"en" or one of i18n_languages. -1 for a language there is no catalog for. */
int i18n_init(const char *lang);

/* The catalog language the messages are in now ("zh_CN"), or NULL for English. */
const char *i18n_language(void);

/* The columns a UTF-8 text takes on a terminal (a CJK character: 2). */
size_t i18n_width(const char *s, size_t bytes);

/* The UTF-8 character at s: its length in bytes (1 for a byte that starts
 * no whole character, taken alone), its code point in *cp (may be NULL). */
size_t i18n_char(const char *s, unsigned *cp);

/* Where a line may break with no space (Chinese has none between words):
 * between the adjacent characters at `before` and `after` when either is
 * wide (CJK), unless `after` is punctuation that must not start a line
 * (，。：）…, and ASCII ) , . : ; ! ?) or `before` one that must not end
 * one (（“《…, and ASCII (). Never inside an ASCII word, never at a space. */
int i18n_may_break(const char *before, const char *after);

/* The piece of text at s a line may not break inside: up to a space, a
 * newline or the end, or to where i18n_may_break allows a break. Its length
 * in bytes; its columns in *width (may be NULL). */
size_t i18n_unit(const char *s, int *width);

/* The spaces that pad s (a NUL-terminated UTF-8 text) to `width` terminal
 * columns, 0 when it is as wide or wider: a table's column lines up in every
 * language, where printf's %-20s counts bytes:
 *     printf("%s%*s|", name, i18n_pad(name, 20), "");                        */
int i18n_pad(const char *s, int width);

/* text wrapped at `width` columns, each line `indent` columns in; breaks at
 * spaces, and where i18n_may_break allows. */
void i18n_wrap(const char *text, int indent, int width);

#endif
