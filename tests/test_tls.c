/*
 * --tls: a handshake with the certificate the server makes (in a private
 * XDG_CONFIG_HOME) and an echo round trip, over inet, inet6 and unix stream
 * under blocking and event-loop models; a wrong CA and a wrong name fail with
 * OpenSSL's reason; the trace shows the records (\26 handshake, \27
 * application data) and every line strace prints for the programs' own calls
 * is printed identically; openssl s_client, openssl s_server and Python's ssl
 * as the other side; garbage instead of a ClientHello is survived; the
 * refusals before any socket.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct fam {
	const char *name, *server, *client;
	int port;           /* -p 0, else an abstract UNIX name */
};

static const struct fam fams[] = {
	{ "inet", "bin/inet-server", "bin/inet-client", 1 },
	{ "inet6", "bin/inet6-server", "bin/inet6-client", 1 },
	{ "unix", "bin/unix-server", "bin/unix-client", 0 },
};
#define NFAMS (sizeof fams / sizeof fams[0])

/* A private certificate directory for this test (its children inherit it). */
static char *private_config(void)
{
	char *dir = h_tmpdir();
	cr_assert(dir, "no private directory");
	setenv("XDG_CONFIG_HOME", dir, 1);
	return dir;
}

struct run {
	struct h_proc sv;
	char addr[128], port[16];
	const char *cl[40];
	int n;
};

static void push(struct run *r, const char *w)
{
	cr_assert(r->n < 38);
	r->cl[r->n++] = w;
	r->cl[r->n] = NULL;
}

/* Starts f's server with --tls and the extra words (NULL-terminated), and
 * puts the client's argv up to its options into r->cl. */
static void start(struct run *r, const struct fam *f, const char *model, int count, const char *trace,
		  const char *const *extra)
{
	static int seq;
	const char *sv[40];
	int n = 0;
	char cnt[16];
	snprintf(cnt, sizeof cnt, "%d", count);
	sv[n++] = f->server;
	sv[n++] = "--tls";
	sv[n++] = "-n";
	sv[n++] = cnt;
	if (model) {
		sv[n++] = "--model";
		sv[n++] = model;
	}
	if (f->port) {
		sv[n++] = "-p";
		sv[n++] = "0";
	} else {
		snprintf(r->addr, sizeof r->addr, "@sockfam-tls-%d-%d", (int)getpid(), seq++);
		sv[n++] = "-a";
		sv[n++] = r->addr;
	}
	if (trace) {
		sv[n++] = "-o";
		sv[n++] = trace;
	} else {
		sv[n++] = "-q";
	}
	for (; extra && *extra; extra++)
		sv[n++] = *extra;
	sv[n] = NULL;
	cr_assert_eq(h_start_server(&r->sv, (char *const *)sv, NULL), 0, "%s: the server did not start", f->name);
	r->n = 0;
	push(r, f->client);
	push(r, "--tls");
	if (f->port) {
		snprintf(r->port, sizeof r->port, "%d", h_port_of(r->sv.first));
		push(r, "-p");
		push(r, r->port);
	} else {
		push(r, "-a");
		push(r, r->addr);
	}
}

static char *slurp_or_empty(const char *path)
{
	char *t = h_slurp(path, NULL);
	return t ? t : strdup("");
}

Test(tls, echo_round_trip_every_stream_family_and_model, .timeout = 90)
{
	static const char *const models[] = { "iterative", "epoll", "thread", "poll", "select", "fork" };
	char *dir = private_config();
	for (size_t i = 0; i < NFAMS; i++)
		for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
			const struct fam *f = &fams[i];
			struct run r;
			start(&r, f, models[m], 1, NULL, NULL);
			push(&r, "-q");
			push(&r, "hello");
			push(&r, "tls");
			char *out = NULL;
			int rc = h_run((char *const *)r.cl, NULL, 0, &out, NULL);
			cr_expect_eq(rc, 0, "%s %s: client exit %d: %s", f->name, models[m], rc, out);
			cr_expect(strstr(out, "the certificate verified"), "%s %s: %s", f->name, models[m], out);
			cr_expect(strstr(out, "HELLO\nTLS\n"), "%s %s: %s", f->name, models[m], out);
			cr_expect_eq(h_wait(&r.sv, 10), 0, "%s %s: server failed", f->name, models[m]);
			free(out);
		}
	/* made once, 0600, and reused */
	char path[512];
	snprintf(path, sizeof path, "%s/sockfam/tls-key.pem", dir);
	struct stat st;
	cr_assert_eq(lstat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	h_tmpdir_free(dir);
}

/* Runs a shell line (bounded by timeout in it): its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int have_openssl(void)
{
	return access("/usr/bin/openssl", X_OK) == 0;
}

Test(tls, wrong_ca_and_wrong_name_fail_with_the_reason, .timeout = 60)
{
	if (!have_openssl())
		cr_skip_test("the openssl program is not installed (make deps installs it)");
	char *dir = private_config();
	/* another CA: a certificate the server does not have */
	cr_assert_eq(sh("cd %s && timeout 20 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
			"-nodes -keyout other.key -out other.pem -days 1 -subj /CN=localhost "
			"-addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1", dir), 0);
	char other[512], err[512];
	snprintf(other, sizeof other, "%s/other.pem", dir);
	snprintf(err, sizeof err, "%s/client.err", dir);
	for (size_t i = 0; i < NFAMS; i++) {
		struct run r;
		start(&r, &fams[i], "epoll", 2, NULL, NULL);
		push(&r, "-q");
		push(&r, "--cafile");
		push(&r, other);
		push(&r, "hello");
		cr_expect_eq(h_run((char *const *)r.cl, NULL, 0, NULL, err), 1, "%s", fams[i].name);
		char *e = slurp_or_empty(err);
		cr_expect(strstr(e, "TLS handshake failed: certificate verify failed (self-signed certificate)"),
			  "%s: %s", fams[i].name, e);
		cr_expect_eq(strchr(e, '\n'), e + strlen(e) - 1, "one line: %s", e);
		free(e);
		/* the server goes on: the next client is served */
		r.n = 5;   /* drop --cafile FILE hello */
		r.cl[r.n] = NULL;
		push(&r, "again");
		char *out = NULL;
		cr_expect_eq(h_run((char *const *)r.cl, NULL, 0, &out, NULL), 0, "%s", fams[i].name);
		cr_expect(strstr(out, "AGAIN"), "%s: %s", fams[i].name, out);
		free(out);
		cr_expect_eq(h_wait(&r.sv, 10), 0);
	}
	/* a certificate that names another host: the address is checked */
	cr_assert_eq(sh("cd %s && timeout 20 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
			"-nodes -keyout far.key -out far.pem -days 1 -subj /CN=example.com "
			"-addext subjectAltName=DNS:example.com >/dev/null 2>&1", dir), 0);
	char far[512], farkey[512];
	snprintf(far, sizeof far, "%s/far.pem", dir);
	snprintf(farkey, sizeof farkey, "%s/far.key", dir);
	const char *const extra[] = { "--cert", far, "--key", farkey, NULL };
	struct run r;
	start(&r, &fams[0], NULL, 2, NULL, extra);
	push(&r, "-q");
	push(&r, "--cafile");
	push(&r, far);
	push(&r, "hello");
	cr_expect_eq(h_run((char *const *)r.cl, NULL, 0, NULL, err), 1);
	char *e = slurp_or_empty(err);
	cr_expect(strstr(e, "certificate verify failed (IP address mismatch)"), "%s", e);
	free(e);
	/* --insecure is the way past, and says so */
	r.n = 5;
	r.cl[r.n] = NULL;
	push(&r, "--insecure");
	push(&r, "hello");
	char *out = NULL;
	cr_expect_eq(h_run((char *const *)r.cl, NULL, 0, &out, NULL), 0);
	cr_expect(strstr(out, "NOT verified"), "%s", out);
	cr_expect(strstr(out, "HELLO"), "%s", out);
	free(out);
	cr_expect_eq(h_wait(&r.sv, 10), 0);
	h_tmpdir_free(dir);
}

Test(tls, trace_shows_the_records_and_equals_strace, .timeout = 90)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	char *dir = private_config();
	static const char *const models[] = { "epoll", "thread", "iterative" };
	for (size_t i = 0; i < NFAMS; i++) {
		const char *model = models[i];
		char spre[512], cpre[512], sown[512], cown[512];
		snprintf(spre, sizeof spre, "%s/%s-st", dir, fams[i].name);
		snprintf(cpre, sizeof cpre, "%s/%s-ct", dir, fams[i].name);
		snprintf(sown, sizeof sown, "%s/%s-server.trace", dir, fams[i].name);
		snprintf(cown, sizeof cown, "%s/%s-client.trace", dir, fams[i].name);
		/* the server under strace: its first run makes the certificate, so
		 * one run without strace first */
		if (i == 0) {
			struct run r0;
			start(&r0, &fams[i], NULL, 1, NULL, NULL);
			push(&r0, "-q");
			push(&r0, "x");
			cr_assert_eq(h_run((char *const *)r0.cl, NULL, 0, NULL, NULL), 0);
			cr_assert_eq(h_wait(&r0.sv, 10), 0);
		}
		const char *sv[24];
		int n = 0;
		struct run r;
		static int seq;
		sv[n++] = "/usr/bin/strace";
		sv[n++] = "-ff";
		sv[n++] = "-o";
		sv[n++] = spre;
		sv[n++] = "-e";
		/* and the calls epoll is made of (not in %network) */
		sv[n++] = H_MODEL_CALLS;
		sv[n++] = fams[i].server;
		sv[n++] = "--tls";
		sv[n++] = "-n";
		sv[n++] = "1";
		sv[n++] = "--model";
		sv[n++] = model;
		sv[n++] = "-o";
		sv[n++] = sown;
		if (fams[i].port) {
			sv[n++] = "-p";
			sv[n++] = "0";
		} else {
			snprintf(r.addr, sizeof r.addr, "@sockfam-tls-st-%d-%d", (int)getpid(), seq++);
			sv[n++] = "-a";
			sv[n++] = r.addr;
		}
		sv[n] = NULL;
		cr_assert_eq(h_start_server(&r.sv, (char *const *)sv, NULL), 0);
		pid_t server = h_tracee_of(r.sv.pid);
		cr_assert_gt(server, 0);
		const char *cl[24];
		n = 0;
		cl[n++] = "/usr/bin/strace";
		cl[n++] = "-ff";
		cl[n++] = "-o";
		cl[n++] = cpre;
		cl[n++] = "-e";
		cl[n++] = "trace=%network,close,poll";
		cl[n++] = fams[i].client;
		cl[n++] = "--tls";
		cl[n++] = "-o";
		cl[n++] = cown;
		if (fams[i].port) {
			snprintf(r.port, sizeof r.port, "%d", h_port_of(r.sv.first));
			cl[n++] = "-p";
			cl[n++] = r.port;
		} else {
			cl[n++] = "-a";
			cl[n++] = r.addr;
		}
		cl[n++] = "hello";
		cl[n++] = "world";
		cl[n] = NULL;
		char *out = NULL;
		cr_assert_eq(h_run((char *const *)cl, NULL, 0, &out, NULL), 0, "%s: %s", fams[i].name, out);
		cr_expect(strstr(out, "HELLO\nWORLD\n"), "%s: %s", fams[i].name, out);
		free(out);
		cr_assert_eq(h_wait(&r.sv, 10), 0);

		/* the records as bytes: a handshake record (22) goes first, and
		 * the messages go as application data (23) */
		char *ct = slurp_or_empty(cown), *st = slurp_or_empty(sown);
		cr_expect(strstr(ct, ", \"\\26\\3\\1"), "%s: no ClientHello record:\n%s", fams[i].name, ct);
		cr_expect(strstr(ct, ", \"\\26\\3\\3\\0"), "%s: no ServerHello record:\n%s", fams[i].name, ct);
		cr_expect(strstr(ct, ", \"\\27\\3\\3\\0"), "%s: no application data:\n%s", fams[i].name, ct);
		cr_expect(strstr(st, "\"\\26\\3\\1"), "%s server: no ClientHello:\n%s", fams[i].name, st);
		cr_expect(strstr(st, "\"\\27\\3\\3"), "%s server: no application data:\n%s", fams[i].name, st);
		cr_expect_null(strstr(ct, "hello"), "%s: the message in clear in the trace", fams[i].name);
		free(ct);
		free(st);

		/* every line strace printed, printed identically */
		char *cf = h_strace_file(dir, strrchr(cpre, '/') + 1);
		cr_assert(cf, "%s: no strace output for the client", fams[i].name);
		char *diff = NULL;
		size_t same, total = h_strace_compare(cf, cown, &same, &diff);
		cr_expect_gt(total, 10, "%s client: strace saw too few calls", fams[i].name);
		cr_expect_eq(same, total, "%s client:\n%s", fams[i].name, diff ? diff : "");
		free(diff);
		free(cf);
		/* the server: every process and thread (thread: the main one and
		 * the connection's) against its lines of our trace */
		size_t ssame = 0, stotal = 0;
		int files;
		diff = h_strace_compare_all(dir, strrchr(spre, '/') + 1, sown, server, &ssame, &stotal, &files);
		cr_expect_gt(stotal, 10, "%s server: strace saw too few calls", fams[i].name);
		cr_expect_null(diff, "%s server (%s): %s", fams[i].name, model, diff);
		cr_expect_geq(files, strcmp(model, "thread") ? 1 : 2, "%s server (%s): %d processes and threads",
			      fams[i].name, model, files);
		free(diff);
	}
	h_tmpdir_free(dir);
}

Test(tls, openssl_and_python_as_the_other_side, .timeout = 90)
{
	if (!have_openssl())
		cr_skip_test("the openssl program is not installed (make deps installs it)");
	char *dir = private_config();
	char cert[512], key[512];
	snprintf(cert, sizeof cert, "%s/sockfam/tls-cert.pem", dir);
	snprintf(key, sizeof key, "%s/sockfam/tls-key.pem", dir);

	/* openssl s_client against our server (poll), verifying the made certificate */
	struct run r;
	start(&r, &fams[0], "poll", 2, NULL, NULL);
	char cmd_out[512];
	snprintf(cmd_out, sizeof cmd_out, "%s/sclient.out", dir);
	int rc = sh("(echo 'from s_client'; sleep 1) | timeout 10 openssl s_client -connect 127.0.0.1:%s -CAfile %s "
		    "-verify_return_error -verify_ip 127.0.0.1 -no_ign_eof >%s 2>&1", r.port, cert, cmd_out);
	char *o = slurp_or_empty(cmd_out);
	cr_expect_eq(rc, 0, "s_client: %s", o);
	cr_expect(strstr(o, "FROM S_CLIENT"), "s_client: %s", o);
	cr_expect(strstr(o, "Verify return code: 0 (ok)"), "s_client: %s", o);
	free(o);

	/* Python's ssl module, with its default (strict) verification */
	snprintf(cmd_out, sizeof cmd_out, "%s/py.out", dir);
	rc = sh("timeout 10 python3 -c \"import ssl, socket\n"
		"ctx = ssl.create_default_context(cafile='%s')\n"
		"s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', %s)), server_hostname='127.0.0.1')\n"
		"s.sendall(b'from python\\n')\n"
		"print(s.recv(100).decode(), s.version())\" >%s 2>&1",
		cert, r.port, cmd_out);
	o = slurp_or_empty(cmd_out);
	cr_expect_eq(rc, 0, "python: %s", o);
	cr_expect(strstr(o, "FROM PYTHON"), "python: %s", o);
	free(o);
	cr_expect_eq(h_wait(&r.sv, 10), 0);

	/* our client against openssl s_server -rev (it answers each line reversed) */
	char ss_out[512];
	snprintf(ss_out, sizeof ss_out, "%s/sserver.out", dir);
	/* run directly, so that h_wait's kill (10 s at most) reaches it */
	char *ss[] = { "/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:0",
		       "-cert", cert, "-key", key, "-rev", "-naccept", "1", NULL };
	struct h_proc sp;
	cr_assert_eq(h_spawn(&sp, ss, ss_out), 0);
	/* its "ACCEPT 127.0.0.1:PORT" line, on its standard output */
	int port = -1;
	char said[1024] = "";
	size_t len = 0;
	for (int i = 0; i < 100 && port < 0 && len < sizeof said - 1; i++) {
		struct pollfd p = { sp.out, POLLIN, 0 };
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(sp.out, said + len, sizeof said - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		said[len] = '\0';
		char *a = strstr(said, "ACCEPT 127.0.0.1:");
		if (a && strchr(a, '\n'))
			port = atoi(a + strlen("ACCEPT 127.0.0.1:"));
	}
	if (port <= 0) {
		h_wait(&sp, 0);   /* killed, not left behind */
		cr_assert_fail("s_server did not say its port: %s", said);
	}
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	char *cl[] = { "bin/inet-client", "-q", "--tls", "-w", "5000", "-p", ps, "hello", "world", NULL };
	char *out = NULL;
	cr_expect_eq(h_run(cl, NULL, 0, &out, NULL), 0, "%s", out);
	cr_expect(strstr(out, "the certificate verified"), "%s", out);
	cr_expect(strstr(out, "olleh"), "%s", out);
	cr_expect(strstr(out, "dlrow"), "%s", out);
	free(out);
	h_wait(&sp, 10);
	h_tmpdir_free(dir);
}

Test(tls, garbage_instead_of_a_client_hello_is_survived, .timeout = 60)
{
	char *dir = private_config();
	static const char *const models[] = { "iterative", "epoll", "thread" };
	for (size_t m = 0; m < 3; m++) {
		struct run r;
		start(&r, &fams[0], models[m], 2, NULL, NULL);
		/* the plain client's words are not a TLS record */
		char *plain[] = { "bin/inet-client", "-q", "-w", "3000", "-p", r.port, "GET / HTTP/1.0", NULL };
		h_run(plain, NULL, 0, NULL, NULL);
		push(&r, "-q");
		push(&r, "still here");
		char *out = NULL;
		cr_expect_eq(h_run((char *const *)r.cl, NULL, 0, &out, NULL), 0, "%s: %s", models[m], out);
		cr_expect(strstr(out, "STILL HERE"), "%s: %s", models[m], out);
		free(out);
		char log[8192] = "";
		size_t len = 0;
		ssize_t n;
		while (len < sizeof log - 1 && (n = read(r.sv.out, log + len, sizeof log - 1 - len)) > 0)
			len += (size_t)n;
		log[len] = '\0';
		cr_expect_eq(h_wait(&r.sv, 10), 0, "%s", models[m]);
		cr_expect(strstr(log, "TLS handshake failed: http request; closing the connection"),
			  "%s: %s", models[m], log);
	}
	h_tmpdir_free(dir);
}

Test(tls, refused_before_any_socket)
{
	char *dir = private_config();
	struct {
		char *argv[12];
		const char *says;
	} cases[] = {
		{ { "bin/inet-client", "--tls", "-u", "x", NULL }, "--tls needs a byte stream" },
		{ { "bin/inet-server", "--tls", "-u", NULL }, "--tls needs a byte stream" },
		{ { "bin/unix-client", "--tls", "-k", "dgram", "x", NULL }, "SOCK_DGRAM socket is not one" },
		{ { "bin/unix-server", "--tls", "-k", "seqpacket", NULL }, "SOCK_SEQPACKET socket is not one" },
		/* descriptors and credentials travel beside the bytes; TLS carries bytes only */
		{ { "bin/unix-client", "--tls", "--send-fd", "Makefile", "x", NULL }, "they do not go with --tls" },
		{ { "bin/unix-client", "--tls", "--cred", "x", NULL }, "they do not go with --tls" },
		{ { "bin/unix-server", "--tls", "--passcred", NULL }, "they do not go with --tls" },
		{ { "bin/inet-server", "--tls", "--cert", "/nonexistent.pem", "--key", "/nonexistent.key", NULL },
		  "--cert /nonexistent.pem: No such file" },
		{ { "bin/inet-server", "--tls", "--cert", "/etc/hostname", NULL }, "--cert and --key go together" },
		{ { "bin/inet-client", "--tls", "--cafile", "/nonexistent.pem", "x", NULL },
		  "--cafile /nonexistent.pem: No such file" },
		{ { "bin/inet-client", "--cafile", "/etc/hostname", "x", NULL }, "an option of --tls" },
		{ { "bin/inet-client", "--tls", "--insecure", "--cafile", "/etc/hostname", "x", NULL },
		  "one or the other" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i].argv, cases[i].says);
		cr_expect_null(why, "%s", why);
		free(why);
	}
	h_tmpdir_free(dir);
}
