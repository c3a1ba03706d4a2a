/* cpuset.h - sets of logical CPUs and the "0,2-4" list syntax users type
 * (taskset, likwid-pin and sysfs all speak it). */
#ifndef ZDVFS_CPUSET_H
#define ZDVFS_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdvfs/err.h"

#define ZD_MAX_CPUS 256

struct zd_cpuset {
	uint64_t bits[ZD_MAX_CPUS / 64];
};

void zd_cpuset_zero(struct zd_cpuset *set);
void zd_cpuset_add(struct zd_cpuset *set, int cpu);
bool zd_cpuset_has(const struct zd_cpuset *set, int cpu);
int zd_cpuset_count(const struct zd_cpuset *set);
bool zd_cpuset_equal(const struct zd_cpuset *a, const struct zd_cpuset *b);
void zd_cpuset_and(struct zd_cpuset *dst, const struct zd_cpuset *other);
/* Lowest CPU in the set, or -1 when empty. */
int zd_cpuset_first(const struct zd_cpuset *set);
/* Next CPU after `cpu`, or -1. */
int zd_cpuset_next(const struct zd_cpuset *set, int cpu);

/* Parse "0,2-4" (sysfs and taskset style; commas, spaces or newlines
 * separate items). `what` names the input in the error message. */
int zd_cpuset_parse(struct zd_cpuset *set, const char *text, const char *what,
		    struct zd_err *err);
/* Format as the shortest "0,2-4" list; returns snprintf's length. */
int zd_cpuset_format(const struct zd_cpuset *set, char *buf, size_t len);

#endif
