/* correct.h - what one program's own runs teach about its response to
 * every decision: Bayesian linear corrections of the environment model's
 * predicted time, power and heating, each prediction with its uncertainty,
 * and the choice between a promising-and-informative decision (expected
 * improvement) and the best one known. Pure arithmetic: the engine
 * (engine.c) fills in the model's predictions and the runs. */
#ifndef ZDVFS_AGENT_CORRECT_H
#define ZDVFS_AGENT_CORRECT_H

#include <stdbool.h>

#include "zdvfs/err.h"

#define ZD_BLR_MAXD 6

/* Bayesian linear regression y = w.phi + noise, prior w ~ N(0, diag(sd^2)),
 * noise ~ N(0, noise_sd^2): the posterior in precision form, so adding a
 * run is a rank-one update and solving is a small Cholesky. */
struct zd_blr {
	int d, n;
	double noise_var;
	double prec[ZD_BLR_MAXD][ZD_BLR_MAXD]; /* posterior precision */
	double rhs[ZD_BLR_MAXD];               /* precision x mean */
	double mean[ZD_BLR_MAXD];
	double linv[ZD_BLR_MAXD][ZD_BLR_MAXD]; /* L^-1, prec = L L^T */
};

void zd_blr_init(struct zd_blr *r, int d, const double *prior_sd,
		 double noise_sd);
void zd_blr_add(struct zd_blr *r, const double *phi, double y);
/* Posterior mean and L^-1 from the sums; -1 if the precision is not
 * positive definite (cannot happen with a positive prior). */
int zd_blr_solve(struct zd_blr *r);
double zd_blr_mean(const struct zd_blr *r, const float *phi);
/* Variance of w.phi (not including the noise). */
double zd_blr_var(const struct zd_blr *r, const float *phi);

/* The descriptors of a decision the corrections are linear in: for time
 * 1, the model's own ln(makespan / makespan of all cores at the top), less
 * the population's when the point starts from the population response
 * (how the model says the program departs from the average), ln(compute capacity), ln(fastest core's speed), ln(cores) (each
 * relative to the board's all-cores-top), ln(slowest active core's speed
 * relative to the fastest's: static loops wait for it); for power 1, the
 * model's
 * ln(power / power of all cores at the top), ln(nominal power relative to
 * TDP), ln(cores). Fewer numbers than the model's inputs on purpose: a
 * few runs must pin them down. */
#define ZD_CORR_NT 6
#define ZD_CORR_NP 4

/* One decision as the correction sees it. */
struct zd_corr_point {
	float log_t, log_p; /* the model's prediction, ln s and ln W */
	float phi_t[ZD_CORR_NT], phi_p[ZD_CORR_NP];
	float hot_rise; /* predicted hottest rise over the start,
				     * C; NAN: not predicted yet */
};

/* A measured decision: the means of its runs' residuals. */
struct zd_corr_meas {
	int index, n;
	double rt, rp;    /* mean ln(measured / predicted) */
	double log_edp;   /* mean ln(energy x makespan) measured */
	double hottest_c; /* hottest peak of its runs */
};

struct zd_corr_opts {
	double slope_sd;    /* prior sd of the slopes (ln per ln) */
	double shape_sd;    /* prior sd of the weight on the model's
				     * own response */
	double level_sd;    /* prior sd of the intercepts (ln) */
	double misfit_sd;   /* what a linear correction leaves (ln) */
	double noise_sd;    /* a run's measurement noise (ln) */
	double heat_sd;     /* prior sd of ln(true rise / predicted) */
	double min_gain;    /* explore while expected gain exceeds it */
	double max_worse;   /* explore no decision expected worse
				     * than the best known by this (ln) */
	double loss_weight; /* explore on EI - w (EI - expected gain):
				     * w weighs what a try is expected to
				     * lose against what it may win */
};

void zd_corr_default_opts(struct zd_corr_opts *o);

struct zd_correction {
	struct zd_corr_opts opts;
	int count;
	struct zd_corr_point *pts; /* count, zd_action_at order */
	struct zd_blr time, power, heat;
	struct zd_corr_meas *meas;
	int nmeas;
	int *meas_of;       /* count: index into meas, -1 if none */
	double uncertainty; /* zero-shot prior scale (1: typical) */
};

int zd_corr_init(struct zd_correction *c, int count,
		 const struct zd_corr_opts *o, struct zd_err *err);
void zd_corr_free(struct zd_correction *c);
/* Scale the slope priors by `u` (an unfamiliar program: u > 1); only
 * before any run is added. */
void zd_corr_set_uncertainty(struct zd_correction *c, double u);

/* A run of decision `index` as measured, with the model's prediction for
 * that decision and start. */
struct zd_corr_run {
	double log_t_pred, log_p_pred; /* ln s, ln W */
	double rise_pred_c;            /* hottest rise over the start; NAN:
					* not predicted */
	double makespan_s, energy_j;
	double rise_c, hottest_c; /* measured */
};
int zd_corr_add_run(struct zd_correction *c, int index,
		    const struct zd_corr_run *r, struct zd_err *err);

/* The corrected prediction of a decision: ln makespan, ln power, ln EDP
 * with its standard deviation. Measured decisions weigh their runs in. */
struct zd_corr_pred {
	double log_t, log_p, log_edp;
	double sd_t, sd_e, sd_edp; /* of ln makespan, energy, EDP */
};
void zd_corr_predict(const struct zd_correction *c, int index,
		     struct zd_corr_pred *p);
/* The correction of a predicted rise: factor (mean) and its upper bound
 * (two sd). */
void zd_corr_heat(const struct zd_correction *c, double *factor, double *upper);

const struct zd_corr_meas *zd_corr_measured(const struct zd_correction *c,
					    int index);
/* The best measured decision's ln EDP among those whose hottest peak
 * stayed under limit_c (0: no limit); -1 if none. */
int zd_corr_best_measured(const struct zd_correction *c, double limit_c,
			  double *log_edp);

/* Expected improvement of a decision over `best` (ln EDP, lower is
 * better): E[max(0, best - Y)], Y ~ N(mean, sd^2). */
double zd_corr_expected_improvement(double best, double mean, double sd);

#endif
