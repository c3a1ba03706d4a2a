/* knapsack.c - BOTS-style 0/1 knapsack: branch and bound over take/skip
 * decisions with OpenMP tasks and a shared best value.
 *
 * N is the number of items.  Weights are KS_WMIN..KS_WMAX, values are
 * weight + KS_VEXTRA + noise (a strongly correlated instance, the hard
 * kind for bounds), capacity is half the total weight.  Items are sorted
 * by value/weight before the timed region, so at any node the best ratio
 * left is the next item's, and value + capacity * ratio bounds the subtree
 * (compared in integers: exact).
 * Parallelisation: #pragma omp parallel + single takes the greedy solution
 * (by ratio) as the first incumbent and starts the search; while the depth
 * is below KS_TASK_DEPTH the take and skip branches are two tasks
 * (taskwait), deeper subtrees are searched serially in their task.
 * The best value found so far is shared: read with atomic read (pruning),
 * raised only inside a critical section that re-checks it (atomic write,
 * since readers do not lock).  The optimum is unique even though the work
 * done depends on when bounds are found.
 * Check: the optimum must equal a serial dynamic program over capacities.
 */
#include <stdint.h>

#include "wl.h"

#define KS_WMIN 20
#define KS_WMAX 120
#define KS_VEXTRA 15
#define KS_NOISE 5
#define KS_TASK_DEPTH 10
#define KS_MAX_N 100000

struct item {
	long w;
	long v;
};

struct search {
	const struct item *items;
	long n;
	long best; /* shared; see offer() */
};

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static long read_best(struct search *s)
{
	long b;
#pragma omp atomic read
	b = s->best;
	return b;
}

/* Raise the shared best to value if it is higher. */
static void offer(struct search *s, long value)
{
	if (value <= read_best(s))
		return;
#pragma omp critical(knapsack_best)
	{
		if (value > s->best) {
#pragma omp atomic write
			s->best = value;
		}
	}
}

/* Can items i.. with capacity cap lift value above best?  The bound is
 * value + cap * v_i / w_i, compared multiplied out by w_i. */
static int promising(const struct item *it, long value, long cap, long best)
{
	return value * it->w + cap * it->v > best * it->w;
}

static void knap_serial(struct search *s, long i, long cap, long value)
{
	if (i == s->n) {
		offer(s, value);
		return;
	}
	const struct item *it = &s->items[i];
	if (!promising(it, value, cap, read_best(s)))
		return;
	if (it->w <= cap)
		knap_serial(s, i + 1, cap - it->w, value + it->v);
	knap_serial(s, i + 1, cap, value);
}

/* Greedy by ratio: a good first incumbent, so that every task prunes well
 * from the start instead of waiting for the leftmost leaf. */
static long greedy_value(const struct item *items, long n, long cap)
{
	long value = 0;
	for (long i = 0; i < n; i++)
		if (items[i].w <= cap) {
			cap -= items[i].w;
			value += items[i].v;
		}
	return value;
}

static void knap_task(struct search *s, long i, long cap, long value)
{
	if (i >= KS_TASK_DEPTH || i == s->n) {
		knap_serial(s, i, cap, value);
		return;
	}
	const struct item *it = &s->items[i];
	if (!promising(it, value, cap, read_best(s)))
		return;
	if (it->w <= cap) {
#pragma omp task firstprivate(s, i, cap, value)
		knap_task(s, i + 1, cap - s->items[i].w,
			  value + s->items[i].v);
	}
#pragma omp task firstprivate(s, i, cap, value)
	knap_task(s, i + 1, cap, value);
#pragma omp taskwait
}

/* Descending value/weight, compared exactly; ties by weight. */
static int by_ratio(const void *pa, const void *pb)
{
	const struct item *a = pa;
	const struct item *b = pb;
	long lhs = a->v * b->w;
	long rhs = b->v * a->w;
	if (lhs != rhs)
		return lhs > rhs ? -1 : 1;
	return (a->w > b->w) - (a->w < b->w);
}

/* Reference: best[c] = best value of weight at most c, item by item. */
static long knap_dp(const struct item *items, long n, long cap)
{
	long *best = wl_alloc("knapsack", (size_t)cap + 1, sizeof(long));
	for (long i = 0; i < n; i++)
		for (long c = cap; c >= items[i].w; c--) {
			long with = best[c - items[i].w] + items[i].v;
			if (with > best[c])
				best[c] = with;
		}
	long result = best[cap];
	free(best);
	return result;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "knapsack",
			       (struct wl_sizes){ 40, 52, 66 });
	if (n > KS_MAX_N) {
		fprintf(stderr, "knapsack: N must be at most %d\n", KS_MAX_N);
		return 2;
	}
	struct item *items = wl_alloc("knapsack", (size_t)n, sizeof(*items));
	uint64_t seed = 0x4A95ACULL;
	long total = 0;
	for (long i = 0; i < n; i++) {
		items[i].w = KS_WMIN + (long)(splitmix64(&seed) %
					      (KS_WMAX - KS_WMIN + 1));
		items[i].v = items[i].w + KS_VEXTRA +
			     (long)(splitmix64(&seed) % (2 * KS_NOISE + 1)) -
			     KS_NOISE;
		total += items[i].w;
	}
	long cap = total / 2;
	qsort(items, (size_t)n, sizeof(*items), by_ratio);

	struct search s = { items, n, 0 };
	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	{
		s.best = greedy_value(items, n, cap);
		knap_task(&s, 0, cap, 0);
	}
	double t1 = wl_kernel_end();

	long expect = knap_dp(items, n, cap);
	int ok = s.best == expect;
	if (!ok)
		fprintf(stderr, "knapsack: best %ld, expected %ld\n", s.best,
			expect);
	free(items);
	return wl_report("knapsack", n, t1 - t0, ok);
}
