/* lud.c - Rodinia-style blocked LU decomposition (no pivoting) of a
 * diagonally dominant N x N matrix, in place, with 32 x 32 blocks.
 * Manifest: kind apps, group lu.
 *
 * N is the matrix side.
 * Parallelisation: per block step k one parallel region: a single thread
 * factors the diagonal block; a worksharing loop updates the blocks of
 * row k and column k (the perimeter); a worksharing loop (collapse(2),
 * schedule dynamic) updates the trailing blocks with block products; the
 * work shrinks as k grows.
 * Check: an unblocked serial LU of the same matrix gives the same factors
 * to 1e-9.
 */
#include "wl.h"

#define NAME "lud"
#define BS 32

static void diag(long n, double *a, long k0, long k1)
{
	for (long k = k0; k < k1; k++)
		for (long i = k + 1; i < k1; i++) {
			a[i * n + k] /= a[k * n + k];
			for (long j = k + 1; j < k1; j++)
				a[i * n + j] -= a[i * n + k] * a[k * n + j];
		}
}

/* block (k0.., j0..) of row k: solve with the unit lower diagonal block */
static void row_block(long n, double *a, long k0, long k1, long j0, long j1)
{
	for (long k = k0; k < k1; k++)
		for (long i = k + 1; i < k1; i++)
			for (long j = j0; j < j1; j++)
				a[i * n + j] -= a[i * n + k] * a[k * n + j];
}

/* block (i0.., k0..) of column k: solve with the upper diagonal block */
static void col_block(long n, double *a, long k0, long k1, long i0, long i1)
{
	for (long i = i0; i < i1; i++)
		for (long k = k0; k < k1; k++) {
			a[i * n + k] /= a[k * n + k];
			for (long j = k + 1; j < k1; j++)
				a[i * n + j] -= a[i * n + k] * a[k * n + j];
		}
}

static void inner_block(long n, double *a, long k0, long k1, long i0, long i1,
			long j0, long j1)
{
	for (long i = i0; i < i1; i++)
		for (long k = k0; k < k1; k++) {
			double l = a[i * n + k];
			for (long j = j0; j < j1; j++)
				a[i * n + j] -= l * a[k * n + j];
		}
}

static long lim(long v, long n)
{
	return v < n ? v : n;
}

static void lud(long n, double *a)
{
	long nb = (n + BS - 1) / BS;
	for (long kb = 0; kb < nb; kb++) {
		long k0 = kb * BS, k1 = lim(k0 + BS, n);
#pragma omp parallel
		{
#pragma omp single
			diag(n, a, k0, k1);
#pragma omp for schedule(static)
			for (long b = kb + 1; b < nb; b++) {
				row_block(n, a, k0, k1, b * BS, lim(b * BS + BS, n));
				col_block(n, a, k0, k1, b * BS, lim(b * BS + BS, n));
			}
#pragma omp for collapse(2) schedule(dynamic, 1)
			for (long bi = kb + 1; bi < nb; bi++)
				for (long bj = kb + 1; bj < nb; bj++)
					inner_block(n, a, k0, k1, bi * BS, lim(bi * BS + BS, n),
						    bj * BS, lim(bj * BS + BS, n));
		}
	}
}

static void lu_serial(long n, double *a)
{
	for (long k = 0; k < n; k++)
		for (long i = k + 1; i < n; i++) {
			a[i * n + k] /= a[k * n + k];
			for (long j = k + 1; j < n; j++)
				a[i * n + j] -= a[i * n + k] * a[k * n + j];
		}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 100, 300, 4000 });
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, nn, sizeof(double));
	double *r = wl_alloc(NAME, nn, sizeof(double));
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			a[i * n + j] = r[i * n + j] =
				i == j ? (double)n : (double)((i * 7 + j * 3) % 11) / 11.0;

	double t0 = wl_kernel_begin();
	lud(n, a);
	double t1 = wl_kernel_end();

	lu_serial(n, r);
	int ok = 1;
	for (size_t k = 0; k < nn && ok; k++)
		if (!wl_close(a[k], r[k], 1e-9)) {
			fprintf(stderr, NAME ": element %zu is %.17g, expected %.17g\n", k,
				a[k], r[k]);
			ok = 0;
		}
	free(a);
	free(r);
	return wl_report(NAME, n, t1 - t0, ok);
}
