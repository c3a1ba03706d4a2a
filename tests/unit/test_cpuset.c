/* test_cpuset.c - the CPU list syntax users type and sysfs prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "zdvfs/cpuset.h"

static void parses_lists_and_ranges(void **state)
{
	(void)state;
	struct zd_cpuset s;
	struct zd_err err = {0};
	assert_int_equal(zd_cpuset_parse(&s, "0,2-4,7", "t", &err), 0);
	assert_int_equal(zd_cpuset_count(&s), 5);
	assert_true(zd_cpuset_has(&s, 0) && zd_cpuset_has(&s, 3) &&
		    zd_cpuset_has(&s, 7));
	assert_false(zd_cpuset_has(&s, 1) || zd_cpuset_has(&s, 5));
	/* related_cpus style */
	assert_int_equal(zd_cpuset_parse(&s, "0 3 4 5\n", "t", &err), 0);
	assert_int_equal(zd_cpuset_count(&s), 4);
	assert_int_equal(zd_cpuset_first(&s), 0);
	assert_int_equal(zd_cpuset_next(&s, 0), 3);
}

/* Walking a set visits every member once, in order, across 64-bit words. */
static void walks_members_in_order(void **state)
{
	(void)state;
	const int members[] = {0, 5, 63, 64, 127, 128, 200, 255};
	const int n = (int)(sizeof(members) / sizeof(members[0]));
	struct zd_cpuset s;
	zd_cpuset_zero(&s);
	assert_int_equal(zd_cpuset_first(&s), -1);
	for (int i = 0; i < n; i++)
		zd_cpuset_add(&s, members[i]);
	int seen = 0;
	for (int c = zd_cpuset_first(&s); c >= 0; c = zd_cpuset_next(&s, c)) {
		assert_true(seen < n);
		assert_int_equal(c, members[seen]);
		seen++;
	}
	assert_int_equal(seen, n);
	assert_int_equal(zd_cpuset_next(&s, 5), 63);
	assert_int_equal(zd_cpuset_next(&s, 64), 127);
	assert_int_equal(zd_cpuset_next(&s, 255), -1);
}

static void formats_shortest_list(void **state)
{
	(void)state;
	struct zd_cpuset s;
	struct zd_err err = {0};
	char buf[64];
	assert_int_equal(zd_cpuset_parse(&s, "5,0,3,4,1", "t", &err), 0);
	zd_cpuset_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "0-1,3-5");
	zd_cpuset_zero(&s);
	zd_cpuset_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void rejects_garbage_with_the_input_named(void **state)
{
	(void)state;
	const char *bad[] = {"a", "1-", "3-1", "1,,x", "-1", "99999", "1.5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct zd_cpuset s;
		struct zd_err err = {0};
		assert_int_not_equal(
		    zd_cpuset_parse(&s, bad[i], "--cpus", &err), 0);
		assert_int_equal(err.exit, ZD_EXIT_USAGE);
		assert_non_null(strstr(err.msg, "--cpus"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_lists_and_ranges),
	    cmocka_unit_test(walks_members_in_order),
	    cmocka_unit_test(formats_shortest_list),
	    cmocka_unit_test(rejects_garbage_with_the_input_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
