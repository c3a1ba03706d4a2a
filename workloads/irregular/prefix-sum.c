/* prefix-sum.c - inclusive prefix sums (scans) of 64-bit integers by the
 * three-step blocked method, 6 scans in a chain (each scans the last).
 * Manifest: kind data, group prefix-sum.
 *
 * N is the number of elements; arithmetic wraps modulo 2^64.
 * Parallelisation: per scan one parallel region: each thread sums its
 * static block, a single thread scans the block sums, each thread scans its
 * block from its offset; barriers separate the steps.  Memory-bound.
 * Check: serial scans give the same values, exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "prefix-sum"
#define SCANS 6
#define MAX_THREADS 256

static void scan(const uint64_t *in, uint64_t *out, long n, uint64_t *block)
{
#pragma omp parallel
	{
		int t = omp_get_thread_num(), nt = omp_get_num_threads();
		long lo = n * t / nt, hi = n * (t + 1) / nt;
		uint64_t s = 0;
		for (long i = lo; i < hi; i++)
			s += in[i];
		block[t + 1] = s;
#pragma omp barrier
#pragma omp single
		{
			block[0] = 0;
			for (int u = 1; u <= nt; u++)
				block[u] += block[u - 1];
		}
		s = block[t];
		for (long i = lo; i < hi; i++) {
			s += in[i];
			out[i] = s;
		}
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 200000, 1500000, 100000000 });
	if (omp_get_max_threads() > MAX_THREADS) {
		fprintf(stderr, NAME ": at most %d threads\n", MAX_THREADS);
		return 2;
	}
	uint64_t *a = wl_alloc(NAME, (size_t)n, sizeof(uint64_t));
	uint64_t *b = wl_alloc(NAME, (size_t)n, sizeof(uint64_t));
	uint64_t *ra = wl_alloc(NAME, (size_t)n, sizeof(uint64_t));
	uint64_t *rb = wl_alloc(NAME, (size_t)n, sizeof(uint64_t));
	uint64_t block[MAX_THREADS + 1];
	for (long i = 0; i < n; i++)
		a[i] = ra[i] = (uint64_t)(i * 7919 % 1000003);

	double t0 = wl_kernel_begin();
	for (int k = 0; k < SCANS; k++) {
		if (k % 2 == 0)
			scan(a, b, n, block);
		else
			scan(b, a, n, block);
	}
	double t1 = wl_kernel_end();

	for (int k = 0; k < SCANS; k++) {
		uint64_t *in = k % 2 == 0 ? ra : rb, *out = k % 2 == 0 ? rb : ra;
		uint64_t s = 0;
		for (long i = 0; i < n; i++)
			out[i] = s += in[i];
	}
	/* SCANS is even: the last scan wrote a (and ra) */
	int ok = memcmp(a, ra, (size_t)n * sizeof(uint64_t)) == 0;
	free(a);
	free(b);
	free(ra);
	free(rb);
	return wl_report(NAME, n, t1 - t0, ok);
}
