/* nqueens.c - BOTS-style N-queens: count every placement of N non-attacking
 * queens on an N x N board by backtracking, one OpenMP task per placement
 * in the first rows.
 *
 * N is the board size (1..27, the sizes whose answer is tabulated below).
 * Parallelisation: #pragma omp parallel + single starts row 0; for each
 * safe column of a row the search of the rest of the board becomes a task
 * (with its own copy of the partial board, passed firstprivate) while the
 * row is below NQ_TASK_ROWS; deeper rows are searched serially inside the
 * task.  Each task writes its count into its own slot of the parent's
 * array, summed after taskwait, so nothing is shared between tasks.
 * Check: the count is compared exactly with the known number of solutions
 * (OEIS A000170).
 */
#include <stdint.h>

#include "wl.h"

#define NQ_MAX 27
/* Tasks for the first 3 rows: up to ~N^3 tasks, each a sizeable subtree. */
#define NQ_TASK_ROWS 3

/* Number of solutions for N = 1..27 (OEIS A000170). */
static const uint64_t nq_known[NQ_MAX + 1] = {
	0ULL,
	1ULL,
	0ULL,
	0ULL,
	2ULL,
	10ULL,
	4ULL,
	40ULL,
	92ULL,
	352ULL,
	724ULL,
	2680ULL,
	14200ULL,
	73712ULL,
	365596ULL,
	2279184ULL,
	14772512ULL,
	95815104ULL,
	666090624ULL,
	4968057848ULL,
	39029188884ULL,
	314666222712ULL,
	2691008701644ULL,
	24233937684440ULL,
	227514171973736ULL,
	2207893435808352ULL,
	22317699616364044ULL,
	234907967154122528ULL,
};

/* The partial placement: col[r] is the column of the queen on row r. */
struct nq_board {
	signed char col[NQ_MAX];
};

/* Can a queen go on (row, c) given the queens on rows 0..row-1? */
static int nq_safe(const struct nq_board *b, int row, int c)
{
	for (int r = 0; r < row; r++) {
		int d = b->col[r] - c;
		if (d == 0 || d == row - r || d == r - row)
			return 0;
	}
	return 1;
}

static uint64_t nq_serial(struct nq_board *b, int n, int row)
{
	if (row == n)
		return 1;
	uint64_t count = 0;
	for (int c = 0; c < n; c++) {
		if (!nq_safe(b, row, c))
			continue;
		b->col[row] = (signed char)c;
		count += nq_serial(b, n, row + 1);
	}
	return count;
}

static uint64_t nq_task(const struct nq_board *b, int n, int row)
{
	if (row >= NQ_TASK_ROWS || row == n) {
		struct nq_board copy = *b;
		return nq_serial(&copy, n, row);
	}
	uint64_t counts[NQ_MAX] = { 0 };
	for (int c = 0; c < n; c++) {
		if (!nq_safe(b, row, c))
			continue;
		struct nq_board child = *b;
		child.col[row] = (signed char)c;
#pragma omp task firstprivate(child, c, n, row) shared(counts)
		counts[c] = nq_task(&child, n, row + 1);
	}
#pragma omp taskwait
	uint64_t total = 0;
	for (int c = 0; c < n; c++)
		total += counts[c];
	return total;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "nqueens",
			       (struct wl_sizes){ 8, 12, 14 });
	if (n > NQ_MAX) {
		fprintf(stderr, "nqueens: N must be at most %d\n", NQ_MAX);
		return 2;
	}

	struct nq_board empty = { { 0 } };
	uint64_t count = 0;
	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	count = nq_task(&empty, (int)n, 0);
	double t1 = wl_kernel_end();

	int ok = count == nq_known[n];
	if (!ok)
		fprintf(stderr, "nqueens: got %llu solutions, expected %llu\n",
			(unsigned long long)count,
			(unsigned long long)nq_known[n]);
	return wl_report("nqueens", n, t1 - t0, ok);
}
