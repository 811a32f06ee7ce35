/*
 * test_hostile: the inputs that made the decoders misbehave (issue 11's
 * fuzzing), each with the exact text it must print. The texts are what
 * strace 6.1 printed for the same bytes (tool_traceprobe's probe_forged sends
 * them through real calls, and test_traceprobe compares). Each buffer is
 * malloc'd to its exact size, so a read past it is past the heap block (make
 * check-sanitize reports it); the corpora of tests/fuzz/ hold the same inputs
 * (crash-*), replayed by make test.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/decode.h"
#include "../families/netlink.h"

static void *ho_dup(const void *p, size_t n)
{
	void *q = malloc(n);
	cr_assert_not_null(q);
	memcpy(q, p, n);
	return q;
}

static void ho_opts(int verbose)
{
	decode_opts.strsize = 32;
	decode_opts.xflag = 0;
	decode_opts.verbose = verbose;
}

/* Decodes `size` bytes of NETLINK_ROUTE messages from a heap block of exactly
 * that size (-v when verbose) and expects `want`. */
static void ho_netlink(const uint32_t *words, size_t size, int verbose, const char *want)
{
	ho_opts(verbose);
	void *buf = ho_dup(words, size);
	struct sbuf sb = SBUF_INIT;
	dec_netlink(&sb, NETLINK_ROUTE, buf, size);
	cr_expect_str_eq(sb_str(&sb), want);
	sb_free(&sb);
	free(buf);
	ho_opts(0);
}

/* nlmsg_len 0xfffffffd aligns to 0 in 32 bits: the walk never moved on, and
 * under -v (no cut-off after 32 messages) it printed until memory ran out. */
Test(hostile, nlmsg_len_that_aligns_to_zero_is_one_message, .timeout = 20)
{
	uint32_t words[12] = { 0xfffffffd, RTM_GETLINK, 7 };
	ho_netlink(words, sizeof words, 1,
		   "[{nlmsg_len=4294967293, nlmsg_type=RTM_GETLINK, nlmsg_flags=0, nlmsg_seq=7, nlmsg_pid=0}, "
		   "{ifi_family=AF_UNSPEC, ifi_type=ARPHRD_NETROM, ifi_index=0, ifi_flags=0, ifi_change=0}, "
		   "{nla_len=0, nla_type=IFLA_UNSPEC}]");
}

/* NLMSG_ERROR with error = INT_MIN: its negation overflowed. */
Test(hostile, error_int_min_is_a_number)
{
	uint32_t words[9] = { 36, NLMSG_ERROR, 0, 0, 0x80000000u, NLMSG_HDRLEN, RTM_GETADDR, 0, 0 };
	ho_netlink(words, sizeof words, 0,
		   "[{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=0, nlmsg_seq=0, nlmsg_pid=0}, "
		   "{error=-2147483648, msg={nlmsg_len=16, nlmsg_type=RTM_GETADDR, nlmsg_flags=0, "
		   "nlmsg_seq=0, nlmsg_pid=0}}]");
}

/* A sockaddr_in6 of 25 bytes: sin6_scope_id was read whole, 3 bytes past it;
 * strace reads the one byte there and zeroes for the rest. */
Test(hostile, sockaddr_in6_of_25_bytes_reads_only_its_bytes)
{
	ho_opts(0);
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof a);
	a.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::1", &a.sin6_addr);
	a.sin6_scope_id = 0x01020304;
	void *buf = ho_dup(&a, 25);
	struct sbuf sb = SBUF_INIT;
	dec_sockaddr(&sb, buf, 25);
	cr_expect_str_eq(sb_str(&sb),
			 "{sa_family=AF_INET6, sin6_port=htons(0), sin6_flowinfo=htonl(0), "
			 "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=4}");
	sb_free(&sb);
	free(buf);
}

/* cmsg_len said 4096 in a 24-byte control buffer: its data was read past the
 * buffer. It is cut to the buffer, and bytes too few for another header after
 * a message show as "..." with their address, as strace shows them. */
Test(hostile, cmsg_len_is_cut_to_the_control_buffer)
{
	ho_opts(0);
	size_t room = CMSG_SPACE(2 * sizeof(int));
	struct cmsghdr *c = calloc(1, room + 10);
	cr_assert_not_null(c);
	c->cmsg_len = 4096;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	int fds[2] = { 4, 5 };
	memcpy(CMSG_DATA(c), fds, sizeof fds);
	char data[] = "forged";
	struct iovec iov = { data, 6 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c, .msg_controllen = room };
	struct sbuf sb = SBUF_INIT;
	dec_msghdr(&sb, &msg, -1, AF_UNIX, 0);
	cr_expect_str_eq(sb_str(&sb),
			 "{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"forged\", iov_len=6}], msg_iovlen=1, "
			 "msg_control=[{cmsg_len=4096, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
			 "cmsg_data=[4, 5]}], msg_controllen=24, msg_flags=0}");
	c->cmsg_len = CMSG_LEN(sizeof fds);
	msg.msg_controllen = room + 10;
	char want[512];
	snprintf(want, sizeof want,
		 "{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"forged\", iov_len=6}], msg_iovlen=1, "
		 "msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[4, 5]}, "
		 "... /* %#lx */], msg_controllen=34, msg_flags=0}", (unsigned long)c + room);
	sb_reset(&sb);
	dec_msghdr(&sb, &msg, -1, AF_UNIX, 0);
	cr_expect_str_eq(sb_str(&sb), want);
	/* a cmsg_len shorter than its header cannot move on: the walk ends there */
	c->cmsg_len = 3;
	sb_reset(&sb);
	dec_msghdr(&sb, &msg, -1, AF_UNIX, 0);
	snprintf(want, sizeof want,
		 "{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"forged\", iov_len=6}], msg_iovlen=1, "
		 "msg_control=[{cmsg_len=3, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS}, "
		 "... /* %#lx */], msg_controllen=34, msg_flags=0}", (unsigned long)c + sizeof *c);
	cr_expect_str_eq(sb_str(&sb), want);
	sb_free(&sb);
	free(c);
}

/* libmnl's mnl_nlmsg_ok() reads nlmsg_len as a signed int: 0x87878787 is
 * negative, so it passes as "fits in the 64 bytes", and mnl_nlmsg_next()
 * then steps 2 GiB on (fuzz_nlrows found it: corpus/nlrows/crash-*). The
 * walks of netlink-query and netlink-monitor use nl_msg_ok() instead. */
Test(hostile, nlmsg_len_of_2_gib_is_not_a_whole_message)
{
	uint32_t words[16] = { 0x87878787u, RTM_NEWLINK };
	const struct nlmsghdr *h = (const struct nlmsghdr *)words;
	cr_expect_eq(nl_msg_ok(h, (int)sizeof words), 0);
	words[0] = 64;
	cr_expect_eq(nl_msg_ok(h, (int)sizeof words), 1);
	words[0] = 65;
	cr_expect_eq(nl_msg_ok(h, (int)sizeof words), 0);
	/* 61 bytes fit, but not their padding to 64 (libmnl's attribute walk reads to it) */
	words[0] = 61;
	cr_expect_eq(nl_msg_ok(h, 63), 0);
	cr_expect_eq(nl_msg_ok(h, 64), 1);
	words[0] = 15;
	cr_expect_eq(nl_msg_ok(h, (int)sizeof words), 0);
}
