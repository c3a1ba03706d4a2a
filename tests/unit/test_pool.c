/* test_pool.c - the worker pool (src/eval/pool.c): every job runs once, in
 * at most N processes; a failing job comes back with its error and number;
 * a worker that dies is named with its job; messages reach the parent; a
 * stop runs no further job. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "eval/pool.h"

#define STOPPED 4

struct ctx {
	char dir[64];
	int fail_job;  /* returns an error; -1 none */
	int crash_job; /* kills its worker; -1 none */
	int messages;  /* parent: messages received */
	int last_worker;
};

/* Each job leaves dir/job-N (refused if it exists: run twice) and its
 * worker's pid in dir/pid-N. */
static int run_job(void *ctx, struct zd_pool_worker *w, int job,
		   struct zd_err *err)
{
	struct ctx *c = ctx;
	char path[128];
	if (job == c->crash_job)
		raise(SIGKILL);
	if (job == c->fail_job)
		return zd_bad_input(err, "job %d broke on purpose", job);
	snprintf(path, sizeof(path), "%s/job-%d", c->dir, job);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return zd_fail(err, errno, "%s: %s", path, strerror(errno));
	close(fd);
	snprintf(path, sizeof(path), "%s/pid-%d", c->dir, job);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return zd_fail(err, errno, "%s", path);
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	int n = job;
	return zd_pool_send(w, &n, sizeof(n)) == 0
	    ? 0
	    : zd_fail(err, EPIPE, "parent gone");
}

static void on_message(void *ctx, int worker, const void *msg, size_t len)
{
	struct ctx *c = ctx;
	assert_int_equal(len, sizeof(int));
	c->messages++;
	c->last_worker = worker;
	(void)msg;
}

static void name(void *ctx, int job, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "the job numbered %d", job);
}

static struct zd_pool pool_of(struct ctx *c, int njobs, int nworkers,
			      volatile sig_atomic_t *stop)
{
	return (struct zd_pool){.njobs = njobs,
				.nworkers = nworkers,
				.ctx = c,
				.run = run_job,
				.on_message = on_message,
				.job_name = name,
				.stopped_rc = STOPPED,
				.stop = stop};
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "/tmp/zdvfs-pool-XXXXXX");
	if (mkdtemp(c->dir) == NULL)
		return -1;
	c->fail_job = c->crash_job = -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	int rc = system(cmd);
	free(c);
	return rc == 0 ? 0 : -1;
}

static bool exists(const struct ctx *c, const char *what, int job)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s-%d", c->dir, what, job);
	return access(path, F_OK) == 0;
}

/* The distinct pids that ran jobs 0..njobs-1. */
static int distinct_pids(const struct ctx *c, int njobs)
{
	long seen[64];
	int n = 0;
	for (int j = 0; j < njobs; j++) {
		char path[128];
		long pid = 0;
		snprintf(path, sizeof(path), "%s/pid-%d", c->dir, j);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		assert_int_equal(fscanf(f, "%ld", &pid), 1);
		fclose(f);
		bool known = false;
		for (int i = 0; i < n; i++)
			known = known || seen[i] == pid;
		assert_true(pid != (long)getpid()); /* never in the parent */
		if (!known && n < 64)
			seen[n++] = pid;
	}
	return n;
}

static void every_job_runs_once_in_at_most_n_workers(void **state)
{
	struct ctx *c = *state;
	struct zd_err err = {0};
	struct zd_pool p = pool_of(c, 11, 3, NULL);
	int failed = 99;
	assert_int_equal(zd_pool_run(&p, &failed, &err), 0);
	assert_int_equal(failed, -1);
	for (int j = 0; j < 11; j++)
		assert_true(exists(c, "job", j));
	assert_false(exists(c, "job", 11));
	assert_int_equal(distinct_pids(c, 11), 3);
	assert_int_equal(c->messages, 11);

	/* more workers than jobs: no idle process is started */
	struct ctx two = {.fail_job = -1, .crash_job = -1};
	snprintf(two.dir, sizeof(two.dir), "%s", c->dir);
	for (int j = 0; j < 11; j++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/job-%d", c->dir, j);
		unlink(path);
		snprintf(path, sizeof(path), "%s/pid-%d", c->dir, j);
		unlink(path);
	}
	p = pool_of(&two, 2, 8, NULL);
	assert_int_equal(zd_pool_run(&p, NULL, &err), 0);
	assert_int_equal(distinct_pids(&two, 2), 2);
	assert_int_equal(two.messages, 2);
}

static void a_failing_job_is_reported_with_its_number(void **state)
{
	struct ctx *c = *state;
	struct zd_err err = {0};
	c->fail_job = 4;
	struct zd_pool p = pool_of(c, 9, 2, NULL);
	int failed = -1;
	int rc = zd_pool_run(&p, &failed, &err);
	assert_true(rc != 0 && rc != STOPPED);
	assert_int_equal(failed, 4);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "job 4 broke on purpose"));
	/* the worker stopped at its failure; the other ran all of its own */
	assert_false(exists(c, "job", 4));
	assert_false(exists(c, "job", 6));
	for (int j = 1; j < 9; j += 2)
		assert_true(exists(c, "job", j));
}

static void a_dying_worker_is_named_with_its_job(void **state)
{
	struct ctx *c = *state;
	struct zd_err err = {0};
	c->crash_job = 5;
	struct zd_pool p = pool_of(c, 6, 2, NULL);
	int failed = -1;
	int rc = zd_pool_run(&p, &failed, &err);
	assert_true(rc != 0 && rc != STOPPED);
	assert_int_equal(failed, 5);
	if (strstr(err.msg, "worker 2 died of signal 9 (the job numbered 5)") ==
	    NULL)
		fail_msg("unexpected: %s", err.msg);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A stop asked before the run: no job runs, the pool says stopped. */
static void a_stop_runs_no_further_job(void **state)
{
	struct ctx *c = *state;
	struct zd_err err = {0};
	struct sigaction sa = {.sa_handler = on_usr1}, old;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	static volatile sig_atomic_t stop;
	stop = SIGUSR1;
	struct zd_pool p = pool_of(c, 5, 2, &stop);
	assert_int_equal(zd_pool_run(&p, NULL, &err), STOPPED);
	for (int j = 0; j < 5; j++)
		assert_false(exists(c, "job", j));
	assert_int_equal(err.code, 0);
	sigaction(SIGUSR1, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		every_job_runs_once_in_at_most_n_workers, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		a_failing_job_is_reported_with_its_number, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		a_dying_worker_is_named_with_its_job, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_stop_runs_no_further_job, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
