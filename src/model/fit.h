/* fit.h - train the environment model's regressors on part of a dataset
 * (shared by zd_model_train and the evaluation's folds). */
#ifndef ZDVFS_MODEL_FIT_H
#define ZDVFS_MODEL_FIT_H

#include "dataset.h"
#include "population.h"
#include "zdvfs/gbt.h"
#include "zdvfs/model.h"

enum zd_model_part {
	ZD_PART_TIME,  /* log(makespan / reference makespan) */
	ZD_PART_POWER, /* log(average power / TDP) */
	ZD_PART_PEAK,  /* peak temperature, relative (0 ambient, 1 throttle) */
	ZD_PART_FINAL, /* final temperature, relative */
	ZD_PART_SCALE, /* log(reference makespan) from program and board */
	ZD_NPARTS
};

struct zd_model {
	struct zd_gbt *part[ZD_NPARTS];
	json_t *info;              /* what it was trained on */
	struct zd_population *pop; /* NULL: none (a JSON model) */
	void *map; /* the mapped model file the parts' trees live in */
	size_t map_bytes;
};

const char *zd_model_part_name(int part);

int zd_model_fit(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		 const struct zd_model_train_opts *o, struct zd_model **out,
		 struct zd_err *err);

#endif
