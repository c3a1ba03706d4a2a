/* cholesky.c - PolyBench-style Cholesky factorisation A = L L^T of a
 * symmetric positive definite matrix, in place in the lower triangle,
 * written from the algorithm as an OpenMP workload.
 *
 * N is the order of A.  A is built in closed form as a symmetric, strictly
 * diagonally dominant matrix with a positive diagonal, hence SPD.
 * Parallelisation: column by column (left-looking).  Step j first computes
 * the diagonal L[j][j] = sqrt(A[j][j] - sum_k<j L[j][k]^2) in an `omp
 * single`, then an `omp for` (static schedule) over the rows i > j computes
 * L[i][j] = (A[i][j] - sum_k<j L[i][k] L[j][k]) / L[j][j].  Those rows read
 * only finished columns k < j and row j, and each writes its own element;
 * the implicit barriers order the steps.  The upper triangle is untouched.
 * Check: the serial row-by-row (PolyBench-shaped) algorithm on a fresh copy
 * of A, compared element by element with wl_close.
 */
#include "wl.h"

#define NAME "cholesky"
#define TOL 1e-9

static void init(long n, double (*a)[n])
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			/* off-diagonal row sums stay below 4 < diagonal */
			if (i == j)
				a[i][j] = 5.0 + (double)(i % 3);
			else
				a[i][j] = (double)((i + 1) * (j + 1) % 7 + 1) /
					  (double)(2 * n);
		}
}

static void kernel(long n, double (*a)[n])
{
#pragma omp parallel
	for (long j = 0; j < n; j++) {
#pragma omp single
		{
			double d = a[j][j];
			for (long k = 0; k < j; k++)
				d -= a[j][k] * a[j][k];
			a[j][j] = sqrt(d);
		}
#pragma omp for schedule(static)
		for (long i = j + 1; i < n; i++) {
			double s = a[i][j];
			for (long k = 0; k < j; k++)
				s -= a[i][k] * a[j][k];
			a[i][j] = s / a[j][j];
		}
	}
}

/* Serial reference: row i is finished before row i+1 starts. */
static void reference(long n, double (*a)[n])
{
	for (long i = 0; i < n; i++) {
		for (long j = 0; j < i; j++) {
			for (long k = 0; k < j; k++)
				a[i][j] -= a[i][k] * a[j][k];
			a[i][j] /= a[j][j];
		}
		for (long k = 0; k < i; k++)
			a[i][i] -= a[i][k] * a[i][k];
		a[i][i] = sqrt(a[i][i]);
	}
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
			       (struct wl_sizes){ 150, 600, 2000 });
	size_t cells = (size_t)n * (size_t)n;

	double *a = wl_alloc(NAME, cells, sizeof(double));
	double *aref = wl_alloc(NAME, cells, sizeof(double));

	init(n, (double (*)[n])a);
	memcpy(aref, a, cells * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(n, (double (*)[n])a);
	double t1 = wl_kernel_end();

	reference(n, (double (*)[n])aref);
	int ok = check_close(a, aref, cells);

	free(a);
	free(aref);
	return wl_report(NAME, n, t1 - t0, ok);
}
