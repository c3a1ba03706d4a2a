/* pair.h - the rows of one board and workload: every selected policy,
 * seed and run, each run from ambient on the simulator, through the
 * policy interface (include/zdvfs/policy.h), with the traces of the trace
 * workload and the table's sweep cost. */
#ifndef ZDVFS_BENCH_PAIR_H
#define ZDVFS_BENCH_PAIR_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"

/* Where a worker puts what it makes. */
struct bench_sink {
	FILE *results, *table; /* its part files, flushed per line */
	/* one row done: made now, or found done (made false) */
	void (*row)(void *ctx, const char *board, const char *workload,
		    const char *policy, bool made);
	void *ctx;
};

/* Every row of (boards[board], workloads[workload]) not yet done. 0,
 * ZD_BENCH_INTERRUPTED (after the row in progress) or an error. */
int bench_pair_run(const struct bench_plan *p, int board, int workload,
		   const struct bench_sink *sink, struct zd_err *err);

#endif
