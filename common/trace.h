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

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sbuf.h"

struct trace_config {
	int enabled;     /* 0 under -q */
	FILE *out;       /* stderr, or the -o file */
	int to_file;     /* out is a -o file: several processes prefix "PID ", not "[pid PID] " */
	int timestamps;  /* 0; 1 for -t; 2 for -tt */
	int show_time;   /* -T: time spent in the call, " <0.000056>" */
	int multi;       /* the other tasks this one knows of (children until reaped, threads
			  * until they return, the parent): while any, each line is prefixed
			  * with the caller's id; kept by t_fork/t_thread_create/t_wait4 (atomic) */
	int decorate;    /* 0; 1 for -y (each descriptor's path), 2 for -yy (what each socket
			  * is: TCP:[127.0.0.1:2345]); see fdview.h */
	int fds;         /* --fds: the descriptor table at exit and on SIGUSR1 */
};
extern struct trace_config trace_cfg;

/* Remember what kind of socket fd is (done by t_socket/t_accept/...), so that
 * payloads are decoded the way strace decodes them (netlink messages). */
void trace_fd_set(int fd, int domain, int type, int protocol);
int trace_fd_domain(int fd, int *protocol);
/* What the traced calls did to fd: TRACE_FD_BOUND (bind succeeded),
 * TRACE_FD_CONNECTED (connect or accept gave it a peer); and its type. */
#define TRACE_FD_BOUND 1
#define TRACE_FD_CONNECTED 2
int trace_fd_flags(int fd);
int trace_fd_type(int fd);

/* A descriptor in a line: the number, and under -y/-yy what it is, as it was
 * when the call started (see trace_cfg.decorate). */
void trace_put_fd(struct sbuf *sb, int fd);

/* After the options: -y/-yy hook descriptors into the decoders; --fds prints
 * the table at exit and on SIGUSR1 (after the call SIGUSR1 interrupted). */
void trace_setup(const char *prog);

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
/* sockatmark(): the ioctl(fd, SIOCATMARK, [N]) strace shows; 1 at the urgent mark, 0 not, -1 error */
int t_sockatmark(int fd);
int t_close(int fd);   /* for sockets: the close strace shows with -e trace=close */

/*
 * The calls a server model is made of (trace_proc.c).
 * t_fork: fork(), shown as the clone(...) line strace prints for it (once, in
 * the parent). t_thread_create: pthread_create(), shown as its clone3(...)
 * line; returns pthread_create's error number. t_select: select(), made as
 * the pselect6 system call glibc makes for it. t_fcntl: F_GETFL/F_SETFL/
 * F_GETFD/F_SETFD/F_DUPFD.
 */
pid_t t_fork(void);
int t_thread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
pid_t t_wait4(pid_t pid, int *status, int options);
int t_kill(pid_t pid, int sig);
int t_poll(struct pollfd *fds, unsigned long n, int timeout);
int t_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
int t_epoll_create1(int flags);
int t_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int t_epoll_wait(int epfd, struct epoll_event *evs, int max, int timeout);
int t_fcntl(int fd, int cmd, long arg);

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
void fmt_sockatmark(struct sbuf *sb, int fd, const int *mark, long rc);
void fmt_close(struct sbuf *sb, int fd);
void fmt_wait4(struct sbuf *sb, pid_t pid, const int *status, int options, long rc);
void fmt_poll(struct sbuf *sb, const struct pollfd *fds, unsigned long n, int timeout);
void fmt_poll_result(struct sbuf *sb, const struct pollfd *fds, unsigned long n, long rc);
void fmt_select(struct sbuf *sb, int nfds, const fd_set *r, const fd_set *w, const fd_set *e,
		const struct timespec *ts);
void fmt_select_result(struct sbuf *sb, int nfds, const fd_set *r, const fd_set *w, const fd_set *e,
		       const struct timespec *left, long rc);
void fmt_epoll_ctl(struct sbuf *sb, int epfd, int op, int fd, const struct epoll_event *ev);
void fmt_epoll_wait(struct sbuf *sb, int epfd, const struct epoll_event *evs, int max, int timeout, long rc);
void fmt_fcntl(struct sbuf *sb, int fd, int cmd, long arg);

#endif
