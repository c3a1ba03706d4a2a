/* reductions.c - many kinds of reduction over the same data: sum, minimum,
 * maximum, bitwise and/or/xor, logical and/or, and a user-declared
 * reduction (the index of the largest value), 10 rounds.
 * Manifest: kind sync, group reductions.
 *
 * N is the number of elements.
 * Parallelisation: per round one worksharing loop with eight reduction
 * clauses and one `declare reduction` (argmax with the smaller index on
 * ties), so the end of every loop combines nine partial results.
 * Check: a serial loop gives the same results (the sum to 1e-12, the rest
 * exactly).
 */
#include <stdint.h>

#include "wl.h"

#define NAME "reductions"
#define ROUNDS 10

struct argmax {
	double value;
	long index;
};

static struct argmax argmax_join(struct argmax a, struct argmax b)
{
	if (b.value > a.value || (b.value == a.value && b.index < a.index))
		return b;
	return a;
}

#pragma omp declare reduction(amax : struct argmax : omp_out = argmax_join(omp_out, omp_in)) \
	initializer(omp_priv = (struct argmax){ -INFINITY, -1 })

struct result {
	double sum, min, max;
	uint64_t band, bor, bxor;
	int land, lor;
	struct argmax am;
};

static double val(long i, int r)
{
	return sin((double)(i % 10007) * 0.001 + r) * 100.0 + (double)(i % 7);
}

static uint64_t bits(long i, int r)
{
	return ((uint64_t)i * 0x9e3779b97f4a7c15ULL) >> (r % 8) | (1ULL << 63);
}

static void reduce(long n, int r, struct result *out)
{
	double sum = 0.0, mn = INFINITY, mx = -INFINITY;
	uint64_t band = ~0ULL, bor = 0, bxor = 0;
	int land = 1, lor = 0;
	struct argmax am = { -INFINITY, -1 };
#pragma omp parallel for schedule(static) reduction(+ : sum) reduction(min : mn) \
	reduction(max : mx) reduction(& : band) reduction(| : bor) reduction(^ : bxor) \
	reduction(&& : land) reduction(|| : lor) reduction(amax : am)
	for (long i = 0; i < n; i++) {
		double v = val(i, r);
		uint64_t b = bits(i, r);
		sum += v;
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
		band &= b;
		bor |= b;
		bxor ^= b;
		land = land && v > -200.0;
		lor = lor || v > 105.0;
		am = argmax_join(am, (struct argmax){ v, i });
	}
	*out = (struct result){ sum, mn, mx, band, bor, bxor, land, lor, am };
}

static void reduce_serial(long n, int r, struct result *out)
{
	struct result s = { 0.0, INFINITY, -INFINITY, ~0ULL, 0, 0, 1, 0, { -INFINITY, -1 } };
	for (long i = 0; i < n; i++) {
		double v = val(i, r);
		uint64_t b = bits(i, r);
		s.sum += v;
		s.min = v < s.min ? v : s.min;
		s.max = v > s.max ? v : s.max;
		s.band &= b;
		s.bor |= b;
		s.bxor ^= b;
		s.land = s.land && v > -200.0;
		s.lor = s.lor || v > 105.0;
		s.am = argmax_join(s.am, (struct argmax){ v, i });
	}
	*out = s;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 30000, 150000, 100000000 });
	struct result got[ROUNDS];

	double t0 = wl_kernel_begin();
	for (int r = 0; r < ROUNDS; r++)
		reduce(n, r, &got[r]);
	double t1 = wl_kernel_end();

	int ok = 1;
	for (int r = 0; r < ROUNDS && ok; r++) {
		struct result w;
		reduce_serial(n, r, &w);
		const struct result *g = &got[r];
		ok = wl_close(g->sum, w.sum, 1e-12) && g->min == w.min &&
		     g->max == w.max && g->band == w.band && g->bor == w.bor &&
		     g->bxor == w.bxor && g->land == w.land && g->lor == w.lor &&
		     g->am.value == w.am.value && g->am.index == w.am.index;
		if (!ok)
			fprintf(stderr, NAME ": round %d differs from the serial result\n", r);
	}
	return wl_report(NAME, n, t1 - t0, ok);
}
