/* stencil3d-r2.c - Jacobi sweeps of a 3-D star stencil of radius 2
 * (13 points) on an N^3 grid: one of four radii (1-4) of one
 * program, from bandwidth-bound (radius 1) towards compute-bound.
 * Manifest: kind bandwidth, group stencil3d.
 *
 * N is the grid side (including a fixed boundary of width 2); 6 sweeps.
 * Parallelisation: one worksharing loop over the planes (z), collapse(2)
 * with the rows, schedule static; the grids swap between sweeps.
 * Check: serial sweeps in the same order give the same grid (to 1e-12: a
 * compiler may contract multiply-adds differently in the two copies).
 */
#include "wl.h"

#define NAME "stencil3d-r2"
#define R 2
#define SWEEPS 6

/* weights: the centre, and distance d = 1..R along each axis, falling
 * with d (they sum to 1) */
static const double W0 = 0.4;
static double weight(int d)
{
	double norm = 0.0;
	for (int k = 1; k <= R; k++)
		norm += 1.0 / k;
	return 0.6 / 6.0 / norm / d;
}

static void sweep(long n, const double *in, double *out)
{
#pragma omp parallel for collapse(2) schedule(static)
	for (long z = R; z < n - R; z++)
		for (long y = R; y < n - R; y++)
			for (long x = R; x < n - R; x++) {
				long c = (z * n + y) * n + x;
				double s = W0 * in[c];
				for (int d = 1; d <= R; d++)
					s += weight(d) * (in[c - d] + in[c + d] +
							  in[c - d * n] + in[c + d * n] +
							  in[c - d * n * n] + in[c + d * n * n]);
				out[c] = s;
			}
}

static void sweep_serial(long n, const double *in, double *out)
{
	for (long z = R; z < n - R; z++)
		for (long y = R; y < n - R; y++)
			for (long x = R; x < n - R; x++) {
				long c = (z * n + y) * n + x;
				double s = W0 * in[c];
				for (int d = 1; d <= R; d++)
					s += weight(d) * (in[c - d] + in[c + d] +
							  in[c - d * n] + in[c + d * n] +
							  in[c - d * n * n] + in[c + d * n * n]);
				out[c] = s;
			}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME, (struct wl_sizes){ 40, 100, 440 });
	if (n < 2 * R + 1) {
		fprintf(stderr, NAME ": N must be at least %d\n", 2 * R + 1);
		return 2;
	}
	size_t cells = (size_t)n * (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, cells, sizeof(double));
	double *b = wl_alloc(NAME, cells, sizeof(double));
	double *ra = wl_alloc(NAME, cells, sizeof(double));
	double *rb = wl_alloc(NAME, cells, sizeof(double));
	for (size_t c = 0; c < cells; c++)
		a[c] = b[c] = ra[c] = rb[c] = (double)(c % 101) / 101.0;

	double t0 = wl_kernel_begin();
	for (int s = 0; s < SWEEPS; s += 2) {
		sweep(n, a, b);
		sweep(n, b, a);
	}
	double t1 = wl_kernel_end();

	for (int s = 0; s < SWEEPS; s += 2) {
		sweep_serial(n, ra, rb);
		sweep_serial(n, rb, ra);
	}
	int ok = 1;
	for (size_t c = 0; c < cells && ok; c++)
		if (!wl_close(a[c], ra[c], 1e-12)) {
			fprintf(stderr, NAME ": cell %zu is %.17g, expected %.17g\n", c,
				a[c], ra[c]);
			ok = 0;
		}
	free(a);
	free(b);
	free(ra);
	free(rb);
	return wl_report(NAME, n, t1 - t0, ok);
}
