/* sim_bench.c - simulated runs per second, on one core: fixed decisions
 * (what the oracle and the agents' planning need by the million) and
 * governor-driven runs (ondemand, with a tick every sampling period).
 * Usage: sim_bench [BOARD] [SECONDS]; prints medians of 5 repetitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zdvfs/policy.h"
#include "zdvfs/sim.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A mid-sized loop kernel: ~0.5-2 s of simulated time. */
static const struct zd_sim_workload kernel = {
    .name = "bench",
    .instructions = 2e9,
    .dram_bytes = 4e8,
    .serial_fraction = 0.02,
    .imbalance = 0.05,
    .barriers = 2000,
};

static double runs_per_s(struct zd_sim *sim, const char *gov, double seconds,
			 int *steps)
{
	const struct zd_platform_info *info = zd_sim_info(sim);
	const struct zd_board *b = zd_sim_board(sim);
	struct zd_err err = {0};
	long runs = 0;
	int level = 0;
	double t0 = now_s(), t;
	*steps = 0;
	do {
		struct zd_policy *pol = NULL;
		struct zd_cpuset cpus;
		zd_sim_default_cpus(sim, &cpus);
		if (zd_policy_new(gov, info, &cpus, &pol, &err) != 0) {
			fprintf(stderr, "sim_bench: %s\n", err.msg);
			exit(1);
		}
		/* vary the decision like a sweep does */
		for (int c = 0; c < b->nclusters; c++)
			pol->fixed_khz[c] =
			    b->clusters[c]
				.opps[level % b->clusters[c].nopps]
				.khz;
		level++;
		struct zd_sim_result r;
		if (zd_sim_run(sim, &kernel, pol, &r, NULL, NULL, &err) != 0) {
			fprintf(stderr, "sim_bench: %s\n", err.msg);
			exit(1);
		}
		*steps += r.steps;
		zd_policy_free(pol);
		zd_sim_reset(sim);
		runs++;
		t = now_s();
	} while (t - t0 < seconds);
	*steps /= (int)runs;
	return runs / (t - t0);
}

int main(int argc, char **argv)
{
	const char *board = argc > 1 ? argv[1] : "jetson-tx2";
	double seconds = argc > 2 ? atof(argv[2]) : 0.5;
	struct zd_board *b = NULL;
	struct zd_sim *sim = NULL;
	struct zd_err err = {0};
	if (zd_board_load(board, NULL, &b, &err) != 0 ||
	    zd_sim_new(b, 1, &sim, &err) != 0) {
		fprintf(stderr, "sim_bench: %s\n", err.msg);
		return 1;
	}
	const char *govs[] = {"userspace", "ondemand", "schedutil"};
	printf("board %s, %.1f s per measurement, median of 5\n", board,
	       seconds);
	for (int g = 0; g < 3; g++) {
		double rate[5];
		int steps = 0;
		for (int i = 0; i < 5; i++)
			rate[i] = runs_per_s(sim, govs[g], seconds, &steps);
		qsort(rate, 5, sizeof(rate[0]), compare);
		printf("%-10s %10.0f runs/s  (%d steps per run)\n", govs[g],
		       rate[2], steps);
	}
	zd_sim_free(sim);
	return 0;
}
