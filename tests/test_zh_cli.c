/*
 * The command line in Chinese (common/cli.c, the families' tables): --help of
 * every program with --lang zh_CN, and with LANG=zh_CN.UTF-8 alone, is UTF-8,
 * speaks Chinese in its option rows, fits 80 terminal columns (a CJK
 * character takes two), breaks lines between Chinese characters only where
 * the next one no longer fits and never before ，。：；、）！？, and keeps every
 * option's text at the column it has in English (25). A bad command line of
 * each family's programs is one line in Chinese and exit 2. What the
 * families say while they run is Chinese too, and the trace lines stay the
 * English run's, byte for byte.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "../common/i18n.h"

static const char *const family_programs[] = {
	"inet-client", "inet-server", "inet6-client", "inet6-server", "unix-client", "unix-server",
	"netlink-query", "netlink-monitor", NULL,
};
static const char *const tools[] = {
	"compare", "lookup", "sockopt", "pymap", "errlab", "exercise", "lab", "oob", NULL,
};

/* The code point at s (UTF-8, checked by utf8_ok first), its length in *len. */
static unsigned code_at(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
	unsigned c = n == 1 ? u[0] : u[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		c = c << 6 | (u[i] & 0x3f);
	*len = n;
	return c;
}

static int ideograph(unsigned c)
{
	return c >= 0x4e00 && c <= 0x9fff;
}

/* Punctuation a line must not start with. */
static int closing_mark(unsigned c)
{
	static const char *const marks[] = { "，", "。", "：", "；", "、", "）", "！", "？" };
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		size_t len;
		if (code_at(marks[i], &len) == c)
			return 1;
	}
	return 0;
}

static size_t width(const char *s)
{
	return i18n_width(s, strlen(s));
}

/* An option row of --help: "  -k, --kind KIND       text". */
struct row {
	char left[64];
	size_t col;        /* the column its text starts at */
	int next_line;     /* its text starts on the next line (a long left part) */
	const char *text;
};

/* The left part of an option row at line+2: "-k", "-k, --kind", "--kind",
 * "-t, -tt", each with " ARG" when one follows (upper case: FILE, NAME[=N]).
 * Its length, 0 when the line is not an option row. */
static size_t left_part(const char *line)
{
	if (strncmp(line, "  -", 3))
		return 0;
	const char *p = line + 2;
	p += strcspn(p, " ,");
	if (!strncmp(p, ", -", 3))
		p += 2 + strcspn(p + 2, " ,");
	if (p[0] == ' ' && p[1] >= 'A' && p[1] <= 'Z') {
		size_t n = 1 + strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_[]=");
		if (p[n] == ' ' || !p[n])
			p += n;
	}
	return (size_t)(p - (line + 2));
}

/* The option rows of a --help (lines: its lines), up to max. */
static size_t rows_of(char **lines, size_t n, struct row *rows, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		size_t len = left_part(lines[i]);
		if (!len)
			continue;
		struct row *r = &rows[k++];
		snprintf(r->left, sizeof r->left, "%.*s", (int)len, lines[i] + 2);
		const char *after = lines[i] + 2 + len;
		const char *text = after + strspn(after, " ");
		r->next_line = !*text;
		if (r->next_line && i + 1 < n) {
			text = lines[i + 1] + strspn(lines[i + 1], " ");
			r->col = i18n_width(lines[i + 1], (size_t)(text - lines[i + 1]));
		} else {
			r->col = i18n_width(lines[i], (size_t)(text - lines[i]));
		}
		r->text = text;
	}
	return k;
}

/*
 * prog's --help in Chinese (by --lang zh_CN, or with env set: by LANG alone)
 * against its English (--lang C, which also overrides LANG).
 */
static void check_help(const char *prog, int env)
{
	char path[64];
	snprintf(path, sizeof path, "bin/%s", prog);
	char *en_argv[] = { path, "--help", "--lang", "C", NULL };
	char *zh_argv[] = { path, "--lang", "zh_CN", "--help", NULL };
	char *env_argv[] = { path, "--help", NULL };
	char *en = NULL, *zh = NULL;
	cr_assert_eq(h_run(en_argv, NULL, 0, &en, NULL), 0, "%s --help --lang C: not exit 0", prog);
	cr_assert_eq(h_run(env ? env_argv : zh_argv, NULL, 0, &zh, NULL), 0, "%s --help in Chinese: not exit 0", prog);
	cr_assert(h_utf8_ok(zh), "%s --help: not UTF-8", prog);
	cr_expect(h_has_chinese(zh), "%s --help: no Chinese:\n%s", prog, zh);
	cr_expect(!h_has_chinese(en), "%s --help --lang C: Chinese in English:\n%s", prog, en);

	char **el, **zl;
	size_t ne = h_lines(en, &el), nz = h_lines(zh, &zl);
	for (size_t i = 0; i < nz; i++) {
		const char *l = zl[i];
		cr_expect_leq(width(l), 80, "%s --help: a line of %zu columns:\n%s", prog, width(l), l);
		const char *first = l + strspn(l, " ");
		size_t len;
		if (*first)
			cr_expect(!closing_mark(code_at(first, &len)), "%s --help: a line starts with punctuation:\n%s\n%s",
				  prog, i ? zl[i - 1] : "", l);
		/* an option's text broken before a Chinese character (one with no
		 * punctuation after it) only when that one no longer fitted: the
		 * line before, with a space and the character, would pass 80 */
		const char *prev = i ? zl[i - 1] : "";
		size_t l1 = 0, l2 = 0;
		if (i && first - l >= 24 && ideograph(code_at(first, &l1)) && ideograph(code_at(first + l1, &l2)) &&
		    !(left_part(prev) && !prev[2 + left_part(prev)]))
			cr_expect_gt(width(prev) + 1 + 2, 80, "%s --help: broken early (%zu columns):\n%s\n%s", prog,
				     width(prev), prev, l);
	}

	/* the same option rows, each text at the same column as in English: 25 */
	struct row er[128], zr[128];
	size_t ner = rows_of(el, ne, er, 128), nzr = rows_of(zl, nz, zr, 128);
	cr_expect_geq(ner, 3, "%s --help: only %zu option rows", prog, ner);
	cr_expect_eq(ner, nzr, "%s --help: %zu option rows in English, %zu in Chinese", prog, ner, nzr);
	int help_row = 0;
	for (size_t i = 0; i < ner; i++) {
		size_t j;
		for (j = 0; j < nzr && strcmp(er[i].left, zr[j].left); j++)
			;
		cr_expect_lt(j, nzr, "%s --help: no row %s in Chinese", prog, er[i].left);
		if (j == nzr)
			continue;
		cr_expect_eq(er[i].col, zr[j].col, "%s --help: %s's text at column %zu in English, %zu in Chinese", prog,
			     er[i].left, er[i].col + 1, zr[j].col + 1);
		cr_expect_eq(zr[j].col, 24, "%s --help: %s's text at column %zu, not 25", prog, zr[j].left, zr[j].col + 1);
		cr_expect_eq(er[i].next_line, zr[j].next_line, "%s --help: %s", prog, er[i].left);
		if (!strcmp(zr[j].left, "-h, --help")) {
			/* a row of cli.c's own table, translated whatever the tool's other texts are */
			help_row = 1;
			cr_expect(h_has_chinese(zr[j].text), "%s --help: -h's row is not Chinese: %s", prog, zr[j].text);
		}
	}
	cr_expect(help_row, "%s --help: no -h, --help row", prog);
	free(el);
	free(zl);
	free(en);
	free(zh);
}

static void chinese_environment(void)
{
	setenv("LANG", "zh_CN.UTF-8", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
}

Test(zh_cli, family_programs_help_in_chinese, .timeout = 60)
{
	for (size_t i = 0; family_programs[i]; i++)
		check_help(family_programs[i], 0);
}

Test(zh_cli, tools_help_in_chinese, .timeout = 60)
{
	for (size_t i = 0; tools[i]; i++)
		check_help(tools[i], 0);
}

Test(zh_cli, help_in_chinese_from_lang_alone, .timeout = 60)
{
	chinese_environment();
	for (size_t i = 0; family_programs[i]; i++)
		check_help(family_programs[i], 1);
	for (size_t i = 0; tools[i]; i++)
		check_help(tools[i], 1);
}

/* What the family tables and help_for() say in Chinese, row by row. */
Test(zh_cli, the_family_rows_are_chinese)
{
	static const struct {
		const char *prog, *row;
	} want[] = {
		{ "inet-server", "  -a, --address ADDRESS IPv4 地址（默认 127.0.0.1）" },
		{ "inet-server", "  -p, --port PORT       端口（默认 2345）；0 表示由内核选一个" },
		{ "inet-client", "  -p, --port PORT       端口（默认 2345）\n" },
		{ "inet-client", "  -k, --kind KIND       套接字类型：tcp udp（默认 tcp）" },
		{ "inet-client", "  --broadcast           -u：设置 SO_BROADCAST" },
		{ "inet6-server", "  --v6only              设置 IPV6_V6ONLY：在 :: 上拒绝 IPv4 客户端" },
		{ "unix-server", "  --mode MODE           套接字文件的权限" },
		{ "unix-client", "  --send-fd FILE        打开 FILE，并随第一条消息传递它的描述符（SCM_RIGHTS）" },
		{ "unix-server", "                          iterative  一次一个客户端（TCPServer）；默认" },
		{ "unix-server", "                          length  每条消息前有一个 4 字节、网络字节序的长度" },
		{ "inet-server", "AF_INET（IPv4）服务器：" },
		{ "unix-client", "AF_UNIX（本地）客户端：" },
		{ "netlink-monitor", "\n跟踪（选项名与 strace 的相同；strace 的 -f 始终开启）：\n  -q                    不打印系统调用\n" },
		{ "inet6-client", "\n退出状态：0 成功，1 系统调用或对端失败，2 用法错误。\n" },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char path[64], *out = NULL;
		snprintf(path, sizeof path, "bin/%s", want[i].prog);
		char *argv[] = { path, "--help", "--lang", "zh_CN", NULL };
		cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
		cr_expect(strstr(out, want[i].row), "%s --help has no\n%s\nin:\n%s", want[i].prog, want[i].row, out);
		free(out);
	}
}

/* A refused command line in Chinese: one line on stderr, "PROG: ..." saying
 * `says`, exit 2, no socket (h_refused); valid UTF-8; and not the English one. */
static void check_refused(const char *prog, const char *const args[], const char *says, int env)
{
	char path[64];
	snprintf(path, sizeof path, "bin/%s", prog);
	char *argv[20] = { path };
	int n = 1;
	if (!env) {
		argv[n++] = "--lang";
		argv[n++] = "zh_CN";
	}
	for (int k = 0; args[k] && n < 18; k++)
		argv[n++] = (char *)args[k];
	argv[n] = NULL;
	char *why = h_refused(argv, says);
	cr_expect_null(why, "%s", why);
	free(why);

	char *dir = h_tmpdir(), errf[300];
	snprintf(errf, sizeof errf, "%s/err", dir);
	cr_expect_eq(h_run(argv, NULL, 0, NULL, errf), 2);
	char *err = h_slurp(errf, NULL);
	cr_assert(err);
	cr_expect(h_utf8_ok(err), "%s: not UTF-8: %s", prog, err);
	cr_expect(h_has_chinese(err), "%s: not Chinese: %s", prog, err);
	cr_expect(strstr(err, "（参见 --help）\n"), "%s: %s", prog, err);
	free(err);
	h_tmpdir_free(dir);
}

static const struct refusal {
	const char *prog;
	const char *args[6];
	const char *says;
} refusals[] = {
	{ "inet-server", { "-p", "x" }, "inet-server: 无效的端口“x”：请给出 0 到 65535 之间的数" },
	{ "inet-server", { "--model", "foo" }, "未知的模型“foo”：请从 iterative, fork" },
	{ "inet-server", { "-u", "--join", "1.2.3.4" }, "无效的 --join“1.2.3.4”：请给出 IPv4 多播组" },
	{ "inet-server", { "extra" }, "多余的参数“extra”（服务器只接受选项）" },
	{ "inet-client", { "-a", "::1" }, "“::1” 是 IPv6 地址：请用 inet6-client" },
	{ "inet-client", { "-k", "sctp" }, "未知的套接字类型“sctp”：inet 提供 tcp, udp" },
	{ "inet-client", { "-u", "--ttl", "300" }, "无效的 --ttl“300”" },
	{ "inet-client", { "--bogus" }, "未知的选项“--bogus”" },
	{ "inet6-server", { "-a", "fe80::1%" }, "“fe80::1%” 的作用域为空" },
	{ "inet6-server", { "--v6only=1" }, "选项“--v6only”不接受参数" },
	{ "inet6-server", { "-u", "--join", "ff00x" }, "请给出 IPv6 多播组" },
	{ "inet6-client", { "-a", "1.2.3.4" }, "是 IPv4 地址：请用 inet-client，或写成 ::ffff:1.2.3.4" },
	{ "inet6-client", { "-a", "fe80::1%nosuchif0" }, "没有名为“nosuchif0”的接口" },
	{ "inet6-client", { "-w", "0" }, "无效的等待时间“0”" },
	{ "unix-server", { "--mode", "9" }, "无效的权限“9”：请给出八进制权限位" },
	{ "unix-server", { "-a", "@x", "--mode", "0600" }, "--mode：抽象名字没有文件" },
	{ "unix-server", { "-p", "1" }, "选项“-p”不适用于 unix-server" },
	{ "unix-server", { "-a", "" }, "空路径不指向任何套接字" },
	{ "unix-client", { "--send-fd", "/nonexistent/x" }, "--send-fd：无法打开“/nonexistent/x”" },
	{ "unix-client", { "--tls", "--cred" }, "不能与 --tls 同用" },
	{ "unix-client", { "-k", "stream", "-u" }, "选项“-u”不适用于 unix-client" },
	{ "netlink-query", { "-s", "x", "links" }, "无效的字符串长度上限“x”" },
	{ "netlink-query", { "-q", "-t", "links" }, "-q 关闭了跟踪，所以 -t 没有作用" },
	{ "netlink-query", { "--port", "1", "links" }, "选项“--port”不适用于 netlink-query" },
	{ "netlink-monitor", { "--model", "fork" }, "选项“--model”不适用于 netlink-monitor" },
	{ "netlink-monitor", { "-n", "x" }, "无效的数量“x”" },
	{ "netlink-monitor", { "-o" }, "选项“-o”需要一个参数" },
};

Test(zh_cli, usage_errors_in_chinese, .timeout = 120)
{
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
		check_refused(refusals[i].prog, refusals[i].args, refusals[i].says, 0);
}

Test(zh_cli, usage_errors_in_chinese_from_lang_alone, .timeout = 120)
{
	chinese_environment();
	/* one of each family program */
	const char *done[16] = { NULL };
	size_t nd = 0;
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		size_t k;
		for (k = 0; k < nd && strcmp(done[k], refusals[i].prog); k++)
			;
		if (k < nd)
			continue;
		done[nd++] = refusals[i].prog;
		check_refused(refusals[i].prog, refusals[i].args, refusals[i].says, 1);
	}
	cr_expect_eq(nd, 8);
}

/* unix-server on a file that is not a socket: its refusal in Chinese, the
 * program's name and an ASCII colon in front; the trace is the English run's. */
Test(zh_cli, a_family_message_in_chinese_and_the_same_trace, .timeout = 30)
{
	char *dir = h_tmpdir(), file[300], errf[300], trace[2][300];
	snprintf(file, sizeof file, "%s/file", dir);
	snprintf(errf, sizeof errf, "%s/err", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fclose(f);
	static const char *const langs[] = { "C", "zh_CN" };
	char *text[2];
	for (int k = 0; k < 2; k++) {
		snprintf(trace[k], sizeof trace[k], "%s/trace.%s", dir, langs[k]);
		char *argv[] = { "bin/unix-server", "--lang", (char *)langs[k], "-a", file, "-o", trace[k], NULL };
		cr_assert_eq(h_run(argv, NULL, 0, NULL, errf), 1);
		text[k] = h_slurp(errf, NULL);
		cr_assert(text[k]);
	}
	cr_expect(strstr(text[0], "exists and is not a socket"), "%s", text[0]);
	cr_expect(h_utf8_ok(text[1]));
	cr_expect(!strncmp(text[1], "unix-server: ", 13) && strstr(text[1], "已存在且不是套接字：不去动它"), "%s",
		  text[1]);
	char *t0 = h_slurp(trace[0], NULL), *t1 = h_slurp(trace[1], NULL);
	cr_assert(t0 && t1);
	cr_expect(strstr(t0, "socket(AF_UNIX, SOCK_STREAM, 0)"), "%s", t0);
	cr_expect_str_eq(t0, t1, "the trace differs in Chinese");
	free(t0);
	free(t1);
	free(text[0]);
	free(text[1]);
	h_tmpdir_free(dir);
}

/* What a server says on its way to listening: the stale socket file it
 * removes (unix), the dual-stack switch (inet6). */
Test(zh_cli, a_servers_notes_in_chinese, .timeout = 30)
{
	char *dir = h_tmpdir(), path[300];
	snprintf(path, sizeof path, "%s/stale.sock", dir);
	/* a socket file nobody accepts on */
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	cr_assert_lt(strlen(path), sizeof sun.sun_path, "a long $TMPDIR: %s", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	close(fd);
	struct h_proc p;
	char *uargv[] = { "bin/unix-server", "--lang", "zh_CN", "-q", "-a", path, NULL };
	cr_assert_eq(h_spawn(&p, uargv, NULL), 0);
	cr_expect_eq(h_wait_line(&p, "已经是一个套接字文件；用 connect() 询问那里是否仍有服务器应答", 5000), 0);
	cr_expect_eq(h_wait_line(&p, "它的服务器已经不在了；已删除这个过时的套接字文件", 5000), 0);
	kill(p.pid, SIGTERM);
	h_wait(&p, 5);
	close(p.out);

	char *v6argv[] = { "bin/inet6-server", "-q", "-p", "0", "--v6only", NULL };
	chinese_environment();
	cr_assert_eq(h_spawn(&p, v6argv, NULL), 0);
	cr_expect_eq(h_wait_line(&p, "inet6-server: 已设置 IPV6_V6ONLY：只接受 IPv6 客户端", 5000), 0);
	kill(p.pid, SIGTERM);
	h_wait(&p, 5);
	close(p.out);
	h_tmpdir_free(dir);
}
