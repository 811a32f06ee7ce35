/*
 * trace_proc: the traced calls a server model is made of: processes and
 * threads (clone, clone3, wait4, kill), readiness (poll, select, epoll) and
 * descriptor flags (fcntl). Same contract as trace.c: one real call, one
 * line as strace 6.1 prints it, errno kept, the raw result returned.
 */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decode.h"
#include "trace_impl.h"

/* ---- tables ----------------------------------------------------------------- */

/* In strace's order (checked against strace 6.1's output for every bit). */
static const struct xlat xlat_poll[] = {
	XLAT(POLLIN), XLAT(POLLPRI), XLAT(POLLOUT), XLAT(POLLERR), XLAT(POLLHUP), XLAT(POLLNVAL),
	XLAT(POLLRDNORM), XLAT(POLLRDBAND), XLAT(POLLWRNORM), XLAT(POLLWRBAND), XLAT(POLLMSG),
	{ 0x1000, "POLLREMOVE" }, XLAT(POLLRDHUP), { 0x8000, "POLL_BUSY_LOOP" }, XLAT_END
};

static const struct xlat xlat_epoll_events[] = {
	XLAT(EPOLLIN), XLAT(EPOLLPRI), XLAT(EPOLLOUT), XLAT(EPOLLERR), XLAT(EPOLLHUP),
	{ 0x20, "EPOLLNVAL" }, XLAT(EPOLLRDNORM), XLAT(EPOLLRDBAND), XLAT(EPOLLWRNORM),
	XLAT(EPOLLWRBAND), XLAT(EPOLLMSG), XLAT(EPOLLRDHUP), XLAT(EPOLLEXCLUSIVE), XLAT(EPOLLWAKEUP),
	XLAT(EPOLLONESHOT), XLAT(EPOLLET), XLAT_END
};

static const struct xlat xlat_epoll_op[] = {
	XLAT(EPOLL_CTL_ADD), XLAT(EPOLL_CTL_DEL), XLAT(EPOLL_CTL_MOD), XLAT_END
};

static const struct xlat xlat_epoll_create[] = { XLAT(EPOLL_CLOEXEC), XLAT_END };

static const struct xlat xlat_wait_options[] = {
	XLAT(WNOHANG), XLAT(WUNTRACED), XLAT(WEXITED), XLAT(WCONTINUED), XLAT(WNOWAIT),
	XLAT(__WNOTHREAD), XLAT(__WALL), XLAT(__WCLONE), XLAT_END
};

static const struct xlat xlat_fcntl_cmd[] = {
	XLAT(F_DUPFD), XLAT(F_GETFD), XLAT(F_SETFD), XLAT(F_GETFL), XLAT(F_SETFL),
	XLAT(F_DUPFD_CLOEXEC), XLAT_END
};

/* open(2) flags after the access mode, in strace's (numeric) order. */
static const struct xlat xlat_open_flags[] = {
	XLAT(O_CREAT), XLAT(O_EXCL), XLAT(O_NOCTTY), XLAT(O_TRUNC), XLAT(O_APPEND), XLAT(O_NONBLOCK),
	XLAT(O_DSYNC), { 020000, "O_ASYNC" }, XLAT(O_DIRECT), { 0100000, "O_LARGEFILE" }, XLAT(O_DIRECTORY),
	XLAT(O_NOFOLLOW), XLAT(O_NOATIME), XLAT(O_CLOEXEC), { 04000000 | 010000, "O_SYNC" }, XLAT(O_PATH),
	XLAT_END
};

static const struct xlat xlat_fd_flags[] = { XLAT(FD_CLOEXEC), XLAT_END };

/* ---- pids and threads --------------------------------------------------------- */

/*
 * glibc passes &THREAD_SELF->tid as the tid pointers of fork's clone and of
 * pthread_create's clone3. Its offset in glibc's thread descriptor is private
 * to glibc, so it is found here: the int in our own descriptor that holds our
 * thread id. -1 when it cannot be found (the pointers then print as 0).
 */
static long tid_offset(void)
{
	static long off = -2;
	long o = __atomic_load_n(&off, __ATOMIC_RELAXED);
	if (o != -2)
		return o;
	const int *p = (const int *)pthread_self();
	int me = (int)gettid();
	o = -1;
	for (long i = 0; i < 0x800 / (long)sizeof(int); i++)
		if (p[i] == me) {
			o = i * (long)sizeof(int);
			break;
		}
	__atomic_store_n(&off, o, __ATOMIC_RELAXED);
	return o;
}

static unsigned long tid_ptr(pthread_t t)
{
	long o = tid_offset();
	return o < 0 ? 0 : (unsigned long)t + (unsigned long)o;
}

/*
 * strace -f prefixes a line with the pid while it traces more than one task.
 * trace_cfg.multi counts the other tasks this one knows of: a child from its
 * fork until wait4 reaps it (strace has seen it exit by then), a thread from
 * its clone3 until it returns. The line that makes the second task prints
 * without a prefix (strace attaches the new task after printing it).
 */
static void task_born(struct tcall *c)
{
	c->no_pid = __atomic_fetch_add(&trace_cfg.multi, 1, __ATOMIC_RELAXED) == 0;
}

static void task_gone(void)
{
	int n = __atomic_load_n(&trace_cfg.multi, __ATOMIC_RELAXED);
	while (n > 0 && !__atomic_compare_exchange_n(&trace_cfg.multi, &n, n - 1, 0, __ATOMIC_RELAXED,
						     __ATOMIC_RELAXED))
		;
}

pid_t t_fork(void)
{
	struct tcall c;
	tc_begin(&c);
	int others = __atomic_load_n(&trace_cfg.multi, __ATOMIC_RELAXED);
	pid_t rc = fork();
	if (rc == 0) {
		/* the child: strace shows the call once, in the parent; the child
		 * knows of its parent and of the tasks the parent knew */
		__atomic_store_n(&trace_cfg.multi, others + 1, __ATOMIC_RELAXED);
		tc_drop(&c);
		return 0;
	}
	tc_end(&c, rc);
	if (rc > 0)
		task_born(&c);
	if (trace_cfg.enabled)
		sb_printf(&c.text, "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
			  "child_tidptr=%#lx)", tid_ptr(pthread_self()));
	errno = tc_emit(&c, rc);
	return rc;
}

/*
 * glibc 2.36 (x86_64) lays a new thread's stack out as [guard][stack][static
 * TLS][struct pthread], and passes clone3 the stack below the TLS. Its
 * descriptor's size is private: 0x940 bytes in this glibc, which the
 * differential test against strace checks.
 */
#define GLIBC_PTHREAD_SIZE 0x940
extern void _dl_get_tls_static_info(size_t *sizep, size_t *alignp);

static void fmt_clone3(struct sbuf *sb, pthread_t t, long rc)
{
	unsigned long tls = (unsigned long)t, stack = 0, stack_size = 0;
	pthread_attr_t a;
	if (rc > 0 && pthread_getattr_np(t, &a) == 0) {
		void *addr;
		size_t size, guard, tls_size, tls_align;
		if (pthread_attr_getstack(&a, &addr, &size) == 0 && pthread_attr_getguardsize(&a, &guard) == 0) {
			stack = (unsigned long)addr - guard;
			_dl_get_tls_static_info(&tls_size, &tls_align);
			if (tls_align)
				tls_size = (tls_size + tls_align - 1) / tls_align * tls_align;
			stack_size = tls + GLIBC_PTHREAD_SIZE - tls_size - stack;
		}
		pthread_attr_destroy(&a);
	}
	sb_printf(sb, "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
		  "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=%#lx, parent_tid=%#lx, "
		  "exit_signal=0, stack=%#lx, stack_size=%#lx, tls=%#lx}",
		  tid_ptr(t), tid_ptr(t), stack, stack_size, tls);
	if (rc > 0)
		sb_printf(sb, " => {parent_tid=[%ld]}", rc);
	sb_puts(sb, ", 88)");
}

/* The new thread's id, where the kernel wrote it (CLONE_PARENT_SETTID) before
 * clone3 returned. ThreadSanitizer cannot see the kernel's write and takes
 * its own set-up of the new thread's memory for a racing one. */
__attribute__((no_sanitize("thread"))) static long new_tid(pthread_t t)
{
	long o = tid_offset();
	return o < 0 ? 0 : *(volatile const int *)((const char *)t + o);
}

/*
 * While the trace is on, a new thread waits until its clone3 line has been
 * read off its descriptor: a thread that ended at once would have had its
 * id cleared (CLONE_CHILD_CLEARTID) and its stack given back before the
 * line was made. Under -q nothing waits.
 */
struct start {
	void *(*fn)(void *);
	void *arg;
	sem_t go;
};

static void *held_start(void *p)
{
	struct start *st = p;
	while (sem_wait(&st->go) < 0 && errno == EINTR)
		;
	void *(*fn)(void *) = st->fn;
	void *arg = st->arg;
	sem_destroy(&st->go);
	free(st);
	void *r = fn(arg);
	task_gone();   /* strace sees the thread end right after this */
	return r;
}

int t_thread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct tcall c;
	struct start *st = NULL;
	if (trace_cfg.enabled && (st = malloc(sizeof *st)) != NULL) {
		st->fn = fn;
		st->arg = arg;
		sem_init(&st->go, 0, 0);
	}
	tc_begin(&c);
	int was = __atomic_fetch_add(&trace_cfg.multi, 1, __ATOMIC_RELAXED);
	int e = st ? pthread_create(t, attr, held_start, st) : pthread_create(t, attr, fn, arg);
	long rc;
	if (e) {
		task_gone();
		errno = e;
		rc = -1;
	} else {
		rc = new_tid(*t);
	}
	tc_end(&c, rc);
	c.no_pid = !was;
	if (trace_cfg.enabled)
		fmt_clone3(&c.text, e ? 0 : *t, rc);
	if (st && !e)
		sem_post(&st->go);
	else if (st) {
		sem_destroy(&st->go);
		free(st);
	}
	tc_emit(&c, rc);
	return e;
}

/* [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
static void dec_wait_status(struct sbuf *sb, int st)
{
	if (WIFSTOPPED(st))
		sb_printf(sb, "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIG%s}]", sigabbrev_np(WSTOPSIG(st)) ?: "???");
	else if (WIFSIGNALED(st))
		sb_printf(sb, "[{WIFSIGNALED(s) && WTERMSIG(s) == SIG%s%s}]",
			  sigabbrev_np(WTERMSIG(st)) ?: "???", WCOREDUMP(st) ? " && WCOREDUMP(s)" : "");
	else if (WIFEXITED(st))
		sb_printf(sb, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", WEXITSTATUS(st));
	else
		sb_printf(sb, "[%#x]", (unsigned)st);
}

void fmt_wait4(struct sbuf *sb, pid_t pid, const int *status, int options, long rc)
{
	sb_printf(sb, "wait4(%d, ", (int)pid);
	if (status && rc > 0)
		dec_wait_status(sb, *status);
	else
		dec_ptr(sb, status);
	sb_puts(sb, ", ");
	dec_flags(sb, xlat_wait_options, (unsigned)options);
	sb_puts(sb, ", NULL)");
}

pid_t t_wait4(pid_t pid, int *status, int options)
{
	struct tcall c;
	tc_begin(&c);
	c.restart = RESTART_SYS;
	pid_t rc = wait4(pid, status, options, NULL);
	tc_end(&c, rc);
	/* reaped (not a stop or a continue reported) */
	if (rc > 0 && (status ? WIFEXITED(*status) || WIFSIGNALED(*status) : !(options & (WUNTRACED | WCONTINUED))))
		task_gone();
	if (trace_cfg.enabled)
		fmt_wait4(&c.text, pid, status, options, rc);
	errno = tc_emit(&c, rc);
	return rc;
}

int t_kill(pid_t pid, int sig)
{
	struct tcall c;
	tc_begin(&c);
	int rc = kill(pid, sig);
	tc_end(&c, rc);
	if (trace_cfg.enabled) {
		const char *n = sig ? sigabbrev_np(sig) : NULL;
		if (n)
			sb_printf(&c.text, "kill(%d, SIG%s)", (int)pid, n);
		else
			sb_printf(&c.text, "kill(%d, %d)", (int)pid, sig);
	}
	errno = tc_emit(&c, rc);
	return rc;
}

/* ---- readiness ---------------------------------------------------------------- */

void fmt_poll(struct sbuf *sb, const struct pollfd *fds, unsigned long n, int timeout)
{
	sb_puts(sb, "poll([");
	for (unsigned long i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, ", ");
		if (dec_array_cut(i)) {
			sb_puts(sb, "...");
			break;
		}
		sb_puts(sb, "{fd=");
		dec_fd(sb, fds[i].fd);
		if (fds[i].fd >= 0) {
			sb_puts(sb, ", events=");
			dec_flags(sb, xlat_poll, (unsigned short)fds[i].events);
		}
		sb_putc(sb, '}');
	}
	sb_printf(sb, "], %lu, %d)", n, timeout);
}

void fmt_poll_result(struct sbuf *sb, const struct pollfd *fds, unsigned long n, long rc)
{
	if (rc == 0) {
		sb_puts(sb, " (Timeout)");
		return;
	}
	sb_puts(sb, " ([");
	size_t shown = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (shown)
			sb_puts(sb, ", ");
		if (dec_array_cut(shown)) {
			sb_puts(sb, "...");
			break;
		}
		sb_printf(sb, "{fd=%d, revents=", fds[i].fd);
		dec_flags(sb, xlat_poll, (unsigned short)fds[i].revents);
		sb_putc(sb, '}');
		shown++;
	}
	sb_puts(sb, "])");
}

int t_poll(struct pollfd *fds, unsigned long n, int timeout)
{
	struct tcall c;
	tc_begin(&c);
	c.restart = RESTART_BLOCK;   /* with or without a timeout (sys_poll's restart block) */
	if (trace_cfg.enabled)
		fmt_poll(&c.text, fds, n, timeout);
	int rc = poll(fds, n, timeout);
	tc_end(&c, rc);
	if (trace_cfg.enabled && rc >= 0)
		fmt_poll_result(&c.suffix, fds, n, rc);
	errno = tc_emit(&c, rc);
	return rc;
}

/* [3 5], or NULL; `put` prints each descriptor */
static void fdset(struct sbuf *sb, int nfds, const fd_set *set, void (*put)(struct sbuf *, int))
{
	if (!set) {
		sb_puts(sb, "NULL");
		return;
	}
	sb_putc(sb, '[');
	int first = 1;
	for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++)
		if (FD_ISSET(fd, set)) {
			if (!first)
				sb_putc(sb, ' ');
			put(sb, fd);
			first = 0;
		}
	sb_putc(sb, ']');
}

static void put_plain(struct sbuf *sb, int fd)
{
	sb_printf(sb, "%d", fd);
}

/* the sets the call is given: descriptors as -y shows them */
static void dec_fdset(struct sbuf *sb, int nfds, const fd_set *set)
{
	fdset(sb, nfds, set, dec_fd);
}

static void dec_timespec(struct sbuf *sb, const struct timespec *ts)
{
	sb_printf(sb, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts->tv_sec, (long)ts->tv_nsec);
}

void fmt_select(struct sbuf *sb, int nfds, const fd_set *r, const fd_set *w, const fd_set *e,
		const struct timespec *ts)
{
	sb_printf(sb, "pselect6(%d, ", nfds);
	dec_fdset(sb, nfds, r);
	sb_puts(sb, ", ");
	dec_fdset(sb, nfds, w);
	sb_puts(sb, ", ");
	dec_fdset(sb, nfds, e);
	sb_puts(sb, ", ");
	if (ts)
		dec_timespec(sb, ts);
	else
		sb_puts(sb, "NULL");
	sb_puts(sb, ", NULL)");
}

void fmt_select_result(struct sbuf *sb, int nfds, const fd_set *r, const fd_set *w, const fd_set *e,
		       const struct timespec *left, long rc)
{
	if (rc == 0) {
		sb_puts(sb, " (Timeout)");
		return;
	}
	static const char *const names[] = { "in", "out", "except" };
	const fd_set *sets[] = { r, w, e };
	const char *sep = " (";
	for (int i = 0; i < 3; i++) {
		if (!sets[i])
			continue;
		int any = 0;
		for (int fd = 0; fd < nfds && fd < FD_SETSIZE && !any; fd++)
			any = FD_ISSET(fd, sets[i]);
		if (!any)
			continue;
		sb_printf(sb, "%s%s ", sep, names[i]);
		fdset(sb, nfds, sets[i], put_plain);   /* the ready ones: numbers, as strace */
		sep = ", ";
	}
	if (left) {
		sb_printf(sb, "%sleft ", sep);
		dec_timespec(sb, left);
		sep = ", ";
	}
	if (*sep == ',')
		sb_putc(sb, ')');
}

/*
 * select() is the pselect6 system call on x86_64 (glibc converts the timeval
 * to a timespec and passes no signal mask). It is made here directly, so the
 * trace shows the timespec the kernel saw and the time it left in it.
 */
int t_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	struct tcall c;
	struct timespec ts, *tsp = NULL;
	if (tv) {
		ts.tv_sec = tv->tv_sec;
		ts.tv_nsec = tv->tv_usec * 1000;
		tsp = &ts;
	}
	tc_begin(&c);
	c.restart = RESTART_NOHAND;
	if (trace_cfg.enabled)
		fmt_select(&c.text, nfds, r, w, e, tsp);
	int rc = (int)syscall(SYS_pselect6, nfds, r, w, e, tsp, NULL);
	tc_end(&c, rc);
	if (tv) {
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	if (trace_cfg.enabled && rc >= 0)
		fmt_select_result(&c.suffix, nfds, r, w, e, tsp, rc);
	errno = tc_emit(&c, rc);
	return rc;
}

static void dec_epoll_event(struct sbuf *sb, const struct epoll_event *ev)
{
	sb_puts(sb, "{events=");
	dec_flags(sb, xlat_epoll_events, ev->events);
	sb_printf(sb, ", data={u32=%u, u64=%llu}}", (unsigned)ev->data.u64,
		  (unsigned long long)ev->data.u64);
}

int t_epoll_create1(int flags)
{
	struct tcall c;
	tc_begin(&c);
	c.rc_fd = 1;
	int rc = epoll_create1(flags);
	tc_end(&c, rc);
	if (trace_cfg.enabled) {
		sb_puts(&c.text, "epoll_create1(");
		dec_flags(&c.text, xlat_epoll_create, (unsigned)flags);
		sb_putc(&c.text, ')');
	}
	errno = tc_emit(&c, rc);
	return rc;
}

void fmt_epoll_ctl(struct sbuf *sb, int epfd, int op, int fd, const struct epoll_event *ev)
{
	sb_puts(sb, "epoll_ctl(");
	dec_fd(sb, epfd);
	sb_puts(sb, ", ");
	dec_xval(sb, xlat_epoll_op, (unsigned)op, "EPOLL_CTL_???", 1);
	sb_puts(sb, ", ");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	if (ev)
		dec_epoll_event(sb, ev);
	else
		sb_puts(sb, "NULL");
	sb_putc(sb, ')');
}

int t_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct tcall c;
	tc_begin(&c);
	tc_fd(&c, epfd);
	tc_fd(&c, fd);
	int rc = epoll_ctl(epfd, op, fd, ev);
	tc_end(&c, rc);
	if (trace_cfg.enabled)
		fmt_epoll_ctl(&c.text, epfd, op, fd, ev);
	errno = tc_emit(&c, rc);
	return rc;
}

void fmt_epoll_wait(struct sbuf *sb, int epfd, const struct epoll_event *evs, int max, int timeout, long rc)
{
	sb_puts(sb, "epoll_wait(");
	dec_fd(sb, epfd);
	sb_puts(sb, ", ");
	if (rc < 0) {
		dec_ptr(sb, evs);
	} else {
		sb_putc(sb, '[');
		for (long i = 0; i < rc; i++) {
			if (i)
				sb_puts(sb, ", ");
			if (dec_array_cut((size_t)i)) {
				sb_puts(sb, "...");
				break;
			}
			dec_epoll_event(sb, &evs[i]);
		}
		sb_putc(sb, ']');
	}
	sb_printf(sb, ", %d, %d)", max, timeout);
}

int t_epoll_wait(int epfd, struct epoll_event *evs, int max, int timeout)
{
	struct tcall c;
	tc_begin(&c);
	tc_fd(&c, epfd);
	c.restart = RESTART_NONE;   /* epoll_wait returns EINTR itself */
	int rc = epoll_wait(epfd, evs, max, timeout);
	tc_end(&c, rc);
	if (trace_cfg.enabled)
		fmt_epoll_wait(&c.text, epfd, evs, max, timeout, rc);
	errno = tc_emit(&c, rc);
	return rc;
}

/* ---- descriptor flags --------------------------------------------------------- */

/* O_RDWR|O_NONBLOCK: the access mode, then the other bits */
static void dec_open_flags(struct sbuf *sb, long flags)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	sb_puts(sb, modes[flags & O_ACCMODE]);
	long rest = flags & ~(long)O_ACCMODE;
	if (rest) {
		sb_putc(sb, '|');
		dec_flags(sb, xlat_open_flags, (unsigned long)rest);
	}
}

void fmt_fcntl(struct sbuf *sb, int fd, int cmd, long arg)
{
	sb_puts(sb, "fcntl(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_xval(sb, xlat_fcntl_cmd, (unsigned)cmd, "F_???", 1);
	if (cmd == F_SETFL) {
		sb_puts(sb, ", ");
		dec_open_flags(sb, arg);
	} else if (cmd == F_SETFD) {
		sb_puts(sb, ", ");
		dec_flags(sb, xlat_fd_flags, (unsigned long)arg);
	} else if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
		sb_printf(sb, ", %ld", arg);
	}
	sb_putc(sb, ')');
}

int t_fcntl(int fd, int cmd, long arg)
{
	struct tcall c;
	tc_begin(&c);
	tc_fd(&c, fd);
	c.rc_fd = cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
	int rc = fcntl(fd, cmd, arg);
	tc_end(&c, rc);
	if (trace_cfg.enabled) {
		fmt_fcntl(&c.text, fd, cmd, arg);
		if (rc >= 0 && cmd == F_GETFL) {
			c.rc_hex = 1;
			sb_puts(&c.suffix, " (flags ");
			dec_open_flags(&c.suffix, rc);
			sb_putc(&c.suffix, ')');
		} else if (rc > 0 && cmd == F_GETFD) {
			c.rc_hex = 1;
			sb_puts(&c.suffix, " (flags ");
			dec_flags(&c.suffix, xlat_fd_flags, (unsigned long)rc);
			sb_putc(&c.suffix, ')');
		}
	}
	errno = tc_emit(&c, rc);
	return rc;
}
