/* radix-sort.c - least-significant-digit radix sort of 32-bit keys, 8 bits
 * per pass, with per-thread digit histograms.
 * Manifest: kind data, group radix-sort.
 *
 * N is the number of keys (uniform random 32-bit values); 4 passes.
 * Parallelisation: one parallel region per pass; each thread counts the
 * digits of its static block of keys, a single thread turns the counts
 * into per-thread starting offsets (digit-major, so the sort is stable),
 * and each thread scatters its block; barriers separate the three steps.
 * Check: the output is ascending and holds the same multiset as the input
 * (equal to a serial qsort of it).
 */
#include <stdint.h>

#include "wl.h"

#define NAME "radix-sort"
#define BITS 8
#define BUCKETS (1 << BITS)
#define MAX_THREADS 256

static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Sorts keys using tmp (both n long); the result is back in keys (an even
 * number of passes). count is [MAX_THREADS][BUCKETS]. */
static void radix_sort(uint32_t *keys, uint32_t *tmp, long n, long (*count)[BUCKETS])
{
	for (int shift = 0; shift < 32; shift += BITS) {
#pragma omp parallel
		{
			int t = omp_get_thread_num(), nt = omp_get_num_threads();
			long lo = n * t / nt, hi = n * (t + 1) / nt;
			for (int d = 0; d < BUCKETS; d++)
				count[t][d] = 0;
			for (long i = lo; i < hi; i++)
				count[t][(keys[i] >> shift) & (BUCKETS - 1)]++;
#pragma omp barrier
#pragma omp single
			{
				long sum = 0;
				for (int d = 0; d < BUCKETS; d++)
					for (int u = 0; u < nt; u++) {
						long c = count[u][d];
						count[u][d] = sum;
						sum += c;
					}
			}
			for (long i = lo; i < hi; i++)
				tmp[count[t][(keys[i] >> shift) & (BUCKETS - 1)]++] = keys[i];
		}
		uint32_t *sw = keys;
		keys = tmp;
		tmp = sw;
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 100000, 500000, 200000000 });
	if (omp_get_max_threads() > MAX_THREADS) {
		fprintf(stderr, NAME ": at most %d threads\n", MAX_THREADS);
		return 2;
	}
	uint32_t *keys = wl_alloc(NAME, (size_t)n, sizeof(uint32_t));
	uint32_t *tmp = wl_alloc(NAME, (size_t)n, sizeof(uint32_t));
	uint32_t *want = wl_alloc(NAME, (size_t)n, sizeof(uint32_t));
	long (*count)[BUCKETS] = wl_alloc(NAME, MAX_THREADS, sizeof(*count));
	uint64_t s = 17;
	for (long i = 0; i < n; i++)
		keys[i] = want[i] = (uint32_t)mix64(&s);

	double t0 = wl_kernel_begin();
	radix_sort(keys, tmp, n, count);
	double t1 = wl_kernel_end();

	qsort(want, (size_t)n, sizeof(uint32_t), cmp_u32);
	int ok = memcmp(keys, want, (size_t)n * sizeof(uint32_t)) == 0;
	free(keys);
	free(tmp);
	free(want);
	free(count);
	return wl_report(NAME, n, t1 - t0, ok);
}
