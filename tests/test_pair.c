/*
 * The demo pairs, table-driven over (family, socket type): what the client
 * sends comes back upper-cased, byte for byte; message boundaries behave as
 * the type promises; every line strace prints for a program's own socket
 * calls is printed identically by the program.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* How the server is named: an ephemeral port, a path in a private
 * directory, or a private abstract name. */
enum pair_addr { PA_PORT, PA_PATH, PA_ABSTRACT };

struct pair {
	const char *name;
	const char *server, *client;
	const char *kind_opt;   /* "-u", "-k dgram"... or NULL for the default kind */
	enum pair_addr addr;
	int datagram;           /* -n counts messages, not clients */
	int boundaries;         /* one receive per message (dgram, seqpacket) */
	const char *sv_extra;   /* more server options, space-separated, or NULL */
	const char *cl_extra;   /* more client options */
};

static const struct pair pairs[] = {
	{ "inet/tcp", "bin/inet-server", "bin/inet-client", NULL, PA_PORT, 0, 0, NULL, NULL },
	{ "inet/udp", "bin/inet-server", "bin/inet-client", "-u", PA_PORT, 1, 1, NULL, NULL },
	{ "inet6/tcp", "bin/inet6-server", "bin/inet6-client", NULL, PA_PORT, 0, 0, NULL, NULL },
	{ "inet6/udp", "bin/inet6-server", "bin/inet6-client", "-u", PA_PORT, 1, 1, NULL, NULL },
	{ "unix/stream", "bin/unix-server", "bin/unix-client", "-k stream", PA_PATH, 0, 0, NULL, NULL },
	{ "unix/dgram", "bin/unix-server", "bin/unix-client", "-k dgram", PA_PATH, 1, 1, NULL, NULL },
	{ "unix/seqpacket", "bin/unix-server", "bin/unix-client", "-k seqpacket", PA_PATH, 0, 1, NULL, NULL },
	{ "unix/stream@", "bin/unix-server", "bin/unix-client", "-k stream", PA_ABSTRACT, 0, 0, NULL, NULL },
	{ "unix/dgram@", "bin/unix-server", "bin/unix-client", "-k dgram", PA_ABSTRACT, 1, 1, NULL, NULL },
	{ "unix/seqpacket@", "bin/unix-server", "bin/unix-client", "-k seqpacket", PA_ABSTRACT, 0, 1, NULL, NULL },
	/* a descriptor and credentials ride along with the first message */
	{ "unix/stream+fd", "bin/unix-server", "bin/unix-client", "-k stream", PA_PATH, 0, 0,
	  "--passcred", "--send-fd Makefile --cred" },
	{ "unix/dgram+fd", "bin/unix-server", "bin/unix-client", "-k dgram", PA_PATH, 1, 1,
	  "--passcred", "--send-fd Makefile --cred" },
	{ "unix/seqpacket+fd@", "bin/unix-server", "bin/unix-client", "-k seqpacket", PA_ABSTRACT, 0, 1,
	  "--passcred", "--send-fd Makefile --cred" },
};
#define NPAIRS (sizeof pairs / sizeof pairs[0])

/* argv for one side: prog, kind option, endpoint options, extra..., NULL */
struct args {
	char *v[64];
	int n;
	char port[16];
	char addr[256];   /* -a for PA_PATH / PA_ABSTRACT */
	char *dir;        /* the private directory of a PA_PATH server */
};

/* Removes what start_pair made for the client's side (the private directory). */
static void pair_args_free(struct args *c)
{
	h_tmpdir_free(c->dir);
	c->dir = NULL;
}

static void a_push(struct args *a, const char *s) { a->v[a->n++] = (char *)s; a->v[a->n] = NULL; }

/* Pushes the words of `opts` (space-separated; may be NULL). */
static void a_words(struct args *a, const char *opts)
{
	static char store[8][128];
	static int next;
	if (!opts)
		return;
	char *w = store[next++ % 8];
	snprintf(w, sizeof store[0], "%s", opts);
	for (char *save = NULL, *t = strtok_r(w, " ", &save); t; t = strtok_r(NULL, " ", &save))
		a_push(a, t);
}

static void a_kind(struct args *a, const struct pair *p)
{
	if (!p->kind_opt)
		return;
	static char buf[NPAIRS][32];
	size_t i = (size_t)(p - pairs);
	snprintf(buf[i], sizeof buf[i], "%s", p->kind_opt);
	char *sp = strchr(buf[i], ' ');
	if (sp) {
		*sp = '\0';
		a_push(a, buf[i]);
		a_push(a, sp + 1);
	} else {
		a_push(a, buf[i]);
	}
}

/*
 * Starts p's server serving `count` clients (or datagrams) and fills *c with the
 * client's argv up to its messages. `wrap` (may be NULL) is put before both
 * programs (strace ...); `own` non-NULL: each program writes its trace to
 * own[0] (server) / own[1] (client), with the trace option `topt` (-yy, or
 * NULL), else runs with -q.
 */
static void start_pair(const struct pair *p, struct h_proc *sv, struct args *c, long count,
		       const char *wrap[2][16], char *const own[2], const char *topt)
{
	struct args s = { .n = 0 };
	char cnt[32];
	for (int i = 0; wrap && wrap[0][i]; i++)
		a_push(&s, wrap[0][i]);
	a_push(&s, p->server);
	a_kind(&s, p);
	a_words(&s, p->sv_extra);
	c->dir = NULL;
	c->addr[0] = '\0';
	if (p->addr == PA_PORT) {
		a_push(&s, "-p");
		a_push(&s, "0");
	} else {
		static int seq;
		if (p->addr == PA_PATH) {
			c->dir = h_tmpdir();
			cr_assert(c->dir, "%s: no private directory", p->name);
			snprintf(c->addr, sizeof c->addr, "%s/server.sock", c->dir);
		} else {
			snprintf(c->addr, sizeof c->addr, "@sockfam-test-%d-%d", (int)getpid(), seq++);
		}
		a_push(&s, "-a");
		a_push(&s, c->addr);
	}
	snprintf(cnt, sizeof cnt, "%ld", count);
	a_push(&s, "-n");
	a_push(&s, cnt);
	if (own) {
		a_push(&s, "-o");
		a_push(&s, own[0]);
		if (topt)
			a_push(&s, topt);
	} else {
		a_push(&s, "-q");
	}
	cr_assert_eq(h_start_server(sv, s.v, NULL), 0, "%s: the server did not say it listens", p->name);
	cr_assert(strstr(sv->first, "listening on"), "%s: first line: %s", p->name, sv->first);
	c->n = 0;
	for (int i = 0; wrap && wrap[1][i]; i++)
		a_push(c, wrap[1][i]);
	a_push(c, p->client);
	a_kind(c, p);
	a_words(c, p->cl_extra);
	if (p->addr == PA_PORT) {
		snprintf(c->port, sizeof c->port, "%d", h_port_of(sv->first));
		a_push(c, "-p");
		a_push(c, c->port);
	} else {
		a_push(c, "-a");
		a_push(c, c->addr);
	}
	if (own) {
		a_push(c, "-o");
		a_push(c, own[1]);
		if (topt)
			a_push(c, topt);
	} else {
		a_push(c, "-q");
	}
}

static char *upper(const char *s)
{
	char *u = strdup(s);
	for (char *q = u; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	return u;
}

/* Answers the client printed: its stdout minus its own notes ("prog: ..."). */
static char *answers_of(const char *out, const char *prog)
{
	const char *base = strrchr(prog, '/') + 1;
	char *copy = strdup(out), **lines;
	size_t n = h_lines(copy, &lines);
	size_t cap = strlen(out) + 2, len = 0;
	char *res = calloc(1, cap);
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(lines[i], base, strlen(base)) && lines[i][strlen(base)] == ':')
			continue;
		len += (size_t)sprintf(res + len, "%s\n", lines[i]);
	}
	free(lines);
	free(copy);
	return res;
}

Test(pair, arguments_come_back_upper_cased)
{
	for (size_t i = 0; i < NPAIRS; i++) {
		const struct pair *p = &pairs[i];
		struct h_proc sv;
		struct args c;
		start_pair(p, &sv, &c, p->datagram ? 3 : 1, NULL, NULL, NULL);
		a_push(&c, "hello");
		a_push(&c, "World 42");
		a_push(&c, "tab\there");
		char *out;
		int st = h_run(c.v, NULL, 0, &out, NULL);
		cr_expect_eq(st, 0, "%s: client exit %d", p->name, st);
		char *ans = answers_of(out, p->client);
		cr_expect_str_eq(ans, "HELLO\nWORLD 42\nTAB\tHERE\n", "%s", p->name);
		cr_expect_eq(h_wait(&sv, 10), 0, "%s: server did not exit cleanly", p->name);
		pair_args_free(&c);
		free(ans);
		free(out);
	}
}

/* Every line of stdin is a message; a 1 MiB line goes through a stream whole,
 * and is refused on seqpacket (a record that large does not fit). */
Test(pair, stdin_lines_and_a_huge_stream_message)
{
	size_t big = 1 << 20;
	char *in = malloc(big + 64);
	size_t len = (size_t)sprintf(in, "first line\n");
	for (size_t k = 0; k < big; k++)
		in[len + k] = (char)('a' + k % 26);
	len += big;
	in[len++] = '\n';
	len += (size_t)sprintf(in + len, "last\n");
	in[len] = '\0';
	for (size_t i = 0; i < NPAIRS; i++) {
		const struct pair *p = &pairs[i];
		if (p->datagram)
			continue;
		struct h_proc sv;
		struct args c;
		start_pair(p, &sv, &c, 1, NULL, NULL, NULL);
		char *out;
		int st = h_run(c.v, in, len, &out, NULL);
		char *ans = answers_of(out, p->client), *want = upper(in);
		if (p->boundaries) {
			/* one record cannot carry 1 MiB: that message is refused (EMSGSIZE,
			 * exit 1), the others go through */
			cr_expect_eq(st, 1, "%s: exit %d", p->name, st);
			free(want);
			want = strdup("FIRST LINE\nLAST\n");
		} else {
			cr_expect_eq(st, 0, "%s", p->name);
		}
		cr_expect_eq(strlen(ans), strlen(want), "%s: %zu bytes back for %zu", p->name, strlen(ans), strlen(want));
		cr_expect(strcmp(ans, want) == 0, "%s: the answer differs", p->name);
		cr_expect_eq(h_wait(&sv, 10), 0, "%s", p->name);
		pair_args_free(&c);
		free(ans);
		free(want);
		free(out);
	}
	free(in);
}

/* Three messages: each datagram or record arrives alone, in order, whole. */
Test(pair, message_boundaries_as_the_type_promises)
{
	for (size_t i = 0; i < NPAIRS; i++) {
		const struct pair *p = &pairs[i];
		char *dir = h_tmpdir(), trace[300];
		snprintf(trace, sizeof trace, "%s/server.trace", dir);
		char *const own[2] = { trace, "/dev/null" };
		struct h_proc sv;
		struct args c;
		start_pair(p, &sv, &c, p->datagram ? 3 : 1, NULL, own, NULL);
		a_push(&c, "a");
		a_push(&c, "bb");
		a_push(&c, "cccc");
		char *out;
		cr_expect_eq(h_run(c.v, NULL, 0, &out, NULL), 0, "%s", p->name);
		cr_expect_eq(h_wait(&sv, 10), 0, "%s", p->name);
		char *tr = h_slurp(trace, NULL), **lines;
		size_t n = h_lines(tr, &lines), got = 0, bytes = 0;
		long sizes[16];
		for (size_t k = 0; k < n; k++) {
			if (strncmp(lines[k], "recvfrom(", 9) && strncmp(lines[k], "recvmsg(", 8))
				continue;
			long r = strtol(strrchr(lines[k], '=') + 1, NULL, 10);
			if (r > 0 && got < 16)
				sizes[got++] = r;
			if (r > 0)
				bytes += (size_t)r;
		}
		if (p->boundaries) {
			cr_expect_eq(got, 3, "%s: %zu receives", p->name, got);
			cr_expect(got == 3 && sizes[0] == 1 && sizes[1] == 2 && sizes[2] == 4,
				  "%s: the messages did not arrive one by one", p->name);
		} else {
			cr_expect_eq(bytes, 10, "%s: %zu bytes arrived", p->name, bytes);   /* lines: a\n bb\n cccc\n */
		}
		free(lines);
		free(tr);
		free(out);
		pair_args_free(&c);
		h_tmpdir_free(dir);
	}
}

/* strace marks a call its -e inject=...:delay_exit held back: " (DELAYED)". */
static void drop_delayed(const char *path)
{
	char *t = h_slurp(path, NULL);
	FILE *f = t ? fopen(path, "w") : NULL;
	for (char *l = t, *nl; f && l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		static const char mark[] = " (DELAYED)";
		if (n >= sizeof mark - 1 && !strncmp(l + n - (sizeof mark - 1), mark, sizeof mark - 1))
			n -= sizeof mark - 1;
		fprintf(f, "%.*s\n", (int)n, l);
	}
	if (f)
		fclose(f);
	free(t);
}

/* How many lines of a trace match an extended regular expression. */
static int count_matching(const char *trace, const char *re)
{
	regex_t r;
	cr_assert_eq(regcomp(&r, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0, "%s", re);
	char *copy = strdup(trace), **lines;
	size_t n = h_lines(copy, &lines);
	int hits = 0;
	for (size_t i = 0; i < n; i++)
		hits += regexec(&r, lines[i], 0, NULL, 0) == 0;
	regfree(&r);
	free(lines);
	free(copy);
	return hits;
}

/*
 * -yy: what each descriptor is, at each step, as strace -yy shows it: the
 * socket alone (inode), bound (its address), connected (both ends). Checked
 * in the program's own trace, which the differential test then holds equal
 * to strace's.
 */
static void expect_decorations(const struct pair *p, const char *sv_trace, const char *cl_trace)
{
	/* socket() = 3<TCP:[12345]>: nothing but the inode yet */
	const char *fresh = "^socket\\(.*\\) += [0-9]+<[A-Za-z0-9-]+:\\[[0-9]+\\]>$";
	/* an address in it: TCP:[127.0.0.1:2345], UNIX:[123,"/path"] */
	const char *bound = "<(TCP|UDP|TCPv6|UDPv6|UNIX|UNIX-STREAM):\\[[0-9]*[^0-9>][^>]*\\]>";
	/* both ends: ...->... */
	const char *both = "<[A-Za-z0-9-]+:\\[[^>]*->[^>]*\\]>";
	cr_expect_geq(count_matching(sv_trace, fresh), 1, "%s server: no fresh socket's inode:\n%s", p->name, sv_trace);
	cr_expect_geq(count_matching(sv_trace, "^(listen|getsockname|recvmsg|recvfrom)\\([0-9]+<[A-Za-z0-9-]+:\\[[0-9]*[^0-9]"),
		      1, "%s server: no bound address after bind:\n%s", p->name, sv_trace);
	cr_expect_geq(count_matching(sv_trace, bound), 1, "%s server", p->name);
	cr_expect_geq(count_matching(cl_trace, fresh), 1, "%s client: no fresh socket's inode:\n%s", p->name, cl_trace);
	if (!p->datagram) {
		cr_expect_eq(count_matching(sv_trace, "^accept4?\\(.*\\) += [0-9]+<[A-Za-z0-9-]+:\\[[^>]*->[^>]*\\]>$"), 1,
			     "%s server: accept's new socket not shown with both ends:\n%s", p->name, sv_trace);
		cr_expect_geq(count_matching(cl_trace, "^(getsockname|sendto|sendmsg)\\(.*->"), 1,
			      "%s client: no line after connect shows both ends:\n%s", p->name, cl_trace);
		cr_expect_geq(count_matching(cl_trace, both), 1, "%s client", p->name);
	} else {
		/* the client's address: bound by the kernel at the first sendto, or by itself */
		cr_expect_geq(count_matching(cl_trace, bound), 1, "%s client: its address never shows:\n%s", p->name,
			      cl_trace);
	}
}

/*
 * The differential test: each program's own trace against real strace, with
 * the trace option `topt` given to both (NULL: none). A UNIX client asks about
 * its peer right after connect, before the server may have accepted (then
 * strace shows no peer yet, and which one it sees is a race between the two
 * tracers): strace holds connect's return back 200 ms (-e inject), so the
 * server has accepted by then.
 */
static void differential(const char *topt)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	size_t all_same = 0, all_total = 0;
	for (size_t i = 0; i < NPAIRS; i++) {
		const struct pair *p = &pairs[i];
		char *dir = h_tmpdir();
		char spre[256], cpre[256], sown[256], cown[256];
		snprintf(spre, sizeof spre, "%s/st", dir);
		snprintf(cpre, sizeof cpre, "%s/ct", dir);
		snprintf(sown, sizeof sown, "%s/server.trace", dir);
		snprintf(cown, sizeof cown, "%s/client.trace", dir);
		const char *wrap[2][16] = {
			{ "/usr/bin/strace", "-ff", "-o", spre, "-e", "trace=%network,close,poll", NULL },
			{ "/usr/bin/strace", "-ff", "-o", cpre, "-e", "trace=%network,close,poll", NULL },
		};
		if (topt) {
			wrap[0][6] = wrap[1][6] = topt;
			wrap[1][7] = "-e";
			wrap[1][8] = "inject=connect:delay_exit=200000";
		}
		char *const own[2] = { sown, cown };
		struct h_proc sv;
		struct args cl;
		start_pair(p, &sv, &cl, p->datagram ? 2 : 1, wrap, own, topt);
		a_push(&cl, "hello, \"strace\"");
		a_push(&cl, "\x01\x02" "7 binary \x7f\xff and a line longer than thirty-two bytes");
		cr_assert_eq(h_run(cl.v, NULL, 0, NULL, NULL), 0, "%s: client failed", p->name);
		cr_assert_eq(h_wait(&sv, 10), 0, "%s: server failed", p->name);

		const char *who[2][2] = { { "st", "server.trace" }, { "ct", "client.trace" } };
		for (int side = 0; side < 2; side++) {
			char *sf = h_strace_file(dir, who[side][0]);
			char own[300];
			snprintf(own, sizeof own, "%s/%s", dir, who[side][1]);
			cr_assert(sf, "%s: no strace output", p->name);
			drop_delayed(sf);
			char *diff = NULL;
			size_t same, total = h_strace_compare(sf, own, &same, &diff);
			cr_log_info("%s %s: %zu of %zu strace lines printed identically", p->name,
				    side ? "client" : "server", same, total);
			cr_expect_gt(total, 4, "%s: strace saw too few calls", p->name);
			cr_expect_eq(same, total, "%s %s:\n%s", p->name, side ? "client" : "server", diff ? diff : "");
			cr_expect_null(diff, "%s %s:\n%s", p->name, side ? "client" : "server", diff);
			all_same += same;
			all_total += total;
			free(diff);
			free(sf);
		}
		if (topt && !strcmp(topt, "-yy")) {
			char *st = h_slurp(sown, NULL), *ct = h_slurp(cown, NULL);
			cr_assert(st && ct);
			expect_decorations(p, st, ct);
			free(st);
			free(ct);
		}
		h_tmpdir_free(dir);
		pair_args_free(&cl);
	}
	printf("differential%s%s: %zu of %zu strace lines printed identically by the demos\n", topt ? " " : "",
	       topt ? topt : "", all_same, all_total);
}

Test(pair, trace_equals_strace, .timeout = 60)
{
	differential(NULL);
}

/* -y: every descriptor with its /proc/self/fd link (socket:[INODE]), as strace -y */
Test(pair, y_trace_equals_strace_y, .timeout = 60)
{
	differential("-y");
}

/* -yy: what each socket is, from socket() to close(), as strace -yy */
Test(pair, yy_trace_equals_strace_yy, .timeout = 60)
{
	differential("-yy");
}
