/* trace: the traced socket calls (see trace.h). */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "fdview.h"
#include "i18n.h"
#include "trace_impl.h"

struct trace_config trace_cfg = { .enabled = 1, .out = NULL };

/* ---- what kind of socket each fd is -------------------------------------- */

/* Threads of a server model share this table, so every field is read and
 * written atomically (a descriptor is only reused after close). */
#define FD_SLOTS 65536
static struct fd_kind {
	short domain;
	short type;
	int protocol;
	unsigned char timeo;    /* bit 0: SO_RCVTIMEO set, bit 1: SO_SNDTIMEO set */
	unsigned char flags;    /* TRACE_FD_BOUND, TRACE_FD_CONNECTED */
} fd_kinds[FD_SLOTS];

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

void trace_fd_set(int fd, int domain, int type, int protocol)
{
	if (fd >= 0 && fd < FD_SLOTS) {
		STORE(fd_kinds[fd].domain, (short)domain);
		STORE(fd_kinds[fd].type, (short)type);
		STORE(fd_kinds[fd].protocol, protocol);
		STORE(fd_kinds[fd].timeo, 0);
		STORE(fd_kinds[fd].flags, 0);
	}
}

static void fd_flag(int fd, unsigned char flag)
{
	if (fd >= 0 && fd < FD_SLOTS)
		__atomic_fetch_or(&fd_kinds[fd].flags, flag, __ATOMIC_RELAXED);
}

int trace_fd_flags(int fd)
{
	return fd >= 0 && fd < FD_SLOTS ? LOAD(fd_kinds[fd].flags) : 0;
}

int trace_fd_type(int fd)
{
	return fd >= 0 && fd < FD_SLOTS ? LOAD(fd_kinds[fd].type) & 0xf : 0;
}

int trace_fd_domain(int fd, int *protocol)
{
	if (fd < 0 || fd >= FD_SLOTS)
		return AF_UNSPEC;
	if (protocol)
		*protocol = LOAD(fd_kinds[fd].protocol);
	return LOAD(fd_kinds[fd].domain);
}

/* A blocking socket call with no timeout returns ERESTARTSYS to the kernel's
 * signal code; with SO_RCVTIMEO/SO_SNDTIMEO it returns EINTR itself
 * (sock_intr_errno). */
enum restart_kind trace_fd_restart(int fd, int sending)
{
	if (fd < 0 || fd >= FD_SLOTS)
		return RESTART_SYS;
	return LOAD(fd_kinds[fd].timeo) & (sending ? 2 : 1) ? RESTART_NONE : RESTART_SYS;
}

static void note_timeout(int fd, int level, int name, const void *val, socklen_t len, int rc)
{
	if (rc < 0 || level != SOL_SOCKET || fd < 0 || fd >= FD_SLOTS || !val || len < sizeof(struct timeval))
		return;
	unsigned bit = name == SO_RCVTIMEO ? 1 : name == SO_SNDTIMEO ? 2 : 0;
	if (!bit)
		return;
	const struct timeval *tv = val;
	unsigned char t = LOAD(fd_kinds[fd].timeo);
	STORE(fd_kinds[fd].timeo, (unsigned char)(tv->tv_sec || tv->tv_usec ? t | bit : t & ~bit));
}

/* ---- one call: timing, the line, the output -------------------------------- */

/* The call being traced on this thread; a call made while decorating another
 * (the sock_diag socket's) links to it. */
static __thread struct tcall *cur_call;

static void tc_stamp(struct tcall *c)
{
	if (trace_cfg.timestamps)
		gettimeofday(&c->wall, NULL);
	if (trace_cfg.show_time)
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
}

void tc_begin(struct tcall *c)
{
	memset(c, 0, sizeof *c);
	c->outer = cur_call;
	cur_call = c;
	tc_stamp(c);
}

void tc_fd(struct tcall *c, int fd)
{
	if (!trace_cfg.enabled || !trace_cfg.decorate || c->npre >= (int)(sizeof c->pre / sizeof c->pre[0]))
		return;
	c->pre[c->npre].fd = fd;
	fdview_decorate(&c->pre[c->npre].deco, fd, trace_cfg.decorate);
	c->npre++;
	tc_stamp(c);   /* the call starts after what the decoration took */
}

void tc_drop(struct tcall *c)
{
	cur_call = c->outer;
	for (int i = 0; i < c->npre; i++)
		sb_free(&c->pre[i].deco);
	sb_free(&c->text);
	sb_free(&c->suffix);
}

void trace_put_fd(struct sbuf *sb, int fd)
{
	sb_printf(sb, "%d", fd);
	if (!trace_cfg.decorate)
		return;
	struct tcall *c = cur_call;
	for (int i = 0; c && i < c->npre; i++)
		if (c->pre[i].fd == fd) {
			sb_puts(sb, sb_str(&c->pre[i].deco));
			return;
		}
	fdview_decorate(sb, fd, trace_cfg.decorate);
}

void tc_end(struct tcall *c, long rc)
{
	c->err = rc < 0 ? errno : 0;
	if (trace_cfg.show_time)
		clock_gettime(CLOCK_MONOTONIC, &c->t1);
}

static const struct {
	const char *name, *text;
} restart_names[] = {
	[RESTART_SYS] = { "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	[RESTART_NOHAND] = { "ERESTARTNOHAND", "To be restarted if no handler" },
	[RESTART_BLOCK] = { "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
};

/* The C locale: an errno's text in a trace line is strace's (English) whatever
 * language the program speaks to its user (common/i18n.h). */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

static const char *c_strerror(int err)
{
	pthread_once(&c_locale_once, make_c_locale);
	return c_locale ? strerror_l(err, c_locale) : strerror(err);
}

static void format_line(struct sbuf *line, const char *lead, const char *call, long rc, int err,
			enum restart_kind restart, int hex)
{
	sb_puts(line, lead);
	sb_puts(line, call);
	sb_putc(line, ' ');
	while (line->len < 40)
		sb_putc(line, ' ');
	if (rc < 0 && err == EINTR && restart != RESTART_NONE) {
		sb_printf(line, "= ? %s (%s)", restart_names[restart].name, restart_names[restart].text);
	} else if (rc < 0) {
		sb_puts(line, "= -1 ");
		dec_errno_name(line, err);
		sb_printf(line, " (%s)", c_strerror(err));
	} else {
		sb_printf(line, hex && rc ? "= %#lx" : "= %ld", rc);
	}
}

void trace_format_line(struct sbuf *line, const char *lead, const char *call, long rc, int err)
{
	format_line(line, lead, call, rc, err, RESTART_NONE, 0);
}

/* The whole line goes out in one write(), so lines of several processes or
 * threads writing to one file never mix. */
static void write_line(FILE *out, const char *p, size_t n)
{
	int fd = fileno(out);
	if (fd < 0) {
		fwrite(p, 1, n, out);
		fflush(out);
		return;
	}
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* ---- --fds: the table at exit and on SIGUSR1 ------------------------------------------- */

static volatile sig_atomic_t fds_asked;
static const char *fds_prog = "sockfam";
static pid_t fds_main;
static timer_t fds_nudge;
static int fds_have_nudge;

/*
 * SIGUSR1 interrupts the call the program is blocked in, and the table is
 * printed when that call returns. One that came between two calls, just
 * before the program blocked, interrupted nothing: so until the table is out,
 * a timer sends SIGUSR1 again every 50 ms (SI_TIMER: a nudge, not a request).
 */
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (si->si_code != SI_TIMER)
		fds_asked = 1;
	if (fds_asked && fds_have_nudge) {
		struct itimerspec again = { { 0, 0 }, { 0, 50 * 1000000L } };
		timer_settime(fds_nudge, 0, &again, NULL);
	}
}

/* After each call: SIGUSR1 interrupted it, or came meanwhile. */
static void fds_check(void)
{
	if (fds_asked) {
		fds_asked = 0;
		if (fds_have_nudge) {
			struct itimerspec off = { { 0, 0 }, { 0, 0 } };
			timer_settime(fds_nudge, 0, &off, NULL);
		}
		fdview_table(stdout, fds_prog, _("on SIGUSR1"));
	}
}

static void fds_at_exit(void)
{
	if (getpid() == fds_main)
		fdview_table(stdout, fds_prog, _("at exit"));
}

void trace_setup(const char *prog)
{
	fdview_prog = prog;
	fds_prog = prog;
	if (trace_cfg.decorate)
		decode_opts.print_fd = trace_put_fd;
	if (trace_cfg.fds) {
		fds_main = getpid();
		atexit(fds_at_exit);
		struct sigevent ev;
		memset(&ev, 0, sizeof ev);
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGUSR1;
		fds_have_nudge = timer_create(CLOCK_MONOTONIC, &ev, &fds_nudge) == 0;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_usr1;   /* no SA_RESTART: a blocked call returns, the table follows */
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGUSR1, &sa, NULL);
		sigset_t usr1;   /* whoever started us may have blocked it */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	}
}

int tc_emit(struct tcall *c, long rc)
{
	if (trace_cfg.enabled) {
		struct sbuf lead = SBUF_INIT, line = SBUF_INIT;
		/* strace -f: "[pid  1234] " on a terminal, "1234  " in an -o file
		 * (%5u and %-5d); a thread shows its own id. */
		if (__atomic_load_n(&trace_cfg.multi, __ATOMIC_RELAXED) && !c->no_pid)
			sb_printf(&lead, trace_cfg.to_file ? "%-5d " : "[pid %5d] ", (int)gettid());
		if (trace_cfg.timestamps) {
			struct tm tm;
			time_t s = c->wall.tv_sec;
			localtime_r(&s, &tm);
			sb_printf(&lead, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
			if (trace_cfg.timestamps > 1)
				sb_printf(&lead, ".%06ld", (long)c->wall.tv_usec);
			sb_putc(&lead, ' ');
		}
		format_line(&line, sb_str(&lead), sb_str(&c->text), rc, c->err, c->restart, c->rc_hex);
		if (c->rc_fd && rc >= 0)
			fdview_decorate(&line, (int)rc, trace_cfg.decorate);
		if (c->suffix.len)
			sb_puts(&line, sb_str(&c->suffix));
		if (trace_cfg.show_time) {
			long ns = (c->t1.tv_sec - c->t0.tv_sec) * 1000000000L + (c->t1.tv_nsec - c->t0.tv_nsec);
			sb_printf(&line, " <%ld.%06ld>", ns / 1000000000L, (ns % 1000000000L) / 1000);
		}
		sb_putc(&line, '\n');
		write_line(trace_cfg.out ? trace_cfg.out : stderr, line.p, line.len);
		sb_free(&lead);
		sb_free(&line);
	}
	tc_drop(c);
	fds_check();
	return c->err;
}

/* ---- argument printers shared by several calls ----------------------------- */

/* A sockaddr the kernel fills: decoded when the call succeeded, else the pointer. */
static void out_sockaddr(struct sbuf *sb, const struct sockaddr *sa, const socklen_t *len,
			 socklen_t len_in, long rc)
{
	if (!sa)
		sb_puts(sb, "NULL");
	else if (rc < 0 || !len)
		dec_ptr(sb, sa);
	else
		dec_sockaddr(sb, sa, *len < len_in ? *len : len_in);
}

/* A value-result length: [16], or [110 => 2] when the kernel changed it. */
static void out_vrlen(struct sbuf *sb, const socklen_t *len, socklen_t len_in, long rc)
{
	if (!len)
		sb_puts(sb, "NULL");
	else if (rc < 0 || *len == len_in)
		sb_printf(sb, "[%u]", (unsigned)len_in);
	else
		sb_printf(sb, "[%u => %u]", (unsigned)len_in, (unsigned)*len);
}

/* ---- text builders ------------------------------------------------------ */

void fmt_socket(struct sbuf *sb, int domain, int type, int protocol)
{
	sb_puts(sb, "socket(");
	dec_family(sb, domain);
	sb_puts(sb, ", ");
	dec_socket_type(sb, type);
	sb_puts(sb, ", ");
	dec_protocol(sb, domain, protocol);
	sb_putc(sb, ')');
}

void fmt_socketpair(struct sbuf *sb, int domain, int type, int protocol, const int sv[2], long rc)
{
	sb_puts(sb, "socketpair(");
	dec_family(sb, domain);
	sb_puts(sb, ", ");
	dec_socket_type(sb, type);
	/* strace prints socketpair's protocol as a plain number, even for AF_INET */
	sb_printf(sb, ", %d, ", protocol);
	if (rc < 0)
		dec_ptr(sb, sv);
	else
		dec_fd_array(sb, sv, 2);
	sb_putc(sb, ')');
}

/* bind and connect print alike */
void fmt_bind(struct sbuf *sb, const char *name, int fd, const struct sockaddr *sa, socklen_t len)
{
	sb_printf(sb, "%s(", name);
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_sockaddr(sb, sa, len);
	sb_printf(sb, ", %u)", (unsigned)len);
}

void fmt_listen(struct sbuf *sb, int fd, int backlog)
{
	sb_puts(sb, "listen(");
	dec_fd(sb, fd);
	sb_printf(sb, ", %d)", backlog);
}

/* accept, getsockname and getpeername print alike; accept4 adds its flags */
void fmt_accept(struct sbuf *sb, const char *name, int fd, const struct sockaddr *sa,
		const socklen_t *len, socklen_t len_in, long rc)
{
	sb_printf(sb, "%s(", name);
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	out_sockaddr(sb, sa, len, len_in, rc);
	sb_puts(sb, ", ");
	out_vrlen(sb, len, len_in, rc);
}

void fmt_accept4_flags(struct sbuf *sb, int flags)
{
	sb_puts(sb, ", ");
	dec_flags(sb, xlat_sock_flags, (unsigned)flags);
}

void fmt_sendto(struct sbuf *sb, int fd, const void *buf, size_t n, int flags,
		const struct sockaddr *to, socklen_t tolen)
{
	int proto = 0;
	int domain = trace_fd_domain(fd, &proto);
	sb_puts(sb, "sendto(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_payload(sb, domain, proto, buf, n);
	sb_printf(sb, ", %zu, ", n);
	dec_flags(sb, xlat_msg_flags, (unsigned)flags);
	sb_puts(sb, ", ");
	dec_sockaddr(sb, to, tolen);
	sb_printf(sb, ", %u)", (unsigned)tolen);
}

void fmt_recvfrom(struct sbuf *sb, int fd, const void *buf, size_t n, int flags,
		  const struct sockaddr *from, const socklen_t *fromlen, socklen_t fromlen_in, long rc)
{
	int proto = 0;
	int domain = trace_fd_domain(fd, &proto);
	sb_puts(sb, "recvfrom(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	if (rc < 0)
		dec_ptr(sb, buf);
	else
		dec_payload(sb, domain, proto, buf, (size_t)rc < n ? (size_t)rc : n);
	sb_printf(sb, ", %zu, ", n);
	dec_flags(sb, xlat_msg_flags, (unsigned)flags);
	sb_puts(sb, ", ");
	out_sockaddr(sb, from, fromlen, fromlen_in, rc);
	sb_puts(sb, ", ");
	out_vrlen(sb, fromlen, fromlen_in, rc);
	sb_putc(sb, ')');
}

void fmt_sendmsg(struct sbuf *sb, int fd, const struct msghdr *msg, int flags)
{
	int proto = 0;
	int domain = trace_fd_domain(fd, &proto);
	sb_puts(sb, "sendmsg(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_msghdr(sb, msg, -1, domain, proto);
	sb_puts(sb, ", ");
	dec_flags(sb, xlat_msg_flags, (unsigned)flags);
	sb_putc(sb, ')');
}

void fmt_recvmsg(struct sbuf *sb, int fd, const struct msghdr *msg, socklen_t namelen_in, int flags, long rc)
{
	int proto = 0;
	int domain = trace_fd_domain(fd, &proto);
	sb_puts(sb, "recvmsg(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	if (rc < 0)
		sb_printf(sb, "{msg_namelen=%u}", (unsigned)namelen_in);
	else
		dec_msghdr_vr(sb, msg, namelen_in, rc, domain, proto);
	sb_puts(sb, ", ");
	dec_flags(sb, xlat_msg_flags, (unsigned)flags);
	sb_putc(sb, ')');
}

void fmt_setsockopt(struct sbuf *sb, int fd, int level, int name, const void *val, socklen_t len)
{
	sb_puts(sb, "setsockopt(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_sockopt_name(sb, level, name);
	sb_puts(sb, ", ");
	if (val)
		dec_sockopt_value(sb, level, name, val, len);
	else
		sb_puts(sb, "NULL");
	sb_printf(sb, ", %u)", (unsigned)len);
}

void fmt_getsockopt(struct sbuf *sb, int fd, int level, int name, const void *val,
		    const socklen_t *len, socklen_t len_in, long rc)
{
	sb_puts(sb, "getsockopt(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_sockopt_name(sb, level, name);
	sb_puts(sb, ", ");
	if (rc < 0 || !val || !len)
		dec_ptr(sb, val);
	else
		dec_sockopt_value(sb, level, name, val, *len < len_in ? *len : len_in);
	sb_puts(sb, ", ");
	out_vrlen(sb, len, len_in, rc);
	sb_putc(sb, ')');
}

void fmt_shutdown(struct sbuf *sb, int fd, int how)
{
	sb_puts(sb, "shutdown(");
	dec_fd(sb, fd);
	sb_puts(sb, ", ");
	dec_xval(sb, xlat_shut_how, (unsigned)how, "SHUT_???", 1);
	sb_putc(sb, ')');
}

void fmt_close(struct sbuf *sb, int fd)
{
	sb_puts(sb, "close(");
	dec_fd(sb, fd);
	sb_putc(sb, ')');
}

/* ---- the wrappers --------------------------------------------------------- */

/* bind and connect, noting what they did for -yy's decorations */
static int bind_noted(int fd, const struct sockaddr *sa, socklen_t len)
{
	int rc = bind(fd, sa, len);
	if (rc == 0)
		fd_flag(fd, TRACE_FD_BOUND);
	return rc;
}

static int connect_noted(int fd, const struct sockaddr *sa, socklen_t len)
{
	int rc = connect(fd, sa, len);
	if (rc == 0)
		fd_flag(fd, TRACE_FD_CONNECTED);
	return rc;
}

#define TRACED(rtype, call, fmt) TRACED_R(rtype, call, fmt, RESTART_NONE)
#define TRACED_R(rtype, call, fmt, rs)                   \
	struct tcall c;                                  \
	tc_begin(&c);                                    \
	tc_fd(&c, fd);                                   \
	c.restart = (rs);                                \
	rtype rc = call;                                 \
	tc_end(&c, (long)rc);                            \
	if (trace_cfg.enabled) {                         \
		fmt;                                     \
	}                                                \
	errno = tc_emit(&c, (long)rc);                   \
	return rc

int t_socket(int domain, int type, int protocol)
{
	struct tcall c;
	tc_begin(&c);
	c.rc_fd = 1;
	int rc = socket(domain, type, protocol);
	tc_end(&c, rc);
	if (rc >= 0)
		trace_fd_set(rc, domain, type, protocol);
	if (trace_cfg.enabled)
		fmt_socket(&c.text, domain, type, protocol);
	errno = tc_emit(&c, rc);
	return rc;
}

int t_socketpair(int domain, int type, int protocol, int sv[2])
{
	struct tcall c;
	tc_begin(&c);
	int rc = socketpair(domain, type, protocol, sv);
	tc_end(&c, rc);
	if (rc == 0) {
		trace_fd_set(sv[0], domain, type, protocol);
		trace_fd_set(sv[1], domain, type, protocol);
		fd_flag(sv[0], TRACE_FD_CONNECTED);
		fd_flag(sv[1], TRACE_FD_CONNECTED);
		if (trace_cfg.decorate > 1)
			fdview_note_pair(sv);
	}
	if (trace_cfg.enabled)
		fmt_socketpair(&c.text, domain, type, protocol, sv, rc);
	errno = tc_emit(&c, rc);
	return rc;
}

int t_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	TRACED(int, bind_noted(fd, sa, len), fmt_bind(&c.text, "bind", fd, sa, len));
}

int t_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	TRACED_R(int, connect_noted(fd, sa, len), fmt_bind(&c.text, "connect", fd, sa, len),
		 trace_fd_restart(fd, 1));
}

int t_listen(int fd, int backlog)
{
	TRACED(int, listen(fd, backlog), fmt_listen(&c.text, fd, backlog));
}

/* An accepted socket is of the listening socket's kind. */
static void inherit_kind(int from, int to)
{
	int proto = 0;
	int domain = trace_fd_domain(from, &proto);
	if (to >= 0 && from >= 0 && from < FD_SLOTS) {
		trace_fd_set(to, domain, LOAD(fd_kinds[from].type), proto);
		fd_flag(to, TRACE_FD_CONNECTED);
	}
}

/* accept and accept4 up to the call: the listening socket as it is, and under
 * -yy the sock_diag socket the new one's decoration may need */
static void accept_begin(struct tcall *c, int fd)
{
	tc_begin(c);
	if (trace_cfg.enabled && trace_cfg.decorate > 1)
		fdview_before_new_fds(fd);
	tc_fd(c, fd);
	c->rc_fd = 1;
	c->restart = trace_fd_restart(fd, 0);
}

int t_accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	socklen_t in = len ? *len : 0;
	struct tcall c;
	accept_begin(&c, fd);
	int rc = accept(fd, sa, len);
	tc_end(&c, rc);
	inherit_kind(fd, rc);
	if (trace_cfg.enabled) {
		fmt_accept(&c.text, "accept", fd, sa, len, in, rc);
		sb_putc(&c.text, ')');
	}
	errno = tc_emit(&c, rc);
	return rc;
}

int t_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	socklen_t in = len ? *len : 0;
	struct tcall c;
	accept_begin(&c, fd);
	int rc = accept4(fd, sa, len, flags);
	tc_end(&c, rc);
	inherit_kind(fd, rc);
	if (trace_cfg.enabled) {
		fmt_accept(&c.text, "accept4", fd, sa, len, in, rc);
		fmt_accept4_flags(&c.text, flags);
		sb_putc(&c.text, ')');
	}
	errno = tc_emit(&c, rc);
	return rc;
}

int t_getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	socklen_t in = len ? *len : 0;
	TRACED(int, getsockname(fd, sa, len),
	       (fmt_accept(&c.text, "getsockname", fd, sa, len, in, rc), sb_putc(&c.text, ')')));
}

int t_getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	socklen_t in = len ? *len : 0;
	TRACED(int, getpeername(fd, sa, len),
	       (fmt_accept(&c.text, "getpeername", fd, sa, len, in, rc), sb_putc(&c.text, ')')));
}

/* send() is the sendto system call with no address. */
ssize_t t_send(int fd, const void *buf, size_t n, int flags)
{
	TRACED_R(ssize_t, send(fd, buf, n, flags), fmt_sendto(&c.text, fd, buf, n, flags, NULL, 0),
		 trace_fd_restart(fd, 1));
}

ssize_t t_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
	TRACED_R(ssize_t, sendto(fd, buf, n, flags, to, tolen),
		 fmt_sendto(&c.text, fd, buf, n, flags, to, tolen), trace_fd_restart(fd, 1));
}

/* recv() is the recvfrom system call with no address. */
ssize_t t_recv(int fd, void *buf, size_t n, int flags)
{
	TRACED_R(ssize_t, recv(fd, buf, n, flags),
		 fmt_recvfrom(&c.text, fd, buf, n, flags, NULL, NULL, 0, rc), trace_fd_restart(fd, 0));
}

ssize_t t_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	socklen_t in = fromlen ? *fromlen : 0;
	TRACED_R(ssize_t, recvfrom(fd, buf, n, flags, from, fromlen),
		 fmt_recvfrom(&c.text, fd, buf, n, flags, from, fromlen, in, rc), trace_fd_restart(fd, 0));
}

ssize_t t_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	TRACED_R(ssize_t, sendmsg(fd, msg, flags), fmt_sendmsg(&c.text, fd, msg, flags),
		 trace_fd_restart(fd, 1));
}

ssize_t t_recvmsg(int fd, struct msghdr *msg, int flags)
{
	socklen_t in = msg->msg_namelen;
	/* descriptors may come (SCM_RIGHTS): under -yy, sock_diag first, as for accept */
	if (trace_cfg.enabled && trace_cfg.decorate > 1 && msg->msg_controllen)
		fdview_before_new_fds(fd);
	TRACED_R(ssize_t, recvmsg(fd, msg, flags), fmt_recvmsg(&c.text, fd, msg, in, flags, rc),
		 trace_fd_restart(fd, 0));
}

int t_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct tcall c;
	tc_begin(&c);
	tc_fd(&c, fd);
	int rc = setsockopt(fd, level, name, val, len);
	tc_end(&c, rc);
	note_timeout(fd, level, name, val, len, rc);
	if (trace_cfg.enabled)
		fmt_setsockopt(&c.text, fd, level, name, val, len);
	errno = tc_emit(&c, rc);
	return rc;
}

int t_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	socklen_t in = len ? *len : 0;
	TRACED(int, getsockopt(fd, level, name, val, len),
	       fmt_getsockopt(&c.text, fd, level, name, val, len, in, rc));
}

void fmt_sockatmark(struct sbuf *sb, int fd, const int *mark, long rc)
{
	sb_printf(sb, "ioctl(%d, SIOCATMARK, ", fd);
	if (rc < 0)
		dec_ptr(sb, mark);
	else
		sb_printf(sb, "[%d]", *mark);
	sb_putc(sb, ')');
}

int t_sockatmark(int fd)
{
	int mark = 0;
	struct tcall c;
	tc_begin(&c);
	int rc = ioctl(fd, SIOCATMARK, &mark);
	tc_end(&c, rc);
	if (trace_cfg.enabled)
		fmt_sockatmark(&c.text, fd, &mark, rc);
	errno = tc_emit(&c, rc);
	return rc < 0 ? -1 : mark;
}

int t_shutdown(int fd, int how)
{
	TRACED(int, shutdown(fd, how), fmt_shutdown(&c.text, fd, how));
}

int t_close(int fd)
{
	struct tcall c;
	tc_begin(&c);
	tc_fd(&c, fd);
	int rc = close(fd);
	tc_end(&c, rc);
	trace_fd_set(fd, AF_UNSPEC, 0, 0);
	if (trace_cfg.enabled)
		fmt_close(&c.text, fd);
	errno = tc_emit(&c, rc);
	return rc;
}
