/* zerodvfs_bench.c - the decision-maker measured on the simulated boards,
 * leave-one-program-out: for each group of held-out programs a model is
 * trained without them; for each board and held-out program
 *   - the oracle: every decision run in the simulator, the lowest
 *     energy-delay product (what table-based profiling finds; its cost is
 *     the sum of those runs' makespans);
 *   - the governors from ambient;
 *   - zerodvfs: the zero-shot first decision, then RUNS real runs with
 *     learning (Dyna-Q), every run from ambient;
 *   - qlearn: the same agents without a model (measured references from a
 *     performance and a powersave run), exploring, RUNS real runs;
 * and the latency of decisions. Figures, not a test.
 *
 *   build/bench/zerodvfs_bench DB [--boards L] [--workloads L] [--folds K]
 *                              [--runs N] [--seeds S] [--csv FILE]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fit.h"
#include "zdvfs/agent.h"
#include "zdvfs/engine.h"
#include "zdvfs/runner.h"
#include "zdvfs/sim.h"
#include "zdvfs/workload.h"

#define MAX_LIST 64

struct bench_opts {
	const char *db, *csv;
	const char *boards[MAX_LIST];
	int nboards;
	const char *workloads[MAX_LIST];
	int nworkloads;
	int folds, runs, seeds, lookahead, zero_shot_steps, trees, depth;
	bool one_fold; /* hold all --workloads out of one model */
};

static const char *const governors[] = {"performance", "powersave", "ondemand",
					"conservative", "schedutil"};
#define NGOV 5

/* Per (board, program, seed): the EDPs relative to the oracle. */
struct result {
	double oracle_edp, table_cost_s;
	double gov_edp[NGOV];
	double zs_edp, after_edp;     /* first decision, after RUNS runs */
	double model_best_edp;        /* the action the model alone rates best */
	double reward_best_edp;       /* the action with the best true reward */
	double ql_edp;                /* qlearn after RUNS runs */
	int zs_runs_to_95, ql_runs_to_95;
	int violations_zd, violations_ql;
	double first_decision_ms, decide_us;
	double features_ms, open_ms;
};

static int split_list(char *text, const char **out, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(text, ",", &save); t && n < max;
	     t = strtok_r(NULL, ",", &save))
		out[n++] = t;
	return n;
}

static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->folds = 6;
	o->runs = 10;
	o->seeds = 1;
	if (argc < 2)
		return -1;
	o->db = argv[1];
	for (int i = 2; i < argc; i += 2) {
		if (strcmp(argv[i], "--one-fold") == 0) {
			o->one_fold = true;
			i--;
			continue;
		}
		if (i + 1 >= argc)
			return -1;
		if (strcmp(argv[i], "--boards") == 0)
			o->nboards = split_list(argv[i + 1], o->boards, MAX_LIST);
		else if (strcmp(argv[i], "--workloads") == 0)
			o->nworkloads = split_list(argv[i + 1], o->workloads, MAX_LIST);
		else if (strcmp(argv[i], "--folds") == 0)
			o->folds = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			o->runs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--seeds") == 0)
			o->seeds = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--trees") == 0)
			o->trees = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--depth") == 0)
			o->depth = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--lookahead") == 0)
			o->lookahead = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--zero-shot-steps") == 0)
			o->zero_shot_steps = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--csv") == 0)
			o->csv = argv[i + 1];
		else
			return -1;
	}
	return o->folds > 0 && o->runs > 0 && o->seeds > 0 ? 0 : -1;
}

/* Run from ambient under a policy: a decision or a governor. */
static int sim_run(struct zd_sim *sim, const struct zd_sim_workload *w,
		   const char *policy, const struct zd_decision *d,
		   struct zd_outcome *o, struct zd_err *err)
{
	struct zd_policy *pol = NULL;
	struct zd_sim_result res;
	struct zd_cpuset cpus;
	if (d)
		cpus = d->cpus;
	else
		zd_sim_default_cpus(sim, &cpus);
	zd_sim_reset(sim);
	int rc = zd_policy_new(policy, zd_sim_info(sim), &cpus, &pol, err);
	if (rc == 0 && d)
		memcpy(pol->fixed_khz, d->khz, sizeof(d->khz));
	if (rc == 0)
		rc = zd_sim_run(sim, w, pol, &res, NULL, NULL, err);
	zd_policy_free(pol);
	if (rc == 0)
		zd_outcome_from_sim(&res, o);
	return rc;
}

static double edp(const struct zd_outcome *o)
{
	return o->energy_j * o->makespan_s;
}

static int oracle(struct zd_sim *sim, const struct zd_sim_workload *w,
		  const struct zd_action_space *sp, const struct zd_reward_ref *ref,
		  double guard_c, struct result *r, double *best_reward,
		  struct zd_err *err)
{
	r->oracle_edp = INFINITY;
	*best_reward = -INFINITY;
	for (int i = 0; i < sp->count; i++) {
		struct zd_action a;
		struct zd_decision d;
		struct zd_outcome o;
		zd_action_at(sp, i, &a);
		zd_action_decision(sp, &a, NULL, 0, &d);
		int rc = sim_run(sim, w, "userspace", &d, &o, err);
		if (rc != 0)
			return rc;
		r->table_cost_s += o.makespan_s;
		if (o.hottest_c > guard_c)
			continue;
		if (edp(&o) < r->oracle_edp)
			r->oracle_edp = edp(&o);
		double rw = zd_profiler_reward(&o, ref);
		if (rw > *best_reward) {
			*best_reward = rw;
			r->reward_best_edp = edp(&o);
		}
	}
	return 0;
}

struct fold_ctx {
	const struct bench_opts *o;
	struct zd_dataset *ds;
	FILE *csv;
	struct result *results;
	int nresults;
};

static struct zd_features *features_of(const char *name, struct zd_err *err)
{
	struct zd_manifest *m = NULL;
	struct zd_features *f = NULL;
	if (zd_manifest_load(NULL, &m, err) != 0)
		return NULL;
	const struct zd_workload_info *w = zd_manifest_find(m, name);
	struct zd_workload_sources ws = {0};
	if (w)
		zd_workload_sources(NULL, w, &ws);
	struct zd_feat_request req = {.files = ws.files, .nfiles = ws.nfiles,
				      .args = ws.args, .nargs = ws.nargs,
				      .no_cache = true};
	if (w)
		zd_features_analyze(&req, &f, err);
	else
		zd_bad_input(err, "no workload %s", name);
	zd_manifest_free(m);
	return f;
}

/* Diagnostic: run the action with the best model-predicted reward (what
 * perfect agents would pick from this model). */
static int model_best(struct zd_engine *zd, const char *model_path,
		      const struct zd_board *board, const struct zd_features *f,
		      struct zd_sim *sim, const struct zd_sim_workload *w,
		      struct result *r, struct zd_err *err)
{
	struct zd_model *m = NULL;
	struct zd_model_query *q = NULL;
	struct zd_model_query_opts qo = {.features = f};
	const struct zd_action_space *sp = zd_engine_space(zd);
	int rc = zd_model_load(model_path, &m, err);
	if (rc == 0)
		rc = zd_model_query_new(m, board, &qo, &q, err);
	struct zd_outcome *all = rc == 0 ? calloc((size_t)sp->count, sizeof(*all)) : NULL;
	if (rc == 0 && all) {
		zd_model_predict_all(q, all);
		struct zd_action lo, hi;
		zd_action_min(sp, &lo);
		zd_action_max(sp, &hi);
		struct zd_reward_ref ref = {
			.energy_ps_j = all[zd_action_index(sp, &lo)].energy_j,
			.makespan_perf_s = all[zd_action_index(sp, &hi)].makespan_s,
		};
		int best = 0;
		double best_r = -INFINITY;
		for (int i = 0; i < sp->count; i++) {
			double rw = zd_profiler_reward(&all[i], &ref);
			if (rw > best_r) {
				best_r = rw;
				best = i;
			}
		}
		struct zd_action a;
		struct zd_decision d;
		struct zd_outcome o;
		zd_action_at(sp, best, &a);
		zd_action_decision(sp, &a, NULL, 0, &d);
		rc = sim_run(sim, w, "userspace", &d, &o, err);
		r->model_best_edp = edp(&o);
	}
	free(all);
	zd_model_query_free(q);
	zd_model_free(m);
	return rc;
}

/* Runs needed until a run's reward reaches target (runs+1: never). */
static void track(int run, double reward, double target, int *first)
{
	if (*first == 0 && reward >= target)
		*first = run + 1;
}

static int bench_program(struct fold_ctx *fc, const struct zd_model *model,
			 const char *model_path, struct zd_board *board,
			 const char *program, int seed, struct result *r,
			 struct zd_err *err)
{
	const struct bench_opts *o = fc->o;
	struct zd_sim *sim = NULL;
	struct zd_sim_workload w;
	struct zd_board *own = NULL;
	(void)model;
	memset(r, 0, sizeof(*r));
	int rc = zd_board_load(board->name, NULL, &own, err);
	if (rc == 0)
		rc = zd_sim_new(own, (uint64_t)seed, &sim, err);
	if (rc == 0)
		rc = zd_profile_load(NULL, board->name, program, &w, err);
	if (rc != 0) {
		zd_sim_free(sim);
		return rc;
	}
	char agents[256];
	snprintf(agents, sizeof(agents), "/tmp/zdvfs-bench-agents-%d.json", getpid());
	unlink(agents);
	double t0 = zd_monotonic_s();
	struct zd_features *f = features_of(program, err);
	double t1 = zd_monotonic_s();
	struct zd_engine *zd = NULL, *ql = NULL;
	struct zd_engine_opts eo = {.board = board, .model_path = model_path,
				    .agents_path = agents, .seed = (uint64_t)seed,
				    .lookahead = o->lookahead,
				    .zero_shot_steps = o->zero_shot_steps};
	if (!f)
		rc = err->code ? err->code : 1;
	if (rc == 0)
		rc = zd_engine_open(&eo, &zd, err);
	double t2 = zd_monotonic_s();
	struct zd_engine_decision d;
	struct zd_outcome out;
	if (rc == 0)
		rc = zd_engine_decide(zd, program, f, NULL, &d, err);
	/* a new program's first decision: its features and the engine's
	 * zero-shot training; opening the engine (loading the model) is once
	 * per process and reported apart */
	r->features_ms = (t1 - t0) * 1e3;
	r->open_ms = (t2 - t1) * 1e3;
	r->first_decision_ms = r->features_ms + (zd_monotonic_s() - t2) * 1e3;
	/* references measured, for rewards and the oracle's best reward */
	struct zd_outcome perf = {0}, ps = {0};
	if (rc == 0)
		rc = sim_run(sim, &w, "performance", NULL, &perf, err);
	if (rc == 0)
		rc = sim_run(sim, &w, "powersave", NULL, &ps, err);
	struct zd_reward_ref ref = {.energy_ps_j = ps.energy_j,
				    .makespan_perf_s = perf.makespan_s};
	double best = 0;
	double guard_c = 1e9;
	if (rc == 0) {
		struct zd_model_query *q = NULL;
		(void)q;
		guard_c = 0;
		for (int z = 0; z < board->nzones; z++) {
			int t = zd_zone_throttle_mc(&board->zones[z]);
			if (t > 0 && board->zones[z].nclusters > 0 &&
			    (guard_c == 0 || t * 1e-3 - 5 < guard_c))
				guard_c = t * 1e-3 - 5;
		}
		if (guard_c == 0)
			guard_c = 85;
		rc = oracle(sim, &w, zd_engine_space(zd), &ref, guard_c, r, &best, err);
	}
	if (rc == 0)
		rc = model_best(zd, model_path, board, f, sim, &w, r, err);
	for (int g = 0; rc == 0 && g < NGOV; g++) {
		rc = sim_run(sim, &w, governors[g], NULL, &out, err);
		r->gov_edp[g] = edp(&out);
	}
	double target = best > 0 ? 0.95 * best : best * 1.05;
	/* zerodvfs: zero-shot, then learning from each run */
	for (int run = 0; rc == 0 && run < o->runs; run++) {
		if (run > 0 && (rc = zd_engine_decide(zd, program, f, NULL, &d, err)) != 0)
			break;
		if ((rc = sim_run(sim, &w, "userspace", &d.decision, &out, err)) != 0)
			break;
		if (run == 0)
			r->zs_edp = edp(&out);
		r->after_edp = edp(&out);
		r->violations_zd += out.hottest_c > guard_c;
		track(run, zd_profiler_reward(&out, &ref), target, &r->zs_runs_to_95);
		rc = zd_engine_learn(zd, &d, "sim", NULL, &out, err);
	}
	/* decision latency of a known program */
	double lat[101];
	for (int i = 0; rc == 0 && i < 101; i++) {
		rc = zd_engine_decide(zd, program, f, NULL, &d, err);
		lat[i] = d.latency_us;
	}
	if (rc == 0) {
		for (int i = 1; i < 101; i++)
			for (int j = i; j > 0 && lat[j - 1] > lat[j]; j--) {
				double t = lat[j];
				lat[j] = lat[j - 1];
				lat[j - 1] = t;
			}
		r->decide_us = lat[50];
	}
	/* qlearn: model-free, exploring */
	unlink(agents);
	struct zd_engine_opts qo = eo;
	qo.model_free = true;
	qo.explore = true;
	if (rc == 0)
		rc = zd_engine_open(&qo, &ql, err);
	if (rc == 0)
		rc = zd_engine_set_reference(ql, program, f, ps.energy_j,
					     perf.makespan_s, err);
	for (int run = 0; rc == 0 && run < o->runs; run++) {
		if ((rc = zd_engine_decide(ql, program, f, NULL, &d, err)) != 0)
			break;
		if ((rc = sim_run(sim, &w, "userspace", &d.decision, &out, err)) != 0)
			break;
		r->ql_edp = edp(&out);
		r->violations_ql += out.hottest_c > guard_c;
		track(run, zd_profiler_reward(&out, &ref), target, &r->ql_runs_to_95);
		rc = zd_engine_learn(ql, &d, "sim", NULL, &out, err);
	}
	/* qlearn's greedy decision after its runs, measured without learning */
	if (rc == 0) {
		zd_engine_set_explore(ql, false);
		rc = zd_engine_decide(ql, program, f, NULL, &d, err);
		if (rc == 0)
			rc = sim_run(sim, &w, "userspace", &d.decision, &out, err);
		if (rc == 0)
			r->ql_edp = edp(&out);
	}
	if (r->zs_runs_to_95 == 0)
		r->zs_runs_to_95 = o->runs + 1;
	if (r->ql_runs_to_95 == 0)
		r->ql_runs_to_95 = o->runs + 1;
	zd_engine_free(zd);
	zd_engine_free(ql);
	unlink(agents);
	zd_features_free(f);
	zd_sim_free(sim);
	return rc;
}

static int board_wanted(const struct bench_opts *o, const char *name)
{
	if (o->nboards == 0)
		return 1;
	for (int i = 0; i < o->nboards; i++)
		if (strcmp(o->boards[i], name) == 0)
			return 1;
	return 0;
}

static int program_wanted(const struct bench_opts *o, const char *name)
{
	if (o->nworkloads == 0)
		return 1;
	for (int i = 0; i < o->nworkloads; i++)
		if (strcmp(o->workloads[i], name) == 0)
			return 1;
	return 0;
}

static double geomean_ratio(const struct result *r, int n, size_t field,
			    size_t base)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += log(*(const double *)((const char *)&r[i] + field) /
			 *(const double *)((const char *)&r[i] + base));
	return n ? exp(s / n) : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void summary(const struct result *r, int n, int runs)
{
	size_t oracle = offsetof(struct result, oracle_edp);
	printf("\n%d (board, program, seed) cases; EDP geometric mean relative to the oracle:\n", n);
	printf("  zerodvfs zero-shot (first run)   %.3f\n",
	       geomean_ratio(r, n, offsetof(struct result, zs_edp), oracle));
	printf("  zerodvfs after %2d runs           %.3f\n", runs,
	       geomean_ratio(r, n, offsetof(struct result, after_edp), oracle));
	printf("  (model's own best reward, all actions %.3f)\n",
	       geomean_ratio(r, n, offsetof(struct result, model_best_edp), oracle));
	printf("  (the best true reward, all actions  %.3f)\n",
	       geomean_ratio(r, n, offsetof(struct result, reward_best_edp), oracle));
	printf("  qlearn after %2d runs             %.3f\n", runs,
	       geomean_ratio(r, n, offsetof(struct result, ql_edp), oracle));
	for (int g = 0; g < NGOV; g++)
		printf("  %-32s %.3f\n", governors[g],
		       geomean_ratio(r, n, offsetof(struct result, gov_edp) +
						   (size_t)g * sizeof(double), oracle));
	int *zs = malloc(sizeof(int) * (size_t)n), *ql = malloc(sizeof(int) * (size_t)n);
	double *ms = malloc(sizeof(double) * (size_t)n), *us = malloc(sizeof(double) * (size_t)n);
	long vz = 0, vq = 0;
	double cost = 0;
	for (int i = 0; i < n; i++) {
		zs[i] = r[i].zs_runs_to_95;
		ql[i] = r[i].ql_runs_to_95;
		ms[i] = r[i].first_decision_ms;
		us[i] = r[i].decide_us;
		vz += r[i].violations_zd;
		vq += r[i].violations_ql;
		cost += r[i].table_cost_s;
	}
	qsort(zs, (size_t)n, sizeof(int), cmp_int);
	qsort(ql, (size_t)n, sizeof(int), cmp_int);
	qsort(ms, (size_t)n, sizeof(double), cmp_double);
	printf("real runs to reach 95%% of the oracle's reward (median; %d = not within %d):\n"
	       "  zerodvfs %d, qlearn %d\n", runs + 1, runs, zs[n / 2], ql[n / 2]);
	printf("thermal violations: zerodvfs %ld, qlearn %ld\n", vz, vq);
	printf("first decision for a new program (features + zero-shot training), median: %.1f ms\n",
	       ms[n / 2]);
	for (int i = 0; i < n; i++)
		ms[i] = r[i].features_ms;
	qsort(ms, (size_t)n, sizeof(double), cmp_double);
	printf("  of which features (cold, no cache), median: %.1f ms\n", ms[n / 2]);
	for (int i = 0; i < n; i++)
		ms[i] = r[i].open_ms;
	qsort(ms, (size_t)n, sizeof(double), cmp_double);
	printf("opening the engine (loading the model), median: %.1f ms\n", ms[n / 2]);
	for (int i = 0; i < n; i++)
		ms[i] = r[i].decide_us;
	qsort(ms, (size_t)n, sizeof(double), cmp_double);
	printf("decision latency for a known program, median: %.1f us\n", ms[n / 2]);
	printf("table (oracle) profiling cost: %.0f s of runs over %d cases\n", cost, n);
	free(zs);
	free(ql);
	free(ms);
	free(us);
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	if (parse_args(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: zerodvfs_bench DB [--boards L] [--workloads L] "
				"[--folds K] [--runs N] [--seeds S] [--csv FILE]\n");
		return 2;
	}
	struct zd_err err = {0};
	struct zd_store *store = NULL;
	struct zd_dataset *ds = NULL;
	struct zd_model_train_opts to = {.seed = 1, .trees = o.trees,
					 .max_depth = o.depth};
	int rc = zd_store_open(o.db, &store, &err);
	if (rc == 0)
		rc = zd_dataset_load(store, &to, &ds, &err);
	zd_store_close(store);
	FILE *csv = o.csv ? fopen(o.csv, "w") : NULL;
	if (csv)
		fprintf(csv, "board,program,seed,oracle_edp,table_cost_s,zs_edp,after_edp,"
			     "qlearn_edp,performance,powersave,ondemand,conservative,"
			     "schedutil,zs_runs_to_95,ql_runs_to_95,violations_zd,"
			     "violations_ql,first_decision_ms,decide_us\n");
	struct result *results = NULL;
	int nres = 0;
	char model_path[256];
	snprintf(model_path, sizeof(model_path), "/tmp/zdvfs-bench-model-%d.json", getpid());
	bool *train = rc == 0 ? calloc((size_t)ds->nprograms, sizeof(bool)) : NULL;
	for (int k = 0; rc == 0 && k < o.folds; k++) {
		int held = 0;
		if (o.one_fold && k > 0)
			break;
		for (int p = 0; p < ds->nprograms; p++) {
			train[p] = o.one_fold ? !program_wanted(&o, ds->programs[p].name)
					      : p % o.folds != k;
			held += !train[p] && program_wanted(&o, ds->programs[p].name);
		}
		if (held == 0)
			continue;
		struct zd_ds_filter flt = {.program_ok = train};
		struct zd_model *m = NULL;
		double t0 = zd_monotonic_s();
		if ((rc = zd_model_fit(ds, &flt, &to, &m, &err)) != 0 ||
		    (rc = zd_model_save(m, model_path, &err)) != 0)
			break;
		fprintf(stderr, "fold %d/%d: model trained in %.0f s\n", k + 1, o.folds,
			zd_monotonic_s() - t0);
		for (int b = 0; rc == 0 && b < ds->nboards; b++) {
			if (!board_wanted(&o, ds->boards[b].name))
				continue;
			for (int p = 0; rc == 0 && p < ds->nprograms; p++) {
				if (train[p] || !program_wanted(&o, ds->programs[p].name))
					continue;
				for (int s = 1; rc == 0 && s <= o.seeds; s++) {
					struct result r;
					rc = bench_program(&(struct fold_ctx){.o = &o}, m, model_path,
							   ds->boards[b].board,
							   ds->programs[p].name, s, &r, &err);
					if (rc != 0)
						break;
					struct result *nr = realloc(results, sizeof(*nr) * (size_t)(nres + 1));
					if (!nr) {
						rc = zd_fail(&err, ENOMEM, "out of memory");
						break;
					}
					results = nr;
					results[nres++] = r;
					fprintf(stderr, "%s %s: zero-shot %.3f, after %d %.3f, qlearn %.3f x oracle\n",
						ds->boards[b].name, ds->programs[p].name,
						r.zs_edp / r.oracle_edp, o.runs,
						r.after_edp / r.oracle_edp, r.ql_edp / r.oracle_edp);
					if (csv)
						fprintf(csv, "%s,%s,%d,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g,%d,%d,%d,%d,%.3f,%.2f\n",
							ds->boards[b].name, ds->programs[p].name, s,
							r.oracle_edp, r.table_cost_s, r.zs_edp, r.after_edp,
							r.ql_edp, r.gov_edp[0], r.gov_edp[1], r.gov_edp[2],
							r.gov_edp[3], r.gov_edp[4], r.zs_runs_to_95,
							r.ql_runs_to_95, r.violations_zd, r.violations_ql,
							r.first_decision_ms, r.decide_us);
				}
			}
		}
		zd_model_free(m);
	}
	unlink(model_path);
	if (csv)
		fclose(csv);
	if (rc != 0)
		fprintf(stderr, "zerodvfs_bench: %s\n", err.msg);
	else if (nres)
		summary(results, nres, o.runs);
	free(results);
	free(train);
	zd_dataset_free(ds);
	return rc ? 1 : 0;
}
