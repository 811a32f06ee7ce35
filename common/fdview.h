/*
 * fdview: what a descriptor is, read from what the kernel shows the process.
 *
 * Two users: the trace's -y/-yy decorations (3<TCP:[127.0.0.1:2345]>, as
 * strace 6.1 prints them) and --fds (the program's own descriptor table, the
 * /proc walk: /proc/self/fd, then the socket's line in /proc/net/tcp...).
 *
 * Where it looks: the /proc/self/fd/N link (the path, or socket:[INODE]),
 * the socket's protocol name (the system.sockprotoname attribute: "TCP",
 * "UNIX-STREAM", "NETLINK"), the /proc/net tables, and stat() of a device.
 * Two things only the kernel's sock_diag interface tells (as for strace,
 * which asks it too): the peer of a connected UNIX socket, and the address
 * of a TCP socket that is bound but neither listening nor connected
 * (/proc/net/tcp lists neither). For those, -yy opens one NETLINK_SOCK_DIAG
 * socket per process through the trace layer (its socket() line is in the
 * trace) and asks with write() and read() on it: file I/O, like the reads of
 * /proc, so not in strace's %network class and not in the trace.
 *
 * Nothing here runs unless -y, -yy or --fds asked for it.
 */
#ifndef SOCKFAM_FDVIEW_H
#define SOCKFAM_FDVIEW_H

#include <stdio.h>

#include "sbuf.h"

/* " <...>" after a descriptor at trace level `level` (1: -y, 2: -yy): appends
 * "<path>", "<TCP:[...]>"..., or nothing when fd is not open (or /proc cannot
 * be read: one warning on stderr, then bare numbers). */
void fdview_decorate(struct sbuf *sb, int fd, int level);

/* -yy: a call on `fd` is about to return new descriptors (accept, recvmsg):
 * when their decoration will need sock_diag, its socket is opened now, so
 * that its socket() line comes before the call's, as strace -f shows it. */
void fdview_before_new_fds(int fd);

/* socketpair(): each end's peer is the other, known without asking. */
void fdview_note_pair(const int sv[2]);

/* --fds: the descriptor table, the /proc walk, to `out` in one write; `why`
 * says when ("at exit", "on SIGUSR1"). */
void fdview_table(FILE *out, const char *prog, const char *why);

/* Who to name in the one warning about an unreadable /proc. */
extern const char *fdview_prog;

#endif
