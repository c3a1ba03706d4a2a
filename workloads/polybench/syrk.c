/* syrk.c - PolyBench-style syrk: symmetric rank-k update
 * C = alpha*A*A^T + beta*C on the lower triangle of an N x N matrix C, with
 * A N x M, as an OpenMP parallel loop.
 *
 * N (the primary dimension) is the order of C; M = 5N/6 (PolyBench's
 * STANDARD shape, 1200 x 1000).
 * Parallelisation: every element C[i][j] (j <= i) depends only on rows i and
 * j of A, so the rows of C are independent: `omp parallel for` over i. Row i
 * holds i + 1 elements (a triangle), hence `schedule(dynamic, 8)` for
 * balance. Each element is computed as a dot product over k with contiguous
 * rows of A, adding the terms in PolyBench's order (scale by beta, then
 * k = 0, 1, ...).
 * Check: the serial PolyBench-order computation (k outer, j inner, through
 * a transposed copy of A so that it stays cache friendly); same
 * per-element order, so the results agree to rounding (relative tolerance
 * 1e-12 for fused multiply-adds). The upper triangle must stay untouched.
 */
#include "wl.h"

#define NAME "syrk"
#define ALPHA 1.5
#define BETA 1.2
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 80, .small = 520, .standard = 1800
};

static void init(long n, long m, double *a, double *c)
{
	for (long i = 0; i < n; i++) {
		for (long k = 0; k < m; k++)
			a[i * m + k] = (double)((i * k + 1) % n) / (double)n;
		for (long j = 0; j < n; j++)
			c[i * n + j] = (double)((i * j + 2) % m) / (double)m;
	}
}

static void syrk_par(long n, long m, const double *a, double *c)
{
#pragma omp parallel for schedule(dynamic, 8)
	for (long i = 0; i < n; i++) {
		const double *ai = a + i * m;
		for (long j = 0; j <= i; j++) {
			const double *aj = a + j * m;
			double s = c[i * n + j] * BETA;
			for (long k = 0; k < m; k++)
				s += ALPHA * ai[k] * aj[k];
			c[i * n + j] = s;
		}
	}
}

/* Serial reference in PolyBench order (k outer, j inner); it reads A
 * through a transposed copy so the inner loop runs along memory. */
static void syrk_ref(long n, long m, const double *a, double *c)
{
	double *at = wl_alloc(NAME, (size_t)m * (size_t)n, sizeof *at);
	for (long j = 0; j < n; j++)
		for (long k = 0; k < m; k++)
			at[k * n + j] = a[j * m + k];
	for (long i = 0; i < n; i++) {
		for (long j = 0; j <= i; j++)
			c[i * n + j] *= BETA;
		for (long k = 0; k < m; k++)
			for (long j = 0; j <= i; j++)
				c[i * n + j] +=
					ALPHA * a[i * m + k] * at[k * n + j];
	}
	free(at);
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
	long m = n * 5 / 6 > 0 ? n * 5 / 6 : 1;
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, (size_t)n * (size_t)m, sizeof *a);
	double *c = wl_alloc(NAME, nn, sizeof *c);
	double *ref = wl_alloc(NAME, nn, sizeof *ref);
	init(n, m, a, c);
	memcpy(ref, c, nn * sizeof *ref);

	double t0 = wl_kernel_begin();
	syrk_par(n, m, a, c);
	double secs = wl_kernel_end() - t0;

	syrk_ref(n, m, a, ref);
	long bad = count_bad(c, ref, n * n);
	free(a);
	free(c);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
