/* netlink-query: ask the kernel (links, addrs, routes, neigh, sockets, families) over netlink. */
#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../families/families.h"

int main(int argc, char **argv)
{
	struct session s;
	cli_parse(&s, &family_netlink, ROLE_CLIENT, argc, argv);
	return client_run(&s);
}
