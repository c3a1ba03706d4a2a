/* floyd-warshall.c - PolyBench-style all-pairs shortest paths (Floyd-
 * Warshall) on a dense directed graph, written from the algorithm as an
 * OpenMP workload.
 *
 * N is the number of vertices; path is the N x N distance matrix (double,
 * integer-valued weights 1..11, NO_EDGE for missing edges, 0 on the
 * diagonal).
 * Parallelisation: the k loop (intermediate vertex) carries a dependence and
 * runs in sequence inside one parallel region; for each k an `omp for`
 * (static schedule) relaxes the rows i.  With non-negative weights step k
 * never changes row k or column k (path[k][k] = 0), so row k is skipped and
 * is only read, and row i is read and written by its owner alone: race-free
 * with the same result as the serial order.  The implicit barrier ends a k.
 * Check: the plain serial triple loop on a fresh copy; sums of small
 * integers are exact in double, so the comparison is exact.
 */
#include "wl.h"

#define NAME "floyd-warshall"
/* Larger than any path (at most 11 * N), small enough that sums are exact. */
#define NO_EDGE 1.0e12

static void init(long n, double (*path)[n])
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			if (i == j)
				path[i][j] = 0.0;
			else if ((i * 3 + j * 5 + i * j) % 7 == 0 ||
				 (i + 2 * j) % 11 == 0)
				path[i][j] = NO_EDGE;
			else
				path[i][j] = (double)((i * 7 + j * 3) % 11 + 1);
		}
}

static void kernel(long n, double (*path)[n])
{
#pragma omp parallel
	for (long k = 0; k < n; k++) {
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++) {
			if (i == k)
				continue;
			double ik = path[i][k];
			for (long j = 0; j < n; j++) {
				double via = ik + path[k][j];
				if (via < path[i][j])
					path[i][j] = via;
			}
		}
	}
}

static void reference(long n, double (*path)[n])
{
	for (long k = 0; k < n; k++)
		for (long i = 0; i < n; i++)
			for (long j = 0; j < n; j++)
				if (path[i][k] + path[k][j] < path[i][j])
					path[i][j] = path[i][k] + path[k][j];
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 120, 400, 1400 });
	size_t cells = (size_t)n * (size_t)n;

	double *path = wl_alloc(NAME, cells, sizeof(double));
	double *pref = wl_alloc(NAME, cells, sizeof(double));

	init(n, (double (*)[n])path);
	memcpy(pref, path, cells * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(n, (double (*)[n])path);
	double t1 = wl_kernel_end();

	reference(n, (double (*)[n])pref);
	int ok = 1;
	for (size_t e = 0; e < cells && ok; e++)
		if (path[e] != pref[e]) {
			fprintf(stderr, NAME ": element %zu is %.17g, expected %.17g\n",
				e, path[e], pref[e]);
			ok = 0;
		}

	free(path);
	free(pref);
	return wl_report(NAME, n, t1 - t0, ok);
}
