/* unix-server: the shared server skeleton over AF_UNIX (-k stream|dgram|seqpacket). */
#include "../common/cli.h"
#include "../common/skeleton.h"
#include "../families/families.h"

int main(int argc, char **argv)
{
	struct session s;
	cli_parse(&s, &family_unix, ROLE_SERVER, argc, argv);
	return server_run(&s);
}
