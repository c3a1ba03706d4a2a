/* heat-3d.c - PolyBench-style heat-3d: explicit heat equation on an
 * N x N x N grid (7-point stencil, fixed boundary), TSTEPS time steps that
 * each go A -> B and back B -> A, as OpenMP parallel loops.
 *
 * N (the primary dimension) is the grid edge; TSTEPS is fixed. All stencil
 * weights are positive and sum to one, so values stay within the initial
 * range.
 * Parallelisation: a sweep reads one array and writes the other (Jacobi
 * style), so all its points are independent: one parallel region, and per
 * sweep an `omp for collapse(2) schedule(static)` over the (i, j) planes;
 * the loop's barrier separates the sweeps, which depend on each other.
 * Check: a serial run of the same sweeps. The arithmetic per point is the
 * same, so the grids agree to rounding (relative tolerance 1e-12 allows for
 * fused multiply-adds).
 */
#include "wl.h"

#define NAME "heat-3d"
#define TSTEPS 100
#define MAX_N 4096 /* keeps n^3 far from overflow; memory runs out first */
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 16, .small = 56, .standard = 160
};

/* A rough (non-harmonic) field, so every sweep changes every point. */
static void init(long n, double *a, double *b)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			for (long k = 0; k < n; k++) {
				long p = (i * n + j) * n + k;
				a[p] = (double)((i * i + 2 * j * j + 3 * k * k +
						 i * j * k) %
						83) / 83.0 * 10.0;
				b[p] = a[p];
			}
}

/* One 7-point update from src into dst at (i, j, k). */
static inline double point(const double *src, long n, long i, long j, long k)
{
	long p = (i * n + j) * n + k;
	long sj = n;
	long si = n * n;
	return 0.125 * (src[p + si] - 2.0 * src[p] + src[p - si]) +
	       0.125 * (src[p + sj] - 2.0 * src[p] + src[p - sj]) +
	       0.125 * (src[p + 1] - 2.0 * src[p] + src[p - 1]) + src[p];
}

static void heat_par(long n, double *a, double *b)
{
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++) {
#pragma omp for collapse(2) schedule(static)
		for (long i = 1; i < n - 1; i++)
			for (long j = 1; j < n - 1; j++)
				for (long k = 1; k < n - 1; k++)
					b[(i * n + j) * n + k] =
						point(a, n, i, j, k);
#pragma omp for collapse(2) schedule(static)
		for (long i = 1; i < n - 1; i++)
			for (long j = 1; j < n - 1; j++)
				for (long k = 1; k < n - 1; k++)
					a[(i * n + j) * n + k] =
						point(b, n, i, j, k);
	}
}

/* Serial reference sweep, written out with explicit 3-D indices. */
#define AT(arr, i, j, k) (arr)[((i) * n + (j)) * n + (k)]
static void sweep_ref(long n, const double *s, double *d)
{
	for (long i = 1; i < n - 1; i++)
		for (long j = 1; j < n - 1; j++)
			for (long k = 1; k < n - 1; k++)
				AT(d, i, j, k) =
					0.125 * (AT(s, i + 1, j, k) -
						 2.0 * AT(s, i, j, k) +
						 AT(s, i - 1, j, k)) +
					0.125 * (AT(s, i, j + 1, k) -
						 2.0 * AT(s, i, j, k) +
						 AT(s, i, j - 1, k)) +
					0.125 * (AT(s, i, j, k + 1) -
						 2.0 * AT(s, i, j, k) +
						 AT(s, i, j, k - 1)) +
					AT(s, i, j, k);
}
#undef AT

static void heat_ref(long n, double *a, double *b)
{
	for (int t = 0; t < TSTEPS; t++) {
		sweep_ref(n, a, b);
		sweep_ref(n, b, a);
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
	if (n > MAX_N) {
		fprintf(stderr, "%s: N must be at most %d\n", NAME, MAX_N);
		return 2;
	}
	size_t cells = (size_t)n * (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, cells, sizeof *a);
	double *b = wl_alloc(NAME, cells, sizeof *b);
	double *ra = wl_alloc(NAME, cells, sizeof *ra);
	double *rb = wl_alloc(NAME, cells, sizeof *rb);
	init(n, a, b);
	memcpy(ra, a, cells * sizeof *ra);
	memcpy(rb, b, cells * sizeof *rb);

	double t0 = wl_kernel_begin();
	heat_par(n, a, b);
	double secs = wl_kernel_end() - t0;

	heat_ref(n, ra, rb);
	long bad = count_bad(a, ra, n * n * n) + count_bad(b, rb, n * n * n);
	free(a);
	free(b);
	free(ra);
	free(rb);
	return wl_report(NAME, n, secs, bad == 0);
}
