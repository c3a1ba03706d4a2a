/* dataset.h - the store's runs in memory, with each program's encoded
 * features and each board's prior, so that training many folds (leave one
 * program out, leave one board out) reads the database once. */
#ifndef ZDVFS_MODEL_DATASET_H
#define ZDVFS_MODEL_DATASET_H

#include <stdbool.h>

#include "encode.h"
#include "zdvfs/model.h"
#include "zdvfs/store.h"
#include "zdvfs/workload.h"

struct zd_ds_program {
	char name[64];
	int group; /* index into the dataset's groups (zd_ds_set_groups);
			 * until then each program is its own group */
	float row[ZD_NCOLS_PROGRAM];
};

struct zd_ds_board {
	char name[64];
	struct zd_board *board;
	struct zd_board_prior prior;
};

struct zd_ds_sample {
	int program, board;
	struct zd_action action;
	int nzones;
	float start_c[ZD_MAX_ZONES], peak_c[ZD_MAX_ZONES],
	    final_c[ZD_MAX_ZONES];
	double makespan_s, energy_j, avg_power_w;
	double ref_s; /* the program's makespan with every core at the
			    * top level on this board, coolest start; 0 if
			    * the store has no such run */
};

struct zd_dataset {
	struct zd_ds_program *programs;
	int nprograms;
	int ngroups; /* distinct groups among the programs */
	struct zd_ds_board *boards;
	int nboards;
	struct zd_ds_sample *samples;
	long nsamples, cap;
};

/* Read every run matching the options (boards, backend; not
 * exclude_program) with its program's features and board description. */
int zd_dataset_load(struct zd_store *s, const struct zd_model_train_opts *o,
		    struct zd_dataset **out, struct zd_err *err);
void zd_dataset_free(struct zd_dataset *ds);

/* Which samples a fit may use: program and board allowed. */
struct zd_ds_filter {
	const bool *program_ok; /* [nprograms]; NULL: all */
	const bool *board_ok;   /* [nboards]; NULL: all */
};

/* Group the programs as the manifest does (m may be NULL: each program its
 * own group): every version of one algorithm in one group, a program that
 * is no workload of the manifest alone; indices follow the programs'
 * order. */
void zd_ds_set_groups(struct zd_dataset *ds, const struct zd_manifest *m);

bool zd_ds_sample_ok(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		     const struct zd_ds_sample *smp);

#endif
