/*
 * fuzz: what the fuzz harnesses share (tests/fuzz/fuzz_*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput for one parser of bytes from
 * outside. Built with clang -fsanitize=fuzzer,address,undefined it is a
 * libFuzzer program (make fuzz); built with replay.c instead it runs the
 * committed corpus and regression inputs once each (make test).
 */
#ifndef SOCKFAM_FUZZ_H
#define SOCKFAM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Takes the first byte (when there is one) as the trace options a user can
 * give: -x/-xx, -v, and -s (32, 4 or 256), so every printer runs under each. */
static inline void fuzz_trace_opts(const uint8_t **data, size_t *size)
{
	static const int strsizes[4] = { 32, 4, 256, 0 };
	uint8_t b = 0;
	if (*size) {
		b = **data;
		(*data)++;
		(*size)--;
	}
	decode_opts.xflag = b % 3;
	decode_opts.verbose = (b >> 2) & 1;
	decode_opts.strsize = strsizes[(b >> 3) & 3];
}

/* Takes a byte from the front (0 when there is none). */
static inline uint8_t fuzz_byte(const uint8_t **data, size_t *size)
{
	if (!*size)
		return 0;
	(*size)--;
	return *(*data)++;
}

/* The rest of the input in a buffer of its own, of its exact size and
 * aligned as malloc aligns (as the receive buffers are): an over-read is past
 * its end for the sanitizer, and no struct is read at an odd address. */
static inline void *fuzz_dup(const uint8_t *data, size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		abort();
	memcpy(p, data, size);
	return p;
}

#endif
