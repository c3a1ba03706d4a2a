/* encode.h - the environment model's inputs: a program's code features, a
 * board's descriptors and a decision, turned into numbers that mean the
 * same on every board (docs/model.md lists every column).
 *
 * Columns come in groups so prediction can fix what does not change
 * between decisions: program and board and start temperature (fixed for a
 * query), decision (varies), zone (fixed per zone, partly varying). */
#ifndef ZDVFS_MODEL_ENCODE_H
#define ZDVFS_MODEL_ENCODE_H

#include <stdbool.h>

#include "zdvfs/action.h"
#include "zdvfs/board.h"
#include "zdvfs/features.h"

/* What the model knows of a board, derived once from its description. */
struct zd_board_prior {
	const struct zd_board *board;
	struct zd_action_space space;
	int slot[ZD_MAX_CLUSTERS]; /* slot[0] fastest, slot[1] slowest */
	double cap_max;            /* sum of cores x GHz x speed, all cores */
	double fast_max;           /* the fastest core's GHz x speed */
	double tdp_w, idle_w, ambient_c;
	int nzones;
	bool zone_modelled[ZD_MAX_ZONES]; /* zone senses a cluster */
	double throttle_c[ZD_MAX_ZONES];
	double limit_c;                  /* zd_board_limit_c */
	double tau_s[ZD_MAX_ZONES];      /* the zone's R x C */
	double rise_per_w[ZD_MAX_ZONES]; /* R / (throttle - ambient) */
};

int zd_board_prior_init(struct zd_board_prior *bp, const struct zd_board *b,
			struct zd_err *err);

/* Column layout. */
enum {
	ZD_COL_PROGRAM = 0, /* figures, classes, structure */
	ZD_NCOLS_PROGRAM = 27,
	ZD_COL_BOARD = ZD_NCOLS_PROGRAM,
	ZD_NCOLS_BOARD = 6,
	ZD_COL_START = ZD_COL_BOARD + ZD_NCOLS_BOARD,
	ZD_NCOLS_START = 1,
	ZD_COL_ACTION = ZD_COL_START + ZD_NCOLS_START,
	ZD_NCOLS_ACTION = 7 + 2 * 3,
	ZD_NCOLS_RUN = ZD_COL_ACTION + ZD_NCOLS_ACTION,
	ZD_COL_ZONE = ZD_NCOLS_RUN,
	ZD_NCOLS_ZONE = 4,
	ZD_NCOLS_THERMAL = ZD_NCOLS_RUN + ZD_NCOLS_ZONE,
	/* the scale model: program and board only */
	ZD_NCOLS_SCALE = ZD_COL_START,
};

/* Name of column i of the thermal layout (the run layout is its prefix). */
const char *zd_encode_column_name(int i);

/* Relative temperature: 0 at ambient, 1 at the zone's throttle point. */
double zd_encode_temp_rel(const struct zd_board_prior *bp, int zone, double c);
double zd_encode_temp_abs(const struct zd_board_prior *bp, int zone,
			  double rel);

void zd_encode_program(const struct zd_features *f, float *row);
void zd_encode_board(const struct zd_board_prior *bp, float *row);
/* start_c: every zone's starting temperature. */
void zd_encode_start(const struct zd_board_prior *bp, const double *start_c,
		     float *row);
void zd_encode_action(const struct zd_board_prior *bp,
		      const struct zd_action *a, float *row);
/* Zone columns: the zone's start, the decision's nominal heating of it
 * relative to its headroom, its time constant and the run's length
 * relative to it. */
void zd_encode_zone(const struct zd_board_prior *bp, int zone,
		    const struct zd_action *a, double start_c,
		    double makespan_s, float *row);

/* Nominal dynamic + leakage power of a decision at 25 C (W), from the
 * board description's C.V^2.f constants: the physics prior the model
 * corrects with what it learns of the program. */
double zd_encode_nominal_power_w(const struct zd_board_prior *bp,
				 const struct zd_action *a, int zone);

/* The one inverse of the targets (docs/model.md): time as a log-ratio to
 * the program's reference makespan ref_s, power as a log-ratio to TDP.
 * Clears `o`; every zone starts and ends at start_c until decoded. */
void zd_decode_run(const struct zd_board_prior *bp, double ref_s, double y_time,
		   double y_power, const double *start_c, struct zd_outcome *o);
/* Zone z's final and peak from their predicted relative temperatures; the
 * peak includes the start and the end. */
void zd_decode_zone(const struct zd_board_prior *bp, int z, double start_c,
		    double y_peak, double y_final, struct zd_outcome *o);
/* The highest peak of all zones. */
void zd_decode_hottest(struct zd_outcome *o);

#endif
