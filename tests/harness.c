/* harness: process and trace helpers for the tests (see harness.h). */
#define _GNU_SOURCE
#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *h_tmpdir(void)
{
	char tmpl[] = "/tmp/sockfam-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

/* Removes dir and everything in it, directories too (never following a link). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(path);
			else
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

void h_tmpdir_free(char *dir)
{
	if (!dir)
		return;
	remove_tree(dir);
	free(dir);
}

static pid_t spawn(char *const argv[], int in_fd, int out_fd, const char *errfile)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* A test that fails at an assertion ends before it reaps us: go with it
	 * (strace, when it wraps a program, kills its tracee as it dies). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	int err = open(errfile ? errfile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	if (err >= 0)
		dup2(err, 2);
	if (err > 2)
		close(err);   /* the program starts with 0, 1 and 2 only (a tight ulimit -n counts every one) */
	execv(argv[0], argv);
	_exit(127);
}

int h_spawn(struct h_proc *p, char *const argv[], const char *errfile)
{
	int pipefd[2];
	memset(p, 0, sizeof *p);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	p->pid = spawn(argv, devnull, pipefd[1], errfile);
	close(devnull);
	close(pipefd[1]);
	p->out = pipefd[0];
	return p->pid > 0 ? 0 : -1;
}

int h_start_server(struct h_proc *p, char *const argv[], const char *errfile)
{
	if (h_spawn(p, argv, errfile))
		return -1;
	size_t n = 0, start = 0;
	struct pollfd pfd = { p->out, POLLIN, 0 };
	while (n < sizeof p->head - 1) {
		if (poll(&pfd, 1, 5000) <= 0)
			return -1;
		ssize_t r = read(p->out, p->head + n, 1);
		if (r <= 0)
			return -1;
		if (p->head[n++] != '\n')
			continue;
		p->head[n] = '\0';
		snprintf(p->first, sizeof p->first, "%.*s", (int)(n - 1 - start), p->head + start);
		if (strstr(p->first, "listening on"))
			return 0;
		start = n;
	}
	return -1;
}

int h_port_of(const char *line)
{
	const char *p = strstr(line, " port ");
	return p ? atoi(p + 6) : -1;
}

int h_wait(struct h_proc *p, int timeout_s)
{
	int status = 0;
	for (int i = 0; i < timeout_s * 100; i++) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid)
			goto done;
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &status, 0);
done:
	if (p->out > 0)
		close(p->out);
	p->out = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int h_run(char *const argv[], const char *input, size_t input_len, char **out, const char *errfile)
{
	char tmpl[] = "/tmp/sockfam-in-XXXXXX";
	int in = mkstemp(tmpl);
	if (in < 0)
		return -1;
	unlink(tmpl);
	if (input && write(in, input, input_len) != (ssize_t)input_len)
		return -1;
	lseek(in, 0, SEEK_SET);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	struct h_proc p = { .out = pipefd[0] };
	p.pid = spawn(argv, in, pipefd[1], errfile);
	close(in);
	close(pipefd[1]);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(p.out, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	int status = h_wait(&p, 30);
	if (out)
		*out = buf;
	else
		free(buf);
	return status;
}

char *h_slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	size_t r;
	while ((r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

size_t h_lines(char *text, char ***lines)
{
	size_t n = 0, cap = 16;
	char **v = malloc(cap * sizeof *v);
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		v[n++] = l;
	}
	*lines = v;
	return n;
}

char *h_strace_file(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	char *found = NULL;
	size_t plen = strlen(prefix);
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strncmp(e->d_name, prefix, plen) && e->d_name[plen] == '.' && !found)
			if (asprintf(&found, "%s/%s", dir, e->d_name) < 0)
				found = NULL;
	}
	closedir(d);
	return found;
}

int h_have_strace(void)
{
	return access("/usr/bin/strace", X_OK) == 0;
}

int h_use_shim(void)
{
	if (access(H_SHIM, R_OK) != 0)
		return -1;
	setenv("LD_PRELOAD", H_SHIM, 1);
	const char *asan = getenv("ASAN_OPTIONS");
	char opts[1024];
	snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan ? asan : "", asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	return 0;
}

char *h_strace_compare_all(const char *dir, const char *prefix, const char *own, pid_t main_pid, size_t *same,
			   size_t *total, int *files)
{
	char *first = NULL;
	*files = 0;
	if (h_own_split(own, dir, main_pid) <= 0)
		return strdup("the program's own trace is empty or unreadable");
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t plen = strlen(prefix);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, plen) || e->d_name[plen] != '.')
			continue;
		int pid = atoi(e->d_name + plen + 1);
		char sf[600], of[600];
		snprintf(sf, sizeof sf, "%s/%s", dir, e->d_name);
		snprintf(of, sizeof of, "%s/own.%d", dir, pid);
		if (access(of, F_OK) != 0) {   /* a process that made no call we trace wrote no line */
			FILE *f = fopen(of, "w");
			if (f)
				fclose(f);
		}
		size_t s1;
		char *diff = NULL;
		size_t t1 = h_strace_compare_ex(sf, of, pid != main_pid, &s1, &diff);
		*same += s1;
		*total += t1;
		(*files)++;
		if ((diff || s1 != t1) && !first) {
			size_t n = strlen(diff ? diff : "") + 128;
			first = malloc(n);
			snprintf(first, n, "pid %d%s: %zu of %zu lines identical\n%s", pid,
				 pid == main_pid ? " (main)" : "", s1, t1, diff ? diff : "");
		}
		free(diff);
	}
	if (d)
		closedir(d);
	return first;
}

/* Tracks which descriptors are sockets, from the strace lines themselves. */
static int strace_keep(const char *line, unsigned char *is_sock)
{
	if (!strncmp(line, "+++ ", 4) || !strncmp(line, "--- ", 4))
		return 0;
	/* The result follows the last " = "; short calls pad up to column 40 before it. */
	const char *rs = strrchr(line, '=');
	const char *eq = NULL;
	if (rs) {
		const char *q = rs;
		while (q > line && q[-1] == ' ')
			q--;
		if (q > line && q < rs && q[-1] == ')')
			eq = q - 1;
	}
	long ret = rs ? strtol(rs + 1, NULL, 10) : -1;
	if (!strncmp(line, "fcntl(", 6) && (atoi(line + 6) < 0 || atoi(line + 6) >= 4096 || !is_sock[atoi(line + 6)]))
		return 0;   /* on a file (a lock file's descriptor moved out of the way): not a socket call */
	if (!strncmp(line, "close(", 6)) {
		int fd = atoi(line + 6);
		/* under -y a file or a pipe says so: close(5</proc/self/net/tcp>) */
		const char *deco = line + 6 + strspn(line + 6, "0123456789");
		if (*deco == '<' && (deco[1] == '/' || !strncmp(deco + 1, "pipe:", 5)))
			return 0;
		if (fd < 0 || fd >= 4096 || !is_sock[fd])
			return 0;
		is_sock[fd] = 0;
		return 1;
	}
	if (eq && ret >= 0 && ret < 4096 &&
	    (!strncmp(line, "socket(", 7) || !strncmp(line, "accept(", 7) || !strncmp(line, "accept4(", 8) ||
	     !strncmp(line, "epoll_create1(", 14)))
		is_sock[ret] = 1;
	if (!strncmp(line, "socketpair(", 11) && ret == 0) {
		const char *b = strrchr(line, '[');
		int a, c;
		if (b && sscanf(b, "[%d, %d]", &a, &c) == 2 && a >= 0 && a < 4096 && c >= 0 && c < 4096)
			is_sock[a] = is_sock[c] = 1;
	}
	return 1;
}

size_t h_strace_compare(const char *strace_file, const char *own, size_t *same, char **first_diff)
{
	return h_strace_compare_ex(strace_file, own, 0, same, first_diff);
}

size_t h_strace_compare_ex(const char *strace_file, const char *own, int inherited, size_t *same,
			   char **first_diff)
{
	char *st = h_slurp(strace_file, NULL), *mine = h_slurp(own, NULL);
	char **sl = NULL, **ml = NULL;
	size_t ns = 0, nm = 0, total = 0, k = 0;
	unsigned char is_sock[4096];
	memset(is_sock, inherited ? 1 : 0, sizeof is_sock);
	*same = 0;
	*first_diff = NULL;
	if (!st || !mine) {
		if (asprintf(first_diff, "cannot read %s or %s", strace_file, own) < 0)
			*first_diff = NULL;
		goto out;
	}
	ns = h_lines(st, &sl);
	nm = h_lines(mine, &ml);
	for (size_t i = 0; i < ns; i++) {
		if (!strace_keep(sl[i], is_sock))
			continue;
		total++;
		if (k < nm && !strcmp(sl[i], ml[k])) {
			(*same)++;
		} else if (!*first_diff) {
			if (asprintf(first_diff, "strace: %s\n   own: %s", sl[i], k < nm ? ml[k] : "(nothing)") < 0)
				*first_diff = NULL;
		}
		k++;
	}
	if (k < nm && !*first_diff)
		if (asprintf(first_diff, "own trace has %zu more lines, first: %s", nm - k, ml[k]) < 0)
			*first_diff = NULL;
out:
	free(sl);
	free(ml);
	free(st);
	free(mine);
	return total;
}

int h_own_split(const char *own, const char *dir, int main_pid)
{
	char *text = h_slurp(own, NULL);
	if (!text)
		return -1;
	char **lines;
	size_t n = h_lines(text, &lines);
	int files = 0;
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i];
		int pid = main_pid;
		/* "1234  call(...)": strace -f -o's "%-5d " prefix */
		char *end;
		long v = strtol(l, &end, 10);
		if (end != l && v > 0 && *end == ' ' && (end - l) >= 1) {
			pid = (int)v;
			while (*end == ' ')
				end++;
			l = end;
		}
		char path[512];
		snprintf(path, sizeof path, "%s/own.%d", dir, pid);
		FILE *f = fopen(path, "a");
		if (!f)
			continue;
		/* the prefix counted in the alignment of " = " at column 40: align again */
		const char *eq = NULL;
		for (const char *q = strstr(l, " = "); q; q = strstr(q + 1, " = "))
			eq = q;
		if (l != lines[i] && eq) {
			const char *call_end = eq;
			while (call_end > l && call_end[-1] == ' ')
				call_end--;
			int len = (int)(call_end - l);
			fprintf(f, "%.*s %*s%s\n", len, l, len + 1 < 40 ? 40 - len - 1 : 0, "", eq + 1);
		} else {
			fprintf(f, "%s\n", l);
		}
		fclose(f);
		files++;
	}
	free(lines);
	free(text);
	return files;
}

char *h_refused(char *const argv[], const char *says)
{
	char *dir = h_tmpdir(), errf[300], stf[300], line[600] = "";
	char *why = NULL;
	if (!dir)
		return strdup("no scratch directory");
	snprintf(errf, sizeof errf, "%s/err", dir);
	snprintf(stf, sizeof stf, "%s/st", dir);
	for (int k = 0; argv[k]; k++)
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", k ? " " : "", argv[k]);
	int strace = h_have_strace();
	char *run[64];
	int n = 0;
	if (strace) {
		const char *pre[] = { "/usr/bin/strace", "-f", "-o", stf, "-e", "trace=%network" };
		for (int k = 0; k < 6; k++)
			run[n++] = (char *)pre[k];
	}
	for (int k = 0; argv[k] && n < 63; k++)
		run[n++] = argv[k];
	run[n] = NULL;
	int st = h_run(run, NULL, 0, NULL, errf);
	char *err = h_slurp(errf, NULL);
	const char *e = err ? err : "";
	const char *slash = strrchr(argv[0], '/');
	const char *prog = slash ? slash + 1 : argv[0];
	size_t lines = 0;
	for (const char *p = e; *p; p++)
		lines += *p == '\n';
	char *trace = strace ? h_slurp(stf, NULL) : NULL;
	int r;
	if (st != 2)
		r = asprintf(&why, "%s: exit %d, not 2: %s", line, st, e);
	else if (lines != 1)
		r = asprintf(&why, "%s: stderr is not one line: %s", line, e);
	else if (strncmp(e, prog, strlen(prog)) || e[strlen(prog)] != ':')
		r = asprintf(&why, "%s: the line does not start with \"%s:\": %s", line, prog, e);
	else if (says && !strstr(e, says))
		r = asprintf(&why, "%s: '%s' not in: %s", line, says, e);
	else if (strace && (!trace || strstr(trace, "socket(")))
		r = asprintf(&why, "%s made a socket (or strace failed):\n%s", line, trace ? trace : "");
	else
		r = 0;
	if (r < 0)
		why = strdup(line);
	free(trace);
	free(err);
	h_tmpdir_free(dir);
	return why;
}

int h_connect_stream(int domain, const char *path, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof ss);
	if (domain == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		size_t n = path ? strlen(path) : 0;
		if (!n || n >= sizeof un->sun_path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, path, n);
		if (path[0] == '@')
			un->sun_path[0] = '\0';   /* the abstract namespace: no NUL counted */
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
	} else if (domain == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		in6->sin6_addr = in6addr_loopback;
		len = sizeof *in6;
	}
	int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

pid_t h_tracee_of(pid_t strace_pid)
{
	char path[128];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)strace_pid, (int)strace_pid);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		int pid = 0;
		if (f) {
			if (fscanf(f, "%d", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		/* strace forks short-lived children of its own at the start, to probe
		 * the kernel: the tracee is the child that no longer runs strace */
		char comm[64] = "", cpath[64];
		snprintf(cpath, sizeof cpath, "/proc/%d/comm", pid);
		FILE *c = pid > 0 ? fopen(cpath, "r") : NULL;
		if (c) {
			if (!fgets(comm, sizeof comm, c))
				comm[0] = '\0';
			fclose(c);
		}
		if (pid > 0 && comm[0] && strcmp(comm, "strace\n"))
			return pid;
		usleep(10000);
	}
	return -1;
}

int h_wait_line(struct h_proc *p, const char *text, int timeout_ms)
{
	char line[sizeof p->first];
	size_t n = 0;
	struct pollfd pfd = { p->out, POLLIN, 0 };
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		char c;
		if (read(p->out, &c, 1) != 1)
			return -1;
		if (c != '\n') {
			if (n < sizeof line - 1)
				line[n++] = c;
			continue;
		}
		line[n] = '\0';
		n = 0;
		if (strstr(line, text)) {
			snprintf(p->first, sizeof p->first, "%s", line);
			return 0;
		}
	}
}

char *h_drain(struct h_proc *p)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(p->out, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

char *h_refused_args(const char *prog, const char *const args[], const char *says)
{
	char *argv[16] = { (char *)prog };
	int n = 1;
	for (int k = 0; args[k] && n < 15; k++)
		argv[n++] = (char *)args[k];
	argv[n] = NULL;
	return h_refused(argv, says);
}

/* Children of pid: how many, how many zombies; their pids into kids (up to max). */
int h_children(pid_t pid, int *zombies, pid_t *kids, int max)
{
	DIR *d = opendir("/proc");
	int n = 0;
	*zombies = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t r = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[r] = '\0';
		char *rp = strrchr(buf, ')');
		char state;
		int ppid;
		if (!rp || sscanf(rp + 2, "%c %d", &state, &ppid) != 2 || ppid != pid)
			continue;
		if (n < max)
			kids[n] = atoi(e->d_name);
		n++;
		*zombies += state == 'Z';
	}
	if (d)
		closedir(d);
	return n;
}

int h_zombies_of(pid_t pid)
{
	int z;
	pid_t kids[1];
	h_children(pid, &z, kids, 0);
	return z;
}

int h_utf8_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int more = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (more < 0)
			return 0;
		p++;
		for (int k = 0; k < more; k++, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

int h_has_chinese(const char *s)
{
	/* U+4E00..U+9FFF: E4 B8 80 .. E9 BF BF */
	for (const unsigned char *p = (const unsigned char *)s; p[0] && p[1] && p[2]; p++) {
		unsigned c = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 && c >= 0x4e00 && c <= 0x9fff)
			return 1;
	}
	return 0;
}

char *h_squeeze(const char *s)
{
	char *r = malloc(strlen(s) + 1), *p = r;
	for (; *s; s++)
		if (*s != ' ' && *s != '|' && *s != '\n')
			*p++ = *s;
	*p = '\0';
	return r;
}
