/* test_bench_plan.c - which of the manifest's workloads a bench takes
 * (bench_manifest_count, src/eval/plan.c): named ones, else all, and with
 * --profiles none unless --workloads all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plan.h"
#include "zdvfs/bench.h"

static void test_no_profiles(void **state)
{
	(void)state;
	struct zd_bench_opts o = {0};
	assert_int_equal(bench_manifest_count(&o, 90), 90);
	o.all_workloads = true; /* --workloads all */
	assert_int_equal(bench_manifest_count(&o, 90), 90);
	const char *const names[] = {"gemm", "bfs"};
	o = (struct zd_bench_opts){.workloads = names, .nworkloads = 2};
	assert_int_equal(bench_manifest_count(&o, 90), 2);
}

static void test_profiles(void **state)
{
	(void)state;
	struct zd_bench_opts o = {.profiles_dir = "profiles"};
	/* only the programs of DIR */
	assert_int_equal(bench_manifest_count(&o, 90), 0);
	/* --workloads all: every workload of the manifest as well */
	o.all_workloads = true;
	assert_int_equal(bench_manifest_count(&o, 90), 90);
	const char *const names[] = {"gemm"};
	o = (struct zd_bench_opts){
	    .profiles_dir = "profiles", .workloads = names, .nworkloads = 1};
	assert_int_equal(bench_manifest_count(&o, 90), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_profiles),
	    cmocka_unit_test(test_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
