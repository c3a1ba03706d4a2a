/* jacobi-1d: a 3-point average, two sweeps per time step; static arrays
 * and macro sizes. */
#include <stdio.h>

#define N 2000000
#define TSTEPS 500

static double A[N], B[N];

int main(void)
{
	for (int i = 0; i < N; i++)
		A[i] = (double)(i + 2) / N;
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++) {
#pragma omp for
		for (int i = 1; i < N - 1; i++)
			B[i] = (A[i - 1] + A[i] + A[i + 1]) / 3.0;
#pragma omp for
		for (int i = 1; i < N - 1; i++)
			A[i] = (B[i - 1] + B[i] + B[i + 1]) / 3.0;
	}
	printf("%f\n", A[N / 2]);
	return 0;
}
