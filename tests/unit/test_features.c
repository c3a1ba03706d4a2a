/* test_features.c - every value of every feature from a short program
 * where the right answer is clear (A[i][j] with j innermost is unit
 * stride, A[j][i] is not, A[idx[i]] is random, a triple nest is O(n^3),
 * binary recursion with halving is O(nlogn) ...), and the syntactic
 * counts of the OpenMP constructs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feature_test.h"

/* ---- the programs ----------------------------------------------------- */

static const char vadd[] =
    "void k(int n, double *a, const double *b, const double *c)\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int i = 0; i < n; i++)\n"
    "\t\ta[i] = b[i] + c[i];\n"
    "}\n";

static const char rows[] = "void k(int n, double a[n][n], double b[n][n])\n"
			   "{\n"
			   "#pragma omp parallel for\n"
			   "\tfor (int i = 0; i < n; i++)\n"
			   "\t\tfor (int j = 0; j < n; j++)\n"
			   "\t\t\ta[i][j] = 2.0 * b[i][j] + 1.0;\n"
			   "}\n";

static const char columns[] = "void k(int n, double a[n][n], double b[n][n])\n"
			      "{\n"
			      "#pragma omp parallel for\n"
			      "\tfor (int j = 0; j < n; j++)\n"
			      "\t\tfor (int i = 0; i < n; i++)\n"
			      "\t\t\ta[i][j] = 2.0 * b[i][j];\n"
			      "}\n";

static const char transpose[] =
    "void k(int n, double a[n][n], double b[n][n])\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int i = 0; i < n; i++)\n"
    "\t\tfor (int j = 0; j < n; j++)\n"
    "\t\t\ta[i][j] = b[j][i];\n"
    "}\n";

static const char gather[] =
    "double k(int n, const int *idx, const double *b)\n"
    "{\n"
    "\tdouble s = 0;\n"
    "#pragma omp parallel for reduction(+:s)\n"
    "\tfor (int i = 0; i < n; i++)\n"
    "\t\ts += b[idx[i]] * b[idx[n - 1 - i]];\n"
    "\treturn s;\n"
    "}\n";

static const char gemm[] =
    "void k(int n, double a[n][n], double b[n][n], double c[n][n])\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int i = 0; i < n; i++)\n"
    "\t\tfor (int k = 0; k < n; k++)\n"
    "\t\t\tfor (int j = 0; j < n; j++)\n"
    "\t\t\t\tc[i][j] += a[i][k] * b[k][j];\n"
    "}\n";

static const char tiled[] =
    "void k(int n, double a[n][n], double b[n][n], double c[n][n])\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int ii = 0; ii < n; ii += 32)\n"
    "\t\tfor (int kk = 0; kk < n; kk += 32)\n"
    "\t\t\tfor (int i = ii; i < ii + 32; i++)\n"
    "\t\t\t\tfor (int k = kk; k < kk + 32; k++)\n"
    "\t\t\t\t\tfor (int j = 0; j < n; j++)\n"
    "\t\t\t\t\t\tc[i][j] += a[i][k] * b[k][j];\n"
    "}\n";

static const char horner[] =
    "void k(int n, const double *x, double *y, const double *c)\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int i = 0; i < n; i++) {\n"
    "\t\tdouble s = 0;\n"
    "\t\tfor (int k = 0; k < 8; k++)\n"
    "\t\t\ts = s * x[i] + c[k];\n"
    "\t\ty[i] = s;\n"
    "\t}\n"
    "}\n";

static const char compute[] = "void k(int n, const double *x, double *y)\n"
			      "{\n"
			      "#pragma omp parallel for\n"
			      "\tfor (int i = 0; i < n; i++) {\n"
			      "\t\tdouble v = x[i];\n"
			      "\t\tfor (int k = 0; k < 100; k++)\n"
			      "\t\t\tv = v * v * 0.5 + 0.25;\n"
			      "\t\ty[i] = v;\n"
			      "\t}\n"
			      "}\n";

static const char halving[] = "void k(int n, double *a)\n"
			      "{\n"
			      "#pragma omp parallel for\n"
			      "\tfor (int i = 0; i < n; i++)\n"
			      "\t\tfor (int s = 1; s < n; s *= 2)\n"
			      "\t\t\ta[i] += a[i] * 0.5;\n"
			      "}\n";

static const char mergesort[] =
    "static void merge(double *a, int n, double *t)\n"
    "{\n"
    "\tfor (int i = 0; i < n; i++)\n"
    "\t\tt[i] = a[i];\n"
    "}\n"
    "static void msort(double *a, int n, double *t)\n"
    "{\n"
    "\tif (n < 2)\n"
    "\t\treturn;\n"
    "\tint h = n / 2;\n"
    "#pragma omp task\n"
    "\tmsort(a, h, t);\n"
    "#pragma omp task\n"
    "\tmsort(a + h, n - h, t + h);\n"
    "#pragma omp taskwait\n"
    "\tmerge(a, n, t);\n"
    "}\n"
    "void run(double *a, int n, double *t)\n"
    "{\n"
    "#pragma omp parallel\n"
    "#pragma omp single\n"
    "\tmsort(a, n, t);\n"
    "}\n";

static const char fib[] = "static long fib(int n)\n"
			  "{\n"
			  "\tif (n < 2)\n"
			  "\t\treturn n;\n"
			  "\tlong x, y;\n"
			  "#pragma omp task shared(x)\n"
			  "\tx = fib(n - 1);\n"
			  "#pragma omp task shared(y)\n"
			  "\ty = fib(n - 2);\n"
			  "#pragma omp taskwait\n"
			  "\treturn x + y;\n"
			  "}\n"
			  "long run(int n)\n"
			  "{\n"
			  "\tlong r = 0;\n"
			  "#pragma omp parallel\n"
			  "#pragma omp single\n"
			  "\tr = fib(n);\n"
			  "\treturn r;\n"
			  "}\n";

static const char fib_cutoff[] =
    "static long fib_seq(int n)\n"
    "{\n"
    "\treturn n < 2 ? n : fib_seq(n - 1) + fib_seq(n - 2);\n"
    "}\n"
    "static long fib(int n, int depth)\n"
    "{\n"
    "\tif (n < 2)\n"
    "\t\treturn n;\n"
    "\tif (depth > 10)\n"
    "\t\treturn fib_seq(n);\n"
    "\tlong x, y;\n"
    "#pragma omp task shared(x)\n"
    "\tx = fib(n - 1, depth + 1);\n"
    "#pragma omp task shared(y)\n"
    "\ty = fib(n - 2, depth + 1);\n"
    "#pragma omp taskwait\n"
    "\treturn x + y;\n"
    "}\n"
    "long run(int n)\n"
    "{\n"
    "\tlong r = 0;\n"
    "#pragma omp parallel\n"
    "#pragma omp single\n"
    "\tr = fib(n, 0);\n"
    "\treturn r;\n"
    "}\n";

static const char four_deep[] =
    "void k(int n, double a[n][n][n], double c[n][n], double s[n][n][n])\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int r = 0; r < n; r++)\n"
    "\t\tfor (int q = 0; q < n; q++)\n"
    "\t\t\tfor (int p = 0; p < n; p++) {\n"
    "\t\t\t\tdouble t = 0;\n"
    "\t\t\t\tfor (int x = 0; x < n; x++)\n"
    "\t\t\t\t\tt += a[r][q][x] * c[x][p];\n"
    "\t\t\t\ts[r][q][p] = t;\n"
    "\t\t\t}\n"
    "}\n";

static const char copy[] = "void k(int n, double *a, const double *b)\n"
			   "{\n"
			   "#pragma omp parallel for\n"
			   "\tfor (int i = 0; i < n; i++)\n"
			   "\t\ta[i] = b[i];\n"
			   "}\n";

static const char branchy[] = "int k(int n, const int *a)\n"
			      "{\n"
			      "\tint c = 0;\n"
			      "#pragma omp parallel for reduction(+:c)\n"
			      "\tfor (int i = 0; i < n; i++)\n"
			      "\t\tif ((a[i] > 3 && a[i] < 10) || a[i] == 42)\n"
			      "\t\t\tc += 1;\n"
			      "\treturn c;\n"
			      "}\n";

static const char opaque_call[] = "double f(double);\n"
				  "void k(int n, double *a)\n"
				  "{\n"
				  "#pragma omp parallel for\n"
				  "\tfor (int i = 0; i < n; i++)\n"
				  "\t\ta[i] = f(a[i]);\n"
				  "}\n";

static const char recurrence[] =
    "void k(int n, int m, double a[n][m])\n"
    "{\n"
    "#pragma omp parallel for\n"
    "\tfor (int i = 0; i < n; i++)\n"
    "\t\tfor (int j = 1; j < m; j++)\n"
    "\t\t\ta[i][j] = a[i][j - 1] * 0.5 + a[i][j];\n"
    "}\n";

static const char steps[] = "void k(int n, int steps, double *a, double *b)\n"
			    "{\n"
			    "\tfor (int t = 0; t < steps; t++) {\n"
			    "#pragma omp parallel for\n"
			    "\t\tfor (int i = 1; i < n - 1; i++)\n"
			    "\t\t\tb[i] = (a[i - 1] + a[i + 1]) * 0.5;\n"
			    "#pragma omp parallel for\n"
			    "\t\tfor (int i = 1; i < n - 1; i++)\n"
			    "\t\t\ta[i] = b[i];\n"
			    "\t}\n"
			    "}\n";

static const char depend[] =
    "void k(int n, double *a, double *b)\n"
    "{\n"
    "#pragma omp parallel\n"
    "#pragma omp single\n"
    "\tfor (int i = 0; i < n; i++) {\n"
    "#pragma omp task depend(out: a[i])\n"
    "\t\ta[i] = i;\n"
    "#pragma omp task depend(in: a[i]) depend(out: b[i])\n"
    "\t\tb[i] = a[i] * 2;\n"
    "\t}\n"
    "}\n";

static const char per_thread_sums[] =
    "int omp_get_thread_num(void);\n"
    "void k(int n, const double *a, double *sum)\n"
    "{\n"
    "#pragma omp parallel\n"
    "\t{\n"
    "\t\tint t = omp_get_thread_num();\n"
    "#pragma omp for\n"
    "\t\tfor (int i = 0; i < n; i++)\n"
    "\t\t\tsum[t] += a[i];\n"
    "\t}\n"
    "}\n";

static const char padded_sums[] =
    "int omp_get_thread_num(void);\n"
    "void k(int n, const double *a, double *sum)\n"
    "{\n"
    "#pragma omp parallel\n"
    "\t{\n"
    "\t\tint t = omp_get_thread_num();\n"
    "#pragma omp for\n"
    "\t\tfor (int i = 0; i < n; i++)\n"
    "\t\t\tsum[t * 16] += a[i];\n"
    "\t}\n"
    "}\n";

static const char chunk1[] = "void k(int n, double *a)\n"
			     "{\n"
			     "#pragma omp parallel for schedule(static, 1)\n"
			     "\tfor (int i = 0; i < n; i++)\n"
			     "\t\ta[i] = a[i] * 2.0;\n"
			     "}\n";

static const char chunk16[] = "void k(int n, double *a)\n"
			      "{\n"
			      "#pragma omp parallel for schedule(dynamic, 16)\n"
			      "\tfor (int i = 0; i < n; i++)\n"
			      "\t\ta[i] = a[i] * 2.0;\n"
			      "}\n";

static const char reduction[] = "double k(int n, const double *a)\n"
				"{\n"
				"\tdouble s = 0;\n"
				"#pragma omp parallel for reduction(+:s)\n"
				"\tfor (int i = 0; i < n; i++)\n"
				"\t\ts += a[i] * a[i];\n"
				"\treturn s;\n"
				"}\n";

static const char triangle[] = "void k(int n, double a[n][n])\n"
			       "{\n"
			       "#pragma omp parallel for\n"
			       "\tfor (int i = 0; i < n; i++)\n"
			       "\t\tfor (int j = 0; j < i; j++)\n"
			       "\t\t\ta[i][j] = a[i][j] * 0.5 + 1.0;\n"
			       "}\n";

static const char critical[] = "void k(int n, const double *a, double *total)\n"
			       "{\n"
			       "#pragma omp parallel for\n"
			       "\tfor (int i = 0; i < n; i++) {\n"
			       "#pragma omp critical\n"
			       "\t\t*total += a[i];\n"
			       "\t}\n"
			       "}\n";

static const char serial[] = "void k(int n, double *a, const double *b)\n"
			     "{\n"
			     "\tfor (int i = 0; i < n; i++)\n"
			     "\t\ta[i] = b[i] * 3.0;\n"
			     "}\n"
			     "int main(void)\n"
			     "{\n"
			     "\tstatic double a[100], b[100];\n"
			     "\tk(100, a, b);\n"
			     "\treturn 0;\n"
			     "}\n";

static const char tasks_no_cutoff[] = "static void walk(int n, double *a)\n"
				      "{\n"
				      "\tif (n < 1)\n"
				      "\t\treturn;\n"
				      "\ta[n] += 1.0;\n"
				      "#pragma omp task\n"
				      "\twalk(n - 1, a);\n"
				      "#pragma omp task\n"
				      "\twalk(n - 2, a);\n"
				      "#pragma omp taskwait\n"
				      "}\n"
				      "void run(int n, double *a)\n"
				      "{\n"
				      "#pragma omp parallel\n"
				      "#pragma omp single\n"
				      "\twalk(n, a);\n"
				      "}\n";

/* ---- the cases ---------------------------------------------------------- */

struct expect {
	const char *program_name;
	const char *program;
	int feature;
	const char *value;
};

#define E(prog, feat, val)                                                     \
	{                                                                      \
#prog, prog, ZD_FEAT_##feat, val                               \
	}

static const struct expect cases[] = {
    E(rows, MEMORY_ACCESS_PATTERN, "unit_stride"),
    E(columns, MEMORY_ACCESS_PATTERN, "non_unit_stride"),
    E(gather, MEMORY_ACCESS_PATTERN, "random"),
    E(transpose, MEMORY_ACCESS_PATTERN, "mixed"),

    E(rows, SPATIAL_LOCALITY, "high"),
    E(transpose, SPATIAL_LOCALITY, "medium"),
    E(columns, SPATIAL_LOCALITY, "low"),

    E(horner, TEMPORAL_LOCALITY, "high"),
    E(gemm, TEMPORAL_LOCALITY, "medium"),
    E(vadd, TEMPORAL_LOCALITY, "low"),

    E(vadd, CACHE_BEHAVIOR_PATTERN, "streaming"),
    E(gather, CACHE_BEHAVIOR_PATTERN, "random"),
    E(tiled, CACHE_BEHAVIOR_PATTERN, "blocked"),
    E(transpose, CACHE_BEHAVIOR_PATTERN, "mixed"),

    E(vadd, NUMA_SENSITIVITY, "high"),
    E(gemm, NUMA_SENSITIVITY, "medium"),
    E(compute, NUMA_SENSITIVITY, "low"),
    E(serial, NUMA_SENSITIVITY, "low"),

    E(vadd, ALGORITHMIC_COMPLEXITY, "O(n)"),
    E(halving, ALGORITHMIC_COMPLEXITY, "O(nlogn)"),
    E(mergesort, ALGORITHMIC_COMPLEXITY, "O(nlogn)"),
    E(rows, ALGORITHMIC_COMPLEXITY, "O(n^2)"),
    E(gemm, ALGORITHMIC_COMPLEXITY, "O(n^3)"),
    E(tiled, ALGORITHMIC_COMPLEXITY, "O(n^3)"),
    E(fib, ALGORITHMIC_COMPLEXITY, "other"),
    E(four_deep, ALGORITHMIC_COMPLEXITY, "other"),

    E(compute, DOMINANT_OPERATION, "arithmetic"),
    E(copy, DOMINANT_OPERATION, "memory"),
    E(branchy, DOMINANT_OPERATION, "logic"),
    E(gemm, DOMINANT_OPERATION, "mixed"),

    E(vadd, VECTORIZATION_POTENTIAL, "high"),
    E(gather, VECTORIZATION_POTENTIAL, "medium"),
    E(opaque_call, VECTORIZATION_POTENTIAL, "low"),
    E(fib, VECTORIZATION_POTENTIAL, "low"),

    E(vadd, DATA_DEPENDENCY_TYPE, "none"),
    E(gemm, DATA_DEPENDENCY_TYPE, "none"),
    E(recurrence, DATA_DEPENDENCY_TYPE, "loop_carried"),
    E(steps, DATA_DEPENDENCY_TYPE, "cross_iteration"),
    E(depend, DATA_DEPENDENCY_TYPE, "complex"),
    E(fib, DATA_DEPENDENCY_TYPE, "complex"),

    E(per_thread_sums, FALSE_SHARING_RISK, "high"),
    E(chunk1, FALSE_SHARING_RISK, "high"),
    E(chunk16, FALSE_SHARING_RISK, "medium"),
    E(vadd, FALSE_SHARING_RISK, "low"),
    E(padded_sums, FALSE_SHARING_RISK, "low"),
    E(reduction, FALSE_SHARING_RISK, "none"),
    E(serial, FALSE_SHARING_RISK, "none"),

    E(vadd, LOAD_BALANCE_CHARACTERISTIC, "uniform"),
    E(triangle, LOAD_BALANCE_CHARACTERISTIC, "irregular"),
    E(chunk16, LOAD_BALANCE_CHARACTERISTIC, "dynamic"),
    E(fib, LOAD_BALANCE_CHARACTERISTIC, "dynamic"),

    E(vadd, PARALLELIZATION_OVERHEAD, "low"),
    E(steps, PARALLELIZATION_OVERHEAD, "medium"),
    E(fib_cutoff, PARALLELIZATION_OVERHEAD, "medium"),
    E(fib, PARALLELIZATION_OVERHEAD, "high"),
    E(fib_cutoff, ALGORITHMIC_COMPLEXITY, "other"),
    E(fib_cutoff, SCALABILITY_BOTTLENECK, "none"),
    E(critical, PARALLELIZATION_OVERHEAD, "high"),
    E(tasks_no_cutoff, PARALLELIZATION_OVERHEAD, "high"),

    E(compute, SCALABILITY_BOTTLENECK, "none"),
    E(vadd, SCALABILITY_BOTTLENECK, "memory_bandwidth"),
    E(critical, SCALABILITY_BOTTLENECK, "synchronization"),
    E(triangle, SCALABILITY_BOTTLENECK, "load_imbalance"),
    E(serial, SCALABILITY_BOTTLENECK, "other"),
    E(tasks_no_cutoff, SCALABILITY_BOTTLENECK, "other"),
};

static void feature_value(void **state)
{
	const struct expect *e = *state;
	struct zd_features *f = analyse_text(e->program);
	assert_non_null(f);
	if (!has_value(f, e->feature, e->value))
		fail_msg("program '%s'", e->program_name);
	/* every feature has its evidence */
	for (int i = 0; i < ZD_FEAT_COUNT; i++) {
		assert_non_null(f->feat[i].rule);
		assert_true(f->feat[i].why != NULL &&
			    f->feat[i].why[0] != '\0');
	}
	zd_features_free(f);
}

/* Every value of every feature has at least one case above. */
static void every_value_covered(void **state)
{
	(void)state;
	for (int f = 0; f < ZD_FEAT_COUNT; f++)
		for (int v = 0; v < zd_feature_nvalues(f); v++) {
			bool found = false;
			for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]);
			     i++)
				found |= cases[i].feature == f &&
				    strcmp(cases[i].value,
					   zd_feature_value_name(f, v)) == 0;
			if (!found)
				fail_msg("no case for %s = %s",
					 zd_feature_name(f),
					 zd_feature_value_name(f, v));
		}
}

static void value_names(void **state)
{
	(void)state;
	assert_int_equal(zd_feature_by_name("false_sharing_risk"),
			 ZD_FEAT_FALSE_SHARING_RISK);
	assert_int_equal(zd_feature_by_name("nope"), -1);
	int c = ZD_FEAT_ALGORITHMIC_COMPLEXITY;
	assert_string_equal(zd_feature_value_name(c, 1), "O(nlogn)");
	assert_int_equal(zd_feature_value_parse(c, "O(n log n)"), 1);
	assert_int_equal(zd_feature_value_parse(c, " o(N^3) "), 3);
	assert_int_equal(zd_feature_value_parse(c, "O(n!)"), -1);
	int m = ZD_FEAT_MEMORY_ACCESS_PATTERN;
	assert_int_equal(zd_feature_value_parse(m, "Unit-Stride"), 0);
	assert_int_equal(zd_feature_value_parse(m, "sequential"), -1);
	assert_int_equal(zd_feature_value_parse(m, NULL), -1);
	assert_null(zd_feature_name(ZD_FEAT_COUNT));
	assert_null(zd_feature_value_name(m, 4));
}

/* ---- the counts -------------------------------------------------------- */

static const char constructs[] =
    "void omp_set_lock(void *);\n"
    "void omp_unset_lock(void *);\n"
    "void k(int n, double *a, double *s, void *lock)\n"
    "{\n"
    "\tdouble t = 0;\n"
    "#pragma omp parallel num_threads(4) shared(a, s) private(t)\n"
    "\t{\n"
    "#pragma omp for schedule(dynamic, 8) reduction(+:t) nowait\n"
    "\t\tfor (int i = 0; i < n; i++)\n"
    "\t\t\tt += a[i];\n"
    "#pragma omp critical\n"
    "\t\t*s += t;\n"
    "#pragma omp barrier\n"
    "#pragma omp for schedule(guided)\n"
    "\t\tfor (int i = 0; i < n; i++) {\n"
    "#pragma omp atomic\n"
    "\t\t\ta[0] += 1;\n"
    "\t\t}\n"
    "#pragma omp single\n"
    "\t\t{\n"
    "\t\t\tomp_set_lock(lock);\n"
    "\t\t\t*s *= 2;\n"
    "\t\t\tomp_unset_lock(lock);\n"
    "#pragma omp task\n"
    "\t\t\ta[1] = 1;\n"
    "#pragma omp taskwait\n"
    "\t\t}\n"
    "\t}\n"
    "}\n";

static void counts_of_constructs(void **state)
{
	(void)state;
	struct zd_features *f = analyse_text(constructs);
	assert_non_null(f);
	const struct zd_feat_counts *c = &f->counts;
	assert_int_equal(c->pragmas, 9);
	assert_int_equal(c->parallel_regions, 1);
	assert_int_equal(c->worksharing_loops, 2);
	assert_int_equal(c->critical_sections, 1);
	assert_int_equal(c->atomics, 1);
	assert_int_equal(c->barriers, 1);
	assert_int_equal(c->tasks, 1);
	assert_int_equal(c->taskwaits, 1);
	assert_int_equal(c->singles, 1);
	assert_int_equal(c->locks, 1);
	assert_int_equal(c->thread_count, 4);
	assert_string_equal(c->schedule_kind, "mixed");
	assert_int_equal(c->shared_vars, 2);
	assert_int_equal(c->private_vars, 1);
	assert_int_equal(c->reduction_vars, 1);
	/* parallel join, critical, barrier, guided for's implicit barrier,
	 * atomic, single's implicit barrier, lock, taskwait */
	assert_int_equal(c->sync_points, 8);
	assert_int_equal(c->loop_count, 2);
	assert_int_equal(c->loop_depth, 1);
	assert_int_equal(c->functions, 1);
	assert_int_equal(c->lines_of_code, 29);
	zd_features_free(f);
}

static void counts_of_loops(void **state)
{
	(void)state;
	struct zd_features *f = analyse_text(four_deep);
	assert_non_null(f);
	assert_int_equal(f->counts.loop_depth, 4);
	assert_int_equal(f->counts.loop_count, 4);
	assert_int_equal(f->counts.hot_loop_depth, 4);
	assert_int_equal(f->counts.collapse_max, 1);
	assert_string_equal(f->counts.schedule_kind, "static");
	assert_true(f->counts.arithmetic_intensity > 0.5);
	zd_features_free(f);
	f = analyse_text(fib);
	assert_non_null(f);
	assert_int_equal(f->counts.recursive_functions, 1);
	assert_int_equal(f->counts.tasks, 2);
	assert_int_equal(f->counts.loop_count, 0);
	assert_string_equal(f->counts.schedule_kind, "none");
	zd_features_free(f);
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct CMUnitTest *tests = calloc(n + 4, sizeof(*tests));
	char(*names)[96] = calloc(n, sizeof(*names));
	if (tests == NULL || names == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%s: %s = %s",
			 cases[i].program_name,
			 zd_feature_name(cases[i].feature), cases[i].value);
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    feature_value, (void *)&cases[i]);
		tests[i].name = names[i];
	}
	tests[n] = (struct CMUnitTest)cmocka_unit_test(every_value_covered);
	tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(value_names);
	tests[n + 2] =
	    (struct CMUnitTest)cmocka_unit_test(counts_of_constructs);
	tests[n + 3] = (struct CMUnitTest)cmocka_unit_test(counts_of_loops);
	int rc = _cmocka_run_group_tests("features", tests, n + 4, NULL, NULL);
	free(tests);
	free(names);
	return rc;
}
