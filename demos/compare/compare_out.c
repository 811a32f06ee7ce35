/* compare_out: the matrix as a text table, Markdown, JSON and CSV (see compare.h). */
#define _GNU_SOURCE
#include "compare.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/json.h"

static void kernel(char *out, size_t size)
{
	static struct utsname u;
	if (uname(&u) == 0)
		snprintf(out, size, "%.20s %.60s (%.20s)", u.sysname, u.release, u.machine);
	else
		snprintf(out, size, "Linux");
}

/* The text of a cell as the matrix shows it. */
static const char *cell_text(const struct cmp_cell *c, char *buf, size_t size)
{
	/* the states as a person reads them (--json and --csv keep cmp_status_name's) */
	static const char *const shown[] = { "ok", "n/a", N_("cannot run"), N_("timeout"), N_("error") };
	if (c->status == CELL_OK || c->status == CELL_NA)
		return c->text;
	snprintf(buf, size, "[%s] %s", c->status >= 0 && c->status <= CELL_ERROR ? _(shown[c->status]) : "?", c->text);
	return buf;
}

/* ---- text ------------------------------------------------------------------- */

int cmp_term_width(void)
{
	const char *cols = getenv("COLUMNS");
	long n = 0;
	if (cols && *cols && strspn(cols, "0123456789") == strlen(cols) && strlen(cols) < 6)
		n = strtol(cols, NULL, 10);
	struct winsize ws;
	if (n <= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		n = ws.ws_col;
	if (n <= 0)
		n = 80;
	return n < CMP_MIN_WIDTH ? CMP_MIN_WIDTH : (int)n;
}

void cmp_put_padded(struct sbuf *sb, const char *s, size_t bytes, size_t width)
{
	sb_putn(sb, s, bytes);
	for (size_t w = i18n_width(s, bytes); w < width; w++)
		sb_putc(sb, ' ');
}

size_t cmp_wrap_next(const char *s, size_t w)
{
	size_t n = strlen(s);
	if (i18n_width(s, n) <= w)
		return n;
	/* each boundary i between two characters, with the columns before it */
	size_t brk = 0, punct = 0, hard = 0, col = 0, prev = 0;
	for (size_t i = 0; s[i] && col <= w;) {
		if (i > 0) {
			if (s[i] == ' ' || i18n_may_break(s + prev, s + i))
				brk = i;
			if (i > 1 && strchr("/,;|", s[i - 1]))
				punct = i;
			hard = i;
		}
		size_t l = i18n_char(s + i, NULL);
		col += i18n_width(s + i, l);
		prev = i;
		i += l;
	}
	return brk ? brk : punct ? punct : hard ? hard : i18n_char(s, NULL);
}

void cmp_print_wrapped(FILE *out, const char *text, int width, int indent)
{
	const char *p = text;
	int first = 1;
	do {
		size_t room = width > 0 ? (size_t)(width - (first ? 0 : indent)) : strlen(p);
		size_t len = cmp_wrap_next(p, room);
		fprintf(out, "%*s%.*s\n", first ? 0 : indent, "", (int)len, p);
		p += len;
		p += strspn(p, " ");
		first = 0;
	} while (*p);
}

/* One row of the table: each cell wrapped in its column, lines without trailing blanks. */
static void print_row(FILE *out, const char *const *cells, const int *widths, int n)
{
	const char *pos[64];
	int more = 1;
	struct sbuf line = SBUF_INIT;
	for (int i = 0; i < n; i++)
		pos[i] = cells[i];
	while (more) {
		more = 0;
		sb_reset(&line);
		for (int i = 0; i < n; i++) {
			size_t len = cmp_wrap_next(pos[i], (size_t)widths[i]);
			if (i)
				sb_puts(&line, " | ");
			cmp_put_padded(&line, pos[i], len, (size_t)widths[i]);
			pos[i] += len;
			while (*pos[i] == ' ')
				pos[i]++;
			if (*pos[i])
				more = 1;
		}
		while (line.len && line.p[line.len - 1] == ' ')
			line.p[--line.len] = '\0';
		fprintf(out, "%s\n", sb_str(&line));
	}
	sb_free(&line);
}

/* How the matrix is laid out for a width: as it is (a row per scenario, a
 * column per socket kind), with the scenario names in a column of their own
 * or, when that column would leave too little room, each on a line of its own
 * above its row; or transposed (a row per socket kind). In one table, or in
 * several that each fit. */
struct layout {
	int transposed;
	int first;       /* the first column (the row names); 0: names on lines of their own */
	int cell;        /* every other column */
	int per;         /* columns per table */
	int ntables;
};

#define CELL_MIN 14      /* a column: the longest kind label breaks at its '/' */
#define CELL_MAX 44
#define FIRST_WIDE 24    /* the scenario names' column, when the width allows */

static void plan(struct layout *l, int ncols, int width, int first, int one_table)
{
	l->first = first;
	int room = first ? width - first : width + 3;   /* each column takes 3 more: " | " */
	int k = one_table ? ncols : room / (CELL_MIN + 3);
	if (k > ncols)
		k = ncols;
	if (k > 64)
		k = 64;
	if (k < 1)
		k = 1;
	l->ntables = (ncols + k - 1) / k;
	l->per = (ncols + l->ntables - 1) / l->ntables;   /* as many in each table */
	l->cell = (room - 3 * l->per) / l->per;
	if (l->cell < CELL_MIN)
		l->cell = CELL_MIN;
	if (l->cell > CELL_MAX)
		l->cell = CELL_MAX;
}

/* The layout that needs the fewest tables; on a tie, the first of: names in
 * a column, names on lines of their own, transposed. */
static void layout_for(struct layout *l, const struct cmp_matrix *m, int width, int wide)
{
	plan(l, m->ncols, width, FIRST_WIDE, wide);
	l->transposed = 0;
	if (wide)
		return;
	struct layout t;
	if (width < 120) {
		plan(&t, m->ncols, width, 20, 0);
		t.transposed = 0;
		if (t.ntables <= l->ntables)
			*l = t;
	}
	plan(&t, m->ncols, width, 0, 0);
	t.transposed = 0;
	if (t.ntables < l->ntables)
		*l = t;
	int lw = 8;   /* transposed: the kind labels are the row names */
	for (int c = 0; c < m->ncols; c++)
		if ((int)strlen(m->cols[c].label) > lw)
			lw = (int)strlen(m->cols[c].label);
	plan(&t, m->nrows, width, lw > FIRST_WIDE ? FIRST_WIDE : lw, 0);
	t.transposed = 1;
	if (t.ntables < l->ntables)
		*l = t;
}

void cmp_print_text(FILE *out, const struct cmp_matrix *m, int width, int flags)
{
	char k[128], head[512];
	kernel(k, sizeof k);
	if (width < CMP_MIN_WIDTH)
		width = CMP_MIN_WIDTH;
	const char *fmt = m->nrows == 1
		? (m->ncols == 1 ? _("sockfam compare: %d scenario x %d socket kind, measured now on %s in %.1f s")
				 : _("sockfam compare: %d scenario x %d socket kinds, measured now on %s in %.1f s"))
		: (m->ncols == 1 ? _("sockfam compare: %d scenarios x %d socket kind, measured now on %s in %.1f s")
				 : _("sockfam compare: %d scenarios x %d socket kinds, measured now on %s in %.1f s"));
	snprintf(head, sizeof head, fmt, m->nrows, m->ncols, k, m->seconds);
	cmp_print_wrapped(out, head, width, 0);
	struct layout l;
	layout_for(&l, m, width, flags & CMP_WIDE);
	int nlines = l.transposed ? m->ncols : m->nrows;   /* rows of each table */
	int ncells = l.transposed ? m->nrows : m->ncols;   /* columns in all */
	if (l.transposed || l.ntables > 1) {
		char note[512];
		if (l.transposed && l.ntables > 1)
			snprintf(note, sizeof note,
				 ngettext("(to fit %d columns: a row per socket kind, a column per scenario, %d tables of "
					  "%d scenario; --wide: one table)",
					  "(to fit %d columns: a row per socket kind, a column per scenario, %d tables of "
					  "%d scenarios; --wide: one table)", (unsigned long)l.per),
				 width, l.ntables, l.per);
		else if (l.transposed)
			snprintf(note, sizeof note, _("(to fit %d columns: a row per socket kind, a column per scenario; "
						      "--wide: a row per scenario)"), width);
		else
			snprintf(note, sizeof note,
				 ngettext("(to fit %d columns: %d tables of %d socket kind; --wide: one table)",
					  "(to fit %d columns: %d tables of %d socket kinds; --wide: one table)",
					  (unsigned long)l.per),
				 width, l.ntables, l.per);
		cmp_print_wrapped(out, note, width, 1);
	}
	int widths[65];
	const char *cells[65];
	char names[65][160], bufs[65][sizeof m->cells[0].text + 64];
	int f = l.first ? 1 : 0;   /* the cells' first column */
	for (int t0 = 0; t0 < ncells; t0 += l.per) {
		int n = ncells - t0 < l.per ? ncells - t0 : l.per;
		fputc('\n', out);
		widths[0] = l.first;
		for (int i = 0; i < n; i++)
			widths[f + i] = l.cell;
		/* the header: what the rows are, then a column's name each */
		cells[0] = l.transposed ? _("socket kind") : _("scenario");
		for (int i = 0; i < n; i++) {
			int c = t0 + i;
			if (l.transposed)
				snprintf(names[1 + i], sizeof names[1 + i], "%d %s", m->rows[c]->number,
					 _(m->rows[c]->title));
			else
				snprintf(names[1 + i], sizeof names[1 + i], "%s", m->cols[c].label);
			cells[f + i] = names[1 + i];
		}
		print_row(out, cells, widths, f + n);
		for (int i = 0; i < f + n; i++) {
			for (int x = 0; x < widths[i]; x++)
				fputc('-', out);
			fputs(i + 1 < f + n ? "-+-" : "\n", out);
		}
		for (int r = 0; r < nlines; r++) {
			if (l.transposed)
				snprintf(names[0], sizeof names[0], "%s", m->cols[r].label);
			else
				snprintf(names[0], sizeof names[0], "%d %s%s", m->rows[r]->number, _(m->rows[r]->title),
					 f ? "" : ":");
			if (f)
				cells[0] = names[0];
			else
				cmp_print_wrapped(out, names[0], width, 2);
			for (int i = 0; i < n; i++) {
				int c = t0 + i;
				const struct cmp_cell *cell = l.transposed ? CMP_CELL(m, c, r) : CMP_CELL(m, r, c);
				cells[f + i] = cell_text(cell, bufs[1 + i], sizeof bufs[1 + i]);
			}
			print_row(out, cells, widths, f + n);
			if (r + 1 < nlines)
				fputc('\n', out);
		}
	}
	if (!(flags & CMP_DETAILS))
		return;
	fprintf(out, "\n%s\n", _("Details:"));
	for (int r = 0; r < m->nrows; r++)
		for (int c = 0; c < m->ncols; c++) {
			const struct cmp_cell *cell = CMP_CELL(m, r, c);
			if (!cell->detail[0])
				continue;
			char line[sizeof cell->detail + 128];
			snprintf(line, sizeof line, "- %s, %s: %s", m->rows[r]->id, m->cols[c].label, cell->detail);
			cmp_print_wrapped(out, line, width, 2);
		}
}

/* ---- Markdown ------------------------------------------------------------------ */

static void md_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

void cmp_print_markdown(FILE *out, const struct cmp_matrix *m)
{
	char k[128], buf[sizeof m->cells[0].text + 64];
	kernel(k, sizeof k);
	fprintf(out, "| %s |", _("scenario"));
	for (int c = 0; c < m->ncols; c++)
		fprintf(out, " %s |", m->cols[c].label);
	fputs("\n|---|", out);
	for (int c = 0; c < m->ncols; c++)
		fputs("---|", out);
	fputc('\n', out);
	for (int r = 0; r < m->nrows; r++) {
		fprintf(out, "| %d. %s |", m->rows[r]->number, _(m->rows[r]->title));
		for (int c = 0; c < m->ncols; c++) {
			fputc(' ', out);
			md_escape(out, cell_text(CMP_CELL(m, r, c), buf, sizeof buf));
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
	fprintf(out, _("Measured on %s in %.1f s.\n"), k, m->seconds);
}

/* ---- JSON ---------------------------------------------------------------------- */

void cmp_json_str(FILE *out, const char *s)
{
	json_str(out, s);
}

void cmp_print_json(FILE *out, const struct cmp_matrix *m)
{
	char k[128];
	kernel(k, sizeof k);
	fputs("{\n  \"kernel\": ", out);
	cmp_json_str(out, k);
	fprintf(out, ",\n  \"seconds\": %.3f,\n  \"columns\": [", m->seconds);
	for (int c = 0; c < m->ncols; c++) {
		fprintf(out, "%s\n    {\"family\": ", c ? "," : "");
		cmp_json_str(out, m->cols[c].fam->name);
		fputs(", \"kind\": ", out);
		cmp_json_str(out, m->cols[c].kind->name);
		fputs(", \"label\": ", out);
		cmp_json_str(out, m->cols[c].label);
		fputc('}', out);
	}
	fputs("\n  ],\n  \"rows\": [", out);
	for (int r = 0; r < m->nrows; r++) {
		fprintf(out, "%s\n    {\"id\": ", r ? "," : "");
		cmp_json_str(out, m->rows[r]->id);
		fprintf(out, ", \"number\": %d, \"title\": ", m->rows[r]->number);
		cmp_json_str(out, _(m->rows[r]->title));
		fputs(", \"cells\": [", out);
		for (int c = 0; c < m->ncols; c++) {
			const struct cmp_cell *cell = CMP_CELL(m, r, c);
			fprintf(out, "%s\n      {\"family\": ", c ? "," : "");
			cmp_json_str(out, m->cols[c].fam->name);
			fputs(", \"kind\": ", out);
			cmp_json_str(out, m->cols[c].kind->name);
			fputs(", \"status\": ", out);
			cmp_json_str(out, cmp_status_name(cell->status));
			fputs(", \"text\": ", out);
			cmp_json_str(out, cell->text);
			fputs(", \"detail\": ", out);
			cmp_json_str(out, cell->detail);
			fputs(", \"values\": {", out);
			for (int i = 0; i < cell->nvalues; i++) {
				fputs(i ? ", " : "", out);
				cmp_json_str(out, cell->v[i].key);
				fputs(": ", out);
				if (cell->v[i].is_num)
					fprintf(out, "%ld", cell->v[i].num);
				else
					cmp_json_str(out, cell->v[i].str);
			}
			fputs("}}", out);
		}
		fputs("\n    ]}", out);
	}
	fputs("\n  ]\n}\n", out);
}

/* ---- CSV: one line per cell -------------------------------------------------------- */

static void csv_field(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
	fputc('"', out);
}

void cmp_print_csv(FILE *out, const struct cmp_matrix *m)
{
	fputs("scenario,number,title,family,kind,status,text,values\n", out);
	for (int r = 0; r < m->nrows; r++)
		for (int c = 0; c < m->ncols; c++) {
			const struct cmp_cell *cell = CMP_CELL(m, r, c);
			fprintf(out, "%s,%d,", m->rows[r]->id, m->rows[r]->number);
			csv_field(out, _(m->rows[r]->title));
			fprintf(out, ",%s,%s,%s,", m->cols[c].fam->name, m->cols[c].kind->name,
				cmp_status_name(cell->status));
			csv_field(out, cell->text);
			fputc(',', out);
			char vals[2048] = "";
			size_t len = 0;
			for (int i = 0; i < cell->nvalues && len < sizeof vals - 1; i++) {
				if (cell->v[i].is_num)
					len += (size_t)snprintf(vals + len, sizeof vals - len, "%s%s=%ld",
								i ? ";" : "", cell->v[i].key, cell->v[i].num);
				else
					len += (size_t)snprintf(vals + len, sizeof vals - len, "%s%s=%s",
								i ? ";" : "", cell->v[i].key, cell->v[i].str);
			}
			csv_field(out, vals);
			fputc('\n', out);
		}
}
