/* test_policy.c - the Linux governors as a user relies on them: static ones
 * pick max/min/the level asked, ondemand/conservative/schedutil react to load
 * as the kernel's do, idle clusters stay at their minimum, and every choice
 * is a frequency the hardware offers. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zdvfs/policy.h"

/* Jetson TX2 Cortex-A57 levels (kHz). */
static const uint32_t levels[12] = {
    345600,  499200,  652800,  806400,  960000,  1113600,
    1267200, 1420800, 1574400, 1728000, 1881600, 2035200,
};
#define L_MIN 345600u
#define L_MAX 2035200u
/* A cluster that lists no levels, only its limits. */
#define C_MIN 300000u
#define C_MAX 2300000u

static struct zd_platform_info info;

/* Two clusters: CPUs 0-3 with 12 levels, CPUs 4-5 with only min..max. */
static int make_info(void **state)
{
	(void)state;
	memset(&info, 0, sizeof(info));
	info.backend = "test";
	for (int c = 0; c < 6; c++)
		zd_cpuset_add(&info.online, c);
	info.ndomains = 2;
	struct zd_freq_domain *d = &info.domains[0];
	d->id = 0;
	strcpy(d->name, "policy0");
	for (int c = 0; c < 4; c++)
		zd_cpuset_add(&d->cpus, c);
	memcpy(d->freqs_khz, levels, sizeof(levels));
	d->nfreqs = 12;
	d->min_khz = L_MIN;
	d->max_khz = L_MAX;
	d = &info.domains[1];
	d->id = 4;
	strcpy(d->name, "policy4");
	zd_cpuset_add(&d->cpus, 4);
	zd_cpuset_add(&d->cpus, 5);
	d->min_khz = C_MIN;
	d->max_khz = C_MAX;
	return 0;
}

static struct zd_policy *new_policy(const char *name, const char *cpus)
{
	struct zd_cpuset set;
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	if (cpus != NULL)
		assert_int_equal(zd_cpuset_parse(&set, cpus, "cpus", &err), 0);
	if (zd_policy_new(name, &info, cpus ? &set : NULL, &pol, &err) != 0)
		fail_msg("%s", err.msg);
	return pol;
}

static void start(struct zd_policy *pol, struct zd_decision *d)
{
	struct zd_err err = {0};
	if (zd_policy_start(pol, d, &err) != 0)
		fail_msg("%s", err.msg);
}

/* One tick: `util` for CPUs 0-5, `cur` what each cluster ran at; `khz`
 * holds the previous choice and receives the new one. */
static void tick(struct zd_policy *pol, double now_s, const double *util,
		 const uint32_t *cur, uint32_t *khz)
{
	struct zd_tick t;
	struct zd_err err = {0};
	memset(&t, 0, sizeof(t));
	t.now_s = now_s;
	for (int c = 0; c < 6; c++)
		t.util[c] = util[c];
	t.cur_khz[0] = cur[0];
	t.cur_khz[1] = cur[1];
	if (zd_policy_tick(pol, &t, khz, &err) != 0)
		fail_msg("%s", err.msg);
}

static bool is_level(uint32_t khz)
{
	for (int i = 0; i < 12; i++)
		if (levels[i] == khz)
			return true;
	return false;
}

static void lists_and_finds_every_policy(void **state)
{
	(void)state;
	const char *want[] = {"performance", "powersave",    "userspace",
			      "ondemand",    "conservative", "schedutil"};
	const char *const *names = zd_policy_names();
	int n = 0;
	while (names[n] != NULL)
		n++;
	assert_int_equal(n, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(names[i], want[i]);
		const struct zd_policy_ops *ops = zd_policy_find(names[i]);
		assert_non_null(ops);
		assert_string_equal(ops->name, names[i]);
		assert_non_null(ops->summary);
		assert_non_null(ops->start);
	}
	assert_null(zd_policy_find("turbo"));
	assert_null(zd_policy_find(NULL));
}

static void unknown_name_is_a_usage_error_naming_the_policies(void **state)
{
	(void)state;
	struct zd_policy dummy;
	struct zd_policy *pol = &dummy; /* must come back NULL */
	struct zd_err err = {0};
	assert_int_equal(zd_policy_new("turbo", &info, NULL, &pol, &err),
			 -EINVAL);
	assert_null(pol);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "turbo"));
	for (const char *const *n = zd_policy_names(); *n != NULL; n++)
		assert_non_null(strstr(err.msg, *n));
}

static void offline_cpus_are_a_usage_error(void **state)
{
	(void)state;
	struct zd_cpuset set;
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	assert_int_equal(zd_cpuset_parse(&set, "0,7", "cpus", &err), 0);
	assert_int_not_equal(zd_policy_new("ondemand", &info, &set, &pol, &err),
			     0);
	assert_null(pol);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "7"));
	assert_non_null(strstr(err.msg, "0-5"));
}

static void a_domain_without_frequencies_is_refused(void **state)
{
	(void)state;
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	info.domains[1].max_khz = 0;
	info.domains[1].min_khz = 0;
	assert_int_not_equal(
	    zd_policy_new("powersave", &info, NULL, &pol, &err), 0);
	assert_null(pol);
	assert_non_null(strstr(err.msg, "policy4"));
}

static void helpers_round_as_the_kernel_relations(void **state)
{
	(void)state;
	const struct zd_freq_domain *d = &info.domains[0],
				    *c = &info.domains[1];
	assert_int_equal(zd_domain_min_khz(d), L_MIN);
	assert_int_equal(zd_domain_max_khz(d), L_MAX);
	assert_int_equal(zd_domain_khz_at_least(d, 1000000), 1113600);
	assert_int_equal(zd_domain_khz_at_least(d, 960000), 960000);
	assert_int_equal(zd_domain_khz_at_least(d, 1), L_MIN);
	assert_int_equal(zd_domain_khz_at_least(d, 9000000), L_MAX);
	assert_int_equal(zd_domain_khz_at_most(d, 1000000), 960000);
	assert_int_equal(zd_domain_khz_at_most(d, 1), L_MIN);
	assert_int_equal(zd_domain_khz_at_most(d, 9000000), L_MAX);
	assert_int_equal(zd_domain_min_khz(c), C_MIN);
	assert_int_equal(zd_domain_max_khz(c), C_MAX);
	assert_int_equal(zd_domain_khz_at_least(c, 1234567), 1234567);
	assert_int_equal(zd_domain_khz_at_most(c, 1234567), 1234567);
	assert_int_equal(zd_domain_khz_at_least(c, 1), C_MIN);
	assert_int_equal(zd_domain_khz_at_most(c, 3000000), C_MAX);
}

static void performance_and_powersave_pick_max_and_min(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("performance", NULL);
	assert_int_equal(zd_policy_period_us(pol), 0);
	start(pol, &d);
	assert_true(zd_cpuset_equal(&d.cpus, &info.online));
	assert_int_equal(d.khz[0], L_MAX);
	assert_int_equal(d.khz[1], C_MAX);
	zd_policy_free(pol);

	pol = new_policy("performance", "1-2");
	start(pol, &d);
	assert_int_equal(zd_cpuset_count(&d.cpus), 2);
	assert_int_equal(d.khz[0], L_MAX);
	assert_int_equal(d.khz[1], C_MIN); /* no CPU in use: idle */
	zd_policy_free(pol);

	pol = new_policy("powersave", NULL);
	assert_int_equal(zd_policy_period_us(pol), 0);
	start(pol, &d);
	assert_int_equal(d.khz[0], L_MIN);
	assert_int_equal(d.khz[1], C_MIN);
	zd_policy_free(pol);
}

static void userspace_rounds_up_to_an_available_level(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("userspace", NULL);
	pol->fixed_khz[0] = 1000000; /* between 960000 and 1113600 */
	pol->fixed_khz[1] = 1234567;
	start(pol, &d);
	assert_int_equal(d.khz[0], 1113600);
	assert_int_equal(d.khz[1], 1234567);

	pol->fixed_khz[0] = 0; /* 0 = the maximum */
	pol->fixed_khz[1] = 5000000;
	start(pol, &d);
	assert_int_equal(d.khz[0], L_MAX);
	assert_int_equal(d.khz[1], C_MAX);

	pol->fixed_khz[0] = 1;
	pol->fixed_khz[1] = 1;
	start(pol, &d);
	assert_int_equal(d.khz[0], L_MIN);
	assert_int_equal(d.khz[1], C_MIN);
	zd_policy_free(pol);
}

static void reactive_governors_sample_at_the_kernel_rates(void **state)
{
	(void)state;
	/* ondemand/conservative: max(2 ticks at HZ=250, 1 ms) = 8 ms;
	 * schedutil: every 4 ms tick */
	const char *names[] = {"ondemand", "conservative", "schedutil"};
	const uint32_t want[] = {8000, 8000, 4000};
	for (int i = 0; i < 3; i++) {
		struct zd_policy *pol = new_policy(names[i], NULL);
		assert_int_equal(zd_policy_period_us(pol), want[i]);
		struct zd_decision d;
		start(pol, &d);
		assert_int_equal(d.khz[0], L_MIN); /* from an idle machine */
		assert_int_equal(d.khz[1], C_MIN);
		zd_policy_free(pol);
	}
}

/* up_threshold is MICRO_FREQUENCY_UP_THRESHOLD (95): od_init() on a NO_HZ
 * kernel (drivers/cpufreq/cpufreq_ondemand.c). */
static void ondemand_goes_to_max_above_95_percent_and_scales_below(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("ondemand", "0-1,4");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	double now = 0;

	/* 97% on one CPU of each cluster: both to the maximum */
	double busy[6] = {0.97, 0.1, 0, 0, 0.97, 0};
	tick(pol, now += 0.008, busy, khz, khz);
	assert_int_equal(khz[0], L_MAX);
	assert_int_equal(khz[1], C_MAX);

	/* exactly 95% is not above the threshold: min + 95% of the range,
	 * 1950720 kHz, closest level 1881600 */
	double ninety_five[6] = {0.95, 0, 0, 0, 0.95, 0};
	tick(pol, now += 0.008, ninety_five, khz, khz);
	assert_int_equal(khz[0], 1881600);
	assert_int_equal(khz[1], C_MIN + 95 * (C_MAX - C_MIN) / 100);

	/* the busiest CPU in use counts (40%), CPU 2 is not in use;
	 * 345600 + 40% of 1689600 = 1021440 -> closest level 960000;
	 * 300000 + 30% of 2000000 = 900000 exactly */
	double mixed[6] = {0.1, 0.4, 1.0, 1.0, 0.3, 1.0};
	tick(pol, now += 0.008, mixed, khz, khz);
	assert_int_equal(khz[0], 960000);
	assert_int_equal(khz[1], 900000);

	/* idle: back to the minimum */
	double idle[6] = {0};
	tick(pol, now += 0.008, idle, khz, khz);
	assert_int_equal(khz[0], L_MIN);
	assert_int_equal(khz[1], C_MIN);
	zd_policy_free(pol);
}

/* dbs_update(): a CPU that slept for more than two sampling periods is
 * given its previous load once, so a task waking up is not judged idle. */
static void ondemand_reuses_the_load_once_after_a_long_sleep(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("ondemand", "0");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	double busy[6] = {0.97, 0, 0, 0, 0, 0};
	double idle[6] = {0};
	tick(pol, 0.008, busy, khz, khz);
	assert_int_equal(khz[0], L_MAX);
	tick(pol, 0.108, idle, khz, khz); /* 100 ms asleep: 97% again */
	assert_int_equal(khz[0], L_MAX);
	tick(pol, 0.116, idle, khz, khz); /* then the real load */
	assert_int_equal(khz[0], L_MIN);
	zd_policy_free(pol);
}

static void conservative_steps_5_percent_within_limits(void **state)
{
	(void)state;
	const uint32_t step = C_MAX / 20; /* 5% of the maximum: 115000 */
	struct zd_decision d;
	struct zd_policy *pol = new_policy("conservative", "4");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	double now = 0;
	double high[6] = {0, 0, 0, 0, 0.9, 0};
	double mid[6] = {0, 0, 0, 0, 0.5, 0};
	double low[6] = {0, 0, 0, 0, 0.1, 0};

	/* up: one step per sample until the maximum, never beyond */
	uint32_t want = C_MIN;
	for (int i = 0; i < 25; i++) {
		tick(pol, now += 0.008, high, khz, khz);
		want = want + step > C_MAX ? C_MAX : want + step;
		assert_int_equal(khz[1], want);
		assert_int_equal(khz[0], L_MIN); /* not in use */
	}
	assert_int_equal(khz[1], C_MAX);

	/* between the thresholds: the frequency is left alone */
	uint32_t keep[2] = {khz[0], 7};
	tick(pol, now += 0.008, mid, khz, keep);
	assert_int_equal(keep[1], 7);

	/* down: one step per sample, never below the minimum */
	for (int i = 0; i < 25; i++) {
		tick(pol, now += 0.008, low, khz, khz);
		want = want > C_MIN + step ? want - step : C_MIN;
		assert_int_equal(khz[1], want);
	}
	assert_int_equal(khz[1], C_MIN);
	zd_policy_free(pol);
}

static void conservative_climbs_through_levels(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("conservative", "0");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	double high[6] = {1, 0, 0, 0, 0, 0};
	uint32_t prev = khz[0];
	/* requested_freq climbs 5% of max (101760 kHz) per sample and the
	 * level at or below it is set (CPUFREQ_RELATION_H) */
	for (int i = 1; i <= 20; i++) {
		tick(pol, i * 0.008, high, khz, khz);
		uint32_t req = L_MIN + (uint32_t)i * (L_MAX / 20);
		uint32_t want = req > L_MAX ? L_MAX : req;
		assert_true(is_level(khz[0]));
		assert_true(khz[0] <= want);
		assert_true(khz[0] >= prev);
		prev = khz[0];
	}
	assert_int_equal(khz[0], L_MAX);
	zd_policy_free(pol);
}

/* A program that needs half of the cluster's top speed: busy 0.5 at max,
 * fully busy below half of max. */
static double half_demand(uint32_t cur, uint32_t max)
{
	double busy = 0.5 * max / cur;
	return busy > 1 ? 1 : busy;
}

static void schedutil_settles_with_25_percent_headroom(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("schedutil", "0,4");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	double util[6] = {0};
	for (int i = 1; i <= 500; i++) { /* 2 s of 4 ms ticks */
		util[0] = half_demand(khz[0], L_MAX);
		util[4] = half_demand(khz[1], C_MAX);
		tick(pol, i * 0.004, util, khz, khz);
	}
	/* util 0.5 -> 0.625 * max, then the lowest level at or above it */
	assert_int_equal(khz[0],
			 zd_domain_khz_at_least(&info.domains[0],
						(uint32_t)(0.625 * L_MAX)));
	assert_int_equal(khz[0], 1420800);
	assert_true(fabs(khz[1] - 0.625 * C_MAX) < 0.005 * C_MAX);
	zd_policy_free(pol);
}

static void schedutil_ramps_with_the_pelt_half_life(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("schedutil", "4");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	const uint32_t at_max[2] = {L_MAX, C_MAX}; /* no frequency scaling */
	double busy[6] = {0, 0, 0, 0, 1, 0};
	/* PELT half-life: 32 periods of 1024 * 1024 ns = 33.55 ms; the new
	 * task starts at half capacity (post_init_entity_util_avg()) */
	const double half_life_s = 32 * 1.048576e-3;
	uint32_t prev = 0;
	for (int i = 1; i <= 40; i++) {
		double now = i * 0.004;
		tick(pol, now, busy, at_max, khz);
		double u = 1 - 0.5 * pow(0.5, now / half_life_s);
		double want = fmin(1.25 * u, 1.0) * C_MAX;
		if (want < C_MIN)
			want = C_MIN;
		assert_true(fabs(khz[1] - want) <= 0.005 * C_MAX);
		assert_true(khz[1] >= prev);
		prev = khz[1];
		if (i == 8) /* 32 ms, about one half-life: util ~0.75 */
			assert_true(khz[1] > 0.90 * C_MAX &&
				    khz[1] < 0.96 * C_MAX);
	}
	assert_int_equal(khz[1], C_MAX);
	zd_policy_free(pol);
}

static void schedutil_ramps_from_min_under_frequency_invariance(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("schedutil", "0");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	double busy[6] = {1, 0, 0, 0, 0, 0};
	/* always busy at min counts as only min/max utilisation, yet the 25%
	 * headroom lifts it level by level to the top */
	for (int i = 1; i <= 250; i++) {
		uint32_t ran[2] = {khz[0], khz[1]};
		tick(pol, i * 0.004, busy, ran, khz);
		assert_true(is_level(khz[0]));
	}
	assert_int_equal(khz[0], L_MAX);
	zd_policy_free(pol);
}

static void schedutil_respects_the_rate_limit(void **state)
{
	(void)state;
	struct zd_decision d;
	struct zd_policy *pol = new_policy("schedutil", "4");
	start(pol, &d);
	uint32_t khz[2] = {d.khz[0], d.khz[1]};
	const uint32_t at_max[2] = {L_MAX, C_MAX};
	double busy[6] = {0, 0, 0, 0, 1, 0};
	tick(pol, 0.004, busy, at_max, khz);
	tick(pol, 0.008, busy, at_max, khz); /* a change at 8 ms */
	uint32_t changed = khz[1];
	/* 0.5 ms later: within rate_limit_us (1000), left alone */
	uint32_t keep[2] = {khz[0], 7};
	tick(pol, 0.0085, busy, at_max, keep);
	assert_int_equal(keep[1], 7);
	/* 1.1 ms after the change: allowed, and higher */
	tick(pol, 0.0091, busy, at_max, khz);
	assert_true(khz[1] > changed);
	zd_policy_free(pol);
}

static void a_cluster_with_no_cpu_in_use_stays_at_min(void **state)
{
	(void)state;
	const char *names[] = {"performance", "userspace", "ondemand",
			       "conservative", "schedutil"};
	double full[6] = {1, 1, 1, 1, 1, 1};
	for (int n = 0; n < 5; n++) {
		struct zd_decision d;
		struct zd_policy *pol = new_policy(names[n], "0-3");
		start(pol, &d);
		assert_int_equal(d.khz[1], C_MIN);
		uint32_t khz[2] = {d.khz[0], d.khz[1]};
		uint32_t period = zd_policy_period_us(pol);
		for (int i = 1; period && i <= 250; i++) {
			tick(pol, i * period * 1e-6, full, khz, khz);
			assert_int_equal(khz[1], C_MIN);
		}
		if (period)
			assert_int_equal(khz[0], L_MAX);
		zd_policy_free(pol);
	}
}

static void chosen_frequencies_are_available_levels(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (const char *const *n = zd_policy_names(); *n != NULL; n++) {
		struct zd_decision d;
		struct zd_policy *pol = new_policy(*n, NULL);
		start(pol, &d);
		assert_true(is_level(d.khz[0]));
		assert_true(d.khz[1] >= C_MIN && d.khz[1] <= C_MAX);
		uint32_t khz[2] = {d.khz[0], d.khz[1]};
		uint32_t period = zd_policy_period_us(pol);
		double now = 0;
		for (int i = 0; period && i < 2000; i++) {
			double util[6];
			for (int c = 0; c < 6; c++) {
				seed = seed * 1103515245u + 12345u;
				util[c] = (seed >> 8) % 1001 / 1000.0;
			}
			/* irregular ticks, now and then a long pause */
			seed = seed * 1103515245u + 12345u;
			now += period * 1e-6 * (seed % 16 == 0 ? 5 : 1);
			uint32_t ran[2] = {khz[0], khz[1]};
			tick(pol, now, util, ran, khz);
			assert_true(is_level(khz[0]));
			assert_true(khz[1] >= C_MIN && khz[1] <= C_MAX);
		}
		zd_policy_free(pol);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lists_and_finds_every_policy),
	    cmocka_unit_test_setup(
		unknown_name_is_a_usage_error_naming_the_policies, make_info),
	    cmocka_unit_test_setup(offline_cpus_are_a_usage_error, make_info),
	    cmocka_unit_test_setup(a_domain_without_frequencies_is_refused,
				   make_info),
	    cmocka_unit_test_setup(helpers_round_as_the_kernel_relations,
				   make_info),
	    cmocka_unit_test_setup(performance_and_powersave_pick_max_and_min,
				   make_info),
	    cmocka_unit_test_setup(userspace_rounds_up_to_an_available_level,
				   make_info),
	    cmocka_unit_test_setup(
		reactive_governors_sample_at_the_kernel_rates, make_info),
	    cmocka_unit_test_setup(
		ondemand_goes_to_max_above_95_percent_and_scales_below,
		make_info),
	    cmocka_unit_test_setup(
		ondemand_reuses_the_load_once_after_a_long_sleep, make_info),
	    cmocka_unit_test_setup(conservative_steps_5_percent_within_limits,
				   make_info),
	    cmocka_unit_test_setup(conservative_climbs_through_levels,
				   make_info),
	    cmocka_unit_test_setup(schedutil_settles_with_25_percent_headroom,
				   make_info),
	    cmocka_unit_test_setup(schedutil_ramps_with_the_pelt_half_life,
				   make_info),
	    cmocka_unit_test_setup(
		schedutil_ramps_from_min_under_frequency_invariance, make_info),
	    cmocka_unit_test_setup(schedutil_respects_the_rate_limit,
				   make_info),
	    cmocka_unit_test_setup(a_cluster_with_no_cpu_in_use_stays_at_min,
				   make_info),
	    cmocka_unit_test_setup(chosen_frequencies_are_available_levels,
				   make_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
