/*
 * The message catalogs (common/i18n.h, po/): every message of the programs
 * that speak through gettext (errlab, exercise) has its Chinese translation
 * (a new message without one fails here); the Chinese output is UTF-8, its
 * text wrapped at 80 columns by width and the grader's labels aligned; the
 * trace lines stay strace's, byte for byte, in every language; an unknown
 * language is one line and exit 2.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "../common/i18n.h"

/* Appends the C string literal(s) at p (a PO file's "..." lines) to out, unescaped. */
static const char *po_string(const char *p, char *out, size_t size)
{
	size_t n = strlen(out);
	while (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			char c = *p;
			if (c == '\\' && p[1]) {
				p++;
				c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			}
			if (n + 1 < size)
				out[n++] = c;
		}
		out[n] = '\0';
		if (*p == '"')
			p++;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	return p;
}

struct entry {
	char *id, *str;
	int fuzzy;
};

/* The entries of a PO file (the header, msgid "", left out); *e is allocated. */
static size_t po_entries(const char *path, struct entry **out)
{
	char *text = h_slurp(path, NULL);
	cr_assert(text, "cannot read %s", path);
	size_t n = 0, cap = 0, len = strlen(text);
	struct entry *e = NULL;
	int fuzzy = 0;
	for (const char *p = text; *p;) {
		if (!strncmp(p, "#,", 2) && strstr(p, "fuzzy") && strstr(p, "fuzzy") < strchr(p, '\n'))
			fuzzy = 1;
		if (!strncmp(p, "msgid ", 6)) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				e = realloc(e, cap * sizeof *e);
				cr_assert(e);
			}
			/* no string of the file is longer than the file */
			e[n].id = calloc(1, len + 1);
			e[n].str = calloc(1, len + 1);
			cr_assert(e[n].id && e[n].str);
			p = po_string(p + 6, e[n].id, len + 1);
			if (!strncmp(p, "msgid_plural ", 13)) {
				char *plural = calloc(1, len + 1);
				p = po_string(p + 13, plural, len + 1);
				free(plural);
			}
			if (!strncmp(p, "msgstr[0] ", 10))
				p = po_string(p + 10, e[n].str, len + 1);
			else if (!strncmp(p, "msgstr ", 7))
				p = po_string(p + 7, e[n].str, len + 1);
			e[n].fuzzy = fuzzy;
			fuzzy = 0;
			if (e[n].id[0])
				n++;
			else
				free(e[n].id), free(e[n].str);
			continue;
		}
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(text);
	*out = e;
	return n;
}

/* The C sources under dir (and its folders) that include i18n.h, appended to argv. */
static void i18n_sources(const char *dir, char **argv, int *k, int max)
{
	DIR *dd = opendir(dir);
	cr_assert(dd, "cannot read %s", dir);
	struct dirent *e;
	while ((e = readdir(dd)) && *k < max) {
		if (e->d_name[0] == '.')
			continue;
		char *path = NULL;
		cr_assert(asprintf(&path, "%s/%s", dir, e->d_name) > 0);
		size_t len = strlen(e->d_name);
		if (e->d_type == DT_DIR) {
			i18n_sources(path, argv, k, max);
			free(path);
			continue;
		}
		char *src = len > 2 && !strcmp(e->d_name + len - 2, ".c") ? h_slurp(path, NULL) : NULL;
		if (src && strstr(src, "i18n.h\""))
			argv[(*k)++] = path;
		else
			free(path);
		free(src);
	}
	closedir(dd);
}

Test(i18n, every_message_has_a_chinese_translation, .timeout = 60)
{
	if (access("/usr/bin/xgettext", X_OK))
		cr_skip_test("xgettext is not installed (gettext, in .ci/packages)");
	/* the sources that speak through the catalog, as the Makefile's I18N_SRC */
	char *argv[256] = { "/usr/bin/xgettext", "--keyword=_", "--keyword=N_", "--keyword=ngettext:1,2",
		"--from-code=UTF-8", "--no-location", "-o", NULL };
	int k = 7;
	char *dir = h_tmpdir(), pot[300];
	snprintf(pot, sizeof pot, "%s/fresh.pot", dir);
	argv[k++] = pot;
	int first = k;
	static const char *const dirs[] = { "common", "families", "demos" };
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
		i18n_sources(dirs[d], argv, &k, 250);
	argv[k] = NULL;
	cr_assert_geq(k - first, 3, "only %d sources use the catalog", k - first);
	cr_assert_eq(h_run(argv, NULL, 0, NULL, NULL), 0, "xgettext failed");
	struct entry *po, *fresh;
	size_t nf = po_entries(pot, &fresh), npo = po_entries("po/zh_CN.po", &po);
	cr_assert_gt(nf, 100, "only %zu messages found in the sources", nf);
	for (size_t i = 0; i < nf; i++) {
		size_t j;
		for (j = 0; j < npo && strcmp(po[j].id, fresh[i].id); j++)
			;
		cr_expect_lt(j, npo, "po/zh_CN.po has no entry for \"%s\" (run make pot, then translate it)", fresh[i].id);
		if (j == npo)
			continue;
		cr_expect(po[j].str[0], "\"%s\" has no Chinese translation in po/zh_CN.po", fresh[i].id);
		cr_expect(!po[j].fuzzy, "\"%s\": its translation is marked fuzzy", fresh[i].id);
		/* the same conversions, in the same order */
		char a[256] = "", b[256] = "";
		for (const char *p = fresh[i].id; (p = strchr(p, '%')) && strlen(a) < 250; p += 2)
			strncat(a, p, 2);
		for (const char *p = po[j].str; (p = strchr(p, '%')) && strlen(b) < 250; p += 2)
			strncat(b, p, 2);
		cr_expect_str_eq(a, b, "\"%s\": the translation's %% conversions differ", fresh[i].id);
	}
	for (int i = first; i < k; i++)
		free(argv[i]);
	h_tmpdir_free(dir);
}

static int is_trace(const char *line)
{
	/* "    socket(...) = 3", "  > connect(...)": a call, as strace prints it */
	const char *p = line + strspn(line, " >");
	return strchr(p, '(') && strstr(p, ") ") && strstr(p, "= ");
}

Test(i18n, chinese_output_renders_and_the_trace_stays_straces, .timeout = 60)
{
	char *zh = NULL, *en = NULL;
	char *zargv[] = { "bin/errlab", "--lang", "zh_CN", "EPROTONOSUPPORT", "EAFNOSUPPORT", NULL };
	char *eargv[] = { "bin/errlab", "EPROTONOSUPPORT", "EAFNOSUPPORT", "--lang", "C", NULL };
	cr_assert_eq(h_run(zargv, NULL, 0, &zh, NULL), 0);
	cr_assert_eq(h_run(eargv, NULL, 0, &en, NULL), 0);
	cr_expect(h_utf8_ok(zh), "not UTF-8");
	cr_expect(strstr(zh, "这里不会发生"), "no Chinese:\n%s", zh);
	/* the text wraps at 80 columns by width; the trace lines are the English run's */
	struct sbuf_lines {
		char **v;
		size_t n;
	} z, e;
	z.n = h_lines(zh, &z.v);
	e.n = h_lines(en, &e.v);
	size_t ze = 0, zt = 0;
	for (size_t i = 0; i < z.n; i++) {
		if (is_trace(z.v[i])) {
			for (; ze < e.n && !is_trace(e.v[ze]); ze++)
				;
			cr_expect(ze < e.n && !strcmp(z.v[i], e.v[ze]), "a trace line differs in Chinese:\n%s\n%s",
				  z.v[i], ze < e.n ? e.v[ze] : "(none)");
			ze++;
			zt++;
			continue;
		}
		size_t w = i18n_width(z.v[i], strlen(z.v[i]));
		if (strncmp(z.v[i], "E", 1))   /* the errno's heading is one line, as in English */
			cr_expect_leq(w, 80, "a line of %zu columns:\n%s", w, z.v[i]);
	}
	cr_expect_geq(zt, 12, "only %zu trace lines", zt);
	free(z.v);
	free(e.v);
	free(zh);
	free(en);
}

/* --json in Chinese: the text as UTF-8, not byte by byte as \u00XX. */
Test(i18n, chinese_json_is_utf8_text)
{
	char *argv[] = { "bin/errlab", "--json", "--lang", "zh_CN", "EISCONN", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	cr_expect(h_utf8_ok(out));
	cr_expect(strstr(out, "\"why_not\": \"数据报套接字可以再次 connect"), "%s", out);
	cr_expect_null(strstr(out, "\\u00"), "bytes escaped one by one:\n%s", out);
	free(out);
}

/* LANG alone chooses the language, even with no such locale on the system;
 * the grader's labels take the same columns in Chinese. */
Test(i18n, lang_from_the_environment_and_aligned_labels, .timeout = 60)
{
	char *dir = h_tmpdir(), path[300];
	snprintf(path, sizeof path, "%s/a.txt", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 3\nconnect(3, {sa_family=AF_INET6}, 28) = 0\n"
	      "close(3) = 4\n", f);
	fclose(f);
	setenv("LANG", "zh_CN.UTF-8", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	char *argv[] = { "bin/exercise", "check", "2", path, NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 1);
	cr_expect(h_utf8_ok(out));
	cr_expect(strstr(out, "得分："), "%s", out);
	static const char *const labels[] = { "正确", "缺少", "多余", "错误" };
	int seen = 0;
	char **v;
	size_t n = h_lines(out, &v);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 4; k++)
			if (!strncmp(v[i], "  ", 2) && !strncmp(v[i] + 2, labels[k], strlen(labels[k]))) {
				/* the call starts at column 11 */
				const char *call = v[i] + 2 + strlen(labels[k]);
				call += strspn(call, " ");
				size_t col = i18n_width(v[i], (size_t)(call - v[i]));
				cr_expect_eq(col, 11, "label '%s': the call starts at column %zu:\n%s", labels[k], col, v[i]);
				seen |= 1 << k;
			}
	cr_expect_eq(seen, 15, "not every label was seen (%x)", seen);
	free(v);
	free(out);
	h_tmpdir_free(dir);
}

Test(i18n, an_unknown_language_is_one_line_and_exit_2)
{
	char *cases[][5] = {
		{ "bin/errlab", "--lang", "fr", NULL },
		{ "bin/exercise", "--lang", "klingon", "list", NULL },
		{ "bin/errlab", "--lang", NULL },
	};
	static const char *const says[] = { "unknown language 'fr'", "unknown language 'klingon'", "needs an argument" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i], says[i]);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
}

/* The parts of a Markdown text a translation keeps as they are, in order,
 * one string each: every fenced block whole (fences included), every HTML
 * comment line, and every heading's level ("##"). */
struct md_kept {
	char **v;
	size_t n, cap;
};

static void kept_add(struct md_kept *k, const char *s, size_t len)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 256;
		k->v = realloc(k->v, k->cap * sizeof *k->v);
		cr_assert(k->v);
	}
	k->v[k->n++] = strndup(s, len);
}

static void md_kept(const char *text, struct md_kept *k)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n"), ind = strspn(p, " ");
		if (!strncmp(p + ind, "```", 3)) {
			/* the block to its closing fence (indented alike in a list) */
			const char *q = p + len;
			while (*q) {
				q++;
				size_t l2 = strcspn(q, "\n");
				if (l2 == ind + 3 && !strncmp(q + ind, "```", 3)) {
					q += l2;
					break;
				}
				q += l2;
			}
			kept_add(k, p, (size_t)(q - p));
			p = *q ? q + 1 : q;
			continue;
		}
		if (!strncmp(p, "<!--", 4))
			kept_add(k, p, len);
		else if (*p == '#')
			kept_add(k, p, strspn(p, "#"));
		p += len + (p[len] == '\n');
	}
}

/* README.zh-CN.md is README.md in Chinese, kept in step: the same code blocks
 * (commands, their output, trace lines) byte for byte, the same test
 * annotations and the same headings, in the same order. A change to one
 * without the other fails here. */
Test(i18n, the_chinese_readme_is_the_readme_in_step)
{
	char *zh = h_slurp("README.zh-CN.md", NULL), *en = h_slurp("README.md", NULL);
	cr_assert(zh && en, "README.zh-CN.md or README.md is missing");
	cr_expect(strstr(zh, "[README.md](README.md)"), "README.zh-CN.md does not link README.md");
	struct md_kept z = { 0 }, e = { 0 };
	md_kept(zh, &z);
	md_kept(en, &e);
	cr_expect_gt(e.n, 200, "only %zu blocks, comments and headings in README.md", e.n);
	size_t i;
	for (i = 0; i < z.n && i < e.n; i++)
		if (strcmp(z.v[i], e.v[i]))
			break;
	cr_expect(i == z.n && i == e.n,
		  "README.zh-CN.md leaves README.md at its kept part %zu of %zu:\nREADME.md:\n%.600s\n"
		  "README.zh-CN.md:\n%.600s", i + 1, e.n, i < e.n ? e.v[i] : "(the end)",
		  i < z.n ? z.v[i] : "(the end)");
	/* and it is Chinese */
	size_t cjk = 0;
	for (const unsigned char *p = (const unsigned char *)zh; *p; p++)
		cjk += *p >= 0xe4 && *p <= 0xe9;
	cr_expect_gt(cjk, 20000, "only %zu Chinese characters", cjk);
	for (size_t j = 0; j < z.n; j++)
		free(z.v[j]);
	for (size_t j = 0; j < e.n; j++)
		free(e.v[j]);
	free(z.v);
	free(e.v);
	free(zh);
	free(en);
}
