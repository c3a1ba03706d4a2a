/* simstore.h - a small sample store filled from the simulator, for the
 * model and engine tests: every third level (and the top), every core
 * count, from ambient, for a few workloads on a few boards. */
#ifndef ZDVFS_TEST_SIMSTORE_H
#define ZDVFS_TEST_SIMSTORE_H

#include "zdvfs/features.h"

/* The workload's features (fails the test on error). */
struct zd_features *program_features(const char *name);

/* Fill db with runs of programs[] on boards[]; the makespans of program
 * `victim` (may be NULL) are multiplied by distort. */
void fill_store(const char *db, const char *const *boards, int nboards,
		const char *const *programs, int nprograms, const char *victim,
		double distort);

#endif
