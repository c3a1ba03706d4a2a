/* fft.c - BOTS-style FFT: a recursive radix-2 Cooley-Tukey (decimation in
 * time) transform of N complex points, out of place, with OpenMP tasks.
 *
 * N is the number of points and must be a power of two.
 * Parallelisation: #pragma omp parallel + single starts the transform; each
 * level transforms its even and odd samples as two tasks (taskwait), then
 * combines them with butterflies split into tasks of FFT_BFLY_CHUNK
 * butterflies.  Transforms of at most FFT_TASK_CUTOFF points, and smaller
 * combine loops, run serially inside their task.  Every task writes its own
 * part of the output: race-free.  The twiddle table is computed before the
 * timed region.
 * Check, with a separately computed table of roots of unity: (1) a serial
 * iterative FFT (bit reversal + in-place stages) must agree to 1e-9 of the
 * largest output, (2) Parseval: sum |X|^2 = N sum |x|^2 to 1e-9 relative,
 * (3) FFT_PROBES output bins (FFT_PROBES_BIG above 2^20 points) recomputed
 * by direct DFT sums must agree to 1e-9 of their scale.
 */
#include <stdint.h>

#include "wl.h"

#define FFT_TASK_CUTOFF 4096
#define FFT_BFLY_CHUNK 8192
/* Probe bins cost N each (with scattered table reads): fewer when big. */
#define FFT_PROBES 32
#define FFT_PROBES_BIG 2
#define FFT_PROBES_BIG_N (1L << 20)
#define FFT_TOL 1e-9

static const double fft_pi = 3.14159265358979323846;

typedef struct {
	double re;
	double im;
} cplx;

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static double unit_random(uint64_t *state)
{
	return (double)(splitmix64(state) >> 11) * 0x1.0p-52 - 1.0;
}

static cplx cmul(cplx a, cplx b)
{
	cplx r = { a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re };
	return r;
}

/* Combine butterflies k in [k0, k1) of a transform whose halves sit in
 * out[0..half) and out[half..2 half); w[k * tw_stride] = e^(-2 pi i k/n). */
static void butterflies(cplx *out, long half, const cplx *w, long tw_stride,
			long k0, long k1)
{
	for (long k = k0; k < k1; k++) {
		cplx t = cmul(w[k * tw_stride], out[k + half]);
		cplx e = out[k];
		out[k].re = e.re + t.re;
		out[k].im = e.im + t.im;
		out[k + half].re = e.re - t.re;
		out[k + half].im = e.im - t.im;
	}
}

static void fft_serial(const cplx *in, long stride, cplx *out, long n,
		       const cplx *w, long tw_stride)
{
	if (n == 1) {
		out[0] = in[0];
		return;
	}
	long half = n / 2;
	fft_serial(in, 2 * stride, out, half, w, 2 * tw_stride);
	fft_serial(in + stride, 2 * stride, out + half, half, w,
		   2 * tw_stride);
	butterflies(out, half, w, tw_stride, 0, half);
}

static void fft_task(const cplx *in, long stride, cplx *out, long n,
		     const cplx *w, long tw_stride)
{
	if (n <= FFT_TASK_CUTOFF) {
		fft_serial(in, stride, out, n, w, tw_stride);
		return;
	}
	long half = n / 2;
#pragma omp task firstprivate(in, stride, out, half, w, tw_stride)
	fft_task(in, 2 * stride, out, half, w, 2 * tw_stride);
#pragma omp task firstprivate(in, stride, out, half, w, tw_stride)
	fft_task(in + stride, 2 * stride, out + half, half, w, 2 * tw_stride);
#pragma omp taskwait
	for (long k0 = 0; k0 < half; k0 += FFT_BFLY_CHUNK) {
		long k1 = k0 + FFT_BFLY_CHUNK < half ? k0 + FFT_BFLY_CHUNK
						      : half;
#pragma omp task firstprivate(out, half, w, tw_stride, k0, k1)
		butterflies(out, half, w, tw_stride, k0, k1);
	}
#pragma omp taskwait
}

/* e^(-2 pi i r/n) for 0 <= r < n from a half table t[r] = e^(-2 pi i r/n). */
static cplx root_of_unity(const cplx *t, long n, long r)
{
	if (r == 0)
		return (cplx){ 1.0, 0.0 };
	if (r < n / 2)
		return t[r];
	cplx m = { -t[r - n / 2].re, -t[r - n / 2].im };
	return m;
}

/* Reference: iterative in-place radix-2 FFT (bit reversal, then stages). */
static void fft_iterative(cplx *a, long n, const cplx *t)
{
	for (long i = 1, j = 0; i < n; i++) {
		long bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			cplx tmp = a[i];
			a[i] = a[j];
			a[j] = tmp;
		}
	}
	for (long len = 2; len <= n; len <<= 1) {
		long half = len / 2;
		long step = n / len;
		for (long s = 0; s < n; s += len) {
			for (long k = 0; k < half; k++) {
				cplx x = cmul(t[k * step], a[s + k + half]);
				cplx e = a[s + k];
				a[s + k].re = e.re + x.re;
				a[s + k].im = e.im + x.im;
				a[s + k + half].re = e.re - x.re;
				a[s + k + half].im = e.im - x.im;
			}
		}
	}
}

static double max_abs(const cplx *a, long n)
{
	double m = 0.0;
	for (long i = 0; i < n; i++) {
		m = fabs(a[i].re) > m ? fabs(a[i].re) : m;
		m = fabs(a[i].im) > m ? fabs(a[i].im) : m;
	}
	return m;
}

static int compare_with_iterative(const cplx *in, const cplx *out, long n,
				  const cplx *t)
{
	cplx *ref = wl_alloc("fft", (size_t)n, sizeof(cplx));
	memcpy(ref, in, (size_t)n * sizeof(cplx));
	fft_iterative(ref, n, t);
	double scale = max_abs(ref, n);
	double tol = FFT_TOL * (scale > 1.0 ? scale : 1.0);
	int ok = 1;
	for (long i = 0; i < n && ok; i++) {
		if (fabs(out[i].re - ref[i].re) > tol ||
		    fabs(out[i].im - ref[i].im) > tol) {
			fprintf(stderr, "fft: bin %ld differs from the serial "
					"FFT\n", i);
			ok = 0;
		}
	}
	free(ref);
	return ok;
}

static int check_parseval(const cplx *in, const cplx *out, long n)
{
	double ex = 0.0;
	double eX = 0.0;
	for (long i = 0; i < n; i++) {
		ex += in[i].re * in[i].re + in[i].im * in[i].im;
		eX += out[i].re * out[i].re + out[i].im * out[i].im;
	}
	int ok = wl_close(eX, ex * (double)n, FFT_TOL);
	if (!ok)
		fprintf(stderr, "fft: Parseval fails: %g vs %g\n", eX,
			ex * (double)n);
	return ok;
}

/* A few bins by the defining sum X[k] = sum_j x[j] e^(-2 pi i jk/n). */
static int check_probes(const cplx *in, const cplx *out, long n,
			const cplx *t)
{
	int ok = 1;
	long probes = n > FFT_PROBES_BIG_N ? FFT_PROBES_BIG : FFT_PROBES;
	for (long p = 0; p < probes && ok; p++) {
		long k = (p * 7919L + p / 2) % n;
		cplx sum = { 0.0, 0.0 };
		double mag = 0.0;
		long r = 0; /* jk mod n: picks the exact root from the table */
		for (long j = 0; j < n; j++) {
			cplx x = cmul(in[j], root_of_unity(t, n, r));
			r += k;
			if (r >= n)
				r -= n;
			sum.re += x.re;
			sum.im += x.im;
			mag += fabs(in[j].re) + fabs(in[j].im);
		}
		double tol = FFT_TOL * (mag > 1.0 ? mag : 1.0);
		if (fabs(sum.re - out[k].re) > tol ||
		    fabs(sum.im - out[k].im) > tol) {
			fprintf(stderr,
				"fft: bin %ld differs from the DFT sum\n", k);
			ok = 0;
		}
	}
	return ok;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "fft",
			       (struct wl_sizes){ 1L << 14, 1L << 20,
						  1L << 24 });
	if ((n & (n - 1)) != 0) {
		fprintf(stderr, "fft: N must be a power of two\n");
		return 2;
	}
	cplx *in = wl_alloc("fft", (size_t)n, sizeof(cplx));
	cplx *out = wl_alloc("fft", (size_t)n, sizeof(cplx));
	long nw = n / 2 > 0 ? n / 2 : 1;
	cplx *w = wl_alloc("fft", (size_t)nw, sizeof(cplx));
	uint64_t seed = 0xFF7F00DULL;
	for (long i = 0; i < n; i++) {
		in[i].re = unit_random(&seed);
		in[i].im = unit_random(&seed);
		out[i] = in[i]; /* touches the output pages before timing */
	}
	for (long k = 0; k < n / 2; k++) {
		double ang = -2.0 * fft_pi * (double)k / (double)n;
		w[k].re = cos(ang);
		w[k].im = sin(ang);
	}

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	fft_task(in, 1, out, n, w, 1);
	double t1 = wl_kernel_end();

	/* The checks' own roots of unity, computed independently. */
	cplx *t = wl_alloc("fft", (size_t)nw, sizeof(cplx));
	for (long r = 0; r < n / 2; r++) {
		double ang = -2.0 * fft_pi * (double)r / (double)n;
		t[r].re = cos(ang);
		t[r].im = sin(ang);
	}
	int ok = compare_with_iterative(in, out, n, t);
	ok = ok && check_parseval(in, out, n);
	ok = ok && check_probes(in, out, n, t);
	free(in);
	free(out);
	free(w);
	free(t);
	return wl_report("fft", n, t1 - t0, ok);
}
