/* gemm with flat heap arrays, explicit index arithmetic and the row
 * update in a helper function called from a separate omp for. */
#include <stdio.h>
#include <stdlib.h>

static void axpy_row(long nj, double s, const double *restrict b,
		     double *restrict c)
{
	for (long j = 0; j < nj; j++)
		c[j] += s * b[j];
}

static void gemm(long ni, long nj, long nk, double alpha, double beta,
		 const double *a, const double *b, double *c)
{
#pragma omp parallel
	{
#pragma omp for
		for (long i = 0; i < ni; i++) {
			double *ci = c + i * nj;
			for (long j = 0; j < nj; j++)
				ci[j] = beta * ci[j];
			for (long k = 0; k < nk; k++)
				axpy_row(nj, alpha * a[i * nk + k], b + k * nj, ci);
		}
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	long ni = n, nj = n + n / 10, nk = n + n / 5;
	double *a = malloc(sizeof(double) * (size_t)(ni * nk));
	double *b = malloc(sizeof(double) * (size_t)(nk * nj));
	double *c = calloc((size_t)(ni * nj), sizeof(double));
	if (!a || !b || !c)
		return 1;
	for (long e = 0; e < ni * nk; e++)
		a[e] = (double)(e % 13) / 13.0;
	for (long e = 0; e < nk * nj; e++)
		b[e] = (double)(e % 17) / 17.0;
	gemm(ni, nj, nk, 1.5, 1.2, a, b, c);
	printf("%f\n", c[ni * nj / 2]);
	free(a);
	free(b);
	free(c);
	return 0;
}
