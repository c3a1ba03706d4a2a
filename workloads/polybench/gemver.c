/* gemver.c - PolyBench-style BLAS "gemver" sequence: A += u1 v1^T + u2 v2^T,
 * x += beta A^T y + z, w += alpha A x, written from the algorithm as an
 * OpenMP workload.
 *
 * N is the order of A and the length of the vectors.
 * Parallelisation: one parallel region with three `omp for` loops (static
 * schedule), separated by their implicit barriers since each needs the
 * previous result: the rank-2 update over the rows i; x over blocks of
 * GEMVER_BLOCK columns (a thread owns a block of x and streams the matching
 * row segments of A, unit stride, over all rows, then adds z), so no two
 * threads write the same x[i] and no reduction is needed; w as one dot
 * product per row i.
 * Check: the updated A is compared element by element with its closed form
 * recomputed serially; x and w are then recomputed serially from the
 * (verified) A with plain whole-row sweeps, all with wl_close.
 */
#include "wl.h"

#define NAME "gemver"
#define TOL 1e-9
/* 256 doubles of x (2 KiB) stay in L1 while A's rows stream past. */
#define GEMVER_BLOCK 256

static const double alpha = 1.5;
static const double beta = 1.2;

struct vecs {
	double *u1, *v1, *u2, *v2, *w, *x, *y, *z;
};

static double a_init(long i, long j, long n)
{
	return (double)((i * j) % n) / (double)n;
}

static void init(long n, double (*a)[n], struct vecs v)
{
	double fn = (double)n;

	for (long i = 0; i < n; i++) {
		v.u1[i] = (double)i;
		v.u2[i] = (double)(i + 1) / fn / 2.0;
		v.v1[i] = (double)(i + 1) / fn / 4.0;
		v.v2[i] = (double)(i + 1) / fn / 6.0;
		v.y[i] = (double)(i + 1) / fn / 8.0;
		v.z[i] = (double)(i + 1) / fn / 9.0;
		v.x[i] = 0.0;
		v.w[i] = 0.0;
		for (long j = 0; j < n; j++)
			a[i][j] = a_init(i, j, n);
	}
}

static void kernel(long n, double (*a)[n], struct vecs v)
{
	long nblocks = (n + GEMVER_BLOCK - 1) / GEMVER_BLOCK;

#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++)
			for (long j = 0; j < n; j++)
				a[i][j] += v.u1[i] * v.v1[j] + v.u2[i] * v.v2[j];
#pragma omp for schedule(static)
		for (long blk = 0; blk < nblocks; blk++) {
			long lo = blk * GEMVER_BLOCK;
			long hi = lo + GEMVER_BLOCK < n ? lo + GEMVER_BLOCK : n;
			for (long j = 0; j < n; j++)
				for (long i = lo; i < hi; i++)
					v.x[i] += beta * a[j][i] * v.y[j];
			for (long i = lo; i < hi; i++)
				v.x[i] += v.z[i];
		}
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++) {
			double s = v.w[i];
			for (long j = 0; j < n; j++)
				s += alpha * a[i][j] * v.x[j];
			v.w[i] = s;
		}
	}
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

/* The kernel's A must equal the closed-form start plus the rank-2 update;
 * then x and w are recomputed from it into xr and wr (which start at 0). */
static int verify(long n, double (*a)[n], struct vecs v, double *xr,
		  double *wr)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++) {
			double want = a_init(i, j, n) + v.u1[i] * v.v1[j] +
				      v.u2[i] * v.v2[j];
			if (!wl_close(a[i][j], want, TOL)) {
				fprintf(stderr,
					NAME ": A[%ld][%ld] is %.17g, expected %.17g\n",
					i, j, a[i][j], want);
				return 0;
			}
		}
	for (long j = 0; j < n; j++)
		for (long i = 0; i < n; i++)
			xr[i] = xr[i] + beta * a[j][i] * v.y[j];
	for (long i = 0; i < n; i++)
		xr[i] = xr[i] + v.z[i];
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			wr[i] = wr[i] + alpha * a[i][j] * xr[j];
	return check_close(v.x, xr, (size_t)n) &&
	       check_close(v.w, wr, (size_t)n);
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 400, 3200, 16000 });
	double *a = wl_alloc(NAME, (size_t)n * (size_t)n, sizeof(double));
	double *vec[10];
	for (int k = 0; k < 10; k++)
		vec[k] = wl_alloc(NAME, (size_t)n, sizeof(double));
	struct vecs v = { vec[0], vec[1], vec[2], vec[3],
			  vec[4], vec[5], vec[6], vec[7] };

	init(n, (double (*)[n])a, v);

	double t0 = wl_kernel_begin();
	kernel(n, (double (*)[n])a, v);
	double t1 = wl_kernel_end();

	int ok = verify(n, (double (*)[n])a, v, vec[8], vec[9]);

	free(a);
	for (int k = 0; k < 10; k++)
		free(vec[k]);
	return wl_report(NAME, n, t1 - t0, ok);
}
