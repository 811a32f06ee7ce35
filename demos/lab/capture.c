/*
 * lab capture: the suite's own packet capture on one lab link.
 *
 * An AF_PACKET socket (SOCK_RAW, ETH_P_ALL: every frame, Ethernet header
 * included) is bound to the port of the link on the switch, where it sees
 * the frames both ways; each recvfrom() returns one frame and, in a struct
 * sockaddr_ll, where it came from (sll_pkttype PACKET_OUTGOING: the bridge
 * sent it to the host; PACKET_HOST, PACKET_BROADCAST...: the host sent it).
 * MSG_TRUNC makes recvfrom return the frame's real length, so a frame larger
 * than the buffer is reported, never cut silently.
 *
 * Each frame is printed as one line, the way `tcpdump -n` prints it, or
 * written to a pcap file (-w) that tcpdump -r and Wireshark read. Every
 * length in a frame comes from outside and is checked before it is used.
 */
#define _GNU_SOURCE
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/io.h"
#include "../../common/trace.h"

#define SNAPLEN 65536

/* ---- pcap ---------------------------------------------------------------------------- */

struct pcap_hdr {
	uint32_t magic;          /* 0xa1b2c3d4: microsecond timestamps, our byte order */
	uint16_t major, minor;   /* 2.4 */
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;   /* linktype 1: Ethernet */
};

struct pcap_rec {
	uint32_t sec, usec, caplen, len;
};

static int pcap_start(FILE *f)
{
	struct pcap_hdr h = { 0xa1b2c3d4u, 2, 4, 0, 0, SNAPLEN, 1 };
	return fwrite(&h, sizeof h, 1, f) == 1 && fflush(f) == 0 ? 0 : -1;
}

static int pcap_add(FILE *f, const struct timespec *ts, const void *frame, size_t caplen, size_t len)
{
	struct pcap_rec r = { (uint32_t)ts->tv_sec, (uint32_t)(ts->tv_nsec / 1000), (uint32_t)caplen, (uint32_t)len };
	/* flushed each time: a capture stopped at any moment leaves a file that reads */
	return fwrite(&r, sizeof r, 1, f) == 1 && fwrite(frame, 1, caplen, f) == caplen && fflush(f) == 0 ? 0 : -1;
}

/* ---- one line per frame, like tcpdump -n ------------------------------------------------- */

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static void tcp_flags(char *out, unsigned f)
{
	static const struct { unsigned bit; char c; } bits[] = {
		{ 0x02, 'S' }, { 0x01, 'F' }, { 0x04, 'R' }, { 0x08, 'P' }, { 0x20, 'U' }, { 0x10, '.' },
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (f & bits[i].bit)
			out[n++] = bits[i].c;
	out[n] = '\0';
	if (!n)
		snprintf(out, 8, "none");
}

/* The initial sequence number of each direction of each connection seen,
 * so that later segments print relative numbers, as tcpdump's do. */
struct flow {
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	unsigned sport, dport;
	uint32_t isn;
};
static struct flow flows[64];
static size_t nflows;

static struct flow *flow_find(const char *src, unsigned sport, const char *dst, unsigned dport)
{
	for (size_t i = 0; i < nflows; i++)
		if (flows[i].sport == sport && flows[i].dport == dport && !strcmp(flows[i].src, src) &&
		    !strcmp(flows[i].dst, dst))
			return &flows[i];
	return NULL;
}

static void flow_start(const char *src, unsigned sport, const char *dst, unsigned dport, uint32_t isn)
{
	struct flow *f = flow_find(src, sport, dst, dport);
	if (!f)
		f = &flows[nflows < sizeof flows / sizeof flows[0] ? nflows++ : 0];   /* the oldest goes */
	snprintf(f->src, sizeof f->src, "%s", src);
	snprintf(f->dst, sizeof f->dst, "%s", dst);
	f->sport = sport;
	f->dport = dport;
	f->isn = isn;
}

/* "Flags [P.], seq 1:6, ack 1, win 502, length 5": absolute numbers on the
 * SYNs, relative after them; a bare ACK shows no seq. */
static void tcp_line(const char *ip, const char *src, const char *dst, const unsigned char *p, size_t n)
{
	size_t hl = (size_t)(p[12] >> 4) * 4, len = n - hl;
	unsigned sport = be16(p), dport = be16(p + 2), fl = p[13];
	uint32_t seq = be32(p + 4), ack = be32(p + 8);
	char text[8];
	tcp_flags(text, fl);
	printf("%s %s.%u > %s.%u: Flags [%s]", ip, src, sport, dst, dport, text);
	if (fl & 0x02)
		flow_start(src, sport, dst, dport, seq);
	const struct flow *me = flow_find(src, sport, dst, dport), *peer = flow_find(dst, dport, src, sport);
	if (fl & 0x02) {
		printf(", seq %u", seq);
		if (fl & 0x10)
			printf(", ack %u", ack);
	} else {
		uint32_t s = me ? seq - me->isn : seq;
		if (len)
			printf(", seq %u:%u", s, s + (uint32_t)len);
		else if (fl & 0x05)
			printf(", seq %u", s);
		if (fl & 0x10)
			printf(", ack %u", peer ? ack - peer->isn : ack);
	}
	printf(", win %u, length %zu", be16(p + 14), len);
}

/* TCP or UDP after the IP header: "a.p > b.q: ...", without the newline */
static void l4_line(const char *ip, const char *src, const char *dst, int proto, const unsigned char *p, size_t n)
{
	if (proto == 6 && n >= 20 && (size_t)(p[12] >> 4) * 4 >= 20 && (size_t)(p[12] >> 4) * 4 <= n) {
		tcp_line(ip, src, dst, p, n);
	} else if (proto == 17 && n >= 8) {
		unsigned ulen = be16(p + 4);
		printf("%s %s.%u > %s.%u: UDP, length %u", ip, src, be16(p), dst, be16(p + 2), ulen >= 8 ? ulen - 8 : 0);
	} else if (proto == 1 && n >= 4) {
		static const char *const types[] = { [0] = "echo reply", [3] = "unreachable", [8] = "echo request",
						     [11] = "time exceeded" };
		const char *t = p[0] < sizeof types / sizeof types[0] && types[p[0]] ? types[p[0]] : NULL;
		if (p[0] == 3 && p[1] == 3)
			t = "port unreachable";
		if (p[0] == 3 && p[1] == 4)
			t = "need to frag (the packet is larger than the MTU and may not be fragmented)";
		printf("%s %s > %s: ICMP %s%s, length %zu", ip, src, dst, t ? t : "type ", t ? "" : "?", n);
	} else if (proto == 58 && n >= 4) {
		const char *t = p[0] == 128 ? "echo request" : p[0] == 129 ? "echo reply" : p[0] == 133 ? "router solicitation"
			: p[0] == 134 ? "router advertisement" : p[0] == 135 ? "neighbor solicitation"
			: p[0] == 136 ? "neighbor advertisement" : p[0] == 143 ? "multicast listener report v2"
			: p[0] == 1 ? "destination unreachable" : p[0] == 2 ? "packet too big" : NULL;
		char tgt[INET6_ADDRSTRLEN] = "";
		if ((p[0] == 135 || p[0] == 136) && n >= 24)
			inet_ntop(AF_INET6, p + 8, tgt, sizeof tgt);
		printf("%s %s > %s: ICMP6, %s%s%s, length %zu", ip, src, dst, t ? t : "type ?",
		       p[0] == 135 ? ", who has " : p[0] == 136 ? ", tgt is " : "", tgt, n);
	} else if (proto == 2) {
		printf("%s %s > %s: igmp, length %zu", ip, src, dst, n);
	} else {
		printf("%s %s > %s: ip-proto-%d, length %zu", ip, src, dst, proto, n);
	}
}

static void ipv4_line(const unsigned char *p, size_t n)
{
	size_t hl = (size_t)(p[0] & 15) * 4;
	if (n < 20 || hl < 20 || hl > n || (p[0] >> 4) != 4) {
		printf("IP, bad header, length %zu\n", n);
		return;
	}
	size_t tot = be16(p + 2);
	if (tot < hl || tot > n)
		tot = n;   /* Ethernet pads short frames; a length beyond the frame is not believed */
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, p + 12, src, sizeof src);
	inet_ntop(AF_INET, p + 16, dst, sizeof dst);
	unsigned frag = be16(p + 6), off = (frag & 0x1fff) * 8, more = (frag & 0x2000) != 0;
	if (off) {
		printf("IP %s > %s: fragment id %u, offset %u, %s, length %zu\n", src, dst, be16(p + 4), off,
		       more ? "more follow" : "the last", tot - hl);
		return;
	}
	l4_line("IP", src, dst, p[9], p + hl, tot - hl);
	if (more)
		printf(" (the first fragment: id %u, offset 0, more follow)", be16(p + 4));
	putchar('\n');
}

static void ipv6_line(const unsigned char *p, size_t n)
{
	if (n < 40) {
		printf("IP6, bad header, length %zu\n", n);
		return;
	}
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, p + 8, src, sizeof src);
	inet_ntop(AF_INET6, p + 24, dst, sizeof dst);
	size_t plen = be16(p + 4);
	if (plen > n - 40)
		plen = n - 40;
	int next = p[6];
	const unsigned char *q = p + 40;
	if (next == 0 && plen >= 8 && (size_t)(q[1] + 1) * 8 <= plen) {   /* hop-by-hop (MLD's router alert) */
		size_t l = (size_t)(q[1] + 1) * 8;
		next = q[0];
		q += l;
		plen -= l;
	}
	if (next == 44 && plen >= 8) {
		unsigned off = be16(q + 2) & 0xfff8;
		printf("IP6 %s > %s: fragment id %u, offset %u, %s, length %zu\n", src, dst, be32(q + 4), off,
		       (q[3] & 1) ? "more follow" : "the last", plen - 8);
		return;
	}
	l4_line("IP6", src, dst, next, q, plen);
	putchar('\n');
}

static void arp_line(const unsigned char *p, size_t n)
{
	/* Ethernet/IPv4 ARP only: hardware type 1, protocol 0x0800, sizes 6 and 4 */
	if (n < 28 || be16(p) != 1 || be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4) {
		printf("ARP, length %zu\n", n);
		return;
	}
	char sender[INET_ADDRSTRLEN], target[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, p + 14, sender, sizeof sender);
	inet_ntop(AF_INET, p + 24, target, sizeof target);
	unsigned op = be16(p + 6);
	if (op == 1)
		printf("ARP, Request who-has %s tell %s, length 28\n", target, sender);
	else if (op == 2)
		printf("ARP, Reply %s is-at %02x:%02x:%02x:%02x:%02x:%02x, length 28\n", sender, p[8], p[9], p[10],
		       p[11], p[12], p[13]);
	else
		printf("ARP, operation %u, length 28\n", op);
}

static void frame_line(const struct timespec *ts, const unsigned char *f, size_t n)
{
	struct tm tm;
	localtime_r(&ts->tv_sec, &tm);
	printf("%02d:%02d:%02d.%06ld ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000);
	if (n < 14) {
		printf("a runt frame of %zu bytes\n", n);
		return;
	}
	unsigned type = be16(f + 12);
	if (type == ETH_P_IP)
		ipv4_line(f + 14, n - 14);
	else if (type == ETH_P_IPV6)
		ipv6_line(f + 14, n - 14);
	else if (type == ETH_P_ARP)
		arp_line(f + 14, n - 14);
	else
		printf("ethertype 0x%04x, length %zu\n", type, n);
}

/* ---- the capture ------------------------------------------------------------------------- */

static unsigned port_index(int host)
{
	char path[64];
	snprintf(path, sizeof path, "/sys/class/net/h%d/ifindex", host);
	FILE *f = fopen(path, "r");
	unsigned idx = 0;
	if (f) {
		if (fscanf(f, "%u", &idx) != 1)
			idx = 0;
		fclose(f);
	}
	return idx;
}

int lab_capture(int host, const struct lab_opts *o)
{
	if (lab_enter(0) < 0)
		return 1;
	unsigned idx = port_index(host);
	if (!idx) {
		fprintf(stderr, _("lab: capture: the link of h%d is not on the switch\n"), host);
		return 1;
	}
	FILE *pcap = NULL;
	if (o->pcap && (!(pcap = fopen(o->pcap, "wbe")) || pcap_start(pcap) < 0)) {
		fprintf(stderr, _("lab: capture: cannot write %s: %s\n"), o->pcap, strerror(errno));
		return 1;
	}
	io_catch_signals();
	int fd = t_socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0) {
		fprintf(stderr, "lab: capture: socket: %s\n", strerror(errno));
		return 1;
	}
	struct sockaddr_ll me = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = (int)idx };
	if (t_bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
		fprintf(stderr, "lab: capture: bind: %s\n", strerror(errno));
		t_close(fd);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("listening on h%d (the link of host h%d, at its port on the switch), link-type EN10MB (Ethernet)%s%s\n",
	       host, host, o->pcap ? ", writing " : "", o->pcap ? o->pcap : "");
	static unsigned char frame[SNAPLEN];
	long seen = 0, cut = 0;
	int rc = 0;
	while (!io_stop && (!o->count || seen < o->count)) {
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof from;
		ssize_t n = t_recvfrom(fd, frame, sizeof frame, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "lab: capture: recvfrom: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		size_t caplen = (size_t)n > sizeof frame ? sizeof frame : (size_t)n;
		if (caplen < (size_t)n)
			cut++;
		seen++;
		if (pcap && pcap_add(pcap, &ts, frame, caplen, (size_t)n) < 0) {
			fprintf(stderr, _("lab: capture: writing %s: %s\n"), o->pcap, strerror(errno));
			rc = 1;
			break;
		}
		if (!pcap)
			frame_line(&ts, frame, caplen);
	}
	t_close(fd);
	if (pcap && fclose(pcap) != 0 && !rc) {
		fprintf(stderr, _("lab: capture: writing %s: %s\n"), o->pcap, strerror(errno));
		rc = 1;
	}
	printf("%ld packet%s captured\n", seen, seen == 1 ? "" : "s");
	if (cut) {
		fprintf(stderr, ngettext("lab: capture: %ld frame was longer than %d bytes, kept cut (the pcap says so)\n",
					 "lab: capture: %ld frames were longer than %d bytes, kept cut (the pcap says so)\n",
					 (unsigned long)cut), cut, SNAPLEN);
		rc = 1;
	}
	return rc;
}
