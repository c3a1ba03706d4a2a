/* trisolv.c - PolyBench-style trisolv: solve L*x = b by forward substitution
 * for a dense N x N lower-triangular L, as OpenMP parallel loops.
 *
 * N (the primary dimension) is the order of L. One solve lasts only
 * milliseconds, so the timed kernel solves the same system REPS times (a
 * timing loop: every repetition restarts from b).
 * Parallelisation: x[i] needs every x[j], j < i (a true dependence), so the
 * solve goes by blocks of BLOCK unknowns. In one parallel region, per block:
 * `omp single` finishes the block's unknowns by serial substitution, then an
 * `omp for schedule(static)` over the rows below the block subtracts the
 * block's contribution from them (rows are independent; each row is owned by
 * one thread). Each x[i] still receives its terms in increasing j, exactly
 * as in the serial algorithm.
 * Check: plain serial row-by-row substitution; same operation order, so the
 * results agree to rounding (relative tolerance 1e-12 for fused
 * multiply-adds).
 */
#include "wl.h"

#define NAME "trisolv"
#define REPS 200
#define BLOCK 64
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 200, .small = 800, .standard = 3000
};

/* Unit-sized diagonal and small off-diagonal terms keep x well scaled. */
static void init(long n, double *l, double *b)
{
	for (long i = 0; i < n; i++) {
		b[i] = (double)(i % 23) / 23.0 - 0.5;
		for (long j = 0; j < i; j++) {
			double v = (double)((i + 2 * j) % 7 + 1);
			l[i * n + j] = v / (8.0 * (double)n);
		}
		l[i * n + i] = 1.0 + (double)(i % 3) * 0.25;
	}
}

/* Serial substitution of unknowns b0..b1-1 (earlier blocks already done). */
static void solve_block(long n, const double *l, double *x, long b0, long b1)
{
	for (long i = b0; i < b1; i++) {
		const double *li = l + i * n;
		double s = x[i];
		for (long j = b0; j < i; j++)
			s -= li[j] * x[j];
		x[i] = s / li[i];
	}
}

static void trisolv_par(long n, const double *l, const double *b, double *x)
{
#pragma omp parallel
	for (int r = 0; r < REPS; r++) {
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++)
			x[i] = b[i];
		for (long b0 = 0; b0 < n; b0 += BLOCK) {
			long b1 = b0 + BLOCK < n ? b0 + BLOCK : n;
#pragma omp single
			solve_block(n, l, x, b0, b1);
			/* x[b0..b1) is final; rows below are independent. */
#pragma omp for schedule(static)
			for (long i = b1; i < n; i++) {
				const double *li = l + i * n;
				double s = x[i];
				for (long j = b0; j < b1; j++)
					s -= li[j] * x[j];
				x[i] = s;
			}
		}
	}
}

static void trisolv_ref(long n, const double *l, const double *b, double *x)
{
	for (long i = 0; i < n; i++) {
		x[i] = b[i];
		for (long j = 0; j < i; j++)
			x[i] -= l[i * n + j] * x[j];
		x[i] = x[i] / l[i * n + i];
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
	size_t un = (size_t)n;
	double *l = wl_alloc(NAME, un * un, sizeof *l);
	double *b = wl_alloc(NAME, un, sizeof *b);
	double *x = wl_alloc(NAME, un, sizeof *x);
	double *ref = wl_alloc(NAME, un, sizeof *ref);
	init(n, l, b);

	double t0 = wl_kernel_begin();
	trisolv_par(n, l, b, x);
	double secs = wl_kernel_end() - t0;

	trisolv_ref(n, l, b, ref);
	long bad = count_bad(x, ref, n);
	free(l);
	free(b);
	free(x);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
