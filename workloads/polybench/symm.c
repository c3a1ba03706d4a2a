/* symm.c - PolyBench-style symm: C = alpha*A*B + beta*C with A an M x M
 * symmetric matrix (only its lower triangle is read) and B, C M x N, as an
 * OpenMP parallel loop.
 *
 * N (the primary dimension) is the number of columns of B and C;
 * M = 5N/6 (PolyBench's STANDARD shape, 1000 x 1200).
 * Parallelisation: the PolyBench loop walks rows i and, for each, updates
 * the rows k < i of C, so rows are not independent; but every column j of C
 * only involves column j of B, so columns are. An
 * `omp for schedule(static)` over blocks of JBLOCK columns gives each thread
 * whole column blocks; inside a block the i and k loops run in PolyBench
 * order with j innermost (contiguous rows), so every element of C sees the
 * same operations in the same order as in the serial loop.
 * Check: a serial computation in plain GEMM form, C = beta*C + alpha*S*B
 * with S the full symmetric matrix expanded from A's lower triangle. It sums
 * in another order, so the comparison uses a relative tolerance of 1e-10.
 */
#include "wl.h"

#define NAME "symm"
#define JBLOCK 16
#define ALPHA 1.5
#define BETA 1.2
#define TOL 1e-10

static const struct wl_sizes SIZES = {
	.tiny = 96, .small = 560, .standard = 1600
};

static void init(long m, long n, double *a, double *b, double *c)
{
	for (long i = 0; i < m; i++) {
		for (long j = 0; j < n; j++) {
			c[i * n + j] = (double)((i + 2 * j) % 100) / 100.0;
			b[i * n + j] = (double)((n + i - j) % 100) / 100.0;
		}
		/* Lower triangle only; the upper part is never read. */
		for (long j = 0; j <= i; j++)
			a[i * m + j] = (double)((i + j) % 100) / 100.0;
	}
}

/* Columns j0..j1-1 of C, PolyBench order with j innermost. */
static void symm_block(long m, long n, const double *a, const double *b,
		       double *c, long j0, long j1)
{
	double t2[JBLOCK];
	for (long i = 0; i < m; i++) {
		const double *ai = a + i * m;
		const double *bi = b + i * n;
		for (long j = j0; j < j1; j++)
			t2[j - j0] = 0.0;
		for (long k = 0; k < i; k++) {
			const double *bk = b + k * n;
			double *ck = c + k * n;
			for (long j = j0; j < j1; j++) {
				ck[j] += ALPHA * bi[j] * ai[k];
				t2[j - j0] += bk[j] * ai[k];
			}
		}
		double *ci = c + i * n;
		for (long j = j0; j < j1; j++)
			ci[j] = BETA * ci[j] + ALPHA * bi[j] * ai[i] +
				ALPHA * t2[j - j0];
	}
}

static void symm_par(long m, long n, const double *a, const double *b,
		     double *c)
{
	long blocks = (n + JBLOCK - 1) / JBLOCK;
#pragma omp parallel for schedule(static)
	for (long jb = 0; jb < blocks; jb++) {
		long j0 = jb * JBLOCK;
		long j1 = j0 + JBLOCK < n ? j0 + JBLOCK : n;
		symm_block(m, n, a, b, c, j0, j1);
	}
}

/* Serial reference in plain GEMM form: C = beta*C + alpha*S*B with S the
 * full symmetric matrix read from A's lower triangle, row by row. */
static void symm_ref(long m, long n, const double *a, const double *b,
		     double *c)
{
	double *acc = wl_alloc(NAME, (size_t)n, sizeof *acc);
	for (long i = 0; i < m; i++) {
		for (long j = 0; j < n; j++)
			acc[j] = 0.0;
		for (long k = 0; k < m; k++) {
			double sik = k <= i ? a[i * m + k] : a[k * m + i];
			for (long j = 0; j < n; j++)
				acc[j] += sik * b[k * n + j];
		}
		for (long j = 0; j < n; j++)
			c[i * n + j] = BETA * c[i * n + j] + ALPHA * acc[j];
	}
	free(acc);
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
	long m = n * 5 / 6 > 0 ? n * 5 / 6 : 1;
	size_t mm = (size_t)m * (size_t)m;
	size_t mn = (size_t)m * (size_t)n;
	double *a = wl_alloc(NAME, mm, sizeof *a);
	double *b = wl_alloc(NAME, mn, sizeof *b);
	double *c = wl_alloc(NAME, mn, sizeof *c);
	double *ref = wl_alloc(NAME, mn, sizeof *ref);
	init(m, n, a, b, c);
	memcpy(ref, c, mn * sizeof *ref);

	double t0 = wl_kernel_begin();
	symm_par(m, n, a, b, c);
	double secs = wl_kernel_end() - t0;

	symm_ref(m, n, a, b, ref);
	long bad = count_bad(c, ref, m * n);
	free(a);
	free(b);
	free(c);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
