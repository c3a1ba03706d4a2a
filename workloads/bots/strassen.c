/* strassen.c - BOTS-style Strassen multiply: C = A * B for N x N double
 * matrices with Strassen's seven-product recursion, one OpenMP task per
 * product, and a naive kernel below a cutoff.
 *
 * N is the matrix dimension and must be a power of two.
 * Parallelisation: #pragma omp parallel + single starts the recursion; at
 * each level the seven products M1..M7 are seven tasks (each forms its own
 * operand sums in private temporaries and recurses), taskwait, then the
 * four quadrants of C are assembled by four tasks.  Blocks of at most
 * STRASSEN_CUTOFF rows use the naive i-k-j kernel.  Tasks write disjoint
 * buffers and only read shared inputs: race-free.
 * Check: inputs are multiples of 1/8 in [-1, 1], so every intermediate is
 * exact and Strassen must match the naive product; it is compared (to
 * 1e-12 relative) with a plain triple-loop product for N <= 512, and at
 * every size with Freivalds' test: C x = A (B x) for three fixed vectors.
 */
#include <stdint.h>

#include "wl.h"

#define STRASSEN_CUTOFF 64
#define FULL_CHECK_MAX_N 512
#define FREIVALDS_VECTORS 3
#define STRASSEN_TOL 1e-12

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A multiple of 1/8 in [-1, 1]: keeps all arithmetic exact. */
static double dyadic_random(uint64_t *state)
{
	return (double)((long)(splitmix64(state) % 17) - 8) / 8.0;
}

/* D = X + sign * Y on n x n blocks with their own leading dimensions. */
static void block_add(double *d, long ldd, const double *x, long ldx,
		      const double *y, long ldy, long n, double sign)
{
	for (long i = 0; i < n; i++)
		for (long j = 0; j < n; j++)
			d[i * ldd + j] = x[i * ldx + j] + sign * y[i * ldy + j];
}

/* C = A * B by the naive i-k-j loop (the leaf kernel). */
static void naive_kernel(double *c, long ldc, const double *a, long lda,
			 const double *b, long ldb, long n)
{
	for (long i = 0; i < n; i++) {
		double *ci = c + i * ldc;
		for (long j = 0; j < n; j++)
			ci[j] = 0.0;
		for (long k = 0; k < n; k++) {
			double aik = a[i * lda + k];
			const double *bk = b + k * ldb;
			for (long j = 0; j < n; j++)
				ci[j] += aik * bk[j];
		}
	}
}

static void strassen(double *c, long ldc, const double *a, long lda,
		     const double *b, long ldb, long n);

/* One of the seven products: M = (X1 + sx X2) (Y1 + sy Y2), where a NULL
 * second operand means the factor is used as it is. */
struct product {
	const double *x1, *x2, *y1, *y2;
	double sx, sy;
};

static void strassen_product(double *m, long h, struct product p, long lda,
			     long ldb)
{
	const double *x = p.x1;
	const double *y = p.y1;
	long ldx = lda;
	long ldy = ldb;
	double *tx = NULL;
	double *ty = NULL;
	if (p.x2 != NULL) {
		tx = wl_alloc("strassen", (size_t)(h * h), sizeof(double));
		block_add(tx, h, p.x1, lda, p.x2, lda, h, p.sx);
		x = tx;
		ldx = h;
	}
	if (p.y2 != NULL) {
		ty = wl_alloc("strassen", (size_t)(h * h), sizeof(double));
		block_add(ty, h, p.y1, ldb, p.y2, ldb, h, p.sy);
		y = ty;
		ldy = h;
	}
	strassen(m, h, x, ldx, y, ldy, h);
	free(tx);
	free(ty);
}

/* C block = sum of up to four products with signs (NULL ends the list). */
static void assemble(double *c, long ldc, long h, double *const *ms,
		     const double *signs, int count)
{
	for (long i = 0; i < h; i++) {
		for (long j = 0; j < h; j++) {
			double s = 0.0;
			for (int t = 0; t < count; t++)
				s += signs[t] * ms[t][i * h + j];
			c[i * ldc + j] = s;
		}
	}
}

static void strassen(double *c, long ldc, const double *a, long lda,
		     const double *b, long ldb, long n)
{
	if (n <= STRASSEN_CUTOFF) {
		naive_kernel(c, ldc, a, lda, b, ldb, n);
		return;
	}
	long h = n / 2;
	const double *a11 = a, *a12 = a + h, *a21 = a + h * lda;
	const double *a22 = a21 + h;
	const double *b11 = b, *b12 = b + h, *b21 = b + h * ldb;
	const double *b22 = b21 + h;
	struct product p[7] = {
		{ a11, a22, b11, b22, 1.0, 1.0 },   /* M1 */
		{ a21, a22, b11, NULL, 1.0, 0.0 },  /* M2 */
		{ a11, NULL, b12, b22, 0.0, -1.0 }, /* M3 */
		{ a22, NULL, b21, b11, 0.0, -1.0 }, /* M4 */
		{ a11, a12, b22, NULL, 1.0, 0.0 },  /* M5 */
		{ a21, a11, b11, b12, -1.0, 1.0 },  /* M6 */
		{ a12, a22, b21, b22, -1.0, 1.0 },  /* M7 */
	};
	double *m[7];
	for (int i = 0; i < 7; i++) {
		m[i] = wl_alloc("strassen", (size_t)(h * h), sizeof(double));
		double *mi = m[i];
		struct product pi = p[i];
#pragma omp task firstprivate(mi, pi, h, lda, ldb)
		strassen_product(mi, h, pi, lda, ldb);
	}
#pragma omp taskwait
	double *c11 = c, *c12 = c + h, *c21 = c + h * ldc, *c22 = c21 + h;
#pragma omp task firstprivate(c11, ldc, h) shared(m)
	assemble(c11, ldc, h, (double *const[]){ m[0], m[3], m[4], m[6] },
		 (const double[]){ 1.0, 1.0, -1.0, 1.0 }, 4);
#pragma omp task firstprivate(c12, ldc, h) shared(m)
	assemble(c12, ldc, h, (double *const[]){ m[2], m[4] },
		 (const double[]){ 1.0, 1.0 }, 2);
#pragma omp task firstprivate(c21, ldc, h) shared(m)
	assemble(c21, ldc, h, (double *const[]){ m[1], m[3] },
		 (const double[]){ 1.0, 1.0 }, 2);
#pragma omp task firstprivate(c22, ldc, h) shared(m)
	assemble(c22, ldc, h, (double *const[]){ m[0], m[1], m[2], m[5] },
		 (const double[]){ 1.0, -1.0, 1.0, 1.0 }, 4);
#pragma omp taskwait
	for (int i = 0; i < 7; i++)
		free(m[i]);
}

/* Reference: the textbook triple loop, compared entry by entry. */
static int full_check(const double *a, const double *b, const double *c,
		      long n)
{
	for (long i = 0; i < n; i++) {
		for (long j = 0; j < n; j++) {
			double s = 0.0;
			for (long k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			if (!wl_close(c[i * n + j], s, STRASSEN_TOL)) {
				fprintf(stderr, "strassen: C[%ld][%ld] = %g, "
						"expected %g\n",
					i, j, c[i * n + j], s);
				return 0;
			}
		}
	}
	return 1;
}

static void mat_vec(const double *m, const double *x, double *y, long n)
{
	for (long i = 0; i < n; i++) {
		double s = 0.0;
		for (long j = 0; j < n; j++)
			s += m[i * n + j] * x[j];
		y[i] = s;
	}
}

/* Freivalds: C x must equal A (B x) for fixed pseudo-random x. */
static int freivalds_check(const double *a, const double *b, const double *c,
			   long n)
{
	double *x = wl_alloc("strassen", (size_t)n, sizeof(double));
	double *bx = wl_alloc("strassen", (size_t)n, sizeof(double));
	double *abx = wl_alloc("strassen", (size_t)n, sizeof(double));
	double *cx = wl_alloc("strassen", (size_t)n, sizeof(double));
	uint64_t seed = 0xF4E1DA15ULL;
	int ok = 1;
	for (int v = 0; v < FREIVALDS_VECTORS && ok; v++) {
		for (long i = 0; i < n; i++)
			x[i] = dyadic_random(&seed);
		mat_vec(b, x, bx, n);
		mat_vec(a, bx, abx, n);
		mat_vec(c, x, cx, n);
		for (long i = 0; i < n && ok; i++) {
			if (!wl_close(cx[i], abx[i], STRASSEN_TOL)) {
				fprintf(stderr, "strassen: (Cx)[%ld] = %g, "
						"A(Bx) = %g\n",
					i, cx[i], abx[i]);
				ok = 0;
			}
		}
	}
	free(x);
	free(bx);
	free(abx);
	free(cx);
	return ok;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "strassen",
			       (struct wl_sizes){ 128, 512, 2048 });
	if ((n & (n - 1)) != 0) {
		fprintf(stderr, "strassen: N must be a power of two\n");
		return 2;
	}
	size_t nn = (size_t)n * (size_t)n;
	double *a = wl_alloc("strassen", nn, sizeof(double));
	double *b = wl_alloc("strassen", nn, sizeof(double));
	double *c = wl_alloc("strassen", nn, sizeof(double));
	uint64_t seed = 0x57AA55E4ULL;
	for (size_t i = 0; i < nn; i++) {
		a[i] = dyadic_random(&seed);
		b[i] = dyadic_random(&seed);
		c[i] = 1.0; /* touches the pages before timing */
	}

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	strassen(c, n, a, n, b, n, n);
	double t1 = wl_kernel_end();

	int ok = freivalds_check(a, b, c, n);
	if (ok && n <= FULL_CHECK_MAX_N)
		ok = full_check(a, b, c, n);
	free(a);
	free(b);
	free(c);
	return wl_report("strassen", n, t1 - t0, ok);
}
