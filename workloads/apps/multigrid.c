/* multigrid.c - NPB MG-style multigrid V-cycles for the 3-D Poisson problem
 * -lap(u) = f on an N^3 grid (zero boundary): weighted-Jacobi smoothing,
 * full-weighting restriction of the residual, trilinear prolongation, down
 * to a 3^3 grid.
 * Manifest: kind apps, group multigrid.
 *
 * N is the finest grid's interior side plus one: a power of two (8..1024);
 * 4 V-cycles, 2 smoothing sweeps before and after each coarsening.
 * Parallelisation: every sweep, residual, restriction and prolongation is a
 * worksharing loop over planes (collapse(2), schedule static); the grids
 * shrink 8-fold per level, so the coarse levels have little parallel work
 * and many barriers.
 * Check: the residual norm falls by at least 2.5x per V-cycle on average and
 * serial V-cycles give the same solution to 1e-9.
 */
#include "wl.h"

#define NAME "multigrid"
#define CYCLES 4
#define SWEEPS 2
#define OMEGA (6.0 / 7.0)

/* a grid of side m+1 points per axis (indices 0..m; 0 and m are boundary) */
#define AT(g, m, i, j, k) (g)[((size_t)(i) * (size_t)((m) + 1) + (size_t)(j)) * (size_t)((m) + 1) + (size_t)(k)]

static int parallel_on = 1;

static void smooth(long m, double *u, const double *f, double *tmp)
{
	double h2 = 1.0 / (double)(m * m);
#pragma omp parallel for collapse(2) schedule(static) if (parallel_on)
	for (long i = 1; i < m; i++)
		for (long j = 1; j < m; j++)
			for (long k = 1; k < m; k++) {
				double nb = AT(u, m, i - 1, j, k) + AT(u, m, i + 1, j, k) +
					    AT(u, m, i, j - 1, k) + AT(u, m, i, j + 1, k) +
					    AT(u, m, i, j, k - 1) + AT(u, m, i, j, k + 1);
				double jac = (nb + h2 * AT(f, m, i, j, k)) / 6.0;
				AT(tmp, m, i, j, k) = (1.0 - OMEGA) * AT(u, m, i, j, k) + OMEGA * jac;
			}
#pragma omp parallel for collapse(2) schedule(static) if (parallel_on)
	for (long i = 1; i < m; i++)
		for (long j = 1; j < m; j++)
			for (long k = 1; k < m; k++)
				AT(u, m, i, j, k) = AT(tmp, m, i, j, k);
}

static void residual(long m, const double *u, const double *f, double *r)
{
	double inv_h2 = (double)(m * m);
#pragma omp parallel for collapse(2) schedule(static) if (parallel_on)
	for (long i = 1; i < m; i++)
		for (long j = 1; j < m; j++)
			for (long k = 1; k < m; k++)
				AT(r, m, i, j, k) = AT(f, m, i, j, k) -
						    inv_h2 * (6.0 * AT(u, m, i, j, k) -
							      AT(u, m, i - 1, j, k) - AT(u, m, i + 1, j, k) -
							      AT(u, m, i, j - 1, k) - AT(u, m, i, j + 1, k) -
							      AT(u, m, i, j, k - 1) - AT(u, m, i, j, k + 1));
}

/* coarse (side m/2) = full weighting of fine r (side m) */
static void restrict_to(long m, const double *r, double *c)
{
	long mc = m / 2;
#pragma omp parallel for collapse(2) schedule(static) if (parallel_on)
	for (long i = 1; i < mc; i++)
		for (long j = 1; j < mc; j++)
			for (long k = 1; k < mc; k++) {
				double s = 0.0;
				for (int a = -1; a <= 1; a++)
					for (int b = -1; b <= 1; b++)
						for (int d = -1; d <= 1; d++)
							s += AT(r, m, 2 * i + a, 2 * j + b, 2 * k + d) /
							     (double)((1 << abs(a)) * (1 << abs(b)) * (1 << abs(d)));
				AT(c, mc, i, j, k) = s / 8.0;
			}
}

/* fine u (side m) += trilinear interpolation of coarse e (side m/2) */
static void prolong_add(long m, const double *e, double *u)
{
	long mc = m / 2;
#pragma omp parallel for collapse(2) schedule(static) if (parallel_on)
	for (long i = 1; i < m; i++)
		for (long j = 1; j < m; j++)
			for (long k = 1; k < m; k++) {
				long i0 = i / 2, j0 = j / 2, k0 = k / 2;
				long i1 = i0 + (i % 2), j1 = j0 + (j % 2), k1 = k0 + (k % 2);
				AT(u, m, i, j, k) += 0.125 * (AT(e, mc, i0, j0, k0) + AT(e, mc, i0, j0, k1) +
							      AT(e, mc, i0, j1, k0) + AT(e, mc, i0, j1, k1) +
							      AT(e, mc, i1, j0, k0) + AT(e, mc, i1, j0, k1) +
							      AT(e, mc, i1, j1, k0) + AT(e, mc, i1, j1, k1));
			}
}

/* level l: side m; u, f, r, tmp per level */
static void vcycle(int l, long m, double **u, double **f, double **r, double **tmp)
{
	for (int s = 0; s < SWEEPS; s++)
		smooth(m, u[l], f[l], tmp[l]);
	if (m <= 4)
		return;
	residual(m, u[l], f[l], r[l]);
	long mc = m / 2;
	size_t cells = (size_t)(mc + 1) * (size_t)(mc + 1) * (size_t)(mc + 1);
	memset(u[l + 1], 0, cells * sizeof(double));
	restrict_to(m, r[l], f[l + 1]);
	vcycle(l + 1, mc, u, f, r, tmp);
	prolong_add(m, u[l + 1], u[l]);
	for (int s = 0; s < SWEEPS; s++)
		smooth(m, u[l], f[l], tmp[l]);
}

static double norm(long m, const double *r)
{
	double s = 0.0;
	for (long i = 1; i < m; i++)
		for (long j = 1; j < m; j++)
			for (long k = 1; k < m; k++)
				s += AT(r, m, i, j, k) * AT(r, m, i, j, k);
	return sqrt(s);
}

struct levels {
	int count;
	double *u[12], *f[12], *r[12], *tmp[12];
};

static void alloc_levels(long n, struct levels *lv)
{
	lv->count = 0;
	for (long m = n; m >= 2; m /= 2) {
		size_t cells = (size_t)(m + 1) * (size_t)(m + 1) * (size_t)(m + 1);
		int l = lv->count++;
		lv->u[l] = wl_alloc(NAME, cells, sizeof(double));
		lv->f[l] = wl_alloc(NAME, cells, sizeof(double));
		lv->r[l] = wl_alloc(NAME, cells, sizeof(double));
		lv->tmp[l] = wl_alloc(NAME, cells, sizeof(double));
	}
	for (long i = 1; i < n; i++)
		for (long j = 1; j < n; j++)
			for (long k = 1; k < n; k++)
				AT(lv->f[0], n, i, j, k) = ((i * 7 + j * 13 + k * 3) % 17) / 17.0 - 0.4;
}

static void free_levels(struct levels *lv)
{
	for (int l = 0; l < lv->count; l++) {
		free(lv->u[l]);
		free(lv->f[l]);
		free(lv->r[l]);
		free(lv->tmp[l]);
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 16, 64, 256 });
	if (n < 8 || n > 1024 || (n & (n - 1)) != 0) {
		fprintf(stderr, NAME ": N must be a power of two in 8..1024\n");
		return 2;
	}
	struct levels a, b;
	alloc_levels(n, &a);
	alloc_levels(n, &b);
	residual(n, a.u[0], a.f[0], a.r[0]);
	double r0 = norm(n, a.r[0]);

	double t0 = wl_kernel_begin();
	for (int c = 0; c < CYCLES; c++)
		vcycle(0, n, a.u, a.f, a.r, a.tmp);
	double t1 = wl_kernel_end();

	parallel_on = 0;
	for (int c = 0; c < CYCLES; c++)
		vcycle(0, n, b.u, b.f, b.r, b.tmp);
	residual(n, a.u[0], a.f[0], a.r[0]);
	double r1 = norm(n, a.r[0]);
	int ok = r1 < r0 * pow(0.4, CYCLES);
	if (!ok)
		fprintf(stderr, NAME ": residual %.3g from %.3g in %d cycles\n", r1, r0, CYCLES);
	size_t cells = (size_t)(n + 1) * (size_t)(n + 1) * (size_t)(n + 1);
	for (size_t k = 0; k < cells && ok; k++)
		if (!wl_close(a.u[0][k], b.u[0][k], 1e-9)) {
			fprintf(stderr, NAME ": point %zu is %.17g, expected %.17g\n", k,
				a.u[0][k], b.u[0][k]);
			ok = 0;
		}
	free_levels(&a);
	free_levels(&b);
	return wl_report(NAME, n, t1 - t0, ok);
}
