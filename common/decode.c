/* decode: strace 6.1's notation for constants, buffers, sockaddrs, options and msghdrs. */
#define _GNU_SOURCE
#include "decode.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

struct decode_opts decode_opts = { .strsize = 32, .xflag = 0, .verbose = 0 };

/* ---- tables ------------------------------------------------------------ */

const struct xlat xlat_af[] = {
	XLAT(AF_UNSPEC), XLAT(AF_UNIX), XLAT(AF_INET), XLAT(AF_AX25), XLAT(AF_IPX),
	XLAT(AF_APPLETALK), XLAT(AF_NETROM), XLAT(AF_BRIDGE), XLAT(AF_ATMPVC), XLAT(AF_X25),
	XLAT(AF_INET6), XLAT(AF_ROSE), XLAT(AF_DECnet), XLAT(AF_NETBEUI), XLAT(AF_SECURITY),
	XLAT(AF_KEY), XLAT(AF_NETLINK), XLAT(AF_PACKET), XLAT(AF_ASH), XLAT(AF_ECONET),
	XLAT(AF_ATMSVC), XLAT(AF_RDS), XLAT(AF_SNA), XLAT(AF_IRDA), XLAT(AF_PPPOX),
	XLAT(AF_WANPIPE), XLAT(AF_LLC), XLAT(AF_IB), XLAT(AF_MPLS), XLAT(AF_CAN), XLAT(AF_TIPC),
	XLAT(AF_BLUETOOTH), XLAT(AF_IUCV), XLAT(AF_RXRPC), XLAT(AF_ISDN), XLAT(AF_PHONET),
	XLAT(AF_IEEE802154), XLAT(AF_CAIF), XLAT(AF_ALG), XLAT(AF_NFC), XLAT(AF_VSOCK),
	XLAT(AF_KCM), XLAT(AF_QIPCRTR), XLAT(AF_SMC), XLAT(AF_XDP), XLAT(AF_MCTP),
	XLAT_END
};

const struct xlat xlat_sock_type[] = {
	XLAT(SOCK_STREAM), XLAT(SOCK_DGRAM), XLAT(SOCK_RAW), XLAT(SOCK_RDM),
	XLAT(SOCK_SEQPACKET), XLAT(SOCK_DCCP), XLAT(SOCK_PACKET), XLAT_END
};

const struct xlat xlat_sock_flags[] = { XLAT(SOCK_CLOEXEC), XLAT(SOCK_NONBLOCK), XLAT_END };

const struct xlat xlat_ipproto[] = {
	XLAT(IPPROTO_IP), XLAT(IPPROTO_ICMP), XLAT(IPPROTO_IGMP), XLAT(IPPROTO_IPIP),
	XLAT(IPPROTO_TCP), XLAT(IPPROTO_EGP), XLAT(IPPROTO_PUP), XLAT(IPPROTO_UDP),
	XLAT(IPPROTO_IDP), XLAT(IPPROTO_TP), XLAT(IPPROTO_DCCP), XLAT(IPPROTO_IPV6),
	XLAT(IPPROTO_RSVP), XLAT(IPPROTO_GRE), XLAT(IPPROTO_ESP), XLAT(IPPROTO_AH),
	XLAT(IPPROTO_ICMPV6), XLAT(IPPROTO_MTP), XLAT(IPPROTO_BEETPH), XLAT(IPPROTO_ENCAP),
	XLAT(IPPROTO_PIM), XLAT(IPPROTO_COMP), { 115, "IPPROTO_L2TP" }, XLAT(IPPROTO_SCTP),
	XLAT(IPPROTO_UDPLITE), XLAT(IPPROTO_MPLS), XLAT(IPPROTO_ETHERNET), XLAT(IPPROTO_RAW),
	XLAT(IPPROTO_MPTCP), XLAT_END
};

const struct xlat xlat_netlink_proto[] = {
	XLAT(NETLINK_ROUTE), XLAT(NETLINK_UNUSED), XLAT(NETLINK_USERSOCK), XLAT(NETLINK_FIREWALL),
	XLAT(NETLINK_SOCK_DIAG), XLAT(NETLINK_NFLOG), XLAT(NETLINK_XFRM), XLAT(NETLINK_SELINUX),
	XLAT(NETLINK_ISCSI), XLAT(NETLINK_AUDIT), XLAT(NETLINK_FIB_LOOKUP), XLAT(NETLINK_CONNECTOR),
	XLAT(NETLINK_NETFILTER), XLAT(NETLINK_IP6_FW), XLAT(NETLINK_DNRTMSG),
	XLAT(NETLINK_KOBJECT_UEVENT), XLAT(NETLINK_GENERIC), XLAT(NETLINK_SCSITRANSPORT),
	XLAT(NETLINK_ECRYPTFS), XLAT(NETLINK_RDMA), XLAT(NETLINK_CRYPTO), XLAT(NETLINK_SMC),
	XLAT_END
};

/* strace's order (xlat/msg_flags.in); 0x10 is MSG_PROBE in strace, MSG_PROXY in glibc. */
const struct xlat xlat_msg_flags[] = {
	{ 0x1, "MSG_OOB" }, { 0x2, "MSG_PEEK" }, { 0x4, "MSG_DONTROUTE" }, { 0x8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROBE" }, { 0x20, "MSG_TRUNC" }, { 0x40, "MSG_DONTWAIT" }, { 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" }, { 0x200, "MSG_FIN" }, { 0x400, "MSG_SYN" },
	{ 0x800, "MSG_CONFIRM" }, { 0x1000, "MSG_RST" }, { 0x2000, "MSG_ERRQUEUE" },
	{ 0x4000, "MSG_NOSIGNAL" }, { 0x8000, "MSG_MORE" }, { 0x10000, "MSG_WAITFORONE" },
	{ 0x20000, "MSG_SENDPAGE_NOTLAST" }, { 0x40000, "MSG_BATCH" },
	{ 0x4000000, "MSG_ZEROCOPY" }, { 0x20000000, "MSG_FASTOPEN" },
	{ 0x40000000, "MSG_CMSG_CLOEXEC" }, XLAT_END
};

const struct xlat xlat_shut_how[] = { XLAT(SHUT_RD), XLAT(SHUT_WR), XLAT(SHUT_RDWR), XLAT_END };

const struct xlat xlat_sol[] = {
	{ 0, "SOL_IP" }, XLAT(SOL_SOCKET), { 6, "SOL_TCP" }, { 17, "SOL_UDP" },
	{ 41, "SOL_IPV6" }, { 58, "SOL_ICMPV6" }, { 132, "SOL_SCTP" }, { 136, "SOL_UDPLITE" },
	{ 255, "SOL_RAW" }, { 263, "SOL_PACKET" }, { 270, "SOL_NETLINK" }, { 282, "SOL_TLS" },
	{ 283, "SOL_XDP" }, { 284, "SOL_MPTCP" }, XLAT_END
};

/* EtherTypes strace names (host order; ETH_P_ALL is the capture-everything 3) */
const struct xlat xlat_ethertype[] = {
	XLAT(ETH_P_ALL), XLAT(ETH_P_IP), XLAT(ETH_P_ARP), XLAT(ETH_P_IPV6), XLAT(ETH_P_8021Q),
	XLAT(ETH_P_LOOP), XLAT(ETH_P_RARP), XLAT(ETH_P_8021AD), XLAT(ETH_P_LLDP), XLAT_END
};
const struct xlat xlat_arphrd[] = {
	XLAT(ARPHRD_NETROM), XLAT(ARPHRD_ETHER), XLAT(ARPHRD_EETHER), XLAT(ARPHRD_AX25),
	XLAT(ARPHRD_PRONET), XLAT(ARPHRD_CHAOS), XLAT(ARPHRD_IEEE802), XLAT(ARPHRD_ARCNET),
	XLAT(ARPHRD_APPLETLK), XLAT(ARPHRD_DLCI), XLAT(ARPHRD_ATM), XLAT(ARPHRD_METRICOM),
	XLAT(ARPHRD_IEEE1394), XLAT(ARPHRD_EUI64), XLAT(ARPHRD_INFINIBAND), XLAT(ARPHRD_SLIP),
	XLAT(ARPHRD_CSLIP), XLAT(ARPHRD_SLIP6), XLAT(ARPHRD_CSLIP6), XLAT(ARPHRD_RSRVD),
	XLAT(ARPHRD_ADAPT), XLAT(ARPHRD_ROSE), XLAT(ARPHRD_X25), XLAT(ARPHRD_HWX25),
	XLAT(ARPHRD_CAN), { 290, "ARPHRD_MCTP" }, XLAT(ARPHRD_PPP), XLAT(ARPHRD_CISCO),
	XLAT(ARPHRD_LAPB), XLAT(ARPHRD_DDCMP), XLAT(ARPHRD_RAWHDLC), XLAT(ARPHRD_RAWIP),
	XLAT(ARPHRD_TUNNEL), XLAT(ARPHRD_TUNNEL6), XLAT(ARPHRD_FRAD), XLAT(ARPHRD_SKIP),
	XLAT(ARPHRD_LOOPBACK), XLAT(ARPHRD_LOCALTLK), XLAT(ARPHRD_FDDI), XLAT(ARPHRD_BIF),
	XLAT(ARPHRD_SIT), XLAT(ARPHRD_IPDDP), XLAT(ARPHRD_IPGRE), XLAT(ARPHRD_PIMREG),
	XLAT(ARPHRD_HIPPI), XLAT(ARPHRD_ASH), XLAT(ARPHRD_ECONET), XLAT(ARPHRD_IRDA),
	XLAT(ARPHRD_FCPP), XLAT(ARPHRD_FCAL), XLAT(ARPHRD_FCPL), XLAT(ARPHRD_FCFABRIC),
	XLAT(ARPHRD_IEEE802_TR), XLAT(ARPHRD_IEEE80211), XLAT(ARPHRD_IEEE80211_PRISM),
	XLAT(ARPHRD_IEEE80211_RADIOTAP), XLAT(ARPHRD_IEEE802154), XLAT(ARPHRD_IEEE802154_MONITOR),
	XLAT(ARPHRD_PHONET), XLAT(ARPHRD_PHONET_PIPE), XLAT(ARPHRD_CAIF), XLAT(ARPHRD_IP6GRE),
	XLAT(ARPHRD_NETLINK), XLAT(ARPHRD_6LOWPAN), XLAT(ARPHRD_VSOCKMON), XLAT(ARPHRD_NONE),
	XLAT(ARPHRD_VOID), XLAT_END
};
const struct xlat xlat_pkttype[] = {
	XLAT(PACKET_HOST), XLAT(PACKET_BROADCAST), XLAT(PACKET_MULTICAST), XLAT(PACKET_OTHERHOST),
	XLAT(PACKET_OUTGOING), XLAT(PACKET_LOOPBACK), XLAT_END
};

const struct xlat xlat_scm[] = {
	XLAT(SCM_RIGHTS), XLAT(SCM_CREDENTIALS), { 3, "SCM_SECURITY" }, { 4, "SCM_PIDFD" },
	XLAT_END
};

/* ---- socket options ------------------------------------------------------ */

enum optval_kind {
	OV_INT,     /* [1] */
	OV_LINGER,  /* {l_onoff=1, l_linger=0} */
	OV_UCRED,   /* {pid=N, uid=N, gid=N} */
	OV_ERRNO,   /* [ECONNREFUSED] */
	OV_RAW,     /* the bytes, quoted: what strace 6.1 does for SO_RCVTIMEO_OLD */
	OV_MREQ,    /* {imr_multiaddr=inet_addr("239.1.2.3"), imr_interface=inet_addr("0.0.0.0")} */
	OV_MREQ6,   /* {inet_pton(AF_INET6, "ff02::1", &ipv6mr_multiaddr), ipv6mr_interface=...} */
};

struct sockopt_desc {
	int level;
	int name;
	const char *text;
	enum optval_kind kind;
};

#define SOPT(lvl, n, k) { lvl, n, #n, k }
static const struct sockopt_desc sockopts[] = {
	SOPT(SOL_SOCKET, SO_DEBUG, OV_INT), SOPT(SOL_SOCKET, SO_REUSEADDR, OV_INT),
	SOPT(SOL_SOCKET, SO_TYPE, OV_INT), SOPT(SOL_SOCKET, SO_ERROR, OV_ERRNO),
	SOPT(SOL_SOCKET, SO_DONTROUTE, OV_INT), SOPT(SOL_SOCKET, SO_BROADCAST, OV_INT),
	SOPT(SOL_SOCKET, SO_SNDBUF, OV_INT), SOPT(SOL_SOCKET, SO_RCVBUF, OV_INT),
	SOPT(SOL_SOCKET, SO_KEEPALIVE, OV_INT), SOPT(SOL_SOCKET, SO_OOBINLINE, OV_INT),
	SOPT(SOL_SOCKET, SO_NO_CHECK, OV_INT), SOPT(SOL_SOCKET, SO_PRIORITY, OV_INT),
	SOPT(SOL_SOCKET, SO_LINGER, OV_LINGER), SOPT(SOL_SOCKET, SO_BSDCOMPAT, OV_INT),
	SOPT(SOL_SOCKET, SO_REUSEPORT, OV_INT), SOPT(SOL_SOCKET, SO_PASSCRED, OV_INT),
	SOPT(SOL_SOCKET, SO_PEERCRED, OV_UCRED), SOPT(SOL_SOCKET, SO_RCVLOWAT, OV_INT),
	SOPT(SOL_SOCKET, SO_SNDLOWAT, OV_INT),
	{ SOL_SOCKET, 20, "SO_RCVTIMEO_OLD", OV_RAW }, { SOL_SOCKET, 21, "SO_SNDTIMEO_OLD", OV_RAW },
	SOPT(SOL_SOCKET, SO_ACCEPTCONN, OV_INT), SOPT(SOL_SOCKET, SO_SNDBUFFORCE, OV_INT),
	SOPT(SOL_SOCKET, SO_RCVBUFFORCE, OV_INT), SOPT(SOL_SOCKET, SO_PASSSEC, OV_INT),
	SOPT(SOL_SOCKET, SO_MARK, OV_INT), SOPT(SOL_SOCKET, SO_PROTOCOL, OV_INT),
	SOPT(SOL_SOCKET, SO_DOMAIN, OV_INT), SOPT(SOL_SOCKET, SO_RXQ_OVFL, OV_INT),
	SOPT(SOL_SOCKET, SO_BUSY_POLL, OV_INT), SOPT(SOL_SOCKET, SO_INCOMING_CPU, OV_INT),
	SOPT(SOL_SOCKET, SO_ZEROCOPY, OV_INT),
	{ SOL_SOCKET, 66, "SO_RCVTIMEO_NEW", OV_RAW }, { SOL_SOCKET, 67, "SO_SNDTIMEO_NEW", OV_RAW },

	SOPT(IPPROTO_TCP, TCP_NODELAY, OV_INT), SOPT(IPPROTO_TCP, TCP_MAXSEG, OV_INT),
	SOPT(IPPROTO_TCP, TCP_CORK, OV_INT), SOPT(IPPROTO_TCP, TCP_KEEPIDLE, OV_INT),
	SOPT(IPPROTO_TCP, TCP_KEEPINTVL, OV_INT), SOPT(IPPROTO_TCP, TCP_KEEPCNT, OV_INT),
	SOPT(IPPROTO_TCP, TCP_SYNCNT, OV_INT), SOPT(IPPROTO_TCP, TCP_LINGER2, OV_INT),
	SOPT(IPPROTO_TCP, TCP_DEFER_ACCEPT, OV_INT), SOPT(IPPROTO_TCP, TCP_WINDOW_CLAMP, OV_INT),
	SOPT(IPPROTO_TCP, TCP_INFO, OV_RAW), SOPT(IPPROTO_TCP, TCP_QUICKACK, OV_INT),
	SOPT(IPPROTO_TCP, TCP_CONGESTION, OV_RAW), SOPT(IPPROTO_TCP, TCP_USER_TIMEOUT, OV_INT),
	SOPT(IPPROTO_TCP, TCP_FASTOPEN, OV_INT), SOPT(IPPROTO_TCP, TCP_NOTSENT_LOWAT, OV_INT),

	SOPT(IPPROTO_IP, IP_TOS, OV_INT), SOPT(IPPROTO_IP, IP_TTL, OV_INT),
	SOPT(IPPROTO_IP, IP_HDRINCL, OV_INT), SOPT(IPPROTO_IP, IP_PKTINFO, OV_INT),
	SOPT(IPPROTO_IP, IP_MTU_DISCOVER, OV_INT), SOPT(IPPROTO_IP, IP_RECVERR, OV_INT),
	SOPT(IPPROTO_IP, IP_MTU, OV_INT), SOPT(IPPROTO_IP, IP_FREEBIND, OV_INT),
	SOPT(IPPROTO_IP, IP_MULTICAST_TTL, OV_INT), SOPT(IPPROTO_IP, IP_MULTICAST_LOOP, OV_INT),
	SOPT(IPPROTO_IP, IP_MULTICAST_IF, OV_INT), SOPT(IPPROTO_IP, IP_ADD_MEMBERSHIP, OV_MREQ),
	SOPT(IPPROTO_IP, IP_DROP_MEMBERSHIP, OV_MREQ),

	SOPT(IPPROTO_IPV6, IPV6_UNICAST_HOPS, OV_INT), SOPT(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, OV_INT),
	SOPT(IPPROTO_IPV6, IPV6_MTU_DISCOVER, OV_INT), SOPT(IPPROTO_IPV6, IPV6_MTU, OV_INT),
	SOPT(IPPROTO_IPV6, IPV6_RECVERR, OV_INT), SOPT(IPPROTO_IPV6, IPV6_V6ONLY, OV_INT),
	SOPT(IPPROTO_IPV6, IPV6_RECVPKTINFO, OV_INT), SOPT(IPPROTO_IPV6, IPV6_TCLASS, OV_INT),
	SOPT(IPPROTO_IPV6, IPV6_MULTICAST_IF, OV_INT), SOPT(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, OV_INT),
	SOPT(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, OV_MREQ6), SOPT(IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, OV_MREQ6),

	{ 270, 1, "NETLINK_ADD_MEMBERSHIP", OV_INT }, { 270, 2, "NETLINK_DROP_MEMBERSHIP", OV_INT },
	{ 270, 3, "NETLINK_PKTINFO", OV_INT }, { 270, 4, "NETLINK_BROADCAST_ERROR", OV_INT },
	{ 270, 5, "NETLINK_NO_ENOBUFS", OV_INT }, { 270, 8, "NETLINK_LISTEN_ALL_NSID", OV_INT },
	{ 270, 10, "NETLINK_CAP_ACK", OV_INT }, { 270, 11, "NETLINK_EXT_ACK", OV_INT },
	{ 270, 12, "NETLINK_GET_STRICT_CHK", OV_INT },
};

/* What an unknown option of a level is called: SO_???, TCP_???, ... */
static const struct xlat sockopt_unknown[] = {
	{ SOL_SOCKET, "SO_???" }, { IPPROTO_TCP, "TCP_???" }, { IPPROTO_IP, "IP_???" },
	{ IPPROTO_IPV6, "IPV6_???" }, { 270, "NETLINK_???" }, XLAT_END
};

static const struct sockopt_desc *sockopt_find(int level, int name)
{
	for (size_t i = 0; i < sizeof sockopts / sizeof sockopts[0]; i++)
		if (sockopts[i].level == level && sockopts[i].name == name)
			return &sockopts[i];
	return NULL;
}

/* ---- generic printers ---------------------------------------------------- */

const char *xlat_name(const struct xlat *tab, unsigned long val)
{
	for (; tab->name; tab++)
		if (tab->val == val)
			return tab->name;
	return NULL;
}

void dec_xval(struct sbuf *sb, const struct xlat *tab, unsigned long val, const char *unknown, int dec)
{
	const char *n = xlat_name(tab, val);
	if (n)
		sb_puts(sb, n);
	else if (dec)
		sb_printf(sb, "%lu /* %s */", val, unknown);
	else
		sb_printf(sb, "%#lx /* %s */", val, unknown);
}

void dec_flags(struct sbuf *sb, const struct xlat *tab, unsigned long val)
{
	if (val == 0) {
		sb_puts(sb, "0");
		return;
	}
	int first = 1;
	for (; tab->name; tab++) {
		if (tab->val && (val & tab->val) == tab->val) {
			sb_printf(sb, "%s%s", first ? "" : "|", tab->name);
			val &= ~tab->val;
			first = 0;
		}
	}
	if (val)
		sb_printf(sb, "%s%#lx", first ? "" : "|", val);
}

/*
 * strace's print_array(): after -s N elements the rest of an array is
 * "...", unless -v asks for everything.
 */
int dec_array_cut(size_t i)
{
	return !decode_opts.verbose && i >= (size_t)decode_opts.strsize;
}

static void int_array(struct sbuf *sb, const int *v, size_t n, void (*put)(struct sbuf *, int))
{
	sb_putc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, ", ");
		if (dec_array_cut(i)) {
			sb_puts(sb, "...");
			break;
		}
		put(sb, v[i]);
	}
	sb_putc(sb, ']');
}

static void put_int(struct sbuf *sb, int v)
{
	sb_printf(sb, "%d", v);
}

void dec_int_array(struct sbuf *sb, const int *v, size_t n)
{
	int_array(sb, v, n, put_int);
}

void dec_fd_array(struct sbuf *sb, const int *v, size_t n)
{
	int_array(sb, v, n, dec_fd);
}

void dec_ptr(struct sbuf *sb, const void *p)
{
	if (p)
		sb_printf(sb, "%#lx", (unsigned long)p);
	else
		sb_puts(sb, "NULL");
}

/*
 * strace's string_quote(): C escapes, octal for the rest (three digits when
 * the next shown byte is an octal digit, so the escape cannot run on), or
 * \xNN for every byte under -xx, and under -x when a byte is neither
 * printable nor \t..\r. `stop_at_nul` ends the string at the first NUL.
 */
static void quote_ex(struct sbuf *sb, const unsigned char *s, size_t n, int stop_at_nul, int quotes,
		     const char *esc);

static void quote(struct sbuf *sb, const unsigned char *s, size_t n, int stop_at_nul)
{
	quote_ex(sb, s, n, stop_at_nul, 1, NULL);
}

/* The quoting itself: `quotes` puts the '"' around it, and the bytes of `esc`
 * are written as octal escapes (strace's "<>" inside a descriptor's <...>). */
static void quote_ex(struct sbuf *sb, const unsigned char *s, size_t n, int stop_at_nul, int quotes,
		     const char *esc)
{
	int hex = decode_opts.xflag > 1;
	if (decode_opts.xflag == 1) {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = s[i];
			if (stop_at_nul && c == 0)
				break;
			if (c > 0x7e || (c < ' ' && (c < '\t' || c > '\r'))) {
				hex = 1;
				break;
			}
		}
	}
	if (quotes)
		sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (stop_at_nul && c == 0)
			break;
		if (hex) {
			sb_printf(sb, "\\x%02x", c);
			continue;
		}
		switch (c) {
		case '"': sb_puts(sb, "\\\""); continue;
		case '\\': sb_puts(sb, "\\\\"); continue;
		case '\f': sb_puts(sb, "\\f"); continue;
		case '\n': sb_puts(sb, "\\n"); continue;
		case '\r': sb_puts(sb, "\\r"); continue;
		case '\t': sb_puts(sb, "\\t"); continue;
		case '\v': sb_puts(sb, "\\v"); continue;
		}
		if (c >= ' ' && c <= 0x7e && !(esc && c && strchr(esc, c))) {
			sb_putc(sb, (char)c);
		} else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
			sb_printf(sb, "\\%03o", c);
		} else {
			sb_printf(sb, "\\%o", c);
		}
	}
	if (quotes)
		sb_putc(sb, '"');
}

void dec_fd_text(struct sbuf *sb, const char *s, size_t n)
{
	quote_ex(sb, (const unsigned char *)s, n, 1, 0, "<>");
}

void dec_fd(struct sbuf *sb, int fd)
{
	if (decode_opts.print_fd)
		decode_opts.print_fd(sb, fd);
	else
		sb_printf(sb, "%d", fd);
}

void dec_str(struct sbuf *sb, const void *buf, size_t len, long limit)
{
	size_t lim = limit < 0 ? (size_t)decode_opts.strsize : (size_t)limit;
	size_t shown = len < lim ? len : lim;
	quote(sb, buf, shown, 0);
	if (len > lim)
		sb_puts(sb, "...");
}

void dec_cstr(struct sbuf *sb, const char *s, size_t size)
{
	quote(sb, (const unsigned char *)s, size, 1);
}

void dec_family(struct sbuf *sb, int af)
{
	dec_xval(sb, xlat_af, (unsigned)af, "AF_???", 1);
}

void dec_socket_type(struct sbuf *sb, int type)
{
	int flags = type & (SOCK_CLOEXEC | SOCK_NONBLOCK);
	dec_xval(sb, xlat_sock_type, (unsigned)(type & ~flags), "SOCK_???", 0);
	if (flags) {
		sb_putc(sb, '|');
		dec_flags(sb, xlat_sock_flags, (unsigned)flags);
	}
}

/* How each domain names its protocol argument (strace: socket() decoder). */
struct proto_style {
	int domain;
	const struct xlat *tab;
	const char *unknown;
};
static const struct proto_style proto_styles[] = {
	{ AF_INET, xlat_ipproto, "IPPROTO_???" },
	{ AF_INET6, xlat_ipproto, "IPPROTO_???" },
	{ AF_NETLINK, xlat_netlink_proto, "NETLINK_???" },
};

void dec_ethertype(struct sbuf *sb, unsigned short be)
{
	sb_puts(sb, "htons(");
	dec_xval(sb, xlat_ethertype, ntohs(be), "ETH_P_???", 0);
	sb_putc(sb, ')');
}

void dec_protocol(struct sbuf *sb, int domain, int proto)
{
	if (domain == AF_PACKET) {   /* the protocol is an EtherType in network order */
		dec_ethertype(sb, (unsigned short)proto);
		return;
	}
	for (size_t i = 0; i < sizeof proto_styles / sizeof proto_styles[0]; i++) {
		if (proto_styles[i].domain == domain) {
			/* an unknown one in hex, as strace: 0xc8 followed by the unknown name in a comment */
			dec_xval(sb, proto_styles[i].tab, (unsigned)proto, proto_styles[i].unknown, 0);
			return;
		}
	}
	sb_printf(sb, "%d", proto);
}

void dec_errno_name(struct sbuf *sb, int err)
{
	const char *n = strerrorname_np(err);
	if (n)
		sb_puts(sb, n);
	else
		sb_printf(sb, "%d", err);
}

/* ---- sockaddrs --------------------------------------------------------- */

/* The name of interface `index`, read from sysfs: if_indextoname() would open a socket. */
int dec_ifname(unsigned index, char *name, size_t size)
{
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return -1;
	struct dirent *e;
	int found = -1;
	while (found < 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "/sys/class/net/%s/ifindex", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		unsigned idx;
		if (fscanf(f, "%u", &idx) == 1 && idx == index && strlen(e->d_name) < size) {
			memcpy(name, e->d_name, strlen(e->d_name) + 1);
			found = 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

void dec_ifindex(struct sbuf *sb, unsigned index)
{
	char ifname[64];
	if (index && dec_ifname(index, ifname, sizeof ifname) == 0) {
		sb_puts(sb, "if_nametoindex(");
		dec_cstr(sb, ifname, sizeof ifname);
		sb_putc(sb, ')');
	} else {
		sb_printf(sb, "%u", index);
	}
}

static void sa_inet(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	const struct sockaddr_in *in = (const void *)sa;
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
	sb_printf(sb, "sin_port=htons(%u), sin_addr=inet_addr(", ntohs(in->sin_port));
	dec_cstr(sb, a, sizeof a);
	sb_putc(sb, ')');
}

static void sa_inet6(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in6 *in6 = (const void *)sa;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
	sb_printf(sb, "sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, ",
		  ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo));
	dec_cstr(sb, a, sizeof a);
	sb_puts(sb, ", &sin6_addr)");
	if (len <= 24) /* the old, scope-less sockaddr_in6 */
		return;
	sb_puts(sb, ", sin6_scope_id=");
	if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&in6->sin6_addr))
		dec_ifindex(sb, in6->sin6_scope_id);
	else
		sb_printf(sb, "%u", in6->sin6_scope_id);
}

static void sa_unix(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_un *un = (const void *)sa;
	size_t ulen = len > sizeof *un ? sizeof *un : len;
	size_t path_len = ulen - offsetof(struct sockaddr_un, sun_path);
	sb_puts(sb, "sun_path=");
	if (un->sun_path[0]) {
		dec_cstr(sb, un->sun_path, path_len);
	} else {
		sb_putc(sb, '@');
		quote(sb, (const unsigned char *)un->sun_path + 1, path_len - 1, 0);
	}
}

static void sa_netlink(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	const struct sockaddr_nl *nl = (const void *)sa;
	/* strace prints the port id signed: the kernel's own picks are negative */
	sb_printf(sb, "nl_pid=%d, nl_groups=%#08x", (int)nl->nl_pid, nl->nl_groups);
}

/* {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IP), sll_ifindex=if_nametoindex("eth0"),
 *  sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=6, sll_addr=[0x2, 00, ...]}:
 * each address byte %#x, except that a zero byte prints as 00 */
static void sa_packet(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	const struct sockaddr_ll *ll = (const void *)sa;
	sb_puts(sb, "sll_protocol=");
	dec_ethertype(sb, ll->sll_protocol);
	sb_puts(sb, ", sll_ifindex=");
	dec_ifindex(sb, (unsigned)ll->sll_ifindex);
	sb_puts(sb, ", sll_hatype=");
	dec_xval(sb, xlat_arphrd, ll->sll_hatype, "ARPHRD_???", 0);
	sb_puts(sb, ", sll_pkttype=");
	dec_xval(sb, xlat_pkttype, ll->sll_pkttype, "PACKET_???", 1);
	sb_printf(sb, ", sll_halen=%u", ll->sll_halen);
	if (ll->sll_halen) {
		size_t n = ll->sll_halen < sizeof ll->sll_addr ? ll->sll_halen : sizeof ll->sll_addr;
		sb_puts(sb, ", sll_addr=[");
		for (size_t i = 0; i < n; i++)
			sb_printf(sb, ll->sll_addr[i] ? "%s%#x" : "%s00", i ? ", " : "", ll->sll_addr[i]);
		sb_putc(sb, ']');
	}
}

static void sa_other(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	sb_puts(sb, "sa_data=");
	quote(sb, (const unsigned char *)sa->sa_data, len - offsetof(struct sockaddr, sa_data), 0);
}

/* The family-specific part of a sockaddr, and the least length it needs. */
static const struct {
	int af;
	socklen_t min_len;
	void (*print)(struct sbuf *, const struct sockaddr *, socklen_t);
} sa_printers[] = {
	{ AF_INET, sizeof(struct sockaddr_in), sa_inet },
	{ AF_INET6, 24, sa_inet6 },
	{ AF_UNIX, offsetof(struct sockaddr_un, sun_path) + 1, sa_unix },
	{ AF_NETLINK, sizeof(struct sockaddr_nl), sa_netlink },
	{ AF_PACKET, sizeof(struct sockaddr_ll), sa_packet },
};

void dec_sockaddr(struct sbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	if (!sa) {
		sb_puts(sb, "NULL");
		return;
	}
	if (len < sizeof(sa_family_t)) {
		dec_ptr(sb, sa);
		return;
	}
	/* As strace does: at most a sockaddr_storage of it, copied into zeroes,
	 * so a printer that reads a field beyond `len` (sin6_scope_id of a 25-byte
	 * sockaddr_in6, sun_path's NUL) reads zeroes, never past the caller's bytes. */
	union {
		struct sockaddr sa;
		struct sockaddr_storage ss;
		char pad[sizeof(struct sockaddr_storage) + 1];
	} copy;
	if (len > sizeof copy.ss)
		len = sizeof copy.ss;
	memset(&copy, 0, sizeof copy);
	memcpy(copy.pad, sa, len);
	sb_puts(sb, "{sa_family=");
	dec_family(sb, copy.sa.sa_family);
	if (len > sizeof(sa_family_t)) {
		void (*print)(struct sbuf *, const struct sockaddr *, socklen_t) = sa_other;
		for (size_t i = 0; i < sizeof sa_printers / sizeof sa_printers[0]; i++)
			if (sa_printers[i].af == copy.sa.sa_family && len >= sa_printers[i].min_len)
				print = sa_printers[i].print;
		sb_puts(sb, ", ");
		print(sb, &copy.sa, len);
	}
	sb_putc(sb, '}');
}

/* ---- socket options ------------------------------------------------------ */

void dec_sockopt_name(struct sbuf *sb, int level, int optname)
{
	dec_xval(sb, xlat_sol, (unsigned)level, "SOL_???", 0);
	sb_puts(sb, ", ");
	const struct sockopt_desc *d = sockopt_find(level, optname);
	if (d) {
		sb_puts(sb, d->text);
	} else {
		const char *u = xlat_name(sockopt_unknown, (unsigned)level);
		if (u)
			sb_printf(sb, "%#x /* %s */", optname, u);
		else
			sb_printf(sb, "%d", optname);
	}
}

void dec_sockopt_value(struct sbuf *sb, int level, int optname, const void *val, socklen_t len)
{
	const struct sockopt_desc *d = sockopt_find(level, optname);
	enum optval_kind kind = d ? d->kind : OV_RAW;
	if (!d && len == sizeof(int))
		kind = OV_INT;

	if (kind == OV_INT && len == sizeof(int)) {
		sb_printf(sb, "[%d]", *(const int *)val);
	} else if (kind == OV_ERRNO && len == sizeof(int)) {
		int e = *(const int *)val;
		sb_putc(sb, '[');
		if (e)
			dec_errno_name(sb, e);
		else
			sb_puts(sb, "0");
		sb_putc(sb, ']');
	} else if (kind == OV_LINGER && len == sizeof(struct linger)) {
		const struct linger *l = val;
		sb_printf(sb, "{l_onoff=%d, l_linger=%d}", l->l_onoff, l->l_linger);
	} else if (kind == OV_MREQ && len >= sizeof(struct ip_mreq)) {
		/* strace 6.1 shows an ip_mreqn (12 bytes) as its first 8: no imr_ifindex */
		const struct ip_mreq *m = val;
		sb_putc(sb, '{');
		dec_inaddr(sb, AF_INET, &m->imr_multiaddr, 4, "imr_multiaddr");
		sb_puts(sb, ", ");
		dec_inaddr(sb, AF_INET, &m->imr_interface, 4, "imr_interface");
		sb_putc(sb, '}');
	} else if (kind == OV_MREQ6 && len >= sizeof(struct ipv6_mreq)) {
		const struct ipv6_mreq *m = val;
		sb_putc(sb, '{');
		dec_inaddr(sb, AF_INET6, &m->ipv6mr_multiaddr, 16, "ipv6mr_multiaddr");
		sb_puts(sb, ", ipv6mr_interface=");
		dec_ifindex(sb, m->ipv6mr_interface);
		sb_putc(sb, '}');
	} else if (kind == OV_UCRED && len == sizeof(struct ucred)) {
		const struct ucred *u = val;
		/* strace prints an id of -1 (nobody's: an unconnected socket) as -1 */
		sb_printf(sb, "{pid=%d, uid=", u->pid);
		sb_printf(sb, u->uid == (uid_t)-1 ? "%d" : "%u", (int)u->uid);
		sb_printf(sb, ", gid=");
		sb_printf(sb, u->gid == (gid_t)-1 ? "%d" : "%u", (int)u->gid);
		sb_putc(sb, '}');
	} else {
		dec_str(sb, val, len, -1);
	}
}

/* ---- msghdr ------------------------------------------------------------ */

static void cmsg_rights(struct sbuf *sb, const unsigned char *data, size_t dlen)
{
	int fds[64];
	size_t nfd = dlen / sizeof(int);
	if (nfd > sizeof fds / sizeof fds[0])
		nfd = sizeof fds / sizeof fds[0];
	memcpy(fds, data, nfd * sizeof(int));
	dec_fd_array(sb, fds, nfd);
}

static void cmsg_creds(struct sbuf *sb, const unsigned char *data, size_t dlen)
{
	(void)dlen;
	struct ucred u;
	memcpy(&u, data, sizeof u);
	sb_printf(sb, "{pid=%d, uid=%u, gid=%u}", u.pid, u.uid, u.gid);
}

static void cmsg_string(struct sbuf *sb, const unsigned char *data, size_t dlen)
{
	dec_str(sb, data, dlen, -1);
}

/* What strace prints as cmsg_data, and the least data it needs to print it
 * (with less, or for any other message, no cmsg_data is printed). */
static const struct {
	int level, type;
	size_t min_len;
	void (*print)(struct sbuf *sb, const unsigned char *data, size_t dlen);
} cmsg_printers[] = {
	{ SOL_SOCKET, SCM_RIGHTS, sizeof(int), cmsg_rights },
	{ SOL_SOCKET, SCM_CREDENTIALS, sizeof(struct ucred), cmsg_creds },
	{ SOL_SOCKET, 3 /* SCM_SECURITY */, 1, cmsg_string },
};

/*
 * The control messages, walked as strace walks them: a header is read only
 * when msg_controllen still holds a whole one, a message's data is cut to
 * what the buffer holds whatever its cmsg_len says, and a cmsg_len that
 * would not move on (shorter than a header) or runs past the end stops the
 * walk. Bytes left over that cannot hold a header print as "..." with their
 * address.
 */
static void dec_cmsgs(struct sbuf *sb, const struct msghdr *msg)
{
	const unsigned char *p = msg->msg_control;
	size_t left = msg->msg_controllen;
	const size_t hdr = sizeof(struct cmsghdr);
	if (!p || left < hdr) {
		dec_ptr(sb, p);
		return;
	}
	sb_putc(sb, '[');
	for (int first = 1; left >= hdr; first = 0) {
		struct cmsghdr c;
		memcpy(&c, p, hdr);
		if (!first)
			sb_puts(sb, ", ");
		sb_printf(sb, "{cmsg_len=%zu, cmsg_level=", (size_t)c.cmsg_len);
		dec_xval(sb, xlat_sol, (unsigned)c.cmsg_level, "SOL_???", 0);
		sb_puts(sb, ", cmsg_type=");
		if (c.cmsg_level == SOL_SOCKET)
			dec_xval(sb, xlat_scm, (unsigned)c.cmsg_type, "SCM_???", 0);
		else
			sb_printf(sb, "%#x", c.cmsg_type);
		size_t have = c.cmsg_len < left ? c.cmsg_len : left;
		size_t dlen = have > hdr ? have - hdr : 0;
		for (size_t i = 0; i < sizeof cmsg_printers / sizeof cmsg_printers[0]; i++) {
			if (cmsg_printers[i].level == c.cmsg_level && cmsg_printers[i].type == c.cmsg_type &&
			    dlen >= cmsg_printers[i].min_len) {
				sb_puts(sb, ", cmsg_data=");
				cmsg_printers[i].print(sb, p + hdr, dlen);
			}
		}
		sb_putc(sb, '}');
		if (have < hdr) {        /* a cmsg_len too short to move on */
			p += hdr;
			left -= hdr;
			break;
		}
		size_t step = CMSG_ALIGN(c.cmsg_len);
		if (step < c.cmsg_len || step >= left) {   /* it ends the buffer (or wraps) */
			left = 0;
			break;
		}
		p += step;
		left -= step;
	}
	if (left)
		sb_printf(sb, ", ... /* %#lx */", (unsigned long)p);
	sb_putc(sb, ']');
}

void dec_payload(struct sbuf *sb, int domain, int protocol, const void *buf, size_t len)
{
	/* on netlink, bytes too few for a message header are a hex string too */
	if (domain == AF_NETLINK)
		dec_netlink(sb, protocol, buf, len);
	else
		dec_str(sb, buf, len, -1);
}

void dec_msghdr(struct sbuf *sb, const struct msghdr *msg, long data_len, int domain, int protocol)
{
	dec_msghdr_vr(sb, msg, msg->msg_namelen, data_len, domain, protocol);
}

void dec_msghdr_vr(struct sbuf *sb, const struct msghdr *msg, socklen_t namelen_in, long data_len,
		   int domain, int protocol)
{
	socklen_t namelen = msg->msg_namelen < namelen_in ? msg->msg_namelen : namelen_in;
	sb_puts(sb, "{msg_name=");
	if (msg->msg_name)
		dec_sockaddr(sb, msg->msg_name, namelen);
	else
		sb_puts(sb, "NULL");
	/* msg_namelen is value-result: "128 => 16" when the kernel changed it */
	sb_printf(sb, ", msg_namelen=%u", (unsigned)namelen_in);
	if (msg->msg_namelen != namelen_in)
		sb_printf(sb, " => %u", (unsigned)msg->msg_namelen);
	sb_puts(sb, ", msg_iov=[");
	size_t left = data_len < 0 ? (size_t)-1 : (size_t)data_len;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		if (i)
			sb_puts(sb, ", ");
		if (dec_array_cut(i)) {
			sb_puts(sb, "...");
			break;
		}
		const struct iovec *v = &msg->msg_iov[i];
		size_t n = v->iov_len < left ? v->iov_len : left;
		sb_puts(sb, "{iov_base=");
		dec_payload(sb, domain, protocol, v->iov_base, n);
		sb_printf(sb, ", iov_len=%zu}", v->iov_len);
		left -= n;
	}
	sb_printf(sb, "], msg_iovlen=%zu", (size_t)msg->msg_iovlen);
	if (msg->msg_controllen) {
		sb_puts(sb, ", msg_control=");
		dec_cmsgs(sb, msg);
	}
	sb_printf(sb, ", msg_controllen=%zu, msg_flags=", (size_t)msg->msg_controllen);
	dec_flags(sb, xlat_msg_flags, (unsigned)msg->msg_flags);
	sb_putc(sb, '}');
}
