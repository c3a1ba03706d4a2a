/* kmeans.c - Lloyd's k-means clustering of N integer points in 8
 * dimensions into 16 clusters, 15 iterations.
 * Manifest: kind data, group kmeans.
 *
 * N is the number of points (drawn around 16 hidden centres).
 * Parallelisation: per iteration one parallel region: a worksharing loop
 * assigns each point to its nearest centre (squared distance) and adds it to
 * the thread's own per-cluster sums; a critical section merges each
 * thread's sums; a single thread computes the new centres.  Sums are
 * integers, so the centres do not depend on the merge order.
 * Check: a serial k-means from the same start gives the same assignment of
 * every point and the same centres.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "kmeans"
#define DIM 8
#define K 16
#define ITERS 15

static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int nearest(const int *p, double (*c)[DIM])
{
	int best = 0;
	double bd = INFINITY;
	for (int k = 0; k < K; k++) {
		double d = 0.0;
		for (int j = 0; j < DIM; j++) {
			double e = (double)p[j] - c[k][j];
			d += e * e;
		}
		if (d < bd) {
			bd = d;
			best = k;
		}
	}
	return best;
}

static void update(double (*c)[DIM], int64_t (*sum)[DIM], const long *count)
{
	for (int k = 0; k < K; k++)
		if (count[k] > 0)
			for (int j = 0; j < DIM; j++)
				c[k][j] = (double)sum[k][j] / (double)count[k];
}

static void kmeans(const int *pts, long n, double (*c)[DIM], int *assign)
{
	int64_t sum[K][DIM];
	long count[K];
	for (int it = 0; it < ITERS; it++) {
		memset(sum, 0, sizeof(sum));
		memset(count, 0, sizeof(count));
#pragma omp parallel
		{
			int64_t my_sum[K][DIM];
			long my_count[K];
			memset(my_sum, 0, sizeof(my_sum));
			memset(my_count, 0, sizeof(my_count));
#pragma omp for schedule(static)
			for (long i = 0; i < n; i++) {
				int k = nearest(pts + i * DIM, c);
				assign[i] = k;
				my_count[k]++;
				for (int j = 0; j < DIM; j++)
					my_sum[k][j] += pts[i * DIM + j];
			}
#pragma omp critical
			for (int k = 0; k < K; k++) {
				count[k] += my_count[k];
				for (int j = 0; j < DIM; j++)
					sum[k][j] += my_sum[k][j];
			}
#pragma omp barrier
#pragma omp single
			update(c, sum, count);
		}
	}
}

static void kmeans_serial(const int *pts, long n, double (*c)[DIM], int *assign)
{
	int64_t sum[K][DIM];
	long count[K];
	for (int it = 0; it < ITERS; it++) {
		memset(sum, 0, sizeof(sum));
		memset(count, 0, sizeof(count));
		for (long i = 0; i < n; i++) {
			int k = nearest(pts + i * DIM, c);
			assign[i] = k;
			count[k]++;
			for (int j = 0; j < DIM; j++)
				sum[k][j] += pts[i * DIM + j];
		}
		update(c, sum, count);
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 3000, 15000, 20000000 });
	if (n < K) {
		fprintf(stderr, NAME ": N must be at least %d\n", K);
		return 2;
	}
	int *pts = wl_alloc(NAME, (size_t)n * DIM, sizeof(int));
	int *assign = wl_alloc(NAME, (size_t)n, sizeof(int));
	int *want = wl_alloc(NAME, (size_t)n, sizeof(int));
	uint64_t s = 12;
	int hidden[K][DIM];
	for (int k = 0; k < K; k++)
		for (int j = 0; j < DIM; j++)
			hidden[k][j] = (int)(mix64(&s) % 10000);
	for (long i = 0; i < n; i++) {
		int k = (int)(mix64(&s) % K);
		for (int j = 0; j < DIM; j++)
			pts[i * DIM + j] = hidden[k][j] + (int)(mix64(&s) % 3001) - 1500;
	}
	double c[K][DIM], cref[K][DIM];
	for (int k = 0; k < K; k++)
		for (int j = 0; j < DIM; j++)
			c[k][j] = cref[k][j] = pts[(long)k * (n / K) * DIM + j];

	double t0 = wl_kernel_begin();
	kmeans(pts, n, c, assign);
	double t1 = wl_kernel_end();

	kmeans_serial(pts, n, cref, want);
	int ok = memcmp(c, cref, sizeof(c)) == 0;
	for (long i = 0; i < n && ok; i++)
		if (assign[i] != want[i]) {
			fprintf(stderr, NAME ": point %ld in cluster %d, expected %d\n", i,
				assign[i], want[i]);
			ok = 0;
		}
	free(pts);
	free(assign);
	free(want);
	return wl_report(NAME, n, t1 - t0, ok);
}
