/*
 * models: how a server serves many clients, one table entry each.
 *
 *   iterative  one client at a time: accept, serve, close, accept...
 *   fork       a child process per client (socketserver's ForkingMixIn; UNP 30.5)
 *   thread     a thread per client (ThreadingMixIn; UNP 30.10)
 *   prefork    N processes made at the start, each blocking in accept (UNP 30.6)
 *   prethread  N threads made at the start, each blocking in accept (UNP 30.11)
 *   select     one process, non-blocking sockets, select() for readiness
 *   poll       the same with poll()
 *   epoll      the same with epoll_create1/epoll_ctl/epoll_wait
 *
 * On a datagram socket fork and thread take one datagram each (as
 * ForkingUDPServer and ThreadingUDPServer do), and select/poll/epoll wait for
 * the socket to be readable and drain it.
 */
#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "io.h"
#include "skeleton.h"
#include "trace.h"

/* Out of descriptors with nothing to shed: wait this long before trying again. */
#define EMFILE_PAUSE_MS 200
/* How long stopped children get to finish before SIGKILL. */
#define STOP_GRACE_S 2

static void pause_ms(int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* What a failed accept means to a blocking model: 1 try again, 0 stop (said). */
static int accept_failed(struct server *sv)
{
	int e = errno;
	if (e == EINTR || e == ECONNABORTED || e == EAGAIN || e == EPROTO)
		return 1;
	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		sv_log_flush();
		pause_ms(EMFILE_PAUSE_MS);
		return 1;
	}
	if ((e == EINVAL || e == EBADF) && io_stop)
		return 0;   /* the listening socket was shut down to stop us */
	skel_fail(sv->s, "accept", e, _("accepting a connection"));
	sv->rc = 1;
	return 0;
}

#define NEXT_AGAIN (-2)
/* The next client of a blocking model: a ticket (-n), the log sent, accept().
 * The connection; NEXT_AGAIN when accept() should be tried again (EINTR: a
 * SIGCHLD the caller may want to reap first, and the like); -1 to stop: -n
 * reached, a stop asked, or a failure that was said. */
static int next_client(struct server *sv, struct endpoint *peer)
{
	if (!sv_admit(sv))
		return -1;
	if (sv_before_block() || !sv_wait_ready(sv)) {
		sv_unadmit(sv);
		return -1;
	}
	int fd = sv_accept(sv, 0, peer);
	if (fd >= 0)
		return fd;
	sv_unadmit(sv);
	/* --nonblock: nobody was waiting (EAGAIN); poll() for the next */
	if (errno == EAGAIN && sv->s->nonblock)
		return sv_wait_again(sv) ? NEXT_AGAIN : -1;
	return accept_failed(sv) ? NEXT_AGAIN : -1;
}

/* ---- iterative -------------------------------------------------------------------- */

/* Datagrams one at a time from a blocking socket; `one` handles each, and
 * `between` (may be NULL) runs before every wait (reaping children). */
static void serve_datagrams_blocking(struct server *sv, void (*one)(struct server *, char *, long,
								     const struct endpoint *),
				     void (*between)(struct server *))
{
	char *buf = malloc(sv->bufsize);
	if (!buf) {
		sv->rc = 1;
		return;
	}
	while (sv_admit(sv)) {
		struct endpoint peer;
		if (between)
			between(sv);
		if (sv_before_block() || !sv_wait_ready(sv)) {
			sv_unadmit(sv);
			break;
		}
		long n = sv_dgram_read(sv, buf, &peer);
		if (n < 0) {
			int e = errno;
			sv_unadmit(sv);
			/* --nonblock: no datagram there (EAGAIN); poll() for the next */
			if (e == EAGAIN && sv->s->nonblock && !sv_wait_again(sv))
				break;
			if (e != EINTR && e != EMSGSIZE && !(e == EAGAIN && sv->s->nonblock))
				skel_fail(sv->s, "recvfrom", e, _("receiving a datagram"));
			continue;
		}
		one(sv, buf, n, &peer);
	}
	free(buf);
}

static void dgram_here(struct server *sv, char *buf, long n, const struct endpoint *peer)
{
	sv_dgram_serve(sv, buf, (size_t)n, peer);
}

static int serve_iterative(struct server *sv)
{
	if (!sv->conn_oriented) {
		serve_datagrams_blocking(sv, dgram_here, NULL);
		return 0;
	}
	struct endpoint peer;
	int fd;
	while ((fd = next_client(sv, &peer)) != -1) {
		if (fd == NEXT_AGAIN)
			continue;
		sv_conn_serve_blocking(sv, fd, &peer);
	}
	return 0;
}

/* ---- processes: fork and prefork ------------------------------------------------------ */

struct children {
	pid_t *pids;
	int n, cap;
	int said_full;
};

static volatile sig_atomic_t child_exited;

static void on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

/* SIGCHLD interrupts accept() (no SA_RESTART), so children are reaped as soon
 * as they exit, not when the next client comes (UNP 5.9). */
static void catch_children(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_child;   /* SIGALRM: ends the wait for stopped children */
	sigaction(SIGALRM, &sa, NULL);
}

/* In a new child: the parent's handlers for its children are not ours. */
static void child_signals(void)
{
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
}

static void children_add(struct children *ch, pid_t pid)
{
	if (ch->n == ch->cap) {
		int cap = ch->cap ? ch->cap * 2 : 64;
		pid_t *p = realloc(ch->pids, (size_t)cap * sizeof *p);
		if (!p)
			return;   /* still reaped by wait4(-1); only not signalled at a stop */
		ch->pids = p;
		ch->cap = cap;
	}
	ch->pids[ch->n++] = pid;
}

static void report_status(struct server *sv, pid_t pid, int st)
{
	if (WIFSIGNALED(st)) {
		fprintf(stderr, _("%s: child %d was killed by SIG%s\n"), sv->s->prog, (int)pid,
			sigabbrev_np(WTERMSIG(st)) ?: "?");
		if (WTERMSIG(st) != SIGTERM && WTERMSIG(st) != SIGINT && WTERMSIG(st) != SIGKILL)
			sv->rc = 1;
	} else if (WIFEXITED(st) && WEXITSTATUS(st)) {
		fprintf(stderr, _("%s: child %d exited with status %d\n"), sv->s->prog, (int)pid, WEXITSTATUS(st));
		sv->rc = 1;
	}
}

/* Removes pid from the list; 1 when it was there. */
static int children_remove(struct children *ch, pid_t pid)
{
	for (int i = 0; i < ch->n; i++)
		if (ch->pids[i] == pid) {
			ch->pids[i] = ch->pids[--ch->n];
			return 1;
		}
	return 0;
}

/* wait4 for children: blocking or WNOHANG. Returns the pid reaped, 0 none, -1 error. */
static pid_t reap_one(struct server *sv, struct children *ch, int options)
{
	int st;
	pid_t pid = t_wait4(-1, &st, options);
	if (pid > 0) {
		children_remove(ch, pid);
		report_status(sv, pid, st);
	}
	return pid;
}

static void reap_finished(struct server *sv, struct children *ch)
{
	if (!child_exited)
		return;
	child_exited = 0;
	while (ch->n && reap_one(sv, ch, WNOHANG) > 0)
		;
}

/* At the end: ask the children to stop (only when we were asked to stop:
 * after -n clients they finish their client), and reap every one; after
 * STOP_GRACE_S seconds the rest are killed. shut_listener: the children
 * block in accept() on our listening socket (prefork). A worker that had
 * just looked at io_stop when SIGTERM came would block in accept() all the
 * same, signal handled and all; shutting the listening socket down after
 * the signals wakes it (accept returns EINVAL), as it does prethread's. */
static void reap_all(struct server *sv, struct children *ch, int shut_listener)
{
	sv_log_flush();
	if (io_stop) {
		for (int i = 0; i < ch->n; i++)
			t_kill(ch->pids[i], SIGTERM);
		if (shut_listener && ch->n)
			t_shutdown(sv->lfd, SHUT_RD);
	}
	int killed = 0;
	child_exited = 0;
	alarm(io_stop ? STOP_GRACE_S : 0);
	while (ch->n) {
		pid_t pid = reap_one(sv, ch, 0);
		if (pid > 0)
			continue;
		if (errno == ECHILD) {
			ch->n = 0;
			break;
		}
		if (errno == EINTR && io_stop && !killed && child_exited) {
			/* the alarm or a child: kill what is left once the grace is over */
			child_exited = 0;
			if (alarm(0) == 0) {
				for (int i = 0; i < ch->n; i++)
					t_kill(ch->pids[i], SIGKILL);
				killed = 1;
			} else {
				alarm(STOP_GRACE_S);
			}
		}
	}
	alarm(0);
	free(ch->pids);
	ch->pids = NULL;
}

static void reap_dgram_children(struct server *sv)
{
	reap_finished(sv, sv->model_state);
}

static void dgram_in_child(struct server *sv, char *buf, long n, const struct endpoint *peer)
{
	struct children *ch = sv->model_state;
	sv_log_flush();
	pid_t pid = t_fork();
	if (pid == 0) {
		child_signals();
		sv_dgram_serve(sv, buf, (size_t)n, peer);
		sv_log_flush();
		_exit(sv->rc);
	}
	if (pid < 0)
		skel_fail(sv->s, "clone", errno, _("starting a process for this datagram; not answered"));
	else
		children_add(ch, pid);
}

static int serve_fork(struct server *sv)
{
	struct children ch = { 0 };
	sv->model_state = &ch;
	catch_children();
	if (!sv->conn_oriented) {
		serve_datagrams_blocking(sv, dgram_in_child, reap_dgram_children);
		reap_all(sv, &ch, 0);
		return 0;
	}
	while (!sv_done(sv)) {
		reap_finished(sv, &ch);
		if (sv->max_clients && ch.n >= sv->max_clients) {
			if (!ch.said_full)
				sv_log(sv, _("%d clients at once (--max-clients): the next waits in the "
				       "listen backlog until a child exits"), ch.n);
			ch.said_full = 1;
			if (sv_before_block())
				break;
			if (reap_one(sv, &ch, 0) < 0 && errno == ECHILD)
				ch.n = 0;
			continue;
		}
		ch.said_full = 0;
		struct endpoint peer;
		int fd = next_client(sv, &peer);
		if (fd == NEXT_AGAIN)
			continue;
		if (fd < 0)
			break;
		sv_log_flush();   /* or the child would print what we have buffered again */
		/* a SIGCHLD arriving during fork() would make the kernel start it over
		 * (ERESTARTNOINTR): held off for the call, taken right after */
		sigset_t old;
		sv_block_stop_signals(&old);
		pid_t pid = t_fork();
		if (pid == 0) {
			child_signals();
			sv_restore_signals(&old);
			t_close(sv->lfd);
			sv_conn_serve_blocking(sv, fd, &peer);
			_exit(sv->rc);
		}
		int fork_err = errno;
		sv_restore_signals(&old);
		if (pid < 0) {
			skel_fail(sv->s, "clone", fork_err, _("starting a process for a client; closing it"));
			sv->rc = 1;
		} else {
			children_add(&ch, pid);
		}
		t_close(fd);   /* the child has it; ours would keep the connection open */
	}
	reap_all(sv, &ch, 0);
	return 0;
}

static int prefork_worker(struct server *sv)
{
	struct endpoint peer;
	int fd;
	while ((fd = next_client(sv, &peer)) != -1) {
		if (fd == NEXT_AGAIN)
			continue;
		sv_conn_serve_blocking(sv, fd, &peer);
	}
	sv_log_flush();
	return sv->rc;
}

static int spawn_worker(struct server *sv, struct children *ch)
{
	sv_log_flush();
	pid_t pid = t_fork();
	if (pid == 0) {
		child_signals();
		_exit(prefork_worker(sv));
	}
	if (pid < 0) {
		skel_fail(sv->s, "clone", errno, _("starting a worker process"));
		return -1;
	}
	children_add(ch, pid);
	return 0;
}

static int serve_prefork(struct server *sv)
{
	struct children ch = { 0 };
	catch_children();
	for (int i = 0; i < sv->o->pool; i++)
		if (spawn_worker(sv, &ch) < 0) {
			sv->rc = 1;
			break;
		}
	/* The parent only waits: each worker accepts by itself (the kernel hands
	 * a new connection to one of them). A worker that dies is replaced. */
	while (ch.n && !io_stop) {
		if (sv_before_block())
			break;
		int st;
		pid_t pid = t_wait4(-1, &st, 0);
		if (pid < 0) {
			if (errno == ECHILD)
				break;
			continue;   /* EINTR: SIGCHLD or a stop */
		}
		children_remove(&ch, pid);
		report_status(sv, pid, st);
		if (!sv_done(sv) && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			sv_log(sv, _("worker %d ended; starting another"), (int)pid);
			spawn_worker(sv, &ch);
		}
	}
	reap_all(sv, &ch, 1);
	return 0;
}

/* ---- threads: thread and prethread --------------------------------------------------- */

struct tslot {
	pthread_t t;
	struct server *sv;
	int fd;                 /* the connection, while served; -1 */
	struct endpoint peer;
	int busy;               /* a thread runs in this slot */
	void *job;              /* datagrams: the datagram (struct dgram_job) */
	int next_done;          /* list of finished slots to join */
};

struct tpool {
	struct tslot *slots;
	int n;                  /* slots */
	int *free_list, nfree;
	int done_head;          /* finished, not yet joined: -1 ends */
	int active;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	int said_full;
	int changed_fd;         /* eventfd written when a thread ends (prethread's keyboard), or -1 */
};

/* Under the pool's lock: the connection of the slot is about to be closed. */
static void thread_before_close(struct server *sv, struct conn *c)
{
	struct tpool *tp = sv->model_state;
	pthread_mutex_lock(&tp->mu);
	for (int i = 0; i < tp->n; i++)
		if (tp->slots[i].busy && tp->slots[i].fd == c->fd)
			tp->slots[i].fd = -1;
	pthread_mutex_unlock(&tp->mu);
}

static void slot_finished(struct tpool *tp, struct tslot *sl)
{
	pthread_mutex_lock(&tp->mu);
	sl->next_done = tp->done_head;
	tp->done_head = (int)(sl - tp->slots);
	tp->active--;
	pthread_cond_broadcast(&tp->changed);
	if (tp->changed_fd >= 0) {
		uint64_t one = 1;
		if (write(tp->changed_fd, &one, sizeof one) < 0) {
			/* full only after 2^64 - 2 ends: the main thread is awake */
		}
	}
	pthread_mutex_unlock(&tp->mu);
}

static void join_finished(struct tpool *tp)
{
	pthread_mutex_lock(&tp->mu);
	int i = tp->done_head;
	tp->done_head = -1;
	pthread_mutex_unlock(&tp->mu);
	while (i >= 0) {
		struct tslot *sl = &tp->slots[i];
		int next = sl->next_done;
		pthread_join(sl->t, NULL);
		pthread_mutex_lock(&tp->mu);
		sl->busy = 0;
		tp->free_list[tp->nfree++] = i;
		pthread_mutex_unlock(&tp->mu);
		i = next;
	}
}

static int tpool_init(struct tpool *tp, int n)
{
	memset(tp, 0, sizeof *tp);
	tp->slots = calloc((size_t)n, sizeof *tp->slots);
	tp->free_list = calloc((size_t)n, sizeof *tp->free_list);
	if (!tp->slots || !tp->free_list) {
		free(tp->slots);
		free(tp->free_list);
		return -1;
	}
	tp->n = n;
	for (int i = 0; i < n; i++) {
		tp->slots[i].fd = -1;
		tp->free_list[tp->nfree++] = n - 1 - i;
	}
	tp->done_head = -1;
	tp->changed_fd = -1;
	pthread_mutex_init(&tp->mu, NULL);
	pthread_cond_init(&tp->changed, NULL);
	return 0;
}

/* At a stop: every connection still served is shut down, so its thread's
 * blocking receive returns (0) and the thread ends. */
static void tpool_shutdown_all(struct tpool *tp)
{
	pthread_mutex_lock(&tp->mu);
	for (int i = 0; i < tp->n; i++)
		if (tp->slots[i].busy && tp->slots[i].fd >= 0)
			t_shutdown(tp->slots[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&tp->mu);
}

static void tpool_join_all(struct tpool *tp)
{
	for (;;) {
		join_finished(tp);
		pthread_mutex_lock(&tp->mu);
		int left = tp->active;
		if (left && tp->done_head < 0)
			pthread_cond_wait(&tp->changed, &tp->mu);
		pthread_mutex_unlock(&tp->mu);
		if (!left)
			break;
	}
	join_finished(tp);
	if (tp->changed_fd >= 0)
		close(tp->changed_fd);
	pthread_mutex_destroy(&tp->mu);
	pthread_cond_destroy(&tp->changed);
	free(tp->slots);
	free(tp->free_list);
}

/* Starts fn(slot) in a new thread with the stop signals blocked, so that
 * they reach the main thread. */
static int tpool_start(struct server *sv, struct tpool *tp, void *(*fn)(void *), int fd,
		       const struct endpoint *peer, void *job)
{
	pthread_mutex_lock(&tp->mu);
	int i = tp->nfree ? tp->free_list[--tp->nfree] : -1;
	if (i >= 0) {
		struct tslot *sl = &tp->slots[i];
		sl->sv = sv;
		sl->fd = fd;
		if (peer)
			sl->peer = *peer;
		sl->job = job;
		sl->busy = 1;
		tp->active++;
	}
	pthread_mutex_unlock(&tp->mu);
	if (i < 0)
		return -1;
	sigset_t old;
	sv_block_stop_signals(&old);
	sv_log_flush();
	int e = t_thread_create(&tp->slots[i].t, NULL, fn, &tp->slots[i]);
	sv_restore_signals(&old);
	if (e) {
		errno = e;
		skel_fail(sv->s, "clone3", e, _("starting a thread"));
		pthread_mutex_lock(&tp->mu);
		tp->slots[i].busy = 0;
		tp->active--;
		tp->free_list[tp->nfree++] = i;
		pthread_mutex_unlock(&tp->mu);
		return -1;
	}
	return 0;
}

static void *conn_thread(void *arg)
{
	struct tslot *sl = arg;
	struct server *sv = sl->sv;
	sv_conn_serve_blocking(sv, sl->fd, &sl->peer);
	slot_finished(sv->model_state, sl);
	return NULL;
}

static int serve_thread_dgram(struct server *sv, struct tpool *tp);

static int serve_thread(struct server *sv)
{
	struct tpool tp;
	if (tpool_init(&tp, sv->max_clients) < 0) {
		fprintf(stderr, _("%s: out of memory for %d threads\n"), sv->s->prog, sv->max_clients);
		return 1;
	}
	sv->model_state = &tp;
	sv->before_close = thread_before_close;
	if (!sv->conn_oriented)
		return serve_thread_dgram(sv, &tp);
	while (!sv_done(sv)) {
		join_finished(&tp);
		pthread_mutex_lock(&tp.mu);
		int full = tp.active >= tp.n;
		pthread_mutex_unlock(&tp.mu);
		if (full) {
			if (!tp.said_full)
				sv_log(sv, _("%d clients at once (--max-clients): the next waits in the "
				       "listen backlog until a thread ends"), tp.n);
			tp.said_full = 1;
			sv_log_flush();
			/* a condition variable cannot be interrupted by Ctrl-C: look again
			 * every 100 ms for a stop */
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 100000000L;
			if (t.tv_nsec >= 1000000000L) {
				t.tv_sec++;
				t.tv_nsec -= 1000000000L;
			}
			pthread_mutex_lock(&tp.mu);
			if (tp.active >= tp.n && tp.done_head < 0)
				pthread_cond_timedwait(&tp.changed, &tp.mu, &t);
			pthread_mutex_unlock(&tp.mu);
			continue;
		}
		tp.said_full = 0;
		if (sv->kbd_on) {
			/* a room with a person at the server: the keyboard and the
			 * listening socket at once (the threads never read stdin) */
			struct pollfd p[2] = { { sv->lfd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
			if (sv_before_block())
				break;
			int n = t_poll(p, 2, -1);
			if (n < 0 && errno != EINTR) {
				skel_fail(sv->s, "poll", errno, _("waiting for clients and the keyboard"));
				sv->rc = 1;
				break;
			}
			if (n > 0 && p[1].revents)
				sv_keyboard(sv);
			if (n <= 0 || !p[0].revents)
				continue;
		}
		struct endpoint peer;
		int fd = next_client(sv, &peer);
		if (fd == NEXT_AGAIN)
			continue;
		if (fd < 0)
			break;
		if (tpool_start(sv, &tp, conn_thread, fd, &peer, NULL) < 0) {
			sv->rc = 1;
			t_close(fd);
		}
	}
	if (io_stop)
		tpool_shutdown_all(&tp);
	tpool_join_all(&tp);
	return 0;
}

/* Datagrams: the main thread receives each one and a thread answers it
 * (ThreadingUDPServer). The datagram goes to its thread in a copy. */
struct dgram_job {
	size_t n;
	struct endpoint peer;
	char data[];
};

static void *dgram_thread(void *arg)
{
	struct tslot *sl = arg;
	struct dgram_job *job = sl->job;
	sv_dgram_serve(sl->sv, job->data, job->n, &job->peer);
	sv_log_flush();
	free(job);
	slot_finished(sl->sv->model_state, sl);
	return NULL;
}

static void dgram_in_thread(struct server *sv, char *buf, long n, const struct endpoint *peer)
{
	struct tpool *tp = sv->model_state;
	join_finished(tp);
	struct dgram_job *job = malloc(sizeof *job + (size_t)n);
	if (!job) {
		fprintf(stderr, _("%s: out of memory for a datagram; not answered\n"), sv->s->prog);
		sv->rc = 1;
		return;
	}
	job->n = (size_t)n;
	job->peer = *peer;
	memcpy(job->data, buf, (size_t)n);
	if (tpool_start(sv, tp, dgram_thread, -1, NULL, job) < 0) {
		/* every slot busy: this one is answered here, in the main thread */
		if (!tp->said_full)
			sv_log(sv, _("%d threads at once (--max-clients): answering in the main thread"), tp->n);
		tp->said_full = 1;
		sv_dgram_serve(sv, job->data, job->n, &job->peer);
		free(job);
		return;
	}
	tp->said_full = 0;
}

static int serve_thread_dgram(struct server *sv, struct tpool *tp)
{
	serve_datagrams_blocking(sv, dgram_in_thread, NULL);
	tpool_join_all(tp);
	return 0;
}

static void *accept_thread(void *arg)
{
	struct tslot *sl = arg;
	struct server *sv = sl->sv;
	struct endpoint peer;
	int fd;
	while ((fd = next_client(sv, &peer)) != -1) {
		if (fd == NEXT_AGAIN)
			continue;
		struct tpool *tp = sv->model_state;
		pthread_mutex_lock(&tp->mu);
		sl->fd = fd;
		pthread_mutex_unlock(&tp->mu);
		sv_conn_serve_blocking(sv, fd, &peer);
	}
	sv_log_flush();
	slot_finished(sv->model_state, sl);
	return NULL;
}

/* prethread: the main thread makes the pool, then only waits for a signal
 * (or for the pool to end after -n clients). */
static int serve_prethread(struct server *sv)
{
	struct tpool tp;
	int n = sv->o->pool;
	if (tpool_init(&tp, n) < 0) {
		fprintf(stderr, _("%s: out of memory for %d threads\n"), sv->s->prog, n);
		return 1;
	}
	sv->model_state = &tp;
	sv->before_close = thread_before_close;
	for (int i = 0; i < n; i++)
		if (tpool_start(sv, &tp, accept_thread, -1, NULL, NULL) < 0) {
			sv->rc = 1;
			break;
		}
	if (sv->kbd_on && (tp.changed_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		sv_log(sv, _("no eventfd for the pool (%s): the keyboard is not read"), strerrorname_np(errno));
	/* a room with a person at the server: the main thread reads the
	 * keyboard, and a thread's end wakes it (tp.changed_fd) */
	while (tp.changed_fd >= 0 && sv->kbd_on && !io_stop) {
		pthread_mutex_lock(&tp.mu);
		int left = tp.active;
		pthread_mutex_unlock(&tp.mu);
		if (!left || sv_before_block())
			break;
		struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 }, { tp.changed_fd, POLLIN, 0 } };
		int k = t_poll(p, 2, -1);
		if (k < 0 && errno != EINTR) {
			skel_fail(sv->s, "poll", errno, _("waiting for the keyboard"));
			break;
		}
		if (k > 0 && p[0].revents)
			sv_keyboard(sv);
		uint64_t v;
		if (k > 0 && p[1].revents && read(tp.changed_fd, &v, sizeof v) < 0) {
			/* EAGAIN: another wakeup took it */
		}
	}
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	for (;;) {
		pthread_mutex_lock(&tp.mu);
		int left = tp.active;
		pthread_mutex_unlock(&tp.mu);
		if (!left || io_stop)
			break;
		sv_log_flush();
		struct timespec t = { 0, 200000000L };
		if (sigtimedwait(&stop, NULL, &t) > 0)
			io_stop = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (io_stop) {
		/* wakes the threads blocked in accept (it returns EINVAL) */
		t_shutdown(sv->lfd, SHUT_RD);
		tpool_shutdown_all(&tp);
	}
	tpool_join_all(&tp);
	return 0;
}

/* ---- one process, many sockets: select, poll, epoll --------------------------------------
 *
 * The loop is written once; what differs is how readiness is asked for,
 * which is a small table of its own (struct waiter). Every socket is
 * non-blocking: the listening one through fcntl(F_SETFL, O_NONBLOCK) as
 * UNP shows it, the accepted ones through accept4(SOCK_NONBLOCK). A read or
 * write that finds nothing returns EAGAIN, and the loop waits again.
 */

#define W_IN POLLIN
#define W_OUT POLLOUT

struct ready {
	int fd;
	unsigned events;   /* POLLIN/POLLOUT/POLLERR/POLLHUP (EPOLL* have the same values) */
};

struct waiter {
	const char *name;
	size_t state_size;
	int (*init)(struct server *sv, void *st);
	/* events 0 removes fd; -1 when fd cannot be watched (said) */
	int (*set)(struct server *sv, void *st, int fd, unsigned old, unsigned events);
	/* ready events into r (at most max), or -1 with errno */
	int (*wait)(struct server *sv, void *st, int timeout_ms, struct ready *r, int max);
	void (*fini)(void *st);
};

/* -- poll -- */
struct poll_state {
	struct pollfd *fds;
	int n, cap;
	int *where;        /* fd -> index in fds, -1 */
	int where_cap;
};

static int poll_init(struct server *sv, void *p)
{
	(void)sv;
	memset(p, 0, sizeof(struct poll_state));
	return 0;
}

static int grow_where(int **where, int *cap, int fd)
{
	if (fd < *cap)
		return 0;
	int n = *cap ? *cap : 64;
	while (n <= fd)
		n *= 2;
	int *w = realloc(*where, (size_t)n * sizeof *w);
	if (!w)
		return -1;
	for (int i = *cap; i < n; i++)
		w[i] = -1;
	*where = w;
	*cap = n;
	return 0;
}

static int poll_set(struct server *sv, void *p, int fd, unsigned old, unsigned events)
{
	struct poll_state *ps = p;
	(void)sv, (void)old;
	if (grow_where(&ps->where, &ps->where_cap, fd) < 0)
		return -1;
	int i = ps->where[fd];
	if (!events) {
		if (i < 0)
			return 0;
		ps->fds[i] = ps->fds[--ps->n];
		ps->where[ps->fds[i].fd] = i;
		ps->where[fd] = -1;
		return 0;
	}
	if (i < 0) {
		if (ps->n == ps->cap) {
			int cap = ps->cap ? ps->cap * 2 : 64;
			struct pollfd *f = realloc(ps->fds, (size_t)cap * sizeof *f);
			if (!f)
				return -1;
			ps->fds = f;
			ps->cap = cap;
		}
		i = ps->n++;
		ps->where[fd] = i;
		ps->fds[i].fd = fd;
	}
	ps->fds[i].events = (short)events;
	ps->fds[i].revents = 0;
	return 0;
}

static int poll_wait(struct server *sv, void *p, int timeout, struct ready *r, int max)
{
	struct poll_state *ps = p;
	(void)sv;
	int n = t_poll(ps->fds, (unsigned long)ps->n, timeout);
	if (n <= 0)
		return n;
	int k = 0;
	for (int i = 0; i < ps->n && k < max; i++)
		if (ps->fds[i].revents)
			r[k++] = (struct ready){ ps->fds[i].fd, (unsigned short)ps->fds[i].revents };
	return k;
}

static void poll_fini(void *p)
{
	struct poll_state *ps = p;
	free(ps->fds);
	free(ps->where);
}

/* -- select -- */
struct select_state {
	fd_set rd, wr;
	int maxfd;
};

static int select_init(struct server *sv, void *p)
{
	(void)sv;
	struct select_state *ss = p;
	FD_ZERO(&ss->rd);
	FD_ZERO(&ss->wr);
	ss->maxfd = -1;
	return 0;
}

static int select_set(struct server *sv, void *p, int fd, unsigned old, unsigned events)
{
	struct select_state *ss = p;
	(void)old;
	if (fd >= FD_SETSIZE) {
		sv_log(sv, _("descriptor %d is past FD_SETSIZE (%d): select() cannot watch it, so this "
		       "client is closed (poll and epoll have no such limit)"), fd, FD_SETSIZE);
		return -1;
	}
	if (events & W_IN)
		FD_SET(fd, &ss->rd);
	else
		FD_CLR(fd, &ss->rd);
	if (events & W_OUT)
		FD_SET(fd, &ss->wr);
	else
		FD_CLR(fd, &ss->wr);
	if (events && fd > ss->maxfd)
		ss->maxfd = fd;
	while (ss->maxfd >= 0 && !FD_ISSET(ss->maxfd, &ss->rd) && !FD_ISSET(ss->maxfd, &ss->wr))
		ss->maxfd--;
	return 0;
}

static int select_wait(struct server *sv, void *p, int timeout, struct ready *r, int max)
{
	struct select_state *ss = p;
	(void)sv;
	fd_set rd = ss->rd, wr = ss->wr;
	struct timeval tv = { timeout / 1000, (timeout % 1000) * 1000 };
	int any_wr = 0;
	for (int fd = 0; fd <= ss->maxfd && !any_wr; fd++)
		any_wr = FD_ISSET(fd, &wr);
	int n = t_select(ss->maxfd + 1, &rd, any_wr ? &wr : NULL, NULL, timeout < 0 ? NULL : &tv);
	if (n <= 0)
		return n;
	int k = 0;
	for (int fd = 0; fd <= ss->maxfd && k < max; fd++) {
		unsigned ev = (FD_ISSET(fd, &rd) ? W_IN : 0) | (any_wr && FD_ISSET(fd, &wr) ? W_OUT : 0);
		if (ev)
			r[k++] = (struct ready){ fd, ev };
	}
	return k;
}

static void select_fini(void *p)
{
	(void)p;
}

/* -- epoll -- */
#define EPOLL_BATCH 64
struct epoll_state {
	int ep;
	struct epoll_event evs[EPOLL_BATCH];
};

static int epoll_init(struct server *sv, void *p)
{
	struct epoll_state *es = p;
	es->ep = t_epoll_create1(EPOLL_CLOEXEC);
	if (es->ep < 0) {
		skel_fail(sv->s, "epoll_create1", errno, _("creating an epoll instance"));
		return -1;
	}
	return 0;
}

static int epoll_set(struct server *sv, void *p, int fd, unsigned old, unsigned events)
{
	struct epoll_state *es = p;
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)fd };
	int op = !events ? EPOLL_CTL_DEL : old ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (t_epoll_ctl(es->ep, op, fd, events ? &ev : NULL) < 0) {
		skel_fail(sv->s, "epoll_ctl", errno, _("watching descriptor %d"), fd);
		return -1;
	}
	return 0;
}

static int epoll_wait_ready(struct server *sv, void *p, int timeout, struct ready *r, int max)
{
	struct epoll_state *es = p;
	(void)sv;
	int n = t_epoll_wait(es->ep, es->evs, max < EPOLL_BATCH ? max : EPOLL_BATCH, timeout);
	for (int i = 0; i < n; i++)
		r[i] = (struct ready){ (int)es->evs[i].data.u64, es->evs[i].events };
	return n;
}

static void epoll_fini(void *p)
{
	struct epoll_state *es = p;
	if (es->ep >= 0)
		t_close(es->ep);
}

static const struct waiter waiter_poll = { "poll", sizeof(struct poll_state), poll_init, poll_set, poll_wait,
					   poll_fini };
static const struct waiter waiter_select = { "select", sizeof(struct select_state), select_init, select_set,
					     select_wait, select_fini };
static const struct waiter waiter_epoll = { "epoll", sizeof(struct epoll_state), epoll_init, epoll_set,
					    epoll_wait_ready, epoll_fini };

/* -- the loop -- */
#define READY_MAX 256

struct evloop {
	struct server *sv;
	const struct waiter *w;
	void *ws;
	struct conn **conns;      /* by descriptor */
	unsigned *watch;          /* what is asked for each descriptor */
	int cap;
	int nconns;
	int nsides;               /* descriptors a service waits on (cmd's pipes) */
	int listening;            /* the listening socket is watched */
	struct timespec paused_until;   /* out of descriptors: not accepting until then */
	int said_full;
	char *buf;
};

static int ev_grow(struct evloop *L, int fd)
{
	if (fd < L->cap)
		return 0;
	int n = L->cap ? L->cap : 256;
	while (n <= fd)
		n *= 2;
	struct conn **c = realloc(L->conns, (size_t)n * sizeof *c);
	if (!c)
		return -1;
	L->conns = c;
	unsigned *w = realloc(L->watch, (size_t)n * sizeof *w);
	if (!w)
		return -1;
	L->watch = w;
	for (int i = L->cap; i < n; i++) {
		L->conns[i] = NULL;
		L->watch[i] = 0;
	}
	L->cap = n;
	return 0;
}

static int ev_watch(struct evloop *L, int fd, unsigned events)
{
	if (ev_grow(L, fd) < 0)
		return -1;
	if (L->watch[fd] == events)
		return 0;
	if (L->w->set(L->sv, L->ws, fd, L->watch[fd], events) < 0)
		return -1;
	L->watch[fd] = events;
	return 0;
}

/* The connection whose socket is fd (conns[] also holds, under their own
 * descriptor, the connections a service waits for something for). */
static struct conn *ev_conn_at(const struct evloop *L, int fd)
{
	struct conn *c = L->conns[fd];
	return c && c->fd == fd ? c : NULL;
}

/* sv->side_watch: the descriptor a service waits on for c joins the loop
 * (its readiness goes to the service's side()) or leaves it. */
static int ev_side_watch(struct server *sv, struct conn *c, int on)
{
	struct evloop *L = sv->model_state;
	int fd = c->side_fd;
	if (!on) {
		ev_watch(L, fd, 0);
		L->conns[fd] = NULL;
		L->nsides--;
		return 0;
	}
	if (ev_grow(L, fd) < 0 || ev_watch(L, fd, W_IN) < 0)
		return -1;
	L->conns[fd] = c;
	L->nsides++;
	return 0;
}

/* The service's own wait for c ended or moved on: the messages it held
 * back go on, then c waits for what it needs now. */
static void ev_update(struct evloop *L, struct conn *c);
static void ev_side(struct evloop *L, struct conn *c, int timed_out)
{
	L->sv->o->service->side(c, timed_out);
	sv_conn_resume(L->sv, c);
	ev_update(L, c);
}

/* The side waits whose deadline passed go to their service; then the
 * timeout (ms) until the nearest deadline left lowers *timeout (a second
 * pass: a wait that ended may have let the next one start, on any
 * descriptor). */
static void ev_side_deadlines(struct evloop *L, int *timeout)
{
	for (int pass = 0; pass < 2; pass++) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		for (int fd = 0; fd < L->cap && L->nsides; fd++) {
			struct conn *c = L->conns[fd];
			if (!c || c->side_fd != fd)
				continue;
			long ms = (c->side_deadline.tv_sec - t.tv_sec) * 1000L +
				  (c->side_deadline.tv_nsec - t.tv_nsec + 999999L) / 1000000L;
			if (pass == 0 && ms <= 0)
				ev_side(L, c, 1);
			else if (pass == 1 && (*timeout < 0 || ms < *timeout))
				*timeout = ms > 0 ? (int)ms : 0;
		}
	}
}

static void ev_close(struct evloop *L, struct conn *c, const char *why)
{
	int fd = c->fd;
	ev_watch(L, fd, 0);
	sv_conn_close(L->sv, c, why);
	L->conns[fd] = NULL;
	L->nconns--;
	free(c);
}

/* What to wait for on c now: its output while some waits, its input unless
 * too much output waits (a peer that does not read is not read either).
 * Under TLS a write may wait for input (the handshake is not done) and a
 * read for room to write (OpenSSL's WANT_READ / WANT_WRITE). */
static unsigned conn_events(const struct conn *c)
{
	unsigned ev = 0;
	if (!c->ending && !sv_conn_backlogged(c) && c->side_fd < 0 && !c->in_ended)
		ev |= W_IN;
	if (c->q)
		ev |= c->out_waits_in ? W_IN : W_OUT;
	if (c->in_waits_out)
		ev |= W_OUT;
	return ev;
}

static void ev_update(struct evloop *L, struct conn *c)
{
	if (c->failed || (c->ending && !c->q && c->side_fd < 0)) {
		ev_close(L, c, NULL);
		return;
	}
	if (ev_watch(L, c->fd, conn_events(c)) < 0)
		ev_close(L, c, NULL);
}

static void ev_accept(struct evloop *L)
{
	struct server *sv = L->sv;
	/* take every client waiting, up to the limits */
	while (!sv->max_clients || L->nconns < sv->max_clients) {
		if (!sv_admit(sv))
			return;
		struct endpoint peer;
		int fd = sv_accept(sv, SOCK_NONBLOCK, &peer);
		if (fd < 0) {
			int e = errno;
			sv_unadmit(sv);
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
				if (sv->spare_fd < 0) {
					/* nothing could be shed: stop asking for a while */
					clock_gettime(CLOCK_MONOTONIC, &L->paused_until);
					L->paused_until.tv_nsec += EMFILE_PAUSE_MS * 1000000L;
					if (L->paused_until.tv_nsec >= 1000000000L) {
						L->paused_until.tv_sec++;
						L->paused_until.tv_nsec -= 1000000000L;
					}
				}
				return;
			}
			if (e != EAGAIN && e != EINTR && e != ECONNABORTED && e != EPROTO) {
				skel_fail(sv->s, "accept4", e, _("accepting a connection"));
				sv->rc = 1;
			}
			return;
		}
		struct conn *c = malloc(sizeof *c);
		if (!c || ev_grow(L, fd) < 0) {
			fprintf(stderr, _("%s: out of memory for a connection; closing it\n"), sv->s->prog);
			free(c);
			t_close(fd);
			continue;
		}
		L->conns[fd] = c;
		L->nconns++;
		if (sv_conn_open(sv, c, fd, &peer, 1) < 0) {
			ev_close(L, c, NULL);
			continue;
		}
		ev_update(L, c);
	}
}

static void ev_conn(struct evloop *L, struct conn *c, unsigned events)
{
	unsigned in = events & (W_IN | POLLHUP | POLLERR);
	if ((events & W_OUT) || (c->q && c->out_waits_in && in)) {
		if (conn_flush(c) < 0) {
			ev_close(L, c, NULL);
			return;
		}
	}
	if ((in || (c->in_waits_out && (events & W_OUT))) && !c->ending && !sv_conn_backlogged(c)) {
		int r = sv_conn_read(L->sv, c, L->buf);
		if (r == 0 || r == -1) {
			if (!c->q || r < 0 || !c->ending) {
				ev_close(L, c, NULL);
				return;
			}
		}
	}
	ev_update(L, c);
}

static void ev_dgrams(struct evloop *L)
{
	struct server *sv = L->sv;
	/* a bounded number per wakeup, so one sender cannot hold the loop */
	for (int i = 0; i < 64 && sv_admit(sv); i++) {
		struct endpoint peer;
		long n = sv_dgram_read(sv, L->buf, &peer);
		if (n < 0) {
			int e = errno;
			sv_unadmit(sv);
			if (e != EAGAIN && e != EINTR && e != EMSGSIZE)
				skel_fail(sv->s, "recvfrom", e, _("receiving a datagram"));
			return;
		}
		sv_dgram_serve(sv, L->buf, (size_t)n, &peer);
	}
}

/* The oldest last-progress time of the connections, for --idle; drops the
 * expired ones. NULL when there is none. */
static int ev_idle(struct evloop *L, struct timespec *oldest)
{
	struct server *sv = L->sv;
	struct timespec t;
	int have = 0;
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (int fd = 0; fd < L->cap; fd++) {
		struct conn *c = ev_conn_at(L, fd);
		if (!c || c->side_fd >= 0)
			continue;   /* (a service's own wait has its own deadline) */
		if (sv_idle_expired(sv, c, &t)) {
			char why[256];
			if (c->q)
				snprintf(why, sizeof why, _("%s took none of its answers for %d s (--idle): dropping it"),
					 conn_who(c), sv->o->idle_s);
			else
				snprintf(why, sizeof why, _("%s sent nothing for %d s (--idle): dropping it"),
					 conn_who(c), sv->o->idle_s);
			ev_close(L, c, why);
			continue;
		}
		if (!have || c->last.tv_sec < oldest->tv_sec ||
		    (c->last.tv_sec == oldest->tv_sec && c->last.tv_nsec < oldest->tv_nsec))
			*oldest = c->last;
		have = 1;
	}
	return have;
}

static void ev_each_conn(struct server *sv, int (*fn)(struct conn *c, void *arg), void *arg)
{
	struct evloop *L = sv->model_state;
	for (int fd = 0; fd < L->cap; fd++)
		if (ev_conn_at(L, fd) && fn(L->conns[fd], arg))
			break;
}

/* The keyboard (chat): read it, then give every connection what it now
 * needs (some were ended by the person at the server). */
static void ev_keyboard(struct evloop *L)
{
	struct server *sv = L->sv;
	if (sv_keyboard(sv) < 0)
		ev_watch(L, STDIN_FILENO, 0);
	for (int fd = 0; fd < L->cap; fd++)
		if (ev_conn_at(L, fd))
			ev_update(L, L->conns[fd]);
}

static int ev_run(struct server *sv, const struct waiter *w)
{
	struct evloop L = { .sv = sv, .w = w };
	long ws[(sizeof(struct epoll_state) + sizeof(struct poll_state) + sizeof(struct select_state)) /
		sizeof(long) + 1];
	L.ws = ws;
	L.buf = malloc(sv->bufsize);
	struct ready *r = malloc(READY_MAX * sizeof *r);
	if (!L.buf || !r || w->init(sv, L.ws) < 0) {
		free(L.buf);
		free(r);
		return 1;
	}
	int rc = 0;
	if (sv_set_nonblocking(sv, sv->lfd) < 0 || ev_watch(&L, sv->lfd, W_IN) < 0) {
		rc = 1;
		goto out;
	}
	L.listening = 1;
	sv->model_state = &L;
	sv->each_conn = ev_each_conn;
	sv->side_watch = ev_side_watch;
	if (sv->kbd_on && ev_watch(&L, STDIN_FILENO, W_IN) < 0)
		sv->kbd_on = 0;
	while (!io_stop) {
		/* -n reached: finish the clients we have, take no more */
		if (sv_done(sv) && (L.listening || !sv->conn_oriented)) {
			if (!sv->conn_oriented)
				break;
			ev_watch(&L, sv->lfd, 0);
			L.listening = 0;
		}
		if (sv->conn_oriented && !L.listening && !L.nconns && sv_done(sv))
			break;
		struct timespec t, oldest;
		int timeout = -1;
		if (sv->conn_oriented) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			int paused = L.paused_until.tv_sec &&
				     (t.tv_sec < L.paused_until.tv_sec ||
				      (t.tv_sec == L.paused_until.tv_sec && t.tv_nsec < L.paused_until.tv_nsec));
			if (!paused)
				L.paused_until.tv_sec = 0;
			int full = sv->max_clients && L.nconns >= sv->max_clients;
			if (full && !L.said_full)
				sv_log(sv, _("%d clients at once (--max-clients): not accepting until one "
				       "leaves; new ones wait in the listen backlog"), L.nconns);
			L.said_full = full;
			int want = !full && !paused && !sv_done(sv);
			if (want != L.listening) {
				ev_watch(&L, sv->lfd, want ? W_IN : 0);
				L.listening = want;
			}
			if (paused)
				timeout = EMFILE_PAUSE_MS;
			if (sv->o->idle_s && ev_idle(&L, &oldest)) {
				int it = sv_idle_timeout(sv, &oldest);
				if (timeout < 0 || it < timeout)
					timeout = it;
			}
			if (L.nsides)
				ev_side_deadlines(&L, &timeout);
		}
		if (sv_before_block())
			break;
		int n = w->wait(sv, L.ws, timeout, r, READY_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			skel_fail(sv->s, w->name, errno, _("waiting for the sockets"));
			rc = 1;
			break;
		}
		for (int i = 0; i < n; i++) {
			int fd = r[i].fd;
			if (fd == sv->lfd) {
				if (sv->conn_oriented)
					ev_accept(&L);
				else
					ev_dgrams(&L);
			} else if (fd == STDIN_FILENO && sv->kbd_on) {
				ev_keyboard(&L);
			} else if (fd >= 0 && fd < L.cap && L.conns[fd]) {
				struct conn *c = L.conns[fd];
				if (fd == c->side_fd)
					ev_side(&L, c, 0);
				else
					ev_conn(&L, c, r[i].events);
			}
		}
	}
out:
	/* stopped: the clients still here are closed (each sees the end of the stream) */
	for (int fd = 0; fd < L.cap; fd++)
		if (ev_conn_at(&L, fd))
			ev_close(&L, L.conns[fd], NULL);
	sv->side_watch = NULL;
	w->fini(L.ws);
	free(L.conns);
	free(L.watch);
	free(L.buf);
	free(r);
	return rc;
}

static int serve_select(struct server *sv) { return ev_run(sv, &waiter_select); }
static int serve_poll(struct server *sv) { return ev_run(sv, &waiter_poll); }
static int serve_epoll(struct server *sv) { return ev_run(sv, &waiter_epoll); }

/* ---- the table ----------------------------------------------------------------------- */

#define NO_DGRAM_POOL \
	N_("its processes or threads wait in accept(), and a datagram socket has no connections " \
	   "to accept (use fork or thread: one per datagram, or iterative, poll, epoll, select)")

static const struct model model_iterative = {
	.name = "iterative",
	.summary = N_("one client at a time (TCPServer); the default"),
	.kinds = MK_CONN | MK_DGRAM,
	.shares_conns = 1,
	.serve = serve_iterative,
};
static const struct model model_fork = {
	.name = "fork",
	.summary = N_("a process per client/datagram (ForkingMixIn)"),
	.kinds = MK_CONN | MK_DGRAM,
	.limits_clients = 1,
	.default_max = 1000,
	.serve = serve_fork,
};
static const struct model model_thread = {
	.name = "thread",
	.summary = N_("a thread per client/datagram (ThreadingMixIn)"),
	.kinds = MK_CONN | MK_DGRAM,
	.limits_clients = 1,
	.default_max = 1000,
	.shared_fds = 1,
	.serve = serve_thread,
	.room_by_mail = 1,
};
/* why --nonblock and --timeout are not for them */
#define NO_BLOCKING_POOL \
	N_("has N processes or threads each waiting in accept(): a timeout would end one of them, " \
	   "not the server")
#define NO_BLOCKING_EVENTS \
	N_("already has a non-blocking listening socket and waits in its own loop (--idle bounds a " \
	   "silent client)")

static const struct model model_prefork = {
	.name = "prefork",
	.summary = N_("N processes (default 8), each in accept()"),
	.kinds = MK_CONN,
	.no_dgram = NO_DGRAM_POOL,
	.pool = 1,
	.limits_clients = 1,
	.no_blocking_modes = NO_BLOCKING_POOL,
	.serve = serve_prefork,
};
static const struct model model_prethread = {
	.name = "prethread",
	.summary = N_("N threads (default 8), each in accept()"),
	.kinds = MK_CONN,
	.no_dgram = NO_DGRAM_POOL,
	.pool = 1,
	.limits_clients = 1,
	.shared_fds = 1,
	.no_blocking_modes = NO_BLOCKING_POOL,
	.serve = serve_prethread,
	.room_by_mail = 1,
};
/* the event loops: every connection in one process; as many as descriptors allow */
static const struct model model_select = {
	.name = "select",
	.summary = N_("one process, select() (fds < FD_SETSIZE)"),
	.kinds = MK_CONN | MK_DGRAM,
	.limits_clients = 1,
	.shared_fds = 1,
	.shares_conns = 1,
	.no_blocking_modes = NO_BLOCKING_EVENTS,
	.serve = serve_select,
};
static const struct model model_poll = {
	.name = "poll",
	.summary = N_("one process, non-blocking sockets, poll()"),
	.kinds = MK_CONN | MK_DGRAM,
	.limits_clients = 1,
	.shared_fds = 1,
	.shares_conns = 1,
	.no_blocking_modes = NO_BLOCKING_EVENTS,
	.serve = serve_poll,
};
static const struct model model_epoll = {
	.name = "epoll",
	.summary = N_("one process, non-blocking sockets, epoll"),
	.kinds = MK_CONN | MK_DGRAM,
	.limits_clients = 1,
	.shared_fds = 1,
	.own_fds = 1,   /* the epoll instance */
	.shares_conns = 1,
	.no_blocking_modes = NO_BLOCKING_EVENTS,
	.serve = serve_epoll,
};

const struct model *const models[] = {
	&model_iterative, &model_fork, &model_thread, &model_prefork, &model_prethread,
	&model_select, &model_poll, &model_epoll, NULL,
};

const struct model *model_find(const char *name)
{
	for (const struct model *const *m = models; *m; m++)
		if (!strcmp((*m)->name, name))
			return *m;
	return NULL;
}
