/* histogram-private.c - histogram of a generated skewed 16-bit "image"
 * into 4096 bins, repeated over 4 images; the private-update version.
 * Manifest: kind data, group histogram.
 *
 * N is the number of samples per image.
 * Parallelisation: one worksharing loop over the samples with an array
 * reduction (+) of the histogram: each thread fills a private copy, merged
 * at the end.
 * Check: a serial histogram gives the same counts, exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "histogram-private"
#define BINS 4096
#define IMAGES 4

static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The bin of a sample: the value's top 12 bits after a mild nonlinearity
 * (some arithmetic per sample, as an image histogram's binning has). */
static inline int bin_of(uint16_t v)
{
	double x = (double)v / 65536.0;
	return (int)(sqrt(x) * BINS) & (BINS - 1);
}

static void histogram(const uint16_t *img, long n, long *hist)
{
	for (int k = 0; k < IMAGES; k++) {
		const uint16_t *im = img + (size_t)k * (size_t)n;
#pragma omp parallel for schedule(static) reduction(+ : hist[:BINS])
		for (long i = 0; i < n; i++)
			hist[bin_of(im[i])]++;
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 100000, 1000000, 300000000 });
	uint16_t *img = wl_alloc(NAME, (size_t)n * IMAGES, sizeof(uint16_t));
	long *hist = wl_alloc(NAME, BINS, sizeof(long));
	long *want = wl_alloc(NAME, BINS, sizeof(long));
	uint64_t s = 4;
	for (long i = 0; i < n * IMAGES; i++) {
		/* mostly dark pixels with a bright tail */
		uint64_t r = mix64(&s);
		img[i] = (uint16_t)(((r & 0xffff) * ((r >> 16) & 0xffff)) >> 16);
	}

	double t0 = wl_kernel_begin();
	histogram(img, n, hist);
	double t1 = wl_kernel_end();

	for (long i = 0; i < n * IMAGES; i++)
		want[bin_of(img[i])]++;
	int ok = 1;
	for (int b = 0; b < BINS && ok; b++)
		if (hist[b] != want[b]) {
			fprintf(stderr, NAME ": bin %d: %ld, expected %ld\n", b, hist[b],
				want[b]);
			ok = 0;
		}
	free(img);
	free(hist);
	free(want);
	return wl_report(NAME, n, t1 - t0, ok);
}
