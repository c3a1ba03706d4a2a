/* sssp.c - single-source shortest paths on a generated power-law (R-MAT)
 * graph with integer edge weights, by frontier-based Bellman-Ford.
 * Manifest: kind graph, group sssp.
 *
 * N is the number of vertices; about 5N undirected edges, weights 1..255
 * (a hash of the edge's ends, so both directions agree).
 * Parallelisation: rounds over the active vertices (those whose distance
 * fell in the last round); each round is a worksharing loop (schedule
 * dynamic) relaxing the active vertices' edges with an atomic
 * compare-and-swap minimum on the target's distance, marking it active for
 * the next round; rounds repeat until no distance falls.
 * Check: distances equal those of a serial Dijkstra (binary heap), exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "sssp"
#define DEGREE 10
#define INF UINT32_MAX

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

static uint32_t weight(int a, int b)
{
	uint64_t s = (uint64_t)(a < b ? a : b) * 1000003u + (uint64_t)(a < b ? b : a);
	return 1u + (uint32_t)(mix64(&s) % 255u);
}

/* Returns the number of rounds. */
static int sssp(const struct graph *g, const uint32_t *w, long src,
		uint32_t *dist, unsigned char *active, unsigned char *next)
{
	long n = g->n;
#pragma omp parallel for schedule(static)
	for (long v = 0; v < n; v++) {
		dist[v] = INF;
		active[v] = 0;
		next[v] = 0;
	}
	dist[src] = 0;
	active[src] = 1;
	int rounds = 0, any = 1;
	while (any) {
		any = 0;
#pragma omp parallel for schedule(dynamic, 128) reduction(|| : any)
		for (long u = 0; u < n; u++) {
			if (!active[u])
				continue;
			active[u] = 0;
			uint32_t du = __atomic_load_n(&dist[u], __ATOMIC_RELAXED);
			for (long e = g->off[u]; e < g->off[u + 1]; e++) {
				int v = g->adj[e];
				uint32_t cand = du + w[e];
				uint32_t old = __atomic_load_n(&dist[v], __ATOMIC_RELAXED);
				while (cand < old) {
					if (__atomic_compare_exchange_n(&dist[v], &old, cand, 0,
									__ATOMIC_RELAXED,
									__ATOMIC_RELAXED)) {
						__atomic_store_n(&next[v], 1, __ATOMIC_RELAXED);
						any = 1;
						break;
					}
				}
			}
		}
		unsigned char *t = active;
		active = next;
		next = t;
		rounds++;
	}
	return rounds;
}

/* Serial Dijkstra with a binary heap of (distance, vertex), lazy deletion. */
static void dijkstra(const struct graph *g, const uint32_t *w, long src,
		     uint32_t *dist)
{
	long cap = g->off[g->n] + 1;
	uint64_t *heap = wl_alloc(NAME, (size_t)cap, sizeof(uint64_t));
	long hn = 0;
	for (long v = 0; v < g->n; v++)
		dist[v] = INF;
	dist[src] = 0;
	heap[hn++] = (uint64_t)src;
	while (hn > 0) {
		uint64_t top = heap[0];
		heap[0] = heap[--hn];
		for (long i = 0;;) {
			long l = 2 * i + 1, r = l + 1, m = i;
			if (l < hn && heap[l] < heap[m])
				m = l;
			if (r < hn && heap[r] < heap[m])
				m = r;
			if (m == i)
				break;
			uint64_t t = heap[i];
			heap[i] = heap[m];
			heap[m] = t;
			i = m;
		}
		uint32_t d = (uint32_t)(top >> 32);
		int u = (int)(top & 0xffffffffu);
		if (d > dist[u])
			continue;
		for (long e = g->off[u]; e < g->off[u + 1]; e++) {
			int v = g->adj[e];
			if (d + w[e] < dist[v]) {
				dist[v] = d + w[e];
				long i = hn++;
				heap[i] = ((uint64_t)dist[v] << 32) | (uint32_t)v;
				while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
					uint64_t t = heap[i];
					heap[i] = heap[(i - 1) / 2];
					heap[(i - 1) / 2] = t;
					i = (i - 1) / 2;
				}
			}
		}
	}
	free(heap);
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 4000, 30000, 3000000 });
	if (n < 2) {
		fprintf(stderr, NAME ": N must be at least 2\n");
		return 2;
	}
	struct graph g;
	build_graph(NAME, n, DEGREE, 23, &g);
	uint32_t *w = wl_alloc(NAME, (size_t)g.off[n] + 1, sizeof(uint32_t));
	for (long u = 0; u < n; u++)
		for (long e = g.off[u]; e < g.off[u + 1]; e++)
			w[e] = weight((int)u, g.adj[e]);
	long src = 0;
	for (long v = 1; v < n; v++)
		if (g.off[v + 1] - g.off[v] > g.off[src + 1] - g.off[src])
			src = v;
	uint32_t *dist = wl_alloc(NAME, (size_t)n, sizeof(uint32_t));
	unsigned char *active = wl_alloc(NAME, (size_t)n, 1);
	unsigned char *next = wl_alloc(NAME, (size_t)n, 1);

	double t0 = wl_kernel_begin();
	int rounds = sssp(&g, w, src, dist, active, next);
	double t1 = wl_kernel_end();

	uint32_t *want = wl_alloc(NAME, (size_t)n, sizeof(uint32_t));
	dijkstra(&g, w, src, want);
	int ok = rounds >= 1;
	for (long v = 0; v < n && ok; v++)
		if (dist[v] != want[v]) {
			fprintf(stderr, NAME ": vertex %ld: distance %u, expected %u\n",
				v, dist[v], want[v]);
			ok = 0;
		}
	free(want);
	free(dist);
	free(active);
	free(next);
	free(w);
	free_graph(&g);
	return wl_report(NAME, n, t1 - t0, ok);
}
