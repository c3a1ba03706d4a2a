/* sweep.h - the profiling sweep: every workload under every decision of a
 * grid over the board's action space, from chosen starting temperatures,
 * run in the simulator and stored as one run record per sweep point
 * (docs/sweep.md). `zdvfs sweep` drives it; `zdvfs bench` reuses the
 * grid, the keys and single points.
 *
 * A sweep point is (board, program, action, starting temperature); its key
 * is "a=ACTION;t=CELSIUS" ("a=denver=2@11,a57=3@5;t=47.5"). Points already
 * in the store are skipped and runs are committed in batches, so a sweep
 * that is interrupted loses at most its open batch and rerunning it
 * continues where it stopped, with the same numbers (each point's noise
 * seed comes from the sweep seed, board, program and key alone).
 *
 * On a real board (zd_sweep_opts.measure) each point is measured by the
 * caller instead; the starting temperature is whatever the board has, so
 * the key names the decision only: "a=ACTION;t=asis". */
#ifndef ZDVFS_SWEEP_H
#define ZDVFS_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdvfs/action.h"
#include "zdvfs/err.h"
#include "zdvfs/sim.h"
#include "zdvfs/store.h"

/* Levels per cluster of the coarse grid, always with the lowest and top. */
#define ZD_SWEEP_COARSE_LEVELS 5
/* Runs per transaction. */
#define ZD_SWEEP_BATCH 200
#define ZD_SWEEP_MAX_TEMPS 16
#define ZD_SWEEP_KEY_LEN 128
/* zd_sweep_workload/zd_sweep_run stopped because *stop was set; every run
 * made so far is committed. */
#define ZD_SWEEP_INTERRUPTED 4

/* "coarse" (ZD_SWEEP_COARSE_LEVELS), "full" (0: every level) or a number
 * N >= 2 of evenly spaced levels; anything else is a usage error. */
int zd_sweep_parse_grid(const char *text, int *levels, struct zd_err *err);

/* A starting temperature as the user gave it; resolved per board. */
enum zd_sweep_temp_kind {
	ZD_SWEEP_TEMP_AMBIENT, /* the board's ambient */
	ZD_SWEEP_TEMP_MID,     /* halfway from ambient to the lowest passive
				* trip of the zones that hold CPUs */
	ZD_SWEEP_TEMP_CELSIUS,
};
struct zd_sweep_temp {
	enum zd_sweep_temp_kind kind;
	int mc; /* ZD_SWEEP_TEMP_CELSIUS */
};
/* "ambient,mid,25,47.5": comma-separated, °C in -20..125. */
int zd_sweep_parse_temps(const char *text, struct zd_sweep_temp *temps,
			 int *count, struct zd_err *err);
/* The temperature of `t` on board `b` in millidegrees. */
int zd_sweep_temp_mc(const struct zd_board *b, const struct zd_sweep_temp *t,
		     int *mc, struct zd_err *err);

/* The actions of the grid with `levels` levels per cluster (0: all), in
 * action-index order; malloc'd, free it. The reference actions
 * (zd_action_max, zd_action_min) are always among them. */
int zd_sweep_grid(const struct zd_action_space *s, int levels,
		  struct zd_action **actions, int *count, struct zd_err *err);

/* The key of a sweep point, and the noise seed of its run. */
int zd_sweep_key(const struct zd_action_space *s, const struct zd_action *a,
		 int temp_mc, char *buf, size_t len);
uint64_t zd_sweep_seed(uint64_t sweep_seed, const char *board,
		       const char *program, const char *key);

/* Run `w` on `sim` under action `a` from temperature temp_mc (every zone
 * that holds CPUs; the others at ambient) and fill the outcome fields of
 * `r`: action, nclusters, cpus, makespan, energy, power, throttling and
 * per-zone temperatures. */
int zd_sweep_sim_point(struct zd_sim *sim, const struct zd_action_space *s,
		       const struct zd_sim_workload *w,
		       const struct zd_action *a, int temp_mc,
		       struct zd_run_record *r, struct zd_err *err);

/* Hex FNV-1a-64 of a file's bytes (of several files' bytes in order),
 * prefixed "fnv1a64:". */
#define ZD_SWEEP_HASH_LEN 32
int zd_sweep_hash_files(const char *const *paths, int npaths, char *out,
			size_t len, struct zd_err *err);

/* The key of a point of a real board's sweep: "a=ACTION;t=asis". */
int zd_sweep_key_asis(const struct zd_action_space *s,
		      const struct zd_action *a, char *buf, size_t len);

/* Measure `workload` under action `a` on a real board and fill the
 * outcome fields of `r` (as zd_sweep_sim_point does). 0, an error, or
 * ZD_SWEEP_INTERRUPTED: a signal stopped the run, which is not stored. */
typedef int (*zd_sweep_measure_fn)(void *ctx, const char *workload,
				   const struct zd_action *a,
				   struct zd_run_record *r, struct zd_err *err);

/* What a sweep is asked to do. Its strings must outlive the sweep. */
struct zd_sweep_progress;
typedef void (*zd_sweep_progress_fn)(void *ctx,
				     const struct zd_sweep_progress *p);

struct zd_sweep_opts {
	const char *board;
	const char *const *workloads; /* names; NULL: every workload */
	int nworkloads;
	int levels; /* grid (zd_sweep_parse_grid) */
	struct zd_sweep_temp temps[ZD_SWEEP_MAX_TEMPS];
	int ntemps; /* 0: ambient and mid */
	uint64_t seed;
	double noise; /* zd_sim_set_noise */
	int batch;    /* runs per transaction; 0: default */
	const char *platform_dir, *workload_dir;
	/* checked between runs: non-zero stops the sweep after committing */
	const volatile sig_atomic_t *stop;
	zd_sweep_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	/* A real board: runs are measured by `measure` and stored with
	 * `backend` (temps, seed and noise unused; one point per action,
	 * keyed by zd_sweep_key_asis). NULL: the simulator, backend "sim". */
	zd_sweep_measure_fn measure;
	void *measure_ctx;
	const char *backend;
};

/* Counts of one process's sweep so far. */
struct zd_sweep_stats {
	long added;   /* runs made and committed */
	long skipped; /* points already in the store */
	int workloads_done;
};

struct zd_sweep_progress {
	const char *board, *workload;
	long done, total; /* points of this sweep (all its workloads) */
	const struct zd_sweep_stats *stats;
	bool workload_done; /* called at the end of `workload` */
};

struct zd_sweep;

/* Load and check everything the sweep needs (board, action space, grid,
 * temperatures, workloads and their profiles) before any run: an unknown
 * board or workload, a workload without a profile for the board or a bad
 * temperature is a usage error naming it. */
int zd_sweep_new(const struct zd_sweep_opts *o, struct zd_sweep **out,
		 struct zd_err *err);
void zd_sweep_free(struct zd_sweep *sw);

int zd_sweep_nworkloads(const struct zd_sweep *sw);
const char *zd_sweep_workload_name(const struct zd_sweep *sw, int i);
/* Points per workload (grid actions x temperatures). */
long zd_sweep_points_per_workload(const struct zd_sweep *sw);
const char *zd_sweep_board_name(const struct zd_sweep *sw);

/* Put the board (name, hash of its file) in the store. */
int zd_sweep_put_board(struct zd_sweep *sw, struct zd_store *st,
		       struct zd_err *err);
/* Sweep workload i: put the program (source hash, code features), then
 * run and store every point not yet stored. 0, ZD_SWEEP_INTERRUPTED or an
 * error (the open batch rolled back). */
int zd_sweep_workload(struct zd_sweep *sw, struct zd_store *st, int i,
		      struct zd_sweep_stats *stats, struct zd_err *err);
/* The board and every workload, in order. */
int zd_sweep_run(struct zd_sweep *sw, struct zd_store *st,
		 struct zd_sweep_stats *stats, struct zd_err *err);

#endif
