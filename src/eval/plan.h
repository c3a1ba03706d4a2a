/* plan.h - one `zdvfs bench` resolved and checked: the boards, workloads
 * and policies, the counts, the files of the output directory, and which
 * rows are already done. Shared by the parts of the runner (run.c: the
 * phases; folds.c: the models; pair.c: the rows of one board and
 * workload; meta.c: meta.json). */
#ifndef ZDVFS_BENCH_PLAN_H
#define ZDVFS_BENCH_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "perturb.h"
#include "rows.h"
#include "zdvfs/bench.h"
#include "zdvfs/features.h"

#define BENCH_MAX_POLICIES 16

#define BENCH_RESULTS_HEADER                                                   \
	"board,workload,policy,seed,run,makespan_s,energy_j,avg_power_w,"      \
	"peak_temp_c,throttled_s,violations,decision_latency_us,reward,"       \
	"predicted_makespan_s,predicted_energy_j,predicted_peak_c,decision,"   \
	"cpu_energy_j"
#define BENCH_RESULTS_FIELDS 18
#define BENCH_RESULTS_KEY 5
#define BENCH_TABLE_HEADER "board,workload,decisions,sweep_s"
#define BENCH_TABLE_FIELDS 4
#define BENCH_TABLE_KEY 2
/* The sustained scenario's session: a program back to back at least this
 * long at the performance governor's pace, capped in runs. */
#define BENCH_SUSTAINED_S 600.0
#define BENCH_SUSTAINED_MAX_RUNS 5000
/* The hot scenario's ambient: an enclosure. */
#define BENCH_HOT_AMBIENT_MC 35000

struct bench_board {
	char name[64]; /* NAME, or NAME+perturbed */
	char base[64]; /* the description's name */
	bool perturbed;
	int decisions;    /* actions of the board */
	int table_levels; /* the table's grid (zd_sweep_parse_grid); 0: all */
	int table_decisions; /* what the table sweeps */
	double limit_c;      /* the thermal limit: lowest CPU trip - 5 C */
};

struct bench_workload {
	char name[64];
	int manifest_index; /* its place in the manifest */
	int group_index; /* its group's (zd_workload_info): decides its fold */
	bool user; /* a profile of --profiles DIR, not a manifest workload */
	struct zd_features *features;
	double features_ms; /* the static analysis, cold */
};

struct bench_fold {
	int fold;
	bool needed;    /* holds a selected workload */
	bool cached;    /* reused from models/ */
	double seconds; /* training time (when it was trained) */
};

struct bench_plan {
	const struct zd_bench_opts *o;
	struct bench_board *boards;
	int nboards;
	int nplain; /* boards[0..nplain) are plain, then their
			      * perturbed twins */
	struct bench_perturb perturb;
	struct bench_workload *workloads;
	int nworkloads;
	/* every workload of the manifest, in order (profiling, folds), with
	 * its group's index: fold k holds out the groups with index % folds
	 * == k, so all versions of one algorithm are held out together */
	char (*all_workloads)[64];
	int *all_groups;
	int nall;
	const char *policies[BENCH_MAX_POLICIES];
	int npolicies;
	int seeds, runs, folds, jobs;
	struct bench_fold *fold_info; /* [folds] */
	char dir[PATH_MAX];
	char db[PATH_MAX];
	/* rows already done (sorted), as found when the bench started */
	struct bench_rows results, tables;
	/* profiling, for meta.json */
	long sweep_runs;
	double sweep_seconds;
	double started;      /* Unix time */
	double started_mono; /* zd_monotonic_s */
};

/* How many of the manifest's `manifest_count` workloads are benched: those
 * named, else all of them, except with profiles_dir, where none unless
 * all_workloads (`--workloads all`). */
int bench_manifest_count(const struct zd_bench_opts *o, int manifest_count);

/* Check every name and count and analyse the selected workloads' code
 * features, before any file is written. */
int bench_plan_init(struct bench_plan *p, const struct zd_bench_opts *o,
		    struct zd_err *err);
void bench_plan_free(struct bench_plan *p);

/* DIR/NAME into buf (PATH_MAX); -1 if too long. */
int bench_path(const struct bench_plan *p, char *buf, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The fold that holds workload w out, and its model file. */
int bench_fold_of(const struct bench_plan *p, const struct bench_workload *w);
/* Whether fold `fold` holds out workload `manifest_index` of all_workloads
 * (its group's index % folds == fold; -1, no workload: never). The one
 * rule for the models, their descriptions and meta.json. */
bool bench_held_out(const struct bench_plan *p, int manifest_index, int fold);
int bench_fold_path(const struct bench_plan *p, int fold, char *buf);
/* Policies that learn from run to run: their (board, workload, seed)
 * series is redone from run 0 unless complete. */
bool bench_policy_learns(const char *policy);
/* Whether a policy of the bench decides with the environment model
 * (zerodvfs): only then are the boards swept and the folds trained. */
bool bench_needs_models(const struct bench_plan *p);
bool bench_stop_asked(const struct bench_plan *p);

#endif
