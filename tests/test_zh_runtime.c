/*
 * The family programs in Chinese at run time (--lang zh_CN, and LANG=zh_CN.UTF-8
 * alone): the server's log lines and the client's notes and errors are Chinese
 * UTF-8; every trace line (stderr) is the English run's, byte for byte once
 * ports, pids and inodes are set aside; what goes over the network (the
 * answers, chat and cmd protocol lines) is the same in both languages; the
 * English log stays what it was; --fds's table lines up the same in Chinese.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../common/i18n.h"

/* ---- checks on a text ------------------------------------------------------------ */

/* s with every run of digits as "N" (ports, pids, inodes, lengths that hold
 * them) and every run of spaces as one (the column "= " is padded to moves
 * with them); what only the timing decides set aside: whether the peer had
 * already hung up when poll() looked. */
static char *digits_out(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	cr_assert(out);
	while (*s) {
		if (*s >= '0' && *s <= '9') {
			while (*s >= '0' && *s <= '9')
				s++;
			*o++ = 'N';
		} else if (*s == ' ' && s[1] == ' ') {
			while (*s == ' ')
				s++;
			*o++ = ' ';
		} else if (!strncmp(s, "|POLLHUP", 8)) {
			s += 8;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* a and b the same, else the first line where they differ, said. */
static void expect_same_text(const char *a, const char *b, const char *what)
{
	size_t i = 0, line = 1, start = 0;
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	if (a[i] == b[i])
		return;
	cr_expect_fail("%s: line %zu differs:\n  %.*s\n  %.*s", what, line, (int)strcspn(a + start, "\n"), a + start,
		       (int)strcspn(b + start, "\n"), b + start);
}

/* The lines of text (a copy) that start, or do not start, with "PROG:" or
 * "*** " (a person's lines: the program's own words). */
struct lines {
	char *text;
	char **v;
	size_t n;
};

static void split_lines(const char *text, struct lines *l)
{
	l->text = strdup(text ? text : "");
	cr_assert(l->text);
	l->n = h_lines(l->text, &l->v);
}

static void lines_free(struct lines *l)
{
	free(l->v);
	free(l->text);
}

static int said_by(const char *line, const char *prog)
{
	size_t n = strlen(prog);
	return (!strncmp(line, prog, n) && line[n] == ':') || !strncmp(line, "*** ", 4);
}

/* The trace lines of a stderr (everything that is not PROG's own words), each
 * with its digits set aside, one text. */
static char *trace_of_ex(const char *err, const char *prog, int no_reads)
{
	struct lines l;
	split_lines(err, &l);
	size_t cap = strlen(err ? err : "") + 64, len = 0;
	char *out = malloc(cap * 2 + 1);
	cr_assert(out);
	out[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		if (!l.v[i][0] || said_by(l.v[i], prog))
			continue;
		/* how a stream's bytes came in pieces is the timing's, not the language's */
		if (no_reads && !strncmp(l.v[i], "recvfrom(", 9))
			continue;
		char *d = digits_out(l.v[i]);
		len += (size_t)sprintf(out + len, "%s\n", d);
		free(d);
	}
	lines_free(&l);
	return out;
}

static char *trace_of(const char *err, const char *prog) { return trace_of_ex(err, prog, 0); }

/* The lines of out that are not prog's own words: what came over the network. */
static char *peer_bytes_of(const char *out, const char *prog)
{
	struct lines l;
	split_lines(out, &l);
	char *res = calloc(1, strlen(out ? out : "") + 2);
	cr_assert(res);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i][0] && !said_by(l.v[i], prog)) {
			strcat(res, l.v[i]);
			strcat(res, "\n");
		}
	lines_free(&l);
	return res;
}

/* What prog said: UTF-8 with Chinese in it, and none of the English log's and
 * client's sentences left (a family's own notes are its own catalog's). */
static void expect_chinese_words(const char *text, const char *prog, const char *what)
{
	cr_expect(h_utf8_ok(text), "%s: not UTF-8:\n%s", what, text);
	cr_expect(h_has_chinese(text), "%s: no Chinese:\n%s", what, text);
	static const char *const english[] = { "listening on", "connection from", "closed its side", "closing ours",
					       "our address is", "datagram of", "bytes from", "uploading", "the server",
					       "descriptors on", "descriptors at exit", "nobody is listening", NULL };
	for (size_t k = 0; english[k]; k++)
		cr_expect_null(strstr(text, english[k]), "%s: '%s' left in English:\n%s", what, english[k], text);
	(void)prog;
}

/* ---- running a server and a client -------------------------------------------------- */

struct run {
	char *sv_out, *sv_err, *cl_out, *cl_err;
	int sv_rc, cl_rc;
};

static void run_free(struct run *r)
{
	free(r->sv_out);
	free(r->sv_err);
	free(r->cl_out);
	free(r->cl_err);
	memset(r, 0, sizeof *r);
}

/* Reads p's stdout into *seen (appended) until a line holding a or b came
 * (that line into p->first); 0 when it came, -1 at the end or after 5 s. */
static int read_until(struct h_proc *p, const char *a, const char *b, char **seen, size_t *len)
{
	struct pollfd pfd = { p->out, POLLIN, 0 };
	size_t start = *len;
	for (;;) {
		if (poll(&pfd, 1, 5000) <= 0)
			return -1;
		char c;
		if (read(p->out, &c, 1) != 1)
			return -1;
		char *more = realloc(*seen, *len + 2);
		cr_assert(more);
		*seen = more;
		(*seen)[(*len)++] = c;
		(*seen)[*len] = '\0';
		if (c != '\n')
			continue;
		const char *line = *seen + start;
		if (strstr(line, a) || (b && strstr(line, b))) {
			snprintf(p->first, sizeof p->first, "%.*s", (int)(*len - start - 1), line);
			return 0;
		}
		start = *len;
	}
}

/* The port in a server's first line: after "port " or "端口 " (the family's
 * words for it), -1 when there is none. */
static int port_in(const char *line)
{
	const char *p = strstr(line, " port ");
	if (p)
		return atoi(p + 6);
	p = strstr(line, "端口 ");
	return p ? atoi(p + strlen("端口 ")) : -1;
}

/* argv: { PROG, [--lang LANG,] args..., NULL }, "PORT" in args replaced by port. */
static void build(char **v, const char *prog, const char *lang, const char *const args[], const char *port)
{
	int n = 0;
	v[n++] = (char *)prog;
	if (lang) {
		v[n++] = "--lang";
		v[n++] = (char *)lang;
	}
	for (size_t i = 0; args[i]; i++)
		v[n++] = (char *)(strcmp(args[i], "PORT") ? args[i] : port);
	v[n] = NULL;
}

static const char *base(const char *prog)
{
	const char *s = strrchr(prog, '/');
	return s ? s + 1 : prog;
}

/*
 * The server (sv_args; it must end by itself: -n) in language lang (NULL: the
 * environment's), then the client (cl_args) to it; their stdout and stderr.
 * The server's listening line is waited for in either language.
 */
static void run_pair(struct run *r, const char *lang, const char *server, const char *const sv_args[],
		     const char *client, const char *const cl_args[], const char *dir)
{
	char sverr[300], clerr[300], port[16] = "";
	snprintf(sverr, sizeof sverr, "%s/sv.err", dir);
	snprintf(clerr, sizeof clerr, "%s/cl.err", dir);
	char *v[40];
	build(v, server, lang, sv_args, port);
	struct h_proc sv;
	cr_assert_eq(h_spawn(&sv, v, sverr), 0);
	char *seen = NULL;
	size_t len = 0;
	if (read_until(&sv, "listening on", "上监听", &seen, &len)) {
		h_wait(&sv, 1);
		cr_assert_fail("%s did not say it listens:\n%s", server, seen ? seen : "");
	}
	snprintf(port, sizeof port, "%d", port_in(sv.first));
	build(v, client, lang, cl_args, port);
	r->cl_rc = h_run(v, NULL, 0, &r->cl_out, clerr);
	char *rest = h_drain(&sv);
	r->sv_rc = h_wait(&sv, 10);
	if (asprintf(&r->sv_out, "%s%s", seen, rest ? rest : "") < 0)
		r->sv_out = NULL;
	free(seen);
	free(rest);
	r->sv_err = h_slurp(sverr, NULL);
	r->cl_err = h_slurp(clerr, NULL);
	cr_assert(r->sv_out && r->sv_err && r->cl_err && r->cl_out);
}

/* The same pair in Chinese and in English: the traces are the same, the
 * network's bytes are the same, and the server's and client's words differ
 * and are Chinese. */
/* no_server_reads: 1 leaves the server's reads out (how a stream came in
 * pieces), 2 the client's whole trace */
static void compare_runs_ex(const struct run *zh, const struct run *en, const char *server, const char *client,
			    const char *what, int no_server_reads)
{
	const char *sp = base(server), *cp = base(client);
	cr_expect_eq(zh->sv_rc, en->sv_rc, "%s: the server's exit status differs (%d, %d)", what, zh->sv_rc, en->sv_rc);
	cr_expect_eq(zh->cl_rc, en->cl_rc, "%s: the client's exit status differs (%d, %d)", what, zh->cl_rc, en->cl_rc);
	char *a = trace_of_ex(zh->sv_err, sp, no_server_reads & 1), *b = trace_of_ex(en->sv_err, sp, no_server_reads & 1);
	expect_same_text(a, b, "the server's trace in Chinese and in English");
	cr_expect_gt(strlen(b), 20, "%s: no server trace:\n%s", what, en->sv_err);
	free(a);
	free(b);
	if (!(no_server_reads & 2)) {
		a = trace_of(zh->cl_err, cp);
		b = trace_of(en->cl_err, cp);
		expect_same_text(a, b, "the client's trace in Chinese and in English");
		cr_expect_gt(strlen(b), 20, "%s: no client trace:\n%s", what, en->cl_err);
		free(a);
		free(b);
	}
	/* what the server sent, as the client shows it */
	a = peer_bytes_of(zh->cl_out, cp);
	b = peer_bytes_of(en->cl_out, cp);
	expect_same_text(a, b, "the server's bytes as the client shows them, in Chinese and in English");
	free(a);
	free(b);
	/* the server says as many lines in either language */
	struct lines z, e;
	split_lines(zh->sv_out, &z);
	split_lines(en->sv_out, &e);
	cr_expect_eq(z.n, e.n, "%s: the server's log has %zu lines in Chinese, %zu in English:\n%s\n%s", what, z.n,
		     e.n, zh->sv_out, en->sv_out);
	lines_free(&z);
	lines_free(&e);
	expect_chinese_words(zh->sv_out, sp, "the server's log");
}

static void compare_runs(const struct run *zh, const struct run *en, const char *server, const char *client,
			 const char *what)
{
	compare_runs_ex(zh, en, server, client, what, 0);
}

/* Each of want (NULL-ended) is a line of text once digits are set aside. */
static void expect_lines(const char *text, const char *const want[], const char *what)
{
	char *d = digits_out(text);
	for (size_t i = 0; want[i]; i++) {
		char w[400];
		snprintf(w, sizeof w, "%s\n", want[i]);
		cr_expect(strstr(d, w), "%s: no line '%s' in:\n%s", what, want[i], text);
	}
	free(d);
}

/* ---- the pairs -------------------------------------------------------------------------- */

/* TCP echo: the log and the client's note in Chinese, the rest as in English;
 * the English log as it always was. */
Test(zh_runtime, inet_tcp_echo, .timeout = 60)
{
	char *dir = h_tmpdir();
	const char *sv[] = { "-p", "0", "-n", "1", NULL };
	const char *cl[] = { "-p", "PORT", "hello", NULL };
	struct run zh, en;
	run_pair(&zh, "zh_CN", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	run_pair(&en, "C", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	compare_runs(&zh, &en, "bin/inet-server", "bin/inet-client", "inet tcp");
	cr_expect_eq(en.cl_rc, 0);
	cr_expect(strstr(zh.cl_out, "HELLO\n"), "%s", zh.cl_out);
	static const char *const en_log[] = {
		"inet-server: listening on N.N.N.N port N (TCP)",
		"inet-server: connection from N.N.N.N port N",
		"inet-server: N.N.N.N port N closed its side after N bytes; closing ours",
		NULL,
	};
	expect_lines(en.sv_out, en_log, "the English log");
	static const char *const en_client[] = { "inet-client: connected, our address is N.N.N.N port N", NULL };
	expect_lines(en.cl_out, en_client, "the English client");
	cr_expect(strstr(zh.sv_out, "上监听（TCP）\n") && strstr(zh.sv_out, "的连接\n") &&
		  strstr(zh.sv_out, " 字节之后关闭了它那一端；我们也关闭\n"), "%s", zh.sv_out);
	cr_expect(strstr(zh.cl_out, "inet-client: 已连接，我们的地址是 "), "%s", zh.cl_out);
	run_free(&zh);
	run_free(&en);
	h_tmpdir_free(dir);
}

/* UNIX datagrams: one log line per datagram, in Chinese; the same trace. */
Test(zh_runtime, unix_dgram, .timeout = 60)
{
	char *dir = h_tmpdir(), path[300];
	snprintf(path, sizeof path, "%s/s", dir);
	const char *sv[] = { "-k", "dgram", "-a", path, "-n", "2", NULL };
	const char *cl[] = { "-k", "dgram", "-a", path, "one", "two", NULL };
	struct run zh, en;
	run_pair(&zh, "zh_CN", "bin/unix-server", sv, "bin/unix-client", cl, dir);
	run_pair(&en, "C", "bin/unix-server", sv, "bin/unix-client", cl, dir);
	compare_runs(&zh, &en, "bin/unix-server", "bin/unix-client", "unix dgram");
	cr_expect_eq(en.cl_rc, 0);
	cr_expect(strstr(zh.cl_out, "ONE\nTWO\n"), "%s", zh.cl_out);
	static const char *const en_log[] = { "unix-server: datagram of N bytes from ", NULL };
	char *d = digits_out(en.sv_out);
	cr_expect(strstr(d, en_log[0]), "%s", en.sv_out);
	free(d);
	d = digits_out(zh.sv_out);
	cr_expect(strstr(d, "unix-server: N 字节的数据报，来自 "), "%s", zh.sv_out);
	free(d);
	cr_expect(strstr(zh.cl_out, "unix-client: 第一次 sendto 之后，我们的地址是 "), "%s", zh.cl_out);
	run_free(&zh);
	run_free(&en);
	h_tmpdir_free(dir);
}

/* cmd: the answers (protocol) stay English, the server's log is Chinese. */
Test(zh_runtime, cmd_answers_stay_english, .timeout = 60)
{
	char *dir = h_tmpdir();
	const char *sv[] = { "-p", "0", "-n", "1", "--service", "cmd", NULL };
	const char *cl[] = { "-p", "PORT", "nosuch", NULL };
	struct run zh, en;
	run_pair(&zh, "zh_CN", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	run_pair(&en, "C", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	compare_runs(&zh, &en, "bin/inet-server", "bin/inet-client", "cmd");
	cr_expect(strstr(zh.cl_out, "[error: unknown command 'nosuch': try help]\n"), "%s", zh.cl_out);
	cr_expect(strstr(zh.sv_out, "：拒绝了一条 6 字节的命令：unknown command 'nosuch': try help\n"), "%s", zh.sv_out);
	cr_expect(strstr(en.sv_out, ": refused a command of 6 bytes: unknown command 'nosuch': try help\n"), "%s",
		  en.sv_out);
	run_free(&zh);
	run_free(&en);
	h_tmpdir_free(dir);
}

/* chat: the protocol lines the client gets stay English; what the person at
 * the server reads is Chinese. */
Test(zh_runtime, chat_protocol_stays_english, .timeout = 60)
{
	char *dir = h_tmpdir();
	const char *sv[] = { "-p", "0", "-n", "1", "--service", "chat", NULL };
	const char *cl[] = { "-p", "PORT", "hello", NULL };
	struct run zh, en;
	run_pair(&zh, "zh_CN", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	run_pair(&en, "C", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	const char *welcome = "*** you are in inet-server's chat; type /quit to leave\n";
	cr_expect(strstr(zh.cl_out, welcome), "%s", zh.cl_out);
	cr_expect(strstr(en.cl_out, welcome), "%s", en.cl_out);
	char *d = digits_out(zh.sv_out);
	cr_expect(strstr(d, "*** N.N.N.N port N 加入了\n") || strstr(d, "*** N.N.N.N 端口 N 加入了\n"), "%s", zh.sv_out);
	free(d);
	d = digits_out(en.sv_out);
	cr_expect(strstr(d, "*** N.N.N.N port N joined\n"), "%s", en.sv_out);
	free(d);
	expect_chinese_words(zh.sv_out, "inet-server", "the chat server");
	/* the server's own trace: the welcome went out in English */
	cr_expect(strstr(zh.sv_err, "\"*** you are in inet-server's cha\"..., 55,"), "%s", zh.sv_err);
	run_free(&zh);
	run_free(&en);
	h_tmpdir_free(dir);
}

/* upload: the client's report and the server's log in Chinese, the bytes the same. */
Test(zh_runtime, upload, .timeout = 60)
{
	char *dir = h_tmpdir(), file[300], into[300];
	snprintf(file, sizeof file, "%s/f.txt", dir);
	snprintf(into, sizeof into, "%s/in", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fputs("some content\n", f);
	fclose(f);
	cr_assert_eq(mkdir(into, 0700), 0);
	const char *sv[] = { "-p", "0", "-n", "1", "--service", "upload", "--dir", into, "--overwrite", NULL };
	const char *cl[] = { "-p", "PORT", "--upload", file, NULL };
	struct run zh, en;
	run_pair(&zh, "zh_CN", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	run_pair(&en, "C", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	cr_expect_eq(zh.cl_rc, 0, "%s%s", zh.cl_out, zh.cl_err);
	cr_expect_eq(en.cl_rc, 0);
	/* the temporary file's name is random: its 8 hex digits set aside */
	for (char **t = (char *[]){ zh.sv_err, en.sv_err, zh.sv_out, en.sv_out, NULL }; *t; t++)
		for (char *p = *t; (p = strstr(p, ".upload-")); p += 8)
			memset(p + 8, 'x', strspn(p + 8, "0123456789abcdef"));
	/* (the server may read the header and the file in one read or two) */
	compare_runs_ex(&zh, &en, "bin/inet-server", "bin/inet-client", "upload", 1);
	char *d = digits_out(zh.cl_out);
	cr_expect(strstr(d, "inet-client: 正在上传 f.txt：N 字节\n"), "%s", zh.cl_out);
	cr_expect(strstr(d, "：相同\n"), "%s", zh.cl_out);
	free(d);
	d = digits_out(en.cl_out);
	cr_expect(strstr(d, "inet-client: uploading f.txt: N bytes\n") && strstr(d, ": the same\n"), "%s", en.cl_out);
	free(d);
	cr_expect(strstr(zh.sv_out, "：已保存 f.txt：13 字节，sha256 "), "%s", zh.sv_out);
	expect_chinese_words(zh.cl_out, "inet-client", "the upload client");
	run_free(&zh);
	run_free(&en);
	h_tmpdir_free(dir);
}

/* A port where nobody listens: a socket bound to it, never listening. */
static int closed_port(int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(*fd, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	cr_assert_eq(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* The error's one line, in Chinese; its trace the English one's. */
static void refused_client(const char *lang, char **err, int *rc, const char *dir, int port)
{
	char path[300], p[16];
	snprintf(path, sizeof path, "%s/%s.err", dir, lang ? lang : "env");
	snprintf(p, sizeof p, "%d", port);
	const char *args[] = { "-p", p, "hello", NULL };
	char *v[12], *out = NULL;
	build(v, "bin/inet-client", lang, args, p);
	*rc = h_run(v, NULL, 0, &out, path);
	free(out);
	*err = h_slurp(path, NULL);
	cr_assert(*err);
}

Test(zh_runtime, client_to_nobody, .timeout = 30)
{
	char *dir = h_tmpdir(), *zh, *en;
	int fd, port = closed_port(&fd), zrc, erc;
	refused_client("zh_CN", &zh, &zrc, dir, port);
	refused_client("C", &en, &erc, dir, port);
	cr_expect_eq(zrc, 1);
	cr_expect_eq(erc, 1);
	char *a = trace_of(zh, "inet-client"), *b = trace_of(en, "inet-client");
	expect_same_text(a, b, "the trace in Chinese and in English");
	cr_expect(strstr(b, "connect(N, {sa_family=AF_INET"), "%s", en);
	free(a);
	free(b);
	cr_expect(strstr(en, ": nobody is listening there; is the server running? (ECONNREFUSED)\n"), "%s", en);
	cr_expect(strstr(zh, ": 那里没有人在监听；服务器在运行吗？ (ECONNREFUSED)\n"), "%s", zh);
	cr_expect(strstr(zh, "inet-client: 连接到 127.0.0.1 "), "%s", zh);
	cr_expect(h_utf8_ok(zh));
	close(fd);
	free(zh);
	free(en);
	h_tmpdir_free(dir);
}

/* LANG=zh_CN.UTF-8 alone (no --lang): the same Chinese. */
Test(zh_runtime, lang_from_the_environment, .timeout = 60)
{
	char *dir = h_tmpdir(), *zh, *en;
	int fd, port = closed_port(&fd), zrc, erc;
	refused_client("C", &en, &erc, dir, port);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANG", "zh_CN.UTF-8", 1);
	refused_client(NULL, &zh, &zrc, dir, port);
	cr_expect_eq(zrc, 1);
	cr_expect(strstr(zh, ": 那里没有人在监听；服务器在运行吗？ (ECONNREFUSED)\n"), "%s", zh);
	char *a = trace_of(zh, "inet-client"), *b = trace_of(en, "inet-client");
	expect_same_text(a, b, "the trace under LANG=zh_CN.UTF-8 and in English");
	free(a);
	free(b);
	close(fd);
	free(zh);
	free(en);

	/* and a pair: the server's log too */
	const char *sv[] = { "-p", "0", "-n", "1", NULL };
	const char *cl[] = { "-p", "PORT", "hi", NULL };
	struct run r;
	run_pair(&r, NULL, "bin/inet-server", sv, "bin/inet-client", cl, dir);
	cr_expect_eq(r.cl_rc, 0);
	cr_expect(strstr(r.cl_out, "HI\n"), "%s", r.cl_out);
	expect_chinese_words(r.sv_out, "inet-server", "the server under LANG");
	expect_chinese_words(r.cl_out, "inet-client", "the client under LANG");
	run_free(&r);
	h_tmpdir_free(dir);
}

/* A usage error of the server's options: one line, exit 2, Chinese. */
Test(zh_runtime, server_option_errors_in_chinese)
{
	char *argv[] = { "bin/inet-server", "--lang", "zh_CN", "-u", "--idle", "5", NULL };
	char *why = h_refused(argv, "数据报都是独立的");
	cr_expect_null(why, "%s", why);
	free(why);
	char *argv2[] = { "bin/inet-server", "--lang", "zh_CN", "--model", "prefork", "--nonblock", NULL };
	why = h_refused(argv2, "--nonblock 只适用于在一个循环里 accept 的模型（iterative, fork, thread）；--model prefork 有 N 个进程");
	cr_expect_null(why, "%s", why);
	free(why);
}

/* --fds on SIGUSR1: the heading and the explanations in Chinese, every line
 * as far in as in English, the same descriptors. */
static char *fds_table(const char *lang)
{
	char *argv[] = { "bin/inet-server", "--lang", (char *)lang, "--fds", "-p", "0", NULL };
	struct h_proc p;
	cr_assert_eq(h_spawn(&p, argv, NULL), 0);
	char *seen = NULL;
	size_t len = 0;
	cr_assert_eq(read_until(&p, "listening on", "上监听", &seen, &len), 0);
	kill(p.pid, SIGUSR1);
	cr_assert_eq(read_until(&p, "st 0A = LISTEN", NULL, &seen, &len), 0, "no explanation of the listening socket:\n%s",
		     seen);
	kill(p.pid, SIGTERM);
	char *rest = h_drain(&p);
	h_wait(&p, 10);
	char *all = NULL;
	cr_assert(asprintf(&all, "%s%s", seen, rest ? rest : "") > 0);
	free(seen);
	free(rest);
	return all;
}

Test(zh_runtime, fds_table_in_chinese_lines_up, .timeout = 60)
{
	char *zh = fds_table("zh_CN"), *en = fds_table("C");
	struct lines z, e;
	split_lines(zh, &z);
	split_lines(en, &e);
	/* the table: from the SIGUSR1 heading to the explanation of the socket */
	size_t zi = 0, ei = 0;
	while (zi < z.n && !strstr(z.v[zi], "收到 SIGUSR1 时的描述符（ls -l /proc/"))
		zi++;
	while (ei < e.n && !strstr(e.v[ei], "descriptors on SIGUSR1 (ls -l /proc/"))
		ei++;
	cr_assert(zi < z.n, "no Chinese heading:\n%s", zh);
	cr_assert(ei < e.n, "no English heading:\n%s", en);
	int rows = 0, explained = 0;
	for (zi++, ei++; zi < z.n && ei < e.n && !strncmp(z.v[zi], "  ", 2) && !strncmp(e.v[ei], "  ", 2);
	     zi++, ei++, rows++) {
		size_t zs = strspn(z.v[zi], " "), es = strspn(e.v[ei], " ");
		cr_expect_eq(zs, es, "a line of the table starts at another column in Chinese:\n%s\n%s", z.v[zi],
			     e.v[ei]);
		cr_expect(h_utf8_ok(z.v[zi]));
		if (strstr(e.v[ei], " -> ")) {   /* "  N -> what": the descriptors themselves */
			char *a = digits_out(z.v[zi]), *b = digits_out(e.v[ei]);
			if (!strstr(b, "/tmp/") && !strstr(b, "pipe:"))
				cr_expect_str_eq(a, b);
			free(a);
			free(b);
		}
		if (strstr(e.v[ei], "its line in /proc/net/tcp:")) {
			cr_expect(strstr(z.v[zi], "AF_INET SOCK_STREAM（内核叫它 TCP）；它在 /proc/net/tcp 里的那一行："),
				  "%s", z.v[zi]);
			explained++;
		}
		if (strstr(e.v[ei], "st 0A = LISTEN")) {
			cr_expect(strstr(z.v[zi], "端口") && strstr(z.v[zi], "，st 0A = LISTEN"), "%s", z.v[zi]);
			explained++;
		}
	}
	cr_expect_geq(rows, 5, "only %d rows:\n%s", rows, zh);
	cr_expect_eq(explained, 2, "the socket is not explained:\n%s", zh);
	lines_free(&z);
	lines_free(&e);
	free(zh);
	free(en);
}

/* A refused upload: the server's log says why in Chinese, the peer is told in
 * the protocol's English (the same bytes in both languages). */
Test(zh_runtime, upload_refused, .timeout = 60)
{
	char *dir = h_tmpdir(), file[300], into[300], there[400];
	snprintf(file, sizeof file, "%s/f.txt", dir);
	snprintf(into, sizeof into, "%s/in", dir);
	snprintf(there, sizeof there, "%s/f.txt", into);
	cr_assert_eq(mkdir(into, 0700), 0);
	for (const char *const *p = (const char *const[]){ file, there, NULL }; *p; p++) {
		FILE *f = fopen(*p, "w");
		cr_assert(f);
		fputs("some content\n", f);
		fclose(f);
	}
	const char *sv[] = { "-p", "0", "-n", "1", "--service", "upload", "--dir", into, NULL };
	const char *cl[] = { "-p", "PORT", "--upload", file, NULL };
	struct run zh, en;
	run_pair(&zh, "zh_CN", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	run_pair(&en, "C", "bin/inet-server", sv, "bin/inet-client", cl, dir);
	cr_expect_eq(zh.cl_rc, 1);
	cr_expect_eq(en.cl_rc, 1);
	/* (and the client's sends after the refusal meet a closed or a still open
	 * connection, as the timing has it: its trace is not compared) */
	compare_runs_ex(&zh, &en, "bin/inet-server", "bin/inet-client", "refused upload", 1 | 2);
	const char *told = "error: f.txt exists already:\"..., N, MSG_NOSIGNAL";
	char *d = digits_out(zh.sv_err);
	cr_expect(strstr(d, told), "the peer is not told in English:\n%s", zh.sv_err);
	free(d);
	cr_expect(strstr(zh.sv_out, "：拒绝上传：f.txt 已经存在：--overwrite 会替换它；关闭连接\n"), "%s", zh.sv_out);
	cr_expect(strstr(en.sv_out, ": upload refused: f.txt exists already: --overwrite replaces it; closing the connection\n"),
		  "%s", en.sv_out);
	cr_expect(strstr(zh.cl_err, "inet-client: 服务器拒绝了上传：f.txt exists already: --overwrite replaces it\n"), "%s",
		  zh.cl_err);
	run_free(&zh);
	run_free(&en);
	h_tmpdir_free(dir);
}
