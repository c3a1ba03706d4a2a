/* runner.h - running a child under control, the shape of perf stat: the
 * child is forked and waits on a pipe while it is confined and the machine
 * prepared, is released, is sampled while it runs, and its status is passed
 * on. SIGINT/SIGTERM/SIGHUP reaching zdvfs (signals.h) are forwarded to
 * the child and re-raised after the caller has restored the machine. */
#ifndef ZDVFS_RUNNER_H
#define ZDVFS_RUNNER_H

#include <stdbool.h>

#include "zdvfs/clock.h"
#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"
#include "zdvfs/meter.h"
#include "zdvfs/platform.h"
#include "zdvfs/signals.h" /* zd_signals_install before zd_child_run */

struct zd_child_spec {
	char *const *argv;
	const struct zd_cpuset *cpus; /* NULL: not confined */
	int interval_ms;              /* sampling period */
};

struct zd_child_result {
	bool started;    /* the program was exec'd */
	int exec_errno;  /* why it could not be exec'd */
	int exit_code;   /* shell convention: status, 128+signal, 126, 127 */
	int term_signal; /* the signal that killed it, 0 if none */
	double wall_s;
};

int zd_child_run(struct zd_platform *p, const struct zd_child_spec *spec,
		 struct zd_meter *meter, struct zd_child_result *res,
		 struct zd_err *err);

#endif
