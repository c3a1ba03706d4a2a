/* jacobi-2d.c - PolyBench-style jacobi-2d: 5-point Jacobi smoothing of an
 * N x N grid with a fixed boundary, TSTEPS time steps that each go A -> B and
 * back B -> A, as OpenMP parallel loops.
 *
 * N (the primary dimension) is the grid edge; TSTEPS is fixed.
 * Parallelisation: a sweep reads one array and writes the other, so its
 * points are independent: one parallel region, and per sweep an
 * `omp for schedule(static)` over the rows; the loop's barrier separates the
 * sweeps, which depend on each other.
 * Check: a serial run of the same sweeps. The arithmetic per point is the
 * same, so the grids agree to rounding (relative tolerance 1e-12).
 */
#include "wl.h"

#define NAME "jacobi-2d"
#define TSTEPS 100
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 60, .small = 560, .standard = 2400
};

/* Rough (non-harmonic) fields, so every sweep changes every point. */
static void init(long n, double *a, double *b)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			a[i * n + j] =
				(double)((i * i + 3 * j * j + 5 * i * j + 1) %
					 97) / 97.0;
			b[i * n + j] =
				(double)((7 * i + 2 * j * j + 3) % 89) / 89.0;
		}
}

/* 5-point average of src around p; rows are n apart. */
static inline double avg5(const double *src, long p, long n)
{
	return 0.2 * (src[p] + src[p - 1] + src[p + 1] + src[p + n] +
		      src[p - n]);
}

static void jacobi_par(long n, double *a, double *b)
{
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++) {
#pragma omp for schedule(static)
		for (long i = 1; i < n - 1; i++)
			for (long j = 1; j < n - 1; j++)
				b[i * n + j] = avg5(a, i * n + j, n);
#pragma omp for schedule(static)
		for (long i = 1; i < n - 1; i++)
			for (long j = 1; j < n - 1; j++)
				a[i * n + j] = avg5(b, i * n + j, n);
	}
}

/* Serial reference sweep, written out with explicit 2-D indices. */
#define AT(arr, i, j) (arr)[(i) * n + (j)]
static void sweep_ref(long n, const double *s, double *d)
{
	for (long i = 1; i < n - 1; i++)
		for (long j = 1; j < n - 1; j++)
			AT(d, i, j) = 0.2 * (AT(s, i, j) + AT(s, i, j - 1) +
					     AT(s, i, j + 1) + AT(s, i + 1, j) +
					     AT(s, i - 1, j));
}
#undef AT

static void jacobi_ref(long n, double *a, double *b)
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
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, nn, sizeof *a);
	double *b = wl_alloc(NAME, nn, sizeof *b);
	double *ra = wl_alloc(NAME, nn, sizeof *ra);
	double *rb = wl_alloc(NAME, nn, sizeof *rb);
	init(n, a, b);
	memcpy(ra, a, nn * sizeof *ra);
	memcpy(rb, b, nn * sizeof *rb);

	double t0 = wl_kernel_begin();
	jacobi_par(n, a, b);
	double secs = wl_kernel_end() - t0;

	jacobi_ref(n, ra, rb);
	long bad = count_bad(a, ra, n * n) + count_bad(b, rb, n * n);
	free(a);
	free(b);
	free(ra);
	free(rb);
	return wl_report(NAME, n, secs, bad == 0);
}
