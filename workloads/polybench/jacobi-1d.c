/* jacobi-1d.c - PolyBench-style jacobi-1d: 3-point Jacobi smoothing of a 1-D
 * array of N points with fixed ends, TSTEPS time steps that each go A -> B
 * and back B -> A, as OpenMP parallel loops.
 *
 * N (the primary dimension) is the number of points; TSTEPS is fixed.
 * Parallelisation: a sweep reads one array and writes the other, so its
 * points are independent: one parallel region, and per sweep an
 * `omp for schedule(static)` over the points; the loop's barrier separates
 * the sweeps, which depend on each other.
 * Check: a serial run of the same sweeps. The arithmetic per point is the
 * same, so the arrays agree to rounding (relative tolerance 1e-12).
 */
#include "wl.h"

#define NAME "jacobi-1d"
#define TSTEPS 500
#define THIRD (1.0 / 3.0)
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 2000, .small = 100000, .standard = 2000000
};

/* Rough (non-linear) data, so every sweep changes every point. */
static void init(long n, double *a, double *b)
{
	for (long i = 0; i < n; i++) {
		a[i] = (double)((7 * i * i + 3) % 101) / 101.0;
		b[i] = (double)((13 * i + 5) % 37) / 37.0;
	}
}

static void jacobi_par(long n, double *a, double *b)
{
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++) {
#pragma omp for schedule(static)
		for (long i = 1; i < n - 1; i++)
			b[i] = THIRD * (a[i - 1] + a[i] + a[i + 1]);
#pragma omp for schedule(static)
		for (long i = 1; i < n - 1; i++)
			a[i] = THIRD * (b[i - 1] + b[i] + b[i + 1]);
	}
}

static void jacobi_ref(long n, double *a, double *b)
{
	for (int t = 0; t < TSTEPS; t++) {
		for (long i = 1; i < n - 1; i++)
			b[i] = THIRD * (a[i - 1] + a[i] + a[i + 1]);
		for (long i = 1; i < n - 1; i++)
			a[i] = THIRD * (b[i - 1] + b[i] + b[i + 1]);
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
	double *a = wl_alloc(NAME, un, sizeof *a);
	double *b = wl_alloc(NAME, un, sizeof *b);
	double *ra = wl_alloc(NAME, un, sizeof *ra);
	double *rb = wl_alloc(NAME, un, sizeof *rb);
	init(n, a, b);
	memcpy(ra, a, un * sizeof *ra);
	memcpy(rb, b, un * sizeof *rb);

	double t0 = wl_kernel_begin();
	jacobi_par(n, a, b);
	double secs = wl_kernel_end() - t0;

	jacobi_ref(n, ra, rb);
	long bad = count_bad(a, ra, n) + count_bad(b, rb, n);
	free(a);
	free(b);
	free(ra);
	free(rb);
	return wl_report(NAME, n, secs, bad == 0);
}
