/*
 * trace: one wrapper per socket system call.
 *
 * Each wrapper makes the real call exactly once, prints the line strace 6.1
 * would print for it (to stderr, or the -o file), restores errno and returns
 * the raw result. No retries, no exits, no hidden calls: the caller decides
 * what a failure means.
 *
 * The fmt_* functions build the text of one call, "name(args)", from the
 * arguments and the result; tests use them with golden values.
 */
#ifndef SOCKFAM_TRACE_H
#define SOCKFAM_TRACE_H

#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sbuf.h"

struct trace_config {
	int enabled;     /* 0 under -q */
	FILE *out;       /* stderr, or the -o file */
	int to_file;     /* out is a -o file: several processes prefix "PID ", not "[pid PID] " */
	int timestamps;  /* 0; 1 for -t; 2 for -tt */
	int show_time;   /* -T: time spent in the call, " <0.000056>" */
	int multi;       /* several processes write to out: prefix each line with its pid */
};
extern struct trace_config trace_cfg;

/* Remember what kind of socket fd is (done by t_socket/t_accept/...), so that
 * payloads are decoded the way strace decodes them (netlink messages). */
void trace_fd_set(int fd, int domain, int type, int protocol);
int trace_fd_domain(int fd, int *protocol);

/* The whole line for a finished call, with strace's alignment of " = " at
 * column 40, counting `lead` (pid prefix, timestamp) in. */
void trace_format_line(struct sbuf *line, const char *lead, const char *call, long rc, int err);

int t_socket(int domain, int type, int protocol);
int t_socketpair(int domain, int type, int protocol, int sv[2]);
int t_bind(int fd, const struct sockaddr *sa, socklen_t len);
int t_listen(int fd, int backlog);
int t_accept(int fd, struct sockaddr *sa, socklen_t *len);
int t_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags);
int t_connect(int fd, const struct sockaddr *sa, socklen_t len);
ssize_t t_send(int fd, const void *buf, size_t n, int flags);
ssize_t t_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen);
ssize_t t_recv(int fd, void *buf, size_t n, int flags);
ssize_t t_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen);
ssize_t t_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t t_recvmsg(int fd, struct msghdr *msg, int flags);
int t_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int t_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int t_getsockname(int fd, struct sockaddr *sa, socklen_t *len);
int t_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
int t_shutdown(int fd, int how);
int t_close(int fd);   /* for sockets: the close strace shows with -e trace=close */

/* Text builders. `rc` is the call's result (-1 on failure); value-result
 * lengths take the value before (`*_in`) and after the call. */
void fmt_socket(struct sbuf *sb, int domain, int type, int protocol);
void fmt_socketpair(struct sbuf *sb, int domain, int type, int protocol, const int sv[2], long rc);
void fmt_bind(struct sbuf *sb, const char *name, int fd, const struct sockaddr *sa, socklen_t len);
void fmt_listen(struct sbuf *sb, int fd, int backlog);
void fmt_accept(struct sbuf *sb, const char *name, int fd, const struct sockaddr *sa,
		const socklen_t *len, socklen_t len_in, long rc);
void fmt_accept4_flags(struct sbuf *sb, int flags);
void fmt_sendto(struct sbuf *sb, int fd, const void *buf, size_t n, int flags,
		const struct sockaddr *to, socklen_t tolen);
void fmt_recvfrom(struct sbuf *sb, int fd, const void *buf, size_t n, int flags,
		  const struct sockaddr *from, const socklen_t *fromlen, socklen_t fromlen_in, long rc);
void fmt_sendmsg(struct sbuf *sb, int fd, const struct msghdr *msg, int flags);
void fmt_recvmsg(struct sbuf *sb, int fd, const struct msghdr *msg, socklen_t namelen_in, int flags, long rc);
void fmt_setsockopt(struct sbuf *sb, int fd, int level, int name, const void *val, socklen_t len);
void fmt_getsockopt(struct sbuf *sb, int fd, int level, int name, const void *val,
		    const socklen_t *len, socklen_t len_in, long rc);
void fmt_shutdown(struct sbuf *sb, int fd, int how);
void fmt_close(struct sbuf *sb, int fd);

#endif
