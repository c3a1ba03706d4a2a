/* gesummv.c - PolyBench-style gesummv: y = alpha*A*x + beta*B*x for two
 * dense N x N matrices A and B, as an OpenMP parallel loop.
 *
 * N (the primary dimension) is the matrix order. One product lasts only
 * milliseconds even when the matrices fill a hundred megabytes, so the timed
 * kernel computes the same product REPS times (a timing loop: every
 * repetition rewrites y from A, B and x).
 * Parallelisation: one parallel region; per repetition an
 * `omp for schedule(static)` over the rows i. A row's two dot products belong
 * to the thread that owns the row: no reduction, no shared write.
 * Check: a serial column-by-column (axpy-form) computation of the same
 * product. Each element is summed in the same order, so the results agree to
 * rounding; the relative tolerance 1e-10 only allows for fused multiply-adds.
 */
#include "wl.h"

#define NAME "gesummv"
#define REPS 100
#define ALPHA 1.5
#define BETA 1.2
#define TOL 1e-10

static const struct wl_sizes SIZES = {
	.tiny = 100, .small = 700, .standard = 3200
};

static void init(long n, double *a, double *b, double *x)
{
	for (long i = 0; i < n; i++) {
		x[i] = (double)(i % 17) / 17.0;
		for (long j = 0; j < n; j++) {
			a[i * n + j] = (double)((i * j + 1) % n) / (double)n;
			b[i * n + j] =
				(double)((i * (j + 3) + 2) % n) / (double)n;
		}
	}
}

static void gesummv_par(long n, const double *a, const double *b,
			const double *x, double *y)
{
#pragma omp parallel
	for (int r = 0; r < REPS; r++) {
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++) {
			const double *ai = a + i * n;
			const double *bi = b + i * n;
			double sa = 0.0;
			double sb = 0.0;
			for (long j = 0; j < n; j++) {
				sa += ai[j] * x[j];
				sb += bi[j] * x[j];
			}
			y[i] = ALPHA * sa + BETA * sb;
		}
	}
}

/* Serial reference: accumulate column j of A and B into two sum vectors. */
static void gesummv_ref(long n, const double *a, const double *b,
			const double *x, double *y)
{
	double *ta = wl_alloc(NAME, (size_t)n, sizeof *ta);
	double *tb = wl_alloc(NAME, (size_t)n, sizeof *tb);
	for (long j = 0; j < n; j++)
		for (long i = 0; i < n; i++) {
			ta[i] += a[i * n + j] * x[j];
			tb[i] += b[i * n + j] * x[j];
		}
	for (long i = 0; i < n; i++)
		y[i] = ALPHA * ta[i] + BETA * tb[i];
	free(ta);
	free(tb);
}

/* Number of entries of got farther than TOL (relative) from want. */
static long count_bad(const double *got, const double *want, long count)
{
	long bad = 0;
	for (long i = 0; i < count; i++) {
		if (wl_close(got[i], want[i], TOL))
			continue;
		if (bad == 0)
			fprintf(stderr,
				"%s: first mismatch at %ld: %.17g vs %.17g\n",
				NAME, i, got[i], want[i]);
		bad++;
	}
	return bad;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME, SIZES);
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, nn, sizeof *a);
	double *b = wl_alloc(NAME, nn, sizeof *b);
	double *x = wl_alloc(NAME, (size_t)n, sizeof *x);
	double *y = wl_alloc(NAME, (size_t)n, sizeof *y);
	double *ref = wl_alloc(NAME, (size_t)n, sizeof *ref);
	init(n, a, b, x);

	double t0 = wl_kernel_begin();
	gesummv_par(n, a, b, x, y);
	double secs = wl_kernel_end() - t0;

	gesummv_ref(n, a, b, x, ref);
	long bad = count_bad(y, ref, n);
	free(a);
	free(b);
	free(x);
	free(y);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
