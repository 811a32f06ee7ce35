/*
 * fuzz_nlrows: netlink answers and events as netlink-query and
 * netlink-monitor read them (links, addresses, routes, neighbours; sock_diag
 * inet and unix sockets; generic netlink families), through libmnl's
 * attribute checks and the suite's row printers.
 */
#include <linux/netlink.h>
#include <stdlib.h>

#include "../../families/netlink.h"
#include "fuzz.h"

static const int protocols[] = { NETLINK_ROUTE, NETLINK_SOCK_DIAG, NETLINK_GENERIC };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int protocol = protocols[fuzz_byte(&data, &size) % 3];
	void *buf = fuzz_dup(data, size);
	nl_rows_of(protocol, buf, size);
	free(buf);
	return 0;
}
