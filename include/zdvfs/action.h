/* action.h - the decision space of a board as the profiler agent, the
 * profiling sweep and the environment model see it: how many cores of each
 * cluster a program gets and at which frequency level each cluster runs.
 * Which physical cores is the thermal agent's choice, made afterwards
 * (zd_action_decision takes a preference order).
 *
 * A cluster given no core has no level of its own (it is idle; level 0),
 * so every action has exactly one index in 0..count-1. Reserved CPUs
 * (the TX2's cpu0) are never offered. */
#ifndef ZDVFS_ACTION_H
#define ZDVFS_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "zdvfs/board.h"
#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"
#include "zdvfs/types.h"

#define ZD_MAX_CLUSTERS 4
#define ZD_MAX_LEVELS 32

struct zd_action {
	int cores[ZD_MAX_CLUSTERS]; /* 0..max_cores[c] */
	int level[ZD_MAX_CLUSTERS]; /* 0..nlevels[c]-1; 0 when cores[c] == 0 */
};

struct zd_action_space {
	int nclusters;
	char names[ZD_MAX_CLUSTERS][32];
	int max_cores[ZD_MAX_CLUSTERS]; /* usable (not reserved) CPUs */
	struct zd_cpuset usable[ZD_MAX_CLUSTERS];
	int nlevels[ZD_MAX_CLUSTERS];
	uint32_t khz[ZD_MAX_CLUSTERS][ZD_MAX_LEVELS];
	int count; /* number of actions */
};

/* The space of `board`; a board with more clusters or levels than this
 * header allows is a usage error naming it. */
int zd_action_space_init(struct zd_action_space *s, const struct zd_board *b,
			 struct zd_err *err);

/* Action number `index` (0..count-1), and the number of an action (-1 if
 * it is not in the space). */
void zd_action_at(const struct zd_action_space *s, int index,
		  struct zd_action *a);
int zd_action_index(const struct zd_action_space *s, const struct zd_action *a);

/* Every usable core at the top level (what `performance` decides), and
 * every usable core at the lowest (what `powersave` decides). */
void zd_action_max(const struct zd_action_space *s, struct zd_action *a);
void zd_action_min(const struct zd_action_space *s, struct zd_action *a);

int zd_action_total_cores(const struct zd_action_space *s,
			  const struct zd_action *a);

/* The decision a platform applies: per cluster the first cores[c] usable
 * CPUs in `prefer` order (NULL or CPUs not listed: ascending), and the
 * level's frequency (idle clusters: their lowest). */
void zd_action_decision(const struct zd_action_space *s,
			const struct zd_action *a, const int *prefer,
			int nprefer, struct zd_decision *d);

/* "denver=2@11,a57=3@5": cores@level per cluster, in board order. */
int zd_action_format(const struct zd_action_space *s, const struct zd_action *a,
		     char *buf, size_t len);
/* The same text back; anything else is a usage error naming the part. */
int zd_action_parse(const struct zd_action_space *s, const char *text,
		    struct zd_action *a, struct zd_err *err);

#endif
