/*
 * lab: several hosts on one machine, a real link between them, and the
 * packets on it (see lab.h for how it is made).
 *
 *   lab up [--hosts N] [--v6]     N hosts (default 2) on one link
 *   lab run HOST -- COMMAND...    COMMAND inside host HOST (h1, h2, ...)
 *   lab capture HOST [-w FILE]    the frames on HOST's link, as lines or pcap
 *   lab impair HOST [--rate R] [--delay MS] [--loss PCT] [--mtu N]
 *   lab show                      the hosts, their addresses and what is in force
 *   lab ss HOST                   HOST's sockets, like ss -tuxanp
 *   lab down                      everything removed, also after a crash
 *
 * The options are rows of the one option table (common/cli.c). Everything
 * is checked before anything is made: a bad command line is one line and
 * exit 2; a request the kernel refused is its reason and exit 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"

#include "../../common/cli.h"
#include "../../common/i18n.h"
#include "../../common/trace.h"
#include "../../families/netlink.h"

static struct lab_opts opts = { .hosts = LAB_DEFAULT_HOSTS, .delay_ms = -1, .loss_pct = -1, .mtu = -1 };
static int given[64], ngiven;   /* the options given, to check they go with the subcommand */

/* "1m", "500k", "2g", "64000", optionally followed by "bit": bits per second */
static int parse_rate(const char *text, unsigned long long *bps)
{
	char *end;
	errno = 0;
	if (!*text || *text < '0' || *text > '9')
		return -1;
	unsigned long long v = strtoull(text, &end, 10);
	unsigned long long mult = 1;
	if (*end == 'k' || *end == 'K')
		mult = 1000, end++;
	else if (*end == 'm' || *end == 'M')
		mult = 1000000, end++;
	else if (*end == 'g' || *end == 'G')
		mult = 1000000000, end++;
	if (!strcmp(end, "bit"))
		end += 3;
	if (errno || *end || v > 100000000000ull / mult)
		return -1;
	*bps = v * mult;
	return *bps < 8000 || *bps > 100000000000ull ? -1 : 0;
}

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	(void)ctx;
	long n;
	if (ngiven < (int)(sizeof given / sizeof given[0]))
		given[ngiven++] = key;
	switch (key) {
	case CLI_HOSTS:
		if (cli_number(arg, 2, LAB_MAX_HOSTS, &n))
			return sb_printf(err, _("invalid --hosts '%s': give a number from 2 to %d"), arg, LAB_MAX_HOSTS), -1;
		opts.hosts = (int)n;
		return 0;
	case CLI_V6: opts.v6 = 1; return 0;
	case 'w': opts.pcap = arg; return 0;
	case 'c':
		if (cli_number(arg, 1, 1000000000, &n))
			return sb_printf(err, _("invalid count '%s': give a number of packets"), arg), -1;
		opts.count = n;
		return 0;
	case CLI_RATE:
		if (parse_rate(arg, &opts.rate_bps))
			return sb_printf(err, _("invalid --rate '%s': give bits per second, 8k to 100g (1m, 500k, 64000)"),
					 arg), -1;
		return 0;
	case CLI_DELAY:
		if (cli_number(arg, 0, 60000, &opts.delay_ms))
			return sb_printf(err, _("invalid --delay '%s': give milliseconds, 0 to 60000"), arg), -1;
		return 0;
	case CLI_LOSS:
		if (cli_number(arg, 0, 100, &opts.loss_pct))
			return sb_printf(err, _("invalid --loss '%s': give a percentage, 0 to 100"), arg), -1;
		return 0;
	case CLI_MTU:
		if (cli_number(arg, 68, 9000, &opts.mtu))
			return sb_printf(err, _("invalid --mtu '%s': give bytes, 68 to 9000"), arg), -1;
		return 0;
	}
	return sb_printf(err, "%s", _("unknown option")), -1;
}

/* The subcommands: their operands and the options that go with them. */
struct sub {
	const char *name;
	int takes_host;      /* HOST operand */
	const int *options;  /* the lab options it takes, ending with 0 */
};
static const int up_opts[] = { CLI_HOSTS, CLI_V6, 0 };
static const int capture_opts[] = { 'w', 'c', 0 };
static const int impair_opts[] = { CLI_RATE, CLI_DELAY, CLI_LOSS, CLI_MTU, 0 };
static const int no_opts[] = { 0 };
static const struct sub subs[] = {
	{ "up", 0, up_opts }, { "down", 0, no_opts }, { "show", 0, no_opts }, { "run", 1, no_opts },
	{ "capture", 1, capture_opts }, { "impair", 1, impair_opts }, { "ss", 1, no_opts },
};

static int lab_option(int key)
{
	static const int all[] = { CLI_HOSTS, CLI_V6, 'w', 'c', CLI_RATE, CLI_DELAY, CLI_LOSS, CLI_MTU };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i] == key)
			return 1;
	return 0;
}

/* the texts N_()-marked: common/cli.c prints them through gettext */
static const struct cli_tool tool = {
	.name = "lab", .id = CLI_TOOL_LAB,
	.usage = N_("Usage: lab up [--hosts N] [--v6]\n"
		    "       lab run HOST -- COMMAND [ARG]...\n"
		    "       lab capture HOST [-w FILE.pcap] [-c N]\n"
		    "       lab impair HOST [--rate R] [--delay MS] [--loss PCT] [--mtu BYTES]\n"
		    "       lab show | lab ss HOST | lab down\n"),
	.intro = N_("Several hosts on one machine: each host a network namespace (sockfam-h1, sockfam-h2, ...) whose "
		    "eth0 is cabled by a veth pair to a bridge in a namespace of its own (sockfam-sw), numbered "
		    "192.0.2.N/24 (and 2001:db8::N/64 with --v6). Any program runs in a host with lab run; lab capture "
		    "shows the frames on a host's link (an AF_PACKET socket, traced like every other call); lab ss lists a "
		    "host's sockets and their processes; lab down removes all of it. Nothing is made in the machine's own "
		    "network namespace. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN). SOCKFAM_LAB=NAME in the environment "
		    "makes a private lab (sockfam-NAME-h1, ...) beside the default one."),
	.epilog = N_("Exit status: 0 success, 1 the kernel refused (its reason is printed) or a command failed, 2 bad "
		     "usage. lab run exits with COMMAND's status."),
	.set = set,
};

int main(int argc, char **argv)
{
	int first = cli_tool_parse(&tool, argc, argv);
	if (first >= argc)
		cli_tool_error(&tool, "%s", _("which subcommand? up, run, capture, impair, show, ss or down"));
	const char *name = argv[first];
	const struct sub *sub = NULL;
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (!strcmp(subs[i].name, name))
			sub = &subs[i];
	if (!sub)
		cli_tool_error(&tool, _("unknown subcommand '%s': up, run, capture, impair, show, ss or down"), name);
	for (int i = 0; i < ngiven; i++) {
		int ok = !lab_option(given[i]);
		for (const int *o = sub->options; *o; o++)
			ok |= *o == given[i];
		if (!ok)
			cli_tool_error(&tool, _("%s does not go with lab %s"), cli_tool_option_name(&tool, given[i]), name);
	}
	int host = 0;
	int next = first + 1;
	if (sub->takes_host) {
		if (next >= argc)
			cli_tool_error(&tool, _("lab %s: which host? (h1, h2, ...)"), name);
		host = lab_host_number(argv[next]);
		if (!host)
			cli_tool_error(&tool, _("lab %s: '%s' is not a host name: h1, h2, ... (see: lab show)"), name,
				       argv[next]);
		next++;
	}
	int is_run = !strcmp(name, "run");
	if (is_run && next >= argc)
		cli_tool_error(&tool, _("lab run %s: which command? (lab run %s -- bin/inet-server -a 0.0.0.0)"),
			       argv[next - 1], argv[next - 1]);
	if (!is_run && next < argc)
		cli_tool_error(&tool, _("unexpected argument '%s'"), argv[next]);
	if (!strcmp(name, "impair") && !opts.rate_bps && opts.delay_ms < 0 && opts.loss_pct < 0 && opts.mtu < 0)
		cli_tool_error(&tool, _("lab impair %s: what? give --rate, --delay, --loss or --mtu"), argv[next - 1]);
	if (geteuid() != 0) {
		fprintf(stderr, _("lab: the lab makes network namespaces, which needs root: run it as root "
				  "(sudo bin/lab %s ...)\n"), name);
		return 2;
	}
	if (!strcmp(name, "up"))
		return lab_up(&opts);
	if (!strcmp(name, "down"))
		return lab_down();
	int up = lab_hosts_up();
	if (!up) {
		fprintf(stderr, _("lab: %s: no lab is up (see: lab up)\n"), name);
		return 2;
	}
	if (host > up) {
		fprintf(stderr, _("lab: %s: there is no host h%d: the lab has h1 to h%d\n"), name, host, up);
		return 2;
	}
	if (!strcmp(name, "show"))
		return lab_show();
	if (!strcmp(name, "capture"))
		return lab_capture(host, &opts);
	if (!strcmp(name, "impair"))
		return lab_impair(host, &opts);
	if (!strcmp(name, "ss"))
		return lab_ss(host);
	/* run: the command replaces us inside the host */
	if (lab_enter(host) < 0)
		return 1;
	fflush(NULL);
	execvp(argv[next], argv + next);
	fprintf(stderr, "lab: run: %s: %s\n", argv[next], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int lab_ss(int host)
{
	if (lab_enter(host) < 0)
		return 1;
	const struct nl_cmd *cmd = nl_cmds;
	while (cmd->name && strcmp(cmd->name, "sockets"))
		cmd++;
	int fd = t_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		fprintf(stderr, "lab: ss: socket: %s\n", strerror(errno));
		return 1;
	}
	struct nl_sock ns;
	int rc = 1;
	if (nl_setup(&ns, fd, NETLINK_SOCK_DIAG, 0, "lab") == 0) {
		struct nl_query q = { .cmd = cmd, .af = AF_UNSPEC, .sock_family = AF_UNSPEC, .processes = 1 };
		rc = cmd->run(&ns, &q);
	}
	nl_free(&ns);
	t_close(fd);
	return rc;
}
