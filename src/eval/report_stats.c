/* report_stats.c - the report's numbers from the bench's results. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_stats.h"

const struct rep_row_def rep_rows[REP_NROWS] = {
    {"performance", "performance", REP_PERFORMANCE, REP_RUN_ALL},
    {"powersave", "powersave", REP_POWERSAVE, REP_RUN_ALL},
    {"ondemand", "ondemand", REP_ONDEMAND, REP_RUN_ALL},
    {"conservative", "conservative", REP_CONSERVATIVE, REP_RUN_ALL},
    {"schedutil", "schedutil", REP_SCHEDUTIL, REP_RUN_ALL},
    {"table (oracle)", "table", REP_TABLE, REP_RUN_ALL},
    {"qlearn, last run", "qlearn", REP_QLEARN, REP_RUN_LAST},
    {"zerodvfs, zero-shot (run 0)", "zerodvfs-zero-shot", REP_ZERODVFS, 0},
    {"zerodvfs, last run", "zerodvfs", REP_ZERODVFS, REP_RUN_LAST},
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double rep_median(double *v, int n)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The runs ROW counts in one cell: [*first, *last]. */
static void row_runs(const struct rep_data *d, int row, int *first, int *last)
{
	int run = rep_rows[row].run;
	if (run == REP_RUN_ALL) {
		*first = 0;
		*last = d->meta.runs - 1;
	} else {
		*first = *last = run == REP_RUN_LAST ? d->meta.runs - 1 : run;
	}
}

int rep_cell(const struct rep_data *d, int board, int workload, int seed,
	     int row, double *energy_j, double *makespan_s)
{
	int first, last, n = 0;
	double e = 0, m = 0;
	row_runs(d, row, &first, &last);
	for (int run = first; run <= last; run++) {
		const struct rep_run *r = rep_data_run(
		    d, board, workload, rep_rows[row].policy, seed, run);
		if (r == NULL)
			continue;
		e += r->energy_j;
		m += r->makespan_s;
		n++;
	}
	if (n == 0)
		return -1;
	*energy_j = e / n;
	*makespan_s = m / n;
	return 0;
}

/* Energy, makespan, EDP of one cell: EDP is energy × makespan of the
 * cell's means, so the table's geometric means multiply exactly. */
static int cell_measures(const struct rep_data *d, int b, int w, int s, int row,
			 double *v)
{
	if (rep_cell(d, b, w, s, row, &v[REP_ENERGY], &v[REP_MAKESPAN]) != 0)
		return -1;
	v[REP_EDP] = v[REP_ENERGY] * v[REP_MAKESPAN];
	return 0;
}

/* Log-sums of one row against a reference row over the cells both have. */
struct ratio_acc {
	double log_sum[REP_NMEASURES];
	int n;
};

static void ratio_add(struct ratio_acc *a, const double *v, const double *ref)
{
	for (int k = 0; k < REP_NMEASURES; k++)
		a->log_sum[k] += log(v[k] / ref[k]);
	a->n++;
}

static void ratio_out(const struct ratio_acc *a, double *out)
{
	for (int k = 0; k < REP_NMEASURES; k++)
		out[k] = a->n ? exp(a->log_sum[k] / a->n) : NAN;
}

/* Thermal violations and peaks of the runs ROW counts in one cell. */
static void cell_thermal(const struct rep_data *d, int b, int w, int s, int row,
			 struct rep_summary *out, double *peak_sum)
{
	int first, last;
	row_runs(d, row, &first, &last);
	for (int run = first; run <= last; run++) {
		const struct rep_run *r =
		    rep_data_run(d, b, w, rep_rows[row].policy, s, run);
		if (r == NULL)
			continue;
		out->runs++;
		out->violations += r->violation;
		*peak_sum += r->peak_c;
	}
}

void rep_summarise(const struct rep_data *d, int board, int row,
		   struct rep_summary *out)
{
	const struct rep_meta *m = &d->meta;
	double log_sum[REP_NMEASURES] = {0}, peak_sum = 0;
	struct ratio_acc ondemand = {{0}, 0}, oracle = {{0}, 0};
	memset(out, 0, sizeof(*out));
	for (int b = 0; b < m->nboards; b++) {
		if (board >= 0 && b != board)
			continue;
		for (int w = 0; w < m->nworkloads; w++)
			for (int s = 1; s <= m->seeds; s++) {
				double v[REP_NMEASURES], ref[REP_NMEASURES];
				cell_thermal(d, b, w, s, row, out, &peak_sum);
				if (cell_measures(d, b, w, s, row, v) != 0)
					continue;
				out->cells++;
				for (int k = 0; k < REP_NMEASURES; k++)
					log_sum[k] += log(v[k]);
				if (cell_measures(d, b, w, s, REP_ROW_ONDEMAND,
						  ref) == 0)
					ratio_add(&ondemand, v, ref);
				if (cell_measures(d, b, w, s, REP_ROW_TABLE,
						  ref) == 0)
					ratio_add(&oracle, v, ref);
			}
	}
	for (int k = 0; k < REP_NMEASURES; k++)
		out->mean[k] = out->cells ? exp(log_sum[k] / out->cells) : NAN;
	ratio_out(&ondemand, out->vs_ondemand);
	ratio_out(&oracle, out->vs_oracle);
	out->mean_peak_c = out->runs ? peak_sum / out->runs : NAN;
}

/* ---- latency ------------------------------------------------------------ */

/* Values collected for medians, in room allocated up front. */
struct values {
	double *v;
	int n;
};

static int values_init(struct values *vs, size_t cap, struct zd_err *err)
{
	vs->n = 0;
	vs->v = malloc((cap ? cap : 1) * sizeof(*vs->v));
	return vs->v ? 0 : zd_fail(err, ENOMEM, "out of memory");
}

static void values_add(struct values *vs, double x)
{
	if (!isnan(x))
		vs->v[vs->n++] = x;
}

static double values_median(struct values *vs, int *n)
{
	if (n != NULL)
		*n = vs->n;
	double med = rep_median(vs->v, vs->n);
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
	return med;
}

static double values_max(const struct values *vs)
{
	double mx = NAN;
	for (int i = 0; i < vs->n; i++)
		if (isnan(mx) || vs->v[i] > mx)
			mx = vs->v[i];
	return mx;
}

int rep_latency(const struct rep_data *d, int board, struct rep_latency *out,
		struct zd_err *err)
{
	const struct rep_meta *m = &d->meta;
	struct values features = {0}, zs = {0}, first = {0}, later = {0},
		      sweep = {0};
	memset(out, 0, sizeof(*out));
	int rc = values_init(&features, (size_t)m->nworkloads, err);
	if (rc == 0)
		rc = values_init(&zs, d->nruns, err);
	if (rc == 0)
		rc = values_init(&first, d->nruns, err);
	if (rc == 0)
		rc = values_init(&later, d->nruns, err);
	if (rc == 0)
		rc = values_init(&sweep, d->nsweeps, err);
	for (int w = 0; rc == 0 && w < m->nworkloads; w++)
		values_add(&features, m->features_ms[w]);
	for (size_t i = 0; rc == 0 && i < d->nruns; i++) {
		const struct rep_run *r = &d->runs[i];
		if (r->policy != REP_ZERODVFS ||
		    (board >= 0 && r->board != board))
			continue;
		if (r->run >= 1) {
			values_add(&later, r->latency_us / 1e3);
			continue;
		}
		double fms = m->features_ms[r->workload];
		values_add(&zs, r->latency_us / 1e3);
		/* Without a recorded extraction time the first decision is the
		 * decision alone; the report says when features_ms is absent. */
		values_add(&first,
			   r->latency_us / 1e6 + (isnan(fms) ? 0 : fms / 1e3));
	}
	for (size_t i = 0; rc == 0 && i < d->nsweeps; i++)
		if (board < 0 || d->sweeps[i].board == board)
			values_add(&sweep, d->sweeps[i].sweep_s);
	if (rc == 0)
		out->later_max_ms = values_max(&later);
	out->features_ms = values_median(&features, NULL);
	out->zero_shot_ms = values_median(&zs, NULL);
	out->first_s = values_median(&first, &out->n_first);
	out->later_ms = values_median(&later, &out->n_later);
	out->sweep_s = values_median(&sweep, &out->n_sweep);
	return rc;
}

/* ---- convergence -------------------------------------------------------- */

int rep_runs_to_reach(const double *series, int runs, double target)
{
	for (int r = 0; r < runs; r++)
		if (series[r] >= target)
			return r + 1;
	return runs + 1;
}

int rep_runs_within(const double *ratio, int runs, double limit)
{
	for (int r = 0; r < runs; r++)
		if (ratio[r] <= limit)
			return r + 1;
	return runs + 1;
}

/* The oracle's EDP in one cell (the mean of its runs); NAN if none. */
static double oracle_edp(const struct rep_data *d, int b, int w, int s)
{
	double sum = 0;
	int n = 0;
	for (int run = 0; run < d->meta.runs; run++) {
		const struct rep_run *r =
		    rep_data_run(d, b, w, REP_TABLE, s, run);
		if (r != NULL && r->energy_j > 0 && r->makespan_s > 0) {
			sum += r->energy_j * r->makespan_s;
			n++;
		}
	}
	return n ? sum / n : NAN;
}

/* The EDP ÷ oracle series of POLICY in one cell; -1 if a run is missing. */
static int series_of(const struct rep_data *d, int b, int w, int s, int policy,
		     double *out)
{
	double oracle = oracle_edp(d, b, w, s);
	if (!(oracle > 0))
		return -1;
	for (int run = 0; run < d->meta.runs; run++) {
		const struct rep_run *r = rep_data_run(d, b, w, policy, s, run);
		if (r == NULL || !(r->energy_j > 0) || !(r->makespan_s > 0))
			return -1;
		out[run] = r->energy_j * r->makespan_s / oracle;
	}
	return 0;
}

struct bounded {
	double v;
	int bound;
};

static int cmp_bounded(const void *a, const void *b)
{
	return cmp_double(&((const struct bounded *)a)->v,
			  &((const struct bounded *)b)->v);
}

/* The median of ratios, with the bound of the middle value(s). */
static double bounded_median(struct bounded *v, int n, int *bound)
{
	*bound = 0;
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), cmp_bounded);
	const struct bounded *lo = &v[(n - 1) / 2], *hi = &v[n / 2];
	*bound = lo->bound != 0 ? lo->bound : hi->bound;
	return 0.5 * (lo->v + hi->v);
}

/* One cell's runs to converge; 0 if both series are there. */
static int cell_convergence(const struct rep_data *d, int b, int w, int s,
			    double *q, double *z, int *qn, int *zn)
{
	int runs = d->meta.runs;
	if (series_of(d, b, w, s, REP_QLEARN, q) != 0 ||
	    series_of(d, b, w, s, REP_ZERODVFS, z) != 0)
		return -1;
	*qn = rep_runs_within(q, runs, 1.05);
	*zn = rep_runs_within(z, runs, 1.05);
	return 0;
}

int rep_convergence(const struct rep_data *d, int board,
		    struct rep_convergence *out, struct zd_err *err)
{
	const struct rep_meta *m = &d->meta;
	int runs = m->runs;
	size_t ncells = (size_t)m->nboards * m->nworkloads * m->seeds;
	double *q = malloc((size_t)runs * sizeof(*q));
	double *z = malloc((size_t)runs * sizeof(*z));
	struct bounded *ratio = malloc(ncells * sizeof(*ratio));
	struct values qv = {0}, zv = {0};
	int nratio = 0;
	memset(out, 0, sizeof(*out));
	int rc = q && z && ratio ? 0 : zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0)
		rc = values_init(&qv, ncells, err);
	if (rc == 0)
		rc = values_init(&zv, ncells, err);
	for (int b = 0; rc == 0 && b < m->nboards; b++) {
		if (board >= 0 && b != board)
			continue;
		for (int w = 0; w < m->nworkloads; w++)
			for (int s = 1; s <= m->seeds; s++) {
				int qn, zn;
				if (cell_convergence(d, b, w, s, q, z, &qn,
						     &zn) != 0)
					continue;
				out->series++;
				out->q_never += qn > runs;
				out->z_never += zn > runs;
				values_add(&qv, qn);
				values_add(&zv, zn);
				if (qn > runs && zn > runs)
					continue; /* no ratio to speak of */
				ratio[nratio].v = (double)qn / zn;
				ratio[nratio].bound = qn > runs ? 1
				    : zn > runs                 ? -1
								: 0;
				nratio++;
			}
	}
	out->median_q_runs = values_median(&qv, NULL);
	out->median_z_runs = values_median(&zv, NULL);
	out->median_ratio = bounded_median(ratio, nratio, &out->bound);
	free(q);
	free(z);
	free(ratio);
	return rc;
}

void rep_reward_curve(const struct rep_data *d, int board, int policy,
		      double *mean)
{
	const struct rep_meta *m = &d->meta;
	for (int run = 0; run < m->runs; run++) {
		double sum = 0;
		int n = 0;
		for (int w = 0; w < m->nworkloads; w++)
			for (int s = 1; s <= m->seeds; s++) {
				const struct rep_run *r =
				    rep_data_run(d, board, w, policy, s, run);
				if (r != NULL && !isnan(r->reward)) {
					sum += r->reward;
					n++;
				}
			}
		mean[run] = n ? sum / n : NAN;
	}
}

void rep_oracle_curve(const struct rep_data *d, int board, int policy,
		      double *curve)
{
	const struct rep_meta *m = &d->meta;
	int runs = m->runs;
	double *sum = calloc((size_t)runs, sizeof(*sum));
	int *n = calloc((size_t)runs, sizeof(*n));
	for (int b = 0; sum && n && b < m->nboards; b++) {
		if (board >= 0 && b != board)
			continue;
		for (int w = 0; w < m->nworkloads; w++)
			for (int s = 1; s <= m->seeds; s++) {
				double oracle = oracle_edp(d, b, w, s);
				for (int run = 0; oracle > 0 && run < runs;
				     run++) {
					const struct rep_run *r = rep_data_run(
					    d, b, w, policy, s, run);
					if (r == NULL || !(r->energy_j > 0) ||
					    !(r->makespan_s > 0))
						continue;
					sum[run] += log(r->energy_j *
							r->makespan_s / oracle);
					n[run]++;
				}
			}
	}
	for (int run = 0; run < runs; run++)
		curve[run] = sum && n && n[run] ? exp(sum[run] / n[run]) : NAN;
	free(sum);
	free(n);
}

void rep_regret(const struct rep_data *d, int board, int policy,
		struct rep_regret *out)
{
	const struct rep_meta *m = &d->meta;
	double total = 0;
	memset(out, 0, sizeof(*out));
	for (int b = 0; b < m->nboards; b++) {
		if (board >= 0 && b != board)
			continue;
		for (int w = 0; w < m->nworkloads; w++)
			for (int s = 1; s <= m->seeds; s++) {
				double oracle = oracle_edp(d, b, w, s),
				       cell = 0;
				bool complete = oracle > 0;
				for (int run = 0; complete && run < m->runs;
				     run++) {
					const struct rep_run *r = rep_data_run(
					    d, b, w, policy, s, run);
					complete = r != NULL &&
					    r->energy_j > 0 &&
					    r->makespan_s > 0;
					if (complete)
						cell += r->energy_j *
							r->makespan_s / oracle -
						    1.0;
				}
				if (complete) {
					total += cell;
					out->cells++;
				}
			}
	}
	out->mean = out->cells ? total / out->cells : NAN;
}

/* ---- accuracy ----------------------------------------------------------- */

void rep_accuracy(const struct rep_data *d, int board, enum rep_acc_runs which,
		  struct rep_accuracy *out)
{
	double ape_m = 0, ape_e = 0, ae_peak = 0;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < d->nruns; i++) {
		const struct rep_run *r = &d->runs[i];
		if (r->policy != REP_ZERODVFS ||
		    (board >= 0 && r->board != board))
			continue;
		if ((which == REP_ACC_ZERO_SHOT && r->run != 0) ||
		    (which == REP_ACC_LATER && r->run == 0))
			continue;
		if (!isnan(r->pred_makespan_s) && !isnan(r->pred_energy_j)) {
			ape_m += fabs(r->pred_makespan_s - r->makespan_s) /
			    r->makespan_s;
			ape_e +=
			    fabs(r->pred_energy_j - r->energy_j) / r->energy_j;
			out->n++;
		}
		if (!isnan(r->pred_peak_c)) {
			ae_peak += fabs(r->pred_peak_c - r->peak_c);
			out->n_peak++;
		}
	}
	out->mape_makespan = out->n ? 100 * ape_m / out->n : NAN;
	out->mape_energy = out->n ? 100 * ape_e / out->n : NAN;
	out->mae_peak_c = out->n_peak ? ae_peak / out->n_peak : NAN;
}
