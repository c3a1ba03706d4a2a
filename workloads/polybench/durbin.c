/* durbin.c - PolyBench-style Levinson-Durbin recursion: solves the
 * Yule-Walker system T y = -r, with T the symmetric Toeplitz matrix of the
 * autocorrelations (1, r[0], r[1], ...), written from the algorithm as an
 * OpenMP workload.
 *
 * N is the order of the system (length of r and y).  The autocorrelations
 * are rho_m = 1/(m+1), a convex sequence decreasing to 0 and hence positive
 * definite (Polya), so every reflection coefficient stays inside (-1, 1);
 * the solution decays polynomially, so nothing goes subnormal.
 * Parallelisation: the order-k steps are a true dependence chain and run in
 * sequence inside one parallel region; within a step two `omp for` loops
 * (static schedule) share the work.  The dot product is reduced by hand:
 * each thread stores its partial sum in its own padded slot, and after a
 * barrier every thread adds the slots in thread order, so all threads get
 * the same sum, alpha and beta without a broadcast.  The update
 * y[i] += alpha*y[k-1-i] pairs i with k-1-i: one iteration owns both ends
 * of a pair, so it updates y in place with no temporary and no race.  Two
 * barriers per step.
 * Check: a serial implementation of the same recursion with a temporary z
 * (the dot product re-associates, so wl_close), plus the residual of
 * T y = -r.
 */
#include "wl.h"

#define NAME "durbin"
#define TOL 1e-9
/* 8 doubles = 64 bytes: each thread's partial sum on its own cache line. */
#define PARTIAL_STRIDE 8

static void init(long n, double *r)
{
	for (long k = 0; k < n; k++)
		r[k] = 1.0 / (double)(k + 2); /* rho_{k+1} */
}

/* partial holds PARTIAL_STRIDE doubles per thread (one cache line each). */
static void kernel(long n, const double *r, double *y, double *partial)
{
	y[0] = -r[0];
#pragma omp parallel
	{
		int me = omp_get_thread_num(), team = omp_get_num_threads();
		/* private, but identical in every thread */
		double alpha = -r[0], beta = 1.0;

		for (long k = 1; k < n; k++) {
			beta = (1.0 - alpha * alpha) * beta;
			double mine = 0.0;
#pragma omp for schedule(static) nowait
			for (long i = 0; i < k; i++)
				mine += r[k - i - 1] * y[i];
			partial[me * PARTIAL_STRIDE] = mine;
#pragma omp barrier
			double sum = 0.0;
			for (int t = 0; t < team; t++)
				sum += partial[t * PARTIAL_STRIDE];
			alpha = -(r[k] + sum) / beta;
			/* y[i] and y[k-1-i] update each other: one owner per pair */
#pragma omp for schedule(static)
			for (long i = 0; i < (k + 1) / 2; i++) {
				long j = k - 1 - i;
				double yi = y[i], yj = y[j];
				y[i] = yi + alpha * yj;
				if (j != i)
					y[j] = yj + alpha * yi;
				if (i == 0)
					y[k] = alpha;
			}
		}
	}
}

static void reference(long n, const double *r, double *y, double *z)
{
	double alpha = -r[0], beta = 1.0;

	y[0] = -r[0];
	for (long k = 1; k < n; k++) {
		beta = (1.0 - alpha * alpha) * beta;
		double sum = 0.0;
		for (long i = 0; i < k; i++)
			sum += r[k - i - 1] * y[i];
		alpha = -(r[k] + sum) / beta;
		for (long i = 0; i < k; i++)
			z[i] = y[i] + alpha * y[k - i - 1];
		for (long i = 0; i < k; i++)
			y[i] = z[i];
		y[k] = alpha;
	}
}

/* Largest |(T y + r)[i]|, T[i][j] = rho_|i-j| with rho_0 = 1. */
static double residual(long n, const double *r, const double *y)
{
	double worst = 0.0;

	for (long i = 0; i < n; i++) {
		double s = r[i];
		for (long j = 0; j < n; j++) {
			long m = i > j ? i - j : j - i;
			s += (m == 0 ? 1.0 : r[m - 1]) * y[j];
		}
		if (fabs(s) > worst)
			worst = fabs(s);
	}
	return worst;
}

/* Compare result and reference; name the first bad element. */
static int check_close(const double *got, const double *want, size_t count)
{
	for (size_t e = 0; e < count; e++)
		if (!wl_close(got[e], want[e], TOL)) {
			fprintf(stderr, NAME ": element %zu is %.17g, expected %.17g\n",
				e, got[e], want[e]);
			return 0;
		}
	return 1;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 400, 8000, 50000 });

	double *r = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *y = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *z = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *partial = wl_alloc(NAME,
				   (size_t)omp_get_max_threads() * PARTIAL_STRIDE,
				   sizeof(double));
	double *yref = wl_alloc(NAME, (size_t)n, sizeof(double));

	init(n, r);

	double t0 = wl_kernel_begin();
	kernel(n, r, y, partial);
	double t1 = wl_kernel_end();

	reference(n, r, yref, z);
	int ok = check_close(y, yref, (size_t)n);
	double res = residual(n, r, y);
	if (ok && !(res <= TOL)) {
		fprintf(stderr, NAME ": residual of T y = -r is %.3g\n", res);
		ok = 0;
	}

	free(r);
	free(y);
	free(z);
	free(partial);
	free(yref);
	return wl_report(NAME, n, t1 - t0, ok);
}
