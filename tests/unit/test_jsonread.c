/* test_jsonread.c - the one strict JSON reader: syntax errors name the file,
 * line and column; field errors name the file and the field path; strict
 * formats refuse unknown fields; oversized files are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/jsonread.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/zdvfs-jr-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/doc.json", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_msg(const struct zd_err *err, const char *want)
{
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s' not in '%s'", want, err->msg);
}

/* A syntax error says FILE:LINE:COLUMN; nothing is returned. */
static void syntax_errors_name_line_and_column(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	json_t *j = (json_t *)1;
	write_text(fx->path, "{\n  \"a\": 1,\n  \"b\": ]\n}\n");
	assert_int_not_equal(zd_jr_load(fx->path, 1024, 0, &j, &err), 0);
	assert_null(j);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	char want[200];
	snprintf(want, sizeof(want), "%s:3:8: ", fx->path);
	expect_msg(&err, want);

	/* duplicates: refused only where the format asks */
	write_text(fx->path, "{\"a\": 1, \"a\": 2}");
	zd_err_clear(&err);
	assert_int_equal(zd_jr_load(fx->path, 1024, 0, &j, &err), 0);
	json_decref(j);
	assert_int_not_equal(
	    zd_jr_load(fx->path, 1024, JSON_REJECT_DUPLICATES, &j, &err), 0);
	expect_msg(&err, "duplicate");

	/* a text names itself the same way */
	zd_err_clear(&err);
	assert_int_not_equal(
	    zd_jr_parse("[1,\n2,,]", 8, "the reply", 0, &j, &err), 0);
	expect_msg(&err, "the reply:2:");
}

static void missing_and_oversized_files_are_refused(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	json_t *j = NULL;
	char missing[200];
	snprintf(missing, sizeof(missing), "%s/none.json", fx->dir);
	assert_int_not_equal(zd_jr_load(missing, 1024, 0, &j, &err), 0);
	expect_msg(&err, missing);
	expect_msg(&err, "cannot read");

	write_text(fx->path, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]");
	zd_err_clear(&err);
	assert_int_not_equal(zd_jr_load(fx->path, 16, 0, &j, &err), 0);
	assert_null(j);
	expect_msg(&err, "more than the 16");
	zd_err_clear(&err);
	assert_int_equal(zd_jr_load(fx->path, 1024, 0, &j, &err), 0);
	assert_int_equal(json_array_size(j), 10);
	json_decref(j);
}

/* Every getter's rejection names the file and the full field path. */
static void field_errors_name_the_path(void **state)
{
	(void)state;
	struct zd_err err = {0};
	struct zd_jr v = {.what = "platforms/x.json", .err = &err};
	json_t *root = NULL;
	const char *text =
	    "{\"clusters\": [{\"opps\": []}, {\"opps\": [{\"khz\": 1}, "
	    "{\"khz\": 2}, {\"khz\": 3}, {\"khz\": 20000001}]}], "
	    "\"name\": \"\", \"ok\": 3, \"ratio\": \"x\", "
	    "\"m\": {\"n\": {\"x\": -1}}}";
	assert_int_equal(zd_jr_parse(text, strlen(text), "t", 0, &root, &err),
			 0);

	json_t *clusters = NULL, *opps = NULL;
	assert_int_equal(
	    zd_jr_array_min(&v, root, "", "clusters", true, 1, &clusters), 0);
	assert_int_equal(zd_jr_array_min(&v, json_array_get(clusters, 1),
					 "clusters[1]", "opps", true, 1, &opps),
			 0);
	char where[64];
	zd_jr_index(where, sizeof(where), "clusters[1].opps", 3);
	long long khz = 0;
	assert_int_not_equal(zd_jr_int(&v, json_array_get(opps, 3), where,
				       "khz", 1, 10000000, &khz),
			     0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	expect_msg(&err,
		   "platforms/x.json: clusters[1].opps[3].khz: "
		   "20000001 is outside 1..10000000");
	assert_int_equal(khz, 0);

	/* too few entries, missing, wrong types, at every depth */
	zd_err_clear(&err);
	assert_int_not_equal(zd_jr_array_min(&v, json_array_get(clusters, 0),
					     "clusters[0]", "opps", true, 1,
					     &opps),
			     0);
	expect_msg(&err, "clusters[0].opps: needs at least 1 entries");
	zd_err_clear(&err);
	char *name = NULL;
	assert_int_not_equal(zd_jr_string(&v, root, "", "name", true, &name),
			     0);
	expect_msg(&err, "x.json: name: must be a non-empty string");
	zd_err_clear(&err);
	assert_int_equal(zd_jr_string(&v, root, "", "absent", false, &name), 0);
	assert_null(name);
	assert_int_not_equal(zd_jr_string(&v, root, "", "absent", true, &name),
			     0);
	expect_msg(&err, "x.json: absent: missing required field");
	zd_err_clear(&err);
	bool b;
	assert_int_not_equal(zd_jr_bool(&v, root, "", "ok", &b), 0);
	expect_msg(&err, "ok: must be true or false");
	zd_err_clear(&err);
	double d;
	assert_int_not_equal(zd_jr_number(&v, root, "", "ratio", 0, 1, &d), 0);
	expect_msg(&err, "ratio: must be a number");
	zd_err_clear(&err);
	assert_int_not_equal(zd_jr_number_at(&v, root, "", "m.n.x", 0, 1, &d),
			     0);
	expect_msg(&err, "x.json: m.n.x: -1 is outside 0..1");
	zd_err_clear(&err);
	assert_int_not_equal(zd_jr_number_at(&v, root, "", "m.q.x", 0, 1, &d),
			     0);
	expect_msg(&err, "m.q.x: missing required field");
	zd_err_clear(&err);
	json_t *obj;
	assert_int_not_equal(zd_jr_object(&v, root, "", "name", &obj), 0);
	expect_msg(&err, "name: must be an object");
	zd_err_clear(&err);
	assert_int_equal(zd_jr_object_opt(&v, root, "", "absent", &obj), 0);
	assert_null(obj);
	json_decref(root);
}

/* Strict formats: a field the format does not have is named and refused. */
static void unknown_fields_are_refused(void **state)
{
	(void)state;
	struct zd_err err = {0};
	struct zd_jr v = {.what = "f.json", .err = &err};
	static const char *const keys[] = {"khz", "uv", NULL};
	json_t *ok = json_pack("{s:i, s:i}", "khz", 1, "uv", 2);
	json_t *extra = json_pack("{s:i, s:i}", "khz", 1, "kHz", 2);
	assert_int_equal(zd_jr_keys(&v, ok, "opps[0]", keys), 0);
	assert_int_not_equal(zd_jr_keys(&v, extra, "opps[0]", keys), 0);
	expect_msg(&err, "f.json: opps[0].kHz: unknown field");
	json_decref(ok);
	json_decref(extra);
}

static void u64_and_floats_round_trip(void **state)
{
	(void)state;
	struct zd_err err = {0};
	struct zd_jr v = {.what = "agents", .err = &err};
	const float x[3] = {1.5f, -2.25f, 3e-8f};
	json_t *o = json_object();
	json_object_set_new(o, "seed", zd_jr_u64_new(0xfedcba9876543210ull));
	json_object_set_new(o, "w", zd_jr_floats_new(x, 3));
	uint64_t seed = 0;
	float back[3];
	assert_int_equal(zd_jr_u64(&v, o, "net", "seed", &seed), 0);
	assert_true(seed == 0xfedcba9876543210ull);
	assert_int_equal(zd_jr_floats(&v, o, "net", "w", back, 3), 0);
	assert_memory_equal(back, x, sizeof(x));
	assert_int_not_equal(zd_jr_floats(&v, o, "net", "w", back, 2), 0);
	expect_msg(&err, "agents: net.w: has 3 entries, expected 2");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(syntax_errors_name_line_and_column,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		missing_and_oversized_files_are_refused, setup, teardown),
	    cmocka_unit_test(field_errors_name_the_path),
	    cmocka_unit_test(unknown_fields_are_refused),
	    cmocka_unit_test(u64_and_floats_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
