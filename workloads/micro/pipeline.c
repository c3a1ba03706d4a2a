/* pipeline.c - a three-stage pipeline over a stream of N blocks (generate a
 * block of samples, filter it, fold it into an order-dependent checksum)
 * built from tasks with dependences, 8 blocks in flight.
 * Manifest: kind tasks, group pipeline.
 *
 * N is the number of blocks of 4096 samples.
 * Parallelisation: one thread (single) creates three tasks per block:
 * generate (depend out: the slot), filter (depend inout: the slot), fold
 * (depend in: the slot, inout: the checksum, so folds run in block order);
 * a slot is reused 8 blocks later, which the dependences also order.
 * Check: the same stages run serially give the same checksum, exactly.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "pipeline"
#define BLOCK 4096
#define SLOTS 8

static void generate(long b, double *buf)
{
	uint64_t s = (uint64_t)b * 0x9e3779b97f4a7c15ULL + 1;
	for (int i = 0; i < BLOCK; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		buf[i] = (double)(s >> 11) * 0x1.0p-53;
	}
}

/* a 9-tap smoothing filter, then quantisation to 1/1024 */
static void filter(double *buf)
{
	double tmp[BLOCK];
	for (int i = 0; i < BLOCK; i++) {
		double s = 0.0;
		for (int k = -4; k <= 4; k++) {
			int j = i + k < 0 ? 0 : i + k >= BLOCK ? BLOCK - 1 : i + k;
			s += buf[j] * (5 - abs(k));
		}
		tmp[i] = floor(s / 25.0 * 1024.0) / 1024.0;
	}
	memcpy(buf, tmp, sizeof(tmp));
}

static void fold(const double *buf, uint64_t *sum)
{
	uint64_t h = *sum;
	for (int i = 0; i < BLOCK; i++)
		h = (h ^ (uint64_t)(buf[i] * 1024.0)) * 0x100000001b3ULL;
	*sum = h;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 64, 300, 400000 });
	double (*slot)[BLOCK] = wl_alloc(NAME, SLOTS, sizeof(*slot));
	uint64_t sum = 0xcbf29ce484222325ULL;

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	for (long b = 0; b < n; b++) {
		double *buf = slot[b % SLOTS];
#pragma omp task depend(out : buf[0]) firstprivate(b, buf)
		generate(b, buf);
#pragma omp task depend(inout : buf[0]) firstprivate(buf)
		filter(buf);
#pragma omp task depend(in : buf[0]) depend(inout : sum) firstprivate(buf) shared(sum)
		fold(buf, &sum);
	}
	double t1 = wl_kernel_end();

	uint64_t want = 0xcbf29ce484222325ULL;
	for (long b = 0; b < n; b++) {
		generate(b, slot[0]);
		filter(slot[0]);
		fold(slot[0], &want);
	}
	int ok = sum == want;
	if (!ok)
		fprintf(stderr, NAME ": checksum %llx, expected %llx\n",
			(unsigned long long)sum, (unsigned long long)want);
	free(slot);
	return wl_report(NAME, n, t1 - t0, ok);
}
