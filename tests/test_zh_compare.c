/*
 * bin/compare in Chinese (--lang zh_CN, and LANG=zh_CN.UTF-8): the matrix,
 * --details, --trace, --diagram and --models speak Chinese in UTF-8, every
 * line keeps to the width (COLUMNS) by terminal columns (a CJK character takes
 * two), the tables' columns and separators line up by columns on every row,
 * and the trace lines are the English run's, byte for byte.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../common/server.h"
#include "../demos/compare/compare.h"
#include "../families/families.h"
#include "harness.h"

/* The lines of text, empty ones too (h_lines leaves them out); text is modified. */
static size_t split(char *text, char ***lines)
{
	size_t n = 0, cap = 16;
	char **v = malloc(cap * sizeof *v);
	for (char *l = text; *l;) {
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		v[n++] = l;
		char *nl = strchr(l, '\n');
		if (!nl)
			break;
		*nl = '\0';
		l = nl + 1;
	}
	*lines = v;
	return n;
}

static size_t cols(const char *s)
{
	return i18n_width(s, strlen(s));
}

/* The lines of text wider than width columns: NULL, or the first (malloc'd). */
static char *too_wide(const char *text, size_t width)
{
	char *copy = strdup(text), **v;
	size_t n = split(copy, &v);
	char *bad = NULL;
	for (size_t i = 0; i < n && !bad; i++)
		if (cols(v[i]) > width && asprintf(&bad, "%zu columns: %s", cols(v[i]), v[i]) < 0)
			bad = NULL;
	free(v);
	free(copy);
	return bad;
}

/* The byte of line at display column col, or NULL (past its end, or in a wide character). */
static const char *at_col(const char *line, size_t col)
{
	size_t c = 0;
	for (const char *p = line; *p;) {
		if (c == col)
			return p;
		if (c > col)
			return NULL;
		size_t l = i18n_char(p, NULL);
		c += i18n_width(p, l);
		p += l;
	}
	return NULL;
}

static int is_separator(const char *line)
{
	return line[0] == '-' && strchr(line, '+') && strspn(line, "-+") == strlen(line);
}

/*
 * Every table of text: its separator ("----+----") and the rows above and
 * below it have a '|' at each '+''s column. Above: the header, the lines
 * with a '|' right over the separator. Below: to the next table's header,
 * or (every_line) to the first blank line; without every_line, lines with
 * no '|' (the matrix's scenario names) are passed over. NULL, or what is
 * out of line (malloc'd); *ntables gets the count.
 */
static char *misaligned(const char *text, int every_line, int *ntables)
{
	char *copy = strdup(text), **v, *bad = NULL;
	size_t n = split(copy, &v);
	*ntables = 0;
	for (size_t s = 0; s < n && !bad; s++) {
		if (!is_separator(v[s]))
			continue;
		++*ntables;
		size_t plus[64], np = 0;
		for (const char *p = v[s]; (p = strchr(p, '+')) && np < 64; p++)
			plus[np++] = (size_t)(p - v[s]);
		size_t from = s, to = s + 1;
		while (from > 0 && strchr(v[from - 1], '|'))
			from--;
		/* below: to the next separator's header, or the first blank line */
		size_t next = n;
		for (size_t k = s + 1; k < n; k++)
			if (is_separator(v[k])) {
				next = k;
				while (next > s + 1 && strchr(v[next - 1], '|'))
					next--;
				break;
			}
		while (to < next && !(every_line && !v[to][0]) && strncmp(v[to], "详情", 6))
			to++;
		for (size_t i = from; i < to && !bad; i++) {
			if (i == s || (!every_line && !strchr(v[i], '|')) || !v[i][0])
				continue;
			for (size_t k = 0; k < np && !bad; k++) {
				const char *c = at_col(v[i], plus[k]);
				if (!c || *c != '|')
					if (asprintf(&bad, "no '|' at column %zu:\n%s\n%s", plus[k], v[s], v[i]) < 0)
						bad = NULL;
			}
		}
	}
	free(v);
	free(copy);
	return bad;
}

/* Runs bin/compare with argv (NULL-terminated, after the program's name) and
 * COLUMNS=width; its standard output (malloc'd); fails on an exit status but 0. */
static char *run(int width, const char *const *args)
{
	char *argv[24] = { "bin/compare" }, wd[16];
	int n = 1;
	for (; args[n - 1] && n < 23; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	snprintf(wd, sizeof wd, "%d", width);
	setenv("COLUMNS", wd, 1);
	char *out = NULL;
	int st = h_run(argv, NULL, 0, &out, NULL);
	cr_assert_eq(st, 0, "bin/compare %s ... exit %d:\n%s", args[0], st, out ? out : "");
	cr_assert(out);
	return out;
}

/* The Chinese of every message from now on, as the programs find it (build/locale). */
static void speak_chinese(void)
{
	char dir[PATH_MAX];
	cr_assert(realpath("build/locale", dir), "no build/locale: make builds the catalogs");
	setenv("SOCKFAM_LOCALEDIR", dir, 1);
	cr_assert_eq(i18n_init("zh_CN"), 0);
}

static void in_chinese_within(const char *what, const char *out, int width)
{
	cr_expect(h_utf8_ok(out), "%s: not UTF-8", what);
	cr_expect(h_has_chinese(out), "%s: no Chinese:\n%s", what, out);
	char *bad = too_wide(out, (size_t)width);
	cr_expect_null(bad, "%s, COLUMNS=%d: %s\n%s", what, width, bad, out);
	free(bad);
}

/* ---- the matrix ------------------------------------------------------------------ */

Test(zh_compare, matrix_and_details_are_chinese_and_aligned, .timeout = 120)
{
	char *scratch = h_tmpdir();
	setenv("TMPDIR", scratch, 1);
	/* names on lines of their own (two tables), names in a column, transposed */
	static const struct {
		int width;
		const char *args[10];
		const char *layout;
	} runs[] = {
		{ 80, { "--lang", "zh_CN", "--only", "1,2,5,8", "--details", NULL }, "（为放进 80 列：分成 2 张表" },
		{ 100, { "--families", "inet,unix/dgram", "--only", "boundaries,refused,peer", "--lang", "zh_CN", NULL },
		  "场景 " },
		{ 60, { "--lang", "zh_CN", "--only", "2,7", NULL }, "每种套接字类型一行，每个场景一列" },
	};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		char *out = run(runs[i].width, runs[i].args), what[64];
		snprintf(what, sizeof what, "the matrix at %d", runs[i].width);
		in_chinese_within(what, out, runs[i].width);
		cr_expect(strstr(out, "sockfam compare："), "%s: the heading is not Chinese:\n%s", what, out);
		cr_expect(strstr(out, runs[i].layout), "%s: not the layout meant (%s):\n%s", what, runs[i].layout, out);
		/* the scenarios' titles are the catalog's, never the English ones */
		cr_expect(strstr(out, "无人监听") && !strstr(out, "Nobody listening"), "%s:\n%s", what, out);
		int tables = 0;
		char *bad = misaligned(out, 0, &tables);
		cr_expect_null(bad, "%s: %s\n%s", what, bad, out);
		cr_expect_geq(tables, 1, "%s: no table:\n%s", what, out);
		free(bad);
		free(out);
	}
	h_tmpdir_free(scratch);
}

/* Every cell of the whole matrix, text and details, in English and in Chinese
 * (whose bytes are half as many again): none was too long for its cell and
 * ended in CMP_CUT. Exit 0 also says every cell ran. */
Test(zh_compare, no_cell_of_the_matrix_is_cut, .timeout = 180)
{
	char *scratch = h_tmpdir();
	setenv("TMPDIR", scratch, 1);
	static const char *const langs[] = { "C", "zh_CN" };
	for (size_t i = 0; i < 2; i++) {
		const char *args[] = { "--json", "--lang", langs[i], NULL };
		char *out = run(80, args);
		cr_expect(strstr(out, "\"detail\""), "--lang %s: no details in the JSON:\n%.2000s", langs[i], out);
		cr_expect_null(strstr(out, CMP_CUT), "--lang %s: a cell was cut:\n%s", langs[i],
			       strstr(out, CMP_CUT) ? strstr(out, CMP_CUT) - (strstr(out, CMP_CUT) - out > 600 ? 600 : 0) : "");
		cr_expect(h_utf8_ok(out), "--lang %s: not UTF-8", langs[i]);
		free(out);
	}
	h_tmpdir_free(scratch);
}

Test(zh_compare, details_wrap_by_columns, .timeout = 60)
{
	char *scratch = h_tmpdir();
	setenv("TMPDIR", scratch, 1);
	const char *args[] = { "--details", "--only", "restart,halfclose", "--families", "inet,unix", "--lang=zh_CN",
			       NULL };
	char *out = run(72, args);
	in_chinese_within("--details", out, 72);
	const char *d = strstr(out, "\n详情：\n");
	cr_assert(d, "no details:\n%s", out);
	/* each detail: "- ID, FAMILY/KIND: " and its text in Chinese, continued two columns in */
	char **v;
	size_t n = split((char *)d + 1, &v), items = 0;
	for (size_t i = 1; i < n; i++) {
		if (!v[i][0])
			continue;
		cr_expect(!strncmp(v[i], "- ", 2) || !strncmp(v[i], "  ", 2), "%s", v[i]);
		if (!strncmp(v[i], "- ", 2)) {
			items++;
			cr_expect(h_has_chinese(v[i]) || (i + 1 < n && h_has_chinese(v[i + 1])), "a detail not in Chinese: %s", v[i]);
		}
	}
	cr_expect_eq(items, 2 * 5, "a detail per cell:\n%s", d);
	free(v);
	free(out);
	h_tmpdir_free(scratch);
}

/* LANG=zh_CN.UTF-8 alone (no such locale installed): Chinese, the --json keys
 * and states and the --csv header as in English. */
Test(zh_compare, lang_from_the_environment, .timeout = 60)
{
	char *scratch = h_tmpdir();
	setenv("TMPDIR", scratch, 1);
	setenv("LANG", "zh_CN.UTF-8", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	const char *text[] = { "--only", "addrsize,clientname", NULL };
	char *out = run(80, text);
	in_chinese_within("LANG=zh_CN.UTF-8", out, 80);
	cr_expect(strstr(out, "地址大小") && strstr(out, "谁为客户端命名"), "%s", out);
	int tables;
	char *bad = misaligned(out, 0, &tables);
	cr_expect_null(bad, "%s", bad);
	free(bad);
	free(out);

	const char *csv[] = { "--csv", "--only", "addrsize", "--families", "inet", NULL };
	out = run(80, csv);
	cr_expect(!strncmp(out, "scenario,number,title,family,kind,status,text,values\n", 53), "%s", out);
	cr_expect(strstr(out, "\naddrsize,5,\"地址大小\",inet,tcp,ok,\""), "%s", out);
	free(out);
	const char *json[] = { "--json", "--only", "maxmsg", "--families", "inet/udp", NULL };
	out = run(80, json);
	cr_expect(h_utf8_ok(out));
	cr_expect(strstr(out, "\"status\": \"ok\"") && strstr(out, "\"title\": \"最大的单条消息\"") &&
		  strstr(out, "\"max\": 65507"), "%s", out);
	free(out);
	h_tmpdir_free(scratch);
}

/* A usage error: one line, exit 2, in Chinese. */
Test(zh_compare, usage_errors_in_chinese)
{
	static const struct {
		const char *argv[8];
		const char *says;
	} bad[] = {
		{ { "--lang", "zh_CN", "--only", "nosuch" }, "未知的场景 'nosuch'" },
		{ { "--models", "--model", "fork", "--lang", "zh_CN" }, "--models 会运行每一种模型" },
		{ { "--lang", "zh_CN", "--trace", "inet" }, "--trace 需要两个地址族" },
		{ { "--lang", "zh_CN", "--diagram", "inet/sctp" }, "地址族 inet 没有套接字类型 'sctp'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[12] = { "bin/compare" };
		for (int k = 0; bad[i].argv[k]; k++)
			argv[k + 1] = (char *)bad[i].argv[k];
		char *why = h_refused(argv, bad[i].says);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
}

/* ---- the traces side by side ------------------------------------------------------ */

/* The lines of a --trace text without its notes ("^ ..." and their continuations:
 * nothing in the left column, no mark) and without the summary after the
 * last blank line. */
static size_t trace_lines(char *text, size_t w, char ***out)
{
	char **v;
	size_t n = split(text, &v), k = 0, last_blank = n;
	for (size_t i = 0; i < n; i++)
		if (!v[i][0])
			last_blank = i;
	int in_note = 0;
	for (size_t i = 0; i < last_blank; i++) {
		const char *mark = at_col(v[i], w + 1);
		int blank_left = strspn(v[i], " ") >= w + 1;
		if (blank_left && mark && *mark == '^') {
			in_note = 1;
			continue;
		}
		if (in_note && strspn(v[i], " ") >= w + 3)
			continue;
		in_note = 0;
		v[k++] = v[i];
	}
	*out = v;
	return k;
}

Test(zh_compare, trace_side_by_side, .timeout = 60)
{
	/* the program: Chinese notes and summary, within the width, the marks in one column */
	const char *args[] = { "--trace", "inet", "unix", "--lang", "zh_CN", NULL };
	char *out = run(90, args);
	in_chinese_within("--trace", out, 90);
	cr_expect(strstr(out, "参数 1 AF_INET -> AF_UNIX") && strstr(out, "个调用完全相同"), "%s", out);
	size_t w = (90 - 3) / 2;
	char **v;
	size_t n = split(out, &v), last_blank = n;
	for (size_t i = 0; i < n; i++)
		if (!v[i][0])
			last_blank = i;   /* the summary follows it */
	for (size_t i = 0; i < last_blank; i++) {
		if (!strcmp(v[i], "") || v[i][0] == '-' || cols(v[i]) <= w + 1)
			continue;
		const char *m = at_col(v[i], w + 1), *before = at_col(v[i], w), *after = at_col(v[i], w + 2);
		cr_expect(m && strchr(" |!~<>^", *m) && before && *before == ' ' && (!after || *after == ' '),
			  "the columns are out of line at %zu:\n%s", w, v[i]);
	}
	free(v);
	free(out);

	/* the same two captures shown in English and in Chinese: the same lines but the notes */
	static char *msgs[] = { "hello", "compare me" };
	struct cmp_capture a, b;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_capture_run(&a, &family_inet, &family_inet.kinds[0], msgs, 2, &err), 0, "%s", sb_str(&err));
	cr_assert_eq(cmp_capture_run(&b, &family_unix, &family_unix.kinds[0], msgs, 2, &err), 0, "%s", sb_str(&err));
	char *text[2];
	for (int lang = 0; lang < 2; lang++) {
		if (lang)
			speak_chinese();
		size_t len;
		FILE *f = open_memstream(&text[lang], &len);
		cmp_trace_diff(f, &a, &b, 90, NULL);
		fclose(f);
	}
	cr_expect(!h_has_chinese(text[0]) && h_has_chinese(text[1]), "%s\n%s", text[0], text[1]);
	char **en, **zh;
	size_t ne = trace_lines(text[0], w, &en), nz = trace_lines(text[1], w, &zh);
	cr_expect_eq(ne, nz, "%zu lines of traces in English, %zu in Chinese", ne, nz);
	for (size_t i = 0; i < ne && i < nz; i++) {
		cr_expect(!h_has_chinese(zh[i]), "a trace line in Chinese: %s", zh[i]);
		cr_expect_str_eq(zh[i], en[i], "line %zu differs", i);
	}
	cr_expect_gt(ne, 20);
	free(en);
	free(zh);
	free(text[0]);
	free(text[1]);
	cmp_capture_free(&a);
	cmp_capture_free(&b);
	sb_free(&err);
}

/* ---- the sequence diagram ------------------------------------------------------------ */

/* The display columns of the arrowheads ('<' after a '-', '=' or '.', '>' before one) of a line. */
static void heads(const char *line, char *out, size_t size)
{
	out[0] = '\0';
	for (const char *p = line; *p; p++)
		if ((*p == '>' && p > line && strchr("-=.", p[-1])) || (*p == '<' && p[1] && strchr("-=.", p[1])))
			snprintf(out + strlen(out), size - strlen(out), "%c%zu ", *p, i18n_width(line, (size_t)(p - line)));
}

Test(zh_compare, diagram_lanes_line_up, .timeout = 60)
{
	char *dir = h_tmpdir(), svg[600];
	snprintf(svg, sizeof svg, "%s/d.svg", dir);
	const char *args[] = { "--diagram", "inet", "--model", "fork", "--svg", svg, "--lang", "zh_CN", NULL };
	char *out = run(100, args);
	in_chinese_within("--diagram", out, 100);
	cr_expect(strstr(out, "客户端 pid ") && strstr(out, "服务器 pid ") && strstr(out, "子进程 pid "), "%s", out);
	cr_expect(strstr(out, " 退出 0 ") && strstr(out, "已写入 "), "%s", out);
	/* each lane's name starts where its '=' line does */
	char **v;
	size_t n = split(out, &v), u = 0;
	while (u < n && strncmp(v[u], "===", 3))
		u++;
	cr_assert(u > 0 && u < n, "no lane header:\n%s", out);
	size_t lanes = 0;
	for (const char *p = v[u]; (p = strstr(p, "=")); p += strspn(p, "=")) {
		size_t x = (size_t)(p - v[u]);
		const char *name = at_col(v[u - 1], x);
		cr_expect(name && *name != ' ' && (x == 0 || *at_col(v[u - 1], x - 1) == ' '),
			  "a lane name not over its line at column %zu:\n%s\n%s", x, v[u - 1], v[u]);
		lanes++;
	}
	cr_expect_geq(lanes, 3);
	free(v);
	char pngpath[640];
	snprintf(pngpath, sizeof pngpath, "%s/d.png", dir);
	char *check[] = { "/usr/bin/env", "python3", "tests/compare_svg_check.py", svg, pngpath, NULL };
	char *py = NULL;
	cr_expect_eq(h_run(check, NULL, 0, &py, NULL), 0, "the Chinese SVG: %s", py ? py : "");
	free(py);
	char *s = h_slurp(svg, NULL);
	cr_expect(s && h_utf8_ok(s) && strstr(s, "一次交换") && strstr(s, "<svg xmlns="), "%s", s ? s : "");
	free(s);
	free(out);

	/* one capture drawn in English and in Chinese: every call whole, and the
	 * arrows' heads in the same columns */
	static char *msgs[] = { "hello", "compare me" };
	struct cmp_capture cap;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_capture_model(&cap, &family_inet, &family_inet.kinds[0], model_find("fork"), 0, msgs, 2, &err),
		     0, "%s", sb_str(&err));
	char *text[2];
	for (int lang = 0; lang < 2; lang++) {
		if (lang)
			speak_chinese();
		size_t len;
		FILE *f = open_memstream(&text[lang], &len);
		cmp_diagram_text(f, &cap, 100);
		fclose(f);
	}
	char *all = h_squeeze(text[1]);
	for (size_t i = 0; i < cap.ncalls; i++) {
		struct sbuf sb = SBUF_INIT;
		cmp_put_short(&sb, cap.calls[i].call, cap.scratch);
		sb_printf(&sb, " = %s", cap.calls[i].result);
		char *want = h_squeeze(sb_str(&sb));
		cr_expect(strstr(all, want), "not drawn whole in Chinese: %s\n%s", sb_str(&sb), text[1]);
		free(want);
		sb_free(&sb);
	}
	free(all);
	/* the rows under the lanes' '=' lines, to the blank line before the legend */
	char **en, **zh;
	size_t ne = split(text[0], &en), nz = split(text[1], &zh), arrows = 0, rows = 0, ie = 0, iz = 0;
	while (ie < ne && strncmp(en[ie], "===", 3))
		ie++;
	while (iz < nz && strncmp(zh[iz], "===", 3))
		iz++;
	cr_assert(ie < ne && iz < nz, "no lanes:\n%s\n%s", text[0], text[1]);
	for (ie++, iz++; ie < ne && iz < nz && (en[ie][0] || zh[iz][0]); ie++, iz++, rows++) {
		char he[256], hz[256];
		heads(en[ie], he, sizeof he);
		heads(zh[iz], hz, sizeof hz);
		if (h_has_chinese(zh[iz]) && he[0])
			arrows++;
		cr_expect_str_eq(hz, he, "the arrow is elsewhere in Chinese:\n%s\n%s", en[ie], zh[iz]);
		if (!h_has_chinese(zh[iz]))
			cr_expect_str_eq(zh[iz], en[ie], "a line of calls differs in Chinese");
	}
	cr_expect(ie < ne && iz < nz && !en[ie][0] && !zh[iz][0], "not as many rows in English and Chinese");
	cr_expect_gt(rows, 30);
	cr_expect_geq(arrows, 2, "no arrow with a Chinese label:\n%s", text[1]);
	free(en);
	free(zh);
	free(text[0]);
	free(text[1]);
	cmp_capture_free(&cap);
	sb_free(&err);
	h_tmpdir_free(dir);
}

/* ---- the server models ------------------------------------------------------------------ */

Test(zh_compare, models_bands_line_up, .timeout = 60)
{
	static const int widths[] = { 80, 130 };
	for (size_t i = 0; i < 2; i++) {
		const char *args[] = { "--models", "unix/dgram", "--lang", "zh_CN", NULL };
		char *out = run(widths[i], args), what[32];
		snprintf(what, sizeof what, "--models at %d", widths[i]);
		in_chinese_within(what, out, widths[i]);
		cr_expect(strstr(out, "iterative（参照）") && strstr(out, "不适用："), "%s:\n%s", what, out);
		int bands = 0;
		char *bad = misaligned(out, 1, &bands);
		cr_expect_null(bad, "%s: %s\n%s", what, bad, out);
		cr_expect_geq(bands, 1, "%s: no band:\n%s", what, out);
		free(bad);
		free(out);
	}
	const char *md[] = { "--models", "inet", "--markdown", "--lang", "zh_CN", NULL };
	char *out = run(80, md);
	cr_expect(h_utf8_ok(out) && !strncmp(out, "### inet/tcp：", strlen("### inet/tcp：")) && strstr(out, "| 模型 | | 发出者 | 调用 |") &&
		  strstr(out, "| 子进程 "), "%s", out);
	free(out);
}

/* ---- every width ------------------------------------------------------------------------- */

/* Made-up Chinese cells (nothing run), at every width from 40 to 220: no line
 * wider than the width, the tables in line; the traces, the diagram (three
 * lanes: from 40 columns on they fit) and
 * the models at 40 and 63 columns too. */
Test(zh_compare, every_width_by_columns, .timeout = 60)
{
	speak_chinese();
	struct cmp_matrix m;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_matrix_select(&m, NULL, NULL, &err), 0, "%s", sb_str(&err));
	static const char *const filler[] = { "保留：3 次接收", "合并：1 次接收 \"onetwothree\"",
		"残留的名字：connect: ECONNREFUSED；删除后：connect: ENOENT",
		"内核，在第一次 sendto 之后：0.0.0.0 port 52999；用端口 0 bind：127.0.0.1 port 41114",
		"不适用：不是字节流", "无人命名：connect之后仍未命名（2 B）（一个很长很长很长很长很长的没有空格的句子）" };
	for (int r = 0; r < m.nrows; r++)
		for (int c = 0; c < m.ncols; c++) {
			struct cmp_cell *cell = CMP_CELL(&m, r, c);
			cell->status = (r + c) % 7 ? CELL_OK : CELL_CANT;
			snprintf(cell->text, sizeof cell->text, "w%dx%d %s", r, c, filler[(r + c) % 6]);
		}
	for (int width = 40; width <= 220; width += 9) {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		cmp_print_text(out, &m, width, 0);
		fclose(out);
		char *bad = too_wide(text, (size_t)width);
		cr_expect_null(bad, "%d columns: %s\n%s", width, bad, text);
		free(bad);
		int tables;
		bad = misaligned(text, 0, &tables);
		cr_expect_null(bad, "%d columns: %s\n%s", width, bad, text);
		free(bad);
		cr_expect(h_has_chinese(text) && strstr(text, "[无法运行]"), "%s", text);
		for (int r = 0; r < m.nrows; r++)
			for (int c = 0; c < m.ncols; c++) {
				char tag[32];
				snprintf(tag, sizeof tag, "w%dx%d", r, c);
				cr_expect(strstr(text, tag), "%d columns: %s is missing:\n%s", width, tag, text);
			}
		free(text);
	}
	cmp_matrix_free(&m);

	static char *msgs[] = { "hello", "compare me" };
	struct cmp_capture a, b;
	cr_assert_eq(cmp_capture_run(&a, &family_inet, &family_inet.kinds[0], msgs, 2, &err), 0, "%s", sb_str(&err));
	cr_assert_eq(cmp_capture_model(&b, &family_unix, &family_unix.kinds[0], model_find("fork"), 0, msgs, 2, &err),
		     0, "%s", sb_str(&err));
	struct cmp_models mm;
	cr_assert_eq(cmp_models_run(&mm, &family_unix, &family_unix.kinds[1], &err), 0, "%s", sb_str(&err));
	static const int widths[] = { 40, 63 };
	for (size_t i = 0; i < 2; i++)
		for (int what = 0; what < 3; what++) {
			char *text = NULL;
			size_t len = 0;
			FILE *out = open_memstream(&text, &len);
			if (what == 0)
				cmp_trace_diff(out, &a, &b, widths[i], NULL);
			else if (what == 1)
				cmp_diagram_text(out, &b, widths[i]);
			else
				cmp_models_text(out, &mm, widths[i]);
			fclose(out);
			static const char *const name[] = { "--trace", "--diagram", "--models" };
			cr_expect(h_has_chinese(text), "%s at %d: no Chinese", name[what], widths[i]);
			char *bad = too_wide(text, (size_t)widths[i]);
			cr_expect_null(bad, "%s at %d: %s\n%s", name[what], widths[i], bad, text);
			free(bad);
			if (what == 2) {
				int bands;
				bad = misaligned(text, 1, &bands);
				cr_expect_null(bad, "--models at %d: %s\n%s", widths[i], bad, text);
				free(bad);
			}
			free(text);
		}
	cmp_models_free(&mm);
	cmp_capture_free(&a);
	cmp_capture_free(&b);
	sb_free(&err);
}
