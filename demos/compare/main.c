/*
 * compare: the families side by side, measured now on this kernel.
 *
 *   compare                      the behaviour matrix (scenarios x family/kind)
 *   compare --trace A B          one exchange on A and on B, traces side by side
 *   compare --diagram A          one exchange as a sequence diagram (--svg FILE),
 *                                one lane per process or thread (--model M)
 *   compare --models [A]         one exchange under every server model: what each
 *                                adds or changes against iterative
 *
 * Its options are rows of the one option table (common/cli.c), parsed there:
 * anywhere on the line, each bad one refused in one line "compare: ...", exit
 * 2. What is checked here is what only compare knows: which options go with
 * which of its four runs, and the operands. All of it before anything runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"

#include "../../common/cli.h"
#include "../../common/i18n.h"
#include "../../common/server.h"
#include "../../families/families.h"

/* The four runs. */
enum { RUN_MATRIX = 1, RUN_TRACE = 2, RUN_DIAGRAM = 4, RUN_MODELS = 8 };

struct opts {
	int run_key;        /* CLI_TRACE, CLI_DIAGRAM, CLI_MODELS; 0: the matrix */
	int format;         /* CLI_MARKDOWN, CLI_JSON, CLI_CSV; 0: text */
	int details, wide;
	const char *only, *families, *svg, *model;
	int given[32];      /* the options given, each once, in order */
	int ngiven;
};

/* Which runs an option goes with. */
static const struct {
	int key;
	unsigned runs;
	unsigned why_runs;  /* given with these runs, the refusal says why: */
	const char *why;
} goes_with[] = {
	{ CLI_ONLY, RUN_MATRIX, 0, NULL },
	{ CLI_FAMILIES, RUN_MATRIX, ~0u, N_("--trace, --diagram and --models name theirs as operands") },
	{ CLI_DETAILS, RUN_MATRIX, 0, NULL },
	{ CLI_CSV, RUN_MATRIX, 0, NULL },
	{ CLI_MARKDOWN, RUN_MATRIX | RUN_MODELS, 0, NULL },
	{ CLI_JSON, RUN_MATRIX | RUN_MODELS, 0, NULL },
	{ CLI_SVG, RUN_DIAGRAM, 0, NULL },
	{ CLI_MODEL, RUN_DIAGRAM, RUN_MODELS, N_("--models runs every model") },
};

static const char *run_name(unsigned run)
{
	return run == RUN_MATRIX ? _("the matrix") : run == RUN_TRACE ? "--trace" : run == RUN_DIAGRAM ? "--diagram"
											       : "--models";
}

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	struct opts *o = ctx;
	const char **str = NULL;
	int *one = NULL;
	switch (key) {
	case CLI_TRACE: case CLI_DIAGRAM: case CLI_MODELS:
		one = &o->run_key;
		break;
	case CLI_MARKDOWN: case CLI_JSON: case CLI_CSV:
		one = &o->format;
		break;
	case CLI_DETAILS: o->details = 1; break;
	case CLI_WIDE: o->wide = 1; break;
	case CLI_ONLY: str = &o->only; break;
	case CLI_FAMILIES: str = &o->families; break;
	case CLI_SVG: str = &o->svg; break;
	case CLI_MODEL: str = &o->model; break;
	default:
		sb_printf(err, _("option %s is not compare's"), cli_option_name(key));
		return -1;
	}
	if (one) {
		if (*one && *one != key) {
			sb_printf(err, one == &o->format ? _("%s and %s: one output format at a time") : _("%s and %s: one at a time"),
				  cli_option_name(*one), cli_option_name(key));
			return -1;
		}
		*one = key;
	}
	if (str) {
		if (*str && strcmp(*str, arg)) {
			sb_printf(err, _("%s given twice ('%s', then '%s'): give it once"), cli_option_name(key), *str, arg);
			return -1;
		}
		*str = arg;
	}
	for (int i = 0; i < o->ngiven; i++)
		if (o->given[i] == key)
			return 0;
	if (o->ngiven < (int)(sizeof o->given / sizeof o->given[0]))
		o->given[o->ngiven++] = key;
	return 0;
}

/* The options that go with the run, the operands it takes, and formats
 * with text-only options: one line and exit 2 for the first that does not. */
static void check(const struct cli_tool *t, const struct opts *o, unsigned run, int nops, char **ops)
{
	for (int i = 0; i < o->ngiven; i++)
		for (size_t g = 0; g < sizeof goes_with / sizeof goes_with[0]; g++) {
			if (goes_with[g].key != o->given[i] || (goes_with[g].runs & run))
				continue;
			/* one run, or two (the matrix or --models) */
			unsigned r1 = 0, r2 = 0;
			for (unsigned r = RUN_MATRIX; r <= RUN_MODELS; r <<= 1)
				if (goes_with[g].runs & r)
					*(r1 ? &r2 : &r1) = r;
			char with[128];
			if (r2)
				snprintf(with, sizeof with, _("%s or %s"), run_name(r1), run_name(r2));
			else
				snprintf(with, sizeof with, "%s", run_name(r1));
			if (goes_with[g].why_runs & run)
				cli_tool_error(t, _("%s goes with %s, not %s: %s"), cli_option_name(o->given[i]), with,
					       run_name(run), _(goes_with[g].why));
			cli_tool_error(t, _("%s goes with %s, not %s"), cli_option_name(o->given[i]), with, run_name(run));
		}
	if (o->format && o->wide)
		cli_tool_error(t, _("--wide and %s: --wide is for text, and %s has no width"), cli_option_name(o->format),
			       cli_option_name(o->format));
	if (o->format && o->details)
		cli_tool_error(t, o->format == CLI_JSON
					  ? _("--details and %s: --details is for the text table (--json has every cell's detail)")
					  : _("--details and %s: --details is for the text table (give --json for every detail)"),
			       cli_option_name(o->format));
	switch (run) {
	case RUN_MATRIX:
		if (nops)
			cli_tool_error(t, _("unexpected argument '%s' (the matrix takes --only and --families; "
					    "FAMILY operands go with --trace, --diagram, --models)"), ops[0]);
		break;
	case RUN_TRACE:
		if (nops != 2)
			cli_tool_error(t, _("--trace takes two families, like: --trace inet unix (given %d)"), nops);
		break;
	case RUN_DIAGRAM:
		if (nops != 1)
			cli_tool_error(t, _("--diagram takes one family, like: --diagram inet (given %d)"), nops);
		break;
	case RUN_MODELS:
		if (nops > 1)
			cli_tool_error(t, _("--models takes one family, like: --models unix/seqpacket (given %d)"), nops);
		break;
	}
}

static void find(const struct cli_tool *t, const char *spec, const struct family **f, const struct sock_kind **k)
{
	struct sbuf err = SBUF_INIT;
	if (cmp_find(spec, f, k, &err))
		cli_tool_error(t, "%s", sb_str(&err));
	sb_free(&err);
}

static int capture(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		   const struct model *m, int pool)
{
	static char *msgs[] = { "hello", "compare me" };
	struct sbuf err = SBUF_INIT;
	int rc = cmp_capture_model(cap, f, k, m, pool, msgs, 2, &err);
	if (rc > 0)
		fprintf(stderr, _("compare: --model %s does not apply to %s/%s: %s\n"), m->name, f->name, k->name,
			sb_str(&err));
	else if (rc)
		fprintf(stderr, "compare: %s/%s: %s\n", f->name, k->name, sb_str(&err));
	sb_free(&err);
	return rc;
}

/* What --help says after the options: the scenarios and families as they are
 * in the tables, the width rule, the exit status. */
static char *epilog(void)
{
	struct sbuf sb = SBUF_INIT, scenarios = SBUF_INIT, families = SBUF_INIT;
	int last = 0;
	for (const struct cmp_scenario *s = cmp_scenarios; s->id; s++) {
		if (s->number != last)
			sb_printf(&scenarios, "%s%d", last ? ", " : "", s->number);
		sb_printf(&scenarios, " %s", s->id);
		last = s->number;
	}
	for (const struct family *const *f = sockfam_families; *f; f++) {
		sb_printf(&families, "%s%s (", f == sockfam_families ? "" : ", ", (*f)->name);
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++)
			sb_printf(&families, "%s%s", k == cmp_kinds(*f) ? "" : " ", k->name);
		sb_puts(&families, ")");
	}
	sb_printf(&sb, _("Scenarios (--only takes the number or the name): %s."), sb_str(&scenarios));
	sb_putc(&sb, '\n');
	sb_printf(&sb, _("Families and their kinds: %s."), sb_str(&families));
	sb_free(&scenarios);
	sb_free(&families);
	sb_puts(&sb, "\n\n");
	sb_printf(&sb, _("Text is at most COLUMNS columns wide (from the environment, else the terminal's "
			 "width, else 80; at least %d): a matrix too wide for it is transposed or split into tables "
			 "that each fit, calls wrap and are never cut. --wide ignores the width."), CMP_MIN_WIDTH);
	sb_puts(&sb, "\n\n");
	sb_puts(&sb, _("Exit status: 0 success, 1 a run failed, 2 bad usage."));
	return sb.p;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	cli_lang("compare", argc, argv);   /* the epilog is made translated, before cli_tool_parse */
	char *tail = epilog();
	const struct cli_tool tool = {
		.name = "compare",
		.id = CLI_TOOL_COMPARE,
		.usage = N_("Usage: compare [OPTION]...\n"
			    "       compare --trace FAMILY[/KIND] FAMILY[/KIND]\n"
			    "       compare --diagram FAMILY[/KIND] [--model NAME[=N]] [--svg FILE]\n"
			    "       compare --models [FAMILY[/KIND]]\n"),
		.intro = N_("Runs the same scenarios on every address family and socket kind and prints what "
			    "the kernel did, measured now: a row per scenario, a column per FAMILY/KIND. A FAMILY "
			    "alone is every kind of it in --families (inet: inet/tcp and inet/udp), its first kind "
			    "for --trace, --diagram and --models (inet: inet/tcp). Options may come anywhere on the "
			    "line."),
		.epilog = tail,
		.set = set,
		.ctx = &o,
	};
	setvbuf(stdout, NULL, _IOLBF, 0);
	int first = cli_tool_parse(&tool, argc, argv);
	int nops = argc - first;
	char **ops = argv + first;
	unsigned run = o.run_key == CLI_TRACE ? RUN_TRACE : o.run_key == CLI_DIAGRAM ? RUN_DIAGRAM
		     : o.run_key == CLI_MODELS ? RUN_MODELS : RUN_MATRIX;
	check(&tool, &o, run, nops, ops);
	int width = o.wide ? 0 : cmp_term_width();

	/* every name given must mean something, and the SVG file must be writable,
	 * before anything runs */
	const struct family *fa = NULL, *fb = NULL;
	const struct sock_kind *ka = NULL, *kb = NULL;
	if (run != RUN_MATRIX)
		find(&tool, nops ? ops[0] : "inet/tcp", &fa, &ka);
	if (run == RUN_TRACE)
		find(&tool, ops[1], &fb, &kb);
	const struct model *model_m = NULL;
	int pool = 0;
	if (o.model) {
		struct sbuf err = SBUF_INIT;
		if (cmp_model_parse(o.model, &model_m, &pool, &err))
			cli_tool_error(&tool, "%s", sb_str(&err));
		sb_free(&err);
	}
	struct cmp_matrix m;
	if (run == RUN_MATRIX) {
		struct sbuf err = SBUF_INIT;
		if (cmp_matrix_select(&m, o.only, o.families, &err))
			cli_tool_error(&tool, "%s", sb_str(&err));
		sb_free(&err);
	}
	FILE *svg = NULL;
	if (o.svg && !(svg = fopen(o.svg, "w")))
		cli_tool_error(&tool, _("cannot write the SVG to '%s': %s"), o.svg, strerror(errno));
	free(tail);

	if (run == RUN_MODELS) {
		struct cmp_models mm;
		struct sbuf err = SBUF_INIT;
		if (cmp_models_run(&mm, fa, ka, &err)) {
			fprintf(stderr, "compare: %s/%s: %s\n", fa->name, ka->name, sb_str(&err));
			sb_free(&err);
			return 1;
		}
		sb_free(&err);
		switch (o.format) {
		case CLI_MARKDOWN: cmp_models_markdown(stdout, &mm); break;
		case CLI_JSON: cmp_models_json(stdout, &mm); break;
		default: cmp_models_text(stdout, &mm, width);
		}
		int bad = 0;
		for (size_t i = 0; i < mm.nruns; i++)
			bad |= mm.runs[i].status < 0;
		cmp_models_free(&mm);
		return bad;
	}
	if (run == RUN_TRACE) {
		struct cmp_capture a, b;
		if (capture(&a, fa, ka, NULL, 0))
			return 1;
		if (capture(&b, fb, kb, NULL, 0)) {
			cmp_capture_free(&a);
			return 1;
		}
		struct cmp_diffstat st;
		cmp_trace_diff(stdout, &a, &b, width, &st);
		cmp_capture_free(&a);
		cmp_capture_free(&b);
		return 0;
	}
	if (run == RUN_DIAGRAM) {
		struct cmp_capture a;
		if (capture(&a, fa, ka, model_m, pool)) {
			if (svg) {
				fclose(svg);
				unlink(o.svg);   /* nothing to draw: no empty picture left behind */
			}
			return 1;
		}
		cmp_diagram_text(stdout, &a, width);
		if (svg) {
			cmp_diagram_svg(svg, &a);
			if (fclose(svg)) {
				fprintf(stderr, _("compare: writing '%s': %s\n"), o.svg, strerror(errno));
				cmp_capture_free(&a);
				return 1;
			}
			putchar('\n');
			printf(_("wrote %s\n"), o.svg);
		}
		cmp_capture_free(&a);
		return 0;
	}

	cmp_matrix_run(&m, o.format || !isatty(2) ? NULL : stderr);
	switch (o.format) {
	case CLI_MARKDOWN: cmp_print_markdown(stdout, &m); break;
	case CLI_JSON: cmp_print_json(stdout, &m); break;
	case CLI_CSV: cmp_print_csv(stdout, &m); break;
	default:
		cmp_print_text(stdout, &m, o.wide ? cmp_term_width() : width,
			       (o.details ? CMP_DETAILS : 0) | (o.wide ? CMP_WIDE : 0));
	}
	int bad = 0;
	for (int i = 0; i < m.nrows * m.ncols; i++)
		bad |= m.cells[i].status == CELL_ERROR || m.cells[i].status == CELL_TIMEOUT;
	cmp_matrix_free(&m);
	return bad;
}
