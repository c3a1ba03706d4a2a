/* test_boardmap.c - telling a real machine's board from its cpufreq: the
 * Core i7-8700 under acpi-cpufreq (fake sysfs trees of tests/support) is
 * core-i7 by its _PSS table ending in the turbo entry 3201000 kHz, also
 * where the kernel reports the boost maximum as cpuinfo_max_freq; the same
 * i7 under intel_pstate (no table) or with turbo off in the BIOS (no turbo
 * entry) is not, and the reason names the turbo entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "zdvfs/boardmap.h"
#include "zdvfs/platform.h"

#define POLICY(n, attr) "sys/devices/system/cpu/cpufreq/policy" #n "/" attr

/* The board the tree matches ("" if none), and why not core-i7 in `why`. */
static void match_tree(struct fake_root *fr, char *name, size_t name_len,
		       char *why, size_t why_len)
{
	struct zd_platform *p = NULL;
	struct zd_err err = {0};
	if (zd_platform_open("linux", fr->tree, &p, &err) != 0)
		fail_msg("open: %s", err.msg);
	struct zd_board *b = NULL;
	char reason[256] = "";
	if (zd_board_match(&p->info, NULL, &b, reason, sizeof(reason), &err) !=
	    0)
		fail_msg("match: %s", err.msg);
	snprintf(name, name_len, "%s", b ? b->name : "");
	zd_board_free(b);
	struct zd_board *i7 = NULL;
	struct zd_board_map m;
	if (zd_board_load("core-i7", NULL, &i7, &err) != 0 ||
	    zd_board_map_init(&m, i7, &p->info, &err) != 0)
		fail_msg("core-i7: %s", err.msg);
	why[0] = '\0';
	zd_board_map_fits(&m, i7, &p->info, why, why_len);
	zd_board_free(i7);
	zd_platform_close(p);
}

static void acpi_cpufreq_i7_is_core_i7(void **state)
{
	(void)state;
	struct fake_root fr;
	char name[64], why[256];
	assert_int_equal(fake_root_make(&fr, ZT_FAKE_I7ACPI), 0);
	char buf[512];
	assert_true(zt_fake_read(fr.tree, POLICY(0, "scaling_driver"), buf,
				 sizeof(buf)) > 0);
	assert_string_equal(buf, "acpi-cpufreq");
	assert_true(zt_fake_read(fr.tree,
				 POLICY(0, "scaling_available_frequencies"),
				 buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "3201000 3200000 3000000"));
	match_tree(&fr, name, sizeof(name), why, sizeof(why));
	assert_string_equal(name, "core-i7");
	/* kernels since 5.11 with ACPI CPPC report the boost maximum (here
	 * 3201000 x 46/32) as cpuinfo_max_freq; the table is unchanged */
	for (int n = 0; n < 6; n++) {
		char rel[128];
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpufreq/policy%d/"
			 "cpuinfo_max_freq",
			 n);
		assert_int_equal(zt_fake_write(fr.tree, rel, "4601437"), 0);
	}
	match_tree(&fr, name, sizeof(name), why, sizeof(why));
	assert_string_equal(name, "core-i7");
	fake_root_drop(&fr);
}

static void intel_pstate_i7_is_not_core_i7(void **state)
{
	(void)state;
	struct fake_root fr;
	char name[64], why[256];
	assert_int_equal(fake_root_make(&fr, ZT_FAKE_INTEL), 0);
	match_tree(&fr, name, sizeof(name), why, sizeof(why));
	assert_string_equal(name, "");
	assert_non_null(strstr(why, "policy0 lists no frequency table"));
	assert_non_null(strstr(why, "turbo entry 3201000 kHz"));
	fake_root_drop(&fr);
}

/* Turbo disabled in the BIOS: _PSS has no turbo entry, the table ends at
 * base. That machine cannot run the board's top level. */
static void i7_without_turbo_entry_is_not_core_i7(void **state)
{
	(void)state;
	struct fake_root fr;
	char name[64], why[256];
	assert_int_equal(fake_root_make(&fr, ZT_FAKE_I7ACPI), 0);
	for (int n = 0; n < 6; n++) {
		char rel[128];
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpufreq/policy%d/"
			 "scaling_available_frequencies",
			 n);
		assert_int_equal(
		    zt_fake_write(fr.tree, rel,
				  "3200000 3000000 2800000 2600000 2400000 "
				  "2200000 2000000 1800000 1600000 1400000 "
				  "1200000 1000000 800000 "),
		    0);
	}
	match_tree(&fr, name, sizeof(name), why, sizeof(why));
	assert_string_equal(name, "");
	assert_non_null(strstr(why, "lists no turbo entry"));
	fake_root_drop(&fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(acpi_cpufreq_i7_is_core_i7),
	    cmocka_unit_test(intel_pstate_i7_is_not_core_i7),
	    cmocka_unit_test(i7_without_turbo_entry_is_not_core_i7),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
