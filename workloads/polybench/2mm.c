/* 2mm.c - PolyBench-style two chained matrix products
 * D = alpha*A*B*C + beta*D, written from the algorithm as an OpenMP workload.
 *
 * N is NI, the rows of A (NI x NK), tmp (NI x NJ) and D (NI x NL); NJ = 9N/8,
 * NK = 11N/8, NL = 3N/2, B is NK x NJ and C is NJ x NL.
 * Parallelisation: one parallel region with two `omp for` loops (static
 * schedule) over the rows i: first tmp = alpha*A*B, then D = beta*D + tmp*C,
 * both as one dot product per element (i-j-k order).  Every element has one
 * writer; the barrier between the loops orders tmp before its use.
 * Check: a serial i-k-j (row-update) implementation on a fresh copy of D;
 * the association differs, so elements are compared with wl_close.
 */
#include "wl.h"

#define NAME "2mm"
#define TOL 1e-9

static const double alpha = 1.5;
static const double beta = 1.2;

struct dims {
	long ni, nj, nk, nl;
};

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

static void init(struct dims d, double (*a)[d.nk], double (*b)[d.nj],
		 double (*c)[d.nl], double (*dm)[d.nl])
{
	for (long i = 0; i < d.ni; i++)
		for (long k = 0; k < d.nk; k++)
			a[i][k] = (double)((i * k + 1) % d.ni) / (double)d.ni;
	for (long k = 0; k < d.nk; k++)
		for (long j = 0; j < d.nj; j++)
			b[k][j] = (double)((k * (j + 1)) % d.nj) / (double)d.nj;
	for (long j = 0; j < d.nj; j++)
		for (long l = 0; l < d.nl; l++)
			c[j][l] = (double)((j * (l + 3) + 1) % d.nl) /
				  (double)d.nl;
	for (long i = 0; i < d.ni; i++)
		for (long l = 0; l < d.nl; l++)
			dm[i][l] = (double)((i * (l + 2)) % d.nk) / (double)d.nk;
}

static void kernel(struct dims d, double (*a)[d.nk], double (*b)[d.nj],
		   double (*c)[d.nl], double (*dm)[d.nl], double (*tmp)[d.nj])
{
#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long i = 0; i < d.ni; i++)
			for (long j = 0; j < d.nj; j++) {
				double s = 0.0;
				for (long k = 0; k < d.nk; k++)
					s += alpha * a[i][k] * b[k][j];
				tmp[i][j] = s;
			}
#pragma omp for schedule(static)
		for (long i = 0; i < d.ni; i++)
			for (long l = 0; l < d.nl; l++) {
				double s = dm[i][l] * beta;
				for (long j = 0; j < d.nj; j++)
					s += tmp[i][j] * c[j][l];
				dm[i][l] = s;
			}
	}
}

/* Serial reference: row updates (i-k-j), a different summation shape. */
static void reference(struct dims d, double (*a)[d.nk], double (*b)[d.nj],
		      double (*c)[d.nl], double (*dm)[d.nl],
		      double (*tmp)[d.nj])
{
	for (long i = 0; i < d.ni; i++) {
		for (long j = 0; j < d.nj; j++)
			tmp[i][j] = 0.0;
		for (long k = 0; k < d.nk; k++)
			for (long j = 0; j < d.nj; j++)
				tmp[i][j] += alpha * a[i][k] * b[k][j];
		for (long l = 0; l < d.nl; l++)
			dm[i][l] *= beta;
		for (long j = 0; j < d.nj; j++)
			for (long l = 0; l < d.nl; l++)
				dm[i][l] += tmp[i][j] * c[j][l];
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

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 80, 250, 800 });
	struct dims d = { n, scaled(n, 9, 8), scaled(n, 11, 8),
			  scaled(n, 3, 2) };
	size_t nd = (size_t)d.ni * (size_t)d.nl;

	double *a = wl_alloc(NAME, (size_t)d.ni * (size_t)d.nk, sizeof(double));
	double *b = wl_alloc(NAME, (size_t)d.nk * (size_t)d.nj, sizeof(double));
	double *c = wl_alloc(NAME, (size_t)d.nj * (size_t)d.nl, sizeof(double));
	double *dm = wl_alloc(NAME, nd, sizeof(double));
	double *tmp = wl_alloc(NAME, (size_t)d.ni * (size_t)d.nj, sizeof(double));
	double *dref = wl_alloc(NAME, nd, sizeof(double));

	init(d, (double (*)[d.nk])a, (double (*)[d.nj])b,
	     (double (*)[d.nl])c, (double (*)[d.nl])dm);
	memcpy(dref, dm, nd * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(d, (double (*)[d.nk])a, (double (*)[d.nj])b,
	       (double (*)[d.nl])c, (double (*)[d.nl])dm,
	       (double (*)[d.nj])tmp);
	double t1 = wl_kernel_end();

	reference(d, (double (*)[d.nk])a, (double (*)[d.nj])b,
		  (double (*)[d.nl])c, (double (*)[d.nl])dref,
		  (double (*)[d.nj])tmp);
	int ok = check_close(dm, dref, nd);

	free(a);
	free(b);
	free(c);
	free(dm);
	free(tmp);
	free(dref);
	return wl_report(NAME, n, t1 - t0, ok);
}
