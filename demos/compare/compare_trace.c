/*
 * compare_trace: one client/server exchange of the shared skeleton, with both
 * traces captured (-tt -T, one file per side; a server of several processes
 * or threads writes "PID  " before each line, as strace -f -o does), then
 * shown side by side against another family's (see compare.h).
 */
#define _GNU_SOURCE
#include "compare.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/server.h"
#include "../../common/skeleton.h"
#include "../../common/trace.h"

#define READY_FD 100
#define TRACE_FD 101
#define SETTLE_MS 30

/* ---- running the exchange ------------------------------------------------------ */

static void on_ready(struct session *s, const struct endpoint *bound)
{
	(void)s;
	ssize_t w = write(READY_FD, bound, sizeof *bound);
	(void)w;
	close(READY_FD);
}

/* In a child: stdio to /dev/null and `errfile`, the trace to `tracefile` (-tt -T). */
static void child_setup(const char *tracefile, const char *errfile)
{
	int null = open("/dev/null", O_RDWR);
	int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int tr = open(tracefile, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (null < 0 || err < 0 || tr < 0)
		_exit(3);
	dup2(null, 0);
	dup2(null, 1);
	dup2(err, 2);
	dup2(tr, TRACE_FD);
	/* nothing inherited stays open: the sockets get the numbers a demo's would */
	close_range(3, READY_FD - 1, 0);
	close_range(TRACE_FD + 1, ~0U, 0);
	trace_cfg.out = fdopen(TRACE_FD, "w");
	trace_cfg.enabled = 1;
	trace_cfg.to_file = 1;
	trace_cfg.multi = 0;
	trace_cfg.timestamps = 2;   /* ordering across the two processes */
	trace_cfg.show_time = 1;    /* ... by when each call returned */
	alarm(10);
}

static int session_for(struct session *s, const struct family *f, const struct sock_kind *k,
		       enum role role, const char *dir, char *prog, size_t progsize, struct sbuf *err)
{
	struct sbuf addr = SBUF_INIT;
	int port = -1;
	memset(s, 0, sizeof *s);
	snprintf(prog, progsize, "%s-%s", f->name, role == ROLE_SERVER ? "server" : "client");
	s->fam = f;
	s->kind = k;
	s->role = role;
	s->prog = prog;
	s->port = -1;
	s->timeout_ms = 2000;
	s->lockstep = 1;   /* each message's echo before the next: one answer per message */
	int rc = f->test_address(k, dir, 0, &addr, &port, err);
	if (!rc) {
		s->addr = strdup(sb_str(&addr));
		s->port = port;
		rc = f->resolve(s, s->addr, port, err);
	}
	sb_free(&addr);
	return rc;
}

static int wait_child(pid_t pid, int timeout_ms)
{
	int status = 0;
	for (int i = 0; i < timeout_ms / 5; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 128 + SIGKILL;
}

/* "[PID  ]12:01:50.074169 call = rc <0.000056>" into a cmp_call; a line without
 * a pid is the process's own (`pid`), as in strace -f -o. */
static int parse_line(const char *line, int side, int pid, struct cmp_call *c)
{
	int h, m, s, us;
	size_t digits = strspn(line, "0123456789");
	if (digits && line[digits] == ' ') {
		pid = atoi(line);
		line += digits;
		line += strspn(line, " ");
	}
	if (sscanf(line, "%2d:%2d:%2d.%6d ", &h, &m, &s, &us) != 4 || strlen(line) < 17)
		return -1;
	char *body = strdup(line + 16);
	char *lt = strrchr(body, '<');
	double dur = 0;
	if (lt && lt > body && lt[-1] == ' ') {
		dur = atof(lt + 1);
		lt[-1] = '\0';
	}
	char *eq = NULL;
	for (char *p = strstr(body, " = "); p; p = strstr(p + 1, " = "))
		eq = p;
	if (!eq) {
		free(body);
		return -1;
	}
	*eq = '\0';
	for (char *e = eq - 1; e >= body && *e == ' '; e--)
		*e = '\0';
	memset(c, 0, sizeof *c);
	c->side = side;
	c->tid = pid;
	c->start = h * 3600.0 + m * 60.0 + s + us / 1e6;
	c->end = c->start + dur;
	c->call = strdup(body);
	c->result = strdup(eq + 3);
	c->rc = strtol(c->result, NULL, 10);
	size_t n = strcspn(body, "(");
	snprintf(c->name, sizeof c->name, "%.*s", (int)(n < sizeof c->name ? n : sizeof c->name - 1), body);
	c->fd = body[n] ? atoi(body + n + 1) : -1;
	free(body);
	return 0;
}

static int read_trace(struct cmp_capture *cap, const char *path, int side, int pid)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	while ((n = getline(&line, &lcap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		struct cmp_call c;
		if (parse_line(line, side, pid, &c))
			continue;
		struct cmp_call *v = realloc(cap->calls, (cap->ncalls + 1) * sizeof *v);
		if (!v)
			break;
		cap->calls = v;
		cap->calls[cap->ncalls++] = c;
	}
	free(line);
	fclose(f);
	return 0;
}

static void append_file(struct sbuf *err, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		sb_printf(err, "; %s", line);
	}
	fclose(f);
}

int cmp_model_parse(const char *spec, const struct model **m, int *pool, struct sbuf *err)
{
	const char *eq = strchr(spec, '=');
	char name[32];
	size_t len = eq ? (size_t)(eq - spec) : strlen(spec);
	*m = len < sizeof name ? (snprintf(name, sizeof name, "%.*s", (int)len, spec), model_find(name)) : NULL;
	*pool = 0;
	if (!*m) {
		struct sbuf names = SBUF_INIT;
		for (const struct model *const *p = models; *p; p++)
			sb_printf(&names, "%s%s", p == models ? "" : ", ", (*p)->name);
		sb_printf(err, _("unknown model '%s': choose one of %s"), spec, sb_str(&names));
		sb_free(&names);
		return -1;
	}
	if (eq) {
		char *end;
		long n = strtol(eq + 1, &end, 10);
		if (!(*m)->pool) {
			sb_printf(err, _("--model %s takes no =N (only prefork=N and prethread=N do)"), (*m)->name);
			return -1;
		}
		if (end == eq + 1 || *end || n < 1 || n > 1024) {
			sb_printf(err, _("invalid pool size '%s' in --model %s: give a number from 1 to 1024"), eq + 1,
				  spec);
			return -1;
		}
		*pool = (int)n;
	}
	return 0;
}

int cmp_capture_run(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		    char **messages, int nmsg, struct sbuf *err)
{
	return cmp_capture_model(cap, f, k, NULL, 0, messages, nmsg, err) ? -1 : 0;
}

int cmp_capture_model(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		      const struct model *model, int pool, char **messages, int nmsg, struct sbuf *err)
{
	memset(cap, 0, sizeof *cap);
	cap->fam = f;
	cap->kind = k;
	cap->messages = messages;
	cap->nmessages = nmsg;
	snprintf(cap->label, sizeof cap->label, "%s %s", f->name, k->label);
	if (!f->test_address) {
		sb_printf(err, _("the family %s has no test_address (family.h)"), f->name);
		return -1;
	}
	const char *why = f->compare_skip ? f->compare_skip(k, "trace") : NULL;
	if (why) {
		sb_printf(err, _("no exchange to trace: %s"), _(why));
		return -1;
	}
	/* the model's own check, as the server programs make it (no system call) */
	struct session probe = { .fam = f, .kind = k, .role = ROLE_SERVER, .count = 1 };
	probe.srv.model = model;
	probe.srv.pool = pool;
	struct sbuf perr = SBUF_INIT;
	if (server_opts_check(&probe, &perr)) {
		const struct model *m = probe.srv.model;
		if (k->type == SOCK_DGRAM && m && !(m->kinds & MK_DGRAM) && m->no_dgram)
			sb_printf(err, "%s", _(m->no_dgram));
		else
			sb_printf(err, "%s", sb_str(&perr));
		sb_free(&perr);
		return 1;
	}
	sb_free(&perr);
	cap->model = probe.srv.model;
	cap->pool = cap->model->pool ? probe.srv.pool : 0;
	if (cmp_scratch(cap->scratch, sizeof cap->scratch)) {
		sb_printf(err, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	char strace_[2][600], serr[2][600];
	for (int i = 0; i < 2; i++) {
		snprintf(strace_[i], sizeof strace_[i], "%s/%s.trace", cap->scratch, i ? "client" : "server");
		snprintf(serr[i], sizeof serr[i], "%s/%s.err", cap->scratch, i ? "client" : "server");
	}
	int rp[2];
	if (pipe(rp) < 0) {
		sb_printf(err, "pipe: %s", strerror(errno));
		cmp_remove_tree(cap->scratch);
		return -1;
	}
	fflush(NULL);
	pid_t spid = fork();
	if (spid == 0) {
		close(rp[0]);
		dup2(rp[1], READY_FD);
		close(rp[1]);
		child_setup(strace_[0], serr[0]);
		static struct session s;
		static char prog[64];
		struct sbuf e = SBUF_INIT;
		if (session_for(&s, f, k, ROLE_SERVER, cap->scratch, prog, sizeof prog, &e)) {
			fprintf(stderr, "%s\n", sb_str(&e));
			_exit(2);
		}
		s.count = k->type == SOCK_DGRAM ? nmsg : 1;
		s.on_ready = on_ready;
		s.srv.model = cap->model;
		s.srv.pool = cap->pool;
		if (server_opts_check(&s, &e)) {
			fprintf(stderr, "%s\n", sb_str(&e));
			_exit(2);
		}
		int rc = server_run(&s);
		fflush(NULL);
		_exit(rc);
	}
	close(rp[1]);
	struct endpoint bound;
	size_t got = 0;
	while (spid > 0 && got < sizeof bound) {
		struct pollfd p = { rp[0], POLLIN, 0 };
		if (poll(&p, 1, 5000) <= 0)
			break;
		ssize_t r = read(rp[0], (char *)&bound + got, sizeof bound - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(rp[0]);
	if (got < sizeof bound) {
		cap->server_status = spid > 0 ? wait_child(spid, 100) : -1;
		sb_printf(err, _("the %s server did not start"), cap->label);
		append_file(err, serr[0]);
		cmp_remove_tree(cap->scratch);
		return -1;
	}
	/* the client comes once the server waits for it: a model makes its pool of
	 * processes or threads first, and a client that came sooner would be served
	 * in the middle of that (its trace quiet for SETTLE_MS, at most 1 s) */
	off_t last = -1;
	for (int i = 0, quiet = 0; i < 200 && quiet < SETTLE_MS / 5; i++) {
		struct stat st;
		off_t size = stat(strace_[0], &st) == 0 ? st.st_size : -1;
		quiet = size == last ? quiet + 1 : 0;
		last = size;
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	pid_t cpid = fork();
	if (cpid == 0) {
		child_setup(strace_[1], serr[1]);
		static struct session s;
		static char prog[64];
		struct sbuf e = SBUF_INIT;
		if (session_for(&s, f, k, ROLE_CLIENT, cap->scratch, prog, sizeof prog, &e)) {
			fprintf(stderr, "%s\n", sb_str(&e));
			_exit(2);
		}
		s.server = bound;   /* where the server really is (a port the kernel picked) */
		s.messages = messages;
		s.nmessages = nmsg;
		int rc = client_run(&s);
		fflush(NULL);
		_exit(rc);
	}
	cap->server_pid = spid;
	cap->client_pid = cpid;
	cap->client_status = cpid > 0 ? wait_child(cpid, 10000) : -1;
	cap->server_status = wait_child(spid, cap->client_status ? 200 : 5000);
	read_trace(cap, strace_[0], SIDE_SERVER, spid);
	read_trace(cap, strace_[1], SIDE_CLIENT, cpid);
	int rc = 0;
	if (cap->client_status || cap->server_status) {
		sb_printf(err, _("the %s exchange failed (client exit %d, server exit %d)"), cap->label,
			  cap->client_status, cap->server_status);
		append_file(err, serr[1]);
		append_file(err, serr[0]);
		rc = -1;
	}
	cmp_remove_tree(cap->scratch);
	/* one timeline: by start time, each side in its own order */
	for (size_t i = 1; i < cap->ncalls; i++) {
		struct cmp_call t = cap->calls[i];
		size_t j = i;
		while (j > 0 && cap->calls[j - 1].start > t.start) {
			cap->calls[j] = cap->calls[j - 1];
			j--;
		}
		cap->calls[j] = t;
	}
	return rc;
}

void cmp_capture_free(struct cmp_capture *cap)
{
	for (size_t i = 0; i < cap->ncalls; i++) {
		free(cap->calls[i].call);
		free(cap->calls[i].result);
	}
	free(cap->calls);
	memset(cap, 0, sizeof *cap);
}

void cmp_call_line(struct sbuf *sb, const struct cmp_call *c)
{
	size_t start = sb->len;
	sb_puts(sb, c->call);
	sb_putc(sb, ' ');
	while (sb->len - start < 40)
		sb_putc(sb, ' ');
	sb_printf(sb, "= %s", c->result);
}

/* ---- the side-by-side diff --------------------------------------------------------- */

/* The text with what changes from run to run blanked: ports, pids, the scratch directory. */
static char *normalize(const char *s, const char *scratch)
{
	struct sbuf sb = SBUF_INIT;
	size_t sl = strlen(scratch);
	while (*s) {
		if (sl && !strncmp(s, scratch, sl)) {
			sb_puts(&sb, "<tmp>");
			s += sl;
			/* the rest of the name: digits in it are a pid (unix-client-1234.sock) */
			while (*s && *s != '"') {
				if (*s >= '0' && *s <= '9') {
					sb_putc(&sb, '#');
					while (*s >= '0' && *s <= '9')
						s++;
				} else {
					sb_putc(&sb, *s++);
				}
			}
		} else if (!strncmp(s, "revents=", 8)) {
			/* what poll finds ready (POLLIN, or POLLIN|POLLHUP once the peer
			 * closed too) is a matter of timing */
			sb_puts(&sb, "revents=#");
			s += 8;
			while (*s && *s != '}')
				s++;
		} else if (!strncmp(s, "htons(", 6) || !strncmp(s, "pid=", 4)) {
			size_t n = s[0] == 'h' ? 6 : 4;
			sb_putn(&sb, s, n);
			s += n;
			if (*s >= '0' && *s <= '9') {
				sb_putc(&sb, '#');
				while (*s >= '0' && *s <= '9')
					s++;
			}
		} else {
			sb_putc(&sb, *s++);
		}
	}
	char *r = strdup(sb_str(&sb));
	sb_free(&sb);
	return r;
}

/* The top-level arguments of "name(a, {b, c}, "d,e")". */
static int split_args(const char *call, char args[][256], int max)
{
	const char *p = strchr(call, '(');
	int n = 0, depth = 0, inq = 0;
	if (!p)
		return 0;
	p++;
	const char *start = p;
	for (; *p && n < max; p++) {
		if (inq) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				inq = 0;
			continue;
		}
		if (*p == '"')
			inq = 1;
		else if (*p == '{' || *p == '[' || *p == '(')
			depth++;
		else if ((*p == '}' || *p == ']' || *p == ')') && depth > 0)
			depth--;
		else if ((*p == ',' && depth == 0) || (*p == ')' && depth == 0)) {
			snprintf(args[n++], 256, "%.*s", (int)(p - start), start);
			if (*p == ')')
				break;
			start = p + 2;
			p++;
		}
	}
	return n;
}

/* "sockaddr AF_INET -> AF_UNIX": a short account of one changed argument. */
static void arg_change(struct sbuf *sb, int idx, const char *a, const char *b)
{
	const char *fa = strstr(a, "sa_family="), *fb = strstr(b, "sa_family=");
	if (a[0] == '{' && fa && fb) {
		int la = (int)strcspn(fa + 10, ",}"), lb = (int)strcspn(fb + 10, ",}");
		if (la != lb || strncmp(fa + 10, fb + 10, (size_t)la))
			sb_printf(sb, _("arg %d sockaddr %.*s -> %.*s"), idx, la, fa + 10, lb, fb + 10);
		else
			sb_printf(sb, _("arg %d sockaddr differs"), idx);
	} else if (fa || fb) {
		const char *f = fa ? fa : fb;
		int l = (int)strcspn(f + 10, ",}");
		sb_printf(sb, fa ? _("arg %d sockaddr %.*s -> NULL") : _("arg %d NULL -> sockaddr %.*s"), idx, l, f + 10);
	} else if (strlen(a) <= 28 && strlen(b) <= 28) {
		sb_printf(sb, _("arg %d %s -> %s"), idx, a, b);
	} else {
		sb_printf(sb, _("arg %d differs"), idx);
	}
}

/* Two calls that do the same step: the same syscall, or its sibling with a msghdr
 * (recvfrom / recvmsg, sendto / sendmsg) or flags (accept / accept4). */
static int same_step(const char *a, const char *b)
{
	static const char *const kin[][2] = {
		{ "recvfrom", "recvmsg" }, { "sendto", "sendmsg" }, { "accept", "accept4" },
	};
	if (!strcmp(a, b))
		return 1;
	for (size_t i = 0; i < sizeof kin / sizeof kin[0]; i++)
		if ((!strcmp(a, kin[i][0]) && !strcmp(b, kin[i][1])) ||
		    (!strcmp(a, kin[i][1]) && !strcmp(b, kin[i][0])))
			return 1;
	return 0;
}

struct side_seq {
	const struct cmp_call **v;
	size_t n;
};

static void seq_of(const struct cmp_capture *cap, int side, struct side_seq *s)
{
	s->v = calloc(cap->ncalls + 1, sizeof *s->v);
	s->n = 0;
	for (size_t i = 0; i < cap->ncalls; i++)
		if (cap->calls[i].side == side)
			s->v[s->n++] = &cap->calls[i];
}

/* a and b side by side in columns w wide, each wrapped (never cut), the mark
 * between them on the first line; lines without trailing blanks. */
/* s without strace's padding before " = " (malloc'd) when s is longer than w:
 * the result then follows the call instead of starting a line of its own. */
static char *unpad(const char *s, size_t w)
{
	char *r = strdup(s);
	char *eq = strlen(r) > w ? strstr(r, "  = ") : NULL;
	if (eq) {
		char *from = eq;
		while (from > r && from[-1] == ' ')
			from--;
		memmove(from, eq + 1, strlen(eq + 1) + 1);   /* keeps one space */
	}
	return r;
}

static void print_pair(FILE *out, const char *a0, const char *b0, char mark, size_t w)
{
	char **la, **lb, *a = unpad(a0, w), *b = unpad(b0, w);
	size_t na = cmp_wrap_lines(a, w, &la), nb = cmp_wrap_lines(b, w, &lb);
	free(a);
	free(b);
	struct sbuf line = SBUF_INIT;
	for (size_t i = 0; i < na || i < nb; i++) {
		sb_reset(&line);
		const char *left = i < na ? la[i] : "";
		cmp_put_padded(&line, left, strlen(left), w);
		sb_printf(&line, " %c %s", i ? ' ' : mark, i < nb ? lb[i] : "");
		while (line.len && line.p[line.len - 1] == ' ')
			line.p[--line.len] = '\0';
		fprintf(out, "%s\n", sb_str(&line));
	}
	sb_free(&line);
	cmp_free_lines(la, na);
	cmp_free_lines(lb, nb);
}

/* The note under a changed pair, in the right column: "^ arg 1 ..." */
static void print_note(FILE *out, const char *note, size_t w)
{
	char **l;
	size_t n = cmp_wrap_lines(note, w, &l);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%*s %c %s\n", (int)w, "", i ? ' ' : '^', l[i]);
	cmp_free_lines(l, n);
}

static void diff_side(FILE *out, const struct cmp_capture *a, const struct cmp_capture *b, int side,
		      size_t w, struct cmp_diffstat *st)
{
	struct side_seq sa, sb_;
	seq_of(a, side, &sa);
	seq_of(b, side, &sb_);
	size_t n = sa.n, m = sb_.n;
	/* longest common subsequence of the call names */
	unsigned *L = calloc((n + 1) * (m + 1), sizeof *L);
#define LL(i, j) L[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			LL(i, j) = same_step(sa.v[i]->name, sb_.v[j]->name)
				? LL(i + 1, j + 1) + 1
				: (LL(i + 1, j) > LL(i, j + 1) ? LL(i + 1, j) : LL(i, j + 1));
	size_t i = 0, j = 0;
	struct sbuf la = SBUF_INIT, lb = SBUF_INIT, note = SBUF_INIT;
	while (i < n || j < m) {
		sb_reset(&la);
		sb_reset(&lb);
		if (i < n && j < m && same_step(sa.v[i]->name, sb_.v[j]->name) &&
		    LL(i, j) == LL(i + 1, j + 1) + 1) {
			cmp_call_line(&la, sa.v[i]);
			cmp_call_line(&lb, sb_.v[j]);
			char mark = ' ';
			if (strcmp(sb_str(&la), sb_str(&lb))) {
				char *na = normalize(sb_str(&la), a->scratch), *nb = normalize(sb_str(&lb), b->scratch);
				mark = strcmp(na, nb) ? '!' : '~';
				free(na);
				free(nb);
			}
			print_pair(out, sb_str(&la), sb_str(&lb), mark, w);
			if (mark == ' ')
				st->same++;
			else if (mark == '~')
				st->volatile_++;
			else {
				st->changed++;
				static char aa[16][256], ab[16][256];
				int na = split_args(sa.v[i]->call, aa, 16), nb = split_args(sb_.v[j]->call, ab, 16);
				sb_reset(&note);
				if (strcmp(sa.v[i]->name, sb_.v[j]->name)) {
					/* another syscall for the same step: its arguments do not line up */
					sb_printf(&note, "%s -> %s", sa.v[i]->name, sb_.v[j]->name);
					na = nb = 0;
				}
				for (int k = 0; k < (na > nb ? na : nb); k++) {
					const char *x = k < na ? aa[k] : _("(none)"), *y = k < nb ? ab[k] : _("(none)");
					if (!strcmp(x, y))
						continue;
					char *nx = normalize(x, a->scratch), *ny = normalize(y, b->scratch);
					if (strcmp(nx, ny)) {
						if (note.len)
							sb_puts(&note, "; ");
						arg_change(&note, k + 1, x, y);
					}
					free(nx);
					free(ny);
				}
				if (strcmp(sa.v[i]->result, sb_.v[j]->result)) {
					if (note.len)
						sb_puts(&note, "; ");
					sb_printf(&note, _("result %s -> %s"), sa.v[i]->result, sb_.v[j]->result);
				}
				print_note(out, sb_str(&note), w);
			}
			i++, j++;
		} else if (j >= m || (i < n && LL(i + 1, j) >= LL(i, j + 1))) {
			cmp_call_line(&la, sa.v[i++]);
			print_pair(out, sb_str(&la), "", '<', w);
			st->only_a++;
		} else {
			cmp_call_line(&lb, sb_.v[j++]);
			print_pair(out, "", sb_str(&lb), '>', w);
			st->only_b++;
		}
	}
#undef LL
	sb_free(&la);
	sb_free(&lb);
	sb_free(&note);
	free(L);
	free(sa.v);
	free(sb_.v);
}

void cmp_trace_diff(FILE *out, const struct cmp_capture *a, const struct cmp_capture *b,
		    int width, struct cmp_diffstat *st)
{
	struct cmp_diffstat local;
	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	/* two columns and " | " in `width`; width 0 (--wide): as wide as the longest call */
	size_t w = 0;
	if (width > 0) {
		w = (size_t)(width < CMP_MIN_WIDTH ? CMP_MIN_WIDTH : width) - 3;
		w /= 2;
	} else {
		const struct cmp_capture *both[] = { a, b };
		for (int k = 0; k < 2; k++)
			for (size_t i = 0; i < both[k]->ncalls; i++) {
				struct sbuf sb = SBUF_INIT;
				cmp_call_line(&sb, &both[k]->calls[i]);
				if (i18n_width(sb.p, sb.len) > w)
					w = i18n_width(sb.p, sb.len);
				sb_free(&sb);
			}
		if (w < 40)
			w = 40;
	}
	for (int side = 0; side < 2; side++) {
		char ha[96], hb[96];
		snprintf(ha, sizeof ha, "%s-%s (%s)", a->fam->name, side ? "client" : "server", a->kind->label);
		snprintf(hb, sizeof hb, "%s-%s (%s)", b->fam->name, side ? "client" : "server", b->kind->label);
		if (side)
			fputc('\n', out);
		print_pair(out, ha, hb, '|', w);
		for (size_t i = 0; i < 2 * w + 3; i++)
			fputc('-', out);
		fputc('\n', out);
		diff_side(out, a, b, side, w, st);
	}
	char sum[1024];
	snprintf(sum, sizeof sum,
		 ngettext("%d call identical, %d differ only in ports, pids or private names, "
			  "%d with other arguments or results (!), %d only in %s (<), %d only in %s (>)",
			  "%d calls identical, %d differ only in ports, pids or private names, "
			  "%d with other arguments or results (!), %d only in %s (<), %d only in %s (>)",
			  (unsigned long)st->same),
		 st->same, st->volatile_, st->changed, st->only_a, a->label, st->only_b, b->label);
	fputc('\n', out);
	cmp_print_wrapped(out, sum, width, 0);
}

void cmp_put_short(struct sbuf *sb, const char *s, const char *scratch)
{
	size_t sl = strlen(scratch);
	const char *p;
	while (sl && (p = strstr(s, scratch)) != NULL) {
		sb_putn(sb, s, (size_t)(p - s));
		sb_puts(sb, "$DIR");
		s = p + sl;
	}
	sb_puts(sb, s);
}
