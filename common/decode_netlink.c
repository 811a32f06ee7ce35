/*
 * decode_netlink: netlink messages in strace 6.1's notation.
 *
 * A buffer holding one message prints as [{nlmsghdr}, payload]; several as
 * [[msg1], [msg2]]. NLMSG_DONE carries an int, NLMSG_ERROR an nlmsgerr whose
 * copy of the request is decoded again, followed by the extended-ack
 * attributes. The payload is chosen by (netlink protocol, message type):
 * rtnetlink links/addresses/routes/neighbours, sock_diag inet and unix
 * requests and answers; anything else is printed as hex bytes, as strace does.
 *
 * Everything is a table: message types, flag sets, the family structs'
 * fields, and for each attribute set a row per attribute type saying how
 * its payload prints. Adding an attribute means adding a row.
 *
 * Left out on purpose (strace 6.1 decodes them, we print hex bytes):
 * IFLA_AF_SPEC, IFLA_PROTINFO, IFLA_VF_PORTS/IFLA_PORT_SELF, IFLA_EVENT,
 * IFLA_PROTO_DOWN_REASON, IFLA_INFO_DATA of bridge/tun links, RTA_MULTIPATH,
 * RTA_VIA, RTA_MFC_STATS, RTA_ENCAP_TYPE, NDA_FDB_EXT_ATTRS, INET_DIAG_
 * MEMINFO/VEGASINFO/DCTCPINFO/BBRINFO/MD5SIG/ULP_INFO, request bytecode, and
 * the legacy TCPDIAG_GETSOCK request. They all come after the 32nd attribute
 * of the messages this suite sees, or not at all, unless -v is given.
 */
#define _GNU_SOURCE
#include "decode.h"

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>

/* ---- small printers --------------------------------------------------------- */

/* A value from a table; unknown: 0x.. with a comment when `dflt` is given. */
static void pxval(struct sbuf *sb, const struct xlat *tab, unsigned long val, const char *dflt)
{
	const char *n = xlat_name(tab, val);
	if (n)
		sb_puts(sb, n);
	else if (dflt)
		sb_printf(sb, "%#lx /* %s */", val, dflt);
	else
		sb_printf(sb, "%#lx", val);
}

/* strace's printflags_ex over one or two tables: names in table order, the
 * rest in hex; 0 prints a zero-valued name when the table has one. */
static void pflags2(struct sbuf *sb, const struct xlat *t1, const struct xlat *t2, unsigned long val,
		    const char *dflt)
{
	const struct xlat *tabs[2] = { t1, t2 };
	if (val == 0) {
		for (int i = 0; i < 2; i++)
			for (const struct xlat *x = tabs[i]; x && x->name; x++)
				if (x->val == 0) {
					sb_puts(sb, x->name);
					return;
				}
		sb_puts(sb, "0");
		return;
	}
	int first = 1;
	for (int i = 0; i < 2; i++) {
		for (const struct xlat *x = tabs[i]; x && x->name; x++) {
			if (x->val && (val & x->val) == x->val) {
				sb_printf(sb, "%s%s", first ? "" : "|", x->name);
				val &= ~x->val;
				first = 0;
			}
		}
	}
	if (val && first && dflt)
		sb_printf(sb, "%#lx /* %s */", val, dflt);   /* nothing known: a comment, as strace does */
	else if (val)
		sb_printf(sb, "%s%#lx", first ? "" : "|", val);
}

static void pflags(struct sbuf *sb, const struct xlat *t, unsigned long val, const char *dflt)
{
	pflags2(sb, t, NULL, val, dflt);
}

/* Bytes the way strace prints an undecoded payload: always \x.. */
static void hexstr(struct sbuf *sb, const void *p, size_t n)
{
	int saved = decode_opts.xflag;
	decode_opts.xflag = 2;
	dec_str(sb, p, n, -1);
	decode_opts.xflag = saved;
}

/* An attribute string: printed without its trailing NUL; "..." when it has none. */
static void nlstr(struct sbuf *sb, const char *p, size_t n)
{
	if (n && p[n - 1] == '\0') {
		size_t len = strnlen(p, n - 1);
		dec_str(sb, p, len, -1);
	} else {
		dec_str(sb, p, n, -1);
		if ((long)n <= decode_opts.strsize)
			sb_puts(sb, "...");
	}
}

/* inet_addr("1.2.3.4") / inet_pton(AF_INET6, "::1"[, &var]); hex when the size is wrong. */
void dec_inaddr(struct sbuf *sb, int af, const void *p, size_t n, const char *var)
{
	char buf[INET6_ADDRSTRLEN];
	size_t need = af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
	if (!need || n < need || !inet_ntop(af, p, buf, sizeof buf)) {
		if (var)
			sb_printf(sb, "%s=", var);
		hexstr(sb, p, n);
		return;
	}
	if (af == AF_INET) {
		if (var)
			sb_printf(sb, "%s=", var);
		sb_puts(sb, "inet_addr(");
		dec_cstr(sb, buf, sizeof buf);
		sb_putc(sb, ')');
	} else {
		sb_puts(sb, "inet_pton(AF_INET6, ");
		dec_cstr(sb, buf, sizeof buf);
		if (var)
			sb_printf(sb, ", &%s", var);
		sb_putc(sb, ')');
	}
}

static void phwaddr(struct sbuf *sb, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%s%02x", i ? ":" : "", p[i]);
}

static uint64_t get_uint(const void *p, size_t n)
{
	uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64 = 0;
	switch (n) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

/* ---- tables: message types and flags ----------------------------------------------- */

static const struct xlat xlat_nlmsg_ctl[] = {
	XLAT(NLMSG_NOOP), XLAT(NLMSG_ERROR), XLAT(NLMSG_DONE), XLAT(NLMSG_OVERRUN), XLAT_END
};

static const struct xlat xlat_nl_route_types[] = {
	XLAT(RTM_NEWLINK), XLAT(RTM_DELLINK), XLAT(RTM_GETLINK), XLAT(RTM_SETLINK),
	XLAT(RTM_NEWADDR), XLAT(RTM_DELADDR), XLAT(RTM_GETADDR),
	XLAT(RTM_NEWROUTE), XLAT(RTM_DELROUTE), XLAT(RTM_GETROUTE),
	XLAT(RTM_NEWNEIGH), XLAT(RTM_DELNEIGH), XLAT(RTM_GETNEIGH),
	XLAT(RTM_NEWRULE), XLAT(RTM_DELRULE), XLAT(RTM_GETRULE),
	XLAT(RTM_NEWQDISC), XLAT(RTM_DELQDISC), XLAT(RTM_GETQDISC),
	XLAT(RTM_NEWTCLASS), XLAT(RTM_DELTCLASS), XLAT(RTM_GETTCLASS),
	XLAT(RTM_NEWTFILTER), XLAT(RTM_DELTFILTER), XLAT(RTM_GETTFILTER),
	XLAT(RTM_NEWACTION), XLAT(RTM_DELACTION), XLAT(RTM_GETACTION),
	XLAT(RTM_NEWPREFIX), XLAT(RTM_GETMULTICAST), XLAT(RTM_GETANYCAST),
	XLAT(RTM_NEWNEIGHTBL), XLAT(RTM_GETNEIGHTBL), XLAT(RTM_SETNEIGHTBL),
	XLAT(RTM_NEWNDUSEROPT), XLAT(RTM_NEWADDRLABEL), XLAT(RTM_DELADDRLABEL),
	XLAT(RTM_GETADDRLABEL), XLAT(RTM_GETDCB), XLAT(RTM_SETDCB),
	XLAT(RTM_NEWNETCONF), XLAT(RTM_DELNETCONF), XLAT(RTM_GETNETCONF),
	XLAT(RTM_NEWMDB), XLAT(RTM_DELMDB), XLAT(RTM_GETMDB),
	XLAT(RTM_NEWNSID), XLAT(RTM_DELNSID), XLAT(RTM_GETNSID),
	XLAT(RTM_NEWSTATS), XLAT(RTM_GETSTATS), XLAT(RTM_NEWCACHEREPORT),
	XLAT(RTM_NEWCHAIN), XLAT(RTM_DELCHAIN), XLAT(RTM_GETCHAIN),
	XLAT(RTM_NEWNEXTHOP), XLAT(RTM_DELNEXTHOP), XLAT(RTM_GETNEXTHOP),
	XLAT(RTM_NEWLINKPROP), XLAT(RTM_DELLINKPROP), XLAT(RTM_GETLINKPROP),
	XLAT(RTM_NEWVLAN), XLAT(RTM_DELVLAN), XLAT(RTM_GETVLAN),
	XLAT(RTM_NEWNEXTHOPBUCKET), XLAT(RTM_DELNEXTHOPBUCKET), XLAT(RTM_GETNEXTHOPBUCKET),
	XLAT_END
};

static const struct xlat xlat_nl_sock_diag_types[] = {
	{ 18, "TCPDIAG_GETSOCK" }, { 19, "DCCPDIAG_GETSOCK" },
	XLAT(SOCK_DIAG_BY_FAMILY), XLAT(SOCK_DESTROY), XLAT_END
};

/* Generic netlink ids are given out at run time; strace asks the kernel.
 * Only the controller's fixed id is known here. */
static const struct xlat xlat_genl_families[] = { { GENL_ID_CTRL, "nlctrl" }, XLAT_END };

static const struct xlat xlat_nlm_flags[] = {
	XLAT(NLM_F_REQUEST), XLAT(NLM_F_MULTI), XLAT(NLM_F_ACK), XLAT(NLM_F_ECHO),
	XLAT(NLM_F_DUMP_INTR), XLAT(NLM_F_DUMP_FILTERED), XLAT_END
};
static const struct xlat xlat_nlm_get_flags[] = {
	XLAT(NLM_F_DUMP), XLAT(NLM_F_ROOT), XLAT(NLM_F_MATCH), XLAT(NLM_F_ATOMIC), XLAT_END
};
static const struct xlat xlat_nlm_new_flags[] = {
	XLAT(NLM_F_REPLACE), XLAT(NLM_F_EXCL), XLAT(NLM_F_CREATE), XLAT(NLM_F_APPEND), XLAT_END
};
static const struct xlat xlat_nlm_del_flags[] = { XLAT(NLM_F_NONREC), { 0x200, "NLM_F_BULK" }, XLAT_END };
static const struct xlat xlat_nlm_ack_flags[] = { XLAT(NLM_F_CAPPED), XLAT(NLM_F_ACK_TLVS), XLAT_END };

/* ---- tables: family structs' constants ---------------------------------------------- */


static const struct xlat xlat_iff[] = {
	{ 0x1, "IFF_UP" }, { 0x2, "IFF_BROADCAST" }, { 0x4, "IFF_DEBUG" }, { 0x8, "IFF_LOOPBACK" },
	{ 0x10, "IFF_POINTOPOINT" }, { 0x20, "IFF_NOTRAILERS" }, { 0x40, "IFF_RUNNING" },
	{ 0x80, "IFF_NOARP" }, { 0x100, "IFF_PROMISC" }, { 0x200, "IFF_ALLMULTI" },
	{ 0x400, "IFF_MASTER" }, { 0x800, "IFF_SLAVE" }, { 0x1000, "IFF_MULTICAST" },
	{ 0x2000, "IFF_PORTSEL" }, { 0x4000, "IFF_AUTOMEDIA" }, { 0x8000, "IFF_DYNAMIC" },
	{ 0x10000, "IFF_LOWER_UP" }, { 0x20000, "IFF_DORMANT" }, { 0x40000, "IFF_ECHO" }, XLAT_END
};

static const struct xlat xlat_ifa_flags[] = {
	XLAT(IFA_F_SECONDARY), XLAT(IFA_F_NODAD), XLAT(IFA_F_OPTIMISTIC), XLAT(IFA_F_DADFAILED),
	XLAT(IFA_F_HOMEADDRESS), XLAT(IFA_F_DEPRECATED), XLAT(IFA_F_TENTATIVE),
	XLAT(IFA_F_PERMANENT), XLAT(IFA_F_MANAGETEMPADDR), XLAT(IFA_F_NOPREFIXROUTE),
	XLAT(IFA_F_MCAUTOJOIN), XLAT(IFA_F_STABLE_PRIVACY), XLAT_END
};

static const struct xlat xlat_rt_scope[] = {
	XLAT(RT_SCOPE_UNIVERSE), XLAT(RT_SCOPE_SITE), XLAT(RT_SCOPE_LINK), XLAT(RT_SCOPE_HOST),
	XLAT(RT_SCOPE_NOWHERE), XLAT_END
};

static const struct xlat xlat_rt_table[] = {
	XLAT(RT_TABLE_UNSPEC), XLAT(RT_TABLE_COMPAT), XLAT(RT_TABLE_DEFAULT), XLAT(RT_TABLE_MAIN),
	XLAT(RT_TABLE_LOCAL), XLAT_END
};

static const struct xlat xlat_rt_proto[] = {
	XLAT(RTPROT_UNSPEC), XLAT(RTPROT_REDIRECT), XLAT(RTPROT_KERNEL), XLAT(RTPROT_BOOT),
	XLAT(RTPROT_STATIC), XLAT(RTPROT_GATED), XLAT(RTPROT_RA), XLAT(RTPROT_MRT),
	XLAT(RTPROT_ZEBRA), XLAT(RTPROT_BIRD), XLAT(RTPROT_DNROUTED), XLAT(RTPROT_XORP),
	XLAT(RTPROT_NTK), XLAT(RTPROT_DHCP), XLAT(RTPROT_MROUTED), XLAT(RTPROT_KEEPALIVED),
	XLAT(RTPROT_BABEL), { 99, "RTPROT_OPENR" }, XLAT(RTPROT_BGP), XLAT(RTPROT_ISIS),
	XLAT(RTPROT_OSPF), XLAT(RTPROT_RIP), XLAT(RTPROT_EIGRP), XLAT_END
};

static const struct xlat xlat_rtn[] = {
	XLAT(RTN_UNSPEC), XLAT(RTN_UNICAST), XLAT(RTN_LOCAL), XLAT(RTN_BROADCAST),
	XLAT(RTN_ANYCAST), XLAT(RTN_MULTICAST), XLAT(RTN_BLACKHOLE), XLAT(RTN_UNREACHABLE),
	XLAT(RTN_PROHIBIT), XLAT(RTN_THROW), XLAT(RTN_NAT), XLAT(RTN_XRESOLVE), XLAT_END
};

static const struct xlat xlat_rtm_f[] = {
	XLAT(RTM_F_NOTIFY), XLAT(RTM_F_CLONED), XLAT(RTM_F_EQUALIZE), XLAT(RTM_F_PREFIX),
	XLAT(RTM_F_LOOKUP_TABLE), XLAT(RTM_F_FIB_MATCH), XLAT(RTM_F_OFFLOAD), XLAT(RTM_F_TRAP),
	{ 0x20000000, "RTM_F_OFFLOAD_FAILED" }, XLAT_END
};

static const struct xlat xlat_iptos[] = {
	{ 0x02, "IPTOS_MINCOST" }, { 0x04, "IPTOS_RELIABILITY" }, { 0x08, "IPTOS_THROUGHPUT" },
	{ 0x10, "IPTOS_LOWDELAY" }, XLAT_END
};

static const struct xlat xlat_nud[] = {
	XLAT(NUD_INCOMPLETE), XLAT(NUD_REACHABLE), XLAT(NUD_STALE), XLAT(NUD_DELAY),
	XLAT(NUD_PROBE), XLAT(NUD_FAILED), XLAT(NUD_NOARP), XLAT(NUD_PERMANENT),
	XLAT(NUD_NONE), XLAT_END
};

static const struct xlat xlat_ntf[] = {
	XLAT(NTF_USE), XLAT(NTF_SELF), XLAT(NTF_MASTER), XLAT(NTF_PROXY),
	XLAT(NTF_EXT_LEARNED), XLAT(NTF_OFFLOADED), XLAT(NTF_STICKY), XLAT(NTF_ROUTER), XLAT_END
};

static const struct xlat xlat_ntf_ext[] = { { 1, "NTF_EXT_MANAGED" }, XLAT_END };

static const struct xlat xlat_rtext_filter[] = {
	XLAT(RTEXT_FILTER_VF), XLAT(RTEXT_FILTER_BRVLAN), XLAT(RTEXT_FILTER_BRVLAN_COMPRESSED),
	XLAT(RTEXT_FILTER_SKIP_STATS), { 16, "RTEXT_FILTER_MRP" }, { 32, "RTEXT_FILTER_CFM_CONFIG" },
	{ 64, "RTEXT_FILTER_CFM_STATUS" }, { 128, "RTEXT_FILTER_MST" }, XLAT_END
};

static const struct xlat xlat_xdp_attached[] = {
	{ 0, "XDP_ATTACHED_NONE" }, { 1, "XDP_ATTACHED_DRV" }, { 2, "XDP_ATTACHED_SKB" },
	{ 3, "XDP_ATTACHED_HW" }, { 4, "XDP_ATTACHED_MULTI" }, XLAT_END
};

static const struct xlat xlat_tcp_states[] = {
	{ 1, "TCP_ESTABLISHED" }, { 2, "TCP_SYN_SENT" }, { 3, "TCP_SYN_RECV" },
	{ 4, "TCP_FIN_WAIT1" }, { 5, "TCP_FIN_WAIT2" }, { 6, "TCP_TIME_WAIT" }, { 7, "TCP_CLOSE" },
	{ 8, "TCP_CLOSE_WAIT" }, { 9, "TCP_LAST_ACK" }, { 10, "TCP_LISTEN" }, { 11, "TCP_CLOSING" },
	{ 12, "TCP_NEW_SYN_RECV" }, XLAT_END
};

static const struct xlat xlat_tcp_state_flags[] = {
	{ 1 << 1, "1<<TCP_ESTABLISHED" }, { 1 << 2, "1<<TCP_SYN_SENT" }, { 1 << 3, "1<<TCP_SYN_RECV" },
	{ 1 << 4, "1<<TCP_FIN_WAIT1" }, { 1 << 5, "1<<TCP_FIN_WAIT2" }, { 1 << 6, "1<<TCP_TIME_WAIT" },
	{ 1 << 7, "1<<TCP_CLOSE" }, { 1 << 8, "1<<TCP_CLOSE_WAIT" }, { 1 << 9, "1<<TCP_LAST_ACK" },
	{ 1 << 10, "1<<TCP_LISTEN" }, { 1 << 11, "1<<TCP_CLOSING" }, { 1 << 12, "1<<TCP_NEW_SYN_RECV" },
	XLAT_END
};

static const struct xlat xlat_idiag_ext[] = {
	{ 1 << (INET_DIAG_MEMINFO - 1), "1<<(INET_DIAG_MEMINFO-1)" },
	{ 1 << (INET_DIAG_INFO - 1), "1<<(INET_DIAG_INFO-1)" },
	{ 1 << (INET_DIAG_VEGASINFO - 1), "1<<(INET_DIAG_VEGASINFO-1)" },
	{ 1 << (INET_DIAG_CONG - 1), "1<<(INET_DIAG_CONG-1)" },
	{ 1 << (INET_DIAG_TOS - 1), "1<<(INET_DIAG_TOS-1)" },
	{ 1 << (INET_DIAG_TCLASS - 1), "1<<(INET_DIAG_TCLASS-1)" },
	{ 1 << (INET_DIAG_SKMEMINFO - 1), "1<<(INET_DIAG_SKMEMINFO-1)" },
	{ 1 << (INET_DIAG_SHUTDOWN - 1), "1<<(INET_DIAG_SHUTDOWN-1)" },
	XLAT_END
};

static const struct xlat xlat_udiag_show[] = {
	XLAT(UDIAG_SHOW_NAME), XLAT(UDIAG_SHOW_VFS), XLAT(UDIAG_SHOW_PEER), XLAT(UDIAG_SHOW_ICONS),
	XLAT(UDIAG_SHOW_RQLEN), XLAT(UDIAG_SHOW_MEMINFO), XLAT(UDIAG_SHOW_UID), XLAT_END
};

static const struct xlat xlat_sk_meminfo[] = {
	XLAT(SK_MEMINFO_RMEM_ALLOC), XLAT(SK_MEMINFO_RCVBUF), XLAT(SK_MEMINFO_WMEM_ALLOC),
	XLAT(SK_MEMINFO_SNDBUF), XLAT(SK_MEMINFO_FWD_ALLOC), XLAT(SK_MEMINFO_WMEM_QUEUED),
	XLAT(SK_MEMINFO_OPTMEM), XLAT(SK_MEMINFO_BACKLOG), XLAT(SK_MEMINFO_DROPS), XLAT_END
};

/* ---- tables: attribute names ----------------------------------------------------------- */

/* IFLA_* as strace 6.1 names them (up to IFLA_ALLMULTI; later ones print as IFLA_???). */
static const struct xlat xlat_ifla[] = {
	XLAT(IFLA_UNSPEC), XLAT(IFLA_ADDRESS), XLAT(IFLA_BROADCAST), XLAT(IFLA_IFNAME),
	XLAT(IFLA_MTU), XLAT(IFLA_LINK), XLAT(IFLA_QDISC), XLAT(IFLA_STATS), XLAT(IFLA_COST),
	XLAT(IFLA_PRIORITY), XLAT(IFLA_MASTER), XLAT(IFLA_WIRELESS), XLAT(IFLA_PROTINFO),
	XLAT(IFLA_TXQLEN), XLAT(IFLA_MAP), XLAT(IFLA_WEIGHT), XLAT(IFLA_OPERSTATE),
	XLAT(IFLA_LINKMODE), XLAT(IFLA_LINKINFO), XLAT(IFLA_NET_NS_PID), XLAT(IFLA_IFALIAS),
	XLAT(IFLA_NUM_VF), XLAT(IFLA_VFINFO_LIST), XLAT(IFLA_STATS64), XLAT(IFLA_VF_PORTS),
	XLAT(IFLA_PORT_SELF), XLAT(IFLA_AF_SPEC), XLAT(IFLA_GROUP), XLAT(IFLA_NET_NS_FD),
	XLAT(IFLA_EXT_MASK), XLAT(IFLA_PROMISCUITY), XLAT(IFLA_NUM_TX_QUEUES),
	XLAT(IFLA_NUM_RX_QUEUES), XLAT(IFLA_CARRIER), XLAT(IFLA_PHYS_PORT_ID),
	XLAT(IFLA_CARRIER_CHANGES), XLAT(IFLA_PHYS_SWITCH_ID), XLAT(IFLA_LINK_NETNSID),
	XLAT(IFLA_PHYS_PORT_NAME), XLAT(IFLA_PROTO_DOWN), XLAT(IFLA_GSO_MAX_SEGS),
	XLAT(IFLA_GSO_MAX_SIZE), XLAT(IFLA_PAD), XLAT(IFLA_XDP), XLAT(IFLA_EVENT),
	XLAT(IFLA_NEW_NETNSID), XLAT(IFLA_IF_NETNSID), XLAT(IFLA_CARRIER_UP_COUNT),
	XLAT(IFLA_CARRIER_DOWN_COUNT), XLAT(IFLA_NEW_IFINDEX), XLAT(IFLA_MIN_MTU),
	XLAT(IFLA_MAX_MTU), XLAT(IFLA_PROP_LIST), XLAT(IFLA_ALT_IFNAME), XLAT(IFLA_PERM_ADDRESS),
	XLAT(IFLA_PROTO_DOWN_REASON), XLAT(IFLA_PARENT_DEV_NAME), XLAT(IFLA_PARENT_DEV_BUS_NAME),
	XLAT(IFLA_GRO_MAX_SIZE), XLAT(IFLA_TSO_MAX_SIZE), XLAT(IFLA_TSO_MAX_SEGS),
	XLAT(IFLA_ALLMULTI), XLAT_END
};

static const struct xlat xlat_ifla_info[] = {
	XLAT(IFLA_INFO_UNSPEC), XLAT(IFLA_INFO_KIND), XLAT(IFLA_INFO_DATA), XLAT(IFLA_INFO_XSTATS),
	XLAT(IFLA_INFO_SLAVE_KIND), XLAT(IFLA_INFO_SLAVE_DATA), XLAT_END
};

static const struct xlat xlat_ifla_xdp[] = {
	XLAT(IFLA_XDP_UNSPEC), XLAT(IFLA_XDP_FD), XLAT(IFLA_XDP_ATTACHED), XLAT(IFLA_XDP_FLAGS),
	XLAT(IFLA_XDP_PROG_ID), XLAT(IFLA_XDP_DRV_PROG_ID), XLAT(IFLA_XDP_SKB_PROG_ID),
	XLAT(IFLA_XDP_HW_PROG_ID), XLAT(IFLA_XDP_EXPECTED_FD), XLAT_END
};

static const struct xlat xlat_ifa[] = {
	XLAT(IFA_UNSPEC), XLAT(IFA_ADDRESS), XLAT(IFA_LOCAL), XLAT(IFA_LABEL), XLAT(IFA_BROADCAST),
	XLAT(IFA_ANYCAST), XLAT(IFA_CACHEINFO), XLAT(IFA_MULTICAST), XLAT(IFA_FLAGS),
	XLAT(IFA_RT_PRIORITY), XLAT(IFA_TARGET_NETNSID), XLAT(IFA_PROTO), XLAT_END
};

static const struct xlat xlat_rta[] = {
	XLAT(RTA_UNSPEC), XLAT(RTA_DST), XLAT(RTA_SRC), XLAT(RTA_IIF), XLAT(RTA_OIF),
	XLAT(RTA_GATEWAY), XLAT(RTA_PRIORITY), XLAT(RTA_PREFSRC), XLAT(RTA_METRICS),
	XLAT(RTA_MULTIPATH), XLAT(RTA_PROTOINFO), XLAT(RTA_FLOW), XLAT(RTA_CACHEINFO),
	XLAT(RTA_SESSION), XLAT(RTA_MP_ALGO), XLAT(RTA_TABLE), XLAT(RTA_MARK),
	XLAT(RTA_MFC_STATS), XLAT(RTA_VIA), XLAT(RTA_NEWDST), XLAT(RTA_PREF),
	XLAT(RTA_ENCAP_TYPE), XLAT(RTA_ENCAP), XLAT(RTA_EXPIRES), XLAT(RTA_PAD), XLAT(RTA_UID),
	XLAT(RTA_TTL_PROPAGATE), XLAT(RTA_IP_PROTO), XLAT(RTA_SPORT), XLAT(RTA_DPORT),
	XLAT(RTA_NH_ID), XLAT_END
};

static const struct xlat xlat_rtax[] = {
	XLAT(RTAX_UNSPEC), XLAT(RTAX_LOCK), XLAT(RTAX_MTU), XLAT(RTAX_WINDOW), XLAT(RTAX_RTT),
	XLAT(RTAX_RTTVAR), XLAT(RTAX_SSTHRESH), XLAT(RTAX_CWND), XLAT(RTAX_ADVMSS),
	XLAT(RTAX_REORDERING), XLAT(RTAX_HOPLIMIT), XLAT(RTAX_INITCWND), XLAT(RTAX_FEATURES),
	XLAT(RTAX_RTO_MIN), XLAT(RTAX_INITRWND), XLAT(RTAX_QUICKACK), XLAT(RTAX_CC_ALGO),
	XLAT(RTAX_FASTOPEN_NO_COOKIE), XLAT_END
};

static const struct xlat xlat_nda[] = {
	XLAT(NDA_UNSPEC), XLAT(NDA_DST), XLAT(NDA_LLADDR), XLAT(NDA_CACHEINFO), XLAT(NDA_PROBES),
	XLAT(NDA_VLAN), XLAT(NDA_PORT), XLAT(NDA_VNI), XLAT(NDA_IFINDEX), XLAT(NDA_MASTER),
	XLAT(NDA_LINK_NETNSID), XLAT(NDA_SRC_VNI), XLAT(NDA_PROTOCOL), XLAT(NDA_NH_ID),
	XLAT(NDA_FDB_EXT_ATTRS), XLAT(NDA_FLAGS_EXT), XLAT(NDA_NDM_STATE_MASK),
	XLAT(NDA_NDM_FLAGS_MASK), XLAT_END
};

static const struct xlat xlat_inet_diag_attrs[] = {
	XLAT(INET_DIAG_NONE), XLAT(INET_DIAG_MEMINFO), XLAT(INET_DIAG_INFO),
	XLAT(INET_DIAG_VEGASINFO), XLAT(INET_DIAG_CONG), XLAT(INET_DIAG_TOS), XLAT(INET_DIAG_TCLASS),
	XLAT(INET_DIAG_SKMEMINFO), XLAT(INET_DIAG_SHUTDOWN), XLAT(INET_DIAG_DCTCPINFO),
	XLAT(INET_DIAG_PROTOCOL), XLAT(INET_DIAG_SKV6ONLY), XLAT(INET_DIAG_LOCALS),
	XLAT(INET_DIAG_PEERS), XLAT(INET_DIAG_PAD), XLAT(INET_DIAG_MARK), XLAT(INET_DIAG_BBRINFO),
	XLAT(INET_DIAG_CLASS_ID), XLAT(INET_DIAG_MD5SIG), XLAT(INET_DIAG_ULP_INFO),
	XLAT(INET_DIAG_SK_BPF_STORAGES), XLAT(INET_DIAG_CGROUP_ID), XLAT(INET_DIAG_SOCKOPT),
	XLAT_END
};

static const struct xlat xlat_inet_diag_req_attrs[] = {
	XLAT(INET_DIAG_REQ_NONE), XLAT(INET_DIAG_REQ_BYTECODE), XLAT(INET_DIAG_REQ_SK_BPF_STORAGES),
	XLAT(INET_DIAG_REQ_PROTOCOL), XLAT_END
};

static const struct xlat xlat_unix_diag_attrs[] = {
	XLAT(UNIX_DIAG_NAME), XLAT(UNIX_DIAG_VFS), XLAT(UNIX_DIAG_PEER), XLAT(UNIX_DIAG_ICONS),
	XLAT(UNIX_DIAG_RQLEN), XLAT(UNIX_DIAG_MEMINFO), XLAT(UNIX_DIAG_SHUTDOWN),
	XLAT(UNIX_DIAG_UID), XLAT_END
};

static const struct xlat xlat_nlmsgerr_attrs[] = {
	XLAT(NLMSGERR_ATTR_UNUSED), XLAT(NLMSGERR_ATTR_MSG), XLAT(NLMSGERR_ATTR_OFFS),
	XLAT(NLMSGERR_ATTR_COOKIE), XLAT(NLMSGERR_ATTR_POLICY), XLAT(NLMSGERR_ATTR_MISS_TYPE),
	XLAT(NLMSGERR_ATTR_MISS_NEST), XLAT_END
};

/* ---- attribute payload printers ------------------------------------------------------- */

/* What the printers may need from the message around the attribute. */
struct nla_ctx {
	int af;   /* the family struct's address family: how addresses print */
};

enum nla_kind {
	K_HEX,      /* bytes in hex: the default for every type without a row */
	K_U8, K_U16, K_U32, K_U64, K_S32, K_X32,
	K_STR,      /* NUL-terminated string */
	K_HWADDR,   /* 00:11:22:33:44:55 */
	K_INADDR,   /* inet_addr(...) / inet_pton(AF_INET6, ...) by ctx->af */
	K_IFINDEX,
	K_FLAGS,    /* `tab` flags in an integer of `size` bytes */
	K_XVAL,     /* `tab` value in an integer of `size` bytes */
	K_STRUCT,   /* `print` */
	K_NESTED,   /* `nested` attribute set */
};

struct nla_set;
struct nla_rule {
	unsigned type;
	enum nla_kind kind;
	const struct xlat *tab;   /* K_FLAGS/K_XVAL */
	const char *dflt;         /* K_FLAGS/K_XVAL: the ??? name */
	unsigned size;            /* K_FLAGS/K_XVAL: integer size */
	int (*print)(struct sbuf *, const unsigned char *, size_t, const struct nla_ctx *); /* K_STRUCT */
	const struct nla_set *nested;  /* K_NESTED */
};

struct nla_set {
	const struct xlat *names;
	const char *unknown;
	const struct nla_rule *rules;
};

#define R(t, k) { t, k, NULL, NULL, 0, NULL, NULL }
#define RX(t, k, tab, dflt, sz) { t, k, tab, dflt, sz, NULL, NULL }
#define RS(t, fn) { t, K_STRUCT, NULL, NULL, 0, fn, NULL }
#define RN(t, set) { t, K_NESTED, NULL, NULL, 0, NULL, set }
#define R_END { 0, K_HEX, NULL, NULL, 0, NULL, NULL }

static void dec_nlattrs(struct sbuf *sb, const unsigned char *p, size_t len, const struct nla_set *set,
			const struct nla_ctx *ctx);

/* Fields of an all-integer struct, printed while they fit. */
static int print_fields(struct sbuf *sb, const unsigned char *p, size_t n, const char *const *names,
			size_t count, size_t width)
{
	if (n < count * width)
		return 0;
	sb_putc(sb, '{');
	for (size_t i = 0; i < count; i++)
		sb_printf(sb, "%s%s=%llu", i ? ", " : "", names[i],
			  (unsigned long long)get_uint(p + i * width, width));
	sb_putc(sb, '}');
	return 1;
}

static const char *const link_stats_names[] = {
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors",
	"rx_dropped", "tx_dropped", "multicast", "collisions", "rx_length_errors",
	"rx_over_errors", "rx_crc_errors", "rx_frame_errors", "rx_fifo_errors",
	"rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors",
	"tx_heartbeat_errors", "tx_window_errors", "rx_compressed", "tx_compressed",
	"rx_nohandler", "rx_otherhost_dropped",
};

static int p_stats(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	return print_fields(sb, p, n, link_stats_names, 24, 4);
}

static int p_stats64(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	return print_fields(sb, p, n, link_stats_names, 25, 8);
}

static int p_ifmap(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	struct rtnl_link_ifmap m;
	if (n < sizeof m)
		return 0;
	memcpy(&m, p, sizeof m);
	sb_printf(sb, "{mem_start=%#llx, mem_end=%#llx, base_addr=%#llx, irq=%u, dma=%u, port=%u}",
		  (unsigned long long)m.mem_start, (unsigned long long)m.mem_end,
		  (unsigned long long)m.base_addr, m.irq, m.dma, m.port);
	return 1;
}

static int p_ifa_cacheinfo(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	static const char *const names[] = { "ifa_prefered", "ifa_valid", "cstamp", "tstamp" };
	return print_fields(sb, p, n, names, 4, 4);
}

static int p_rta_cacheinfo(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	struct rta_cacheinfo ci;
	if (n < sizeof ci)
		return 0;
	memcpy(&ci, p, sizeof ci);
	sb_printf(sb, "{rta_clntref=%u, rta_lastuse=%u, rta_expires=%u, rta_error=%u, rta_used=%u, ",
		  ci.rta_clntref, ci.rta_lastuse, ci.rta_expires, ci.rta_error, ci.rta_used);
	sb_printf(sb, ci.rta_id ? "rta_id=%#x" : "rta_id=%u", ci.rta_id);
	sb_printf(sb, ", rta_ts=%u, rta_tsage=%u}", ci.rta_ts, ci.rta_tsage);
	return 1;
}

static int p_nda_cacheinfo(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	static const char *const names[] = { "ndm_confirmed", "ndm_used", "ndm_updated", "ndm_refcnt" };
	return print_fields(sb, p, n, names, 4, 4);
}

static int p_ip_proto(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	if (n < 1)
		return 0;
	dec_xval(sb, xlat_ipproto, p[0], "IPPROTO_???", 0);
	return 1;
}

/* INET_DIAG_SOCKOPT: the bits that are set. */
static int p_diag_sockopt(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	static const char *const bits[] = {
		"recverr", "is_icsk", "freebind", "hdrincl", "mc_loop", "transparent", "mc_all",
		"nodefrag", "bind_address_no_port", "recverr_rfc4884", "defer_connect",
	};
	if (n < 2)
		return 0;
	unsigned v = p[0] | (unsigned)p[1] << 8;
	int first = 1;
	sb_putc(sb, '{');
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (v & (1u << i)) {
			sb_printf(sb, "%s%s=1", first ? "" : ", ", bits[i]);
			first = 0;
		}
	if (v >> 11)
		sb_printf(sb, "%sunused=%#x", first ? "" : ", ", v >> 11);
	sb_putc(sb, '}');
	return 1;
}

static int p_unix_rqlen(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	static const char *const names[] = { "udiag_rqueue", "udiag_wqueue" };
	return print_fields(sb, p, n, names, 2, 4);
}

static int p_unix_vfs(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	struct unix_diag_vfs v;
	if (n < sizeof v)
		return 0;
	memcpy(&v, p, sizeof v);
	sb_printf(sb, "{udiag_vfs_dev=makedev(%#x, %#x), udiag_vfs_ino=%u}", major(v.udiag_vfs_dev),
		  minor(v.udiag_vfs_dev), v.udiag_vfs_ino);
	return 1;
}

/* An array of u32, cut like strace's arrays: [1, 2, 3], or with names for the
 * indexes, [[SK_MEMINFO_RMEM_ALLOC] = 0, ...]. */
static int u32_array(struct sbuf *sb, const unsigned char *p, size_t n, const struct xlat *names,
		     const char *unknown)
{
	size_t count = n / 4;
	if (!count)
		return 0;
	sb_putc(sb, '[');
	for (size_t i = 0; i < count; i++) {
		if (i)
			sb_puts(sb, ", ");
		if (dec_array_cut(i)) {
			sb_puts(sb, "...");
			break;
		}
		if (names) {
			sb_putc(sb, '[');
			pxval(sb, names, i, unknown);
			sb_puts(sb, "] = ");
		}
		sb_printf(sb, "%u", (unsigned)get_uint(p + 4 * i, 4));
	}
	sb_putc(sb, ']');
	return 1;
}

static int p_u32_array(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	return u32_array(sb, p, n, NULL, NULL);
}

static int p_meminfo(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	return u32_array(sb, p, n, xlat_sk_meminfo, "SK_MEMINFO_???");
}

static int p_cookie(struct sbuf *sb, const unsigned char *p, size_t n, const struct nla_ctx *c)
{
	(void)c;
	if (!n)
		return 0;
	sb_putc(sb, '[');
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%s%u", i ? ", " : "", p[i]);
	sb_putc(sb, ']');
	return 1;
}

/* ---- attribute sets ------------------------------------------------------------------ */

static const struct nla_rule ifla_info_rules[] = {
	R(IFLA_INFO_KIND, K_STR), R(IFLA_INFO_SLAVE_KIND, K_STR), R_END
};
static const struct nla_set ifla_info_set = { xlat_ifla_info, "IFLA_INFO_???", ifla_info_rules };

static const struct nla_rule ifla_xdp_rules[] = {
	R(IFLA_XDP_FD, K_S32), RX(IFLA_XDP_ATTACHED, K_XVAL, xlat_xdp_attached, "XDP_ATTACHED_???", 1),
	R(IFLA_XDP_FLAGS, K_X32), R(IFLA_XDP_PROG_ID, K_U32), R(IFLA_XDP_DRV_PROG_ID, K_U32),
	R(IFLA_XDP_SKB_PROG_ID, K_U32), R(IFLA_XDP_HW_PROG_ID, K_U32), R(IFLA_XDP_EXPECTED_FD, K_S32),
	R_END
};
static const struct nla_set ifla_xdp_set = { xlat_ifla_xdp, "IFLA_XDP_???", ifla_xdp_rules };

static const struct nla_rule ifla_rules[] = {
	R(IFLA_ADDRESS, K_HWADDR), R(IFLA_BROADCAST, K_HWADDR), R(IFLA_IFNAME, K_STR),
	R(IFLA_MTU, K_U32), R(IFLA_LINK, K_U32), R(IFLA_QDISC, K_STR), RS(IFLA_STATS, p_stats),
	R(IFLA_MASTER, K_U32), R(IFLA_TXQLEN, K_U32), RS(IFLA_MAP, p_ifmap), R(IFLA_WEIGHT, K_U32),
	R(IFLA_OPERSTATE, K_U8), R(IFLA_LINKMODE, K_U8), RN(IFLA_LINKINFO, &ifla_info_set),
	R(IFLA_NET_NS_PID, K_U32), R(IFLA_IFALIAS, K_STR), R(IFLA_NUM_VF, K_U32),
	RS(IFLA_STATS64, p_stats64), R(IFLA_GROUP, K_U32), R(IFLA_NET_NS_FD, K_S32),
	RX(IFLA_EXT_MASK, K_FLAGS, xlat_rtext_filter, "RTEXT_FILTER_???", 4),
	R(IFLA_PROMISCUITY, K_U32), R(IFLA_NUM_TX_QUEUES, K_U32), R(IFLA_NUM_RX_QUEUES, K_U32),
	R(IFLA_CARRIER, K_U8), R(IFLA_CARRIER_CHANGES, K_U32), R(IFLA_LINK_NETNSID, K_S32),
	R(IFLA_PHYS_PORT_NAME, K_STR), R(IFLA_PROTO_DOWN, K_U8), R(IFLA_GSO_MAX_SEGS, K_U32),
	R(IFLA_GSO_MAX_SIZE, K_U32), RN(IFLA_XDP, &ifla_xdp_set), R(IFLA_NEW_NETNSID, K_S32),
	R(IFLA_IF_NETNSID, K_S32), R(IFLA_CARRIER_UP_COUNT, K_U32),
	R(IFLA_CARRIER_DOWN_COUNT, K_U32), R(IFLA_NEW_IFINDEX, K_IFINDEX), R(IFLA_MIN_MTU, K_U32),
	R(IFLA_MAX_MTU, K_U32), R(IFLA_ALT_IFNAME, K_STR), R(IFLA_PERM_ADDRESS, K_HWADDR),
	R(IFLA_PARENT_DEV_NAME, K_STR), R(IFLA_PARENT_DEV_BUS_NAME, K_STR),
	R(IFLA_GRO_MAX_SIZE, K_U32), R(IFLA_TSO_MAX_SIZE, K_U32), R(IFLA_TSO_MAX_SEGS, K_U32),
	R(IFLA_ALLMULTI, K_U32), R_END
};
static const struct nla_set ifla_set = { xlat_ifla, "IFLA_???", ifla_rules };

static const struct nla_rule ifa_rules[] = {
	R(IFA_ADDRESS, K_INADDR), R(IFA_LOCAL, K_INADDR), R(IFA_LABEL, K_STR),
	R(IFA_BROADCAST, K_INADDR), R(IFA_ANYCAST, K_INADDR), RS(IFA_CACHEINFO, p_ifa_cacheinfo),
	R(IFA_MULTICAST, K_INADDR), RX(IFA_FLAGS, K_FLAGS, xlat_ifa_flags, "IFA_F_???", 4),
	R(IFA_RT_PRIORITY, K_U32), R(IFA_TARGET_NETNSID, K_S32),
	/* IFA_PROTO: strace 6.1 knows the name but prints the byte in hex */
	R_END
};
static const struct nla_set ifa_set = { xlat_ifa, "IFA_???", ifa_rules };

static const struct nla_rule rtax_rules[] = {
	R(RTAX_LOCK, K_U32), R(RTAX_MTU, K_U32), R(RTAX_WINDOW, K_U32), R(RTAX_RTT, K_U32),
	R(RTAX_RTTVAR, K_U32), R(RTAX_SSTHRESH, K_U32), R(RTAX_CWND, K_U32), R(RTAX_ADVMSS, K_U32),
	R(RTAX_REORDERING, K_U32), R(RTAX_HOPLIMIT, K_U32), R(RTAX_INITCWND, K_U32),
	R(RTAX_FEATURES, K_U32), R(RTAX_RTO_MIN, K_U32), R(RTAX_INITRWND, K_U32),
	R(RTAX_QUICKACK, K_U32), R(RTAX_CC_ALGO, K_STR), R_END
};
static const struct nla_set rtax_set = { xlat_rtax, "RTAX_???", rtax_rules };

static const struct nla_rule rta_rules[] = {
	R(RTA_DST, K_INADDR), R(RTA_SRC, K_INADDR), R(RTA_IIF, K_IFINDEX), R(RTA_OIF, K_IFINDEX),
	R(RTA_GATEWAY, K_INADDR), R(RTA_PRIORITY, K_U32), R(RTA_PREFSRC, K_INADDR),
	RN(RTA_METRICS, &rtax_set), R(RTA_PROTOINFO, K_U32), R(RTA_FLOW, K_U32),
	RS(RTA_CACHEINFO, p_rta_cacheinfo), R(RTA_MP_ALGO, K_U32),
	RX(RTA_TABLE, K_XVAL, xlat_rt_table, NULL, 4), R(RTA_MARK, K_U32), R(RTA_NEWDST, K_INADDR),
	R(RTA_PREF, K_U8), R(RTA_EXPIRES, K_U64), R(RTA_UID, K_U32), R(RTA_TTL_PROPAGATE, K_U8),
	R(RTA_IP_PROTO, K_U8), R(RTA_SPORT, K_U16), R(RTA_DPORT, K_U16), R(RTA_NH_ID, K_U32),
	R_END
};
static const struct nla_set rta_set = { xlat_rta, "RTA_???", rta_rules };

static const struct nla_rule nda_rules[] = {
	R(NDA_DST, K_INADDR), R(NDA_LLADDR, K_HWADDR), RS(NDA_CACHEINFO, p_nda_cacheinfo),
	R(NDA_PROBES, K_U32), R(NDA_VLAN, K_U16), R(NDA_VNI, K_U32), R(NDA_IFINDEX, K_IFINDEX),
	R(NDA_MASTER, K_IFINDEX), R(NDA_LINK_NETNSID, K_U32), R(NDA_SRC_VNI, K_U32),
	RS(NDA_PROTOCOL, p_ip_proto), R(NDA_NH_ID, K_U32),
	RX(NDA_FLAGS_EXT, K_FLAGS, xlat_ntf_ext, "NTF_EXT_???", 4),
	RX(NDA_NDM_STATE_MASK, K_FLAGS, xlat_nud, "NUD_???", 2),
	RX(NDA_NDM_FLAGS_MASK, K_FLAGS, xlat_ntf, "NTF_???", 1), R_END
};
static const struct nla_set nda_set = { xlat_nda, "NDA_???", nda_rules };

static const struct nla_rule inet_diag_rules[] = {
	R(INET_DIAG_CONG, K_STR), R(INET_DIAG_TOS, K_U8), R(INET_DIAG_TCLASS, K_U8),
	RS(INET_DIAG_SKMEMINFO, p_meminfo), R(INET_DIAG_SHUTDOWN, K_U8),
	R(INET_DIAG_PROTOCOL, K_U8), R(INET_DIAG_SKV6ONLY, K_U8), R(INET_DIAG_MARK, K_U32),
	R(INET_DIAG_CLASS_ID, K_U32), R(INET_DIAG_CGROUP_ID, K_U64),
	RS(INET_DIAG_SOCKOPT, p_diag_sockopt), R_END
};
static const struct nla_set inet_diag_set = { xlat_inet_diag_attrs, "INET_DIAG_???", inet_diag_rules };

static const struct nla_rule inet_diag_req_rules[] = { R(INET_DIAG_REQ_PROTOCOL, K_U32), R_END };
static const struct nla_set inet_diag_req_set = {
	xlat_inet_diag_req_attrs, "INET_DIAG_REQ_???", inet_diag_req_rules
};

static const struct nla_rule unix_diag_rules[] = {
	R(UNIX_DIAG_NAME, K_STR), RS(UNIX_DIAG_VFS, p_unix_vfs), R(UNIX_DIAG_PEER, K_U32),
	RS(UNIX_DIAG_ICONS, p_u32_array), RS(UNIX_DIAG_RQLEN, p_unix_rqlen),
	RS(UNIX_DIAG_MEMINFO, p_meminfo), R(UNIX_DIAG_SHUTDOWN, K_U8), R(UNIX_DIAG_UID, K_U32),
	R_END
};
static const struct nla_set unix_diag_set = { xlat_unix_diag_attrs, "UNIX_DIAG_???", unix_diag_rules };

static const struct nla_rule nlmsgerr_rules[] = {
	R(NLMSGERR_ATTR_MSG, K_STR), R(NLMSGERR_ATTR_OFFS, K_U32), RS(NLMSGERR_ATTR_COOKIE, p_cookie),
	R_END
};
static const struct nla_set nlmsgerr_set = { xlat_nlmsgerr_attrs, "NLMSGERR_ATTR_???", nlmsgerr_rules };

/* ---- attributes ------------------------------------------------------------------------ */

static const struct nla_rule *rule_for(const struct nla_set *set, unsigned type)
{
	for (const struct nla_rule *r = set->rules; r->kind != K_HEX; r++)
		if (r->type == type)
			return r;
	return NULL;
}

/* The payload by its rule; 0 when it does not fit (the caller prints hex). */
static int dec_nla_payload(struct sbuf *sb, const struct nla_rule *r, const unsigned char *p, size_t n,
			   const struct nla_ctx *ctx)
{
	static const unsigned sizes[] = { [K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_U64] = 8,
					  [K_S32] = 4, [K_X32] = 4, [K_IFINDEX] = 4 };
	switch (r->kind) {
	case K_U8: case K_U16: case K_U32: case K_U64:
		if (n < sizes[r->kind])
			return 0;
		sb_printf(sb, "%llu", (unsigned long long)get_uint(p, sizes[r->kind]));
		return 1;
	case K_S32:
		if (n < 4)
			return 0;
		sb_printf(sb, "%d", (int32_t)get_uint(p, 4));
		return 1;
	case K_X32:
		if (n < 4)
			return 0;
		sb_printf(sb, "%#x", (unsigned)get_uint(p, 4));
		return 1;
	case K_IFINDEX:
		if (n < 4)
			return 0;
		dec_ifindex(sb, (unsigned)get_uint(p, 4));
		return 1;
	case K_STR:
		nlstr(sb, (const char *)p, n);
		return 1;
	case K_HWADDR:
		if (n > 32)
			return 0;
		phwaddr(sb, p, n);
		return 1;
	case K_INADDR:
		dec_inaddr(sb, ctx->af, p, n, NULL);
		return 1;
	case K_FLAGS:
	case K_XVAL:
		if (n > 8 || n < r->size)
			return 0;
		if (r->kind == K_FLAGS)
			pflags(sb, r->tab, get_uint(p, r->size), r->dflt);
		else
			pxval(sb, r->tab, get_uint(p, r->size), r->dflt);
		return 1;
	case K_STRUCT:
		return r->print(sb, p, n, ctx);
	case K_NESTED:
		dec_nlattrs(sb, p, n, r->nested, ctx);
		return 1;
	case K_HEX:
		break;
	}
	return 0;
}

static void dec_nla_hdr(struct sbuf *sb, const struct nlattr *a, const struct nla_set *set)
{
	sb_printf(sb, "{nla_len=%u, nla_type=", a->nla_len);
	if (a->nla_type & NLA_F_NESTED)
		sb_puts(sb, "NLA_F_NESTED|");
	if (a->nla_type & NLA_F_NET_BYTEORDER)
		sb_puts(sb, "NLA_F_NET_BYTEORDER|");
	pxval(sb, set->names, a->nla_type & NLA_TYPE_MASK, set->unknown);
	sb_putc(sb, '}');
}

/* An attribute stream: [{nla_len, nla_type}, payload] each, in [...] when there are several. */
static void dec_nlattrs(struct sbuf *sb, const unsigned char *p, size_t len, const struct nla_set *set,
			const struct nla_ctx *ctx)
{
	int is_array = 0;
	for (unsigned elt = 0;; elt++) {
		if (len < NLA_HDRLEN) {
			hexstr(sb, p, len);
			break;
		}
		if (dec_array_cut(elt)) {
			sb_puts(sb, "...");
			break;
		}
		struct nlattr a;
		memcpy(&a, p, sizeof a);
		size_t alen = NLA_ALIGN(a.nla_len);
		size_t next_len = 0;
		if (a.nla_len >= NLA_HDRLEN)
			next_len = len >= alen ? len - alen : 0;
		if (!is_array && next_len) {
			sb_putc(sb, '[');
			is_array = 1;
		}
		size_t n = a.nla_len < len ? a.nla_len : len;
		if (n > NLA_HDRLEN)
			sb_putc(sb, '[');
		dec_nla_hdr(sb, &a, set);
		if (n > NLA_HDRLEN) {
			sb_puts(sb, ", ");
			const struct nla_rule *r = rule_for(set, a.nla_type & NLA_TYPE_MASK);
			if (!r || !dec_nla_payload(sb, r, p + NLA_HDRLEN, n - NLA_HDRLEN, ctx))
				hexstr(sb, p + NLA_HDRLEN, n - NLA_HDRLEN);
			sb_putc(sb, ']');
		}
		if (!next_len)
			break;
		sb_puts(sb, ", ");
		p += alen;
		len = next_len;
	}
	if (is_array)
		sb_putc(sb, ']');
}

/* ---- family structs ------------------------------------------------------------------ */

/* What prints a message's payload; `len` >= 1 (the family byte). */
typedef void (*body_fn)(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len);

/* "{first_field=AF_X, ..." for a payload too short for its struct. */
static int short_struct(struct sbuf *sb, const char *field, const unsigned char *p, size_t len, size_t need)
{
	sb_printf(sb, "{%s=", field);
	dec_family(sb, p[0]);
	sb_puts(sb, ", ");
	if (len >= need)
		return 0;
	sb_puts(sb, "...}");
	return 1;
}

static void attrs_after(struct sbuf *sb, const unsigned char *p, size_t len, size_t hdr,
			const struct nla_set *set, int af)
{
	size_t off = NLMSG_ALIGN(hdr);
	if (len > off) {
		struct nla_ctx ctx = { .af = af };
		sb_puts(sb, ", ");
		dec_nlattrs(sb, p + off, len - off, set, &ctx);
	}
}

static void body_ifinfomsg(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct ifinfomsg m;
	if (short_struct(sb, "ifi_family", p, len, sizeof m))
		return;
	memcpy(&m, p, sizeof m);
	sb_puts(sb, "ifi_type=");
	pxval(sb, xlat_arphrd, m.ifi_type, "ARPHRD_???");
	sb_puts(sb, ", ifi_index=");
	dec_ifindex(sb, (unsigned)m.ifi_index);
	sb_puts(sb, ", ifi_flags=");
	pflags(sb, xlat_iff, m.ifi_flags, "IFF_???");
	sb_printf(sb, m.ifi_change ? ", ifi_change=%#x}" : ", ifi_change=%u}", m.ifi_change);
	attrs_after(sb, p, len, sizeof m, &ifla_set, m.ifi_family);
}

static void body_ifaddrmsg(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct ifaddrmsg m;
	if (short_struct(sb, "ifa_family", p, len, sizeof m))
		return;
	memcpy(&m, p, sizeof m);
	sb_printf(sb, "ifa_prefixlen=%u, ifa_flags=", m.ifa_prefixlen);
	pflags(sb, xlat_ifa_flags, m.ifa_flags, "IFA_F_???");
	sb_puts(sb, ", ifa_scope=");
	pxval(sb, xlat_rt_scope, m.ifa_scope, NULL);
	sb_puts(sb, ", ifa_index=");
	dec_ifindex(sb, m.ifa_index);
	sb_putc(sb, '}');
	attrs_after(sb, p, len, sizeof m, &ifa_set, m.ifa_family);
}

static void body_rtmsg(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct rtmsg m;
	if (short_struct(sb, "rtm_family", p, len, sizeof m))
		return;
	memcpy(&m, p, sizeof m);
	sb_printf(sb, "rtm_dst_len=%u, rtm_src_len=%u, rtm_tos=", m.rtm_dst_len, m.rtm_src_len);
	pflags(sb, xlat_iptos, m.rtm_tos, "IPTOS_TOS_???");
	sb_puts(sb, ", rtm_table=");
	pxval(sb, xlat_rt_table, m.rtm_table, NULL);
	sb_puts(sb, ", rtm_protocol=");
	pxval(sb, xlat_rt_proto, m.rtm_protocol, "RTPROT_???");
	sb_puts(sb, ", rtm_scope=");
	pxval(sb, xlat_rt_scope, m.rtm_scope, NULL);
	sb_puts(sb, ", rtm_type=");
	pxval(sb, xlat_rtn, m.rtm_type, "RTN_???");
	sb_puts(sb, ", rtm_flags=");
	pflags(sb, xlat_rtm_f, m.rtm_flags, "RTM_F_???");
	sb_putc(sb, '}');
	attrs_after(sb, p, len, sizeof m, &rta_set, m.rtm_family);
}

static void body_ndmsg(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct ndmsg m;
	if (short_struct(sb, "ndm_family", p, len, sizeof m))
		return;
	memcpy(&m, p, sizeof m);
	sb_puts(sb, "ndm_ifindex=");
	dec_ifindex(sb, (unsigned)m.ndm_ifindex);
	sb_puts(sb, ", ndm_state=");
	pflags(sb, xlat_nud, m.ndm_state, "NUD_???");
	sb_puts(sb, ", ndm_flags=");
	pflags(sb, xlat_ntf, m.ndm_flags, "NTF_???");
	sb_puts(sb, ", ndm_type=");
	pxval(sb, xlat_rtn, m.ndm_type, "RTN_???");
	sb_putc(sb, '}');
	attrs_after(sb, p, len, sizeof m, &nda_set, m.ndm_family);
}

static void pcookie(struct sbuf *sb, const char *name, const uint32_t c[2])
{
	sb_printf(sb, "%s=[%u, %u]", name, c[0], c[1]);
}

static void p_sockid(struct sbuf *sb, const struct inet_diag_sockid *id, int af)
{
	sb_printf(sb, "id={idiag_sport=htons(%u), idiag_dport=htons(%u), ", ntohs(id->idiag_sport),
		  ntohs(id->idiag_dport));
	dec_inaddr(sb, af, id->idiag_src, af == AF_INET ? 4 : 16, "idiag_src");
	sb_puts(sb, ", ");
	dec_inaddr(sb, af, id->idiag_dst, af == AF_INET ? 4 : 16, "idiag_dst");
	sb_puts(sb, ", idiag_if=");
	dec_ifindex(sb, id->idiag_if);
	sb_puts(sb, ", ");
	pcookie(sb, "idiag_cookie", id->idiag_cookie);
	sb_putc(sb, '}');
}

static void body_inet_diag_req(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct inet_diag_req_v2 r;
	if (short_struct(sb, "sdiag_family", p, len, sizeof r))
		return;
	memcpy(&r, p, sizeof r);
	sb_puts(sb, "sdiag_protocol=");
	dec_xval(sb, xlat_ipproto, r.sdiag_protocol, "IPPROTO_???", 0);
	sb_puts(sb, ", idiag_ext=");
	pflags(sb, xlat_idiag_ext, r.idiag_ext, "1<<INET_DIAG_\\?\\?\\?-1");
	sb_puts(sb, ", idiag_states=");
	pflags(sb, xlat_tcp_state_flags, r.idiag_states, "1<<TCP_???");
	sb_puts(sb, ", ");
	p_sockid(sb, &r.id, r.sdiag_family);
	sb_putc(sb, '}');
	attrs_after(sb, p, len, sizeof r, &inet_diag_req_set, r.sdiag_family);
}

static void body_inet_diag_msg(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct inet_diag_msg m;
	if (short_struct(sb, "idiag_family", p, len, sizeof m))
		return;
	memcpy(&m, p, sizeof m);
	sb_puts(sb, "idiag_state=");
	pxval(sb, xlat_tcp_states, m.idiag_state, "TCP_???");
	sb_printf(sb, ", idiag_timer=%u, idiag_retrans=%u, ", m.idiag_timer, m.idiag_retrans);
	p_sockid(sb, &m.id, m.idiag_family);
	sb_printf(sb, ", idiag_expires=%u, idiag_rqueue=%u, idiag_wqueue=%u, idiag_uid=%u, idiag_inode=%u}",
		  m.idiag_expires, m.idiag_rqueue, m.idiag_wqueue, m.idiag_uid, m.idiag_inode);
	attrs_after(sb, p, len, sizeof m, &inet_diag_set, m.idiag_family);
}

static void body_unix_diag_req(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct unix_diag_req r;
	if (short_struct(sb, "sdiag_family", p, len, sizeof r))
		return;
	memcpy(&r, p, sizeof r);
	sb_printf(sb, "sdiag_protocol=%u, udiag_states=", r.sdiag_protocol);
	pflags(sb, xlat_tcp_state_flags, r.udiag_states, "1<<TCP_???");
	sb_printf(sb, ", udiag_ino=%u, udiag_show=", r.udiag_ino);
	pflags(sb, xlat_udiag_show, r.udiag_show, "UDIAG_SHOW_???");
	sb_puts(sb, ", ");
	pcookie(sb, "udiag_cookie", r.udiag_cookie);
	sb_putc(sb, '}');
}

static void body_unix_diag_msg(struct sbuf *sb, const struct nlmsghdr *h, const unsigned char *p, size_t len)
{
	(void)h;
	struct unix_diag_msg m;
	if (short_struct(sb, "udiag_family", p, len, sizeof m))
		return;
	memcpy(&m, p, sizeof m);
	sb_puts(sb, "udiag_type=");
	pxval(sb, xlat_sock_type, m.udiag_type, "SOCK_???");
	sb_puts(sb, ", udiag_state=");
	pxval(sb, xlat_tcp_states, m.udiag_state, "TCP_???");
	sb_printf(sb, ", udiag_ino=%u, ", m.udiag_ino);
	pcookie(sb, "udiag_cookie", m.udiag_cookie);
	sb_putc(sb, '}');
	attrs_after(sb, p, len, sizeof m, &unix_diag_set, AF_UNIX);
}

/* ---- what decodes which message ------------------------------------------------------- */

enum flag_set { FS_NONE, FS_GET, FS_NEW, FS_DEL };

/* rtnetlink: message types come in groups of four, NEW/DEL/GET/SET. */
struct route_group {
	unsigned first;     /* RTM_NEWxxx */
	body_fn body;
};
static const struct route_group route_groups[] = {
	{ RTM_NEWLINK, body_ifinfomsg },
	{ RTM_NEWADDR, body_ifaddrmsg },
	{ RTM_NEWROUTE, body_rtmsg },
	{ RTM_NEWNEIGH, body_ndmsg },
};

static body_fn route_body(const struct nlmsghdr *h, const unsigned char *p)
{
	(void)p;
	for (size_t i = 0; i < sizeof route_groups / sizeof route_groups[0]; i++)
		if (h->nlmsg_type >= route_groups[i].first && h->nlmsg_type < route_groups[i].first + 4)
			return route_groups[i].body;
	return NULL;
}

static enum flag_set route_flags(unsigned type)
{
	if (type == RTM_DELACTION)
		return FS_GET;
	static const enum flag_set by_low_bits[4] = { FS_NEW, FS_DEL, FS_GET, FS_NONE };
	return by_low_bits[type & 3];
}

/* sock_diag: by the family byte and the direction (request or answer). */
struct diag_family {
	int af;
	body_fn request, answer;
};
static const struct diag_family diag_families[] = {
	{ AF_INET, body_inet_diag_req, body_inet_diag_msg },
	{ AF_INET6, body_inet_diag_req, body_inet_diag_msg },
	{ AF_UNIX, body_unix_diag_req, body_unix_diag_msg },
};

static body_fn diag_body(const struct nlmsghdr *h, const unsigned char *p)
{
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return NULL;
	for (size_t i = 0; i < sizeof diag_families / sizeof diag_families[0]; i++)
		if (diag_families[i].af == p[0])
			return (h->nlmsg_flags & NLM_F_REQUEST) ? diag_families[i].request
								: diag_families[i].answer;
	return NULL;
}

static enum flag_set diag_flags(unsigned type)
{
	(void)type;
	return FS_GET;
}

/* One row per netlink protocol. */
struct nl_proto {
	int protocol;
	const struct xlat *types;
	const char *unknown_type;
	enum flag_set (*flags)(unsigned type);
	body_fn (*body)(const struct nlmsghdr *h, const unsigned char *p);
};
static const struct nl_proto nl_protos[] = {
	{ NETLINK_ROUTE, xlat_nl_route_types, "RTM_???", route_flags, route_body },
	{ NETLINK_SOCK_DIAG, xlat_nl_sock_diag_types, "SOCK_DIAG_???", diag_flags, diag_body },
	{ NETLINK_GENERIC, xlat_genl_families, "GENERIC_FAMILY_???", NULL, NULL },
};

static const struct nl_proto *proto_of(int protocol)
{
	for (size_t i = 0; i < sizeof nl_protos / sizeof nl_protos[0]; i++)
		if (nl_protos[i].protocol == protocol)
			return &nl_protos[i];
	return NULL;
}

static const struct xlat *const flag_tables[] = {
	[FS_NONE] = NULL, [FS_GET] = xlat_nlm_get_flags, [FS_NEW] = xlat_nlm_new_flags,
	[FS_DEL] = xlat_nlm_del_flags,
};

/* ---- messages ---------------------------------------------------------------------- */

static void dec_nlmsghdr(struct sbuf *sb, const struct nl_proto *pr, const struct nlmsghdr *h)
{
	sb_printf(sb, "{nlmsg_len=%u, nlmsg_type=", h->nlmsg_len);
	const struct xlat *extra = NULL;
	if (h->nlmsg_type < NLMSG_MIN_TYPE || !pr) {
		pxval(sb, xlat_nlmsg_ctl, h->nlmsg_type, "NLMSG_???");
		if (h->nlmsg_type == NLMSG_ERROR)
			extra = xlat_nlm_ack_flags;
	} else {
		pxval(sb, pr->types, h->nlmsg_type, pr->unknown_type);
		if (pr->flags)
			extra = flag_tables[pr->flags(h->nlmsg_type)];
	}
	sb_puts(sb, ", nlmsg_flags=");
	pflags2(sb, xlat_nlm_flags, extra, h->nlmsg_flags, "NLM_F_???");
	sb_printf(sb, ", nlmsg_seq=%u, nlmsg_pid=%u}", h->nlmsg_seq, h->nlmsg_pid);
}

static void dec_msg(struct sbuf *sb, const struct nl_proto *pr, const struct nlmsghdr *h, size_t avail);

static void dec_error(struct sbuf *sb, const struct nl_proto *pr, const unsigned char *p, size_t n,
		      int capped)
{
	if (n < sizeof(int)) {
		hexstr(sb, p, n);
		return;
	}
	int error;
	memcpy(&error, p, sizeof error);
	sb_puts(sb, "{error=");
	/* INT_MIN has no positive counterpart: it prints as a number, as strace does */
	if (error < 0 && error != INT_MIN && strerrorname_np(-error)) {
		sb_putc(sb, '-');
		dec_errno_name(sb, -error);
	} else {
		sb_printf(sb, "%d", error);
	}
	size_t off = offsetof(struct nlmsgerr, msg);
	if (n > off) {
		const unsigned char *q = p + off;
		size_t left = n - off;
		sb_puts(sb, ", msg=");
		if (left < sizeof(struct nlmsghdr)) {
			hexstr(sb, q, left);
		} else {
			struct nlmsghdr inner;
			memcpy(&inner, q, sizeof inner);
			size_t payload = capped ? sizeof inner : inner.nlmsg_len;
			if (payload > left)
				payload = left;
			dec_msg(sb, pr, (const struct nlmsghdr *)q, payload);
			if (left > payload) {
				struct nla_ctx ctx = { 0 };
				sb_puts(sb, ", ");
				dec_nlattrs(sb, q + payload, left - payload, &nlmsgerr_set, &ctx);
			}
		}
	}
	sb_putc(sb, '}');
}

static void dec_payload_of(struct sbuf *sb, const struct nl_proto *pr, const struct nlmsghdr *h,
			   const unsigned char *p, size_t n)
{
	if (h->nlmsg_type == NLMSG_ERROR) {
		dec_error(sb, pr, p, n, h->nlmsg_flags & NLM_F_CAPPED);
		return;
	}
	if (h->nlmsg_type >= NLMSG_MIN_TYPE && pr && pr->body) {
		body_fn body = pr->body(h, p);
		if (body) {
			body(sb, h, p, n);
			return;
		}
	}
	if (h->nlmsg_type == NLMSG_DONE && n == sizeof(int)) {
		int v;
		memcpy(&v, p, sizeof v);
		sb_printf(sb, "%d", v);
		return;
	}
	hexstr(sb, p, n);
}

static void dec_msg(struct sbuf *sb, const struct nl_proto *pr, const struct nlmsghdr *h, size_t avail)
{
	size_t len = h->nlmsg_len < avail ? h->nlmsg_len : avail;
	if (len > NLMSG_HDRLEN)
		sb_putc(sb, '[');
	dec_nlmsghdr(sb, pr, h);
	if (len > NLMSG_HDRLEN) {
		sb_puts(sb, ", ");
		dec_payload_of(sb, pr, h, (const unsigned char *)h + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
		sb_putc(sb, ']');
	}
}

void dec_netlink(struct sbuf *sb, int protocol, const void *buf, size_t len)
{
	const struct nl_proto *pr = proto_of(protocol);
	const unsigned char *p = buf;
	int is_array = 0;
	for (unsigned elt = 0;; elt++) {
		if (len < sizeof(struct nlmsghdr)) {
			hexstr(sb, p, len);
			break;
		}
		if (dec_array_cut(elt)) {
			sb_puts(sb, "...");
			break;
		}
		struct nlmsghdr h;
		memcpy(&h, p, sizeof h);
		/* Aligned in 32 bits, as strace does: an nlmsg_len of 0xfffffffd or
		 * more aligns to 0, which would never move on. Such a message is the
		 * last one printed (strace stops there too). */
		uint32_t mlen = NLMSG_ALIGN(h.nlmsg_len);
		size_t next_len = 0;
		if (h.nlmsg_len >= NLMSG_HDRLEN && mlen >= NLMSG_HDRLEN)
			next_len = len >= mlen ? len - mlen : 0;
		if (!is_array && next_len) {
			sb_putc(sb, '[');
			is_array = 1;
		}
		dec_msg(sb, pr, (const struct nlmsghdr *)p, len);
		if (!next_len)
			break;
		sb_puts(sb, ", ");
		p += mlen;
		len = next_len;
	}
	if (is_array)
		sb_putc(sb, ']');
}
