/*
 * oob: TCP's out-of-band (urgent) data, both sides, traced.
 *
 *   oob server [-a ADDR] [-p PORT] [--inline]   one connection, each read shown
 *   oob client [-a ADDR] [-p PORT] [BEFORE URGENT AFTER]
 *
 * The client sends BEFORE, then URGENT with send(MSG_OOB), then AFTER (the
 * defaults: "abc", "!", "def"). TCP carries one urgent byte: the last byte of
 * the MSG_OOB send, which the receiver's kernel takes out of the stream and
 * keeps apart, and the urgent pointer marks where it was. The server waits
 * with poll() for POLLIN (data) or POLLPRI (urgent data is pending), asks
 * SIOCATMARK whether the next byte to read is at that mark (a read never
 * goes past the mark, so data before it and after it come in separate
 * reads), and there reads the urgent byte with recv(MSG_OOB). With --inline
 * (SO_OOBINLINE) the byte stays in the stream instead and the read at the
 * mark starts with it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/cli.h"
#include "../common/decode.h"
#include "../common/i18n.h"
#include "../common/io.h"
#include "../common/trace.h"

static struct {
	const char *addr;
	long port;
	int inline_oob;
} opts = { "127.0.0.1", 2345, 0 };

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	(void)ctx;
	struct in_addr a;
	switch (key) {
	case 'a':
		if (inet_pton(AF_INET, arg, &a) != 1)
			return sb_printf(err, _("'%s' is not an IPv4 address (like 127.0.0.1)"), arg), -1;
		opts.addr = arg;
		return 0;
	case 'p':
		if (cli_number(arg, 0, 65535, &opts.port))
			return sb_printf(err, _("invalid port '%s': give a number from 0 to 65535"), arg), -1;
		return 0;
	case CLI_INLINE: opts.inline_oob = 1; return 0;
	}
	return sb_puts(err, _("unknown option")), -1;
}

static const struct cli_tool tool = {
	.name = "oob", .id = CLI_TOOL_OOB,
	.usage = N_("Usage: oob server [-a ADDR] [-p PORT] [--inline]\n"
		    "       oob client [-a ADDR] [-p PORT] [BEFORE URGENT AFTER]\n"),
	.intro = N_("TCP's out-of-band data, traced on both sides. The client sends BEFORE, URGENT with MSG_OOB, "
	"then AFTER (default: abc ! def); the last byte of URGENT is the urgent byte. The server serves "
	"one connection: it waits with poll() for POLLIN or POLLPRI, asks SIOCATMARK whether the next "
	"byte is at the urgent mark, and there reads the urgent byte with recv(MSG_OOB), or, with "
	"--inline (SO_OOBINLINE), as the first byte of the next ordinary read."),
	.epilog = N_("Exit status: 0 success, 1 a system call failed, 2 bad usage."),
	.set = set,
};

static void fail(const char *what)
{
	fprintf(stderr, "oob: %s: %s (%s)\n", what, strerror(errno), strerrorname_np(errno));
}

/* The bytes as the trace shows a buffer: "abc", "\n". */
static const char *shown(const char *buf, size_t n)
{
	static struct sbuf sb = SBUF_INIT;
	sb_reset(&sb);
	dec_str(&sb, buf, n, 256);
	return sb_str(&sb);
}

static int serve(int lfd)
{
	int fd = t_accept(lfd, NULL, NULL);
	if (fd < 0)
		return fail("accept"), 1;
	t_close(lfd);
	int rc = 0;
	char buf[256];
	for (;;) {
		struct pollfd p = { fd, POLLIN | POLLPRI, 0 };
		if (t_poll(&p, 1, -1) < 0) {
			if (errno == EINTR && !io_stop)
				continue;
			rc = errno == EINTR ? 0 : (fail("poll"), 1);
			break;
		}
		int mark = t_sockatmark(fd);
		if (mark < 0) {
			rc = (fail("ioctl SIOCATMARK"), 1);
			break;
		}
		char events[128];
		snprintf(events, sizeof events, "%s%s", p.revents & POLLIN ? " POLLIN" : "",
			 p.revents & POLLPRI ? _(" POLLPRI (urgent data is pending)") : "");
		printf(_("oob: poll says%s; SIOCATMARK says %s\n"), events,
		       mark ? _("1: the next byte to read is at the urgent mark") : _("0: not at the urgent mark"));
		if (mark && !opts.inline_oob && (p.revents & POLLPRI)) {
			ssize_t n = t_recv(fd, buf, 1, MSG_OOB);
			if (n < 0)
				rc = (fail("recv MSG_OOB"), 1);
			else
				printf(_("oob: the urgent byte, read apart with MSG_OOB: %s\n"), shown(buf, (size_t)n));
			if (n < 0)
				break;
			continue;
		}
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = t_recv(fd, buf, sizeof buf, 0);
		if (n < 0) {
			rc = (fail("recv"), 1);
			break;
		}
		if (n == 0) {
			fputs(_("oob: the client closed the connection\n"), stdout);
			break;
		}
		if (mark && opts.inline_oob)
			printf(ngettext("oob: read %zd byte: %s (the first is the urgent byte, inline)\n",
					"oob: read %zd bytes: %s (the first is the urgent byte, inline)\n", (unsigned long)n),
			       n, shown(buf, (size_t)n));
		else
			printf(ngettext("oob: read %zd byte: %s\n", "oob: read %zd bytes: %s\n", (unsigned long)n), n,
			       shown(buf, (size_t)n));
	}
	t_close(fd);
	return rc;
}

static int server(const struct sockaddr_in *sa)
{
	int fd = t_socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket"), 1;
	int one = 1;
	t_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	/* set on the listening socket: the accepted one inherits it before any byte arrives */
	if (opts.inline_oob && t_setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one) < 0)
		return fail("SO_OOBINLINE"), t_close(fd), 1;
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	if (t_bind(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 || t_listen(fd, 1) < 0 ||
	    t_getsockname(fd, (struct sockaddr *)&me, &len) < 0)
		return fail("bind/listen"), t_close(fd), 1;
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &me.sin_addr, a, sizeof a);
	printf(_("oob: listening on %s port %u (TCP)%s\n"), a, ntohs(me.sin_port),
	       opts.inline_oob ? ", SO_OOBINLINE" : "");
	return serve(fd);
}

static int client(const struct sockaddr_in *sa, char **parts)
{
	int fd = t_socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket"), 1;
	if (t_connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0)
		return fail("connect"), t_close(fd), 1;
	static const int flags[3] = { 0, MSG_OOB, 0 };
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++) {
		size_t n = strlen(parts[i]);
		if (n && io_send_all(fd, parts[i], n, flags[i]) < 0)
			rc = (fail("send"), 1);
		else if (n)
			printf(flags[i] ? _("oob: sent %s with MSG_OOB (its last byte is the urgent one)\n")
					: _("oob: sent %s\n"),
			       shown(parts[i], n));
	}
	t_close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	int first = cli_tool_parse(&tool, argc, argv);
	if (first >= argc || (strcmp(argv[first], "server") && strcmp(argv[first], "client")))
		cli_tool_error(&tool, "%s", _("which side? oob server or oob client"));
	int is_server = !strcmp(argv[first], "server");
	int nparts = argc - first - 1;
	if (is_server && nparts)
		cli_tool_error(&tool, _("unexpected argument '%s' (the server takes options only)"), argv[first + 1]);
	if (!is_server && nparts && nparts != 3)
		cli_tool_error(&tool, "%s", _("give BEFORE URGENT AFTER (three words, \"\" for none), or nothing"));
	static char *defaults[3] = { "abc", "!", "def" };
	char **parts = nparts ? argv + first + 1 : defaults;
	if (!is_server && !*parts[1])
		cli_tool_error(&tool, "%s", _("URGENT is empty: MSG_OOB needs at least one byte"));
	if (!is_server && !opts.port)
		cli_tool_error(&tool, "%s", _("port 0: the client needs the server's port"));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opts.port) };
	inet_pton(AF_INET, opts.addr, &sa.sin_addr);
	setvbuf(stdout, NULL, _IOLBF, 0);
	io_catch_signals();
	return is_server ? server(&sa) : client(&sa, parts);
}
