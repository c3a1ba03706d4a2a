/* main.c - a program in two files: the parallel region here calls the
 * kernel defined in kernel.c (the call graph crosses files). */
#include "kernel.h"

static double a[SIZE][SIZE], b[SIZE][SIZE];

int main(void)
{
#pragma omp parallel
#pragma omp single
	smooth(SIZE, a, b);
	return (int)a[1][1];
}
