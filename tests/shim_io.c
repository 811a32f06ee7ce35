/*
 * shim_io: an LD_PRELOAD library for the tests, which bends what the C
 * library's send calls do, as a slow or interrupted network would:
 *   SHIM_ONE_BYTE=1      send()/sendto() on a stream socket send at most one
 *                        byte per call (a peer that takes a few bytes at a time)
 *   SHIM_SENDTO_EINTR=N  the first N sendto() calls fail with EINTR, sending
 *                        nothing (a signal that came first)
 * Built as build/tests/shim_io.so; not part of any program.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static int one_byte, eintr_left;

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
