/*
 * bin/compare: every cell the kernel defines, measured live, against its known
 * value; the JSON/CSV output has every cell; the trace diff of two runs of one
 * family differs only in ports, pids and private names; the SVG is well-formed,
 * renders (rsvg-convert) and keeps its texts apart and off the arrows; nothing
 * is left behind. Speed figures are never asserted. Its command line: options
 * anywhere, every rejected form one line "compare: ..." and exit 2 before
 * anything runs; its text at most COLUMNS wide (the tty's width, 80 off a tty),
 * --wide one table.
 *
 * Expectations name a column as FAMILY/KIND; a row whose family is not in the
 * registry yet is skipped, so the table already holds the other families'.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../common/server.h"
#include "../demos/compare/compare.h"
#include "../families/families.h"
#include "harness.h"

static const struct cmp_scenario *scenario(const char *id)
{
	for (const struct cmp_scenario *s = cmp_scenarios; s->id; s++)
		if (!strcmp(s->id, id))
			return s;
	cr_assert_fail("no scenario %s", id);
	return NULL;
}

/* Runs one cell; 0 when the column exists and the cell could run here. */
static int cell_of(const char *spec, const char *id, struct cmp_cell *cell)
{
	const struct family *f;
	const struct sock_kind *k;
	struct sbuf err = SBUF_INIT;
	int rc = cmp_find(spec, &f, &k, &err);
	sb_free(&err);
	if (rc)
		return -1;
	cmp_run_cell(scenario(id), f, k, cell);
	if (cell->status == CELL_CANT) {
		cr_log_warn("%s %s cannot run here: %s", spec, id, cell->text);
		return -1;
	}
	cr_expect(cell->status == CELL_OK || cell->status == CELL_NA, "%s %s: [%s] %s", spec, id,
		  cmp_status_name(cell->status), cell->text);
	return cell->status == CELL_OK ? 0 : -1;
}

struct expect {
	const char *spec, *scenario, *key;
	long num;          /* when str is NULL */
	const char *str;
};

static const struct expect expects[] = {
	/* 2. nobody listening */
	{ "inet/tcp", "refused", "call", 0, "connect" },
	{ "inet/tcp", "refused", "errno", 0, "ECONNREFUSED" },
	{ "inet/udp", "refused", "call", 0, "recvfrom" },
	{ "inet/udp", "refused", "errno", 0, "ECONNREFUSED" },
	{ "inet6/tcp", "refused", "errno", 0, "ECONNREFUSED" },
	{ "inet6/udp", "refused", "call", 0, "recvfrom" },
	/* 3. restart: a listener's old connection holds the port unless SO_REUSEADDR */
	{ "inet/tcp", "restart", "plain", 0, "EADDRINUSE" },
	{ "inet/tcp", "restart", "reuseaddr", 0, "ok" },
	{ "inet/udp", "restart", "plain", 0, "ok" },
	{ "inet6/tcp", "restart", "plain", 0, "EADDRINUSE" },
	{ "inet6/tcp", "restart", "reuseaddr", 0, "ok" },
	/* 4. largest message: 65535 - 20 (IPv4) - 8 (UDP); IPv6's payload length excludes its header */
	{ "inet/udp", "maxmsg", "max", 65507, NULL },
	{ "inet/udp", "maxmsg", "refused", 65508, NULL },
	{ "inet/udp", "maxmsg", "errno", 0, "EMSGSIZE" },
	{ "inet6/udp", "maxmsg", "max", 65527, NULL },
	{ "inet6/udp", "maxmsg", "refused", 65528, NULL },
	{ "inet/tcp", "maxmsg", "max", -1, NULL },
	{ "inet6/tcp", "maxmsg", "max", -1, NULL },
	{ "unix/stream", "maxmsg", "max", -1, NULL },
	/* 5. address sizes */
	{ "inet/tcp", "addrsize", "sizeof", 16, NULL },
	{ "inet/tcp", "addrsize", "server_len", 16, NULL },
	{ "inet/udp", "addrsize", "client_len", 16, NULL },
	{ "inet6/tcp", "addrsize", "sizeof", 28, NULL },
	{ "inet6/udp", "addrsize", "server_len", 28, NULL },
	{ "unix/stream", "addrsize", "sizeof", 110, NULL },
	{ "unix/dgram", "addrsize", "sizeof", 110, NULL },
	{ "unix/seqpacket", "addrsize", "sizeof", 110, NULL },
	{ "inet/tcp", "clientname", "before_len", 16, NULL },
	{ "inet/tcp", "clientname", "client_len", 16, NULL },
	{ "unix/stream", "clientname", "client_len", 2, NULL },   /* unnamed: only sun_family */
	{ "unix/dgram", "clientname", "client_len", 2, NULL },
	/* 6. the peer */
	{ "inet/tcp", "peer", "peer_len", 16, NULL },
	{ "inet/tcp", "peer", "cred_real", 0, NULL },
	{ "inet6/tcp", "peer", "peer_len", 28, NULL },
	{ "unix/stream", "peer", "cred_real", 1, NULL },
	{ "unix/seqpacket", "peer", "cred_real", 1, NULL },
	/* 8. half-close and a closed peer */
	{ "inet/tcp", "halfclose", "peer_reads", 0, "EOF" },
	{ "inet/tcp", "halfclose", "reverse", 0, "open" },
	{ "inet/tcp", "halfclose", "send_after", 0, "EPIPE" },
	{ "inet/udp", "halfclose", "peer_reads", 0, "EAGAIN" },
	{ "unix/stream", "halfclose", "peer_reads", 0, "EOF" },
	{ "unix/seqpacket", "halfclose", "peer_reads", 0, "EOF" },
	{ "inet/tcp", "afterclose", "send1", 0, "ok" },     /* the RST comes back afterwards */
	{ "inet/tcp", "afterclose", "send2", 0, "EPIPE" },
	{ "inet/udp", "afterclose", "send2", 0, "ECONNREFUSED" },  /* the ICMP of the first */
	{ "unix/stream", "afterclose", "send1", 0, "EPIPE" },

	/* ---- AF_INET6: what changes is the address, not the behaviour ---- */
	{ "inet6/tcp", "refused", "call", 0, "connect" },
	{ "inet6/udp", "refused", "errno", 0, "ECONNREFUSED" },
	{ "inet6/udp", "refused", "unconnected", 0, "recvfrom: EAGAIN" },  /* only connected sockets hear */
	{ "inet6/udp", "restart", "plain", 0, "ok" },
	{ "inet6/udp", "maxmsg", "errno", 0, "EMSGSIZE" },
	{ "inet6/tcp", "addrsize", "client_len", 28, NULL },
	{ "inet6/udp", "addrsize", "client_len", 28, NULL },
	{ "inet6/tcp", "clientname", "client_len", 28, NULL },
	{ "inet6/udp", "clientname", "named", 1, NULL },
	{ "inet6/udp", "peer", "peer_len", 28, NULL },
	{ "inet6/tcp", "peer", "cred_real", 0, NULL },
	{ "inet6/tcp", "halfclose", "peer_reads", 0, "EOF" },
	{ "inet6/tcp", "halfclose", "reverse", 0, "open" },
	{ "inet6/udp", "halfclose", "peer_reads", 0, "EAGAIN" },
	{ "inet6/tcp", "afterclose", "send2", 0, "EPIPE" },
	{ "inet6/udp", "afterclose", "send2", 0, "ECONNREFUSED" },

	/* ---- AF_UNIX ---- */
	/* 2. the socket file outlives its server: refused while it is there, ENOENT once removed */
	{ "unix/stream", "refused", "stale_call", 0, "connect" },
	{ "unix/stream", "refused", "stale_errno", 0, "ECONNREFUSED" },
	{ "unix/stream", "refused", "call", 0, "connect" },
	{ "unix/stream", "refused", "errno", 0, "ENOENT" },
	{ "unix/dgram", "refused", "stale_errno", 0, "ECONNREFUSED" },
	{ "unix/dgram", "refused", "errno", 0, "ENOENT" },
	{ "unix/dgram", "refused", "unconnected", 0, "sendto: ENOENT" },  /* no ICMP: told at once */
	{ "unix/seqpacket", "refused", "stale_errno", 0, "ECONNREFUSED" },
	{ "unix/seqpacket", "refused", "errno", 0, "ENOENT" },
	/* 3. the file holds the name; SO_REUSEADDR is no help; removing the file is */
	{ "unix/stream", "restart", "plain", 0, "EADDRINUSE" },
	{ "unix/stream", "restart", "reuseaddr", 0, "EADDRINUSE" },
	{ "unix/stream", "restart", "released", 0, "ok" },
	{ "unix/dgram", "restart", "plain", 0, "EADDRINUSE" },
	{ "unix/dgram", "restart", "released", 0, "ok" },
	{ "unix/seqpacket", "restart", "reuseaddr", 0, "EADDRINUSE" },
	{ "unix/seqpacket", "restart", "released", 0, "ok" },
	/* 4. (dgram and seqpacket: see unix_dgram_limit_follows_sndbuf) */
	{ "unix/dgram", "maxmsg", "errno", 0, "EMSGSIZE" },
	{ "unix/seqpacket", "maxmsg", "errno", 0, "EMSGSIZE" },
	/* 5. an unbound client is unnamed: getsockname returns only sun_family */
	{ "unix/stream", "addrsize", "client_len", 2, NULL },
	{ "unix/seqpacket", "addrsize", "client_len", 2, NULL },
	{ "unix/stream", "clientname", "before_len", 2, NULL },
	{ "unix/stream", "clientname", "named", 0, NULL },
	{ "unix/dgram", "clientname", "named", 0, NULL },
	{ "unix/seqpacket", "clientname", "client_len", 2, NULL },
	{ "unix/seqpacket", "clientname", "named", 0, NULL },
	/* 6. accept names an unnamed peer with 2 bytes; recvfrom from one gives none at all;
	 * SO_PEERCRED is set at connect (streams, seqpacket), not on a datagram socket */
	{ "unix/stream", "peer", "peer_len", 2, NULL },
	{ "unix/seqpacket", "peer", "peer_len", 2, NULL },
	{ "unix/dgram", "peer", "peer_len", 0, NULL },
	{ "unix/dgram", "peer", "cred_pid", 0, NULL },
	{ "unix/dgram", "peer", "cred_real", 0, NULL },
	/* 8. only connection-oriented kinds tell the peer; a dead peer is known at once */
	{ "unix/stream", "halfclose", "reverse", 0, "open" },
	{ "unix/stream", "halfclose", "send_after", 0, "EPIPE" },
	{ "unix/seqpacket", "halfclose", "reverse", 0, "open" },
	{ "unix/dgram", "halfclose", "peer_reads", 0, "EAGAIN" },
	{ "unix/dgram", "halfclose", "send_after", 0, "EPIPE" },
	{ "unix/stream", "afterclose", "send2", 0, "EPIPE" },
	{ "unix/stream", "afterclose", "recv", 0, "EOF (0)" },
	{ "unix/seqpacket", "afterclose", "send1", 0, "EPIPE" },
	{ "unix/dgram", "afterclose", "send1", 0, "ECONNREFUSED" },
	{ "unix/dgram", "afterclose", "send2", 0, "ENOTCONN" },   /* the first disconnected it */

	/* ---- AF_NETLINK, two user sockets on NETLINK_USERSOCK ---- */
	{ "netlink/usersock", "refused", "call", 0, "sendto" },    /* connect only records the peer */
	{ "netlink/usersock", "refused", "errno", 0, "ECONNREFUSED" },
	{ "netlink/usersock", "refused", "unconnected", 0, "sendto: ECONNREFUSED" },
	{ "netlink/usersock", "restart", "plain", 0, "ok" },
	{ "netlink/usersock", "maxmsg", "errno", 0, "EMSGSIZE" },
	{ "netlink/usersock", "addrsize", "sizeof", 12, NULL },
	{ "netlink/usersock", "addrsize", "server_len", 12, NULL },
	{ "netlink/usersock", "addrsize", "client_len", 12, NULL },
	{ "netlink/usersock", "clientname", "before_len", 12, NULL },
	{ "netlink/usersock", "clientname", "named", 1, NULL },      /* autobind at the first send */
	{ "netlink/usersock", "clientname", "bound_port0", 1, NULL },
	{ "netlink/usersock", "peer", "peer_len", 12, NULL },
	{ "netlink/usersock", "peer", "cred_real", 0, NULL },
	{ "netlink/usersock", "halfclose", "shutdown", 0, "EOPNOTSUPP" },
	{ "netlink/usersock", "afterclose", "send1", 0, "ECONNREFUSED" },
	{ "netlink/usersock", "afterclose", "send2", 0, "ECONNREFUSED" },
	{ NULL, NULL, NULL, 0, NULL },
};

Test(compare, kernel_defined_cells, .timeout = 120)
{
	int checked = 0, inet_checked = 0, unix_checked = 0, netlink_checked = 0;
	for (const struct expect *e = expects; e->spec; e++) {
		struct cmp_cell cell;
		if (cell_of(e->spec, e->scenario, &cell))
			continue;
		checked++;
		inet_checked += !strncmp(e->spec, "inet/", 5);
		unix_checked += !strncmp(e->spec, "unix/", 5);
		netlink_checked += !strncmp(e->spec, "netlink/", 8);
		if (e->str) {
			const char *got = cmp_str(&cell, e->key);
			cr_expect(got && !strcmp(got, e->str), "%s %s %s: expected %s, measured %s (%s)",
				  e->spec, e->scenario, e->key, e->str, got ? got : "(none)", cell.text);
		} else {
			long got = cmp_num(&cell, e->key, -12345);
			cr_expect_eq(got, e->num, "%s %s %s: expected %ld, measured %ld (%s)", e->spec,
				     e->scenario, e->key, e->num, got, cell.text);
		}
	}
	cr_log_info("%d kernel-defined cells checked", checked);
	cr_expect_gt(inet_checked, 20, "the inet cells must all run here");
	cr_expect_gt(unix_checked, 45, "the unix cells must all run here");
	cr_expect_gt(netlink_checked, 15, "the netlink cells must all run here");
}

/* 5. Who names the client: the kernel (inet: an ephemeral port; netlink: a port id at the
 * first send), or nobody (unix); a client binding port 0 is given one by the kernel. */
Test(compare, who_names_the_client, .timeout = 30)
{
	struct cmp_cell cell;
	if (!cell_of("netlink/usersock", "clientname", &cell)) {
		const char *me = cmp_str(&cell, "client"), *bound = cmp_str(&cell, "bound");
		cr_expect(me && !strncmp(me, "port id ", 8) && strcmp(me, "port id 0"), "%s", cell.text);
		cr_expect(bound && !strncmp(bound, "port id ", 8) && strcmp(bound, "port id 0") &&
			  strcmp(bound, me), "bind with nl_pid 0: the kernel assigns another id: %s", cell.text);
	}
	if (!cell_of("unix/dgram", "clientname", &cell)) {
		const char *bound = cmp_str(&cell, "bound");
		cr_expect(bound && strstr(bound, "/s1.sock"), "a bound client has its name: %s", cell.text);
	}
	if (!cell_of("inet/udp", "clientname", &cell)) {
		const char *me = cmp_str(&cell, "client");
		cr_expect(me && !strncmp(me, "0.0.0.0 port ", 13) && strcmp(me, "0.0.0.0 port 0"), "%s", cell.text);
	}
}

/* 6. SO_PEERCRED on a unix stream or seqpacket connection names the client's process. */
Test(compare, unix_peercred_is_the_client, .timeout = 30)
{
	static const char *const specs[] = { "unix/stream", "unix/seqpacket" };
	for (size_t i = 0; i < 2; i++) {
		struct cmp_cell cell;
		if (cell_of(specs[i], "peer", &cell))
			cr_assert_fail("%s peer did not run", specs[i]);
		/* the scenario's client is the cell's process, a child of this one */
		long pid = cmp_num(&cell, "cred_pid", 0);
		cr_expect_gt(pid, 0, "%s: %s", specs[i], cell.text);
		cr_expect_neq(pid, (long)getpid(), "%s: %s", specs[i], cell.text);
		cr_expect_eq(cmp_num(&cell, "cred_real", 0), 1, "%s: %s", specs[i], cell.text);
		cr_expect_eq(cmp_num(&cell, "cred_uid", -2), (long)getuid(), "%s: %s", specs[i], cell.text);
		cr_expect_eq(cmp_num(&cell, "cred_gid", -2), (long)getgid(), "%s: %s", specs[i], cell.text);
	}
}

/* 5. The server's unix address is as long as its path: 2 + the path + its NUL. */
Test(compare, unix_server_address_length_is_its_path, .timeout = 30)
{
	struct cmp_cell cell;
	if (cell_of("unix/stream", "clientname", &cell))
		cr_assert_fail("unix/stream clientname did not run");
	const char *b = cmp_str(&cell, "bound");
	cr_assert(b && b[0] == '/', "%s", cell.text);
	char bound[128];
	snprintf(bound, sizeof bound, "%s", b);
	if (cell_of("unix/stream", "addrsize", &cell))
		cr_assert_fail("unix/stream addrsize did not run");
	/* same scratch layout, another directory of the same length: s0.sock is as long as s1.sock */
	cr_expect_eq(cmp_num(&cell, "server_len", 0), (long)(2 + strlen(bound) + 1), "%s", cell.text);
}

/* 1. On every column: a byte stream merges three quick sends for a slower reader; every
 * other socket type hands back three messages. */
Test(compare, message_boundaries_by_type, .timeout = 60)
{
	for (const struct family *const *f = sockfam_families; *f; f++)
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++) {
			struct cmp_cell cell;
			char spec[64];
			snprintf(spec, sizeof spec, "%s/%s", (*f)->name, k->name);
			if (cell_of(spec, "boundaries", &cell))
				continue;
			cr_expect_eq(cmp_num(&cell, "bytes", 0), 11, "%s: %s", spec, cell.text);
			if (k->type == SOCK_STREAM)
				cr_expect_lt(cmp_num(&cell, "receives", 0), 3, "%s: %s", spec, cell.text);
			else
				cr_expect_eq(cmp_num(&cell, "receives", 0), 3, "%s: %s", spec, cell.text);
		}
}

static long sysctl_field(const char *path, int field)
{
	FILE *f = fopen(path, "r");
	long v[3] = { -1, -1, -1 };
	if (!f)
		return -1;
	int n = fscanf(f, "%ld %ld %ld", &v[0], &v[1], &v[2]);
	fclose(f);
	return n > field ? v[field] : -1;
}

/* 7. The defaults are the sysctls; a value set reads back doubled. */
Test(compare, buffer_defaults_and_doubling, .timeout = 60)
{
	static const struct {
		const char *spec, *snd, *rcv;
		int field;
	} defaults[] = {
		{ "inet/tcp", "/proc/sys/net/ipv4/tcp_wmem", "/proc/sys/net/ipv4/tcp_rmem", 1 },
		{ "inet/udp", "/proc/sys/net/core/wmem_default", "/proc/sys/net/core/rmem_default", 0 },
		{ "inet6/tcp", "/proc/sys/net/ipv4/tcp_wmem", "/proc/sys/net/ipv4/tcp_rmem", 1 },
		{ "inet6/udp", "/proc/sys/net/core/wmem_default", "/proc/sys/net/core/rmem_default", 0 },
		{ "unix/stream", "/proc/sys/net/core/wmem_default", "/proc/sys/net/core/rmem_default", 0 },
		{ "unix/dgram", "/proc/sys/net/core/wmem_default", "/proc/sys/net/core/rmem_default", 0 },
		{ "unix/seqpacket", "/proc/sys/net/core/wmem_default", "/proc/sys/net/core/rmem_default", 0 },
		{ "netlink/usersock", "/proc/sys/net/core/wmem_default", "/proc/sys/net/core/rmem_default", 0 },
	};
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		struct cmp_cell cell;
		if (cell_of(defaults[i].spec, "buffers", &cell))
			continue;
		cr_expect_eq(cmp_num(&cell, "sndbuf", 0), sysctl_field(defaults[i].snd, defaults[i].field),
			     "%s: %s", defaults[i].spec, cell.text);
		cr_expect_eq(cmp_num(&cell, "rcvbuf", 0), sysctl_field(defaults[i].rcv, defaults[i].field),
			     "%s: %s", defaults[i].spec, cell.text);
	}
	for (const struct family *const *f = sockfam_families; *f; f++)
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++) {
			struct cmp_cell cell;
			char spec[64];
			snprintf(spec, sizeof spec, "%s/%s", (*f)->name, k->name);
			if (cell_of(spec, "buffers", &cell))
				continue;
			cr_expect_eq(cmp_num(&cell, "rcvbuf_read", 0), 2 * cmp_num(&cell, "set", 0), "%s: %s",
				     spec, cell.text);
			cr_expect_eq(cmp_num(&cell, "sndbuf_read", 0), 2 * cmp_num(&cell, "set", 0), "%s: %s",
				     spec, cell.text);
		}
}

/* 4. A UNIX datagram or seqpacket record, and a netlink message, may be as large as the
 * sender's SO_SNDBUF minus 32 bytes (unix_dgram_sendmsg, netlink_sendmsg). */
Test(compare, unix_dgram_limit_follows_sndbuf, .timeout = 30)
{
	static const char *const specs[] = { "unix/dgram", "unix/seqpacket", "netlink/usersock" };
	for (size_t i = 0; i < 3; i++) {
		struct cmp_cell cell;
		if (cell_of(specs[i], "maxmsg", &cell))
			cr_assert_fail("%s maxmsg did not run", specs[i]);
		cr_expect_gt(cmp_num(&cell, "sndbuf", 0), 0, "%s: %s", specs[i], cell.text);
		cr_expect_eq(cmp_num(&cell, "max", 0), cmp_num(&cell, "sndbuf", 0) - 32, "%s: %s", specs[i],
			     cell.text);
		cr_expect_eq(cmp_num(&cell, "refused", 0), cmp_num(&cell, "max", 0) + 1, "%s: %s", specs[i],
			     cell.text);
	}
}

/* 9. Speed: shown, never asserted; here only that the figures exist. */
Test(compare, speed_cells_measure_something, .timeout = 30)
{
	struct cmp_cell cell;
	if (!cell_of("inet/tcp", "rtt", &cell))
		cr_expect_gt(cmp_num(&cell, "median_ns", 0), 0, "%s", cell.text);
	if (!cell_of("inet/tcp", "throughput", &cell))
		cr_expect_gt(cmp_num(&cell, "median_mbs", -1), -1, "%s", cell.text);
	cmp_run_cell(scenario("throughput"), &family_inet, &family_inet.kinds[1], &cell);
	cr_expect_eq(cell.status, CELL_NA, "UDP has no stream throughput: %s", cell.text);
}

static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	cr_assert(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		cr_expect(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."), "left behind in %s: %s",
			  dir, e->d_name);
	closedir(d);
}

/* The full matrix as JSON: it parses, it has every cell, and nothing is left behind. */
Test(compare, json_has_every_cell_and_nothing_is_left, .timeout = 120)
{
	char *dir = h_tmpdir(), *scratch = h_tmpdir(), path[512];
	snprintf(path, sizeof path, "%s/m.json", dir);
	setenv("TMPDIR", scratch, 1);
	char *out = NULL;
	char *argv[] = { "bin/compare", "--json", NULL };
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "bin/compare --json failed");
	FILE *f = fopen(path, "w");
	fputs(out, f);
	fclose(f);
	int ncols = 0;
	for (const struct family *const *fam = sockfam_families; *fam; fam++)
		for (const struct sock_kind *k = cmp_kinds(*fam); k->name; k++)
			ncols++;
	int nrows = 0;
	while (cmp_scenarios[nrows].id)
		nrows++;
	char cols[16], rows[16];
	snprintf(cols, sizeof cols, "%d", ncols);
	snprintf(rows, sizeof rows, "%d", nrows);
	static const char check[] =
		"import json, sys\n"
		"m = json.load(open(sys.argv[1]))\n"
		"nc, nr = int(sys.argv[2]), int(sys.argv[3])\n"
		"assert len(m['columns']) == nc, m['columns']\n"
		"assert len(m['rows']) == nr, [r['id'] for r in m['rows']]\n"
		"for r in m['rows']:\n"
		"    assert len(r['cells']) == nc, r['id']\n"
		"    for c in r['cells']:\n"
		"        assert c['status'] in ('ok', 'n/a', 'cannot run'), (r['id'], c)\n"
		"        assert c['text'], (r['id'], c)\n"
		"        assert isinstance(c['values'], dict)\n"
		"print('ok')\n";
	char *py[] = { "/usr/bin/env", "python3", "-c", (char *)check, path, cols, rows, NULL };
	char *pyout = NULL;
	int st = h_run(py, NULL, 0, &pyout, NULL);
	cr_expect_eq(st, 0, "the JSON does not check out (python3 exit %d):\n%s", st, out);
	cr_expect(pyout && strstr(pyout, "ok"));
	empty_dir(scratch);
	free(pyout);
	free(out);

	char *csvv[] = { "bin/compare", "--csv", "--only", "addrsize,buffers", NULL };
	cr_assert_eq(h_run(csvv, NULL, 0, &out, NULL), 0);
	char **lines;
	size_t n = h_lines(out, &lines);
	cr_expect_eq(n, 1 + 2 * (size_t)ncols, "CSV: a header and one line per cell");
	cr_expect(n > 1 && !strncmp(lines[1], "addrsize,5,", 11), "%s", n > 1 ? lines[1] : "");
	free(lines);
	free(out);
	empty_dir(scratch);
	h_tmpdir_free(scratch);
	h_tmpdir_free(dir);
}

Test(compare, usage_errors)
{
	char *a[] = { "bin/compare", "--only", "nosuch", NULL };
	cr_expect_eq(h_run(a, NULL, 0, NULL, NULL), 2);
	char *b[] = { "bin/compare", "--families", "inet/sctp", NULL };
	cr_expect_eq(h_run(b, NULL, 0, NULL, NULL), 2);
	char *c[] = { "bin/compare", "--trace", "inet", NULL };
	cr_expect_eq(h_run(c, NULL, 0, NULL, NULL), 2);
}

/* Two runs of one family: the same calls, differing only in ports, pids and private names. */
Test(compare, trace_diff_of_one_family_shows_only_ports_and_pids, .timeout = 60)
{
	static char *msgs[] = { "hello", "compare me" };
	for (const struct family *const *f = sockfam_families; *f; f++)
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++) {
			struct cmp_capture a, b;
			struct sbuf err = SBUF_INIT;
			if ((*f)->compare_skip && (*f)->compare_skip(k, "trace"))
				continue;   /* netlink: no server of ours (svg_diagram_is_well_formed checks the refusal) */
			cr_assert_eq(cmp_capture_run(&a, *f, k, msgs, 2, &err), 0, "%s", sb_str(&err));
			cr_assert_eq(cmp_capture_run(&b, *f, k, msgs, 2, &err), 0, "%s", sb_str(&err));
			char *text = NULL;
			size_t len = 0;
			FILE *out = open_memstream(&text, &len);
			struct cmp_diffstat st;
			cmp_trace_diff(out, &a, &b, 160, &st);
			fclose(out);
			cr_expect_gt(st.same + st.volatile_, 8, "%s/%s: too few calls:\n%s", (*f)->name, k->name, text);
			cr_expect_eq(st.changed, 0, "%s/%s:\n%s", (*f)->name, k->name, text);
			cr_expect_eq(st.only_a + st.only_b, 0, "%s/%s:\n%s", (*f)->name, k->name, text);
			free(text);
			cmp_capture_free(&a);
			cmp_capture_free(&b);
			sb_free(&err);
		}
}

/* Two families side by side: the socket() and the sockaddr lines are marked as changed. */
Test(compare, trace_diff_tcp_udp_marks_what_changes, .timeout = 60)
{
	static char *msgs[] = { "hello" };
	struct cmp_capture a, b;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_capture_run(&a, &family_inet, &family_inet.kinds[0], msgs, 1, &err), 0, "%s", sb_str(&err));
	cr_assert_eq(cmp_capture_run(&b, &family_inet, &family_inet.kinds[1], msgs, 1, &err), 0, "%s", sb_str(&err));
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct cmp_diffstat st;
	cmp_trace_diff(out, &a, &b, 160, &st);
	fclose(out);
	cr_expect(strstr(text, "arg 2 SOCK_STREAM -> SOCK_DGRAM"), "%s", text);
	cr_expect_gt(st.only_a, 0, "listen/accept/shutdown exist only on TCP:\n%s", text);
	cr_expect_gt(st.changed, 0);
	free(text);
	cmp_capture_free(&a);
	cmp_capture_free(&b);
	sb_free(&err);
}

/* inet against unix: the sockaddr's family and length change, and the unix server's
 * recvmsg (room for credentials and descriptors) is paired with inet's recvfrom. */
Test(compare, trace_diff_inet_unix_pairs_the_steps, .timeout = 60)
{
	static char *msgs[] = { "hello" };
	struct cmp_capture a, b;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_capture_run(&a, &family_inet, &family_inet.kinds[0], msgs, 1, &err), 0, "%s", sb_str(&err));
	cr_assert_eq(cmp_capture_run(&b, &family_unix, &family_unix.kinds[0], msgs, 1, &err), 0, "%s", sb_str(&err));
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct cmp_diffstat st;
	cmp_trace_diff(out, &a, &b, 160, &st);
	fclose(out);
	cr_expect(strstr(text, "arg 1 AF_INET -> AF_UNIX"), "%s", text);
	cr_expect(strstr(text, "arg 2 sockaddr AF_INET -> AF_UNIX; arg 3 16 -> "), "%s", text);
	cr_expect(strstr(text, "recvfrom -> recvmsg"), "%s", text);
	cr_expect(strstr(text, "[110 => 2]"), "the unnamed client: %s", text);
	cr_expect_gt(st.same, 5, "%s", text);
	free(text);
	cmp_capture_free(&a);
	cmp_capture_free(&b);
	sb_free(&err);
}

/* bin/compare --diagram FAMILY --svg FILE: well-formed XML with lanes, calls and arrows. */
Test(compare, svg_diagram_is_well_formed, .timeout = 60)
{
	char *dir = h_tmpdir();
	for (const struct family *const *f = sockfam_families; *f; f++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s.svg", dir, (*f)->name);
		char *argv[] = { "bin/compare", "--diagram", (char *)(*f)->name, "--svg", path, NULL };
		char *out = NULL;
		if ((*f)->compare_skip && (*f)->compare_skip(cmp_kinds(*f), "trace")) {
			/* no exchange to draw: one line that says why, exit 1 */
			char errpath[512];
			snprintf(errpath, sizeof errpath, "%s/%s.err", dir, (*f)->name);
			cr_expect_eq(h_run(argv, NULL, 0, &out, errpath), 1, "%s", (*f)->name);
			char *errout = h_slurp(errpath, NULL);
			cr_expect(errout && strstr(errout, "no exchange to trace"), "%s: %s", (*f)->name,
				  errout ? errout : "");
			free(out);
			free(errout);
			continue;
		}
		cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "%s", (*f)->name);
		cr_expect(strstr(out, "connection set-up") || strstr(out, " B "), "%s", out);
		static const char check[] =
			"import sys, xml.etree.ElementTree as ET\n"
			"r = ET.parse(sys.argv[1]).getroot()\n"
			"ns = '{http://www.w3.org/2000/svg}'\n"
			"assert r.tag == ns + 'svg', r.tag\n"
			"texts = r.findall('.//' + ns + 'text')\n"
			"arrows = [l for l in r.iter(ns + 'line') if l.get('marker-end')]\n"
			"assert len(texts) > 10, len(texts)\n"
			"assert len(arrows) >= 3, len(arrows)\n"
			"print('ok', len(texts), len(arrows))\n";
		char *py[] = { "/usr/bin/env", "python3", "-c", (char *)check, path, NULL };
		char *pyout = NULL;
		cr_expect_eq(h_run(py, NULL, 0, &pyout, NULL), 0, "%s: %s", (*f)->name, path);
		free(pyout);
		free(out);
	}
	h_tmpdir_free(dir);
}

/* ---- the server models side by side (--models) and one lane per process (--diagram --model) ---- */

static const struct cmp_mrun *run_of(const struct cmp_models *mm, const char *model)
{
	for (size_t i = 0; i < mm->nruns; i++)
		if (!strcmp(mm->runs[i].model->name, model))
			return &mm->runs[i];
	cr_assert_fail("no run of --model %s", model);
	return NULL;
}

/* An entry of the model's column: `mark` (-1: any but the same), the call's name,
 * and a piece of its text (NULL: any). */
static const struct cmp_mentry *entry_of(const struct cmp_mrun *r, int mark, const char *name, const char *text)
{
	for (size_t x = 0; x < r->nentries; x++) {
		const struct cmp_mentry *e = &r->entries[x];
		if ((mark < 0 ? e->mark != MARK_SAME : e->mark == mark) && !strcmp(e->call->name, name) &&
		    (!text || strstr(e->call->call, text)))
			return e;
	}
	return NULL;
}

static char *models_text(const struct cmp_models *mm, int width)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cmp_models_text(out, mm, width);
	fclose(out);
	return text;
}

Test(compare, models_show_what_each_model_adds, .timeout = 60)
{
	struct cmp_models mm;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_models_run(&mm, &family_inet, &family_inet.kinds[0], &err), 0, "%s", sb_str(&err));
	char *text = models_text(&mm, 160);

	/* iterative is the reference: nothing added, nothing of the other models' calls */
	const struct cmp_mrun *it = run_of(&mm, "iterative");
	for (size_t x = 0; x < it->nentries; x++)
		cr_expect_eq(it->entries[x].mark, MARK_SAME, "iterative against itself: %s", it->entries[x].call->call);
	for (size_t i = 0; i < mm.nref; i++) {
		const char *n = mm.ref[i]->name;
		cr_expect(strcmp(n, "clone") && strcmp(n, "clone3") && strcmp(n, "wait4") && strcmp(n, "epoll_wait") &&
			  strcmp(n, "accept4"), "iterative made %s", mm.ref[i]->call);
	}

	/* fork: clone and wait4 by the server, the child's close of the listening socket,
	 * the exchange itself moved to the child */
	const struct cmp_mrun *fk = run_of(&mm, "fork");
	cr_assert_eq(fk->status, 0, "%s", fk->why);
	const struct cmp_mentry *e = entry_of(fk, MARK_ADDED, "clone", "SIGCHLD");
	cr_expect(e && !strcmp(e->who, "server"), "fork adds the server's clone:\n%s", text);
	e = entry_of(fk, MARK_ADDED, "wait4", NULL);
	cr_expect(e && !strcmp(e->who, "server"), "fork adds the server's wait4:\n%s", text);
	int child_close = 0, server_close = 0, moved = 0;
	for (size_t x = 0; x < fk->nentries; x++) {
		const struct cmp_mentry *f = &fk->entries[x];
		if (f->mark == MARK_ADDED && !strcmp(f->call->name, "close"))
			(strncmp(f->who, "child ", 6) ? &server_close : &child_close)[0]++;
		if (f->mark == MARK_MOVED && !strncmp(f->who, "child ", 6) && !strcmp(f->call->name, "recvfrom"))
			moved++;
	}
	cr_expect_eq(child_close, 1, "the child closes its copy of the listening socket:\n%s", text);
	cr_expect_eq(server_close, 1, "the parent closes its copy of the connection:\n%s", text);
	cr_expect_eq(moved, 3, "the child reads what the client sent, and the end:\n%s", text);

	/* thread: clone3, the exchange in the thread */
	const struct cmp_mrun *th = run_of(&mm, "thread");
	cr_expect(entry_of(th, MARK_ADDED, "clone3", "CLONE_THREAD"), "%s", text);
	cr_expect(!entry_of(th, -1, "clone", NULL) && !entry_of(th, -1, "wait4", NULL), "%s", text);

	/* epoll: epoll_create1/epoll_ctl/epoll_wait, accept4 with SOCK_NONBLOCK for accept */
	const struct cmp_mrun *ep = run_of(&mm, "epoll");
	cr_expect(entry_of(ep, MARK_ADDED, "epoll_create1", NULL), "%s", text);
	cr_expect(entry_of(ep, MARK_ADDED, "epoll_ctl", "EPOLL_CTL_ADD"), "%s", text);
	cr_expect(entry_of(ep, MARK_ADDED, "epoll_wait", NULL), "%s", text);
	e = entry_of(ep, MARK_CHANGED, "accept4", "SOCK_NONBLOCK");
	cr_expect(e && !strcmp(mm.ref[e->at]->name, "accept"), "epoll's accept4 stands for accept:\n%s", text);
	cr_expect(!entry_of(ep, -1, "clone", NULL) && !entry_of(ep, -1, "clone3", NULL), "%s", text);

	/* select: fcntl F_SETFL O_NONBLOCK, pselect6 before accept */
	const struct cmp_mrun *se = run_of(&mm, "select");
	cr_expect(entry_of(se, MARK_ADDED, "fcntl", "O_NONBLOCK"), "%s", text);
	e = entry_of(se, MARK_ADDED, "pselect6", NULL);
	cr_expect(e && !strcmp(mm.ref[e->at]->name, "accept"), "the first pselect6 comes before accept:\n%s", text);

	/* prefork and prethread: the pool is made, one entry for the N calls */
	const struct cmp_mrun *pf = run_of(&mm, "prefork");
	e = entry_of(pf, MARK_ADDED, "clone", NULL);
	cr_expect(e && e->count == pf->cap.pool && pf->cap.pool > 1 && e->results, "prefork's pool:\n%s", text);
	const struct cmp_mrun *pt = run_of(&mm, "prethread");
	int threads = 0;
	for (size_t x = 0; x < pt->nentries; x++)
		if (pt->entries[x].mark == MARK_ADDED && !strcmp(pt->entries[x].call->name, "clone3"))
			threads += pt->entries[x].count;
	cr_expect_eq(threads, pt->cap.pool, "prethread's pool:\n%s", text);

	/* the client does not change with the server's model */
	for (size_t i = 0; i < mm.nruns; i++)
		cr_expect(mm.runs[i].status || mm.runs[i].client_same, "%s", mm.runs[i].model->name);

	/* the text fits the width, every model has a column, and no call is cut */
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cr_expect_leq(strlen(line), 160, "wider than 160: %s", line);
	free(text);
	text = models_text(&mm, 160);
	for (size_t i = 1; i < mm.nruns; i++)
		cr_expect(strstr(text, mm.runs[i].model->name), "%s", mm.runs[i].model->name);
	cr_expect(!strstr(text, "...\n") && !strstr(text, "... "), "%s", text);
	free(text);
	cmp_models_free(&mm);
	sb_free(&err);
}

Test(compare, models_on_datagrams_say_which_do_not_apply, .timeout = 60)
{
	struct cmp_models mm;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_models_run(&mm, &family_inet, &family_inet.kinds[1], &err), 0, "%s", sb_str(&err));
	for (size_t i = 0; i < mm.nruns; i++) {
		const struct cmp_mrun *r = &mm.runs[i];
		if (r->model->kinds & MK_DGRAM) {
			cr_expect_eq(r->status, 0, "%s: %s", r->model->name, r->why);
		} else {
			cr_expect_eq(r->status, 1, "%s", r->model->name);
			cr_expect_str_eq(r->why, r->model->no_dgram, "the model's own reason");
		}
	}
	cr_expect_eq(run_of(&mm, "prefork")->status, 1);
	/* fork on datagrams: a child per datagram, reaped */
	const struct cmp_mrun *fk = run_of(&mm, "fork");
	cr_expect(entry_of(fk, MARK_ADDED, "clone", NULL) && entry_of(fk, MARK_ADDED, "wait4", NULL));
	cr_expect(entry_of(fk, MARK_MOVED, "sendto", NULL), "the child answers");
	cmp_models_free(&mm);

	/* the program: unix/dgram, text and JSON */
	char *argv[] = { "bin/compare", "--models", "unix/dgram", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	cr_expect(strstr(out, "does not apply: its processes or"), "%s", out);
	cr_expect(strstr(out, "prefork") && strstr(out, "prethread"), "%s", out);
	free(out);
	char *jv[] = { "bin/compare", "--models", "unix/dgram", "--json", NULL };
	cr_assert_eq(h_run(jv, NULL, 0, &out, NULL), 0);
	char *dir = h_tmpdir(), path[512];
	snprintf(path, sizeof path, "%s/m.json", dir);
	FILE *f = fopen(path, "w");
	fputs(out, f);
	fclose(f);
	static const char check[] =
		"import json, sys\n"
		"m = json.load(open(sys.argv[1]))\n"
		"by = {r['model']: r for r in m['models']}\n"
		"assert by['prefork']['status'] == 'does not apply', by['prefork']\n"
		"assert by['prethread']['status'] == 'does not apply'\n"
		"assert by['iterative']['status'] == 'ok' and by['iterative']['entries'] == []\n"
		"assert any(e['call'].startswith('clone(') for e in by['fork']['entries'])\n"
		"assert any(e['call'].startswith('epoll_wait(') for e in by['epoll']['entries'])\n"
		"print('ok')\n";
	char *py[] = { "/usr/bin/env", "python3", "-c", (char *)check, path, NULL };
	char *pyout = NULL;
	cr_expect_eq(h_run(py, NULL, 0, &pyout, NULL), 0, "%s", out);
	free(pyout);
	free(out);
	h_tmpdir_free(dir);
	sb_free(&err);
}

Test(compare, diagram_has_a_lane_per_process, .timeout = 60)
{
	static char *msgs[] = { "hello", "compare me" };
	struct cmp_capture cap;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_capture_model(&cap, &family_inet, &family_inet.kinds[0], model_find("fork"), 0, msgs, 2, &err),
		     0, "%s", sb_str(&err));
	struct cmp_timeline t;
	cmp_timeline_build(&cap, &t);
	cr_expect_geq(t.nactors, 3, "client, server, child");
	int spawn = 0, reap = 0, data = 0;
	for (size_t k = 0; k < t.narrows; k++) {
		spawn += t.arrows[k].kind == ARR_SPAWN;
		reap += t.arrows[k].kind == ARR_REAP;
		data += t.arrows[k].kind == ARR_DATA && t.arrows[k].to >= 0;
	}
	cr_expect_eq(spawn, 1);
	cr_expect_eq(reap, 1);
	cr_expect_eq(data, 4, "two messages and two answers, each received");
	/* the parent and the child each close their copy of the connection, and only
	 * the last close ends the stream: the child's, as a rule, but on a loaded
	 * machine the parent may get to its close only after the child is done */
	int server_eof = 0;
	for (size_t k = 0; k < t.narrows; k++)
		if (t.arrows[k].kind == ARR_EOF && cap.calls[t.arrows[k].from].side == SIDE_SERVER)
			server_eof++;
	cr_expect_eq(server_eof, 1);

	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cmp_diagram_text(out, &cap, 160);
	fclose(out);
	cr_expect(strstr(text, "client pid ") && strstr(text, "server pid ") && strstr(text, "child pid "), "%s", text);
	cr_expect(strstr(text, " fork ") && strstr(text, " exit 0 "), "%s", text);
	char *all = h_squeeze(text);
	for (size_t i = 0; i < cap.ncalls; i++) {
		struct sbuf sb = SBUF_INIT;
		cmp_put_short(&sb, cap.calls[i].call, cap.scratch);
		sb_printf(&sb, " = %s", cap.calls[i].result);
		char *want = h_squeeze(sb_str(&sb));
		cr_expect(strstr(all, want), "not drawn whole: %s\n%s", sb_str(&sb), text);
		free(want);
		sb_free(&sb);
	}
	free(all);
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cr_expect_leq(strlen(line), 160, "wider than the terminal: %s", line);
		cr_expect(!strstr(line, "...") || strstr(line, "exit"), "a cut text: %s", line);
	}
	free(text);

	/* the SVG: well-formed, >= 3 lanes, spawn and reap arrows, no text cut, no label or
	 * call text over an arrow */
	char *dir = h_tmpdir(), path[512];
	snprintf(path, sizeof path, "%s/fork.svg", dir);
	out = fopen(path, "w");
	cmp_diagram_svg(out, &cap);
	fclose(out);
	static const char check[] =
		"import sys, xml.etree.ElementTree as ET\n"
		"r = ET.parse(sys.argv[1]).getroot()\n"
		"ns = '{http://www.w3.org/2000/svg}'\n"
		"W = float(r.get('width'))\n"
		"lanes = [t for t in r.iter(ns + 'text') if t.get('font-size') == '12']\n"
		"assert len(lanes) >= 3, [t.text for t in lanes]\n"
		"arrows = [l for l in r.iter(ns + 'line') if l.get('marker-end')]\n"
		"assert len(arrows) >= 7, len(arrows)\n"
		"assert any(l.get('stroke') == '#2a5db0' and not l.get('stroke-dasharray') for l in arrows), 'spawn'\n"
		"assert any(l.get('stroke') == '#2a5db0' and l.get('stroke-dasharray') for l in arrows), 'reap'\n"
		"segs = [(min(float(l.get('x1')), float(l.get('x2'))), max(float(l.get('x1')), float(l.get('x2'))),\n"
		"         float(l.get('y1'))) for l in arrows]\n"
		"for l in arrows: assert l.get('y1') == l.get('y2')\n"
		"boxes = []\n"
		"for t in r.iter(ns + 'text'):\n"
		"    if t.get('text-anchor') == 'middle':\n"
		"        w = len(t.text) * 6.1\n"
		"        x = float(t.get('x')); boxes.append((x - w / 2, x + w / 2, float(t.get('y')) - 8, float(t.get('y')) + 2, t.text))\n"
		"    for s in t.iter(ns + 'tspan'):\n"
		"        assert not s.text.endswith('...'), s.text\n"
		"        assert len(s.text) <= 100, s.text\n"
		"        x = float(s.get('x')); y = float(s.get('y'))\n"
		"        boxes.append((x, x + len(s.text) * 6.63, y - 9, y + 3, s.text))\n"
		"        assert x + len(s.text) * 6.63 <= W, s.text\n"
		"for (x0, x1, y0, y1, txt) in boxes:\n"
		"    for (a0, a1, y) in segs:\n"
		"        assert not (y0 <= y <= y1 and x0 < a1 and a0 < x1), ('over an arrow', txt, y)\n"
		"print('ok', len(lanes), len(arrows))\n";
	char *py[] = { "/usr/bin/env", "python3", "-c", (char *)check, path, NULL };
	char *pyout = NULL, errpath[600];
	snprintf(errpath, sizeof errpath, "%s/py.err", dir);
	int st = h_run(py, NULL, 0, &pyout, errpath);
	char *pyerr = h_slurp(errpath, NULL);
	cr_expect_eq(st, 0, "%s", pyerr ? pyerr : "");
	free(pyerr);
	free(pyout);
	h_tmpdir_free(dir);
	cmp_timeline_free(&t);
	cmp_capture_free(&cap);
	sb_free(&err);
}

/* Threads share one descriptor table: a thread's close ends the stream; a pool's
 * idle workers are lanes too. */
Test(compare, diagram_threads_and_pools, .timeout = 60)
{
	static char *msgs[] = { "hello" };
	const char *specs[] = { "thread", "prethread=2", "prefork=3" };
	/* prethread=2 under -n 1: the second thread finds no client to wait for and
	 * ends at once, and its clone3 line can then say "= 0" (the trace reads the
	 * thread's id after pthread_create returns, when an ended thread's id is
	 * cleared): its lane is drawn only when the line names it */
	size_t want[] = { 3, 3, 5 };
	for (size_t i = 0; i < 3; i++) {
		const struct model *m;
		int pool;
		struct sbuf err = SBUF_INIT;
		cr_assert_eq(cmp_model_parse(specs[i], &m, &pool, &err), 0, "%s", sb_str(&err));
		struct cmp_capture cap;
		cr_assert_eq(cmp_capture_model(&cap, &family_unix, &family_unix.kinds[0], m, pool, msgs, 1, &err), 0,
			     "%s: %s", specs[i], sb_str(&err));
		struct cmp_timeline t;
		cmp_timeline_build(&cap, &t);
		cr_expect_geq(t.nactors, want[i], "%s: %zu lanes", specs[i], t.nactors);
		int eof = 0;
		for (size_t k = 0; k < t.narrows; k++)
			eof += t.arrows[k].kind == ARR_EOF && t.arrows[k].to >= 0;
		cr_expect_eq(eof, 2, "%s: the end of stream both ways", specs[i]);
		cmp_timeline_free(&t);
		cmp_capture_free(&cap);
		sb_free(&err);
	}
}

Test(compare, model_usage_errors)
{
	char *a[] = { "bin/compare", "--diagram", "inet", "--model", "nosuch", NULL };
	cr_expect_eq(h_run(a, NULL, 0, NULL, NULL), 2);
	char *b[] = { "bin/compare", "--diagram", "inet", "--model", "fork=2", NULL };
	cr_expect_eq(h_run(b, NULL, 0, NULL, NULL), 2);
	char *c[] = { "bin/compare", "--model", "fork", NULL };
	cr_expect_eq(h_run(c, NULL, 0, NULL, NULL), 2);
	char *d[] = { "bin/compare", "--models", "inet/sctp", NULL };
	cr_expect_eq(h_run(d, NULL, 0, NULL, NULL), 2);
	char *e[] = { "bin/compare", "--diagram", "inet/udp", "--model", "prefork", NULL };
	cr_expect_eq(h_run(e, NULL, 0, NULL, NULL), 1, "does not apply: exit 1, as a kind without an exchange");
	char *f[] = { "bin/compare", "--models", "inet", "unix", NULL };
	cr_expect_eq(h_run(f, NULL, 0, NULL, NULL), 2);
}

/* ---- the command line (common/cli.c's table) ---------------------------------------- */

/* Each rejected form: exit 2, one line on stderr that starts with "compare:" and
 * says what is wrong; nothing ran (no scratch directory, and under strace no
 * socket call), no SVG written. */
Test(compare, rejected_forms_are_one_line_exit_2, .timeout = 120)
{
	char *dir = h_tmpdir(), *scratch = h_tmpdir();
	char svg[600];
	snprintf(svg, sizeof svg, "%s/x.svg", dir);
	setenv("TMPDIR", scratch, 1);
	const struct {
		const char *argv[9];
		const char *says;
	} bad[] = {
		{ { "--markdown", "--json" }, "--markdown and --json: one output format at a time" },
		{ { "--json", "--only", "1", "--csv" }, "--json and --csv: one output format at a time" },
		{ { "--svg", "/no/such/dir/x.svg", "--diagram", "inet" }, "cannot write the SVG to '/no/such/dir/x.svg'" },
		{ { "--diagram", "inet", "--svg", "/no/such/dir/x.svg" }, "cannot write the SVG to '/no/such/dir/x.svg'" },
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "-Z" }, "unknown option '-Z'" },
		{ { "-p", "4000" }, "option '-p' does not apply to compare" },
		{ { "--trace", "inet", "unix", "-q" }, "option '-q' does not apply to compare" },
		{ { "--kind", "udp" }, "option '--kind' does not apply to compare" },
		{ { "--json=yes" }, "option '--json' takes no argument" },
		{ { "--only" }, "option '--only' needs an argument" },
		{ { "--mod", "fork" }, "option '--mod' is ambiguous" },
		{ { "--trace", "inet" }, "--trace takes two families" },
		{ { "inet", "unix", "unix", "--trace" }, "--trace takes two families" },
		{ { "--diagram" }, "--diagram takes one family" },
		{ { "--models", "inet", "unix" }, "--models takes one family" },
		{ { "--trace", "inet", "unix", "--diagram" }, "--trace and --diagram: one at a time" },
		{ { "--trace", "inet", "unix", "--json" }, "--json goes with the matrix or --models, not --trace" },
		{ { "--models", "--csv" }, "--csv goes with the matrix, not --models" },
		{ { "--svg", svg }, "--svg goes with --diagram, not the matrix" },
		{ { "--model", "fork" }, "--model goes with --diagram, not the matrix" },
		{ { "--models", "--model", "fork" }, "--models runs every model" },
		{ { "--diagram", "inet", "--only", "1" }, "--only goes with the matrix, not --diagram" },
		{ { "--trace", "inet", "unix", "--families", "inet" }, "--families goes with the matrix" },
		{ { "--wide", "--json" }, "--wide and --json" },
		{ { "--details", "--markdown" }, "--details and --markdown" },
		{ { "--only", "1", "--only", "2" }, "--only given twice" },
		{ { "--only", "nosuch" }, "unknown scenario 'nosuch'" },
		{ { "--families", "inet/sctp" }, "family inet has no socket kind 'sctp'" },
		{ { "--diagram", "nosuch" }, "unknown family 'nosuch'" },
		{ { "inet" }, "unexpected argument 'inet'" },
		{ { "--diagram", "inet", "--model", "nosuch" }, "unknown model 'nosuch'" },
		{ { "--diagram", "inet", "--model", "fork=2" }, "--model fork takes no =N" },
		{ { "--diagram", "inet", "--model", "prefork=0" }, "prefork" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[24], line[300] = "compare";
		int n = 0;
		argv[n++] = "bin/compare";
		for (int k = 0; bad[i].argv[k]; k++) {
			argv[n++] = (char *)bad[i].argv[k];
			snprintf(line + strlen(line), sizeof line - strlen(line), " %s", bad[i].argv[k]);
		}
		argv[n] = NULL;
		char *why = h_refused(argv, bad[i].says);
		cr_expect_null(why, "%s", why);
		free(why);
		cr_expect_eq(access(svg, F_OK), -1, "%s: wrote an SVG", line);
		empty_dir(scratch);
	}
	h_tmpdir_free(scratch);
	h_tmpdir_free(dir);
}

/* Options before, between and after the operands, = or a separate word, --
 * before operands: the same run. */
Test(compare, options_in_any_position, .timeout = 120)
{
	char *dir = h_tmpdir();
	/* the address sizes are the same on every run: the outputs are identical */
	const char *csv[][8] = {
		{ "--csv", "--only", "addrsize", "--families", "inet,unix/dgram" },
		{ "--families=inet,unix/dgram", "--csv", "--only=addrsize" },
		{ "--only", "addrsize", "--families", "inet,unix/dgram", "--csv" },
	};
	char *first = NULL;
	for (size_t i = 0; i < 3; i++) {
		char *argv[10] = { "bin/compare" };
		for (int k = 0; csv[i][k]; k++)
			argv[k + 1] = (char *)csv[i][k];
		char *out = NULL;
		cr_expect_eq(h_run(argv, NULL, 0, &out, NULL), 0, "form %zu", i);
		cr_expect(out && strstr(out, "addrsize,5,") && strstr(out, ",unix,dgram,ok,"), "form %zu: %s", i, out);
		if (!first)
			first = out;
		else {
			cr_expect_str_eq(out, first, "form %zu differs", i);
			free(out);
		}
	}
	free(first);

	/* --trace with its operands anywhere, and after -- */
	const char *trace[][6] = {
		{ "--trace", "unix", "unix/seqpacket" },
		{ "unix", "--trace", "unix/seqpacket" },
		{ "unix", "unix/seqpacket", "--trace" },
		{ "--trace", "--", "unix", "unix/seqpacket" },
	};
	for (size_t i = 0; i < 4; i++) {
		char *argv[8] = { "bin/compare" };
		for (int k = 0; trace[i][k]; k++)
			argv[k + 1] = (char *)trace[i][k];
		char *out = NULL;
		cr_expect_eq(h_run(argv, NULL, 0, &out, NULL), 0, "--trace form %zu", i);
		cr_expect(out && !strncmp(out, "unix-server (SOCK_STREAM)", 25) && strstr(out, "unix-server (SOCK_SEQPACKET)"),
			  "--trace form %zu: %s", i, out);
		free(out);
	}

	/* --diagram: the operand first, --svg and --model after */
	char svg[600];
	snprintf(svg, sizeof svg, "%s/d.svg", dir);
	char *d[] = { "bin/compare", "inet", "--svg", svg, "--diagram", "--model=fork", NULL };
	char *out = NULL;
	cr_expect_eq(h_run(d, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "--model fork") && strstr(out, "child pid"), "%s", out);
	cr_expect_eq(access(svg, F_OK), 0, "no %s", svg);
	free(out);

	/* --models after its operand and the format */
	char *mo[] = { "bin/compare", "unix/dgram", "--markdown", "--models", NULL };
	cr_expect_eq(h_run(mo, NULL, 0, &out, NULL), 0);
	cr_expect(out && !strncmp(out, "### unix/dgram", 14), "%s", out);
	free(out);

	/* --help anywhere, within 80 columns, and only compare's own options */
	char *h[] = { "bin/compare", "--only", "1", "--help", NULL };
	cr_expect_eq(h_run(h, NULL, 0, &out, NULL), 0);
	cr_expect(out && !strncmp(out, "Usage: compare", 14), "%s", out);
	static const char *const listed[] = { "--trace", "--diagram", "--models", "--only LIST", "--families LIST",
		"--details", "--markdown", "--json", "--csv", "--wide", "--svg FILE", "--model NAME[=N]", "-h, --help" };
	for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, "\n  %s ", listed[i]);
		cr_expect(out && strstr(out, want), "--help does not list %s:\n%s", listed[i], out);
	}
	static const char *const absent[] = { "\n  -q", "\n  -o", "--port", "--kind", "--service", "--count", "-s N" };
	for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
		cr_expect(out && !strstr(out, absent[i]), "--help lists %s:\n%s", absent[i], out);
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		cr_expect_leq(strlen(l), 80, "--help: %zu columns: %s", strlen(l), l);
	free(out);
	h_tmpdir_free(dir);
}

/* ---- the width ----------------------------------------------------------------------- */

/* The lines of a text longer than width (0 when none), and the longest. */
static size_t too_long(const char *text, size_t width, size_t *longest, char *first, size_t size)
{
	size_t n = 0, l = 0;
	*longest = 0;
	if (first && size)
		first[0] = '\0';
	for (const char *p = text;; p++) {
		if (*p == '\n' || !*p) {
			if (l > *longest)
				*longest = l;
			if (l > width && !n++ && first)
				snprintf(first, size, "%.*s", (int)l, p - l);
			l = 0;
			if (!*p)
				break;
		} else {
			l++;
		}
	}
	return n;
}

static size_t count_of(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* A matrix of every scenario and kind with made-up cells (nothing run): the
 * text fits every width from 40 to 220, drops no word of any cell, keeps each
 * scenario's name whole on a line when the names are not in a column of their
 * own, and --wide makes it one table. */
Test(compare, matrix_layout_fits_every_width)
{
	struct cmp_matrix m;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_matrix_select(&m, NULL, NULL, &err), 0, "%s", sb_str(&err));
	static const char *const filler[] = { "ok", "connect: ECONNREFUSED",
		"left-over name: connect: ECONNREFUSED; removed: connect: ENOENT",
		"kernel, after the first sendto: 0.0.0.0 port 52999; bind with port 0: 127.0.0.1 port 41114",
		"n/a: not a byte stream" };
	for (int r = 0; r < m.nrows; r++)
		for (int c = 0; c < m.ncols; c++) {
			struct cmp_cell *cell = CMP_CELL(&m, r, c);
			cell->status = CELL_OK;
			snprintf(cell->text, sizeof cell->text, "w%dx%d %s", r, c, filler[(r + c) % 5]);
		}
	for (int width = 40; width <= 220; width += 9) {
		for (int wide = 0; wide < 2; wide++) {
			char *text = NULL;
			size_t len = 0, longest;
			FILE *out = open_memstream(&text, &len);
			cmp_print_text(out, &m, width, wide ? CMP_WIDE : 0);
			fclose(out);
			char first[400];
			/* a table is a header, the line under it, the rows */
			size_t tables = 0;
			for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n')
				tables += !strncmp(l, "---", 3) && strcspn(l, " \n") == strcspn(l, "\n");
			if (wide) {
				cr_expect_eq(tables, 1, "--wide at %d: %zu tables:\n%s", width, tables, text);
			} else {
				cr_expect_eq(too_long(text, (size_t)width, &longest, first, sizeof first), 0,
					     "%d columns: a line of %zu: %s\n%s", width, longest, first, text);
				cr_expect(!strstr(text, "..."), "%d columns: a cut text:\n%s", width, text);
			}
			for (int r = 0; r < m.nrows; r++)
				for (int c = 0; c < m.ncols; c++) {
					char tag[32], tag2[32];
					snprintf(tag, sizeof tag, "w%dx%d ", r, c);
					snprintf(tag2, sizeof tag2, "w%dx%d\n", r, c);
					cr_expect(strstr(text, tag) || strstr(text, tag2), "%d columns%s: %s is missing:\n%s",
						  width, wide ? " --wide" : "", tag, text);
				}
			/* every column label is whole: on one line, or broken only at its '/' */
			for (int c = 0; c < m.ncols; c++) {
				char fam[48];
				snprintf(fam, sizeof fam, "%s", m.cols[c].label);
				*strchr(fam, '/') = '\0';
				cr_expect(strstr(text, m.cols[c].label) || strstr(text, fam), "%d columns: %s\n%s",
					  width, m.cols[c].label, text);
			}
			free(text);
		}
	}
	/* wide enough: one table as it is, whatever --wide says */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cmp_print_text(out, &m, 200, 0);
	fclose(out);
	cr_expect(strstr(text, "scenario ") && !strstr(text, "--wide"), "%s", text);
	free(text);
	cmp_matrix_free(&m);
	sb_free(&err);
}

/* The real matrix at COLUMNS=80: no line longer than 80, every scenario's
 * name and every column's label readable; COLUMNS=200 with --wide: one table. */
Test(compare, matrix_at_80_columns_and_wide, .timeout = 120)
{
	char *scratch = h_tmpdir();
	setenv("TMPDIR", scratch, 1);
	setenv("COLUMNS", "80", 1);
	char *argv[] = { "bin/compare", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "bin/compare failed:\n%s", out);
	size_t longest;
	char first[400];
	cr_expect_eq(too_long(out, 80, &longest, first, sizeof first), 0, "a line of %zu: %s\n%s", longest, first, out);
	for (const struct cmp_scenario *s = cmp_scenarios; s->id; s++) {
		char name[128];
		snprintf(name, sizeof name, "\n%d %s", s->number, s->title);
		cr_expect(strstr(out, name), "the name '%s' is not whole on a line:\n%s", name + 1, out);
	}
	for (const struct family *const *f = sockfam_families; *f; f++)
		for (const struct sock_kind *k = cmp_kinds(*f); k->name; k++) {
			char label[64];
			snprintf(label, sizeof label, "%s/%s", (*f)->name, k->name);
			cr_expect(strstr(out, label), "no column %s:\n%s", label, out);
		}
	cr_expect(strstr(out, "--wide: one table"), "%s", out);
	free(out);

	setenv("COLUMNS", "200", 1);
	char *wide[] = { "bin/compare", "--only", "1,addrsize", "--wide", NULL };
	cr_assert_eq(h_run(wide, NULL, 0, &out, NULL), 0);
	char **lines;
	size_t n = h_lines(out, &lines), seps = 0, header = 0;
	for (size_t i = 0; i < n; i++) {
		seps += !strncmp(lines[i], "-----", 5);
		header += !strncmp(lines[i], "scenario ", 9);
		cr_expect_leq(strlen(lines[i]), 200, "%s", lines[i]);
	}
	cr_expect_eq(seps, 1, "--wide: not one table");
	cr_expect_eq(header, 1, "--wide: not one header");
	free(lines);
	free(out);

	/* without COLUMNS and off a terminal: 80 */
	unsetenv("COLUMNS");
	char *plain[] = { "bin/compare", "--only", "1,addrsize", NULL };
	cr_assert_eq(h_run(plain, NULL, 0, &out, NULL), 0);
	cr_expect_eq(too_long(out, 80, &longest, first, sizeof first), 0, "no COLUMNS, not a tty: %zu: %s", longest,
		     first);
	free(out);
	empty_dir(scratch);
	h_tmpdir_free(scratch);
}

/* On a terminal (a pseudo-terminal 100 columns wide) without COLUMNS: its width. */
Test(compare, matrix_takes_the_terminal_width, .timeout = 60)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	cr_assert_geq(master, 0);
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	struct winsize ws = { .ws_row = 40, .ws_col = 100 };
	cr_assert_eq(ioctl(master, TIOCSWINSZ, &ws), 0);
	char *name = ptsname(master);
	cr_assert(name);
	unsetenv("COLUMNS");
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int slave = open(name, O_RDWR | O_NOCTTY);
		int null = open("/dev/null", O_RDWR);
		if (slave < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(slave, 1);
		dup2(null, 2);
		execl("bin/compare", "bin/compare", "--only", "1,2", (char *)NULL);
		_exit(127);
	}
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	for (;;) {
		ssize_t r = read(master, buf + len, cap - len - 1);
		if (r <= 0)
			break;   /* EIO once the child closed its side */
		len += (size_t)r;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	int st;
	waitpid(pid, &st, 0);
	close(master);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bin/compare on a tty: status %d", st);
	/* the terminal writes \r\n */
	char *w = buf;
	for (char *r = buf; *r; r++)
		if (*r != '\r')
			*w++ = *r;
	*w = '\0';
	size_t longest;
	char first[400];
	cr_expect_eq(too_long(buf, 100, &longest, first, sizeof first), 0, "%zu: %s", longest, first);
	cr_expect_gt(longest, 80, "the terminal's 100 columns were not used (longest line %zu):\n%s", longest, buf);
	free(buf);
}

/* --trace, --models and --diagram keep to the width too; width 0 (--wide): each
 * call on one line. */
Test(compare, trace_models_diagram_fit_the_width, .timeout = 60)
{
	static char *msgs[] = { "hello", "compare me" };
	struct cmp_capture a, b, f;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(cmp_capture_run(&a, &family_inet, &family_inet.kinds[0], msgs, 2, &err), 0, "%s", sb_str(&err));
	cr_assert_eq(cmp_capture_run(&b, &family_unix, &family_unix.kinds[0], msgs, 2, &err), 0, "%s", sb_str(&err));
	cr_assert_eq(cmp_capture_model(&f, &family_inet, &family_inet.kinds[0], model_find("fork"), 0, msgs, 2, &err),
		     0, "%s", sb_str(&err));
	static const int widths[] = { 40, 63, 80, 120 };
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		int wd = widths[i];
		char *text = NULL, first[400];
		size_t len = 0, longest;
		FILE *out = open_memstream(&text, &len);
		cmp_trace_diff(out, &a, &b, wd, NULL);
		fclose(out);
		cr_expect_eq(too_long(text, (size_t)wd, &longest, first, sizeof first), 0, "--trace at %d: %zu: %s\n%s", wd,
			     longest, first, text);
		free(text);
		out = open_memstream(&text, &len);
		cmp_diagram_text(out, &f, wd);
		fclose(out);
		/* three lanes of at least 10 columns fit from 40 columns on */
		cr_expect_eq(too_long(text, (size_t)wd, &longest, first, sizeof first), 0, "--diagram at %d: %zu: %s\n%s",
			     wd, longest, first, text);
		/* dots are only the reap arrows' (<..... exit 0 ....) and the legend's */
		for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
			size_t ll = strcspn(l, "\n");
			char *line = strndup(l, ll);
			cr_expect(!strstr(line, "...") || strstr(line, "exit"), "--diagram at %d: a cut text: %s", wd, line);
			free(line);
		}
		free(text);
	}
	/* --wide: every call whole on one line */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cmp_trace_diff(out, &a, &b, 0, NULL);
	fclose(out);
	for (size_t i = 0; i < a.ncalls; i++) {
		struct sbuf sb = SBUF_INIT;
		cmp_call_line(&sb, &a.calls[i]);
		cr_expect(strstr(text, sb_str(&sb)), "--wide: not on one line: %s\n%s", sb_str(&sb), text);
		sb_free(&sb);
	}
	free(text);
	cmp_capture_free(&a);
	cmp_capture_free(&b);
	cmp_capture_free(&f);

	struct cmp_models mm;
	cr_assert_eq(cmp_models_run(&mm, &family_unix, &family_unix.kinds[0], &err), 0, "%s", sb_str(&err));
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		char *t = models_text(&mm, widths[i]), first[400];
		size_t longest;
		cr_expect_eq(too_long(t, (size_t)widths[i], &longest, first, sizeof first), 0, "--models at %d: %zu: %s\n%s",
			     widths[i], longest, first, t);
		for (size_t k = 1; k < mm.nruns; k++)
			cr_expect(strstr(t, mm.runs[k].model->name), "--models at %d: no %s", widths[i],
				  mm.runs[k].model->name);
		free(t);
	}
	/* --wide: one band, the reference and every model side by side */
	char *t = models_text(&mm, 0);
	cr_expect_eq(count_of(t, "(the reference)"), 1, "--wide: not one band:\n%s", t);
	free(t);
	cmp_models_free(&mm);
	sb_free(&err);
}

/* ---- the SVG, rendered ------------------------------------------------------------------- */

/* Each diagram as SVG: rsvg-convert renders it to a PNG of its size; read from
 * the SVG's <text> elements (x, y, font size, length), no two texts overlap, no
 * text crosses an arrow or leaves the picture, and no call's text is cut
 * ("..."): tests/compare_svg_check.py. */
Test(compare, svg_renders_with_texts_apart_and_off_the_arrows, .timeout = 120)
{
	cr_assert(access("/usr/bin/rsvg-convert", X_OK) == 0,
		  "rsvg-convert is missing: make deps installs it (librsvg2-bin, in .ci/packages)");
	char *dir = h_tmpdir();
	static const char *const specs[][4] = {
		{ "inet" }, { "inet/udp" }, { "inet6" }, { "unix/dgram" }, { "unix/seqpacket" },
		{ "inet", "--model", "fork" }, { "inet/udp", "--model", "fork" }, { "unix", "--model", "thread" },
		{ "unix", "--model", "prefork=3" }, { "inet", "--model", "prethread=2" }, { "inet", "--model", "epoll" },
		{ "inet6/udp", "--model", "select" },
	};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		char svg[600], png[600], errf[600], what[80] = "";
		snprintf(svg, sizeof svg, "%s/d%zu.svg", dir, i);
		snprintf(png, sizeof png, "%s/d%zu.png", dir, i);
		snprintf(errf, sizeof errf, "%s/err", dir);
		char *argv[10] = { "bin/compare", "--diagram" };
		int n = 2;
		for (int k = 0; k < 4 && specs[i][k]; k++) {
			argv[n++] = (char *)specs[i][k];
			snprintf(what + strlen(what), sizeof what - strlen(what), "%s ", specs[i][k]);
		}
		argv[n++] = "--svg";
		argv[n++] = svg;
		argv[n] = NULL;
		char *out = NULL;
		cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "compare --diagram %s", what);
		free(out);
		char *py[] = { "/usr/bin/env", "python3", "tests/compare_svg_check.py", svg, png, NULL };
		int st = h_run(py, NULL, 0, &out, errf);
		char *perr = h_slurp(errf, NULL);
		cr_expect_eq(st, 0, "--diagram %s: %s%s", what, out ? out : "", perr ? perr : "");
		cr_expect(out && !strncmp(out, "ok ", 3), "--diagram %s: %s", what, out);
		free(perr);
		free(out);
	}
	h_tmpdir_free(dir);
}
