/* spmv-csr-dyn.c - repeated sparse matrix-vector products y = A*x with A in CSR
 * form, rows of power-law lengths; the dynamic-schedule version.
 * Manifest: kind sparse, group spmv.
 *
 * N is the number of rows (and columns); rows hold 2 to ~2000 nonzeros
 * (about 18 on average), the columns spread around the diagonal and over
 * the whole matrix; 40 products, each scaled so x stays bounded.
 * Parallelisation: one worksharing loop over the rows per product with
 * schedule(dynamic, 64): rows handed out in chunks as threads free up, balancing the uneven row lengths.
 * Check: a serial product in the same order gives the same vector, to 1e-12.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "spmv-csr-dyn"
#define ITERS 40

static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct csr {
	long n;
	long *off;
	int *col;
	double *val;
};

/* Row lengths 2 + a Pareto-like tail; half the columns near the diagonal,
 * half anywhere; values make every row sum to 1 in absolute value. */
static void build(long n, struct csr *a)
{
	uint64_t s = 99;
	a->n = n;
	a->off = wl_alloc(NAME, (size_t)n + 1, sizeof(long));
	for (long i = 0; i < n; i++) {
		double r = (double)(mix64(&s) >> 11) * 0x1.0p-53;
		long len = 2 + (long)(4.0 / pow(1.0 - r * 0.999999, 0.8)) - 4;
		if (len > 2000)
			len = 2000;
		if (len > n)
			len = n;
		a->off[i + 1] = a->off[i] + len;
	}
	a->col = wl_alloc(NAME, (size_t)a->off[n], sizeof(int));
	a->val = wl_alloc(NAME, (size_t)a->off[n], sizeof(double));
	for (long i = 0; i < n; i++) {
		long len = a->off[i + 1] - a->off[i];
		for (long k = a->off[i]; k < a->off[i + 1]; k++) {
			uint64_t r = mix64(&s);
			long j = (r & 1) ? (long)((r >> 8) % (uint64_t)n)
					 : (i + (long)((r >> 8) % 64) - 32 + n) % n;
			a->col[k] = (int)j;
			a->val[k] = ((r >> 40) & 1 ? 1.0 : -0.5) / (double)len;
		}
	}
}

static void kernel(const struct csr *a, double *x, double *y)
{
	for (int it = 0; it < ITERS; it++) {
#pragma omp parallel for schedule(dynamic, 64)
		for (long i = 0; i < a->n; i++) {
			double s = 0.0;
			for (long k = a->off[i]; k < a->off[i + 1]; k++)
				s += a->val[k] * x[a->col[k]];
			y[i] = 0.5 + s;
		}
		double *t = x;
		x = y;
		y = t;
	}
}

static void serial(const struct csr *a, double *x, double *y)
{
	for (int it = 0; it < ITERS; it++) {
		for (long i = 0; i < a->n; i++) {
			double s = 0.0;
			for (long k = a->off[i]; k < a->off[i + 1]; k++)
				s += a->val[k] * x[a->col[k]];
			y[i] = 0.5 + s;
		}
		double *t = x;
		x = y;
		y = t;
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 5000, 30000, 8000000 });
	struct csr a;
	build(n, &a);
	double *x = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *y = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *rx = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *ry = wl_alloc(NAME, (size_t)n, sizeof(double));
	for (long i = 0; i < n; i++)
		x[i] = rx[i] = (double)(i % 17) / 17.0;

	double t0 = wl_kernel_begin();
	kernel(&a, x, y);
	double t1 = wl_kernel_end();

	serial(&a, rx, ry);
	/* ITERS is even: both results are back in x and rx */
	int ok = 1;
	for (long i = 0; i < n && ok; i++)
		if (!wl_close(x[i], rx[i], 1e-12)) {
			fprintf(stderr, NAME ": x[%ld] = %.17g, expected %.17g\n", i,
				x[i], rx[i]);
			ok = 0;
		}
	free(a.off);
	free(a.col);
	free(a.val);
	free(x);
	free(y);
	free(rx);
	free(ry);
	return wl_report(NAME, n, t1 - t0, ok);
}
