/* gemm.c - PolyBench-style general matrix multiply C = alpha*A*B + beta*C,
 * written from the algorithm as an OpenMP workload.
 *
 * N is NI, the number of rows of C (NI x NJ) and A (NI x NK); NJ = 11N/10
 * and NK = 6N/5.
 * Parallelisation: one `parallel for` (static schedule) over the rows i of
 * C; a thread scales its rows by beta and accumulates alpha*A[i][k]*B[k][j]
 * in i-k-j order (unit stride over B and C), so each element of C has
 * exactly one writer.
 * Check: a serial implementation that forms each row of A*B first and
 * then scales and adds, on a fresh copy of C; the association differs, so
 * elements are compared with wl_close.
 */
#include "wl.h"

#define NAME "gemm"
#define TOL 1e-9

static const double alpha = 1.5;
static const double beta = 1.2;

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

static void init(long ni, long nj, long nk, double (*a)[nk],
		 double (*b)[nj], double (*c)[nj])
{
	for (long i = 0; i < ni; i++)
		for (long k = 0; k < nk; k++)
			a[i][k] = (double)((i * (k + 1)) % nk) / (double)nk;
	for (long k = 0; k < nk; k++)
		for (long j = 0; j < nj; j++)
			b[k][j] = (double)((k * (j + 2)) % nj) / (double)nj;
	for (long i = 0; i < ni; i++)
		for (long j = 0; j < nj; j++)
			c[i][j] = (double)((i * j + 1) % ni) / (double)ni;
}

static void kernel(long ni, long nj, long nk, double (*a)[nk],
		   double (*b)[nj], double (*c)[nj])
{
#pragma omp parallel for schedule(static)
	for (long i = 0; i < ni; i++) {
		for (long j = 0; j < nj; j++)
			c[i][j] *= beta;
		for (long k = 0; k < nk; k++) {
			double aik = alpha * a[i][k];
			for (long j = 0; j < nj; j++)
				c[i][j] += aik * b[k][j];
		}
	}
}

/* Serial reference: the product row A[i][:]*B first (row is NJ scratch),
 * then C = alpha*row + beta*C, a different association from the kernel. */
static void reference(long ni, long nj, long nk, double (*a)[nk],
		      double (*b)[nj], double (*c)[nj], double *row)
{
	for (long i = 0; i < ni; i++) {
		for (long j = 0; j < nj; j++)
			row[j] = 0.0;
		for (long k = 0; k < nk; k++)
			for (long j = 0; j < nj; j++)
				row[j] += a[i][k] * b[k][j];
		for (long j = 0; j < nj; j++)
			c[i][j] = alpha * row[j] + beta * c[i][j];
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

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 120, 400, 1300 });
	long ni = n, nj = scaled(n, 11, 10), nk = scaled(n, 6, 5);

	double *a = wl_alloc(NAME, (size_t)ni * (size_t)nk, sizeof(double));
	double *b = wl_alloc(NAME, (size_t)nk * (size_t)nj, sizeof(double));
	double *c = wl_alloc(NAME, (size_t)ni * (size_t)nj, sizeof(double));
	double *cref = wl_alloc(NAME, (size_t)ni * (size_t)nj, sizeof(double));
	double *row = wl_alloc(NAME, (size_t)nj, sizeof(double));
	double (*A)[nk] = (double (*)[nk])a;
	double (*B)[nj] = (double (*)[nj])b;
	double (*C)[nj] = (double (*)[nj])c;
	double (*Cref)[nj] = (double (*)[nj])cref;

	init(ni, nj, nk, A, B, C);
	memcpy(cref, c, (size_t)ni * (size_t)nj * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(ni, nj, nk, A, B, C);
	double t1 = wl_kernel_end();

	reference(ni, nj, nk, A, B, Cref, row);
	int ok = check_close(c, cref, (size_t)ni * (size_t)nj);

	free(a);
	free(b);
	free(c);
	free(cref);
	free(row);
	return wl_report(NAME, n, t1 - t0, ok);
}
