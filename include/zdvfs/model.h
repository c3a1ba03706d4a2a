/* model.h - the environment model: from a program's code features, the
 * board and a decision (cores and level per cluster) and the starting
 * temperatures, predict the run's makespan, energy, average power and the
 * peak and final temperature of every thermal zone — for programs that
 * never ran (zero-shot). Trained on the store's samples of other programs.
 *
 * Inputs are normalised so boards are comparable (docs/model.md):
 * frequency relative to the board's top, cores relative to the board's,
 * temperatures relative to ambient and throttle point, power to TDP.
 * Targets are physics-shaped: time as a log-ratio to the program's run
 * with every core at the top level (its "scale"), power relative to TDP,
 * temperature rise relative to the throttle headroom. The scale of a new
 * program comes from its own reference run when one was measured, else
 * from a regression on the features alone (what zero-shot has). */
#ifndef ZDVFS_MODEL_H
#define ZDVFS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/action.h"
#include "zdvfs/board.h"
#include "zdvfs/err.h"
#include "zdvfs/features.h"
#include "zdvfs/platform.h"
#include "zdvfs/store.h"

/* The binary model file's format (1 was the JSON of zdvfs 0.1). */
#define ZD_MODEL_FORMAT_VERSION 3

struct zd_model;

struct zd_model_train_opts {
	const char *const *boards; /* NULL: every board in the store */
	int nboards;
	const char *exclude_program; /* LOBO: contributes no sample */
	const char *backend;         /* NULL: all */
	int trees, max_depth;        /* 0: defaults (docs/model.md) */
	int threads;                 /* 0: all cores */
	uint64_t seed;
	const char *platform_dir; /* where the boards' descriptions are */
};

int zd_model_train(struct zd_store *s, const struct zd_model_train_opts *o,
		   struct zd_model **out, struct zd_err *err);
void zd_model_free(struct zd_model *m);

/* One versioned binary file (model.c says its layout: the trees as
 * zdvfs walks them, mapped and used in place, ~0.7 MB for four boards),
 * checked whole on load: a truncated, damaged, foreign or newer file is a
 * usage error naming the file and what is wrong. zd_model_load also reads
 * the JSON models of earlier zdvfs (slower). zd_model_save_json writes
 * XGBoost 1.7's JSON layout per regressor, readable by XGBoost itself. */
int zd_model_save(const struct zd_model *m, const char *path,
		  struct zd_err *err);
int zd_model_save_json(const struct zd_model *m, const char *path,
		       struct zd_err *err);
int zd_model_load(const char *path, struct zd_model **out, struct zd_err *err);
/* Where `zdvfs model train` writes by default: beside the store,
 * $ZDVFS_DATA_DIR/model.bin etc. */
int zd_model_default_path(char *buf, size_t len, struct zd_err *err);
/* The model a command reads: `given` if not NULL; else the user's own
 * (zd_model_default_path, or the model.json an earlier zdvfs wrote there)
 * if it exists; else the default model shipped with
 * zdvfs (zd_data_dir(ZD_DATA_MODELS)/default.model) if that exists; else the
 * user's path, so that the error names where a trained model would be. */
int zd_model_find_path(const char *given, char *buf, size_t len,
		       struct zd_err *err);

/* A program on a board, prepared so that predicting any action is fast
 * (the parts that do not depend on the action are resolved once). */
struct zd_model_query;

struct zd_model_query_opts {
	const struct zd_features *features;
	const int *start_mc;   /* per zone of the board; NULL: ambient */
	double ref_makespan_s; /* the program's measured scale; 0: predict */
};

int zd_model_query_new(const struct zd_model *m, const struct zd_board *b,
		       const struct zd_model_query_opts *o,
		       struct zd_model_query **out, struct zd_err *err);
void zd_model_query_free(struct zd_model_query *q);
/* The program's scale used: its reference makespan, given or predicted. */
double zd_model_query_scale_s(const struct zd_model_query *q);
void zd_model_query_set_scale_s(struct zd_model_query *q, double ref_s);
/* New starting temperatures (per zone; NULL: ambient), cheap: the query
 * keeps them as inputs. */
void zd_model_query_set_start(struct zd_model_query *q, const int *start_mc);
const struct zd_action_space *
zd_model_query_space(const struct zd_model_query *q);
void zd_model_predict(const struct zd_model_query *q, const struct zd_action *a,
		      struct zd_outcome *out);
/* Makespan, energy and power only (no temperatures: nzones 0, hottest
 * NAN): a third of the cost, for ranking decisions before checking the
 * chosen one's heat. */
void zd_model_predict_perf(const struct zd_model_query *q,
			   const struct zd_action *a, struct zd_outcome *out);
/* Makespan and average power of every action of the board (index i:
 * zd_action_at(space, i)), the same to the bit as zd_model_predict_perf
 * gives one at a time; walked together, which costs far less. */
void zd_model_predict_perf_all(const struct zd_model_query *q,
			       double *makespan_s, double *power_w);
/* The population response at action i of the query's board: ln makespan
 * and ln power relative to every core at the top level, averaged over the
 * programs the model learnt from (docs/model.md); false when the model has
 * none for the board (a JSON model, or fewer than 3 programs learnt). */
bool zd_model_query_population(const struct zd_model_query *q, int i,
			       double *log_t_rel, double *log_p_rel);
/* Every action of the board, out[i] for zd_action_at(space, i). */
void zd_model_predict_all(const struct zd_model_query *q,
			  struct zd_outcome *out);

#endif
