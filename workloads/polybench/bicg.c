/* bicg.c - PolyBench-style BiCG sub-kernel: s = A^T r and q = A p, the two
 * matrix-vector products of one BiConjugate Gradient step, written from the
 * algorithm as an OpenMP workload.
 *
 * N is the number of rows of A (length of r and q); A has M = 9N/10 columns
 * (length of p and s).
 * Parallelisation: one parallel region with two independent `omp for` loops
 * (static schedule).  q = A p is one dot product per row i; it is `nowait`
 * because s does not need it.  s = A^T r is split into blocks of BICG_BLOCK
 * columns: a thread owns a block of s and streams the matching row segments
 * of A (unit stride) over all i, so no two threads write the same s[j] and
 * no reduction is needed.
 * Check: a serial implementation in the fused PolyBench shape (one sweep of
 * A updating s and q together), compared with wl_close.
 */
#include "wl.h"

#define NAME "bicg"
#define TOL 1e-9
/* 256 doubles of s (2 KiB) stay in L1 while A's rows stream past. */
#define BICG_BLOCK 256

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

static void init(long n, long m, double (*a)[m], double *r, double *p)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < m; j++)
			a[i][j] = (double)((i * (j + 1)) % n) / (double)n;
	for (long i = 0; i < n; i++)
		r[i] = 3.14 * (double)i / (double)n;
	for (long j = 0; j < m; j++)
		p[j] = (double)j / (double)m;
}

static void kernel(long n, long m, double (*a)[m], const double *r,
		   const double *p, double *s, double *q)
{
	long nblocks = (m + BICG_BLOCK - 1) / BICG_BLOCK;

#pragma omp parallel
	{
#pragma omp for schedule(static) nowait
		for (long i = 0; i < n; i++) {
			double acc = 0.0;
			for (long j = 0; j < m; j++)
				acc += a[i][j] * p[j];
			q[i] = acc;
		}
#pragma omp for schedule(static)
		for (long blk = 0; blk < nblocks; blk++) {
			long lo = blk * BICG_BLOCK;
			long hi = lo + BICG_BLOCK < m ? lo + BICG_BLOCK : m;
			for (long j = lo; j < hi; j++)
				s[j] = 0.0;
			for (long i = 0; i < n; i++)
				for (long j = lo; j < hi; j++)
					s[j] += r[i] * a[i][j];
		}
	}
}

static void reference(long n, long m, double (*a)[m], const double *r,
		      const double *p, double *s, double *q)
{
	for (long j = 0; j < m; j++)
		s[j] = 0.0;
	for (long i = 0; i < n; i++) {
		q[i] = 0.0;
		for (long j = 0; j < m; j++) {
			s[j] += r[i] * a[i][j];
			q[i] += a[i][j] * p[j];
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

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 400, 4000, 16000 });
	long m = scaled(n, 9, 10);

	double *a = wl_alloc(NAME, (size_t)n * (size_t)m, sizeof(double));
	double *r = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *p = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *s = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *q = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *sref = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *qref = wl_alloc(NAME, (size_t)n, sizeof(double));

	init(n, m, (double (*)[m])a, r, p);

	double t0 = wl_kernel_begin();
	kernel(n, m, (double (*)[m])a, r, p, s, q);
	double t1 = wl_kernel_end();

	reference(n, m, (double (*)[m])a, r, p, sref, qref);
	int ok = check_close(s, sref, (size_t)m) &&
		 check_close(q, qref, (size_t)n);

	free(a);
	free(r);
	free(p);
	free(s);
	free(q);
	free(sref);
	free(qref);
	return wl_report(NAME, n, t1 - t0, ok);
}
