/* nqueens: count placements; tasks for the first rows, each with its own
 * copy of the board as a plain array, a serial search below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 20
#define TASK_ROWS 3

static int ok(const char *q, int row, int col)
{
	for (int r = 0; r < row; r++) {
		int d = q[r] - col;
		if (d == 0 || d == row - r || -d == row - r)
			return 0;
	}
	return 1;
}

static long search(char *q, int n, int row)
{
	if (row == n)
		return 1;
	long found = 0;
	for (int c = 0; c < n; c++)
		if (ok(q, row, c)) {
			q[row] = (char)c;
			found += search(q, n, row + 1);
		}
	return found;
}

static long solve(const char *q, int n, int row)
{
	if (row >= TASK_ROWS || row == n) {
		char mine[MAXN];
		memcpy(mine, q, MAXN);
		return search(mine, n, row);
	}
	long part[MAXN] = {0};
	for (int c = 0; c < n; c++) {
		if (!ok(q, row, c))
			continue;
		char next[MAXN];
		memcpy(next, q, MAXN);
		next[row] = (char)c;
#pragma omp task firstprivate(next, c) shared(part)
		part[c] = solve(next, n, row + 1);
	}
#pragma omp taskwait
	long sum = 0;
	for (int c = 0; c < n; c++)
		sum += part[c];
	return sum;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 12;
	char q[MAXN] = {0};
	long total = 0;
#pragma omp parallel
#pragma omp single
	total = solve(q, n, 0);
	printf("%ld\n", total);
	return 0;
}
