/* test_sim.c - the simulator's physics, checked as laws rather than as
 * numbers copied from the code: frequency never slows a run; compute-bound
 * work scales with f and cores, memory-bound work saturates; power grows
 * faster than f; temperature has a fast die and a slow heatsink part;
 * throttling holds the trip point; energy is the integral of power; runs are
 * reproducible and carry their heat over. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zdvfs/policy.h"
#include "zdvfs/sim.h"

/* ~4 s at 1 GHz on one A57: pure compute, perfectly parallel */
static const struct zd_sim_workload compute = {
    .name = "compute",
    .instructions = 4e9,
    .dram_bytes = 1e6,
};
/* streams 8 GB with little arithmetic */
static const struct zd_sim_workload streaming = {
    .name = "stream",
    .instructions = 2e9,
    .dram_bytes = 8e9,
};

static struct zd_sim *open_board(const char *name)
{
	struct zd_board *b = NULL;
	struct zd_sim *sim = NULL;
	struct zd_err err = {0};
	if (zd_board_load(name, NULL, &b, &err) != 0 ||
	    zd_sim_new(b, 42, &sim, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	return sim;
}

/* The TX2's A57 cluster without the reserved cpu0: cpus 3-5. */
static int a57(const struct zd_sim *sim)
{
	const struct zd_board *b = zd_sim_board(sim);
	for (int c = 0; c < b->nclusters; c++)
		if (strcmp(b->clusters[c].core_type, "cortex-a57") == 0)
			return c;
	fail_msg("no A57 cluster");
	return -1;
}

static void cpus_of(struct zd_cpuset *set, const char *list)
{
	struct zd_err err = {0};
	assert_int_equal(zd_cpuset_parse(set, list, "test", &err), 0);
}

static void all_at_level(const struct zd_sim *sim, int level, uint32_t *khz)
{
	const struct zd_board *b = zd_sim_board(sim);
	for (int c = 0; c < b->nclusters; c++) {
		int l = level < b->clusters[c].nopps ? level
						     : b->clusters[c].nopps - 1;
		khz[c] = b->clusters[c].opps[l].khz;
	}
}

static struct zd_policy *policy(struct zd_sim *sim, const char *name,
				const char *cpus, const uint32_t *khz)
{
	struct zd_cpuset set;
	struct zd_policy *pol = NULL;
	struct zd_err err = {0};
	cpus_of(&set, cpus);
	if (zd_policy_new(name, zd_sim_info(sim), &set, &pol, &err) != 0)
		fail_msg("%s", err.msg);
	if (khz != NULL)
		memcpy(pol->fixed_khz, khz, sizeof(uint32_t) * ZD_MAX_DOMAINS);
	return pol;
}

static struct zd_sim_result run(struct zd_sim *sim,
				const struct zd_sim_workload *w,
				const char *gov, const char *cpus,
				const uint32_t *khz)
{
	struct zd_policy *pol = policy(sim, gov, cpus, khz);
	struct zd_sim_result r;
	struct zd_err err = {0};
	if (zd_sim_run(sim, w, pol, &r, NULL, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	zd_policy_free(pol);
	return r;
}

static void higher_frequency_never_slows_a_run(void **state)
{
	(void)state;
	const char *boards[] = {"jetson-tx2", "jetson-orin-nx", "rubik-pi",
				"core-i7"};
	const struct zd_sim_workload *ws[] = {&compute, &streaming};
	for (int bi = 0; bi < 4; bi++) {
		struct zd_sim *sim = open_board(boards[bi]);
		struct zd_cpuset cpus;
		zd_sim_default_cpus(sim, &cpus);
		for (int wi = 0; wi < 2; wi++) {
			double prev = INFINITY;
			for (int level = 0; level < 20; level++) {
				uint32_t khz[ZD_MAX_DOMAINS];
				all_at_level(sim, level, khz);
				double t =
				    zd_sim_exec_time_s(sim, ws[wi], &cpus, khz);
				if (!(t <= prev * (1 + 1e-12)))
					fail_msg("%s %s: level %d slower",
						 boards[bi], ws[wi]->name,
						 level);
				prev = t;
			}
		}
		zd_sim_free(sim);
	}
}

static void compute_bound_scales_with_f_and_cores(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-tx2");
	const struct zd_cluster_desc *cl =
	    &zd_sim_board(sim)->clusters[a57(sim)];
	uint32_t lo[ZD_MAX_DOMAINS], hi[ZD_MAX_DOMAINS];
	all_at_level(sim, 0, lo);
	all_at_level(sim, 99, hi);
	struct zd_cpuset one, three;
	cpus_of(&one, "3");
	cpus_of(&three, "3-5");
	double ratio_f = zd_sim_exec_time_s(sim, &compute, &one, lo) /
	    zd_sim_exec_time_s(sim, &compute, &one, hi);
	double f_ratio = (double)cl->opps[cl->nopps - 1].khz / cl->opps[0].khz;
	assert_true(fabs(ratio_f / f_ratio - 1) < 0.05);
	double ratio_n = zd_sim_exec_time_s(sim, &compute, &one, hi) /
	    zd_sim_exec_time_s(sim, &compute, &three, hi);
	assert_true(ratio_n > 2.7 && ratio_n <= 3.0);
	zd_sim_free(sim);
}

static void memory_bound_saturates(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-tx2");
	uint32_t mid[ZD_MAX_DOMAINS], hi[ZD_MAX_DOMAINS];
	all_at_level(sim, 6, mid);
	all_at_level(sim, 99, hi);
	struct zd_cpuset four, five;
	cpus_of(&four, "2-5");
	cpus_of(&five, "1-5");
	double t_mid = zd_sim_exec_time_s(sim, &streaming, &five, mid);
	double t_hi = zd_sim_exec_time_s(sim, &streaming, &five, hi);
	/* far less than the 1.6x frequency step */
	assert_true(t_mid / t_hi < 1.1);
	/* one more core buys nothing once the bandwidth is used up ... */
	double t4 = zd_sim_exec_time_s(sim, &streaming, &four, hi);
	assert_true(t4 / t_hi < 1.05);
	/* ... while compute-bound work gains its share from the same core */
	assert_true(zd_sim_exec_time_s(sim, &compute, &four, hi) /
			zd_sim_exec_time_s(sim, &compute, &five, hi) >
		    1.15);
	zd_sim_free(sim);
}

static void power_grows_faster_than_frequency(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-orin-nx");
	struct zd_cpuset cpus;
	zd_sim_default_cpus(sim, &cpus);
	uint32_t lo[ZD_MAX_DOMAINS], hi[ZD_MAX_DOMAINS], none[ZD_MAX_DOMAINS];
	all_at_level(sim, 3, lo);
	all_at_level(sim, 99, hi);
	struct zd_cpuset empty;
	zd_cpuset_zero(&empty);
	all_at_level(sim, 0, none);
	double idle = zd_sim_power_w(sim, &compute, &empty, none, 25000);
	double p_lo = zd_sim_power_w(sim, &compute, &cpus, lo, 25000) - idle;
	double p_hi = zd_sim_power_w(sim, &compute, &cpus, hi, 25000) - idle;
	double f_ratio = (double)hi[0] / lo[0];
	assert_true(p_hi / p_lo > f_ratio);
	/* and leakage makes a hot chip draw more at the same work */
	assert_true(zd_sim_power_w(sim, &compute, &cpus, hi, 80000) >
		    zd_sim_power_w(sim, &compute, &cpus, hi, 25000));
	zd_sim_free(sim);
}

struct trace_log {
	int n;
	double t[200000];
	double power[200000];
	int temp[200000];
	int zone;
};

static void record(void *ctx, const struct zd_sim_sample *s)
{
	struct trace_log *log = ctx;
	if (log->n < 200000) {
		log->t[log->n] = s->t_s;
		log->power[log->n] = s->power_w;
		log->temp[log->n] = s->temp_mc[log->zone];
		log->n++;
	}
}

static int zone_named(const struct zd_sim *sim, const char *name)
{
	const struct zd_board *b = zd_sim_board(sim);
	for (int z = 0; z < b->nzones; z++)
		if (strcmp(b->zones[z].name, name) == 0)
			return z;
	fail_msg("no zone %s", name);
	return -1;
}

/* A zone is a die node on a heatsink node: under a load step the sensor
 * jumps within seconds (the die, ~1 s), then climbs for minutes (the
 * heatsink), reaching 1 - 1/e of the slow part one heatsink time constant
 * later. */
static void temperature_has_a_fast_and_a_slow_part(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-tx2");
	const struct zd_board *b = zd_sim_board(sim);
	int z = zone_named(sim, "BCPU-therm");
	double tau = b->zones[z].r_k_per_w.value * b->zones[z].c_j_per_k.value;
	double tau_die =
	    b->zones[z].r_die_k_per_w.value * b->zones[z].c_die_j_per_k.value;
	assert_true(tau_die >= 0.5 && tau_die <= 2 && tau >= 60);
	zd_sim_idle_steady(sim);
	double t0 = zd_sim_temp_mc(sim, z);
	struct zd_sim_workload long_run = compute;
	long_run.instructions = 8e12; /* ~700 s on cpus 1-5 */
	static struct trace_log log;
	log.n = 0;
	log.zone = z;
	struct zd_policy *pol = policy(sim, "performance", "1-5", NULL);
	struct zd_sim_result r;
	struct zd_err err = {0};
	assert_int_equal(
	    zd_sim_run(sim, &long_run, pol, &r, record, &log, &err), 0);
	zd_policy_free(pol);
	assert_true(r.makespan_s > 3 * tau);
	double final = log.temp[log.n - 1];
	int i3 = 0, it = 0;
	while (log.t[i3] < 5 * tau_die)
		i3++;
	while (log.t[it] < 5 * tau_die + tau)
		it++;
	double fast = log.temp[i3] - t0, slow = final - log.temp[i3];
	assert_true(fast > 1000 && slow > fast); /* both parts are there */
	double frac = (log.temp[it] - log.temp[i3]) / slow;
	assert_true(frac > 0.5 && frac < 0.8);
	zd_sim_free(sim);
}

/* A fanless RUBIK Pi in a 35 °C enclosure under all-core load passes its
 * first passive trip (sc7280.dtsi: 90 °C, hysteresis 2 °C, polled every
 * 250 ms); the step-wise governor holds it there. */
static void throttling_holds_the_trip_point(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("rubik-pi");
	zd_sim_set_ambient_mc(sim, 35000);
	zd_sim_reset(sim);
	zd_sim_idle_steady(sim);
	int z = zone_named(sim, "cpu4-thermal");
	int trip = zd_zone_throttle_mc(&zd_sim_board(sim)->zones[z]);
	assert_int_equal(trip, 90000);
	struct zd_sim_workload hot = compute;
	hot.instructions = 2.5e13; /* ~15 min on all eight cores */
	hot.tasks = true;          /* balanced: every core busy */
	struct zd_sim_result r = run(sim, &hot, "performance", "0-7", NULL);
	assert_true(r.makespan_s > 600);
	assert_true(r.throttled_s > 60);
	assert_true(r.peak_mc[z] < trip + 3000);
	assert_true(abs(r.final_mc[z] - trip) < 4000);
	zd_sim_free(sim);
}

static void energy_is_the_integral_of_power(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-tx2");
	static struct trace_log log;
	log.n = 0;
	struct zd_policy *pol = policy(sim, "ondemand", "1-5", NULL);
	struct zd_sim_result r;
	struct zd_err err = {0};
	assert_int_equal(zd_sim_run(sim, &compute, pol, &r, record, &log, &err),
			 0);
	zd_policy_free(pol);
	double e = 0, prev = 0;
	for (int i = 0; i < log.n; i++) {
		e += log.power[i] * (log.t[i] - prev);
		prev = log.t[i];
	}
	assert_true(fabs(e - r.energy_j) / r.energy_j < 1e-9);
	assert_true(fabs(r.avg_power_w * r.makespan_s - r.energy_j) < 1e-6);
	/* the INA3221 emulation samples, so it differs, but slightly */
	assert_true(fabs(r.measured_energy_j - r.energy_j) / r.energy_j < 0.02);
	zd_sim_free(sim);
}

static void governors_order_as_expected(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-orin-nx");
	const char *cpus = "0-7";
	/* long enough (~10 s) for the governors' ramp-up not to dominate */
	const struct zd_sim_workload busy = {.name = "long",
					     .instructions = 3e11};
	struct zd_sim_result perf = run(sim, &busy, "performance", cpus, NULL);
	zd_sim_reset(sim);
	struct zd_sim_result save = run(sim, &busy, "powersave", cpus, NULL);
	zd_sim_reset(sim);
	struct zd_sim_result od = run(sim, &busy, "ondemand", cpus, NULL);
	zd_sim_reset(sim);
	struct zd_sim_result su = run(sim, &busy, "schedutil", cpus, NULL);
	assert_true(perf.makespan_s < save.makespan_s);
	/* busy CPUs drive the reactive governors to (nearly) the top */
	assert_true(od.makespan_s < perf.makespan_s * 1.1);
	assert_true(su.makespan_s < perf.makespan_s * 1.2);
	assert_true(save.avg_power_w < perf.avg_power_w);
	zd_sim_free(sim);
}

static void reproducible_and_heat_carries_over(void **state)
{
	(void)state;
	struct zd_sim *a = open_board("core-i7"), *b = open_board("core-i7");
	zd_sim_set_noise(a, 0.02);
	zd_sim_set_noise(b, 0.02);
	struct zd_sim_result ra = run(a, &compute, "performance", "0-5", NULL);
	struct zd_sim_result rb = run(b, &compute, "performance", "0-5", NULL);
	assert_true(ra.makespan_s == rb.makespan_s &&
		    ra.energy_j == rb.energy_j);
	/* the next run of the session starts where this one left the heat */
	struct zd_sim_result second =
	    run(a, &compute, "performance", "0-5", NULL);
	assert_true(second.peak_mc[0] > ra.peak_mc[0]);
	zd_sim_reset(a);
	assert_int_equal(zd_sim_temp_mc(a, 0),
			 (int)zd_sim_board(a)->ambient_mc.value);
	/* RAPL emulation counts in its energy units */
	double units = ra.measured_energy_j * 16384.0;
	assert_true(fabs(units - round(units)) < 1e-6);
	zd_sim_free(a);
	zd_sim_free(b);
}

static void bad_input_is_refused(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("jetson-tx2");
	struct zd_sim_workload w = compute;
	w.serial_fraction = 1.5;
	struct zd_policy *pol = policy(sim, "performance", "1-5", NULL);
	struct zd_sim_result r;
	struct zd_err err = {0};
	assert_int_not_equal(zd_sim_run(sim, &w, pol, &r, NULL, NULL, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "serial_fraction"));
	zd_policy_free(pol);
	zd_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(higher_frequency_never_slows_a_run),
	    cmocka_unit_test(compute_bound_scales_with_f_and_cores),
	    cmocka_unit_test(memory_bound_saturates),
	    cmocka_unit_test(power_grows_faster_than_frequency),
	    cmocka_unit_test(temperature_has_a_fast_and_a_slow_part),
	    cmocka_unit_test(throttling_holds_the_trip_point),
	    cmocka_unit_test(energy_is_the_integral_of_power),
	    cmocka_unit_test(governors_order_as_expected),
	    cmocka_unit_test(reproducible_and_heat_carries_over),
	    cmocka_unit_test(bad_input_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
