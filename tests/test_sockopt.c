/*
 * bin/sockopt: SO_RCVBUF doubled and clamped at net.core.rmem_max (read here
 * by the test), options refused for the wrong kind with the errno the kernel
 * gives the test's own socket, every listed option present, bad input
 * refused, and every traced line identical to strace's for each family/kind.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static long sysctl_value(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;
	if (f && fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

Test(sockopt, rcvbuf_doubles_and_clamps_at_the_sysctl)
{
	long max = sysctl_value("/proc/sys/net/core/rmem_max");
	if (max <= 0 || max > (1L << 27))
		cr_skip_test("net.core.rmem_max cannot be read here (or is too large to pass)");
	char big[32];
	snprintf(big, sizeof big, "so_rcvbuf=%ld", 4 * max);
	char *out = NULL;
	char *argv[] = { "bin/sockopt", "-q", "--json", "SO_RCVBUF=4096", big, NULL };
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "%s", out);
	cr_expect(strstr(out, "\"set\": \"4096\", \"read_back\": \"8192\", \"note\": \"doubled by the kernel"), "%s", out);
	char want[256];
	snprintf(want, sizeof want,
		 "\"set\": \"%ld\", \"read_back\": \"%ld\", \"note\": \"clamped at net.core.rmem_max = %ld, then doubled\"",
		 4 * max, 2 * max, max);
	cr_expect(strstr(out, want), "want %s in\n%s", want, out);
	free(out);
}

/* What the kernel says to getsockopt(level, name) on a socket of ours. */
static int kernel_errno(int domain, int type, int level, int name)
{
	int fd = socket(domain, type, 0), v;
	socklen_t len = sizeof v;
	cr_assert_geq(fd, 0);
	int e = getsockopt(fd, level, name, &v, &len) < 0 ? errno : 0;
	close(fd);
	return e;
}

Test(sockopt, wrong_kind_refused_with_the_kernels_errno)
{
	const struct {
		const char *family, *kind, *opt;
		int domain, type, level, name;
	} cases[] = {
		{ "unix", "stream", "tcp_nodelay", AF_UNIX, SOCK_STREAM, IPPROTO_TCP, TCP_NODELAY },
		{ "inet", "udp", "tcp_nodelay", AF_INET, SOCK_DGRAM, IPPROTO_TCP, TCP_NODELAY },
		{ "inet", "tcp", "ipv6_v6only", AF_INET, SOCK_STREAM, IPPROTO_IPV6, IPV6_V6ONLY },
		{ "unix", "dgram", "ip_ttl", AF_UNIX, SOCK_DGRAM, IPPROTO_IP, IP_TTL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int e = kernel_errno(cases[i].domain, cases[i].type, cases[i].level, cases[i].name);
		cr_assert_neq(e, 0, "%s on %s/%s: the kernel took it", cases[i].opt, cases[i].family, cases[i].kind);
		char *out = NULL;
		char *argv[] = { "bin/sockopt", "-q", "--json", "-f", (char *)cases[i].family, "-k",
				 (char *)cases[i].kind, (char *)cases[i].opt, NULL };
		cr_expect_eq(h_run(argv, NULL, 0, &out, NULL), 1, "an option named and refused: exit 1");
		char want[128];
		snprintf(want, sizeof want, "\"refused\": {\"call\": \"getsockopt\", \"errno\": \"%s\"", strerrorname_np(e));
		cr_expect(out && strstr(out, want), "%s/%s %s: want %s in\n%s", cases[i].family, cases[i].kind,
			  cases[i].opt, want, out);
		free(out);
	}
}

Test(sockopt, every_listed_option_is_shown)
{
	static const char *const listed[] = {
		"SO_TYPE", "SO_DOMAIN", "SO_PROTOCOL", "SO_ACCEPTCONN", "SO_ERROR", "SO_RCVBUF", "SO_SNDBUF",
		"SO_RCVLOWAT", "SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "SO_LINGER", "SO_RCVTIMEO",
		"SO_SNDTIMEO", "SO_BROADCAST", "SO_PASSCRED", "SO_PEERCRED", "SO_OOBINLINE", "TCP_NODELAY",
		"TCP_MAXSEG", "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_CORK", "TCP_INFO", "IP_TTL",
		"IP_TOS", "IPV6_V6ONLY", "IPV6_UNICAST_HOPS",
	};
	char *out = NULL;
	char *argv[] = { "bin/sockopt", "-q", "-f", "inet6", NULL };
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, "\n%s ", listed[i]);
		char want2[64];
		snprintf(want2, sizeof want2, "\n  %s ", listed[i]);
		cr_expect(strstr(out, want) || strstr(out, want2), "%s missing from\n%s", listed[i], out);
	}
	cr_expect(strstr(out, "TCP_INFO           SOL_TCP     state=TCP_CLOSE "), "%s", out);
	cr_expect(strstr(out, "IPV6_V6ONLY        SOL_IPV6"), "%s", out);
	free(out);
}

Test(sockopt, bad_input_is_refused)
{
	char *const cases[][6] = {
		{ "bin/sockopt", "SO_NOSUCH", NULL },
		{ "bin/sockopt", "so_rcvbuf=lots", NULL },
		{ "bin/sockopt", "so_linger=3", NULL },
		{ "bin/sockopt", "so_rcvtimeo=1.1234567", NULL },
		{ "bin/sockopt", "so_type=1", NULL },
		{ "bin/sockopt", "-f", "nosuch", NULL },
		{ "bin/sockopt", "-k", "seqpacket", NULL },
		{ "bin/sockopt", "-f", "inet", "-f", "unix", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i], NULL);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
}

/* The differential test: every getsockopt/setsockopt line against strace's. */
Test(sockopt, trace_equals_strace, .timeout = 60)
{
	if (!h_have_strace())
		cr_skip_test("strace is not installed (make deps installs it)");
	const char *const kinds[][2] = {
		{ "inet", "tcp" }, { "inet", "udp" }, { "inet6", "tcp" }, { "inet6", "udp" },
		{ "unix", "stream" }, { "unix", "dgram" }, { "unix", "seqpacket" }, { "netlink", "route" },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		char *dir = h_tmpdir(), pre[300], own[300];
		snprintf(pre, sizeof pre, "%s/st", dir);
		snprintf(own, sizeof own, "%s/own", dir);
		char *argv[] = { "/usr/bin/strace", "-ff", "-o", pre, "-e", "trace=%network,close", "bin/sockopt", "-f",
				 (char *)kinds[i][0], "-k", (char *)kinds[i][1], "-o", own, NULL };
		cr_assert_eq(h_run(argv, NULL, 0, NULL, NULL), 0, "%s/%s", kinds[i][0], kinds[i][1]);
		char *sf = h_strace_file(dir, "st"), *diff = NULL;
		cr_assert(sf);
		size_t same, total = h_strace_compare(sf, own, &same, &diff);
		cr_expect_gt(total, 40, "%s/%s: strace saw too few calls", kinds[i][0], kinds[i][1]);
		cr_expect_eq(same, total, "%s/%s:\n%s", kinds[i][0], kinds[i][1], diff ? diff : "");
		cr_expect_null(diff, "%s/%s:\n%s", kinds[i][0], kinds[i][1], diff);
		free(diff);
		free(sf);
		h_tmpdir_free(dir);
	}
}
