/*
 * exercise: "predict the trace" exercises, and their grader (see ex.h).
 *
 *   exercise list                 the exercises, numbered
 *   exercise show N               one: the command, the question, the hints
 *   exercise answer N             its model answer (for the instructor)
 *   exercise check N ANSWER.txt   runs it now and grades the predicted trace
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ex.h"

#include "../../common/cli.h"
#include "../../common/i18n.h"

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	(void)arg;
	(void)ctx;
	sb_printf(err, _("option %s is not exercise's"), cli_option_name(key));
	return -1;
}

/* The answer file as text: missing, unreadable, or not text is a usage error. */
static char *read_answer(const struct cli_tool *t, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		cli_tool_error(t, _("cannot read the answer '%s': %m"), path);
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (memchr(buf, '\0', n))
			cli_tool_error(t, _("'%s' is not text (it has NUL bytes): write the trace lines in a text file"),
				       path);
		sb_putn(&sb, buf, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		cli_tool_error(t, _("cannot read the answer '%s'"), path);
	if (sb.len > (1u << 20))
		cli_tool_error(t, _("'%s' is larger than 1 MiB: not an answer"), path);
	/* UTF-8 only */
	const unsigned char *p = (const unsigned char *)sb_str(&sb);
	while (*p) {
		int more = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (more < 0)
			cli_tool_error(t, _("'%s' is not text (not UTF-8)"), path);
		p++;
		for (int k = 0; k < more; k++, p++)
			if ((*p & 0xc0) != 0x80)
				cli_tool_error(t, _("'%s' is not text (not UTF-8)"), path);
	}
	return sb.p ? sb.p : strdup("");
}

static const struct exercise *pick(const struct cli_tool *t, struct exercise *all, int n, const char *arg)
{
	long k;
	if (cli_number(arg, 1, n, &k))
		cli_tool_error(t, _("no exercise '%s': give a number from 1 to %d (exercise list)"), arg, n);
	return &all[k - 1];
}

/* "  LABEL  text", the text from column 18 whatever the label's script */
static void label(const char *l, const char *text)
{
	int pad = 16 - (int)i18n_width(l, strlen(l));
	printf("  %s%*s%s\n", l, pad > 1 ? pad : 1, "", text);
}

static void show(const struct exercise *e)
{
	printf(_("Exercise %d: %s\n\n"), e->number, e->title);
	if (e->server[0])
		label(_("A server runs:"), e->server);
	label(_("The command:"), e->command);
	if (strstr(e->command, "{port}"))
		label("{port}:", e->server[0] ? _("the port the server listens on") : _("a port nobody listens on"));
	if (strstr(e->command, "{dir}") || strstr(e->server, "{dir}"))
		label("{dir}:", _("a new directory of the exercise's own (in the trace: DIR)"));
	if (strstr(e->command, "{file}"))
		label("{file}:", _("{dir}/file.txt, 24 bytes: \"a file for the exercise\" and a newline"));
	printf("\n%s\n", e->question);
	if (e->trace_server)
		printf("%s\n", _("(Predict the server's trace, not the command's.)"));
	for (int i = 0; i < e->nhints; i++)
		printf(_("%sHint: %s\n"), i ? "" : "\n", e->hints[i]);
	static const char *const words[] = { N_("descriptor numbers"), N_("port numbers"), N_("pids and port ids"),
		N_("byte counts"), N_("the bytes sent and received") };
	int any = 0;
	for (int i = 0; i < 5; i++)
		if (e->norm & (1u << i))
			printf("%s%s", any++ ? _(", ") : _("\nNot graded (write anything): "), _(words[i]));
	if (any)
		printf("%s\n", _("."));
	printf(_("\nWrite one line per call, as strace prints it (NAME(ARGS) = RESULT), into a file and run:\n"
		 "  exercise check %d FILE\n"), e->number);
}

int main(int argc, char **argv)
{
	cli_lang("exercise", argc, argv);
	const struct cli_tool tool = {
		.name = "exercise",
		.id = CLI_TOOL_EXERCISE,
		/* N_(): common/cli.c prints them through gettext */
		.usage = N_("Usage: exercise list\n"
			    "       exercise show N\n"
			    "       exercise answer N\n"
			    "       exercise check N ANSWER.txt\n"),
		.intro = N_("\"Predict the trace\" exercises. show prints exercise N: a command of the suite and the "
			    "question which system calls it makes and what each returns. check runs the command now, "
			    "normalises what differs from run to run (pointers, and what the exercise names: "
			    "descriptors, ports, pids, sizes, data) in its trace and in ANSWER.txt, compares them "
			    "call by call, explains each difference, and gives a score. answer prints the model "
			    "answer. The exercises are plain files: exercises/README.md says how to write one."),
		.epilog = N_("The exercises are read from $SOCKFAM_EXERCISES, else exercises/ beside bin/, else "
			     "share/sockfam/exercises beside the installed program.\n\n"
			     "Exit status: 0 success (check: every line right), 1 check found a difference or the "
			     "command could not run, 2 bad usage."),
		.set = set,
		.ctx = NULL,
	};
	int first = cli_tool_parse(&tool, argc, argv);
	int nops = argc - first;
	char **ops = argv + first;
	static const struct {
		const char *name;
		int nops;
		const char *usage;
	} subs[] = { { "list", 1, "list" }, { "show", 2, "show N" }, { "answer", 2, "answer N" },
		     { "check", 3, "check N ANSWER.txt" } };
	size_t s;
	if (!nops)
		cli_tool_error(&tool, "%s", _("what to do: list, show N, answer N or check N ANSWER.txt"));
	for (s = 0; s < sizeof subs / sizeof subs[0] && strcmp(subs[s].name, ops[0]); s++)
		;
	if (s == sizeof subs / sizeof subs[0])
		cli_tool_error(&tool, _("unknown command '%s': list, show N, answer N or check N ANSWER.txt"), ops[0]);
	if (nops != subs[s].nops)
		cli_tool_error(&tool, ngettext("%s takes %d argument: exercise %s", "%s takes %d arguments: exercise %s",
					       (unsigned long)(subs[s].nops - 1)),
			       subs[s].name, subs[s].nops - 1, subs[s].usage);
	const char *dir = ex_dir();
	if (!dir)
		cli_tool_error(&tool, "%s", _("no exercises directory (set SOCKFAM_EXERCISES)"));
	struct exercise *all = NULL;
	struct sbuf err = SBUF_INIT;
	int n = ex_load_all(dir, &all, &err);
	if (n < 0)
		cli_tool_error(&tool, "%s", sb_str(&err));
	if (n == 0)
		cli_tool_error(&tool, _("no exercises in %s"), dir);
	const struct exercise *e = nops > 1 ? pick(&tool, all, n, ops[1]) : NULL;
	char *answer = s == 3 ? read_answer(&tool, ops[2]) : NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);

	int rc = 0;
	if (s == 0) {
		for (int i = 0; i < n; i++)
			printf("%3d  %s\n", all[i].number, all[i].title);
	} else if (s == 1) {
		show(e);
	} else if (s == 2) {
		fputs(sb_str((struct sbuf *)&e->answer), stdout);
	} else {
		struct sbuf trace = SBUF_INIT, report = SBUF_INIT;
		if (ex_run(e, &trace, &err)) {
			fprintf(stderr, "exercise: %s\n", sb_str(&err));
			rc = 1;
		} else {
			int score, total;
			rc = ex_grade(e, answer, sb_str(&trace), &report, &score, &total);
			printf(_("Exercise %d: %s\n  %s\n\n%s\nscore: %d/%d%s\n"), e->number, e->title, e->command,
			       sb_str(&report), score, total, rc ? "" : _(" (every call right)"));
		}
		sb_free(&trace);
		sb_free(&report);
	}
	free(answer);
	sb_free(&err);
	ex_free(all, n);
	return rc;
}
