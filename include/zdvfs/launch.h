/* launch.h - running one program under a plan on a real machine: the CPUs
 * it may use (and OpenMP told the same), a fixed frequency or a governor per
 * cpufreq domain; applied all or nothing, measured while the program runs,
 * and undone whatever happens (normal exit, crash of the program, error,
 * SIGINT/SIGTERM/SIGHUP). `zdvfs exec` and `zdvfs run` both launch through
 * here; what to put in the plan is theirs to decide. */
#ifndef ZDVFS_LAUNCH_H
#define ZDVFS_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"
#include "zdvfs/meter.h"
#include "zdvfs/platform.h"
#include "zdvfs/runner.h"

/* What one cpufreq domain gets for the run. */
struct zd_launch_target {
	bool selected;
	uint32_t khz; /* a level of the domain; 0: the governor below */
	char governor[32];
};

struct zd_launch_plan {
	bool confined; /* false: the program may use any CPU */
	struct zd_cpuset cpus;
	struct zd_launch_target targets[ZD_MAX_DOMAINS]; /* by domain index */
};

/* Whether the plan changes any cpufreq domain. */
bool zd_launch_has_targets(const struct zd_platform *p,
			   const struct zd_launch_plan *plan);

/* Set every selected domain (journaled by the platform). All or nothing:
 * on the first failure every change is undone and that failure returned;
 * if undoing fails too, the error says both and p->changing stays true
 * (zd_platform_close tries again; the state file is left for `zdvfs
 * restore`). Call zd_signals_install
 * first so that a signal at any point leads to a restore. */
int zd_launch_apply(struct zd_platform *p, const struct zd_launch_plan *plan,
		    struct zd_err *err);

struct zd_launch_result {
	struct zd_child_result child;
	/* The program never ran and never tried to: confinement was refused
	 * or a signal came first (zd_signals_pending says which). */
	bool never_released;
	int restore_rc; /* 0, or restore_err says what stays changed */
	struct zd_err restore_err;
};

/* Run argv confined to the plan's CPUs, with OMP_NUM_THREADS (the number
 * of CPUs), OMP_PLACES ("{a},{b},...") and OMP_PROC_BIND=close set to match
 * unless the user set them, sampling `meter` every interval_ms; then
 * restore everything the platform changed. Returns
 * zd_child_run's result: non-zero with `err` set when the program could
 * not be run (also see res->never_released); restoring is reported in
 * res->restore_rc apart, so neither hides the other. */
int zd_launch_run(struct zd_platform *p, const struct zd_launch_plan *plan,
		  char *const *argv, int interval_ms, struct zd_meter *meter,
		  struct zd_launch_result *res, struct zd_err *err);

#endif
