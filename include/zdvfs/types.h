/* types.h - the few types every layer shares: the machine-size limits, a
 * decision (CPUs and a frequency per domain) and an outcome (what a run did,
 * measured or predicted). Kept apart so that a lower layer never includes a
 * higher one's header for one struct. */
#ifndef ZDVFS_TYPES_H
#define ZDVFS_TYPES_H

#include <stdint.h>

#include "zdvfs/cpuset.h"

#define ZD_MAX_DOMAINS 32
#define ZD_MAX_ZONES 32
#define ZD_MAX_ENERGY 16
#define ZD_MAX_TRIPS 8

/* What a policy decides at the start of a run. */
struct zd_decision {
	struct zd_cpuset cpus;        /* CPUs the program may use */
	uint32_t khz[ZD_MAX_DOMAINS]; /* frequency per domain */
};

/* What a run did, measured or predicted. */
struct zd_outcome {
	double makespan_s;
	double energy_j; /* the board's (input) energy */
	double avg_power_w;
	double throttled_s;
	double cpu_energy_j; /* the CPU rail's; 0 if not known */
	int nzones;
	double peak_c[ZD_MAX_ZONES];
	double final_c[ZD_MAX_ZONES];
	double hottest_c; /* the highest peak over all zones */
};

#endif
