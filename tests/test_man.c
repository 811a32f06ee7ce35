/*
 * What a lab machine expects of an installed tool: every program in bin/
 * has a man page, in step with its --help, that man renders without a
 * warning; --version; make install puts programs and pages where PREFIX
 * and DESTDIR say, under names no Debian tool has, and make uninstall
 * takes all of it away again. Every page is there in Chinese too
 * (man/zh_CN/, from man/src/zh_CN/ and --lang zh_CN --help), and each
 * check covers both languages.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../common/i18n.h"

/* The languages the pages are in: where they are in the tree (and under
 * $(MANDIR) once installed), the --lang man/mkman.py takes, and the name
 * of the NAME section as the page has it. */
static const struct lang {
	const char *dir;        /* "" or "zh_CN/" */
	const char *lang;       /* NULL: English */
	const char *name_sh;
} langs[] = {
	{ "", NULL, "NAME" },
	{ "zh_CN/", "zh_CN", "\xe5\x90\x8d\xe7\xa7\xb0" },     /* 名称 */
};
#define NLANGS (sizeof langs / sizeof langs[0])

/* Valid UTF-8 with at least one CJK ideograph (U+4E00..U+9FFF) in it. */
static int utf8_with_cjk(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int cjk = 0;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		unsigned c = n ? *p & (0x3f >> n) : *p;
		for (int k = 1; k <= n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[k] & 0x3f);
		}
		cjk |= c >= 0x4e00 && c <= 0x9fff;
		p += n + 1;
	}
	return cjk;
}

/* The programs in bin/, sorted; returns how many. */
static size_t programs(char names[][64], size_t max)
{
	DIR *d = opendir("bin");
	cr_assert(d, "no bin/: run make all first");
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < max) {
		char path[300];
		struct stat st;
		snprintf(path, sizeof path, "bin/%s", e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
			continue;
		cr_assert_lt(strlen(e->d_name), 64, "bin/%s: a name that long?", e->d_name);
		memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
	return n;
}

/* The name make install gives a program (the Makefile's inst_name). */
static void installed_name(const char *prog, char *out, size_t size)
{
	snprintf(out, size, "%s%s", strchr(prog, '-') ? "" : "sockfam-", prog);
}

static int have(const char *path) { return access(path, X_OK) == 0; }

Test(man, every_program_in_bin_has_a_page_and_its_source)
{
	char names[64][64];
	size_t n = programs(names, 64);
	cr_assert_geq(n, 9, "only %zu programs in bin/", n);
	for (size_t l = 0; l < NLANGS; l++) {
		for (size_t i = 0; i < n; i++) {
			char page[128], src[128];
			snprintf(page, sizeof page, "man/%s%s.1", langs[l].dir, names[i]);
			snprintf(src, sizeof src, "man/src/%s%s.1.in", langs[l].dir, names[i]);
			cr_expect_eq(access(page, R_OK), 0, "bin/%s has no man page %s (write %s, then make man)",
				     names[i], page, src);
			cr_expect_eq(access(src, R_OK), 0, "bin/%s: no %s, so make man cannot make its page",
				     names[i], src);
		}
		char overview[64];
		snprintf(overview, sizeof overview, "man/%ssockfam.7", langs[l].dir);
		cr_expect_eq(access(overview, R_OK), 0, "no sockfam(7) overview %s", overview);
	}
}

/* man --warnings renders each page with groff's warnings on: nothing on
 * standard error, and the page's NAME line names the installed program. A
 * Chinese page comes out as UTF-8 Chinese, its lines broken between
 * characters to fit the 80 columns (a wide character takes two), the
 * hand-written examples excepted. */
Test(man, every_page_renders_without_warnings, .timeout = 120)
{
	if (!have("/usr/bin/man"))
		cr_skip_test("man is not installed (man-db, in .ci/packages)");
	setenv("MANWIDTH", "80", 1);
	setenv("LANG", "C.UTF-8", 1);
	char *dir = h_tmpdir();
	char errf[300];
	snprintf(errf, sizeof errf, "%s/err", dir);
	char names[64][64];
	size_t n = programs(names, 64);
	int pages = 0;
	for (size_t k = 0; k < NLANGS * (n + 1); k++) {
		const struct lang *lg = &langs[k / (n + 1)];
		size_t i = k % (n + 1);
		char page[128], inst[80];
		if (i < n) {
			snprintf(page, sizeof page, "man/%s%s.1", lg->dir, names[i]);
			installed_name(names[i], inst, sizeof inst);
		} else {
			snprintf(page, sizeof page, "man/%ssockfam.7", lg->dir);
			snprintf(inst, sizeof inst, "sockfam");
		}
		if (access(page, R_OK))
			continue;   /* the test above says so */
		char *argv[] = { "/usr/bin/man", "--warnings", "-l", page, NULL };
		char *out = NULL;
		int rc = h_run(argv, NULL, 0, &out, errf);
		char *err = h_slurp(errf, NULL);
		cr_expect_eq(rc, 0, "man -l %s: exit %d", page, rc);
		cr_expect(err && !*err, "man --warnings -l %s warns:\n%s", page, err ? err : "?");
		char name_line[160];
		snprintf(name_line, sizeof name_line, "%s\n       %s ", lg->name_sh, inst);
		cr_expect(out && strstr(out, name_line), "%s: its %s section does not start with %s", page, lg->name_sh,
			  inst);
		if (lg->lang && out) {
			cr_expect(utf8_with_cjk(out), "man -l %s: not UTF-8 Chinese", page);
			char **v;
			size_t nl = h_lines(out, &v);
			for (size_t j = 0; j < nl; j++) {
				size_t w = i18n_width(v[j], strlen(v[j]));
				/* the lines with Chinese in them: the filled text */
				cr_expect(w <= 80 || strlen(v[j]) == w, "man -l %s: %zu columns:\n%s", page, w, v[j]);
			}
			free(v);
		}
		free(out);
		free(err);
		pages++;
	}
	cr_expect_geq(pages, 20);
	h_tmpdir_free(dir);
}

/* make man would write each page as it is: the options a page lists are the
 * ones its program's --help lists now. */
Test(man, every_page_is_in_step_with_its_program, .timeout = 120)
{
	if (!have("/usr/bin/python3"))
		cr_skip_test("python3 is not installed (it makes the pages)");
	char *version = h_slurp("VERSION", NULL);
	cr_assert(version);
	version[strcspn(version, "\n")] = '\0';
	char *dir = h_tmpdir();
	char errf[300];
	snprintf(errf, sizeof errf, "%s/err", dir);
	char names[64][64];
	size_t n = programs(names, 64);
	for (size_t k = 0; k < NLANGS * n; k++) {
		const struct lang *lg = &langs[k / n];
		size_t i = k % n;
		char src[128], prog[128], page[128];
		snprintf(src, sizeof src, "man/src/%s%s.1.in", lg->dir, names[i]);
		snprintf(prog, sizeof prog, "bin/%s", names[i]);
		snprintf(page, sizeof page, "man/%s%s.1", lg->dir, names[i]);
		if (access(src, R_OK))
			continue;   /* the first test says so */
		char *en[] = { "/usr/bin/python3", "man/mkman.py", src, prog, version, NULL };
		char *zh[] = { "/usr/bin/python3", "man/mkman.py", "--lang", (char *)lg->lang, src, prog, version, NULL };
		char **argv = lg->lang ? zh : en;
		char *made = NULL;
		cr_expect_eq(h_run(argv, NULL, 0, &made, errf), 0, "mkman.py %s failed", src);
		char *kept = h_slurp(page, NULL);
		cr_expect(made && kept && !strcmp(made, kept),
			  "%s is not what make man makes from %s and %s%s --help now: run make man", page, src, prog,
			  lg->lang ? " --lang zh_CN" : "");
		free(made);
		free(kept);
	}
	free(version);
	h_tmpdir_free(dir);
}

Test(man, every_program_prints_its_version)
{
	char *version = h_slurp("VERSION", NULL);
	cr_assert(version);
	version[strcspn(version, "\n")] = '\0';
	char names[64][64];
	size_t n = programs(names, 64);
	for (size_t i = 0; i < n; i++) {
		char prog[128], want[160];
		snprintf(prog, sizeof prog, "bin/%s", names[i]);
		snprintf(want, sizeof want, "%s (sockfam) %s\nCopyright (c) 2026 the sockfam authors.\n", names[i],
			 version);
		char *argv[] = { prog, "--version", NULL };
		char *out = NULL;
		int rc = h_run(argv, NULL, 0, &out, NULL);
		cr_expect_eq(rc, 0, "%s --version: exit %d", prog, rc);
		cr_expect(out && !strncmp(out, want, strlen(want)), "%s --version printed:\n%s", prog, out ? out : "");
		free(out);
	}
	free(version);
	cr_expect_eq(access("LICENSE", R_OK), 0, "--version points to LICENSE, and there is none");
}

/* make install into a DESTDIR, then make uninstall: every program under its
 * installed name, every page beside it, none of the names a program of this
 * machine's already has, and nothing left behind. */
Test(man, install_and_uninstall, .timeout = 120)
{
	char *dir = h_tmpdir();
	char destdir[320], errf[300];
	snprintf(destdir, sizeof destdir, "DESTDIR=%s", dir);
	snprintf(errf, sizeof errf, "%s.err", dir);
	char *install[] = { "/usr/bin/make", "-s", "install", destdir, "PREFIX=/opt/sf", NULL };
	int rc = h_run(install, NULL, 0, NULL, errf);
	char *err = h_slurp(errf, NULL);
	cr_assert_eq(rc, 0, "make install failed: %s", err ? err : "");
	free(err);
	char names[64][64];
	size_t n = programs(names, 64);
	for (size_t i = 0; i < n; i++) {
		char inst[80], path[600];
		installed_name(names[i], inst, sizeof inst);
		snprintf(path, sizeof path, "%s/opt/sf/bin/%s", dir, inst);
		cr_expect(have(path), "make install did not install %s", path);
		for (size_t l = 0; l < NLANGS; l++) {
			snprintf(path, sizeof path, "%s/opt/sf/share/man/%sman1/%s.1", dir, langs[l].dir, inst);
			cr_expect_eq(access(path, R_OK), 0, "make install did not install %s", path);
		}
		static const char *const system_dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin" };
		for (size_t k = 0; k < sizeof system_dirs / sizeof system_dirs[0]; k++) {
			snprintf(path, sizeof path, "%s/%s", system_dirs[k], inst);
			cr_expect(!have(path), "installed name %s clashes with %s on this machine", inst, path);
		}
	}
	char path[600];
	snprintf(path, sizeof path, "%s/opt/sf/bin/compare", dir);
	cr_expect(!have(path), "compare is installed as compare, which ImageMagick's is too");
	for (size_t l = 0; l < NLANGS; l++) {
		snprintf(path, sizeof path, "%s/opt/sf/share/man/%sman7/sockfam.7", dir, langs[l].dir);
		cr_expect_eq(access(path, R_OK), 0, "make install did not install %s", path);
	}
	/* the Chinese page installed is the one in the tree (not the English one) */
	snprintf(path, sizeof path, "%s/opt/sf/share/man/zh_CN/man1/sockfam-errlab.1", dir);
	char *inst_zh = h_slurp(path, NULL), *tree_zh = h_slurp("man/zh_CN/errlab.1", NULL);
	cr_expect(inst_zh && tree_zh && !strcmp(inst_zh, tree_zh), "%s is not man/zh_CN/errlab.1", path);
	free(inst_zh);
	free(tree_zh);

	char *uninstall[] = { "/usr/bin/make", "-s", "uninstall", destdir, "PREFIX=/opt/sf", NULL };
	cr_assert_eq(h_run(uninstall, NULL, 0, NULL, errf), 0, "make uninstall failed");
	char *find[] = { "/usr/bin/find", dir, "-type", "f", NULL };
	char *left = NULL;
	h_run(find, NULL, 0, &left, NULL);
	cr_expect(left && !*left, "make uninstall left:\n%s", left ? left : "?");
	free(left);
	snprintf(path, sizeof path, "%s/opt/sf/share/man/zh_CN", dir);
	cr_expect_neq(access(path, F_OK), 0, "make uninstall left the directory %s it made", path);
	unlink(errf);
	h_tmpdir_free(dir);
}
