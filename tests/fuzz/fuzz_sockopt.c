/*
 * fuzz_sockopt: an option value as getsockopt hands it back (the kernel
 * says how long it is): every level and name, any length.
 */
#include <netinet/in.h>
#include <string.h>

#include "fuzz.h"

static const int levels[] = { SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6, 270, 17 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace_opts(&data, &size);
	int level = levels[fuzz_byte(&data, &size) % 6];
	int name = fuzz_byte(&data, &size) % 80;
	struct sbuf sb = SBUF_INIT;
	dec_sockopt_name(&sb, level, name);
	void *val = fuzz_dup(data, size);
	dec_sockopt_value(&sb, level, name, val, (socklen_t)size);
	sb_free(&sb);
	free(val);
	return 0;
}
