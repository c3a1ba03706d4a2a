/* xgb_dl.h - XGBoost opened when a model is first trained (dlopen), not
 * at start-up; xgb_dl.c forwards XGBoost's C API to it. */
#ifndef ZDVFS_MODEL_XGB_DL_H
#define ZDVFS_MODEL_XGB_DL_H

#include "zdvfs/err.h"

/* Loads libxgboost once; an error names the library and its package. */
int zd_xgb_load(struct zd_err *err);

#endif
