/* transpose.c - out-of-place transpose of an N x N matrix of doubles in
 * 32 x 32 tiles, 8 times back and forth: strided memory traffic.
 * Manifest: kind bandwidth, group transpose.
 *
 * N is the matrix side.
 * Parallelisation: one worksharing loop over tile rows, collapse(2) with
 * the tile columns, schedule static.
 * Check: after an even number of transposes the matrix is back where it
 * started, and the intermediate one is the exact transpose.
 */
#include "wl.h"

#define NAME "transpose"
#define TILE 32
#define REPS 8

static void transpose(long n, const double *src, double *dst)
{
#pragma omp parallel for collapse(2) schedule(static)
	for (long ib = 0; ib < n; ib += TILE)
		for (long jb = 0; jb < n; jb += TILE) {
			long ie = ib + TILE < n ? ib + TILE : n;
			long je = jb + TILE < n ? jb + TILE : n;
			for (long i = ib; i < ie; i++)
				for (long j = jb; j < je; j++)
					dst[j * n + i] = src[i * n + j];
		}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 300, 900, 12000 });
	double *a = wl_alloc(NAME, (size_t)n * (size_t)n, sizeof(double));
	double *b = wl_alloc(NAME, (size_t)n * (size_t)n, sizeof(double));
	for (long k = 0; k < n * n; k++)
		a[k] = (double)k;

	double t0 = wl_kernel_begin();
	for (int r = 0; r < REPS; r += 2) {
		transpose(n, a, b);
		transpose(n, b, a);
	}
	double t1 = wl_kernel_end();

	int ok = 1;
	for (long i = 0; i < n && ok; i++)
		for (long j = 0; j < n && ok; j++)
			if (a[i * n + j] != (double)(i * n + j) ||
			    b[j * n + i] != (double)(i * n + j)) {
				fprintf(stderr, NAME ": element (%ld, %ld) wrong\n", i, j);
				ok = 0;
			}
	free(a);
	free(b);
	return wl_report(NAME, n, t1 - t0, ok);
}
