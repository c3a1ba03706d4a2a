/* report_stats.h - the numbers of the bench report, computed from the
 * results alone: geometric means normalised to ondemand and to the oracle,
 * latencies, convergence and the model's accuracy. Board -1 means every
 * board. Anything that has no data is NAN (an interrupted bench is
 * reportable). */
#ifndef ZDVFS_BENCH_REPORT_STATS_H
#define ZDVFS_BENCH_REPORT_STATS_H

#include "report_data.h"

/* Which runs of a policy a table row counts. */
enum {
	REP_RUN_ALL = -1,  /* the mean of every run (a policy that repeats) */
	REP_RUN_LAST = -2, /* run R-1: after learning from R-1 runs */
};

struct rep_row_def {
	const char *label; /* as the tables print it */
	const char *key;   /* for file names and plot titles */
	int policy;
	int run; /* 0.., REP_RUN_ALL or REP_RUN_LAST */
};

enum rep_row {
	REP_ROW_PERFORMANCE,
	REP_ROW_POWERSAVE,
	REP_ROW_ONDEMAND,
	REP_ROW_CONSERVATIVE,
	REP_ROW_SCHEDUTIL,
	REP_ROW_TABLE,
	REP_ROW_QLEARN,
	REP_ROW_ZERO_SHOT,
	REP_ROW_ZERODVFS,
	REP_NROWS
};

extern const struct rep_row_def rep_rows[REP_NROWS];

enum rep_measure { REP_ENERGY, REP_MAKESPAN, REP_EDP, REP_NMEASURES };

/* One row of a policy table. A cell is one (board, workload, seed). */
struct rep_summary {
	int cells;                  /* cells with a value */
	double mean[REP_NMEASURES]; /* geometric means */
	/* geometric means of the per-cell ratios to ondemand and to the
	 * oracle, over the cells both have: < 1 is better than them */
	double vs_ondemand[REP_NMEASURES];
	double vs_oracle[REP_NMEASURES];
	int runs, violations; /* runs counted, over the limit */
	double mean_peak_c;
};

/* The energy and makespan of ROW in one cell (for a policy that repeats,
 * the mean over its runs); 0 if the cell has them, -1 if not. */
int rep_cell(const struct rep_data *d, int board, int workload, int seed,
	     int row, double *energy_j, double *makespan_s);

void rep_summarise(const struct rep_data *d, int board, int row,
		   struct rep_summary *out);

struct rep_latency {
	double features_ms;  /* median over workloads of meta features_ms */
	double zero_shot_ms; /* median zerodvfs run-0 decision latency */
	double first_s;      /* median of run-0 latency + that program's
			       * feature extraction: the first decision */
	double later_ms;     /* median zerodvfs latency of runs >= 1 */
	double later_max_ms;
	double sweep_s; /* median oracle sweep (table.csv) */
	int n_first, n_later, n_sweep;
};

int rep_latency(const struct rep_data *d, int board, struct rep_latency *out,
		struct zd_err *err);

/* Runs to convergence, per (board, workload, seed): a series converged at
 * the first run whose energy x delay is within 5 % of the oracle's (the
 * table's, same cell); a series that never does counts as R+1. */
struct rep_convergence {
	int series; /* cells with both series complete */
	int q_never, z_never;
	double median_q_runs, median_z_runs;
	double median_ratio; /* of qlearn runs / zerodvfs runs */
	int bound;           /* +1: the median is a lower bound (a qlearn
			      * series that never converged), -1 an upper */
};

int rep_convergence(const struct rep_data *d, int board,
		    struct rep_convergence *out, struct zd_err *err);
/* Runs SERIES (R values) needs to reach TARGET, R+1 if it never does. */
int rep_runs_to_reach(const double *series, int runs, double target);
/* Runs a series of EDP ÷ oracle ratios needs to come within LIMIT (1.05),
 * R+1 if it never does. */
int rep_runs_within(const double *ratio, int runs, double limit);

/* EDP ÷ oracle of POLICY at each run (R values): the geometric mean over
 * the board's cells (board -1: all), NAN where none. */
void rep_oracle_curve(const struct rep_data *d, int board, int policy,
		      double *curve);

/* Regret over a bench's runs: per cell, the sum over runs of the EDP
 * above the oracle's, relative to it (sum of EDP/oracle - 1; a policy
 * that repeats one decision counts each run); the mean over cells. */
struct rep_regret {
	int cells;
	double mean;
};
void rep_regret(const struct rep_data *d, int board, int policy,
		struct rep_regret *out);
/* The mean reward of POLICY at each run index over the board's cells
 * (R values into MEAN, NAN where none). */
void rep_reward_curve(const struct rep_data *d, int board, int policy,
		      double *mean);

enum rep_acc_runs { REP_ACC_ALL, REP_ACC_ZERO_SHOT, REP_ACC_LATER };

/* The environment model's forecasts of zerodvfs's decisions against what
 * the runs measured. */
struct rep_accuracy {
	int n, n_peak;
	double mape_makespan, mape_energy; /* percent */
	double mae_peak_c;
};

void rep_accuracy(const struct rep_data *d, int board, enum rep_acc_runs which,
		  struct rep_accuracy *out);

/* The median of N values (sorted in place), NAN if N is 0. */
double rep_median(double *v, int n);

#endif
