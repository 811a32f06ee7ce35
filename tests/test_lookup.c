/*
 * bin/lookup: byte order against the users' notes (1234 -> 53764 and
 * 3523477504), the address forms inet_aton takes and inet_pton refuses,
 * localhost and http answered from this machine's own files (read here by
 * the test), the resolver's own error for a name that cannot be resolved,
 * and its refusals.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The output of lookup ARGS (exit status in *rc). */
static char *lookup(int *rc, char *const argv[])
{
	char *out = NULL;
	*rc = h_run(argv, NULL, 0, &out, NULL);
	cr_assert(out, "no output from %s", argv[0]);
	return out;
}

Test(lookup, byte_order_as_the_notes_show)
{
	if (htons(1) == 1)
		cr_skip_test("a big-endian CPU: htons changes nothing, the notes' 53764 is a little-endian figure");
	int rc;
	char *out = lookup(&rc, (char *const[]){ "bin/lookup", "--order", "1234", "3523477504", NULL });
	cr_assert_eq(rc, 0);
	cr_expect(strstr(out, "this CPU is little-endian"), "%s", out);
	cr_expect(strstr(out, "htons(1234) = 53764"), "%s", out);
	cr_expect(strstr(out, "ntohs(1234) = 53764"), "%s", out);
	cr_expect(strstr(out, "htonl(1234) = 3523477504"), "%s", out);
	cr_expect(strstr(out, "htonl(3523477504) = 1234"), "%s", out);
	cr_expect(strstr(out, "memory d2 04, on the wire 04 d2"), "%s", out);
	cr_expect(strstr(out, "memory d2 04 00 00, on the wire 00 00 04 d2"), "%s", out);
	free(out);
}

Test(lookup, inet_aton_takes_what_inet_pton_refuses)
{
	int rc;
	char *out = lookup(&rc, (char *const[]){ "bin/lookup", "--addr", "127.1", "0x7f.0.0.1", "017.0.0.1",
						 "::ffff:1.2.3.4", "10.1.2.3", NULL });
	cr_assert_eq(rc, 0, "%s", out);
	/* each form's block: its line, then aton, pton4, pton6 */
	const struct {
		const char *form, *aton, *pton4, *pton6;
	} want[] = {
		{ "127.1\n", "inet_aton           7f 00 00 01  -> inet_ntoa: 127.0.0.1", "refused", "refused" },
		{ "0x7f.0.0.1\n", "7f 00 00 01  -> inet_ntoa: 127.0.0.1", "refused", "refused" },
		{ "017.0.0.1\n", "0f 00 00 01  -> inet_ntoa: 15.0.0.1", "refused", "refused" },
		{ "::ffff:1.2.3.4\n", "refused", "refused",
		  "00 00 00 00 00 00 00 00 00 00 ff ff 01 02 03 04  -> inet_ntop: ::ffff:1.2.3.4" },
		{ "10.1.2.3\n", "0a 01 02 03", "0a 01 02 03  -> inet_ntop: 10.1.2.3", "refused" },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *b = strstr(out, want[i].form);
		cr_assert(b, "no block for %s", want[i].form);
		char *l1 = strchr(b, '\n') + 1, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
		char *end = strchr(l3, '\n');
		cr_assert(end);
		*end = '\0';
		l2[-1] = l3[-1] = '\0';
		cr_expect(strstr(l1, want[i].aton), "%s aton: %s", want[i].form, l1);
		cr_expect(strstr(l2, "inet_pton(AF_INET) ") && strstr(l2, want[i].pton4), "%s pton4: %s", want[i].form, l2);
		cr_expect(strstr(l3, "inet_pton(AF_INET6)") && strstr(l3, want[i].pton6), "%s pton6: %s", want[i].form, l3);
		l2[-1] = l3[-1] = *end = '\n';
	}
	free(out);
}

/* The line number of the first line of path whose fields hold both a and b. */
static int line_of(const char *path, const char *a, const char *b, char *text, size_t size)
{
	FILE *f = fopen(path, "r");
	char buf[1024];
	int no = 0;
	while (f && fgets(buf, sizeof buf, f)) {
		no++;
		char copy[1024], *save = NULL;
		snprintf(copy, sizeof copy, "%s", buf);
		copy[strcspn(copy, "#\n")] = '\0';
		int ha = 0, hb = 0;
		for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
			ha |= !strcmp(t, a);
			hb |= !strcmp(t, b);
		}
		if (ha && hb) {
			snprintf(text, size, "%s", buf);
			fclose(f);
			return no;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

Test(lookup, localhost_and_http_from_the_machines_files)
{
	char hosts[1024], services[1024];
	int hl = line_of("/etc/hosts", "127.0.0.1", "localhost", hosts, sizeof hosts);
	int sl = line_of("/etc/services", "http", "80/tcp", services, sizeof services);
	if (!hl || !sl)
		cr_skip_test("/etc/hosts has no 127.0.0.1 localhost line, or /etc/services (netbase) is missing");
	int rc;
	char *out = lookup(&rc, (char *const[]){ "bin/lookup", "localhost", "http", "80", "tcp", NULL });
	cr_assert_eq(rc, 0, "%s", out);
	char want[128];
	cr_expect(strstr(out, "localhost: a host name; getaddrinfo gives:\n"), "%s", out);
	cr_expect(strstr(out, "  AF_INET  127.0.0.1\n"), "%s", out);
	cr_expect(strstr(out, "a program that takes h_addr gets 127.0.0.1"), "%s", out);
	snprintf(want, sizeof want, "  from /etc/hosts line %d: ", hl);
	cr_expect(strstr(out, want), "want '%s' in:\n%s", want, out);
	cr_expect(strstr(out, "http: service http, port 80/tcp (getservbyname"), "%s", out);
	cr_expect(strstr(out, "80: service http, port 80/tcp (getservbyport"), "%s", out);
	snprintf(want, sizeof want, "  from /etc/services line %d: http 80/tcp", sl);
	cr_expect(strstr(out, want), "want '%s' in:\n%s", want, out);
	cr_expect(strstr(out, "tcp: protocol tcp, number 6"), "%s", out);
	free(out);
}

Test(lookup, an_unresolvable_name_gets_the_resolvers_error)
{
	int rc;
	/* .invalid never resolves (RFC 6761), with or without a network */
	char *out = lookup(&rc, (char *const[]){ "bin/lookup", "no-such-host.invalid", NULL });
	cr_expect_eq(rc, 1);
	cr_expect(strstr(out, "no-such-host.invalid: cannot be resolved here: "), "%s", out);
	cr_expect(strstr(out, " (EAI_"), "%s", out);
	free(out);
}

Test(lookup, bad_input_is_refused)
{
	char *const cases[][5] = {
		{ "bin/lookup", "--addr", "not.an.address", NULL },
		{ "bin/lookup", "--addr", "1.2.3.4.5", NULL },
		{ "bin/lookup", "--order", "4294967296", NULL },
		{ "bin/lookup", "--order", "12a", NULL },
		{ "bin/lookup", "--addr", "--order", "1", NULL },
		{ "bin/lookup", "--order", NULL },
		{ "bin/lookup", "--nosuch", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i], NULL);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
}
