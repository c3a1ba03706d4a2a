/* critical-contention.c - every iteration of a parallel loop does a little
 * arithmetic and then updates shared totals inside one `omp critical`
 * section (a lock every thread queues for).
 * Manifest: kind sync, group contention.
 *
 * N is the number of iterations.
 * Parallelisation: one worksharing loop (schedule static); the shared
 * totals (a sum, a count of odd values, a maximum) are updated every
 * iteration, so the threads serialise on them.
 * Check: the totals equal a serial loop's, exactly (integers).
 */
#include <stdint.h>

#include "wl.h"

#define NAME "critical-contention"

/* a few dozen cycles of work per iteration */
static uint64_t work(long i)
{
	uint64_t z = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	for (int k = 0; k < 4; k++)
		z = (z ^ (z >> 29)) * 0xbf58476d1ce4e5b9ULL;
	return z >> 40;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 100000, 1000000, 400000000 });
	uint64_t sum = 0, odd = 0, max = 0;

	double t0 = wl_kernel_begin();
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++) {
		uint64_t v = work(i);
#pragma omp critical
		{
			sum += v;
			odd += v & 1;
			if (v > max)
				max = v;
		}
	}
	double t1 = wl_kernel_end();

	uint64_t wsum = 0, wodd = 0, wmax = 0;
	for (long i = 0; i < n; i++) {
		uint64_t v = work(i);
		wsum += v;
		wodd += v & 1;
		if (v > wmax)
			wmax = v;
	}
	int ok = sum == wsum && odd == wodd && max == wmax;
	if (!ok)
		fprintf(stderr, NAME ": totals %llu %llu %llu, expected %llu %llu %llu\n",
			(unsigned long long)sum, (unsigned long long)odd,
			(unsigned long long)max, (unsigned long long)wsum,
			(unsigned long long)wodd, (unsigned long long)wmax);
	return wl_report(NAME, n, t1 - t0, ok);
}
