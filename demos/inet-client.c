/* inet-client: the shared client skeleton over AF_INET (TCP, or UDP with -u). */
#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../families/families.h"

int main(int argc, char **argv)
{
	struct session s;
	cli_parse(&s, &family_inet, ROLE_CLIENT, argc, argv);
	return client_run(&s);
}
