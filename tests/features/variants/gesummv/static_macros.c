/* gesummv: y = alpha A x + beta B x, repeated; static arrays and macro
 * sizes, both sums in one loop over j. */
#include <stdio.h>

#define N 3000
#define REPS 100

static double A[N][N], B[N][N], x[N], y[N];

int main(void)
{
	const double alpha = 1.5, beta = 1.2;
	for (int i = 0; i < N; i++)
		x[i] = (double)(i % N) / N;
#pragma omp parallel
	for (int r = 0; r < REPS; r++) {
#pragma omp for
		for (int i = 0; i < N; i++) {
			double ta = 0.0, tb = 0.0;
			for (int j = 0; j < N; j++) {
				ta += A[i][j] * x[j];
				tb += B[i][j] * x[j];
			}
			y[i] = alpha * ta + beta * tb;
		}
	}
	printf("%f\n", y[0]);
	return 0;
}
