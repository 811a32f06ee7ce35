/*
 * One command line across every family program (common/cli.c): every option
 * each program's --help lists is taken, before and after a message; the
 * options a program does not list are refused; every rejected form is one
 * line that starts with the program's name, exit 2, and no socket call.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *const programs[] = {
	"bin/inet-server", "bin/inet-client", "bin/inet6-server", "bin/inet6-client",
	"bin/unix-server", "bin/unix-client", "bin/netlink-query", "bin/netlink-monitor",
};
#define NPROGS (sizeof programs / sizeof programs[0])

/* A value each option takes on a program (NULL: a flag). */
static const char *value_for(const char *prog, const char *opt, const char *dir)
{
	static char path[300];
	if (!strcmp(opt, "-a") || !strcmp(opt, "--address")) {
		if (strstr(prog, "inet6"))
			return "::1";
		if (strstr(prog, "inet"))
			return "127.0.0.1";
		snprintf(path, sizeof path, "%s/s.sock", dir);
		return path;
	}
	if (!strcmp(opt, "-p") || !strcmp(opt, "--port"))
		return strstr(prog, "server") ? "0" : "9";   /* a client's port: 1 to 65535 */
	/* --tls: the pair the first --tls server made in XDG_CONFIG_HOME (dir) */
	if (!strcmp(opt, "--cert") || !strcmp(opt, "--cafile") || !strcmp(opt, "--key")) {
		snprintf(path, sizeof path, "%s/sockfam/tls-%s.pem", dir, strcmp(opt, "--key") ? "cert" : "key");
		return path;
	}
	if (!strcmp(opt, "--dir"))
		return dir;
	if (!strcmp(opt, "--join"))
		return strstr(prog, "inet6") ? "ff0e::1:2" : "239.1.2.3";
	if (!strcmp(opt, "--upload"))
		return "Makefile";
	static const struct {
		const char *opt, *val;
	} vals[] = { { "-n", "1" }, { "--count", "1" }, { "-w", "100" },
		{ "--wait", "100" }, { "--model", "fork" }, { "--service", "echo" }, { "--backlog", "8" },
		{ "--idle", "5" }, { "--max-clients", "4" }, { "--framing", "length" }, { "--max-frame", "1000" }, { "-s", "10" }, { "--mode", "0600" }, { "--send-fd", "Makefile" },
		{ "--family", "inet" }, { "--proto", "tcp" }, { "--rcvbuf", "65536" },
		{ "--cmd-timeout", "3" }, { "--timeout", "3" }, { "--ttl", "1" }, { "--lang", "C" },
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		if (!strcmp(vals[i].opt, opt))
			return vals[i].val;
	if (!strcmp(opt, "-k") || !strcmp(opt, "--kind"))
		return strstr(prog, "unix") ? "seqpacket" : "tcp";
	return NULL;
}

/* The options a program's --help lists: "-a", "--address", ... and whether each takes a value. */
static size_t listed_options(const char *prog, char opts[][32], int *takes, size_t max)
{
	char *argv[] = { (char *)prog, "--help", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "%s --help", prog);
	size_t n = 0;
	for (char *line = strtok(out, "\n"); line && n < max; line = strtok(NULL, "\n")) {
		if (strncmp(line, "  -", 3))
			continue;
		/* "  -a, --address ADDRESS  help", "  -t, -tt  help", "  --model NAME[=N]  help" */
		char *p = line + 2;
		size_t first = n;
		int value = 0;
		while (*p == '-' && n < max) {
			size_t w = strcspn(p, ", ");
			value = p[w] == ' ' && p[w + 1] >= 'A' && p[w + 1] <= 'Z';
			if (w < 32 && strncmp(p, "-tt", 3) && strncmp(p, "-xx", 3) && strncmp(p, "-yy", 3)) {
				snprintf(opts[n], 32, "%.*s", (int)w, p);
				n++;
			}
			p += w;
			if (*p == ',')
				p += 2;
			else
				break;
		}
		/* "-a, --address ADDRESS": the value goes with every name of the row */
		for (size_t i = first; i < n; i++)
			takes[i] = value;
	}
	free(out);
	return n;
}

/* Every listed option is taken (status other than 2), before and after a
 * client's message, and in any order among a server's options. */
Test(cli, every_listed_option_is_taken_in_any_position, .timeout = 120)
{
	char *dir = h_tmpdir();
	setenv("XDG_CONFIG_HOME", dir, 1);   /* --tls's certificate: made here */
	for (size_t p = 0; p < NPROGS; p++) {
		const char *prog = programs[p];
		int server = strstr(prog, "server") || strstr(prog, "monitor");
		int netlink = strstr(prog, "netlink") != NULL;
		char opts[64][32];
		int takes[64];
		size_t n = listed_options(prog, opts, takes, 64);
		cr_expect_gt(n, 5, "%s lists only %zu options", prog, n);
		for (size_t i = 0; i < n; i++) {
			const char *o = opts[i];
			/* these print and exit before anything runs: test_man checks --version */
			if (!strcmp(o, "-h") || !strcmp(o, "--help") || !strcmp(o, "--version"))
				continue;
			for (int after = 0; after < 2; after++) {
				char *argv[16];
				int k = 0;
				argv[k++] = (char *)prog;
				/* quiet unless the option is a trace option that needs the trace */
				int trace_opt = !strcmp(o, "-o") || !strcmp(o, "-t") || !strcmp(o, "-T") || !strcmp(o, "-y");
				if (!trace_opt && strcmp(o, "-q"))
					argv[k++] = "-q";
				char ofile[320];
				snprintf(ofile, sizeof ofile, "%s/trace", dir);
				const char *v = !strcmp(o, "-o") ? ofile : value_for(prog, o, dir);
				if (takes[i] && !v)
					cr_assert_fail("%s: no sample value for %s", prog, o);
				const char *msg = netlink ? (server ? NULL : "families") : server ? NULL : "hi";
				if (!strcmp(o, "--family") || !strcmp(o, "--proto") || !strcmp(o, "--listening"))
					msg = "sockets";
				if (!strcmp(o, "-4") || !strcmp(o, "-6") || !strcmp(o, "--ipv4") || !strcmp(o, "--ipv6"))
					msg = "addrs";
				if (!strcmp(o, "--upload"))
					msg = NULL;   /* --upload sends a file, no message */
				if (msg && !after)
					argv[k++] = (char *)msg;
				if (!server && !netlink && (!strcmp(o, "-w") || !strcmp(o, "--wait"))) {
					/* -w is for datagram answers */
					argv[k++] = "-k";
					argv[k++] = strstr(prog, "unix") ? "dgram" : "udp";
				}
				if (server && (!strcmp(o, "--max-clients")))
					argv[k++] = "--model=fork";
				if (!strcmp(o, "--join"))
					argv[k++] = "-u";   /* a group is joined by a datagram socket */
				if (server && !strcmp(o, "--cmd-timeout"))
					argv[k++] = "--service=cmd";
				/* --tls's options go with it (--cert with its --key, and back) */
				static char pair[320];
				if (!strcmp(o, "--cert") || !strcmp(o, "--key") || !strcmp(o, "--cafile") ||
				    !strcmp(o, "--insecure"))
					argv[k++] = "--tls";
				if (!strcmp(o, "--cert") || !strcmp(o, "--key")) {
					int key = !strcmp(o, "--cert");
					snprintf(pair, sizeof pair, "--%s=%s/sockfam/tls-%s.pem", key ? "key" : "cert", dir,
						 key ? "key" : "cert");
					argv[k++] = pair;
				}
				/* --dir and --overwrite go with --service upload */
				static char updir[330];
				if (server && (!strcmp(o, "--dir") || !strcmp(o, "--overwrite")))
					argv[k++] = "--service=upload";
				if (server && !strcmp(o, "--overwrite")) {
					snprintf(updir, sizeof updir, "--dir=%s", dir);
					argv[k++] = updir;
				}
				argv[k++] = opts[i];
				if (takes[i])
					argv[k++] = !strcmp(o, "--max-clients") ? "4" : (char *)v;
				if (msg && after)
					argv[k++] = (char *)msg;
				if (server && !netlink && !strstr(prog, "unix") && strcmp(o, "-p") && strcmp(o, "--port")) {
					argv[k++] = "-p";
					argv[k++] = "0";
				}
				if (server && strstr(prog, "unix") && strcmp(o, "-a") && strcmp(o, "--address")) {
					static char path[300];
					snprintf(path, sizeof path, "%s/d.sock", dir);
					argv[k++] = "-a";
					argv[k++] = path;
				}
				argv[k] = NULL;
				char errf[320];
				snprintf(errf, sizeof errf, "%s/err", dir);
				int st;
				if (server) {
					/* a server that parsed its line listens (or, netlink-monitor, joins
					 * its groups): stop it there */
					struct h_proc sp;
					if (netlink) {
						h_spawn(&sp, argv, errf);
						usleep(100000);
						kill(sp.pid, SIGTERM);
						st = h_wait(&sp, 5);
						st = st == 2 ? 2 : 0;
					} else {
						st = h_start_server(&sp, argv, errf) == 0 ? 0 : 2;
						if (sp.pid > 0) {
							kill(sp.pid, SIGTERM);
							h_wait(&sp, 5);
						}
					}
				} else {
					st = h_run(argv, NULL, 0, NULL, errf);
				}
				char *err = h_slurp(errf, NULL);
				cr_expect_neq(st, 2, "%s %s %s (%s): refused: %s", prog, o, v ? v : "",
					      after ? "after the message" : "before it", err ? err : "");
				free(err);
			}
		}
	}
	h_tmpdir_free(dir);
}

/* Each rejected form: exit 2, one line that starts with the program's name and
 * says what is wrong, and (under strace) no socket call. */
Test(cli, rejected_forms_are_one_line_exit_2_no_socket, .timeout = 120)
{
	static const struct {
		const char *argv[8];
		const char *says;
	} bad[] = {
		{ { "bin/inet-client", "--udp=3", NULL }, "option '--udp' takes no argument" },
		{ { "bin/inet-client", "--bogus", NULL }, "unknown option '--bogus'" },
		{ { "bin/inet-client", "-Z", NULL }, "unknown option '-Z'" },
		{ { "bin/inet-client", "-p", NULL }, "option '-p' needs an argument" },
		{ { "bin/inet-client", "--port", NULL }, "option '--port' needs an argument" },
		{ { "bin/inet-client", "-u", "-k", "tcp", "hi", NULL }, "-u means -k udp" },
		{ { "bin/inet-client", "-k", "sctp", "hi", NULL }, "unknown socket kind 'sctp'" },
		{ { "bin/unix-client", "-k", "dgram", "-k", "stream", NULL }, "one socket kind at a time" },
		{ { "bin/unix-client", "-u", "hi", NULL }, "option '-u' does not apply to unix-client" },
		{ { "bin/unix-server", "-p", "1", NULL }, "option '-p' does not apply to unix-server" },
		{ { "bin/inet-client", "-v", "hi", NULL }, "option '-v' does not apply to inet-client" },
		{ { "bin/netlink-query", "-w", "5", "links", NULL }, "option '-w' does not apply to netlink-query" },
		{ { "bin/netlink-query", "-k", "route", "links", NULL }, "option '-k' does not apply" },
		{ { "bin/inet-client", "-f", "hi", NULL }, "option '-f' does not apply to inet-client" },
		{ { "bin/inet-client", "-q", "-o", "/tmp/x", "hi", NULL }, "-q turns the trace off" },
		{ { "bin/inet-client", "-q", "-tt", "hi", NULL }, "-q turns the trace off" },
		{ { "bin/inet-client", "--model", "fork", "hi", NULL }, "option '--model' does not apply" },
		{ { "bin/inet-server", "stray", NULL }, "unexpected argument 'stray'" },
		{ { "bin/inet-server", "--m", "3", NULL }, "ambiguous" },
		{ { "bin/inet-client", "--framing", "json", "hi", NULL }, "unknown framing 'json'" },
		{ { "bin/inet-server", "--max-frame", "0", NULL }, "invalid --max-frame '0'" },
		{ { "bin/inet-client", "-o", "/no/such/dir/t", "hi", NULL }, "cannot write trace to '/no/such/dir/t'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *why = h_refused((char *const *)bad[i].argv, bad[i].says);
		cr_expect_null(why, "%s", why);
		free(why);
	}
}

/* Options after the first message are options; after -- they are messages. */
Test(cli, options_anywhere_and_double_dash, .timeout = 30)
{
	char *dir = h_tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/s.sock", dir);
	char *sv_argv[] = { "bin/unix-server", "-q", "-a", path, "-n", "2", NULL };
	struct h_proc sv;
	cr_assert_eq(h_start_server(&sv, sv_argv, NULL), 0);
	/* the message first, the options after it */
	char *a1[] = { "bin/unix-client", "hello", "-a", path, "-q", NULL };
	char *out = NULL;
	cr_expect_eq(h_run(a1, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "HELLO\n"), "%s", out);
	cr_expect(out && !strstr(out, "-A"), "an option was sent as a message: %s", out);
	free(out);
	/* after --, words that look like options are messages */
	char *a2[] = { "bin/unix-client", "-q", "-a", path, "--", "-p", "--help", NULL };
	cr_expect_eq(h_run(a2, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "-P\n--HELP\n"), "%s", out);
	free(out);
	cr_expect_eq(h_wait(&sv, 5), 0);
	h_tmpdir_free(dir);
}

/* --help of every program: within 80 columns, and no option a program does not take. */
Test(cli, help_fits_80_columns_and_lists_only_what_applies, .timeout = 30)
{
	for (size_t p = 0; p < NPROGS; p++) {
		char *argv[] = { (char *)programs[p], "--help", NULL };
		char *out = NULL;
		cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
		char *save = NULL;
		for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			cr_expect_leq(strlen(l), 80, "%s --help: %zu columns: %s", programs[p], strlen(l), l);
		free(out);
	}
	static const struct {
		const char *prog, *absent;
	} absent[] = {
		{ "bin/inet-client", "\n  -v" }, { "bin/unix-server", "\n  -v" }, { "bin/netlink-query", "\n  -w" },
		{ "bin/netlink-query", "--address" }, { "bin/netlink-monitor", "--model" },
		{ "bin/unix-client", "--udp" }, { "bin/inet-client", "--model" }, { "bin/inet-server", "--wait" },
	};
	for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
		char *argv[] = { (char *)absent[i].prog, "--help", NULL };
		char *out = NULL;
		cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
		cr_expect(!strstr(out, absent[i].absent), "%s --help lists %s", absent[i].prog, absent[i].absent);
		free(out);
	}
	char *argv[] = { "bin/netlink-monitor", "--help", NULL };
	char *out = NULL;
	h_run(argv, NULL, 0, &out, NULL);
	cr_expect(out && strstr(out, "COUNT events"), "netlink-monitor's -n counts events: %s", out);
	free(out);
}
