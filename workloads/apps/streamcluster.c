/* streamcluster.c - Rodinia/PARSEC-style online facility location (the
 * k-median local search of streamcluster): for each candidate point, the
 * gain of opening a facility there is the saving over all points whose
 * current facility is farther, minus the opening cost; positive gains
 * open it and reassign the points.
 * Manifest: kind apps, group streamcluster.
 *
 * N is the number of points (16 integer dimensions, around 12 hidden
 * centres); 120 candidates evaluated; distances are squared Euclidean in
 * 64-bit integers, so every gain is exact.
 * Parallelisation: per candidate, one worksharing loop (schedule static)
 * computing the gain as a reduction (+); if it is positive, a second
 * worksharing loop reassigns the points.  Many short loops.
 * Check: a serial search gives the same facilities, assignment and cost.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "streamcluster"
#define DIM 16
#define CANDIDATES 120
#define CENTRES 12

static int64_t dist2(const int *a, const int *b)
{
	int64_t s = 0;
	for (int d = 0; d < DIM; d++) {
		int64_t e = a[d] - b[d];
		s += e * e;
	}
	return s;
}

/* Returns the number of facilities opened; cost/assign updated. */
static int search(long n, const int *pts, const long *cand, int64_t open_cost,
		  int64_t *cost, long *assign, int parallel)
{
	int opened = 1;
	for (int c = 0; c < CANDIDATES; c++) {
		const int *x = pts + cand[c] * DIM;
		int64_t gain = -open_cost;
#pragma omp parallel for schedule(static) reduction(+ : gain) if (parallel)
		for (long i = 0; i < n; i++) {
			int64_t d = dist2(pts + i * DIM, x);
			if (d < cost[i])
				gain += cost[i] - d;
		}
		if (gain <= 0)
			continue;
		opened++;
#pragma omp parallel for schedule(static) if (parallel)
		for (long i = 0; i < n; i++) {
			int64_t d = dist2(pts + i * DIM, x);
			if (d < cost[i]) {
				cost[i] = d;
				assign[i] = cand[c];
			}
		}
	}
	return opened;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 4000, 20000, 4000000 });
	int *pts = wl_alloc(NAME, (size_t)n * DIM, sizeof(int));
	int64_t *cost = wl_alloc(NAME, (size_t)n, sizeof(int64_t));
	int64_t *rcost = wl_alloc(NAME, (size_t)n, sizeof(int64_t));
	long *assign = wl_alloc(NAME, (size_t)n, sizeof(long));
	long *rassign = wl_alloc(NAME, (size_t)n, sizeof(long));
	long cand[CANDIDATES];
	uint64_t s = 31;
	int centre[CENTRES][DIM];
	for (int k = 0; k < CENTRES; k++)
		for (int d = 0; d < DIM; d++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			centre[k][d] = (int)((s >> 33) % 20000);
		}
	for (long i = 0; i < n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		int k = (int)((s >> 33) % CENTRES);
		for (int d = 0; d < DIM; d++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			pts[i * DIM + d] = centre[k][d] + (int)((s >> 33) % 2001) - 1000;
		}
	}
	for (int c = 0; c < CANDIDATES; c++)
		cand[c] = (long)(((uint64_t)c * 2654435761u) % (uint64_t)n);
	/* everything starts at the first point's facility */
	for (long i = 0; i < n; i++) {
		cost[i] = rcost[i] = dist2(pts + i * DIM, pts);
		assign[i] = rassign[i] = 0;
	}
	/* opening costs about what the average point pays at its hidden centre */
	int64_t open_cost = (int64_t)n * DIM * 333333 / 4;

	double t0 = wl_kernel_begin();
	int opened = search(n, pts, cand, open_cost, cost, assign, 1);
	double t1 = wl_kernel_end();

	int want = search(n, pts, cand, open_cost, rcost, rassign, 0);
	int ok = opened == want && opened > 1 &&
		 memcmp(cost, rcost, (size_t)n * sizeof(int64_t)) == 0 &&
		 memcmp(assign, rassign, (size_t)n * sizeof(long)) == 0;
	if (!ok)
		fprintf(stderr, NAME ": %d facilities, expected %d\n", opened, want);
	free(pts);
	free(cost);
	free(rcost);
	free(assign);
	free(rassign);
	return wl_report(NAME, n, t1 - t0, ok);
}
