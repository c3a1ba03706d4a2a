/* fib with the cut-off as an if clause on the tasks and the results
 * summed after a taskwait, the region opened in a helper. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long fib(int n)
{
	if (n < 2)
		return (unsigned long long)n;
	unsigned long long x = 0, y = 0;
#pragma omp task shared(x) if (n > 25)
	x = fib(n - 1);
#pragma omp task shared(y) if (n > 25)
	y = fib(n - 2);
#pragma omp taskwait
	return x + y;
}

static unsigned long long run(int n)
{
	unsigned long long r = 0;
#pragma omp parallel
#pragma omp master
	r = fib(n);
	return r;
}

int main(int argc, char **argv)
{
	printf("%llu\n", run(argc > 1 ? atoi(argv[1]) : 40));
	return 0;
}
