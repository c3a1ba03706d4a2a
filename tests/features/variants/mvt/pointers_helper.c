/* mvt with flat arrays and a strided dot product helper used for both
 * products (row: stride 1, column: stride n). */
#include <stdio.h>
#include <stdlib.h>

static double dot(const double *a, long stride, const double *v, long n)
{
	double s = 0.0;
	for (long j = 0; j < n; j++)
		s += a[j * stride] * v[j];
	return s;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4000;
	double *a = calloc((size_t)(n * n), sizeof(double));
	double *x1 = calloc((size_t)n, sizeof(double));
	double *x2 = calloc((size_t)n, sizeof(double));
	double *y1 = calloc((size_t)n, sizeof(double));
	double *y2 = calloc((size_t)n, sizeof(double));
	if (!a || !x1 || !x2 || !y1 || !y2)
		return 1;
#pragma omp parallel
	for (int r = 0; r < 50; r++) {
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++)
			x1[i] += dot(a + i * n, 1, y1, n);
#pragma omp for schedule(static)
		for (long i = 0; i < n; i++)
			x2[i] += dot(a + i, n, y2, n);
	}
	printf("%f %f\n", x1[0], x2[0]);
	free(a);
	free(x1);
	free(x2);
	free(y1);
	free(y2);
	return 0;
}
