/* alignment.c - BOTS-style pairwise protein alignment: for every pair of N
 * generated protein-like sequences, the optimal global (Needleman-Wunsch)
 * and local (Smith-Waterman) alignment scores with affine gaps (Gotoh).
 *
 * N is the number of sequences.  They are mutated copies (substitutions,
 * insertions, deletions) of ALN_FAMILIES random ancestors over a 20-letter
 * alphabet, ALN_MINLEN..ALN_MAXLEN letters long; the substitution matrix is
 * a fixed generated symmetric one (positive diagonal), gaps cost
 * GAP_OPEN + k * GAP_EXTEND.
 * Parallelisation: #pragma omp parallel + single walks the pairs (i < j)
 * and creates one task per pair (each is ~10^5 DP cells, so no cutoff is
 * needed); each task runs both dynamic programs in linear space on its own
 * rows and writes only its own two result cells.
 * Check: every score is recomputed serially by a separate full-matrix
 * (quadratic space) implementation of the same recurrences; integer
 * scores must match exactly.
 */
#include <stdint.h>

#include "wl.h"

#define ALN_ALPHABET 20
#define ALN_FAMILIES 8
#define ALN_MINLEN 100
#define ALN_MAXLEN 300
#define GAP_OPEN 10
#define GAP_EXTEND 1
#define NEG_INF (-100000000)

struct sequences {
	long count;
	int *len;
	unsigned char **res; /* residues, 0..ALN_ALPHABET-1 */
};

static int subst[ALN_ALPHABET][ALN_ALPHABET];

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static long random_below(uint64_t *state, long bound)
{
	return (long)(splitmix64(state) % (uint64_t)bound);
}

/* Symmetric scores: identities 4..11, substitutions -4..2. */
static void make_substitution_matrix(void)
{
	uint64_t seed = 0xB105U;
	for (int a = 0; a < ALN_ALPHABET; a++) {
		subst[a][a] = 4 + (int)random_below(&seed, 8);
		for (int b = 0; b < a; b++) {
			int s = (int)random_below(&seed, 7) - 4;
			subst[a][b] = s;
			subst[b][a] = s;
		}
	}
}

/* One member of a family: the ancestor with point mutations and indels. */
static int mutate(const unsigned char *anc, int alen, unsigned char *out,
		  uint64_t *seed)
{
	int n = 0;
	for (int i = 0; i < alen && n < ALN_MAXLEN; i++) {
		long r = random_below(seed, 100);
		if (r < 4)
			continue; /* deletion */
		out[n++] = r < 20 ? (unsigned char)random_below(seed,
								ALN_ALPHABET)
				  : anc[i];
		if (r >= 96 && n < ALN_MAXLEN) /* insertion */
			out[n++] = (unsigned char)random_below(seed,
							       ALN_ALPHABET);
	}
	while (n < ALN_MINLEN)
		out[n++] = (unsigned char)random_below(seed, ALN_ALPHABET);
	return n;
}

static void make_sequences(struct sequences *s, long count)
{
	unsigned char anc[ALN_FAMILIES][ALN_MAXLEN];
	int alen[ALN_FAMILIES];
	uint64_t seed = 0xA116E5ULL;
	for (int f = 0; f < ALN_FAMILIES; f++) {
		alen[f] = ALN_MINLEN +
			  (int)random_below(&seed, ALN_MAXLEN - ALN_MINLEN + 1);
		for (int i = 0; i < alen[f]; i++)
			anc[f][i] = (unsigned char)random_below(&seed,
								ALN_ALPHABET);
	}
	s->count = count;
	s->len = wl_alloc("alignment", (size_t)count, sizeof(int));
	s->res = wl_alloc("alignment", (size_t)count, sizeof(unsigned char *));
	for (long i = 0; i < count; i++) {
		int f = (int)(i % ALN_FAMILIES);
		s->res[i] = wl_alloc("alignment", ALN_MAXLEN, 1);
		s->len[i] = mutate(anc[f], alen[f], s->res[i], &seed);
	}
}

static int max2(int a, int b)
{
	return a > b ? a : b;
}

/* Gotoh in linear space.  h[j], f[j] hold row i-1 until overwritten;
 * e is the horizontal gap state of the current row.  local != 0 gives
 * Smith-Waterman (scores floored at 0, best cell anywhere). */
static int align_rows(const unsigned char *a, int m, const unsigned char *b,
		      int n, int local)
{
	int h[ALN_MAXLEN + 1];
	int f[ALN_MAXLEN + 1];
	h[0] = 0;
	for (int j = 1; j <= n; j++) {
		h[j] = local ? 0 : -(GAP_OPEN + j * GAP_EXTEND);
		f[j] = NEG_INF;
	}
	int best = 0;
	for (int i = 1; i <= m; i++) {
		int diag = h[0];
		h[0] = local ? 0 : -(GAP_OPEN + i * GAP_EXTEND);
		int e = NEG_INF;
		const int *srow = subst[a[i - 1]];
		for (int j = 1; j <= n; j++) {
			e = max2(e - GAP_EXTEND,
				 h[j - 1] - GAP_OPEN - GAP_EXTEND);
			int fj = max2(f[j] - GAP_EXTEND,
				      h[j] - GAP_OPEN - GAP_EXTEND);
			int hj = max2(diag + srow[b[j - 1]], max2(e, fj));
			if (local) {
				hj = max2(hj, 0);
				best = max2(best, hj);
			}
			diag = h[j];
			h[j] = hj;
			f[j] = fj;
		}
	}
	return local ? best : h[n];
}

static void align_all(const struct sequences *s, int *global, int *local)
{
	long n = s->count;
	for (long i = 0; i < n; i++) {
		for (long j = i + 1; j < n; j++) {
#pragma omp task firstprivate(i, j, n)
			{
				const unsigned char *a = s->res[i];
				const unsigned char *b = s->res[j];
				int la = s->len[i];
				int lb = s->len[j];
				global[i * n + j] = align_rows(a, la, b, lb, 0);
				local[i * n + j] = align_rows(a, la, b, lb, 1);
			}
		}
	}
#pragma omp taskwait
}

/* Reference: the textbook full-matrix Gotoh, H/E/F as (m+1)x(n+1). */
static void align_full(const unsigned char *a, int m, const unsigned char *b,
		       int n, int *hm, int *em, int *fm, int *gscore,
		       int *lscore)
{
	long w = n + 1;
	for (int pass = 0; pass < 2; pass++) {
		int local = pass == 1;
		int best = 0;
		for (int i = 0; i <= m; i++) {
			for (int j = 0; j <= n; j++) {
				long c = i * w + j;
				if (i == 0 || j == 0) {
					int k = i + j;
					hm[c] = (local || k == 0)
							? 0
							: -(GAP_OPEN +
							    k * GAP_EXTEND);
					em[c] = NEG_INF;
					fm[c] = NEG_INF;
					continue;
				}
				em[c] = max2(em[c - 1] - GAP_EXTEND,
					     hm[c - 1] - GAP_OPEN - GAP_EXTEND);
				fm[c] = max2(fm[c - w] - GAP_EXTEND,
					     hm[c - w] - GAP_OPEN - GAP_EXTEND);
				int v = hm[c - w - 1] +
					subst[a[i - 1]][b[j - 1]];
				v = max2(v, max2(em[c], fm[c]));
				if (local)
					v = max2(v, 0);
				hm[c] = v;
				best = max2(best, v);
			}
		}
		if (local)
			*lscore = best;
		else
			*gscore = hm[(long)m * w + n];
	}
}

static int check_all(const struct sequences *s, const int *global,
		     const int *local)
{
	size_t cells = (size_t)(ALN_MAXLEN + 1) * (ALN_MAXLEN + 1);
	int *hm = wl_alloc("alignment", cells, sizeof(int));
	int *em = wl_alloc("alignment", cells, sizeof(int));
	int *fm = wl_alloc("alignment", cells, sizeof(int));
	long n = s->count;
	int ok = 1;
	for (long i = 0; i < n && ok; i++)
		for (long j = i + 1; j < n && ok; j++) {
			int g = 0;
			int l = 0;
			align_full(s->res[i], s->len[i], s->res[j], s->len[j],
				   hm, em, fm, &g, &l);
			if (g != global[i * n + j] || l != local[i * n + j]) {
				fprintf(stderr,
					"alignment: pair (%ld,%ld) scores "
					"%d/%d, expected %d/%d\n",
					i, j, global[i * n + j],
					local[i * n + j], g, l);
				ok = 0;
			}
		}
	free(hm);
	free(em);
	free(fm);
	return ok;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "alignment",
			       (struct wl_sizes){ 8, 30, 200 });
	if (n > 20000) {
		fprintf(stderr, "alignment: N must be at most 20000\n");
		return 2;
	}
	make_substitution_matrix();
	struct sequences s;
	make_sequences(&s, n);
	int *global = wl_alloc("alignment", (size_t)(n * n), sizeof(int));
	int *local = wl_alloc("alignment", (size_t)(n * n), sizeof(int));

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	align_all(&s, global, local);
	double t1 = wl_kernel_end();

	int ok = check_all(&s, global, local);
	for (long i = 0; i < n; i++)
		free(s.res[i]);
	free(s.res);
	free(s.len);
	free(global);
	free(local);
	return wl_report("alignment", n, t1 - t0, ok);
}
