/* cc-labelprop.c - connected components by label propagation on a
 * generated power-law (R-MAT) graph: every vertex repeatedly takes the
 * smallest label among itself and its neighbours until nothing changes.
 * Manifest: kind graph, group cc-labelprop.
 *
 * N is the number of vertices; about 3N undirected edges (sparse enough to
 * leave many components).
 * Parallelisation: synchronous rounds (labels read from one array, written
 * to the other); each round is a worksharing loop (schedule guided) with a
 * reduction (||) of "some label changed"; the number of rounds is the
 * graph's largest component diameter, known only at run time.
 * Check: every vertex's label is the smallest vertex id of its component,
 * as found by a serial union-find.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "cc-labelprop"
#define DEGREE 6

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

/* Labels until stable; returns the number of rounds. */
static int label_propagation(const struct graph *g, int *label, int *next)
{
	long n = g->n;
#pragma omp parallel for schedule(static)
	for (long v = 0; v < n; v++)
		label[v] = (int)v;
	int rounds = 0;
	int changed = 1;
	while (changed) {
		changed = 0;
#pragma omp parallel for schedule(guided) reduction(|| : changed)
		for (long v = 0; v < n; v++) {
			int best = label[v];
			for (long e = g->off[v]; e < g->off[v + 1]; e++)
				if (label[g->adj[e]] < best)
					best = label[g->adj[e]];
			next[v] = best;
			changed = changed || best != label[v];
		}
		int *t = label;
		label = next;
		next = t;
		rounds++;
	}
	/* the final labels are in both arrays (the last round changed none) */
	return rounds;
}

static int find(int *parent, int v)
{
	while (parent[v] != v) {
		parent[v] = parent[parent[v]];
		v = parent[v];
	}
	return v;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 5000, 50000, 6000000 });
	if (n < 2) {
		fprintf(stderr, NAME ": N must be at least 2\n");
		return 2;
	}
	struct graph g;
	build_graph(NAME, n, DEGREE, 11, &g);
	int *label = wl_alloc(NAME, (size_t)n, sizeof(int));
	int *next = wl_alloc(NAME, (size_t)n, sizeof(int));

	double t0 = wl_kernel_begin();
	int rounds = label_propagation(&g, label, next);
	double t1 = wl_kernel_end();

	/* union-find with the smaller root kept: roots are component minima */
	int *parent = wl_alloc(NAME, (size_t)n, sizeof(int));
	for (long v = 0; v < n; v++)
		parent[v] = (int)v;
	for (long v = 0; v < n; v++)
		for (long e = g.off[v]; e < g.off[v + 1]; e++) {
			int a = find(parent, (int)v), b = find(parent, g.adj[e]);
			if (a < b)
				parent[b] = a;
			else if (b < a)
				parent[a] = b;
		}
	int ok = rounds >= 1;
	for (long v = 0; v < n && ok; v++)
		if (label[v] != find(parent, (int)v)) {
			fprintf(stderr, NAME ": vertex %ld: label %d, component minimum %d\n",
				v, label[v], find(parent, (int)v));
			ok = 0;
		}
	free(parent);
	free(label);
	free(next);
	free_graph(&g);
	return wl_report(NAME, n, t1 - t0, ok);
}
