/*
 * compare_diagram: a captured run as a sequence diagram, one lane per process
 * or thread (the client, the server, each child or thread it made), time going
 * down (see compare.h).
 *
 * The diagram is a list of rows, the same for the text and the SVG: each call
 * of the run in its lane, in the timeline's order, and each arrow on a row of
 * its own (after the call that sent, made or ended something; a reap just
 * before the wait4 that reaped). A lane is as wide as the longest call text in
 * it, up to what the terminal (or the picture) allows; a longer call wraps
 * onto more lines, and no call text is ever cut. An arrow's label stands in
 * the arrow's own row, so it is never drawn over another arrow.
 */
#define _GNU_SOURCE
#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include "../../common/i18n.h"
#include "../../common/server.h"

/* ---- rows ----------------------------------------------------------------------- */

enum { ITEM_CALL, ITEM_ARROW };

struct item {
	int type;
	size_t index;    /* a call, or an arrow */
};

struct drawing {
	const struct cmp_capture *cap;
	struct cmp_timeline t;
	struct item *items;
	size_t nitems;
	char **text;         /* call -> what is drawn: "call = result", $DIR for the scratch dir */
	char (*head)[64];    /* lane -> its header */
	size_t *nat;         /* lane -> the longest text in it */
	long *alive_from, *alive_to;   /* lane -> the items it is alive in */
	int uses_dir;
};

static void drawing_build(struct drawing *d, const struct cmp_capture *cap)
{
	memset(d, 0, sizeof *d);
	d->cap = cap;
	cmp_timeline_build(cap, &d->t);
	size_t n = cap->ncalls, na = d->t.nactors;
	d->items = calloc(n + d->t.narrows + 1, sizeof *d->items);
	d->text = calloc(n + 1, sizeof *d->text);
	d->head = calloc(na + 1, sizeof *d->head);
	d->nat = calloc(na + 1, sizeof *d->nat);
	d->alive_from = calloc(na + 1, sizeof *d->alive_from);
	d->alive_to = calloc(na + 1, sizeof *d->alive_to);
	for (size_t a = 0; a < na; a++) {
		const struct cmp_actor *ac = &d->t.actors[a];
		/* "client pid 4450": its first word alone when the lane is narrow */
		const char *fmt = a == 0 ? _("client pid %d") : a == 1 ? _("server pid %d")
				: ac->is_thread ? _("thread tid %d") : _("child pid %d");
		snprintf(d->head[a], sizeof d->head[a], fmt, ac->tid);
		d->nat[a] = i18n_width(d->head[a], strlen(d->head[a]));
		d->alive_from[a] = ac->spawn >= 0 ? -2 : 0;   /* -2: from its spawn arrow */
		d->alive_to[a] = -1;                          /* -1: to the end */
	}
	for (size_t i = 0; i < n; i++) {
		const struct cmp_call *c = &cap->calls[i];
		struct sbuf sb = SBUF_INIT;
		cmp_put_short(&sb, c->call, cap->scratch);
		sb_printf(&sb, " = %s", c->result);
		d->text[i] = strdup(sb_str(&sb));
		sb_free(&sb);
		d->uses_dir |= cap->scratch[0] && strstr(c->call, cap->scratch) != NULL;
		int a = d->t.actor_of[i];
		size_t cols = i18n_width(d->text[i], strlen(d->text[i]));
		if (a >= 0 && cols > d->nat[a])
			d->nat[a] = cols;
	}
	for (size_t r = 0; r < n; r++) {
		size_t i = d->t.order[r];
		for (size_t k = 0; k < d->t.narrows; k++) {
			const struct cmp_arrow *ar = &d->t.arrows[k];
			if (ar->kind == ARR_REAP && ar->to == (long)i) {
				d->items[d->nitems++] = (struct item){ ITEM_ARROW, k };
				if (ar->from_actor >= 0)
					d->alive_to[ar->from_actor] = (long)d->nitems - 1;
			}
		}
		d->items[d->nitems++] = (struct item){ ITEM_CALL, i };
		for (size_t k = 0; k < d->t.narrows; k++) {
			const struct cmp_arrow *ar = &d->t.arrows[k];
			if (ar->kind != ARR_REAP && ar->from == (long)i) {
				d->items[d->nitems++] = (struct item){ ITEM_ARROW, k };
				if (ar->kind == ARR_SPAWN && ar->to_actor >= 0)
					d->alive_from[ar->to_actor] = (long)d->nitems - 1;
			}
		}
	}
}

static void drawing_free(struct drawing *d)
{
	for (size_t i = 0; i < d->cap->ncalls; i++)
		free(d->text[i]);
	free(d->text);
	free(d->items);
	free(d->head);
	free(d->nat);
	free(d->alive_from);
	free(d->alive_to);
	cmp_timeline_free(&d->t);
}

static int alive(const struct drawing *d, size_t lane, size_t item)
{
	long from = d->alive_from[lane], to = d->alive_to[lane];
	return from != -2 && (long)item >= from && (to < 0 || (long)item <= to);
}

/* An arrow's ends as lanes: a datagram nobody read points at the other side. */
static void arrow_lanes(const struct drawing *d, const struct cmp_arrow *ar, int *from, int *to)
{
	*from = ar->from_actor;
	*to = ar->to_actor;
	if (*to < 0)
		*to = d->t.actors[*from].side == SIDE_CLIENT ? 1 : 0;
}

static void arrow_label(const struct cmp_arrow *ar, char *buf, size_t size)
{
	if (ar->to < 0 && ar->kind != ARR_SPAWN && ar->kind != ARR_REAP)
		snprintf(buf, size, _("%s (not read)"), ar->label);
	else
		snprintf(buf, size, "%s", ar->label);
}

/* The next piece of s that fits in w columns (its bytes): broken after a space
 * (but not between " = " and the result, or "[110 => 38]"'s arrow and its
 * value) or between two CJK characters, else after a '|', a ',' or a '/',
 * else at w. */
static size_t wrap_piece(const char *s, size_t w)
{
	size_t n = strlen(s);
	if (i18n_width(s, n) <= w)
		return n;
	/* each boundary i between two characters, c the columns before it */
	size_t late = 0, punct = 0, early = 0, hard = 0, prev = 0, c = 0;
	for (size_t i = 0; s[i] && c <= w;) {
		if (i > 0) {
			int space = s[i - 1] == ' ' && !(i >= 2 && s[i - 2] == '=') &&
				    !(i >= 3 && s[i - 2] == '>' && s[i - 3] == '=') && !(s[i] == '=' && s[i + 1] == '>');
			if (c > w / 3 && (space || i18n_may_break(s + prev, s + i)))
				late = i;
			if (c > w / 3 && (s[i - 1] == '|' || s[i - 1] == ',' || s[i - 1] == '/'))
				punct = i;
			if (c <= w / 3 && i > 1 && s[i - 1] == ' ')
				early = i;
			hard = i;
		}
		size_t l = i18n_char(s + i, NULL);
		c += i18n_width(s + i, l);
		prev = i;
		i += l;
	}
	return late ? late : punct ? punct : early ? early : hard ? hard : i18n_char(s, NULL);
}

size_t cmp_wrap_lines(const char *s, size_t w, char ***out)
{
	size_t cap = 8, n = 0;
	char **v = malloc(cap * sizeof *v);
	int first = 1;
	while (*s || first) {
		size_t ind = first ? 0 : 2, room = w > ind + 8 ? w - ind : 8;
		size_t len = wrap_piece(s, room);
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		v[n] = malloc(ind + len + 1);
		memset(v[n], ' ', ind);
		memcpy(v[n] + ind, s, len);
		while (len > 0 && v[n][ind + len - 1] == ' ')
			len--;
		v[n][ind + len] = '\0';
		n++;
		s += wrap_piece(s, room);
		if (*s)
			s += strspn(s, " ");   /* a continuation does not start with the space it broke at */
		first = 0;
	}
	*out = v;
	return n;
}

void cmp_free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Lane widths: each as wide as its longest text, the widest narrowed (down to
 * `minw`) until the lanes fit in `total` columns, `gap` columns per lane besides. */
static void fit_widths(const size_t *nat, size_t n, size_t total, size_t gap, size_t minw, size_t *w)
{
	size_t lo = minw, hi = minw, sum;
	for (size_t a = 0; a < n; a++)
		if (nat[a] > hi)
			hi = nat[a];
	while (lo < hi) {   /* the largest cap that fits */
		size_t c = (lo + hi + 1) / 2;
		sum = 0;
		for (size_t a = 0; a < n; a++)
			sum += (nat[a] < c ? nat[a] : c) + gap;
		if (sum <= total)
			lo = c;
		else
			hi = c - 1;
	}
	for (size_t a = 0; a < n; a++)
		w[a] = nat[a] < lo ? nat[a] : lo;
}

/* ---- text ------------------------------------------------------------------------- */

/* A line of text by terminal columns: each column holds its character, a
 * wide (CJK) one its left half, and "" its right half. */
struct canvas {
	char (*c)[5];
	size_t w;
};

static void canvas_blank(struct canvas *cv)
{
	for (size_t i = 0; i < cv->w; i++)
		strcpy(cv->c[i], " ");
}

/* column i made a blank, with the other half of a wide character it held */
static void canvas_clear(struct canvas *cv, size_t i)
{
	if (i >= cv->w)
		return;
	if (!cv->c[i][0] && i > 0)
		strcpy(cv->c[i - 1], " ");
	else if (i + 1 < cv->w && !cv->c[i + 1][0])
		strcpy(cv->c[i + 1], " ");
	strcpy(cv->c[i], " ");
}

static void canvas_set(struct canvas *cv, size_t i, char ch)
{
	if (i >= cv->w)
		return;
	canvas_clear(cv, i);
	cv->c[i][0] = ch;
}

static void canvas_start(struct canvas *cv, const struct drawing *d, const size_t *x, size_t item)
{
	canvas_blank(cv);
	for (size_t a = 0; a < d->t.nactors; a++)
		if (alive(d, a, item))
			canvas_set(cv, x[a], '|');
}

/* s from column `at` on, as far as the line goes */
static void canvas_put(struct canvas *cv, size_t at, const char *s)
{
	while (*s) {
		size_t l = i18n_char(s, NULL), cw = i18n_width(s, l);
		if (at + cw > cv->w)
			break;
		canvas_clear(cv, at);
		if (cw == 2)
			canvas_clear(cv, at + 1);
		memcpy(cv->c[at], s, l);
		cv->c[at][l] = '\0';
		if (cw == 2)
			cv->c[at + 1][0] = '\0';
		at += cw;
		s += l;
	}
}

static void canvas_print(FILE *out, struct canvas *cv)
{
	size_t n = cv->w;
	while (n > 0 && !strcmp(cv->c[n - 1], " "))
		n--;
	for (size_t i = 0; i < n; i++)
		fputs(cv->c[i], out);
	fputc('\n', out);
}

void cmp_diagram_text(FILE *out, const struct cmp_capture *cap, int width)
{
	struct drawing d;
	drawing_build(&d, cap);
	size_t na = d.t.nactors, *w = calloc(na, sizeof *w), *x = calloc(na + 1, sizeof *x);
	/* width 0 (--wide): every lane as wide as its longest call */
	size_t total = width <= 0 ? (size_t)-1 / 4 : width > CMP_MIN_WIDTH ? (size_t)width : CMP_MIN_WIDTH;
	/* lanes of 20 columns at least, or as many as fit (10 at the very least) */
	size_t minw = (total + 1) / na > 23 ? 20 : (total + 1) / na > 13 ? (total + 1) / na - 3 : 10;
	fit_widths(d.nat, na, total + 1, 3, minw, w);
	for (size_t a = 0; a < na; a++)
		x[a + 1] = x[a] + w[a] + 3;
	/* a label beside its arrow may need room past the last lane, never past the width */
	struct canvas cv = { NULL, width > 0 && total > x[na] ? total : x[na] + 64 };
	cv.c = calloc(cv.w + 1, sizeof *cv.c);

	char pool[16] = "", line[800];
	if (cap->pool)
		snprintf(pool, sizeof pool, "=%d", cap->pool);
	snprintf(line, sizeof line, _("%s-client and %s-server (%s), --model %s%s: one lane per process or thread, "
				      "time going down"), cap->fam->name, cap->fam->name, cap->kind->label,
		 cap->model->name, pool);
	cmp_print_wrapped(out, line, width, 0);
	if (d.uses_dir) {
		snprintf(line, sizeof line, _("($DIR is %s, the run's scratch directory, removed afterwards)"),
			 cap->scratch);
		cmp_print_wrapped(out, line, width, 1);
	}
	if (width > 0 && x[na] - 1 > (size_t)width) {
		snprintf(line, sizeof line, _("(%zu lanes of at least %zu columns do not fit in %d: %zu columns; "
					      "--svg draws it as a picture)"), na, minw, width, x[na] - 1);
		cmp_print_wrapped(out, line, width, 1);
	}
	fputc('\n', out);
	/* the lanes' names, on two lines ("child" / "pid 4455") when a lane is narrower */
	size_t hl = 1;
	for (size_t a = 0; a < na; a++)
		if (d.nat[a] && i18n_width(d.head[a], strlen(d.head[a])) > w[a] + 2 && strchr(d.head[a], ' '))
			hl = 2;
	for (size_t l = 0; l < hl; l++) {
		canvas_blank(&cv);
		for (size_t a = 0; a < na; a++) {
			const char *h = d.head[a], *sp = strchr(h, ' ');
			if (hl == 1 || !sp) {
				if (!l)
					canvas_put(&cv, x[a], h);
			} else if (l == 0) {
				char first[64];
				snprintf(first, sizeof first, "%.*s", (int)(sp - h), h);
				canvas_put(&cv, x[a], first);
			} else {
				canvas_put(&cv, x[a], sp + 1);
			}
		}
		canvas_print(out, &cv);
	}
	canvas_blank(&cv);
	for (size_t a = 0; a < na; a++) {
		const char *h = hl == 1 || !strchr(d.head[a], ' ') ? d.head[a] : strchr(d.head[a], ' ') + 1;
		size_t hw = i18n_width(h, strlen(h));
		for (size_t k = 0; k < w[a] + 2 && k < hw + 2; k++)
			canvas_set(&cv, x[a] + k, '=');
	}
	canvas_print(out, &cv);

	for (size_t it = 0; it < d.nitems; it++) {
		const struct item *item = &d.items[it];
		if (item->type == ITEM_CALL) {
			int a = d.t.actor_of[item->index];
			char **lines;
			size_t nl = cmp_wrap_lines(d.text[item->index], a >= 0 ? w[a] : 40, &lines);
			for (size_t l = 0; l < nl; l++) {
				canvas_start(&cv, &d, x, it);
				canvas_put(&cv, a >= 0 ? x[a] + 2 : 0, lines[l]);
				canvas_print(out, &cv);
			}
			cmp_free_lines(lines, nl);
			continue;
		}
		const struct cmp_arrow *ar = &d.t.arrows[item->index];
		int fa, ta;
		arrow_lanes(&d, ar, &fa, &ta);
		char lab[80];
		arrow_label(ar, lab, sizeof lab);
		canvas_start(&cv, &d, x, it);
		char line = ar->kind == ARR_SPAWN ? '=' : ar->kind == ARR_REAP ? '.' : '-';
		size_t xa = x[fa], xb = x[ta], lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
		if (fa == ta) {
			canvas_put(&cv, xa + 2, lab);
			canvas_print(out, &cv);
			continue;
		}
		for (size_t k = lo + 1; k < hi; k++)
			canvas_set(&cv, k, line);
		if (xa < xb)
			canvas_set(&cv, hi - 1, '>');
		else
			canvas_set(&cv, lo + 1, '<');
		/* the label next to where the arrow starts (the sender's lane is empty
		 * in this row), else anywhere between its ends, else beside it */
		size_t labw = i18n_width(lab, strlen(lab));
		size_t ll = labw + 2, span = hi - lo - 3;
		size_t slo = fa < ta ? xa : x[fa - 1], shi = fa < ta ? x[fa + 1] : xa;
		if (shi - slo - 3 >= ll + 2) {
			size_t at = slo + 2 + (shi - slo - 3 - ll) / 2;
			canvas_set(&cv, at, ' ');
			canvas_put(&cv, at + 1, lab);
			canvas_set(&cv, at + ll - 1, ' ');
		} else if (span >= ll + 2) {
			size_t at = lo + 2 + (span - ll) / 2;
			canvas_set(&cv, at, ' ');
			canvas_put(&cv, at + 1, lab);
			canvas_set(&cv, at + ll - 1, ' ');
		} else if (hi + 2 + labw <= cv.w || lo < labw + 3) {
			/* no room between the ends: beside the arrow, never over it */
			canvas_put(&cv, hi + 2, lab);
		} else {
			/* ... on the side that stays within the width */
			canvas_put(&cv, lo - 1 - labw, lab);
		}
		canvas_print(out, &cv);
	}
	fputc('\n', out);
	static const char *const legend[] = { N_("--> connection, data, end of stream"),
		N_("==> fork/pthread_create (clone, clone3)"), N_("..> exit, reaped by wait4") };
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < 3; i++) {
		const char *l = _(legend[i]);
		if (sb.len && width > 0 && i18n_width(sb.p, sb.len) + 3 + i18n_width(l, strlen(l)) > (size_t)width) {
			fprintf(out, "%s\n", sb_str(&sb));
			sb_reset(&sb);
		}
		sb_printf(&sb, "%s%s", sb.len ? "   " : "", l);
	}
	fprintf(out, "%s\n", sb_str(&sb));
	sb_free(&sb);
	free(cv.c);
	free(w);
	free(x);
	drawing_free(&d);
}

/* ---- SVG -------------------------------------------------------------------------- */

#define SVG_CW 6.63      /* the advance of an 11 px DejaVu Sans Mono character */
#define SVG_LH 14        /* one line of a call */
#define SVG_MAXC 100     /* a call longer than this wraps */
#define SVG_GAP 44       /* between a lane's longest text and the next lifeline */

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
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
}

static const char *arrow_colour(int kind)
{
	return kind == ARR_SPAWN || kind == ARR_REAP ? "#2a5db0" : "#b03030";
}

void cmp_diagram_svg(FILE *out, const struct cmp_capture *cap)
{
	struct drawing d;
	drawing_build(&d, cap);
	size_t na = d.t.nactors, *w = calloc(na, sizeof *w);
	double *x = calloc(na + 1, sizeof *x);
	for (size_t a = 0; a < na; a++)
		w[a] = d.nat[a] < SVG_MAXC ? d.nat[a] : SVG_MAXC;
	x[0] = 24;
	for (size_t a = 0; a < na; a++)
		x[a + 1] = x[a] + w[a] * SVG_CW + SVG_GAP;
	/* rows: where each item starts, and how tall it is */
	double *y = calloc(d.nitems + 1, sizeof *y);
	size_t *nlines = calloc(d.nitems + 1, sizeof *nlines);
	char ***lines = calloc(d.nitems + 1, sizeof *lines);
	const double top = 96;
	y[0] = top;
	for (size_t it = 0; it < d.nitems; it++) {
		double h = 24;
		if (d.items[it].type == ITEM_CALL) {
			int a = d.t.actor_of[d.items[it].index];
			nlines[it] = cmp_wrap_lines(d.text[d.items[it].index], a >= 0 ? w[a] : SVG_MAXC, &lines[it]);
			h = (double)nlines[it] * SVG_LH + 6;
		}
		y[it + 1] = y[it] + h;
	}
	double width = x[na] - SVG_GAP + 40, height = y[d.nitems] + 40;
	double title_w = 60 * 8.5;
	if (width < title_w + 40)
		width = title_w + 40;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n",
		width, height, width, height);
	fputs("<defs>", out);
	for (int k = 0; k < 2; k++)
		fprintf(out, "<marker id=\"head%d\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" "
			"orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"%s\"/></marker>",
			k, arrow_colour(k ? ARR_SPAWN : ARR_DATA));
	fputs("</defs>\n", out);
	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", width, height);
	char model[48], line[800];
	snprintf(model, sizeof model, cap->pool ? "%s=%d" : "%s", cap->model->name, cap->pool);
	snprintf(line, sizeof line, _("%s, --model %s: one exchange, one lane per process or thread"), cap->label, model);
	fprintf(out, "<text x=\"24\" y=\"24\" font-size=\"14\" font-weight=\"bold\">");
	xml_text(out, line);
	fputs("</text>\n", out);
	if (d.uses_dir) {
		snprintf(line, sizeof line, _("$DIR is %s, the run's scratch directory (each call's tooltip has the "
					      "full text)"), cap->scratch);
		fputs("<text x=\"24\" y=\"42\" font-size=\"10\" fill=\"#555\">", out);
		xml_text(out, line);
		fputs("</text>\n", out);
	}
	/* lanes: a header, a faint line until the lane exists, a solid one while it lives */
	for (size_t a = 0; a < na; a++) {
		fprintf(out, "<text x=\"%.1f\" y=\"70\" font-size=\"12\" font-weight=\"bold\">", x[a] - 4);
		xml_text(out, d.head[a]);
		fputs("</text>\n", out);
		double y0 = 78, y1 = y[d.nitems] + 10;
		if (d.alive_from[a] > 0)
			y0 = y[d.alive_from[a]] + 16;
		if (d.alive_to[a] >= 0)
			y1 = y[d.alive_to[a]] + 16;
		if (y0 > 78)
			fprintf(out, "<line x1=\"%.1f\" y1=\"78\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\" "
				"stroke-dasharray=\"2,4\"/>\n", x[a], x[a], y0);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
			"stroke-width=\"2\"/>\n", x[a], y0, x[a], y1);
	}
	for (size_t it = 0; it < d.nitems; it++) {
		const struct item *item = &d.items[it];
		if (item->type == ITEM_CALL) {
			const struct cmp_call *c = &cap->calls[item->index];
			int a = d.t.actor_of[item->index];
			double lx = a >= 0 ? x[a] : 24;
			fputs("<g><title>", out);
			xml_text(out, c->call);
			fputs(" = ", out);
			xml_text(out, c->result);
			fprintf(out, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#555\"/>"
				"<text fill=\"%s\">", lx, y[it] + 7, c->rc < 0 ? "#c00000" : "#000000");
			for (size_t l = 0; l < nlines[it]; l++) {
				fprintf(out, "<tspan x=\"%.1f\" y=\"%.1f\" xml:space=\"preserve\">", lx + 8,
					y[it] + 11 + (double)l * SVG_LH);
				xml_text(out, lines[it][l]);
				fputs("</tspan>", out);
			}
			fputs("</text></g>\n", out);
			continue;
		}
		const struct cmp_arrow *ar = &d.t.arrows[item->index];
		int fa, ta;
		arrow_lanes(&d, ar, &fa, &ta);
		char lab[80];
		arrow_label(ar, lab, sizeof lab);
		double ly = y[it] + 16, xa = x[fa], xb = x[ta];
		const char *col = arrow_colour(ar->kind);
		const char *dash = ar->kind == ARR_DATA || ar->kind == ARR_SPAWN ? "" : " stroke-dasharray=\"5,3\"";
		if (fa != ta)
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"1.5\" marker-end=\"url(#head%d)\"%s/>\n",
				xa, ly, xb + (xa < xb ? -2 : 2), ly, col,
				ar->kind == ARR_SPAWN || ar->kind == ARR_REAP, dash);
		/* the label above its own arrow, on a white ground (lifelines pass behind it) */
		double lw = (double)i18n_width(lab, strlen(lab)) * 6.1 + 8, lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
		double slo = fa < ta ? xa : x[fa - 1], shi = fa < ta ? x[fa + 1] : xa;
		double lx = shi - slo >= lw + 16 ? (slo + shi) / 2 : hi - lo >= lw + 16 ? (lo + hi) / 2 : hi + 8 + lw / 2;
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"white\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" text-anchor=\"middle\">",
			lx - lw / 2, y[it] + 1, lw, lx, y[it] + 10, col);
		xml_text(out, lab);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
	for (size_t it = 0; it < d.nitems; it++)
		if (lines[it])
			cmp_free_lines(lines[it], nlines[it]);
	free(lines);
	free(nlines);
	free(y);
	free(x);
	free(w);
	drawing_free(&d);
}
