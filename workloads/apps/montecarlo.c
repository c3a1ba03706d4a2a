/* montecarlo.c - Monte Carlo integration of a smooth function over the
 * 6-dimensional unit cube: embarrassingly parallel arithmetic, no memory
 * traffic.
 * Manifest: kind particles, group montecarlo.
 *
 * N is the number of samples.  Sample i's point comes from a counter-based
 * generator seeded by i, so the result does not depend on the threads.
 * Parallelisation: one worksharing loop (schedule static) with a reduction
 * (+) of the function values and of their squares.
 * Check: the estimate is within 5 standard errors of the exact integral,
 * (1 - cos 1 + 1/3)^6, and equals a serial sum to 1e-10.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "montecarlo"
#define DIMS 6

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* f(x) = prod_d (sin(x_d) + x_d^2) */
static double f_at(long i)
{
	double v = 1.0;
	for (int d = 0; d < DIMS; d++) {
		uint64_t r = mix64((uint64_t)i * DIMS + (uint64_t)d + 0x9e3779b97f4a7c15ULL);
		double x = (double)(r >> 11) * 0x1.0p-53;
		v *= sin(x) + x * x;
	}
	return v;
}

/* integral over [0,1] of sin(x) + x^2 = 1 - cos(1) + 1/3, to the power DIMS */
static double exact(void)
{
	return pow(1.0 - cos(1.0) + 1.0 / 3.0, DIMS);
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 100000, 300000, 2000000000 });
	double sum = 0.0, sq = 0.0;

	double t0 = wl_kernel_begin();
#pragma omp parallel for schedule(static) reduction(+ : sum, sq)
	for (long i = 0; i < n; i++) {
		double v = f_at(i);
		sum += v;
		sq += v * v;
	}
	double t1 = wl_kernel_end();

	double want = 0.0;
	for (long i = 0; i < n; i++)
		want += f_at(i);
	double mean = sum / (double)n;
	double err = sqrt((sq / (double)n - mean * mean) / (double)n);
	int ok = wl_close(sum, want, 1e-10) && fabs(mean - exact()) < 5.0 * err;
	if (!ok)
		fprintf(stderr, NAME ": estimate %.10g (serial %.10g), exact %.10g, error %.3g\n",
			mean, want / (double)n, exact(), err);
	return wl_report(NAME, n, t1 - t0, ok);
}
