/*
 * bin/lab: hosts in network namespaces on one link, the capture, ss,
 * impairment, broadcast and multicast across them.
 *
 * Each test makes a private lab (SOCKFAM_LAB=t<pid>: namespaces
 * sockfam-t<pid>-h1, ...) and removes it afterwards whatever happened (the
 * .fini runs `lab down` after a failed assertion too). The tests need root
 * and namespace support, and skip with the reason otherwise. Waits are for
 * something to appear, bounded generously; nothing is timed.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "lab_fixture.h"


/* where Debian's iproute2 puts ip (h_spawn takes a path) */
#define IP "/usr/sbin/ip"

static void need_lab(void)
{
	need_lab_named('t');
}

/* A file for a command's standard error (template ends in XXXXXX), and its text, the file removed. */
static void scratch_file(char *path)
{
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
}

static char *take(const char *path)
{
	char *text = h_slurp(path, NULL);
	unlink(path);
	return text;
}

/* Runs bin/lab with args (NULL-terminated); stdout into *out (may be NULL), stderr into errfile. */
static int lab_cmd(char **out, const char *errfile, ...)
{
	char *argv[32] = { "bin/lab" };
	int n = 1;
	va_list ap;
	va_start(ap, errfile);
	for (char *a; n < 31 && (a = va_arg(ap, char *)) != NULL;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return h_run(argv, NULL, 0, out, errfile);
}

static void lab_up(const char *hosts, int v6)
{
	char *out = NULL;
	int rc = hosts ? lab_cmd(&out, NULL, "up", "-q", "--hosts", hosts, v6 ? "--v6" : NULL, NULL)
		       : lab_cmd(&out, NULL, "up", "-q", v6 ? "--v6" : NULL, NULL);
	cr_assert_eq(rc, 0, "lab up failed: %s", out ? out : "");
	free(out);
}

static char *ns_name(const char *host)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "sockfam-%s-%s", lab_name, host);
	return buf;
}

/* What the shell command prints (stdout and stderr), malloc'd. */
static char *sh_out(const char *cmd)
{
	char *full, *out = NULL;
	cr_assert(asprintf(&full, "%s 2>&1", cmd) > 0);
	char *const argv[] = { "/bin/sh", "-c", full, NULL };
	h_run(argv, NULL, 0, &out, NULL);
	free(full);
	return out ? out : strdup("");
}

/* Reads p's stdout into acc (cap bytes) until it holds `needle`; 0 when it
 * came within timeout_s, -1 otherwise. */
static int read_until(struct h_proc *p, char *acc, size_t cap, const char *needle, int timeout_s)
{
	size_t n = strlen(acc);
	time_t end = time(NULL) + timeout_s;
	while (!strstr(acc, needle)) {
		struct pollfd pfd = { p->out, POLLIN, 0 };
		if (time(NULL) > end || poll(&pfd, 1, 500) < 0)
			return -1;
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		if (n + 1 >= cap)
			return -1;
		ssize_t r = read(p->out, acc + n, cap - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		acc[n] = '\0';
	}
	return 0;
}

/* A program run in a host, started like a server (its "listening on" line). */
static void start_in(struct h_proc *p, const char *host, char *const prog[], const char *errfile)
{
	char *argv[32] = { "bin/lab", "run", (char *)host, "--" };
	int n = 4;
	for (int i = 0; prog[i] && n < 31; i++)
		argv[n++] = prog[i];
	argv[n] = NULL;
	cr_assert_eq(h_start_server(p, argv, errfile), 0, "%s did not start in %s", prog[0], host);
}

static int run_in(const char *host, char *const prog[], char **out, const char *errfile)
{
	char *argv[32] = { "bin/lab", "run", (char *)host, "--" };
	int n = 4;
	for (int i = 0; prog[i] && n < 31; i++)
		argv[n++] = prog[i];
	argv[n] = NULL;
	return h_run(argv, NULL, 0, out, errfile);
}

/* Ctrl-C for a server, and what it printed after its first line (read before
 * h_wait, which closes the pipe); it must exit 0. */
static char *stop_and_read(struct h_proc *p)
{
	kill(p->pid, SIGINT);
	static char rest[8192];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof rest - 1 && (n = read(p->out, rest + got, sizeof rest - 1 - got)) > 0)
		got += (size_t)n;
	rest[got] = '\0';
	cr_assert_eq(h_wait(p, 10), 0, "a server stopped with Ctrl-C exits 0");
	return strdup(rest);
}

static void stop(struct h_proc *p)
{
	kill(p->pid, SIGINT);
	cr_assert_eq(h_wait(p, 10), 0, "a capture stopped with Ctrl-C exits 0");
}

Test(lab, up_show_run_down, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	char *out = NULL;
	cr_assert_eq(lab_cmd(&out, NULL, "up", "-q", "--hosts", "3", "--v6", NULL), 0);
	for (int i = 1; i <= 3; i++) {
		char want[64];
		snprintf(want, sizeof want, "02:00:00:00:00:0%d  1500   192.0.2.%d/24    2001:db8::%d/64", i, i, i);
		cr_assert(strstr(out, want), "the table has h%d: %s\n%s", i, want, out);
	}
	free(out);
	/* what ip sees of it */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ip netns list; ip -n %s -br addr show eth0", ns_name("h2"));
	out = sh_out(cmd);
	cr_assert(strstr(out, ns_name("sw")) && strstr(out, ns_name("h3")), "%s", out);
	cr_assert(strstr(out, "192.0.2.2/24") && strstr(out, "2001:db8::2/64"), "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "ip -n %s -br link show master br0", ns_name("sw"));
	out = sh_out(cmd);
	cr_assert(strstr(out, "h1@") && strstr(out, "h2@") && strstr(out, "h3@"), "three ports on the bridge: %s", out);
	free(out);

	/* a process inside a host; the lab's own run is the process (exec) */
	struct h_proc sleeper;
	char *const sl[] = { "bin/lab", "run", "h1", "--", "sleep", "60", NULL };
	cr_assert_eq(h_spawn(&sleeper, sl, NULL), 0);
	char exe[64], path[256] = "";
	snprintf(exe, sizeof exe, "/proc/%d/exe", (int)sleeper.pid);
	for (int i = 0; i < 100 && !strstr(path, "sleep"); i++) {
		ssize_t n = readlink(exe, path, sizeof path - 1);
		path[n > 0 ? n : 0] = '\0';
		usleep(50000);
	}
	cr_assert(strstr(path, "sleep"), "lab run execs the command: %s", path);

	char *err = NULL;
	char errf[] = "/tmp/lab-up-XXXXXX";
	scratch_file(errf);
	cr_assert_eq(lab_cmd(NULL, errf, "up", "-q", NULL), 2, "up twice is refused");
	err = take(errf);
	cr_assert(err && strstr(err, "already up"), "%s", err ? err : "");
	free(err);

	cr_assert_eq(lab_cmd(&out, NULL, "down", NULL), 0);
	cr_assert(strstr(out, "killed 1 process in"), "%s", out);
	free(out);
	cr_assert_eq(h_wait(&sleeper, 10), 128 + SIGKILL, "the process in the host is gone");
	out = sh_out("ip netns list; ip -br link");
	char prefix[48];
	snprintf(prefix, sizeof prefix, "sockfam-%s-", lab_name);
	cr_assert_null(strstr(out, prefix), "no namespace is left: %s", out);
	cr_assert_null(strstr(out, "br0"), "nothing in the machine's own namespace: %s", out);
	free(out);
	cr_assert_eq(lab_cmd(NULL, NULL, "down", NULL), 2, "down with nothing up is a usage error");
}

/* The users' exercise: a TCP pair across two hosts, captured into a pcap file
 * that tcpdump reads: ARP, the handshake, the data both ways, the FINs. */
Test(lab, tcp_pair_captured_as_pcap, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	if (system("command -v tcpdump >/dev/null") != 0)
		cr_skip_test("tcpdump is not installed (it is in .ci/packages)");
	lab_up(NULL, 0);
	char *dir = h_tmpdir(), pcap[512];
	snprintf(pcap, sizeof pcap, "%s/pair.pcap", dir);
	struct h_proc cap, srv;
	char *const capture[] = { "bin/lab", "capture", "h1", "-q", "-w", pcap, NULL };
	cr_assert_eq(h_start_server(&cap, capture, NULL), 0, "the capture starts");
	char *const server[] = { "bin/inet-server", "-q", "-a", "0.0.0.0", "-p", "0", "-n", "1", NULL };
	start_in(&srv, "h2", server, NULL);
	char port[16], *out = NULL;
	snprintf(port, sizeof port, "%d", h_port_of(srv.first));
	char *const client[] = { "bin/inet-client", "-q", "-a", "192.0.2.2", "-p", port, "hello", NULL };
	cr_assert_eq(run_in("h1", client, &out, NULL), 0);
	cr_assert(strstr(out, "HELLO"), "%s", out);
	free(out);
	cr_assert_eq(h_wait(&srv, 10), 0);

	/* the last ACK may still be on its way into the file: wait for it */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "tcpdump -n -A -r %s", pcap);
	char *dump = NULL;
	for (int i = 0; i < 50; i++) {
		free(dump);
		dump = sh_out(cmd);
		char *last_fin = strstr(dump, "192.0.2.2.");
		for (char *f = dump; (f = strstr(f, "Flags [F.]")) != NULL; f++)
			last_fin = f;
		if (last_fin && strstr(last_fin + 1, "Flags [.]"))
			break;
		usleep(100000);
	}
	stop(&cap);
	static const char *const want[] = {
		"ARP, Request who-has 192.0.2.2 tell 192.0.2.1", "ARP, Reply 192.0.2.2 is-at 02:00:00:00:00:02",
		"Flags [S],", "Flags [S.],", "Flags [P.], seq 1:7, ack 1", "hello", "HELLO", "Flags [F.]",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(strstr(dump, want[i]), "tcpdump -r shows %s:\n%s", want[i], dump);
	free(dump);
	h_tmpdir_free(dir);
}

/* A UDP pair, a refused TCP connection (RST), and the capture's own lines. */
Test(lab, udp_pair_and_rst_in_capture_lines, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up(NULL, 0);
	struct h_proc cap, srv;
	char *const capture[] = { "bin/lab", "capture", "h1", "-q", NULL };
	cr_assert_eq(h_start_server(&cap, capture, NULL), 0);
	char *const server[] = { "bin/inet-server", "-q", "-u", "-a", "0.0.0.0", "-p", "0", "-n", "1", NULL };
	start_in(&srv, "h2", server, NULL);
	char port[16], *out = NULL;
	snprintf(port, sizeof port, "%d", h_port_of(srv.first));
	char *const client[] = { "bin/inet-client", "-q", "-u", "-a", "192.0.2.2", "-p", port, "hello", NULL };
	cr_assert_eq(run_in("h1", client, &out, NULL), 0);
	cr_assert(strstr(out, "HELLO"), "%s", out);
	free(out);
	cr_assert_eq(h_wait(&srv, 10), 0);
	char *const refused[] = { "bin/inet-client", "-q", "-a", "192.0.2.2", "-p", "9", "x", NULL };
	cr_assert_eq(run_in("h1", refused, NULL, NULL), 1, "nobody listens on port 9");

	static char acc[16384];
	acc[0] = '\0';
	char want[128];
	snprintf(want, sizeof want, "IP 192.0.2.1.");
	cr_assert_eq(read_until(&cap, acc, sizeof acc, "Flags [R.], seq 0", 10), 0, "the RST is seen:\n%s", acc);
	stop(&cap);
	snprintf(want, sizeof want, " > 192.0.2.2.%s: UDP, length 5", port);
	cr_assert(strstr(acc, "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28"), "%s", acc);
	cr_assert(strstr(acc, want), "%s in:\n%s", want, acc);
	snprintf(want, sizeof want, "IP 192.0.2.2.%s > 192.0.2.1.", port);
	cr_assert(strstr(acc, want), "the answer: %s in:\n%s", want, acc);
	cr_assert(strstr(acc, " > 192.0.2.2.9: Flags [S], seq "), "%s", acc);
}

/* The capture's trace (socket(AF_PACKET), bind to the port, the reads) is what
 * strace prints, strace running in the switch's namespace so that it names
 * interfaces by the same indexes. */
Test(lab, capture_trace_is_strace_identical, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	if (!h_have_strace())
		cr_skip_test("strace is not installed");
	lab_up(NULL, 0);
	char *dir = h_tmpdir(), own[512], st[512], *ns;
	snprintf(own, sizeof own, "%s/own", dir);
	snprintf(st, sizeof st, "%s/st", dir);
	ns = ns_name("sw");
	struct h_proc cap;
	/* ARP request, ARP reply, SYN, RST: four frames */
	char *const capture[] = { IP, "netns", "exec", ns, "strace", "-ff", "-e", "trace=%network,close", "-o", st,
				  "bin/lab", "capture", "h1", "-c", "4", "-o", own, NULL };
	cr_assert_eq(h_start_server(&cap, capture, NULL), 0);
	char *const refused[] = { "bin/inet-client", "-q", "-a", "192.0.2.2", "-p", "9", "x", NULL };
	cr_assert_eq(run_in("h1", refused, NULL, NULL), 1);
	cr_assert_eq(h_wait(&cap, 10), 0, "the capture stops after 4 packets");
	char *file = h_strace_file(dir, "st");
	cr_assert_not_null(file);
	size_t same = 0;
	char *diff = NULL;
	size_t total = h_strace_compare(file, own, &same, &diff);
	char *text = h_slurp(own, NULL);
	cr_assert(text && strstr(text, "socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, htons(ETH_P_ALL)) = "), "%s", text);
	cr_assert(strstr(text, "sll_ifindex=if_nametoindex(\"h1\")"), "%s", text);
	cr_assert(strstr(text, "sll_pkttype=PACKET_BROADCAST, sll_halen=6, sll_addr=[0x2, 00, 00, 00, 00, 0x1]"),
		  "%s", text);
	cr_assert_geq(total, 7, "socket, bind, 4 reads, close: %zu", total);
	cr_assert_eq(same, total, "%zu of %zu lines as strace prints them; first difference: %s", same, total,
		     diff ? diff : "");
	free(text);
	free(file);
	free(diff);
	h_tmpdir_free(dir);
}

/* A small MTU: a 4000-byte datagram goes in fragments; with DF set it is refused. */
Test(lab, small_mtu_fragments_and_emsgsize, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up(NULL, 0);
	char *out = NULL, cmd[256];
	cr_assert_eq(lab_cmd(&out, NULL, "impair", "h1", "--mtu", "1000", "-q", NULL), 0);
	cr_assert(strstr(out, "02:00:00:00:00:01  1000"), "show has the MTU: %s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "ip -n %s link show eth0", ns_name("h1"));
	out = sh_out(cmd);
	cr_assert(strstr(out, "mtu 1000"), "%s", out);
	free(out);

	struct h_proc cap, srv;
	char *const capture[] = { "bin/lab", "capture", "h1", "-q", NULL };
	cr_assert_eq(h_start_server(&cap, capture, NULL), 0);
	char *const server[] = { "bin/inet-server", "-q", "-u", "-a", "0.0.0.0", "-p", "0", "-n", "1", NULL };
	start_in(&srv, "h2", server, NULL);
	char port[16], big[4001];
	snprintf(port, sizeof port, "%d", h_port_of(srv.first));
	memset(big, 'x', 4000);
	big[4000] = '\0';
	char *const client[] = { "bin/inet-client", "-q", "-u", "-a", "192.0.2.2", "-p", port, big, NULL };
	cr_assert_eq(run_in("h1", client, &out, NULL), 0);
	char *answer = strchr(out, '\n');
	cr_assert(answer && strspn(answer + 1, "X") == 4000, "the whole datagram came back: %.100s", out);
	free(out);
	cr_assert_eq(h_wait(&srv, 10), 0);
	static char acc[16384];
	acc[0] = '\0';
	cr_assert_eq(read_until(&cap, acc, sizeof acc, "offset 3904, the last, length 104", 10), 0,
		     "976-byte fragments (1000 - 20 - 4 rounded to 8):\n%s", acc);
	stop(&cap);
	cr_assert(strstr(acc, "UDP, length 4000"), "%s", acc);
	cr_assert(strstr(acc, "offset 976, more follow, length 976"), "%s", acc);

	char *const df[] = { "bin/inet-client", "-q", "-u", "--dont-fragment", "-a", "192.0.2.2", "-p", port, big, NULL };
	char errf[] = "/tmp/lab-df-XXXXXX";
	scratch_file(errf);
	cr_assert_eq(run_in("h1", df, NULL, errf), 1);
	char *err = take(errf);
	cr_assert(err && strstr(err, "(EMSGSIZE)"), "%s", err ? err : "");
	free(err);
}

/* Broadcast reaches every host, and only with SO_BROADCAST. */
Test(lab, broadcast_reaches_every_host, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up("3", 0);
	struct h_proc s2, s3;
	char *const server[] = { "bin/inet-server", "-q", "-u", "-a", "0.0.0.0", "-p", "5000", "-n", "2", NULL };
	start_in(&s2, "h2", server, NULL);
	start_in(&s3, "h3", server, NULL);
	char errf[] = "/tmp/lab-bc-XXXXXX";
	scratch_file(errf);
	char *const plain[] = { "bin/inet-client", "-q", "-u", "-a", "192.0.2.255", "-p", "5000", "hi", NULL };
	cr_assert_eq(run_in("h1", plain, NULL, errf), 1, "no SO_BROADCAST: refused");
	char *err = take(errf);
	cr_assert(err && strstr(err, "(EACCES)") && strstr(err, "--broadcast"), "%s", err ? err : "");
	free(err);
	static const char *const dests[] = { "192.0.2.255", "255.255.255.255" };
	for (int i = 0; i < 2; i++) {
		char *const bc[] = { "bin/inet-client", "-q", "-u", "--broadcast", "-w", "1000", "-a", (char *)dests[i],
				     "-p", "5000", "hi", NULL };
		char *out = NULL;
		cr_assert_eq(run_in("h1", bc, &out, NULL), 0);
		cr_assert(strstr(out, "answer from 192.0.2.2 port 5000: HI") &&
			  strstr(out, "answer from 192.0.2.3 port 5000: HI") && strstr(out, "2 answers"),
			  "to %s: %s", dests[i], out);
		free(out);
	}
	cr_assert_eq(h_wait(&s2, 10), 0, "h2 got both datagrams");
	cr_assert_eq(h_wait(&s3, 10), 0, "h3 got both datagrams");
}

/* Multicast reaches the members only. */
Test(lab, multicast_reaches_members_only, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up("3", 0);
	struct h_proc member, other;
	char *const joined[] = { "bin/inet-server", "-u", "-a", "0.0.0.0", "-p", "5001", "-n", "1", "--join",
				 "239.1.2.3", NULL };
	char *const not_joined[] = { "bin/inet-server", "-q", "-u", "-a", "0.0.0.0", "-p", "5001", NULL };
	char *dir = h_tmpdir(), trace[512];
	snprintf(trace, sizeof trace, "%s/member.trace", dir);
	start_in(&member, "h2", joined, trace);
	cr_assert(strstr(member.head, "joined the multicast group 239.1.2.3"), "%s", member.head);
	start_in(&other, "h3", not_joined, NULL);
	char *const mc[] = { "bin/inet-client", "-q", "-u", "--ttl", "1", "-w", "1000", "-a", "239.1.2.3", "-p",
			     "5001", "hi", NULL };
	char *out = NULL;
	cr_assert_eq(run_in("h1", mc, &out, NULL), 0);
	cr_assert(strstr(out, "answer from 192.0.2.2 port 5001: HI") && strstr(out, "1 answer in"), "%s", out);
	cr_assert_null(strstr(out, "192.0.2.3"), "h3 did not join: %s", out);
	free(out);
	cr_assert_eq(h_wait(&member, 10), 0);
	char *t = h_slurp(trace, NULL);
	cr_assert(t && strstr(t, "setsockopt(3, SOL_IP, IP_ADD_MEMBERSHIP, {imr_multiaddr=inet_addr(\"239.1.2.3\"), "
			       "imr_interface=inet_addr(\"0.0.0.0\")}, 8) = 0"), "%s", t ? t : "");
	free(t);
	char *rest = stop_and_read(&other);
	cr_assert(strstr(rest, "stopped by a signal"), "h3's server ran until stopped: %s", rest);
	cr_assert_null(strstr(rest, "datagram"), "h3 received nothing: %s", rest);
	free(rest);
	h_tmpdir_free(dir);
}

/* IPv6 multicast (--v6 lab): IPV6_JOIN_GROUP on a member only. */
Test(lab, ipv6_multicast_reaches_members_only, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up("3", 1);
	struct h_proc member, other;
	char *const joined[] = { "bin/inet6-server", "-q", "-u", "-a", "::", "-p", "5003", "-n", "1", "--join",
				 "ff0e::1:2", NULL };
	char *const not_joined[] = { "bin/inet6-server", "-q", "-u", "-a", "::", "-p", "5003", "-n", "1", NULL };
	start_in(&member, "h2", joined, NULL);
	start_in(&other, "h3", not_joined, NULL);
	char *const mc[] = { "bin/inet6-client", "-q", "-u", "--ttl", "1", "--no-loop", "-w", "1000", "-a",
			     "ff0e::1:2", "-p", "5003", "hi", NULL };
	char *out = NULL;
	cr_assert_eq(run_in("h1", mc, &out, NULL), 0);
	cr_assert(strstr(out, "answer from 2001:db8::2 port 5003: HI") && strstr(out, "1 answer in"), "%s", out);
	free(out);
	cr_assert_eq(h_wait(&member, 10), 0);
	char *rest = stop_and_read(&other);
	cr_assert(strstr(rest, "stopped by a signal") && !strstr(rest, "datagram"), "h3 received nothing: %s", rest);
	free(rest);
}

/* The sockets of a host, with their owner, through sock_diag. */
Test(lab, ss_shows_listener_and_owner, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up(NULL, 0);
	struct h_proc srv;
	char *const server[] = { "bin/inet-server", "-q", "-a", "0.0.0.0", "-p", "2345", NULL };
	start_in(&srv, "h2", server, NULL);
	char *out = NULL, want[128];
	cr_assert_eq(lab_cmd(&out, NULL, "ss", "h2", "-q", NULL), 0);
	snprintf(want, sizeof want, "users:((\"inet-server\",pid=%d,fd=3))", (int)srv.pid);
	cr_assert(strstr(out, "LISTEN") && strstr(out, "0.0.0.0:2345") && strstr(out, want), "%s\nwants %s", out, want);
	free(out);
	cr_assert_eq(lab_cmd(&out, NULL, "ss", "h1", "-q", NULL), 0);
	cr_assert_null(strstr(out, ":2345"), "h1 has its own sockets: %s", out);
	free(out);
	kill(srv.pid, SIGINT);
	cr_assert_eq(h_wait(&srv, 10), 0);
}

/* tbf for the rate; netem said missing in one line where the kernel lacks it. */
Test(lab, impair_rate_and_missing_netem, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	lab_up(NULL, 0);
	char *out = NULL, errf[] = "/tmp/lab-imp-XXXXXX";
	scratch_file(errf);
	int rc = lab_cmd(&out, errf, "impair", "h1", "--rate", "1m", "--delay", "10", "-q", NULL);
	char *err = take(errf), cmd[256];
	snprintf(cmd, sizeof cmd, "ip netns exec %s tc qdisc show dev eth0", ns_name("h1"));
	char *tc = sh_out(cmd);
	if (rc == 1) {
		cr_assert(err && strstr(err, "no netem") && !strchr(strchr(err, '\n') + 1, '\n'), "one line: %s", err);
		cr_assert(strstr(out, "tbf rate 1000000bit"), "the rest is applied: %s", out);
		cr_assert(strstr(tc, "qdisc tbf") && strstr(tc, "rate 1Mbit"), "%s", tc);
	} else {
		cr_assert_eq(rc, 0, "%s", err);
		cr_assert(strstr(tc, "netem") && strstr(tc, "delay 10ms"), "%s", tc);
	}
	free(tc);
	free(err);
	free(out);
}

/* A failed up leaves nothing behind. */
Test(lab, failed_up_removes_what_it_made, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	char path[128];
	snprintf(path, sizeof path, "/run/netns/%s", ns_name("h2"));
	mkdir("/run/netns", 0755);
	FILE *f = fopen(path, "w");   /* in the way: up cannot make h2 */
	cr_assert_not_null(f);
	fclose(f);
	cr_assert_eq(lab_cmd(NULL, NULL, "up", "-q", NULL), 1);
	char prefix[48];
	snprintf(prefix, sizeof prefix, "sockfam-%s-", lab_name);
	char *out = sh_out("ls /run/netns");
	cr_assert_null(strstr(out, prefix), "%s", out);
	free(out);
}

Test(lab, nothing_up)
{
	need_lab();
	cr_assert_eq(lab_cmd(NULL, NULL, "show", NULL), 2);
	cr_assert_eq(lab_cmd(NULL, NULL, "down", NULL), 2);
	cr_assert_eq(lab_cmd(NULL, NULL, "capture", "h1", NULL), 2);
	cr_assert_eq(lab_cmd(NULL, NULL, "ss", "h1", NULL), 2);
}

Test(lab, bad_command_lines)
{
	static const struct {
		const char *args[8];
		const char *says;
	} cases[] = {
		{ { NULL }, "which subcommand" },
		{ { "frob" }, "unknown subcommand 'frob'" },
		{ { "up", "--hosts", "1" }, "invalid --hosts '1'" },
		{ { "up", "--hosts", "x" }, "invalid --hosts 'x'" },
		{ { "up", "-w", "f.pcap" }, "--write does not go with lab up" },
		{ { "capture" }, "which host" },
		{ { "capture", "eth0" }, "'eth0' is not a host name" },
		{ { "capture", "h0" }, "'h0' is not a host name" },
		{ { "impair", "h1" }, "give --rate, --delay, --loss or --mtu" },
		{ { "impair", "h1", "--rate", "fast" }, "invalid --rate 'fast'" },
		{ { "impair", "h1", "--rate", "1t" }, "invalid --rate '1t'" },
		{ { "impair", "h1", "--mtu", "20" }, "invalid --mtu '20'" },
		{ { "impair", "h1", "--loss", "101" }, "invalid --loss '101'" },
		{ { "run", "h1" }, "which command" },
		{ { "show", "extra" }, "unexpected argument 'extra'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused_args("bin/lab", cases[i].args, cases[i].says);
		cr_expect_null(why, "case %zu (%s): %s", i, cases[i].says, why ? why : "");
		free(why);
	}
}

Test(lab, not_root_is_told_how)
{
	if (geteuid() != 0 || system("test -x /usr/bin/setpriv") != 0)
		cr_skip_test("needs root and setpriv to run lab as another user");
	char errf[] = "/tmp/lab-user-XXXXXX";
	scratch_file(errf);
	chmod(errf, 0666);
	char *const argv[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bin/lab", "up", NULL };
	cr_assert_eq(h_run(argv, NULL, 0, NULL, errf), 2);
	char *err = take(errf);
	cr_assert(err && strstr(err, "needs root: run it as root"), "%s", err ? err : "");
	free(err);
}

/* lab up's own calls, each in a child per namespace, against strace -f:
 * the same calls on the same descriptors with the same results. strace runs
 * in the machine's namespace, where it cannot learn the protocol of a
 * netlink socket of another namespace, so it prints those messages as hex;
 * the arguments are compared where strace can decode them (the capture test
 * above, tests/test_netlink.c). */
Test(lab, up_calls_are_strace_identical, .fini = lab_cleanup, .timeout = 60)
{
	need_lab();
	if (!h_have_strace())
		cr_skip_test("strace is not installed");
	char *dir = h_tmpdir(), own[512], st[512];
	snprintf(own, sizeof own, "%s/own", dir);
	snprintf(st, sizeof st, "%s/st", dir);
	struct h_proc p;
	/* without close: the steps' children close files (sysctls, namespaces)
	 * that strace shows and ours does not, and the harness cannot tell them
	 * from a socket the child inherited; the sockets' closes go from ours too */
	char *const argv[] = { "/usr/bin/strace", "-ff", "-e", "trace=%network,clone,wait4", "-o", st, "bin/lab", "up",
			       "-o", own, NULL };
	cr_assert_eq(h_spawn(&p, argv, NULL), 0);
	cr_assert_eq(h_wait(&p, 30), 0);
	char *cmd;
	cr_assert(asprintf(&cmd, "cd %s && grep -v '^[0-9]* *close(' own > own.net && mv own.net own && "
		  "sed -i -E 's/^([0-9]+ +)?([a-z0-9_]+)\\(([0-9]*).* = (-?[0-9?]+).*$/\\1\\2(\\3) returned \\4/' own st.*",
		  dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	/* lab itself: the one process no other one's clone() made (it may be gone
	 * before h_tracee_of could see it) */
	cr_assert(asprintf(&cmd, "cd %s && for f in st.*; do p=${f#st.}; grep -q \"^clone() returned $p$\" st.* || "
		  "echo $p; done", dir) > 0);
	char *const find[] = { "/bin/sh", "-c", cmd, NULL };
	char *mains = NULL;
	h_run(find, NULL, 0, &mains, NULL);
	free(cmd);
	pid_t lab = mains ? atoi(mains) : -1;
	cr_assert(lab > 0 && strchr(mains, '\n') == strrchr(mains, '\n'), "one first process: %s", mains);
	free(mains);
	size_t same = 0, total = 0;
	int files = 0;
	char *diff = h_strace_compare_all(dir, "st", own, lab, &same, &total, &files);
	cr_assert_geq(files, 5, "lab up and its children (two hosts, twice, and the switch): %d", files);
	cr_assert_geq(total, 100, "%zu lines", total);
	cr_assert_null(diff, "%zu of %zu lines as strace prints them; %s", same, total, diff ? diff : "");
	h_tmpdir_free(dir);
}
