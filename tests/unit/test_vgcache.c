/* test_vgcache.c - the rules tools/characterize and `zdvfs characterize`
 * share: a board cache as valgrind simulates it (src/base/vgcache.c) and
 * the median merge of OMPT records (src/base/jsonmedian.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/jsonmedian.h"
#include "base/vgcache.h"

static void test_geom_kept(void **state)
{
	(void)state;
	struct zd_cache_geom g = {32, 4, 64}; /* 128 sets */
	struct zd_vg_geom v;
	struct zd_err err = {0};
	assert_int_equal(zd_vg_geom_of(&g, &v, &err), 0);
	assert_int_equal(v.size_bytes, 32768);
	assert_int_equal(v.assoc, 4);
	assert_int_equal(v.line_bytes, 64);
	char arg[64];
	zd_vg_arg(&v, arg, sizeof arg);
	assert_string_equal(arg, "32768,4,64");
}

static void test_geom_adjusted(void **state)
{
	(void)state;
	/* 2 MiB of 64 B lines, 12-way: sets not a whole number; 8 and 16
	 * ways are as near, the higher wins */
	struct zd_cache_geom g = {2048, 12, 64};
	struct zd_vg_geom v;
	struct zd_err err = {0};
	assert_int_equal(zd_vg_geom_of(&g, &v, &err), 0);
	assert_int_equal(v.assoc, 16);
	assert_int_equal(v.size_bytes, 2048 * 1024);
	/* no ways: refused, not divided by */
	struct zd_cache_geom bad = {32, 0, 64};
	assert_int_not_equal(zd_vg_geom_of(&bad, &v, &err), 0);
}

static void test_footprint_key(void **state)
{
	(void)state;
	struct zd_vg_caches fp;
	zd_vg_footprint(&fp);
	assert_string_equal(fp.key, "I32768-8-64_D32768-8-64_L268435456-16-64");
}

static void test_median(void **state)
{
	(void)state;
	json_t *runs[3] = {json_pack("{s:i, s:f, s:s, s:[i,i], s:i}", "n", 3,
				     "t", 1.0, "tool", "a", "v", 1, 10, "only0",
				     7),
			   json_pack("{s:i, s:f, s:s, s:[i,i]}", "n", 1, "t",
				     3.0, "tool", "b", "v", 2, 30),
			   json_pack("{s:i, s:f, s:s, s:[i,i]}", "n", 2, "t",
				     2.0, "tool", "c", "v", 3, 20)};
	json_t *m = zd_json_median(runs, 3);
	assert_non_null(m);
	assert_true(json_is_integer(json_object_get(m, "n")));
	assert_int_equal(json_integer_value(json_object_get(m, "n")), 2);
	assert_true(json_real_value(json_object_get(m, "t")) == 2.0);
	assert_string_equal(json_string_value(json_object_get(m, "tool")), "a");
	json_t *v = json_object_get(m, "v");
	assert_int_equal(json_integer_value(json_array_get(v, 0)), 2);
	assert_int_equal(json_integer_value(json_array_get(v, 1)), 20);
	/* a member one run has: its own value */
	assert_int_equal(json_integer_value(json_object_get(m, "only0")), 7);
	json_decref(m);
	/* an even count of integers: the mean of the middle two, a real */
	m = zd_json_median(runs, 2);
	assert_true(json_is_real(json_object_get(m, "n")));
	assert_true(json_real_value(json_object_get(m, "n")) == 2.0);
	json_decref(m);
	assert_null(zd_json_median(runs, 0));
	for (int i = 0; i < 3; i++)
		json_decref(runs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_geom_kept),
	    cmocka_unit_test(test_geom_adjusted),
	    cmocka_unit_test(test_footprint_key),
	    cmocka_unit_test(test_median),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
