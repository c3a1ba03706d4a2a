/* ludcmp.c - PolyBench-style ludcmp: solve A*x = b for a dense N x N matrix
 * by LU factorisation without pivoting, then forward substitution (L*y = b)
 * and back substitution (U*x = y), as OpenMP loops.
 *
 * N (the primary dimension) is the matrix order. The matrix is strictly
 * diagonally dominant, so factorising without pivoting is stable.
 * Parallelisation, all inside one parallel region:
 *  - factorisation: right-looking elimination; the k loop is serial (true
 *    dependence) and at each step an `omp for schedule(static)` over the rows
 *    i > k updates row i from the read-only pivot row k;
 *  - substitutions: by blocks of BLOCK unknowns; `omp single` finishes a
 *    block serially, then an `omp for schedule(static)` over the remaining
 *    rows subtracts the block's contribution (rows are independent).
 * Check: a serial reference (row-by-row factorisation, plain row-wise
 * substitutions), compared on the factors and on x with relative tolerance
 * 1e-10 (the blocked back substitution sums in another order).
 */
#include "wl.h"

#define NAME "ludcmp"
#define BLOCK 64
#define TOL 1e-10

static const struct wl_sizes SIZES = {
	.tiny = 150, .small = 600, .standard = 2000
};

static long lmin(long a, long b)
{
	return a < b ? a : b;
}

/* Off-diagonal entries in [0, 1) and a diagonal of n + 2: dominant. */
static void init(long n, double *a, double *b)
{
	for (long i = 0; i < n; i++) {
		b[i] = 4.0 + (double)(i % 9) / 9.0;
		for (long j = 0; j < n; j++)
			a[i * n + j] = i == j ? (double)(n + 2)
					      : (double)((3 * i + j * j + 1) %
							 n) / (double)n;
	}
}

/* Parallel building blocks; each is called by every thread of the team. */
static void factor_team(long n, double *a)
{
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

/* y = L^-1 b with unit diagonal; y holds b on entry. */
static void forward_team(long n, const double *a, double *y)
{
	for (long b0 = 0; b0 < n; b0 += BLOCK) {
		long b1 = lmin(n, b0 + BLOCK);
#pragma omp single
		for (long i = b0; i < b1; i++)
			for (long j = b0; j < i; j++)
				y[i] -= a[i * n + j] * y[j];
#pragma omp for schedule(static)
		for (long i = b1; i < n; i++) {
			double s = y[i];
			for (long j = b0; j < b1; j++)
				s -= a[i * n + j] * y[j];
			y[i] = s;
		}
	}
}

/* x = U^-1 y, blocks from the bottom up; x holds y on entry. */
static void backward_team(long n, const double *a, double *x)
{
	for (long b1 = n; b1 > 0; b1 -= BLOCK) {
		long b0 = b1 - BLOCK > 0 ? b1 - BLOCK : 0;
#pragma omp single
		for (long i = b1 - 1; i >= b0; i--) {
			double s = x[i];
			for (long j = i + 1; j < b1; j++)
				s -= a[i * n + j] * x[j];
			x[i] = s / a[i * n + i];
		}
#pragma omp for schedule(static)
		for (long i = 0; i < b0; i++) {
			double s = x[i];
			for (long j = b0; j < b1; j++)
				s -= a[i * n + j] * x[j];
			x[i] = s;
		}
	}
}

static void ludcmp_par(long n, double *a, const double *b, double *x)
{
#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++)
			x[i] = b[i];
		factor_team(n, a);
		forward_team(n, a, x);
		backward_team(n, a, x);
	}
}

/* Serial reference: row-by-row factorisation, then row-wise solves. */
static void ludcmp_ref(long n, double *a, const double *b, double *x)
{
	for (long i = 1; i < n; i++)
		for (long k = 0; k < i; k++) {
			a[i * n + k] /= a[k * n + k];
			for (long j = k + 1; j < n; j++)
				a[i * n + j] -= a[i * n + k] * a[k * n + j];
		}
	for (long i = 0; i < n; i++) {
		double s = b[i];
		for (long j = 0; j < i; j++)
			s -= a[i * n + j] * x[j];
		x[i] = s;
	}
	for (long i = n - 1; i >= 0; i--) {
		double s = x[i];
		for (long j = i + 1; j < n; j++)
			s -= a[i * n + j] * x[j];
		x[i] = s / a[i * n + i];
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
	size_t un = (size_t)n;
	double *a = wl_alloc(NAME, un * un, sizeof *a);
	double *ra = wl_alloc(NAME, un * un, sizeof *ra);
	double *b = wl_alloc(NAME, un, sizeof *b);
	double *x = wl_alloc(NAME, un, sizeof *x);
	double *rx = wl_alloc(NAME, un, sizeof *rx);
	init(n, a, b);
	memcpy(ra, a, un * un * sizeof *ra);

	double t0 = wl_kernel_begin();
	ludcmp_par(n, a, b, x);
	double secs = wl_kernel_end() - t0;

	ludcmp_ref(n, ra, b, rx);
	long bad = count_bad(a, ra, n * n) + count_bad(x, rx, n);
	free(a);
	free(ra);
	free(b);
	free(x);
	free(rx);
	return wl_report(NAME, n, secs, bad == 0);
}
