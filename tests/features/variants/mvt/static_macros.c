/* mvt: x1 += A y1 and x2 += A^T y2, repeated; static arrays, sizes as
 * macros, accumulating straight into x1[i] and x2[i]. */
#include <stdio.h>

#define N 4000
#define REPS 50

static double A[N][N], x1[N], x2[N], y1[N], y2[N];

int main(void)
{
	for (int i = 0; i < N; i++) {
		y1[i] = (double)i / N;
		y2[i] = (double)(N - i) / N;
		for (int j = 0; j < N; j++)
			A[i][j] = (double)((i * j) % N) / N;
	}
#pragma omp parallel
	for (int r = 0; r < REPS; r++) {
#pragma omp for
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				x1[i] += A[i][j] * y1[j];
#pragma omp for
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				x2[i] += A[j][i] * y2[j];
	}
	printf("%f %f\n", x1[0], x2[N - 1]);
	return 0;
}
