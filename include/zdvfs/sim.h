/* sim.h - a simulated board: executes a measured workload profile under a
 * policy (a fixed decision or a reactive governor) and reports makespan,
 * energy, power, temperatures and throttling. Physics (docs/simulator.md):
 *   time    compute scales with 1/(f x core speed), DRAM time does not;
 *           parallel speed-up limited by the serial part, static-loop
 *           imbalance, barrier and task overheads and shared bandwidth;
 *   power   C.V^2.f.activity per core (lower while stalled), leakage
 *           rising with temperature, board idle power;
 *   heat    per zone a die node on a heatsink node, neighbouring zones
 *           coupled, board idle power heating them, trip-driven fans,
 *           step-wise throttling at the zone's passive trip and polling
 *           period, RAPL PL1/PL2 and turbo bins, carried over between runs;
 *   sensors INA3221 sampled at its period, RAPL counter units and wrap.
 * Deterministic for a seed; optional measurement noise. */
#ifndef ZDVFS_SIM_H
#define ZDVFS_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/board.h"
#include "zdvfs/err.h"
#include "zdvfs/platform.h"
#include "zdvfs/policy.h"

/* What the simulator needs of a workload, from its measured profile at the
 * size simulated (src/workload turns a profile file into this). */
struct zd_sim_workload {
	char name[64];
	bool tasks;             /* task-parallel: dynamic load balance */
	double instructions;    /* kernel instructions, all threads */
	double dram_bytes;      /* last-level misses x line size */
	double serial_fraction; /* of the instructions, on one core */
	double imbalance;       /* static loops: slowest/mean busy - 1 */
	double barriers;        /* barriers executed (per thread) */
	double tasks_created;   /* explicit tasks */
};

struct zd_sim_result {
	double makespan_s;
	double energy_j; /* true integral of board power */
	double
	    measured_energy_j; /* what the board's sensor reports; NAN if none */
	double cpu_energy_j;   /* true integral of the clusters' power */
	double measured_cpu_energy_j; /* the sensor's CPU rail; NAN if none */
	double avg_power_w;
	double throttled_s; /* time with any zone throttling */
	int nzones;
	int peak_mc[ZD_MAX_ZONES];
	int final_mc[ZD_MAX_ZONES];
	int steps;
};

/* One step of a run, for traces. */
struct zd_sim_sample {
	double t_s;
	double progress; /* 0..1 */
	double power_w;
	uint32_t khz[ZD_MAX_DOMAINS]; /* after throttling */
	int temp_mc[ZD_MAX_ZONES];
	double util[ZD_MAX_CPUS];
};

typedef void (*zd_sim_trace_fn)(void *ctx, const struct zd_sim_sample *s);

struct zd_sim;

/* The sim takes ownership of `board`. */
int zd_sim_new(struct zd_board *board, uint64_t seed, struct zd_sim **out,
	       struct zd_err *err);
void zd_sim_free(struct zd_sim *sim);
const struct zd_board *zd_sim_board(const struct zd_sim *sim);
/* The machine as policies see it: one frequency domain per cluster. */
const struct zd_platform_info *zd_sim_info(const struct zd_sim *sim);
/* CPUs a workload may use by default: all but the board's reserved ones. */
void zd_sim_default_cpus(const struct zd_sim *sim, struct zd_cpuset *cpus);
/* Relative standard deviation of measurement noise on time and power
 * (0 = none, the default). */
void zd_sim_set_noise(struct zd_sim *sim, double rel_sigma);
/* Every zone back to ambient, no throttling, fans off. */
void zd_sim_reset(struct zd_sim *sim);
/* Idle for `seconds` (cores idle, board idle power): cooling between runs. */
void zd_sim_idle(struct zd_sim *sim, double seconds);
/* Idle until the temperatures settle (at most an hour): the board's idle
 * temperature at its ambient. */
void zd_sim_idle_steady(struct zd_sim *sim);
/* Ambient temperature from now on (e.g. 35 °C in an enclosure); the board
 * file's ambient_mc is the default. */
void zd_sim_set_ambient_mc(struct zd_sim *sim, int mc);
int zd_sim_ambient_mc(const struct zd_sim *sim);
/* Active trips in force on `zone` (the fan's cooling state). */
int zd_sim_fan_state(const struct zd_sim *sim, int zone);
int zd_sim_temp_mc(const struct zd_sim *sim, int zone);
/* Start the next run with `zone` at this temperature (a thermal starting
 * point of a profiling sweep); throttling state is left as it is. */
void zd_sim_set_temp_mc(struct zd_sim *sim, int zone, int mc);

/* Run `w` under `pol` (created for zd_sim_info(sim)); temperatures carry
 * over from the previous run. `trace` may be NULL. */
int zd_sim_run(struct zd_sim *sim, const struct zd_sim_workload *w,
	       struct zd_policy *pol, struct zd_sim_result *res,
	       zd_sim_trace_fn trace, void *trace_ctx, struct zd_err *err);

/* The steady-state physics, exposed for tests and the model: execution
 * time of `w` on `cpus` with cluster c asked for level khz[c] (no power
 * limit, no throttling, no noise; a turbo entry runs the turbo bin for the
 * cluster's busy cores), and the board power at temperature temp_mc while
 * doing so. */
double zd_sim_exec_time_s(const struct zd_sim *sim,
			  const struct zd_sim_workload *w,
			  const struct zd_cpuset *cpus, const uint32_t *khz);
double zd_sim_power_w(const struct zd_sim *sim, const struct zd_sim_workload *w,
		      const struct zd_cpuset *cpus, const uint32_t *khz,
		      int temp_mc);

/* A simulator run as an outcome (temperatures from millidegrees). */
struct zd_outcome;
void zd_outcome_from_sim(const struct zd_sim_result *r, struct zd_outcome *o);

#endif
