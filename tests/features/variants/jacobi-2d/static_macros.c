/* jacobi-2d: 5-point average, two sweeps per step; static 2-D arrays,
 * macro sizes, the stencil written out. */
#include <stdio.h>

#define N 2000
#define TSTEPS 100

static double A[N][N], B[N][N];

int main(void)
{
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++) {
#pragma omp for
		for (int i = 1; i < N - 1; i++)
			for (int j = 1; j < N - 1; j++)
				B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][j + 1] +
						 A[i + 1][j] + A[i - 1][j]);
#pragma omp for
		for (int i = 1; i < N - 1; i++)
			for (int j = 1; j < N - 1; j++)
				A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][j + 1] +
						 B[i + 1][j] + B[i - 1][j]);
	}
	printf("%f\n", A[N / 2][N / 2]);
	return 0;
}
