/*
 * lookup, sockopt, pymap and oob in Chinese (--lang zh_CN, and LANG alone):
 * their output is UTF-8 and says it in Chinese; the blocks meant to fit 80
 * columns fit them by width; sockopt's table and lookup's byte rows keep
 * their columns by terminal width (CJK characters take two); the trace lines
 * are the English run's, byte for byte (what differs from run to run, a
 * port or a pointer, made the same first); --json keeps its keys and values
 * English; a usage error is one line, in Chinese, exit 2.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "../common/i18n.h"
#include "../common/sbuf.h"

/* ---- helpers ---------------------------------------------------------------------- */

/* The bytes of the UTF-8 character at p. */
static size_t char_len(const char *p)
{
	unsigned char c = (unsigned char)*p;
	return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
}

static int ascii_only(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80)
			return 0;
	return 1;
}

/* The character of line that starts at terminal column col, or NULL when
 * none does (col falls inside a wide character, or past the end). */
static const char *at_column(const char *line, size_t col)
{
	size_t w = 0;
	for (const char *p = line; *p; p += char_len(p)) {
		if (w == col)
			return p;
		w += i18n_width(p, char_len(p));
		if (w > col)
			return NULL;
	}
	return NULL;
}

static size_t width(const char *s)
{
	return i18n_width(s, strlen(s));
}

/* A trace line with what changes from run to run made the same: the ports
 * (htons(N)), pointers (0x and 8 or more hex digits), TLS records (random
 * bytes) and a poll's timeout left after the first wait. */
static void normalized(const char *line, struct sbuf *out)
{
	sb_reset(out);
	for (const char *p = line; *p;) {
		if (!strncmp(p, "htons(", 6)) {
			sb_puts(out, "htons(N");
			p += 6 + strspn(p + 6, "0123456789");
		} else if (!strncmp(p, "0x", 2) && strspn(p + 2, "0123456789abcdef") >= 8) {
			sb_puts(out, "0xPTR");
			p += 2 + strspn(p + 2, "0123456789abcdef");
		} else if (!strncmp(p, "\"\\26\\3", 6) && strstr(p, "\"...")) {
			sb_puts(out, "\"TLS\"...");
			p = strstr(p, "\"...") + 4;
		} else if (!strncmp(p, "], 1, 29", 8) && p[8] && p[9] == ')') {
			sb_puts(out, "], 1, 300)");
			p += 10;
		} else {
			sb_putc(out, *p++);
		}
	}
}

/* "    call(...) = ..." and the like: a line as strace prints a call. */
static int is_trace(const char *line)
{
	const char *p = line + strspn(line, " ");
	size_t name = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return name && p[name] == '(' && strstr(p, ") ") && strstr(p, "= ");
}

/* Every trace line of zh (in order) is the next trace line of en, normalized;
 * returns how many there were. */
static size_t same_trace(const char *zh, const char *en, const char *what)
{
	char *z = strdup(zh), *e = strdup(en), **zl, **el;
	size_t nz = h_lines(z, &zl), ne = h_lines(e, &el), k = 0, n = 0;
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	for (size_t i = 0; i < nz; i++) {
		if (!is_trace(zl[i]))
			continue;
		cr_expect(ascii_only(zl[i]), "%s: a trace line is not strace's ASCII:\n%s", what, zl[i]);
		while (k < ne && !is_trace(el[k]))
			k++;
		normalized(zl[i], &a);
		if (k < ne)
			normalized(el[k], &b);
		cr_expect(k < ne && !strcmp(sb_str(&a), sb_str(&b)), "%s: a trace line differs in Chinese:\n%s\n%s", what,
			  zl[i], k < ne ? el[k] : "(none)");
		k++;
		n++;
	}
	for (; k < ne; k++)
		cr_expect(!is_trace(el[k]), "%s: a trace line of the English run is missing in Chinese:\n%s", what, el[k]);
	sb_free(&a);
	sb_free(&b);
	free(zl);
	free(el);
	free(z);
	free(e);
	return n;
}

/* Runs argv; its stdout, and its stderr (the trace) into *err when err is not NULL. */
static char *run(char *const argv[], int want_status, char **err)
{
	char *dir = h_tmpdir(), path[300], *out = NULL;
	cr_assert(dir);
	snprintf(path, sizeof path, "%s/stderr", dir);
	int st = h_run(argv, NULL, 0, &out, path);
	char *e = h_slurp(path, NULL);
	cr_assert_eq(st, want_status, "%s exited %d:\n%s\n%s", argv[0], st, out, e ? e : "");
	cr_assert(out);
	if (err)
		*err = e;
	else
		free(e);
	h_tmpdir_free(dir);
	return out;
}

static void chinese_utf8(const char *out, const char *must, const char *what)
{
	cr_expect(h_utf8_ok(out), "%s: not UTF-8", what);
	cr_expect(h_has_chinese(out), "%s: no Chinese:\n%s", what, out);
	if (must)
		cr_expect(strstr(out, must), "%s: no \"%s\" in\n%s", what, must, out);
}

/* ---- lookup ----------------------------------------------------------------------- */

Test(zh_tools, lookup_names_in_chinese_with_the_same_answers)
{
	char *zargv[] = { "bin/lookup", "--lang", "zh_CN", "localhost", "127.0.0.1", "http", "tcp", NULL };
	char *eargv[] = { "bin/lookup", "localhost", "127.0.0.1", "http", "tcp", NULL };
	char *zh = run(zargv, 0, NULL), *en = run(eargv, 0, NULL);
	chinese_utf8(zh, "来自 /etc/hosts 第 ", "lookup");
	cr_expect(strstr(zh, "localhost：主机名；getaddrinfo 给出："), "%s", zh);
	cr_expect(strstr(zh, "tcp：协议 tcp，编号 6（getprotobyname"), "%s", zh);
	/* the answers are the machine's, whatever the language: the AF_INET rows
	 * and the lines quoted from /etc files are the same */
	char *z = strdup(zh), *e = strdup(en), **zl, **el;
	size_t nz = h_lines(z, &zl), ne = h_lines(e, &el);
	cr_expect_eq(nz, ne, "lines: %zu in Chinese, %zu in English", nz, ne);
	for (size_t i = 0; i < nz && i < ne; i++) {
		if (!strncmp(el[i], "  AF_INET", 9))
			cr_expect_str_eq(zl[i], el[i]);
		const char *q = strstr(el[i], " line "), *zq = strstr(zl[i], " 行：");
		q = q ? strstr(q, ": ") : NULL;
		if (!strncmp(el[i], "  from /etc/", 12) && q) {
			const char *quoted = q + 2;
			size_t len = strcspn(quoted, "(");
			while (len && quoted[len - 1] == ' ')
				len--;
			cr_expect(zq && !strncmp(zq + strlen(" 行："), quoted, len),
				  "not the same line of the file:\n%s\n%s", zl[i], el[i]);
		}
	}
	free(zl);
	free(el);
	free(z);
	free(e);
	free(zh);
	free(en);
}

/* --addr: each function's row keeps its bytes at column 22, whatever the
 * language; the note under them fits 80 columns. */
Test(zh_tools, lookup_addr_rows_line_up_and_the_note_fits)
{
	char *zargv[] = { "bin/lookup", "--addr", "127.1", "::ffff:1.2.3.4", "10.0.0.1", "--lang", "zh_CN", NULL };
	char *eargv[] = { "bin/lookup", "--addr", "127.1", "::ffff:1.2.3.4", "10.0.0.1", NULL };
	char *zh = run(zargv, 0, NULL), *en = run(eargv, 0, NULL);
	chinese_utf8(zh, "拒绝（返回 0）", "lookup --addr");
	char *z = strdup(zh), *e = strdup(en), **zl, **el;
	size_t nz = h_lines(z, &zl), ne = h_lines(e, &el), rows = 0, ei = 0;
	for (size_t i = 0; i < nz; i++) {
		if (strncmp(zl[i], "  inet_", 7)) {   /* a form, or the note under them all */
			cr_expect_leq(width(zl[i]), 80, "a line of %zu columns:\n%s", width(zl[i]), zl[i]);
			continue;
		}
		rows++;
		const char *cell = at_column(zl[i], 22);
		cr_expect(cell && cell[-1] == ' ' && *cell != ' ', "the row's second column is not at column 22:\n%s", zl[i]);
		/* the same row in English: the same bytes (hex) where English has them */
		while (ei < ne && strncmp(el[ei], "  inet_", 7))
			ei++;
		cr_assert_lt(ei, ne);
		cr_expect(!strncmp(zl[i], el[ei], 22), "%s\n%s", zl[i], el[ei]);
		if (cell && strncmp(el[ei] + 22, "refused", 7)) {
			size_t hex = strspn(el[ei] + 22, "0123456789abcdef ");
			cr_expect(!strncmp(cell, el[ei] + 22, hex), "other bytes in Chinese:\n%s\n%s", zl[i], el[ei]);
		}
		ei++;
	}
	cr_expect_eq(rows, 9, "%zu rows of functions:\n%s", rows, zh);
	free(zl);
	free(el);
	free(z);
	free(e);
	free(zh);
	free(en);
}

/* --order, with LANG=zh_CN.UTF-8 the only sign of the language: the numbers
 * are the English run's, and the explanation fits 80 columns at the widest
 * values. */
Test(zh_tools, lookup_order_from_lang_in_the_environment)
{
	char *eargv[] = { "bin/lookup", "--order", "65534", "1", "70000", NULL };
	char *en = run(eargv, 0, NULL);
	setenv("LANG", "zh_CN.UTF-8", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	char *zh = run(eargv, 0, NULL);
	chinese_utf8(zh, "线路上", "lookup --order");
	cr_expect(strstr(zh, "为什么笔记里打印的是 65279"), "%s", zh);
	char *z = strdup(zh), *e = strdup(en), **zl, **el;
	size_t nz = h_lines(z, &zl), ne = h_lines(e, &el), nums = 0;
	for (size_t i = 0; i < nz; i++)
		if (zl[i][0] == ' ')   /* the lines under each number's heading */
			cr_expect_leq(width(zl[i]), 80, "a line of %zu columns:\n%s", width(zl[i]), zl[i]);
	for (size_t i = 0; i < ne; i++) {
		if (strncmp(el[i], "  hton", 6))
			continue;
		/* htons(...) = ...   ntohs(...) = ...: the same line in Chinese */
		size_t k;
		for (k = 0; k < nz && strcmp(zl[k], el[i]); k++)
			;
		cr_expect_lt(k, nz, "missing in Chinese: %s", el[i]);
		nums++;
	}
	cr_expect_eq(nums, 5);
	free(zl);
	free(el);
	free(z);
	free(e);
	free(zh);
	free(en);
}

/* ---- sockopt ---------------------------------------------------------------------- */

/* The table of sockopt's text output: its header, then its rows up to the
 * list of refused options (from (*lines)[*first] on; *lines is allocated). */
static size_t table_lines(char *out, char ***lines, size_t *first)
{
	size_t n = h_lines(out, lines), k = 0, f = 0;
	while (f < n && !strstr((*lines)[f], "SO_TYPE"))
		f++;
	cr_assert(f > 0 && f < n);
	*first = --f;   /* the header */
	while (f + k < n && strncmp((*lines)[f + k], "  ", 2) && !strstr((*lines)[f + k], "getsockopt's errno") &&
	       !strstr((*lines)[f + k], "getsockopt 的 errno"))
		k++;
	return k;
}

static void sockopt_family(const char *family)
{
	char *zargv[] = { "bin/sockopt", "--lang", "zh_CN", "-f", (char *)family, NULL };
	char *eargv[] = { "bin/sockopt", "-f", (char *)family, NULL };
	char *ztrace, *etrace;
	char *zh = run(zargv, 0, &ztrace), *en = run(eargv, 0, &etrace);
	chinese_utf8(zh, "每个选项都读取、设置并读回", family);
	cr_expect(strstr(zh, "与设置的相同"), "%s", zh);
	cr_expect_geq(same_trace(ztrace, etrace, family), 40);

	/* the columns: where the English table starts a cell (after a space, at
	 * 19, 31, 54, 65 or 78), the Chinese starts one at that terminal column */
	static const size_t cols[] = { 19, 31, 54, 65, 78 };
	char **zl, **el;
	size_t zf, ef;
	/* the refused list goes first: h_lines cuts the texts */
	const char *rz = strstr(zh, "内核对这个套接字拒绝的选项"), *re = strstr(en, "Refused by the kernel");
	cr_expect((rz != NULL) == (re != NULL), "the list of refused options in one language only");
	size_t nz = table_lines(zh, &zl, &zf), ne = table_lines(en, &el, &ef), cells = 0, shifted = 0, rows = 0;
	char **zr = zl + zf, **er = el + ef;
	cr_assert_eq(nz, ne, "%s: %zu rows in Chinese, %zu in English", family, nz, ne);
	cr_expect(!strncmp(zr[0], "选项", strlen("选项")), "%s", zr[0]);
	for (size_t i = 0; i < nz; i++) {
		cr_expect(i == 0 || !strncmp(zr[i], er[i], 18), "%s\n%s", zr[i], er[i]);
		/* a value wider than its column pushes the rest on, in English too */
		if (strstr(er[i], "TCP_INFO") || strstr(er[i], " refused: "))
			continue;
		rows++;
		for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
			size_t at = cols[c];
			if (strlen(er[i]) <= at || er[i][at - 1] != ' ' || er[i][at] == ' ')
				continue;   /* no cell starts there in English (an empty one) */
			const char *cell = at_column(zr[i], at);
			cr_expect(cell && cell[-1] == ' ' && *cell != ' ',
				  "%s: row %zu: no cell at column %zu in Chinese:\n%s\n%s", family, i, at, zr[i], er[i]);
			cells++;
			/* where bytes and columns differ: padding by bytes would be off here */
			if (cell && (size_t)(cell - zr[i]) != at)
				shifted++;
		}
	}
	cr_expect_geq(cells, 3 * rows, "%s: only %zu cells in %zu rows", family, cells, rows);
	cr_expect_geq(shifted, 6, "%s: only %zu cells after wide characters", family, shifted);
	free(zl);
	free(el);
	free(ztrace);
	free(etrace);
	free(zh);
	free(en);
}

Test(zh_tools, sockopt_inet_table_in_chinese, .timeout = 30)
{
	sockopt_family("inet");
}

Test(zh_tools, sockopt_unix_table_in_chinese, .timeout = 30)
{
	sockopt_family("unix");
}

/* --json in Chinese: keys, values and errno names English (data), the note Chinese. */
Test(zh_tools, sockopt_json_keeps_its_values_english)
{
	char *argv[] = { "bin/sockopt", "-q", "--json", "--lang", "zh_CN", "SO_LINGER", "SO_RCVLOWAT", "SO_RCVTIMEO", NULL };
	char *out = run(argv, 0, NULL);
	chinese_utf8(out, "\"note\": \"与设置的相同\"", "sockopt --json");
	cr_expect(strstr(out, "\"default\": \"0,0 (off)\", \"set\": \"1,5 (on)\""), "%s", out);
	cr_expect(strstr(out, "\"default\": \"0 (none)\""), "%s", out);
	cr_expect_null(strstr(out, "\\u00"), "bytes escaped one by one:\n%s", out);
	free(out);
}

/* ---- pymap ------------------------------------------------------------------------ */

static int have_python(void)
{
	return system("python3 -c pass >/dev/null 2>&1") == 0;
}

Test(zh_tools, pymap_in_chinese_keeps_straces_lines, .timeout = 90)
{
	if (!h_have_strace() || !have_python())
		cr_skip_test("needs strace and python3 (make deps installs both)");
	char *zargv[] = { "bin/pymap", "--lang", "zh_CN", NULL };
	char *eargv[] = { "bin/pymap", NULL };
	char *zh = run(zargv, 0, NULL), *en = run(eargv, 0, NULL);
	chinese_utf8(zh, "  原因：send 就是不带地址（NULL, 0）的 sendto 系统调用", "pymap");
	cr_expect(strstr(zh, "在 strace 下运行"), "%s", zh);
	/* strace's lines and the suite's trace lines, and the Python lines, as in English */
	cr_expect_geq(same_trace(zh, en, "pymap"), 40);
	char *z = strdup(zh), *e = strdup(en), **zl, **el;
	size_t nz = h_lines(z, &zl), ne = h_lines(e, &el), k = 0, py = 0;
	for (size_t i = 0; i < nz; i++)
		if (!strncmp(zl[i], ">>> ", 4)) {
			while (k < ne && strncmp(el[k], ">>> ", 4))
				k++;
			cr_expect(k < ne && !strcmp(zl[i], el[k]), "a Python line differs:\n%s", zl[i]);
			k++;
			py++;
		}
	cr_expect_geq(py, 20);
	free(zl);
	free(el);
	free(z);
	free(e);
	free(zh);
	free(en);
}

Test(zh_tools, pymap_markdown_in_chinese_has_five_columns, .timeout = 60)
{
	if (!h_have_strace() || !have_python())
		cr_skip_test("needs strace and python3 (make deps installs both)");
	char *argv[] = { "bin/pymap", "--markdown", "--lang", "zh_CN", NULL };
	char *out = run(argv, 0, NULL);
	chinese_utf8(out, "| strace 看到的 | C | 本套件的跟踪 | 为何不同 |", "pymap --markdown");
	char **l;
	size_t n = h_lines(out, &l), rows = 0;
	for (size_t i = 0; i < n; i++) {
		if (!l[i][0])
			continue;
		int bars = 0;
		for (const char *p = l[i]; *p; p++)
			bars += *p == '|' && (p == l[i] || p[-1] != '\\');
		cr_expect_eq(bars, 6, "not five cells:\n%s", l[i]);
		rows++;
	}
	cr_expect_geq(rows, 22);
	free(l);
	free(out);
}

/* ---- oob -------------------------------------------------------------------------- */

/* One exchange in lang: the server's stdout, its trace and the client's. */
static void oob_exchange(const char *lang, char **srv_out, char **srv_trace, char **cli_out, char **cli_trace)
{
	if (access("bin/oob", X_OK) != 0)
		cr_skip_test("bin/oob is not built (run make)");
	char *dir = h_tmpdir(), st[300], ct[300];
	cr_assert(dir);
	snprintf(st, sizeof st, "%s/server", dir);
	snprintf(ct, sizeof ct, "%s/client", dir);
	char *sargv[] = { "bin/oob", "server", "-p", "0", "-o", st, "--lang", (char *)lang, NULL };
	struct h_proc srv;
	cr_assert_eq(h_spawn(&srv, sargv, NULL), 0);
	int zh = !strcmp(lang, "zh_CN");
	cr_assert_eq(h_wait_line(&srv, zh ? "上监听" : "listening on", 5000), 0, "the server's first line");
	const char *p = strstr(srv.first, zh ? "端口 " : "port ");
	cr_assert(p, "%s", srv.first);
	char port[16], first[600];
	snprintf(port, sizeof port, "%d", atoi(p + strlen(zh ? "端口 " : "port ")));
	snprintf(first, sizeof first, "%s\n", srv.first);
	char *cargv[] = { "bin/oob", "client", "-p", port, "-o", ct, "--lang", (char *)lang, NULL };
	*cli_out = run(cargv, 0, NULL);
	char *rest = h_drain(&srv);
	cr_assert_eq(h_wait(&srv, 10), 0, "the server ends when the client closes");
	cr_assert(asprintf(srv_out, "%s%s", first, rest ? rest : "") > 0);
	free(rest);
	*srv_trace = h_slurp(st, NULL);
	*cli_trace = h_slurp(ct, NULL);
	cr_assert(*srv_trace && *cli_trace);
	h_tmpdir_free(dir);
}

Test(zh_tools, oob_both_sides_in_chinese, .timeout = 30)
{
	char *zs, *zst, *zc, *zct, *es, *est, *ec, *ect;
	oob_exchange("zh_CN", &zs, &zst, &zc, &zct);
	oob_exchange("C", &es, &est, &ec, &ect);
	chinese_utf8(zs, "oob: 紧急字节，用 MSG_OOB 单独读出：\"!\"", "oob server");
	cr_expect(strstr(zs, "SIOCATMARK 报告 1：下一个要读的字节在紧急标记处"), "%s", zs);
	cr_expect(strstr(zs, "oob: 客户端关闭了连接\n"), "%s", zs);
	chinese_utf8(zc, "oob: 已用 MSG_OOB 发送 \"!\"（它的最后一个字节是紧急字节）", "oob client");
	/* the client's trace is the English run's; the server's has the same calls
	 * (how the bytes split into reads may differ from run to run) */
	cr_expect_eq(same_trace(zct, ect, "oob client"), 6);
	cr_expect(ascii_only(zst), "the server's trace:\n%s", zst);
	static const char *const calls[] = { ", 1)                            = 0", ", SIOCATMARK, [1])",
		", \"!\", 1, MSG_OOB, NULL, NULL) = 1", ", \"\", 256, 0, NULL, NULL)     = 0" };
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		cr_expect(strstr(zst, calls[i]) && strstr(est, calls[i]), "%s in both traces:\n%s", calls[i], zst);
	char *z = strdup(zst), *e = strdup(est), **zl, **el;
	size_t nz = h_lines(z, &zl), ne = h_lines(e, &el);
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	for (size_t i = 0; i < 6 && i < nz && i < ne; i++) {   /* up to accept: the same in both */
		normalized(zl[i], &a);
		normalized(el[i], &b);
		cr_expect_str_eq(sb_str(&a), sb_str(&b));
	}
	sb_free(&a);
	sb_free(&b);
	free(zl);
	free(el);
	free(z);
	free(e);
	char *all[] = { zs, zst, zc, zct, es, est, ec, ect };
	for (size_t i = 0; i < 8; i++)
		free(all[i]);
}

/* ---- help and usage errors -------------------------------------------------------- */

Test(zh_tools, help_in_chinese)
{
	static const char *const tools[] = { "bin/lookup", "bin/sockopt", "bin/pymap", "bin/oob" };
	/* (texts with no space: the help is wrapped at spaces) */
	static const char *const says[] = { "显示什么（两者都没给出时：名字、服务和协议）：", "及其", "需要", "带外数据" };
	for (size_t i = 0; i < 4; i++) {
		char *argv[] = { (char *)tools[i], "--lang", "zh_CN", "--help", NULL };
		char *out = run(argv, 0, NULL);
		chinese_utf8(out, "用法：", tools[i]);
		cr_expect(strstr(out, says[i]), "%s: no \"%s\" in\n%s", tools[i], says[i], out);
		cr_expect(strstr(out, "退出状态："), "%s", out);
		free(out);
	}
}

Test(zh_tools, usage_errors_are_one_chinese_line)
{
	static const struct {
		const char *args[8], *says;
	} cases[] = {
		{ { "bin/lookup", "--lang", "zh_CN", "--order", "abc" }, "无效的数字“abc”" },
		{ { "bin/lookup", "--lang", "zh_CN", "--addr", "--order", "1" }, "--addr 和 --order：一次只能用一个" },
		{ { "bin/sockopt", "--lang", "zh_CN", "-f", "nope" }, "未知的地址族“nope”" },
		{ { "bin/sockopt", "--lang", "zh_CN", "SO_LINGER=2" }, "无效的值“2”（用于 SO_LINGER）" },
		{ { "bin/pymap", "--lang", "zh_CN", "extra" }, "多余的参数“extra”" },
		{ { "bin/oob", "--lang", "zh_CN", "client", "-p", "0" }, "端口 0：客户端需要服务器的端口" },
		{ { "bin/oob", "--lang", "zh_CN", "server", "-a", "x" }, "“x”不是 IPv4 地址" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused((char *const *)cases[i].args, cases[i].says);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
}
