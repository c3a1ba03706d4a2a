/* pagerank.c - PageRank by power iteration on a generated power-law (R-MAT)
 * graph, pull style: each vertex gathers its neighbours' contributions.
 * Manifest: kind graph, group pagerank.
 *
 * N is the number of vertices; the graph has about 6N undirected edges
 * (each one a link both ways); 20 iterations, damping 0.85.
 * Parallelisation: per iteration, one worksharing loop computes every
 * vertex's contribution (rank / degree) with a reduction of the rank held
 * by vertices without links, and one loop (schedule dynamic: in-degrees are
 * power-law) gathers the new ranks with a reduction of the L1 change.
 * Check: a serial power iteration in the same order gives ranks equal to
 * 1e-9 (the reductions associate differently); the ranks sum to 1.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "pagerank"
#define DEGREE 12
#define ITERS 20
#define DAMP 0.85

/* splitmix64: the program's own reproducible random numbers */
static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
	return (double)(mix64(s) >> 11) * 0x1.0p-53;
}

/* One R-MAT edge (quadrant probabilities 0.57/0.19/0.19/0.05, the skew that
 * gives a power-law degree distribution) between distinct vertices of
 * [0, n); pairs outside [0, n) are drawn again. */
static void rmat_edge(uint64_t *s, long n, int levels, long *u, long *v)
{
	for (;;) {
		long x = 0, y = 0;
		for (int l = 0; l < levels; l++) {
			double r = unit(s);
			x = 2 * x + (r >= 0.76);
			y = 2 * y + ((r >= 0.57 && r < 0.76) || r >= 0.95);
		}
		if (x < n && y < n && x != y) {
			*u = x;
			*v = y;
			return;
		}
	}
}

struct graph {
	long n;
	long *off; /* [n + 1] */
	int *adj;  /* [off[n]], each list sorted, no duplicates */
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* An undirected R-MAT graph with about n*degree/2 edges, as CSR. */
static void build_graph(const char *name, long n, long degree, uint64_t seed,
			struct graph *g)
{
	long m = n * degree / 2;
	int levels = 1;
	while ((1L << levels) < n)
		levels++;
	long *eu = wl_alloc(name, (size_t)m, sizeof(long));
	long *ev = wl_alloc(name, (size_t)m, sizeof(long));
	long *cnt = wl_alloc(name, (size_t)n + 1, sizeof(long));
	for (long e = 0; e < m; e++) {
		rmat_edge(&seed, n, levels, &eu[e], &ev[e]);
		cnt[eu[e] + 1]++;
		cnt[ev[e] + 1]++;
	}
	for (long i = 0; i < n; i++)
		cnt[i + 1] += cnt[i];
	int *raw = wl_alloc(name, (size_t)cnt[n], sizeof(int));
	long *fill = wl_alloc(name, (size_t)n, sizeof(long));
	for (long i = 0; i < n; i++)
		fill[i] = cnt[i];
	for (long e = 0; e < m; e++) {
		raw[fill[eu[e]]++] = (int)ev[e];
		raw[fill[ev[e]]++] = (int)eu[e];
	}
	g->n = n;
	g->off = wl_alloc(name, (size_t)n + 1, sizeof(long));
	long w = 0;
	for (long i = 0; i < n; i++) {
		qsort(raw + cnt[i], (size_t)(cnt[i + 1] - cnt[i]), sizeof(int),
		      cmp_int);
		g->off[i] = w;
		for (long k = cnt[i]; k < cnt[i + 1]; k++)
			if (k == cnt[i] || raw[k] != raw[k - 1])
				raw[w++] = raw[k];
	}
	g->off[n] = w;
	g->adj = raw;
	free(eu);
	free(ev);
	free(cnt);
	free(fill);
}

static void free_graph(struct graph *g)
{
	free(g->off);
	free(g->adj);
}

/* ITERS power iterations from the uniform vector; returns the last L1
 * change. */
static double pagerank(const struct graph *g, double *rank, double *next,
		       double *contrib)
{
	long n = g->n;
	double delta = 0.0;
	for (long v = 0; v < n; v++)
		rank[v] = 1.0 / (double)n;
	for (int it = 0; it < ITERS; it++) {
		double dangling = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : dangling)
		for (long v = 0; v < n; v++) {
			long deg = g->off[v + 1] - g->off[v];
			contrib[v] = deg ? rank[v] / (double)deg : 0.0;
			if (deg == 0)
				dangling += rank[v];
		}
		double base = (1.0 - DAMP) / (double)n + DAMP * dangling / (double)n;
		delta = 0.0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : delta)
		for (long v = 0; v < n; v++) {
			double s = 0.0;
			for (long e = g->off[v]; e < g->off[v + 1]; e++)
				s += contrib[g->adj[e]];
			next[v] = base + DAMP * s;
			delta += fabs(next[v] - rank[v]);
		}
		double *t = rank;
		rank = next;
		next = t;
	}
	/* ITERS is even: the result is back in the caller's rank */
	return delta;
}

static void pagerank_serial(const struct graph *g, double *rank, double *next,
			    double *contrib)
{
	long n = g->n;
	for (long v = 0; v < n; v++)
		rank[v] = 1.0 / (double)n;
	for (int it = 0; it < ITERS; it++) {
		double dangling = 0.0;
		for (long v = 0; v < n; v++) {
			long deg = g->off[v + 1] - g->off[v];
			contrib[v] = deg ? rank[v] / (double)deg : 0.0;
			if (deg == 0)
				dangling += rank[v];
		}
		for (long v = 0; v < n; v++) {
			double s = 0.0;
			for (long e = g->off[v]; e < g->off[v + 1]; e++)
				s += contrib[g->adj[e]];
			next[v] = (1.0 - DAMP) / (double)n + DAMP * dangling / (double)n +
				  DAMP * s;
		}
		double *t = rank;
		rank = next;
		next = t;
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 4000, 25000, 3000000 });
	if (n < 2) {
		fprintf(stderr, NAME ": N must be at least 2\n");
		return 2;
	}
	struct graph g;
	build_graph(NAME, n, DEGREE, 7, &g);
	double *rank = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *next = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *contrib = wl_alloc(NAME, (size_t)n, sizeof(double));
	double *want = wl_alloc(NAME, (size_t)n, sizeof(double));

	double t0 = wl_kernel_begin();
	double delta = pagerank(&g, rank, next, contrib);
	double t1 = wl_kernel_end();

	pagerank_serial(&g, want, next, contrib);
	int ok = delta >= 0.0;
	double total = 0.0;
	for (long v = 0; v < n && ok; v++) {
		total += rank[v];
		if (!wl_close(rank[v] * (double)n, want[v] * (double)n, 1e-9)) {
			fprintf(stderr, NAME ": vertex %ld: rank %.17g, expected %.17g\n",
				v, rank[v], want[v]);
			ok = 0;
		}
	}
	if (ok && !wl_close(total, 1.0, 1e-9)) {
		fprintf(stderr, NAME ": ranks sum to %.17g, not 1\n", total);
		ok = 0;
	}
	free(rank);
	free(next);
	free(contrib);
	free(want);
	free_graph(&g);
	return wl_report(NAME, n, t1 - t0, ok);
}
