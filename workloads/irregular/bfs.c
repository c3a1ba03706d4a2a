/* bfs.c - breadth-first search on a generated power-law (R-MAT) graph,
 * level by level, from several roots.
 * Manifest: kind graph, group bfs.
 *
 * N is the number of vertices; the graph has about 8N undirected edges.
 * Parallelisation: one parallel region per search; each level is a
 * worksharing loop (schedule dynamic: degrees vary by orders of magnitude)
 * over the frontier; a thread claims an unvisited neighbour with an atomic
 * compare-and-swap on its distance, buffers it locally and appends the
 * buffer to the next frontier with an atomic capture of the frontier's
 * tail; a single thread swaps the frontiers between levels.
 * Check: distances equal those of a serial queue-based search, exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "bfs"
#define DEGREE 16
#define ROOTS 4
#define FLUSH 256

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

/* Distances from root (-1: unreached) by a level-synchronous search. */
static void bfs(const struct graph *g, long root, int *dist, int *front,
		int *next)
{
	long fsize = 1, tail = 0;
	int level = 0;
#pragma omp parallel for schedule(static)
	for (long v = 0; v < g->n; v++)
		dist[v] = -1;
	dist[root] = 0;
	front[0] = (int)root;
#pragma omp parallel
	{
		int buf[FLUSH];
		while (fsize > 0) {
			int nb = 0;
#pragma omp for schedule(dynamic, 64) nowait
			for (long i = 0; i < fsize; i++) {
				int u = front[i];
				for (long e = g->off[u]; e < g->off[u + 1]; e++) {
					int v = g->adj[e];
					int unseen = -1;
					if (__atomic_load_n(&dist[v], __ATOMIC_RELAXED) != -1 ||
					    !__atomic_compare_exchange_n(&dist[v], &unseen, level + 1, 0,
									 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
						continue;
					buf[nb++] = v;
					if (nb == FLUSH) {
						long at;
#pragma omp atomic capture
						{ at = tail; tail += nb; }
						memcpy(&next[at], buf, (size_t)nb * sizeof(int));
						nb = 0;
					}
				}
			}
			long at;
#pragma omp atomic capture
			{ at = tail; tail += nb; }
			memcpy(&next[at], buf, (size_t)nb * sizeof(int));
#pragma omp barrier
#pragma omp single
			{
				int *t = front;
				front = next;
				next = t;
				fsize = tail;
				tail = 0;
				level++;
			}
		}
	}
}

static void bfs_serial(const struct graph *g, long root, int *dist, int *queue)
{
	for (long v = 0; v < g->n; v++)
		dist[v] = -1;
	long head = 0, qtail = 0;
	dist[root] = 0;
	queue[qtail++] = (int)root;
	while (head < qtail) {
		int u = queue[head++];
		for (long e = g->off[u]; e < g->off[u + 1]; e++)
			if (dist[g->adj[e]] < 0) {
				dist[g->adj[e]] = dist[u] + 1;
				queue[qtail++] = g->adj[e];
			}
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 5000, 30000, 4000000 });
	if (n < ROOTS) {
		fprintf(stderr, NAME ": N must be at least %d\n", ROOTS);
		return 2;
	}
	struct graph g;
	build_graph(NAME, n, DEGREE, 42, &g);
	/* roots: the ROOTS highest-degree vertices (in the giant component, so
	 * the work grows smoothly with N; an arbitrary id may be isolated) */
	long roots[ROOTS];
	for (int r = 0; r < ROOTS; r++) {
		roots[r] = -1;
		for (long v = 0; v < n; v++) {
			int taken = 0;
			for (int q = 0; q < r; q++)
				taken |= roots[q] == v;
			if (!taken && (roots[r] < 0 || g.off[v + 1] - g.off[v] >
							 g.off[roots[r] + 1] - g.off[roots[r]]))
				roots[r] = v;
		}
	}
	int *dist = wl_alloc(NAME, (size_t)n * ROOTS, sizeof(int));
	int *front = wl_alloc(NAME, (size_t)n, sizeof(int));
	int *next = wl_alloc(NAME, (size_t)n, sizeof(int));

	double t0 = wl_kernel_begin();
	for (int r = 0; r < ROOTS; r++)
		bfs(&g, roots[r], dist + (size_t)r * (size_t)n, front, next);
	double t1 = wl_kernel_end();

	int *want = wl_alloc(NAME, (size_t)n, sizeof(int));
	int ok = 1;
	for (int r = 0; r < ROOTS && ok; r++) {
		bfs_serial(&g, roots[r], want, front);
		for (long v = 0; v < n && ok; v++)
			if (dist[(size_t)r * (size_t)n + (size_t)v] != want[v]) {
				fprintf(stderr, NAME ": root %ld vertex %ld: distance %d, expected %d\n",
					roots[r], v, dist[(size_t)r * (size_t)n + (size_t)v], want[v]);
				ok = 0;
			}
	}
	free(want);
	free(dist);
	free(front);
	free(next);
	free_graph(&g);
	return wl_report(NAME, n, t1 - t0, ok);
}
