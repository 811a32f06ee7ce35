/*
 * errlab: each errno a student meets with sockets, provoked live on every
 * family and socket kind where it can happen, the traced call that returned
 * it, and why; where it cannot happen, why not (see lab.h).
 *
 *   errlab [--json] [ERRNO]...      (no ERRNO: all of them)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

#include "../../common/cli.h"
#include "../../common/i18n.h"
#include "../../common/json.h"

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	(void)arg;
	if (key != CLI_JSON) {
		sb_printf(err, _("option %s is not errlab's"), cli_option_name(key));
		return -1;
	}
	*(int *)ctx = 1;
	return 0;
}

static void wrapped(const char *text, int indent)
{
	i18n_wrap(text, indent, 80);
}

static void print_text(const struct lab_errno *e, const struct lab_result *r, int first)
{
	static int errnos;   /* printed so far: a blank line between two */
	if (first)
		printf("%s%s (%s): %s\n", errnos++ ? "\n" : "", strerrorname_np(e->err), strerror(e->err),
		       _(e->summary));
	printf("\n  %s/%s: ", r->fam->name, r->kind->name);
	if (!r->cause) {
		printf("%s\n", _("cannot happen here"));
		wrapped(_(r->why), 4);
		return;
	}
	printf("%s\n", _(r->cause));
	for (int i = 0; i < r->nlines; i++)
		printf("  %s %s\n", i == r->failed_line ? ">" : " ", r->lines[i]);
	if (r->produced)
		wrapped(_(r->why), 4);
	else {
		char line[600];
		snprintf(line, sizeof line, _("NOT PRODUCED: %s returned %s instead. %s"), r->call[0] ? r->call : "-",
			 r->got > 0 ? strerrorname_np(r->got) : r->got == 0 ? _("success") : _("nothing"), r->note);
		wrapped(line, 4);
	}
}

static void print_json(const struct lab_errno *e, const struct lab_result *r, int first, int last)
{
	static int errnos;
	FILE *o = stdout;
	if (first) {
		fprintf(o, "%s\n  {\"errno\": \"%s\", \"number\": %d, \"text\": ", errnos++ ? "," : "",
			strerrorname_np(e->err), e->err);
		json_str(o, strerror(e->err));
		fputs(", \"summary\": ", o);
		json_str(o, _(e->summary));
		fputs(", \"families\": [", o);
	}
	fprintf(o, "%s\n    {\"family\": \"%s\", \"kind\": \"%s\", \"can_happen\": %s", first ? "" : ",",
		r->fam->name, r->kind->name, r->cause ? "true" : "false");
	if (r->cause) {
		fputs(", \"cause\": ", o);
		json_str(o, _(r->cause));
		fprintf(o, ", \"produced\": %s, \"call\": ", r->produced ? "true" : "false");
		json_str(o, r->call);
		fputs(", \"returned\": ", o);
		json_str(o, r->got > 0 ? strerrorname_np(r->got) : r->got == 0 ? "success" : "");
		fputs(", \"trace\": [", o);
		for (int i = 0; i < r->nlines; i++) {
			fputs(i ? ", " : "", o);
			json_str(o, r->lines[i]);
		}
		fprintf(o, "], \"failed_line\": %d", r->failed_line);
		if (r->note[0]) {
			fputs(", \"note\": ", o);
			json_str(o, r->note);
		}
	}
	fputs(r->cause ? ", \"explanation\": " : ", \"why_not\": ", o);
	json_str(o, _(r->why));
	fputs("}", o);
	if (last)
		fputs("\n  ]}", o);
}

int main(int argc, char **argv)
{
	int json = 0;
	cli_lang("errlab", argc, argv);
	struct sbuf names = SBUF_INIT;
	for (const struct lab_errno *e = lab_errnos; e->err; e++)
		sb_printf(&names, "%s%s", e == lab_errnos ? "" : " ", strerrorname_np(e->err));
	char *epilog = NULL;
	/* translated here: cli.c's _() finds nothing more to do with it */
	if (asprintf(&epilog, _("ERRNO: one of %s (any case).\n\nExit status: 0 every errno came where it "
				"can, 1 one did not, 2 bad usage."), sb_str(&names)) < 0)
		return 1;
	const struct cli_tool tool = {
		.name = "errlab",
		.id = CLI_TOOL_ERRLAB,
		/* N_(): common/cli.c prints them through gettext */
		.usage = N_("Usage: errlab [OPTION]... [ERRNO]...\n"),
		.intro = N_("Provokes each ERRNO (every one it knows when none is given) live on every address "
			    "family and socket kind where it can happen, shows the traced system calls with the one "
			    "that returned it marked '>', and explains the cause; where it cannot happen, says why."),
		.epilog = epilog,
		.set = set,
		.ctx = &json,
	};
	int first = cli_tool_parse(&tool, argc, argv);
	const struct lab_errno *chosen[64];
	int n = 0;
	for (int i = first; i < argc; i++) {
		const struct lab_errno *e = lab_find(argv[i]);
		if (!e)
			cli_tool_error(&tool, _("unknown errno '%s': errlab knows %s"), argv[i], sb_str(&names));
		if (n < 64)
			chosen[n++] = e;
	}
	if (!n)
		for (const struct lab_errno *e = lab_errnos; e->err && n < 64; e++)
			chosen[n++] = e;
	free(epilog);
	sb_free(&names);

	setvbuf(stdout, NULL, _IOLBF, 0);
	int missing = 0;
	if (json)
		fputs("{\"errnos\": [", stdout);
	for (int i = 0; i < n; i++) {
		const struct family *f = NULL;
		const struct sock_kind *k = NULL;
		int col = 0, more = lab_next_kind(&f, &k);
		while (more) {
			struct lab_result r;
			lab_run(chosen[i], f, k, &r);
			missing += r.cause && !r.produced;
			const struct family *nf = f;
			const struct sock_kind *nk = k;
			more = lab_next_kind(&nf, &nk);
			if (json)
				print_json(chosen[i], &r, !col, !more);
			else
				print_text(chosen[i], &r, !col);
			lab_free(&r);
			f = nf, k = nk, col++;
		}
	}
	if (json)
		puts("\n]}");
	return missing ? 1 : 0;
}
