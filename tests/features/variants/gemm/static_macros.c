/* gemm, static arrays and macro sizes: C = alpha*A*B + beta*C with the
 * parallel loop over rows and the k loop outside the j loop. */
#include <stdio.h>

#define NI 1300
#define NJ 1430
#define NK 1560

static double A[NI][NK], B[NK][NJ], C[NI][NJ];

int main(void)
{
	const double alpha = 1.5, beta = 1.2;
	for (int i = 0; i < NI; i++)
		for (int k = 0; k < NK; k++)
			A[i][k] = (double)(i * k % 7) / 7.0;
	for (int k = 0; k < NK; k++)
		for (int j = 0; j < NJ; j++)
			B[k][j] = (double)(k + j) / NJ;
#pragma omp parallel for
	for (int i = 0; i < NI; i++) {
		for (int j = 0; j < NJ; j++)
			C[i][j] *= beta;
		for (int k = 0; k < NK; k++)
			for (int j = 0; j < NJ; j++)
				C[i][j] += alpha * A[i][k] * B[k][j];
	}
	printf("%f\n", C[NI / 2][NJ / 2]);
	return 0;
}
