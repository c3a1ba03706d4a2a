/* lu.c - PolyBench-style lu: in-place LU factorisation without pivoting of a
 * dense N x N matrix (A = L*U, L unit lower, U upper), as OpenMP loops.
 *
 * N (the primary dimension) is the matrix order. The matrix is strictly
 * diagonally dominant, so factorising without pivoting is stable.
 * Parallelisation: right-looking elimination. Step k depends on step k-1
 * (a true dependence), so the k loop stays serial inside one parallel
 * region; at each step an `omp for schedule(static)` over the rows i > k
 * scales A[i][k] and updates the rest of row i from the (read-only) pivot
 * row k. Each row has one owner per step; the loop's barrier orders steps.
 * Check: a serial row-by-row (left-looking, i-k-j order) factorisation of
 * the same matrix. Every element receives the same operations in the same
 * order, so the factors agree to rounding (relative tolerance 1e-12 allows
 * for fused multiply-adds).
 */
#include "wl.h"

#define NAME "lu"
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 120, .small = 700, .standard = 2000
};

/* Off-diagonal entries in [0, 1) and a diagonal of n + 1: dominant. */
static void init(long n, double *a)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			a[i * n + j] = i == j ? (double)(n + 1)
					      : (double)((i * j + 2 * i + j) %
							 n) / (double)n;
}

static void lu_par(long n, double *a)
{
#pragma omp parallel
	for (long k = 0; k < n - 1; k++) {
		const double *ak = a + k * n;
#pragma omp for schedule(static)
		for (long i = k + 1; i < n; i++) {
			double *ai = a + i * n;
			double lik = ai[k] / ak[k];
			ai[k] = lik;
			for (long j = k + 1; j < n; j++)
				ai[j] -= lik * ak[j];
		}
	}
}

/* Serial reference: row i is finished from the already finished rows k < i. */
static void lu_ref(long n, double *a)
{
	for (long i = 1; i < n; i++) {
		double *ai = a + i * n;
		for (long k = 0; k < i; k++) {
			const double *ak = a + k * n;
			ai[k] = ai[k] / ak[k];
			for (long j = k + 1; j < n; j++)
				ai[j] = ai[j] - ai[k] * ak[j];
		}
	}
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
	double *ref = wl_alloc(NAME, nn, sizeof *ref);
	init(n, a);
	memcpy(ref, a, nn * sizeof *ref);

	double t0 = wl_kernel_begin();
	lu_par(n, a);
	double secs = wl_kernel_end() - t0;

	lu_ref(n, ref);
	long bad = count_bad(a, ref, n * n);
	free(a);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
