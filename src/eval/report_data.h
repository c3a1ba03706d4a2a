/* report_data.h - what `zdvfs bench` wrote into its output directory
 * (docs/bench-format.md), read back and checked: meta.json, results.csv
 * and table.csv. The report reads nothing else but the traces. */
#ifndef ZDVFS_BENCH_REPORT_DATA_H
#define ZDVFS_BENCH_REPORT_DATA_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "zdvfs/err.h"

#define REP_NAME_MAX 64

/* The policies of results.csv, in the order the tables show them. */
enum rep_policy {
	REP_PERFORMANCE,
	REP_POWERSAVE,
	REP_ONDEMAND,
	REP_CONSERVATIVE,
	REP_SCHEDUTIL,
	REP_TABLE,
	REP_QLEARN,
	REP_ZERODVFS,
	REP_NPOLICIES
};

extern const char *const rep_policy_names[REP_NPOLICIES];

/* One line of results.csv. Optional numbers are NAN when empty. */
struct rep_run {
	int board, workload, policy; /* indices into meta and the enum */
	int seed;                    /* 1..seeds, as in the file */
	int run;                     /* 0..runs-1 */
	/* energy_j is the energy the bench's EDP uses (meta.json "energy"):
	 * the board's input (board_energy_j) or the CPU rail's (cpu_energy_j,
	 * NAN in benches from before it was recorded) */
	double makespan_s, energy_j, avg_power_w, peak_c, throttled_s;
	double board_energy_j, cpu_energy_j;
	int violation;
	double latency_us, reward;
	double pred_makespan_s, pred_energy_j, pred_peak_c;
	long line;
};

struct rep_board {
	char name[REP_NAME_MAX];
	long decisions;       /* -1 if not recorded */
	long table_decisions; /* what the oracle swept; decisions if all */
	double limit_c;
};

/* One line of table.csv: what the oracle cost for one program. */
struct rep_sweep {
	int board, workload;
	long decisions;
	double sweep_s;
};

struct rep_meta {
	char version[32];
	char command[1024];
	char started[64];
	double seconds;                    /* NAN when not recorded, as below */
	int seeds, runs, folds;            /* folds 0 when not recorded */
	char trace_workload[REP_NAME_MAX]; /* "" when none */
	char scenario[16];                 /* "cold" when not recorded */
	char energy[8];      /* "board" or "cpu"; "board" when not recorded */
	long profiling_runs; /* -1 when not recorded */
	double profiling_s;
	int nmodels;
	double models_s; /* sum over the folds' models */
	int npolicies;   /* meta.json policies; 0 when not recorded */
	bool policy_selected[REP_NPOLICIES]; /* all when not recorded */
	int nboards, nworkloads;
	struct rep_board *boards;
	char (*workloads)[REP_NAME_MAX];
	double *features_ms; /* per workload */
};

struct rep_data {
	char dir[PATH_MAX];
	struct rep_meta meta;
	struct rep_run *runs;
	size_t nruns;
	/* lines of results.csv from earlier benches in the same directory
	 * with another selection (board, workload, policy, seeds, runs):
	 * left out of this report */
	size_t nskipped;
	/* runs[] index of each (board, workload, policy, seed, run), -1 if
	 * the bench did not get there (an interrupted bench is reportable). */
	long *cell;
	struct rep_sweep *sweeps;
	size_t nsweeps;
};

/* Read DIR's meta.json, results.csv and table.csv (optional). */
int rep_data_load(const char *dir, struct rep_data *d, struct zd_err *err);
void rep_data_free(struct rep_data *d);

/* The run of (board, workload, policy, seed 1.., run 0..), or NULL. */
const struct rep_run *rep_data_run(const struct rep_data *d, int board,
				   int workload, int policy, int seed, int run);
/* Index of a board or workload by name, -1 if unknown. */
int rep_data_board(const struct rep_data *d, const char *name);
int rep_data_workload(const struct rep_data *d, const char *name);

#endif
