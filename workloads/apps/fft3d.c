/* fft3d.c - NPB FT-style 3-D complex FFT of an N^3 grid: radix-2 FFTs along
 * x, then y, then z, forward and back, 2 round trips; the y and z passes
 * gather strided pencils into a buffer (transpose-like memory traffic).
 * Manifest: kind apps, group fft.
 *
 * N is the grid side, a power of two (4..1024).
 * Parallelisation: each axis pass is one worksharing loop over the N^2
 * pencils (collapse(2), schedule static), each thread with its own pencil
 * buffer; six passes per transform.
 * Check: the round trips give back the input to 1e-9, and the forward
 * transform's value at 3 frequencies equals a direct DFT sum to 1e-6.
 */
#include <complex.h>
#include <stdint.h>

#include "wl.h"

#define NAME "fft3d"
#define TRIPS 2

typedef double complex cplx;

/* in-place iterative radix-2 FFT of n points (sign -1 forward, +1 back) */
static void fft1(cplx *a, long n, int sign)
{
	for (long i = 1, j = 0; i < n; i++) {
		long bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			cplx t = a[i];
			a[i] = a[j];
			a[j] = t;
		}
	}
	for (long len = 2; len <= n; len <<= 1) {
		double ang = sign * 6.283185307179586 / (double)len;
		cplx wl = cos(ang) + I * sin(ang);
		for (long i = 0; i < n; i += len) {
			cplx w = 1.0;
			for (long k = 0; k < len / 2; k++) {
				cplx u = a[i + k], v = a[i + k + len / 2] * w;
				a[i + k] = u + v;
				a[i + k + len / 2] = u - v;
				w *= wl;
			}
		}
	}
}

/* FFT along one axis (0: x, contiguous; 1: y; 2: z) of the n^3 grid */
static void pass(cplx *g, long n, int axis, int sign, cplx *bufs)
{
	long stride = axis == 0 ? 1 : axis == 1 ? n : n * n;
#pragma omp parallel
	{
		cplx *buf = bufs + (size_t)omp_get_thread_num() * (size_t)n;
#pragma omp for collapse(2) schedule(static)
		for (long p = 0; p < n; p++)
			for (long q = 0; q < n; q++) {
				/* the pencil's first point: the two other axes at (p, q) */
				long base = axis == 0 ? (p * n + q) * n
					  : axis == 1 ? p * n * n + q
						      : p * n + q;
				for (long k = 0; k < n; k++)
					buf[k] = g[base + k * stride];
				fft1(buf, n, sign);
				for (long k = 0; k < n; k++)
					g[base + k * stride] = buf[k];
			}
	}
}

static void transform(cplx *g, long n, int sign, cplx *bufs)
{
	for (int axis = 0; axis < 3; axis++)
		pass(g, n, axis, sign, bufs);
	if (sign > 0) {
		double scale = 1.0 / ((double)n * (double)n * (double)n);
#pragma omp parallel for schedule(static)
		for (long k = 0; k < n * n * n; k++)
			g[k] *= scale;
	}
}

static cplx value(long k)
{
	uint64_t z = (uint64_t)k * 0x9e3779b97f4a7c15ULL;
	z ^= z >> 29;
	return (double)(z % 1000) / 1000.0 + I * (double)((z >> 20) % 1000) / 1000.0;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 16, 64, 256 });
	if (n < 4 || n > 1024 || (n & (n - 1)) != 0) {
		fprintf(stderr, NAME ": N must be a power of two in 4..1024\n");
		return 2;
	}
	size_t cells = (size_t)n * (size_t)n * (size_t)n;
	cplx *g = wl_alloc(NAME, cells, sizeof(cplx));
	cplx *spec = wl_alloc(NAME, cells, sizeof(cplx));
	cplx *bufs = wl_alloc(NAME, (size_t)omp_get_max_threads() * (size_t)n, sizeof(cplx));
	for (size_t k = 0; k < cells; k++)
		g[k] = value((long)k);

	double t0 = wl_kernel_begin();
	for (int t = 0; t < TRIPS; t++) {
		transform(g, n, -1, bufs);
		if (t == 0)
			memcpy(spec, g, cells * sizeof(cplx));
		transform(g, n, +1, bufs);
	}
	double t1 = wl_kernel_end();

	int ok = 1;
	for (size_t k = 0; k < cells && ok; k++)
		if (cabs(g[k] - value((long)k)) > 1e-9) {
			fprintf(stderr, NAME ": point %zu did not come back\n", k);
			ok = 0;
		}
	/* spec[(z * n + y) * n + x] = sum over the grid of v * e^(-2 pi i (...)/n) */
	long probes[3][3] = { { 0, 0, 0 }, { 1, 2, 3 }, { n - 1, n / 2, 1 } };
	for (int p = 0; p < 3 && ok; p++) {
		cplx sum = 0.0;
		for (long z = 0; z < n; z++)
			for (long y = 0; y < n; y++)
				for (long x = 0; x < n; x++) {
					double ph = -6.283185307179586 *
						    (double)((probes[p][0] * x + probes[p][1] * y +
							      probes[p][2] * z) % n) / (double)n;
					sum += value((z * n + y) * n + x) * (cos(ph) + I * sin(ph));
				}
		cplx got = spec[(probes[p][2] * n + probes[p][1]) * n + probes[p][0]];
		if (cabs(got - sum) > 1e-6 * (1.0 + cabs(sum))) {
			fprintf(stderr, NAME ": frequency %d differs from the direct sum\n", p);
			ok = 0;
		}
	}
	free(g);
	free(spec);
	free(bufs);
	return wl_report(NAME, n, t1 - t0, ok);
}
