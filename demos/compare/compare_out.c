/* compare_out: the matrix as a text table, Markdown, JSON and CSV (see compare.h). */
#define _GNU_SOURCE
#include "compare.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

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
	if (c->status == CELL_OK || c->status == CELL_NA)
		return c->text;
	snprintf(buf, size, "[%s] %s", cmp_status_name(c->status), c->text);
	return buf;
}

/* ---- text ------------------------------------------------------------------- */

/* The next line of at most w characters of s, broken at a space when possible. */
static size_t wrap_next(const char *s, size_t w)
{
	size_t n = strlen(s);
	if (n <= w)
		return n;
	for (size_t i = w; i > 0; i--)   /* break at the last space that fits */
		if (s[i] == ' ')
			return i;
	return w;                         /* a word longer than the column */
}

static void print_row(FILE *out, const char *const *cells, const int *widths, int n)
{
	const char *pos[64];
	int more = 1;
	for (int i = 0; i < n; i++)
		pos[i] = cells[i];
	while (more) {
		more = 0;
		for (int i = 0; i < n; i++) {
			size_t len = wrap_next(pos[i], (size_t)widths[i]);
			fprintf(out, "%s%-*.*s", i ? " | " : "", widths[i], (int)len, pos[i]);
			pos[i] += len;
			while (*pos[i] == ' ')
				pos[i]++;
			if (*pos[i])
				more = 1;
		}
		fputc('\n', out);
	}
}

void cmp_print_text(FILE *out, const struct cmp_matrix *m, int width, int details)
{
	char k[128];
	kernel(k, sizeof k);
	fprintf(out, "sockfam compare: %d scenario%s x %d socket kind%s, measured now on %s in %.1f s\n\n",
		m->nrows, m->nrows == 1 ? "" : "s", m->ncols, m->ncols == 1 ? "" : "s", k, m->seconds);
	int n = m->ncols + 1;
	int widths[64];
	if (n > 64)
		n = 64;
	widths[0] = 24;
	int per = m->ncols ? (width - widths[0] - 3 * m->ncols) / m->ncols : 20;
	if (per < 14)
		per = 14;
	if (per > 44)
		per = 44;
	for (int i = 1; i < n; i++)
		widths[i] = per;
	const char *cells[64];
	char titles[64][64];
	cells[0] = "scenario";
	for (int c = 1; c < n; c++)
		cells[c] = m->cols[c - 1].label;
	print_row(out, cells, widths, n);
	for (int c = 0; c < n; c++) {
		for (int i = 0; i < widths[c]; i++)
			fputc('-', out);
		fputs(c + 1 < n ? "-+-" : "\n", out);
	}
	char bufs[64][256];
	for (int r = 0; r < m->nrows; r++) {
		snprintf(titles[0], sizeof titles[0], "%d %s", m->rows[r]->number, m->rows[r]->title);
		cells[0] = titles[0];
		for (int c = 1; c < n; c++)
			cells[c] = cell_text(CMP_CELL(m, r, c - 1), bufs[c], sizeof bufs[c]);
		print_row(out, cells, widths, n);
		if (r + 1 < m->nrows)
			fputc('\n', out);
	}
	if (!details)
		return;
	fputs("\nDetails:\n", out);
	for (int r = 0; r < m->nrows; r++)
		for (int c = 0; c < m->ncols; c++) {
			const struct cmp_cell *cell = CMP_CELL(m, r, c);
			if (cell->detail[0])
				fprintf(out, "- %s, %s: %s\n", m->rows[r]->id, m->cols[c].label, cell->detail);
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
	char k[128], buf[256];
	kernel(k, sizeof k);
	fputs("| scenario |", out);
	for (int c = 0; c < m->ncols; c++)
		fprintf(out, " %s |", m->cols[c].label);
	fputs("\n|---|", out);
	for (int c = 0; c < m->ncols; c++)
		fputs("---|", out);
	fputc('\n', out);
	for (int r = 0; r < m->nrows; r++) {
		fprintf(out, "| %d. %s |", m->rows[r]->number, m->rows[r]->title);
		for (int c = 0; c < m->ncols; c++) {
			fputc(' ', out);
			md_escape(out, cell_text(CMP_CELL(m, r, c), buf, sizeof buf));
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	fprintf(out, "\nMeasured on %s in %.1f s.\n", k, m->seconds);
}

/* ---- JSON ---------------------------------------------------------------------- */

void cmp_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\t')
			fputs("\\t", out);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
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
		cmp_json_str(out, m->rows[r]->title);
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
			csv_field(out, m->rows[r]->title);
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
