/* atax.c - PolyBench-style matrix transpose times matrix-vector product
 * y = A^T (A x), written from the algorithm as an OpenMP workload.
 *
 * N is the number of columns of A (and the length of x and y); A has
 * M = 9N/10 rows and tmp = A x has length M.
 * Parallelisation: one parallel region with two `omp for` loops (static
 * schedule).  tmp = A x is one dot product per row i.  y = A^T tmp is split
 * into blocks of ATAX_BLOCK columns: a thread owns a block of y and streams
 * the matching row segments of A (unit stride) over all i, so no two
 * threads write the same y[j] and no reduction is needed.  The barrier
 * between the loops orders tmp before its use.
 * Check: a serial implementation in the fused PolyBench shape (for each row:
 * tmp[i], then y += A[i][:] * tmp[i]), compared with wl_close.
 */
#include "wl.h"

#define NAME "atax"
#define TOL 1e-9
/* 256 doubles of y (2 KiB) stay in L1 while A's rows stream past. */
#define ATAX_BLOCK 256

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

static void init(long m, long n, double (*a)[n], double *x)
{
	for (long i = 0; i < m; i++)
		for (long j = 0; j < n; j++)
			a[i][j] = (double)((i + j) % n) / (double)(5 * m);
	for (long j = 0; j < n; j++)
		x[j] = 1.0 + (double)j / (double)n;
}

static void kernel(long m, long n, double (*a)[n], const double *x,
		   double *tmp, double *y)
{
	long nblocks = (n + ATAX_BLOCK - 1) / ATAX_BLOCK;

#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long i = 0; i < m; i++) {
			double s = 0.0;
			for (long j = 0; j < n; j++)
				s += a[i][j] * x[j];
			tmp[i] = s;
		}
#pragma omp for schedule(static)
		for (long blk = 0; blk < nblocks; blk++) {
			long lo = blk * ATAX_BLOCK;
			long hi = lo + ATAX_BLOCK < n ? lo + ATAX_BLOCK : n;
			for (long j = lo; j < hi; j++)
				y[j] = 0.0;
			for (long i = 0; i < m; i++)
				for (long j = lo; j < hi; j++)
					y[j] += a[i][j] * tmp[i];
		}
	}
}

static void reference(long m, long n, double (*a)[n], const double *x,
		      double *tmp, double *y)
{
	for (long j = 0; j < n; j++)
		y[j] = 0.0;
	for (long i = 0; i < m; i++) {
		double t = 0.0;
		for (long j = 0; j < n; j++)
			t += a[i][j] * x[j];
		tmp[i] = t;
		for (long j = 0; j < n; j++)
			y[j] += a[i][j] * t;
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
			       (struct wl_sizes){ 400, 4000, 16000 });
	long m = scaled(n, 9, 10);

	double *a = wl_alloc(NAME, (size_t)m * (size_t)n, sizeof(double));
	double *x = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *tmp = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *y = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *tmpref = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *yref = wl_alloc(NAME, (size_t)n, sizeof(double));

	init(m, n, (double (*)[n])a, x);

	double t0 = wl_kernel_begin();
	kernel(m, n, (double (*)[n])a, x, tmp, y);
	double t1 = wl_kernel_end();

	reference(m, n, (double (*)[n])a, x, tmpref, yref);
	int ok = check_close(tmp, tmpref, (size_t)m) &&
		 check_close(y, yref, (size_t)n);

	free(a);
	free(x);
	free(tmp);
	free(y);
	free(tmpref);
	free(yref);
	return wl_report(NAME, n, t1 - t0, ok);
}
