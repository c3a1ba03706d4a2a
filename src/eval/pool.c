/* pool.c - forked worker processes over numbered jobs: see pool.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"

enum frame_kind {
	FRAME_START, /* the worker begins job `job` */
	FRAME_MSG,   /* a message from zd_pool_send */
	FRAME_DONE,  /* the worker's last word: status, and err on failure */
};

/* One pipe write: shorter than PIPE_BUF, so never interleaved or split. */
struct frame {
	int kind;
	int job;
	int status;
	size_t len;
	struct zd_err err;
	unsigned char msg[ZD_POOL_MSG_MAX];
};
_Static_assert(sizeof(struct frame) <= 4096, "a frame is one pipe write");

struct zd_pool_worker {
	int fd;
	bool parent_gone;
};

/* The parent's view of a worker. */
struct worker {
	pid_t pid;
	int fd;    /* -1 once its pipe closed */
	int job;   /* the job it runs now, -1 between jobs */
	bool done; /* its FRAME_DONE came */
	int status;
	struct zd_err err;
};

static int send_frame(struct zd_pool_worker *w, const struct frame *f)
{
	if (w->parent_gone)
		return -1;
	if (write(w->fd, f, sizeof(*f)) != (ssize_t)sizeof(*f)) {
		w->parent_gone = true;
		return -1;
	}
	return 0;
}

int zd_pool_send(struct zd_pool_worker *w, const void *msg, size_t len)
{
	struct frame f = {.kind = FRAME_MSG, .job = -1};
	f.len = len < sizeof(f.msg) ? len : sizeof(f.msg);
	memcpy(f.msg, msg, f.len);
	return send_frame(w, &f);
}

bool zd_pool_parent_gone(const struct zd_pool_worker *w)
{
	return w->parent_gone;
}

static bool stop_asked(const struct zd_pool *p)
{
	return p->stop != NULL && *p->stop != 0;
}

/* A worker: its share of the jobs, then its last word; never returns. */
static void worker_main(const struct zd_pool *p, int k, int n, int fd)
{
	struct zd_pool_worker w = {.fd = fd};
	struct zd_err err = {0};
	/* a parent gone shows as a failed send, not as a signal */
	signal(SIGPIPE, SIG_IGN);
	int rc = p->begin ? p->begin(p->ctx, &w, k, &err) : 0;
	int job = -1;
	for (int j = k; rc == 0 && j < p->njobs; j += n) {
		if (stop_asked(p) || w.parent_gone) {
			rc = p->stopped_rc;
			break;
		}
		job = j;
		struct frame start = {.kind = FRAME_START, .job = j};
		send_frame(&w, &start);
		rc = p->run(p->ctx, &w, j, &err);
		if (rc == 0)
			job = -1;
	}
	if (p->end)
		rc = p->end(p->ctx, &w, k, rc, &err);
	struct frame done = {.kind = FRAME_DONE, .job = job, .status = rc};
	if (rc != 0 && rc != p->stopped_rc)
		done.err = err;
	send_frame(&w, &done);
	_exit(0);
}

static int start_workers(const struct zd_pool *p, struct worker *w, int n,
			 struct zd_err *err)
{
	fflush(NULL);
	for (int k = 0; k < n; k++) {
		int fds[2];
		if (pipe(fds) != 0)
			return zd_fail(err, errno, "pipe: %s", strerror(errno));
		w[k].pid = fork();
		if (w[k].pid == 0) {
			close(fds[0]);
			for (int i = 0; i < k; i++)
				close(w[i].fd);
			worker_main(p, k, n, fds[1]);
		}
		close(fds[1]);
		if (w[k].pid < 0) {
			close(fds[0]);
			return zd_fail(err, errno, "fork: %s", strerror(errno));
		}
		w[k].fd = fds[0];
	}
	return 0;
}

/* A whole frame, or false when the pipe closed (or broke). */
static bool read_frame(int fd, struct frame *f)
{
	size_t got = 0;
	while (got < sizeof(*f)) {
		ssize_t n = read(fd, (char *)f + got, sizeof(*f) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static void on_frame(const struct zd_pool *p, struct worker *w, int k)
{
	struct frame f;
	if (!read_frame(w->fd, &f)) {
		close(w->fd);
		w->fd = -1;
		return;
	}
	switch (f.kind) {
	case FRAME_START: w->job = f.job; break;
	case FRAME_MSG:
		if (p->on_message)
			p->on_message(p->ctx, k, f.msg, f.len);
		break;
	case FRAME_DONE:
		w->done = true;
		w->status = f.status;
		w->job = f.job;
		w->err = f.err;
		break;
	}
}

/* Read frames until every pipe closes, passing a stop signal on. */
static void watch(const struct zd_pool *p, struct worker *w, int n)
{
	bool passed_on = false;
	for (;;) {
		struct pollfd fds[ZD_POOL_MAX_WORKERS];
		int who[ZD_POOL_MAX_WORKERS], nfds = 0;
		if (stop_asked(p) && !passed_on) {
			for (int k = 0; k < n; k++)
				kill(w[k].pid, (int)*p->stop);
			passed_on = true;
		}
		for (int k = 0; k < n; k++)
			if (w[k].fd >= 0) {
				fds[nfds] = (struct pollfd){.fd = w[k].fd,
							    .events = POLLIN};
				who[nfds++] = k;
			}
		if (nfds == 0)
			return;
		/* EINTR: a signal to pass on. One landing just before poll()
		 * is seen at the worker's next frame (one per job at least),
		 * and the workers share the command's handlers anyway. */
		if (poll(fds, (nfds_t)nfds, -1) < 0)
			continue;
		for (int i = 0; i < nfds; i++)
			if (fds[i].revents != 0)
				on_frame(p, &w[who[i]], who[i]);
	}
}

static void name_job(const struct zd_pool *p, int job, char *buf, size_t len)
{
	if (job < 0)
		snprintf(buf, len, "no job");
	else if (p->job_name)
		p->job_name(p->ctx, job, buf, len);
	else
		snprintf(buf, len, "job %d", job);
}

/* What worker k ended with: its own status, or how it died. */
static int worker_status(const struct zd_pool *p, const struct worker *w, int k,
			 int wait_status, struct zd_err *err)
{
	char job[128];
	if (!w->done) {
		name_job(p, w->job, job, sizeof(job));
		if (WIFSIGNALED(wait_status))
			return zd_fail(err, EIO,
				       "worker %d died of signal %d (%s)",
				       k + 1, WTERMSIG(wait_status), job);
		return zd_fail(err, EIO, "worker %d ended without a word (%s)",
			       k + 1, job);
	}
	if (w->status != 0 && w->status != p->stopped_rc)
		zd_err_set(err, -w->err.code, w->err.exit, "%s", w->err.msg);
	return w->status;
}

static int wait_workers(const struct zd_pool *p, struct worker *w, int n,
			int *failed_job, struct zd_err *err)
{
	int rc = 0;
	for (int k = 0; k < n; k++) {
		int wait_status = 0;
		while (waitpid(w[k].pid, &wait_status, 0) < 0 && errno == EINTR)
			;
		int wrc = worker_status(p, &w[k], k, wait_status, err);
		if (wrc != 0 && (rc == 0 || rc == p->stopped_rc)) {
			if (wrc != p->stopped_rc && failed_job)
				*failed_job = w[k].job;
			rc = wrc;
		}
	}
	return rc;
}

int zd_pool_run(const struct zd_pool *p, int *failed_job, struct zd_err *err)
{
	struct worker w[ZD_POOL_MAX_WORKERS];
	int n = p->nworkers < p->njobs ? p->nworkers : p->njobs;
	if (n > ZD_POOL_MAX_WORKERS)
		n = ZD_POOL_MAX_WORKERS;
	if (failed_job)
		*failed_job = -1;
	if (n < 1)
		return stop_asked(p) ? p->stopped_rc : 0;
	memset(w, 0, sizeof(w));
	for (int k = 0; k < n; k++)
		w[k].job = -1;
	int rc = start_workers(p, w, n, err);
	if (rc != 0) {
		for (int k = 0; k < n && w[k].pid > 0; k++) {
			kill(w[k].pid, SIGTERM);
			close(w[k].fd);
			while (waitpid(w[k].pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
		return rc;
	}
	watch(p, w, n);
	rc = wait_workers(p, w, n, failed_job, err);
	if (rc == 0 && stop_asked(p))
		rc = p->stopped_rc;
	return rc;
}
