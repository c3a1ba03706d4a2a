/* sptrsv.c - sparse lower-triangular solves L*x = b by level scheduling:
 * rows whose dependencies are all solved form a level, solved in parallel.
 * Manifest: kind sparse, group sptrsv.
 *
 * N is the number of rows; each row has a unit-ish diagonal and 4
 * off-diagonal entries in the 1500 columns before it, giving a few hundred
 * levels at the measured sizes; 8 right-hand sides solved in turn.
 * Parallelisation: the levels are found before the kernel (an analysis
 * reused for every solve, as solvers do); each solve is one parallel region
 * with a worksharing loop per level (schedule static; a barrier per level:
 * many short phases).
 * Check: serial forward substitution gives the same x, to 1e-12.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "sptrsv"
#define DEPS 4
#define WINDOW 1500
#define RHS 8

static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct lower {
	long n;
	int *col;     /* [n * DEPS] off-diagonal columns, all < row */
	double *val;  /* [n * DEPS] */
	double *diag; /* [n] */
	long nlevels;
	long *level_off; /* [nlevels + 1] into rows */
	int *rows;       /* rows ordered by level */
};

static void build(long n, struct lower *l)
{
	uint64_t s = 3;
	l->n = n;
	l->col = wl_alloc(NAME, (size_t)n * DEPS, sizeof(int));
	l->val = wl_alloc(NAME, (size_t)n * DEPS, sizeof(double));
	l->diag = wl_alloc(NAME, (size_t)n, sizeof(double));
	int *level = wl_alloc(NAME, (size_t)n, sizeof(int));
	long maxlev = 0;
	for (long i = 0; i < n; i++) {
		l->diag[i] = 2.0 + (double)(i % 5) * 0.25;
		int lev = 0;
		for (int d = 0; d < DEPS; d++) {
			long span = i < WINDOW ? i : WINDOW;
			long j = span ? i - 1 - (long)(mix64(&s) % (uint64_t)span) : -1;
			l->col[i * DEPS + d] = (int)(j < 0 ? i : j);
			l->val[i * DEPS + d] = j < 0 ? 0.0 : -0.4 + 0.1 * (double)d;
			if (j >= 0 && level[j] + 1 > lev)
				lev = level[j] + 1;
		}
		level[i] = lev;
		if (lev > maxlev)
			maxlev = lev;
	}
	/* a dependency slot of a row with none points at the row itself
	 * (value 0); the solves skip such slots */
	l->nlevels = maxlev + 1;
	l->level_off = wl_alloc(NAME, (size_t)l->nlevels + 1, sizeof(long));
	l->rows = wl_alloc(NAME, (size_t)n, sizeof(int));
	for (long i = 0; i < n; i++)
		l->level_off[level[i] + 1]++;
	for (long k = 0; k < l->nlevels; k++)
		l->level_off[k + 1] += l->level_off[k];
	long *fill = wl_alloc(NAME, (size_t)l->nlevels, sizeof(long));
	memcpy(fill, l->level_off, sizeof(long) * (size_t)l->nlevels);
	for (long i = 0; i < n; i++)
		l->rows[fill[level[i]]++] = (int)i;
	free(fill);
	free(level);
}

static void solve(const struct lower *l, const double *b, double *x)
{
#pragma omp parallel
	for (long k = 0; k < l->nlevels; k++) {
#pragma omp for schedule(static)
		for (long r = l->level_off[k]; r < l->level_off[k + 1]; r++) {
			long i = l->rows[r];
			double s = b[i];
			for (int d = 0; d < DEPS; d++)
				if (l->col[i * DEPS + d] != i)
					s -= l->val[i * DEPS + d] * x[l->col[i * DEPS + d]];
			x[i] = s / l->diag[i];
		}
	}
}

static void solve_serial(const struct lower *l, const double *b, double *x)
{
	for (long i = 0; i < l->n; i++) {
		double s = b[i];
		for (int d = 0; d < DEPS; d++)
			if (l->col[i * DEPS + d] != i)
				s -= l->val[i * DEPS + d] * x[l->col[i * DEPS + d]];
		x[i] = s / l->diag[i];
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 20000, 200000, 10000000 });
	struct lower l;
	build(n, &l);
	double *b = wl_alloc(NAME, (size_t)n * RHS, sizeof(double));
	double *x = wl_alloc(NAME, (size_t)n * RHS, sizeof(double));
	double *want = wl_alloc(NAME, (size_t)n, sizeof(double));
	for (long k = 0; k < n * RHS; k++)
		b[k] = 1.0 + (double)(k % 13) / 13.0;

	double t0 = wl_kernel_begin();
	for (int r = 0; r < RHS; r++)
		solve(&l, b + (size_t)r * (size_t)n, x + (size_t)r * (size_t)n);
	double t1 = wl_kernel_end();

	int ok = 1;
	for (int r = 0; r < RHS && ok; r++) {
		solve_serial(&l, b + (size_t)r * (size_t)n, want);
		for (long i = 0; i < n && ok; i++)
			if (!wl_close(x[(size_t)r * (size_t)n + (size_t)i], want[i], 1e-12)) {
				fprintf(stderr, NAME ": rhs %d x[%ld] = %.17g, expected %.17g\n",
					r, i, x[(size_t)r * (size_t)n + (size_t)i], want[i]);
				ok = 0;
			}
	}
	if (ok && l.nlevels < 2) {
		fprintf(stderr, NAME ": only %ld level(s)\n", l.nlevels);
		ok = 0;
	}
	free(l.col);
	free(l.val);
	free(l.diag);
	free(l.level_off);
	free(l.rows);
	free(b);
	free(x);
	free(want);
	return wl_report(NAME, n, t1 - t0, ok);
}
