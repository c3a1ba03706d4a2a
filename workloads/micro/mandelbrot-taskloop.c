/* mandelbrot-taskloop.c - escape-time iteration counts of an N x N window
 * of the Mandelbrot set (up to 500 iterations a point): rows inside the set
 * cost hundreds of times more than rows outside; the taskloop version.
 * Manifest: kind tasks, group mandelbrot.
 *
 * N is the image side.
 * Parallelisation: one thread (single) creates the rows as tasks with `taskloop
 * grainsize(4)`; the team runs them as they come.
 * Check: a serial loop gives the same counts, exactly, and their total.
 */
#include "wl.h"

#define NAME "mandelbrot-taskloop"
#define MAXIT 500

static int escape(double cr, double ci)
{
	double zr = 0.0, zi = 0.0;
	int k = 0;
	while (k < MAXIT && zr * zr + zi * zi <= 4.0) {
		double t = zr * zr - zi * zi + cr;
		zi = 2.0 * zr * zi + ci;
		zr = t;
		k++;
	}
	return k;
}

static void row(long n, long y, int *out)
{
	double ci = -1.25 + 2.5 * (double)y / (double)n;
	for (long x = 0; x < n; x++)
		out[y * n + x] = escape(-2.0 + 2.6 * (double)x / (double)n, ci);
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 120, 300, 6000 });
	int *img = wl_alloc(NAME, (size_t)n * (size_t)n, sizeof(int));
	/* an unsigned loop variable: clang 14 warns (sign-compare) on its own
	 * trip count with a signed one in taskloop */
	unsigned long rows = (unsigned long)n;

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
#pragma omp taskloop grainsize(4)
	for (unsigned long y = 0; y < rows; y++)
		row(n, (long)y, img);
	double t1 = wl_kernel_end();

	int *want = wl_alloc(NAME, (size_t)n, sizeof(int));
	int ok = 1;
	long total = 0;
	for (long y = 0; y < n && ok; y++) {
		double ci = -1.25 + 2.5 * (double)y / (double)n;
		for (long x = 0; x < n; x++)
			want[x] = escape(-2.0 + 2.6 * (double)x / (double)n, ci);
		for (long x = 0; x < n && ok; x++) {
			total += img[y * n + x];
			if (img[y * n + x] != want[x]) {
				fprintf(stderr, NAME ": point (%ld, %ld): %d, expected %d\n",
					x, y, img[y * n + x], want[x]);
				ok = 0;
			}
		}
	}
	ok = ok && total > 0;
	free(want);
	free(img);
	return wl_report(NAME, n, t1 - t0, ok);
}
