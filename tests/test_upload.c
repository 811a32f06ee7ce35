/*
 * File upload (issue 9): --service upload --dir DIR [--overwrite] and
 * --upload FILE, over inet, inet6 and unix (stream; seqpacket once) under
 * several models. The SHA-256 both sides print equals sha256sum's for empty,
 * 1-byte, 1 MiB and sparse files; names that leave DIR (or hide in it) are
 * refused to the peer and the server goes on; an existing file is kept unless
 * --overwrite; a symbolic link in DIR is replaced, never followed; a client
 * killed mid-upload, or one that sends too little or too much, leaves nothing
 * under the final name and no temporary file; python3's socket module,
 * speaking the protocol as the README describes it, as the client.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"

struct target {
	const char *name, *server, *client;
	int domain;
	const char *model;     /* the model the single-model tests use on it */
};

static const struct target targets[] = {
	{ "inet", "bin/inet-server", "bin/inet-client", AF_INET, "fork" },
	{ "inet6", "bin/inet6-server", "bin/inet6-client", AF_INET6, "epoll" },
	{ "unix", "bin/unix-server", "bin/unix-client", AF_UNIX, "thread" },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

struct running {
	struct h_proc p;
	char *dir;            /* scratch: the socket, files to send, DIR below it */
	char up[300];         /* DIR */
	char addr[300];
	char port[16];
	char err[320];
};

static void start(struct running *r, const struct target *t, const char *model, int count, int overwrite,
		  const char *kind)
{
	memset(r, 0, sizeof *r);
	r->dir = h_tmpdir();
	cr_assert(r->dir);
	snprintf(r->err, sizeof r->err, "%s/err", r->dir);
	snprintf(r->up, sizeof r->up, "%s/up", r->dir);
	cr_assert_eq(mkdir(r->up, 0755), 0);
	char cnt[16];
	snprintf(cnt, sizeof cnt, "%d", count);
	char *argv[24];
	int n = 0;
	argv[n++] = (char *)t->server;
	argv[n++] = "-q";
	argv[n++] = "-n";
	argv[n++] = cnt;
	argv[n++] = "--model";
	argv[n++] = (char *)model;
	argv[n++] = "--service";
	argv[n++] = "upload";
	argv[n++] = "--dir";
	argv[n++] = r->up;
	if (overwrite)
		argv[n++] = "--overwrite";
	if (kind) {
		argv[n++] = "-k";
		argv[n++] = (char *)kind;
	}
	if (t->domain == AF_UNIX) {
		snprintf(r->addr, sizeof r->addr, "%s/s.sock", r->dir);
		argv[n++] = "-a";
		argv[n++] = r->addr;
	} else {
		argv[n++] = "-p";
		argv[n++] = "0";
	}
	argv[n] = NULL;
	cr_assert_eq(h_start_server(&r->p, argv, r->err), 0, "%s did not start", t->server);
	if (t->domain != AF_UNIX)
		snprintf(r->port, sizeof r->port, "%d", h_port_of(r->p.first));
}

static void finish(struct running *r)
{
	DIR *d = opendir(r->up);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[700];
			snprintf(path, sizeof path, "%s/%s", r->up, e->d_name);
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlink(path);
		}
		closedir(d);
	}
	rmdir(r->up);
	h_tmpdir_free(r->dir);
	r->dir = NULL;
}

/* The client's argv for --upload file (kind: -k, or NULL). */
static int client_argv(char **argv, const struct target *t, const struct running *r, const char *file,
		       const char *kind)
{
	int n = 0;
	argv[n++] = (char *)t->client;
	argv[n++] = "-q";
	argv[n++] = t->domain == AF_UNIX ? "-a" : "-p";
	argv[n++] = t->domain == AF_UNIX ? (char *)r->addr : (char *)r->port;
	if (kind) {
		argv[n++] = "-k";
		argv[n++] = (char *)kind;
	}
	argv[n++] = "--upload";
	argv[n++] = (char *)file;
	argv[n] = NULL;
	return n;
}

static int upload(const struct target *t, const struct running *r, const char *file, const char *kind,
		  char **out)
{
	char *argv[16];
	client_argv(argv, t, r, file, kind);
	return h_run(argv, NULL, 0, out, NULL);
}

/* sha256sum's digest of path, into hex (65 bytes); 0 when it ran. */
static int sha256sum(const char *path, char *hex)
{
	char *argv[] = { "/usr/bin/sha256sum", (char *)path, NULL };
	char *out = NULL;
	int st = h_run(argv, NULL, 0, &out, NULL);
	if (st || !out || strlen(out) < 64) {
		free(out);
		return -1;
	}
	memcpy(hex, out, 64);
	hex[64] = '\0';
	free(out);
	return 0;
}

static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
}

/* The names in DIR that start with ".upload-" (temporary files). */
static int temp_files(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += !strncmp(e->d_name, ".upload-", 8);
	closedir(d);
	return n;
}

static off_t temp_size(const char *dir)
{
	off_t size = -1;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (!strncmp(e->d_name, ".upload-", 8)) {
			struct stat st;
			if (fstatat(dirfd(d), e->d_name, &st, 0) == 0)
				size = st.st_size;
		}
	closedir(d);
	return size;
}

/* ---- hashes agree ------------------------------------------------------------------- */

static void make_files(const char *dir, char paths[4][320])
{
	snprintf(paths[0], 320, "%s/empty", dir);
	write_file(paths[0], "", 0);
	snprintf(paths[1], 320, "%s/one", dir);
	write_file(paths[1], "x", 1);
	snprintf(paths[2], 320, "%s/mebi.bin", dir);
	char *mb = malloc(1 << 20);
	cr_assert(mb);
	unsigned v = 12345;
	for (size_t i = 0; i < (1u << 20); i++) {
		v = v * 1103515245u + 12345u;
		mb[i] = (char)(v >> 16);
	}
	write_file(paths[2], mb, 1 << 20);
	free(mb);
	/* truncate -s: holes, with a few bytes in the middle */
	snprintf(paths[3], 320, "%s/sparse.img", dir);
	int fd = open(paths[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 5 * 1024 * 1024 + 7), 0);
	cr_assert_eq(pwrite(fd, "middle", 6, 2 * 1024 * 1024 + 3), 6);
	close(fd);
}

static void check_upload(const struct target *t, const struct running *r, const char *path, const char *kind,
			 const char *model)
{
	char want[65], got[65], line[200], saved[700];
	cr_assert_eq(sha256sum(path, want), 0);
	char *out = NULL;
	int st = upload(t, r, path, kind, &out);
	const char *base = strrchr(path, '/') + 1;
	cr_expect_eq(st, 0, "%s %s: the client exit %d for %s:\n%s", t->name, model, st, base, out);
	snprintf(line, sizeof line, "sha256 %s: the same\n", want);
	cr_expect(out && strstr(out, line), "%s %s %s: the client's line with sha256sum's digest:\n%s", t->name,
		  model, base, out);
	snprintf(line, sizeof line, "sent ");
	cr_expect(out && strstr(out, want), "%s: %s", base, out);
	snprintf(saved, sizeof saved, "%s/%s", r->up, base);
	cr_expect_eq(sha256sum(saved, got), 0, "%s %s: %s was not saved", t->name, model, base);
	cr_expect_str_eq(got, want, "%s %s %s", t->name, model, base);
	free(out);
}

Test(upload, hashes_agree_with_sha256sum, .timeout = 120)
{
	static const char *const models[] = { "iterative", "fork", "thread", "epoll", "poll", "prefork=2" };
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		for (size_t m = i % 2; m < sizeof models / sizeof models[0]; m += 2) {
			struct running r;
			start(&r, t, models[m], 4, 0, NULL);
			char paths[4][320];
			make_files(r.dir, paths);
			for (int f = 0; f < 4; f++)
				check_upload(t, &r, paths[f], NULL, models[m]);
			cr_expect_eq(h_wait(&r.p, 20), 0, "%s %s: the server's exit", t->name, models[m]);
			cr_expect_eq(temp_files(r.up), 0);
			finish(&r);
		}
	}
	/* seqpacket: each record is a message */
	struct running r;
	start(&r, &targets[2], "poll", 4, 0, "seqpacket");
	char paths[4][320];
	make_files(r.dir, paths);
	for (int f = 0; f < 4; f++)
		check_upload(&targets[2], &r, paths[f], "seqpacket", "poll");
	cr_expect_eq(h_wait(&r.p, 20), 0);
	finish(&r);
}

/* ---- names that leave DIR ---------------------------------------------------------------- */

static int raw_connect(const struct target *t, const struct running *r)
{
	int fd = h_connect_stream(t->domain, r->addr, atoi(r->port));
	cr_assert_geq(fd, 0, "%s: connect: %s", t->name, strerror(errno));
	return fd;
}

static void send_frame(int fd, const char *p, size_t n)
{
	uint32_t be = htonl((uint32_t)n);
	cr_assert_eq(send(fd, &be, 4, MSG_NOSIGNAL), 4);
	if (n)
		cr_assert_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Everything until the server closes: the first frame's text into msg. */
static void read_reply(int fd, char *msg, size_t cap)
{
	char buf[1024];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf && (r = recv(fd, buf + n, sizeof buf - n, 0)) > 0)
		n += (size_t)r;
	msg[0] = '\0';
	if (n >= 4) {
		uint32_t be;
		memcpy(&be, buf, 4);
		size_t l = ntohl(be);
		if (l > n - 4)
			l = n - 4;
		snprintf(msg, cap, "%.*s", (int)l, buf + 4);
	}
}

Test(upload, names_that_leave_dir_are_refused_and_the_server_goes_on, .timeout = 90)
{
	char longname[300];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	static const char *const names[] = {
		"../../etc/passwd", "..", ".", "../x", "a/b", "/etc/passwd", ".hidden", "x..y", "dir/", "",
		"tab\there", "nl\nx", "del\x7f",
	};
	size_t nnames = sizeof names / sizeof names[0];
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, t->model, (int)nnames + 4, 0, NULL);
		for (size_t k = 0; k <= nnames; k++) {
			const char *name = k < nnames ? names[k] : longname;
			char hdr[400], reply[600];
			int n = snprintf(hdr, sizeof hdr, "UPLOAD 5 %s", name);
			int fd = raw_connect(t, &r);
			send_frame(fd, hdr, (size_t)n);
			/* the content may find the connection refused and closed already */
			send(fd, "\0\0\0\5hello", 9, MSG_NOSIGNAL);
			shutdown(fd, SHUT_WR);
			read_reply(fd, reply, sizeof reply);
			close(fd);
			cr_expect(!strncmp(reply, "error: ", 7), "%s: the name '%s' got '%s'", t->name, name, reply);
		}
		/* a header that is not one, and a NUL inside the name */
		int fd = raw_connect(t, &r);
		send_frame(fd, "UPLOAD 5 a\0b", 12);
		char reply[600];
		read_reply(fd, reply, sizeof reply);
		close(fd);
		cr_expect(!strncmp(reply, "error: ", 7), "%s: NUL in a name got '%s'", t->name, reply);
		fd = raw_connect(t, &r);
		send_frame(fd, "PUT /etc/passwd", 15);
		read_reply(fd, reply, sizeof reply);
		close(fd);
		cr_expect(strstr(reply, "expected a header"), "%s: '%s'", t->name, reply);
		/* nothing was made anywhere: DIR is empty, and so is the scratch dir but for ours */
		DIR *d = opendir(r.up);
		struct dirent *e;
		int entries = 0;
		while (d && (e = readdir(d)) != NULL)
			entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
		if (d)
			closedir(d);
		cr_expect_eq(entries, 0, "%s: DIR holds %d entries", t->name, entries);
		char passwd[700];
		snprintf(passwd, sizeof passwd, "%s/etc", r.dir);
		cr_expect_neq(access(passwd, F_OK), 0);
		/* and the server still serves */
		char good[320];
		snprintf(good, sizeof good, "%s/good.txt", r.dir);
		write_file(good, "fine\n", 5);
		check_upload(t, &r, good, NULL, t->model);
		char *log = NULL;
		size_t loglen = 0;
		char chunk[4096];
		ssize_t got;
		while ((got = read(r.p.out, chunk, sizeof chunk)) > 0) {
			log = realloc(log, loglen + (size_t)got + 1);
			memcpy(log + loglen, chunk, (size_t)got);
			loglen += (size_t)got;
			log[loglen] = '\0';
		}
		cr_expect(log && strstr(log, "upload refused: the name holds a '/'"), "%s: the log:\n%s", t->name,
			  log);
		free(log);
		cr_expect_eq(h_wait(&r.p, 20), 0, "%s: the server's exit", t->name);
		finish(&r);
	}
}

/* ---- existing files, symbolic links ------------------------------------------------------- */

Test(upload, existing_file_kept_unless_overwrite, .timeout = 60)
{
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		for (int ow = 0; ow < 2; ow++) {
			struct running r;
			start(&r, t, t->model, 1, ow, NULL);
			char src[320], old[700];
			snprintf(src, sizeof src, "%s/f.txt", r.dir);
			write_file(src, "new content\n", 12);
			snprintf(old, sizeof old, "%s/f.txt", r.up);
			write_file(old, "old\n", 4);
			char *out = NULL;
			int st = upload(t, &r, src, NULL, &out);
			free(out);
			char want[65], got[65];
			sha256sum(src, want);
			sha256sum(old, got);
			if (ow) {
				cr_expect_eq(st, 0, "%s: --overwrite: the client exit %d", t->name, st);
				cr_expect_str_eq(got, want, "%s: replaced", t->name);
			} else {
				cr_expect_eq(st, 1, "%s: the client exit %d", t->name, st);
				size_t n = 0;
				char *text = h_slurp(old, &n);
				cr_expect(text && !strcmp(text, "old\n"), "%s: the old file was kept: '%s'", t->name, text);
				free(text);
			}
			cr_expect_eq(h_wait(&r.p, 20), 0);
			cr_expect_eq(temp_files(r.up), 0);
			finish(&r);
		}
	}
}

Test(upload, symlink_in_dir_is_never_followed, .timeout = 60)
{
	const struct target *t = &targets[0];
	for (int ow = 0; ow < 2; ow++) {
		struct running r;
		start(&r, t, "iterative", 1, ow, NULL);
		char outside[320], link[700], src[320];
		snprintf(outside, sizeof outside, "%s/outside", r.dir);
		write_file(outside, "secret\n", 7);
		snprintf(link, sizeof link, "%s/link", r.up);
		cr_assert_eq(symlink(outside, link), 0);
		snprintf(src, sizeof src, "%s/link", r.dir);
		/* the file sent is named "link" too */
		write_file(src, "attack\n", 7);
		char *out = NULL;
		int st = upload(t, &r, src, NULL, &out);
		free(out);
		char *text = h_slurp(outside, NULL);
		cr_expect(text && !strcmp(text, "secret\n"), "the file outside DIR is untouched: '%s'", text);
		free(text);
		struct stat sb;
		cr_assert_eq(lstat(link, &sb), 0);
		if (ow) {
			cr_expect_eq(st, 0);
			cr_expect(S_ISREG(sb.st_mode), "--overwrite replaces the link itself with the file");
		} else {
			cr_expect_eq(st, 1);
			cr_expect(S_ISLNK(sb.st_mode), "the link is left as it was");
		}
		cr_expect_eq(h_wait(&r.p, 20), 0);
		unlink(outside);
		finish(&r);
	}
}

/* ---- uploads that do not finish ------------------------------------------------------------ */

static int wait_for(int (*cond)(const char *), const char *dir, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (cond(dir))
			return 1;
		usleep(10000);
	}
	return cond(dir);
}

static int temp_grew(const char *dir) { return temp_size(dir) > 0; }
static int temp_gone(const char *dir) { return temp_files(dir) == 0; }

Test(upload, killed_client_leaves_no_file, .timeout = 90)
{
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, t->model, 1, 0, NULL);
		/* a large sparse file: it takes far longer to send than the test waits */
		char big[320];
		snprintf(big, sizeof big, "%s/huge.img", r.dir);
		int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		cr_assert_geq(fd, 0);
		cr_assert_eq(ftruncate(fd, (off_t)64 << 30), 0);
		close(fd);
		char *argv[16];
		client_argv(argv, t, &r, big, NULL);
		struct h_proc c;
		cr_assert_eq(h_spawn(&c, argv, NULL), 0);
		cr_expect(wait_for(temp_grew, r.up, 10000), "%s: the upload started", t->name);
		kill(c.pid, SIGKILL);
		h_wait(&c, 5);
		cr_expect(wait_for(temp_gone, r.up, 10000), "%s: the temporary file was removed", t->name);
		char final[700];
		snprintf(final, sizeof final, "%s/huge.img", r.up);
		cr_expect_neq(access(final, F_OK), 0, "%s: nothing under the final name", t->name);
		cr_expect_eq(h_wait(&r.p, 20), 0);
		finish(&r);
	}
}

/* Python's socket module as the client, written from the README's table of
 * the protocol alone: a length-framed UPLOAD header, the content in frames,
 * and the server's OK with the SHA-256 hashlib computes. */
static const char py_upload[] =
	"import hashlib, socket, struct, sys\n"
	"fam, where, name = sys.argv[1], sys.argv[2], sys.argv[3]\n"
	"data = bytes(range(256)) * 1000 + b'end'\n"
	"if fam == 'unix':\n"
	"    s = socket.socket(socket.AF_UNIX); s.connect(where)\n"
	"else:\n"
	"    s = socket.create_connection(('::1' if fam == 'inet6' else '127.0.0.1', int(where)))\n"
	"def frame(b): s.sendall(struct.pack('!I', len(b)) + b)\n"
	"frame(b'UPLOAD %d %s' % (len(data), name.encode()))\n"
	"for i in range(0, len(data), 65536): frame(data[i:i + 65536])\n"
	"s.shutdown(socket.SHUT_WR)\n"
	"f = s.makefile('rb')\n"
	"n = struct.unpack('!I', f.read(4))[0]\n"
	"answer = f.read(n).decode()\n"
	"want = 'OK %d %s' % (len(data), hashlib.sha256(data).hexdigest())\n"
	"print(answer)\n"
	"sys.exit(0 if answer == want else 1)\n";

Test(upload, python_socket_client, .timeout = 60)
{
	if (access("/usr/bin/python3", X_OK))
		cr_skip_test("python3 is not installed (make deps installs it)");
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, t->model, 1, 0, NULL);
		char *argv[] = { "/usr/bin/python3", "-c", (char *)py_upload, (char *)t->name,
				 t->domain == AF_UNIX ? r.addr : r.port, "from-python.bin", NULL };
		char *out = NULL;
		cr_expect_eq(h_run(argv, NULL, 0, &out, NULL), 0, "%s: python3: %s", t->name, out);
		cr_expect(out && !strncmp(out, "OK 256003 ", 10), "%s: %s", t->name, out);
		free(out);
		cr_expect_eq(h_wait(&r.p, 20), 0);
		char saved[700];
		snprintf(saved, sizeof saved, "%s/from-python.bin", r.up);
		struct stat st;
		cr_expect(stat(saved, &st) == 0 && st.st_size == 256003, "%s: the file in DIR, whole", t->name);
		finish(&r);
	}
}

Test(upload, too_little_or_too_much_is_refused, .timeout = 60)
{
	for (size_t i = 0; i < NTARGETS; i++) {
		const struct target *t = &targets[i];
		struct running r;
		start(&r, t, t->model, 2, 0, NULL);
		char reply[600];
		/* more than announced, in one message */
		int fd = raw_connect(t, &r);
		send_frame(fd, "UPLOAD 10 a.txt", 15);
		send(fd, "\0\0\0\x0f" "0123456789abcde", 19, MSG_NOSIGNAL);
		shutdown(fd, SHUT_WR);
		read_reply(fd, reply, sizeof reply);
		close(fd);
		cr_expect(strstr(reply, "more bytes came than the 10 announced"), "%s: '%s'", t->name, reply);
		/* less: the stream ends first */
		fd = raw_connect(t, &r);
		send_frame(fd, "UPLOAD 10 b.txt", 15);
		send_frame(fd, "01234", 5);
		shutdown(fd, SHUT_WR);
		read_reply(fd, reply, sizeof reply);
		close(fd);
		cr_expect_eq(h_wait(&r.p, 20), 0);
		char p[700];
		snprintf(p, sizeof p, "%s/a.txt", r.up);
		cr_expect_neq(access(p, F_OK), 0, "%s: a.txt not saved", t->name);
		snprintf(p, sizeof p, "%s/b.txt", r.up);
		cr_expect_neq(access(p, F_OK), 0, "%s: b.txt not saved", t->name);
		cr_expect_eq(temp_files(r.up), 0, "%s: no temporary file left", t->name);
		finish(&r);
	}
}

/* ---- bad input: one line, exit 2, before any socket ------------------------------------------ */

Test(upload, bad_command_lines)
{
	char *dir = h_tmpdir();
	char file[320], err[320];
	snprintf(file, sizeof file, "%s/f", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	write_file(file, "x", 1);
	char *const cases[][10] = {
		{ "bin/inet-client", "--upload", "/nonexistent/file", NULL },
		{ "bin/inet-client", "--upload", dir, NULL },
		{ "bin/inet-client", "-u", "--upload", file, NULL },
		{ "bin/unix-client", "-k", "dgram", "--upload", file, NULL },
		{ "bin/inet-server", "--service", "upload", "--dir", "/nonexistent", NULL },
		{ "bin/inet-server", "--service", "upload", "--dir", file, NULL },
		{ "bin/inet-server", "--service", "upload", NULL },
		{ "bin/inet-server", "--dir", dir, NULL },
		{ "bin/inet6-server", "-u", "--service", "upload", "--dir", dir, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		int st = h_run(cases[i], NULL, 0, &out, err);
		free(out);
		char *e = h_slurp(err, NULL);
		cr_expect_eq(st, 2, "case %zu: exit %d", i, st);
		cr_expect(e && strchr(e, '\n') == e + strlen(e) - 1, "case %zu: one line: '%s'", i, e);
		cr_expect(e && !strstr(e, "socket("), "case %zu: no socket before the refusal", i);
		free(e);
	}
	unlink(file);
	unlink(err);
	h_tmpdir_free(dir);
}
