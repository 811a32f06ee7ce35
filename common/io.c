/* io: send-all / recv-all loops over the traced calls (see io.h). */
#include "io.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

_Atomic int io_stop;

static void on_stop(int sig)
{
	(void)sig;
	io_stop = 1;
}

void io_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;   /* no SA_RESTART: a blocked accept() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

ssize_t io_send_all(int fd, const void *buf, size_t n, int flags)
{
	const char *p = buf;
	size_t done = 0;
	while (done < n) {
		ssize_t w = t_send(fd, p + done, n - done, flags);
		if (w < 0) {
			if (errno == EINTR && !io_stop)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

ssize_t io_recv(int fd, void *buf, size_t n, int flags)
{
	for (;;) {
		ssize_t r = t_recv(fd, buf, n, flags);
		if (r < 0 && errno == EINTR && !io_stop)
			continue;
		return r;
	}
}

ssize_t io_recv_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t done = 0;
	while (done < n) {
		ssize_t r = io_recv(fd, p + done, n - done, 0);
		if (r < 0)
			return done ? (ssize_t)done : -1;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

ssize_t io_recvmsg(int fd, struct msghdr *msg, int flags)
{
	for (;;) {
		ssize_t r = t_recvmsg(fd, msg, flags);
		if (r < 0 && errno == EINTR && !io_stop)
			continue;
		return r;
	}
}

ssize_t io_sendmsg_all(int fd, const void *buf, size_t n, int flags, void *control, size_t controllen)
{
	struct iovec iov = { (void *)buf, n };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			    .msg_controllen = controllen };
	ssize_t w;
	do
		w = t_sendmsg(fd, &m, flags);
	while (w < 0 && errno == EINTR && !io_stop);
	if (w < 0)
		return -1;
	if ((size_t)w < n && io_send_all(fd, (const char *)buf + w, n - (size_t)w, flags) < 0)
		return -1;
	return (ssize_t)n;
}

int io_program_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	if (n <= 0)
		return -1;
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

const char *io_data_dir(const char *env, const char *const *rel, char *out, size_t size)
{
	const char *value = env ? getenv(env) : NULL;
	if (value && *value)
		return value;
	char exe[PATH_MAX];
	if (io_program_dir(exe, sizeof exe))
		return NULL;
	struct stat st;
	for (; *rel; rel++) {
		snprintf(out, size, "%s/%s", exe, *rel);
		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
			return out;
	}
	return NULL;
}
