/*
 * lookup: what sits around the socket calls, measured on this machine.
 *
 *   lookup NAME|ADDRESS|SERVICE|PROTOCOL...   each resolved, and where the answer came from
 *   lookup --addr FORM...                      what inet_aton, inet_pton and inet_ntop make of each
 *   lookup --order NUMBER...                   htons/htonl/ntohs/ntohl, and the bytes
 *
 * Every operand is checked before anything is printed: a form no function
 * accepts, or a number that is not one, is one line and exit 2.
 */
#include <stdio.h>

#include "../../common/cli.h"
#include "../../common/i18n.h"
#include "lookup.h"

static int set(void *ctx, int key, const char *arg, struct sbuf *err)
{
	int *mode = ctx;
	(void)arg;
	if (*mode && *mode != key) {
		sb_puts(err, _("--addr and --order: one at a time"));
		return -1;
	}
	*mode = key;
	return 0;
}

int main(int argc, char **argv)
{
	int mode = 0;
	cli_lang("lookup", argc, argv);   /* run_title is made translated below */
	const struct cli_tool tool = {
		.name = "lookup",
		.id = CLI_TOOL_LOOKUP,
		.usage = N_("Usage: lookup NAME|ADDRESS|SERVICE|PROTOCOL...\n"
			    "       lookup --addr FORM...\n"
			    "       lookup --order NUMBER...\n"),
		.intro = N_("Names and numbers around the socket calls, as this machine answers them now. With no "
			 "option: this host's name, then each operand: an address resolved back to a name "
			 "(getnameinfo), a service (http, 21/tcp, 80) from /etc/services, a protocol (tcp) from "
			 "/etc/protocols, or a host name resolved with getaddrinfo (and what gethostbyname would "
			 "give), each with where the answer came from."),
		.epilog = N_("Exit status: 0 success, 1 an operand could not be resolved here (the resolver's "
			     "error is shown), 2 bad usage."),
		.run_title = _("What to show (names, services and protocols when neither is given):"),
		.set = set,
		.ctx = &mode,
	};
	int first = cli_tool_parse(&tool, argc, argv);
	if (mode && first >= argc)
		cli_tool_error(&tool, _("%s needs at least one operand"), cli_option_name(mode));
	unsigned long v;
	for (int i = first; i < argc; i++) {
		if (mode == CLI_ADDR && lookup_form(NULL, argv[i]) < 0)
			cli_tool_error(&tool, _("'%s' is an address form no function accepts (inet_aton, inet_pton)"),
				       argv[i]);
		if (mode == CLI_ORDER && lookup_order_parse(argv[i], &v) < 0)
			cli_tool_error(&tool, _("invalid number '%s': give a decimal number from 0 to 4294967295"),
				       argv[i]);
	}
	int rc = 0;
	if (!mode)
		rc |= lookup_hostname(stdout);
	for (int i = first; i < argc; i++) {
		if (mode == CLI_ADDR)
			lookup_form(stdout, argv[i]);
		else if (mode == CLI_ORDER && lookup_order_parse(argv[i], &v) == 0)
			lookup_order(stdout, v);
		else if (!mode)
			rc |= lookup_operand(stdout, argv[i]);
	}
	if (mode == CLI_ADDR)
		lookup_form_why(stdout);
	return rc;
}
