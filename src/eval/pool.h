/* pool.h - the one pool of forked worker processes over numbered jobs
 * (`zdvfs sweep --jobs`, `zdvfs bench --jobs`): N workers, worker k runs
 * jobs k, k+N, k+2N, ... in order (so a rerun splits the work the same way),
 * each talks to the parent through its own pipe, and a stop signal the
 * command caught is passed on to every worker, which stops before its next
 * job. Internal: the commands' own jobs and messages go through it. */
#ifndef ZDVFS_EVAL_POOL_H
#define ZDVFS_EVAL_POOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "zdvfs/err.h"

#define ZD_POOL_MAX_WORKERS 64
/* The largest message a worker sends (one pipe write, never split). */
#define ZD_POOL_MSG_MAX 512

/* A worker's end of its pipe, valid inside the worker. */
struct zd_pool_worker;

struct zd_pool {
	int njobs;
	int nworkers; /* 1..ZD_POOL_MAX_WORKERS; no more are started than
		       * there are jobs */
	void *ctx;    /* each worker has its own copy of what it points to */
	/* In a worker, before its first job and after its last (optional):
	 * per-worker resources such as a store connection or a part file.
	 * end gets the worker's status so far and returns the new one. */
	int (*begin)(void *ctx, struct zd_pool_worker *w, int worker,
		     struct zd_err *err);
	int (*end)(void *ctx, struct zd_pool_worker *w, int worker, int rc,
		   struct zd_err *err);
	/* In a worker: run one job. 0; stopped_rc when it saw a stop; else a
	 * failure described in err. */
	int (*run)(void *ctx, struct zd_pool_worker *w, int job,
		   struct zd_err *err);
	/* In the parent: a message a worker sent with zd_pool_send
	 * (optional). */
	void (*on_message)(void *ctx, int worker, const void *msg, size_t len);
	/* Names job `job` in messages (optional; else its number). */
	void (*job_name)(void *ctx, int job, char *buf, size_t len);
	/* What jobs return when they stopped on a signal; zd_pool_run
	 * returns it too then. */
	int stopped_rc;
	/* The command's stop flag (the signal number once one came), or
	 * NULL: checked by the workers before each job; the parent sends
	 * the signal on to every worker. */
	const volatile sig_atomic_t *stop;
};

/* Run every job once. 0 when all succeeded; stopped_rc when a stop came
 * (and nothing failed); else the first failure, by worker: err holds the
 * job's own error (or how its worker died, naming the job) and
 * *failed_job (if not NULL) its number, -1 outside a job. */
int zd_pool_run(const struct zd_pool *p, int *failed_job, struct zd_err *err);

/* From a worker: a message of at most ZD_POOL_MSG_MAX bytes to the
 * parent's on_message. -1 when the parent is gone: the worker then stops
 * after its current job, as if told to. */
int zd_pool_send(struct zd_pool_worker *w, const void *msg, size_t len);
/* Whether the parent went away (a send failed). */
bool zd_pool_parent_gone(const struct zd_pool_worker *w);

#endif
