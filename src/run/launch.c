/* launch.c - apply a plan, run the program under it, put everything back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/launch.h"

bool zd_launch_has_targets(const struct zd_platform *p,
			   const struct zd_launch_plan *plan)
{
	for (int d = 0; d < p->info.ndomains; d++)
		if (plan->targets[d].selected)
			return true;
	return false;
}

int zd_launch_apply(struct zd_platform *p, const struct zd_launch_plan *plan,
		    struct zd_err *err)
{
	if (!zd_launch_has_targets(p, plan))
		return 0;
	int rc = zd_platform_begin_change(p, err);
	for (int d = 0; rc == 0 && d < p->info.ndomains; d++) {
		const struct zd_launch_target *t = &plan->targets[d];
		if (!t->selected)
			continue;
		rc = t->khz ? zd_platform_set_freq(p, d, t->khz, err)
			    : zd_platform_set_governor(p, d, t->governor, err);
	}
	if (rc == 0)
		return 0;
	struct zd_err undo = {0};
	if (zd_platform_restore(p, &undo) != 0) {
		char first[sizeof(err->msg)];
		snprintf(first, sizeof(first), "%s", err->msg);
		snprintf(err->msg, sizeof(err->msg),
			 "%.500s; and undoing failed: %.500s", first, undo.msg);
		err->exit = ZD_EXIT_RUNTIME;
	}
	return rc;
}

/* Set only what the user has not: their OpenMP settings win. */
static void set_omp_env(const struct zd_cpuset *cpus)
{
	char buf[64], places[4096] = "";
	size_t used = 0;
	snprintf(buf, sizeof(buf), "%d", zd_cpuset_count(cpus));
	setenv("OMP_NUM_THREADS", buf, 0);
	for (int c = zd_cpuset_first(cpus); c >= 0; c = zd_cpuset_next(cpus, c))
		if (used + 16 < sizeof(places))
			used += (size_t)snprintf(places + used,
						 sizeof(places) - used,
						 "%s{%d}", used ? "," : "", c);
	setenv("OMP_PLACES", places, 0);
	setenv("OMP_PROC_BIND", "close", 0);
}

int zd_launch_run(struct zd_platform *p, const struct zd_launch_plan *plan,
		  char *const *argv, int interval_ms, struct zd_meter *meter,
		  struct zd_launch_result *res, struct zd_err *err)
{
	memset(res, 0, sizeof(*res));
	if (plan->confined)
		set_omp_env(&plan->cpus);
	struct zd_child_spec spec = {
	    .argv = argv,
	    .cpus = plan->confined ? &plan->cpus : NULL,
	    .interval_ms = interval_ms,
	};
	int rc = zd_child_run(p, &spec, meter, &res->child, err);
	res->restore_rc = zd_platform_restore(p, &res->restore_err);
	res->never_released =
	    rc != 0 && !res->child.started && res->child.exec_errno == 0;
	return rc;
}
