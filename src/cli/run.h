/* run.h - `zdvfs run` in three files: run.c (options, a real Linux
 * board), run_sim.c (a simulated board) and run_ctx.c (what both do the
 * same way: decide by a learned policy or a governor, store, learn). */
#ifndef ZDVFS_CLI_RUN_H
#define ZDVFS_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "decision.h"
#include "zdvfs/boardmap.h"
#include "zdvfs/learned.h"
#include "zdvfs/platform.h"
#include "zdvfs/policy.h"

struct run_opts {
	const char *board;    /* NAME, or sim:NAME for the simulator */
	const char *workload; /* simulator only */
	const char *profile;  /* simulator: a profile file, not a workload */
	const char **sources;
	int nsources;
	struct cli_source_opts src; /* -I/-D/-U, --compile-commands, --strict */
	const char *program;
	const char *policy; /* zerodvfs, qlearn, table or a governor */
	const char *db, *model, *root, *output;
	const char *platform_dir, *workload_dir;
	double guard_c;
	bool no_learn, json;
	bool yes_sweep;  /* table on a real board: run every decision */
	bool no_explore; /* --explore never */
	int runs, interval_ms;
	uint64_t seed;
	char **argv; /* the program to run (real board) */
};

/* How the table (and qlearn, for its references, on the simulator)
 * measures a decision apart from the runs `zdvfs run` reports: the board's
 * terms (CPUs, kHz per cluster). */
typedef int (*run_measure_fn)(void *ctx, const struct zd_decision *board_dec,
			      struct zd_outcome *o, struct zd_err *err);

/* What a run works with, on either kind of machine. */
struct run_ctx {
	const struct run_opts *o;
	const struct zd_board *board; /* NULL: unknown (governors only) */
	struct zd_board_map map;      /* valid with a board */
	bool board_fits;              /* the machine is that board */
	struct zd_action_space space; /* valid with a board */
	const struct zd_platform_info *info;   /* the machine */
	struct zd_cpuset usable;               /* CPUs a program may be given */
	struct zd_store *store;                /* NULL: nothing is stored */
	struct zd_engine *engine;              /* zerodvfs, qlearn */
	struct zd_policy *learned;             /* zerodvfs, qlearn, table */
	struct zd_policy_program learned_prog; /* what `learned` decides for */
	struct cli_program prog;
	const char *backend; /* "linux" or "sim" */
	/* Set before run_ctx_open where the policy needs it (table; qlearn
	 * on the simulator); NULL: measuring apart is not possible. */
	run_measure_fn measure;
	void *measure_ctx;
};

/* One decision, by a learned policy or a governor. */
struct run_choice {
	bool by_learned;              /* zerodvfs, qlearn or table */
	bool by_engine;               /* zerodvfs or qlearn: learn from it */
	struct zd_engine_decision ed; /* by_engine: the engine's answer */
	struct zd_policy *governor;   /* otherwise: the governor (owned) */
	bool reactive;                /* the governor moves frequencies */
	struct zd_decision machine;   /* CPUs, kHz per machine domain */
	bool has_action;              /* it is an action of the board */
	struct zd_action action;
	struct zd_decision board_dec; /* kHz per cluster, with has_action */
};

/* zerodvfs, qlearn and table: they need a board and decide once. */
bool run_is_learned(const struct run_opts *o);
/* The thermal limit no table decision may exceed: --guard, else the
 * board's lowest CPU throttle point minus 5 °C (as the engine's guard). */
double run_limit_c(const struct zd_board *b, double guard_c);

/* Decide for the next run; start_mc per board zone (NULL: ambient). */
int run_choose(struct run_ctx *ctx, const int *start_mc, struct run_choice *ch,
	       struct zd_err *err);
void run_choice_free(struct run_choice *ch);
/* "  table: swept N decisions, M s of runs — ..." for a table's decision
 * (run_choice_json); nothing for the others. */
void run_print_table(FILE *out, json_t *decision, bool simulated);
/* {"policy", "action", "cpus", "clusters", "zero_shot", ...}. */
json_t *run_choice_json(const struct run_ctx *ctx, const struct run_choice *ch);

/* Store the run (and learn from it, unless --no-learn or no engine
 * decided); *run_id is the stored run's. */
int run_record(struct run_ctx *ctx, const struct run_choice *ch, uint64_t seed,
	       const int *start_mc, const struct zd_outcome *measured,
	       int64_t *run_id, bool *learnt, struct zd_err *err);

/* A run of decision `a` on `cpus` that no policy decision of this run
 * made (a real table sweep's), stored as policy `policy`. */
int run_store(struct run_ctx *ctx, const char *policy,
	      const struct zd_action *a, const struct zd_cpuset *cpus,
	      uint64_t seed, const int *start_mc, const struct zd_outcome *m,
	      int64_t *run_id, struct zd_err *err);
/* The action a decision in the board's terms is, if it is one. */
bool run_action_of(const struct zd_action_space *s,
		   const struct zd_decision *board_dec, struct zd_action *a);

/* With ctx->o, board, info, backend (and measure) set: the CPUs a program
 * may get, the map and action space of the board, the program `name` and
 * its features (from `sources` with the options `so` resolves, else the
 * store's),
 * the store (with a board) and a learned policy with what it needs (the
 * engine; qlearn's references; the table's way to measure). On failure
 * the caller still calls run_ctx_close. */
int run_ctx_open(struct run_ctx *ctx, const char *name,
		 const char *const *sources, int nsources,
		 const struct cli_source_opts *so, struct zd_err *err);
void run_ctx_close(struct run_ctx *ctx);

int run_sim(const struct run_opts *o);

/* A real board to measure decisions on, as the table's sweep does. */
struct run_real_target {
	struct zd_platform *p;
	const struct zd_board *board;
	const struct zd_board_map *map; /* board to machine */
	const struct zd_action_space *space;
	char **argv;         /* the program, run per decision */
	int interval_ms;     /* sampling period */
	const char *sweeper; /* who asks, for messages */
};

/* Measure one decision in the board's terms with `zdvfs run`'s machinery:
 * apply it (CPUs, a fixed frequency per cluster), run argv under it,
 * measure, restore everything (run.c). start_mc gets every board zone's
 * temperature before the run. Anything less than a run that succeeded with
 * the frequencies set and energy and every zone measured is an error
 * naming what was missing; zd_signals_pending says if a signal stopped it.
 * Call zd_signals_install first. */
int run_measure_real(const struct run_real_target *t,
		     const struct zd_decision *board_dec, int *start_mc,
		     struct zd_outcome *o, struct zd_err *err);
/* The outcome fields of a run record from a measured outcome. */
void run_outcome_record(struct zd_run_record *r, const int *start_mc,
			const struct zd_outcome *m);

#endif
