/* triangles.c - triangle counting on a generated power-law (R-MAT) graph by
 * merging sorted adjacency lists (each triangle u < v < w counted once).
 * Manifest: kind graph, group triangles.
 *
 * N is the number of vertices; about 8N undirected edges.
 * Parallelisation: one worksharing loop over u with schedule(dynamic, 16)
 * (the work per vertex is its degree times its neighbours' degrees:
 * extremely uneven on a power-law graph) and a reduction (+) of the count.
 * Check: a serial count by marking u's neighbours and probing the
 * neighbours of each neighbour (another algorithm) gives the same number.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "triangles"
#define DEGREE 16

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

static long count_triangles(const struct graph *g)
{
	long total = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : total)
	for (long u = 0; u < g->n; u++) {
		for (long e = g->off[u]; e < g->off[u + 1]; e++) {
			int v = g->adj[e];
			if (v <= u)
				continue;
			/* |{w > v : w in adj(u) and w in adj(v)}| by merging */
			long a = e + 1, b = g->off[v];
			long a_end = g->off[u + 1], b_end = g->off[v + 1];
			while (b < b_end && g->adj[b] <= v)
				b++;
			while (a < a_end && b < b_end) {
				if (g->adj[a] < g->adj[b])
					a++;
				else if (g->adj[a] > g->adj[b])
					b++;
				else {
					total++;
					a++;
					b++;
				}
			}
		}
	}
	return total;
}

static long count_serial(const struct graph *g, unsigned char *mark)
{
	long total = 0;
	for (long u = 0; u < g->n; u++) {
		for (long e = g->off[u]; e < g->off[u + 1]; e++)
			mark[g->adj[e]] = 1;
		for (long e = g->off[u]; e < g->off[u + 1]; e++) {
			int v = g->adj[e];
			if (v <= u)
				continue;
			for (long f = g->off[v]; f < g->off[v + 1]; f++)
				if (g->adj[f] > v && mark[g->adj[f]])
					total++;
		}
		for (long e = g->off[u]; e < g->off[u + 1]; e++)
			mark[g->adj[e]] = 0;
	}
	return total;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 3000, 12000, 2000000 });
	if (n < 2) {
		fprintf(stderr, NAME ": N must be at least 2\n");
		return 2;
	}
	struct graph g;
	build_graph(NAME, n, DEGREE, 5, &g);

	double t0 = wl_kernel_begin();
	long got = count_triangles(&g);
	double t1 = wl_kernel_end();

	unsigned char *mark = wl_alloc(NAME, (size_t)n, 1);
	long want = count_serial(&g, mark);
	int ok = got == want && want > 0;
	if (!ok)
		fprintf(stderr, NAME ": %ld triangles, expected %ld\n", got, want);
	free(mark);
	free_graph(&g);
	return wl_report(NAME, n, t1 - t0, ok);
}
