/*
 * sockopt: socket options on a fresh socket of one family and kind, each
 * read (its default), set to a typical value (or the one given) and read
 * back, every getsockopt/setsockopt traced. What the kernel refuses for
 * this socket is listed with its errno. The table is common/sockopt.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cli.h"
#include "../common/i18n.h"
#include "../common/sockopt.h"
#include "../families/families.h"

struct opts {
	const char *family, *kind;
	int json;
};

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	struct opts *o = ctx;
	const char **slot = key == 'f' ? &o->family : key == 'k' ? &o->kind : NULL;
	if (slot) {
		if (*slot && strcmp(*slot, arg)) {
			sb_printf(err, _("-%c %s and -%c %s: one at a time"), key, *slot, key, arg);
			return -1;
		}
		*slot = arg;
	} else if (key == CLI_JSON) {
		o->json = 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sbuf epilog = SBUF_INIT, names = SBUF_INIT;
	cli_lang("sockopt", argc, argv);   /* the epilog is made translated here */
	sockopt_names(&names);
	sb_puts(&epilog, _("FAMILY and its KINDs:"));
	for (const struct family *const *f = sockfam_families; *f; f++) {
		sb_printf(&epilog, "%s %s (", f == sockfam_families ? "" : ";", (*f)->name);
		for (const struct sock_kind *k = (*f)->kinds; k->name; k++)
			sb_printf(&epilog, "%s%s", k == (*f)->kinds ? "" : ", ", k->name);
		sb_putc(&epilog, ')');
	}
	sb_printf(&epilog,
		  _(".\nOPTION: %s (upper or lower case). VALUE: a number; SO_LINGER ONOFF,SECONDS; "
		    "SO_RCVTIMEO and SO_SNDTIMEO seconds (2.5).\nExit status: 0 success, 1 the socket could not "
		    "be made or an OPTION given was refused, 2 bad usage."),
		  sb_str(&names));
	const struct cli_tool tool = {
		.name = "sockopt",
		.id = CLI_TOOL_SOCKOPT,
		.usage = N_("Usage: sockopt [-f FAMILY] [-k KIND] [--json] [OPTION[=VALUE]]...\n"),
		.intro = N_("Makes one fresh socket and, for each OPTION (every option of its table when none is "
			    "given), reads it with getsockopt (the default), sets it with setsockopt (to VALUE, "
			    "or a typical value) and reads it back, printing each call as strace would. The "
			    "options the kernel refuses for this family and kind are listed with its errno."),
		.epilog = sb_str(&epilog),
		.run_title = "",
		.set = set,
		.ctx = &o,
	};
	int first = cli_tool_parse(&tool, argc, argv);

	const struct family *fam = NULL;
	for (const struct family *const *f = sockfam_families; *f && !fam; f++)
		if (!strcmp((*f)->name, o.family ? o.family : "inet"))
			fam = *f;
	if (!fam)
		cli_tool_error(&tool, _("unknown family '%s'"), o.family);
	const struct sock_kind *kind = NULL;
	for (const struct sock_kind *k = fam->kinds; k->name && !kind; k++)
		if (!o.kind || !strcmp(k->name, o.kind))
			kind = k;
	if (!kind)
		cli_tool_error(&tool, _("unknown kind '%s' of %s"), o.kind, fam->name);

	size_t n = (size_t)(argc - first);
	struct sopt_req *reqs = calloc(n ? n : 1, sizeof *reqs);
	if (!reqs)
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct sbuf err = SBUF_INIT;
		if (sockopt_parse(argv[first + (int)i], &reqs[i], &err))
			cli_tool_error(&tool, "%s", sb_str(&err));
		sb_free(&err);
	}
	int rc = sockopt_run(fam, kind, reqs, n, o.json, stdout);
	free(reqs);
	sb_free(&epilog);
	sb_free(&names);
	return rc;
}
