/* stencil.c - a small 2-D Jacobi sweep in time steps, for the command-line
 * tests of `zdvfs features`. */
#define STEPS 50

void jacobi(int n, double *a, double *b)
{
	for (int t = 0; t < STEPS; t++) {
#pragma omp parallel for schedule(static)
		for (int i = 1; i < n - 1; i++)
			for (int j = 1; j < n - 1; j++)
				b[i * n + j] = 0.2 * (a[i * n + j] + a[i * n + j - 1] +
						      a[i * n + j + 1] +
						      a[(i - 1) * n + j] +
						      a[(i + 1) * n + j]);
#pragma omp parallel for schedule(static)
		for (int i = 1; i < n - 1; i++)
			for (int j = 1; j < n - 1; j++)
				a[i * n + j] = b[i * n + j];
	}
}
