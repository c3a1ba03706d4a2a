/* heat-3d: a 7-point stencil, two sweeps per step; static 3-D arrays and
 * macro sizes, the update written inline with collapse(2). */
#include <stdio.h>

#define N 200
#define TSTEPS 100

static double A[N][N][N], B[N][N][N];

int main(void)
{
#pragma omp parallel
	for (int t = 0; t < TSTEPS; t++) {
#pragma omp for collapse(2)
		for (int i = 1; i < N - 1; i++)
			for (int j = 1; j < N - 1; j++)
				for (int k = 1; k < N - 1; k++)
					B[i][j][k] = 0.125 * (A[i + 1][j][k] - 2.0 * A[i][j][k] + A[i - 1][j][k]) +
						     0.125 * (A[i][j + 1][k] - 2.0 * A[i][j][k] + A[i][j - 1][k]) +
						     0.125 * (A[i][j][k + 1] - 2.0 * A[i][j][k] + A[i][j][k - 1]) +
						     A[i][j][k];
#pragma omp for collapse(2)
		for (int i = 1; i < N - 1; i++)
			for (int j = 1; j < N - 1; j++)
				for (int k = 1; k < N - 1; k++)
					A[i][j][k] = 0.125 * (B[i + 1][j][k] - 2.0 * B[i][j][k] + B[i - 1][j][k]) +
						     0.125 * (B[i][j + 1][k] - 2.0 * B[i][j][k] + B[i][j - 1][k]) +
						     0.125 * (B[i][j][k + 1] - 2.0 * B[i][j][k] + B[i][j][k - 1]) +
						     B[i][j][k];
	}
	printf("%f\n", A[N / 2][N / 2][N / 2]);
	return 0;
}
