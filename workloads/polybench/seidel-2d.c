/* seidel-2d.c - PolyBench-style seidel-2d: in-place Gauss-Seidel sweeps of a
 * 9-point average over an N x N grid with a fixed boundary, TSTEPS sweeps,
 * parallelised with a tiled wavefront that keeps the serial result exactly.
 *
 * N (the primary dimension) is the grid edge; TSTEPS is fixed.
 * Parallelisation: in a serial sweep, point (i, j) reads the new values of
 * (i-1, j-1), (i-1, j), (i-1, j+1), (i, j-1) and the old values of the
 * others, so no loop is parallel as written. In skewed coordinates
 * (i, s = i + j) every such dependence (flow and anti) has a distance with
 * both components >= 0, so rectangular tiles of (i, s) are
 * legal, each run in the serial order (rows down, s across). Tiles are
 * square, edge clamp(N/16, 8, 64), so small grids still have several tiles
 * per wavefront. Tile (I, S)
 * only waits for tiles with smaller I + S, so all tiles of one anti-diagonal
 * w = I + S are independent: per sweep, per w, an
 * `omp for schedule(dynamic, 1)` over the tiles of w (edge tiles are
 * partial, hence dynamic); its barrier orders the wavefronts and the sweeps.
 * Check: a plain serial run of the sweeps. Every point sees exactly the same
 * operands in the same order, so the grids agree bit for bit (tolerance
 * 1e-12 kept only for fused multiply-adds).
 */
#include "wl.h"

#define NAME "seidel-2d"
#define TSTEPS 100
#define TILE_MIN 8
#define TILE_MAX 64
#define TOL 1e-12

static const struct wl_sizes SIZES = {
	.tiny = 40, .small = 300, .standard = 2000
};

static long lmin(long a, long b)
{
	return a < b ? a : b;
}

static long lmax(long a, long b)
{
	return a > b ? a : b;
}

/* A rough (non-harmonic) field, so every sweep changes every point. */
static void init(long n, double *a)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			a[i * n + j] =
				(double)((3 * i * i + 5 * j * j + i * j + 2) %
					 101) / 101.0;
}

/* 9-point average at p, reading whatever the grid holds right now. */
static inline double avg9(const double *a, long p, long n)
{
	return (a[p - n - 1] + a[p - n] + a[p - n + 1] + a[p - 1] + a[p] +
		a[p + 1] + a[p + n - 1] + a[p + n] + a[p + n + 1]) /
	       9.0;
}

/* Update tile (ti, ts) of edge e: interior rows 1 + ti*e ... and points
 * with s = i + j in 2 + ts*e ..., row by row, left to right. */
static void tile(long n, double *a, long e, long ti, long ts)
{
	long i0 = 1 + ti * e;
	long i1 = lmin(n - 2, i0 + e - 1);
	long s0 = 2 + ts * e;
	long s1 = s0 + e - 1;
	for (long i = i0; i <= i1; i++) {
		long j1 = lmin(n - 2, s1 - i);
		for (long j = lmax(1, s0 - i); j <= j1; j++)
			a[i * n + j] = avg9(a, i * n + j, n);
	}
}

static void seidel_par(long n, double *a)
{
	if (n < 3)
		return;
	long e = lmin(TILE_MAX, lmax(TILE_MIN, n / 16));
	long ni = (n - 2 + e - 1) / e; /* interior rows 1..n-2 */
	long ns = (2 * n - 5 + e - 1) / e; /* s in 2..2n-4 */
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++)
		for (long w = 0; w < ni + ns - 1; w++) {
			long lo = lmax(0, w - ns + 1);
			long hi = lmin(ni - 1, w);
#pragma omp for schedule(dynamic, 1)
			for (long ti = lo; ti <= hi; ti++)
				tile(n, a, e, ti, w - ti);
		}
}

static void seidel_ref(long n, double *a)
{
	for (int t = 0; t < TSTEPS; t++)
		for (long i = 1; i <= n - 2; i++)
			for (long j = 1; j <= n - 2; j++)
				a[i * n + j] =
					(a[(i - 1) * n + j - 1] +
					 a[(i - 1) * n + j] +
					 a[(i - 1) * n + j + 1] +
					 a[i * n + j - 1] + a[i * n + j] +
					 a[i * n + j + 1] +
					 a[(i + 1) * n + j - 1] +
					 a[(i + 1) * n + j] +
					 a[(i + 1) * n + j + 1]) /
					9.0;
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
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc(NAME, nn, sizeof *a);
	double *ref = wl_alloc(NAME, nn, sizeof *ref);
	init(n, a);
	memcpy(ref, a, nn * sizeof *ref);

	double t0 = wl_kernel_begin();
	seidel_par(n, a);
	double secs = wl_kernel_end() - t0;

	seidel_ref(n, ref);
	long bad = count_bad(a, ref, n * n);
	free(a);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
