/*
 * cli: the command line every demo shares.
 *
 * Trace options named as strace names them (-q -o -s -t/-tt -T -x/-xx -v),
 * -a/-p for the address, the family's own kind option (-u, -t TYPE) and
 * family options. A bad command line is one line on stderr and exit 2,
 * before any socket exists.
 */
#ifndef SOCKFAM_CLI_H
#define SOCKFAM_CLI_H

#include "family.h"

/* Parses argv into s and sets up tracing; exits 0 after --help, 2 on a usage error. */
void cli_parse(struct session *s, const struct family *fam, enum role role, int argc, char **argv);

/* One line "prog: message" on stderr, then exit(2). */
void cli_usage_error(const struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Parses a decimal number in [lo, hi]; 0 on success. No signs, spaces or octal. */
int cli_number(const char *text, long lo, long hi, long *out);

#endif
