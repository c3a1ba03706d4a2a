/* jacobi-2d with a flat array, an indexing macro and the time loop
 * outside the parallel region (one parallel for per sweep). */
#include <stdio.h>
#include <stdlib.h>

#define IDX(i, j) ((i) * n + (j))

static void step(long n, const double *a, double *b)
{
#pragma omp parallel for
	for (long i = 1; i < n - 1; i++)
		for (long j = 1; j < n - 1; j++)
			b[IDX(i, j)] = 0.2 * (a[IDX(i, j)] + a[IDX(i, j - 1)] +
					      a[IDX(i, j + 1)] + a[IDX(i + 1, j)] +
					      a[IDX(i - 1, j)]);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	double *a = calloc((size_t)(n * n), sizeof(double));
	double *b = calloc((size_t)(n * n), sizeof(double));
	if (!a || !b)
		return 1;
	for (int t = 0; t < 100; t++) {
		step(n, a, b);
		step(n, b, a);
	}
	printf("%f\n", a[n * n / 2]);
	free(a);
	free(b);
	return 0;
}
