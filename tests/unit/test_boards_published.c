/* test_boards_published.c - the simulated boards held to published
 * figures, each with its source: power at full load, idle temperatures,
 * how fast a die heats, the RUBIK Pi's three frequency domains, the i7's
 * acpi-cpufreq levels, turbo entry, turbo bins and power limits. A board file change that drifts from these
 * fails here. */
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

/* pure compute, balanced over every core (tasks): all cores busy */
static const struct zd_sim_workload busy = {
    .name = "busy",
    .instructions = 1e11,
    .dram_bytes = 1e6,
    .tasks = true,
};

static struct zd_sim *open_board(const char *name)
{
	struct zd_board *b = NULL;
	struct zd_sim *sim = NULL;
	struct zd_err err = {0};
	if (zd_board_load(name, NULL, &b, &err) != 0 ||
	    zd_sim_new(b, 7, &sim, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	return sim;
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

static void top_khz(const struct zd_sim *sim, uint32_t *khz)
{
	const struct zd_board *b = zd_sim_board(sim);
	for (int c = 0; c < b->nclusters; c++)
		khz[c] = b->clusters[c].opps[b->clusters[c].nopps - 1].khz;
}

/* Board power with every usable core busy at the top OPP, at `temp_mc`. */
static double full_load_w(const struct zd_sim *sim, int temp_mc)
{
	uint32_t khz[ZD_MAX_DOMAINS];
	struct zd_cpuset cpus;
	top_khz(sim, khz);
	zd_sim_default_cpus(sim, &cpus);
	return zd_sim_power_w(sim, &busy, &cpus, khz, temp_mc);
}

/* Core i7: AnandTech measured ~86 W of package power for the i7-8700K
 * (the same six-core Coffee Lake die with the same 4.3 GHz all-core turbo)
 * under full all-core load (AnandTech, "Why Intel Processors Draw More
 * Power Than Expected", 2018, and its 8700K review). Ours, at the all-core
 * bin and a loaded die's ~80 °C, within 10 %. */
static void i7_package_power_at_all_core_load(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("core-i7");
	const struct zd_board *b = zd_sim_board(sim);
	const struct zd_cluster_desc *cl = &b->clusters[0];
	assert_int_equal(cl->nturbo, 6);
	uint32_t khz[ZD_MAX_DOMAINS] = {cl->turbo_khz[5]};
	assert_int_equal(khz[0], 4300000); /* Intel: 4.3 GHz all-core */
	assert_int_equal(cl->turbo_khz[0], 4600000); /* 4.6 GHz 1-2 cores */
	struct zd_cpuset all;
	zd_sim_default_cpus(sim, &all);
	double w = zd_sim_power_w(sim, &busy, &all, khz, 80000);
	assert_true(fabs(w - 86.0) / 86.0 < 0.10);
	zd_sim_free(sim);
}

static void first_khz(void *ctx, const struct zd_sim_sample *s)
{
	uint32_t *seen = ctx;
	if (*seen == 0)
		*seen = s->khz[0];
}

/* Core i7 in a run: six busy cores get the 4.3 GHz bin, not 4.6; RAPL holds
 * the package at PL2 (1.25 x 65 W, Intel datasheet default) and, after tau
 * = 28 s, its running average at PL1 = 65 W (Intel ARK TDP). */
static void i7_turbo_bins_and_power_limits(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("core-i7");
	struct zd_cpuset all, one;
	zd_sim_default_cpus(sim, &all);
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	assert_int_equal(
	    zd_policy_new("performance", zd_sim_info(sim), &all, &pol, &err),
	    0);
	struct zd_sim_workload w = busy;
	w.instructions = 7e12; /* ~2 min */
	struct zd_sim_result r;
	assert_int_equal(zd_sim_run(sim, &w, pol, &r, NULL, NULL, &err), 0);
	zd_policy_free(pol);
	assert_true(r.makespan_s > 90);
	assert_true(r.avg_power_w < 81.25 * 1.02);
	assert_true(r.avg_power_w > 60);
	/* one busy core runs at the 4.6 GHz bin */
	zd_sim_reset(sim);
	zd_cpuset_zero(&one);
	zd_cpuset_add(&one, 0);
	assert_int_equal(
	    zd_policy_new("performance", zd_sim_info(sim), &one, &pol, &err),
	    0);
	w.instructions = 1e10;
	uint32_t seen = 0;
	assert_int_equal(zd_sim_run(sim, &w, pol, &r, first_khz, &seen, &err),
			 0);
	zd_policy_free(pol);
	assert_int_equal(seen, 4600000);
	zd_sim_free(sim);
}

/* Jetson TX2 (Max-N) and Orin NX (MAXN): board power with every CPU busy at
 * its top OPP, GPU idle, inside the module's published envelope: NVIDIA's
 * TX2 data sheet gives 7.5 W (Max-Q) to 15 W (Max-P) for the module, the
 * Orin NX 16GB data sheet 10-25 W; a CPU-only load sits above the idle
 * (tegrastats: TX2 ~2.4 W, Orin NX 3-4.5 W VDD_IN) and below the top. */
static void jetson_board_power_at_full_cpu_load(void **state)
{
	(void)state;
	struct zd_sim *tx2 = open_board("jetson-tx2");
	double w = full_load_w(tx2, 60000);
	assert_true(w > 6.0 && w < 15.0);
	zd_sim_free(tx2);
	struct zd_sim *orin = open_board("jetson-orin-nx");
	w = full_load_w(orin, 70000);
	assert_true(w > 9.0 && w < 25.0);
	zd_sim_free(orin);
}

/* Idle temperatures at 25 °C: public sysfs dumps of an idle TX2 read 35-38
 * °C on BCPU/MCPU-therm; an idle Orin NX in MAXN reads tj 56-60 °C with the
 * fan at 78/255 (a public tegrastats/jtop readout), i.e. the fan at its
 * first cooling level (88/255 in tegra234-p3768-0000+p3767). */
static void idle_temperatures(void **state)
{
	(void)state;
	struct zd_sim *tx2 = open_board("jetson-tx2");
	zd_sim_idle_steady(tx2);
	int z = zone_named(tx2, "BCPU-therm");
	assert_true(zd_sim_temp_mc(tx2, z) > 34000 &&
		    zd_sim_temp_mc(tx2, z) < 39000);
	zd_sim_free(tx2);
	struct zd_sim *orin = open_board("jetson-orin-nx");
	zd_sim_idle_steady(orin);
	z = zone_named(orin, "cpu-thermal");
	assert_true(zd_sim_temp_mc(orin, z) > 50000 &&
		    zd_sim_temp_mc(orin, z) < 61000);
	assert_int_equal(zd_sim_fan_state(orin, z), 1);
	zd_sim_free(orin);
}

/* A trace that keeps the first and the last frequency of cluster 0. */
struct first_last {
	uint32_t first, last;
};

static void keep_first_last(void *ctx, const struct zd_sim_sample *s)
{
	struct first_last *fl = ctx;
	if (fl->first == 0)
		fl->first = s->khz[0];
	fl->last = s->khz[0];
}

/* Run `w` on the first n cores of the i7 with cpufreq fixed at `khz`. */
static struct first_last i7_fixed_run(struct zd_sim *sim, int n, uint32_t khz,
				      double instructions)
{
	struct zd_cpuset cpus;
	zd_cpuset_zero(&cpus);
	for (int cpu = 0; cpu < n; cpu++)
		zd_cpuset_add(&cpus, cpu);
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	assert_int_equal(
	    zd_policy_new("userspace", zd_sim_info(sim), &cpus, &pol, &err), 0);
	pol->fixed_khz[0] = khz;
	struct zd_sim_workload w = busy;
	w.instructions = instructions;
	struct zd_sim_result r;
	struct first_last fl = {0, 0};
	zd_sim_reset(sim);
	assert_int_equal(
	    zd_sim_run(sim, &w, pol, &r, keep_first_last, &fl, &err), 0);
	zd_policy_free(pol);
	return fl;
}

/* Core i7 under acpi-cpufreq: its levels are the _PSS table, 800-3200 MHz
 * and the turbo entry 3201 MHz (base + 1 MHz, Linux intel_pstate.rst on
 * acpi-cpufreq); asking for the entry runs Intel's turbo bin for the busy
 * cores (WikiChip: 4.6 GHz with 1-2 cores, 4.3 GHz with 6), at that bin's
 * voltage, until PL1 = 65 W (Intel ARK TDP) takes P-states off over tau;
 * asking for 3.2 GHz runs 3.2 GHz. */
static void i7_turbo_entry_runs_the_bin(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("core-i7");
	const struct zd_platform_info *info = zd_sim_info(sim);
	const struct zd_cluster_desc *cl = &zd_sim_board(sim)->clusters[0];
	assert_int_equal(info->domains[0].nfreqs, 14);
	assert_int_equal(info->domains[0].min_khz, 800000);
	assert_int_equal(info->domains[0].max_khz, 3201000);
	assert_int_equal(info->domains[0].freqs_khz[12], 3200000);
	assert_int_equal(cl->turbo_level, 13);
	/* one core: the 4.6 GHz bin; six: 4.3 GHz, settling lower under
	 * PL1 over a two-minute run but staying above base */
	struct first_last one = i7_fixed_run(sim, 1, 3201000, 1e10);
	assert_int_equal(one.first, 4600000);
	struct first_last six = i7_fixed_run(sim, 6, 3201000, 7e12);
	assert_int_equal(six.first, 4300000);
	assert_true(six.last < 4300000 && six.last > 3200000);
	struct first_last base = i7_fixed_run(sim, 6, 3200000, 1e11);
	assert_int_equal(base.first, 3200000);
	assert_int_equal(base.last, 3200000);
	/* the entry's power is the bin's: 1.26 V at 4.6 GHz for one core,
	 * 1.18 V at 4.3 GHz for six */
	struct zd_cpuset c1, c6;
	zd_cpuset_zero(&c1);
	zd_cpuset_add(&c1, 0);
	zd_sim_default_cpus(sim, &c6);
	uint32_t entry[ZD_MAX_DOMAINS] = {3201000},
		 b46[ZD_MAX_DOMAINS] = {4600000},
		 b43[ZD_MAX_DOMAINS] = {4300000},
		 b32[ZD_MAX_DOMAINS] = {3200000};
	double p1 = zd_sim_power_w(sim, &busy, &c1, entry, 60000);
	assert_true(fabs(p1 - zd_sim_power_w(sim, &busy, &c1, b46, 60000)) <
		    1e-9);
	double p6 = zd_sim_power_w(sim, &busy, &c6, entry, 60000);
	assert_true(fabs(p6 - zd_sim_power_w(sim, &busy, &c6, b43, 60000)) <
		    1e-9);
	assert_true(p6 > 1.5 * zd_sim_power_w(sim, &busy, &c6, b32, 60000));
	double t6 = zd_sim_exec_time_s(sim, &busy, &c6, entry);
	double t6b = zd_sim_exec_time_s(sim, &busy, &c6, b32);
	assert_true(fabs(t6b / t6 - 4.3 / 3.2) < 0.01);
	/* the model's view of the entry: the all-core bin's voltage */
	assert_int_equal(cl->opps[13].uv, 1180000);
	zd_sim_free(sim);
}

/* A die heats within about a second: an i7 stepping from idle to full load
 * rises tens of kelvin within ~10 s (a box-cooled 8700 reaches its 100 °C
 * TjMax in seconds above ~100 W; at 76 W, 11 s must give well over the 4 K
 * the one-node model gave), two thirds of the fast part within 1-2 s. */
static void die_heats_within_seconds(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("core-i7");
	zd_sim_idle_steady(sim);
	int t0 = zd_sim_temp_mc(sim, 0);
	struct zd_cpuset all;
	zd_sim_default_cpus(sim, &all);
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	assert_int_equal(
	    zd_policy_new("performance", zd_sim_info(sim), &all, &pol, &err),
	    0);
	struct zd_sim_workload w = busy;
	w.instructions = 1.5e9 * 6 * 2.2 * 4.3; /* ~1.5 s */
	struct zd_sim_result r1, r10;
	assert_int_equal(zd_sim_run(sim, &w, pol, &r1, NULL, NULL, &err), 0);
	int after_1s = zd_sim_temp_mc(sim, 0);
	w.instructions *= 6; /* ~9 s more */
	assert_int_equal(zd_sim_run(sim, &w, pol, &r10, NULL, NULL, &err), 0);
	zd_policy_free(pol);
	int after_11s = zd_sim_temp_mc(sim, 0);
	assert_true(after_11s - t0 > 15000);
	assert_true(after_1s - t0 > (after_11s - t0) / 2);
	zd_sim_free(sim);
}

/* RUBIK Pi 3: three cpufreq-hw domains as sc7280.dtsi declares them
 * (rubikpi-ai/linux): cpu0-3 (11 OPPs to 2016 MHz), cpu4-6 (13 OPPs,
 * 691.2-2611.2 MHz), cpu7 (14 OPPs, 806.4-3014.4 MHz), with
 * dynamic-power-coefficient 100/520/552. */
static void rubik_pi_has_three_policies(void **state)
{
	(void)state;
	struct zd_sim *sim = open_board("rubik-pi");
	const struct zd_platform_info *info = zd_sim_info(sim);
	const struct zd_board *b = zd_sim_board(sim);
	assert_int_equal(info->ndomains, 3);
	static const int first[] = {0, 4, 7}, ncpus[] = {4, 3, 1},
			 nopps[] = {11, 13, 14};
	static const uint32_t lo[] = {300000, 691200, 806400},
			      hi[] = {2016000, 2611200, 3014400};
	static const double ceff[] = {0.100, 0.520, 0.552};
	for (int d = 0; d < 3; d++) {
		assert_int_equal(info->domains[d].id, first[d]);
		assert_int_equal(zd_cpuset_count(&info->domains[d].cpus),
				 ncpus[d]);
		assert_int_equal(info->domains[d].nfreqs, nopps[d]);
		assert_int_equal(info->domains[d].min_khz, lo[d]);
		assert_int_equal(info->domains[d].max_khz, hi[d]);
		assert_true(fabs(b->clusters[d].ceff_nf.value - ceff[d]) <
			    1e-9);
	}
	/* the energy model's 2.7x: the A55 does a unit of work for ~1/2.7 of
	 * the gold A78's energy at equal voltage (C / capacity) */
	double a55 =
	    b->clusters[0].ceff_nf.value / b->clusters[0].speed_rel.value;
	double gold =
	    b->clusters[1].ceff_nf.value / b->clusters[1].speed_rel.value;
	assert_true(gold / a55 > 2.4 && gold / a55 < 3.0);
	zd_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(i7_package_power_at_all_core_load),
	    cmocka_unit_test(i7_turbo_bins_and_power_limits),
	    cmocka_unit_test(i7_turbo_entry_runs_the_bin),
	    cmocka_unit_test(jetson_board_power_at_full_cpu_load),
	    cmocka_unit_test(idle_temperatures),
	    cmocka_unit_test(die_heats_within_seconds),
	    cmocka_unit_test(rubik_pi_has_three_policies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
