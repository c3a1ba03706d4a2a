/* syrk with flat arrays; the inner product of two rows in a helper. */
#include <stdio.h>
#include <stdlib.h>

static double row_dot(const double *u, const double *v, long m)
{
	double s = 0.0;
	for (long k = 0; k < m; k++)
		s += u[k] * v[k];
	return s;
}

static void syrk(long n, long m, double alpha, double beta, const double *a,
		 double *c)
{
#pragma omp parallel for schedule(dynamic, 8)
	for (long i = 0; i < n; i++)
		for (long j = 0; j <= i; j++)
			c[i * n + j] = beta * c[i * n + j] +
				       alpha * row_dot(a + i * m, a + j * m, m);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1200;
	long m = n - n / 6;
	double *a = calloc((size_t)(n * m), sizeof(double));
	double *c = calloc((size_t)(n * n), sizeof(double));
	if (!a || !c)
		return 1;
	syrk(n, m, 1.5, 1.2, a, c);
	printf("%f\n", c[0]);
	free(a);
	free(c);
	return 0;
}
