/* gramschmidt.c - PolyBench-style gramschmidt: QR factorisation A = Q*R of a
 * dense M x N matrix (M >= N) by modified Gram-Schmidt, as OpenMP loops.
 *
 * N (the primary dimension) is the number of columns; M = N + N/4 rows. The
 * matrix is 2*I plus small terms, so it has full column rank and the
 * orthogonalisation stays well conditioned.
 * Parallelisation: column k must be finished before it is used (a true
 * dependence), so the k loop stays serial inside one parallel region. Per k:
 * an `omp for reduction(+:nrm)` forms the squared norm of column k, an
 * `omp for` writes Q's column k, and an `omp for schedule(static)` over the
 * remaining columns j > k computes R[k][j] and updates column j (each column
 * is owned by one thread). The loops' barriers order the phases.
 * Check: a serial modified Gram-Schmidt of the same matrix, compared on Q and
 * R with relative tolerance 1e-9 (the norm reduction sums in another order).
 */
#include "wl.h"

#define NAME "gramschmidt"
#define TOL 1e-9

static const struct wl_sizes SIZES = {
	.tiny = 80, .small = 360, .standard = 1000
};

static void init(long m, long n, double *a)
{
	for (long i = 0; i < m; i++)
		for (long j = 0; j < n; j++)
			a[i * n + j] = (i == j ? 2.0 : 0.0) +
				       (double)((i * j + 1) % m) /
					       ((double)m * (double)n);
}

static void gramschmidt_par(long m, long n, double *a, double *q, double *r)
{
	double nrm = 0.0;
#pragma omp parallel
	for (long k = 0; k < n; k++) {
#pragma omp for schedule(static) reduction(+ : nrm)
		for (long i = 0; i < m; i++)
			nrm += a[i * n + k] * a[i * n + k];
		double rkk = sqrt(nrm); /* every thread reads the total */
#pragma omp for schedule(static)
		for (long i = 0; i < m; i++)
			q[i * n + k] = a[i * n + k] / rkk;
		/* All threads have read nrm (barrier above): reset it. */
#pragma omp single
		{
			r[k * n + k] = rkk;
			nrm = 0.0;
		}
#pragma omp for schedule(static)
		for (long j = k + 1; j < n; j++) {
			double s = 0.0;
			for (long i = 0; i < m; i++)
				s += q[i * n + k] * a[i * n + j];
			r[k * n + j] = s;
			for (long i = 0; i < m; i++)
				a[i * n + j] -= q[i * n + k] * s;
		}
	}
}

static void gramschmidt_ref(long m, long n, double *a, double *q, double *r)
{
	for (long k = 0; k < n; k++) {
		double nrm = 0.0;
		for (long i = 0; i < m; i++)
			nrm += a[i * n + k] * a[i * n + k];
		r[k * n + k] = sqrt(nrm);
		for (long i = 0; i < m; i++)
			q[i * n + k] = a[i * n + k] / r[k * n + k];
		for (long j = k + 1; j < n; j++) {
			r[k * n + j] = 0.0;
			for (long i = 0; i < m; i++)
				r[k * n + j] += q[i * n + k] * a[i * n + j];
			for (long i = 0; i < m; i++)
				a[i * n + j] = a[i * n + j] -
					       q[i * n + k] * r[k * n + j];
		}
	}
}

/* Number of entries of got farther than TOL (relative) from want. */
static long count_bad(const double *got, const double *want, long count)
{
	long bad = 0;
	for (long i = 0; i < count; i++) {
		if (wl_close(got[i], want[i], TOL))
			continue;
		if (bad == 0)
			fprintf(stderr,
				"%s: first mismatch at %ld: %.17g vs %.17g\n",
				NAME, i, got[i], want[i]);
		bad++;
	}
	return bad;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME, SIZES);
	long m = n + n / 4;
	size_t mn = (size_t)m * (size_t)n;
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, mn, sizeof *a);
	double *q = wl_alloc(NAME, mn, sizeof *q);
	double *r = wl_alloc(NAME, nn, sizeof *r);
	double *ra = wl_alloc(NAME, mn, sizeof *ra);
	double *rq = wl_alloc(NAME, mn, sizeof *rq);
	double *rr = wl_alloc(NAME, nn, sizeof *rr);
	init(m, n, a);
	memcpy(ra, a, mn * sizeof *ra);

	double t0 = wl_kernel_begin();
	gramschmidt_par(m, n, a, q, r);
	double secs = wl_kernel_end() - t0;

	gramschmidt_ref(m, n, ra, rq, rr);
	long bad = count_bad(q, rq, m * n) + count_bad(r, rr, n * n);
	free(a);
	free(q);
	free(r);
	free(ra);
	free(rq);
	free(rr);
	return wl_report(NAME, n, secs, bad == 0);
}
