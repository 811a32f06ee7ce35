/*
 * cli: the command line every program shares.
 *
 * One table of every option of every program (common/cli.c): trace options
 * named as strace names them (-q -o -s -t/-tt -T -x/-xx -v), -a/-p for the
 * address, -k/--kind (-u for UDP), the server's design (--model...), and the
 * options of the programs above the families (bin/compare). A program takes,
 * and its --help lists, only its own rows. A bad command line is one line on
 * stderr, starting with the program's name, and exit 2, before any socket
 * exists.
 */
#ifndef SOCKFAM_CLI_H
#define SOCKFAM_CLI_H

#include "family.h"
#include "sbuf.h"

/* Parses argv into s and sets up tracing; exits 0 after --help, 2 on a usage error. */
void cli_parse(struct session *s, const struct family *fam, enum role role, int argc, char **argv);

/* One line "prog: message" on stderr, then exit(2). */
void cli_usage_error(const struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Parses a decimal number in [lo, hi]; 0 on success. No signs, spaces or octal. */
int cli_number(const char *text, long lo, long hi, long *out);

/* ---- programs above the families (bin/compare, bin/lab) ------------------------------------- */

/* The options that have no letter, as set() below receives them (a lettered
 * option comes as its letter). */
enum cli_key {
	CLI_MODEL = 256, CLI_SERVICE, CLI_BACKLOG, CLI_MAX_CLIENTS, CLI_IDLE, CLI_NO_LOG, CLI_CMD_TIMEOUT,
	/* bin/compare */
	CLI_TRACE, CLI_DIAGRAM, CLI_MODELS, CLI_ONLY, CLI_FAMILIES, CLI_DETAILS,
	CLI_MARKDOWN, CLI_JSON, CLI_CSV, CLI_WIDE, CLI_SVG,
	/* bin/lookup */
	CLI_ADDR, CLI_ORDER,
	/* every program */
	CLI_VERSION,
	/* the programs with message catalogs (common/i18n.h) */
	CLI_LANG,
	/* bin/lab */
	CLI_HOSTS, CLI_V6, CLI_RATE, CLI_DELAY, CLI_LOSS, CLI_MTU,
	/* bin/oob */
	CLI_INLINE,
};

/* Which rows of the table such a program takes: one bit per program. */
enum cli_tool_id {
	CLI_TOOL_COMPARE = 1, CLI_TOOL_SOCKOPT = 2, CLI_TOOL_LOOKUP = 4, CLI_TOOL_PYMAP = 8,
	CLI_TOOL_ERRLAB = 16, CLI_TOOL_EXERCISE = 32, CLI_TOOL_LAB = 64, CLI_TOOL_OOB = 128,
};

struct cli_tool {
	const char *name;       /* "compare": in front of every message */
	unsigned id;            /* CLI_TOOL_*: selects its rows of the table */
	const char *usage;      /* the "Usage: ..." lines, printed as they are */
	const char *intro;      /* what it does; '\n' between paragraphs; wrapped at 80 columns */
	const char *epilog;     /* after the options, the same way (the exit status, ...) */
	const char *run_title;  /* the title over its first options (NULL: bin/compare's) */
	/* Called for each option given, in order (key: the letter or a CLI_*
	 * key; arg: NULL for a flag): 0, or -1 with one line in err. */
	int (*set)(void *ctx, int key, const char *arg, struct sbuf *err);
	void *ctx;
};

/* Parses t's options anywhere on the line (`--` ends them) through t->set;
 * --help prints the help made from t's rows and exits 0; a bad option is one
 * line "NAME: ..." and exit 2. Returns the index of the first operand. */
int cli_tool_parse(const struct cli_tool *t, int argc, char **argv);

/* The language of the messages (common/i18n.h): the environment's, or that of
 * --lang anywhere on the line before `--`; an unknown one is one line and exit
 * 2. cli_parse and cli_tool_parse call it first; a program that makes
 * translated texts before those (its help's epilog) calls it itself. */
void cli_lang(const char *prog, int argc, char **argv);

/* One line "NAME: message (see --help)" on stderr, then exit(2). */
void cli_tool_error(const struct cli_tool *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* An option as the user writes it: "--json", "-p". */
const char *cli_option_name(int key);
/* The same, as tool t names it (its row of a letter several rows use). */
const char *cli_tool_option_name(const struct cli_tool *t, int key);

#endif
