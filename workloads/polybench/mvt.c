/* mvt.c - PolyBench-style mvt: two matrix-vector products with one N x N
 * matrix, x1 += A*y1 and x2 += A^T*y2, as OpenMP parallel loops.
 *
 * N (the primary dimension) is the matrix order. One pair of products lasts
 * only milliseconds, so the timed kernel applies the update REPS times (a
 * timing loop; x1 and x2 keep accumulating, as the PolyBench update does).
 * Parallelisation: one parallel region; per repetition two
 * `omp for schedule(static)` loops over the output index i. x1[i] walks row
 * i of A, x2[i] walks column i; each output element has one owner thread, so
 * there is no reduction and no shared write.
 * Check: serially compute A*y1 and A^T*y2 once and form x + REPS*(product)
 * from the initial vectors; that differs from REPS accumulated updates only
 * by rounding (relative tolerance 1e-9).
 */
#include "wl.h"

#define NAME "mvt"
#define REPS 50
#define TOL 1e-9

static const struct wl_sizes SIZES = {
	.tiny = 100, .small = 700, .standard = 2800
};

static void init(long n, double *a, double *x1, double *x2, double *y1,
		 double *y2)
{
	for (long i = 0; i < n; i++) {
		x1[i] = (double)(i % n) / (double)n;
		x2[i] = (double)((i + 1) % n) / (double)n;
		y1[i] = (double)((i * 3 + 1) % 11) / 11.0;
		y2[i] = (double)((i * 5 + 2) % 13) / 13.0;
		for (long j = 0; j < n; j++)
			a[i * n + j] = (double)((i * j + 2) % n) / (double)n;
	}
}

static void mvt_par(long n, const double *a, double *x1, double *x2,
		    const double *y1, const double *y2)
{
#pragma omp parallel
	for (int r = 0; r < REPS; r++) {
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++) {
			const double *ai = a + i * n;
			double s = x1[i];
			for (long j = 0; j < n; j++)
				s += ai[j] * y1[j];
			x1[i] = s;
		}
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++) {
			double s = x2[i];
			for (long j = 0; j < n; j++)
				s += a[j * n + i] * y2[j];
			x2[i] = s;
		}
	}
}

/* Serial reference: x += REPS * (product), products formed row-wise. */
static void mvt_ref(long n, const double *a, double *x1, double *x2,
		    const double *y1, const double *y2)
{
	double *p2 = wl_alloc(NAME, (size_t)n, sizeof *p2);
	for (long i = 0; i < n; i++) {
		double p1 = 0.0;
		for (long j = 0; j < n; j++) {
			p1 += a[i * n + j] * y1[j];
			p2[j] += a[i * n + j] * y2[i];
		}
		x1[i] += REPS * p1;
	}
	for (long j = 0; j < n; j++)
		x2[j] += REPS * p2[j];
	free(p2);
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
	size_t un = (size_t)n;
	double *a = wl_alloc(NAME, un * un, sizeof *a);
	double *x1 = wl_alloc(NAME, un, sizeof *x1);
	double *x2 = wl_alloc(NAME, un, sizeof *x2);
	double *y1 = wl_alloc(NAME, un, sizeof *y1);
	double *y2 = wl_alloc(NAME, un, sizeof *y2);
	double *r1 = wl_alloc(NAME, un, sizeof *r1);
	double *r2 = wl_alloc(NAME, un, sizeof *r2);
	init(n, a, x1, x2, y1, y2);
	memcpy(r1, x1, un * sizeof *r1);
	memcpy(r2, x2, un * sizeof *r2);

	double t0 = wl_kernel_begin();
	mvt_par(n, a, x1, x2, y1, y2);
	double secs = wl_kernel_end() - t0;

	mvt_ref(n, a, r1, r2, y1, y2);
	long bad = count_bad(x1, r1, n) + count_bad(x2, r2, n);
	free(a);
	free(x1);
	free(x2);
	free(y1);
	free(y2);
	free(r1);
	free(r2);
	return wl_report(NAME, n, secs, bad == 0);
}
