/* nussinov.c - PolyBench-style nussinov: RNA secondary-structure dynamic
 * programming (maximum number of nested complementary base pairs) over a
 * sequence of N bases, parallelised by an anti-diagonal wavefront.
 *
 * N (the primary dimension) is the sequence length; the bases come from a
 * closed-form hash of the position. The score table holds integer pair
 * counts (exact, like PolyBench's int table), not doubles.
 * Recurrence, for i < j (entries with j <= i stay 0):
 *   S[i][j] = max( S[i][j-1], S[i+1][j],
 *                  S[i+1][j-1] + pair(i, j)   (pairing only if i < j-1),
 *                  max over i < k < j of S[i][k] + S[k+1][j] )
 * Parallelisation: S[i][j] only reads entries with a smaller span j - i, so
 * all cells of one anti-diagonal d = j - i are independent. One parallel
 * region; for d = 1 .. N-1 an `omp for schedule(static)` over the cells of
 * diagonal d (they all cost ~d, so static is balanced); the loop's barrier
 * orders the diagonals.
 * Check: the serial PolyBench-order fill (i from N-1 down, j upwards); max
 * over integers is exact, so the tables must be identical.
 */
#include "wl.h"

#define NAME "nussinov"

static const struct wl_sizes SIZES = {
	.tiny = 200, .small = 700, .standard = 2000
};

/* Bases 0..3 (A, C, G, U in some order) from a multiplicative hash. */
static void init(long n, unsigned char *seq)
{
	for (long i = 0; i < n; i++)
		seq[i] = (unsigned char)((((unsigned long)i * 2654435761UL) >>
					  13) & 3UL);
}

/* Bases b1 and b2 are complementary when they add up to 3. */
static inline int pair(unsigned char b1, unsigned char b2)
{
	return b1 + b2 == 3;
}

static inline int imax(int a, int b)
{
	return a > b ? a : b;
}

/* Score of cell (i, j), i < j, from cells of smaller span. */
static int cell(long n, const unsigned char *seq, const int *s, long i,
		long j)
{
	int best = imax(s[i * n + j - 1], s[(i + 1) * n + j]);
	int diag = s[(i + 1) * n + j - 1];
	if (i < j - 1)
		diag += pair(seq[i], seq[j]);
	best = imax(best, diag);
	for (long k = i + 1; k < j; k++)
		best = imax(best, s[i * n + k] + s[(k + 1) * n + j]);
	return best;
}

static void nussinov_par(long n, const unsigned char *seq, int *s)
{
#pragma omp parallel
	for (long d = 1; d < n; d++) {
#pragma omp for schedule(static)
		for (long i = 0; i < n - d; i++)
			s[i * n + i + d] = cell(n, seq, s, i, i + d);
	}
}

/* Serial reference in PolyBench's loop order, table starting at zero
 * (j > i, so row i + 1 and column j - 1 always exist). */
static void nussinov_ref(long n, const unsigned char *seq, int *t)
{
	for (long i = n - 1; i >= 0; i--)
		for (long j = i + 1; j < n; j++) {
			int *tij = &t[i * n + j];
			*tij = imax(*tij, t[i * n + j - 1]);
			*tij = imax(*tij, t[(i + 1) * n + j]);
			if (i < j - 1)
				*tij = imax(*tij, t[(i + 1) * n + j - 1] +
							  pair(seq[i], seq[j]));
			else
				*tij = imax(*tij, t[(i + 1) * n + j - 1]);
			for (long k = i + 1; k < j; k++)
				*tij = imax(*tij,
					    t[i * n + k] + t[(k + 1) * n + j]);
		}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME, SIZES);
	size_t nn = (size_t)n * (size_t)n;
	unsigned char *seq = wl_alloc(NAME, (size_t)n, sizeof *seq);
	int *s = wl_alloc(NAME, nn, sizeof *s);
	int *ref = wl_alloc(NAME, nn, sizeof *ref);
	init(n, seq);

	double t0 = wl_kernel_begin();
	nussinov_par(n, seq, s);
	double secs = wl_kernel_end() - t0;

	nussinov_ref(n, seq, ref);
	long bad = 0;
	for (size_t p = 0; p < nn; p++)
		bad += s[p] != ref[p];
	if (bad)
		fprintf(stderr,
			"%s: %ld of %zu cells differ (score %d vs %d)\n", NAME,
			bad, nn, s[n - 1], ref[n - 1]);
	free(seq);
	free(s);
	free(ref);
	return wl_report(NAME, n, secs, bad == 0);
}
