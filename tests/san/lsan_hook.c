/*
 * lsan_hook: linked into every program of make check-sanitize's ASan build
 * (never into the normal one): it says where LeakSanitizer does not look.
 *
 * The Criterion runner and its test processes: the tests' own scaffolding
 * (what they read and compare) is kept until the test process ends. The
 * programs they run (bin/, the tools, the fuzz replays) are what is checked.
 *
 * LeakSanitizer checks for leaks at exit by stopping the process's threads
 * with ptrace, which it cannot do while strace traces the process (it then
 * fails with "LeakSanitizer does not work under ptrace"). So a program that
 * finds a tracer in /proc/self/status at exit skips the leak check; every run
 * not under strace keeps it. The file is opened and read but not closed: no
 * call of the differential tests' trace sets (close is one) is added.
 *
 * Without a readable /proc (a test mounts an empty one over it) the check is
 * skipped too: LeakSanitizer reads /proc/self/maps and would fail.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int __lsan_is_turned_off(void);

/* Criterion's entry point: linked only into the test runner. */
extern int criterion_run_all_tests(void *set) __attribute__((weak));

int __lsan_is_turned_off(void)
{
	if (criterion_run_all_tests)
		return 1;
	char buf[2048];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	const char *t = strstr(buf, "\nTracerPid:");
	if (!t)
		return 0;
	t += strlen("\nTracerPid:");
	while (*t == ' ' || *t == '\t')
		t++;
	return *t != '0';
}
