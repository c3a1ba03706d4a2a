/* trmm.c - PolyBench-style trmm: triangular matrix product
 * B = alpha * A^T * B, A an M x M unit lower-triangular matrix (its strict
 * lower part is read, the unit diagonal implied) and B M x N, computed in
 * place as an OpenMP parallel loop.
 *
 * N (the primary dimension) is the number of columns of B; M = 5N/6
 * (PolyBench's STANDARD shape, 1000 x 1200).
 * Parallelisation: row i of the result reads the rows k > i of B before they
 * change (the serial loop goes down the rows in place), so rows are not
 * independent; but each column j of B is transformed on its own. An
 * `omp for schedule(static)` over blocks of JBLOCK columns gives each thread
 * whole column blocks; inside a block the i and k loops run in PolyBench
 * order with j innermost (contiguous rows), so every element sees the same
 * operations in the same order as in the serial loop.
 * Check: a serial out-of-place product alpha * A^T * B formed row by row
 * from a copy of the input; each element adds the same terms in the same
 * order (k ascending), so the results agree to rounding (relative tolerance
 * 1e-12 for fused multiply-adds).
 */
#include "wl.h"

#define NAME "trmm"
#define JBLOCK 16
#define ALPHA 1.5
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 96, .small = 700, .standard = 1800
};

static void init(long m, long n, double *a, double *b)
{
	for (long i = 0; i < m; i++) {
		for (long j = 0; j < i; j++)
			a[i * m + j] = (double)((i + j) % m) / (double)m;
		a[i * m + i] = 1.0;
		for (long j = 0; j < n; j++)
			b[i * n + j] = (double)((n + (i - j)) % n) / (double)n;
	}
}

/* Columns j0..j1-1 of B, PolyBench order with j innermost. */
static void trmm_block(long m, long n, const double *a, double *b, long j0,
		       long j1)
{
	for (long i = 0; i < m; i++) {
		double *bi = b + i * n;
		for (long k = i + 1; k < m; k++) {
			double aki = a[k * m + i];
			const double *bk = b + k * n;
			for (long j = j0; j < j1; j++)
				bi[j] += aki * bk[j];
		}
		for (long j = j0; j < j1; j++)
			bi[j] = ALPHA * bi[j];
	}
}

static void trmm_par(long m, long n, const double *a, double *b)
{
	long blocks = (n + JBLOCK - 1) / JBLOCK;
#pragma omp parallel for schedule(static)
	for (long jb = 0; jb < blocks; jb++) {
		long j0 = jb * JBLOCK;
		long j1 = j0 + JBLOCK < n ? j0 + JBLOCK : n;
		trmm_block(m, n, a, b, j0, j1);
	}
}

/* Serial reference, out of place: out = alpha * A^T * b, row by row from
 * the untouched input b (no reliance on the in-place update order). */
static void trmm_ref(long m, long n, const double *a, const double *b,
		     double *out)
{
	for (long i = 0; i < m; i++) {
		double *oi = out + i * n;
		for (long j = 0; j < n; j++)
			oi[j] = b[i * n + j];
		for (long k = i + 1; k < m; k++)
			for (long j = 0; j < n; j++)
				oi[j] += a[k * m + i] * b[k * n + j];
		for (long j = 0; j < n; j++)
			oi[j] = ALPHA * oi[j];
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
	long m = n * 5 / 6 > 0 ? n * 5 / 6 : 1;
	size_t mn = (size_t)m * (size_t)n;
	double *a = wl_alloc(NAME, (size_t)m * (size_t)m, sizeof *a);
	double *b = wl_alloc(NAME, mn, sizeof *b);
	double *b0 = wl_alloc(NAME, mn, sizeof *b0);
	double *ref = wl_alloc(NAME, mn, sizeof *ref);
	init(m, n, a, b);
	memcpy(b0, b, mn * sizeof *b0);

	double t0 = wl_kernel_begin();
	trmm_par(m, n, a, b);
	double secs = wl_kernel_end() - t0;

	trmm_ref(m, n, a, b0, ref);
	long bad = count_bad(b, ref, m * n);
	free(a);
	free(b);
	free(b0);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
