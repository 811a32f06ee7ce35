/*
 * AF_UNIX: sockets between processes of one machine, named by a file path
 * or by an abstract name (@name: no file, gone with the last socket), over
 * SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET.
 *
 * What changes from AF_INET: a sockaddr_un of up to 110 bytes whose length
 * is what counts (2 + the path and its NUL; 2 + NUL + the name, without
 * trailing NULs, for an abstract name), no ports, no protocol (0 prints as
 * 0), clients that stay unnamed unless they bind (a datagram client must,
 * or the server cannot answer), a socket file that outlives its server,
 * file permissions as access control, the peer's credentials from the
 * kernel (SO_PEERCRED, SCM_CREDENTIALS) and descriptors passed along
 * (SCM_RIGHTS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/skeleton.h"
#include "../common/trace.h"
#include "../common/i18n.h"
#include "families.h"

#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))   /* 108, with the NUL */

static const struct sock_kind unix_kinds[] = {
	{ "stream", "SOCK_STREAM", SOCK_STREAM, 0 },
	{ "dgram", "SOCK_DGRAM", SOCK_DGRAM, 0 },
	{ "seqpacket", "SOCK_SEQPACKET", SOCK_SEQPACKET, 0 },
	{ NULL, NULL, 0, 0 },
};

/* One run's state: a process runs one server or one client. */
static struct {
	int abstract;              /* the server's name is abstract */
	int have_mode;             /* --mode given */
	mode_t mode;
	int passcred;              /* server --passcred */
	int send_fd;               /* client --send-fd: the open file, or -1 */
	const char *send_fd_path;
	int send_cred;             /* client --cred */
	int server_bound;          /* our socket file exists: remove it at exit */
	dev_t dev;                 /* ... if it is still this file */
	ino_t ino;
	int lock_fd;               /* PATH.lock, flock()ed while the server owns PATH, or -1 */
	char lock_path[PATH_MAX];
	int umask_set;             /* --mode: the umask bind() creates the file with */
	mode_t old_umask;
	struct sockaddr_un own;    /* a datagram client's own name */
	socklen_t own_len;
	int own_bound;
} un = { .send_fd = -1, .lock_fd = -1 };

static const struct sockaddr_un *server_sun(const struct session *s)
{
	return (const struct sockaddr_un *)&s->server.ss;
}

/* Fills sun from a path or @name; the length it takes, or 0 with a reason in err. */
static socklen_t make_sun(struct sockaddr_un *sun, const char *name, const char *what, struct sbuf *err)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	size_t n = strlen(name);
	if (name[0] == '@') {
		if (n == 1) {
			sb_printf(err, _("%s: an abstract name needs a character after the @: write @NAME"), what);
			return 0;
		}
		if (n > SUN_PATH_MAX) {
			sb_printf(err, _("%s: the abstract name is %zu bytes; sun_path holds %zu after its "
				  "leading NUL (nothing is truncated)"), what, n - 1, SUN_PATH_MAX - 1);
			return 0;
		}
		memcpy(sun->sun_path + 1, name + 1, n - 1);   /* sun_path[0] stays NUL */
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	if (n == 0) {
		sb_printf(err, _("%s: an empty path names no socket"), what);
		return 0;
	}
	if (n >= SUN_PATH_MAX) {
		sb_printf(err, _("%s: the path is %zu bytes; sun_path holds at most %zu and its NUL "
			  "(nothing is truncated: use a shorter or relative path)"), what, n, SUN_PATH_MAX - 1);
		return 0;
	}
	memcpy(sun->sun_path, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/*
 * A directory only its owner can enter: ours (the effective uid), a real
 * directory (not a symbolic link), no permission bits for group or others.
 * 0, or -1 with the reason in err.
 */
static int private_dir_ok(const char *dir, const char *what, struct sbuf *err)
{
	struct stat st;
	if (lstat(dir, &st) < 0) {
		sb_printf(err, "%s %s: %s", what, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		sb_printf(err, _("%s %s is not a directory (a symbolic link?): not using it"), what, dir);
	else if (st.st_uid != geteuid())
		sb_printf(err, _("%s %s belongs to uid %u, not to us (uid %u): another user may be waiting there "
			  "for our clients; not using it (remove it, or give -a)"), what, dir, (unsigned)st.st_uid,
			  (unsigned)geteuid());
	else if (st.st_mode & 077)
		sb_printf(err, _("%s %s has mode %04o: others can enter it, so not using it (chmod 700 it, or "
			  "give -a)"), what, dir, (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return -1;
}

/*
 * The default socket's directory: $XDG_RUNTIME_DIR (the login session's own,
 * mode 0700), else $TMPDIR/sockfam-UID (or /tmp/sockfam-UID), which the
 * server makes with mode 0700. Either is checked before use, by the server
 * and by the client: another user who made the directory first (or a
 * symbolic link there) is refused, never answered. Two terminals of one
 * user compute the same directory; two users never share one.
 */
static int default_dir(const struct session *s, char *dir, size_t cap, struct sbuf *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && xdg[0] == '/') {
		snprintf(dir, cap, "%s", xdg);
		return private_dir_ok(dir, "$XDG_RUNTIME_DIR", err);
	}
	const char *tmp = getenv("TMPDIR");
	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(dir, cap, "%s/sockfam-%u", tmp, (unsigned)geteuid()) >= cap) {
		sb_printf(err, _("$TMPDIR is too long for a socket path: give -a"));
		return -1;
	}
	if (s->role == ROLE_SERVER && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		sb_printf(err, _("cannot make the directory %s: %s"), dir, strerror(errno));
		return -1;
	}
	if (s->role == ROLE_CLIENT && access(dir, F_OK) < 0 && errno == ENOENT)
		return 0;   /* no server made it yet: connect() says there is no socket */
	return private_dir_ok(dir, _("the directory"), err);
}

static int unix_resolve(struct session *s, const char *addr, int port, struct sbuf *err)
{
	char def[PATH_MAX];
	(void)port;   /* no -p: this family has no ports */
	if (s->tls && (un.send_fd >= 0 || un.send_cred || un.passcred)) {
		/* resolve runs once every option is known */
		sb_puts(err, _("--send-fd, --cred and --passcred travel in control messages beside the bytes, "
			"and TLS carries only bytes: they do not go with --tls"));
		return -1;
	}
	if (!addr) {
		if (default_dir(s, def, sizeof def - 32, err) < 0)
			return -1;
		snprintf(def + strlen(def), 32, "/%s.sock", s->kind->name);
		addr = def;
	}
	char what[64 + 32];
	snprintf(what, sizeof what, "'%.60s%s'", addr, strlen(addr) > 60 ? "..." : "");
	memset(&s->server, 0, sizeof s->server);
	s->server.len = make_sun((struct sockaddr_un *)&s->server.ss, addr, what, err);
	if (!s->server.len)
		return -1;
	un.abstract = addr[0] == '@';
	if (un.abstract && un.have_mode) {
		sb_printf(err, _("--mode: an abstract name has no file, so no permissions to set"));
		return -1;
	}
	return 0;
}

static void unix_describe(const struct sockaddr *sa, socklen_t len, struct sbuf *out)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (sa->sa_family != AF_UNIX || len <= off) {
		sb_puts(out, _("an unnamed socket"));
		return;
	}
	size_t n = len - off;
	if (n > SUN_PATH_MAX)
		n = SUN_PATH_MAX;
	if (sun->sun_path[0])
		sb_printf(out, "%.*s", (int)strnlen(sun->sun_path, n), sun->sun_path);
	else
		sb_printf(out, _("@%.*s (abstract)"), (int)(n - 1), sun->sun_path + 1);
}

/*
 * Who owns a socket path: the server holding an flock() on PATH.lock, a
 * file beside it, from before bind until exit. The kernel drops the lock
 * when the process ends, however it ends, so a killed server's lock is free
 * at once. Without the lock, a second server started while the first was
 * between bind() and listen() saw connect() refused, took the first one's
 * live file for stale and removed it; with it, the second one never gets
 * that far. (Bind-then-rename would not do: two servers can each find the
 * file stale, and the second removal takes the first's fresh file.)
 * Taken: 0. Another server holds it, or it cannot be taken: -1, said.
 */
/* The lock's descriptor moved out of the way (to 64, or the highest the limit
 * allows), so the sockets keep the numbers a textbook server's have. */
static int high_fd(int fd)
{
	struct rlimit rl;
	int want = 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= (rlim_t)want)
		want = (int)rl.rlim_cur - 1;
	if (want <= fd)
		return fd;
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, want);
	if (hi < 0)
		return fd;
	close(fd);
	return hi;
}

static int take_lock(struct session *s, const char *path)
{
	if ((size_t)snprintf(un.lock_path, sizeof un.lock_path, "%s.lock", path) >= sizeof un.lock_path) {
		fprintf(stderr, _("%s: %s.lock: the path is too long\n"), s->prog, path);
		return -1;
	}
	for (int tries = 0; tries < 10; tries++) {
		/* O_NOFOLLOW: a symbolic link put there is refused, never followed */
		int fd = open(un.lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, _("%s: cannot open the lock file %s: %s\n"), s->prog, un.lock_path,
				strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				fprintf(stderr, _("%s: a live server is using %s (it holds %s): not touching its "
					"socket\n"), s->prog, path, un.lock_path);
			else
				fprintf(stderr, _("%s: cannot lock %s: %s\n"), s->prog, un.lock_path, strerror(e));
			return -1;
		}
		/* the server before us may have removed the file at its exit after we
		 * opened it: a lock on a removed file guards nothing, so open it again */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && lstat(un.lock_path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino && S_ISREG(b.st_mode)) {
			un.lock_fd = high_fd(fd);
			return 0;
		}
		close(fd);
	}
	fprintf(stderr, _("%s: %s keeps changing under us: not using %s\n"), s->prog, un.lock_path, path);
	return -1;
}

/*
 * Before bind: the lock first. With it held, a socket file at the path was
 * left by a server that is gone (or by a program that takes no lock): asked
 * with connect() whether anyone still accepts on it; refused means stale,
 * and it is removed. A live socket and anything that is not a socket stay
 * untouched. --mode: the umask bind() creates the file with, so the file
 * has its mode from the start (no chmod of a path afterwards, which a
 * symbolic link swapped in could redirect).
 */
static int unix_before_bind(struct session *s, int fd)
{
	const struct sockaddr_un *sun = server_sun(s);
	struct stat st;
	(void)fd;
	if (un.abstract)
		return 0;   /* bind() itself refuses a name in use, atomically */
	if (take_lock(s, sun->sun_path) < 0)
		return -1;
	if (lstat(sun->sun_path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, _("%s: %s exists and is not a socket: leaving it alone; "
			"pick another path with -a\n"), s->prog, sun->sun_path);
		return -1;
	}
	if (lstat(sun->sun_path, &st) == 0) {
		printf(_("%s: %s is already a socket file; asking with connect() whether a server "
		       "still answers there\n"), s->prog, sun->sun_path);
		int probe = t_socket(AF_UNIX, s->kind->type, 0);
		if (probe < 0) {
			skel_fail(s, "socket", errno, _("creating a probe socket"));
			return -1;
		}
		int rc = t_connect(probe, EP_SA(&s->server), s->server.len);
		int err = errno;
		t_close(probe);
		if (rc == 0 || err == EPROTOTYPE) {
			fprintf(stderr, rc == 0 ? _("%s: a live server is using %s: not removing its socket\n")
						: _("%s: a live server of another socket type is using %s: not removing "
						    "its socket\n"),
				s->prog, sun->sun_path);
			return -1;
		}
		if (err != ECONNREFUSED && err != ENOENT) {
			skel_fail(s, "connect", err, _("cannot tell whether %s is in use, so leaving it"),
				  sun->sun_path);
			return -1;
		}
		if (err == ECONNREFUSED) {
			if (unlink(sun->sun_path) < 0 && errno != ENOENT) {
				fprintf(stderr, _("%s: cannot remove the stale socket %s: %s\n"), s->prog,
					sun->sun_path, strerror(errno));
				return -1;
			}
			printf(_("%s: connection refused: nobody accepts on %s, its server is gone; "
			       "removed the stale socket file\n"), s->prog, sun->sun_path);
		}
	}
	if (un.have_mode) {
		un.old_umask = umask(0777 & ~un.mode);
		un.umask_set = 1;
	}
	return 0;
}

static void restore_umask(void)
{
	if (un.umask_set)
		umask(un.old_umask);
	un.umask_set = 0;
}

static int unix_after_bind(struct session *s, int fd)
{
	const struct sockaddr_un *sun = server_sun(s);
	struct stat st;
	restore_umask();
	if (!un.abstract) {
		if (lstat(sun->sun_path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
			fprintf(stderr, _("%s: %s is no longer the socket bind() made (replaced or removed at "
				"once): not serving there\n"), s->prog, sun->sun_path);
			return -1;
		}
		un.server_bound = 1;
		un.dev = st.st_dev;
		un.ino = st.st_ino;
	}
	if (un.have_mode)
		printf(_("%s: %s was made with mode %04o (bind() under umask %04o; connecting needs write "
		       "permission on it)\n"), s->prog, sun->sun_path, (unsigned)un.mode, (unsigned)(0777 & ~un.mode));
	if (un.passcred && s->kind->type == SOCK_DGRAM) {
		int one = 1;
		if (t_setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
			skel_fail(s, "setsockopt", errno, _("setting SO_PASSCRED"));
			return -1;
		}
	}
	return 0;
}

/* A connected peer: who it is, as the kernel saw it at connect(). */
static void unix_server_peer(struct session *s, int cfd)
{
	struct ucred uc;
	socklen_t len = sizeof uc;
	if (t_getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0)
		printf(_("%s: the peer is pid %d, uid %u, gid %u (SO_PEERCRED)\n"), s->prog, (int)uc.pid,
		       (unsigned)uc.uid, (unsigned)uc.gid);
	else
		skel_fail(s, "getsockopt", errno, _("asking for the peer's credentials"));
	if (un.passcred) {
		int one = 1;
		if (t_setsockopt(cfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
			skel_fail(s, "setsockopt", errno, _("setting SO_PASSCRED"));
	}
}

/* What a passed descriptor holds: up to 1 KiB of it, waiting at most a second. */
static void read_passed_fd(struct session *s, int pfd)
{
	char buf[1024];
	struct pollfd p = { pfd, POLLIN, 0 };
	ssize_t n = -1;
	if (t_poll(&p, 1, 1000) == 1)
		do
			n = read(pfd, buf, sizeof buf);
		while (n < 0 && errno == EINTR);
	if (n < 0) {
		printf(_("%s: the client passed descriptor %d (SCM_RIGHTS), which cannot be read now\n"),
		       s->prog, pfd);
		return;
	}
	size_t shown = (size_t)n;
	while (shown && (buf[shown - 1] == '\n' || buf[shown - 1] == '\r'))
		shown--;
	printf(_("%s: the client passed descriptor %d (SCM_RIGHTS); read %zd bytes from it: %.*s\n"),
	       s->prog, pfd, n, (int)shown, buf);
}

static void unix_server_control(struct session *s, int fd, struct msghdr *msg)
{
	(void)fd;
	if (msg->msg_flags & MSG_CTRUNC)
		printf(_("%s: control data did not fit (MSG_CTRUNC): some of it was lost\n"), s->prog);
	const unsigned char *end = (const unsigned char *)msg->msg_control + msg->msg_controllen;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || CMSG_DATA(c) > end)
			continue;
		/* the data that cmsg_len claims, but never past the buffer */
		size_t dlen = c->cmsg_len > CMSG_LEN(0) ? c->cmsg_len - CMSG_LEN(0) : 0;
		if (dlen > (size_t)(end - CMSG_DATA(c)))
			dlen = (size_t)(end - CMSG_DATA(c));
		if (c->cmsg_type == SCM_RIGHTS) {
			for (size_t i = 0; i + sizeof(int) <= dlen; i += sizeof(int)) {
				int pfd;
				memcpy(&pfd, CMSG_DATA(c) + i, sizeof pfd);
				read_passed_fd(s, pfd);
				close(pfd);   /* a file, not a socket: not part of the trace */
			}
		} else if (c->cmsg_type == SCM_CREDENTIALS && dlen >= sizeof(struct ucred)) {
			struct ucred uc;
			memcpy(&uc, CMSG_DATA(c), sizeof uc);
			if (uc.pid == 0)   /* with end of stream: no sender */
				continue;
			printf(_("%s: the kernel vouches the sender is pid %d, uid %u, gid %u (SCM_CREDENTIALS)\n"),
			       s->prog, (int)uc.pid, (unsigned)uc.uid, (unsigned)uc.gid);
		}
	}
}

/* A datagram client binds a name of its own: an unnamed sender cannot be answered. */
static int unix_before_connect(struct session *s, int fd)
{
	char name[SUN_PATH_MAX + 64];
	if (s->kind->type != SOCK_DGRAM)
		return 0;
	const struct sockaddr_un *sun = server_sun(s);
	if (un.abstract) {
		snprintf(name, sizeof name, "@%.*s-client-%d",
			 (int)(s->server.len - offsetof(struct sockaddr_un, sun_path) - 1), sun->sun_path + 1,
			 (int)getpid());
	} else {
		const char *slash = strrchr(sun->sun_path, '/');
		int dirlen = slash ? (int)(slash - sun->sun_path) : 0;
		snprintf(name, sizeof name, "%.*s%sunix-client-%d.sock", dirlen, sun->sun_path,
			 slash ? "/" : "", (int)getpid());
		if (slash == sun->sun_path)
			snprintf(name, sizeof name, "/unix-client-%d.sock", (int)getpid());
	}
	struct sbuf err = SBUF_INIT;
	un.own_len = make_sun(&un.own, name, _("our own name"), &err);
	if (!un.own_len) {
		fprintf(stderr, "%s: %s\n", s->prog, sb_str(&err));
		sb_free(&err);
		return -1;
	}
	sb_free(&err);
	if (t_bind(fd, (struct sockaddr *)&un.own, un.own_len) < 0) {
		skel_fail(s, "bind", errno, _("binding our own name %s"), name);
		return -1;
	}
	un.own_bound = 1;
	printf(un.abstract ? _("%s: bound our own name %s so the server can answer\n")
			   : _("%s: bound our own name %s so the server can answer (removed at exit)\n"),
	       s->prog, name);
	return 0;
}

static size_t unix_client_control(struct session *s, int fd, void *buf, size_t cap)
{
	size_t used = 0;
	(void)fd;
	if (cap < CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred)))
		return 0;
	memset(buf, 0, cap);
	if (un.send_fd >= 0) {
		struct cmsghdr *c = (struct cmsghdr *)((char *)buf + used);
		c->cmsg_len = CMSG_LEN(sizeof(int));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(c), &un.send_fd, sizeof(int));
		used += CMSG_SPACE(sizeof(int));
		printf(_("%s: passing descriptor %d (%s) along with the first message (SCM_RIGHTS)\n"),
		       s->prog, un.send_fd, un.send_fd_path);
	}
	if (un.send_cred) {
		struct ucred uc = { getpid(), getuid(), getgid() };
		struct cmsghdr *c = (struct cmsghdr *)((char *)buf + used);
		c->cmsg_len = CMSG_LEN(sizeof uc);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		memcpy(CMSG_DATA(c), &uc, sizeof uc);
		used += CMSG_SPACE(sizeof uc);
		printf(_("%s: sending our credentials with the first message (SCM_CREDENTIALS)\n"), s->prog);
	}
	return used;
}

static void unix_cleanup(struct session *s)
{
	struct stat st;
	const struct sockaddr_un *sun = server_sun(s);
	/* Only the file we made: another server may have replaced it meanwhile. */
	if (un.server_bound && lstat(sun->sun_path, &st) == 0 && st.st_dev == un.dev && st.st_ino == un.ino &&
	    unlink(sun->sun_path) == 0)
		printf(_("%s: removed our socket file %s\n"), s->prog, sun->sun_path);
	un.server_bound = 0;
	restore_umask();
	if (un.lock_fd >= 0) {
		/* removed while still held, so whoever opens the path next makes a new one */
		unlink(un.lock_path);
		close(un.lock_fd);
		un.lock_fd = -1;
	}
	if (un.own_bound && un.own.sun_path[0])
		unlink(un.own.sun_path);
	un.own_bound = 0;
	if (un.send_fd >= 0)
		close(un.send_fd);
	un.send_fd = -1;
}

static const char *unix_explain(const struct session *s, const char *call, int err)
{
	int reach = !strcmp(call, "connect") || !strcmp(call, "sendto") || !strcmp(call, "sendmsg");
	if (reach && err == ENOENT)
		return un.abstract ? _("no socket has that abstract name: is the server running?")
				   : _("there is no socket file at that path: is the server running?");
	if (reach && err == ECONNREFUSED)
		return un.abstract ? _("nobody receives on that name")
				   : _("the socket file is there but nothing accepts on it: a stale socket "
				     "left by a server that is gone");
	if (reach && (err == EACCES || err == EPERM))
		return _("permission denied: connecting needs write permission on the socket file "
		       "(and search permission on its directories)");
	if (reach && err == EPROTOTYPE)
		return _("the socket there is of another type: use the server's -k");
	if (reach && err == ENOTDIR)
		return _("a component of the path is not a directory");
	if (!strcmp(call, "bind") && err == EADDRINUSE)
		return un.abstract || s->role == ROLE_CLIENT ? _("that name is taken by another socket")
							     : _("a file appeared at that path meanwhile");
	if (!strcmp(call, "bind") && err == EACCES)
		return _("no permission to create a file in that directory");
	if (!strcmp(call, "bind") && err == ENOENT)
		return _("a directory on the way does not exist");
	return NULL;
}

/*
 * bin/compare: socket file n of a run in the run's scratch directory; when
 * that path would not fit into sun_path (a long $TMPDIR), an abstract name
 * made of the directory's unique name instead. No ports.
 */
static int unix_test_address(const struct sock_kind *k, const char *dir, int n,
			     struct sbuf *addr, int *port, struct sbuf *err)
{
	(void)k, (void)err;
	char path[SUN_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/s%d.sock", dir, n);
	if (strlen(path) < SUN_PATH_MAX) {
		sb_puts(addr, path);
	} else {
		const char *base = strrchr(dir, '/');
		sb_printf(addr, "@%.60s-s%d", base ? base + 1 : dir, n);
	}
	*port = -1;
	return 0;
}

/* A closed socket's file stays: bin/compare removes it (an abstract name is gone already). */
static void unix_test_release(const struct endpoint *ep)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ep->ss;
	if (ep->len > offsetof(struct sockaddr_un, sun_path) && sun->sun_family == AF_UNIX &&
	    sun->sun_path[0])
		unlink(sun->sun_path);
}

static int opt_mode(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	size_t n = strlen(arg);
	if (n == 0 || n > 4 || strspn(arg, "01234567") != n || strtol(arg, NULL, 8) > 0777) {
		sb_printf(err, _("invalid mode '%s': give octal permission bits, like 0600"), arg);
		return -1;
	}
	un.mode = (mode_t)strtol(arg, NULL, 8);
	un.have_mode = 1;
	return 0;
}

static int opt_passcred(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s, (void)arg, (void)err;
	un.passcred = 1;
	return 0;
}

static int opt_send_fd(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s;
	if (un.send_fd >= 0)
		close(un.send_fd);
	un.send_fd = open(arg, O_RDONLY | O_CLOEXEC);
	if (un.send_fd < 0) {
		sb_printf(err, _("--send-fd: cannot open '%s': %s"), arg, strerror(errno));
		return -1;
	}
	un.send_fd_path = arg;
	return 0;
}

static int opt_cred(struct session *s, const char *arg, struct sbuf *err)
{
	(void)s, (void)arg, (void)err;
	un.send_cred = 1;
	return 0;
}

static const struct fam_option unix_options[] = {
	{ "mode", "MODE", N_("permissions of the socket file, as bind() makes it (like 0600)"), ROLE_SERVER, opt_mode, 0 },
	{ "passcred", NULL, N_("SO_PASSCRED: receive each sender's credentials (SCM_CREDENTIALS)"), ROLE_SERVER,
	  opt_passcred, 0 },
	{ "send-fd", "FILE", N_("open FILE and pass the descriptor with the first message (SCM_RIGHTS)"),
	  ROLE_CLIENT, opt_send_fd, 0 },
	{ "cred", NULL, N_("send our credentials with the first message (SCM_CREDENTIALS)"), ROLE_CLIENT, opt_cred, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};

const struct family family_unix = {
	.name = "unix",
	.title = N_("AF_UNIX (local)"),
	.domain = AF_UNIX,
	.kinds = unix_kinds,
	.addr_help = N_("socket file PATH, or @NAME (abstract); default $XDG_RUNTIME_DIR/TYPE.sock, else $TMPDIR/sockfam-UID/TYPE.sock (a directory of ours, mode 0700)"),
	.default_port = -1,
	/* a datagram or record is at most the sender's SO_SNDBUF less 32 bytes;
	 * by default that buffer is net.core.wmem_default, 212992 bytes, and a
	 * sender that raises it past that is caught by MSG_TRUNC */
	.max_dgram = 212992,
	.dgram_may_exceed = 1,
	.reuseaddr = 0,
	.resolve = unix_resolve,
	.describe = unix_describe,
	.server_before_bind = unix_before_bind,
	.server_after_bind = unix_after_bind,
	.server_peer = unix_server_peer,
	.client_before_connect = unix_before_connect,
	.cleanup = unix_cleanup,
	.explain = unix_explain,
	.options = unix_options,
	.addr_size = sizeof(struct sockaddr_un),
	.server_control_space = CMSG_SPACE(sizeof(int) * 4) + CMSG_SPACE(sizeof(struct ucred)),
	.server_control = unix_server_control,
	.client_control = unix_client_control,
	.test_address = unix_test_address,
	.test_release = unix_test_release,
};
