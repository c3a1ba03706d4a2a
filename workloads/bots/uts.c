/* uts.c - BOTS-style Unbalanced Tree Search: count the nodes of an
 * implicitly defined, highly unbalanced random tree.
 *
 * The tree is binomial (UTS "T3" shape): the root has N children; every
 * other node has UTS_M children with probability UTS_Q and none otherwise
 * (UTS_M * UTS_Q = 0.99, so a root child's subtree has 100 nodes on average
 * but a very heavy tail).  A node is a 64-bit state; child i's state is a
 * UTS_ROUNDS-round hash of the parent's state and i (splittable and
 * deterministic: any traversal order builds the same tree), and the state
 * decides the node's number of children.  N is the root's child count.
 * Parallelisation: #pragma omp parallel + single starts at the root; a node
 * shallower than UTS_TASK_DEPTH explores each child as a task (the root's
 * children in chunks of UTS_ROOT_CHUNK), then taskwait; deeper subtrees are
 * walked serially with an explicit stack (they can be thousands deep).
 * Every task returns its counts in its own slot of the parent's array,
 * summed after taskwait: no shared mutable state.
 * Check: a separate serial depth-first traversal must give the same node
 * count, leaf count and maximum depth.
 */
#include <stdint.h>

#include "wl.h"

#define UTS_M 8
#define UTS_Q 0.12375
#define UTS_ROUNDS 16
#define UTS_TASK_DEPTH 3
#define UTS_ROOT_CHUNK 16
#define UTS_ROOT_SEED 0x0715EEDULL

struct counts {
	long nodes;
	long leaves;
	long max_depth;
};

struct node {
	uint64_t state;
	long depth;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The state of child i: the node "work" of the benchmark. */
static uint64_t child_state(uint64_t parent, long i)
{
	uint64_t s = parent ^ ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL);
	for (int r = 0; r < UTS_ROUNDS; r++)
		s = mix64(s + (uint64_t)r * 0xD1B54A32D192ED03ULL);
	return s;
}

static long num_children(uint64_t state, long depth, long root_children)
{
	if (depth == 0)
		return root_children;
	double u = (double)(state >> 11) * 0x1.0p-53;
	return u < UTS_Q ? UTS_M : 0;
}

static void add_counts(struct counts *a, struct counts b)
{
	a->nodes += b.nodes;
	a->leaves += b.leaves;
	if (b.max_depth > a->max_depth)
		a->max_depth = b.max_depth;
}

/* A growable stack of nodes owned by one task. */
struct stack {
	struct node *v;
	long size;
	long cap;
};

static void stack_push(struct stack *s, struct node n)
{
	if (s->size == s->cap) {
		long cap = s->cap ? 2 * s->cap : 256;
		struct node *p = realloc(s->v, (size_t)cap * sizeof(*p));
		if (p == NULL) {
			fprintf(stderr, "uts: out of memory (stack)\n");
			exit(1);
		}
		s->v = p;
		s->cap = cap;
	}
	s->v[s->size++] = n;
}

/* Serial walk of the subtree rooted at top (top counted too). */
static struct counts walk_serial(struct node top)
{
	struct counts c = { 0, 0, 0 };
	struct stack s = { NULL, 0, 0 };
	stack_push(&s, top);
	while (s.size > 0) {
		struct node n = s.v[--s.size];
		long kids = num_children(n.state, n.depth, 0);
		c.nodes++;
		if (kids == 0)
			c.leaves++;
		if (n.depth > c.max_depth)
			c.max_depth = n.depth;
		for (long i = 0; i < kids; i++)
			stack_push(&s, (struct node){ child_state(n.state, i),
						      n.depth + 1 });
	}
	free(s.v);
	return c;
}

static struct counts explore(struct node n, long root_children);

/* Children first..last-1 of the node with state parent at depth d. */
static struct counts explore_range(uint64_t parent, long depth, long first,
				   long last)
{
	struct counts c = { 0, 0, 0 };
	for (long i = first; i < last; i++)
		add_counts(&c, explore((struct node){ child_state(parent, i),
						      depth + 1 },
				       0));
	return c;
}

static struct counts explore(struct node n, long root_children)
{
	if (n.depth >= UTS_TASK_DEPTH)
		return walk_serial(n);
	long kids = num_children(n.state, n.depth, root_children);
	struct counts self = { 1, kids == 0, n.depth };
	if (kids == 0)
		return self;
	long chunk = n.depth == 0 ? UTS_ROOT_CHUNK : 1;
	long ntasks = (kids + chunk - 1) / chunk;
	struct counts *part = wl_alloc("uts", (size_t)ntasks, sizeof(*part));
	for (long t = 0; t < ntasks; t++) {
		long first = t * chunk;
		long last = first + chunk < kids ? first + chunk : kids;
#pragma omp task firstprivate(t, first, last, n) shared(part)
		part[t] = explore_range(n.state, n.depth, first, last);
	}
#pragma omp taskwait
	for (long t = 0; t < ntasks; t++)
		add_counts(&self, part[t]);
	free(part);
	return self;
}

/* Reference: one serial depth-first pass over the whole tree, children
 * pushed in reverse order, with its own bookkeeping. */
static struct counts traverse_reference(long root_children)
{
	struct counts c = { 0, 0, 0 };
	long cap = 1024;
	long size = 0;
	struct node *st = wl_alloc("uts", (size_t)cap, sizeof(*st));
	st[size++] = (struct node){ UTS_ROOT_SEED, 0 };
	while (size > 0) {
		struct node n = st[--size];
		c.nodes++;
		c.max_depth = n.depth > c.max_depth ? n.depth : c.max_depth;
		long kids = num_children(n.state, n.depth, root_children);
		c.leaves += kids == 0;
		if (size + kids > cap) {
			while (size + kids > cap)
				cap *= 2;
			st = realloc(st, (size_t)cap * sizeof(*st));
			if (st == NULL) {
				fprintf(stderr, "uts: out of memory\n");
				exit(1);
			}
		}
		for (long i = kids - 1; i >= 0; i--)
			st[size++] = (struct node){ child_state(n.state, i),
						    n.depth + 1 };
	}
	free(st);
	return c;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "uts",
			       (struct wl_sizes){ 500, 20000, 400000 });
	struct counts c = { 0, 0, 0 };
	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	c = explore((struct node){ UTS_ROOT_SEED, 0 }, n);
	double t1 = wl_kernel_end();

	struct counts ref = traverse_reference(n);
	int ok = c.nodes == ref.nodes && c.leaves == ref.leaves &&
		 c.max_depth == ref.max_depth;
	if (!ok)
		fprintf(stderr, "uts: %ld nodes, %ld leaves, depth %ld; "
				"expected %ld, %ld, %ld\n",
			c.nodes, c.leaves, c.max_depth, ref.nodes, ref.leaves,
			ref.max_depth);
	return wl_report("uts", n, t1 - t0, ok);
}
