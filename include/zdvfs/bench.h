/* bench.h - `zdvfs bench`: every policy (the governors, the table oracle,
 * model-free Q-learning and ZeroDVFS) on the simulated boards, for chosen
 * workloads, seeds and runs, with zero-shot models trained leave-programs-
 * out (docs/bench-format.md).
 *
 * The runner (src/eval/run.c) profiles the boards into a sample store,
 * trains one model per fold, runs every (board, workload, policy, seed,
 * run) from ambient and writes results.csv, table.csv, traces/ and
 * meta.json into the output directory; rows already there are skipped, so
 * an interrupted bench continues where it stopped. The report
 * (src/eval/report.c) reads only those files. */
#ifndef ZDVFS_BENCH_H
#define ZDVFS_BENCH_H

#include <signal.h>
#include <stdbool.h>

#include "zdvfs/err.h"

/* zd_bench_run stopped because *stop was set: every finished row is in
 * results.csv and meta.json is written. */
#define ZD_BENCH_INTERRUPTED 4
#define ZD_BENCH_DEFAULT_SEEDS 1
#define ZD_BENCH_DEFAULT_RUNS 10
#define ZD_BENCH_DEFAULT_FOLDS 6
#define ZD_BENCH_MAX_JOBS 64

/* The policies a bench compares, in the order of its tables (NULL-ended). */
extern const char *const zd_bench_all_policies[];

enum zd_bench_phase {
	ZD_BENCH_PHASE_SWEEP, /* the sweep into the sample store */
	ZD_BENCH_PHASE_MODEL, /* the folds' zero-shot models */
	ZD_BENCH_PHASE_RUN,   /* the rows of results.csv */
};

struct zd_bench_progress {
	enum zd_bench_phase phase;
	const char *board, *workload; /* NULL in the model phase */
	const char *policy;           /* run phase only */
	/* profile: sweep points; model: folds; run: rows. Done counts what
	 * was already there (skipped) too; made only what this process did. */
	long done, total, made;
	/* profile: a board swept; model: a fold ready; run: a (board,
	 * workload) pair finished */
	bool step_done;
	int fold;       /* model phase */
	bool cached;    /* model phase: reused from models/ */
	double seconds; /* model phase: the fold's training */
};

typedef void (*zd_bench_progress_fn)(void *ctx,
				     const struct zd_bench_progress *p);

/* What a bench is asked to do. Lists NULL (count 0) mean all: every board
 * of the platform directory, every workload of the manifest,
 * zd_bench_all_policies. Strings must outlive the call. */
struct zd_bench_opts {
	const char *const *boards;
	int nboards;
	const char *const *workloads;
	int nworkloads;
	const char *const *policies;
	int npolicies;
	int seeds, runs, folds; /* 0: the defaults above */
	int jobs;               /* worker processes; 0: zd_bench_default_jobs */
	const char *out_dir;    /* required */
	const char *db;         /* NULL: OUT_DIR/bench.db */
	const char *command;    /* the command line, for meta.json */
	const char *platform_dir, *workload_dir;
	/* profiles of programs of the user's (`zdvfs characterize --out
	 * DIR`: DIR/BOARD/NAME.json): every program there with a profile for
	 * the first board is benched too, with only the workloads named (none
	 * without `workloads`); it is never profiled into the training store,
	 * so every model judges it zero-shot (fold 0's is used); its features
	 * come from the source its profile records (characterize --source),
	 * required for policies that decide from features (zerodvfs, qlearn) */
	const char *profiles_dir;
	/* every workload of the manifest, with profiles_dir too (`--workloads
	 * all`); without profiles_dir the same as workloads NULL */
	bool all_workloads;
	/* thermal scenario (docs/bench-format.md): "cold" (NULL), "idle",
	 * "sustained" or "hot"; and the energy EDP uses: "board" (NULL) or
	 * "cpu" */
	const char *scenario, *energy;
	/* NULL: plain boards only; else every board also runs perturbed
	 * ("leak=+30%,membw=-25%,rth=+20%,speed=-10%" or "default"), named
	 * NAME+perturbed, decided with the plain description and models */
	const char *perturb;
	/* the decisions the table (the oracle) sweeps: NULL or "full", every
	 * one; "coarse" or N, the grid of `zdvfs sweep --grid` (boards
	 * whose every decision is too many to sweep per program) */
	const char *table_grid;
	/* holds the number of a stop signal (SIGINT, SIGTERM) once one came:
	 * the bench finishes the row in progress, passes the signal on to its
	 * workers and returns ZD_BENCH_INTERRUPTED */
	const volatile sig_atomic_t *stop;
	zd_bench_progress_fn progress; /* may be NULL */
	void *progress_ctx;
};

/* The online CPUs, capped at 4 (each worker is single-threaded). */
int zd_bench_default_jobs(void);

/* Check everything (boards, workloads and their profiles, policies,
 * counts) before any work: an unknown name or a bad count is a usage error
 * naming it. Then profile, train, run, merge. 0, ZD_BENCH_INTERRUPTED or
 * an error. */
int zd_bench_run(const struct zd_bench_opts *o, struct zd_err *err);

/* Write report.md, report.html and plots/ in `dir` from the files the
 * runner wrote there (src/eval/report.c). */
int zd_bench_report(const char *dir, struct zd_err *err);

#endif
