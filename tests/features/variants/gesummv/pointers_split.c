/* gesummv with flat arrays and the parallel region opened per repetition
 * (a combined parallel for inside the repetition loop). */
#include <stdio.h>
#include <stdlib.h>

static void gesummv(long n, double alpha, double beta, const double *a,
		    const double *b, const double *x, double *y)
{
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++) {
		double sa = 0.0, sb = 0.0;
		for (long j = 0; j < n; j++) {
			sa += a[i * n + j] * x[j];
			sb += b[i * n + j] * x[j];
		}
		y[i] = alpha * sa + beta * sb;
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 3000;
	double *a = calloc((size_t)(n * n), sizeof(double));
	double *b = calloc((size_t)(n * n), sizeof(double));
	double *x = calloc((size_t)n, sizeof(double));
	double *y = calloc((size_t)n, sizeof(double));
	if (!a || !b || !x || !y)
		return 1;
	for (int r = 0; r < 100; r++)
		gesummv(n, 1.5, 1.2, a, b, x, y);
	printf("%f\n", y[0]);
	free(a);
	free(b);
	free(x);
	free(y);
	return 0;
}
