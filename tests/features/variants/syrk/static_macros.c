/* syrk: C = alpha A A^T + beta C on the lower triangle; static arrays,
 * macro sizes, dynamic schedule for the triangle. */
#include <stdio.h>

#define N 1200
#define M 1000

static double A[N][M], C[N][N];

int main(void)
{
	const double alpha = 1.5, beta = 1.2;
#pragma omp parallel for schedule(dynamic, 8)
	for (int i = 0; i < N; i++)
		for (int j = 0; j <= i; j++) {
			double s = beta * C[i][j];
			for (int k = 0; k < M; k++)
				s += alpha * A[i][k] * A[j][k];
			C[i][j] = s;
		}
	printf("%f\n", C[N - 1][0]);
	return 0;
}
