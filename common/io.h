/*
 * io: the loops around the traced calls that make a byte stream reliable.
 * Partial writes are continued, EINTR is retried (unless a stop was asked
 * for), and every attempt shows in the trace.
 */
#ifndef SOCKFAM_IO_H
#define SOCKFAM_IO_H

#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Set by SIGINT/SIGTERM once io_catch_signals() ran; loops give up when set.
 * Atomic (and lock-free, so a signal handler may set it): the threads of a
 * server read it while the main thread's handler writes it. */
extern _Atomic int io_stop;

/* SIGINT/SIGTERM set io_stop and interrupt blocking calls; SIGPIPE is ignored. */
void io_catch_signals(void);

/* Sends all n bytes (send() with flags); n on success, -1 with errno. */
ssize_t io_send_all(int fd, const void *buf, size_t n, int flags);
/* One recv(), retried on EINTR: >0 bytes, 0 at end of stream, -1 with errno. */
ssize_t io_recv(int fd, void *buf, size_t n, int flags);
/* Reads exactly n bytes unless the stream ends or fails first; returns what it got,
 * or -1 with errno when nothing could be read because of an error. */
ssize_t io_recv_all(int fd, void *buf, size_t n);

/* One recvmsg(), retried on EINTR like io_recv. */
ssize_t io_recvmsg(int fd, struct msghdr *msg, int flags);
/* Sends all n bytes; the first part goes with sendmsg() carrying `control`
 * (controllen bytes), the rest, if the kernel took only part, with send(). */
ssize_t io_sendmsg_all(int fd, const void *buf, size_t n, int flags, void *control, size_t controllen);

/* The directory the running program is in (from /proc/self/exe) into dir;
 * 0, or -1 when it cannot be known. */
int io_program_dir(char *dir, size_t size);

/* Where a program's data is: $env when it is set and not empty, else the
 * first of rel (NULL-ended, relative to the program's directory: the tree's
 * "../exercises", the installed "../share/...") that is a directory, written
 * into out. NULL when there is none. */
const char *io_data_dir(const char *env, const char *const *rel, char *out, size_t size);

#endif
