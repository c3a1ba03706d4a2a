/* doitgen.c - PolyBench-style multi-resolution analysis kernel (MADNESS
 * "doitgen"): every row A[r][q][:] of a 3-D array is replaced by its product
 * with a matrix C4, written from the algorithm as an OpenMP workload.
 *
 * N is NR; NQ = 15N/14 and NP = 8N/7, A is NR x NQ x NP and C4 is NP x NP.
 * Parallelisation: one parallel region; an `omp for collapse(2)` (static
 * schedule) over (r, q).  A row's product A[r][q][:] * C4 is gathered in
 * the thread's own NP-long sum buffer (one slice per thread of a buffer
 * allocated before the timed region) and then written back over that row,
 * which no other iteration touches.
 * Check: a serial implementation that accumulates each row as a linear
 * combination of C4's rows (k outer, p inner) on a fresh copy of A,
 * compared with wl_close.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "doitgen"
#define TOL 1e-9

struct dims {
	long nr, nq, np;
};

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

/* Element count of A; exits 1 when it cannot be addressed at all. */
static size_t cells3(struct dims d)
{
	size_t rq = (size_t)d.nr * (size_t)d.nq;
	if (rq > SIZE_MAX / sizeof(double) / (size_t)d.np) {
		fprintf(stderr, NAME ": size %ld is too large\n", d.nr);
		exit(1);
	}
	return rq * (size_t)d.np;
}

static void init(struct dims d, double (*a)[d.nq][d.np], double (*c4)[d.np])
{
	for (long r = 0; r < d.nr; r++)
		for (long q = 0; q < d.nq; q++)
			for (long p = 0; p < d.np; p++)
				a[r][q][p] = (double)((r * q + p) % d.np) /
					     (double)d.np;
	for (long k = 0; k < d.np; k++)
		for (long p = 0; p < d.np; p++)
			c4[k][p] = (double)((k * p) % d.np) / (double)d.np;
}

/* sums holds NP doubles for each of omp_get_max_threads() threads. */
static void kernel(struct dims d, double (*a)[d.nq][d.np], double (*c4)[d.np],
		   double *sums)
{
#pragma omp parallel
	{
		double *sum = sums + (size_t)omp_get_thread_num() * (size_t)d.np;

#pragma omp for collapse(2) schedule(static)
		for (long r = 0; r < d.nr; r++)
			for (long q = 0; q < d.nq; q++) {
				for (long p = 0; p < d.np; p++) {
					double s = 0.0;
					for (long k = 0; k < d.np; k++)
						s += a[r][q][k] * c4[k][p];
					sum[p] = s;
				}
				for (long p = 0; p < d.np; p++)
					a[r][q][p] = sum[p];
			}
	}
}

static void reference(struct dims d, double (*a)[d.nq][d.np],
		      double (*c4)[d.np], double *acc)
{
	for (long r = 0; r < d.nr; r++)
		for (long q = 0; q < d.nq; q++) {
			for (long p = 0; p < d.np; p++)
				acc[p] = 0.0;
			for (long k = 0; k < d.np; k++) {
				double ak = a[r][q][k];
				for (long p = 0; p < d.np; p++)
					acc[p] += ak * c4[k][p];
			}
			for (long p = 0; p < d.np; p++)
				a[r][q][p] = acc[p];
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
			       (struct wl_sizes){ 30, 80, 220 });
	struct dims d = { n, scaled(n, 15, 14), scaled(n, 8, 7) };
	size_t cells = cells3(d);

	double *a = wl_alloc(NAME, cells, sizeof(double));
	double *aref = wl_alloc(NAME, cells, sizeof(double));
	double *c4 = wl_alloc(NAME, (size_t)d.np * (size_t)d.np, sizeof(double));
	double *sums = wl_alloc(NAME, (size_t)omp_get_max_threads() * (size_t)d.np,
				sizeof(double));
	double *acc = wl_alloc(NAME, (size_t)d.np, sizeof(double));

	init(d, (double (*)[d.nq][d.np])a, (double (*)[d.np])c4);
	memcpy(aref, a, cells * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(d, (double (*)[d.nq][d.np])a, (double (*)[d.np])c4, sums);
	double t1 = wl_kernel_end();

	reference(d, (double (*)[d.nq][d.np])aref, (double (*)[d.np])c4, acc);
	int ok = check_close(a, aref, cells);

	free(a);
	free(aref);
	free(c4);
	free(sums);
	free(acc);
	return wl_report(NAME, n, t1 - t0, ok);
}
