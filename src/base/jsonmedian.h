/* jsonmedian.h - several runs' JSON records merged into one of medians
 * (internal: it speaks jansson). The one rule for the OMPT tool's reports,
 * used by tools/characterize (tools/profile/zdvfs_profile.c) and `zdvfs
 * characterize` (src/eval/characterize.c). */
#ifndef ZDVFS_BASE_JSONMEDIAN_H
#define ZDVFS_BASE_JSONMEDIAN_H

#include <jansson.h>

/* The most runs one merge takes. */
#define ZD_JSON_MEDIAN_MAX 16

/* Merge runs[0..n) of the same shape, following run 0: objects and arrays
 * member by member (a member a run lacks leaves that run out), each number
 * the median of the runs' values (an integer when all are integers and n
 * is odd; null if not finite), anything else copied from run 0. A new
 * reference; NULL if n is not 1..ZD_JSON_MEDIAN_MAX. */
json_t *zd_json_median(json_t *const *runs, int n);

#endif
