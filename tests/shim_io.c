/*
 * shim_io: an LD_PRELOAD library for the tests, which bends what the C
 * library's send and accept calls do, as a slow or interrupted network (or
 * an unlucky signal) would:
 *   SHIM_ONE_BYTE=1      send()/sendto() on a stream socket send at most one
 *                        byte per call (a peer that takes a few bytes at a time)
 *   SHIM_SENDTO_EINTR=N  the first N sendto() calls fail with EINTR, sending
 *                        nothing (a signal that came first)
 *   SHIM_ACCEPT_LATE_MS=N  a process's first accept() or accept4() waits up
 *                        to N ms before it is made; a signal handled meanwhile
 *                        ends the wait, and the call is made all the same: the
 *                        moment between a program's last look at its stop flag
 *                        and the call that blocks, held open
 * Built as build/tests/shim_io.so; not part of any program.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int one_byte, eintr_left, accept_late_ms;
static pid_t accept_waited;   /* the process whose first accept waited */

static void shim_init(void)
{
	if (real_sendto)
		return;
	real_sendto = (ssize_t (*)(int, const void *, size_t, int, const struct sockaddr *, socklen_t))dlsym(
		RTLD_NEXT, "sendto");
	const char *v = getenv("SHIM_ONE_BYTE");
	one_byte = v && *v == '1';
	v = getenv("SHIM_SENDTO_EINTR");
	eintr_left = v ? atoi(v) : 0;
	real_accept = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
	real_accept4 = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
	v = getenv("SHIM_ACCEPT_LATE_MS");
	accept_late_ms = v ? atoi(v) : 0;
}

static int is_stream(int fd)
{
	int type = 0;
	socklen_t len = sizeof type;
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
	shim_init();
	if (to && eintr_left > 0) {
		eintr_left--;
		errno = EINTR;
		return -1;
	}
	if (one_byte && n > 1 && is_stream(fd))
		n = 1;
	return real_sendto(fd, buf, n, flags, to, tolen);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	return sendto(fd, buf, n, flags, NULL, 0);
}

/* The first accept of this process waits, unless a signal ends the wait. */
static void accept_late(void)
{
	if (accept_late_ms <= 0 || accept_waited == getpid())
		return;
	accept_waited = getpid();
	int saved = errno;
	struct timespec t = { accept_late_ms / 1000, (accept_late_ms % 1000) * 1000000L };
	nanosleep(&t, NULL);   /* EINTR: a signal was handled; go on to the call */
	errno = saved;
}

int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	shim_init();
	accept_late();
	return real_accept4(fd, sa, len, flags);
}

int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	shim_init();
	accept_late();
	return real_accept(fd, sa, len);
}
