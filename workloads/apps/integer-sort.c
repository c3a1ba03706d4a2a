/* integer-sort.c - NPB IS-style ranking of N integer keys by bucket
 * counting: keys near-Gaussian over [0, 2^16), 10 iterations, each
 * changing two keys and ranking all of them again.
 * Manifest: kind apps, group integer-sort.
 *
 * N is the number of keys.
 * Parallelisation: per iteration one parallel region: each thread counts
 * the keys of its static block into its own histogram; the histograms are
 * summed per key range and prefix-summed (a worksharing loop over key
 * ranges, then a single thread chains the ranges); each thread then ranks
 * its keys; barriers between the steps.
 * Check: the ranks of the last iteration sort the keys (every key lands at
 * a distinct position and the sequence is ascending), equal to a serial
 * counting sort.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "integer-sort"
#define MAXKEY (1L << 16)
#define ITERS 10
#define MAX_THREADS 64
#define RANGES 256

static void rank_keys(const int *key, long n, long *rank, long *count, long *total,
		      long *range_off)
{
#pragma omp parallel
	{
		int t = omp_get_thread_num(), nt = omp_get_num_threads();
		long lo = n * t / nt, hi = n * (t + 1) / nt;
		long *mine = count + (size_t)t * MAXKEY;
		memset(mine, 0, sizeof(long) * MAXKEY);
		for (long i = lo; i < hi; i++)
			mine[key[i]]++;
#pragma omp barrier
		/* total[k] = keys below k (within the range), per key range */
#pragma omp for schedule(static)
		for (int r = 0; r < RANGES; r++) {
			long sum = 0;
			for (long k = r * (MAXKEY / RANGES); k < (r + 1) * (MAXKEY / RANGES); k++) {
				long c = 0;
				for (int u = 0; u < nt; u++) {
					long cu = count[(size_t)u * MAXKEY + k];
					/* thread u's first key k goes after threads < u's */
					count[(size_t)u * MAXKEY + k] = c;
					c += cu;
				}
				total[k] = sum;
				sum += c;
			}
			range_off[r + 1] = sum;
		}
#pragma omp single
		{
			range_off[0] = 0;
			for (int r = 0; r < RANGES; r++)
				range_off[r + 1] += range_off[r];
		}
		for (long i = lo; i < hi; i++) {
			long k = key[i];
			rank[i] = range_off[k / (MAXKEY / RANGES)] + total[k] + mine[k]++;
		}
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 50000, 300000, 100000000 });
	int nt = omp_get_max_threads();
	if (nt > MAX_THREADS) {
		fprintf(stderr, NAME ": at most %d threads\n", MAX_THREADS);
		return 2;
	}
	int *key = wl_alloc(NAME, (size_t)n, sizeof(int));
	long *rank = wl_alloc(NAME, (size_t)n, sizeof(long));
	long *count = wl_alloc(NAME, (size_t)nt * MAXKEY, sizeof(long));
	long *total = wl_alloc(NAME, MAXKEY, sizeof(long));
	long range_off[RANGES + 1];
	uint64_t s = 314159265;
	for (long i = 0; i < n; i++) {
		long sum = 0;
		for (int k = 0; k < 4; k++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			sum += (long)((s >> 33) % (uint64_t)(MAXKEY / 4));
		}
		key[i] = (int)sum;
	}

	double t0 = wl_kernel_begin();
	for (int it = 1; it <= ITERS; it++) {
		key[it % n] = it;
		key[(it + ITERS) % n] = (int)(MAXKEY - it);
		rank_keys(key, n, rank, count, total, range_off);
	}
	double t1 = wl_kernel_end();

	/* place every key at its rank: a permutation, ascending */
	int *sorted = wl_alloc(NAME, (size_t)n, sizeof(int));
	unsigned char *used = wl_alloc(NAME, (size_t)n, 1);
	int ok = 1;
	for (long i = 0; i < n && ok; i++) {
		if (rank[i] < 0 || rank[i] >= n || used[rank[i]]) {
			fprintf(stderr, NAME ": key %ld has rank %ld (taken or out of range)\n",
				i, rank[i]);
			ok = 0;
			break;
		}
		used[rank[i]] = 1;
		sorted[rank[i]] = key[i];
	}
	/* and equal to a serial counting sort */
	long *hist = wl_alloc(NAME, MAXKEY, sizeof(long));
	for (long i = 0; i < n; i++)
		hist[key[i]]++;
	for (long k = 0, at = 0; k < MAXKEY && ok; k++)
		for (long c = 0; c < hist[k] && ok; c++, at++)
			if (sorted[at] != k) {
				fprintf(stderr, NAME ": position %ld holds %d, expected %ld\n", at,
					sorted[at], k);
				ok = 0;
			}
	free(hist);
	free(sorted);
	free(used);
	free(key);
	free(rank);
	free(count);
	free(total);
	return wl_report(NAME, n, t1 - t0, ok);
}
