/* reward.c - the agents' rewards, as docs/design.md ("The method", 3) states
 * them after the paper: energy against the powersave governor, makespan
 * against the performance governor, and 50 − T per core. */
#include <math.h>

#include "zdvfs/agent.h"

/* The paper's shape: the reference scores 1, 30 % worse scores
 * 2e^-0.5 − 1 ≈ 0.21, far worse tends to −1. */
#define REWARD_SCALE 0.3
/* x below −2 (better than the reference by more than 60 %) is held at −2:
 * unclamped, the exponential would let one lucky run or one optimistic
 * model prediction dwarf every other reward. */
#define REWARD_X_MIN (-2.0)

double zd_reward_score(double value, double ref)
{
	if (!isfinite(value) || !isfinite(ref) || ref <= 0.0)
		return -1.0;
	double x = (value - ref) / (REWARD_SCALE * ref);
	if (x < REWARD_X_MIN)
		x = REWARD_X_MIN;
	return 2.0 * exp(-0.5 * x) - 1.0;
}

double zd_profiler_reward(const struct zd_outcome *o,
			  const struct zd_reward_ref *ref)
{
	double r_energy = zd_reward_score(o->energy_j, ref->energy_ps_j);
	double r_time = zd_reward_score(o->makespan_s, ref->makespan_perf_s);
	return 0.5 * (r_energy + r_time);
}

double zd_thermal_core_reward(double temp_c)
{
	/* NaN (no reading) counts as hot */
	return temp_c < ZD_THERMAL_REWARD_LIMIT_C
	    ? ZD_THERMAL_REWARD_LIMIT_C - temp_c
	    : -1.0;
}

double zd_thermal_reward(const double *core_c, int ncores)
{
	if (ncores <= 0)
		return 0.0;
	double sum = 0.0;
	for (int i = 0; i < ncores; i++)
		sum += zd_thermal_core_reward(core_c[i]);
	return sum / ncores;
}

bool zd_thermal_violation(const struct zd_outcome *o, double limit_c)
{
	return !(o->hottest_c <= limit_c);
}
