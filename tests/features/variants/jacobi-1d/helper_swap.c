/* jacobi-1d with one sweep function called twice per step (source and
 * destination swapped), each call its own parallel loop. */
#include <stdio.h>
#include <stdlib.h>

static void sweep(long n, const double *restrict src, double *restrict dst)
{
#pragma omp parallel for schedule(static)
	for (long i = 1; i < n - 1; i++)
		dst[i] = (src[i - 1] + src[i] + src[i + 1]) * (1.0 / 3.0);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	double *a = calloc((size_t)n, sizeof(double));
	double *b = calloc((size_t)n, sizeof(double));
	if (!a || !b)
		return 1;
	for (int t = 0; t < 500; t++) {
		sweep(n, a, b);
		sweep(n, b, a);
	}
	printf("%f\n", a[n / 2]);
	free(a);
	free(b);
	return 0;
}
