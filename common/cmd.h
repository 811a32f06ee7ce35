/* cmd: the command server's line parser (--service cmd; see cmd.c). */
#ifndef SOCKFAM_CMD_H
#define SOCKFAM_CMD_H

#include <stddef.h>

#include "sbuf.h"

#define CMD_LINE_MAX 4096        /* bytes of one command line */
#define CMD_ARGS_MAX 32          /* words of one command line */

struct command;

/* A command line from the peer (n bytes at line, which has room for n + 1 and
 * is changed) into argv (CMD_ARGS_MAX + 1 entries, pointing into line): the
 * allow-listed command, or NULL with the reason in err. *help is set (and
 * NULL returned) for the built-in help. Runs nothing. */
const struct command *cmd_parse(char *line, size_t n, char **argv, int *help, struct sbuf *err);

#endif
