/* fib.c - BOTS-style Fibonacci: the doubly recursive fib(N) with one OpenMP
 * task per recursive call near the top of the call tree.
 *
 * N is the Fibonacci index (1..93; fib(93) is the last that fits in 64 bits,
 * but the work grows as 1.618^N, so sizes above ~45 take minutes).
 * Parallelisation: #pragma omp parallel + single starts fib(N); each call
 * spawns fib(n-1) and fib(n-2) as two tasks and joins them with taskwait
 * while the recursion depth is below FIB_TASK_DEPTH; deeper calls recurse
 * serially (a task per call would cost more than the call).  Each child
 * writes only its own local of the parent, so there is no shared state.
 * Check: the answer is compared exactly with the iterative Fibonacci number.
 */
#include <stdint.h>

#include "wl.h"

/* Depth 14 gives at most ~2^15 tasks: plenty of slack for work stealing
 * and still negligible overhead against the serial leaves. */
#define FIB_TASK_DEPTH 14
#define FIB_MAX_N 93

static uint64_t fib_serial(int n)
{
	if (n < 2)
		return (uint64_t)n;
	return fib_serial(n - 1) + fib_serial(n - 2);
}

static uint64_t fib_task(int n, int depth)
{
	if (n < 2)
		return (uint64_t)n;
	if (depth >= FIB_TASK_DEPTH)
		return fib_serial(n);
	uint64_t x = 0;
	uint64_t y = 0;
#pragma omp task shared(x) firstprivate(n, depth)
	x = fib_task(n - 1, depth + 1);
#pragma omp task shared(y) firstprivate(n, depth)
	y = fib_task(n - 2, depth + 1);
#pragma omp taskwait
	return x + y;
}

/* The known answer: fib(n) by iteration. */
static uint64_t fib_iterative(int n)
{
	uint64_t a = 0;
	uint64_t b = 1;
	for (int i = 0; i < n; i++) {
		uint64_t next = a + b;
		a = b;
		b = next;
	}
	return a;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "fib",
			       (struct wl_sizes){ 24, 37, 45 });
	if (n > FIB_MAX_N) {
		fprintf(stderr, "fib: N must be at most %d (64-bit result)\n",
			FIB_MAX_N);
		return 2;
	}

	uint64_t result = 0;
	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	result = fib_task((int)n, 0);
	double t1 = wl_kernel_end();

	uint64_t expect = fib_iterative((int)n);
	int ok = result == expect;
	if (!ok)
		fprintf(stderr, "fib: got %llu, expected %llu\n",
			(unsigned long long)result, (unsigned long long)expect);
	return wl_report("fib", n, t1 - t0, ok);
}
