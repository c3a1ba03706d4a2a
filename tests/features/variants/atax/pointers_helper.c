/* atax with flat arrays: a row dot product and a block update in helpers,
 * called from two parallel loops. */
#include <stdio.h>
#include <stdlib.h>

#define BLOCK 64

static double row_dot(const double *row, const double *v, long n)
{
	double s = 0.0;
	for (long j = 0; j < n; j++)
		s += row[j] * v[j];
	return s;
}

static void block_update(double *y, const double *a, const double *t,
			 long m, long n, long lo, long hi)
{
	for (long j = lo; j < hi; j++)
		y[j] = 0.0;
	for (long i = 0; i < m; i++)
		for (long j = lo; j < hi; j++)
			y[j] += a[i * n + j] * t[i];
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4000;
	long m = n - n / 10;
	double *a = calloc((size_t)(m * n), sizeof(double));
	double *x = calloc((size_t)n, sizeof(double));
	double *y = calloc((size_t)n, sizeof(double));
	double *t = calloc((size_t)m, sizeof(double));
	if (!a || !x || !y || !t)
		return 1;
	long nb = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long i = 0; i < m; i++)
			t[i] = row_dot(a + i * n, x, n);
#pragma omp for schedule(static)
		for (long b = 0; b < nb; b++)
			block_update(y, a, t, m, n, b * BLOCK,
				     b * BLOCK + BLOCK < n ? b * BLOCK + BLOCK : n);
	}
	printf("%f\n", y[0]);
	free(a);
	free(x);
	free(y);
	free(t);
	return 0;
}
