/* atax: y = A^T (A x), static arrays and macro sizes; the second product
 * is split over column blocks so each thread owns its part of y. */
#include <stdio.h>

#define M 4000
#define N 4400
#define BLK 64

static double A[M][N], x[N], y[N], tmp[M];

int main(void)
{
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++)
			A[i][j] = (double)((i + j) % N) / (5.0 * M);
	for (int j = 0; j < N; j++)
		x[j] = 1.0 + j / (double)N;
#pragma omp parallel
	{
#pragma omp for
		for (int i = 0; i < M; i++) {
			tmp[i] = 0.0;
			for (int j = 0; j < N; j++)
				tmp[i] += A[i][j] * x[j];
		}
#pragma omp for
		for (int jb = 0; jb < N; jb += BLK) {
			int je = jb + BLK < N ? jb + BLK : N;
			for (int j = jb; j < je; j++)
				y[j] = 0.0;
			for (int i = 0; i < M; i++)
				for (int j = jb; j < je; j++)
					y[j] += A[i][j] * tmp[i];
		}
	}
	printf("%f\n", y[N / 2]);
	return 0;
}
