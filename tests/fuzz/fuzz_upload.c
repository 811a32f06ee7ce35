/*
 * fuzz_upload: the upload server's header from a peer, "UPLOAD <size>
 * <name>" (whatever it takes must be a name that stays in the directory),
 * and the same bytes as the server's answer to a client's upload
 * ("OK <size> <sha256>" or "error: ..."), which the client must judge without
 * reading past them.
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

	/* the client's side: an empty file sent, then these bytes as the answer */
	static struct session s = { .prog = "fuzz_upload", .upload = "/dev/null" };
	struct upload *u = upload_open(&s);
	const char *msg;
	size_t mlen;
	if (!u)
		abort();
	while (upload_next(u, &msg, &mlen) == 1)
		;
	char *answer = fuzz_dup(data, size);
	upload_answer(u, answer, size);
	upload_close(u);
	free(answer);
	return 0;
}
