/* pair.c - the rows of one board and workload: governors, table, qlearn
 * and zerodvfs through the policy interface, each run from ambient. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pair.h"
#include "zdvfs/agent.h"
#include "zdvfs/board.h"
#include "zdvfs/engine.h"
#include "zdvfs/learned.h"
#include "zdvfs/clock.h"
#include "zdvfs/sim.h"
#include "zdvfs/sweep.h"
#include "zdvfs/workload.h"

/* ---- timing a policy's decision ---------------------------------------- */

/* A copy of a policy's operations whose start is timed: the simulator
 * calls start itself, so the time is taken inside it. The policy points at
 * `ops`, the first member, and start finds the rest from there. */
struct timed_policy {
	struct zd_policy_ops ops;
	const struct zd_policy_ops *inner;
	double start_us;
	struct zd_decision decision;
};

static int timed_start(struct zd_policy *pol, struct zd_decision *d,
		       struct zd_err *err)
{
	struct timed_policy *t = (struct timed_policy *)(uintptr_t)pol->ops;
	double t0 = zd_monotonic_s();
	int rc = t->inner->start(pol, d, err);
	t->start_us = (zd_monotonic_s() - t0) * 1e6;
	if (rc == 0)
		t->decision = *d;
	return rc;
}

static void time_policy(struct zd_policy *pol, struct timed_policy *t)
{
	memset(t, 0, sizeof(*t));
	t->inner = pol->ops;
	t->ops = *pol->ops;
	t->ops.start = timed_start;
	pol->ops = &t->ops;
}

/* ---- one pair ------------------------------------------------------------ */

struct pair {
	const struct bench_plan *p;
	const struct bench_board *board;
	const struct bench_workload *wl;
	const struct bench_sink *sink;
	struct zd_sim_workload w;
	int seed;
	struct zd_sim *sim;   /* the runs the rows report */
	struct zd_sim *probe; /* references and the table's sweep */
	struct zd_action_space space;
	struct zd_reward_ref ref;
	bool have_ref;
	int session_runs; /* sustained: program runs per row */
	bool table_written;
};

/* A row of results.csv. */
struct row {
	const char *policy;
	int run;
	struct zd_outcome o;
	double latency_us, reward;
	bool has_predicted;
	struct zd_outcome predicted;
	char decision[128];
};

static int new_sim(const struct pair *pr, struct zd_sim **sim,
		   struct zd_err *err)
{
	struct zd_board *b = NULL;
	int rc =
	    zd_board_load(pr->board->base, pr->p->o->platform_dir, &b, err);
	if (rc == 0 && pr->board->perturbed)
		bench_perturb_apply(&pr->p->perturb, b);
	if (rc == 0)
		rc = zd_sim_new(b, (uint64_t)pr->seed, sim, err); /* owns b */
	const char *sc = pr->p->o->scenario;
	if (rc == 0 && sc != NULL && strcmp(sc, "hot") == 0) {
		zd_sim_set_ambient_mc(*sim, BENCH_HOT_AMBIENT_MC);
		zd_sim_reset(*sim);
	}
	return rc;
}

/* A run from ambient under a fixed decision (userspace) or a governor
 * with the default CPUs (d NULL), no trace. */
static int run_fixed(struct zd_sim *sim, const struct zd_sim_workload *w,
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
	int rc = zd_policy_new(policy, zd_sim_info(sim), &cpus, &pol, err);
	if (rc == 0 && d)
		memcpy(pol->fixed_khz, d->khz, sizeof(pol->fixed_khz));
	zd_sim_reset(sim);
	if (rc == 0)
		rc = zd_sim_run(sim, w, pol, &res, NULL, NULL, err);
	zd_policy_free(pol);
	if (rc == 0)
		zd_outcome_from_sim(&res, o);
	return rc;
}

/* The reward's references: the program's powersave energy and performance
 * makespan on this board, measured on the probe. */
static int measure_refs(struct pair *pr, struct zd_err *err)
{
	struct zd_outcome perf, ps;
	if (pr->have_ref)
		return 0;
	int rc = run_fixed(pr->probe, &pr->w, "performance", NULL, &perf, err);
	if (rc == 0)
		rc = run_fixed(pr->probe, &pr->w, "powersave", NULL, &ps, err);
	if (rc != 0)
		return rc;
	pr->ref.energy_ps_j = ps.energy_j;
	pr->ref.makespan_perf_s = perf.makespan_s;
	pr->have_ref = true;
	double n = ceil(BENCH_SUSTAINED_S / perf.makespan_s);
	pr->session_runs =
	    n > BENCH_SUSTAINED_MAX_RUNS ? BENCH_SUSTAINED_MAX_RUNS : (int)n;
	return 0;
}

/* The table's way to measure a decision: a run from ambient on the probe,
 * so that the rows' simulator is untouched by the sweep. */
static int measure_decision(void *ctx, const struct zd_decision *d,
			    struct zd_outcome *o, struct zd_err *err)
{
	struct pair *pr = ctx;
	return run_fixed(pr->probe, &pr->w, "userspace", d, o, err);
}

/* ---- traces ------------------------------------------------------------ */

struct trace {
	FILE *f;
	int nzones;
	double t0_s; /* when this program run began in the row's session */
	double every_s, last_s; /* a sustained session: a line per every_s */
};

static void trace_step(void *ctx, const struct zd_sim_sample *s)
{
	struct trace *t = ctx;
	struct zd_sim_sample shifted = *s;
	shifted.t_s += t->t0_s; /* a session's runs follow each other */
	s = &shifted;
	if (t->every_s > 0 && s->t_s - t->last_s < t->every_s)
		return;
	t->last_s = s->t_s;
	int hottest = s->temp_mc[0];
	for (int z = 1; z < t->nzones; z++)
		if (s->temp_mc[z] > hottest)
			hottest = s->temp_mc[z];
	fprintf(t->f, "%.6g,%.6g,%.6g,%.6g\n", s->t_s, s->power_w,
		hottest / 1000.0, s->progress);
}

static bool trace_wanted(const struct pair *pr, int run)
{
	return pr->wl == &pr->p->workloads[0] && pr->seed == 1 && run == 0;
}

static int trace_open(const struct pair *pr, const char *policy,
		      struct trace *t, char *path, struct zd_err *err)
{
	if (bench_path(pr->p, path, "traces/%s__%s__%s.csv", pr->board->name,
		       pr->wl->name, policy) != 0)
		return zd_fail(err, ENAMETOOLONG, "trace path too long");
	t->f = fopen(path, "we");
	if (t->f == NULL)
		return zd_fail(err, errno, "cannot write %s: %s", path,
			       strerror(errno));
	t->nzones = zd_sim_board(pr->sim)->nzones;
	fprintf(t->f, "t_s,power_w,hottest_c,progress\n");
	return 0;
}

static int trace_close(struct trace *t, const char *path, struct zd_err *err)
{
	if (t->f == NULL)
		return 0;
	int bad = ferror(t->f);
	if (fclose(t->f) != 0 || bad)
		return zd_fail(err, EIO, "cannot write %s", path);
	t->f = NULL;
	return 0;
}

/* ---- one run ------------------------------------------------------------ */

/* The decision as an action, its clusters apart by ';' since CSV fields
 * hold no comma ("denver=2@11;a57=3@5"); empty if it is none of the
 * board's actions. */
static void decision_text(const struct zd_action_space *s,
			  const struct zd_decision *d, char *buf, size_t len)
{
	struct zd_action a;
	memset(&a, 0, sizeof(a));
	buf[0] = '\0';
	int total = 0;
	for (int c = 0; c < s->nclusters; c++) {
		struct zd_cpuset in = d->cpus;
		zd_cpuset_and(&in, &s->usable[c]);
		a.cores[c] = zd_cpuset_count(&in);
		total += a.cores[c];
		a.level[c] = -1;
		for (int l = 0; l < s->nlevels[c]; l++)
			if (s->khz[c][l] == d->khz[c])
				a.level[c] = l;
		if (a.cores[c] == 0)
			a.level[c] = 0;
		if (a.level[c] < 0)
			return;
	}
	if (total != zd_cpuset_count(&d->cpus) || zd_action_index(s, &a) < 0)
		return;
	if (zd_action_format(s, &a, buf, len) != 0)
		buf[0] = '\0';
	for (char *c = strchr(buf, ','); c; c = strchr(c, ','))
		*c = ';';
}

/* The bench's thermal scenario (docs/bench-format.md): cold, from
 * ambient; idle, from the board's idle temperature; hot, from the idle
 * temperature at 35 °C ambient (set on the sims); sustained, from idle, the
 * program back to back session_runs times, heat carried over, the row
 * holding the mean run, the peak and the throttled time of the session. */
static int scenario_run(struct pair *pr, struct zd_policy *pol,
			struct zd_sim_result *res, struct trace *t,
			struct zd_err *err)
{
	const char *sc = pr->p->o->scenario ? pr->p->o->scenario : "cold";
	zd_sim_reset(pr->sim);
	if (strcmp(sc, "cold") != 0)
		zd_sim_idle_steady(pr->sim);
	zd_sim_trace_fn fn = t->f ? trace_step : NULL;
	t->every_s = strcmp(sc, "sustained") == 0 ? 0.5 : 0;
	t->last_s = -INFINITY;
	if (strcmp(sc, "sustained") != 0)
		return zd_sim_run(pr->sim, &pr->w, pol, res, fn, t, err);
	struct zd_sim_result one, sum;
	memset(&sum, 0, sizeof(sum));
	int n = pr->session_runs > 0 ? pr->session_runs : 1;
	for (int i = 0; i < n; i++) {
		int rc = zd_sim_run(pr->sim, &pr->w, pol, &one, fn, t, err);
		if (rc != 0)
			return rc;
		t->t0_s += one.makespan_s;
		sum.makespan_s += one.makespan_s;
		sum.energy_j += one.energy_j;
		sum.cpu_energy_j += one.cpu_energy_j;
		sum.throttled_s += one.throttled_s;
		sum.steps += one.steps;
		sum.nzones = one.nzones;
		for (int z = 0; z < one.nzones; z++) {
			if (i == 0 || one.peak_mc[z] > sum.peak_mc[z])
				sum.peak_mc[z] = one.peak_mc[z];
			sum.final_mc[z] = one.final_mc[z];
		}
	}
	*res = sum;
	res->makespan_s = sum.makespan_s / n;
	res->energy_j = sum.energy_j / n;
	res->cpu_energy_j = sum.cpu_energy_j / n;
	res->avg_power_w = sum.energy_j / sum.makespan_s;
	res->measured_energy_j = NAN;
	res->measured_cpu_energy_j = NAN;
	return 0;
}

/* Run pol (created and attached by the caller) in the bench's scenario
 * into row. */
static int run_policy(struct pair *pr, struct zd_policy *pol, struct row *row,
		      struct zd_err *err)
{
	struct timed_policy timed;
	struct zd_sim_result res;
	struct trace t = {0};
	char path[PATH_MAX];
	bool reactive = zd_policy_period_us(pol) > 0;
	int rc = 0;
	time_policy(pol, &timed);
	if (trace_wanted(pr, row->run))
		rc = trace_open(pr, row->policy, &t, path, err);
	if (rc == 0)
		rc = scenario_run(pr, pol, &res, &t, err);
	int trc = trace_close(&t, path, err);
	pol->ops = timed.inner;
	if (rc != 0 || trc != 0)
		return rc != 0 ? rc : trc;
	zd_outcome_from_sim(&res, &row->o);
	row->latency_us = timed.start_us;
	row->reward = zd_profiler_reward(&row->o, &pr->ref);
	if (!reactive)
		decision_text(&pr->space, &timed.decision, row->decision,
			      sizeof(row->decision));
	return 0;
}

static int emit_row(struct pair *pr, const struct row *r, struct zd_err *err)
{
	char predicted[128] = ",,";
	if (r->has_predicted)
		snprintf(predicted, sizeof(predicted), "%.9g,%.9g,%.6g",
			 r->predicted.makespan_s, r->predicted.energy_j,
			 r->predicted.hottest_c);
	FILE *f = pr->sink->results;
	fprintf(f,
		"%s,%s,%s,%d,%d,%.9g,%.9g,%.9g,%.6g,%.6g,%d,%.6g,%.9g,%s,%s,"
		"%.9g\n",
		pr->board->name, pr->wl->name, r->policy, pr->seed, r->run,
		r->o.makespan_s, r->o.energy_j, r->o.avg_power_w,
		r->o.hottest_c, r->o.throttled_s,
		r->o.hottest_c > pr->board->limit_c ? 1 : 0, r->latency_us,
		r->reward, predicted, r->decision, r->o.cpu_energy_j);
	if (fflush(f) != 0 || ferror(f))
		return zd_fail(err, EIO, "cannot write the results of %s %s",
			       pr->board->name, pr->wl->name);
	pr->sink->row(pr->sink->ctx, pr->board->name, pr->wl->name, r->policy,
		      true);
	return 0;
}

static bool row_done(const struct pair *pr, const char *policy, int run)
{
	char seed[16], runs[16];
	snprintf(seed, sizeof(seed), "%d", pr->seed);
	snprintf(runs, sizeof(runs), "%d", run);
	const char *key[] = {pr->board->name, pr->wl->name, policy, seed, runs};
	return bench_rows_has(&pr->p->results, key);
}

static void report_skipped(const struct pair *pr, const char *policy)
{
	pr->sink->row(pr->sink->ctx, pr->board->name, pr->wl->name, policy,
		      false);
}

static int after_row(const struct pair *pr)
{
	return bench_stop_asked(pr->p) ? ZD_BENCH_INTERRUPTED : 0;
}

/* ---- governors and the table ------------------------------------------- */

static int governor_run(struct pair *pr, const char *policy, int run,
			struct zd_err *err)
{
	struct zd_policy *pol = NULL;
	struct zd_cpuset cpus;
	struct row row = {.policy = policy, .run = run};
	zd_sim_default_cpus(pr->sim, &cpus);
	int rc = zd_policy_new(policy, zd_sim_info(pr->sim), &cpus, &pol, err);
	if (rc == 0)
		rc = run_policy(pr, pol, &row, err);
	zd_policy_free(pol);
	return rc == 0 ? emit_row(pr, &row, err) : rc;
}

/* table.csv: what the sweep cost, once per board and workload. */
static int emit_table(struct pair *pr, const struct zd_policy_program *prog,
		      struct zd_err *err)
{
	const char *key[] = {pr->board->name, pr->wl->name};
	if (pr->table_written || bench_rows_has(&pr->p->tables, key))
		return 0;
	FILE *f = pr->sink->table;
	fprintf(f, "%s,%s,%d,%.9g\n", pr->board->name, pr->wl->name,
		prog->table_runs, prog->table_cost_s);
	if (fflush(f) != 0 || ferror(f))
		return zd_fail(err, EIO, "cannot write the table cost of %s %s",
			       pr->board->name, pr->wl->name);
	pr->table_written = true;
	return 0;
}

/* The table sweeps once per seed (its first run's decision time holds the
 * sweep's computation, not its simulated duration) and repeats its pick. */
/* The indices of the table's grid (--table-grid); NULL for every decision. */
static int table_candidates(const struct pair *pr, int **out, int *count,
			    struct zd_err *err)
{
	*out = NULL;
	*count = 0;
	if (pr->board->table_levels == 0)
		return 0;
	struct zd_action *grid = NULL;
	int n = 0;
	int rc =
	    zd_sweep_grid(&pr->space, pr->board->table_levels, &grid, &n, err);
	int *idx = rc == 0 ? malloc(sizeof(*idx) * (size_t)(n ? n : 1)) : NULL;
	if (rc == 0 && idx == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < n; i++)
		idx[i] = zd_action_index(&pr->space, &grid[i]);
	free(grid);
	if (rc != 0) {
		free(idx);
		return rc;
	}
	*out = idx;
	*count = n;
	return 0;
}

static int table_runs(struct pair *pr, struct zd_err *err)
{
	struct zd_policy_program prog;
	zd_policy_program_init(&prog, pr->wl->name, pr->wl->features);
	prog.space = &pr->space;
	prog.measure = measure_decision;
	prog.measure_ctx = pr;
	prog.limit_c = pr->board->limit_c;
	int *candidates = NULL;
	int rc = table_candidates(pr, &candidates, &prog.ncandidates, err);
	prog.candidates = candidates;
	for (int run = 0; rc == 0 && run < pr->p->runs; run++) {
		if (row_done(pr, "table", run)) {
			report_skipped(pr, "table");
			continue;
		}
		struct zd_policy *pol = NULL;
		struct zd_cpuset cpus;
		struct row row = {.policy = "table", .run = run};
		bool sweeps = prog.table_best < 0;
		zd_sim_default_cpus(pr->sim, &cpus);
		rc = zd_policy_new("table", zd_sim_info(pr->sim), &cpus, &pol,
				   err);
		if (rc == 0) {
			zd_policy_attach(pol, &prog);
			rc = run_policy(pr, pol, &row, err);
		}
		zd_policy_free(pol);
		if (rc == 0 && sweeps)
			rc = emit_table(pr, &prog, err);
		if (rc == 0)
			rc = emit_row(pr, &row, err);
		if (rc == 0)
			rc = after_row(pr);
	}
	free(candidates);
	return rc;
}

static int fixed_runs(struct pair *pr, const char *policy, struct zd_err *err)
{
	if (strcmp(policy, "table") == 0)
		return table_runs(pr, err);
	int rc = 0;
	for (int run = 0; rc == 0 && run < pr->p->runs; run++) {
		if (row_done(pr, policy, run)) {
			report_skipped(pr, policy);
			continue;
		}
		rc = governor_run(pr, policy, run, err);
		if (rc == 0)
			rc = after_row(pr);
	}
	return rc;
}

/* ---- qlearn and zerodvfs ------------------------------------------------ */

/* The engine decides with the board's description, never the perturbed
 * simulator's: a real board differs from what its description says. */
static int open_engine(struct pair *pr, const char *policy,
		       const struct zd_board *described, struct zd_engine **e,
		       struct zd_err *err)
{
	bool model_free = strcmp(policy, "qlearn") == 0;
	char model[PATH_MAX], agents[PATH_MAX];
	if (bench_fold_path(pr->p, bench_fold_of(pr->p, pr->wl), model) != 0 ||
	    bench_path(pr->p, agents, "agents/%s__%s__%s__seed%d.json",
		       pr->board->name, pr->wl->name, policy, pr->seed) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s: path too long",
			       pr->p->dir);
	/* a series starts with fresh agents: what an interrupted one left
	 * must not leak into it */
	if (unlink(agents) != 0 && errno != ENOENT)
		return zd_fail(err, errno, "cannot remove %s: %s", agents,
			       strerror(errno));
	struct zd_engine_opts eo = {
	    .board = described,
	    .model_path = model, /* not read when model_free */
	    .agents_path = agents,
	    .model_free = model_free,
	    .explore = model_free,
	    .policy_name = policy,
	    .seed = (uint64_t)pr->seed,
	};
	int rc = zd_engine_open(&eo, e, err);
	if (rc == 0 && model_free)
		rc = zd_engine_set_reference(*e, pr->wl->name, pr->wl->features,
					     pr->ref.energy_ps_j,
					     pr->ref.makespan_perf_s, err);
	return rc;
}

/* One run of a learning series, then what it teaches. */
static int learning_run(struct pair *pr, const char *policy, int run,
			struct zd_policy_program *prog, struct zd_err *err)
{
	struct zd_policy *pol = NULL;
	struct zd_cpuset cpus;
	struct row row = {.policy = policy, .run = run};
	zd_sim_default_cpus(pr->sim, &cpus);
	int rc = zd_policy_new(policy, zd_sim_info(pr->sim), &cpus, &pol, err);
	if (rc == 0) {
		zd_policy_attach(pol, prog);
		rc = run_policy(pr, pol, &row, err);
	}
	zd_policy_free(pol);
	if (rc == 0 && strcmp(policy, "zerodvfs") == 0) {
		row.has_predicted = true;
		row.predicted = prog->last.predicted;
	}
	if (rc == 0)
		rc = zd_engine_learn(prog->engine, &prog->last,
				     NULL /* not stored */, NULL, &row.o, err);
	return rc == 0 ? emit_row(pr, &row, err) : rc;
}

/* The whole series of a seed, from run 0 with fresh agents, unless every
 * run of it is done. */
static int learning_series(struct pair *pr, const char *policy,
			   struct zd_err *err)
{
	bool complete = true;
	for (int run = 0; run < pr->p->runs; run++)
		complete = complete && row_done(pr, policy, run);
	if (complete) {
		for (int run = 0; run < pr->p->runs; run++)
			report_skipped(pr, policy);
		return 0;
	}
	struct zd_engine *e = NULL;
	struct zd_board *described = NULL;
	struct zd_policy_program prog;
	zd_policy_program_init(&prog, pr->wl->name, pr->wl->features);
	int rc = zd_board_load(pr->board->base, pr->p->o->platform_dir,
			       &described, err);
	if (rc == 0)
		rc = open_engine(pr, policy, described, &e, err);
	prog.engine = e;
	for (int run = 0; rc == 0 && run < pr->p->runs; run++) {
		rc = learning_run(pr, policy, run, &prog, err);
		if (rc == 0)
			rc = after_row(pr);
	}
	if (e != NULL) {
		struct zd_err cerr = {0};
		int crc = zd_engine_close(e, &cerr); /* saves the agents */
		if (crc != 0 && rc == 0)
			rc = zd_fail(err, -crc, "%s", cerr.msg);
	}
	zd_board_free(described);
	return rc;
}

/* ---- the pair ------------------------------------------------------------ */

static bool seed_done(const struct pair *pr)
{
	for (int i = 0; i < pr->p->npolicies; i++)
		for (int run = 0; run < pr->p->runs; run++)
			if (!row_done(pr, pr->p->policies[i], run))
				return false;
	return true;
}

static int run_seed(struct pair *pr, struct zd_err *err)
{
	if (seed_done(pr)) {
		for (int i = 0; i < pr->p->npolicies; i++)
			for (int run = 0; run < pr->p->runs; run++)
				report_skipped(pr, pr->p->policies[i]);
		return 0;
	}
	int rc = new_sim(pr, &pr->sim, err);
	if (rc == 0)
		rc = new_sim(pr, &pr->probe, err);
	if (rc == 0)
		rc = zd_action_space_init(&pr->space, zd_sim_board(pr->sim),
					  err);
	pr->have_ref = false;
	if (rc == 0)
		rc = measure_refs(pr, err);
	for (int i = 0; rc == 0 && i < pr->p->npolicies; i++) {
		const char *policy = pr->p->policies[i];
		rc = bench_policy_learns(policy)
		    ? learning_series(pr, policy, err)
		    : fixed_runs(pr, policy, err);
	}
	zd_sim_free(pr->sim);
	zd_sim_free(pr->probe);
	pr->sim = pr->probe = NULL;
	return rc;
}

int bench_pair_run(const struct bench_plan *p, int board, int workload,
		   const struct bench_sink *sink, struct zd_err *err)
{
	struct pair pr = {
	    .p = p,
	    .board = &p->boards[board],
	    .wl = &p->workloads[workload],
	    .sink = sink,
	};
	char path[PATH_MAX];
	int rc = 0;
	if (pr.wl->user) {
		if (snprintf(path, sizeof(path), "%s/%s/%s.json",
			     p->o->profiles_dir, pr.board->base,
			     pr.wl->name) >= (int)sizeof(path))
			rc = zd_bad_input(err, "%s: path too long",
					  p->o->profiles_dir);
		if (rc == 0)
			rc = zd_profile_load_file(path, pr.board->base, &pr.w,
						  err);
	} else {
		rc = zd_profile_load(p->o->workload_dir, pr.board->base,
				     pr.wl->name, &pr.w, err);
	}
	for (int seed = 1; rc == 0 && seed <= p->seeds; seed++) {
		pr.seed = seed;
		rc = run_seed(&pr, err);
	}
	return rc;
}
