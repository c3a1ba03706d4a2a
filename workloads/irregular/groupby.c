/* groupby.c - hash aggregation (SELECT key, COUNT(*), SUM(value) GROUP BY
 * key) of a table of N rows, partitioned by hash first so that each
 * partition is aggregated by one thread without locks.
 * Manifest: kind data, group groupby.
 *
 * N is the number of rows; keys are skewed (Zipf-like) over N/8 distinct
 * values; 64 partitions by the key's hash.
 * Parallelisation: phase 1, each thread counts its static block's rows per
 * partition; a single thread computes the write offsets; each thread
 * scatters its rows into the partitions; phase 2, a worksharing loop
 * (schedule dynamic: partitions differ in size) builds an open-addressing
 * hash table per partition and aggregates into it.
 * Check: a serial aggregation by sorting the rows by key gives the same
 * count and sum for every key, and the same number of groups.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "groupby"
#define PARTS 64
#define MAX_THREADS 256

struct row {
	uint32_t key;
	int32_t value;
};

struct agg {
	uint32_t key; /* 0: empty slot (keys are >= 1) */
	uint32_t count;
	int64_t sum;
};

static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t hash32(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352dU;
	k ^= k >> 15;
	k *= 0x846ca68bU;
	return k ^ (k >> 16);
}

static int cmp_row(const void *a, const void *b)
{
	uint32_t x = ((const struct row *)a)->key, y = ((const struct row *)b)->key;
	return (x > y) - (x < y);
}

/* Aggregates rows into tables (one per partition, capacity cap each, a
 * power of two); returns the number of groups. */
static long groupby(const struct row *rows, struct row *part, long n,
		    struct agg *tables, long cap, long (*count)[PARTS],
		    long *part_off)
{
	long groups = 0;
#pragma omp parallel
	{
		int t = omp_get_thread_num(), nt = omp_get_num_threads();
		long lo = n * t / nt, hi = n * (t + 1) / nt;
		for (int p = 0; p < PARTS; p++)
			count[t][p] = 0;
		for (long i = lo; i < hi; i++)
			count[t][hash32(rows[i].key) % PARTS]++;
#pragma omp barrier
#pragma omp single
		{
			long sum = 0;
			for (int p = 0; p < PARTS; p++) {
				part_off[p] = sum;
				for (int u = 0; u < nt; u++) {
					long c = count[u][p];
					count[u][p] = sum;
					sum += c;
				}
			}
			part_off[PARTS] = sum;
		}
		for (long i = lo; i < hi; i++)
			part[count[t][hash32(rows[i].key) % PARTS]++] = rows[i];
#pragma omp barrier
#pragma omp for schedule(dynamic, 1) reduction(+ : groups)
		for (int p = 0; p < PARTS; p++) {
			struct agg *tab = tables + (size_t)p * (size_t)cap;
			for (long k = 0; k < cap; k++)
				tab[k].key = 0;
			for (long i = part_off[p]; i < part_off[p + 1]; i++) {
				uint32_t key = part[i].key;
				long slot = (long)(hash32(key * 2654435761U) & (uint32_t)(cap - 1));
				while (tab[slot].key != 0 && tab[slot].key != key)
					slot = (slot + 1) & (cap - 1);
				if (tab[slot].key == 0) {
					tab[slot].key = key;
					tab[slot].count = 0;
					tab[slot].sum = 0;
					groups++;
				}
				tab[slot].count++;
				tab[slot].sum += part[i].value;
			}
		}
	}
	return groups;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 50000, 500000, 100000000 });
	if (omp_get_max_threads() > MAX_THREADS) {
		fprintf(stderr, NAME ": at most %d threads\n", MAX_THREADS);
		return 2;
	}
	long distinct = n / 8 > 1 ? n / 8 : 1;
	/* every partition's table holds all its groups at most half full */
	long cap = 16;
	while (cap < 4 * distinct / PARTS + 64)
		cap *= 2;
	struct row *rows = wl_alloc(NAME, (size_t)n, sizeof(struct row));
	struct row *part = wl_alloc(NAME, (size_t)n, sizeof(struct row));
	struct agg *tables = wl_alloc(NAME, (size_t)cap * PARTS, sizeof(struct agg));
	long (*count)[PARTS] = wl_alloc(NAME, MAX_THREADS, sizeof(*count));
	long *part_off = wl_alloc(NAME, PARTS + 1, sizeof(long));
	uint64_t s = 8;
	for (long i = 0; i < n; i++) {
		double u = (double)(mix64(&s) >> 11) * 0x1.0p-53;
		rows[i].key = 1 + (uint32_t)((double)distinct * u * u * u);
		rows[i].value = (int32_t)(mix64(&s) % 2001) - 1000;
	}

	double t0 = wl_kernel_begin();
	long groups = groupby(rows, part, n, tables, cap, count, part_off);
	double t1 = wl_kernel_end();

	qsort(rows, (size_t)n, sizeof(struct row), cmp_row);
	long want_groups = 0;
	int ok = 1;
	for (long i = 0; i < n && ok;) {
		long j = i;
		int64_t sum = 0;
		while (j < n && rows[j].key == rows[i].key)
			sum += rows[j++].value;
		want_groups++;
		uint32_t key = rows[i].key;
		const struct agg *tab = tables + (size_t)(hash32(key) % PARTS) * (size_t)cap;
		long slot = (long)(hash32(key * 2654435761U) & (uint32_t)(cap - 1));
		while (tab[slot].key != 0 && tab[slot].key != key)
			slot = (slot + 1) & (cap - 1);
		if (tab[slot].key != key || tab[slot].count != (uint32_t)(j - i) ||
		    tab[slot].sum != sum) {
			fprintf(stderr, NAME ": key %u: count %u sum %lld, expected %ld %lld\n",
				key, tab[slot].count, (long long)tab[slot].sum, j - i,
				(long long)sum);
			ok = 0;
		}
		i = j;
	}
	if (ok && groups != want_groups) {
		fprintf(stderr, NAME ": %ld groups, expected %ld\n", groups, want_groups);
		ok = 0;
	}
	free(rows);
	free(part);
	free(tables);
	free(count);
	free(part_off);
	return wl_report(NAME, n, t1 - t0, ok);
}
