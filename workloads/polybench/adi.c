/* adi.c - PolyBench-style Alternating Direction Implicit solver for the 2-D
 * heat equation (Peaceman-Rachford), written from the algorithm as an
 * OpenMP workload.
 *
 * N is the grid size (N x N points, fixed Dirichlet boundary); the program
 * runs T = N/2 time steps.  Each step is two half steps: one implicit along
 * the rows (a tridiagonal system per row i, explicit in i) and one implicit
 * along the columns (a system per column j, explicit in j), each solved by
 * forward elimination and back substitution (Thomas algorithm).
 * Parallelisation: one parallel region; in every half step an `omp for`
 * (static schedule) hands out the independent lines.  A line's elimination
 * coefficients live in its own row of p and q, a row sweep writes only its
 * row of v and reads u, a column sweep writes only its column of u and reads
 * v, so the implicit barriers between half steps are the only ordering.
 * Check: a serial Thomas solver in the textbook c'/d' form with the boundary
 * folded into the right-hand side (different rounding), compared with
 * wl_close.
 */
#include "wl.h"

#define NAME "adi"
#define TOL 1e-9

/* Diffusivity; with dx = 1/(N-1) and dt = 1/T the half-step ratio r is large,
 * which ADI tolerates (unconditionally stable). */
#define DIFFUSIVITY 0.01

static double ratio(long n, long tsteps)
{
	double dx = 1.0 / (double)(n > 1 ? n - 1 : 1);
	double dt = 1.0 / (double)tsteps;
	return DIFFUSIVITY * dt / (2.0 * dx * dx);
}

static void init(long n, double (*u)[n])
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			u[i][j] = (double)(i + n - j) / (double)n;
}

/* Implicit along each row: x[i][j] = q[i][j] - p[i][j] * x[i][j+1]. */
static void row_sweep(long n, double r, double (*u)[n], double (*v)[n],
		      double (*p)[n], double (*q)[n])
{
	double b = 1.0 + 2.0 * r;

#pragma omp for schedule(static)
	for (long i = 1; i < n - 1; i++) {
		p[i][0] = 0.0;
		q[i][0] = v[i][0];
		for (long j = 1; j < n - 1; j++) {
			double rhs = r * u[i - 1][j] + (1.0 - 2.0 * r) * u[i][j] +
				     r * u[i + 1][j];
			double den = b + r * p[i][j - 1];
			p[i][j] = -r / den;
			q[i][j] = (rhs + r * q[i][j - 1]) / den;
		}
		for (long j = n - 2; j >= 1; j--)
			v[i][j] = q[i][j] - p[i][j] * v[i][j + 1];
	}
}

/* Implicit along each column; line j keeps its coefficients in p[j], q[j]. */
static void column_sweep(long n, double r, double (*v)[n], double (*u)[n],
			 double (*p)[n], double (*q)[n])
{
	double b = 1.0 + 2.0 * r;

#pragma omp for schedule(static)
	for (long j = 1; j < n - 1; j++) {
		p[j][0] = 0.0;
		q[j][0] = u[0][j];
		for (long i = 1; i < n - 1; i++) {
			double rhs = r * v[i][j - 1] + (1.0 - 2.0 * r) * v[i][j] +
				     r * v[i][j + 1];
			double den = b + r * p[j][i - 1];
			p[j][i] = -r / den;
			q[j][i] = (rhs + r * q[j][i - 1]) / den;
		}
		for (long i = n - 2; i >= 1; i--)
			u[i][j] = q[j][i] - p[j][i] * u[i + 1][j];
	}
}

static void kernel(long n, long tsteps, double (*u)[n], double (*v)[n],
		   double (*p)[n], double (*q)[n])
{
	double r = ratio(n, tsteps);

#pragma omp parallel
	for (long t = 0; t < tsteps; t++) {
		row_sweep(n, r, u, v, p, q);
		column_sweep(n, r, v, u, p, q);
	}
}

/* Textbook Thomas solve of -r x[k-1] + (1+2r) x[k] - r x[k+1] = d[k] for
 * k = 1..m-2, with x[0] and x[m-1] given; cp and dp are scratch. */
static void thomas(long m, double r, const double *d, double *x, double *cp,
		   double *dp)
{
	double a = -r, b = 1.0 + 2.0 * r, c = -r;

	for (long k = 1; k < m - 1; k++) {
		double dk = d[k];
		if (k == 1)
			dk -= a * x[0];
		if (k == m - 2)
			dk -= c * x[m - 1];
		if (k == 1) {
			cp[k] = c / b;
			dp[k] = dk / b;
		} else {
			double den = b - a * cp[k - 1];
			cp[k] = c / den;
			dp[k] = (dk - a * dp[k - 1]) / den;
		}
	}
	if (m >= 3)
		x[m - 2] = dp[m - 2];
	for (long k = m - 3; k >= 1; k--)
		x[k] = dp[k] - cp[k] * x[k + 1];
}

static void reference(long n, long tsteps, double *u, double *v)
{
	double r = ratio(n, tsteps);
	double *d = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *x = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *cp = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *dp = wl_alloc(NAME, (size_t)n, sizeof(double));

	for (long t = 0; t < tsteps; t++) {
		for (long i = 1; i < n - 1; i++) {
			for (long j = 0; j < n; j++) {
				d[j] = r * u[(i - 1) * n + j] +
				       (1.0 - 2.0 * r) * u[i * n + j] +
				       r * u[(i + 1) * n + j];
				x[j] = v[i * n + j];
			}
			thomas(n, r, d, x, cp, dp);
			for (long j = 1; j < n - 1; j++)
				v[i * n + j] = x[j];
		}
		for (long j = 1; j < n - 1; j++) {
			for (long i = 0; i < n; i++) {
				d[i] = r * v[i * n + j - 1] +
				       (1.0 - 2.0 * r) * v[i * n + j] +
				       r * v[i * n + j + 1];
				x[i] = u[i * n + j];
			}
			thomas(n, r, d, x, cp, dp);
			for (long i = 1; i < n - 1; i++)
				u[i * n + j] = x[i];
		}
	}
	free(d);
	free(x);
	free(cp);
	free(dp);
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
			       (struct wl_sizes){ 60, 160, 600 });
	long tsteps = n / 2 > 0 ? n / 2 : 1;
	size_t cells = (size_t)n * (size_t)n;

	double *u = wl_alloc(NAME, cells, sizeof(double));
	double *v = wl_alloc(NAME, cells, sizeof(double));
	double *p = wl_alloc(NAME, cells, sizeof(double));
	double *q = wl_alloc(NAME, cells, sizeof(double));
	double *uref = wl_alloc(NAME, cells, sizeof(double));
	double *vref = wl_alloc(NAME, cells, sizeof(double));

	/* v starts as u so that its boundary (never solved for) is u's. */
	init(n, (double (*)[n])u);
	memcpy(v, u, cells * sizeof(double));
	memcpy(uref, u, cells * sizeof(double));
	memcpy(vref, u, cells * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(n, tsteps, (double (*)[n])u, (double (*)[n])v, (double (*)[n])p,
	       (double (*)[n])q);
	double t1 = wl_kernel_end();

	reference(n, tsteps, uref, vref);
	int ok = check_close(u, uref, cells) && check_close(v, vref, cells);

	free(u);
	free(v);
	free(p);
	free(q);
	free(uref);
	free(vref);
	return wl_report(NAME, n, t1 - t0, ok);
}
