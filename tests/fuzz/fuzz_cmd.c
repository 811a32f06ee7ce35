/*
 * fuzz_cmd: the command server's line from a peer. Whatever it takes must be
 * allow-listed words only: no byte a shell would read as syntax.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/cmd.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	char *argv[CMD_ARGS_MAX + 1];
	if (!line)
		return 0;
	memcpy(line, data, size);
	int help;
	struct sbuf err = SBUF_INIT;
	if (cmd_parse(line, size, argv, &help, &err)) {
		for (char **a = argv; *a; a++)
			if (strpbrk(*a, ";&|$`<>(){}[]*?~!#'\"\\\n")) {
				fprintf(stderr, "fuzz_cmd: a word with shell syntax was taken: %s\n", *a);
				abort();
			}
	} else if (!help && !err.len) {
		fprintf(stderr, "fuzz_cmd: a line was refused without a reason\n");
		abort();
	}
	sb_free(&err);
	free(line);
	return 0;
}
