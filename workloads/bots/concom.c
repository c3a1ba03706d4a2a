/* concom.c - BOTS-style connected components: label every node of a
 * generated random undirected graph with its component by task-parallel
 * depth-first search.
 *
 * N is the number of nodes; the graph has N * CC_EDGE_NUM / CC_EDGE_DEN
 * random edges (average degree 3: a giant component of ~94% of the nodes
 * and many small ones), stored as adjacency lists (CSR).
 * Parallelisation: #pragma omp parallel + single scans the nodes in order;
 * each node not yet claimed is a root whose component is explored before
 * the scan goes on (every explorer task ends with a taskwait on the tasks
 * it spawned, so the root's call returns when the component is done).
 * An explorer pops nodes off its own stack and claims each
 * unclaimed neighbour with an atomic capture (so exactly one task labels a
 * node); whenever its stack reaches CC_SPLIT nodes it hands the older half
 * to a new task (the cutoff: no task holds fewer than CC_SPLIT/2 nodes).
 * Claims are atomic, labels are written only by the claimer and read only
 * after all explorers have joined: race-free.  Because roots are taken in
 * order, a component's label is its smallest node, whatever the schedule.
 * Check: a serial union-find over the edge list must give the same
 * partition: label[v] equals the smallest node of v's set, for every v.
 */
#include <stdint.h>

#include "wl.h"

#define CC_EDGE_NUM 3
#define CC_EDGE_DEN 2
#define CC_SPLIT 512

struct graph {
	long n;
	long m;
	int *eu, *ev; /* edge list, as generated */
	long *off;    /* CSR: neighbours of v are adj[off[v] .. off[v+1]) */
	int *adj;
};

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void make_graph(struct graph *g, long n)
{
	g->n = n;
	g->m = n * CC_EDGE_NUM / CC_EDGE_DEN;
	g->eu = wl_alloc("concom", (size_t)g->m, sizeof(int));
	g->ev = wl_alloc("concom", (size_t)g->m, sizeof(int));
	g->off = wl_alloc("concom", (size_t)n + 1, sizeof(long));
	g->adj = wl_alloc("concom", (size_t)(2 * g->m), sizeof(int));
	uint64_t seed = 0xC0C0A1ULL;
	for (long e = 0; e < g->m; e++) {
		g->eu[e] = (int)(splitmix64(&seed) % (uint64_t)n);
		g->ev[e] = (int)(splitmix64(&seed) % (uint64_t)n);
		g->off[g->eu[e] + 1]++;
		g->off[g->ev[e] + 1]++;
	}
	for (long v = 0; v < n; v++)
		g->off[v + 1] += g->off[v];
	long *fill = wl_alloc("concom", (size_t)n, sizeof(long));
	for (long v = 0; v < n; v++)
		fill[v] = g->off[v];
	for (long e = 0; e < g->m; e++) {
		g->adj[fill[g->eu[e]]++] = g->ev[e];
		g->adj[fill[g->ev[e]]++] = g->eu[e];
	}
	free(fill);
}

static void free_graph(struct graph *g)
{
	free(g->eu);
	free(g->ev);
	free(g->off);
	free(g->adj);
}

/* A growable stack of node ids owned by one task. */
struct stack {
	int *v;
	long size;
	long cap;
};

static void stack_push(struct stack *s, int v)
{
	if (s->size == s->cap) {
		long cap = s->cap ? 2 * s->cap : CC_SPLIT;
		int *p = realloc(s->v, (size_t)cap * sizeof(int));
		if (p == NULL) {
			fprintf(stderr, "concom: out of memory (stack)\n");
			exit(1);
		}
		s->v = p;
		s->cap = cap;
	}
	s->v[s->size++] = v;
}

/* Atomically set the claim flag; nonzero if this caller set it first.
 * The plain atomic read first skips the locked exchange for the many
 * neighbours that are already claimed. */
static int claim(unsigned char *claimed, int v)
{
	unsigned char old;
#pragma omp atomic read
	old = claimed[v];
	if (old != 0)
		return 0;
#pragma omp atomic capture
	{
		old = claimed[v];
		claimed[v] = 1;
	}
	return old == 0;
}

static void explore(const struct graph *g, unsigned char *claimed,
		    int *label, int root, int *init, long ninit);

/* Give the older half of the stack to a new task. */
static void split_off(const struct graph *g, unsigned char *claimed,
		      int *label, int root, struct stack *s)
{
	long give = s->size / 2;
	int *chunk = wl_alloc("concom", (size_t)give, sizeof(int));
	memcpy(chunk, s->v, (size_t)give * sizeof(int));
	memmove(s->v, s->v + give, (size_t)(s->size - give) * sizeof(int));
	s->size -= give;
#pragma omp task firstprivate(chunk, give, root)
	{
		explore(g, claimed, label, root, chunk, give);
		free(chunk);
	}
}

/* Depth-first search from already claimed and labelled nodes. */
static void explore(const struct graph *g, unsigned char *claimed,
		    int *label, int root, int *init, long ninit)
{
	struct stack s = { NULL, 0, 0 };
	for (long i = 0; i < ninit; i++)
		stack_push(&s, init[i]);
	while (s.size > 0) {
		if (s.size >= CC_SPLIT)
			split_off(g, claimed, label, root, &s);
		int u = s.v[--s.size];
		for (long k = g->off[u]; k < g->off[u + 1]; k++) {
			int w = g->adj[k];
			if (claim(claimed, w)) {
				label[w] = root;
				stack_push(&s, w);
			}
		}
	}
	free(s.v);
	/* Children wait for theirs: when the root's call returns, its
	 * whole component is labelled (no per-root taskgroup needed). */
#pragma omp taskwait
}

static long components_par(const struct graph *g, unsigned char *claimed,
			   int *label)
{
	long count = 0;
	for (long v = 0; v < g->n; v++) {
		if (claimed[v])
			continue;
		int root = (int)v;
		claimed[v] = 1;
		label[v] = root;
		count++;
		explore(g, claimed, label, root, &root, 1);
	}
	return count;
}

static int uf_find(int *parent, int v)
{
	while (parent[v] != v) {
		parent[v] = parent[parent[v]]; /* path halving */
		v = parent[v];
	}
	return v;
}

/* Reference: union-find over the edges, then smallest node per set. */
static int check(const struct graph *g, const int *label, long count)
{
	long n = g->n;
	int *parent = wl_alloc("concom", (size_t)n, sizeof(int));
	int *low = wl_alloc("concom", (size_t)n, sizeof(int));
	for (long v = 0; v < n; v++)
		parent[v] = (int)v;
	for (long e = 0; e < g->m; e++) {
		int a = uf_find(parent, g->eu[e]);
		int b = uf_find(parent, g->ev[e]);
		if (a != b)
			parent[a > b ? a : b] = a < b ? a : b;
	}
	long sets = 0;
	for (long v = 0; v < n; v++) {
		int r = uf_find(parent, (int)v);
		if (r == v) {
			low[v] = (int)v; /* roots are their set's smallest */
			sets++;
		}
	}
	int ok = sets == count;
	if (!ok)
		fprintf(stderr, "concom: %ld components, expected %ld\n",
			count, sets);
	for (long v = 0; v < n && ok; v++) {
		int want = low[uf_find(parent, (int)v)];
		if (label[v] != want) {
			fprintf(stderr, "concom: node %ld labelled %d, "
					"expected %d\n",
				v, label[v], want);
			ok = 0;
		}
	}
	free(parent);
	free(low);
	return ok;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "concom",
			       (struct wl_sizes){ 20000, 500000, 5000000 });
	struct graph g;
	make_graph(&g, n);
	unsigned char *claimed = wl_alloc("concom", (size_t)n, 1);
	int *label = wl_alloc("concom", (size_t)n, sizeof(int));
	for (long v = 0; v < n; v++) {
		label[v] = -1; /* touches the pages before timing */
		claimed[v] = 0;
	}

	long count = 0;
	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	count = components_par(&g, claimed, label);
	double t1 = wl_kernel_end();

	int ok = check(&g, label, count);
	free(claimed);
	free(label);
	free_graph(&g);
	return wl_report("concom", n, t1 - t0, ok);
}
