/*
 * fuzz_netlink: a netlink datagram as recvfrom/recvmsg/sendto show it,
 * decoded for each protocol the suite speaks (NETLINK_ROUTE, SOCK_DIAG,
 * GENERIC) and one it does not (hex only): every message and attribute
 * length is the sender's word and must be checked against the bytes.
 */
#include <linux/netlink.h>

#include "fuzz.h"

static const int protocols[] = { NETLINK_ROUTE, NETLINK_SOCK_DIAG, NETLINK_GENERIC, NETLINK_USERSOCK };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace_opts(&data, &size);
	int protocol = protocols[fuzz_byte(&data, &size) % 4];
	struct sbuf sb = SBUF_INIT;
	void *buf = fuzz_dup(data, size);
	dec_payload(&sb, AF_NETLINK, protocol, buf, size);
	sb_free(&sb);
	free(buf);
	return 0;
}
