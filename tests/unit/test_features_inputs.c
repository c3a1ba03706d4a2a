/* test_features_inputs.c - programs as they come: several files, include
 * paths and macros, a compilation database, missing headers, code that
 * does not parse, _Pragma in macros, K&R; inputs that must give a clear
 * error (missing file, empty file) or at least no crash and no hang
 * (binary garbage, unterminated comments, bytes that are not UTF-8, deep
 * nesting, megabytes of code); and the cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "features/features_json.h"
#include "feature_test.h"

#define FX(name) FIXTURES "/" name

static bool diag_mentions(const struct zd_features *f, const char *text)
{
	for (int i = 0; i < f->ndiags; i++)
		if (strstr(f->diags[i], text) != NULL)
			return true;
	return false;
}

static int analyse_req(const char *const *files, int nfiles,
		       const char *const *args, int nargs, const char *db,
		       const char *cache, struct zd_features **f,
		       struct zd_err *err)
{
	struct zd_feat_request req = {files, nfiles,        args, nargs,
				      db,    cache == NULL, cache};
	return zd_features_analyze(&req, f, err);
}

/* ---- programs ----------------------------------------------------------- */

static void two_files_one_program(void **state)
{
	(void)state;
	const char *files[] = {FX("multi/main.c"), FX("multi/kernel.c")};
	const char *args[] = {"-I" FX("multi/include"), "-DSCALE=3.0"};
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	assert_int_equal(analyse_req(files, 2, args, 2, NULL, NULL, &f, &err),
			 0);
	assert_int_equal(f->nerrors, 0);
	assert_int_equal(f->nfiles, 2);
	/* the kernel in the other file is what the region runs */
	assert_true(has_value(f, ZD_FEAT_ALGORITHMIC_COMPLEXITY, "O(n^2)"));
	assert_true(has_value(f, ZD_FEAT_MEMORY_ACCESS_PATTERN, "unit_stride"));
	assert_true(
	    has_value(f, ZD_FEAT_LOAD_BALANCE_CHARACTERISTIC, "dynamic"));
	assert_int_equal(f->counts.functions, 2);
	assert_int_equal(f->counts.taskloops, 1);
	zd_features_free(f);
	/* without -I the header is missing: reported, still analysed */
	assert_int_equal(analyse_req(files, 2, NULL, 0, NULL, NULL, &f, &err),
			 0);
	assert_true(f->nerrors > 0);
	assert_true(diag_mentions(f, "kernel.h"));
	zd_features_free(f);
}

static void compile_commands(void **state)
{
	(void)state;
	char dir[64] = "/tmp/zdvfs-ccdb-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/compile_commands.json", dir);
	FILE *db = fopen(path, "w");
	assert_non_null(db);
	fprintf(
	    db,
	    "[{\"directory\": \"%s\", \"file\": \"main.c\", "
	    "\"command\": \"cc -O2 -fopenmp -I include -c main.c -o main.o\"},"
	    " {\"directory\": \"%s\", \"file\": \"%s\", "
	    "\"arguments\": [\"cc\", \"-DSCALE=2.0\", \"-I\", \"include\", "
	    "\"-Wall\", \"-c\", \"kernel.c\"]}]\n",
	    FX("multi"), FX("multi"), FX("multi/kernel.c"));
	fclose(db);
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	/* no files: every entry of the database */
	assert_int_equal(analyse_req(NULL, 0, NULL, 0, dir, NULL, &f, &err), 0);
	assert_int_equal(f->nfiles, 2);
	assert_int_equal(f->nerrors, 0);
	assert_true(has_value(f, ZD_FEAT_ALGORITHMIC_COMPLEXITY, "O(n^2)"));
	zd_features_free(f);
	/* one file named: its entry's options */
	const char *one[] = {FX("multi/kernel.c")};
	assert_int_equal(analyse_req(one, 1, NULL, 0, path, NULL, &f, &err), 0);
	assert_int_equal(f->nerrors, 0);
	zd_features_free(f);
	/* a file the database does not know: said, analysed anyway */
	const char *other[] = {FX("stencil.c")};
	assert_int_equal(analyse_req(other, 1, NULL, 0, path, NULL, &f, &err),
			 0);
	assert_true(diag_mentions(f, "not in"));
	zd_features_free(f);
	/* a broken database is a usage error naming it */
	db = fopen(path, "w");
	fputs("[{\"file\": ", db);
	fclose(db);
	assert_int_not_equal(
	    analyse_req(NULL, 0, NULL, 0, path, NULL, &f, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "compile_commands.json"));
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void missing_header_partial(void **state)
{
	(void)state;
	struct zd_features *f = analyse_file(FX("needs_header.c"), NULL, 0);
	assert_non_null(f);
	assert_true(f->nerrors > 0);
	assert_true(diag_mentions(f, "absent.h"));
	assert_true(has_value(f, ZD_FEAT_MEMORY_ACCESS_PATTERN, "unit_stride"));
	assert_int_equal(f->counts.parallel_regions, 1);
	zd_features_free(f);
}

static void unparsable_partial(void **state)
{
	(void)state;
	struct zd_features *f = analyse_file(FX("broken.c"), NULL, 0);
	assert_non_null(f);
	assert_true(f->nerrors >= 1);
	assert_true(diag_mentions(f, "broken.c:"));
	assert_true(diag_mentions(f, "error"));
	/* the good kernel is still seen */
	assert_int_equal(f->counts.parallel_regions, 1);
	assert_true(has_value(f, ZD_FEAT_ALGORITHMIC_COMPLEXITY, "O(n)"));
	zd_features_free(f);
}

static void pragma_in_macro(void **state)
{
	(void)state;
	struct zd_features *f = analyse_file(FX("pragma_macro.c"), NULL, 0);
	assert_non_null(f);
	assert_int_equal(f->counts.pragmas, 2);
	assert_int_equal(f->counts.parallel_regions, 2);
	assert_int_equal(f->counts.worksharing_loops, 2);
	assert_string_equal(f->counts.schedule_kind, "mixed");
	assert_true(
	    has_value(f, ZD_FEAT_LOAD_BALANCE_CHARACTERISTIC, "dynamic"));
	zd_features_free(f);
}

static void knr_definitions(void **state)
{
	(void)state;
	struct zd_features *f = analyse_file(FX("knr.c"), NULL, 0);
	assert_non_null(f);
	assert_int_equal(f->counts.functions, 1);
	assert_int_equal(f->counts.loop_count, 1);
	assert_true(has_value(f, ZD_FEAT_SCALABILITY_BOTTLENECK, "other"));
	zd_features_free(f);
}

/* ---- errors and hostile inputs ------------------------------------------ */

static void missing_file_names_it(void **state)
{
	(void)state;
	const char *files[] = {FX("stencil.c"), "/nonexistent/kernel.c"};
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	assert_int_not_equal(
	    analyse_req(files, 2, NULL, 0, NULL, NULL, &f, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "/nonexistent/kernel.c"));
	assert_null(f);
	const char *dir[] = {FIXTURES};
	zd_err_clear(&err);
	assert_int_not_equal(analyse_req(dir, 1, NULL, 0, NULL, NULL, &f, &err),
			     0);
	assert_non_null(strstr(err.msg, "directory"));
}

static int analyse_bytes(const void *bytes, size_t len, struct zd_features **f,
			 struct zd_err *err)
{
	char path[256];
	if (write_program("in.c", "", path, sizeof(path)) != 0)
		return -1;
	FILE *out = fopen(path, "wb");
	fwrite(bytes, 1, len, out);
	fclose(out);
	const char *files[] = {path};
	int rc = analyse_req(files, 1, NULL, 0, NULL, NULL, f, err);
	remove_program(path);
	return rc;
}

static void empty_file_is_an_error(void **state)
{
	(void)state;
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	assert_int_not_equal(analyse_bytes("", 0, &f, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "no function definition"));
}

static void garbage_never_crashes(void **state)
{
	(void)state;
	unsigned char junk[65536];
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		junk[i] = (unsigned char)x;
	}
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	int rc = analyse_bytes(junk, sizeof(junk), &f, &err);
	/* a clear error, or a result with diagnostics */
	if (rc != 0)
		assert_int_equal(err.exit, ZD_EXIT_USAGE);
	else
		assert_true(f->nerrors > 0);
	zd_features_free(f);
}

static void odd_text_still_analysed(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    /* an unterminated comment after a kernel */
	    "void k(int n, double *a) {\n#pragma omp parallel for\n"
	    "for (int i = 0; i < n; i++) a[i] = 1; }\n/* never closed\n",
	    /* bytes that are not UTF-8 in a comment and a string */
	    "/* caf\xe9 \xff\xfe */ const char *s = \"\xc3\x28\";\n"
	    "void k(int n, double *a) {\n#pragma omp parallel for\n"
	    "for (int i = 0; i < n; i++) a[i] = 1; }\n",
	    /* an unterminated pragma line and a stray _Pragma */
	    "_Pragma(\"omp\")\nvoid k(int n, double *a) {\n#pragma omp "
	    "parallel for schedule(\nfor (int i = 0; i < n; i++) a[i] = 1; "
	    "}\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct zd_features *f = NULL;
		struct zd_err err = {0};
		if (analyse_bytes(texts[i], strlen(texts[i]), &f, &err) != 0)
			fail_msg("text %zu: %s", i, err.msg);
		json_t *j = zd_features_json(f); /* valid UTF-8 throughout */
		assert_non_null(j);
		char *s = json_dumps(j, 0);
		assert_non_null(s);
		free(s);
		json_decref(j);
		zd_features_free(f);
	}
}

static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
	size_t len = strlen(head) + strlen(unit) * (size_t)n + strlen(tail);
	char *s = malloc(len + 1);
	if (s == NULL)
		return NULL;
	strcpy(s, head);
	char *at = s + strlen(head);
	for (int i = 0; i < n; i++) {
		memcpy(at, unit, strlen(unit));
		at += strlen(unit);
	}
	strcpy(at, tail);
	return s;
}

static void deep_nesting(void **state)
{
	(void)state;
	/* 60 nested loops: deeper than the levels tracked per access */
	char *loops =
	    repeat("void k(int n, double *a) {\n",
		   "for (int i = 0; i < n; i++)\n", 60, "a[0] += 1; }\n");
	/* 3000 else-ifs: a statement chain deeper than the walk descends */
	char *chain =
	    repeat("int k(int x) { if (x == 0) return 0;\n",
		   "else if (x == 1) return 1;\n", 3000, "return 2; }\n");
	assert_non_null(loops);
	assert_non_null(chain);
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	assert_int_equal(analyse_bytes(loops, strlen(loops), &f, &err), 0);
	assert_int_equal(f->counts.loop_depth, 60);
	zd_features_free(f);
	assert_int_equal(analyse_bytes(chain, strlen(chain), &f, &err), 0);
	assert_true(diag_mentions(f, "nesting deeper"));
	zd_features_free(f);
	free(loops);
	free(chain);
}

static void megabytes_of_code(void **state)
{
	(void)state;
	int n = 20000; /* ~2.3 MB */
	size_t cap = (size_t)n * 200;
	char *src = malloc(cap);
	assert_non_null(src);
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(src + len, cap - len,
					"void f%06d(int n, double *a, const "
					"double *b) {\n#pragma omp parallel "
					"for\n\tfor (int i = 0; i < n; i++)\n"
					"\t\ta[i] = b[i] * 2.0 + a[i];\n}\n",
					i);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	assert_int_equal(analyse_bytes(src, len, &f, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(f->counts.functions, n);
	assert_int_equal(f->counts.parallel_regions, n);
	assert_true(s < 60);
	zd_features_free(f);
	free(src);
}

/* ---- the cache --------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void cache_hits_and_misses(void **state)
{
	(void)state;
	char dir[64] = "/tmp/zdvfs-cache-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cache[128], src[128], hdr[128];
	snprintf(cache, sizeof(cache), "%s/cache/deeper", dir);
	snprintf(src, sizeof(src), "%s/main.c", dir);
	snprintf(hdr, sizeof(hdr), "%s/kernel.h", dir);
	copy_file(FX("multi/main.c"), src);
	copy_file(FX("multi/include/kernel.h"), hdr);
	const char *files[] = {src};
	const char *args[] = {"-DSCALE=2"};
	struct zd_features *f = NULL, *g = NULL;
	struct zd_err err = {0};
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &f, &err),
			 0);
	assert_false(f->cached);
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &g, &err),
			 0);
	assert_true(g->cached);
	/* the same result, faster */
	json_t *a = zd_features_json(f), *b = zd_features_json(g);
	json_object_del(a, "cached");
	json_object_del(b, "cached");
	json_object_del(a, "ms");
	json_object_del(b, "ms");
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	assert_true(g->ms < f->ms);
	zd_features_free(g);
	/* other options: a miss */
	const char *args2[] = {"-DSCALE=3"};
	assert_int_equal(analyse_req(files, 1, args2, 1, NULL, cache, &g, &err),
			 0);
	assert_false(g->cached);
	zd_features_free(g);
	/* an edited header: a miss */
	FILE *h = fopen(hdr, "a");
	fputs("/* edited */\n", h);
	fclose(h);
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &g, &err),
			 0);
	assert_false(g->cached);
	zd_features_free(g);
	/* an edited source: a miss, then a hit again */
	h = fopen(src, "a");
	fputs("/* edited */\n", h);
	fclose(h);
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &g, &err),
			 0);
	assert_false(g->cached);
	zd_features_free(g);
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &g, &err),
			 0);
	assert_true(g->cached);
	zd_features_free(g);
	/* damaged entries are recomputed and rewritten */
	char cmd[400];
	snprintf(cmd, sizeof(cmd),
		 "for e in %s/features-*.json; do echo '{\"key\":' > $e; done",
		 cache);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &g, &err),
			 0);
	assert_false(g->cached);
	zd_features_free(g);
	assert_int_equal(analyse_req(files, 1, args, 1, NULL, cache, &g, &err),
			 0);
	assert_true(g->cached);
	zd_features_free(g);
	zd_features_free(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void cache_unwritable_is_no_error(void **state)
{
	(void)state;
	const char *files[] = {FX("stencil.c")};
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	assert_int_equal(analyse_req(files, 1, NULL, 0, NULL,
				     "/proc/zdvfs-no-such-dir", &f, &err),
			 0);
	assert_false(f->cached);
	zd_features_free(f);
}

static void cache_dir_resolution(void **state)
{
	(void)state;
	char buf[4096];
	struct zd_err err = {0};
	struct zd_feat_request req = {0};
	setenv("ZDVFS_CACHE_DIR", "/tmp/a", 1);
	assert_int_equal(zd_features_cache_dir(&req, buf, sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/tmp/a");
	unsetenv("ZDVFS_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/tmp/x", 1);
	assert_int_equal(zd_features_cache_dir(&req, buf, sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/tmp/x/zdvfs");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/tmp/h", 1);
	assert_int_equal(zd_features_cache_dir(&req, buf, sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/tmp/h/.cache/zdvfs");
	req.cache_dir = "/tmp/given";
	assert_int_equal(zd_features_cache_dir(&req, buf, sizeof(buf), &err),
			 0);
	assert_string_equal(buf, "/tmp/given");
}

static void json_round_trip(void **state)
{
	(void)state;
	struct zd_features *f = analyse_file(FX("stencil.c"), NULL, 0);
	assert_non_null(f);
	json_t *a = zd_features_json(f);
	struct zd_features *g = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_features_from_json(a, &g, &err), 0);
	json_t *b = zd_features_json(g);
	assert_true(json_equal(a, b));
	/* not a result: refused */
	json_t *bad = json_pack("{s:s}", "analyzer", "something else");
	assert_int_not_equal(zd_features_from_json(bad, &g, &err), 0);
	json_decref(bad);
	json_decref(a);
	json_decref(b);
	zd_features_free(f);
	zd_features_free(g);
}

int main(void)
{
	unsetenv("ZDVFS_CACHE_DIR");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_files_one_program),
	    cmocka_unit_test(compile_commands),
	    cmocka_unit_test(missing_header_partial),
	    cmocka_unit_test(unparsable_partial),
	    cmocka_unit_test(pragma_in_macro),
	    cmocka_unit_test(knr_definitions),
	    cmocka_unit_test(missing_file_names_it),
	    cmocka_unit_test(empty_file_is_an_error),
	    cmocka_unit_test(garbage_never_crashes),
	    cmocka_unit_test(odd_text_still_analysed),
	    cmocka_unit_test(deep_nesting),
	    cmocka_unit_test(megabytes_of_code),
	    cmocka_unit_test(cache_hits_and_misses),
	    cmocka_unit_test(cache_unwritable_is_no_error),
	    cmocka_unit_test(cache_dir_resolution),
	    cmocka_unit_test(json_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
