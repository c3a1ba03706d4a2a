/* test_linux.c - the Linux backend on fake TX2, Orin, RUBIK Pi, Intel and VM
 * trees: discovery, set and restore (userspace governor and min/max
 * clamping), energy and temperature readings, failure part-way through a
 * change, garbage files, and the policy lock. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "zdvfs/fault.h"
#include "zdvfs/meter.h"
#include "zdvfs/platform.h"

#define POLICY(n, attr) "sys/devices/system/cpu/cpufreq/policy" #n "/" attr

static struct zd_platform *open_fake(struct fake_root *fr,
				     enum zt_fake_kind kind)
{
	assert_int_equal(fake_root_make(fr, kind), 0);
	struct zd_platform *p = NULL;
	struct zd_err err = {0};
	if (zd_platform_open("linux", fr->tree, &p, &err) != 0)
		fail_msg("open: %s", err.msg);
	assert_false(p->info.is_host);
	return p;
}

static void read_fake(struct fake_root *fr, const char *rel, char *buf,
		      size_t len)
{
	if (zt_fake_read(fr->tree, rel, buf, len) < 0)
		fail_msg("cannot read %s", rel);
}

static int find_energy(struct zd_platform *p, const char *name)
{
	for (int i = 0; i < p->info.nenergy; i++)
		if (strcmp(p->info.energy[i].name, name) == 0)
			return i;
	return -1;
}

static int find_zone(struct zd_platform *p, const char *type)
{
	for (int i = 0; i < p->info.nzones; i++)
		if (strcmp(p->info.zones[i].type, type) == 0)
			return i;
	return -1;
}

static void discovers_tx2(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_TX2);
	assert_int_equal(p->info.ndomains, 2);
	char cpus[64];
	zd_cpuset_format(&p->info.domains[0].cpus, cpus, sizeof(cpus));
	assert_string_equal(cpus, "0,3-5");
	zd_cpuset_format(&p->info.domains[1].cpus, cpus, sizeof(cpus));
	assert_string_equal(cpus, "1-2");
	assert_int_equal(p->info.domains[0].nfreqs, 12);
	assert_int_equal(p->info.domains[0].freqs_khz[0], 345600);
	assert_int_equal(p->info.domains[0].freqs_khz[11], 2035200);
	assert_true(p->info.domains[0].has_userspace);
	assert_string_equal(p->info.domains[0].governor, "schedutil");
	int z = find_zone(p, "BCPU-therm");
	assert_true(z >= 0);
	int mc = 0;
	struct zd_err err = {0};
	assert_int_equal(zd_platform_read_temp(p, z, &mc, &err), 0);
	assert_true(mc > 10000 && mc < 100000);
	int cpu_rail = find_energy(p, "VDD_SYS_CPU");
	assert_true(cpu_rail >= 0);
	assert_string_equal(p->info.energy[cpu_rail].kind, "ina3221-iio");
	assert_int_equal(zd_platform_domain_of_cpu(p, 4), 0);
	assert_int_equal(zd_platform_domain_of_cpu(p, 2), 1);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void discovers_orin_hwmon_power(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_ORIN);
	assert_int_equal(p->info.ndomains, 2);
	assert_int_equal(p->info.domains[1].id, 4);
	int in = find_energy(p, "VDD_IN");
	assert_true(in >= 0);
	/* find the channel, set 5000 mV x 1200 mA and expect 6000 mW */
	char label[64], rel[128];
	int ch = 0;
	for (int c = 1; c <= 8 && ch == 0; c++) {
		snprintf(rel, sizeof(rel), "sys/class/hwmon/hwmon3/in%d_label",
			 c);
		if (zt_fake_read(fr.tree, rel, label, sizeof(label)) >= 0 &&
		    strcmp(label, "VDD_IN") == 0)
			ch = c;
	}
	assert_true(ch > 0);
	snprintf(rel, sizeof(rel), "sys/class/hwmon/hwmon3/in%d_input", ch);
	assert_int_equal(zt_fake_write(fr.tree, rel, "5000"), 0);
	snprintf(rel, sizeof(rel), "sys/class/hwmon/hwmon3/curr%d_input", ch);
	assert_int_equal(zt_fake_write(fr.tree, rel, "1200"), 0);
	struct zd_energy_reading r;
	struct zd_err err = {0};
	assert_int_equal(zd_platform_read_energy(p, in, &r, &err), 0);
	assert_int_equal(r.kind, ZD_READING_POWER_MW);
	assert_true(r.power_mw > 5999.0 && r.power_mw < 6001.0);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void discovers_rubik_without_userspace_or_energy(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_RUBIK);
	/* the real QCS6490 has three cpufreq-hw domains: A55, A78, prime A78 */
	assert_int_equal(p->info.ndomains, 3);
	assert_int_equal(p->info.domains[2].id, 7);
	assert_false(p->info.domains[0].has_userspace);
	/* sc7280.dtsi's tables: 11 silver, 13 gold, 14 prime OPPs */
	assert_int_equal(p->info.domains[0].nfreqs, 11);
	assert_int_equal(p->info.domains[1].nfreqs, 13);
	assert_int_equal(p->info.domains[2].nfreqs, 14);
	assert_int_equal(p->info.domains[1].freqs_khz[12], 2611200);
	assert_int_equal(p->info.domains[2].freqs_khz[13], 3014400);
	assert_int_equal(p->info.nenergy, 0);
	assert_non_null(strstr(p->notes, "no energy sensor"));
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void discovers_intel_pstate_and_rapl(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_INTEL);
	assert_int_equal(p->info.ndomains, 6);
	assert_int_equal(p->info.domains[3].nfreqs, 0);
	assert_false(p->info.domains[3].has_userspace);
	assert_string_equal(p->info.domains[3].driver, "intel_pstate");
	int pkg = find_energy(p, "package-0");
	assert_true(pkg >= 0);
	assert_true(find_energy(p, "core") >= 0);
	assert_int_equal(p->info.energy[pkg].reading, ZD_READING_COUNTER_UJ);
	assert_true(p->info.energy[pkg].max_uj > 0);
	assert_true(find_zone(p, "x86_pkg_temp") >= 0);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void vm_says_what_is_missing(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_VM);
	assert_int_equal(p->info.ndomains, 0);
	assert_int_equal(p->info.nzones, 0);
	assert_int_equal(p->info.nenergy, 0);
	assert_non_null(strstr(p->notes, "no cpufreq"));
	assert_non_null(strstr(p->notes, "no thermal zones"));
	assert_true(zd_cpuset_count(&p->info.online) >= 1);
	struct zd_err err = {0};
	uint32_t khz;
	assert_int_not_equal(zd_platform_get_freq(p, 0, &khz, &err), 0);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

/* How many state files `dir` holds; the path of the last one seen. */
static int only_state_file(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "state-", 6) == 0) {
			snprintf(path, len, "%s/%s", dir, de->d_name);
			n++;
		}
	closedir(d);
	return n;
}

static void userspace_set_and_restore(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_TX2);
	char *before = tree_fingerprint(fr.tree);
	struct zd_err err = {0};
	char buf[64];
	assert_int_equal(zd_platform_begin_change(p, &err), 0);
	if (zd_platform_set_freq(p, 1, 1113600, &err) != 0)
		fail_msg("%s", err.msg);
	read_fake(&fr, POLICY(1, "scaling_governor"), buf, sizeof(buf));
	assert_string_equal(buf, "userspace");
	read_fake(&fr, POLICY(1, "scaling_setspeed"), buf, sizeof(buf));
	assert_string_equal(buf, "1113600");
	/* the state file exists while changed, names the original */
	char path[400], text[4096];
	assert_int_equal(only_state_file(fr.state, path, sizeof(path)), 1);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "schedutil"));
	assert_int_equal(zd_platform_restore(p, &err), 0);
	read_fake(&fr, POLICY(1, "scaling_governor"), buf, sizeof(buf));
	assert_string_equal(buf, "schedutil");
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(only_state_file(fr.state, path, sizeof(path)), 0);
	char *after = tree_fingerprint(fr.tree);
	assert_string_equal(before, after);
	free(before);
	free(after);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void userspace_setting_of_the_user_is_restored(void **state)
{
	(void)state;
	struct fake_root fr;
	assert_int_equal(fake_root_make(&fr, ZT_FAKE_TX2), 0);
	zt_fake_write(fr.tree, POLICY(0, "scaling_governor"), "userspace");
	zt_fake_write(fr.tree, POLICY(0, "scaling_setspeed"), "960000");
	struct zd_platform *p = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_platform_open("linux", fr.tree, &p, &err), 0);
	assert_int_equal(zd_platform_begin_change(p, &err), 0);
	assert_int_equal(zd_platform_set_freq(p, 0, 2035200, &err), 0);
	char buf[64];
	read_fake(&fr, POLICY(0, "scaling_setspeed"), buf, sizeof(buf));
	assert_string_equal(buf, "2035200");
	assert_int_equal(zd_platform_restore(p, &err), 0);
	read_fake(&fr, POLICY(0, "scaling_setspeed"), buf, sizeof(buf));
	assert_string_equal(buf, "960000");
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void clamping_without_userspace_in_both_directions(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_RUBIK);
	char *before = tree_fingerprint(fr.tree);
	struct zd_err err = {0};
	char lo[32], hi[32];
	const struct zd_freq_domain *d = &p->info.domains[1];
	uint32_t top = d->freqs_khz[d->nfreqs - 1], bottom = d->freqs_khz[0];
	assert_int_equal(zd_platform_begin_change(p, &err), 0);
	/* down to the bottom, then up to the top: both orders of writes */
	assert_int_equal(zd_platform_set_freq(p, 1, bottom, &err), 0);
	read_fake(&fr, POLICY(4, "scaling_min_freq"), lo, sizeof(lo));
	read_fake(&fr, POLICY(4, "scaling_max_freq"), hi, sizeof(hi));
	assert_int_equal(atoi(lo), (int)bottom);
	assert_int_equal(atoi(hi), (int)bottom);
	assert_int_equal(zd_platform_set_freq(p, 1, top, &err), 0);
	read_fake(&fr, POLICY(4, "scaling_min_freq"), lo, sizeof(lo));
	read_fake(&fr, POLICY(4, "scaling_max_freq"), hi, sizeof(hi));
	assert_int_equal(atoi(lo), (int)top);
	assert_int_equal(atoi(hi), (int)top);
	/* the governor was never touched */
	read_fake(&fr, POLICY(4, "scaling_governor"), lo, sizeof(lo));
	assert_string_equal(lo, "schedutil");
	assert_int_equal(zd_platform_restore(p, &err), 0);
	char *after = tree_fingerprint(fr.tree);
	assert_string_equal(before, after);
	free(before);
	free(after);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void intel_pstate_clamps_and_restores(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_INTEL);
	char *before = tree_fingerprint(fr.tree);
	struct zd_err err = {0};
	char buf[32];
	assert_int_equal(zd_platform_begin_change(p, &err), 0);
	assert_int_equal(zd_platform_set_freq(p, 2, 2000000, &err), 0);
	read_fake(&fr, POLICY(2, "scaling_max_freq"), buf, sizeof(buf));
	assert_string_equal(buf, "2000000");
	assert_int_equal(zd_platform_set_governor(p, 3, "performance", &err),
			 0);
	/* a governor the policy does not have is refused, naming them */
	assert_int_not_equal(zd_platform_set_governor(p, 3, "ondemand", &err),
			     0);
	assert_non_null(strstr(err.msg, "performance powersave"));
	zd_err_clear(&err);
	/* out of range is refused before anything is written */
	assert_int_not_equal(zd_platform_set_freq(p, 2, 9000000, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	zd_err_clear(&err);
	assert_int_equal(zd_platform_restore(p, &err), 0);
	char *after = tree_fingerprint(fr.tree);
	assert_string_equal(before, after);
	free(before);
	free(after);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

/* SQLite-style: make each write in turn fail and check that a rollback
 * always leaves every file as it was. */
static void permission_denied_part_way_leaves_nothing_changed(void **state)
{
	(void)state;
	for (int nth = 1; nth <= 4; nth++) {
		struct fake_root fr;
		assert_int_equal(fake_root_make(&fr, ZT_FAKE_TX2), 0);
		char *before = tree_fingerprint(fr.tree);
		char n[8];
		snprintf(n, sizeof(n), "%d", nth);
		setenv("ZDVFS_FAULT_SYSFS_WRITE", n, 1);
		zd_fault_reset();
		if (zd_fault_arg(ZD_FAULT_SYSFS_WRITE) == 0)
			skip(); /* a build without ZDVFS_FAULT_HOOKS */
		struct zd_platform *p = NULL;
		struct zd_err err = {0};
		assert_int_equal(zd_platform_open("linux", fr.tree, &p, &err),
				 0);
		assert_int_equal(zd_platform_begin_change(p, &err), 0);
		int rc = zd_platform_set_freq(p, 0, 960000, &err);
		if (rc == 0)
			rc = zd_platform_set_freq(p, 1, 960000, &err);
		assert_int_equal(rc, -EACCES);
		assert_non_null(strstr(err.msg, "Permission denied"));
		struct zd_err undo = {0};
		if (zd_platform_restore(p, &undo) != 0)
			fail_msg("restore after write %d failed: %s", nth,
				 undo.msg);
		unsetenv("ZDVFS_FAULT_SYSFS_WRITE");
		char *after = tree_fingerprint(fr.tree);
		assert_string_equal(before, after);
		free(before);
		free(after);
		zd_platform_close(p);
		fake_root_drop(&fr);
	}
}

static void close_restores_what_is_still_changed(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_ORIN);
	char *before = tree_fingerprint(fr.tree);
	struct zd_err err = {0};
	assert_int_equal(zd_platform_begin_change(p, &err), 0);
	assert_int_equal(
	    zd_platform_set_freq(p, 0, p->info.domains[0].freqs_khz[0], &err),
	    0);
	zd_platform_close(p);
	char *after = tree_fingerprint(fr.tree);
	assert_string_equal(before, after);
	free(before);
	free(after);
	fake_root_drop(&fr);
}

static void one_zdvfs_per_policy(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *a = open_fake(&fr, ZT_FAKE_TX2);
	struct zd_platform *b = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_platform_open("linux", fr.tree, &b, &err), 0);
	assert_int_equal(zd_platform_begin_change(a, &err), 0);
	assert_int_equal(zd_platform_begin_change(b, &err), 0);
	assert_int_equal(zd_platform_set_freq(a, 0, 960000, &err), 0);
	assert_int_equal(zd_platform_set_freq(b, 0, 345600, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "another zdvfs"));
	zd_err_clear(&err);
	/* the other policy is free */
	assert_int_equal(zd_platform_set_freq(b, 1, 345600, &err), 0);
	assert_int_equal(zd_platform_restore(a, &err), 0);
	/* released on restore */
	assert_int_equal(zd_platform_set_freq(b, 0, 345600, &err), 0);
	zd_platform_close(b);
	zd_platform_close(a);
	fake_root_drop(&fr);
}

static void garbage_and_missing_files(void **state)
{
	(void)state;
	struct fake_root fr;
	assert_int_equal(fake_root_make(&fr, ZT_FAKE_TX2), 0);
	zt_fake_write(fr.tree, POLICY(1, "cpuinfo_max_freq"), "fast");
	zt_fake_write(fr.tree, POLICY(0, "scaling_available_frequencies"),
		      "lots of them");
	zt_fake_write(fr.tree, "sys/class/thermal/thermal_zone0/temp", "hot");
	struct zd_platform *p = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_platform_open("linux", fr.tree, &p, &err), 0);
	/* the broken policy is left out and said so; the other works */
	assert_int_equal(p->info.ndomains, 1);
	assert_non_null(strstr(p->notes, "policy1 ignored"));
	assert_non_null(strstr(p->notes, "cpuinfo_max_freq"));
	/* garbage frequency list: fall back to the hardware range */
	assert_int_equal(p->info.domains[0].nfreqs, 0);
	assert_int_equal(zd_domain_nearest_khz(&p->info.domains[0], 1), 345600);
	int mc;
	assert_int_not_equal(zd_platform_read_temp(p, 0, &mc, &err), 0);
	assert_non_null(strstr(err.msg, "thermal_zone0/temp"));
	assert_non_null(strstr(err.msg, "'hot'"));
	zd_platform_close(p);
	fake_root_drop(&fr);

	/* no sys/devices/system/cpu/online at all: a clear error */
	char dir[] = "/tmp/zdvfs-test-empty-XXXXXX";
	assert_non_null(mkdtemp(dir));
	zd_err_clear(&err);
	assert_int_not_equal(zd_platform_open("linux", dir, &p, &err), 0);
	assert_non_null(strstr(err.msg, "online"));
	rmdir(dir);
	zd_err_clear(&err);
	assert_int_not_equal(
	    zd_platform_open("linux", "/nonexistent/zdvfs", &p, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
}

static void rapl_wraps_around(void **state)
{
	(void)state;
	assert_int_equal(zd_counter_delta(100, 350, 1000), 250);
	assert_int_equal(zd_counter_delta(900, 50, 1000), 150);
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_INTEL);
	int pkg = find_energy(p, "package-0");
	uint64_t max = p->info.energy[pkg].max_uj;
	const char *rel = "sys/class/powercap/intel-rapl:0/energy_uj";
	char v[32];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)(max - 1000000));
	assert_int_equal(zt_fake_write(fr.tree, rel, v), 0);
	static struct zd_meter m;
	zd_meter_start(&m, p, 0.0);
	assert_int_equal(zt_fake_write(fr.tree, rel, "3000000"), 0);
	zd_meter_sample(&m, p, 1.0);
	assert_true(m.energy[pkg].valid);
	assert_true(m.energy[pkg].energy_uj > 3999999.0 &&
		    m.energy[pkg].energy_uj < 4000001.0);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void rail_power_is_integrated(void **state)
{
	(void)state;
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_TX2);
	int cpu = find_energy(p, "VDD_SYS_CPU");
	char rel[256];
	/* find its in_powerN_input: the rail_name_N file that says VDD_SYS_CPU */
	const char *devs[] = {"0-0040", "0-0041"};
	rel[0] = '\0';
	for (int d = 0; d < 2 && rel[0] == '\0'; d++)
		for (int dev = 0; dev < 4 && rel[0] == '\0'; dev++)
			for (int ch = 0; ch < 3; ch++) {
				char name[64], r[256];
				snprintf(r, sizeof(r),
					 "sys/bus/i2c/drivers/ina3221x/%s/"
					 "iio:device%d/rail_name_%d",
					 devs[d], dev, ch);
				if (zt_fake_read(fr.tree, r, name,
						 sizeof(name)) >= 0 &&
				    strcmp(name, "VDD_SYS_CPU") == 0) {
					snprintf(
					    rel, sizeof(rel),
					    "sys/bus/i2c/drivers/ina3221x/%s/"
					    "iio:device%d/in_power%d_input",
					    devs[d], dev, ch);
					break;
				}
			}
	assert_true(rel[0] != '\0');
	assert_int_equal(zt_fake_write(fr.tree, rel, "1000"), 0);
	static struct zd_meter m;
	zd_meter_start(&m, p, 10.0);
	assert_int_equal(zt_fake_write(fr.tree, rel, "3000"), 0);
	zd_meter_sample(&m, p, 12.0);
	/* trapezoid: (1 W + 3 W) / 2 x 2 s = 4 J */
	assert_true(m.energy[cpu].energy_uj > 3999999.0 &&
		    m.energy[cpu].energy_uj < 4000001.0);
	zd_meter_stop(&m, p, 13.0); /* 3 W for 1 s more */
	assert_true(m.energy[cpu].energy_uj > 6999999.0 &&
		    m.energy[cpu].energy_uj < 7000001.0);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

static void utilisation_from_proc_stat(void **state)
{
	(void)state;
	struct zd_cpu_times a[4] = {{100, 1000}, {0, 0}, {50, 50}, {0, 0}};
	struct zd_cpu_times b[4] = {{600, 2000}, {0, 0}, {150, 150}, {0, 0}};
	double u[4];
	zd_cpu_util(a, b, 4, u);
	assert_true(u[0] > 0.499 && u[0] < 0.501);
	assert_true(u[1] == 0.0);
	assert_true(u[2] > 0.999);
	struct fake_root fr;
	struct zd_platform *p = open_fake(&fr, ZT_FAKE_TX2);
	struct zd_cpu_times t[ZD_MAX_CPUS];
	struct zd_err err = {0};
	assert_int_equal(zd_platform_read_cpu_times(p, t, ZD_MAX_CPUS, &err),
			 0);
	for (int c = 0; c < 6; c++)
		assert_true(t[c].total > 0 && t[c].busy <= t[c].total);
	zd_platform_close(p);
	fake_root_drop(&fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(discovers_tx2),
	    cmocka_unit_test(discovers_orin_hwmon_power),
	    cmocka_unit_test(discovers_rubik_without_userspace_or_energy),
	    cmocka_unit_test(discovers_intel_pstate_and_rapl),
	    cmocka_unit_test(vm_says_what_is_missing),
	    cmocka_unit_test(userspace_set_and_restore),
	    cmocka_unit_test(userspace_setting_of_the_user_is_restored),
	    cmocka_unit_test(clamping_without_userspace_in_both_directions),
	    cmocka_unit_test(intel_pstate_clamps_and_restores),
	    cmocka_unit_test(permission_denied_part_way_leaves_nothing_changed),
	    cmocka_unit_test(close_restores_what_is_still_changed),
	    cmocka_unit_test(one_zdvfs_per_policy),
	    cmocka_unit_test(garbage_and_missing_files),
	    cmocka_unit_test(rapl_wraps_around),
	    cmocka_unit_test(rail_power_is_integrated),
	    cmocka_unit_test(utilisation_from_proc_stat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
