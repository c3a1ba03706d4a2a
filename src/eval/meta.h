/* meta.h - meta.json of a bench (docs/bench-format.md): what was asked,
 * the boards' limits, the folds' models, profiling and feature times. */
#ifndef ZDVFS_BENCH_META_H
#define ZDVFS_BENCH_META_H

#include "plan.h"

/* Write DIR/meta.json whole (temporary file and rename); `seconds` is the
 * bench's time so far. */
int bench_meta_write(const struct bench_plan *p, double seconds,
		     struct zd_err *err);

#endif
