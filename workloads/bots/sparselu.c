/* sparselu.c - BOTS-style sparse LU: in-place LU factorisation (no
 * pivoting) of a block-sparse matrix of N x N blocks of LU_BS x LU_BS
 * doubles, with one OpenMP task per block operation.
 *
 * N is the number of blocks per dimension (the matrix is N*LU_BS square).
 * About one block in LU_DENSITY_DIV off the three central block diagonals
 * is present; the rest are empty (NULL) until fill-in creates them.  The
 * diagonal is made dominant so no pivoting is needed.
 * Parallelisation: #pragma omp parallel + single runs the step loop over
 * diagonal blocks kk: lu0 factors A[kk][kk] (serial, it is one block), then
 * fwd (A[kk][jj] := L^-1 A[kk][jj]) and bdiv (A[ii][kk] := A[ii][kk] U^-1)
 * are one task per present block (taskwait), then bmod
 * (A[ii][jj] -= A[ii][kk] A[kk][jj]) is one task per pair, allocating the
 * fill-in block first in the single thread (taskwait).  Each task writes
 * one block no other task of its phase touches: race-free.
 * Check: (1) for three fixed vectors x, L (U x) computed from the factors
 * must equal A x computed from a saved copy of the input (1e-9 relative);
 * (2) when N*LU_BS <= DENSE_CHECK_MAX, a serial dense LU of the same matrix
 * must match every entry to 1e-9 of its magnitude (floor LU_FLOOR; absent
 * blocks must be zero).  The dense LU does the same operations in the same
 * order, so in practice the match is exact.
 */
#include <stdint.h>

#include "wl.h"

#define LU_BS 64
#define LU_DENSITY_DIV 8
#define DENSE_CHECK_MAX 1024
#define LU_VECTORS 3
#define LU_TOL 1e-9
#define LU_FLOOR 1e-6

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double unit_random(uint64_t *state)
{
	return (double)(splitmix64(state) >> 11) * 0x1.0p-52 - 1.0;
}

static int block_present(long i, long j)
{
	if (i == j || i == j + 1 || j == i + 1)
		return 1;
	uint64_t s = (uint64_t)i * 0x100000001B3ULL + (uint64_t)j;
	return splitmix64(&s) % LU_DENSITY_DIV == 0;
}

static double *new_block(void)
{
	return wl_alloc("sparselu", LU_BS * LU_BS, sizeof(double));
}

/* Fill the present blocks; diagonal entries exceed each row's sum. */
static void generate(double **a, long nb)
{
	uint64_t seed = 0x5A125E1ULL;
	for (long i = 0; i < nb; i++) {
		long present = 0;
		for (long j = 0; j < nb; j++) {
			if (!block_present(i, j))
				continue;
			present++;
			double *blk = new_block();
			for (long e = 0; e < LU_BS * LU_BS; e++)
				blk[e] = unit_random(&seed);
			a[i * nb + j] = blk;
		}
		double *d = a[i * nb + i];
		for (long e = 0; e < LU_BS; e++)
			d[e * LU_BS + e] += (double)(present * LU_BS);
	}
}

/* In-place LU of one block: unit L below the diagonal, U on and above. */
static void lu0(double *d)
{
	for (long k = 0; k < LU_BS; k++) {
		for (long i = k + 1; i < LU_BS; i++) {
			d[i * LU_BS + k] /= d[k * LU_BS + k];
			double l = d[i * LU_BS + k];
			for (long j = k + 1; j < LU_BS; j++)
				d[i * LU_BS + j] -= l * d[k * LU_BS + j];
		}
	}
}

/* Row block to the right of the diagonal: col := L^-1 col. */
static void fwd(const double *d, double *col)
{
	for (long k = 0; k < LU_BS; k++)
		for (long i = k + 1; i < LU_BS; i++) {
			double l = d[i * LU_BS + k];
			for (long j = 0; j < LU_BS; j++)
				col[i * LU_BS + j] -= l * col[k * LU_BS + j];
		}
}

/* Column block below the diagonal: row := row U^-1. */
static void bdiv(const double *d, double *row)
{
	for (long i = 0; i < LU_BS; i++)
		for (long k = 0; k < LU_BS; k++) {
			row[i * LU_BS + k] /= d[k * LU_BS + k];
			double l = row[i * LU_BS + k];
			for (long j = k + 1; j < LU_BS; j++)
				row[i * LU_BS + j] -= l * d[k * LU_BS + j];
		}
}

/* Schur update of one block: inner -= row * col. */
static void bmod(const double *row, const double *col, double *inner)
{
	for (long i = 0; i < LU_BS; i++)
		for (long k = 0; k < LU_BS; k++) {
			double l = row[i * LU_BS + k];
			for (long j = 0; j < LU_BS; j++)
				inner[i * LU_BS + j] -= l * col[k * LU_BS + j];
		}
}

static void sparselu_par(double **a, long nb)
{
	for (long kk = 0; kk < nb; kk++) {
		double *diag = a[kk * nb + kk];
		lu0(diag);
		for (long jj = kk + 1; jj < nb; jj++) {
			double *col = a[kk * nb + jj];
			if (col != NULL) {
#pragma omp task firstprivate(diag, col)
				fwd(diag, col);
			}
		}
		for (long ii = kk + 1; ii < nb; ii++) {
			double *row = a[ii * nb + kk];
			if (row != NULL) {
#pragma omp task firstprivate(diag, row)
				bdiv(diag, row);
			}
		}
#pragma omp taskwait
		for (long ii = kk + 1; ii < nb; ii++) {
			double *row = a[ii * nb + kk];
			if (row == NULL)
				continue;
			for (long jj = kk + 1; jj < nb; jj++) {
				double *col = a[kk * nb + jj];
				if (col == NULL)
					continue;
				if (a[ii * nb + jj] == NULL)
					a[ii * nb + jj] = new_block();
				double *inner = a[ii * nb + jj];
#pragma omp task firstprivate(row, col, inner)
				bmod(row, col, inner);
			}
		}
#pragma omp taskwait
	}
}

/* y_I += B x_J for one block, restricted to a triangle of B:
 * part 0 the whole block, 1 strictly lower + unit diagonal, 2 upper. */
static void block_matvec(const double *b, const double *x, double *y,
			 int part)
{
	for (long i = 0; i < LU_BS; i++) {
		double s = 0.0;
		for (long j = 0; j < LU_BS; j++) {
			if (part == 1 && j > i)
				break;
			if (part == 2 && j < i)
				continue;
			double bij = (part == 1 && j == i) ? 1.0
							   : b[i * LU_BS + j];
			s += bij * x[j];
		}
		y[i] += s;
	}
}

/* L (U x) from the factors and A x from the saved input must agree. */
static int residual_check(double *const *a, double *const *orig, long nb)
{
	long n = nb * LU_BS;
	double *x = wl_alloc("sparselu", (size_t)n, sizeof(double));
	double *ux = wl_alloc("sparselu", (size_t)n, sizeof(double));
	double *lux = wl_alloc("sparselu", (size_t)n, sizeof(double));
	double *ax = wl_alloc("sparselu", (size_t)n, sizeof(double));
	uint64_t seed = 0xC0FFEEULL;
	int ok = 1;
	for (int v = 0; v < LU_VECTORS && ok; v++) {
		for (long i = 0; i < n; i++) {
			x[i] = unit_random(&seed);
			ux[i] = lux[i] = ax[i] = 0.0;
		}
		for (long i = 0; i < nb; i++)
			for (long j = 0; j < nb; j++) {
				const double *o = orig[i * nb + j];
				const double *f = a[i * nb + j];
				if (o != NULL)
					block_matvec(o, x + j * LU_BS,
						     ax + i * LU_BS, 0);
				if (f != NULL && j >= i)
					block_matvec(f, x + j * LU_BS,
						     ux + i * LU_BS,
						     j == i ? 2 : 0);
			}
		for (long i = 0; i < nb; i++)
			for (long j = 0; j <= i; j++)
				if (a[i * nb + j] != NULL)
					block_matvec(a[i * nb + j],
						     ux + j * LU_BS,
						     lux + i * LU_BS,
						     j == i ? 1 : 0);
		double scale = 1.0; /* errors relative to the largest |Ax| */
		for (long i = 0; i < n; i++)
			scale = fabs(ax[i]) > scale ? fabs(ax[i]) : scale;
		for (long i = 0; i < n && ok; i++) {
			if (fabs(lux[i] - ax[i]) > LU_TOL * scale) {
				fprintf(stderr, "sparselu: (LUx)[%ld] = %g, "
						"(Ax)[%ld] = %g\n",
					i, lux[i], i, ax[i]);
				ok = 0;
			}
		}
	}
	free(x);
	free(ux);
	free(lux);
	free(ax);
	return ok;
}

/* Reference: textbook right-looking dense LU of the whole matrix. */
static int dense_check(double *const *a, double *const *orig, long nb)
{
	long n = nb * LU_BS;
	double *m = wl_alloc("sparselu", (size_t)(n * n), sizeof(double));
	for (long bi = 0; bi < nb; bi++)
		for (long bj = 0; bj < nb; bj++) {
			const double *o = orig[bi * nb + bj];
			for (long i = 0; o != NULL && i < LU_BS; i++)
				for (long j = 0; j < LU_BS; j++)
					m[(bi * LU_BS + i) * n + bj * LU_BS +
					  j] = o[i * LU_BS + j];
		}
	for (long k = 0; k < n; k++)
		for (long i = k + 1; i < n; i++) {
			m[i * n + k] /= m[k * n + k];
			double l = m[i * n + k];
			for (long j = k + 1; j < n; j++)
				m[i * n + j] -= l * m[k * n + j];
		}
	int ok = 1;
	for (long i = 0; i < n && ok; i++)
		for (long j = 0; j < n && ok; j++) {
			const double *f = a[(i / LU_BS) * nb + j / LU_BS];
			long e = (i % LU_BS) * LU_BS + j % LU_BS;
			double got = f != NULL ? f[e] : 0.0;
			/* Per-entry relative: L entries are small (~1e-3). */
			double ref = fabs(m[i * n + j]);
			double tol = LU_TOL * (ref > LU_FLOOR ? ref : LU_FLOOR);
			if (fabs(got - m[i * n + j]) > tol) {
				fprintf(stderr, "sparselu: LU[%ld][%ld] = %g, "
						"dense LU gives %g\n",
					i, j, got, m[i * n + j]);
				ok = 0;
			}
		}
	free(m);
	return ok;
}

static void free_blocks(double **a, long nb)
{
	for (long i = 0; i < nb * nb; i++)
		free(a[i]);
	free(a);
}

int main(int argc, char **argv)
{
	long nb = wl_parse_size(argc, argv, "sparselu",
			       (struct wl_sizes){ 4, 18, 50 });
	if (nb > 4096) {
		fprintf(stderr, "sparselu: N must be at most 4096 blocks\n");
		return 2;
	}
	double **a = wl_alloc("sparselu", (size_t)(nb * nb), sizeof(double *));
	double **orig = wl_alloc("sparselu", (size_t)(nb * nb),
				 sizeof(double *));
	generate(a, nb);
	for (long i = 0; i < nb * nb; i++) {
		if (a[i] == NULL)
			continue;
		orig[i] = new_block();
		memcpy(orig[i], a[i], LU_BS * LU_BS * sizeof(double));
	}

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	sparselu_par(a, nb);
	double t1 = wl_kernel_end();

	int ok = residual_check(a, orig, nb);
	if (ok && nb * LU_BS <= DENSE_CHECK_MAX)
		ok = dense_check(a, orig, nb);
	free_blocks(a, nb);
	free_blocks(orig, nb);
	return wl_report("sparselu", nb, t1 - t0, ok);
}
