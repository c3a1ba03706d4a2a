/* engine.c - ZeroDVFS for one board: model + agents + guard + store.
 * docs/agents.md explains the loop; this file wires the parts. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/model_json.h"
#include "features/features_json.h"
#include "correct.h"
#include "encode.h"
#include "zdvfs/agent.h"
#include "zdvfs/engine.h"
#include "zdvfs/clock.h"

#define STATE_DIM (ZD_NCOLS_PROGRAM + ZD_NCOLS_START)
/* The corrected model decides (choose()); the agents' zero-shot planning
 * is kept short so the first decision stays under 100 ms */
#define DEFAULT_ZERO_SHOT_STEPS 50
#define UPDATES_PER_REAL 4
#define DEFAULT_LOOKAHEAD 16
/* decisions checked for heat before falling back to the coolest */
#define HEAT_CHECKS 64

/* Real runs of one decision of a program: sums for the means. */
struct measured_action {
	int index;
	int n;
	double energy_j, makespan_s, hottest_c;
};

/* A program the engine decided for in this process. */
struct engine_program {
	char name[64];
	float state[STATE_DIM];
	struct zd_model_query *query;
	struct zd_reward_ref ref;
	char *features_json;
	bool measured;                /* its scale comes from a real run */
	bool ref_measured;            /* ref holds measured references */
	struct measured_action *meas; /* what real runs of it did */
	int nmeas;
	/* what its runs teach about every decision (model mode) */
	struct zd_correction corr;
	bool corr_ready; /* corr.pts predicted at corr_start */
	int corr_start_mc[ZD_MAX_ZONES];
	long refused_runs; /* stored runs not learnt from */
	/* every decision's corrected ln EDP and its sd, refreshed when a run
	 * is learnt (so deciding only reads them) */
	float *edp_mu, *edp_sd;
	bool edp_ready;
	/* the last full forecast (with temperatures), at corr_start: the
	 * guard's check and the decision's forecast are the same one */
	int full_index; /* -1: none */
	struct zd_outcome full;
};

struct zd_engine {
	struct zd_engine_opts opts;
	struct zd_board_prior prior;
	struct zd_model *model;
	struct zd_profiler_agent *profiler;
	struct zd_thermal_agent *thermal;
	struct zd_dyna *dyna;
	struct zd_env env;
	char agents_path[4096];
	bool dirty;
	struct engine_program *programs;
	int nprograms;
	struct engine_program *cur;
	int start_mc[ZD_MAX_ZONES];
	struct zd_cpuset last_used;
	double *mu, *score; /* per decision, deciding scratch */
};

/* ---- the program's corrections (correct.h) -------------------------- */

static double hottest_start_c(const struct zd_engine *e, const int *start_mc)
{
	double hot = -INFINITY;
	for (int z = 0; z < e->prior.nzones; z++)
		hot = fmax(hot, start_mc[z] * 1e-3);
	return hot;
}

/* Starts within two degrees predict alike (the model's time and power
 * barely move with them; re-predicting every decision costs milliseconds). */
static bool same_start(const struct zd_engine *e, const int *a, const int *b)
{
	for (int z = 0; z < e->prior.nzones; z++)
		if (abs(a[z] - b[z]) > 2000)
			return false;
	return true;
}

static void point_descriptors(const struct zd_engine *e,
			      const struct zd_action *a,
			      struct zd_corr_point *pt)
{
	float row[ZD_NCOLS_RUN];
	zd_encode_action(&e->prior, a, row);
	const float *r = row + ZD_COL_ACTION;
	/* capacity, fastest core, cores (relative), nominal power / TDP */
	float lcap = logf(fmaxf(r[0], 1e-6f)), lfast = logf(fmaxf(r[1], 1e-6f));
	float lcores = logf(fmaxf(r[2], 1e-6f)),
	      lpow = logf(fmaxf(r[4], 1e-6f));
	pt->phi_t[0] = 1.0f;
	pt->phi_t[2] = lcap;
	pt->phi_t[3] = lfast;
	pt->phi_t[4] = lcores;
	/* the slowest active core against the fastest: a static loop waits
	 * for it, which the model may miss on a board of unequal clusters */
	const struct zd_board *b = e->prior.board;
	double slow = INFINITY, fast = 0;
	for (int c = 0; c < b->nclusters; c++) {
		if (!a->cores[c])
			continue;
		double rate = zd_cluster_run_opp(&b->clusters[c], a->level[c],
						 a->cores[c])
				  .khz *
		    (b->clusters[c].speed_rel.present
			 ? b->clusters[c].speed_rel.value
			 : 1.0);
		slow = fmin(slow, rate);
		fast = fmax(fast, rate);
	}
	pt->phi_t[5] = fast > 0 ? (float)log(slow / fast) : 0.0f;
	pt->phi_p[0] = 1.0f;
	pt->phi_p[2] = lpow;
	pt->phi_p[3] = lcores;
}

/* The shape of the program's response, point i against all cores at the
 * top (ref_t, ref_p: the model's ln makespan and ln power there). With a
 * population response (docs/agents.md, "The population prior") the point
 * starts from the programs' average shape at the model's own scale, and the
 * model's shape for this program is a descriptor its runs may weigh in:
 * held out, the model's per-program shape ranked decisions worse than the
 * average shape did. Without one, the model's shape is the start. */
static void response_shape(struct engine_program *p, int i, float ref_t,
			   float ref_p)
{
	struct zd_corr_point *pt = &p->corr.pts[i];
	float model_t = pt->log_t - ref_t, model_p = pt->log_p - ref_p;
	double pop_t, pop_p;
	if (zd_model_query_population(p->query, i, &pop_t, &pop_p)) {
		pt->log_t = ref_t + (float)pop_t;
		pt->log_p = ref_p + (float)pop_p;
		pt->phi_t[1] = model_t - (float)pop_t;
		pt->phi_p[1] = model_p - (float)pop_p;
		return;
	}
	pt->phi_t[1] = model_t;
	pt->phi_p[1] = model_p;
}

/* The model's makespan and power for every decision at the current start,
 * once per program and start: corrections apply to these. */
static int build_points(struct zd_engine *e, struct engine_program *p,
			struct zd_err *err)
{
	if (!p->query)
		return 0;
	const struct zd_action_space *sp = &e->prior.space;
	int rc = 0;
	if (!p->corr.pts &&
	    (rc = zd_corr_init(&p->corr, sp->count, NULL, err)) != 0)
		return rc;
	if (p->corr_ready && same_start(e, p->corr_start_mc, e->start_mc))
		return 0;
	/* every decision's forecast at once (the query's space is the
	 * board's, as the engine's) */
	if (zd_model_query_space(p->query)->count != sp->count)
		return zd_fail(err, EINVAL,
			       "engine: the model's decisions are not the "
			       "board's");
	double *ms = malloc(sizeof(*ms) * (size_t)sp->count);
	double *pw = malloc(sizeof(*pw) * (size_t)sp->count);
	if (!ms || !pw) {
		free(ms);
		free(pw);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	zd_model_predict_perf_all(p->query, ms, pw);
	for (int i = 0; i < sp->count; i++) {
		struct zd_action a;
		struct zd_corr_point *pt = &p->corr.pts[i];
		zd_action_at(sp, i, &a);
		pt->log_t = (float)log(fmax(ms[i], 1e-9));
		pt->log_p = (float)log(fmax(pw[i], 1e-9));
		pt->hot_rise = NAN;
		point_descriptors(e, &a, pt);
	}
	free(ms);
	free(pw);
	/* the model's own response, relative to all cores at the top */
	struct zd_action top;
	zd_action_max(sp, &top);
	const struct zd_corr_point *ref =
	    &p->corr.pts[zd_action_index(sp, &top)];
	float ref_t = ref->log_t, ref_p = ref->log_p;
	for (int i = 0; i < sp->count; i++)
		response_shape(p, i, ref_t, ref_p);
	memcpy(p->corr_start_mc, e->start_mc, sizeof(p->corr_start_mc));
	p->corr_ready = true;
	p->edp_ready = false;
	p->full_index = -1;
	return 0;
}

/* The model's full forecast of decision i at the points' start. */
static void full_forecast(struct zd_engine *e, struct engine_program *p, int i,
			  struct zd_outcome *o)
{
	if (p->full_index != i ||
	    !same_start(e, e->start_mc, p->corr_start_mc)) {
		struct zd_action a;
		zd_action_at(&e->prior.space, i, &a);
		zd_model_predict(p->query, &a, &p->full);
		p->full_index =
		    same_start(e, e->start_mc, p->corr_start_mc) ? i : -1;
		*o = p->full;
		return;
	}
	*o = p->full;
}

/* Every decision's corrected ln EDP and sd, after the corrections changed
 * (a run learnt, the points re-predicted). */
static int refresh_edp(struct engine_program *p, struct zd_err *err)
{
	if (!p->corr_ready || p->edp_ready)
		return 0;
	int n = p->corr.count;
	if (!p->edp_mu) {
		p->edp_mu = malloc((size_t)n * sizeof(*p->edp_mu));
		p->edp_sd = malloc((size_t)n * sizeof(*p->edp_sd));
		if (!p->edp_mu || !p->edp_sd)
			return zd_fail(err, ENOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		struct zd_corr_pred cp;
		zd_corr_predict(&p->corr, i, &cp);
		p->edp_mu[i] = (float)cp.log_edp;
		p->edp_sd[i] = (float)cp.sd_edp;
	}
	p->edp_ready = true;
	return 0;
}

/* The model's predicted rise of the hottest zone for decision i (lazily:
 * a full prediction costs three times a makespan-and-power one). */
static double point_rise(struct zd_engine *e, struct engine_program *p, int i)
{
	struct zd_corr_point *pt = &p->corr.pts[i];
	if (isnan(pt->hot_rise)) {
		struct zd_outcome o;
		full_forecast(e, p, i, &o);
		pt->hot_rise =
		    (float)(o.hottest_c - hottest_start_c(e, p->corr_start_mc));
	}
	return pt->hot_rise;
}

/* Decision i's hottest peak: measured if it ran, else predicted with the
 * heating correction (its mean, or its upper bound when `cautious`). */
static double point_hottest(struct zd_engine *e, struct engine_program *p,
			    int i, bool cautious)
{
	const struct zd_corr_meas *m = zd_corr_measured(&p->corr, i);
	if (m)
		return m->hottest_c;
	double factor, upper;
	zd_corr_heat(&p->corr, &factor, &upper);
	double rise = point_rise(e, p, i);
	return hottest_start_c(e, p->corr_start_mc) +
	    rise * (cautious && rise > 0 ? upper : factor);
}

/* The model's forecast of `a`, corrected by the program's runs: makespan
 * and power over every decision, temperatures by the heating factor.
 * `cached`: keep the full forecast for the decision's next use (deciding;
 * not the synthetic steps, which would evict it). */
static void corrected_outcome(struct zd_engine *e, struct engine_program *p,
			      const struct zd_action *a, bool full, bool cached,
			      struct zd_outcome *o)
{
	int i = zd_action_index(&e->prior.space, a);
	if (!p->corr_ready || i < 0) {
		if (full)
			zd_model_predict(p->query, a, o);
		else
			zd_model_predict_perf(p->query, a, o);
		return;
	}
	struct zd_corr_pred cp;
	zd_corr_predict(&p->corr, i, &cp);
	if (full) {
		double factor, upper;
		if (cached)
			full_forecast(e, p, i, o);
		else
			zd_model_predict(p->query, a, o);
		zd_corr_heat(&p->corr, &factor, &upper);
		o->hottest_c = -INFINITY;
		for (int z = 0; z < o->nzones; z++) {
			double s = e->start_mc[z] * 1e-3;
			o->peak_c[z] = s + (o->peak_c[z] - s) * factor;
			o->final_c[z] = s + (o->final_c[z] - s) * factor;
			o->hottest_c = fmax(o->hottest_c, o->peak_c[z]);
		}
	} else {
		memset(o, 0, sizeof(*o));
		o->hottest_c = NAN;
	}
	o->makespan_s = exp(cp.log_t);
	o->avg_power_w = exp(cp.log_p);
	o->energy_j = o->makespan_s * o->avg_power_w;
}

/* A run worth learning from: positive, finite and physically possible
 * (a power far outside the board's range is a broken meter or a run of
 * something else). */
static bool plausible_run(const struct zd_engine *e, double makespan_s,
			  double energy_j, double hottest_c)
{
	if (!(makespan_s > 0) || !(energy_j > 0) || !isfinite(makespan_s) ||
	    !isfinite(energy_j) || makespan_s > 1e7)
		return false;
	double w = energy_j / makespan_s;
	if (w < 0.01 * e->prior.tdp_w || w > 10 * e->prior.tdp_w)
		return false;
	return isnan(hottest_c) || (hottest_c > -60 && hottest_c < 200);
}

/* Teach the correction one run of decision `index` from `start_mc`. */
static int correct_from_run(struct zd_engine *e, struct engine_program *p,
			    int index, const int *start_mc, double makespan_s,
			    double energy_j, double hottest_c,
			    struct zd_err *err)
{
	if (!p->query || !p->corr_ready)
		return 0;
	struct zd_corr_run r = {.makespan_s = makespan_s,
				.energy_j = energy_j,
				.hottest_c = hottest_c,
				.rise_c =
				    hottest_c - hottest_start_c(e, start_mc)};
	if (same_start(e, start_mc, p->corr_start_mc)) {
		const struct zd_corr_point *pt = &p->corr.pts[index];
		r.log_t_pred = pt->log_t;
		r.log_p_pred = pt->log_p;
		r.rise_pred_c = point_rise(e, p, index);
	} else {
		/* the point moved by what the model says the run's own start
		 * changes */
		const struct zd_corr_point *pt = &p->corr.pts[index];
		struct zd_action a;
		struct zd_outcome o, at_points;
		zd_action_at(&e->prior.space, index, &a);
		zd_model_predict(p->query, &a, &at_points);
		zd_model_query_set_start(p->query, start_mc);
		zd_model_predict(p->query, &a, &o);
		zd_model_query_set_start(p->query, p->corr_start_mc);
		r.log_t_pred = pt->log_t + log(fmax(o.makespan_s, 1e-9)) -
		    log(fmax(at_points.makespan_s, 1e-9));
		r.log_p_pred = pt->log_p + log(fmax(o.avg_power_w, 1e-9)) -
		    log(fmax(at_points.avg_power_w, 1e-9));
		r.rise_pred_c = o.hottest_c - hottest_start_c(e, start_mc);
	}
	p->edp_ready = false;
	return zd_corr_add_run(&p->corr, index, &r, err);
}

/* ---- the environment as Dyna-Q sees it -------------------------------- */

static void fill_obs(const struct zd_engine *e, struct zd_thermal_obs *th)
{
	memset(th, 0, sizeof(*th));
	th->nzones = e->prior.nzones;
	for (int z = 0; z < e->prior.nzones; z++)
		th->zone_c[z] = e->start_mc[z] * 1e-3;
	th->last_used = e->last_used;
}

static int env_observe(void *ctx, float *state, struct zd_thermal_obs *th,
		       struct zd_err *err)
{
	struct zd_engine *e = ctx;
	if (!e->cur)
		return zd_fail(err, EINVAL, "engine: no program to observe");
	memcpy(state, e->cur->state, sizeof(e->cur->state));
	fill_obs(e, th);
	return 0;
}

static int env_real(void *ctx, const struct zd_action *a, const int *prefer,
		    int nprefer, struct zd_outcome *o, struct zd_err *err)
{
	(void)ctx, (void)a, (void)prefer, (void)nprefer, (void)o;
	return zd_fail(err, EINVAL,
		       "engine: real runs are reported through "
		       "zd_engine_learn");
}

static int env_model_perf(void *ctx, const struct zd_action *a,
			  struct zd_outcome *o, struct zd_err *err)
{
	struct zd_engine *e = ctx;
	if (!e->cur)
		return zd_fail(err, EINVAL, "engine: no program to predict");
	corrected_outcome(e, e->cur, a, false, false, o);
	return 0;
}

static int env_model(void *ctx, const struct zd_action *a, struct zd_outcome *o,
		     struct zd_err *err)
{
	struct zd_engine *e = ctx;
	if (!e->cur)
		return zd_fail(err, EINVAL, "engine: no program to predict");
	corrected_outcome(e, e->cur, a, true, false, o);
	return 0;
}

static bool env_measured(void *ctx, const struct zd_action *a, double *reward,
			 double *hottest_c)
{
	struct zd_engine *e = ctx;
	struct engine_program *p = e->cur;
	int index = zd_action_index(&e->prior.space, a);
	for (int i = 0; p && i < p->nmeas; i++) {
		const struct measured_action *m = &p->meas[i];
		if (m->index != index)
			continue;
		struct zd_outcome o = {.energy_j = m->energy_j / m->n,
				       .makespan_s = m->makespan_s / m->n,
				       .hottest_c = m->hottest_c};
		*reward = zd_profiler_reward(&o, &p->ref);
		*hottest_c = m->hottest_c;
		return true;
	}
	return false;
}

static int remember_run(struct engine_program *p, int index,
			const struct zd_outcome *o, struct zd_err *err)
{
	for (int i = 0; i < p->nmeas; i++)
		if (p->meas[i].index == index) {
			struct measured_action *m = &p->meas[i];
			m->n++;
			m->energy_j += o->energy_j;
			m->makespan_s += o->makespan_s;
			m->hottest_c = fmax(m->hottest_c, o->hottest_c);
			return 0;
		}
	struct measured_action *ms =
	    realloc(p->meas, sizeof(*ms) * (size_t)(p->nmeas + 1));
	if (!ms)
		return zd_fail(err, ENOMEM, "out of memory");
	p->meas = ms;
	ms[p->nmeas++] = (struct measured_action){
	    .index = index,
	    .n = 1,
	    .energy_j = o->energy_j,
	    .makespan_s = o->makespan_s,
	    .hottest_c = o->hottest_c,
	};
	return 0;
}

/* ---- opening ------------------------------------------------------------ */

static void thermal_opts(const struct zd_board_prior *bp,
			 struct zd_thermal_agent_opts *o, uint64_t seed)
{
	const struct zd_board *b = bp->board;
	zd_thermal_agent_default_opts(o);
	o->ambient_c = bp->ambient_c;
	o->throttle_c = bp->limit_c + 5.0;
	o->seed = seed;
	for (int cpu = 0; cpu < ZD_MAX_CPUS; cpu++)
		o->cpu_zone[cpu] = -1;
	for (int c = 0; c < b->nclusters; c++)
		for (int cpu = zd_cpuset_first(&b->clusters[c].cpus); cpu >= 0;
		     cpu = zd_cpuset_next(&b->clusters[c].cpus, cpu))
			for (int z = 0; z < bp->nzones && o->cpu_zone[cpu] < 0;
			     z++)
				for (int k = 0; bp->zone_modelled[z] &&
				     k < b->zones[z].nclusters;
				     k++)
					if (b->zones[z].clusters[k] == c)
						o->cpu_zone[cpu] = z;
}

static int open_agents(struct zd_engine *e, struct zd_err *err)
{
	const struct zd_action_space *space = &e->prior.space;
	if (access(e->agents_path, F_OK) == 0)
		return zd_agents_load(e->agents_path, space, &e->profiler,
				      &e->thermal, err);
	struct zd_profiler_agent_opts po;
	struct zd_thermal_agent_opts to;
	zd_profiler_agent_default_opts(&po, STATE_DIM);
	po.seed = e->opts.seed;
	thermal_opts(&e->prior, &to, e->opts.seed);
	int rc = zd_profiler_agent_new(space, &po, &e->profiler, err);
	if (rc == 0)
		rc = zd_thermal_agent_new(space, &to, &e->thermal, err);
	return rc;
}

static int agents_path(struct zd_engine *e, const char *model_path,
		       struct zd_err *err)
{
	if (e->opts.agents_path) {
		snprintf(e->agents_path, sizeof(e->agents_path), "%s",
			 e->opts.agents_path);
		return 0;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", model_path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if ((size_t)snprintf(e->agents_path, sizeof(e->agents_path),
			     "%s/agents-%s.json", dir,
			     e->prior.board->name) >= sizeof(e->agents_path))
		return zd_bad_input(err, "%s: path too long", dir);
	return 0;
}

int zd_engine_open(const struct zd_engine_opts *o, struct zd_engine **out,
		   struct zd_err *err)
{
	struct zd_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return zd_fail(err, ENOMEM, "out of memory");
	e->opts = *o;
	if (e->opts.guard_c <= 0)
		e->opts.guard_c = 0;
	/* The agents live beside an explicit model, else in the user's data
	 * directory, never beside the shipped default model. */
	char model_path[4096], agents_beside[4096];
	int rc = zd_board_prior_init(&e->prior, o->board, err);
	if (rc == 0 && o->model_path)
		snprintf(agents_beside, sizeof(agents_beside), "%s",
			 o->model_path);
	else if (rc == 0)
		rc = zd_model_default_path(agents_beside, sizeof(agents_beside),
					   err);
	if (rc == 0)
		rc = zd_model_find_path(o->model_path, model_path,
					sizeof(model_path), err);
	if (rc == 0 && !o->model_free)
		rc = zd_model_load(model_path, &e->model, err);
	if (rc == 0)
		rc = agents_path(e, agents_beside, err);
	if (rc == 0)
		rc = open_agents(e, err);
	if (rc == 0) {
		e->mu = calloc((size_t)e->prior.space.count, sizeof(*e->mu));
		e->score =
		    calloc((size_t)e->prior.space.count, sizeof(*e->score));
		if (!e->mu || !e->score)
			rc = zd_fail(err, ENOMEM, "out of memory");
	}
	if (rc == 0) {
		if (e->opts.guard_c == 0)
			e->opts.guard_c = e->prior.limit_c;
		e->env = (struct zd_env){
		    .observe = env_observe,
		    .real = env_real,
		    .model = o->model_free ? NULL : env_model,
		    .ctx = e,
		    .measured = env_measured,
		    .model_perf = o->model_free ? NULL : env_model_perf,
		    .ref = {.energy_ps_j = 1, .makespan_perf_s = 1},
		};
		struct zd_dyna_opts dopt;
		zd_dyna_default_opts(&dopt);
		if (o->synthetic_per_real > 0)
			dopt.synthetic_per_real = o->synthetic_per_real;
		if (o->model_free)
			dopt.synthetic_per_real = 0;
		dopt.guard_c = o->model_free ? 0 : e->opts.guard_c;
		dopt.lookahead =
		    o->lookahead > 0 ? o->lookahead : DEFAULT_LOOKAHEAD;
		dopt.seed = o->seed;
		rc = zd_dyna_new(e->profiler, e->thermal, &e->env, &dopt,
				 &e->dyna, err);
	}
	for (int z = 0; z < ZD_MAX_ZONES; z++)
		e->start_mc[z] = (int)lround(e->prior.ambient_c * 1000);
	if (rc != 0) {
		zd_engine_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

void zd_engine_free(struct zd_engine *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->nprograms; i++) {
		zd_model_query_free(e->programs[i].query);
		free(e->programs[i].features_json);
		free(e->programs[i].meas);
		zd_corr_free(&e->programs[i].corr);
		free(e->programs[i].edp_mu);
		free(e->programs[i].edp_sd);
	}
	free(e->programs);
	free(e->mu);
	free(e->score);
	zd_dyna_free(e->dyna);
	zd_profiler_agent_free(e->profiler);
	zd_thermal_agent_free(e->thermal);
	zd_model_free(e->model);
	free(e);
}

int zd_engine_close(struct zd_engine *e, struct zd_err *err)
{
	int rc = 0;
	if (e && e->dirty)
		rc = zd_agents_save(e->profiler, e->thermal, e->agents_path,
				    err);
	zd_engine_free(e);
	return rc;
}

/* ---- deciding ------------------------------------------------------------ */

/* The reward's references, predicted: energy of powersave (every core at
 * the lowest level) and makespan of performance (every core at the top). */
static void predict_refs(struct zd_engine *e, struct engine_program *p)
{
	if (!p->query || p->ref_measured)
		return;
	struct zd_action lo, hi;
	struct zd_outcome olo, ohi;
	zd_action_min(&e->prior.space, &lo);
	zd_action_max(&e->prior.space, &hi);
	corrected_outcome(e, p, &lo, false, false, &olo);
	corrected_outcome(e, p, &hi, false, false, &ohi);
	p->ref.energy_ps_j = olo.energy_j;
	p->ref.makespan_perf_s = ohi.makespan_s;
}

static void program_state(struct zd_engine *e, struct engine_program *p)
{
	double start[ZD_MAX_ZONES];
	float row[ZD_NCOLS_RUN];
	for (int z = 0; z < e->prior.nzones; z++)
		start[z] = e->start_mc[z] * 1e-3;
	zd_encode_start(&e->prior, start, row);
	p->state[ZD_NCOLS_PROGRAM] = row[ZD_COL_START];
}

static int add_program(struct zd_engine *e, const char *name,
		       const struct zd_features *f, struct engine_program **out,
		       struct zd_err *err)
{
	struct engine_program *ps =
	    realloc(e->programs, (size_t)(e->nprograms + 1) * sizeof(*ps));
	if (!ps)
		return zd_fail(err, ENOMEM, "out of memory");
	/* the array moved: the caller sets cur again */
	e->programs = ps;
	e->cur = NULL;
	struct engine_program *p = &ps[e->nprograms];
	memset(p, 0, sizeof(*p));
	p->full_index = -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
	zd_encode_program(f, p->state);
	json_t *j = zd_features_json(f);
	p->features_json = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	struct zd_model_query_opts qo = {.features = f,
					 .start_mc = e->start_mc};
	int rc = !p->features_json ? zd_fail(err, ENOMEM, "out of memory")
	    : e->model
	    ? zd_model_query_new(e->model, e->prior.board, &qo, &p->query, err)
	    : 0;
	if (rc != 0) {
		free(p->features_json);
		return rc;
	}
	e->nprograms++;
	*out = p;
	return 0;
}

static struct engine_program *find_program(struct zd_engine *e,
					   const char *name)
{
	for (int i = 0; i < e->nprograms; i++)
		if (strcmp(e->programs[i].name, name) == 0)
			return &e->programs[i];
	return NULL;
}

struct recall_ctx {
	struct zd_engine *engine;
	struct engine_program *program;
	long runs;
	struct zd_err *err;
};

/* A stored run of this program on this board that can be learnt from: its
 * decision is one of this board's, its CPUs match it, its zones are the
 * board's, and its measurements are possible. */
static bool usable_record(const struct zd_engine *e,
			  const struct zd_run_record *r, int *index,
			  double *hottest_c)
{
	const struct zd_action_space *sp = &e->prior.space;
	struct zd_cpuset cpus;
	struct zd_err ignored = {0};
	*index = r->nclusters == sp->nclusters ? zd_action_index(sp, &r->action)
					       : -1;
	if (*index < 0 || r->nzones != e->prior.nzones)
		return false;
	if (zd_cpuset_parse(&cpus, r->cpus, "cpus", &ignored) != 0 ||
	    zd_cpuset_count(&cpus) != zd_action_total_cores(sp, &r->action))
		return false;
	*hottest_c = -INFINITY;
	for (int z = 0; z < r->nzones; z++)
		*hottest_c = fmax(*hottest_c, r->peak_mc[z] * 1e-3);
	for (int z = 0; z < r->nzones; z++)
		if (r->start_mc[z] < -60000 || r->start_mc[z] > 200000)
			return false;
	return plausible_run(e, r->makespan_s, r->energy_j, *hottest_c);
}

static int recall_run(void *ctx, const struct zd_run_record *r)
{
	struct recall_ctx *rc = ctx;
	struct zd_engine *e = rc->engine;
	struct engine_program *p = rc->program;
	int index;
	double hottest;
	if (!usable_record(e, r, &index, &hottest)) {
		p->refused_runs++;
		return 0;
	}
	struct zd_outcome o = {.energy_j = r->energy_j,
			       .makespan_s = r->makespan_s,
			       .hottest_c = hottest};
	rc->runs++;
	int err = remember_run(p, index, &o, rc->err);
	if (err == 0)
		err = correct_from_run(e, p, index, r->start_mc, r->makespan_s,
				       r->energy_j, hottest, rc->err);
	return err;
}

/* Whether the store's program of this name is another program (other
 * code features): its runs teach nothing about this one. */
static int foreign_program(struct zd_engine *e, const struct engine_program *p,
			   bool *foreign, struct zd_err *err)
{
	char *hash = NULL, *json = NULL;
	*foreign = false;
	int rc =
	    zd_store_get_program(e->opts.store, p->name, &hash, &json, err);
	free(hash);
	if (rc == ZD_STORE_NOT_FOUND || (rc == 0 && (!json || !*json))) {
		free(json);
		return 0;
	}
	if (rc != 0)
		return rc;
	struct zd_features *f = NULL;
	struct zd_err ignored = {0};
	float row[ZD_NCOLS_PROGRAM];
	if (zd_features_from_text(json, p->name, &f, &ignored) != 0) {
		*foreign = true; /* unreadable: nothing to trust */
	} else {
		zd_encode_program(f, row);
		*foreign = memcmp(row, p->state, sizeof(row)) != 0;
	}
	zd_features_free(f);
	free(json);
	return 0;
}

/* A program's encoded features from the store; false if it has none. */
static bool stored_program_row(struct zd_engine *e, const char *name,
			       float *row)
{
	char *hash = NULL, *json = NULL;
	struct zd_err ignored = {0};
	struct zd_features *f = NULL;
	bool ok = zd_store_get_program(e->opts.store, name, &hash, &json,
				       &ignored) == 0 &&
	    json && *json;
	ok = ok && zd_features_from_text(json, name, &f, &ignored) == 0;
	if (ok)
		zd_encode_program(f, row);
	zd_features_free(f);
	free(hash);
	free(json);
	return ok;
}

static double row_distance(const float *a, const float *b, const double *sd)
{
	double s = 0;
	int n = 0;
	for (int c = 0; c < ZD_NCOLS_PROGRAM; c++)
		if (sd[c] > 0 && isfinite(a[c]) && isfinite(b[c])) {
			double z = (a[c] - b[c]) / sd[c];
			s += z * z;
			n++;
		}
	return n ? sqrt(s / n) : 0;
}

/* How unlike the programs the model learnt from this one is (zero-shot
 * uncertainty): the distance of its code features to the nearest of them
 * (columns scaled by their spread), over the typical such distance among
 * them, as a scale of the correction's priors within 0.75..2: a program
 * like one the model knows explores less, an unfamiliar one more. 1 when
 * the store cannot tell (no store, or fewer than 3 of them in it). */
static double program_unfamiliarity(struct zd_engine *e,
				    const struct engine_program *p)
{
	json_t *names = json_object_get(zd_model_info(e->model), "programs");
	size_t n = json_array_size(names), k = 0;
	if (!e->opts.store || n < 3)
		return 1.0;
	float(*rows)[ZD_NCOLS_PROGRAM] = calloc(n, sizeof(*rows));
	double sd[ZD_NCOLS_PROGRAM] = {0}, mean[ZD_NCOLS_PROGRAM] = {0};
	for (size_t i = 0; rows && i < n; i++) {
		const char *name = json_string_value(json_array_get(names, i));
		if (name && stored_program_row(e, name, rows[k]))
			k++;
	}
	double u = 1.0;
	if (k >= 3) {
		for (size_t i = 0; i < k; i++)
			for (int c = 0; c < ZD_NCOLS_PROGRAM; c++)
				mean[c] += rows[i][c] / (double)k;
		for (size_t i = 0; i < k; i++)
			for (int c = 0; c < ZD_NCOLS_PROGRAM; c++)
				sd[c] +=
				    pow(rows[i][c] - mean[c], 2) / (double)k;
		for (int c = 0; c < ZD_NCOLS_PROGRAM; c++)
			sd[c] = sqrt(sd[c]);
		double nearest = INFINITY, typical = 0;
		for (size_t i = 0; i < k; i++) {
			double own = INFINITY;
			nearest =
			    fmin(nearest, row_distance(p->state, rows[i], sd));
			for (size_t j = 0; j < k; j++)
				if (j != i)
					own = fmin(
					    own,
					    row_distance(rows[i], rows[j], sd));
			typical += own / (double)k;
		}
		if (typical > 0)
			u = fmin(2.0, fmax(0.75, nearest / typical));
	}
	free(rows);
	return u;
}

/* How unsure the zero-shot forecast is, as a scale of the correction's
 * priors: how unlike the programs learnt from it is, widened by up to 2x
 * when its sources did not parse cleanly (features of code the analysis
 * did not see), so that such a program explores more. At most 3. */
static double zero_shot_uncertainty(struct zd_engine *e,
				    const struct engine_program *p,
				    const struct zd_features *f)
{
	double u = program_unfamiliarity(e, p);
	if (f)
		u *= 2.0 - zd_features_confidence(f);
	return fmin(3.0, u);
}

/* What the store knows of the program on this board: its runs count as
 * measured decisions, correct the model for it, and make it "not
 * zero-shot"; runs of another program of that name, or broken ones, are
 * refused (counted in refused_runs). */
static int recall_program(struct zd_engine *e, struct engine_program *p,
			  long *runs, struct zd_err *err)
{
	*runs = 0;
	if (!e->opts.store)
		return 0;
	struct zd_run_query q = {.board = e->prior.board->name,
				 .program = p->name};
	bool foreign = false;
	int rc = foreign_program(e, p, &foreign, err);
	if (rc != 0)
		return rc;
	if (foreign)
		return zd_store_count_runs(e->opts.store, &q, &p->refused_runs,
					   err);
	struct recall_ctx ctx = {.engine = e, .program = p, .err = err};
	rc = zd_store_foreach_run(e->opts.store, &q, recall_run, &ctx, err);
	*runs = ctx.runs;
	return rc;
}

/* The decision's score: what its real runs earned, else the model's
 * forecast. */
static double decision_score(struct zd_engine *e, const struct zd_action *a)
{
	double reward = -INFINITY, hot = 0;
	if (env_measured(e, a, &reward, &hot))
		return reward;
	if (!e->cur->query)
		return -INFINITY;
	struct zd_outcome o;
	zd_model_predict_perf(e->cur->query, a, &o);
	return zd_profiler_reward(&o, &e->cur->ref);
}

/* A measured decision under the guard that earned more than the agents'
 * pick is expected to: real runs outrank the model (a program profiled
 * before, or one the agents have not caught up with). */
static void prefer_measured_best(struct zd_engine *e, struct engine_program *p,
				 struct zd_action *a)
{
	double best = decision_score(e, a);
	for (int i = 0; i < p->nmeas; i++) {
		const struct measured_action *m = &p->meas[i];
		struct zd_outcome o = {.energy_j = m->energy_j / m->n,
				       .makespan_s = m->makespan_s / m->n};
		double r = zd_profiler_reward(&o, &p->ref);
		if (m->hottest_c <= e->opts.guard_c && r > best) {
			best = r;
			zd_action_at(&e->prior.space, m->index, a);
		}
	}
}

/* An exploring pick (epsilon-greedy, both agents); false if the model
 * predicts it above the guard, leaving the decision to the guarded one. */
static bool explore_act(struct zd_engine *e, struct engine_program *p,
			struct zd_engine_decision *d, int *prefer, int *nprefer)
{
	struct zd_thermal_obs obs;
	fill_obs(e, &obs);
	zd_profiler_agent_act(e->profiler, p->state, true, &d->action);
	*nprefer =
	    zd_thermal_agent_rank(e->thermal, &obs, &d->action, true, prefer);
	if (!p->query)
		return true;
	struct zd_outcome o;
	zd_model_predict(p->query, &d->action, &o);
	return o.hottest_c <= e->opts.guard_c;
}

/* The decision with the corrections (docs/agents.md, "Learning a
 * program"): every decision's ln EDP, corrected, with its uncertainty.
 * While some decision's expected improvement over the best measured one
 * exceeds min_gain — among those not expected worse than it by more than
 * max_worse, and under the guard even at the upper bound of their heat —
 * the most promising is tried (exploring); otherwise the lowest predicted
 * EDP under the guard is taken (a measured decision weighs its own runs
 * in, so after exploring this is the best measured one). */
static void choose(struct zd_engine *e, struct engine_program *p,
		   struct zd_engine_decision *d)
{
	const struct zd_corr_opts *co = &p->corr.opts;
	int n = p->corr.count;
	double best = 0;
	int best_meas = zd_corr_best_measured(&p->corr, e->opts.guard_c, &best);
	bool may_explore = !e->opts.no_explore && best_meas >= 0;
	for (int i = 0; i < n; i++) {
		double mu = p->edp_mu[i], sd = p->edp_sd[i];
		e->mu[i] = mu;
		e->score[i] = -INFINITY;
		/* a measured decision teaches little more (noise only) */
		if (may_explore && mu <= best + co->max_worse &&
		    p->corr.meas_of[i] < 0 && best - mu > -4.0 * sd) {
			double ei = zd_corr_expected_improvement(best, mu, sd);
			/* EI - E[loss] = best - mean: weighing the expected
			 * loss of a try in keeps exploration near the best */
			e->score[i] = ei - co->loss_weight * (ei - (best - mu));
		}
	}
	int pick = -1;
	bool guarded = false;
	for (int k = 0; may_explore && k < HEAT_CHECKS && pick < 0; k++) {
		int arg = 0;
		for (int i = 1; i < n; i++)
			if (e->score[i] > e->score[arg])
				arg = i;
		if (!(e->score[arg] >= co->min_gain))
			break;
		if (point_hottest(e, p, arg, true) <= e->opts.guard_c) {
			pick = arg;
			d->exploring = true;
			struct zd_corr_pred cp;
			zd_corr_predict(&p->corr, arg, &cp);
			d->expected_gain = expm1(zd_corr_expected_improvement(
			    best, cp.log_edp, cp.sd_edp));
		} else {
			e->score[arg] = -INFINITY;
			guarded = true;
		}
	}
	for (int k = 0; k < HEAT_CHECKS && pick < 0; k++) {
		int arg = 0;
		for (int i = 1; i < n; i++)
			if (e->mu[i] < e->mu[arg])
				arg = i;
		if (!isfinite(e->mu[arg]))
			break;
		if (point_hottest(e, p, arg, false) <= e->opts.guard_c)
			pick = arg;
		else
			e->mu[arg] = INFINITY, guarded = true;
	}
	if (pick < 0) {
		/* nothing near the best is under the guard: the coolest */
		double coolest = INFINITY;
		for (int i = 0; i < n; i++) {
			double hot = point_hottest(e, p, i, false);
			if (hot < coolest)
				coolest = hot, pick = i;
		}
		guarded = true;
	}
	d->guard_override = guarded;
	d->best_measured = !d->exploring && pick == best_meas;
	d->measured_decisions = p->corr.nmeas;
	zd_action_at(&e->prior.space, pick, &d->action);
}

int zd_engine_decide(struct zd_engine *e, const char *program,
		     const struct zd_features *f, const int *start_mc,
		     struct zd_engine_decision *d, struct zd_err *err)
{
	double t0 = zd_monotonic_s();
	memset(d, 0, sizeof(*d));
	snprintf(d->program, sizeof(d->program), "%s", program);
	for (int z = 0; z < e->prior.nzones; z++)
		e->start_mc[z] = start_mc
		    ? start_mc[z]
		    : (int)lround(e->prior.ambient_c * 1000);
	struct engine_program *p = find_program(e, program);
	bool first_sight = p == NULL;
	long runs = 0;
	int rc = 0;
	if (first_sight && (rc = add_program(e, program, f, &p, err)) != 0)
		return rc;
	if (p->query)
		zd_model_query_set_start(p->query, e->start_mc);
	if ((rc = build_points(e, p, err)) != 0)
		return rc;
	if (first_sight && p->query)
		zd_corr_set_uncertainty(&p->corr,
					zero_shot_uncertainty(e, p, f));
	if (first_sight && (rc = recall_program(e, p, &runs, err)) != 0)
		return rc;
	e->cur = p;
	program_state(e, p);
	predict_refs(e, p);
	if (!p->ref_measured && !p->query)
		return zd_bad_input(err,
				    "model-free decisions for '%s' need its "
				    "measured references first (a performance "
				    "and a powersave run)",
				    program);
	if ((rc = zd_dyna_set_ref(e->dyna, &p->ref, err)) != 0)
		return rc;
	d->zero_shot = runs == 0 && !p->measured && p->query;
	if (first_sight && p->query) {
		/* learn this program from the model before deciding: all there
		 * is for a new one (zero-shot); for one with stored runs, the
		 * agents of this process may never have seen it either */
		int n = e->opts.zero_shot_steps > 0 ? e->opts.zero_shot_steps
						    : DEFAULT_ZERO_SHOT_STEPS;
		if ((rc = zd_dyna_plan(e->dyna, n, err)) != 0)
			return rc;
		d->synthetic_steps = n;
		e->dirty = true;
	}
	int prefer[ZD_MAX_CPUS], nprefer = 0;
	bool guarded = false;
	if (e->opts.explore && explore_act(e, p, d, prefer, &nprefer))
		;
	else if (p->query) {
		if ((rc = refresh_edp(p, err)) != 0)
			return rc;
		choose(e, p, d);
		struct zd_thermal_obs obs;
		fill_obs(e, &obs);
		nprefer = zd_thermal_agent_rank(e->thermal, &obs, &d->action,
						false, prefer);
		guarded = d->guard_override;
	} else if ((rc = zd_dyna_decide(e->dyna, &d->action, prefer, &nprefer,
					&guarded, err)) != 0)
		return rc;
	else
		prefer_measured_best(e, p, &d->action);
	d->guard_override = guarded;
	d->refused_runs = p->refused_runs;
	d->unfamiliarity = p->corr.pts ? p->corr.uncertainty : 1.0;
	zd_action_decision(&e->prior.space, &d->action, prefer, nprefer,
			   &d->decision);
	if (p->query) {
		struct zd_corr_pred cp;
		corrected_outcome(e, p, &d->action, true, true, &d->predicted);
		zd_corr_predict(&p->corr,
				zd_action_index(&e->prior.space, &d->action),
				&cp);
		d->sd_log_makespan = cp.sd_t;
		d->sd_log_energy = cp.sd_e;
		d->sd_log_edp = cp.sd_edp;
	}
	d->latency_us = (zd_monotonic_s() - t0) * 1e6;
	return 0;
}

/* ---- learning ------------------------------------------------------------ */

static int store_run(struct zd_engine *e, const struct engine_program *p,
		     const struct zd_engine_decision *d, const char *backend,
		     const struct zd_outcome *m, struct zd_err *err)
{
	struct zd_store *s = e->opts.store;
	char *hash = NULL, *json = NULL;
	int rc = zd_store_get_program(s, p->name, &hash, &json, err);
	free(hash);
	free(json);
	if (rc == ZD_STORE_NOT_FOUND)
		rc =
		    zd_store_put_program(s, p->name, "", p->features_json, err);
	if (rc == 0)
		rc = zd_store_put_board(s, e->prior.board->name, "", err);
	struct zd_run_record r;
	memset(&r, 0, sizeof(r));
	snprintf(r.program, sizeof(r.program), "%s", p->name);
	snprintf(r.board, sizeof(r.board), "%s", e->prior.board->name);
	snprintf(r.backend, sizeof(r.backend), "%s", backend);
	snprintf(r.policy, sizeof(r.policy), "%s",
		 e->opts.policy_name ? e->opts.policy_name : "zerodvfs");
	r.action = d->action;
	r.nclusters = e->prior.space.nclusters;
	zd_cpuset_format(&d->decision.cpus, r.cpus, sizeof(r.cpus));
	r.makespan_s = m->makespan_s;
	r.energy_j = m->energy_j;
	r.avg_power_w = m->avg_power_w;
	r.throttled_s = m->throttled_s;
	r.nzones = e->prior.nzones;
	for (int z = 0; z < r.nzones; z++) {
		r.start_mc[z] = e->start_mc[z];
		r.peak_mc[z] = (int)lround(m->peak_c[z] * 1000);
		r.final_mc[z] = (int)lround(m->final_c[z] * 1000);
	}
	if (rc == 0)
		rc = zd_store_add_run(s, &r, err);
	return rc;
}

int zd_engine_learn(struct zd_engine *e, const struct zd_engine_decision *d,
		    const char *backend, const int *start_mc,
		    const struct zd_outcome *measured, struct zd_err *err)
{
	struct engine_program *p = find_program(e, d->program);
	if (!p)
		return zd_bad_input(err, "engine: '%s' was not decided here",
				    d->program);
	if (!plausible_run(e, measured->makespan_s, measured->energy_j,
			   measured->hottest_c))
		return zd_bad_input(err,
				    "engine: a run of '%s' taking %g s and "
				    "%g J is not one to learn from",
				    d->program, measured->makespan_s,
				    measured->energy_j);
	int index = zd_action_index(&e->prior.space, &d->action);
	if (index < 0)
		return zd_bad_input(err,
				    "engine: the decision for '%s' is not "
				    "one of %s's",
				    d->program, e->prior.board->name);
	e->cur = p;
	for (int z = 0; start_mc && z < e->prior.nzones; z++)
		e->start_mc[z] = start_mc[z];
	int rc = 0;
	if (e->opts.store && backend &&
	    (rc = store_run(e, p, d, backend, measured, err)) != 0)
		return rc;
	if (p->query)
		zd_model_query_set_start(p->query, e->start_mc);
	program_state(e, p);
	if (p->query) {
		/* the run corrects the predictions of every decision */
		rc = correct_from_run(e, p, index, e->start_mc,
				      measured->makespan_s, measured->energy_j,
				      measured->hottest_c, err);
		if (rc != 0)
			return rc;
		p->measured = true;
		predict_refs(e, p);
		/* the beliefs about every decision, for the next decision */
		if ((rc = refresh_edp(p, err)) != 0)
			return rc;
	}
	if ((rc = zd_dyna_set_ref(e->dyna, &p->ref, err)) != 0)
		return rc;
	if ((rc = remember_run(p, index, measured, err)) != 0)
		return rc;
	/* the direct update (Dyna-Q's "real experience") */
	double reward = zd_profiler_reward(measured, &p->ref);
	zd_profiler_agent_remember(e->profiler, p->state, &d->action, reward,
				   NULL);
	for (int i = 0; i < UPDATES_PER_REAL; i++)
		zd_profiler_agent_learn(e->profiler);
	struct zd_thermal_obs before;
	fill_obs(e, &before);
	zd_thermal_agent_learn(e->thermal, &before, &d->decision.cpus,
			       measured);
	e->last_used = d->decision.cpus;
	/* then the planning steps from the model */
	int k = e->opts.synthetic_per_real > 0 ? e->opts.synthetic_per_real : 5;
	if (p->query)
		rc = zd_dyna_plan(e->dyna, k, err);
	e->dirty = true;
	return rc;
}

int zd_engine_set_reference(struct zd_engine *e, const char *program,
			    const struct zd_features *f,
			    double energy_powersave_j,
			    double makespan_performance_s, struct zd_err *err)
{
	if (!(energy_powersave_j > 0) || !(makespan_performance_s > 0))
		return zd_bad_input(err, "references of '%s' must be positive",
				    program);
	struct engine_program *p = find_program(e, program);
	int rc = 0;
	if (!p && (rc = add_program(e, program, f, &p, err)) != 0)
		return rc;
	p->ref.energy_ps_j = energy_powersave_j;
	p->ref.makespan_perf_s = makespan_performance_s;
	p->ref_measured = true;
	return 0;
}

int zd_engine_predict(struct zd_engine *e, const char *program,
		      const struct zd_action *a, struct zd_outcome *o,
		      double *sd_log_edp, struct zd_err *err)
{
	struct engine_program *p = find_program(e, program);
	int index = zd_action_index(&e->prior.space, a);
	if (!p || !p->query || !p->corr_ready)
		return zd_bad_input(err,
				    "engine: no forecast for '%s': decide "
				    "for it first, with a model",
				    program);
	if (index < 0)
		return zd_bad_input(err, "engine: not a decision of %s",
				    e->prior.board->name);
	struct zd_corr_pred cp;
	corrected_outcome(e, p, a, true, true, o);
	zd_corr_predict(&p->corr, index, &cp);
	if (sd_log_edp)
		*sd_log_edp = cp.sd_edp;
	return 0;
}

const struct zd_dyna_stats *zd_engine_stats(const struct zd_engine *e)
{
	return zd_dyna_stats(e->dyna);
}

const struct zd_action_space *zd_engine_space(const struct zd_engine *e)
{
	return &e->prior.space;
}

void zd_engine_set_explore(struct zd_engine *e, bool explore)
{
	e->opts.explore = explore;
}

bool zd_engine_model_free(const struct zd_engine *e)
{
	return e->opts.model_free;
}
