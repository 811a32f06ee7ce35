/*
 * compare_timeline: who made which call of a captured run, and what went from
 * whom to whom (see compare.h).
 *
 * Actors are read off the trace itself: the client and the server are the two
 * processes the run started; a clone(...) = PID line makes a child process, a
 * clone3(...) = TID line a thread of the process that made it; a wait4(...) =
 * PID line reaps a child. Arrows pair a connect with the accept that took it, a
 * send with the receive that got its first byte (its nth datagram), the end of
 * a stream with the receive that read it, a clone with the child's first call
 * and a child's last call with the wait4 that reaped it.
 *
 * The end of a stream is the last close of a connection, or its shutdown:
 * each process has a descriptor table of its own (a fork copies it, a thread
 * shares it), so the parent's close of its copy of a connection after a fork
 * ends nothing.
 */
#define _GNU_SOURCE
#include "compare.h"

#include "../../common/i18n.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FD 1024

static int is_name(const struct cmp_call *c, const char *name)
{
	return !strcmp(c->name, name);
}

static int is_send(const struct cmp_call *c)
{
	return (is_name(c, "sendto") || is_name(c, "sendmsg")) && c->rc > 0;
}

static int is_recv(const struct cmp_call *c)
{
	return (is_name(c, "recvfrom") || is_name(c, "recvmsg")) && c->rc >= 0;
}

static int is_accept(const struct cmp_call *c)
{
	return (is_name(c, "accept") || is_name(c, "accept4")) && c->rc >= 0;
}

static int find_actor(const struct cmp_timeline *t, int tid)
{
	for (size_t a = 0; a < t->nactors; a++)
		if (t->actors[a].tid == tid)
			return (int)a;
	return -1;
}

static int add_actor(struct cmp_timeline *t, size_t *cap, int tid, int side, const char *what)
{
	if (t->nactors == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct cmp_actor *v = realloc(t->actors, n * sizeof *v);
		if (!v)
			return -1;
		t->actors = v;
		*cap = n;
	}
	struct cmp_actor *a = &t->actors[t->nactors];
	memset(a, 0, sizeof *a);
	a->tid = tid;
	a->side = side;
	a->proc = (int)t->nactors;
	a->parent = -1;
	a->spawn = a->reap = -1;
	if (!strcmp(what, "client") || !strcmp(what, "server"))
		snprintf(a->name, sizeof a->name, "%s", what);
	else
		snprintf(a->name, sizeof a->name, "%s %d", what, tid);   /* "child 4455" */
	return (int)t->nactors++;
}

static struct cmp_arrow *add_arrow(struct cmp_timeline *t, size_t *cap, int kind, long from, int from_actor)
{
	if (t->narrows == *cap) {
		size_t n = *cap ? *cap * 2 : 32;
		struct cmp_arrow *v = realloc(t->arrows, n * sizeof *v);
		if (!v)
			return NULL;
		t->arrows = v;
		*cap = n;
	}
	struct cmp_arrow *a = &t->arrows[t->narrows++];
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->from = from;
	a->to = -1;
	a->from_actor = from_actor;
	a->to_actor = -1;
	return a;
}

/* What a wait4 line says about the child: "exit 0", "killed by SIGTERM". */
static void reap_label(const struct cmp_call *c, char *buf, size_t size)
{
	const char *p;
	if ((p = strstr(c->call, "WEXITSTATUS(s) == ")) != NULL)
		snprintf(buf, size, _("exit %d"), atoi(p + 18));
	else if ((p = strstr(c->call, "WTERMSIG(s) == ")) != NULL)
		snprintf(buf, size, _("killed by %.*s"), (int)strcspn(p + 15, "}] "), p + 15);
	else
		snprintf(buf, size, "%s", _("reaped"));
}

/* The descriptor tables: per process, fd -> connection (0 none). */
struct fdtabs {
	int (*fd)[MAX_FD];
	size_t n;
	int *refs;        /* connection -> how many descriptors name it */
	int *ended;       /* connection -> its end of stream was sent */
	int nconns, capconns;
};

static int new_conn(struct fdtabs *T)
{
	if (T->nconns + 1 >= T->capconns) {
		int n = T->capconns ? T->capconns * 2 : 16;
		int *r = realloc(T->refs, (size_t)n * sizeof *r), *e;
		if (!r)
			return 0;
		T->refs = r;
		if (!(e = realloc(T->ended, (size_t)n * sizeof *e)))
			return 0;
		T->ended = e;
		T->capconns = n;
	}
	int id = ++T->nconns;
	T->refs[id] = 1;
	T->ended[id] = 0;
	return id;
}

static void set_fd(struct fdtabs *T, int proc, int fd, int conn)
{
	if (proc < 0 || (size_t)proc >= T->n || fd < 0 || fd >= MAX_FD)
		return;
	int old = T->fd[proc][fd];
	if (old > 0)
		T->refs[old]--;
	T->fd[proc][fd] = conn;
}

static int get_fd(const struct fdtabs *T, int proc, int fd)
{
	if (proc < 0 || (size_t)proc >= T->n || fd < 0 || fd >= MAX_FD)
		return 0;
	return T->fd[proc][fd];
}

void cmp_timeline_build(const struct cmp_capture *cap, struct cmp_timeline *t)
{
	size_t n = cap->ncalls, acap = 0, arcap = 0;
	int stream = cap->kind->type != SOCK_DGRAM;
	memset(t, 0, sizeof *t);
	t->actor_of = calloc(n + 1, sizeof *t->actor_of);
	t->order = calloc(n + 1, sizeof *t->order);
	t->row = calloc(n + 1, sizeof *t->row);

	/* actors: the two processes of the run, then what their clones made */
	add_actor(t, &acap, cap->client_pid, SIDE_CLIENT, "client");
	add_actor(t, &acap, cap->server_pid, SIDE_SERVER, "server");
	for (size_t i = 0; i < n; i++) {
		const struct cmp_call *c = &cap->calls[i];
		int maker = find_actor(t, c->tid);
		if (maker < 0)
			maker = add_actor(t, &acap, c->tid, c->side, "task");
		if ((is_name(c, "clone") || is_name(c, "clone3")) && c->rc > 0 && find_actor(t, (int)c->rc) < 0) {
			int thread = is_name(c, "clone3");
			int a = add_actor(t, &acap, (int)c->rc, c->side, thread ? "thread" : "child");
			if (a < 0)
				continue;
			t->actors[a].is_thread = thread;
			t->actors[a].parent = maker;
			t->actors[a].proc = thread ? t->actors[maker].proc : a;
			t->actors[a].spawn = (long)i;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct cmp_call *c = &cap->calls[i];
		t->actor_of[i] = find_actor(t, c->tid);
		int a;
		if (is_name(c, "wait4") && c->rc > 0 && (a = find_actor(t, (int)c->rc)) >= 0 && t->actors[a].reap < 0)
			t->actors[a].reap = (long)i;
	}

	/* spawn and reap */
	for (size_t a = 0; a < t->nactors; a++) {
		struct cmp_actor *ac = &t->actors[a];
		long first = -1, last = -1;
		for (size_t i = 0; i < n; i++)
			if (t->actor_of[i] == (int)a) {
				if (first < 0)
					first = (long)i;
				last = (long)i;
			}
		if (ac->spawn >= 0) {
			struct cmp_arrow *ar = add_arrow(t, &arcap, ARR_SPAWN, ac->spawn, ac->parent);
			if (ar) {
				ar->to = first;
				ar->to_actor = (int)a;
				snprintf(ar->label, sizeof ar->label, "%s", ac->is_thread ? "pthread_create" : "fork");
			}
		}
		if (ac->reap >= 0) {
			struct cmp_arrow *ar = add_arrow(t, &arcap, ARR_REAP, last, (int)a);
			if (ar) {
				ar->to = ac->reap;
				ar->to_actor = t->actor_of[ac->reap];
				reap_label(&cap->calls[ac->reap], ar->label, sizeof ar->label);
			}
		}
	}

	/* senders, in time order: connection set-up, data, end of stream */
	struct fdtabs T = { calloc(t->nactors, sizeof *T.fd), t->nactors, NULL, NULL, 0, 0 };
	long sent[2] = { 0, 0 };
	long *first_byte = calloc(n + 1, sizeof *first_byte);
	size_t first_data = t->narrows;
	for (size_t i = 0; i < n && T.fd; i++) {
		const struct cmp_call *c = &cap->calls[i];
		int a = t->actor_of[i], me = c->side;
		int proc = a >= 0 ? t->actors[a].proc : -1;
		if ((is_name(c, "clone")) && c->rc > 0) {
			int child = find_actor(t, (int)c->rc);
			if (child >= 0 && proc >= 0 && (size_t)child < T.n) {
				memcpy(T.fd[child], T.fd[proc], sizeof T.fd[child]);
				for (int fd = 0; fd < MAX_FD; fd++)
					if (T.fd[child][fd] > 0)
						T.refs[T.fd[child][fd]]++;
			}
		} else if (is_name(c, "socket") && c->rc >= 0) {
			set_fd(&T, proc, (int)c->rc, 0);
		} else if (is_accept(c) && stream) {
			set_fd(&T, proc, (int)c->rc, new_conn(&T));
		} else if (is_name(c, "connect") && c->rc == 0 && stream) {
			set_fd(&T, proc, c->fd, new_conn(&T));
			struct cmp_arrow *ar = add_arrow(t, &arcap, ARR_CONNECT, (long)i, a);
			if (ar)
				snprintf(ar->label, sizeof ar->label, "connect");
		} else if (is_send(c)) {
			struct cmp_arrow *ar = add_arrow(t, &arcap, ARR_DATA, (long)i, a);
			if (ar) {
				ar->bytes = c->rc;
				snprintf(ar->label, sizeof ar->label, "%ld B", c->rc);
				first_byte[t->narrows - 1] = sent[me];
			}
			sent[me] += c->rc;
		} else if (stream && c->rc == 0 &&
			   ((is_name(c, "shutdown") && !strstr(c->call, "SHUT_RD)")) || is_name(c, "close"))) {
			int conn = get_fd(&T, proc, c->fd);
			if (is_name(c, "close"))
				set_fd(&T, proc, c->fd, 0);
			if (conn > 0 && !T.ended[conn] && (is_name(c, "shutdown") || T.refs[conn] == 0)) {
				T.ended[conn] = 1;
				struct cmp_arrow *ar = add_arrow(t, &arcap, ARR_EOF, (long)i, a);
				if (ar)
					snprintf(ar->label, sizeof ar->label, "%s", _("end of stream"));
			}
		}
	}
	free(T.fd);
	free(T.refs);
	free(T.ended);

	/* receivers, in time order, take what the other side sent, first come first served */
	long taken[2] = { 0, 0 };
	int dgrams[2] = { 0, 0 };
	size_t next_connect = first_data, next_eof[2] = { first_data, first_data };
	for (size_t i = 0; i < n; i++) {
		const struct cmp_call *c = &cap->calls[i];
		int other = !c->side, a = t->actor_of[i];
		if (is_accept(c) && stream) {
			for (; next_connect < t->narrows; next_connect++) {
				struct cmp_arrow *ar = &t->arrows[next_connect];
				if (ar->kind == ARR_CONNECT && cap->calls[ar->from].side == other) {
					ar->to = (long)i;
					ar->to_actor = a;
					next_connect++;
					break;
				}
			}
		} else if (is_recv(c) && c->rc > 0) {
			long r0 = taken[other], r1 = r0 + c->rc;
			int nth = 0;
			for (size_t k = first_data; k < t->narrows; k++) {
				struct cmp_arrow *ar = &t->arrows[k];
				if (ar->kind != ARR_DATA || cap->calls[ar->from].side != other)
					continue;
				if (stream ? (first_byte[k] >= r0 && first_byte[k] < r1) : nth == dgrams[other]) {
					ar->to = (long)i;
					ar->to_actor = a;
				}
				nth++;
			}
			taken[other] = r1;
			dgrams[other]++;
		} else if (is_recv(c) && c->rc == 0 && stream) {
			for (; next_eof[other] < t->narrows; next_eof[other]++) {
				struct cmp_arrow *ar = &t->arrows[next_eof[other]];
				if (ar->kind == ARR_EOF && cap->calls[ar->from].side == other) {
					ar->to = (long)i;
					ar->to_actor = a;
					next_eof[other]++;
					break;
				}
			}
		}
	}
	free(first_byte);

	/* the order: by when calls returned; each lane keeps its own order, and
	 * whatever an arrow points to comes after where it starts */
	double *key = malloc((n + 1) * sizeof *key);
	double *last = malloc((t->nactors + 1) * sizeof *last);
	for (size_t i = 0; i < n; i++)
		key[i] = cap->calls[i].end;
	for (int pass = 0, changed = 1; changed && pass < 50; pass++) {
		changed = 0;
		for (size_t a = 0; a < t->nactors; a++)
			last[a] = -1;
		for (size_t i = 0; i < n; i++) {
			int a = t->actor_of[i];
			if (a < 0)
				continue;
			if (key[i] <= last[a]) {
				key[i] = last[a] + 1e-7;
				changed = 1;
			}
			last[a] = key[i];
		}
		for (size_t k = 0; k < t->narrows; k++) {
			const struct cmp_arrow *ar = &t->arrows[k];
			if (ar->from >= 0 && ar->to >= 0 && key[ar->to] <= key[ar->from]) {
				key[ar->to] = key[ar->from] + 1e-7;
				changed = 1;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		t->order[i] = i;
	for (size_t i = 1; i < n; i++) {
		size_t x = t->order[i], j = i;
		while (j > 0 && key[t->order[j - 1]] > key[x]) {
			t->order[j] = t->order[j - 1];
			j--;
		}
		t->order[j] = x;
	}
	for (size_t r = 0; r < n; r++)
		t->row[t->order[r]] = r;
	free(key);
	free(last);
}

void cmp_timeline_free(struct cmp_timeline *t)
{
	free(t->actors);
	free(t->actor_of);
	free(t->order);
	free(t->row);
	free(t->arrows);
	memset(t, 0, sizeof *t);
}
