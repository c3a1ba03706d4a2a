/* 2mm with flat arrays, each product a call of one helper (a dot product
 * down a column) from its own parallel for. */
#include <stdio.h>
#include <stdlib.h>

static double dot_col(long len, const double *row, const double *col,
		      long stride)
{
	double s = 0.0;
	for (long k = 0; k < len; k++)
		s += row[k] * col[k * stride];
	return s;
}

static void product(long n, long m, long len, double alpha, double beta,
		    const double *x, const double *y, double *out)
{
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++)
		for (long j = 0; j < m; j++)
			out[i * m + j] = beta * out[i * m + j] +
					 alpha * dot_col(len, x + i * len, y + j, m);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 800;
	long ni = n, nj = n + n / 8, nk = n + n / 4, nl = n + n / 2;
	double *a = calloc((size_t)(ni * nk), sizeof(double));
	double *b = calloc((size_t)(nk * nj), sizeof(double));
	double *c = calloc((size_t)(nj * nl), sizeof(double));
	double *d = calloc((size_t)(ni * nl), sizeof(double));
	double *t = calloc((size_t)(ni * nj), sizeof(double));
	if (!a || !b || !c || !d || !t)
		return 1;
	product(ni, nj, nk, 1.5, 0.0, a, b, t);
	product(ni, nl, nj, 1.0, 1.2, t, c, d);
	printf("%f\n", d[0]);
	free(a);
	free(b);
	free(c);
	free(d);
	free(t);
	return 0;
}
