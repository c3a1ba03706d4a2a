/* store.h - samples in SQLite: programs (name, source hash, code features),
 * boards, and runs (the decision, starting temperatures, outcomes, per-zone
 * temperatures, the backend that produced it and when). The profiling
 * sweep, `zdvfs run` and the model all read and write through this.
 *
 * The database is in WAL mode (a killed writer loses at most its open
 * transaction, readers never block the writer), its schema is versioned
 * and upgraded in place on open, and every write of several rows is one
 * transaction. Default location: $ZDVFS_DATA_DIR/zdvfs.db, else
 * $XDG_DATA_HOME/zdvfs/zdvfs.db, else ~/.local/share/zdvfs/zdvfs.db. */
#ifndef ZDVFS_STORE_H
#define ZDVFS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdvfs/action.h"
#include "zdvfs/err.h"
#include "zdvfs/types.h"

#define ZD_STORE_SCHEMA_VERSION 3

struct zd_store;

/* One run of a program on a board. */
struct zd_run_record {
	int64_t id; /* set by the store */
	char program[64];
	char board[64];
	char backend[8];     /* "sim" or "linux" */
	char policy[32];     /* "sweep", "zerodvfs", "ondemand", ... */
	char sweep_key[128]; /* profiling sweep point; "" otherwise */
	struct zd_action action;
	int nclusters;  /* clusters in action */
	char cpus[64];  /* the CPUs used, "1-2,4" */
	uint64_t seed;  /* sim noise seed; 0 on a real board */
	double created; /* Unix time, set by the store if 0 */
	double makespan_s;
	double energy_j;
	double avg_power_w;
	double throttled_s;
	double cpu_energy_j; /* the CPU rail's; 0 when not measured */
	int nzones;
	int start_mc[ZD_MAX_ZONES]; /* zone temperatures at the start */
	int peak_mc[ZD_MAX_ZONES];
	int final_mc[ZD_MAX_ZONES];
};

/* What to read back; NULL fields match everything. */
struct zd_run_query {
	const char *board;
	const char *program;
	const char *exclude_program; /* leave-one-program-out */
	const char *backend;
	const char *policy;
};

/* Called once per matching run, in id order; non-zero stops the walk and
 * is returned. */
typedef int (*zd_run_fn)(void *ctx, const struct zd_run_record *r);

/* The default database path (see above), creating its directory (0700). */
int zd_store_default_path(char *buf, size_t len, struct zd_err *err);

/* Open (creating if missing; path NULL = default) and upgrade the schema.
 * A file that is not a zdvfs database, or one from a newer zdvfs, is a
 * usage error naming the file. */
int zd_store_open(const char *path, struct zd_store **out, struct zd_err *err);
void zd_store_close(struct zd_store *s);
const char *zd_store_path(const struct zd_store *s);
int zd_store_schema_version(const struct zd_store *s);

/* Group writes into one transaction (nesting is an error). */
int zd_store_begin(struct zd_store *s, struct zd_err *err);
int zd_store_commit(struct zd_store *s, struct zd_err *err);
void zd_store_rollback(struct zd_store *s);

/* Programs: insert or replace by name. features_json is
 * zd_features_json() as text. */
int zd_store_put_program(struct zd_store *s, const char *name,
			 const char *source_hash, const char *features_json,
			 struct zd_err *err);
/* *features_json and *source_hash are malloc'd (free them); a missing
 * program gives ZD_STORE_NOT_FOUND with no error set. */
#define ZD_STORE_NOT_FOUND 3
int zd_store_get_program(struct zd_store *s, const char *name,
			 char **source_hash, char **features_json,
			 struct zd_err *err);
/* Names of the programs that have runs matching q (sorted; free with
 * zd_store_names_free). */
int zd_store_programs(struct zd_store *s, const struct zd_run_query *q,
		      char ***names, int *count, struct zd_err *err);
void zd_store_names_free(char **names, int count);

/* Boards: name and the hash of the description the runs were made with. */
int zd_store_put_board(struct zd_store *s, const char *name,
		       const char *description_hash, struct zd_err *err);

/* Runs. The program and board must have been put before. */
int zd_store_add_run(struct zd_store *s, struct zd_run_record *r,
		     struct zd_err *err);
/* Whether a run with this board, program, backend and sweep key exists
 * (resuming a sweep). */
int zd_store_has_sweep_point(struct zd_store *s, const char *board,
			     const char *program, const char *backend,
			     const char *sweep_key, bool *found,
			     struct zd_err *err);
int zd_store_count_runs(struct zd_store *s, const struct zd_run_query *q,
			long *count, struct zd_err *err);
int zd_store_foreach_run(struct zd_store *s, const struct zd_run_query *q,
			 zd_run_fn fn, void *ctx, struct zd_err *err);

#endif
