/* nested.c - nested parallelism: an outer team over a batch of independent
 * matrices, and inside each an inner team over the rows, running 30 power
 * iterations y = A*x / |A*x| per matrix.
 * Manifest: kind tasks, group nested.
 *
 * N is the side of each of the 8 matrices.
 * Parallelisation: omp_set_max_active_levels(2); the outer parallel for
 * (num_threads(2), schedule dynamic) takes matrices, each opens an inner
 * parallel region (num_threads(2)) whose worksharing loops compute the
 * product and the norm (reduction max); with one core per thread the teams
 * oversubscribe on purpose, as nested codes often do.
 * Check: a serial power iteration gives the same vectors to 1e-12.
 */
#include "wl.h"

#define NAME "nested"
#define MATS 8
#define ITERS 30

static void power(long n, const double *a, double *x, double *y)
{
	for (int it = 0; it < ITERS; it++) {
		double norm = 0.0;
#pragma omp parallel num_threads(2)
		{
#pragma omp for schedule(static) reduction(max : norm)
			for (long i = 0; i < n; i++) {
				double s = 0.0;
				for (long j = 0; j < n; j++)
					s += a[i * n + j] * x[j];
				y[i] = s;
				norm = fabs(s) > norm ? fabs(s) : norm;
			}
#pragma omp for schedule(static)
			for (long i = 0; i < n; i++)
				x[i] = y[i] / norm;
		}
	}
}

static void power_serial(long n, const double *a, double *x, double *y)
{
	for (int it = 0; it < ITERS; it++) {
		double norm = 0.0;
		for (long i = 0; i < n; i++) {
			double s = 0.0;
			for (long j = 0; j < n; j++)
				s += a[i * n + j] * x[j];
			y[i] = s;
			norm = fabs(s) > norm ? fabs(s) : norm;
		}
		for (long i = 0; i < n; i++)
			x[i] = y[i] / norm;
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 60, 200, 6000 });
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, nn * MATS, sizeof(double));
	double *x = wl_alloc(NAME, (size_t)n * MATS, sizeof(double));
	double *y = wl_alloc(NAME, (size_t)n * MATS, sizeof(double));
	double *rx = wl_alloc(NAME, (size_t)n, sizeof(double));
	for (int m = 0; m < MATS; m++) {
		for (size_t k = 0; k < nn; k++)
			a[m * nn + k] = (double)((k * (size_t)(m + 3)) % 97) / 97.0;
		for (long i = 0; i < n; i++)
			x[m * n + i] = 1.0;
	}
	omp_set_max_active_levels(2);

	double t0 = wl_kernel_begin();
#pragma omp parallel for num_threads(2) schedule(dynamic, 1)
	for (int m = 0; m < MATS; m++)
		power(n, a + m * nn, x + m * n, y + m * n);
	double t1 = wl_kernel_end();

	int ok = 1;
	for (int m = 0; m < MATS && ok; m++) {
		for (long i = 0; i < n; i++)
			rx[i] = 1.0;
		power_serial(n, a + m * nn, rx, y);
		for (long i = 0; i < n && ok; i++)
			if (!wl_close(x[m * n + i], rx[i], 1e-12)) {
				fprintf(stderr, NAME ": matrix %d x[%ld] = %.17g, expected %.17g\n",
					m, i, x[m * n + i], rx[i]);
				ok = 0;
			}
	}
	free(a);
	free(x);
	free(y);
	free(rx);
	return wl_report(NAME, n, t1 - t0, ok);
}
