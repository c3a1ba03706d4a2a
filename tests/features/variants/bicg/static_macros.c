/* bicg: q = A p and s = A^T r; static arrays and macro sizes; s split
 * over column blocks so each thread owns its part. */
#include <stdio.h>

#define N 4000
#define M 3600
#define BLK 64

static double A[N][M], p[M], r[N], q[N], s[M];

int main(void)
{
#pragma omp parallel
	{
#pragma omp for nowait
		for (int i = 0; i < N; i++) {
			q[i] = 0.0;
			for (int j = 0; j < M; j++)
				q[i] += A[i][j] * p[j];
		}
#pragma omp for
		for (int jb = 0; jb < M; jb += BLK) {
			int je = jb + BLK < M ? jb + BLK : M;
			for (int j = jb; j < je; j++)
				s[j] = 0.0;
			for (int i = 0; i < N; i++)
				for (int j = jb; j < je; j++)
					s[j] += r[i] * A[i][j];
		}
	}
	printf("%f %f\n", q[0], s[0]);
	return 0;
}
