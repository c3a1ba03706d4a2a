/* 2mm: D = alpha*A*B*C + beta*D as two products with a temporary, static
 * arrays, sizes as macros, accumulating in place (i, j, k order as the
 * workload), one parallel region with two omp for loops. */
#include <stdio.h>

#define NI 800
#define NJ 900
#define NK 1100
#define NL 1200

static double A[NI][NK], B[NK][NJ], C[NJ][NL], D[NI][NL], T[NI][NJ];

int main(void)
{
	const double alpha = 1.5, beta = 1.2;
	for (int i = 0; i < NI; i++)
		for (int k = 0; k < NK; k++)
			A[i][k] = (double)((i * k + 1) % NI) / NI;
#pragma omp parallel
	{
#pragma omp for
		for (int i = 0; i < NI; i++)
			for (int j = 0; j < NJ; j++) {
				T[i][j] = 0.0;
				for (int k = 0; k < NK; k++)
					T[i][j] += alpha * A[i][k] * B[k][j];
			}
#pragma omp for
		for (int i = 0; i < NI; i++)
			for (int l = 0; l < NL; l++) {
				D[i][l] *= beta;
				for (int j = 0; j < NJ; j++)
					D[i][l] += T[i][j] * C[j][l];
			}
	}
	printf("%f\n", D[1][1]);
	return 0;
}
