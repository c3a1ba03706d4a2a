/* imbalance-static.c - a loop whose iterations cost from almost nothing to a
 * lot (cost grows with the index, with spikes every 97th iteration), run
 * under schedule(static): one of three schedules of one program.
 * Manifest: kind sync, group imbalance.
 *
 * N is the number of iterations; iteration i runs 1 + (i * 400) / N
 * rounds of a small recurrence, 8 times more on spikes.
 * Parallelisation: one worksharing loop, schedule(static): equal blocks of iterations: the thread with the expensive end waits the others out.
 * Check: a serial loop gives the same values, exactly.
 */
#include "wl.h"

#define NAME "imbalance-static"

static double cost(long i, long n)
{
	long rounds = 1 + (i * 400) / n;
	if (i % 97 == 0)
		rounds *= 8;
	double x = (double)(i % 1000) * 1e-3;
	for (long k = 0; k < rounds; k++)
		x = x * 0.999 + sqrt(x + (double)k * 1e-6);
	return x;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 3000, 20000, 4000000 });
	double *out = wl_alloc(NAME, (size_t)n, sizeof(double));

	double t0 = wl_kernel_begin();
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++)
		out[i] = cost(i, n);
	double t1 = wl_kernel_end();

	int ok = 1;
	for (long i = 0; i < n && ok; i++)
		if (out[i] != cost(i, n)) {
			fprintf(stderr, NAME ": iteration %ld: %.17g, expected %.17g\n", i,
				out[i], cost(i, n));
			ok = 0;
		}
	free(out);
	return wl_report(NAME, n, t1 - t0, ok);
}
