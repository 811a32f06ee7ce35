/*
 * The trace layer's output: strace's layout around the call text (column 40,
 * pid prefixes, -t/-tt/-T), -q, and that a wrapper returns the raw result and
 * keeps errno.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/decode.h"
#include "../common/trace.h"

static FILE *trace_capture;

static void trace_capture_start(void)
{
	trace_capture = tmpfile();
	cr_assert(trace_capture);
	trace_cfg = (struct trace_config){ .enabled = 1, .out = trace_capture };
	decode_opts = (struct decode_opts){ .strsize = 32 };
}

static char *trace_capture_text(void)
{
	fflush(trace_capture);
	long n = ftell(trace_capture);
	char *s = calloc(1, (size_t)n + 1);
	rewind(trace_capture);
	cr_assert_eq(fread(s, 1, (size_t)n, trace_capture), (size_t)n);
	fclose(trace_capture);
	trace_cfg = (struct trace_config){ .enabled = 1 };
	return s;
}

static void expect_match(const char *text, const char *pattern)
{
	regex_t re;
	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0, "bad pattern %s", pattern);
	cr_expect_eq(regexec(&re, text, 0, NULL, 0), 0, "%s\ndoes not match\n%s", text, pattern);
	regfree(&re);
}

/* " = " at column 40, counting the prefix in; one space when the text is longer. */
Test(trace, alignment_at_column_40)
{
	static const struct { const char *lead, *call, *line; long rc; int err; } rows[] = {
		{ "", "listen(3, 1)", "listen(3, 1)                            = 0", 0, 0 },
		{ "", "socket(AF_INET, SOCK_STREAM, IPPROTO_IP)",
		  "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3", 3, 0 },
		/* 37, 38, 39 and 40 characters of call text: padded to 40, then one space */
		{ "", "0123456789012345678901234567890123456",
		  "0123456789012345678901234567890123456   = 0", 0, 0 },
		{ "", "01234567890123456789012345678901234567",
		  "01234567890123456789012345678901234567  = 0", 0, 0 },
		{ "", "012345678901234567890123456789012345678",
		  "012345678901234567890123456789012345678 = 0", 0, 0 },
		{ "", "0123456789012345678901234567890123456789",
		  "0123456789012345678901234567890123456789 = 0", 0, 0 },
		{ "[pid 12325] ", "shutdown(4, SHUT_WR)",
		  "[pid 12325] shutdown(4, SHUT_WR)        = 0", 0, 0 },
		{ "12:01:50.074607 ", "listen(3, 1)", "12:01:50.074607 listen(3, 1)            = 0", 0, 0 },
		{ "", "connect(3, NULL, 0)",
		  "connect(3, NULL, 0)                     = -1 ECONNREFUSED (Connection refused)", -1, ECONNREFUSED },
		{ "", "recvfrom(3, 0x1, 64, 0, NULL, NULL)",
		  "recvfrom(3, 0x1, 64, 0, NULL, NULL)     = -1 EAGAIN (Resource temporarily unavailable)", -1, EAGAIN },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct sbuf sb = SBUF_INIT;
		trace_format_line(&sb, rows[i].lead, rows[i].call, rows[i].rc, rows[i].err);
		cr_expect_str_eq(sb_str(&sb), rows[i].line);
		sb_free(&sb);
	}
}

/* A real failing call: raw result, errno kept, one line with the errno's name. */
Test(trace, wrapper_returns_raw_result_and_keeps_errno)
{
	trace_capture_start();
	errno = 0;
	int rc = t_listen(-1, 5);
	int err = errno;
	char *out = trace_capture_text();
	cr_expect_eq(rc, -1);
	cr_expect_eq(err, EBADF);
	cr_expect_str_eq(out, "listen(-1, 5)                           = -1 EBADF (Bad file descriptor)\n");
	free(out);
}

Test(trace, quiet_prints_nothing_but_still_calls)
{
	trace_capture_start();
	trace_cfg.enabled = 0;
	int fd = t_socket(AF_UNIX, SOCK_STREAM, 0);
	cr_expect_geq(fd, 0);
	cr_expect_eq(t_close(fd), 0);
	char *out = trace_capture_text();
	cr_expect_str_eq(out, "");
	free(out);
}

/* Several processes on one stream: "[pid N] " with N padded to 5 (strace's
 * "[pid %5u] "); in an -o file: "N " left-aligned in 5 ("%-5d "). */
Test(trace, pid_prefixes)
{
	trace_capture_start();
	trace_cfg.multi = 1;
	int sv[2];
	cr_assert_eq(t_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	trace_cfg.to_file = 1;
	t_close(sv[0]);
	trace_cfg.to_file = 0;
	trace_cfg.multi = 0;
	t_close(sv[1]);
	char *out = trace_capture_text();
	char want[512];
	snprintf(want, sizeof want,
		 "[pid %5d] socketpair(AF_UNIX, SOCK_STREAM, 0, [%d, %d]) = 0\n"
		 "%-5d close(%d)%*s= 0\n"
		 "close(%d)%*s= 0\n",
		 getpid(), sv[0], sv[1], getpid(), sv[0],
		 (int)(40 - snprintf(NULL, 0, "%-5d close(%d)", getpid(), sv[0])), "",
		 sv[1], (int)(40 - snprintf(NULL, 0, "close(%d)", sv[1])), "");
	cr_expect_str_eq(out, want);
	free(out);
}

Test(trace, timestamps_and_durations)
{
	trace_capture_start();
	int fd = t_socket(AF_INET, SOCK_DGRAM, 0);
	trace_cfg.timestamps = 1;
	t_getsockopt(fd, SOL_SOCKET, SO_TYPE, &(int){ 0 }, &(socklen_t){ sizeof(int) });
	trace_cfg.timestamps = 2;
	trace_cfg.show_time = 1;
	t_close(fd);
	char *out = trace_capture_text();
	expect_match(out, "^socket\\(AF_INET, SOCK_DGRAM, IPPROTO_IP\\) += [0-9]+\n"
			  "[0-2][0-9]:[0-5][0-9]:[0-5][0-9] getsockopt\\([0-9]+, SOL_SOCKET, SO_TYPE, \\[2\\], \\[4\\]\\) += 0\n"
			  "[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\.[0-9]{6} close\\([0-9]+\\) += 0 <0\\.[0-9]{6}>\n$");
	/* " = " still at column 40 with the timestamp counted in */
	char *third = strrchr(out, '\n');
	*third = '\0';
	third = strrchr(out, '\n') + 1;
	cr_expect_eq(strstr(third, "= 0") - third, 40, "%s", third);
	free(out);
}
