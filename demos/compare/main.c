/*
 * compare: the families side by side, measured now on this kernel.
 *
 *   compare                      the behaviour matrix (scenarios x family/type)
 *   compare --trace A B          one exchange on A and on B, traces side by side
 *   compare --diagram A          one exchange as a sequence diagram (--svg FILE),
 *                                one lane per process or thread (--model M)
 *   compare --models [A]         one exchange under every server model: what each
 *                                adds or changes against iterative
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "compare.h"

#include "../../common/server.h"

enum { OPT_MD = 256, OPT_JSON, OPT_CSV, OPT_ONLY, OPT_FAMILIES, OPT_TRACE, OPT_DIAGRAM, OPT_SVG,
       OPT_DETAILS, OPT_MODELS, OPT_MODEL, OPT_HELP };

static void usage(void)
{
	puts("Usage: compare [--markdown|--json|--csv] [--only LIST] [--families LIST] [--details]\n"
	     "       compare --trace FAMILY[/TYPE] FAMILY[/TYPE]\n"
	     "       compare --diagram FAMILY[/TYPE] [--model M[=N]] [--svg FILE]\n"
	     "       compare --models [FAMILY[/TYPE]] [--markdown|--json]\n"
	     "Runs the same scenarios on every address family and socket type and prints what\n"
	     "the kernel did, measured now: one row per scenario, one column per family/type.\n\n"
	     "  --markdown, --json, --csv   the matrix for slides and scripts\n"
	     "  --only LIST        scenarios by number (1-9) or name, comma-separated:\n"
	     "                     boundaries refused restart maxmsg addrsize clientname peer\n"
	     "                     buffers halfclose afterclose rtt throughput\n"
	     "  --families LIST    families or family/type, comma-separated (inet,inet/udp)\n"
	     "  --details          the longer explanation of every cell after the table\n"
	     "  --trace A B        run one client/server exchange on A and on B and print both\n"
	     "                     traces side by side, call by call, marking what differs\n"
	     "  --diagram A        one exchange as a sequence diagram, one lane per process or\n"
	     "                     thread; --svg FILE writes it as SVG too\n"
	     "  --model M[=N]      the server's model for --diagram: iterative (the default),\n"
	     "                     fork, thread, prefork[=N], prethread[=N], select, poll, epoll\n"
	     "  --models [A]       one exchange on A (default inet/tcp) under every server model,\n"
	     "                     side by side: the calls each adds or changes against iterative,\n"
	     "                     and which process or thread made them (--markdown, --json)\n"
	     "  -h, --help         this help\n\n"
	     "Exit status: 0 success, 1 a run failed, 2 bad usage.");
}

static int term_width(void)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;
	if (cols && atoi(cols) > 40)
		return atoi(cols);
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40)
		return ws.ws_col;
	return 160;
}

static void die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "compare: %s%s (see --help)\n", msg, arg ? arg : "");
	exit(2);
}

static int find(const char *spec, const struct family **f, const struct sock_kind **k)
{
	struct sbuf err = SBUF_INIT;
	if (cmp_find(spec, f, k, &err))
		die_usage(sb_str(&err), NULL);
	sb_free(&err);
	return 0;
}

static int capture(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		   const struct model *m, int pool)
{
	static char *msgs[] = { "hello", "compare me" };
	struct sbuf err = SBUF_INIT;
	int rc = cmp_capture_model(cap, f, k, m, pool, msgs, 2, &err);
	if (rc > 0)
		fprintf(stderr, "compare: --model %s does not apply to %s/%s: %s\n", m->name, f->name, k->name,
			sb_str(&err));
	else if (rc)
		fprintf(stderr, "compare: %s/%s: %s\n", f->name, k->name, sb_str(&err));
	sb_free(&err);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "markdown", no_argument, NULL, OPT_MD },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "families", required_argument, NULL, OPT_FAMILIES },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "diagram", no_argument, NULL, OPT_DIAGRAM },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "details", no_argument, NULL, OPT_DETAILS },
		{ "models", no_argument, NULL, OPT_MODELS },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int format = 0, mode = 0, details = 0, c;
	const char *only = NULL, *families = NULL, *svg = NULL, *model = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case OPT_MD: case OPT_JSON: case OPT_CSV: format = c; break;
		case OPT_ONLY: only = optarg; break;
		case OPT_FAMILIES: families = optarg; break;
		case OPT_TRACE: case OPT_DIAGRAM: case OPT_MODELS: mode = c; break;
		case OPT_MODEL: model = optarg; break;
		case OPT_SVG: svg = optarg; break;
		case OPT_DETAILS: details = 1; break;
		case 'h': case OPT_HELP: usage(); return 0;
		default: die_usage("unknown or incomplete option ", argv[optind - 1]);
		}
	}
	const struct family *fa, *fb;
	const struct sock_kind *ka, *kb;
	const struct model *model_m = NULL;
	int pool = 0;
	if (model && mode != OPT_DIAGRAM)
		die_usage("--model goes with --diagram (--models runs every model)", NULL);
	if (model) {
		struct sbuf err = SBUF_INIT;
		if (cmp_model_parse(model, &model_m, &pool, &err))
			die_usage(sb_str(&err), NULL);
		sb_free(&err);
	}
	if (mode == OPT_MODELS) {
		if (argc - optind > 1)
			die_usage("--models takes one family, like: --models unix/seqpacket", NULL);
		if (svg || format == OPT_CSV)
			die_usage("--models prints text, --markdown or --json", NULL);
		find(argc - optind == 1 ? argv[optind] : "inet/tcp", &fa, &ka);
		struct cmp_models mm;
		struct sbuf err = SBUF_INIT;
		if (cmp_models_run(&mm, fa, ka, &err)) {
			fprintf(stderr, "compare: %s/%s: %s\n", fa->name, ka->name, sb_str(&err));
			sb_free(&err);
			return 1;
		}
		sb_free(&err);
		switch (format) {
		case OPT_MD: cmp_models_markdown(stdout, &mm); break;
		case OPT_JSON: cmp_models_json(stdout, &mm); break;
		default: cmp_models_text(stdout, &mm, term_width());
		}
		int bad = 0;
		for (size_t i = 0; i < mm.nruns; i++)
			bad |= mm.runs[i].status < 0;
		cmp_models_free(&mm);
		return bad;
	}
	if (mode == OPT_TRACE) {
		if (argc - optind != 2)
			die_usage("--trace takes two families, like: --trace inet unix", NULL);
		find(argv[optind], &fa, &ka);
		find(argv[optind + 1], &fb, &kb);
		struct cmp_capture a, b;
		if (capture(&a, fa, ka, NULL, 0))
			return 1;
		if (capture(&b, fb, kb, NULL, 0)) {
			cmp_capture_free(&a);
			return 1;
		}
		struct cmp_diffstat st;
		cmp_trace_diff(stdout, &a, &b, term_width(), &st);
		cmp_capture_free(&a);
		cmp_capture_free(&b);
		return 0;
	}
	if (mode == OPT_DIAGRAM) {
		if (argc - optind != 1)
			die_usage("--diagram takes one family, like: --diagram inet", NULL);
		find(argv[optind], &fa, &ka);
		FILE *out = NULL;
		if (svg && !(out = fopen(svg, "w"))) {
			perror(svg);
			return 2;
		}
		struct cmp_capture a;
		if (capture(&a, fa, ka, model_m, pool)) {
			if (out)
				fclose(out);
			return 1;
		}
		cmp_diagram_text(stdout, &a, term_width());
		if (out) {
			cmp_diagram_svg(out, &a);
			fclose(out);
			printf("\nwrote %s\n", svg);
		}
		cmp_capture_free(&a);
		return 0;
	}
	if (optind < argc)
		die_usage("unexpected argument ", argv[optind]);
	if (svg)
		die_usage("--svg goes with --diagram", NULL);

	struct cmp_matrix m;
	struct sbuf err = SBUF_INIT;
	if (cmp_matrix_select(&m, only, families, &err))
		die_usage(sb_str(&err), NULL);
	sb_free(&err);
	cmp_matrix_run(&m, format || !isatty(2) ? NULL : stderr);
	switch (format) {
	case OPT_MD: cmp_print_markdown(stdout, &m); break;
	case OPT_JSON: cmp_print_json(stdout, &m); break;
	case OPT_CSV: cmp_print_csv(stdout, &m); break;
	default: cmp_print_text(stdout, &m, term_width(), details);
	}
	int bad = 0;
	for (int i = 0; i < m.nrows * m.ncols; i++)
		bad |= m.cells[i].status == CELL_ERROR || m.cells[i].status == CELL_TIMEOUT;
	cmp_matrix_free(&m);
	return bad;
}
