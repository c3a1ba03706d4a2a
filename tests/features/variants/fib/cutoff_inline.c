/* fib with tasks and a manual cut-off on n (not on depth): below the
 * threshold the recursion runs serially in the same function. */
#include <stdio.h>
#include <stdlib.h>

#define CUTOFF 20

static long fib(int n)
{
	if (n < 2)
		return n;
	if (n < CUTOFF)
		return fib(n - 1) + fib(n - 2);
	long a, b;
#pragma omp task shared(a)
	a = fib(n - 1);
#pragma omp task shared(b)
	b = fib(n - 2);
#pragma omp taskwait
	return a + b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 40;
	long r = 0;
#pragma omp parallel
	{
#pragma omp single nowait
		r = fib(n);
	}
	printf("%ld\n", r);
	return 0;
}
