/*
 * bin/compare: every cell the kernel defines, measured live, against its known
 * value; the JSON/CSV output has every cell; the trace diff of two runs of one
 * family differs only in ports, pids and private names; the SVG is well-formed;
 * nothing is left behind. Speed figures are never asserted.
 *
 * Expectations name a column as FAMILY/KIND; a row whose family is not in the
 * registry yet is skipped, so the table already holds the other families'.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
