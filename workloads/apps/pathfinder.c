/* pathfinder.c - Rodinia-style dynamic programming over an N-column grid of
 * costs: row by row, each cell's cheapest path from the top is its cost
 * plus the cheapest of the three cells above it.
 * Manifest: kind apps, group pathfinder.
 *
 * N is the number of columns; 100 rows.
 * Parallelisation: one parallel region; per row a worksharing loop over
 * the columns (schedule static), the implicit barrier ordering the rows:
 * many short phases of light integer work.
 * Check: a serial fill gives the same last row, exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "pathfinder"
#define ROWS 100

static inline int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

/* Returns the buffer (prev or cur) holding the last row. */
static const int *run(long cols, long rows, const int *cost, int *prev, int *cur)
{
	memcpy(prev, cost, (size_t)cols * sizeof(int));
#pragma omp parallel
	for (long r = 1; r < rows; r++) {
#pragma omp for schedule(static)
		for (long c = 0; c < cols; c++) {
			int l = c > 0 ? prev[c - 1] : prev[c];
			int rr = c < cols - 1 ? prev[c + 1] : prev[c];
			cur[c] = cost[r * cols + c] + min3(l, prev[c], rr);
		}
#pragma omp single
		{
			int *t = prev;
			prev = cur;
			cur = t;
		}
	}
	return prev;
}

int main(int argc, char **argv)
{
	long cols = wl_parse_size(argc, argv, NAME,
				  (struct wl_sizes){ 20000, 100000, 100000000 });
	long rows = ROWS;
	int *cost = wl_alloc(NAME, (size_t)(rows * cols), sizeof(int));
	int *a = wl_alloc(NAME, (size_t)cols, sizeof(int));
	int *b = wl_alloc(NAME, (size_t)cols, sizeof(int));
	int *want = wl_alloc(NAME, (size_t)cols, sizeof(int));
	int *tmp = wl_alloc(NAME, (size_t)cols, sizeof(int));
	uint64_t s = 9;
	for (long k = 0; k < rows * cols; k++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		cost[k] = (int)((s >> 33) % 10);
	}

	double t0 = wl_kernel_begin();
	const int *last = run(cols, rows, cost, a, b);
	double t1 = wl_kernel_end();

	memcpy(want, cost, (size_t)cols * sizeof(int));
	for (long r = 1; r < rows; r++) {
		for (long c = 0; c < cols; c++)
			tmp[c] = cost[r * cols + c] +
				 min3(c > 0 ? want[c - 1] : want[c], want[c],
				      c < cols - 1 ? want[c + 1] : want[c]);
		memcpy(want, tmp, (size_t)cols * sizeof(int));
	}
	int ok = memcmp(last, want, (size_t)cols * sizeof(int)) == 0;
	if (!ok)
		fprintf(stderr, NAME ": last row differs (first cell %d, expected %d)\n",
			last[0], want[0]);
	free(cost);
	free(a);
	free(b);
	free(want);
	free(tmp);
	return wl_report(NAME, cols, t1 - t0, ok);
}
