/* needleman-wunsch-tasks.c - global alignment score matrix of two generated DNA-like
 * sequences of length N (Needleman-Wunsch dynamic programming, BLOSUM-like
 * match/mismatch scores, linear gap penalty); the tasks version.
 * Manifest: kind apps, group needleman-wunsch.
 *
 * N is the length of each sequence (an (N+1)^2 score matrix).
 * Parallelisation: the matrix is cut into 64 x 64 blocks, one task per
 * block created by a single thread with depend(in: the blocks above and
 * left, out: its own), so a block starts as soon as its two neighbours
 * are done (no barrier per anti-diagonal).
 * Check: a serial row-by-row fill gives the same matrix, exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "needleman-wunsch-tasks"
#define B 64
#define GAP 4

static int score(char a, char b)
{
	return a == b ? 5 : (a ^ b) & 1 ? -3 : -1;
}

/* fill block (bi, bj) of the (n+1) x (n+1) matrix m (row 0 and column 0
 * already hold the gap penalties) */
static void block(long n, int *m, const char *s, const char *t, long bi, long bj)
{
	long i0 = 1 + bi * B, j0 = 1 + bj * B;
	long i1 = i0 + B < n + 1 ? i0 + B : n + 1;
	long j1 = j0 + B < n + 1 ? j0 + B : n + 1;
	for (long i = i0; i < i1; i++)
		for (long j = j0; j < j1; j++) {
			int d = m[(i - 1) * (n + 1) + j - 1] + score(s[i - 1], t[j - 1]);
			int u = m[(i - 1) * (n + 1) + j] - GAP;
			int l = m[i * (n + 1) + j - 1] - GAP;
			int best = d > u ? d : u;
			m[i * (n + 1) + j] = best > l ? best : l;
		}
}

static void align(long n, int *m, const char *s, const char *t)
{
	long nb = (n + B - 1) / B;
	/* one dependence token per block: done[bi * nb + bj] */
	char *done = wl_alloc(NAME, (size_t)(nb * nb), 1);
#pragma omp parallel
#pragma omp single
	for (long bi = 0; bi < nb; bi++)
		for (long bj = 0; bj < nb; bj++) {
			long self = bi * nb + bj;
			long up = bi > 0 ? self - nb : self;
			long left = bj > 0 ? self - 1 : self;
#pragma omp task depend(in : done[up], done[left]) depend(inout : done[self]) \
	firstprivate(bi, bj)
			block(n, m, s, t, bi, bj);
		}
	free(done);
}

static void init_matrix(long n, int *m)
{
	for (long i = 0; i <= n; i++) {
		m[i * (n + 1)] = (int)(-GAP * i);
		m[i] = (int)(-GAP * i);
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 500, 2000, 16000 });
	char *s = wl_alloc(NAME, (size_t)n, 1), *t = wl_alloc(NAME, (size_t)n, 1);
	uint64_t r = 77;
	for (long i = 0; i < n; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		s[i] = "ACGT"[(r >> 33) & 3];
		t[i] = i % 5 == 0 ? "ACGT"[(r >> 40) & 3] : s[i]; /* similar sequences */
	}
	size_t cells = (size_t)(n + 1) * (size_t)(n + 1);
	int *m = wl_alloc(NAME, cells, sizeof(int));
	int *want = wl_alloc(NAME, cells, sizeof(int));
	init_matrix(n, m);
	init_matrix(n, want);

	double t0 = wl_kernel_begin();
	align(n, m, s, t);
	double t1 = wl_kernel_end();

	for (long i = 1; i <= n; i++)
		for (long j = 1; j <= n; j++) {
			int d = want[(i - 1) * (n + 1) + j - 1] + score(s[i - 1], t[j - 1]);
			int u = want[(i - 1) * (n + 1) + j] - GAP;
			int l = want[i * (n + 1) + j - 1] - GAP;
			int best = d > u ? d : u;
			want[i * (n + 1) + j] = best > l ? best : l;
		}
	int ok = memcmp(m, want, cells * sizeof(int)) == 0;
	if (!ok)
		fprintf(stderr, NAME ": score %d, expected %d\n", m[cells - 1],
			want[cells - 1]);
	free(s);
	free(t);
	free(m);
	free(want);
	return wl_report(NAME, n, t1 - t0, ok);
}
