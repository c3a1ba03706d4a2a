/* false-sharing.c - each thread accumulates into its own counter, but the
 * counters sit side by side in one cache line (on purpose), so every write
 * invalidates the line in the other cores' caches.
 * Manifest: kind sync, group false-sharing.
 *
 * N is the number of iterations.
 * Parallelisation: one parallel region; each thread runs a static share of
 * the iterations and adds each one's value to counters[thread] (a volatile
 * store per iteration, as code that accumulates through a pointer does);
 * the counters are summed at the end.
 * Check: the total equals a serial sum, exactly (integers).
 */
#include <stdint.h>

#include "wl.h"

#define NAME "false-sharing"
#define MAX_THREADS 256

static uint64_t value(long i)
{
	uint64_t z = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	return (z ^ (z >> 31)) & 0xffff;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 1000000, 10000000, 2000000000 });
	if (omp_get_max_threads() > MAX_THREADS) {
		fprintf(stderr, NAME ": at most %d threads\n", MAX_THREADS);
		return 2;
	}
	volatile uint64_t *counters = wl_alloc(NAME, MAX_THREADS, sizeof(uint64_t));
	uint64_t total = 0;

	double t0 = wl_kernel_begin();
#pragma omp parallel
	{
		int t = omp_get_thread_num();
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++)
			counters[t] += value(i);
#pragma omp atomic update
		total += counters[t];
	}
	double t1 = wl_kernel_end();

	uint64_t want = 0;
	for (long i = 0; i < n; i++)
		want += value(i);
	int ok = total == want;
	if (!ok)
		fprintf(stderr, NAME ": total %llu, expected %llu\n",
			(unsigned long long)total, (unsigned long long)want);
	free((void *)counters);
	return wl_report(NAME, n, t1 - t0, ok);
}
