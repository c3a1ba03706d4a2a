/* 3mm.c - PolyBench-style three matrix products G = (A*B)*(C*D), written
 * from the algorithm as an OpenMP workload.
 *
 * N is NI, the rows of A (NI x NK), E = A*B (NI x NJ) and G = E*F (NI x NL);
 * NJ = 9N/8, NK = 5N/4, NL = 11N/8, NM = 3N/2; B is NK x NJ, C is NJ x NM,
 * D is NM x NL and F = C*D is NJ x NL.
 * Parallelisation: one parallel region with three `omp for` loops (static
 * schedule) over output rows, one dot product per element (i-j-k order).
 * The loops are `nowait`: E and F are independent, so one explicit barrier
 * after both orders them before G = E*F, and the end of the region waits
 * for G.  Every element has one writer.
 * Check: a serial i-k-j (row-update) implementation into separate arrays;
 * the association differs, so elements are compared with wl_close.
 */
#include "wl.h"

#define NAME "3mm"
#define TOL 1e-9

struct dims {
	long ni, nj, nk, nl, nm;
};

struct mats {
	double *a, *b, *c, *d, *e, *f, *g;
};

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

/* Closed-form fill of an r x c matrix with values in [0, 1). */
static void fill(double *m, long r, long c, long mul, long add, long mod)
{
	for (long i = 0; i < r; i++)
		for (long j = 0; j < c; j++)
			m[i * c + j] = (double)((i * (j + mul) + add) % mod) /
				       (double)(5 * mod);
}

/* One product out = x * y (x is r x inner, y is inner x c), its rows
 * shared out among the team; no barrier: the caller places them. */
static void product_rows(long r, long inner, long c, double (*x)[inner],
			 double (*y)[c], double (*out)[c])
{
#pragma omp for schedule(static) nowait
	for (long i = 0; i < r; i++)
		for (long j = 0; j < c; j++) {
			double s = 0.0;
			for (long k = 0; k < inner; k++)
				s += x[i][k] * y[k][j];
			out[i][j] = s;
		}
}

static void kernel(struct dims d, struct mats m)
{
#pragma omp parallel
	{
		/* E = A*B and F = C*D need nothing from each other. */
		product_rows(d.ni, d.nk, d.nj, (double (*)[d.nk])m.a,
			     (double (*)[d.nj])m.b, (double (*)[d.nj])m.e);
		product_rows(d.nj, d.nm, d.nl, (double (*)[d.nm])m.c,
			     (double (*)[d.nl])m.d, (double (*)[d.nl])m.f);
#pragma omp barrier
		product_rows(d.ni, d.nj, d.nl, (double (*)[d.nj])m.e,
			     (double (*)[d.nl])m.f, (double (*)[d.nl])m.g);
	}
}

/* Serial reference product, row updates (i-k-j). */
static void ref_product(long r, long inner, long c, const double *x,
			const double *y, double *out)
{
	for (long i = 0; i < r; i++) {
		for (long j = 0; j < c; j++)
			out[i * c + j] = 0.0;
		for (long k = 0; k < inner; k++) {
			double xik = x[i * inner + k];
			for (long j = 0; j < c; j++)
				out[i * c + j] += xik * y[k * c + j];
		}
	}
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

static double *mat(long r, long c)
{
	return wl_alloc(NAME, (size_t)r * (size_t)c, sizeof(double));
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 72, 230, 720 });
	struct dims d = { n, scaled(n, 9, 8), scaled(n, 5, 4),
			  scaled(n, 11, 8), scaled(n, 3, 2) };
	struct mats m = { mat(d.ni, d.nk), mat(d.nk, d.nj), mat(d.nj, d.nm),
			  mat(d.nm, d.nl), mat(d.ni, d.nj), mat(d.nj, d.nl),
			  mat(d.ni, d.nl) };
	struct mats r = { NULL, NULL, NULL, NULL, mat(d.ni, d.nj),
			  mat(d.nj, d.nl), mat(d.ni, d.nl) };

	fill(m.a, d.ni, d.nk, 1, 1, d.ni);
	fill(m.b, d.nk, d.nj, 2, 0, d.nj);
	fill(m.c, d.nj, d.nm, 4, 0, d.nl);
	fill(m.d, d.nm, d.nl, 3, 2, d.nk);

	double t0 = wl_kernel_begin();
	kernel(d, m);
	double t1 = wl_kernel_end();

	ref_product(d.ni, d.nk, d.nj, m.a, m.b, r.e);
	ref_product(d.nj, d.nm, d.nl, m.c, m.d, r.f);
	ref_product(d.ni, d.nj, d.nl, r.e, r.f, r.g);
	int ok = check_close(m.e, r.e, (size_t)d.ni * (size_t)d.nj) &&
		 check_close(m.f, r.f, (size_t)d.nj * (size_t)d.nl) &&
		 check_close(m.g, r.g, (size_t)d.ni * (size_t)d.nl);

	free(m.a);
	free(m.b);
	free(m.c);
	free(m.d);
	free(m.e);
	free(m.f);
	free(m.g);
	free(r.e);
	free(r.f);
	free(r.g);
	return wl_report(NAME, n, t1 - t0, ok);
}
