/* governors.c - the Linux cpufreq governors as zdvfs policies: performance,
 * powersave, userspace, ondemand, conservative and schedutil, following the
 * kernel's code; each number names the kernel file and constant it is from.
 *
 * Every governor works per frequency domain (a cpufreq policy) over the
 * domains holding at least one CPU the program uses; the others stay at their
 * lowest frequency, as idle clusters do. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/policy.h"

/* ------------------------------------------------------------------------
 * Timing the kernel derives from the machine
 * ------------------------------------------------------------------------ */

/* CONFIG_HZ: "default HZ_250" in kernel/Kconfig.hz, kept by the arm64 and
 * x86 distribution kernels of the target boards. */
#define KERNEL_HZ 250u
/* TICK_NSEC / NSEC_PER_USEC (include/linux/jiffies.h): 4000 us. */
#define TICK_USEC (1000000u / KERNEL_HZ)
/* USEC_PER_MSEC (include/vdso/time64.h). */
#define USEC_PER_MSEC 1000u
/* CPUFREQ_DBS_MIN_SAMPLING_INTERVAL (drivers/cpufreq/cpufreq_governor.c):
 * 2 * TICK_NSEC / NSEC_PER_USEC = 8000 us at HZ=250. */
#define DBS_MIN_SAMPLING_INTERVAL_US (2u * TICK_USEC)

/* policy->cpuinfo.transition_latency in ns. struct zd_freq_domain does not
 * carry it (sysfs cpuinfo_transition_latency), so it counts as unknown (0)
 * and the kernel's fallback applies. Since v6.18 drivers that do not know it
 * report CPUFREQ_DEFAULT_TRANSITION_LATENCY_NS (1 ms, include/linux/
 * cpufreq.h), which would give 1500 us instead of 1000 us below. */
#define TRANSITION_LATENCY_UNKNOWN_NS 0u

/* cpufreq_policy_transition_delay_us() (drivers/cpufreq/cpufreq.c, v6.12+):
 * latency + latency / 2 when the latency is known, else USEC_PER_MSEC. */
static uint32_t transition_delay_us(const struct zd_freq_domain *d)
{
	(void)d; /* where the domain's latency would be read */
	uint32_t latency_us = TRANSITION_LATENCY_UNKNOWN_NS / 1000u;
	if (latency_us)
		return latency_us + (latency_us >> 1);
	return USEC_PER_MSEC;
}

/* ------------------------------------------------------------------------
 * Shared helpers
 * ------------------------------------------------------------------------ */

static void cpus_in_use(const struct zd_policy *pol, struct zd_cpuset *set)
{
	*set = zd_cpuset_count(&pol->cpus) ? pol->cpus : pol->info->online;
}

static bool domain_in_use(const struct zd_freq_domain *d,
			  const struct zd_cpuset *used)
{
	struct zd_cpuset both = d->cpus;
	zd_cpuset_and(&both, used);
	return zd_cpuset_count(&both) > 0;
}

/* A tick's busy fraction, made safe: NaN and negatives count as idle. */
static double busy_fraction(double u)
{
	if (!(u > 0.0))
		return 0.0;
	return u > 1.0 ? 1.0 : u;
}

/* CPUFREQ_RELATION_C (include/linux/cpufreq.h, cpufreq_table_find_index_ac):
 * the closest level, the lower one on a tie. */
static uint32_t khz_closest(const struct zd_freq_domain *d, uint32_t khz)
{
	uint32_t lo = zd_domain_khz_at_most(d, khz);
	uint32_t hi = zd_domain_khz_at_least(d, khz);
	if (khz <= lo)
		return lo;
	if (khz >= hi)
		return hi;
	return khz - lo > hi - khz ? hi : lo;
}

/* The frequency a domain ran at, or what we asked when the caller does not
 * say (the kernel's policy->cur). */
static uint32_t cur_khz(const struct zd_tick *t, int i, uint32_t asked)
{
	return t->cur_khz[i] ? t->cur_khz[i] : asked;
}

/* Seconds since the previous tick; the first tick after start counts one
 * period, whatever clock the caller's now_s comes from. */
static double elapsed_s(bool *started, double *last_s, double now_s,
			uint32_t period_us)
{
	double dt = *started ? now_s - *last_s : period_us * 1e-6;
	*started = true;
	*last_s = now_s;
	return dt > 0.0 ? dt : 0.0;
}

static int state_alloc(struct zd_policy *pol, size_t size, struct zd_err *err)
{
	pol->priv = calloc(1, size);
	if (pol->priv == NULL)
		return zd_fail(err, ENOMEM, "policy %s: out of memory",
			       pol->ops->name);
	return 0;
}

static void state_free(struct zd_policy *pol)
{
	free(pol->priv);
	pol->priv = NULL;
}

/* ------------------------------------------------------------------------
 * performance, powersave, userspace: decide once
 * ------------------------------------------------------------------------ */

/* drivers/cpufreq/cpufreq_performance.c: policy->max, CPUFREQ_RELATION_H. */
static int performance_start(struct zd_policy *pol, struct zd_decision *dec,
			     struct zd_err *err)
{
	(void)err;
	const struct zd_platform_info *info = pol->info;
	for (int i = 0; i < info->ndomains; i++) {
		const struct zd_freq_domain *d = &info->domains[i];
		dec->khz[i] = domain_in_use(d, &dec->cpus)
		    ? zd_domain_max_khz(d)
		    : zd_domain_min_khz(d);
	}
	return 0;
}

/* drivers/cpufreq/cpufreq_powersave.c: policy->min, CPUFREQ_RELATION_L. */
static int powersave_start(struct zd_policy *pol, struct zd_decision *dec,
			   struct zd_err *err)
{
	(void)err;
	const struct zd_platform_info *info = pol->info;
	for (int i = 0; i < info->ndomains; i++)
		dec->khz[i] = zd_domain_min_khz(&info->domains[i]);
	return 0;
}

/* drivers/cpufreq/cpufreq_userspace.c cpufreq_set(): the requested speed
 * with CPUFREQ_RELATION_L, i.e. the lowest level at or above it. */
static int userspace_start(struct zd_policy *pol, struct zd_decision *dec,
			   struct zd_err *err)
{
	(void)err;
	const struct zd_platform_info *info = pol->info;
	for (int i = 0; i < info->ndomains; i++) {
		const struct zd_freq_domain *d = &info->domains[i];
		uint32_t want = pol->fixed_khz[i] ? pol->fixed_khz[i]
						  : zd_domain_max_khz(d);
		dec->khz[i] = domain_in_use(d, &dec->cpus)
		    ? zd_domain_khz_at_least(d, want)
		    : zd_domain_min_khz(d);
	}
	return 0;
}

const struct zd_policy_ops zd_policy_performance = {
    .name = "performance",
    .summary = "highest frequency on the clusters in use (Linux "
	       "performance governor)",
    .start = performance_start,
};

const struct zd_policy_ops zd_policy_powersave = {
    .name = "powersave",
    .summary = "lowest frequency everywhere (Linux powersave governor)",
    .start = powersave_start,
};

const struct zd_policy_ops zd_policy_userspace = {
    .name = "userspace",
    .summary = "a fixed frequency per cluster, rounded up to a level "
	       "(Linux userspace governor)",
    .start = userspace_start,
};

/* ------------------------------------------------------------------------
 * ondemand and conservative: load sampled every sampling_rate
 * (drivers/cpufreq/cpufreq_governor.c)
 * ------------------------------------------------------------------------ */

/* drivers/cpufreq/cpufreq_ondemand.c. The kernel's od_init() sets
 * up_threshold to MICRO_FREQUENCY_UP_THRESHOLD (95) when NO_HZ idle
 * micro-accounting is active (get_cpu_idle_time_us() != -1ULL), which it
 * is on every board here (arm64 and x86 distribution kernels are built
 * with NO_HZ_COMMON); DEF_FREQUENCY_UP_THRESHOLD (80) only otherwise.
 * DEF_SAMPLING_DOWN_FACTOR (1) keeps rate_mult at 1, so every sample is
 * evaluated and nothing more of it is modelled. */
#define OD_MICRO_FREQUENCY_UP_THRESHOLD 95u

struct od_tuners {
	unsigned int up_threshold;
};

static const struct od_tuners od_tuners = {
    .up_threshold = OD_MICRO_FREQUENCY_UP_THRESHOLD,
};

/* drivers/cpufreq/cpufreq_conservative.c */
#define CS_DEF_FREQUENCY_UP_THRESHOLD 80u   /* DEF_FREQUENCY_UP_THRESHOLD */
#define CS_DEF_FREQUENCY_DOWN_THRESHOLD 20u /* DEF_FREQUENCY_DOWN_THRESHOLD */
#define CS_DEF_FREQUENCY_STEP 5u            /* DEF_FREQUENCY_STEP, % of max */
#define CS_DEF_SAMPLING_DOWN_FACTOR 1u      /* DEF_SAMPLING_DOWN_FACTOR */

struct cs_tuners {
	unsigned int up_threshold;
	unsigned int down_threshold;
	unsigned int freq_step;
	unsigned int sampling_down_factor;
};

static const struct cs_tuners cs_tuners = {
    .up_threshold = CS_DEF_FREQUENCY_UP_THRESHOLD,
    .down_threshold = CS_DEF_FREQUENCY_DOWN_THRESHOLD,
    .freq_step = CS_DEF_FREQUENCY_STEP,
    .sampling_down_factor = CS_DEF_SAMPLING_DOWN_FACTOR,
};

struct dbs_cpu {
	unsigned int prev_load; /* percent, cpu_dbs_info.prev_load */
};

struct dbs_domain {
	uint32_t asked_khz;     /* last frequency chosen */
	uint32_t requested_khz; /* conservative: requested_freq */
	unsigned int down_skip; /* conservative: down_skip */
};

struct dbs_state {
	struct zd_cpuset used;
	uint32_t sampling_rate_us;
	bool started;
	double last_s;
	struct dbs_cpu cpu[ZD_MAX_CPUS];
	struct dbs_domain dom[ZD_MAX_DOMAINS];
};

/* cpufreq_dbs_governor_init(): sampling_rate = max(
 * CPUFREQ_DBS_MIN_SAMPLING_INTERVAL, cpufreq_policy_transition_delay_us())
 * = 8000 us with HZ=250 and an unknown latency. One period serves all
 * domains, so the slowest one sets it. */
static uint32_t dbs_period_us(const struct zd_policy *pol)
{
	struct zd_cpuset used;
	cpus_in_use(pol, &used);
	uint32_t rate = DBS_MIN_SAMPLING_INTERVAL_US;
	for (int i = 0; i < pol->info->ndomains; i++) {
		const struct zd_freq_domain *d = &pol->info->domains[i];
		if (domain_in_use(d, &used) && transition_delay_us(d) > rate)
			rate = transition_delay_us(d);
	}
	return rate;
}

static int dbs_init(struct zd_policy *pol, struct zd_err *err)
{
	return state_alloc(pol, sizeof(struct dbs_state), err);
}

/* cpufreq_dbs_governor_start(): prev_load = 0 so the first sample computes
 * the load; cs_start(): requested_freq = policy->cur, down_skip = 0. */
static void dbs_start(struct zd_policy *pol, struct zd_decision *dec)
{
	struct dbs_state *st = pol->priv;
	memset(st, 0, sizeof(*st));
	st->used = dec->cpus;
	st->sampling_rate_us = dbs_period_us(pol);
	for (int i = 0; i < pol->info->ndomains; i++) {
		/* a run starts on an idle machine, where these sit lowest */
		dec->khz[i] = zd_domain_min_khz(&pol->info->domains[i]);
		st->dom[i].asked_khz = dec->khz[i];
		st->dom[i].requested_khz = dec->khz[i];
	}
}

struct dbs_load {
	unsigned int max_load;     /* percent, highest of the CPUs */
	unsigned int idle_periods; /* UINT_MAX unless every CPU slept long */
};

/* dbs_update() (drivers/cpufreq/cpufreq_governor.c): per-CPU load =
 * 100 * (elapsed - idle) / elapsed in integer microseconds, the maximum over
 * the domain's CPUs (here those the program uses); after an idle stretch
 * longer than two sampling periods the previous load is reused once. */
static struct dbs_load dbs_update(struct dbs_state *st,
				  const struct zd_freq_domain *d,
				  const struct zd_tick *t, uint64_t elapsed_us)
{
	struct dbs_load out = {0, UINT_MAX};
	uint64_t rate = st->sampling_rate_us;
	for (int c = zd_cpuset_first(&d->cpus); c >= 0;
	     c = zd_cpuset_next(&d->cpus, c)) {
		if (!zd_cpuset_has(&st->used, c))
			continue;
		struct dbs_cpu *j = &st->cpu[c];
		double idle = (1.0 - busy_fraction(t->util[c])) * elapsed_us;
		uint64_t idle_us = (uint64_t)llround(idle);
		unsigned int load;
		if (elapsed_us == 0) {
			load = j->prev_load;
		} else if (idle_us > 2 * rate && j->prev_load) {
			load = j->prev_load;
			j->prev_load = 0;
		} else {
			load = (unsigned int)(100 * (elapsed_us - idle_us) /
					      elapsed_us);
			j->prev_load = load;
		}
		if (idle_us > 2 * rate) {
			uint64_t periods = idle_us / rate;
			if (periods < out.idle_periods)
				out.idle_periods = (unsigned int)periods;
		}
		if (load > out.max_load)
			out.max_load = load;
	}
	return out;
}

/* od_update() (drivers/cpufreq/cpufreq_ondemand.c): above up_threshold go
 * to the maximum; otherwise freq_next = min_f + load * (max_f - min_f) / 100
 * over cpuinfo.min_freq..max_freq, set with CPUFREQ_RELATION_CE (the
 * closest level; RELATION_C before v5.16). */
static uint32_t od_next_khz(const struct zd_freq_domain *d, unsigned int load)
{
	uint32_t min_f = zd_domain_min_khz(d), max_f = zd_domain_max_khz(d);
	if (load > od_tuners.up_threshold)
		return max_f; /* dbs_freq_increase(policy, policy->max) */
	uint64_t next = min_f + (uint64_t)load * (max_f - min_f) / 100;
	return khz_closest(d, (uint32_t)next);
}

/* The per-sample work both dbs governors share (cpufreq_governor.c's
 * dbs_work_handler): measure each used domain's load and let the governor
 * decide; unused domains stay at their minimum. `decide` returns whether
 * it asks for a new frequency. */
typedef bool (*dbs_decide_fn)(struct dbs_domain *s,
			      const struct zd_freq_domain *d, struct dbs_load l,
			      uint32_t cur_khz, uint32_t *next);

static void dbs_tick(struct zd_policy *pol, const struct zd_tick *t,
		     uint32_t *khz, dbs_decide_fn decide)
{
	struct dbs_state *st = pol->priv;
	double dt = elapsed_s(&st->started, &st->last_s, t->now_s,
			      st->sampling_rate_us);
	uint64_t elapsed_us = (uint64_t)llround(dt * 1e6);
	for (int i = 0; i < pol->info->ndomains; i++) {
		const struct zd_freq_domain *d = &pol->info->domains[i];
		if (!domain_in_use(d, &st->used)) {
			khz[i] = zd_domain_min_khz(d);
			continue;
		}
		struct dbs_domain *s = &st->dom[i];
		struct dbs_load l = dbs_update(st, d, t, elapsed_us);
		uint32_t next;
		if (decide(s, d, l, cur_khz(t, i, s->asked_khz), &next))
			khz[i] = s->asked_khz = next;
	}
}

static bool od_decide(struct dbs_domain *s, const struct zd_freq_domain *d,
		      struct dbs_load l, uint32_t cur, uint32_t *next)
{
	(void)s;
	(void)cur;
	*next = od_next_khz(d, l.max_load);
	return true;
}

static int od_tick(struct zd_policy *pol, const struct zd_tick *t,
		   uint32_t *khz, struct zd_err *err)
{
	(void)err;
	dbs_tick(pol, t, khz, od_decide);
	return 0;
}

/* ondemand and conservative start alike (dbs_start). */
static int dbs_policy_start(struct zd_policy *pol, struct zd_decision *dec,
			    struct zd_err *err)
{
	(void)err;
	dbs_start(pol, dec);
	return 0;
}

/* get_freq_step() (drivers/cpufreq/cpufreq_conservative.c):
 * freq_step% of policy->max, DEF_FREQUENCY_STEP kHz if that rounds to 0. */
static uint32_t cs_freq_step(uint32_t max_khz)
{
	uint32_t step =
	    (uint32_t)((uint64_t)cs_tuners.freq_step * max_khz / 100);
	return step ? step : CS_DEF_FREQUENCY_STEP;
}

/* cs_dbs_update() (drivers/cpufreq/cpufreq_conservative.c): step
 * requested_freq up by freq_step above up_threshold (set with
 * CPUFREQ_RELATION_H), down below down_threshold (CPUFREQ_RELATION_L), one
 * step down per idle period missed. Returns false to keep the frequency. */
static bool cs_update(struct dbs_domain *s, const struct zd_freq_domain *d,
		      struct dbs_load l, uint32_t cur, uint32_t *out)
{
	uint32_t lo = zd_domain_min_khz(d), hi = zd_domain_max_khz(d);
	uint32_t req = s->requested_khz;
	if (cs_tuners.freq_step == 0)
		return false;
	/* out of range: the limits changed, fall back to policy->cur */
	if (req > hi || req < lo)
		req = s->requested_khz = cur;
	uint32_t step = cs_freq_step(hi);
	if (l.idle_periods < UINT_MAX) {
		uint64_t steps = (uint64_t)l.idle_periods * step;
		req = req > lo + steps ? req - (uint32_t)steps : lo;
	}
	if (l.max_load > cs_tuners.up_threshold) {
		s->down_skip = 0;
		if (req == hi)
			return false;
		req = req + step > hi ? hi : req + step;
		s->requested_khz = req;
		*out = zd_domain_khz_at_most(d, req);
		return true;
	}
	if (++s->down_skip < cs_tuners.sampling_down_factor)
		return false;
	s->down_skip = 0;
	if (l.max_load >= cs_tuners.down_threshold || req == lo)
		return false;
	req = req > step ? req - step : lo;
	s->requested_khz = req;
	*out = zd_domain_khz_at_least(d, req); /* clamps below min to min */
	return true;
}

static int cs_tick(struct zd_policy *pol, const struct zd_tick *t,
		   uint32_t *khz, struct zd_err *err)
{
	(void)err;
	dbs_tick(pol, t, khz, cs_update);
	return 0;
}

const struct zd_policy_ops zd_policy_ondemand = {
    .name = "ondemand",
    .summary = "maximum above 95% load, else proportional to load "
	       "(Linux ondemand governor)",
    .period_us = dbs_period_us,
    .init = dbs_init,
    .fini = state_free,
    .start = dbs_policy_start,
    .tick = od_tick,
};

const struct zd_policy_ops zd_policy_conservative = {
    .name = "conservative",
    .summary = "5% steps up above 80% load, down below 20% "
	       "(Linux conservative governor)",
    .period_us = dbs_period_us,
    .init = dbs_init,
    .fini = state_free,
    .start = dbs_policy_start,
    .tick = cs_tick,
};

/* ------------------------------------------------------------------------
 * schedutil: frequency from PELT utilisation (kernel/sched/cpufreq_schedutil.c)
 * ------------------------------------------------------------------------ */

/* LOAD_AVG_PERIOD (kernel/sched/sched-pelt.h): y^32 = 1/2. */
#define PELT_LOAD_AVG_PERIOD 32.0
/* kernel/sched/pelt.c: time counts in 1024 ns units ("delta >>= 10") summed
 * in periods of 1024 units, i.e. 1.048576 ms; half-life 33.55 ms. */
#define PELT_PERIOD_US (1024.0 * 1024.0 / 1000.0)

struct sugov_domain {
	bool shared;            /* policy_is_shared(): more than one CPU */
	bool chosen;            /* next_freq set since start */
	uint32_t next_khz;      /* sg_policy->next_freq */
	double last_update_s;   /* sg_policy->last_freq_update_time */
	uint32_t rate_limit_us; /* sugov_tunables.rate_limit_us */
};

struct sugov_state {
	struct zd_cpuset used;
	bool started;
	double last_s;
	double util[ZD_MAX_CPUS]; /* util_avg / capacity, 0..1 */
	struct sugov_domain dom[ZD_MAX_DOMAINS];
};

/* schedutil runs from the scheduler's utilisation updates, at the latest
 * every tick (sched_tick() -> update_load_avg() -> cpufreq_update_util());
 * rate_limit_us, checked inside, decides whether it acts. */
static uint32_t sugov_period_us(const struct zd_policy *pol)
{
	(void)pol;
	return TICK_USEC;
}

static int sugov_init(struct zd_policy *pol, struct zd_err *err)
{
	return state_alloc(pol, sizeof(struct sugov_state), err);
}

/* sugov_start(): next_freq = 0 and last_freq_update_time = 0, so the first
 * update always passes; sugov_init(): rate_limit_us =
 * cpufreq_policy_transition_delay_us(policy). */
static int sugov_start(struct zd_policy *pol, struct zd_decision *dec,
		       struct zd_err *err)
{
	(void)err;
	struct sugov_state *st = pol->priv;
	memset(st, 0, sizeof(*st));
	st->used = dec->cpus;
	/* post_init_entity_util_avg() (kernel/sched/fair.c): a new task on a
	 * CPU whose runqueue carries no utilisation starts at
	 * cap = (SCHED_CAPACITY_SCALE - cfs_rq util) / 2, half capacity */
	for (int c = zd_cpuset_first(&st->used); c >= 0;
	     c = zd_cpuset_next(&st->used, c))
		st->util[c] = 0.5;
	for (int i = 0; i < pol->info->ndomains; i++) {
		const struct zd_freq_domain *d = &pol->info->domains[i];
		dec->khz[i] = zd_domain_min_khz(d); /* from an idle machine */
		st->dom[i].shared = zd_cpuset_count(&d->cpus) > 1;
		st->dom[i].rate_limit_us = transition_delay_us(d);
	}
	return 0;
}

/* PELT with frequency invariance: util_avg decays by y per period and gains
 * the running time scaled by arch_scale_freq_capacity() = cur/max
 * (update_rq_clock_pelt(), kernel/sched/pelt.h). Capacity scaling cancels
 * out: util and capacity are both per CPU here. Returns the domain's highest
 * util (sugov_next_freq_shared) and whether a lone CPU never idled. */
static double sugov_update_util(struct sugov_state *st,
				const struct zd_freq_domain *d,
				const struct zd_tick *t, double decay,
				double freq_scale, bool *busy)
{
	double umax = 0.0;
	*busy = false;
	for (int c = zd_cpuset_first(&d->cpus); c >= 0;
	     c = zd_cpuset_next(&d->cpus, c)) {
		if (!zd_cpuset_has(&st->used, c))
			continue;
		double running = busy_fraction(t->util[c]);
		st->util[c] =
		    st->util[c] * decay + (1.0 - decay) * running * freq_scale;
		if (st->util[c] > umax)
			umax = st->util[c];
		*busy = running >= 1.0;
	}
	return umax;
}

/* get_next_freq(): next_freq = C * max_freq * util / max with C = 1.25:
 * map_util_perf() adds util >> 2 (include/linux/sched/cpufreq.h) in
 * sugov_effective_cpu_perf(), capped at the CPU's capacity;
 * get_capacity_ref_freq() is cpuinfo.max_freq when frequency invariant;
 * cpufreq_driver_resolve_freq() takes the lowest level at or above it
 * (CPUFREQ_RELATION_L). */
static uint32_t sugov_next_khz(const struct zd_freq_domain *d, double util)
{
	double perf = util + util / 4.0;
	if (perf > 1.0)
		perf = 1.0;
	uint32_t raw = (uint32_t)(zd_domain_max_khz(d) * perf);
	return zd_domain_khz_at_least(d, raw);
}

static int sugov_tick(struct zd_policy *pol, const struct zd_tick *t,
		      uint32_t *khz, struct zd_err *err)
{
	(void)err;
	struct sugov_state *st = pol->priv;
	double dt = elapsed_s(&st->started, &st->last_s, t->now_s,
			      sugov_period_us(pol));
	double decay =
	    pow(0.5, dt * 1e6 / (PELT_LOAD_AVG_PERIOD * PELT_PERIOD_US));
	for (int i = 0; i < pol->info->ndomains; i++) {
		const struct zd_freq_domain *d = &pol->info->domains[i];
		struct sugov_domain *s = &st->dom[i];
		if (!domain_in_use(d, &st->used)) {
			khz[i] = zd_domain_min_khz(d);
			continue;
		}
		uint32_t max_f = zd_domain_max_khz(d);
		uint32_t cur = cur_khz(
		    t, i, s->chosen ? s->next_khz : zd_domain_min_khz(d));
		double scale = cur >= max_f ? 1.0 : (double)cur / max_f;
		bool busy;
		double util = sugov_update_util(st, d, t, decay, scale, &busy);
		/* sugov_should_update_freq(): rate limit since the last change */
		if (s->chosen &&
		    (t->now_s - s->last_update_s) * 1e6 < s->rate_limit_us)
			continue;
		uint32_t next = sugov_next_khz(d, util);
		/* sugov_update_single_freq(): a lone CPU that has not idled
		 * keeps its frequency rather than lowering it prematurely */
		if (!s->shared && busy && s->chosen && next < s->next_khz)
			next = s->next_khz;
		/* sugov_update_next_freq(): no change, no update */
		if (s->chosen && next == s->next_khz)
			continue;
		s->next_khz = next;
		s->last_update_s = t->now_s;
		s->chosen = true;
		khz[i] = next;
	}
	return 0;
}

const struct zd_policy_ops zd_policy_schedutil = {
    .name = "schedutil",
    .summary = "1.25 x max x PELT utilisation, rate limited "
	       "(Linux schedutil governor)",
    .period_us = sugov_period_us,
    .init = sugov_init,
    .fini = state_free,
    .start = sugov_start,
    .tick = sugov_tick,
};
