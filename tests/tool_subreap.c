/*
 * tool_subreap: runs a command (make test's runner) as a child subreaper
 * (prctl PR_SET_CHILD_SUBREAPER), so that a process the tests start and
 * leave behind becomes its child instead of init's.
 *
 * While the command runs, such orphans are reaped as they end. Once it has
 * ended, what is left gets --grace seconds (default 5) to end by itself; then
 * each process still there is named on stderr (pid and command line), killed
 * with SIGKILL and reaped, its own children after it (they come to us in
 * turn). A test that leaves a process running is a failure: the exit status
 * is then 1 even when the command passed. And nothing a test left behind
 * holds the run's output open after the run: a CI that reads that output to
 * its end would otherwise wait for ever.
 *
 * Usage: tool_subreap [--grace SECONDS] -- COMMAND [ARG...]
 * Exit: the command's status (128+N when a signal N ended it), 1 when
 * something was left running, 2 for a usage error, 127 when the command
 * cannot be run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(const char *why)
{
	fprintf(stderr, "tool_subreap: %s (usage: tool_subreap [--grace SECONDS] -- COMMAND [ARG...])\n", why);
	exit(2);
}

/* pid's command line, NULs as spaces, at most n-1 bytes ("?" when gone). */
static void cmdline_of(pid_t pid, char *out, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd >= 0 ? read(fd, out, n - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (r <= 0) {
		snprintf(out, n, "?");
		return;
	}
	for (ssize_t i = 0; i < r; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	while (r > 0 && out[r - 1] == ' ')
		r--;
	out[r] = '\0';
}

/* Our children still running (not zombies), from /proc/PID/stat's ppid. */
static int children_left(pid_t *kids, int max)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	pid_t me = getpid();
	while ((e = readdir(d)) && n < max) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		char path[64], buf[512];
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and parentheses */
		char *close_paren = strrchr(buf, ')');
		char state;
		int ppid;
		if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
			continue;
		if (ppid == me && state != 'Z')
			kids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

static void reap_ended(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(int argc, char **argv)
{
	int grace = 5;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--grace") && i + 1 < argc) {
			char *end;
			long g = strtol(argv[++i], &end, 10);
			if (*end || g < 0 || g > 600)
				usage("--grace takes 0 to 600 seconds");
			grace = (int)g;
		} else {
			usage("unknown option");
		}
	}
	if (i >= argc - 1)
		usage("no command after --");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("tool_subreap: prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	pid_t cmd = fork();
	if (cmd < 0) {
		perror("tool_subreap: fork");
		return 1;
	}
	if (cmd == 0) {
		execvp(argv[i + 1], argv + i + 1);
		fprintf(stderr, "tool_subreap: %s: %s\n", argv[i + 1], strerror(errno));
		_exit(127);
	}
	/* the command's own signals are its business; ours would end the run */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int st = 0;
	for (;;) {
		pid_t p = waitpid(-1, &st, 0);
		if (p == cmd)
			break;
		if (p < 0 && errno != EINTR) {
			perror("tool_subreap: waitpid");
			return 1;
		}
		/* else an orphan that ended by itself: reaped, nothing to say */
	}
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	pid_t kids[256];
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n;
	do {
		reap_ended();
		n = children_left(kids, 256);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (n)
			usleep(50000);
	} while (n && (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < grace * 1000L);
	int left = 0;
	/* killing one hands its children to us: go round until none is left */
	for (int round = 0; round < 100 && (n = children_left(kids, 256)) > 0; round++) {
		for (int k = 0; k < n; k++) {
			char line[300];
			cmdline_of(kids[k], line, sizeof line);
			fprintf(stderr, "tool_subreap: left running after the tests (%d s after they ended): "
					"pid %d: %s; killed\n", grace, (int)kids[k], line);
			kill(kids[k], SIGKILL);
			left++;
		}
		usleep(20000);
		reap_ended();
	}
	reap_ended();
	if (left) {
		fprintf(stderr, "tool_subreap: %d process%s left running by the tests\n", left, left == 1 ? "" : "es");
		return rc ? rc : 1;
	}
	return rc;
}
