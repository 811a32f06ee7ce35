/* cli: shared option parsing (see cli.h). */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "server.h"
#include "trace.h"

void cli_usage_error(const struct session *s, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", s->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

int cli_number(const char *text, long lo, long hi, long *out)
{
	if (!text || !*text || strlen(text) > 9)
		return -1;
	for (const char *p = text; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	long v = strtol(text, NULL, 10);
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Long-option codes above the char range. */
enum { OPT_HELP = 256, OPT_TIMESTAMPS, OPT_MODEL, OPT_SERVICE, OPT_BACKLOG, OPT_MAX_CLIENTS, OPT_IDLE,
       OPT_NO_LOG, OPT_FAMILY_BASE = 512 };

/* The server programs that run the skeleton's loop take the model options. */
static int takes_models(const struct family *f, enum role role)
{
	return role == ROLE_SERVER && !f->server_serve;
}

/* --model NAME or NAME=N */
static void parse_model(struct session *s, const char *arg)
{
	char name[32];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), arg);
	const struct model *m = len < sizeof name ? model_find(name) : NULL;
	if (!m) {
		char list[256] = "";
		for (const struct model *const *p = models; *p; p++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", p == models ? "" : ", ", (*p)->name);
		cli_usage_error(s, "unknown model '%s': choose one of %s", arg, list);
	}
	s->srv.model = m;
	if (eq) {
		long n;
		if (!m->pool)
			cli_usage_error(s, "--model %s takes no =N (only prefork=N and prethread=N do)", m->name);
		if (cli_number(eq + 1, 1, 1024, &n))
			cli_usage_error(s, "invalid pool size '%s' in --model %s: give a number from 1 to 1024", eq + 1, arg);
		s->srv.pool = (int)n;
	} else {
		s->srv.pool = 0;
	}
}


static void usage(const struct session *s, const struct family *f)
{
	int server = s->role == ROLE_SERVER;
	printf("Usage: %s [OPTION]...%s\n", s->prog,
	       server ? "" : f->client_operands ? f->client_operands : " [MESSAGE]...");
	if (server && f->server_intro)
		printf("%s\n", f->server_intro);
	else if (!server && f->client_intro)
		printf("%s\n", f->client_intro);
	else if (server)
		printf("An %s server that answers every message upper-cased (or as\n"
		       "--service says), printing each socket system call it makes as strace would.\n\n",
		       f->title);
	else
		printf("An %s client: sends each MESSAGE (each line of standard input when there\n"
		       "is none) to the server and prints the answer, and each socket system call\n"
		       "it makes as strace would.\n\n", f->title);
	puts("Endpoint:");
	printf("  -a ADDRESS          %s\n", f->addr_help);
	if (f->default_port >= 0)
		printf("  -p PORT             port (default %d)%s\n", f->default_port,
		       server ? "; 0 lets the kernel pick one" : "");
	if (f->kinds[1].name && f->kind_long) {
		char left[64], right[160];
		if (f->kind_takes_name) {
			int n = snprintf(right, sizeof right, "socket type:");
			for (const struct sock_kind *k = f->kinds; k->name && n < (int)sizeof right; k++)
				n += snprintf(right + n, sizeof right - (size_t)n, " %s", k->name);
			snprintf(right + n, sizeof right - (size_t)n, " (default %s)", f->kinds[0].name);
			snprintf(left, sizeof left, "-%c, --%s TYPE", f->kind_opt, f->kind_long);
		} else {
			snprintf(right, sizeof right, "use %s instead of %s", f->kinds[1].label, f->kinds[0].label);
			snprintf(left, sizeof left, "-%c, --%s", f->kind_opt, f->kind_long);
		}
		printf("  %-19s %s\n", left, right);
	}
	if (server)
		puts("  -n COUNT            exit after COUNT clients (datagrams for datagram sockets)");
	if (takes_models(f, s->role)) {
		puts("\nServer design (socketserver's server class x mixin x handler, traced):");
		puts("  --model NAME[=N]    how clients are served at once (default iterative):");
		for (const struct model *const *m = models; *m; m++)
			printf("                        %-10s %s\n", (*m)->name, (*m)->summary);
		puts("  --service NAME      what a connection is answered with (default echo):");
		for (const struct service *const *v = services; *v; v++)
			printf("                        %-10s %s\n", (*v)->name, (*v)->summary);
		puts("  --backlog N         listen() backlog (default SOMAXCONN; the kernel caps it at\n"
		     "                      net.core.somaxconn)");
		puts("  --max-clients N     clients served at once (fork, thread: default 1000;\n"
		     "                      the pools: N; select, poll, epoll: as many as there\n"
		     "                      are descriptors); more wait in the listen backlog");
		puts("  --idle SECONDS      drop a client that makes no progress for that long");
		puts("  --no-log            no line per connection or datagram on standard output");
	}
	else
		puts("  -w MS               how long to wait for a datagram answer (default 2000)");
	for (const struct fam_option *o = f->options; o && o->name; o++) {
		if (!(o->roles & s->role))
			continue;
		char left[64];
		char alias[8] = "";
		if (o->short_opt)
			snprintf(alias, sizeof alias, "-%c, ", o->short_opt);
		snprintf(left, sizeof left, "%s--%s%s%s", alias, o->name, o->arg_name ? " " : "",
			 o->arg_name ? o->arg_name : "");
		printf("  %-19s %s\n", left, o->help);
	}
	puts("\nTrace (as strace names them):");
	puts("  -q                  do not print system calls");
	puts("  -o FILE             print system calls to FILE instead of standard error");
	puts("  -s N                show at most N bytes of each buffer (default 32)");
	if (f->kind_opt == 't')
		puts("  --timestamps        time of day before each call; twice for microseconds");
	else
		puts("  -t, -tt             time of day before each call; -tt adds microseconds");
	puts("  -T                  time spent in each call");
	puts("  -x, -xx             non-printable bytes in hex; -xx: all bytes in hex");
	puts("  -v                  print netlink attribute arrays in full");
	puts("  -h, --help          this help");
	puts("\nExit status: 0 success, 1 a system call or the peer failed, 2 bad usage.");
}

void cli_parse(struct session *s, const struct family *f, enum role role, int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	memset(s, 0, sizeof *s);
	s->fam = f;
	s->role = role;
	s->prog = slash ? slash + 1 : argv[0];
	s->kind = &f->kinds[0];
	s->port = -1;
	s->timeout_ms = 2000;


	struct option longs[64];
	int n = 0;
	longs[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	longs[n++] = (struct option){ "timestamps", no_argument, NULL, OPT_TIMESTAMPS };
	if (f->kind_long)
		longs[n++] = (struct option){ f->kind_long,
					      f->kind_takes_name ? required_argument : no_argument,
					      NULL, f->kind_opt };
	int nfam = 0;
	for (const struct fam_option *o = f->options; o && o->name; o++, nfam++)
		if (o->roles & role)
			longs[n++] = (struct option){ o->name, o->arg_name ? required_argument : no_argument,
						      NULL, OPT_FAMILY_BASE + nfam };
	if (takes_models(f, role)) {
		longs[n++] = (struct option){ "model", required_argument, NULL, OPT_MODEL };
		longs[n++] = (struct option){ "service", required_argument, NULL, OPT_SERVICE };
		longs[n++] = (struct option){ "backlog", required_argument, NULL, OPT_BACKLOG };
		longs[n++] = (struct option){ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS };
		longs[n++] = (struct option){ "idle", required_argument, NULL, OPT_IDLE };
		longs[n++] = (struct option){ "no-log", no_argument, NULL, OPT_NO_LOG };
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };

	/* The family's kind option replaces a trace option of the same letter (-t). */
	char shorts[64] = "+hqo:s:Txva:";
	strcat(shorts, role == ROLE_SERVER ? "n:" : "w:");
	if (f->default_port >= 0)
		strcat(shorts, "p:");
	if (f->kind_opt != 't')
		strcat(shorts, "t");
	if (f->kinds[1].name && f->kind_opt) {
		char k[3] = { (char)f->kind_opt, f->kind_takes_name ? ':' : 0, 0 };
		strcat(shorts, k);
	}
	/* Family options with a one-letter alias (-4, -6). */
	for (const struct fam_option *o = f->options; o && o->name; o++)
		if (o->short_opt && (o->roles & role)) {
			char k[3] = { (char)o->short_opt, o->arg_name ? ':' : 0, 0 };
			strcat(shorts, k);
		}

	const char *outfile = NULL;
	long num;
	opterr = 0;
	int c;
	/* "+" stops at the first message; programs with operands (netlink-query
	 * SUBCOMMAND) take options after them too. */
	const char *optstring = f->client_operands ? shorts + 1 : shorts;
	while ((c = getopt_long(argc, argv, optstring, longs, NULL)) != -1) {
		if (c > 0 && c < 256 && !strchr("hqosTxvatnwp", c)) {
			/* a family option's one-letter alias */
			int i = 0;
			const struct fam_option *o;
			for (o = f->options; o && o->name && o->short_opt != c; o++, i++)
				;
			if (o && o->name && (o->roles & role))
				c = OPT_FAMILY_BASE + i;
		}
		if (c == f->kind_opt && f->kinds[1].name) {
			if (!f->kind_takes_name) {
				s->kind = &f->kinds[1];
				continue;
			}
			const struct sock_kind *k;
			for (k = f->kinds; k->name && strcmp(k->name, optarg); k++)
				;
			if (!k->name)
				cli_usage_error(s, "unknown socket type '%s'", optarg);
			s->kind = k;
			continue;
		}
		switch (c) {
		case 'h':
		case OPT_HELP:
			usage(s, f);
			exit(0);
		case 'q': trace_cfg.enabled = 0; break;
		case 'o': outfile = optarg; break;
		case 's':
			if (cli_number(optarg, 0, 1L << 30, &num))
				cli_usage_error(s, "invalid string limit '%s': give a number of bytes", optarg);
			decode_opts.strsize = (int)num;
			break;
		case 't':
		case OPT_TIMESTAMPS: trace_cfg.timestamps++; break;
		case 'T': trace_cfg.show_time = 1; break;
		case 'x': decode_opts.xflag++; break;
		case 'v': decode_opts.verbose = 1; break;
		case 'a': s->addr = optarg; break;
		case 'p':
			if (cli_number(optarg, role == ROLE_SERVER ? 0 : 1, 65535, &num))
				cli_usage_error(s, "invalid port '%s': give a number from %d to 65535", optarg,
						role == ROLE_SERVER ? 0 : 1);
			s->port = (int)num;
			break;
		case 'n':
			if (cli_number(optarg, 0, 1000000000, &num))
				cli_usage_error(s, "invalid count '%s': give a number (0 = forever)", optarg);
			s->count = num;
			break;
		case 'w':
			if (cli_number(optarg, 1, 3600000, &num))
				cli_usage_error(s, "invalid wait '%s': give milliseconds, 1 to 3600000", optarg);
			s->timeout_ms = (int)num;
			break;
		case OPT_MODEL: parse_model(s, optarg); break;
		case OPT_SERVICE:
			if (!(s->srv.service = service_find(optarg)))
				cli_usage_error(s, "unknown service '%s'", optarg);
			break;
		case OPT_BACKLOG:
			if (cli_number(optarg, 1, 65535, &num))
				cli_usage_error(s, "invalid backlog '%s': give a number from 1 to 65535", optarg);
			s->srv.backlog = (int)num;
			break;
		case OPT_MAX_CLIENTS:
			if (cli_number(optarg, 1, 100000, &num))
				cli_usage_error(s, "invalid --max-clients '%s': give a number from 1 to 100000", optarg);
			s->srv.max_clients = (int)num;
			break;
		case OPT_IDLE:
			if (cli_number(optarg, 1, 86400, &num))
				cli_usage_error(s, "invalid --idle '%s': give whole seconds from 1 to 86400", optarg);
			s->srv.idle_s = (int)num;
			break;
		case OPT_NO_LOG: s->srv.no_log = 1; break;
		case '?':
			if (optopt && optopt < 256 && strchr(shorts, optopt))
				cli_usage_error(s, "option -%c needs an argument", optopt);
			else if (optopt && optopt < 256)
				cli_usage_error(s, "unknown option -%c", optopt);
			else
				cli_usage_error(s, "unknown or incomplete option '%s'", argv[optind - 1]);
		default:
			if (c >= OPT_FAMILY_BASE && c < OPT_FAMILY_BASE + nfam) {
				struct sbuf err = SBUF_INIT;
				if (f->options[c - OPT_FAMILY_BASE].set(s, optarg, &err))
					cli_usage_error(s, "%s", sb_str(&err));
				sb_free(&err);
				break;
			}
			cli_usage_error(s, "unknown option");
		}
	}
	if (decode_opts.xflag > 2)
		decode_opts.xflag = 2;
	if (trace_cfg.timestamps > 2)
		trace_cfg.timestamps = 2;
	if (role == ROLE_SERVER && optind < argc)
		cli_usage_error(s, "unexpected argument '%s'", argv[optind]);
	if (role == ROLE_CLIENT && optind < argc) {
		s->messages = argv + optind;
		s->nmessages = argc - optind;
	}

	/* A server's log under -q, when not on a terminal: in blocks, sent
	 * whenever the server is about to wait (sv_log_flush), so under load it
	 * costs a write per batch, not per line. Otherwise a line at a time, in
	 * step with the trace lines on standard error. */
	if (takes_models(f, role) && !trace_cfg.enabled && !isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 65536);
	else
		setvbuf(stdout, NULL, _IOLBF, 0);

	struct sbuf err = SBUF_INIT;
	if (f->resolve(s, s->addr, s->port, &err))
		cli_usage_error(s, "%s", sb_str(&err));
	if (takes_models(f, role) && server_opts_check(s, &err))
		cli_usage_error(s, "%s", sb_str(&err));
	sb_free(&err);

	if (outfile && trace_cfg.enabled) {
		trace_cfg.out = fopen(outfile, "w");
		if (!trace_cfg.out)
			cli_usage_error(s, "cannot write trace to '%s': %s", outfile, strerror(errno));
		trace_cfg.to_file = 1;
	}
}
