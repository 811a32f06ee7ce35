/* inet6-client: the shared client skeleton over AF_INET6 (TCP, or UDP with -u). */
#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../families/families.h"

int main(int argc, char **argv)
{
	struct session s;
	cli_parse(&s, &family_inet6, ROLE_CLIENT, argc, argv);
	return client_run(&s);
}
