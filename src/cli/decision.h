/* decision.h - what `zdvfs run` and `zdvfs decide` share: a program's
 * features, remembering the program and board in the store, opening the
 * engine, and showing a decision and an outcome in the board's terms. */
#ifndef ZDVFS_CLI_DECISION_H
#define ZDVFS_CLI_DECISION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "zdvfs/action.h"
#include "zdvfs/board.h"
#include "zdvfs/engine.h"
#include "zdvfs/err.h"
#include "zdvfs/features.h"
#include "zdvfs/model.h"
#include "zdvfs/store.h"
#include "sources.h"

/* A program as the engine and the store know it. */
struct cli_program {
	char name[64];
	char source_hash[32]; /* "" when its features came from the store */
	struct zd_features *features;     /* NULL: none known */
	char options_from[PATH_MAX + 64]; /* the sources' compiler options
					   * came from ("" from the store) */
};

/* The program's features from its sources (cached by zd_features_analyze;
 * options as cli_source_plan resolves them; `so` NULL: none given), or
 * else the ones the store holds for `name`. With neither, features stays
 * NULL. A parse with errors is said on stderr as command `cmd`'s warning,
 * or with --strict is an error (cli_source_check). */
int cli_program_load(struct cli_program *p, const char *name,
		     const char *const *sources, int nsources,
		     const struct cli_source_opts *so, struct zd_store *store,
		     const char *cmd, struct zd_err *err);
/* The "source" object of a decision: files, where their options came
 * from, parse errors, the confidence they leave (cli_source_json); null
 * when the features came from the store. */
json_t *cli_program_source_json(const struct cli_program *p);
void cli_program_free(struct cli_program *p);
/* The default program name: the file name of `path` without directory
 * and without its C or C++ source ending (zd_features_source_ending). */
void cli_program_name(const char *path, char *out, size_t len);

/* Put the board, and the program with the features of its sources (not
 * ones that came from the store), in the store, so that runs of them may
 * be added. */
int cli_remember(struct zd_store *s, const struct zd_board *b,
		 const struct cli_program *p, struct zd_err *err);

/* Open the engine for `b` (kept by pointer) over `store` (NULL: runs are
 * neither recalled nor stored). */
struct cli_engine_opts {
	const char *model_path; /* NULL: the default */
	double guard_c;         /* 0: the board's */
	uint64_t seed;
	int zero_shot_steps; /* 0: the engine's default */
	bool no_explore;     /* --explore never: the best predicted only */
	/* The qlearn baseline: no model, exploring, its own agents file
	 * (agents-qlearn-BOARD.json beside the model, so that it never
	 * overwrites zerodvfs's), its runs stored as policy "qlearn". */
	bool qlearn;
};
int cli_engine_open(const struct zd_board *b, struct zd_store *store,
		    const struct cli_engine_opts *o, struct zd_engine **out,
		    struct zd_err *err);
/* Where the engine keeps a board's agents: agents-BOARD.json (zerodvfs)
 * or agents-qlearn-BOARD.json beside the model (model_path NULL: the
 * default model). */
int cli_agents_path(const struct zd_board *b, const char *model_path,
		    bool qlearn, char *out, size_t len, struct zd_err *err);

/* The id of the newest run of program on board from backend; 0 if none. */
int cli_newest_run(struct zd_store *s, const char *board, const char *program,
		   const char *backend, int64_t *id, struct zd_err *err);

/* {"action": "denver=2@11,a57=3@5", "cpus": "1-5", "clusters": [{"name",
 * "cores", "level", "mhz"}]}: a decision in the board's terms (khz per
 * cluster). */
json_t *cli_action_json(const struct zd_action_space *s,
			const struct zd_action *a, const struct zd_decision *d);
/* {"makespan_s", "energy_j", "avg_power_w", "hottest_c", "zones": [{"name",
 * "peak_c", "final_c"}]}; energy and power null when `has_energy` is false. */
json_t *cli_outcome_json(const struct zd_board *b, const struct zd_outcome *o,
			 bool has_energy);
/* The engine's decision: the action, prediction, zero-shot and latency. */
json_t *cli_engine_decision_json(const struct zd_action_space *s,
				 const struct zd_board *b,
				 const struct zd_engine_decision *d);

/* "denver=2@11,a57=3@5 on cpus 1-5 (denver 2035 MHz, a57 1114 MHz)" */
void cli_print_action(FILE *out, json_t *action);
/* "zero-shot (no run of it known), 150 synthetic steps, 41 µs" for an
 * engine's decision (cli_engine_decision_json), or its "why" (a
 * governor's summary). */
void cli_print_why(FILE *out, json_t *decision);
/* "makespan 1.234 s, energy 5.6 J, power 4.5 W, hottest 52.1 °C" with, when
 * `predicted` is given, each figure's prediction beside it. */
void cli_print_outcome(FILE *out, json_t *outcome, json_t *predicted);

#endif
