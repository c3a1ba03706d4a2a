/* srad.c - Rodinia-style speckle-reducing anisotropic diffusion of an
 * N x N ultrasound-like image: each iteration measures the speckle level
 * of a region of interest, computes a diffusion coefficient per pixel from
 * its gradients and Laplacian, and diffuses.
 * Manifest: kind apps, group srad.
 *
 * N is the image side; 12 iterations, lambda 0.5.
 * Parallelisation: per iteration one parallel region: a worksharing loop
 * with reductions (+) of the region's sum and sum of squares, a loop
 * computing the coefficients (collapse(2)), and a loop applying the
 * divergence (collapse(2)); static schedules, barriers between.
 * Check: serial iterations give the same image to 1e-9 (the reductions
 * associate differently).
 */
#include <stdint.h>

#include "wl.h"

#define NAME "srad"
#define ITERS 12
#define LAMBDA 0.5

struct grids {
	double *img, *c, *dn, *ds, *dw, *de;
};

static void iterate(long n, struct grids *g, int parallel)
{
	double *J = g->img, *C = g->c;
	long r1 = 0, r2 = n / 4; /* region of interest rows/cols [r1, r2) */
	for (int it = 0; it < ITERS; it++) {
		double sum = 0.0, sum2 = 0.0;
#pragma omp parallel if (parallel)
		{
#pragma omp for schedule(static) reduction(+ : sum, sum2)
			for (long i = r1; i < r2; i++)
				for (long j = r1; j < r2; j++) {
					sum += J[i * n + j];
					sum2 += J[i * n + j] * J[i * n + j];
				}
			double cnt = (double)((r2 - r1) * (r2 - r1));
			double mean = sum / cnt, var = sum2 / cnt - mean * mean;
			double q0 = var / (mean * mean);
#pragma omp for collapse(2) schedule(static)
			for (long i = 0; i < n; i++)
				for (long j = 0; j < n; j++) {
					long k = i * n + j;
					double jc = J[k];
					double n_ = J[(i > 0 ? i - 1 : 0) * n + j] - jc;
					double s_ = J[(i < n - 1 ? i + 1 : n - 1) * n + j] - jc;
					double w_ = J[i * n + (j > 0 ? j - 1 : 0)] - jc;
					double e_ = J[i * n + (j < n - 1 ? j + 1 : n - 1)] - jc;
					double g2 = (n_ * n_ + s_ * s_ + w_ * w_ + e_ * e_) / (jc * jc);
					double l = (n_ + s_ + w_ + e_) / jc;
					double num = 0.5 * g2 - 0.0625 * l * l;
					double den = 1.0 + 0.25 * l;
					double q = num / (den * den);
					double c = 1.0 / (1.0 + (q - q0) / (q0 * (1.0 + q0)));
					C[k] = c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c;
					g->dn[k] = n_;
					g->ds[k] = s_;
					g->dw[k] = w_;
					g->de[k] = e_;
				}
#pragma omp for collapse(2) schedule(static)
			for (long i = 0; i < n; i++)
				for (long j = 0; j < n; j++) {
					long k = i * n + j;
					double cs = C[(i < n - 1 ? i + 1 : n - 1) * n + j];
					double ce = C[i * n + (j < n - 1 ? j + 1 : n - 1)];
					double d = C[k] * g->dn[k] + cs * g->ds[k] + C[k] * g->dw[k] +
						   ce * g->de[k];
					J[k] += 0.25 * LAMBDA * d;
				}
		}
	}
}

static void init(long n, struct grids *g)
{
	double **f[] = { &g->img, &g->c, &g->dn, &g->ds, &g->dw, &g->de };
	for (int k = 0; k < 6; k++)
		*f[k] = wl_alloc(NAME, (size_t)n * (size_t)n, sizeof(double));
	uint64_t s = 21;
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			double speckle = 0.5 + (double)(s >> 11) * 0x1.0p-53;
			double shape = ((i - n / 2) * (i - n / 2) + (j - n / 2) * (j - n / 2)) <
						       n * n / 9
					       ? 200.0
					       : 80.0;
			g->img[i * n + j] = shape * speckle;
		}
}

static void release(struct grids *g)
{
	free(g->img);
	free(g->c);
	free(g->dn);
	free(g->ds);
	free(g->dw);
	free(g->de);
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 96, 256, 5000 });
	if (n < 8) {
		fprintf(stderr, NAME ": N must be at least 8\n");
		return 2;
	}
	struct grids g, r;
	init(n, &g);
	init(n, &r);

	double t0 = wl_kernel_begin();
	iterate(n, &g, 1);
	double t1 = wl_kernel_end();

	iterate(n, &r, 0);
	int ok = 1;
	for (long k = 0; k < n * n && ok; k++)
		if (!wl_close(g.img[k], r.img[k], 1e-9) || !isfinite(g.img[k])) {
			fprintf(stderr, NAME ": pixel %ld is %.17g, expected %.17g\n", k,
				g.img[k], r.img[k]);
			ok = 0;
		}
	release(&g);
	release(&r);
	return wl_report(NAME, n, t1 - t0, ok);
}
