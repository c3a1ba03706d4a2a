/* fault.h - fault injection for the tests, as SQLite proves its recovery
 * paths: ZDVFS_FAULT_<POINT>=N makes the Nth pass through POINT fail, and
 * N+ every pass from the Nth on. Points: SYSFS_WRITE (a sysfs write),
 * STATE_SAVE (writing the state file), SIGINT_AFTER (a long command stops as
 * on Ctrl-C after N units of work). Only a build configured with
 * ZDVFS_FAULT_HOOKS=ON (scripts/test) honours them; in any other build they
 * are compiled out and the variables do nothing. */
#ifndef ZDVFS_FAULT_H
#define ZDVFS_FAULT_H

#include <stdbool.h>

enum zd_fault_point {
	ZD_FAULT_SYSFS_WRITE,
	ZD_FAULT_STATE_SAVE,
	ZD_FAULT_SIGINT_AFTER,
	ZD_FAULT_NPOINTS
};

/* Counts one pass through `point`; true if this one must fail. */
bool zd_fault_hit(enum zd_fault_point point);
/* N of ZDVFS_FAULT_<POINT>, 0 when unset (or hooks not built). */
long zd_fault_arg(enum zd_fault_point point);
/* Start counting passes afresh (a test that injects in a loop). */
void zd_fault_reset(void);

#endif
