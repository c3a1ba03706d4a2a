/* test_board.c - board descriptions: the shipped four load and make sense;
 * broken files are refused with the file and the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "zdvfs/board.h"

static const char *const shipped[] = {"jetson-tx2", "jetson-orin-nx",
				      "rubik-pi", "core-i7"};

static void shipped_boards_load_and_are_plausible(void **state)
{
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct zd_board *b = NULL;
		struct zd_err err = {0};
		int rc = zd_board_load(shipped[i], NULL, &b, &err);
		if (rc != 0)
			fail_msg("%s: %s", shipped[i], err.msg);
		assert_string_equal(b->name, shipped[i]);
		assert_true(b->nclusters >= 1);
		assert_true(b->nzones >= 1);
		assert_true(b->tdp_mw.present && b->tdp_mw.source[0] != '\0');
		bool has_throttle = false;
		for (int z = 0; z < b->nzones; z++)
			if (zd_zone_throttle_mc(&b->zones[z]) > 40000)
				has_throttle = true;
		assert_true(has_throttle);
		for (int c = 0; c < b->nclusters; c++) {
			const struct zd_cluster_desc *cl = &b->clusters[c];
			assert_true(cl->nopps >= 2);
			assert_true(cl->opps[cl->nopps - 1].khz >
				    cl->opps[0].khz);
			assert_true(cl->ncpus >= 1);
		}
		zd_board_free(b);
	}
}

static void tx2_matches_design(void **state)
{
	(void)state;
	struct zd_board *b = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_board_load("jetson-tx2", NULL, &b, &err), 0);
	assert_int_equal(b->nclusters, 2);
	assert_true(zd_cpuset_has(&b->reserved_cpus, 0));
	int ncpus = b->clusters[0].ncpus + b->clusters[1].ncpus;
	assert_int_equal(ncpus, 6);
	for (int c = 0; c < 2; c++) {
		assert_int_equal(b->clusters[c].nopps, 12);
		assert_int_equal(b->clusters[c].opps[0].khz, 345600);
		assert_int_equal(b->clusters[c].opps[11].khz, 2035200);
	}
	assert_int_equal(b->energy.kind, ZD_ENERGY_INA3221_IIO);
	zd_board_free(b);
}

static void listing_is_sorted_and_complete(void **state)
{
	(void)state;
	char **names = NULL;
	int n = 0;
	struct zd_err err = {0};
	assert_int_equal(zd_board_list(NULL, &names, &n, &err), 0);
	assert_true(n >= 4);
	for (int i = 1; i < n; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0);
	zd_board_names_free(names, n);
}

/* A small valid board; each test breaks one thing. */
static const char *const good_board =
    "{\n"
    "  \"format\": \"zdvfs-platform 1\",\n"
    "  \"name\": \"toy\",\n"
    "  \"model\": \"Toy board\",\n"
    "  \"description\": \"two clusters\",\n"
    "  \"default_governor\": \"schedutil\",\n"
    "  \"clusters\": [\n"
    "    {\"name\": \"little\", \"core_type\": \"cortex-a55\", \"cpus\": [0, "
    "1],\n"
    "     \"opps\": [{\"khz\": 500000, \"uv\": 600000}, {\"khz\": 1000000, "
    "\"uv\": 700000}],\n"
    "     \"opps_source\": \"made up for a test\",\n"
    "     \"l1i\": {\"size_kb\": 32, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l1d\": {\"size_kb\": 32, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l2\": {\"size_kb\": 128, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l2_shared\": false,\n"
    "     \"sim\": {\"speed_rel\": {\"value\": 0.6, \"source\": \"test\"}}},\n"
    "    {\"name\": \"big\", \"core_type\": \"cortex-a78\", \"cpus\": [2, 3],\n"
    "     \"opps\": [{\"khz\": 600000, \"uv\": 600000}, {\"khz\": 2000000, "
    "\"uv\": 900000}],\n"
    "     \"opps_source\": \"made up for a test\",\n"
    "     \"l1i\": {\"size_kb\": 64, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l1d\": {\"size_kb\": 64, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l2\": {\"size_kb\": 512, \"assoc\": 8, \"line_bytes\": 64},\n"
    "     \"l2_shared\": false}\n"
    "  ],\n"
    "  \"caches_source\": \"test\",\n"
    "  \"thermal_zones\": [\n"
    "    {\"name\": \"cpu-thermal\", \"clusters\": [\"little\", \"big\"],\n"
    "     \"trips\": [{\"type\": \"passive\", \"temp_mc\": 85000},\n"
    "               {\"type\": \"critical\", \"temp_mc\": 105000}],\n"
    "     \"source\": \"test\"}\n"
    "  ],\n"
    "  \"energy\": {\"kind\": \"none\", \"rails\": [], \"source\": \"test\"},\n"
    "  \"tdp_mw\": {\"value\": 5000, \"source\": \"test\"}\n"
    "}\n";

static char tmpdir[256];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zdvfs-test-board-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write `text` with `from` replaced by `to` as toy.json and load it. */
static int load_variant(const char *from, const char *to, struct zd_err *err,
			char *path, size_t len)
{
	const char *at = from ? strstr(good_board, from) : NULL;
	if (from != NULL && at == NULL)
		fail_msg("test bug: '%s' not in the toy board", from);
	snprintf(path, len, "%s/toy.json", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	if (at == NULL) {
		fputs(good_board, f);
	} else {
		fwrite(good_board, 1, (size_t)(at - good_board), f);
		fputs(to, f);
		fputs(at + strlen(from), f);
	}
	fclose(f);
	struct zd_board *b = NULL;
	int rc = zd_board_load_file(path, &b, err);
	zd_board_free(b);
	return rc;
}

static void expect_rejected(const char *from, const char *to, const char *field,
			    const char *words)
{
	struct zd_err err = {0};
	char path[512];
	int rc = load_variant(from, to, &err, path, sizeof(path));
	if (rc == 0)
		fail_msg("accepted a board with '%s' -> '%s'", from, to);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	if (strstr(err.msg, path) == NULL || strstr(err.msg, field) == NULL ||
	    strstr(err.msg, words) == NULL)
		fail_msg("message '%s' should name %s, %s and say '%s'",
			 err.msg, path, field, words);
}

static void toy_board_is_valid(void **state)
{
	(void)state;
	struct zd_err err = {0};
	char path[512];
	if (load_variant(NULL, NULL, &err, path, sizeof(path)) != 0)
		fail_msg("%s", err.msg);
}

static void unknown_field_is_named(void **state)
{
	(void)state;
	expect_rejected(
	    "\"l2_shared\": false,\n     \"sim\"",
	    "\"l2_shared\": false, \"l3_shared\": true,\n     \"sim\"",
	    "clusters[0].l3_shared", "unknown field");
	expect_rejected("\"speed_rel\"", "\"speed\"", "clusters[0].sim.speed",
			"unknown simulator constant");
}

static void missing_field_is_named(void **state)
{
	(void)state;
	expect_rejected("\"tdp_mw\": {\"value\": 5000, \"source\": \"test\"}",
			"\"sim\": {}", "tdp_mw", "missing required field");
	expect_rejected("\"core_type\": \"cortex-a78\", ", "",
			"clusters[1].core_type", "missing required field");
}

static void non_monotonic_opps_are_refused(void **state)
{
	(void)state;
	expect_rejected("{\"khz\": 1000000, \"uv\": 700000}",
			"{\"khz\": 400000, \"uv\": 700000}",
			"clusters[0].opps[1]", "rise strictly");
	expect_rejected("{\"khz\": 1000000, \"uv\": 700000}",
			"{\"khz\": 1000000, \"uv\": 500000}",
			"clusters[0].opps[1]", "may not fall");
}

static void cpu_in_two_clusters_is_refused(void **state)
{
	(void)state;
	expect_rejected("\"cpus\": [2, 3]", "\"cpus\": [1, 2, 3]",
			"clusters[1]", "cpu1 is already in another cluster");
}

static void constant_without_source_is_refused(void **state)
{
	(void)state;
	expect_rejected("{\"value\": 5000, \"source\": \"test\"}",
			"{\"value\": 5000}", "tdp_mw.source",
			"missing required field");
	expect_rejected("{\"value\": 5000, \"source\": \"test\"}",
			"{\"value\": 5000, \"source\": \"\"}", "tdp_mw.source",
			"non-empty");
}

static void other_mistakes_are_named(void **state)
{
	(void)state;
	expect_rejected("\"clusters\": [\"little\", \"big\"]",
			"\"clusters\": [\"little\", \"medium\"]",
			"thermal_zones[0].clusters[1]", "no cluster");
	expect_rejected("\"name\": \"toy\"", "\"name\": \"other\"", "name",
			"differs from the file name");
	expect_rejected("\"temp_mc\": 105000", "\"temp_mc\": 50000",
			"thermal_zones[0].trips[1]", "below the previous");
	expect_rejected("\"kind\": \"none\"", "\"kind\": \"shunt\"",
			"energy.kind", "must be");
	expect_rejected("\"speed_rel\": {\"value\": 0.6",
			"\"speed_rel\": {\"value\": 600",
			"clusters[0].sim.speed_rel", "outside");
	expect_rejected("\"cpus\": [0, 1]", "\"cpus\": [0, 0]",
			"clusters[0].cpus[1]", "listed twice");
}

/* The thermal network, fan, turbo bins and power limits are checked as a
 * whole: parts that only make sense together, bins that are OPPs. */
static void thermal_and_turbo_mistakes_are_named(void **state)
{
	(void)state;
	const char *zone = "\"source\": \"test\"}\n  ],";
	expect_rejected(zone,
			"\"source\": \"test\", \"sim\": {\"r_die_k_per_w\": "
			"{\"value\": 1, \"source\": \"t\"}}}\n  ],",
			"thermal_zones[0]", "need r_k_per_w and c_j_per_k");
	expect_rejected(
	    zone,
	    "\"source\": \"test\", \"sim\": {"
	    "\"r_k_per_w\": {\"value\": 2, \"source\": \"t\"}, "
	    "\"c_j_per_k\": {\"value\": 20, \"source\": \"t\"}, "
	    "\"r_fan_k_per_w\": {\"value\": 3, \"source\": \"t\"}}}\n  ],",
	    "thermal_zones[0]", "not below r_k_per_w");
	expect_rejected("{\"type\": \"passive\", \"temp_mc\": 85000}",
			"{\"type\": \"passive\", \"temp_mc\": 85000, "
			"\"hyst_mc\": -1}",
			"thermal_zones[0].trips[0].hyst_mc", "outside");
	const char *big = "\"l2_shared\": false}\n  ],";
	expect_rejected(
	    big,
	    "\"l2_shared\": false, \"turbo_khz\": [2000000, 1500000],"
	    " \"turbo_source\": \"t\"}\n  ],",
	    "clusters[1].turbo_khz[1]", "not one of the cluster's opps");
	expect_rejected(
	    big,
	    "\"l2_shared\": false, \"turbo_khz\": [600000, 2000000],"
	    " \"turbo_source\": \"t\"}\n  ],",
	    "clusters[1].turbo_khz[1]", "above the bin for fewer cores");
	expect_rejected(big,
			"\"l2_shared\": false, \"turbo_khz\": [2000000],"
			" \"turbo_source\": \"t\"}\n  ],",
			"clusters[1]", "one per number of busy cores");
	expect_rejected(
	    "\"tdp_mw\": {\"value\": 5000, \"source\": \"test\"}",
	    "\"tdp_mw\": {\"value\": 5000, \"source\": \"test\"}, "
	    "\"sim\": {\"pl1_mw\": {\"value\": 5000, \"source\": \"t\"}}",
	    "sim", "pl1_mw, pl2_mw and pl_tau_s go together");
}

/* The big cluster of the toy board from its last OPP to the end of its
 * description, with `opps` after its 2 GHz OPP and `extra` after its
 * l2_shared: a cluster with an acpi-cpufreq turbo entry. */
static const char big_tail[] =
    "{\"khz\": 2000000, \"uv\": 900000}],\n"
    "     \"opps_source\": \"made up for a test\",\n"
    "     \"l1i\": {\"size_kb\": 64, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l1d\": {\"size_kb\": 64, \"assoc\": 4, \"line_bytes\": 64},\n"
    "     \"l2\": {\"size_kb\": 512, \"assoc\": 8, \"line_bytes\": 64},\n"
    "     \"l2_shared\": false}\n"
    "  ],";

static void big_variant(char *out, size_t len, const char *opps,
			const char *extra)
{
	snprintf(out, len,
		 "{\"khz\": 2000000, \"uv\": 900000}%s],\n"
		 "     \"opps_source\": \"made up for a test\",\n"
		 "     \"l1i\": {\"size_kb\": 64, \"assoc\": 4, "
		 "\"line_bytes\": 64},\n"
		 "     \"l1d\": {\"size_kb\": 64, \"assoc\": 4, "
		 "\"line_bytes\": 64},\n"
		 "     \"l2\": {\"size_kb\": 512, \"assoc\": 8, "
		 "\"line_bytes\": 64},\n"
		 "     \"l2_shared\": false%s}\n"
		 "  ],",
		 opps, extra);
}

static const char entry[] = ", {\"khz\": 2001000, \"turbo\": true}";
static const char states[] =
    ", \"turbo_opps\": [{\"khz\": 2500000, \"uv\": 1000000}, "
    "{\"khz\": 3000000, \"uv\": 1100000}]";
static const char bins[] =
    ", \"turbo_khz\": [3000000, 2500000], \"turbo_source\": \"t\"";

/* The turbo entry (acpi-cpufreq's base + 1 MHz) is the last level, has no
 * voltage of its own (it takes the all-core bin's), and comes with the
 * turbo P-states and bins it runs. */
static void turbo_entry_is_checked(void **state)
{
	(void)state;
	char to[1024], extra[512];
	struct zd_err err = {0};
	char path[512];
	snprintf(extra, sizeof(extra), "%s%s", states, bins);
	big_variant(to, sizeof(to), entry, extra);
	if (load_variant(big_tail, to, &err, path, sizeof(path)) != 0)
		fail_msg("a valid turbo entry refused: %s", err.msg);
	struct zd_board *b = NULL;
	assert_int_equal(zd_board_load_file(path, &b, &err), 0);
	const struct zd_cluster_desc *big = &b->clusters[1];
	assert_int_equal(big->turbo_level, 2);
	assert_int_equal(big->nopps, 3);
	assert_int_equal(big->opps[2].khz, 2001000);
	assert_int_equal(big->opps[2].uv, 1000000); /* the 2-core bin's */
	assert_int_equal(big->nturbo_opps, 2);
	assert_int_equal(b->clusters[0].turbo_level, -1);
	/* what each level runs: the entry the bin of its busy cores */
	struct zd_opp run = zd_cluster_run_opp(big, 2, 1);
	assert_int_equal(run.khz, 3000000);
	assert_int_equal(run.uv, 1100000);
	run = zd_cluster_run_opp(big, 2, 2);
	assert_int_equal(run.khz, 2500000);
	run = zd_cluster_run_opp(big, 2, 0); /* unknown: all cores */
	assert_int_equal(run.khz, 2500000);
	run = zd_cluster_run_opp(big, 1, 1);
	assert_int_equal(run.khz, 2000000);
	assert_int_equal(run.uv, 900000);
	run = zd_cluster_run_opp(&b->clusters[0], 0, 1);
	assert_int_equal(run.khz, b->clusters[0].opps[0].khz);
	zd_board_free(b);

	big_variant(to, sizeof(to),
		    ", {\"khz\": 2001000, \"turbo\": true, \"uv\": 1000000}",
		    extra);
	expect_rejected(big_tail, to, "clusters[1].opps[2]", "unknown field");
	big_variant(to, sizeof(to), ", {\"khz\": 2001000, \"turbo\": false}",
		    extra);
	expect_rejected(big_tail, to, "clusters[1].opps[2]", "must be true");
	big_variant(to, sizeof(to),
		    ", {\"khz\": 2001000, \"turbo\": true}, "
		    "{\"khz\": 2500000, \"uv\": 950000}",
		    extra);
	expect_rejected(big_tail, to, "clusters[1].opps[2]",
			"must be the last level");
	big_variant(to, sizeof(to), entry, bins);
	expect_rejected(big_tail, to, "clusters[1]", "needs turbo_opps");
	big_variant(to, sizeof(to), entry, states);
	expect_rejected(big_tail, to, "clusters[1]", "needs turbo_khz");
	big_variant(to, sizeof(to), "", extra);
	expect_rejected(big_tail, to, "clusters[1]",
			"turbo_opps without a turbo entry");
	snprintf(extra, sizeof(extra),
		 "%s, \"turbo_khz\": [3000000, 2000000], "
		 "\"turbo_source\": \"t\"",
		 states);
	big_variant(to, sizeof(to), entry, extra);
	expect_rejected(big_tail, to, "clusters[1].turbo_khz[1]",
			"not one of the cluster's turbo_opps");
	snprintf(extra, sizeof(extra),
		 ", \"turbo_opps\": [{\"khz\": 2000000, \"uv\": 1000000}]%s",
		 bins);
	big_variant(to, sizeof(to), entry, extra);
	expect_rejected(big_tail, to, "clusters[1].turbo_opps[0]",
			"not above the previous 2000000");
}

static void syntax_error_gives_line(void **state)
{
	(void)state;
	struct zd_err err = {0};
	char path[512];
	assert_int_not_equal(load_variant("\"model\": \"Toy board\",",
					  "\"model\": \"Toy board\"", &err,
					  path, sizeof(path)),
			     0);
	char where[600];
	snprintf(where, sizeof(where), "%s:5:", path);
	if (strstr(err.msg, where) == NULL)
		fail_msg("'%s' should point at line 5", err.msg);
}

static void unknown_board_name_is_a_usage_error(void **state)
{
	(void)state;
	struct zd_board *b = NULL;
	struct zd_err err = {0};
	assert_int_not_equal(zd_board_load("jetson-tx3", NULL, &b, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "jetson-tx3"));
	zd_err_clear(&err);
	assert_int_not_equal(zd_board_load("../etc/passwd", NULL, &b, &err), 0);
	assert_null(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_boards_load_and_are_plausible),
	    cmocka_unit_test(tx2_matches_design),
	    cmocka_unit_test(listing_is_sorted_and_complete),
	    cmocka_unit_test(toy_board_is_valid),
	    cmocka_unit_test(unknown_field_is_named),
	    cmocka_unit_test(missing_field_is_named),
	    cmocka_unit_test(non_monotonic_opps_are_refused),
	    cmocka_unit_test(cpu_in_two_clusters_is_refused),
	    cmocka_unit_test(constant_without_source_is_refused),
	    cmocka_unit_test(other_mistakes_are_named),
	    cmocka_unit_test(thermal_and_turbo_mistakes_are_named),
	    cmocka_unit_test(turbo_entry_is_checked),
	    cmocka_unit_test(syntax_error_gives_line),
	    cmocka_unit_test(unknown_board_name_is_a_usage_error),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
