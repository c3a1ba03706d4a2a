/* rng.h - the agents' random numbers: splitmix64 (Steele, Lea and Flood
 * 2014), one 64-bit state per user, so every run from a seed repeats
 * exactly and save/load can carry the state. */
#ifndef ZDVFS_AGENT_RNG_H
#define ZDVFS_AGENT_RNG_H

#include <math.h>
#include <stdint.h>

static inline uint64_t zd_rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1), 53 bits. */
static inline double zd_rng_uniform(uint64_t *state)
{
	return (double)(zd_rng_next(state) >> 11) * 0x1.0p-53;
}

/* Uniform in 0..n-1 (n >= 1); the modulo bias is below 2^-40 for the
 * sizes used here (n < 2^24). */
static inline int zd_rng_below(uint64_t *state, int n)
{
	return (int)(zd_rng_next(state) % (uint64_t)n);
}

/* Standard normal by Box-Muller (one of the pair; simplicity over speed:
 * it only runs at initialisation). */
static inline double zd_rng_normal(uint64_t *state)
{
	double u1 = zd_rng_uniform(state), u2 = zd_rng_uniform(state);
	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif
