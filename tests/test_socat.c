/*
 * Peers the project did not write: socat (Debian's, in .ci/packages) as the
 * client of our servers and as the server of our clients, on TCP, IPv6 and
 * a UNIX socket; as the client of the command server; and over TLS against
 * our server. Every byte either way. (socat in a chat room: test_chat.c.)
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int have_socat(void)
{
	return access("/usr/bin/socat", X_OK) == 0;
}

/* socat as the client of our echo servers: what it sends comes back upper-cased. */
Test(socat, socat_client_against_our_servers, .timeout = 60)
{
	if (!have_socat())
		cr_skip_test("socat is not installed (make deps installs it)");
	char *dir = h_tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/s.sock", dir);
	static const struct {
		const char *server[8];
		const char *fmt;   /* socat's address, with the port or path */
	} cases[] = {
		{ { "bin/inet-server", "-q", "-p", "0", "-n", "1", "--model", NULL }, "TCP4:127.0.0.1:%s" },
		{ { "bin/inet6-server", "-q", "-p", "0", "-n", "1", "--model", NULL }, "TCP6:[::1]:%s" },
		{ { "bin/unix-server", "-q", "-n", "1", "--model", NULL }, "UNIX-CONNECT:%s" },
	};
	static const char *const models[] = { "iterative", "fork", "epoll" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
			char *argv[16];
			int n = 0;
			for (int k = 0; cases[i].server[k]; k++)
				argv[n++] = (char *)cases[i].server[k];
			argv[n++] = (char *)models[m];
			int unix_sock = strstr(cases[i].server[0], "unix") != NULL;
			if (unix_sock) {
				unlink(path);
				argv[n++] = "-a";
				argv[n++] = path;
			}
			argv[n] = NULL;
			struct h_proc sv;
			cr_assert_eq(h_start_server(&sv, argv, NULL), 0, "%s", argv[0]);
			char port[16], addr[400];
			snprintf(port, sizeof port, "%d", h_port_of(sv.first));
			snprintf(addr, sizeof addr, cases[i].fmt, unix_sock ? path : port);
			char *sc[] = { "/usr/bin/socat", "-t", "2", "-", addr, NULL };
			const char *in = "hello from socat\nsecond line\n";
			char *out = NULL;
			cr_expect_eq(h_run(sc, in, strlen(in), &out, NULL), 0, "socat %s", addr);
			cr_expect_str_eq(out ? out : "", "HELLO FROM SOCAT\nSECOND LINE\n", "%s --model %s",
					 cases[i].server[0], models[m]);
			free(out);
			cr_expect_eq(h_wait(&sv, 10), 0, "%s --model %s", cases[i].server[0], models[m]);
		}
	}
	h_tmpdir_free(dir);
}

/* socat as the server of our client: an echo that does not upper-case
 * (socat's PIPE), and our client shows exactly what came back. */
Test(socat, our_client_against_a_socat_server, .timeout = 60)
{
	if (!have_socat())
		cr_skip_test("socat is not installed (make deps installs it)");
	char *dir = h_tmpdir();
	char path[300], listen[400];
	snprintf(path, sizeof path, "%s/socat.sock", dir);
	snprintf(listen, sizeof listen, "UNIX-LISTEN:%s", path);
	char *sc[] = { "/usr/bin/socat", listen, "PIPE", NULL };
	struct h_proc sv;
	cr_assert_eq(h_spawn(&sv, sc, NULL), 0);
	for (int i = 0; i < 200 && access(path, F_OK); i++)
		usleep(10000);
	cr_assert_eq(access(path, F_OK), 0, "socat did not listen");
	char *argv[] = { "bin/unix-client", "-q", "-a", path, "as it is", "Mixed Case", NULL };
	char *out = NULL;
	cr_expect_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	const char *ans = out && strchr(out, '\n') ? strchr(out, '\n') + 1 : "";   /* after "connected, ..." */
	cr_expect_str_eq(ans, "as it is\nMixed Case\n", "%s", out);
	free(out);
	h_wait(&sv, 5);
	h_tmpdir_free(dir);
}

/* socat's OpenSSL client against our --tls server, verifying the certificate
 * the server made. */
Test(socat, socat_tls_client_against_our_tls_server, .timeout = 60)
{
	if (!have_socat())
		cr_skip_test("socat is not installed (make deps installs it)");
	char *dir = h_tmpdir();
	setenv("XDG_CONFIG_HOME", dir, 1);
	char *argv[] = { "bin/inet-server", "-q", "-p", "0", "-n", "1", "--tls", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, argv, NULL), 0);
	char addr[600];
	snprintf(addr, sizeof addr, "OPENSSL:127.0.0.1:%d,cafile=%s/sockfam/tls-cert.pem,commonname=localhost",
		 h_port_of(sv.first), dir);
	char *sc[] = { "/usr/bin/socat", "-t", "2", "-", addr, NULL };
	const char *in = "over tls\n";
	char *out = NULL;
	cr_expect_eq(h_run(sc, in, strlen(in), &out, NULL), 0, "socat %s", addr);
	cr_expect_str_eq(out ? out : "", "OVER TLS\n");
	free(out);
	cr_expect_eq(h_wait(&sv, 10), 0);
	unsetenv("XDG_CONFIG_HOME");
	h_tmpdir_free(dir);
}

/* socat as the client of the command server: every command line it sends
 * gets its answer, the bad one an error, and the connection goes on. */
Test(socat, socat_client_of_the_command_server, .timeout = 60)
{
	if (!have_socat())
		cr_skip_test("socat is not installed (make deps installs it)");
	static const char *const models[] = { "iterative", "thread", "epoll" };
	for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
		char *argv[] = { "bin/inet6-server", "-q", "-p", "0", "-n", "1", "--service", "cmd", "--model",
				 (char *)models[m], NULL };
		struct h_proc sv;
		cr_assert_eq(h_start_server(&sv, argv, NULL), 0, "%s", models[m]);
		char addr[64];
		snprintf(addr, sizeof addr, "TCP6:[::1]:%d", h_port_of(sv.first));
		char *sc[] = { "/usr/bin/socat", "-t", "5", "-", addr, NULL };
		const char *in = "echo via socat\ndate; rm -rf ~\nseq 2\n";
		char *out = NULL;
		cr_expect_eq(h_run(sc, in, strlen(in), &out, NULL), 0, "socat %s", addr);
		cr_expect_str_eq(out ? out : "",
				 "via socat\n[exit 0]\n"
				 "[error: ';' (at byte 5) is shell syntax, and no shell runs here: the whole line is one "
				 "command, refused, and nothing was run]\n"
				 "1\n2\n[exit 0]\n",
				 "--model %s", models[m]);
		free(out);
		cr_expect_eq(h_wait(&sv, 10), 0, "--model %s", models[m]);
	}
}
