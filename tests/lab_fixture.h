/*
 * The private lab of a test of bin/lab (test_lab.c, test_zh_lab.c): its name,
 * made from the test's pid, goes to bin/lab through SOCKFAM_LAB, so tests
 * running at once never meet, and the fini takes it down, also after a test
 * that failed.
 */
#ifndef SOCKFAM_TEST_LAB_FIXTURE_H
#define SOCKFAM_TEST_LAB_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

static char lab_name[32];

/* Skips the test where no lab can be made; else names its lab PREFIX<pid>. */
static void need_lab_named(char prefix)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to make network namespaces (run make test as root)");
	if (system("unshare -n true 2>/dev/null") != 0)
		cr_skip_test("unshare -n does not work here (no network namespace support?)");
	if (access("bin/lab", X_OK) != 0)
		cr_skip_test("bin/lab is not built (run make)");
	snprintf(lab_name, sizeof lab_name, "%c%d", prefix, (int)getpid());
	setenv("SOCKFAM_LAB", lab_name, 1);
}

/* After every test, also a failed one: nothing of the lab may stay. */
static void lab_cleanup(void)
{
	if (!lab_name[0])
		return;
	char *const argv[] = { "bin/lab", "down", NULL };
	h_run(argv, NULL, 0, NULL, NULL);
}

#endif
