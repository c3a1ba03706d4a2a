/* lbm.c - lattice Boltzmann (D2Q9, BGK collision) flow in a periodic N x N
 * channel with a decaying shear wave: 9 distributions per cell streamed and
 * collided every step; memory-bound, a long runner at the standard size.
 * Manifest: kind particles, group lbm.
 *
 * N is the lattice side; 20 steps, relaxation time 0.8.
 * Parallelisation: per step one worksharing loop over rows (schedule
 * static): each cell pulls its 9 distributions from its neighbours in the
 * old lattice and writes the collided ones to the new (two lattices, so no
 * conflicts).
 * Check: mass is conserved to 1e-10 and serial steps give the same lattice
 * to 1e-12.
 */
#include "wl.h"

#define NAME "lbm"
#define STEPS 20
#define TAU 0.8
#define Q 9

static const int ex[Q] = { 0, 1, 0, -1, 0, 1, -1, -1, 1 };
static const int ey[Q] = { 0, 0, 1, 0, -1, 1, 1, -1, -1 };
static const double wq[Q] = { 4.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9,
			      1.0 / 36, 1.0 / 36, 1.0 / 36, 1.0 / 36 };

static double feq(int q, double rho, double ux, double uy)
{
	double eu = ex[q] * ux + ey[q] * uy;
	return wq[q] * rho * (1.0 + 3.0 * eu + 4.5 * eu * eu - 1.5 * (ux * ux + uy * uy));
}

/* one cell: pull, moments, collide; lattices are [n][n][Q] */
static void cell(long n, long y, long x, const double *src, double *dst)
{
	double f[Q], rho = 0.0, ux = 0.0, uy = 0.0;
	for (int q = 0; q < Q; q++) {
		long sy = (y - ey[q] + n) % n, sx = (x - ex[q] + n) % n;
		f[q] = src[(sy * n + sx) * Q + q];
		rho += f[q];
		ux += f[q] * ex[q];
		uy += f[q] * ey[q];
	}
	ux /= rho;
	uy /= rho;
	for (int q = 0; q < Q; q++)
		dst[(y * n + x) * Q + q] = f[q] - (f[q] - feq(q, rho, ux, uy)) / TAU;
}

static void init(long n, double *f)
{
	for (long y = 0; y < n; y++)
		for (long x = 0; x < n; x++) {
			double ux = 0.05 * sin(6.283185307179586 * (double)y / (double)n);
			for (int q = 0; q < Q; q++)
				f[(y * n + x) * Q + q] = feq(q, 1.0, ux, 0.0);
		}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 64, 128, 3000 });
	size_t cells = (size_t)n * (size_t)n * Q;
	double *a = wl_alloc(NAME, cells, sizeof(double));
	double *b = wl_alloc(NAME, cells, sizeof(double));
	double *ra = wl_alloc(NAME, cells, sizeof(double));
	double *rb = wl_alloc(NAME, cells, sizeof(double));
	init(n, a);
	init(n, ra);
	double mass0 = 0.0;
	for (size_t k = 0; k < cells; k++)
		mass0 += a[k];

	double t0 = wl_kernel_begin();
	for (int s = 0; s < STEPS; s += 2) {
#pragma omp parallel
		{
#pragma omp for schedule(static)
			for (long y = 0; y < n; y++)
				for (long x = 0; x < n; x++)
					cell(n, y, x, a, b);
#pragma omp for schedule(static)
			for (long y = 0; y < n; y++)
				for (long x = 0; x < n; x++)
					cell(n, y, x, b, a);
		}
	}
	double t1 = wl_kernel_end();

	for (int s = 0; s < STEPS; s += 2) {
		for (long y = 0; y < n; y++)
			for (long x = 0; x < n; x++)
				cell(n, y, x, ra, rb);
		for (long y = 0; y < n; y++)
			for (long x = 0; x < n; x++)
				cell(n, y, x, rb, ra);
	}
	double mass = 0.0;
	int ok = 1;
	for (size_t k = 0; k < cells; k++) {
		mass += a[k];
		if (ok && !wl_close(a[k], ra[k], 1e-12)) {
			fprintf(stderr, NAME ": value %zu is %.17g, expected %.17g\n", k,
				a[k], ra[k]);
			ok = 0;
		}
	}
	if (ok && !wl_close(mass, mass0, 1e-10)) {
		fprintf(stderr, NAME ": mass %.17g, initially %.17g\n", mass, mass0);
		ok = 0;
	}
	free(a);
	free(b);
	free(ra);
	free(rb);
	return wl_report(NAME, n, t1 - t0, ok);
}
