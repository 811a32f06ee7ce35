/* inet6-server: the shared server skeleton over AF_INET6 (TCP, or UDP with -u). */
#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../families/families.h"

int main(int argc, char **argv)
{
	struct session s;
	cli_parse(&s, &family_inet6, ROLE_SERVER, argc, argv);
	return server_run(&s);
}
