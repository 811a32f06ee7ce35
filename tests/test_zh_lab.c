/*
 * Chinese for the netlink programs, the lab and the help of errlab and
 * exercise: with --lang zh_CN (or LANG=zh_CN.UTF-8) netlink-query's tables
 * and lab show/ss have Chinese headings, their columns lined up by terminal
 * width (a Chinese character takes two), the cells themselves (names,
 * addresses, states) as in English; netlink-monitor's event lines stay
 * key=value in English while its notes speak Chinese; the trace lines are
 * the English run's, byte for byte once the numbers that differ from run to
 * run (port ids, counters) are set aside; the help fits 80 columns.
 *
 * Where root can make a network namespace, the netlink programs run in a
 * fresh one of their own (the same interfaces, addresses and routes in both
 * languages); otherwise in the machine's. The lab tests make a private lab
 * (SOCKFAM_LAB=z<pid>) and remove it afterwards; they need root and skip
 * with the reason otherwise.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lab_fixture.h"
#include "../common/i18n.h"

#define IP "/usr/sbin/ip"
#define UNSHARE "/usr/bin/unshare"

/* ---- text ------------------------------------------------------------------------ */

/* A copy of text split into lines (the copy is *buf, to free). */
static size_t lines_of(const char *text, char **buf, char ***v)
{
	*buf = strdup(text ? text : "");
	cr_assert(*buf);
	return h_lines(*buf, v);
}

/* A call as strace prints it ("name(...) = ..."), or its signal and exit lines. */
static int is_trace(const char *line)
{
	if (!strncmp(line, "--- ", 4) || !strncmp(line, "+++ ", 4))
		return 1;
	const char *p = line;
	if (!strncmp(p, "[pid ", 5))   /* a child's line, strace -f's way */
		p = strchr(p, ']') ? strchr(p, ']') + 2 : p;
	line = p;
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')
		p++;
	return p > line && *p == '(' && (strstr(p, ") = ") || strstr(p, " = ") || strstr(p, "<unfinished"));
}

/* The line with every number (a run of digits, or 0x and hex digits) as one
 * '0': port ids, pids, counters and addresses differ from run to run. */
static void no_numbers(const char *in, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = in; *p && n + 1 < size; p++) {
		if (isdigit((unsigned char)*p)) {
			int hex = p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2]);
			if (hex)
				p++;
			while (hex ? isxdigit((unsigned char)p[1]) : isdigit((unsigned char)p[1]))
				p++;
			out[n++] = '0';
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

/* The trace lines of two runs' standard error, the same but for numbers; at least `min` of them. */
static void same_trace(const char *what, const char *zh_err, const char *en_err, size_t min)
{
	char *zb, *eb, **z, **e;
	size_t nz = lines_of(zh_err, &zb, &z), ne = lines_of(en_err, &eb, &e);
	size_t i = 0, j = 0, calls = 0;
	for (;;) {
		while (i < nz && !is_trace(z[i]))
			i++;
		while (j < ne && !is_trace(e[j]))
			j++;
		if (i >= nz || j >= ne)
			break;
		cr_expect(h_utf8_ok(z[i]), "%s: a trace line is not UTF-8", what);
		size_t zl = strlen(z[i]) + 1, el = strlen(e[j]) + 1;
		char *a = malloc(zl), *b = malloc(el);
		cr_assert(a && b);
		no_numbers(z[i], a, zl);
		no_numbers(e[j], b, el);
		cr_expect_str_eq(a, b, "%s: trace line %zu differs in Chinese:\n%s\n%s", what, calls + 1, z[i], e[j]);
		free(a);
		free(b);
		i++, j++, calls++;
	}
	cr_expect(i >= nz && j >= ne, "%s: the Chinese run has %s trace lines than the English one", what,
		  i < nz ? "more" : "fewer");
	cr_expect_geq(calls, min, "%s: only %zu trace lines:\n%s", what, calls, zh_err);
	free(z), free(e), free(zb), free(eb);
}

/* The fields of a table line (separated by two spaces or more: one space
 * may be inside a heading) and the terminal column each starts at. */
#define MAXF 16
struct fields {
	size_t n, col[MAXF];
	char text[MAXF][256];
};

static void fields_of(const char *line, struct fields *f)
{
	size_t len = strlen(line), i = 0;
	f->n = 0;
	while (i < len && f->n < MAXF) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		size_t end = i;
		while (end < len && !(line[end] == ' ' && (end + 1 >= len || line[end + 1] == ' ')))
			end++;
		f->col[f->n] = i18n_width(line, i);
		snprintf(f->text[f->n], sizeof f->text[f->n], "%.*s", (int)(end - i), line + i);
		f->n++;
		i = end;
	}
}

/* Every field of every row of a table (lines[0] its headings, then n - 1
 * rows) starts at the terminal column of its heading. */
static void aligned(const char *what, char **lines, size_t n)
{
	struct fields head, row;
	fields_of(lines[0], &head);
	cr_expect_geq(head.n, 2, "%s: not a table: %s", what, lines[0]);
	for (size_t i = 1; i < n; i++) {
		fields_of(lines[i], &row);
		cr_expect_eq(row.n, head.n, "%s: row %zu has %zu fields, the headings %zu:\n%s\n%s", what, i, row.n,
			     head.n, lines[0], lines[i]);
		for (size_t c = 0; c < row.n && c < head.n; c++)
			cr_expect_eq(row.col[c], head.col[c],
				     "%s: row %zu, column %zu starts at column %zu, its heading at %zu:\n%s\n%s", what, i,
				     c + 1, row.col[c], head.col[c], lines[0], lines[i]);
	}
}

/*
 * A table printed in Chinese (zh) and in English (en), `foot` lines after it
 * (lab show's note): the Chinese headings are Chinese, every field of every
 * row starts at the column of its heading counted in terminal columns, and
 * the rows are the English rows (the cells are not translated). Returns the
 * number of rows.
 */
static size_t same_table(const char *what, const char *zh, const char *en, size_t foot)
{
	char *zb, *eb, **z, **e;
	size_t nz = lines_of(zh, &zb, &z), ne = lines_of(en, &eb, &e);
	cr_assert_geq(nz, 1 + foot, "%s: no table:\n%s", what, zh);
	cr_assert_eq(nz, ne, "%s: %zu lines in Chinese, %zu in English:\n%s\n%s", what, nz, ne, zh, en);
	cr_expect(h_utf8_ok(zh), "%s: not UTF-8", what);
	cr_expect(h_has_chinese(z[0]), "%s: the headings are not Chinese: %s", what, z[0]);
	cr_expect(!h_has_chinese(e[0]), "%s: English headings with Chinese in them: %s", what, e[0]);
	struct fields head, ehead, row, erow;
	fields_of(z[0], &head);
	fields_of(e[0], &ehead);
	cr_expect_eq(head.n, ehead.n, "%s: %zu headings in Chinese, %zu in English:\n%s\n%s", what, head.n, ehead.n,
		     z[0], e[0]);
	aligned(what, z, nz - foot);
	aligned(what, e, ne - foot);
	for (size_t i = 1; i + foot < nz; i++) {
		fields_of(z[i], &row);
		fields_of(e[i], &erow);
		cr_expect_eq(row.n, erow.n, "%s: row %zu differs from English:\n%s\n%s", what, i, z[i], e[i]);
		for (size_t c = 0; c < row.n && c < erow.n; c++)
			cr_expect_str_eq(row.text[c], erow.text[c], "%s: row %zu, column %zu: \"%s\" in Chinese, \"%s\" in "
					 "English", what, i, c + 1, row.text[c], erow.text[c]);
	}
	free(z), free(e), free(zb), free(eb);
	return nz - 1 - foot;
}

/* Runs argv: its exit status; stdout and stderr (malloc'd) into out and err. */
static int run2(char *const argv[], char **out, char **err)
{
	char path[] = "/tmp/sockfam-zhlab-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	int rc = h_run(argv, NULL, 0, out, path);
	*err = h_slurp(path, NULL);
	unlink(path);
	if (!*err)
		*err = strdup("");
	return rc;
}

/* ---- netlink-query, netlink-monitor ------------------------------------------------------------- */

static int own_netns(void)
{
	static int ok = -1;
	if (ok < 0)
		ok = geteuid() == 0 && access(IP, X_OK) == 0 &&
		     system(UNSHARE " -n true 2>/dev/null") == 0;
	return ok;
}

/*
 * bin/netlink-query ARGS in LANG: in a network namespace of its own when root
 * can make one (lo up, with 192.0.2.9/24 besides its own addresses, and a
 * route in the main table), else in the machine's.
 */
static int nlq(const char *lang, const char *args, char **out, char **err)
{
	char *cmd;
	if (own_netns())
		cr_assert(asprintf(&cmd, IP " link set lo up && " IP " addr add 192.0.2.9/24 dev lo && "
				   IP " route add 198.51.100.0/24 dev lo src 192.0.2.9 && "
				   "exec bin/netlink-query --lang %s %s", lang, args) > 0);
	else
		cr_assert(asprintf(&cmd, "exec bin/netlink-query --lang %s %s", lang, args) > 0);
	char *const ns[] = { UNSHARE, "-n", "--", "/bin/sh", "-c", cmd, NULL };
	char *const here[] = { "/bin/sh", "-c", cmd, NULL };
	int rc = run2(own_netns() ? ns : here, out, err);
	free(cmd);
	return rc;
}

Test(zh_lab, netlink_query_tables_in_chinese, .timeout = 60)
{
	if (access("bin/netlink-query", X_OK) != 0)
		cr_skip_test("bin/netlink-query is not built (run make)");
	static const char *const subs[] = { "links", "addrs", "routes", "-4 neigh", "families" };
	size_t rows = 0;
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (!strcmp(subs[i], "-4 neigh") && !own_netns())
			continue;   /* the machine's neighbours change state between two runs */
		char *zo, *ze, *eo, *ee;
		cr_assert_eq(nlq("zh_CN", subs[i], &zo, &ze), 0, "%s: %s", subs[i], ze);
		cr_assert_eq(nlq("C", subs[i], &eo, &ee), 0, "%s: %s", subs[i], ee);
		size_t n = same_table(subs[i], zo, eo, 0);
		if (strcmp(subs[i], "-4 neigh"))   /* a namespace of our own has no neighbours */
			cr_expect_geq(n, 1, "%s: no rows:\n%s", subs[i], zo);
		rows += n;
		same_trace(subs[i], ze, ee, 5);
		free(zo), free(ze), free(eo), free(ee);
	}
	cr_expect_geq(rows, 4);
	/* sockets: whatever sockets there are (none in a namespace of our own), lined up */
	char *zo, *ze;
	cr_assert_eq(nlq("zh_CN", "sockets", &zo, &ze), 0, "%s", ze);
	char *b, **v;
	size_t n = lines_of(zo, &b, &v);
	cr_assert_geq(n, 1);
	cr_expect(!strncmp(v[0], "类型  ", strlen("类型  ")) && strstr(v[0], "  接收队列  发送队列  本端地址"), "%s", v[0]);
	aligned("sockets", v, n);
	free(v), free(b), free(zo), free(ze);
}

/* The refusals of a bad command line: one line in Chinese, exit 2, before any socket. */
Test(zh_lab, netlink_usage_errors_in_chinese)
{
	static const struct {
		const char *prog, *args[6], *says;
	} cases[] = {
		{ "bin/netlink-query", { "--lang", "zh_CN", "-4", "sockets" }, "-4/-6 只用于 addrs、routes 和 neigh，不用于 sockets" },
		{ "bin/netlink-query", { "--lang", "zh_CN", "bogus" }, "未知的子命令“bogus”" },
		{ "bin/netlink-query", { "--lang", "zh_CN", "links", "a/b" }, "“a/b”不是网络接口名" },
		{ "bin/netlink-query", { "--lang", "zh_CN", "--family", "ipx", "sockets" }, "未知的套接字地址族“ipx”" },
		{ "bin/netlink-monitor", { "--lang", "zh_CN", "--rcvbuf", "0" }, "无效的接收缓冲区大小“0”" },
		{ "bin/lab", { "--lang", "zh_CN", "frob" }, "未知的子命令“frob”" },
		{ "bin/lab", { "--lang", "zh_CN", "impair", "h1" }, "lab impair h1：要做什么？" },
		{ "bin/lab", { "--lang", "zh_CN", "up", "--hosts", "1" }, "无效的 --hosts“1”：请给出 2 到 16 之间的数字" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused_args(cases[i].prog, cases[i].args, cases[i].says);
		cr_expect_null(why, "case %zu (%s): %s", i, cases[i].says, why ? why : "");
		free(why);
	}
}

/* A request the kernel answers with an error: the explanation in Chinese, the trace as in English. */
Test(zh_lab, netlink_query_no_such_interface_in_chinese, .timeout = 30)
{
	char *zo, *ze, *eo, *ee;
	cr_assert_eq(nlq("zh_CN", "links nosuch0", &zo, &ze), 2, "%s", ze);
	cr_assert_eq(nlq("C", "links nosuch0", &eo, &ee), 2, "%s", ee);
	cr_expect(strstr(ze, "netlink-query: 没有名为“nosuch0”的网络接口（参见：netlink-query links）\n"), "%s", ze);
	cr_expect(strstr(ee, "netlink-query: no interface named 'nosuch0' (see: netlink-query links)\n"), "%s", ee);
	same_trace("links nosuch0", ze, ee, 5);
	free(zo), free(ze), free(eo), free(ee);
}

/* A shell script in a network namespace of its own (root); its output. */
static char *in_netns(const char *script, int *status)
{
	char *const argv[] = { UNSHARE, "-n", "--", "/bin/sh", "-c", (char *)script, NULL };
	char *out = NULL;
	*status = h_run(argv, NULL, 0, &out, NULL);
	return out ? out : strdup("");
}

/* The monitor's event lines are key=value in every language; its trace is the English one's. */
Test(zh_lab, netlink_monitor_events_and_trace, .timeout = 60)
{
	if (!own_netns())
		cr_skip_test("needs root and unshare -n for a network namespace whose events the test makes");
	char *dir = h_tmpdir();
	char *text[2][2];   /* [language][stdout, stderr] */
	static const char *const langs[] = { "zh_CN", "C" };
	for (int l = 0; l < 2; l++) {
		char *script;
		/* lo goes up once the monitor has read the interface names (its second socket
		 * closed: the first close() of its trace), from down whatever it was, so "up" is a
		 * change. The previous language's files go first: their close() lines, read before
		 * the background shell truncated them, once let lo go up before this monitor
		 * listened, and it waited for ever; timeout makes a missing event a failure */
		cr_assert(asprintf(&script,
				   "rm -f %s/mon.out %s/mon.err; " IP " link set lo down; "
				   "timeout -s INT 20 bin/netlink-monitor --lang %s -n 1 > %s/mon.out 2> %s/mon.err & "
				   "pid=$!; i=0; "
				   "while ! grep -q '^close(' %s/mon.err && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
				   IP " link set lo up; wait $pid; echo \"@@rc $?\"",
				   dir, dir, langs[l], dir, dir, dir) > 0);
		int st;
		char *out = in_netns(script, &st);
		cr_assert_eq(st, 0, "%s", out);
		cr_assert(strstr(out, "@@rc 0"), "the monitor (%s) did not exit 0 after one event:\n%s", langs[l], out);
		free(out);
		free(script);
		char path[600];
		snprintf(path, sizeof path, "%s/mon.out", dir);
		text[l][0] = h_slurp(path, NULL);
		snprintf(path, sizeof path, "%s/mon.err", dir);
		text[l][1] = h_slurp(path, NULL);
		cr_assert(text[l][0] && text[l][1]);
	}
	/* the event lines: the same, in English */
	char *zb, *eb, **z, **e;
	size_t nz = lines_of(text[0][0], &zb, &z), ne = lines_of(text[1][0], &eb, &e);
	size_t events = 0;
	for (size_t i = 0, j = 0; i < nz; i++) {
		if (!strchr("+-=", z[i][0]))
			continue;
		while (j < ne && !strchr("+-=", e[j][0]))
			j++;
		cr_assert_lt(j, ne, "an event line only in Chinese: %s", z[i]);
		char a[1024], b[1024];
		no_numbers(z[i], a, sizeof a);
		no_numbers(e[j], b, sizeof b);
		cr_expect_str_eq(a, b, "an event line differs:\n%s\n%s", z[i], e[j]);
		cr_expect(h_utf8_ok(z[i]) && !h_has_chinese(z[i]), "an event line with Chinese in it: %s", z[i]);
		events++, j++;
	}
	cr_expect_geq(events, 1, "no event line:\n%s", text[0][0]);
	cr_expect(strstr(text[0][0], "+link ifindex=1 ifname=lo"), "%s", text[0][0]);
	same_trace("netlink-monitor", text[0][1], text[1][1], 8);
	free(z), free(e), free(zb), free(eb);
	for (int l = 0; l < 2; l++)
		free(text[l][0]), free(text[l][1]);
	h_tmpdir_free(dir);
}

/* Lost events: the note in Chinese, the fresh state in key=value lines. */
Test(zh_lab, netlink_monitor_enobufs_note_in_chinese, .timeout = 60)
{
	if (!own_netns())
		cr_skip_test("needs root and unshare -n for a network namespace whose events the test makes");
	char *dir = h_tmpdir(), *script;
	cr_assert(asprintf(&script,
			   "d=%s; " IP " link set lo up; "
			   "bin/netlink-monitor --lang zh_CN --rcvbuf 1 > $d/nob.out 2> $d/nob.err & pid=$!; i=0; "
			   "while ! grep -q '^close(' $d/nob.err && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
			   "kill -STOP $pid; for i in $(seq 1 60); do " IP " addr add 10.8.$i.1/24 dev lo; done; "
			   "kill -CONT $pid; i=0; "
			   "while ! grep -q 'local=10.8.60.1' $d/nob.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
			   "kill -INT $pid; wait $pid; echo \"@@rc $?\"; echo @@out; cat $d/nob.out",
			   dir) > 0);
	int st;
	char *out = in_netns(script, &st);
	cr_assert_eq(st, 0, "%s", out);
	cr_expect(strstr(out, "@@rc 0"), "%s", out);
	cr_expect(h_utf8_ok(out));
	cr_expect(strstr(out, "netlink-monitor: 丢失了事件（ENOBUFS：接收缓冲区溢出了）；正在重新读取状态\n"), "%s", out);
	cr_expect(strstr(out, "\n=addr ifindex=1 ifname=lo family=inet local=10.8.60.1 prefixlen=24"),
		  "the state re-read, in English key=value lines:\n%s", out);
	free(out);
	free(script);
	h_tmpdir_free(dir);
}

/* ---- the lab -------------------------------------------------------------------------- */


static void need_lab(void)
{
	need_lab_named('z');
}

Test(zh_lab, lab_show_and_ss_in_chinese, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	char *const up[] = { "bin/lab", "up", "-q", "--v6", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(up, NULL, 0, &out, NULL), 0, "lab up failed: %s", out ? out : "");
	free(out);
	/* a listener in h2, for a row of lab ss with its process */
	struct h_proc srv;
	char *const server[] = { "bin/lab", "run", "h2", "--", "bin/inet-server", "-q", "-a", "0.0.0.0", "-p", "2345",
				 "--lang", "C", NULL };
	cr_assert_eq(h_start_server(&srv, server, NULL), 0, "inet-server did not start in h2");

	char *zo, *ze, *eo, *ee;
	char *const zshow[] = { "bin/lab", "show", "--lang", "zh_CN", NULL };
	char *const eshow[] = { "bin/lab", "show", "--lang", "C", NULL };
	cr_assert_eq(run2(zshow, &zo, &ze), 0, "%s", ze);
	cr_assert_eq(run2(eshow, &eo, &ee), 0, "%s", ee);
	cr_expect_eq(same_table("lab show", zo, eo, 1), 2, "two hosts:\n%s", zo);
	char foot[160];
	snprintf(foot, sizeof foot, "链路：每台主机 hN 的 eth0 都接到 sockfam-%s-sw 中网桥 br0 的端口 hN\n", lab_name);
	cr_expect(strstr(zo, foot), "%s", zo);
	cr_expect(strstr(zo, "主机  命名空间") && strstr(zo, "排队规则\n"), "%s", zo);
	same_trace("lab show", ze, ee, 20);
	free(zo), free(ze), free(eo), free(ee);

	char *const zss[] = { "bin/lab", "ss", "h2", "--lang", "zh_CN", NULL };
	char *const ess[] = { "bin/lab", "ss", "h2", "--lang", "C", NULL };
	cr_assert_eq(run2(zss, &zo, &ze), 0, "%s", ze);
	cr_assert_eq(run2(ess, &eo, &ee), 0, "%s", ee);
	cr_expect_geq(same_table("lab ss", zo, eo, 0), 1);
	char want[128];
	snprintf(want, sizeof want, "users:((\"inet-server\",pid=%d,fd=3))", (int)srv.pid);
	cr_expect(strstr(zo, "LISTEN") && strstr(zo, "0.0.0.0:2345") && strstr(zo, want), "%s\nwants %s", zo, want);
	cr_expect(strstr(zo, "进程\n"), "the PROCESS column, in Chinese:\n%s", zo);
	same_trace("lab ss", ze, ee, 6);
	free(zo), free(ze), free(eo), free(ee);

	/* what the kernel or the lab refuses, in Chinese */
	char *const zbad[] = { "bin/lab", "ss", "h9", "--lang", "zh_CN", NULL };
	cr_expect_eq(run2(zbad, &zo, &ze), 2);
	cr_expect_str_eq(ze, "lab: ss: 没有主机 h9：实验网络只有 h1 到 h2\n");
	free(zo), free(ze);

	kill(srv.pid, SIGINT);
	cr_expect_eq(h_wait(&srv, 10), 0);
	char *const zdown[] = { "bin/lab", "down", "--lang", "zh_CN", NULL };
	cr_assert_eq(run2(zdown, &zo, &ze), 0, "%s", ze);
	cr_expect(strstr(zo, "实验网络已拆除：它的命名空间、链路和进程都没有了\n"), "%s", zo);
	free(zo), free(ze);
	cr_expect_eq(run2(zdown, &zo, &ze), 2);
	cr_expect_str_eq(ze, "lab: down: 没有已建立的实验网络（参见：lab up）\n");
	free(zo), free(ze);
}

/* ---- the help of errlab, exercise and lab -------------------------------------------------- */

static void help_in_chinese(const char *prog, const char *usage2)
{
	char *const argv[] = { (char *)prog, "--lang", "zh_CN", "--help", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "%s --help", prog);
	cr_expect(h_utf8_ok(out), "%s --help is not UTF-8", prog);
	cr_expect(!strncmp(out, "用法：", strlen("用法：")), "%s --help:\n%s", prog, out);
	char *b, **v;
	size_t n = lines_of(out, &b, &v);
	size_t wide = 0;
	for (size_t i = 0; i < n; i++) {
		size_t w = i18n_width(v[i], strlen(v[i]));
		cr_expect_leq(w, 80, "%s --help: a line of %zu columns:\n%s", prog, w, v[i]);
		wide += h_has_chinese(v[i]);
	}
	cr_expect_geq(wide, 3, "%s --help: only %zu lines in Chinese:\n%s", prog, wide, out);
	/* the usage's next line starts under the program's name after "用法：" (6 columns) */
	if (usage2) {
		cr_assert_geq(n, 2);
		cr_expect_str_eq(v[1], usage2, "%s --help:\n%s", prog, out);
		cr_expect_eq(i18n_width("用法：", strlen("用法：")), strspn(v[1], " "));
	}
	free(v), free(b), free(out);
}

/* (common/cli.c wraps the intro and the epilog by terminal columns, between
 * two Chinese characters where there is no space.) */
Test(zh_lab, help_in_chinese_fits_80_columns, .timeout = 30)
{
	help_in_chinese("bin/errlab", NULL);
	help_in_chinese("bin/exercise", "      exercise show N");
	help_in_chinese("bin/lab", "      lab run HOST -- COMMAND [ARG]...");
	/* errlab's list of errnos is built into its epilog: it is there, and it wraps */
	char *const argv[] = { "bin/errlab", "--lang", "zh_CN", "--help", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	cr_expect(strstr(out, "ERRNO：") && strstr(out, "ECONNREFUSED") && strstr(out, "退出状态：0"), "%s", out);
	free(out);
}

/* ---- LANG alone ------------------------------------------------------------------------------ */

Test(zh_lab, lang_from_the_environment, .timeout = 60)
{
	setenv("LANG", "zh_CN.UTF-8", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	char *const q[] = { "bin/netlink-query", "routes", NULL };
	char *out, *err;
	cr_assert_eq(run2(q, &out, &err), 0, "%s", err);
	cr_expect(!strncmp(out, "目的地址", strlen("目的地址")), "%s", out);
	cr_expect(strstr(err, "socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3\n"), "%s", err);
	free(out), free(err);
	char *const h[] = { "bin/lab", "--help", NULL };
	cr_assert_eq(run2(h, &out, &err), 0);
	cr_expect(!strncmp(out, "用法：lab up", strlen("用法：lab up")), "%s", out);
	free(out), free(err);
	char *const bad[] = { "bin/lab", "frob", NULL };
	cr_expect_eq(run2(bad, &out, &err), 2);
	cr_expect(strstr(err, "未知的子命令“frob”"), "%s", err);
	free(out), free(err);
}
