/* cg.c - conjugate gradient on the 2-D Poisson problem (5-point Laplacian
 * on an N x N grid, Dirichlet boundary) stored as a CSR sparse matrix.
 * Manifest: kind sparse, group cg.
 *
 * N is the grid side (N*N unknowns); 120 CG iterations from x = 0.
 * Parallelisation: each iteration is one SpMV worksharing loop, two dot
 * products as reductions (+) and two vector updates, all in one parallel
 * region per iteration (the loops' barriers separate them).
 * Check: a serial CG (the dot products associate differently) gives the same
 * residual norm to 1e-6 and the same x to 1e-6 of its largest entry; the
 * residual b - A*x recomputed from x matches the iterated one.
 */
#include "wl.h"

#define NAME "cg"
#define ITERS 120

struct csr {
	long n;
	long *off;
	int *col;
	double *val;
};

static void laplacian(long side, struct csr *a)
{
	long n = side * side;
	a->n = n;
	a->off = wl_alloc(NAME, (size_t)n + 1, sizeof(long));
	a->col = wl_alloc(NAME, (size_t)n * 5, sizeof(int));
	a->val = wl_alloc(NAME, (size_t)n * 5, sizeof(double));
	long k = 0;
	for (long i = 0; i < side; i++)
		for (long j = 0; j < side; j++) {
			long r = i * side + j;
			a->off[r] = k;
			if (i > 0) { a->col[k] = (int)(r - side); a->val[k++] = -1.0; }
			if (j > 0) { a->col[k] = (int)(r - 1); a->val[k++] = -1.0; }
			a->col[k] = (int)r;
			a->val[k++] = 4.0;
			if (j < side - 1) { a->col[k] = (int)(r + 1); a->val[k++] = -1.0; }
			if (i < side - 1) { a->col[k] = (int)(r + side); a->val[k++] = -1.0; }
		}
	a->off[n] = k;
}

/* Returns the final residual norm; x, r, p, q are n-vectors. */
static double cg(const struct csr *a, const double *b, double *x, double *r,
		 double *p, double *q)
{
	long n = a->n;
	double rr = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : rr)
	for (long i = 0; i < n; i++) {
		x[i] = 0.0;
		r[i] = b[i];
		p[i] = b[i];
		rr += b[i] * b[i];
	}
	for (int it = 0; it < ITERS; it++) {
		double pq = 0.0, rr_new = 0.0;
#pragma omp parallel
		{
#pragma omp for schedule(static) reduction(+ : pq)
			for (long i = 0; i < n; i++) {
				double s = 0.0;
				for (long k = a->off[i]; k < a->off[i + 1]; k++)
					s += a->val[k] * p[a->col[k]];
				q[i] = s;
				pq += p[i] * s;
			}
			double alpha = rr / pq;
#pragma omp for schedule(static) reduction(+ : rr_new)
			for (long i = 0; i < n; i++) {
				x[i] += alpha * p[i];
				r[i] -= alpha * q[i];
				rr_new += r[i] * r[i];
			}
			double beta = rr_new / rr;
#pragma omp for schedule(static)
			for (long i = 0; i < n; i++)
				p[i] = r[i] + beta * p[i];
		}
		rr = rr_new;
	}
	return sqrt(rr);
}

static double cg_serial(const struct csr *a, const double *b, double *x,
			double *r, double *p, double *q)
{
	long n = a->n;
	double rr = 0.0;
	for (long i = 0; i < n; i++) {
		x[i] = 0.0;
		r[i] = p[i] = b[i];
		rr += b[i] * b[i];
	}
	for (int it = 0; it < ITERS; it++) {
		double pq = 0.0, rr_new = 0.0;
		for (long i = 0; i < n; i++) {
			double s = 0.0;
			for (long k = a->off[i]; k < a->off[i + 1]; k++)
				s += a->val[k] * p[a->col[k]];
			q[i] = s;
			pq += p[i] * s;
		}
		for (long i = 0; i < n; i++) {
			x[i] += rr / pq * p[i];
			r[i] -= rr / pq * q[i];
			rr_new += r[i] * r[i];
		}
		for (long i = 0; i < n; i++)
			p[i] = r[i] + rr_new / rr * p[i];
		rr = rr_new;
	}
	return sqrt(rr);
}

int main(int argc, char **argv)
{
	long side = wl_parse_size(argc, argv, NAME,
				  (struct wl_sizes){ 40, 150, 3000 });
	if (side < 3) {
		fprintf(stderr, NAME ": N must be at least 3\n");
		return 2;
	}
	struct csr a;
	laplacian(side, &a);
	long n = a.n;
	double *v[9];
	for (int k = 0; k < 9; k++)
		v[k] = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *b = v[0];
	for (long i = 0; i < n; i++)
		b[i] = 1.0 + (double)(i % 7) / 7.0;

	double t0 = wl_kernel_begin();
	double res = cg(&a, b, v[1], v[2], v[3], v[4]);
	double t1 = wl_kernel_end();

	double want = cg_serial(&a, b, v[5], v[6], v[7], v[8]);
	double xmax = 0.0, bnorm = 0.0, tnorm = 0.0;
	for (long i = 0; i < n; i++) {
		xmax = fmax(xmax, fabs(v[5][i]));
		bnorm += b[i] * b[i];
	}
	int ok = wl_close(res, want, 1e-6 * want + 1e-300);
	for (long i = 0; i < n && ok; i++) {
		double s = 0.0;
		for (long k = a.off[i]; k < a.off[i + 1]; k++)
			s += a.val[k] * v[1][a.col[k]];
		tnorm += (b[i] - s) * (b[i] - s);
		if (fabs(v[1][i] - v[5][i]) > 1e-6 * xmax) {
			fprintf(stderr, NAME ": x[%ld] = %.17g, expected %.17g\n", i,
				v[1][i], v[5][i]);
			ok = 0;
		}
	}
	if (ok && fabs(sqrt(tnorm) - res) > 1e-6 * sqrt(bnorm)) {
		fprintf(stderr, NAME ": true residual %.6g, iterated %.6g\n",
			sqrt(tnorm), res);
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, NAME ": residual %.17g, serial %.17g\n", res, want);
	for (int k = 0; k < 9; k++)
		free(v[k]);
	free(a.off);
	free(a.col);
	free(a.val);
	return wl_report(NAME, side, t1 - t0, ok);
}
