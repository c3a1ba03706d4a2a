/* folds.h - the zero-shot models of a bench. Fold k holds out the
 * workloads whose group's index in the manifest % K == k (all versions of
 * one algorithm together, so a variant never trains the model that decides
 * its twin) and is trained on every
 * board's runs of the others in the sample store; it decides exactly the
 * workloads it held out. Saved as models/fold-k.bin with
 * models/fold-k.info.json (the folds, what it held out, the boards it saw,
 * its training time) and reused while those still match. */
#ifndef ZDVFS_BENCH_FOLDS_H
#define ZDVFS_BENCH_FOLDS_H

#include "plan.h"

/* Train (or find) the model of every fold that holds a selected workload,
 * filling p->fold_info. 0, ZD_BENCH_INTERRUPTED (between folds) or an
 * error. */
int bench_folds_prepare(struct bench_plan *p, struct zd_err *err);

#endif
