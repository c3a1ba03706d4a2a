/* model_bench.c - how fast the environment model answers what the agents
 * and the oracle ask: every decision of a board for one program.
 *
 *   build/bench/model_bench MODEL [WORKLOAD] [REPEATS]
 *
 * For each board: preparing a query (features -> specialised trees), then
 * predicting all of the board's decisions; medians over REPEATS (default
 * 51). Prints microseconds of this thread's CPU time: on a shared machine
 * the wall clock counts other processes' turns too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zdvfs/model.h"
#include "zdvfs/workload.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static struct zd_features *features_of(const char *name, struct zd_err *err)
{
	struct zd_manifest *m = NULL;
	struct zd_features *f = NULL;
	if (zd_manifest_load(NULL, &m, err) != 0)
		return NULL;
	const struct zd_workload_info *w = zd_manifest_find(m, name);
	if (!w) {
		zd_bad_input(err, "no workload '%s'", name);
		zd_manifest_free(m);
		return NULL;
	}
	struct zd_workload_sources ws;
	zd_workload_sources(NULL, w, &ws);
	struct zd_feat_request req = {.files = ws.files,
				      .nfiles = ws.nfiles,
				      .args = ws.args,
				      .nargs = ws.nargs};
	zd_features_analyze(&req, &f, err);
	zd_manifest_free(m);
	return f;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: model_bench MODEL [WORKLOAD] [REPEATS]\n");
		return 2;
	}
	const char *workload = argc > 2 ? argv[2] : "gemm";
	int repeats = argc > 3 ? atoi(argv[3]) : 51;
	if (repeats < 1 || repeats > 100000)
		repeats = 51;
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	struct zd_features *f = NULL;
	if (zd_model_load(argv[1], &m, &err) != 0 ||
	    !(f = features_of(workload, &err))) {
		fprintf(stderr, "model_bench: %s\n", err.msg);
		zd_model_free(m);
		return 1;
	}
	static const char *const boards[] = {"jetson-tx2", "jetson-orin-nx",
					     "rubik-pi", "core-i7"};
	double *prep = malloc(sizeof(double) * (size_t)repeats);
	double *all = malloc(sizeof(double) * (size_t)repeats);
	printf("%-16s %9s %14s %16s %12s\n", "board", "decisions",
	       "prepare (us)", "predict all (us)", "per decision");
	int rc = 0;
	for (size_t b = 0; b < sizeof(boards) / sizeof(boards[0]) && rc == 0;
	     b++) {
		struct zd_board *board = NULL;
		if ((rc = zd_board_load(boards[b], NULL, &board, &err)) != 0)
			break;
		struct zd_model_query_opts qo = {.features = f};
		struct zd_outcome *out = NULL;
		int count = 0;
		for (int r = 0; r < repeats && rc == 0; r++) {
			struct zd_model_query *q = NULL;
			double t0 = now_us();
			if ((rc = zd_model_query_new(m, board, &qo, &q,
						     &err)) != 0)
				break;
			double t1 = now_us();
			count = zd_model_query_space(q)->count;
			if (!out)
				out = malloc(sizeof(*out) * (size_t)count);
			zd_model_predict_all(q, out);
			double t2 = now_us();
			prep[r] = t1 - t0;
			all[r] = t2 - t1;
			zd_model_query_free(q);
		}
		if (rc == 0) {
			double a = median(all, repeats);
			printf("%-16s %9d %14.1f %16.1f %10.3f us\n", boards[b],
			       count, median(prep, repeats), a, a / count);
		}
		free(out);
		zd_board_free(board);
	}
	if (rc != 0)
		fprintf(stderr, "model_bench: %s\n", err.msg);
	free(prep);
	free(all);
	zd_features_free(f);
	zd_model_free(m);
	return rc ? 1 : 0;
}
