/* test_features_variants.c - the analyser against style variants of our
 * workloads (tests/features/variants/WORKLOAD/NAME.c, the same algorithm in
 * another style): each variant must get its workload's 13 features and
 * the figures the model reads (within a tolerance), except the
 * differences tests/features/variants/expected-differences.tsv lists with
 * their reason; a listed difference that no longer occurs fails too, so
 * the list stays true. Prints how many values agree. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feature_test.h"
#include "zdvfs/workload.h"

#define VARIANTS FIXTURES "/variants"
#define MAX_EXPECTED 256

struct expected {
	char variant[128]; /* "gemm/pointers_helper.c" */
	char what[64];     /* a feature's name, or metric:NAME */
	bool seen;
};

static struct expected expected[MAX_EXPECTED];
static int nexpected;

static int load_expected(void)
{
	char line[1024];
	FILE *in = fopen(VARIANTS "/expected-differences.tsv", "r");
	if (in == NULL)
		return -1;
	while (fgets(line, sizeof(line), in) != NULL &&
	       nexpected < MAX_EXPECTED) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *save = NULL;
		char *v = strtok_r(line, "\t", &save);
		char *w = strtok_r(NULL, "\t\n", &save);
		char *why = strtok_r(NULL, "\n", &save);
		if (v == NULL || w == NULL || why == NULL) {
			fclose(in);
			return -1; /* every line gives its reason */
		}
		struct expected *e = &expected[nexpected++];
		snprintf(e->variant, sizeof(e->variant), "%s", v);
		snprintf(e->what, sizeof(e->what), "%s", w);
	}
	fclose(in);
	return 0;
}

static bool is_expected(const char *variant, const char *what)
{
	for (int i = 0; i < nexpected; i++)
		if (strcmp(expected[i].variant, variant) == 0 &&
		    strcmp(expected[i].what, what) == 0) {
			expected[i].seen = true;
			return true;
		}
	return false;
}

/* The figures and how far apart they may be: shares and scores 0.1,
 * operations per unit of traffic a quarter on a log scale, the degree
 * not at all. */
struct metric {
	const char *name;
	size_t offset;
	int kind; /* 0 share, 1 log, 2 exact */
};
#define M(n, k)                                                                \
	{                                                                      \
#n, offsetof(struct zd_feat_metrics, n), k                     \
	}
static const struct metric metrics[] = {
    M(unit_share, 0),    M(strided_share, 0), M(random_share, 0),
    M(spatial_score, 0), M(reuse_score, 0),   M(ops_per_traffic, 1),
    M(arith_share, 0),   M(logic_share, 0),   M(vector_share, 0),
    M(carried_share, 0), M(sync_share, 0),    M(irregular_share, 0),
    M(blocked_share, 0), M(degree, 2),
};

static bool metric_close(const struct metric *m, double a, double b)
{
	switch (m->kind) {
	case 1: return fabs(log1p(a) - log1p(b)) <= 0.25;
	case 2: return fabs(a - b) < 1e-6;
	default: return fabs(a - b) <= 0.1;
	}
}

static int compare(const char *variant, const struct zd_features *want,
		   const struct zd_features *got, int *agree, int *all)
{
	int bad = 0;
	for (int i = 0; i < ZD_FEAT_COUNT; i++) {
		(*all)++;
		if (got->feat[i].value == want->feat[i].value) {
			(*agree)++;
			continue;
		}
		if (is_expected(variant, zd_feature_name(i)))
			continue;
		bad++;
		fprintf(stderr, "not ok: %s %s: %s, the workload %s (%s: %s)\n",
			variant, zd_feature_name(i),
			zd_feature_value_name(i, got->feat[i].value),
			zd_feature_value_name(i, want->feat[i].value),
			got->feat[i].rule, got->feat[i].why);
	}
	for (size_t k = 0; k < sizeof(metrics) / sizeof(metrics[0]); k++) {
		const struct metric *m = &metrics[k];
		double a =
		    *(const double *)((const char *)&want->metrics + m->offset);
		double b =
		    *(const double *)((const char *)&got->metrics + m->offset);
		char what[64];
		snprintf(what, sizeof(what), "metric:%s", m->name);
		(*all)++;
		if (metric_close(m, a, b)) {
			(*agree)++;
			continue;
		}
		if (is_expected(variant, what))
			continue;
		bad++;
		fprintf(stderr, "not ok: %s %s: %.3f, the workload %.3f\n",
			variant, what, b, a);
	}
	return bad;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .c files of dir, sorted; returns how many (at most max). */
static int list_c(const char *dir, char names[][64], int max)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL && n < max) {
		size_t len = strlen(e->d_name);
		if (len > 2 && strcmp(e->d_name + len - 2, ".c") == 0 &&
		    len < 64)
			snprintf(names[n++], 64, "%s", e->d_name);
	}
	if (d != NULL)
		closedir(d);
	char *ptr[32];
	for (int i = 0; i < n; i++)
		ptr[i] = names[i];
	qsort(ptr, (size_t)n, sizeof(char *), cmp_name);
	char sorted[32][64];
	for (int i = 0; i < n; i++)
		snprintf(sorted[i], 64, "%s", ptr[i]);
	memcpy(names, sorted, sizeof(sorted[0]) * (size_t)n);
	return n;
}

static void variants_agree(void **state)
{
	(void)state;
	assert_int_equal(load_expected(), 0);
	struct zd_manifest *m = NULL;
	struct zd_err err = {0};
	assert_int_equal(
	    zd_manifest_load(ZDVFS_SOURCE_DIR "/workloads", &m, &err), 0);
	DIR *d = opendir(VARIANTS);
	assert_non_null(d);
	struct dirent *e;
	int bad = 0, agree = 0, all = 0, nvariants = 0, nworkloads = 0;
	while ((e = readdir(d)) != NULL) {
		const struct zd_workload_info *w =
		    zd_manifest_find(m, e->d_name);
		if (e->d_name[0] == '.' || w == NULL)
			continue;
		nworkloads++;
		struct zd_workload_sources ws;
		zd_workload_sources(ZDVFS_SOURCE_DIR "/workloads", w, &ws);
		struct zd_feat_request req = {
		    ws.files, ws.nfiles, ws.args, ws.nargs, NULL, true, NULL};
		struct zd_features *want = NULL;
		assert_int_equal(zd_features_analyze(&req, &want, &err), 0);
		char dir[512], names[32][64];
		snprintf(dir, sizeof(dir), "%s/%s", VARIANTS, e->d_name);
		int n = list_c(dir, names, 32);
		for (int i = 0; i < n; i++) {
			char path[1024], variant[160];
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			snprintf(variant, sizeof(variant), "%s/%s", e->d_name,
				 names[i]);
			struct zd_features *got = analyse_file(path, NULL, 0);
			assert_non_null(got);
			if (got->nerrors != 0) {
				fprintf(stderr,
					"not ok: %s does not parse: %s\n",
					variant, zd_features_first_error(got));
				bad++;
			}
			bad += compare(variant, want, got, &agree, &all);
			nvariants++;
			zd_features_free(got);
		}
		zd_features_free(want);
	}
	closedir(d);
	zd_manifest_free(m);
	for (int i = 0; i < nexpected; i++)
		if (!expected[i].seen) {
			fprintf(stderr,
				"not ok: %s %s is listed as different "
				"but is not any more: remove the line\n",
				expected[i].variant, expected[i].what);
			bad++;
		}
	printf("style variants: %d workloads, %d variants, %d of %d values "
	       "agree (%.1f%%), %d differences explained\n",
	       nworkloads, nvariants, agree, all,
	       all ? 100.0 * agree / all : 0.0, nexpected);
	assert_true(nvariants >= 20);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(variants_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
