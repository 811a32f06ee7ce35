/*
 * decode: the printers behind every trace line, in strace 6.1's notation.
 *
 * Constants are printed from tables (struct xlat), never from chains of ifs:
 * adding a name means adding a row. Everything here only formats memory the
 * caller already has; nothing makes a system call.
 */
#ifndef SOCKFAM_DECODE_H
#define SOCKFAM_DECODE_H

#include <stddef.h>
#include <sys/socket.h>

#include "sbuf.h"

/* How strings are printed: strace's -s, -x/-xx and -v. */
struct decode_opts {
	int strsize;   /* -s N: bytes of a buffer shown before "..." (default 32) */
	int xflag;     /* 0, 1 (-x: hex when non-printable), 2 (-xx: always hex) */
	int verbose;   /* -v: no cut-off on arrays of structures (netlink attributes) */
	/* How a descriptor is printed: NULL, the number; the trace layer sets it
	 * under -y/-yy (3<TCP:[127.0.0.1:2345]>), which reads /proc: decode
	 * itself never makes a system call. */
	void (*print_fd)(struct sbuf *sb, int fd);
};
extern struct decode_opts decode_opts;

struct xlat {
	unsigned long val;
	const char *name;
};
#define XLAT(c) { (unsigned long)(c), #c }
#define XLAT_END { 0, NULL }

const char *xlat_name(const struct xlat *tab, unsigned long val);
/* A value from a table: its name, or the number with a PFX_??? comment (decimal when dec). */
void dec_xval(struct sbuf *sb, const struct xlat *tab, unsigned long val, const char *unknown, int dec);
/* A bit set: NAME|NAME|0x.. in table order; "0" when no bit is set. */
void dec_flags(struct sbuf *sb, const struct xlat *tab, unsigned long val);

/* Named tables the trace layer and the families use. */
extern const struct xlat xlat_af[];
extern const struct xlat xlat_sock_type[];
extern const struct xlat xlat_sock_flags[];
extern const struct xlat xlat_ipproto[];
extern const struct xlat xlat_netlink_proto[];
extern const struct xlat xlat_msg_flags[];
extern const struct xlat xlat_shut_how[];
extern const struct xlat xlat_sol[];
extern const struct xlat xlat_scm[];
extern const struct xlat xlat_ethertype[];   /* ETH_P_*, host order */
extern const struct xlat xlat_arphrd[];
extern const struct xlat xlat_pkttype[];     /* PACKET_HOST, PACKET_OUTGOING... */

/* htons(ETH_P_IP): an EtherType as it is stored (network order) */
void dec_ethertype(struct sbuf *sb, unsigned short be);
/* var=inet_addr("1.2.3.4") / inet_pton(AF_INET6, "::1", &var) (var may be NULL); hex when n is short */
void dec_inaddr(struct sbuf *sb, int af, const void *p, size_t n, const char *var);
/* if_nametoindex("eth0") when the index names an interface here, else the number */
void dec_ifindex(struct sbuf *sb, unsigned index);

/*
 * A buffer as strace prints it: quoted, C escapes (or \x.. under -x/-xx),
 * cut at `limit` bytes with "..." after the quote when len > limit.
 * limit < 0 means decode_opts.strsize.
 */
void dec_str(struct sbuf *sb, const void *buf, size_t len, long limit);
/* A buffer of `size` bytes printed up to the first NUL (sun_path, sin_addr text). */
void dec_cstr(struct sbuf *sb, const char *s, size_t size);
/* An array of ints, [3, 4], cut to "..." after -s N elements unless -v (strace's print_array). */
void dec_int_array(struct sbuf *sb, const int *v, size_t n);
/* A descriptor (see decode_opts.print_fd), and an array of them: [3, 4] */
void dec_fd(struct sbuf *sb, int fd);
void dec_fd_array(struct sbuf *sb, const int *v, size_t n);
/* What /proc/self/fd/N links to, as strace prints it inside <...>: no quotes,
 * C escapes, '<' and '>' as octal escapes, up to the first NUL. */
void dec_fd_text(struct sbuf *sb, const char *s, size_t n);
/* strace's array cut: element i and the rest print as "..." (after -s N elements, unless -v). */
int dec_array_cut(size_t i);
/* A user-space address the call did not fill: strace prints the pointer. */
void dec_ptr(struct sbuf *sb, const void *p);

void dec_socket_type(struct sbuf *sb, int type);         /* SOCK_STREAM|SOCK_CLOEXEC */
void dec_protocol(struct sbuf *sb, int domain, int proto); /* IPPROTO_IP, 0, NETLINK_ROUTE */
void dec_family(struct sbuf *sb, int af);                /* AF_INET */
void dec_errno_name(struct sbuf *sb, int err);           /* ECONNREFUSED */

/* {sa_family=AF_INET, sin_port=htons(2345), sin_addr=inet_addr("127.0.0.1")} */
void dec_sockaddr(struct sbuf *sb, const struct sockaddr *sa, socklen_t len);

/* level and option name: SOL_SOCKET, SO_REUSEADDR; SOL_TCP, TCP_NODELAY */
void dec_sockopt_name(struct sbuf *sb, int level, int optname);
/* the option value: [1], {l_onoff=1, l_linger=0}, {pid=N, uid=N, gid=N}, [ECONNREFUSED] */
void dec_sockopt_value(struct sbuf *sb, int level, int optname, const void *val, socklen_t len);

/*
 * A msghdr. `data_len` is how many bytes of the iovecs hold data: the return
 * value of recvmsg, or -1 for sendmsg (everything). `domain`/`protocol` of the
 * socket choose how iovec payloads are decoded (netlink messages).
 */
void dec_msghdr(struct sbuf *sb, const struct msghdr *msg, long data_len, int domain, int protocol);
/* The same for recvmsg: msg_namelen prints as "128 => 16" when it differs from namelen_in. */
void dec_msghdr_vr(struct sbuf *sb, const struct msghdr *msg, socklen_t namelen_in, long data_len,
		   int domain, int protocol);

/*
 * A payload of a socket of this domain/protocol: netlink messages for
 * AF_NETLINK, a quoted string for everything else. `len` is the bytes that
 * hold data, `limit` as for dec_str.
 */
void dec_payload(struct sbuf *sb, int domain, int protocol, const void *buf, size_t len);

/* The name of interface `index` from /sys/class/net (no socket); 0, or -1 when unknown.
 * sysfs shows the network namespace it was mounted in. */
int dec_ifname(unsigned index, char *name, size_t size);

/* Netlink messages, as strace decodes them (decode_netlink.c). */
void dec_netlink(struct sbuf *sb, int protocol, const void *buf, size_t len);

#endif
