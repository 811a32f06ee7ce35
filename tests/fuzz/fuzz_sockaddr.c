/*
 * fuzz_sockaddr: a socket address as accept, recvfrom, getsockname and
 * recvmsg hand it back (any family, any length): the trace's decoder
 * (dec_sockaddr) and each family's description for people (describe).
 */
#include <stdlib.h>
#include <string.h>

#include "../../families/families.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace_opts(&data, &size);
	struct sbuf sb = SBUF_INIT;
	const struct sockaddr *sa = fuzz_dup(data, size);
	dec_sockaddr(&sb, sa, (socklen_t)size);
	/* a length longer than the bytes is never passed: callers cap it to their buffer */
	for (const struct family *const *f = sockfam_families; *f; f++) {
		if (size >= sizeof(sa_family_t) && (*f)->describe) {
			sb_reset(&sb);
			(*f)->describe(sa, (socklen_t)size, &sb);
		}
	}
	sb_free(&sb);
	free((void *)sa);
	return 0;
}
