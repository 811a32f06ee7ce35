/* netlink-monitor: the kernel's link, address, route and neighbour events, as they arrive. */
#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../families/families.h"

int main(int argc, char **argv)
{
	struct session s;
	cli_parse(&s, &family_netlink, ROLE_SERVER, argc, argv);
	return server_run(&s);
}
