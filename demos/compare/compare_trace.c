/*
 * compare_trace: one client/server exchange of the shared skeleton, with both
 * traces captured (-tt -T, one file per process), then shown side by side
 * against another family's, or drawn as a sequence diagram (see compare.h).
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

#include "../../common/skeleton.h"
#include "../../common/trace.h"

#define READY_FD 100
#define TRACE_FD 101

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
	int tr = open(tracefile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
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

/* "12:01:50.074169 call = rc <0.000056>" into a cmp_call. */
static int parse_line(const char *line, int side, struct cmp_call *c)
{
	int h, m, s, us;
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

static int read_trace(struct cmp_capture *cap, const char *path, int side)
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
		if (parse_line(line, side, &c))
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

int cmp_capture_run(struct cmp_capture *cap, const struct family *f, const struct sock_kind *k,
		    char **messages, int nmsg, struct sbuf *err)
{
	memset(cap, 0, sizeof *cap);
	cap->fam = f;
	cap->kind = k;
	cap->messages = messages;
	cap->nmessages = nmsg;
	snprintf(cap->label, sizeof cap->label, "%s %s", f->name, k->label);
	if (!f->test_address) {
		sb_printf(err, "the family %s has no test_address (family.h)", f->name);
		return -1;
	}
	const char *why = f->compare_skip ? f->compare_skip(k, "trace") : NULL;
	if (why) {
		sb_printf(err, "no exchange to trace: %s", why);
		return -1;
	}
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
		sb_printf(err, "the %s server did not start", cap->label);
		append_file(err, serr[0]);
		cmp_remove_tree(cap->scratch);
		return -1;
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
	cap->client_status = cpid > 0 ? wait_child(cpid, 10000) : -1;
	cap->server_status = wait_child(spid, cap->client_status ? 200 : 5000);
	read_trace(cap, strace_[0], SIDE_SERVER);
	read_trace(cap, strace_[1], SIDE_CLIENT);
	int rc = 0;
	if (cap->client_status || cap->server_status) {
		sb_printf(err, "the %s exchange failed (client exit %d, server exit %d)", cap->label,
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
			sb_printf(sb, "arg %d sockaddr %.*s -> %.*s", idx, la, fa + 10, lb, fb + 10);
		else
			sb_printf(sb, "arg %d sockaddr differs", idx);
	} else if (fa || fb) {
		const char *f = fa ? fa : fb;
		int l = (int)strcspn(f + 10, ",}");
		sb_printf(sb, "arg %d %s%.*s%s", idx, fa ? "sockaddr " : "NULL -> sockaddr ", l, f + 10,
			  fa ? " -> NULL" : "");
	} else if (strlen(a) <= 28 && strlen(b) <= 28) {
		sb_printf(sb, "arg %d %s -> %s", idx, a, b);
	} else {
		sb_printf(sb, "arg %d differs", idx);
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

/* Prints text wrapped in a column of width w; returns how much was printed. */
static size_t col_part(FILE *out, const char *s, size_t w)
{
	size_t n = strlen(s);
	if (n > w)
		n = w;
	fprintf(out, "%-*.*s", (int)w, (int)n, s);
	return n;
}

static void print_pair(FILE *out, const char *a, const char *b, char mark, size_t w)
{
	int first = 1;
	while (first || *a || *b) {
		a += col_part(out, a, w);
		fprintf(out, " %c ", first ? mark : ' ');
		b += col_part(out, b, w);
		fputc('\n', out);
		first = 0;
	}
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
					const char *x = k < na ? aa[k] : "(none)", *y = k < nb ? ab[k] : "(none)";
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
				if (strcmp(sa.v[i]->result, sb_.v[j]->result))
					sb_printf(&note, "%sresult %s -> %s", note.len ? "; " : "",
						  sa.v[i]->result, sb_.v[j]->result);
				fprintf(out, "%*s ^ %s\n", (int)w, "", sb_str(&note));
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
	size_t w = width > 60 ? (size_t)(width - 3) / 2 : 28;
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
	fprintf(out, "\n%d call%s identical, %d differ only in ports, pids or private names, "
		"%d with other arguments or results (!), %d only in %s (<), %d only in %s (>)\n",
		st->same, st->same == 1 ? "" : "s", st->volatile_, st->changed, st->only_a, a->label, st->only_b, b->label);
}

/* ---- the sequence diagram ---------------------------------------------------------- */

enum { EV_NONE = 0, EV_CONNECT, EV_DATA, EV_EOF };

struct arrow {
	size_t from, to;   /* indexes into calls; to == (size_t)-1 when nothing received it */
	int kind;
	long bytes;
	char label[48];
};

struct layout {
	size_t *order;     /* calls in drawing order */
	size_t *row;       /* call index -> row */
	struct arrow *arrows;
	size_t narrows;
};

static int is_send(const struct cmp_call *c)
{
	return (!strcmp(c->name, "sendto") || !strcmp(c->name, "sendmsg")) && c->rc > 0;
}

static int is_recv(const struct cmp_call *c)
{
	return (!strcmp(c->name, "recvfrom") || !strcmp(c->name, "recvmsg")) && c->rc >= 0;
}

/* Whether fd is, on that side, a connected socket (connect or accept gave it). */
static int connected_fd(const struct cmp_capture *cap, size_t upto, int side, int fd)
{
	for (size_t i = upto; i-- > 0;) {
		const struct cmp_call *c = &cap->calls[i];
		if (c->side != side)
			continue;
		if ((!strcmp(c->name, "accept") || !strcmp(c->name, "accept4")) && c->rc == fd)
			return 1;
		if (!strcmp(c->name, "connect") && c->fd == fd)
			return c->rc == 0;
		if ((!strcmp(c->name, "socket") && c->rc == fd) || (!strcmp(c->name, "close") && c->fd == fd))
			return 0;
	}
	return 0;
}

static void layout_build(const struct cmp_capture *cap, struct layout *L)
{
	size_t n = cap->ncalls;
	int stream = cap->kind->type != SOCK_DGRAM;
	memset(L, 0, sizeof *L);
	L->arrows = calloc(n + 1, sizeof *L->arrows);
	/* senders, in each side's own order: connection set-up, data, end of stream */
	long sent[2] = { 0, 0 };
	long first_byte[4096];
	int wrote_eof[2][64] = { { 0 } };
	for (size_t i = 0; i < n && L->narrows < 4096; i++) {
		const struct cmp_call *c = &cap->calls[i];
		int me = c->side;
		struct arrow *a = &L->arrows[L->narrows];
		a->from = i;
		a->to = (size_t)-1;
		if (!strcmp(c->name, "connect") && c->rc == 0 && stream) {
			a->kind = EV_CONNECT;
			snprintf(a->label, sizeof a->label, "connection set-up");
		} else if (is_send(c)) {
			a->kind = EV_DATA;
			a->bytes = c->rc;
			snprintf(a->label, sizeof a->label, "%ld B", c->rc);
			first_byte[L->narrows] = sent[me];
			sent[me] += c->rc;
		} else if (stream && c->rc == 0 && c->fd >= 0 && c->fd < 64 && !wrote_eof[me][c->fd] &&
			   ((!strcmp(c->name, "shutdown") && !strstr(c->call, "SHUT_RD)")) ||
			    !strcmp(c->name, "close")) && connected_fd(cap, i, me, c->fd)) {
			wrote_eof[me][c->fd] = 1;
			a->kind = EV_EOF;
			snprintf(a->label, sizeof a->label, "end of stream");
		} else {
			continue;
		}
		L->narrows++;
	}
	/* receivers, in each side's own order, take what the other side sent, first come first served */
	long taken[2] = { 0, 0 };
	int dgrams[2] = { 0, 0 };
	size_t next_connect = 0, next_eof[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		const struct cmp_call *c = &cap->calls[i];
		int other = !c->side;
		if ((!strcmp(c->name, "accept") || !strcmp(c->name, "accept4")) && c->rc >= 0) {
			for (; next_connect < L->narrows; next_connect++)
				if (L->arrows[next_connect].kind == EV_CONNECT &&
				    cap->calls[L->arrows[next_connect].from].side == other) {
					L->arrows[next_connect++].to = i;
					break;
				}
		} else if (is_recv(c) && c->rc > 0) {
			long r0 = taken[other], r1 = r0 + c->rc;
			int nth = 0;
			for (size_t k = 0; k < L->narrows; k++) {
				struct arrow *a = &L->arrows[k];
				if (a->kind != EV_DATA || cap->calls[a->from].side != other)
					continue;
				if (stream ? (first_byte[k] >= r0 && first_byte[k] < r1) : nth == dgrams[other])
					a->to = i;
				nth++;
			}
			taken[other] = r1;
			dgrams[other]++;
		} else if (is_recv(c) && c->rc == 0 && stream) {
			for (; next_eof[other] < L->narrows; next_eof[other]++)
				if (L->arrows[next_eof[other]].kind == EV_EOF &&
				    cap->calls[L->arrows[next_eof[other]].from].side == other) {
					L->arrows[next_eof[other]++].to = i;
					break;
				}
		}
	}
	/* drawing order: by when calls returned; each side keeps its own order, and a
	 * receiving call never comes before the call that sent what it received */
	double *key = malloc((n + 1) * sizeof *key);
	for (size_t i = 0; i < n; i++)
		key[i] = cap->calls[i].end;
	for (int pass = 0, changed = 1; changed && pass < 20; pass++) {
		changed = 0;
		double last[2] = { -1, -1 };
		for (size_t i = 0; i < n; i++) {
			int s = cap->calls[i].side;
			if (key[i] <= last[s]) {
				key[i] = last[s] + 1e-7;
				changed = 1;
			}
			last[s] = key[i];
		}
		for (size_t k = 0; k < L->narrows; k++) {
			struct arrow *a = &L->arrows[k];
			if (a->to != (size_t)-1 && key[a->to] <= key[a->from]) {
				key[a->to] = key[a->from] + 1e-7;
				changed = 1;
			}
		}
	}
	L->order = malloc((n + 1) * sizeof *L->order);
	L->row = malloc((n + 1) * sizeof *L->row);
	for (size_t i = 0; i < n; i++)
		L->order[i] = i;
	for (size_t i = 1; i < n; i++) {
		size_t t = L->order[i], j = i;
		while (j > 0 && key[L->order[j - 1]] > key[t]) {
			L->order[j] = L->order[j - 1];
			j--;
		}
		L->order[j] = t;
	}
	for (size_t r = 0; r < n; r++)
		L->row[L->order[r]] = r;
	free(key);
}

static void layout_free(struct layout *L)
{
	free(L->order);
	free(L->row);
	free(L->arrows);
}

/* s with the run's scratch directory written as $DIR (a diagram's lanes are narrow). */
static void put_short(struct sbuf *sb, const char *s, const char *scratch)
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

void cmp_diagram_text(FILE *out, const struct cmp_capture *cap, int width)
{
	struct layout L;
	layout_build(cap, &L);
	size_t w = width > 80 ? (size_t)(width - 6) / 2 : 37;
	struct sbuf line = SBUF_INIT;
	char hc[96], hs[96];
	snprintf(hc, sizeof hc, "client: %s-client (%s)", cap->fam->name, cap->kind->label);
	snprintf(hs, sizeof hs, "server: %s-server (%s)", cap->fam->name, cap->kind->label);
	fprintf(out, "%-*s  ||  %s\n", (int)w, hc, hs);
	for (size_t i = 0; i < 2 * w + 6; i++)
		fputc('=', out);
	fputc('\n', out);
	int uses_dir = 0;
	for (size_t i = 0; i < cap->ncalls && cap->scratch[0]; i++)
		uses_dir |= strstr(cap->calls[i].call, cap->scratch) != NULL;
	if (uses_dir)
		fprintf(out, "($DIR is %s, the run's scratch directory, removed afterwards)\n", cap->scratch);
	for (size_t r = 0; r < cap->ncalls; r++) {
		size_t i = L.order[r];
		const struct cmp_call *c = &cap->calls[i];
		sb_reset(&line);
		put_short(&line, c->call, cap->scratch);
		sb_printf(&line, " = %s", c->result);
		const char *t = sb_str(&line);
		char cut[1024];
		size_t tl = strlen(t);
		if (w > sizeof cut - 4)
			w = sizeof cut - 4;
		if (tl > w)
			tl = w - 3;
		memcpy(cut, t, tl);
		strcpy(cut + tl, strlen(t) > w ? "..." : "");
		if (c->side == SIDE_CLIENT)
			fprintf(out, "%-*s  ||\n", (int)w, cut);
		else
			fprintf(out, "%*s  ||  %s\n", (int)w, "", cut);
		for (size_t k = 0; k < L.narrows; k++) {
			const struct arrow *a = &L.arrows[k];
			if (a->from != i)
				continue;
			char lab[64];
			snprintf(lab, sizeof lab, " %s%s ", a->label, a->to == (size_t)-1 ? " (not read)" : "");
			size_t span = 2 * w + 6 - 8, ll = strlen(lab), left = (span - ll) / 2;
			fputs("    ", out);
			if (c->side == SIDE_SERVER)
				fputc('<', out);
			for (size_t x = 0; x < left - 1; x++)
				fputc('-', out);
			fputs(lab, out);
			for (size_t x = left + ll; x < span - 1; x++)
				fputc('-', out);
			if (c->side == SIDE_CLIENT)
				fputc('>', out);
			fputc('\n', out);
		}
	}
	sb_free(&line);
	layout_free(&L);
}

static void xml_text(FILE *out, const char *s, size_t max)
{
	size_t n = 0;
	for (; *s && n < max; s++, n++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s < 32)
				fputc(' ', out);
			else
				fputc(*s, out);
		}
	}
	if (*s)
		fputs("...", out);
}

void cmp_diagram_svg(FILE *out, const struct cmp_capture *cap)
{
	struct layout L;
	layout_build(cap, &L);
	const int top = 70, step = 22, xc = 640, xs = 780, width = 1420;
	const size_t maxc = 92;
	int height = top + (int)cap->ncalls * step + 40;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n",
		width, height, width, height);
	fputs("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" "
	      "orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#b03030\"/></marker></defs>\n", out);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
	fprintf(out, "<text x=\"%d\" y=\"22\" font-size=\"15\" text-anchor=\"middle\" font-weight=\"bold\">"
		"%s: one exchange of the shared skeleton, as traced</text>\n", width / 2, cap->label);
	fprintf(out, "<text x=\"%d\" y=\"50\" text-anchor=\"end\" font-size=\"13\" font-weight=\"bold\">"
		"client: %s-client</text>\n", xc, cap->fam->name);
	fprintf(out, "<text x=\"%d\" y=\"50\" font-size=\"13\" font-weight=\"bold\">server: %s-server</text>\n",
		xs, cap->fam->name);
	fprintf(out, "<line x1=\"%d\" y1=\"58\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-width=\"2\"/>\n",
		xc, xc, height - 20);
	fprintf(out, "<line x1=\"%d\" y1=\"58\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-width=\"2\"/>\n",
		xs, xs, height - 20);
	for (size_t r = 0; r < cap->ncalls; r++) {
		const struct cmp_call *c = &cap->calls[L.order[r]];
		int y = top + (int)r * step;
		int client = c->side == SIDE_CLIENT;
		const char *colour = c->rc < 0 ? "#c00000" : "#000000";
		fprintf(out, "<g><title>");
		xml_text(out, c->call, 4096);
		fputs(" = ", out);
		xml_text(out, c->result, 4096);
		fprintf(out, "</title><circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#555\"/>"
			"<text x=\"%d\" y=\"%d\" fill=\"%s\"%s>", client ? xc : xs, y - 4,
			client ? xc - 8 : xs + 8, y, colour, client ? " text-anchor=\"end\"" : "");
		struct sbuf t = SBUF_INIT;
		put_short(&t, c->call, cap->scratch);   /* the tooltip keeps the full path */
		sb_printf(&t, " = %s", c->result);
		xml_text(out, sb_str(&t), maxc);
		sb_free(&t);
		fputs("</text></g>\n", out);
	}
	for (size_t k = 0; k < L.narrows; k++) {
		const struct arrow *a = &L.arrows[k];
		if (a->to == (size_t)-1)
			continue;
		int client = cap->calls[a->from].side == SIDE_CLIENT;
		int y1 = top + (int)L.row[a->from] * step - 4, y2 = top + (int)L.row[a->to] * step - 4;
		int x1 = client ? xc : xs, x2 = client ? xs : xc;
		const char *dash = a->kind == EV_DATA ? "" : " stroke-dasharray=\"5,3\"";
		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#b03030\" "
			"stroke-width=\"1.5\" marker-end=\"url(#arrow)\"%s/>\n", x1, y1, x2, y2, dash);
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#b03030\" text-anchor=\"middle\">",
			(xc + xs) / 2, (y1 + y2) / 2 - 3);
		xml_text(out, a->label, 40);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
	layout_free(&L);
}
