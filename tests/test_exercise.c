/*
 * bin/exercise: every exercise's own model answer scores full marks, twice
 * (so nothing that differs from run to run is graded); each kind of wrong
 * line is caught and explained; the exercises cover the families, the
 * socket types, errors, options, the server models and the services; a
 * bad command line or answer file is one line and exit 2.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int count_exercises(void)
{
	char *argv[] = { "bin/exercise", "list", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0, "exercise list failed");
	int n = 0;
	for (char *p = out; *p; p++)
		n += *p == '\n';
	free(out);
	return n;
}

/* exercise check N FILE: its exit status; its output in *out. */
static int check(int n, const char *file, char **out)
{
	char num[16];
	snprintf(num, sizeof num, "%d", n);
	char *argv[] = { "bin/exercise", "check", num, (char *)file, NULL };
	return h_run(argv, NULL, 0, out, NULL);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

Test(exercise, every_model_answer_scores_full_marks_twice, .timeout = 240)
{
	char *dir = h_tmpdir();
	int n = count_exercises();
	cr_assert_geq(n, 20, "only %d exercises", n);
	for (int i = 1; i <= n; i++) {
		char num[16], path[300];
		snprintf(num, sizeof num, "%d", i);
		snprintf(path, sizeof path, "%s/model.%d", dir, i);
		char *argv[] = { "bin/exercise", "answer", num, NULL };
		char *model = NULL;
		cr_assert_eq(h_run(argv, NULL, 0, &model, NULL), 0);
		write_file(path, model);
		for (int run = 0; run < 2; run++) {
			char *out = NULL;
			int rc = check(i, path, &out);
			cr_expect_eq(rc, 0, "exercise %d, run %d: its own answer is not right:\n%s", i, run + 1, out);
			cr_expect(out && strstr(out, "(every call right)"), "exercise %d: %s", i, out);
			free(out);
		}
		free(model);
	}
	h_tmpdir_free(dir);
}

/* Exercise 2 (UDP over IPv6 to no server) with each kind of wrong line. */
Test(exercise, each_kind_of_wrong_line_is_caught_and_explained, .timeout = 60)
{
	char *dir = h_tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/a.txt", dir);
	static const struct {
		const char *answer;
		const char *says[3];
	} cases[] = {
		/* a failure predicted where the call succeeds, and where the error really comes */
		{ "socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 3\n"
		  "sendto(3, \"hello\", 5, 0, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), "
		  "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = -1 EAGAIN (Resource temporarily "
		  "unavailable)\n",
		  { "you expected sendto to fail with EAGAIN; it succeeds (= 5), and EAGAIN comes at recvfrom",
		    "MISSING  setsockopt(", "score: 1/6" } },
		/* success predicted where it fails */
		{ "recvfrom(3, 0x7ffc0000, 65536, 0, 0x7ffc0001, [28]) = 5\n",
		  { "you expected recvfrom to succeed; it fails: = -1 EAGAIN", "waits for SO_RCVTIMEO", NULL } },
		/* another errno */
		{ "recvfrom(3, 0x7ffc00000000, 65536, 0, 0x7ffc00000001, [28]) = -1 ECONNREFUSED (Connection refused)\n",
		  { "recvfrom fails, but with EAGAIN, not ECONNREFUSED", NULL, NULL } },
		/* a wrong argument */
		{ "socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3\n",
		  { "argument 1: you wrote AF_INET, it is AF_INET6", "WRONG    socket(", NULL } },
		/* a call that is not made, and a line that is no call */
		{ "connect(3, {sa_family=AF_INET6}, 28) = 0\nthe kernel sends it\n",
		  { "EXTRA    connect(", "connect is not made here", "not a system call as strace prints it" } },
		/* a wrong return value */
		{ "socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 4\n", { "socket returns 3, not 4", NULL, NULL } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_file(path, cases[i].answer);
		char *out = NULL;
		int rc = check(2, path, &out);
		cr_expect_eq(rc, 1, "case %zu: exit %d, not 1", i, rc);
		for (int k = 0; k < 3 && cases[i].says[k]; k++)
			cr_expect(out && strstr(out, cases[i].says[k]), "case %zu does not say '%s':\n%s", i,
				  cases[i].says[k], out);
		cr_expect_null(strstr(out ? out : "", "(every call right)"), "case %zu: full marks", i);
		free(out);
	}
	h_tmpdir_free(dir);
}

/* Values the exercise normalises may be anything in an answer; others may not. */
Test(exercise, normalised_fields_are_not_graded, .timeout = 30)
{
	char *dir = h_tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/a.txt", dir);
	/* exercise 1 normalises ports, and the alignment spaces always */
	write_file(path, "# my answer\n\nsocket(AF_INET, SOCK_STREAM, IPPROTO_IP)    =    3\n"
			 "connect(3, {sa_family=AF_INET, sin_port=htons(4242), sin_addr=inet_addr(\"127.0.0.1\")}, 16) "
			 "= -1 ECONNREFUSED (Connection refused)\nclose(3) = 0\n");
	char *out = NULL;
	cr_expect_eq(check(1, path, &out), 0, "%s", out);
	cr_expect(out && strstr(out, "score: 3/3"), "%s", out);
	free(out);
	h_tmpdir_free(dir);
}

/* What the exercises cover, read from their files. */
Test(exercise, the_exercises_cover_families_types_errors_options_models_services)
{
	DIR *d = opendir("exercises");
	cr_assert(d);
	struct sbuf_all {
		char *p;
		size_t n;
	} all = { NULL, 0 };
	FILE *mem = open_memstream(&all.p, &all.n);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".txt"))
			continue;
		char path[600];
		snprintf(path, sizeof path, "exercises/%s", e->d_name);
		char *text = h_slurp(path, NULL);
		cr_assert(text);
		fputs(text, mem);
		free(text);
		files++;
	}
	closedir(d);
	fclose(mem);
	cr_expect_geq(files, 20);
	static const char *const wanted[] = {
		"command: inet-client", "command: inet6-client", "command: unix-client", "command: netlink-query",
		"SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET", "= -1 ECONNREFUSED", "= -1 ENOENT", "= -1 EAGAIN",
		"= -1 EADDRINUSE", "--model select", "--model poll", "--model epoll", "--service upload",
		"--framing length", " -s 4 ", " -xx ", "--send-fd", "trace: server",
	};
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		cr_expect(strstr(all.p, wanted[i]), "no exercise has '%s'", wanted[i]);
	free(all.p);
	cr_expect_eq(access("exercises/README.md", R_OK), 0, "the format is not documented");
}

Test(exercise, bad_command_lines_and_answers_are_one_line_and_exit_2)
{
	char *dir = h_tmpdir();
	char binary[300], empty_dir[300];
	snprintf(binary, sizeof binary, "%s/bin.txt", dir);
	FILE *f = fopen(binary, "w");
	cr_assert(f);
	fwrite("socket(\0\1\2", 1, 10, f);
	fclose(f);
	snprintf(empty_dir, sizeof empty_dir, "%s", dir);
	char *cases[][5] = {
		{ "bin/exercise", NULL },
		{ "bin/exercise", "frob", NULL },
		{ "bin/exercise", "show", NULL },
		{ "bin/exercise", "show", "99", NULL },
		{ "bin/exercise", "show", "abc", NULL },
		{ "bin/exercise", "show", "0", NULL },
		{ "bin/exercise", "check", "1", "/nonexistent/answer.txt", NULL },
		{ "bin/exercise", "check", "1", binary, NULL },
		{ "bin/exercise", "check", "1", empty_dir, NULL },
		{ "bin/exercise", "list", "--json", NULL },
	};
	static const char *const says[] = { "what to do", "unknown command 'frob'", "show takes 1 argument",
		"no exercise '99'", "no exercise 'abc'", "no exercise '0'", "cannot read the answer",
		"is not text", "cannot read the answer", "does not apply to exercise" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = h_refused(cases[i], says[i]);
		cr_expect_null(why, "case %zu: %s", i, why);
		free(why);
	}
	h_tmpdir_free(dir);
}

/* Every title, question, hint and explanation of every exercise has its
 * Chinese (KEY.zh_CN), and show prints it with --lang zh_CN. */
Test(exercise, every_exercise_text_has_its_chinese)
{
	DIR *d = opendir("exercises");
	cr_assert(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".txt"))
			continue;
		char path[600];
		snprintf(path, sizeof path, "exercises/%s", e->d_name);
		char *text = h_slurp(path, NULL);
		cr_assert(text);
		char *answer = strstr(text, "\nanswer:");
		if (answer)
			*answer = '\0';
		static const char *const keys[] = { "title", "question", "hint" };
		for (size_t k = 0; k < 3; k++) {
			char en[32], zh[32];
			snprintf(en, sizeof en, "\n%s:", keys[k]);
			snprintf(zh, sizeof zh, "\n%s.zh_CN:", keys[k]);
			int nen = 0, nzh = 0;
			for (char *p = text - 1; (p = strstr(p + 1, en));)
				nen++;
			for (char *p = text - 1; (p = strstr(p + 1, zh));)
				nzh++;
			if (!strncmp(text, en + 1, strlen(en + 1)))
				nen++;
			cr_expect_eq(nzh, nen, "%s: %d %s lines, %d in Chinese", path, nen, keys[k], nzh);
		}
		/* each call explained in English is explained in Chinese */
		for (char *p = strstr(text, "\nexplain: "); p; p = strstr(p + 1, "\nexplain: ")) {
			char call[40], zh[64];
			snprintf(call, sizeof call, "%.*s", (int)strcspn(p + 10, ":"), p + 10);
			snprintf(zh, sizeof zh, "\nexplain.zh_CN: %s:", call);
			cr_expect(strstr(text, zh), "%s: the explanation of %s has no Chinese", path, call);
		}
		free(text);
		files++;
	}
	closedir(d);
	cr_expect_geq(files, 20);
	char *argv[] = { "bin/exercise", "show", "3", "--lang", "zh_CN", NULL };
	char *out = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, &out, NULL), 0);
	cr_expect(out && strstr(out, "练习 3：UNIX 客户端，而没有套接字文件") && strstr(out, "提示：AF_UNIX"), "%s", out);
	free(out);
}
