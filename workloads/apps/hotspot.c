/* hotspot.c - Rodinia-style thermal simulation of a chip: the temperature of
 * an N x N grid of blocks evolves with the power each dissipates, heat
 * flowing to its neighbours and to the ambient (explicit time steps).
 * Manifest: kind apps, group hotspot.
 *
 * N is the grid side; 40 steps.
 * Parallelisation: per step one worksharing loop over rows, collapse(2),
 * schedule static, reading the old temperatures and writing the new.
 * Check: serial steps give the same temperatures to 1e-12, and all stay
 * between ambient and a bound.
 */
#include "wl.h"

#define NAME "hotspot"
#define STEPS 40
#define AMB 80.0

/* the chip constants (per block): capacitance and resistances, folded
 * into the step's coefficients */
static const double CAP = 0.5, RX = 1.0, RY = 1.0, RZ = 4.0, DT = 0.1;

static void step(long n, const double *t, const double *p, double *out)
{
#pragma omp parallel for collapse(2) schedule(static)
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			double c = t[i * n + j];
			double up = i > 0 ? t[(i - 1) * n + j] : c;
			double dn = i < n - 1 ? t[(i + 1) * n + j] : c;
			double lf = j > 0 ? t[i * n + j - 1] : c;
			double rt = j < n - 1 ? t[i * n + j + 1] : c;
			out[i * n + j] = c + DT / CAP * (p[i * n + j] + (up + dn - 2.0 * c) / RY +
							 (lf + rt - 2.0 * c) / RX + (AMB - c) / RZ);
		}
}

static void step_serial(long n, const double *t, const double *p, double *out)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			double c = t[i * n + j];
			double up = i > 0 ? t[(i - 1) * n + j] : c;
			double dn = i < n - 1 ? t[(i + 1) * n + j] : c;
			double lf = j > 0 ? t[i * n + j - 1] : c;
			double rt = j < n - 1 ? t[i * n + j + 1] : c;
			out[i * n + j] = c + DT / CAP * (p[i * n + j] + (up + dn - 2.0 * c) / RY +
							 (lf + rt - 2.0 * c) / RX + (AMB - c) / RZ);
		}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 128, 400, 8000 });
	size_t nn = (size_t)n * (size_t)n;
	double *t = wl_alloc(NAME, nn, sizeof(double));
	double *u = wl_alloc(NAME, nn, sizeof(double));
	double *rt = wl_alloc(NAME, nn, sizeof(double));
	double *ru = wl_alloc(NAME, nn, sizeof(double));
	double *p = wl_alloc(NAME, nn, sizeof(double));
	for (size_t k = 0; k < nn; k++) {
		t[k] = rt[k] = AMB + (double)(k % 13);
		/* a few hot units */
		p[k] = (k / (size_t)n) % 50 < 10 && (k % (size_t)n) % 70 < 20 ? 2.0 : 0.1;
	}

	double t0 = wl_kernel_begin();
	for (int s = 0; s < STEPS; s += 2) {
		step(n, t, p, u);
		step(n, u, p, t);
	}
	double t1 = wl_kernel_end();

	for (int s = 0; s < STEPS; s += 2) {
		step_serial(n, rt, p, ru);
		step_serial(n, ru, p, rt);
	}
	int ok = 1;
	for (size_t k = 0; k < nn && ok; k++)
		if (!wl_close(t[k], rt[k], 1e-12) || t[k] < AMB || t[k] > AMB + 100.0) {
			fprintf(stderr, NAME ": block %zu at %.17g, expected %.17g\n", k,
				t[k], rt[k]);
			ok = 0;
		}
	free(t);
	free(u);
	free(rt);
	free(ru);
	free(p);
	return wl_report(NAME, n, t1 - t0, ok);
}
