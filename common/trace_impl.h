/*
 * trace_impl: what the trace wrappers in trace.c and trace_proc.c share.
 * Not for programs: they call the t_* wrappers of trace.h.
 */
#ifndef SOCKFAM_TRACE_IMPL_H
#define SOCKFAM_TRACE_IMPL_H

#include <sys/time.h>
#include <time.h>

#include "sbuf.h"

/*
 * What the kernel returned for a call that a signal interrupted, before the
 * C library turned it into EINTR: strace prints that code, not EINTR.
 *   RESTART_SYS       "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)"
 *                     (accept, connect, send*, recv*, wait4 without a timeout)
 *   RESTART_NOHAND    "= ? ERESTARTNOHAND (To be restarted if no handler)"
 *                     (select/pselect6)
 *   RESTART_BLOCK     "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
 *                     (poll)
 *   RESTART_NONE      the call returns EINTR itself (epoll_wait; a socket call
 *                     with SO_RCVTIMEO/SO_SNDTIMEO set): "= -1 EINTR (...)"
 */
enum restart_kind { RESTART_NONE, RESTART_SYS, RESTART_NOHAND, RESTART_BLOCK };

struct tcall {
	struct timeval wall;      /* when the call started, for -t/-tt */
	struct timespec t0, t1;   /* monotonic, for -T */
	int err;
	enum restart_kind restart;
	int no_pid;               /* the line that creates the second process: no prefix yet */
	int rc_hex;               /* fcntl's F_GETFL/F_GETFD: "= 0x802" */
	struct sbuf text;         /* "name(args)" */
	struct sbuf suffix;       /* after the result: " (Timeout)", " ([{fd=3, revents=POLLIN}])" */
	int rc_fd;                /* the result is a new descriptor: decorated under -y */
	int npre;                 /* descriptor arguments as they were before the call (-y) */
	struct {
		int fd;
		struct sbuf deco;
	} pre[3];
	struct tcall *outer;      /* the call whose decoration made this one (sock_diag's socket) */
};

void tc_begin(struct tcall *c);
/* Under -y/-yy: what fd is now, before the call changes it (bind, connect, close). */
void tc_fd(struct tcall *c, int fd);
/* A call that ends without tc_emit (fork's child) leaves the chain of calls. */
void tc_drop(struct tcall *c);
void tc_end(struct tcall *c, long rc);
/* Writes the line (one write()) and hands back the errno of the call. */
int tc_emit(struct tcall *c, long rc);

/* The restart code a socket call on fd returns when interrupted: RESTART_SYS,
 * or RESTART_NONE when the traced program gave fd a timeout in that direction. */
enum restart_kind trace_fd_restart(int fd, int sending);

#endif
