/*
 * OpenSSL is loaded at run time (common/ossl.h), only by a run that uses it:
 * no program is linked with libssl or libcrypto; a plain server (every
 * stream family, the fork model) maps neither; a --tls server maps both and
 * an upload server libcrypto alone, before its first connection (in the main
 * process, so no worker loads it); a library that cannot be loaded
 * (SOCKFAM_LIBSSL, SOCKFAM_LIBCRYPTO naming a missing one, or one without
 * the functions) is one line on stderr and exit status 1, and a run that
 * needs neither does not notice.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

struct fam {
	const char *name, *server, *client;
	int port;   /* -p 0; else an abstract UNIX name */
};

static const struct fam fams[] = {
	{ "inet", "bin/inet-server", "bin/inet-client", 1 },
	{ "inet6", "bin/inet6-server", "bin/inet6-client", 1 },
	{ "unix", "bin/unix-server", "bin/unix-client", 0 },
};
#define NFAMS (sizeof fams / sizeof fams[0])

/* What pid maps of OpenSSL: bit 1 libcrypto.so, bit 2 libssl.so. */
static int openssl_mapped(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	char *maps = h_slurp(path, NULL);
	cr_assert(maps, "cannot read %s", path);
	int got = (strstr(maps, "/libcrypto.so") ? 1 : 0) | (strstr(maps, "/libssl.so") ? 2 : 0);
	free(maps);
	return got;
}

struct run {
	struct h_proc sv;
	char addr[96], port[16];
	const char *cl[24];
	int n;
};

/* Starts f's server under --model fork with `extra` (NULL-terminated) and
 * puts its client's argv up to the messages into r->cl. */
static void start(struct run *r, const struct fam *f, const char *const *extra)
{
	static int seq;
	const char *sv[24];
	int n = 0;
	sv[n++] = f->server;
	sv[n++] = "-q";
	sv[n++] = "--model";
	sv[n++] = "fork";
	if (f->port) {
		sv[n++] = "-p";
		sv[n++] = "0";
	} else {
		snprintf(r->addr, sizeof r->addr, "@sockfam-ossl-%d-%d", (int)getpid(), seq++);
		sv[n++] = "-a";
		sv[n++] = r->addr;
	}
	for (; extra && *extra; extra++)
		sv[n++] = *extra;
	sv[n] = NULL;
	cr_assert_eq(h_start_server(&r->sv, (char *const *)sv, NULL), 0, "%s: the server did not start", f->name);
	r->n = 0;
	r->cl[r->n++] = f->client;
	r->cl[r->n++] = "-q";
	if (f->port) {
		snprintf(r->port, sizeof r->port, "%d", h_port_of(r->sv.first));
		r->cl[r->n++] = "-p";
		r->cl[r->n++] = r->port;
	} else {
		r->cl[r->n++] = "-a";
		r->cl[r->n++] = r->addr;
	}
}

/* The client, with `extra` (may be NULL) before its message, says hello and
 * gets HELLO back; `what` names the run in a failure. */
static void hello(struct run *r, const char *extra, const char *what)
{
	if (extra)
		r->cl[r->n++] = extra;
	r->cl[r->n++] = "hello";
	r->cl[r->n] = NULL;
	char *out = NULL;
	cr_expect_eq(h_run((char *const *)r->cl, NULL, 0, &out, NULL), 0, "%s", what);
	cr_expect(out && strstr(out, "HELLO"), "%s: %s", what, out ? out : "");
	free(out);
}

static void stop(struct run *r)
{
	kill(r->sv.pid, SIGTERM);
	cr_expect_eq(h_wait(&r->sv, 10), 0, "the server's exit status");
}

/* What `tool prog` prints (ldd, readelf -d), stderr included. */
static char *tool_on(const char *tool, const char *prog)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s %s 2>&1", tool, prog);
	FILE *p = popen(cmd, "r");
	cr_assert(p);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[512];
	size_t r;
	while ((r = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, r, m);
	pclose(p);
	fclose(m);
	return text;
}

/* Runs `tool` on every program in bin/ and hands check its output. */
static void each_program(const char *tool, void (*check)(const char *path, const char *out))
{
	DIR *d = opendir("bin");
	cr_assert(d, "no bin/");
	int seen = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[300];
		snprintf(path, sizeof path, "bin/%s", e->d_name);
		char *text = tool_on(tool, path);
		check(path, text);
		free(text);
		seen++;
	}
	closedir(d);
	cr_expect_gt(seen, 10);
}

static void links_no_openssl(const char *path, const char *ldd)
{
	cr_expect(!strstr(ldd, "libssl") && !strstr(ldd, "libcrypto"), "%s needs OpenSSL:\n%s", path, ldd);
	cr_expect(strstr(ldd, "libc.so"), "ldd %s:\n%s", path, ldd);
}

Test(ossl, no_program_is_linked_with_openssl)
{
	each_program("ldd", links_no_openssl);
}

static void binds_now(const char *path, const char *dynamic)
{
	cr_expect(strstr(dynamic, "BIND_NOW"), "%s is not linked -z now:\n%s", path, dynamic);
}

/* Linked -z now: a child of the fork model binds no symbol of its own (lazy
 * binding would look each one up, and write the table, in every child). */
Test(ossl, every_program_binds_its_symbols_at_start)
{
	each_program("readelf -d", binds_now);
}

Test(ossl, a_plain_run_maps_no_openssl, .timeout = 60)
{
	for (size_t i = 0; i < NFAMS; i++) {
		struct run r;
		start(&r, &fams[i], NULL);
		cr_expect_eq(openssl_mapped(r.sv.pid), 0, "%s: a plain server maps OpenSSL", fams[i].name);
		hello(&r, NULL, fams[i].name);
		cr_expect_eq(openssl_mapped(r.sv.pid), 0, "%s: a plain server maps OpenSSL after a client",
			     fams[i].name);
		stop(&r);
	}
}

Test(ossl, tls_and_upload_load_it_before_the_first_connection, .timeout = 60)
{
	char *dir = h_tmpdir();
	cr_assert(dir);
	setenv("XDG_CONFIG_HOME", dir, 1);   /* the server's certificate */
	struct run r;
	static const char *const tls[] = { "--tls", NULL };
	start(&r, &fams[0], tls);
	cr_expect_eq(openssl_mapped(r.sv.pid), 3, "a --tls server maps libssl and libcrypto before serving");
	hello(&r, "--tls", "a --tls client");
	stop(&r);

	char up[400];
	snprintf(up, sizeof up, "%s/up", dir);
	cr_assert_eq(mkdir(up, 0755), 0);
	const char *const upload[] = { "--service", "upload", "--dir", up, NULL };
	start(&r, &fams[0], upload);
	cr_expect_eq(openssl_mapped(r.sv.pid), 1, "an upload server maps libcrypto alone before serving");
	char file[400];
	snprintf(file, sizeof file, "%s/notes.txt", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fputs("abc", f);
	fclose(f);
	r.cl[r.n++] = "--upload";
	r.cl[r.n++] = file;
	r.cl[r.n] = NULL;
	char *out = NULL;
	cr_expect_eq(h_run((char *const *)r.cl, NULL, 0, &out, NULL), 0);
	/* sha256sum of "abc" */
	cr_expect(out && strstr(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad: the same"),
		  "%s", out ? out : "");
	free(out);
	stop(&r);
	h_tmpdir_free(dir);
}

/* Runs argv with stderr into err; its exit status and stderr (malloc'd). */
static int run_err(const char *const *argv, const char *errfile, char **err)
{
	int rc = h_run((char *const *)argv, NULL, 0, NULL, errfile);
	*err = h_slurp(errfile, NULL);
	cr_assert(*err);
	return rc;
}

Test(ossl, a_library_that_cannot_be_loaded_is_one_line_and_exit_1, .timeout = 60)
{
	char *dir = h_tmpdir();
	cr_assert(dir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	char errf[400], file[400];
	snprintf(errf, sizeof errf, "%s/err", dir);
	snprintf(file, sizeof file, "%s/notes.txt", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fclose(f);
	char *e;

	setenv("SOCKFAM_LIBSSL", "/nonexistent/libssl.so.3", 1);
	const char *const tls[] = { "bin/inet-server", "--tls", "-p", "0", NULL };
	cr_expect_eq(run_err(tls, errf, &e), 1);
	cr_expect_str_eq(e, "inet-server: --tls needs OpenSSL 3 (Debian's package libssl3): /nonexistent/libssl.so.3: "
			 "cannot open shared object file: No such file or directory\n");
	free(e);
	const char *const tlsc[] = { "bin/inet-client", "--tls", "--insecure", "-p", "1", "hi", NULL };
	cr_expect_eq(run_err(tlsc, errf, &e), 1);
	cr_expect(strstr(e, "inet-client: --tls needs OpenSSL 3") && strchr(e, '\n') == e + strlen(e) - 1, "%s", e);
	free(e);

	/* a library without the functions: every one is looked up before any is used */
	setenv("SOCKFAM_LIBSSL", "libcrypto.so.3", 1);
	cr_expect_eq(run_err(tls, errf, &e), 1);
	cr_expect(strstr(e, "inet-server: --tls needs OpenSSL 3 (Debian's package libssl3): libcrypto.so.3 has "
			 "no function SSL_") && strchr(e, '\n') == e + strlen(e) - 1, "%s", e);
	free(e);

	setenv("SOCKFAM_LIBCRYPTO", "/nonexistent/libcrypto.so.3", 1);
	const char *const upc[] = { "bin/inet-client", "--upload", file, "-p", "1", NULL };
	cr_expect_eq(run_err(upc, errf, &e), 1);
	cr_expect_str_eq(e, "inet-client: --upload needs OpenSSL 3 (Debian's package libssl3): "
			 "/nonexistent/libcrypto.so.3: cannot open shared object file: No such file or directory\n");
	free(e);
	const char *const ups[] = { "bin/inet-server", "--service", "upload", "--dir", dir, "-p", "0", NULL };
	cr_expect_eq(run_err(ups, errf, &e), 1);
	cr_expect(strstr(e, "inet-server: --service upload needs OpenSSL 3") && strchr(e, '\n') == e + strlen(e) - 1,
		  "%s", e);
	free(e);

	/* a run that needs neither library does not look for them */
	struct run r;
	start(&r, &fams[0], NULL);
	hello(&r, NULL, "a plain client");
	stop(&r);
	h_tmpdir_free(dir);
}
