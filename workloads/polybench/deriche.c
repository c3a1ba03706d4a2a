/* deriche.c - PolyBench-style Deriche recursive filter on a 2-D image (the
 * smoothing form of Deriche's edge detector), written from the algorithm as
 * an OpenMP workload.
 *
 * N is the image width W; the height is H = 9N/16.  Each row is filtered
 * by a causal and an anti-causal second-order recursion (coefficients from
 * alpha), the two summed; then each column of that result likewise.
 * Parallelisation: one parallel region with two `omp for` loops (static
 * schedule): the rows are independent recursions (unit stride), then, after
 * the barrier, the columns are (stride W).  A line's recursion state is
 * local to the thread and each line writes only its own pixels.
 * Check: a serial implementation that writes the recurrences with explicit
 * zero-padded lookups of previous inputs and outputs (instead of carried
 * scalars), compared with wl_close.
 */
#include "wl.h"

#define NAME "deriche"
#define TOL 1e-9
#define ALPHA 0.25

struct coeffs {
	double a1, a2, a3, a4, b1, b2, c1, c2;
};

/* Deriche's smoothing filter: a double pole at exp(-alpha), normalised to
 * unit gain; the same coefficients serve rows and columns. */
static struct coeffs make_coeffs(double alpha)
{
	double e = exp(-alpha), e2 = exp(-2.0 * alpha);
	double k = (1.0 - e) * (1.0 - e) / (1.0 + 2.0 * alpha * e - e2);
	struct coeffs c = {
		.a1 = k,
		.a2 = k * e * (alpha - 1.0),
		.a3 = k * e * (alpha + 1.0),
		.a4 = -k * e2,
		.b1 = 2.0 * e,
		.b2 = -e2,
		.c1 = 1.0,
		.c2 = 1.0,
	};
	return c;
}

static void init(long h, long w, double (*img)[w])
{
	for (long i = 0; i < h; i++)
		for (long j = 0; j < w; j++)
			img[i][j] = (double)((313 * i + 991 * j) % 65536) /
				    65535.0;
}

static void kernel(long h, long w, double (*in)[w], double (*y1)[w],
		   double (*y2)[w], double (*tmp)[w], double (*out)[w])
{
	struct coeffs c = make_coeffs(ALPHA);

#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long i = 0; i < h; i++) {
			double xm1 = 0.0, ym1 = 0.0, ym2 = 0.0;
			for (long j = 0; j < w; j++) {
				double y = c.a1 * in[i][j] + c.a2 * xm1 +
					   c.b1 * ym1 + c.b2 * ym2;
				y1[i][j] = y;
				xm1 = in[i][j];
				ym2 = ym1;
				ym1 = y;
			}
			double xp1 = 0.0, xp2 = 0.0, yp1 = 0.0, yp2 = 0.0;
			for (long j = w - 1; j >= 0; j--) {
				double y = c.a3 * xp1 + c.a4 * xp2 +
					   c.b1 * yp1 + c.b2 * yp2;
				y2[i][j] = y;
				xp2 = xp1;
				xp1 = in[i][j];
				yp2 = yp1;
				yp1 = y;
			}
			for (long j = 0; j < w; j++)
				tmp[i][j] = c.c1 * (y1[i][j] + y2[i][j]);
		}
#pragma omp for schedule(static)
		for (long j = 0; j < w; j++) {
			double xm1 = 0.0, ym1 = 0.0, ym2 = 0.0;
			for (long i = 0; i < h; i++) {
				double y = c.a1 * tmp[i][j] + c.a2 * xm1 +
					   c.b1 * ym1 + c.b2 * ym2;
				y1[i][j] = y;
				xm1 = tmp[i][j];
				ym2 = ym1;
				ym1 = y;
			}
			double xp1 = 0.0, xp2 = 0.0, yp1 = 0.0, yp2 = 0.0;
			for (long i = h - 1; i >= 0; i--) {
				double y = c.a3 * xp1 + c.a4 * xp2 +
					   c.b1 * yp1 + c.b2 * yp2;
				y2[i][j] = y;
				xp2 = xp1;
				xp1 = tmp[i][j];
				yp2 = yp1;
				yp1 = y;
			}
			for (long i = 0; i < h; i++)
				out[i][j] = c.c2 * (y1[i][j] + y2[i][j]);
		}
	}
}

/* Element k of a strided line, zero outside 0..len-1. */
static double at(const double *v, long len, long stride, long k)
{
	return k >= 0 && k < len ? v[k * stride] : 0.0;
}

/* Filter one line x (len elements, stride apart) into out (same shape);
 * yc and ya are len-long scratch. */
static void ref_line(const struct coeffs *c, double gain, const double *x,
		     double *out, long len, long stride, double *yc,
		     double *ya)
{
	for (long k = 0; k < len; k++)
		yc[k] = c->a1 * x[k * stride] + c->a2 * at(x, len, stride, k - 1) +
			c->b1 * at(yc, len, 1, k - 1) +
			c->b2 * at(yc, len, 1, k - 2);
	for (long k = len - 1; k >= 0; k--)
		ya[k] = c->a3 * at(x, len, stride, k + 1) +
			c->a4 * at(x, len, stride, k + 2) +
			c->b1 * at(ya, len, 1, k + 1) +
			c->b2 * at(ya, len, 1, k + 2);
	for (long k = 0; k < len; k++)
		out[k * stride] = gain * (yc[k] + ya[k]);
}

static void reference(long h, long w, const double *in, double *tmp,
		      double *out)
{
	struct coeffs c = make_coeffs(ALPHA);
	long len = h > w ? h : w;
	double *yc = wl_alloc(NAME, (size_t)len, sizeof(double));
	double *ya = wl_alloc(NAME, (size_t)len, sizeof(double));

	for (long i = 0; i < h; i++)
		ref_line(&c, c.c1, in + i * w, tmp + i * w, w, 1, yc, ya);
	for (long j = 0; j < w; j++)
		ref_line(&c, c.c2, tmp + j, out + j, h, w, yc, ya);
	free(yc);
	free(ya);
}

/* Compare result and reference; name the first bad element. */
static int check_close(const double *got, const double *want, size_t count)
{
	for (size_t e = 0; e < count; e++)
		if (!wl_close(got[e], want[e], TOL)) {
			fprintf(stderr, NAME ": element %zu is %.17g, expected %.17g\n",
				e, got[e], want[e]);
			return 0;
		}
	return 1;
}

int main(int argc, char **argv)
{
	long w = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 256, 1024, 6144 });
	long h = w * 9 / 16 > 0 ? w * 9 / 16 : 1;
	size_t px = (size_t)h * (size_t)w;

	double *in = wl_alloc(NAME, px, sizeof(double));
	double *y1 = wl_alloc(NAME, px, sizeof(double));
	double *y2 = wl_alloc(NAME, px, sizeof(double));
	double *tmp = wl_alloc(NAME, px, sizeof(double));
	double *out = wl_alloc(NAME, px, sizeof(double));
	double *outref = wl_alloc(NAME, px, sizeof(double));

	init(h, w, (double (*)[w])in);

	double t0 = wl_kernel_begin();
	kernel(h, w, (double (*)[w])in, (double (*)[w])y1, (double (*)[w])y2,
	       (double (*)[w])tmp, (double (*)[w])out);
	double t1 = wl_kernel_end();

	/* tmp is the kernel's own intermediate; the reference reuses y1 as
	 * its intermediate so the two stay independent. */
	reference(h, w, in, y1, outref);
	int ok = check_close(out, outref, px);

	free(in);
	free(y1);
	free(y2);
	free(tmp);
	free(out);
	free(outref);
	return wl_report(NAME, w, t1 - t0, ok);
}
