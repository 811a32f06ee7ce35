/*
 * compare_models: one exchange under every server model, and what each model
 * adds or changes against the first (iterative), call by call (see compare.h).
 *
 * Each model's server calls, in the order they happened (compare_timeline.c),
 * are aligned with the reference's by a weighted longest common subsequence:
 * the same call (pids, ports, pointers, the scratch directory and descriptor
 * numbers set aside) counts more than the same step made another way (accept
 * and accept4, recvfrom and recvmsg, sendto and sendmsg). Then every call is
 * either the same (and not shown), the same but made by another process or
 * thread (moved), the same step with other arguments (changed), one the
 * reference does not make (added), or one the model leaves out (missing).
 */
#define _GNU_SOURCE
#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include "../../common/i18n.h"
#include "../../common/server.h"

static char *messages[] = { "hello", "compare me" };
#define NMESSAGES 2

const char *cmp_mark_sign(int mark)
{
	static const char *const s[] = { " ", "+", "!", ">", "-" };
	return mark >= 0 && mark <= MARK_MISSING ? s[mark] : "?";
}

static const char *mark_name(int mark)
{
	static const char *const s[] = { "same", "added", "changed", "moved", "missing" };
	return mark >= 0 && mark <= MARK_MISSING ? s[mark] : "?";
}

/* ---- one side of one run, normalised ----------------------------------------------- */

struct seq {
	const struct cmp_call **v;
	const char **who;   /* the actor's name */
	int *role;          /* 0 the process the run started, 1 a child, 2 a thread */
	char **norm;        /* the call with what changes from run to run set aside */
	size_t n;
};

/* The descriptors a run made, by what made them: the socket, an accepted
 * connection, an epoll instance. Their numbers differ from model to model
 * (the thread and event models keep a spare descriptor open). */
struct fdnames {
	int fd[16];
	char name[16];
	int n;
};

static const char *fd_name(const struct fdnames *F, long fd)
{
	static char buf[4][8];
	static int k;
	for (int i = F->n; i-- > 0;)
		if (F->fd[i] == fd) {
			k = (k + 1) % 4;
			snprintf(buf[k], sizeof buf[k], "<%c>", F->name[i]);
			return buf[k];
		}
	return NULL;
}

static void fd_learn(struct fdnames *F, const struct cmp_call *c)
{
	char kind = !strcmp(c->name, "socket") ? 'S'
		: !strcmp(c->name, "accept") || !strcmp(c->name, "accept4") ? 'C'
		: !strcmp(c->name, "epoll_create1") ? 'E' : 0;
	if (!kind || c->rc < 0 || F->n == 16)
		return;
	F->fd[F->n] = (int)c->rc;
	F->name[F->n++] = kind;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "call = result" with the first argument and a made descriptor by what made
 * them, and pids, ports, pointers and the scratch directory blanked. */
static char *normalise(const struct cmp_call *c, const struct fdnames *F, const char *scratch)
{
	struct sbuf raw = SBUF_INIT, sb = SBUF_INIT;
	const char *p = strchr(c->call, '(');
	const char *fdn = p && c->fd >= 0 && is_digit(p[1]) ? fd_name(F, c->fd) : NULL;
	if (fdn) {
		sb_putn(&raw, c->call, (size_t)(p + 1 - c->call));
		sb_puts(&raw, fdn);
		sb_puts(&raw, p + 1 + strspn(p + 1, "0123456789"));
	} else {
		sb_puts(&raw, c->call);
	}
	sb_puts(&raw, " = ");
	int makes_pid = !strcmp(c->name, "clone") || !strcmp(c->name, "clone3") || !strcmp(c->name, "wait4");
	int makes_fd = !strcmp(c->name, "socket") || !strcmp(c->name, "accept") || !strcmp(c->name, "accept4") ||
		!strcmp(c->name, "epoll_create1");
	/* what poll finds ready (POLLIN, or POLLIN|POLLHUP once the peer has
	 * closed too) depends on timing, not on the model */
	int timing = !strcmp(c->name, "poll");
	const char *made = c->rc < 0 ? NULL : makes_pid || timing ? "#" : makes_fd ? fd_name(F, c->rc) : NULL;
	sb_puts(&raw, made ? made : c->result);
	const char *s = sb_str(&raw);
	size_t sl = strlen(scratch);
	while (*s) {
		if (sl && !strncmp(s, scratch, sl)) {
			sb_puts(&sb, "<tmp>");
			s += sl;
			while (*s && *s != '"') {   /* digits in the rest of the name are a pid */
				if (is_digit(*s)) {
					sb_putc(&sb, '#');
					while (is_digit(*s))
						s++;
				} else {
					sb_putc(&sb, *s++);
				}
			}
		} else if (s[0] == '0' && s[1] == 'x') {
			sb_puts(&sb, "0x#");
			s += 2;
			while (is_digit(*s) || (*s >= 'a' && *s <= 'f'))
				s++;
		} else if (!strncmp(s, "htons(", 6) || !strncmp(s, "pid=", 4) || !strncmp(s, "parent_tid=[", 12)) {
			size_t k = s[0] == 'h' ? 6 : s[0] == 'p' && s[1] == 'i' ? 4 : 12;
			sb_putn(&sb, s, k);
			s += k;
			if (is_digit(*s)) {
				sb_putc(&sb, '#');
				while (is_digit(*s))
					s++;
			}
		} else {
			sb_putc(&sb, *s++);
		}
	}
	char *r = strdup(sb_str(&sb));
	sb_free(&raw);
	sb_free(&sb);
	return r;
}

static void seq_build(struct seq *q, const struct cmp_capture *cap, const struct cmp_timeline *t, int side)
{
	size_t n = cap->ncalls;
	memset(q, 0, sizeof *q);
	q->v = calloc(n + 1, sizeof *q->v);
	q->who = calloc(n + 1, sizeof *q->who);
	q->role = calloc(n + 1, sizeof *q->role);
	q->norm = calloc(n + 1, sizeof *q->norm);
	struct fdnames F = { .n = 0 };
	for (size_t r = 0; r < n; r++) {
		size_t i = t->order[r];
		const struct cmp_call *c = &cap->calls[i];
		if (c->side != side)
			continue;
		int a = t->actor_of[i];
		const struct cmp_actor *ac = a >= 0 ? &t->actors[a] : NULL;
		q->v[q->n] = c;
		q->who[q->n] = ac ? ac->name : "?";
		q->role[q->n] = !ac || ac->spawn < 0 ? 0 : ac->is_thread ? 2 : 1;
		fd_learn(&F, c);   /* first: the descriptor it made is named in its result */
		q->norm[q->n] = normalise(c, &F, cap->scratch);
		q->n++;
	}
}

static void seq_free(struct seq *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->norm[i]);
	free(q->v);
	free(q->who);
	free(q->role);
	free(q->norm);
}

/* 2 the same call, 1 the same step made another way, 0 not the same step. */
static int match_score(const struct seq *a, size_t i, const struct seq *b, size_t j)
{
	static const char *const kin[][2] = {
		{ "accept", "accept4" }, { "recvfrom", "recvmsg" }, { "sendto", "sendmsg" },
	};
	const char *x = a->v[i]->name, *y = b->v[j]->name;
	if (!strcmp(a->norm[i], b->norm[j]))
		return 2;
	if (!strcmp(x, "close") || !strcmp(y, "close"))
		return 0;   /* a close of another descriptor is another step */
	if (!strcmp(x, y))
		return 1;
	for (size_t k = 0; k < sizeof kin / sizeof kin[0]; k++)
		if ((!strcmp(x, kin[k][0]) && !strcmp(y, kin[k][1])) || (!strcmp(x, kin[k][1]) && !strcmp(y, kin[k][0])))
			return 1;
	return 0;
}

static struct cmp_mentry *add_entry(struct cmp_mrun *r, size_t *cap)
{
	if (r->nentries == *cap) {
		size_t n = *cap ? *cap * 2 : 32;
		struct cmp_mentry *v = realloc(r->entries, n * sizeof *v);
		if (!v)
			return NULL;
		r->entries = v;
		*cap = n;
	}
	struct cmp_mentry *e = &r->entries[r->nentries++];
	memset(e, 0, sizeof *e);
	e->count = 1;
	return e;
}

/* Aligns run m against the reference; fills m->entries. */
static void align(struct cmp_mrun *m, const struct seq *ref, const struct seq *q)
{
	size_t n = ref->n, k = q->n, ecap = 0;
	int *L = calloc((n + 1) * (k + 1), sizeof *L);
#define LL(i, j) L[(i) * (k + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = k; j-- > 0;) {
			int best = LL(i + 1, j) > LL(i, j + 1) ? LL(i + 1, j) : LL(i, j + 1);
			int s = match_score(ref, i, q, j);
			if (s && s + LL(i + 1, j + 1) > best)
				best = s + LL(i + 1, j + 1);
			LL(i, j) = best;
		}
	size_t i = 0, j = 0;
	/* where each added call goes: before the next reference call that is matched */
	while (i < n || j < k) {
		int s = i < n && j < k ? match_score(ref, i, q, j) : 0;
		struct cmp_mentry *e;
		if (s && LL(i, j) == s + LL(i + 1, j + 1)) {
			if (!(e = add_entry(m, &ecap)))
				break;
			e->mark = s == 1 ? MARK_CHANGED : q->role[j] != ref->role[i] ? MARK_MOVED : MARK_SAME;
			e->call = q->v[j];
			snprintf(e->who, sizeof e->who, "%s", q->who[j]);
			e->at = i;
			i++, j++;
		} else if (j < k && (i >= n || LL(i, j + 1) >= LL(i + 1, j))) {
			if (!(e = add_entry(m, &ecap)))
				break;
			e->mark = MARK_ADDED;
			e->call = q->v[j];
			snprintf(e->who, sizeof e->who, "%s", q->who[j]);
			e->at = (size_t)-1;   /* filled below */
			j++;
		} else {
			if (!(e = add_entry(m, &ecap)))
				break;
			e->mark = MARK_MISSING;
			e->call = ref->v[i];
			snprintf(e->who, sizeof e->who, "%s", ref->who[i]);
			e->at = i;
			i++;
		}
	}
#undef LL
	free(L);
	/* an added call stands before the next reference call */
	size_t next = n;
	for (size_t x = m->nentries; x-- > 0;) {
		if (m->entries[x].mark == MARK_ADDED)
			m->entries[x].at = next;
		else
			next = m->entries[x].at;
	}
	/* added calls in a row that differ only in pids, pointers or ports: one entry */
	size_t out = 0;
	char **norms = calloc(m->nentries + 1, sizeof *norms);
	for (size_t x = 0; x < m->nentries; x++)
		for (size_t y = 0; y < q->n; y++)
			if (q->v[y] == m->entries[x].call)
				norms[x] = q->norm[y];
	for (size_t x = 0; x < m->nentries; x++) {
		struct cmp_mentry *e = &m->entries[x];
		if (out > 0) {
			struct cmp_mentry *p = &m->entries[out - 1];
			if (e->mark == MARK_ADDED && p->mark == MARK_ADDED && p->at == e->at && !strcmp(p->who, e->who) &&
			    norms[x] && norms[out - 1] && !strcmp(norms[x], norms[out - 1])) {
				struct sbuf sb = SBUF_INIT;
				sb_puts(&sb, p->results ? p->results : p->call->result);
				sb_printf(&sb, ", %s", e->call->result);
				free(p->results);
				p->results = strdup(sb_str(&sb));
				sb_free(&sb);
				p->count++;
				continue;
			}
		}
		norms[out] = norms[x];
		m->entries[out++] = *e;
	}
	m->nentries = out;
	free(norms);
}

int cmp_models_run(struct cmp_models *mm, const struct family *f, const struct sock_kind *k, struct sbuf *err)
{
	memset(mm, 0, sizeof *mm);
	mm->fam = f;
	mm->kind = k;
	size_t n = 0;
	while (models[n])
		n++;
	mm->runs = calloc(n, sizeof *mm->runs);
	mm->nruns = n;
	for (size_t i = 0; i < n; i++) {
		struct cmp_mrun *r = &mm->runs[i];
		struct sbuf e = SBUF_INIT;
		r->model = models[i];
		r->status = cmp_capture_model(&r->cap, f, k, r->model, 0, messages, NMESSAGES, &e);
		snprintf(r->why, sizeof r->why, "%s", sb_str(&e));
		sb_free(&e);
		if (i == 0 && r->status) {
			sb_printf(err, _("%s (under --model %s, the reference)"), r->why, r->model->name);
			return -1;
		}
	}
	struct cmp_timeline t0;
	struct seq ref, refc;
	cmp_timeline_build(&mm->runs[0].cap, &t0);
	seq_build(&ref, &mm->runs[0].cap, &t0, SIDE_SERVER);
	seq_build(&refc, &mm->runs[0].cap, &t0, SIDE_CLIENT);
	mm->nref = ref.n;
	mm->nclient = refc.n;
	mm->ref = calloc(ref.n + 1, sizeof *mm->ref);
	mm->ref_who = calloc(ref.n + 1, sizeof *mm->ref_who);
	for (size_t i = 0; i < ref.n; i++) {
		mm->ref[i] = ref.v[i];
		mm->ref_who[i] = strdup(ref.who[i]);
	}
	for (size_t i = 0; i < n; i++) {
		struct cmp_mrun *r = &mm->runs[i];
		if (r->status)
			continue;
		struct cmp_timeline t;
		struct seq q, qc;
		cmp_timeline_build(&r->cap, &t);
		seq_build(&q, &r->cap, &t, SIDE_SERVER);
		seq_build(&qc, &r->cap, &t, SIDE_CLIENT);
		align(r, &ref, &q);
		/* the entries name actors by pointer into t: copy what they need (done: who[] is a copy) */
		r->client_same = qc.n == refc.n;
		for (size_t c = 0; r->client_same && c < qc.n; c++)
			r->client_same = !strcmp(qc.norm[c], refc.norm[c]);
		seq_free(&q);
		seq_free(&qc);
		cmp_timeline_free(&t);
	}
	seq_free(&ref);
	seq_free(&refc);
	cmp_timeline_free(&t0);
	return 0;
}

void cmp_models_free(struct cmp_models *mm)
{
	for (size_t i = 0; i < mm->nruns; i++) {
		struct cmp_mrun *r = &mm->runs[i];
		for (size_t x = 0; x < r->nentries; x++)
			free(r->entries[x].results);
		free(r->entries);
		cmp_capture_free(&r->cap);
	}
	for (size_t i = 0; i < mm->nref; i++)
		free(mm->ref_who[i]);
	free(mm->ref_who);
	free(mm->ref);
	free(mm->runs);
	memset(mm, 0, sizeof *mm);
}

/* ---- output --------------------------------------------------------------------------- */

static void model_title(char *buf, size_t size, const struct cmp_mrun *r)
{
	if (r->status == 0 && r->cap.pool)
		snprintf(buf, size, "%s=%d", r->model->name, r->cap.pool);
	else
		snprintf(buf, size, "%s", r->model->name);
}

/* An actor's name ("client", "child 4455": the timeline's, as --json gives
 * them) as the text shows it, in the language of the messages. */
static const char *who_shown(const char *who, char *buf, size_t size)
{
	int id;
	char rest;
	if (!strcmp(who, "client"))
		return _("client");
	if (!strcmp(who, "server"))
		return _("server");
	if (sscanf(who, "child %d%c", &id, &rest) == 1)
		snprintf(buf, size, _("child %d"), id);
	else if (sscanf(who, "thread %d%c", &id, &rest) == 1)
		snprintf(buf, size, _("thread %d"), id);
	else if (sscanf(who, "task %d%c", &id, &rest) == 1)
		snprintf(buf, size, _("task %d"), id);
	else
		return who;
	return buf;
}

/* What an entry says: "+ 8x server: clone(...) = 4514, 4515, ...". */
static void entry_text(struct sbuf *sb, const struct cmp_mentry *e, const char *scratch)
{
	char who[80];
	sb_printf(sb, "%s ", cmp_mark_sign(e->mark));
	if (e->mark == MARK_MOVED) {
		sb_printf(sb, _("%s makes it"), who_shown(e->who, who, sizeof who));
		return;
	}
	if (e->mark == MARK_MISSING) {
		sb_puts(sb, _("not made"));
		return;
	}
	if (e->count > 1)
		sb_printf(sb, "%dx ", e->count);
	sb_printf(sb, "%s: ", who_shown(e->who, who, sizeof who));
	cmp_put_short(sb, e->call->call, scratch);
	sb_printf(sb, " = %s", e->results ? e->results : e->call->result);
}

/* Paragraphs side by side, each column wrapped to its width. */
static void print_cells(FILE *out, struct sbuf *cells, size_t ncols, size_t w)
{
	char ***lines = calloc(ncols, sizeof *lines);
	size_t *nl = calloc(ncols, sizeof *nl), rows = 0;
	for (size_t c = 0; c < ncols; c++) {
		/* each paragraph (one per '\n') wraps on its own */
		char *text = strdup(sb_str(&cells[c]));
		size_t cap = 0;
		for (char *save = NULL, *p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
			char **v;
			size_t k = cmp_wrap_lines(p, w, &v);
			if (nl[c] + k > cap) {
				cap = (nl[c] + k) * 2;
				lines[c] = realloc(lines[c], cap * sizeof *lines[c]);
			}
			memcpy(lines[c] + nl[c], v, k * sizeof *v);
			nl[c] += k;
			free(v);
		}
		free(text);
		if (nl[c] > rows)
			rows = nl[c];
	}
	struct sbuf line = SBUF_INIT;
	for (size_t r = 0; r < rows; r++) {
		sb_reset(&line);
		for (size_t c = 0; c < ncols; c++) {
			const char *s = r < nl[c] ? lines[c][r] : "";
			if (c)
				sb_puts(&line, " | ");
			cmp_put_padded(&line, s, strlen(s), w);
		}
		while (line.len && line.p[line.len - 1] == ' ')
			line.p[--line.len] = '\0';
		fprintf(out, "%s\n", sb_str(&line));
	}
	sb_free(&line);
	for (size_t c = 0; c < ncols; c++)
		cmp_free_lines(lines[c], nl[c]);
	free(lines);
	free(nl);
}

void cmp_models_text(FILE *out, const struct cmp_models *mm, int width)
{
	const struct cmp_capture *rc = &mm->runs[0].cap;
	struct sbuf sb = SBUF_INIT;
	/* NMESSAGES is 2 */
	sb_printf(&sb, _("%s/%s (%s): one exchange (the client sends \"%s\" and \"%s\") under every server model, "
			 "against --model %s"), mm->fam->name, mm->kind->name, mm->kind->label, messages[0], messages[1],
		  mm->runs[0].model->name);
	cmp_print_wrapped(out, sb_str(&sb), width, 0);
	static const char *const legend[] = {
		N_("  + a call iterative does not make"), N_("  ! the same step, other arguments"),
		N_("  > the same call, made by another process or thread"),
		N_("  - a call iterative makes and the model does not"),
		N_("  Nx: N calls in a row that differ only in pids, pointers or ports (the first is shown)"),
	};
	/* prose reads best within 80 columns, whatever the width */
	int prose = width > 0 && width < 80 ? width : 80;
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
		cmp_print_wrapped(out, _(legend[i]), prose, 4);
	cmp_print_wrapped(out, _("Each call is \"WHO: call = result\"; WHO is the server, or the child process or "
				 "thread (by its pid) that made it. Pids, ports, pointers and descriptor numbers are "
				 "set aside to align the calls; a blank means the same call as iterative, by the "
				 "server."),
			  prose, 0);
	if (rc->scratch[0]) {
		sb_reset(&sb);
		sb_printf(&sb, _("($DIR is each run's scratch directory, like %s, removed afterwards)"), rc->scratch);
		cmp_print_wrapped(out, sb_str(&sb), width, 1);
	}
	/* columns of 30 at least, the reference first in every band; width 0
	 * (--wide): every model in one band, 40 each */
	size_t W = width <= 0 ? mm->nruns * 43 : width > CMP_MIN_WIDTH ? (size_t)width : CMP_MIN_WIDTH;
	size_t ncols = (W + 3) / 33;
	if (ncols < 2)
		ncols = 2;
	if (ncols > mm->nruns)
		ncols = mm->nruns;
	size_t w = (W - 3 * (ncols - 1)) / ncols;
	struct sbuf *cells = calloc(ncols, sizeof *cells);
	for (size_t first = 1; first < mm->nruns; first += ncols - 1) {
		size_t nm = mm->nruns - first < ncols - 1 ? mm->nruns - first : ncols - 1;
		const struct cmp_mrun *band = &mm->runs[first];
		fputc('\n', out);
		for (size_t c = 0; c <= nm; c++) {
			char t[48];
			sb_reset(&cells[c]);
			if (c == 0) {
				sb_printf(&cells[c], _("%s (the reference)"), mm->runs[0].model->name);
			} else {
				model_title(t, sizeof t, &band[c - 1]);
				sb_puts(&cells[c], t);
			}
		}
		print_cells(out, cells, nm + 1, w);
		for (size_t c = 0; c <= nm; c++) {
			fputs(c ? "-+-" : "", out);
			for (size_t x = 0; x < w; x++)
				fputc('-', out);
		}
		fputc('\n', out);
		/* the models that did not run say why, first */
		int any = 0;
		for (size_t c = 0; c <= nm; c++) {
			sb_reset(&cells[c]);
			if (c && band[c - 1].status) {
				sb_printf(&cells[c], band[c - 1].status > 0 ? _("does not apply: %s") : _("failed: %s"),
					  band[c - 1].why);
				any = 1;
			}
		}
		if (any)
			print_cells(out, cells, nm + 1, w);
		for (size_t g = 0; g <= mm->nref; g++) {
			/* the calls added before reference call g */
			any = 0;
			for (size_t c = 0; c <= nm; c++) {
				sb_reset(&cells[c]);
				if (!c || band[c - 1].status)
					continue;
				const struct cmp_mrun *r = &band[c - 1];
				for (size_t x = 0; x < r->nentries; x++)
					if (r->entries[x].mark == MARK_ADDED && r->entries[x].at == g) {
						if (cells[c].len)
							sb_putc(&cells[c], '\n');
						entry_text(&cells[c], &r->entries[x], r->cap.scratch);
						any = 1;
					}
			}
			if (any)
				print_cells(out, cells, nm + 1, w);
			if (g == mm->nref)
				break;
			/* reference call g, and what each model made of it */
			sb_reset(&cells[0]);
			cmp_put_short(&cells[0], mm->ref[g]->call, rc->scratch);
			sb_printf(&cells[0], " = %s", mm->ref[g]->result);
			for (size_t c = 1; c <= nm; c++) {
				sb_reset(&cells[c]);
				const struct cmp_mrun *r = &band[c - 1];
				if (r->status)
					continue;
				for (size_t x = 0; x < r->nentries; x++)
					if (r->entries[x].mark != MARK_ADDED && r->entries[x].mark != MARK_SAME &&
					    r->entries[x].at == g)
						entry_text(&cells[c], &r->entries[x], r->cap.scratch);
			}
			print_cells(out, cells, nm + 1, w);
		}
	}
	for (size_t c = 0; c < ncols; c++)
		sb_free(&cells[c]);
	free(cells);
	/* the client is the same program under every model */
	struct sbuf differ = SBUF_INIT;
	for (size_t i = 1; i < mm->nruns; i++)
		if (mm->runs[i].status == 0 && !mm->runs[i].client_same)
			sb_printf(&differ, " %s", mm->runs[i].model->name);
	sb_reset(&sb);
	if (differ.len)
		sb_printf(&sb, _("The client's calls differ under:%s (compare --diagram A --model M shows them)"),
			  sb_str(&differ));
	else
		sb_printf(&sb, _("The client made the same %zu calls under every model (ports and names aside)."),
			  mm->nclient);
	fputc('\n', out);
	cmp_print_wrapped(out, sb_str(&sb), width, 0);
	sb_free(&differ);
	sb_free(&sb);
}

static void md_code(FILE *out, const char *s, const char *scratch)
{
	struct sbuf sb = SBUF_INIT;
	cmp_put_short(&sb, s, scratch);
	fputc('`', out);
	for (const char *p = sb_str(&sb); *p; p++) {
		if (*p == '|')
			fputs("\\|", out);
		else if (*p == '`')
			fputc('\'', out);
		else
			fputc(*p, out);
	}
	fputc('`', out);
	sb_free(&sb);
}

void cmp_models_markdown(FILE *out, const struct cmp_models *mm)
{
	fputs("### ", out);
	fprintf(out, _("%s/%s: what each server model adds or changes against --model %s"), mm->fam->name,
		mm->kind->name, mm->runs[0].model->name);
	fputs("\n\n", out);
	/* NMESSAGES is 2 */
	fprintf(out, _("One exchange (the client sends \"%s\" and \"%s\"), traced under each model. `+` a call the "
		       "reference does not make, `!` the same step with other arguments, `>` the same call made by "
		       "another process or thread, `-` a call the model leaves out; `Nx`: N calls in a row that "
		       "differ only in pids, pointers or ports."), messages[0], messages[1]);
	fprintf(out, "\n\n%s\n|---|---|---|---|\n", _("| model | | who | call |"));
	for (size_t i = 1; i < mm->nruns; i++) {
		const struct cmp_mrun *r = &mm->runs[i];
		char t[48];
		model_title(t, sizeof t, r);
		if (r->status) {
			struct sbuf why = SBUF_INIT;
			for (const char *p = r->why; *p; p++)
				sb_puts(&why, *p == '|' ? "\\|" : (char[]){ *p, 0 });
			fprintf(out, "| %s | | | ", t);
			fprintf(out, r->status > 0 ? _("does not apply: %s") : _("failed: %s"), sb_str(&why));
			fputs(" |\n", out);
			sb_free(&why);
			continue;
		}
		int shown = 0;
		for (size_t x = 0; x < r->nentries; x++) {
			const struct cmp_mentry *e = &r->entries[x];
			if (e->mark == MARK_SAME)
				continue;
			char who[80];
			fprintf(out, "| %s | %s | %s | ", t, cmp_mark_sign(e->mark),
				e->mark == MARK_MISSING ? "" : who_shown(e->who, who, sizeof who));
			if (e->count > 1)
				fprintf(out, "%dx ", e->count);
			struct sbuf sb = SBUF_INIT;
			sb_printf(&sb, "%s = %s", e->call->call, e->results ? e->results : e->call->result);
			md_code(out, sb_str(&sb), r->cap.scratch);
			sb_free(&sb);
			fputs(e->mark == MARK_MISSING ? _(" (not made)") : "", out);
			fputs(" |\n", out);
			shown++;
		}
		if (!shown) {
			fprintf(out, "| %s | | | ", t);
			fprintf(out, _("the same calls as --model %s"), mm->runs[0].model->name);
			fputs(" |\n", out);
		}
	}
}

void cmp_models_json(FILE *out, const struct cmp_models *mm)
{
	const struct cmp_capture *rc = &mm->runs[0].cap;
	fputs("{\n  \"family\": ", out);
	cmp_json_str(out, mm->fam->name);
	fputs(", \"kind\": ", out);
	cmp_json_str(out, mm->kind->name);
	fputs(", \"label\": ", out);
	cmp_json_str(out, rc->label);
	fputs(",\n  \"messages\": [", out);
	for (int i = 0; i < NMESSAGES; i++) {
		fputs(i ? ", " : "", out);
		cmp_json_str(out, messages[i]);
	}
	fputs("],\n  \"reference\": ", out);
	cmp_json_str(out, mm->runs[0].model->name);
	fputs(",\n  \"reference_calls\": [", out);
	for (size_t i = 0; i < mm->nref; i++) {
		fprintf(out, "%s\n    {\"who\": ", i ? "," : "");
		cmp_json_str(out, mm->ref_who[i]);
		fputs(", \"call\": ", out);
		cmp_json_str(out, mm->ref[i]->call);
		fputs(", \"result\": ", out);
		cmp_json_str(out, mm->ref[i]->result);
		fputc('}', out);
	}
	fprintf(out, "\n  ],\n  \"client_calls\": %zu,\n  \"models\": [", mm->nclient);
	for (size_t i = 0; i < mm->nruns; i++) {
		const struct cmp_mrun *r = &mm->runs[i];
		fprintf(out, "%s\n    {\"model\": ", i ? "," : "");
		cmp_json_str(out, r->model->name);
		fprintf(out, ", \"pool\": %d, \"status\": ", r->status ? 0 : r->cap.pool);
		cmp_json_str(out, r->status > 0 ? "does not apply" : r->status < 0 ? "failed" : "ok");
		if (r->status) {
			fputs(", \"why\": ", out);
			cmp_json_str(out, r->why);
			fputc('}', out);
			continue;
		}
		fprintf(out, ", \"client_same\": %s, \"entries\": [", r->client_same ? "true" : "false");
		int first = 1;
		for (size_t x = 0; x < r->nentries; x++) {
			const struct cmp_mentry *e = &r->entries[x];
			if (e->mark == MARK_SAME)
				continue;
			fprintf(out, "%s\n      {\"mark\": ", first ? "" : ",");
			first = 0;
			cmp_json_str(out, mark_name(e->mark));
			fputs(", \"who\": ", out);
			cmp_json_str(out, e->who);
			fprintf(out, ", \"count\": %d, \"at\": %zu, \"call\": ", e->count, e->at);
			cmp_json_str(out, e->call->call);
			fputs(", \"result\": ", out);
			cmp_json_str(out, e->results ? e->results : e->call->result);
			fputc('}', out);
		}
		fputs(first ? "]}" : "\n    ]}", out);
	}
	fputs("\n  ]\n}\n", out);
}
