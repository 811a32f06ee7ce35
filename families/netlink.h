/*
 * netlink: the AF_NETLINK family's own interface, shared by netlink.c (the
 * family table and the request/reply transport) and netlink_cmds.c (what
 * netlink-query and netlink-monitor ask and print).
 */
#ifndef SOCKFAM_NETLINK_H
#define SOCKFAM_NETLINK_H

#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>

#include "families.h"

/* One netlink socket after socket(): bound, with its port id known. */
struct nl_sock {
	int fd;
	int protocol;        /* NETLINK_ROUTE, NETLINK_SOCK_DIAG, NETLINK_GENERIC */
	uint32_t portid;     /* ours: what getsockname() returned after bind */
	uint32_t seq;        /* the last request's sequence number */
	char *buf;           /* the receive buffer */
	size_t size;
	int interrupted;     /* a dump said NLM_F_DUMP_INTR: the answer may be inconsistent */
	const char *prog;
};

/* Why a request failed: the call, its errno, and the kernel's extended ack. */
struct nl_error {
	const char *call;    /* "sendto", "recvfrom", or "kernel" for an NLMSG_ERROR */
	int err;
	char msg[256];       /* NLMSGERR_ATTR_MSG, or "" */
	size_t truncated;    /* a reply larger than our buffer: its real size */
};

/* Called for each data message of an answer; MNL_CB_OK, or MNL_CB_ERROR to stop. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *h, void *data);

/* The receive buffer: the largest chunk the kernel puts in one dump datagram. */
#define NL_BUFSIZE 32768

/* Whether the len bytes at h start with a whole message, its padding to a
 * multiple of 4 included (libmnl's attribute walk reads up to the padded
 * end; the kernel always pads). libmnl's own mnl_nlmsg_ok() compares
 * nlmsg_len as a signed int, so a length of 2^31 or more passes it and
 * mnl_nlmsg_next() then steps far past the buffer. Walk with this and
 * mnl_nlmsg_next(). */
static inline int nl_msg_ok(const struct nlmsghdr *h, int len)
{
	return len >= (int)sizeof *h && h->nlmsg_len >= sizeof *h && h->nlmsg_len <= (unsigned)len &&
	       NLMSG_ALIGN(h->nlmsg_len) <= (unsigned)len;
}

/* Options of the NETLINK_* socket, bind to (groups) and ask for our port id. */
int nl_setup(struct nl_sock *ns, int fd, int protocol, uint32_t groups, const char *prog);
/* Sends req (sequence number and flags filled in here) and reads the answer
 * until NLMSG_DONE (dump) or the acknowledgement (NLM_F_ACK is always set on
 * other requests), so nothing is left waiting. 0, or -1 with e filled. */
int nl_transact(struct nl_sock *ns, struct nlmsghdr *req, nl_msg_cb cb, void *data, struct nl_error *e);
/* One line on stderr for a failed request; returns the exit status (1). */
int nl_report(const struct nl_sock *ns, const char *what, const struct nl_error *e);
void nl_free(struct nl_sock *ns);

/* ---- what the programs do (netlink_cmds.c) ---- */

/* What netlink-query was asked, from its command line. */
struct nl_query {
	const struct nl_cmd *cmd;
	const char *ifname;   /* links/addrs/neigh IFNAME */
	int json;
	int af;               /* -4/-6: AF_INET/AF_INET6, or AF_UNSPEC */
	int listening;        /* sockets --listening */
	int sock_family;      /* sockets --family: AF_UNIX, AF_INET, AF_INET6, or AF_UNSPEC */
	int sock_proto;       /* sockets --proto: IPPROTO_TCP, ..., or 0 for TCP and UDP */
	long rcvbuf;          /* monitor --rcvbuf */
	int processes;        /* sockets: a PROCESS column, the owners from /proc (bin/lab ss) */
};
extern struct nl_query nl_query;

struct nl_cmd {
	const char *name;
	int protocol;
	int takes_ifname;
	const char *help;
	int (*run)(struct nl_sock *ns, const struct nl_query *q);
};
extern const struct nl_cmd nl_cmds[];   /* ends with {NULL} */

/* netlink-monitor: reads events on the bound, subscribed fd until stopped. */
int nl_monitor(struct nl_sock *ns, long count);
/* What netlink-query and netlink-monitor make of one datagram of `protocol`
 * (len bytes, any bytes): each message through the printer its answer or
 * event goes to (rtnetlink: the monitor's event lines; sock_diag and generic:
 * the query's rows), all of it on stdout. The programs reach these printers
 * through nl_transact and nl_monitor only; this is for tests/fuzz/fuzz_nlrows.c. */
void nl_rows_of(int protocol, const void *buf, size_t len);
/* The groups the monitor subscribes to (RTMGRP_* bits for bind). */
#define NL_MONITOR_GROUPS 0x555u

#endif
