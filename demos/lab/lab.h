/*
 * lab: several hosts on one machine (demos/lab/).
 *
 * Every host is a network namespace "sockfam-hN" (or "sockfam-LAB-hN" when
 * SOCKFAM_LAB=LAB names a private lab, as the tests do), joined by a veth
 * pair to a bridge in a namespace of its own, "sockfam-sw": one Ethernet
 * link. The link of host hN is its pair: eth0 in the host, port hN on the
 * bridge, where `lab capture hN` listens and `lab impair hN` shapes.
 * Nothing is made in the machine's own network namespace.
 *
 * net.c      namespaces, links, addresses, routes, qdiscs (rtnetlink built
 *            with libmnl, the socket calls through the trace layer)
 * capture.c  the AF_PACKET capture: lines like tcpdump -n, or a pcap file
 * main.c     the command line and the subcommands
 */
#ifndef SOCKFAM_LAB_H
#define SOCKFAM_LAB_H

#include <stddef.h>

#define LAB_MAX_HOSTS 16
#define LAB_DEFAULT_HOSTS 2

struct lab_opts {
	int hosts;            /* up --hosts */
	int v6;               /* up --v6 */
	const char *pcap;     /* capture -w */
	long count;           /* capture -c; 0: until stopped */
	unsigned long long rate_bps;   /* impair --rate, bits per second; 0: not given */
	long delay_ms, loss_pct, mtu;  /* impair; -1: not given */
};

/* "sockfam-h1" (or "sockfam-LAB-h1") for host 1, "sockfam-sw" for host 0 (the switch). */
void lab_ns_name(char *out, size_t size, int host);
/* The host number of "h3" (1..LAB_MAX_HOSTS), or 0 when name is not a host's name. */
int lab_host_number(const char *name);
/* How many hosts are up (their namespaces exist); 0 when no lab is up. */
int lab_hosts_up(void);

/* Moves this process into host's namespace (0: the switch) with /sys
 * remounted for it, as `ip netns exec` does. 0, or -1 with a line on stderr. */
int lab_enter(int host);

int lab_up(const struct lab_opts *o);
int lab_down(void);
int lab_show(void);
int lab_impair(int host, const struct lab_opts *o);
int lab_ss(int host);
int lab_capture(int host, const struct lab_opts *o);

#endif
