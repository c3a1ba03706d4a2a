/* stream-triad.c - the STREAM-style triad kernel (a = b + s*c) over arrays
 * much larger than the caches, repeated 20 times: memory bandwidth.
 * Manifest: kind bandwidth, group stream.
 *
 * N is the number of doubles per array.
 * Parallelisation: one worksharing loop (schedule static) per repetition;
 * the arrays are first touched by the same static partition, so each
 * thread's pages are local to it.
 * Check: a equals b + s*c at every element (values known in closed form).
 */
#include "wl.h"

#define NAME "stream-triad"
#define REPS 20
#define SCALAR 3.0

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 200000, 1000000, 80000000 });
	double *a = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *b = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *c = wl_alloc(NAME, (size_t)n, sizeof(double));
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++) {
		a[i] = 1.0 + (double)(i % 10);
		b[i] = 2.0;
		c[i] = 0.5 * (double)(i % 3);
	}

	double t0 = wl_kernel_begin();
	for (int r = 0; r < REPS; r++) {
#pragma omp parallel for schedule(static)
		for (long i = 0; i < n; i++)
			a[i] = b[i] + SCALAR * c[i];
	}
	double t1 = wl_kernel_end();

	int ok = 1;
	for (long i = 0; i < n && ok; i++) {
		double want = 2.0 + SCALAR * 0.5 * (double)(i % 3), got = a[i];
		if (got != want) {
			fprintf(stderr, NAME ": element %ld is %.17g, expected %.17g\n", i,
				got, want);
			ok = 0;
		}
	}
	free(a);
	free(b);
	free(c);
	return wl_report(NAME, n, t1 - t0, ok);
}
