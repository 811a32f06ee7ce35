/*
 * exercise: loading, running, normalising and grading (see ex.h).
 */
#define _GNU_SOURCE
#include "ex.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/io.h"
#include "../../common/trace.h"

#define RUN_TIMEOUT_MS 10000   /* a command or server still running then is stopped */

/* ---- where the exercises are ---------------------------------------------------- */

const char *ex_dir(void)
{
	static char dir[PATH_MAX + 64];
	static const char *const beside[] = { "../exercises", "../share/sockfam/exercises", NULL };
	return io_data_dir("SOCKFAM_EXERCISES", beside, dir, sizeof dir);
}

/* ---- the file format ------------------------------------------------------------ */

static const struct {
	const char *word;
	unsigned bit;
} norm_words[] = {
	{ "fd", EX_FD }, { "port", EX_PORT }, { "pid", EX_PID }, { "size", EX_SIZE }, { "data", EX_DATA },
};

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int ex_parse(const char *path, struct exercise *e, struct sbuf *err)
{
	memset(e, 0, sizeof *e);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(e->id, sizeof e->id, "%.*s", (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)), base);
	FILE *f = fopen(path, "r");
	if (!f) {
		sb_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[2048];
	int n = 0, in_answer = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		if (in_answer) {
			sb_printf(&e->answer, "%s\n", line);
			continue;
		}
		char *l = trim(line);
		if (!*l || *l == '#')
			continue;
		char *colon = strchr(l, ':');
		if (!colon) {
			sb_printf(err, "%s:%d: not 'key: value': %s", path, n, l);
			rc = -1;
			break;
		}
		*colon = '\0';
		char *key = trim(l), *val = trim(colon + 1);
		/* KEY.LANG: the text in that language; taken instead of the English
		 * when the messages are in it, else left out */
		char *dot = strchr(key, '.');
		int translated = 0;
		if (dot) {
			*dot = '\0';
			const char *now = i18n_language();
			if (strcmp(key, "title") && strcmp(key, "question") && strcmp(key, "hint") && strcmp(key, "explain")) {
				sb_printf(err, "%s:%d: only title, question, hint and explain take a language (%s.%s)", path,
					  n, key, dot + 1);
				rc = -1;
				break;
			}
			if (!now || strcmp(now, dot + 1))
				continue;
			translated = 1;
			if (!strcmp(key, "hint") && !e->hints_translated) {
				e->nhints = 0;   /* the translated hints replace the English ones */
				e->hints_translated = 1;
			}
		} else if (e->hints_translated && !strcmp(key, "hint")) {
			continue;
		}
		if (!translated && ((!strcmp(key, "title") && e->title_translated) ||
				    (!strcmp(key, "question") && e->question_translated)))
			continue;
		if (translated && !strcmp(key, "title"))
			e->title_translated = 1;
		if (translated && !strcmp(key, "question"))
			e->question_translated = 1;
		if (!strcmp(key, "title"))
			snprintf(e->title, sizeof e->title, "%s", val);
		else if (!strcmp(key, "command"))
			snprintf(e->command, sizeof e->command, "%s", val);
		else if (!strcmp(key, "server"))
			snprintf(e->server, sizeof e->server, "%s", val);
		else if (!strcmp(key, "question"))
			snprintf(e->question, sizeof e->question, "%s", val);
		else if (!strcmp(key, "trace")) {
			if (strcmp(val, "command") && strcmp(val, "server")) {
				sb_printf(err, "%s:%d: trace is 'command' or 'server', not '%s'", path, n, val);
				rc = -1;
				break;
			}
			e->trace_server = !strcmp(val, "server");
		} else if (!strcmp(key, "hint") && e->nhints < EX_MAX_LIST)
			snprintf(e->hints[e->nhints++], sizeof e->hints[0], "%s", val);
		else if (!strcmp(key, "explain") && e->nexplain < EX_MAX_LIST) {
			char *c2 = strchr(val, ':');
			if (!c2) {
				sb_printf(err, "%s:%d: explain is 'CALL: text'", path, n);
				rc = -1;
				break;
			}
			*c2 = '\0';
			/* a translation replaces the English text of that call */
			int k;
			for (k = 0; k < e->nexplain && strcmp(e->explain_call[k], trim(val)); k++)
				;
			if (k < e->nexplain && !translated && e->explain_translated[k])
				continue;
			if (k == e->nexplain)
				e->nexplain++;
			e->explain_translated[k] = translated;
			snprintf(e->explain_call[k], sizeof e->explain_call[0], "%s", trim(val));
			snprintf(e->explain[k], sizeof e->explain[0], "%s", trim(c2 + 1));
		} else if (!strcmp(key, "normalise")) {
			for (char *w = strtok(val, " ,"); w; w = strtok(NULL, " ,")) {
				unsigned bit = 0;
				for (size_t i = 0; i < sizeof norm_words / sizeof norm_words[0]; i++)
					if (!strcmp(w, norm_words[i].word))
						bit = norm_words[i].bit;
				e->norm |= bit;
				if (!bit) {
					sb_printf(err, "%s:%d: normalise takes fd, port, pid, size, data; not '%s'", path,
						  n, w);
					rc = -1;
					break;
				}
			}
			if (rc)
				break;
		} else if (!strcmp(key, "answer") && !*val)
			in_answer = 1;
		else {
			sb_printf(err, "%s:%d: unknown key '%s'", path, n, key);
			rc = -1;
			break;
		}
	}
	fclose(f);
	if (!rc && (!e->title[0] || !e->command[0] || !e->question[0] || !e->answer.len)) {
		sb_printf(err, "%s: needs title, command, question and answer", path);
		rc = -1;
	}
	if (!rc && e->trace_server && !e->server[0]) {
		sb_printf(err, "%s: trace: server, and no server", path);
		rc = -1;
	}
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ex_load_all(const char *dir, struct exercise **out, struct sbuf *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		sb_printf(err, _("no exercises: %s: %s"), dir, strerror(errno));
		return -1;
	}
	char *names[256];
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".txt") && de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], by_name);
	struct exercise *e = calloc((size_t)(n ? n : 1), sizeof *e);
	int rc = n;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (rc >= 0 && ex_parse(path, &e[i], err))
			rc = -1;
		e[i].number = i + 1;
		free(names[i]);
	}
	if (rc < 0) {
		ex_free(e, n);
		return -1;
	}
	*out = e;
	return n;
}

void ex_free(struct exercise *e, int n)
{
	for (int i = 0; e && i < n; i++)
		sb_free(&e[i].answer);
	free(e);
}

/* ---- one line, taken apart ---------------------------------------------------------- */

/* The longest trace line the grader takes: a longer one in a run is an
 * error, in an answer a line it says it cannot read. */
#define MAX_LINE 4096
#define MAX_ARGS 16
struct call {
	char name[32];
	char args[MAX_ARGS][MAX_LINE];
	int nargs;
	char result[512];
};

/* "name(a, {b, c}, "d,e") = r" into c; -1 when it is not such a line. */
static int parse_call(const char *line, struct call *c)
{
	memset(c, 0, sizeof *c);
	const char *open = strchr(line, '(');
	size_t nlen = open ? (size_t)(open - line) : 0;
	if (!open || !nlen || nlen >= sizeof c->name)
		return -1;
	for (size_t i = 0; i < nlen; i++)
		if (!isalnum((unsigned char)line[i]) && line[i] != '_')
			return -1;
	memcpy(c->name, line, nlen);
	const char *p = open + 1, *start = p;
	int depth = 0;
	for (;; p++) {
		if (!*p)
			return -1;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return -1;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
			depth--;
		else if (depth == 0 && (*p == ',' || *p == ')')) {
			size_t len = (size_t)(p - start);
			while (len && *start == ' ')
				start++, len--;
			if (c->nargs < MAX_ARGS && (len || *p == ','))
				snprintf(c->args[c->nargs++], sizeof c->args[0], "%.*s", (int)len, start);
			start = p + 1;
			if (*p == ')')
				break;
		}
	}
	p++;
	while (*p == ' ')
		p++;
	if (*p != '=')
		return -1;
	p++;
	while (*p == ' ')
		p++;
	snprintf(c->result, sizeof c->result, "%s", p);
	return 0;
}

static void unparse(const struct call *c, struct sbuf *out)
{
	sb_printf(out, "%s(", c->name);
	for (int i = 0; i < c->nargs; i++)
		sb_printf(out, "%s%s", i ? ", " : "", c->args[i]);
	sb_printf(out, ") = %s", c->result);
}

/* ---- normalising ------------------------------------------------------------------ */

/* Replaces each KEY followed by a NUMBER in s ("htons(2345", "nl_pid=77")
 * with KEY WORD; a NUMBER 0 only when zero is set. */
static void replace_numbers_z(char *s, size_t size, const char *key, const char *word, int zero)
{
	struct sbuf out = SBUF_INIT;
	size_t klen = strlen(key);
	const char *p = s;
	while (*p) {
		if (!strncmp(p, key, klen) && isdigit((unsigned char)p[klen])) {
			const char *q = p + klen;
			while (isdigit((unsigned char)*q))
				q++;
			if (zero || !(q == p + klen + 1 && p[klen] == '0')) {
				sb_printf(&out, "%s%s", key, word);
				p = q;
				continue;
			}
		}
		sb_putc(&out, *p++);
	}
	snprintf(s, size, "%s", sb_str(&out));
	sb_free(&out);
}

static void replace_numbers(char *s, size_t size, const char *key, const char *word)
{
	replace_numbers_z(s, size, key, word, 0);
}

static void replace_all(char *s, size_t size, const char *from, const char *to)
{
	if (!from || !*from)
		return;
	struct sbuf out = SBUF_INIT;
	size_t flen = strlen(from);
	for (const char *p = s; *p;) {
		if (!strncmp(p, from, flen)) {
			sb_puts(&out, to);
			p += flen;
		} else {
			sb_putc(&out, *p++);
		}
	}
	snprintf(s, size, "%s", sb_str(&out));
	sb_free(&out);
}

/* pointers: 0x and more than 8 hex digits */
static void replace_pointers(char *s, size_t size)
{
	struct sbuf out = SBUF_INIT;
	for (const char *p = s; *p;) {
		if (p[0] == '0' && p[1] == 'x' && (p == s || !isalnum((unsigned char)p[-1]))) {
			const char *q = p + 2;
			while (isxdigit((unsigned char)*q))
				q++;
			if (q - p - 2 > 8) {
				sb_puts(&out, "0xADDR");
				p = q;
				continue;
			}
		}
		sb_putc(&out, *p++);
	}
	snprintf(s, size, "%s", sb_str(&out));
	sb_free(&out);
}

static int is_num(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

static const char *const fd_makers[] = { "socket", "accept", "accept4", "epoll_create1", NULL };
static const char *const no_fd_first[] = { "socket", "socketpair", "clone", "clone3", "wait4", "kill", "poll",
	"pselect6", "epoll_create1", NULL };
static const char *const data_calls[] = { "sendto", "recvfrom", "sendmsg", "recvmsg", NULL };
static const char *const pid_calls[] = { "clone", "clone3", "wait4", NULL };

/* the number a result starts with ("3", "-1 ECONN...", "1 ([...])") is replaced */
static void replace_result_number(struct call *c, const char *word)
{
	char *sp = strchr(c->result, ' ');
	char num[32];
	snprintf(num, sizeof num, "%.*s", (int)(sp ? (size_t)(sp - c->result) : strlen(c->result)), c->result);
	if (is_num(num) && num[0] != '-') {
		char rest[512];
		snprintf(rest, sizeof rest, "%s", sp ? sp : "");
		snprintf(c->result, sizeof c->result, "%s%s", word, rest);
	}
}

void ex_normalise(const struct exercise *e, const char *line, const char *dir, struct sbuf *out)
{
	char buf[MAX_LINE];
	const char *p = line;
	/* "[pid 123] " and a -o file's "123  " */
	if (!strncmp(p, "[pid ", 5) && strchr(p, ']'))
		p = strchr(p, ']') + 1;
	else if (isdigit((unsigned char)*p)) {
		const char *q = p;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == ' ')
			p = q;
	}
	while (*p == ' ')
		p++;
	snprintf(buf, sizeof buf, "%s", p);
	if (dir)
		replace_all(buf, sizeof buf, dir, "DIR");
	replace_pointers(buf, sizeof buf);
	/* whether the peer had closed too by the time poll looked is the run's luck */
	replace_all(buf, sizeof buf, "revents=POLLIN|POLLHUP", "revents=POLLIN");
	struct call c;
	if (parse_call(buf, &c)) {
		sb_puts(out, buf);
		return;
	}
	for (int i = 0; i < c.nargs; i++) {
		if (e->norm & EX_PORT)
			replace_numbers(c.args[i], sizeof c.args[0], "htons(", "PORT");
		if (e->norm & EX_PID) {
			/* nl_pid=, and SO_PEERCRED's {pid=, uid=, gid=}: who runs it */
			replace_numbers(c.args[i], sizeof c.args[0], "pid=", "PID");
			replace_numbers_z(c.args[i], sizeof c.args[0], "uid=", "ID", 1);
			replace_numbers_z(c.args[i], sizeof c.args[0], "gid=", "ID", 1);
			/* a name made of a pid (unix-client-PID.sock), and its length */
			replace_numbers(c.args[i], sizeof c.args[0], "-client-", "PID");
			if (i > 0 && strstr(c.args[i - 1], "sun_path=") && strstr(c.args[i - 1], "-client-PID")) {
				char *arrow = strstr(c.args[i], "=> ");
				if (is_num(c.args[i]))
					snprintf(c.args[i], sizeof c.args[0], "LEN");
				else if (arrow)
					snprintf(arrow + 3, sizeof c.args[0] - (size_t)(arrow + 3 - c.args[i]), "LEN]");
			}
		}
		if (e->norm & EX_FD) {
			replace_numbers(c.args[i], sizeof c.args[0], "fd=", "FD");
			replace_numbers(c.args[i], sizeof c.args[0], "child_tid=", "TID");
		}
	}
	if (e->norm & EX_PORT)
		replace_numbers(c.result, sizeof c.result, "htons(", "PORT");
	if (e->norm & EX_FD) {
		replace_numbers(c.result, sizeof c.result, "fd=", "FD");
		if (c.nargs && !one_of(c.name, no_fd_first) && is_num(c.args[0]))
			snprintf(c.args[0], sizeof c.args[0], "FD");
		if (!strcmp(c.name, "epoll_ctl") && c.nargs > 2 && is_num(c.args[2]))
			snprintf(c.args[2], sizeof c.args[2], "FD");
		if (one_of(c.name, fd_makers))
			replace_result_number(&c, "FD");
	}
	if (e->norm & EX_PID && one_of(c.name, pid_calls)) {
		replace_result_number(&c, "PID");
		if (!strcmp(c.name, "wait4") && c.nargs && is_num(c.args[0]) && strcmp(c.args[0], "-1"))
			snprintf(c.args[0], sizeof c.args[0], "PID");
	}
	if (one_of(c.name, data_calls)) {
		if (e->norm & EX_SIZE) {
			replace_result_number(&c, "SIZE");
			if ((!strcmp(c.name, "sendto") || !strcmp(c.name, "recvfrom")) && c.nargs > 2)
				snprintf(c.args[2], sizeof c.args[2], "SIZE");
		}
		if (e->norm & EX_DATA && c.nargs > 1)
			snprintf(c.args[1], sizeof c.args[1], "DATA");
	}
	unparse(&c, out);
}

/* ---- running ------------------------------------------------------------------------ */

/* A port nobody listens on (TCP or UDP) on loopback: the kernel's pick, given back. */
static int closed_port(void)
{
	int keep = trace_cfg.enabled;
	trace_cfg.enabled = 0;
	int fd = t_socket(AF_INET, SOCK_DGRAM, 0), port = 9;
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof in;
	if (fd >= 0 && t_bind(fd, (struct sockaddr *)&in, sizeof in) == 0 &&
	    t_getsockname(fd, (struct sockaddr *)&in, &len) == 0)
		port = ntohs(in.sin_port);
	if (fd >= 0)
		t_close(fd);
	trace_cfg.enabled = keep;
	return port;
}

/* The words of a command line ("quotes" keep spaces), {port} {dir} {file}
 * replaced, the program found beside us. */
static int command_argv(const char *cmd, const char *dir, int port, char **argv, int max, struct sbuf *err)
{
	char bindir[PATH_MAX], portstr[16];
	/* the suite's other programs are beside this one */
	if (io_program_dir(bindir, sizeof bindir))
		bindir[0] = '\0';
	snprintf(portstr, sizeof portstr, "%d", port);
	int n = 0;
	const char *p = cmd;
	while (*p && n < max - 3) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		struct sbuf w = SBUF_INIT;
		char quote = 0;
		for (; *p && (quote || *p != ' '); p++) {
			if ((*p == '"' || *p == '\'') && (!quote || quote == *p)) {
				quote = quote ? 0 : *p;
				continue;
			}
			if (!strncmp(p, "{port}", 6)) {
				sb_puts(&w, portstr);
				p += 5;
			} else if (!strncmp(p, "{dir}", 5)) {
				sb_puts(&w, dir);
				p += 4;
			} else if (!strncmp(p, "{file}", 6)) {
				sb_printf(&w, "%s/file.txt", dir);
				p += 5;
			} else {
				sb_putc(&w, *p);
			}
		}
		if (n == 0) {
			char path[PATH_MAX + 300];
			snprintf(path, sizeof path, "%s/%s", bindir, sb_str(&w));
			if (access(path, X_OK))
				snprintf(path, sizeof path, "%s/sockfam-%s", bindir, sb_str(&w));
			if (access(path, X_OK) || strchr(sb_str(&w), '/')) {
				sb_printf(err, _("the command's program '%s' is not one of the suite's"), sb_str(&w));
				sb_free(&w);
				return -1;
			}
			argv[n++] = strdup(path);
		} else {
			argv[n++] = strdup(sb_str(&w));
		}
		sb_free(&w);
	}
	argv[n] = NULL;
	return n;
}

static void free_argv(char **argv)
{
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
}

/* Starts argv with stdout on a pipe (*out) or /dev/null, stderr (the trace,
 * as the program prints it without -o, so no file takes a descriptor) into
 * the file errfile, stdin /dev/null. */
static pid_t start(char **argv, int *out, const char *errfile)
{
	int fds[2] = { -1, -1 };
	if (out && pipe2(fds, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		dup2(null, 0);
		dup2(out ? fds[1] : null, 1);
		dup2(err >= 0 ? err : null, 2);
		/* nothing else inherited: the descriptors it gets are the ones a student predicts */
		closefrom(3);
		execv(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(fds[1]);
		*out = fds[0];
	}
	return pid;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Waits for pid up to ms, then SIGINT, then SIGKILL; 1 when it had to be stopped. */
static int finish(pid_t pid, long ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int sig = 0;
	for (;;) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return sig != 0;
		if (ms_since(&t0) > ms) {
			sig = sig ? SIGKILL : SIGINT;
			kill(pid, sig);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			ms = 3000;
		}
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
}

/* The server's "listening on ... port N" line: N, 0 for none (a UNIX path), -1 when it did not come. */
static int wait_listening(int fd)
{
	char buf[2048];
	size_t len = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (len < sizeof buf - 1) {
		long left = 5000 - ms_since(&t0);
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		char *l = strstr(buf, "listening on ");
		if (l && strchr(l, '\n')) {
			char *port = strstr(l, " port ");
			return port && port < strchr(l, '\n') ? atoi(port + 6) : 0;
		}
	}
	return -1;
}

/* The scratch directory, with its files and the files of its directories. */
static void remove_scratch(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[PATH_MAX + 300];
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_scratch(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int ex_run(const struct exercise *e, struct sbuf *trace, struct sbuf *err)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/exercise-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		sb_printf(err, _("no scratch directory: %s"), strerror(errno));
		return -1;
	}
	char path[PATH_MAX + 32], strace_cmd[PATH_MAX + 32], strace_srv[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/in", dir);
	mkdir(path, 0700);   /* {dir}/in: an empty directory (an upload's) */
	snprintf(path, sizeof path, "%s/file.txt", dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("a file for the exercise\n", f);
		fclose(f);
	}
	snprintf(strace_cmd, sizeof strace_cmd, "%s/command.trace", dir);
	snprintf(strace_srv, sizeof strace_srv, "%s/server.trace", dir);
	int rc = -1, port = 0;
	pid_t server = -1;
	char *sargv[64] = { NULL }, *cargv[64] = { NULL };
	if (e->server[0]) {
		int out = -1;
		if (command_argv(e->server, dir, 0, sargv, 64, err) < 0 || (server = start(sargv, &out, strace_srv)) < 0)
			goto done;
		port = wait_listening(out);
		close(out);
		if (port < 0) {
			sb_printf(err, _("the server (%s) did not start listening"), e->server);
			goto done;
		}
	} else {
		port = closed_port();
	}
	if (command_argv(e->command, dir, port, cargv, 64, err) < 0)
		goto done;
	pid_t pid = start(cargv, NULL, strace_cmd);
	if (pid < 0 || finish(pid, RUN_TIMEOUT_MS)) {
		sb_printf(err, _("the command (%s) did not finish in %d s"), e->command, RUN_TIMEOUT_MS / 1000);
		goto done;
	}
	if (server > 0) {
		finish(server, 1000);
		server = -1;
	}
	size_t len;
	FILE *t = fopen(e->trace_server ? strace_srv : strace_cmd, "r");
	if (!t) {
		sb_printf(err, _("no trace was written: %s"), strerror(errno));
		goto done;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	rc = 0;
	/* the trace lines; not what the program says to its user ("inet-client: ...") */
	while ((got = getline(&line, &cap, t)) > 0) {
		len = strcspn(line, "\n");
		line[len] = '\0';
		if (len >= MAX_LINE - 1) {
			sb_printf(err, _("a trace line of %zu bytes is longer than the grader takes (%d): give the "
					 "exercise's command a smaller -s"), len, MAX_LINE - 1);
			rc = -1;
			break;
		}
		struct sbuf one = SBUF_INIT;
		struct call *c = malloc(sizeof *c);
		ex_normalise(e, line, dir, &one);
		if (c && parse_call(sb_str(&one), c) == 0)
			sb_printf(trace, "%s\n", sb_str(&one));
		free(c);
		sb_free(&one);
	}
	free(line);
	fclose(t);
done:
	if (server > 0)
		finish(server, 0);
	free_argv(sargv);
	free_argv(cargv);
	remove_scratch(dir);
	return rc;
}

/* ---- grading ---------------------------------------------------------------------- */

struct line {
	char text[MAX_LINE];
	struct call c;
	int parsed;
};

static int split_lines(const struct exercise *e, const char *text, struct line **out, int answer)
{
	int n = 0, cap = 16;
	struct line *v = malloc(sizeof *v * (size_t)cap);
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		char raw[MAX_LINE];
		if (len >= sizeof raw)
			/* said, not cut: it stays a line the grader cannot read */
			snprintf(raw, sizeof raw, _("(a line of %zu bytes, longer than a trace line can be here)"), len);
		else
			snprintf(raw, sizeof raw, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		char *t = trim(raw);
		if (!*t || (answer && *t == '#') || !strncmp(t, "+++ ", 4) || !strncmp(t, "--- ", 4))
			continue;
		if (n == cap)
			v = realloc(v, sizeof *v * (size_t)(cap *= 2));
		struct sbuf norm = SBUF_INIT;
		ex_normalise(e, t, NULL, &norm);
		snprintf(v[n].text, sizeof v[n].text, "%s", sb_str(&norm));
		sb_free(&norm);
		v[n].parsed = parse_call(v[n].text, &v[n].c) == 0;
		n++;
	}
	*out = v;
	return n;
}

/* the errno name of a failed result ("-1 ECONNREFUSED (...)"), or NULL */
static const char *errname(const char *result, char *buf, size_t size)
{
	if (!strncmp(result, "-1 ", 3)) {
		snprintf(buf, size, "%.*s", (int)strcspn(result + 3, " "), result + 3);
		return buf;
	}
	if (!strncmp(result, "? ", 2)) {
		snprintf(buf, size, "%.*s", (int)strcspn(result + 2, " "), result + 2);
		return buf;
	}
	return NULL;
}

/* "  LABEL    line": the label (translated) padded to 9 columns, whatever its script */
static void mark(struct sbuf *out, const char *label, const char *line)
{
	const char *l = _(label);
	int pad = 9 - (int)i18n_width(l, strlen(l));
	sb_printf(out, "  %s%*s%s\n", l, pad > 1 ? pad : 1, "", line);
}

/* a line of explanation under a call */
__attribute__((format(printf, 2, 3)))
static void say(struct sbuf *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char text[8192];
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	sb_printf(out, "           %s\n", text);
}

static void say_explain(const struct exercise *e, const char *call, struct sbuf *out)
{
	for (int i = 0; i < e->nexplain; i++)
		if (!strcmp(e->explain_call[i], call))
			say(out, "%s", e->explain[i]);
}

/* Why a predicted line differs from the actual one of the same call. */
static void explain_pair(const struct exercise *e, const struct line *want, const struct line *got,
			 const struct line *all, int nall, int at, struct sbuf *out)
{
	const struct call *w = &want->c, *g = &got->c;
	char eb1[64], eb2[64];
	const char *we = errname(w->result, eb1, sizeof eb1), *ge = errname(g->result, eb2, sizeof eb2);
	if (strcmp(w->result, g->result)) {
		if (!we && ge)
			say(out, _("you expected %s to succeed; it fails: = %s"), g->name, g->result);
		else if (we && !ge) {
			const char *later = NULL;
			int k;
			char eb3[64];
			for (k = at + 1; k < nall && !later; k++) {
				later = all[k].parsed ? errname(all[k].c.result, eb3, sizeof eb3) : NULL;
				if (later && strcmp(later, we))
					later = NULL;
			}
			if (later)
				say(out, _("you expected %s to fail with %s; it succeeds (= %s), and %s comes at %s"), g->name,
				    we, g->result, we, all[k - 1].c.name);
			else
				say(out, _("you expected %s to fail with %s; it succeeds (= %s)"), g->name, we, g->result);
		} else if (we && ge && strcmp(we, ge))
			say(out, _("%s fails, but with %s, not %s"), g->name, ge, we);
		else
			say(out, _("%s returns %s, not %s"), g->name, g->result, w->result);
	}
	if (w->nargs != g->nargs)
		say(out, _("%s takes %d arguments here, not %d"), g->name, g->nargs, w->nargs);
	else
		for (int i = 0; i < g->nargs; i++)
			if (strcmp(w->args[i], g->args[i]))
				say(out, _("argument %d: you wrote %s, it is %s"), i + 1, w->args[i], g->args[i]);
	say_explain(e, g->name, out);
}

int ex_grade(const struct exercise *e, const char *answer, const char *actual, struct sbuf *out, int *score,
	     int *total)
{
	struct line *want, *got;
	int nw = split_lines(e, answer, &want, 1), ng = split_lines(e, actual, &got, 0);
	/* the longest common subsequence of call names: which predicted line goes with which call */
	int *L = calloc((size_t)(nw + 1) * (size_t)(ng + 1), sizeof *L);
#define LCS(i, j) L[(size_t)(i) * (size_t)(ng + 1) + (size_t)(j)]
	for (int i = nw - 1; i >= 0; i--)
		for (int j = ng - 1; j >= 0; j--)
			LCS(i, j) = want[i].parsed && got[j].parsed && !strcmp(want[i].c.name, got[j].c.name)
				? LCS(i + 1, j + 1) + 1
				: (LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1));
	int i = 0, j = 0, right = 0, extra = 0;
	while (i < nw || j < ng) {
		if (i < nw && j < ng && want[i].parsed && got[j].parsed && !strcmp(want[i].c.name, got[j].c.name) &&
		    LCS(i, j) == LCS(i + 1, j + 1) + 1) {
			if (!strcmp(want[i].text, got[j].text)) {
				mark(out, N_("ok"), got[j].text);
				right++;
			} else {
				mark(out, N_("WRONG"), got[j].text);
				say(out, _("(you wrote: %s)"), want[i].text);
				explain_pair(e, &want[i], &got[j], got, ng, j, out);
			}
			i++, j++;
		} else if (j < ng && (i >= nw || LCS(i, j + 1) >= LCS(i + 1, j))) {
			mark(out, N_("MISSING"), got[j].text);
			say(out, "%s", _("your answer does not have this call"));
			if (got[j].parsed)
				say_explain(e, got[j].c.name, out);
			j++;
		} else {
			mark(out, N_("EXTRA"), want[i].text);
			if (want[i].parsed)
				say(out, _("%s is not made here"), want[i].c.name);
			else
				say(out, "%s", _("not a system call as strace prints it (NAME(ARGS) = RESULT)"));
			extra++;
			i++;
		}
	}
#undef LCS
	free(L);
	*total = ng;
	*score = right - extra > 0 ? right - extra : 0;
	int all = right == ng && extra == 0;
	free(want);
	free(got);
	return all ? 0 : 1;
}
