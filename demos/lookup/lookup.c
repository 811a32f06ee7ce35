/* lookup: names, services, protocols, address forms, byte order (see lookup.h). */
#define _GNU_SOURCE
#include "lookup.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../common/decode.h"
#include "../../common/i18n.h"

/* ---- the machine's own files ----------------------------------------------------- */

/* Finds the first line of `path` (comments cut, whitespace-split) for which
 * match() holds; copies it into line and returns its number, or 0. */
static int file_line(const char *path, int (*match)(char **f, int n, const void *arg), const void *arg,
		     char *line, size_t size)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return 0;
	char buf[1024];
	int no = 0, found = 0;
	while (!found && fgets(buf, sizeof buf, fp)) {
		no++;
		char copy[1024], *f[32], *save = NULL;
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(copy, sizeof copy, "%s", buf);
		copy[strcspn(copy, "#")] = '\0';
		int n = 0;
		for (char *t = strtok_r(copy, " \t", &save); t && n < 32; t = strtok_r(NULL, " \t", &save))
			f[n++] = t;
		if (n && match(f, n, arg)) {
			found = no;
			/* the line as it stands, its runs of blanks shown as one space */
			size_t o = 0;
			for (const char *p = buf; *p && o + 1 < size; p++)
				if (!(isspace((unsigned char)*p) && (o == 0 || line[o - 1] == ' ')))
					line[o++] = isspace((unsigned char)*p) ? ' ' : *p;
			while (o && line[o - 1] == ' ')
				o--;
			line[o] = '\0';
		}
	}
	fclose(fp);
	return found;
}

/* /etc/hosts: a line naming the host (any field after the address) */
static int hosts_names(char **f, int n, const void *arg)
{
	for (int i = 1; i < n; i++)
		if (!strcasecmp(f[i], arg))
			return 1;
	return 0;
}

/* /etc/hosts: a line for the address (the same bytes, however written) */
struct addr_key {
	int af;
	unsigned char bytes[16];
};
static int hosts_addr(char **f, int n, const void *arg)
{
	const struct addr_key *k = arg;
	unsigned char b[16];
	(void)n;
	return inet_pton(k->af, f[0], b) == 1 && !memcmp(b, k->bytes, k->af == AF_INET ? 4 : 16);
}

/* /etc/services and /etc/protocols: name or alias, then "port/proto" or the number */
struct name_key {
	const char *name;
	const char *second;   /* the second field, exactly */
};
static int named_entry(char **f, int n, const void *arg)
{
	const struct name_key *k = arg;
	if (n < 2 || strcmp(f[1], k->second))
		return 0;
	for (int i = 0; i < n; i++)
		if (i != 1 && !strcmp(f[i], k->name))
			return 1;
	return 0;
}

/* "hosts: files dns" from /etc/nsswitch.conf */
static int nss_hosts(char **f, int n, const void *arg)
{
	(void)arg;
	return n && !strcmp(f[0], "hosts:");
}

/* ---- names ------------------------------------------------------------------------ */

static const struct xlat eai_names[] = {
	XLAT(EAI_BADFLAGS), XLAT(EAI_NONAME), XLAT(EAI_AGAIN), XLAT(EAI_FAIL), XLAT(EAI_FAMILY),
	XLAT(EAI_SOCKTYPE), XLAT(EAI_SERVICE), XLAT(EAI_MEMORY), XLAT(EAI_SYSTEM), XLAT(EAI_OVERFLOW),
	XLAT(EAI_NODATA), XLAT(EAI_ADDRFAMILY), XLAT_END
};

static const char *eai_name(int e)
{
	const char *n = xlat_name(eai_names, (unsigned long)e);
	return n ? n : "EAI_???";
}

int lookup_hostname(FILE *out)
{
	char name[256];
	if (gethostname(name, sizeof name) < 0) {
		fprintf(out, "%s", _("hostname: gethostname failed\n"));
		return 1;
	}
	name[sizeof name - 1] = '\0';
	fprintf(out, _("this host: %s (gethostname: the kernel's host name, what `hostname` prints)\n"), name);
	return 0;
}

/* Where a name's answer came from. */
static void name_source(FILE *out, const char *name)
{
	char line[512];
	int no = file_line("/etc/hosts", hosts_names, name, line, sizeof line);
	if (no) {
		fprintf(out, _("  from /etc/hosts line %d: %s\n"), no, line);
		return;
	}
	int ns = file_line("/etc/nsswitch.conf", nss_hosts, NULL, line, sizeof line);
	if (ns)
		fprintf(out, _("  not in /etc/hosts: the resolver asked the next source of /etc/nsswitch.conf's \"%s\"\n"),
			line);
	else
		fputs(_("  not in /etc/hosts: the resolver asked the next source of /etc/nsswitch.conf's hosts line "
			"(none here: files dns is glibc's default)\n"), out);
}

static int lookup_name(FILE *out, const char *name)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int e = getaddrinfo(name, NULL, &hints, &res);
	if (e) {
		fprintf(out, _("%s: cannot be resolved here: %s (%s)\n"), name, gai_strerror(e), eai_name(e));
		return 1;
	}
	fprintf(out, _("%s: a host name; getaddrinfo gives:\n"), name);
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		char text[INET6_ADDRSTRLEN] = "?";
		const void *bytes = a->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
							    : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
		inet_ntop(a->ai_family, bytes, text, sizeof text);
		fprintf(out, "  %-8s %s\n", a->ai_family == AF_INET ? "AF_INET" : "AF_INET6", text);
	}
	freeaddrinfo(res);
	struct hostent *h = gethostbyname(name);
	if (h && h->h_addrtype == AF_INET && h->h_addr_list[0]) {
		int n = 0;
		while (h->h_addr_list[n])
			n++;
		char text[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, h->h_addr_list[0], text, sizeof text);
		fprintf(out,
			ngettext("  gethostbyname gives IPv4 only, %d address; a program that takes h_addr gets %s\n",
				 "  gethostbyname gives IPv4 only, %d addresses; a program that takes h_addr gets %s\n",
				 (unsigned long)n),
			n, text);
	} else {
		fputs(_("  gethostbyname gives nothing: it knows IPv4 only\n"), out);
	}
	name_source(out, name);
	return 0;
}

static int lookup_address(FILE *out, const char *word, int af, const unsigned char *bytes)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	struct addr_key key = { af, { 0 } };
	memcpy(key.bytes, bytes, af == AF_INET ? 4 : 16);
	if (af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, bytes, 4);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, bytes, 16);
		len = sizeof *in6;
	}
	char host[NI_MAXHOST];
	int e = getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, NULL, 0, NI_NAMEREQD);
	if (e) {
		fprintf(out, _("%s: an address with no name here: %s (%s)\n"), word, gai_strerror(e), eai_name(e));
		return 1;
	}
	fprintf(out, _("%s: an address; getnameinfo gives the name %s\n"), word, host);
	char line[512];
	int no = file_line("/etc/hosts", hosts_addr, &key, line, sizeof line);
	if (no)
		fprintf(out, _("  from /etc/hosts line %d: %s (the first name of the first line wins)\n"), no, line);
	else
		name_source(out, host);
	return 0;
}

/* "http", "21/tcp", "80": a service of /etc/services, or NULL when it is not one. */
static int lookup_service(FILE *out, const char *word, int *handled)
{
	char name[64];
	const char *slash = strchr(word, '/');
	const char *proto = slash ? slash + 1 : NULL;
	size_t len = slash ? (size_t)(slash - word) : strlen(word);
	if (!len || len >= sizeof name)
		return 0;
	snprintf(name, sizeof name, "%.*s", (int)len, word);
	int numeric = strspn(name, "0123456789") == len;
	struct servent *sv = NULL;
	if (numeric) {
		long port = len <= 5 ? atol(name) : -1;
		if (port < 0 || port > 65535)
			return 0;
		sv = getservbyport(htons((uint16_t)port), proto);
	} else {
		sv = getservbyname(name, proto);
	}
	if (!sv && !numeric && !slash)
		return 0;   /* not a service: maybe a protocol or a host */
	*handled = 1;
	if (!sv) {
		fprintf(out, _("%s: no such service in /etc/services (getserv%s)\n"), word, numeric ? "byport" : "byname");
		return 1;
	}
	fprintf(out, _("%s: service %s, port %d/%s (getserv%s; the port in network byte order is htons(%d))\n"), word,
		sv->s_name, ntohs((uint16_t)sv->s_port), sv->s_proto, numeric ? "byport" : "byname",
		ntohs((uint16_t)sv->s_port));
	char second[32], line[512];
	snprintf(second, sizeof second, "%d/%s", ntohs((uint16_t)sv->s_port), sv->s_proto);
	struct name_key key = { sv->s_name, second };
	int no = file_line("/etc/services", named_entry, &key, line, sizeof line);
	if (no)
		fprintf(out, _("  from /etc/services line %d: %s\n"), no, line);
	return 0;
}

static int lookup_protocol(FILE *out, const char *word, int *handled)
{
	struct protoent *p = getprotobyname(word);
	if (!p)
		return 0;
	*handled = 1;
	fprintf(out, _("%s: protocol %s, number %d (getprotobyname; socket()'s third argument)\n"), word, p->p_name,
		p->p_proto);
	char second[16], line[512];
	snprintf(second, sizeof second, "%d", p->p_proto);
	struct name_key key = { p->p_name, second };
	int no = file_line("/etc/protocols", named_entry, &key, line, sizeof line);
	if (no)
		fprintf(out, _("  from /etc/protocols line %d: %s\n"), no, line);
	return 0;
}

int lookup_operand(FILE *out, const char *word)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, word, b) == 1)
		return lookup_address(out, word, AF_INET, b);
	if (inet_pton(AF_INET6, word, b) == 1)
		return lookup_address(out, word, AF_INET6, b);
	int handled = 0, rc = lookup_service(out, word, &handled);
	if (!handled)
		rc = lookup_protocol(out, word, &handled);
	return handled ? rc : lookup_name(out, word);
}

/* ---- address forms ------------------------------------------------------------------ */

static void hex_bytes(FILE *out, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%02x", i ? " " : "", b[i]);
}

/* How inet_aton read each part: 0x.. hex, 0.. octal, else decimal. */
static void aton_parts(FILE *out, const char *form)
{
	int n = 0;
	fputs(_("parts"), out);
	for (const char *p = form; *p; n++) {
		size_t len = strcspn(p, ".");
		const char *base = len > 1 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? N_("hex")
				   : len > 1 && p[0] == '0'				 ? N_("octal")
											 : N_("decimal");
		char part[64];
		snprintf(part, sizeof part, "%.*s", (int)(len < 63 ? len : 63), p);
		fprintf(out, "%s %s = %lu (%s)", n ? "," : "", part, strtoul(part, NULL, 0), _(base));
		p += len;
		if (*p)
			p++;
	}
	if (n < 4)
		fprintf(out, _("; the last fills the %d bytes left"), 5 - n);
}

int lookup_form(FILE *out, const char *form)
{
	struct in_addr a4;
	unsigned char p4[4], p6[16];
	int aton = inet_aton(form, &a4) != 0;
	int pton4 = inet_pton(AF_INET, form, p4) == 1;
	int pton6 = inet_pton(AF_INET6, form, p6) == 1;
	if (!aton && !pton4 && !pton6)
		return -1;
	if (!out)
		return 0;
	char text[INET6_ADDRSTRLEN];
	const char *refused = _("refused (returns 0)\n");
	fprintf(out, "%s\n", form);
	fprintf(out, "  %-20s", "inet_aton");
	if (aton) {
		hex_bytes(out, (const unsigned char *)&a4, 4);
		fprintf(out, "  -> inet_ntoa: %s; ", inet_ntoa(a4));
		aton_parts(out, form);
		fputc('\n', out);
	} else {
		fputs(refused, out);
	}
	fprintf(out, "  %-20s", "inet_pton(AF_INET)");
	if (pton4) {
		hex_bytes(out, p4, 4);
		fprintf(out, "  -> inet_ntop: %s\n", inet_ntop(AF_INET, p4, text, sizeof text));
	} else {
		fputs(refused, out);
	}
	fprintf(out, "  %-20s", "inet_pton(AF_INET6)");
	if (pton6) {
		hex_bytes(out, p6, 16);
		fprintf(out, "  -> inet_ntop: %s", inet_ntop(AF_INET6, p6, text, sizeof text));
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (!memcmp(p6, mapped, sizeof mapped))
			fprintf(out, _(" (an IPv4-mapped address: %u.%u.%u.%u seen by an AF_INET6 socket)"), p6[12], p6[13],
				p6[14], p6[15]);
		fputc('\n', out);
	} else {
		fputs(refused, out);
	}
	return 0;
}

void lookup_form_why(FILE *out)
{
	fputs(_("\nThe suite's programs read -a with inet_pton only: it takes one spelling per address\n"
		"(four decimal parts, or IPv6 text), so a leading 0 is never octal and a short form\n"
		"is never filled in silently; inet_aton's older forms (127.1, 0x7f.0.0.1, 017.0.0.1)\n"
		"are refused there.\n"),
	      out);
}

/* ---- byte order ----------------------------------------------------------------- */

int lookup_order_parse(const char *text, unsigned long *v)
{
	if (!*text || strlen(text) > 10 || strspn(text, "0123456789") != strlen(text))
		return -1;
	unsigned long long n = strtoull(text, NULL, 10);
	if (n > 0xffffffffULL)
		return -1;
	*v = (unsigned long)n;
	return 0;
}

/* The n bytes at b in hex, "50 00", into buf. */
static const char *hex_text(char *buf, size_t size, const void *b, size_t n)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%02x", i ? " " : "", ((const unsigned char *)b)[i]);
	return buf;
}

void lookup_order(FILE *out, unsigned long v)
{
	uint32_t v32 = (uint32_t)v, n32 = htonl(v32);
	const uint16_t one = 1;
	int little = *(const unsigned char *)&one == 1;
	char mem[16], wire[16];
	fprintf(out,
		little ? _("%lu = 0x%08lx; this CPU is little-endian (the byte at the lowest address is the least "
			   "significant)\n")
		       : _("%lu = 0x%08lx; this CPU is big-endian (the byte at the lowest address is the most "
			   "significant)\n"),
		v, v);
	if (v <= 0xffff) {
		uint16_t v16 = (uint16_t)v, n16 = htons(v16);
		fprintf(out, _("  as a 16-bit port: memory %s, on the wire %s\n"), hex_text(mem, sizeof mem, &v16, 2),
			hex_text(wire, sizeof wire, &n16, 2));
		fprintf(out, "  htons(%lu) = %u   ntohs(%lu) = %u\n", v, n16, v, ntohs(v16));
	} else {
		fputs(_("  (above 65535: no 16-bit value, htons would keep only its low 16 bits)\n"), out);
	}
	fprintf(out, _("  as a 32-bit address: memory %s, on the wire %s\n"), hex_text(mem, sizeof mem, &v32, 4),
		hex_text(wire, sizeof wire, &n32, 4));
	fprintf(out, "  htonl(%lu) = %lu   ntohl(%lu) = %lu\n", v, (unsigned long)n32, v, (unsigned long)ntohl(v32));
	if (little && v <= 0xffff && htons((uint16_t)v) != v)
		fprintf(out, _("  Why the notes print %u: on a little-endian CPU htons swaps the two bytes, and\n"
			       "  the result printed as a number reads the wire's bytes (%02lx %02lx) back in memory\n"
			       "  order; on a big-endian CPU htons(%lu) is %lu.\n"),
			htons((uint16_t)v), (v >> 8) & 0xff, v & 0xff, v, v);
}
