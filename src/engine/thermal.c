/* thermal.c - the thermal agent: which physical cores of each cluster a
 * run gets, given how many from the profiler agent.
 *
 * Why linear and not a network: what one core's state holds is tiny — its
 * temperature relative to ambient and throttle point, whether the last
 * run used it, its cluster — and the reward of a core (50 − T) is close to
 * linear in where it starts and whether it keeps heating. So the score of
 * a core is a per-CPU constant (tabular: the cluster and whatever makes
 * that core run hot, e.g. sitting by the GPU) plus shared weights on the
 * relative temperature and on "used last run", which let a core never
 * tried still be ranked by how hot it is now. Learning is least-mean-
 * squares towards the core's scaled reward: a few dozen numbers, exact
 * after a few runs, nothing to tune. The cluster needs no weight of its
 * own: cores only compete within their cluster, so a per-cluster constant
 * could not change any order. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rng.h"

/* Targets are rewards / 50, in [−0.02, 1], so that with features of
 * order 1 a learning rate of 0.1 is stable (LMS needs lr·|φ|² < 2). */
#define REWARD_SCALE ZD_THERMAL_REWARD_LIMIT_C
/* Relative temperatures outside this are a broken sensor or a meltdown;
 * holding them keeps one reading from wrecking the weights. */
#define TREL_MIN (-1.0)
#define TREL_MAX 2.0

struct zd_thermal_agent {
	struct zd_action_space space;
	struct zd_thermal_agent_opts opts;
	double bias[ZD_MAX_CPUS]; /* per CPU */
	double w_temp, w_used;    /* shared */
	uint64_t rng;
	double eps;
};

void zd_thermal_agent_default_opts(struct zd_thermal_agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ambient_c = 25.0;
	o->throttle_c = 85.0;
	for (int cpu = 0; cpu < ZD_MAX_CPUS; cpu++)
		o->cpu_zone[cpu] = -1;
	o->lr = 0.1;
	o->eps_start = 0.3;
	o->eps_min = 0.02;
	o->eps_decay = 0.99;
	o->seed = 1;
}

static int check_opts(const struct zd_thermal_agent_opts *o, struct zd_err *err)
{
	if (!isfinite(o->ambient_c) || !isfinite(o->throttle_c) ||
	    !(o->throttle_c > o->ambient_c))
		return zd_bad_input(err,
				    "thermal agent: throttle_c (%g) must be "
				    "above ambient_c (%g)",
				    o->throttle_c, o->ambient_c);
	if (!(o->lr > 0.0 && o->lr <= 1.0))
		return zd_bad_input(
		    err, "thermal agent: lr %g is outside (0, 1]", o->lr);
	if (!(o->eps_start >= 0.0 && o->eps_start <= 1.0) ||
	    !(o->eps_min >= 0.0 && o->eps_min <= 1.0) ||
	    !(o->eps_decay > 0.0 && o->eps_decay <= 1.0))
		return zd_bad_input(err,
				    "thermal agent: eps_start and eps_min "
				    "must be in [0, 1], eps_decay in (0, 1]");
	for (int cpu = 0; cpu < ZD_MAX_CPUS; cpu++)
		if (o->cpu_zone[cpu] < -1 || o->cpu_zone[cpu] >= ZD_MAX_ZONES)
			return zd_bad_input(err,
					    "thermal agent: cpu%d: zone %d "
					    "is outside -1..%d",
					    cpu, o->cpu_zone[cpu],
					    ZD_MAX_ZONES - 1);
	return 0;
}

int zd_thermal_agent_new(const struct zd_action_space *space,
			 const struct zd_thermal_agent_opts *o,
			 struct zd_thermal_agent **out, struct zd_err *err)
{
	int rc = check_opts(o, err);
	if (rc != 0)
		return rc;
	struct zd_thermal_agent *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	t->space = *space;
	t->opts = *o;
	t->rng = o->seed ^ UINT64_C(0x2545f4914f6cdd1d);
	t->eps = o->eps_start;
	*out = t;
	return 0;
}

void zd_thermal_agent_free(struct zd_thermal_agent *t)
{
	free(t);
}

double zd_thermal_agent_epsilon(const struct zd_thermal_agent *t)
{
	return t->eps;
}

void zd_thermal_agent_set_epsilon(struct zd_thermal_agent *t, double eps)
{
	t->eps = eps < 0.0 ? 0.0 : eps > 1.0 ? 1.0 : eps;
}

static double hottest(const double *zone_c, int nzones)
{
	double h = NAN;
	for (int z = 0; z < nzones; z++)
		if (isnan(h) || zone_c[z] > h)
			h = zone_c[z];
	return h;
}

/* A CPU's temperature in one set of zone readings. */
static double cpu_temp(const struct zd_thermal_agent *t, const double *zone_c,
		       int nzones, int cpu)
{
	int z = t->opts.cpu_zone[cpu];
	return z >= 0 && z < nzones ? zone_c[z] : hottest(zone_c, nzones);
}

/* 0 at ambient, 1 at the throttle point; 0 when unknown. */
static double relative_temp(const struct zd_thermal_agent *t,
			    const struct zd_thermal_obs *obs, int cpu)
{
	double c = cpu_temp(t, obs->zone_c, obs->nzones, cpu);
	if (isnan(c))
		return 0.0;
	double rel =
	    (c - t->opts.ambient_c) / (t->opts.throttle_c - t->opts.ambient_c);
	return rel < TREL_MIN ? TREL_MIN : rel > TREL_MAX ? TREL_MAX : rel;
}

double zd_thermal_agent_score(const struct zd_thermal_agent *t,
			      const struct zd_thermal_obs *obs, int cpu)
{
	double used = zd_cpuset_has(&obs->last_used, cpu) ? 1.0 : 0.0;
	return t->bias[cpu] + t->w_temp * relative_temp(t, obs, cpu) +
	    t->w_used * used;
}

/* Whether x should come before y: higher score, then cooler, then lower
 * number (so an untrained agent still prefers the coolest core). */
static bool ranks_before(const struct zd_thermal_agent *t,
			 const struct zd_thermal_obs *obs, int x, int y)
{
	double sx = zd_thermal_agent_score(t, obs, x);
	double sy = zd_thermal_agent_score(t, obs, y);
	if (sx != sy)
		return sx > sy;
	double tx = relative_temp(t, obs, x), ty = relative_temp(t, obs, y);
	if (tx != ty)
		return tx < ty;
	return x < y;
}

/* One cluster's usable CPUs into cpus[], best first; returns how many. */
static int rank_cluster(const struct zd_thermal_agent *t,
			const struct zd_thermal_obs *obs, int c, int *cpus)
{
	const struct zd_cpuset *usable = &t->space.usable[c];
	int n = 0;
	for (int cpu = zd_cpuset_next(usable, -1); cpu >= 0;
	     cpu = zd_cpuset_next(usable, cpu)) {
		/* insertion sort: clusters have a handful of cores */
		int i = n++;
		while (i > 0 && ranks_before(t, obs, cpu, cpus[i - 1])) {
			cpus[i] = cpus[i - 1];
			i--;
		}
		cpus[i] = cpu;
	}
	return n;
}

int zd_thermal_agent_rank(struct zd_thermal_agent *t,
			  const struct zd_thermal_obs *obs,
			  const struct zd_action *a, bool explore, int *prefer)
{
	int total = 0;
	bool decay = false;
	for (int c = 0; c < t->space.nclusters; c++) {
		int *cpus = prefer + total;
		int n = rank_cluster(t, obs, c, cpus);
		int chosen = a ? a->cores[c] : 0;
		if (explore && a && chosen > 0 && chosen < n) {
			decay = true;
			if (zd_rng_uniform(&t->rng) < t->eps) {
				int i = zd_rng_below(&t->rng, chosen);
				int j =
				    chosen + zd_rng_below(&t->rng, n - chosen);
				int tmp = cpus[i];
				cpus[i] = cpus[j];
				cpus[j] = tmp;
			}
		}
		total += n;
	}
	if (decay) {
		double next = t->eps * t->opts.eps_decay;
		t->eps = next > t->opts.eps_min ? next : t->opts.eps_min;
	}
	return total;
}

double zd_thermal_agent_learn(struct zd_thermal_agent *t,
			      const struct zd_thermal_obs *before,
			      const struct zd_cpuset *used,
			      const struct zd_outcome *o)
{
	double after_c[ZD_MAX_CPUS];
	int n = 0;
	for (int cpu = zd_cpuset_next(used, -1); cpu >= 0;
	     cpu = zd_cpuset_next(used, cpu)) {
		double c = cpu_temp(t, o->peak_c, o->nzones, cpu);
		if (isnan(c))
			c = o->hottest_c;
		after_c[n++] = c;
		double target = zd_thermal_core_reward(c) / REWARD_SCALE;
		double rel = relative_temp(t, before, cpu);
		double was_used =
		    zd_cpuset_has(&before->last_used, cpu) ? 1.0 : 0.0;
		double error = target - zd_thermal_agent_score(t, before, cpu);
		t->bias[cpu] += t->opts.lr * error;
		t->w_temp += t->opts.lr * error * rel;
		t->w_used += t->opts.lr * error * was_used;
	}
	return zd_thermal_reward(after_c, n);
}

/* ---- JSON ------------------------------------------------------------------ */

json_t *zd_thermal_agent_to_json(const struct zd_thermal_agent *t)
{
	const struct zd_thermal_agent_opts *o = &t->opts;
	json_t *j = json_object(), *cpus = json_array();
	if (!j || !cpus) {
		json_decref(j);
		json_decref(cpus);
		return NULL;
	}
	json_object_set_new(j, "ambient_c", json_real(o->ambient_c));
	json_object_set_new(j, "throttle_c", json_real(o->throttle_c));
	json_object_set_new(j, "lr", json_real(o->lr));
	json_object_set_new(j, "eps_start", json_real(o->eps_start));
	json_object_set_new(j, "eps_min", json_real(o->eps_min));
	json_object_set_new(j, "eps_decay", json_real(o->eps_decay));
	json_object_set_new(j, "epsilon", json_real(t->eps));
	json_object_set_new(j, "seed", zd_jr_u64_new(o->seed));
	json_object_set_new(j, "rng", zd_jr_u64_new(t->rng));
	json_object_set_new(j, "w_temp", json_real(t->w_temp));
	json_object_set_new(j, "w_used", json_real(t->w_used));
	for (int c = 0; c < t->space.nclusters; c++) {
		const struct zd_cpuset *usable = &t->space.usable[c];
		for (int cpu = zd_cpuset_next(usable, -1); cpu >= 0;
		     cpu = zd_cpuset_next(usable, cpu))
			json_array_append_new(
			    cpus,
			    json_pack("{sisisf}", "cpu", cpu, "zone",
				      o->cpu_zone[cpu], "bias", t->bias[cpu]));
	}
	json_object_set_new(j, "cpus", cpus);
	return j;
}

static int read_opts(const json_t *j, const struct zd_jr *v, const char *where,
		     struct zd_thermal_agent_opts *o, double *eps,
		     uint64_t *rng)
{
	int rc;
	zd_thermal_agent_default_opts(o);
	if ((rc = zd_jr_number(v, j, where, "ambient_c", -60.0, 200.0,
			       &o->ambient_c)) ||
	    (rc = zd_jr_number(v, j, where, "throttle_c", -60.0, 200.0,
			       &o->throttle_c)) ||
	    (rc = zd_jr_number(v, j, where, "lr", 1e-12, 1.0, &o->lr)) ||
	    (rc = zd_jr_number(v, j, where, "eps_start", 0.0, 1.0,
			       &o->eps_start)) ||
	    (rc =
		 zd_jr_number(v, j, where, "eps_min", 0.0, 1.0, &o->eps_min)) ||
	    (rc = zd_jr_number(v, j, where, "eps_decay", 1e-12, 1.0,
			       &o->eps_decay)) ||
	    (rc = zd_jr_number(v, j, where, "epsilon", 0.0, 1.0, eps)) ||
	    (rc = zd_jr_u64(v, j, where, "seed", &o->seed)) ||
	    (rc = zd_jr_u64(v, j, where, "rng", rng)))
		return rc;
	if (!(o->throttle_c > o->ambient_c)) {
		char path[300];
		zd_jr_path(path, sizeof(path), where, "throttle_c");
		return zd_jr_bad(v, path, "must be above ambient_c");
	}
	return 0;
}

/* One entry of "cpus": the space's usable CPUs in order. */
static int read_cpu(const json_t *arr, const struct zd_jr *v, const char *where,
		    size_t i, int want_cpu, struct zd_thermal_agent_opts *o,
		    double *bias)
{
	char path[300];
	long long cpu, zone;
	snprintf(path, sizeof(path), "%s%scpus[%zu]", where,
		 where[0] ? "." : "", i);
	json_t *e = json_array_get(arr, i);
	if (!json_is_object(e))
		return zd_jr_bad(v, path, "must be an object");
	int rc;
	if ((rc = zd_jr_int(v, e, path, "cpu", want_cpu, want_cpu, &cpu)) ||
	    (rc = zd_jr_int(v, e, path, "zone", -1, ZD_MAX_ZONES - 1, &zone)) ||
	    (rc = zd_jr_number(v, e, path, "bias", -1e6, 1e6, &bias[want_cpu])))
		return rc;
	o->cpu_zone[want_cpu] = (int)zone;
	return 0;
}

int zd_thermal_agent_from_json(const json_t *j, const struct zd_jr *v,
			       const char *where,
			       const struct zd_action_space *space,
			       struct zd_thermal_agent **out)
{
	struct zd_thermal_agent_opts o;
	double eps, w_temp, w_used, bias[ZD_MAX_CPUS] = {0};
	uint64_t rng;
	json_t *arr;
	if (!json_is_object(j))
		return zd_jr_bad(v, where, "must be an object");
	int ncpus = 0;
	for (int c = 0; c < space->nclusters; c++)
		ncpus += zd_cpuset_count(&space->usable[c]);
	int rc = read_opts(j, v, where, &o, &eps, &rng);
	if (rc == 0)
		rc = zd_jr_number(v, j, where, "w_temp", -1e6, 1e6, &w_temp);
	if (rc == 0)
		rc = zd_jr_number(v, j, where, "w_used", -1e6, 1e6, &w_used);
	if (rc == 0)
		rc = zd_jr_array(v, j, where, "cpus", (size_t)ncpus, &arr);
	size_t i = 0;
	for (int c = 0; rc == 0 && c < space->nclusters; c++) {
		const struct zd_cpuset *usable = &space->usable[c];
		for (int cpu = zd_cpuset_next(usable, -1); rc == 0 && cpu >= 0;
		     cpu = zd_cpuset_next(usable, cpu))
			rc = read_cpu(arr, v, where, i++, cpu, &o, bias);
	}
	struct zd_thermal_agent *t = NULL;
	if (rc == 0)
		rc = zd_thermal_agent_new(space, &o, &t, v->err);
	if (rc != 0)
		return rc;
	memcpy(t->bias, bias, sizeof(bias));
	t->w_temp = w_temp;
	t->w_used = w_used;
	t->eps = eps;
	t->rng = rng;
	*out = t;
	return 0;
}
