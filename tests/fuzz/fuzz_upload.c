/*
 * fuzz_upload: the upload server's header from a peer, "UPLOAD <size>
 * <name>": whatever it takes must be a name that stays in the directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/upload.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t n;
	const char *name;
	size_t len;
	struct sbuf why = SBUF_INIT;
	if (upload_parse_header((const char *)data, size, &n, &name, &len, &why) == 0) {
		if (!len || len > UPLOAD_NAME_MAX || memchr(name, '/', len) || memchr(name, '\0', len) ||
		    name[0] == '.' || name < (const char *)data || name + len != (const char *)data + size) {
			fprintf(stderr, "fuzz_upload: a header with a bad name was taken\n");
			abort();
		}
	} else if (!why.len) {
		fprintf(stderr, "fuzz_upload: a header was refused without a reason\n");
		abort();
	}
	sb_free(&why);
	return 0;
}
