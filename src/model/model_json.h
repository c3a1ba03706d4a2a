/* model_json.h - what the model layer answers in JSON (internal: it speaks
 * jansson): a model's training summary and the evaluation report. */
#ifndef ZDVFS_MODEL_JSON_H
#define ZDVFS_MODEL_JSON_H

#include <jansson.h>

#include "zdvfs/model.h"

/* What the model was trained on: programs, boards, runs, rows per part. */
const json_t *zd_model_info(const struct zd_model *m);

/* Evaluation: train on some runs, predict the others, compare.
 *   lobo         each group of programs (the manifest's `group`: every
 *                version of one algorithm; a program that is no workload is
 *                its own group), or `folds` sets of groups, is held out: it
 *                contributes no run to the model that predicts it;
 *   cross_board  each board is held out: trained on the others;
 *   both         the held-out program on the held-out board.
 * The report (JSON) has, per board and per program and overall, MAPE and
 * R^2 of makespan, energy and power, MAE of peak and final temperature, and
 * the Spearman rank correlation of predicted and true energy-delay product
 * over the decisions; makespan and energy both zero-shot (the scale
 * predicted from code features) and given the program's reference run. */
struct zd_model_eval_opts {
	struct zd_model_train_opts train;
	bool lobo, cross_board;
	int folds; /* lobo: groups spread over K folds; 0 = one each */
	/* > 0: each fold trains on only this many of the groups it may
	 * train on, drawn by train.seed and the fold (a learning curve) */
	int train_groups;
	const char
	    *workload_dir; /* the manifest's (lobo); NULL: zd_workload_dir */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
};

int zd_model_eval(struct zd_store *s, const struct zd_model_eval_opts *o,
		  json_t **report, struct zd_err *err);

#endif
