/* store.c - the sample store in SQLite: an ordered list of schema
 * migrations applied on open, WAL so readers and a writer share the file,
 * prepared statements cached per store, and one error path that names the
 * database and SQLite's reason. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "store_internal.h"
#include "zdvfs/store.h"

#define STORE_APPLICATION "zdvfs"
/* A program or board name must fit the run record's field. */
#define RUN_FIELD_SIZE(field) sizeof(((struct zd_run_record *)NULL)->field)
/* A second process writing waits this long for the lock instead of
 * failing with "database is locked". */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Migration N brings the schema from version N-1 to N. One that has
 * shipped is never edited: a change is a new migration at the end. */
static const char *const migrations[] = {
    /* 1: programs, boards, runs and their zone temperatures */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('application', '" STORE_APPLICATION
    "');"
    "CREATE TABLE programs (id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE, source_hash TEXT NOT NULL,"
    " features_json TEXT NOT NULL, updated REAL NOT NULL);"
    "CREATE TABLE boards (id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE, description_hash TEXT NOT NULL,"
    " updated REAL NOT NULL);"
    /* action: cores per cluster, '|', levels per cluster: "2,3|11,5" */
    "CREATE TABLE runs (id INTEGER PRIMARY KEY,"
    " program_id INTEGER NOT NULL REFERENCES programs (id),"
    " board_id INTEGER NOT NULL REFERENCES boards (id),"
    " backend TEXT NOT NULL, policy TEXT NOT NULL,"
    " nclusters INTEGER NOT NULL, action TEXT NOT NULL, cpus TEXT NOT NULL,"
    " seed INTEGER NOT NULL, created REAL NOT NULL,"
    " makespan_s REAL NOT NULL, energy_j REAL NOT NULL,"
    " avg_power_w REAL NOT NULL, nzones INTEGER NOT NULL);"
    "CREATE TABLE run_zones ("
    " run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
    " zone INTEGER NOT NULL, start_mc INTEGER NOT NULL,"
    " peak_mc INTEGER NOT NULL, final_mc INTEGER NOT NULL,"
    " PRIMARY KEY (run_id, zone)) WITHOUT ROWID;"
    "CREATE INDEX runs_by_board ON runs (board_id, program_id);"
    "CREATE INDEX runs_by_program ON runs (program_id);",
    /* 2: resumable sweeps (one run per sweep point) and throttling time */
    "ALTER TABLE runs ADD COLUMN sweep_key TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN throttled_s REAL NOT NULL DEFAULT 0;"
    "CREATE UNIQUE INDEX runs_sweep_point"
    " ON runs (board_id, program_id, backend, sweep_key)"
    " WHERE sweep_key <> '';",
    /* 3: the CPU rail's energy beside the board's (NULL: not measured) */
    "ALTER TABLE runs ADD COLUMN cpu_energy_j REAL;",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
		   ZD_STORE_SCHEMA_VERSION,
	       "one migration per schema version");

/* The statements every store uses, prepared on first use. */
enum stmt_id {
	ST_PUT_PROGRAM,
	ST_GET_PROGRAM,
	ST_PUT_BOARD,
	ST_PROGRAM_ID,
	ST_BOARD_ID,
	ST_ADD_RUN,
	ST_ADD_ZONE,
	ST_RUN_ZONES,
	ST_HAS_SWEEP_POINT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_PUT_PROGRAM] =
	"INSERT INTO programs (name, source_hash, features_json, updated)"
	" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET"
	" source_hash = excluded.source_hash,"
	" features_json = excluded.features_json,"
	" updated = excluded.updated",
    [ST_GET_PROGRAM] =
	"SELECT source_hash, features_json FROM programs WHERE name = ?1",
    [ST_PUT_BOARD] = "INSERT INTO boards (name, description_hash, updated)"
		     " VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET"
		     " description_hash = excluded.description_hash,"
		     " updated = excluded.updated",
    [ST_PROGRAM_ID] = "SELECT id FROM programs WHERE name = ?1",
    [ST_BOARD_ID] = "SELECT id FROM boards WHERE name = ?1",
    [ST_ADD_RUN] =
	"INSERT INTO runs (program_id, board_id, backend, policy,"
	" sweep_key, nclusters, action, cpus, seed, created, makespan_s,"
	" energy_j, avg_power_w, throttled_s, nzones, cpu_energy_j)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	" ?14, ?15, ?16)",
    [ST_ADD_ZONE] =
	"INSERT INTO run_zones (run_id, zone, start_mc, peak_mc, final_mc)"
	" VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_RUN_ZONES] = "SELECT zone, start_mc, peak_mc, final_mc FROM run_zones"
		     " WHERE run_id = ?1 ORDER BY zone",
    /* sweep_key <> '' lets SQLite use the partial unique index */
    [ST_HAS_SWEEP_POINT] =
	"SELECT 1 FROM runs r JOIN boards b ON b.id = r.board_id"
	" JOIN programs p ON p.id = r.program_id WHERE b.name = ?1"
	" AND p.name = ?2 AND r.backend = ?3 AND r.sweep_key = ?4"
	" AND r.sweep_key <> '' LIMIT 1",
};

/* Queries over runs come in three kinds, each with any subset of the five
 * filters of struct zd_run_query: one cached statement per combination. */
enum query_kind { Q_COUNT, Q_RUNS, Q_PROGRAMS, Q_KINDS };
#define Q_FILTERS 5

static const char *const query_select[Q_KINDS] = {
    [Q_COUNT] = "SELECT count(*)",
    [Q_RUNS] = "SELECT r.id, p.name, b.name, r.backend, r.policy,"
	       " r.sweep_key, r.nclusters, r.action, r.cpus, r.seed,"
	       " r.created, r.makespan_s, r.energy_j, r.avg_power_w,"
	       " r.throttled_s, r.nzones, r.cpu_energy_j",
    [Q_PROGRAMS] = "SELECT DISTINCT p.name",
};
/* Columns of a Q_RUNS row, in the order above. */
enum run_column {
	RC_ID,
	RC_PROGRAM,
	RC_BOARD,
	RC_BACKEND,
	RC_POLICY,
	RC_SWEEP_KEY,
	RC_NCLUSTERS,
	RC_ACTION,
	RC_CPUS,
	RC_SEED,
	RC_CREATED,
	RC_MAKESPAN,
	RC_ENERGY,
	RC_AVG_POWER,
	RC_THROTTLED,
	RC_NZONES,
	RC_CPU_ENERGY
};
static const char *const query_order[Q_KINDS] = {
    [Q_COUNT] = "",
    [Q_RUNS] = " ORDER BY r.id",
    [Q_PROGRAMS] = " ORDER BY p.name",
};
/* Filter i binds parameter ?(i+1). */
static const char *const query_filter[Q_FILTERS] = {
    "b.name = ?1",    "p.name = ?2",   "p.name <> ?3",
    "r.backend = ?4", "r.policy = ?5",
};

struct zd_store {
	sqlite3 *db;
	char path[4096];
	int schema;
	bool in_transaction;
	sqlite3_stmt *stmt[ST_COUNT];
	sqlite3_stmt *query[Q_KINDS][1 << Q_FILTERS];
};

/* ---- errors ------------------------------------------------------------ */

/* The system's reason behind an SQLite I/O error, 0 if there is none. */
static int system_errno(sqlite3 *db, int code)
{
	int primary = code & 0xff;
	if (primary != SQLITE_CANTOPEN && primary != SQLITE_IOERR)
		return 0;
	return sqlite3_system_errno(db);
}

static int sqlite_errno(sqlite3 *db, int code)
{
	int sys = system_errno(db, code);
	if (sys != 0)
		return sys;
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return EBUSY;
	case SQLITE_NOMEM: return ENOMEM;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH: return EACCES;
	case SQLITE_FULL: return ENOSPC;
	default: return EIO;
	}
}

/* The database said no: name the file, what was being done and why. */
static int db_fail(const struct zd_store *s, const char *doing,
		   struct zd_err *err)
{
	int code = sqlite3_extended_errcode(s->db);
	int sys = system_errno(s->db, code);
	return zd_fail(err, sqlite_errno(s->db, code), "%s: %s: %s%s%s%s",
		       s->path, doing, sqlite3_errmsg(s->db), sys ? " (" : "",
		       sys ? strerror(sys) : "", sys ? ")" : "");
}

static int damaged(const struct zd_store *s, long long run_id, const char *what,
		   struct zd_err *err)
{
	return zd_fail(err, EIO, "%s: run %lld is damaged: %s", s->path, run_id,
		       what);
}

static int not_ours(const struct zd_store *s, const char *why,
		    struct zd_err *err)
{
	return zd_bad_input(err, "%s: not a zdvfs database (%s)", s->path, why);
}

static int newer_schema(const struct zd_store *s, long long version,
			struct zd_err *err)
{
	return zd_bad_input(err,
			    "%s: written by a newer zdvfs (schema %lld, this "
			    "one knows up to %d)",
			    s->path, version, ZD_STORE_SCHEMA_VERSION);
}

/* ---- small SQLite helpers ---------------------------------------------- */

static int db_exec(struct zd_store *s, const char *sql, const char *doing,
		   struct zd_err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, doing, err);
	return 0;
}

/* One integer from `sql` (0 if it yields no row); the SQLite result code,
 * with the reason left in sqlite3_errmsg. */
static int sql_int(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	*out = 0;
	int code = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (code == SQLITE_OK) {
		code = sqlite3_step(st);
		if (code == SQLITE_ROW)
			*out = sqlite3_column_int64(st, 0);
		if (code == SQLITE_ROW || code == SQLITE_DONE)
			code = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return code;
}

static int stmt_get(struct zd_store *s, enum stmt_id id, sqlite3_stmt **out,
		    struct zd_err *err)
{
	if (s->stmt[id] == NULL &&
	    sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
			       SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
			       NULL) != SQLITE_OK)
		return db_fail(s, "preparing a statement", err);
	*out = s->stmt[id];
	return 0;
}

/* Ready a cached statement for its next use. */
static void stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int bind_text(sqlite3_stmt *st, int i, const char *text)
{
	return sqlite3_bind_text(st, i, text != NULL ? text : "", -1,
				 SQLITE_STATIC);
}

static void column_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *text = sqlite3_column_text(st, col);
	snprintf(buf, len, "%s", text != NULL ? (const char *)text : "");
}

static double now_unix(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* SQLite rolls a transaction back by itself after some errors (disk full,
 * I/O); what the caller began is then gone and must not be continued. */
static int check_transaction(struct zd_store *s, struct zd_err *err)
{
	if (s->in_transaction && sqlite3_get_autocommit(s->db))
		return zd_fail(err, EIO,
			       "%s: the transaction was rolled back after an "
			       "earlier error; roll back and start again",
			       s->path);
	return 0;
}

/* ---- default path -------------------------------------------------------- */

/* mkdir -p with 0700 for every directory it creates. */
static int make_private_dirs(const char *dir, struct zd_err *err)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return zd_fail(err, errno,
				       "cannot create data directory %s: %s",
				       buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return zd_fail(err, errno,
			       "cannot create data directory %s: %s", buf,
			       strerror(errno));
	struct stat st;
	if (stat(buf, &st) != 0)
		return zd_fail(err, errno, "data directory %s: %s", buf,
			       strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return zd_fail(err, ENOTDIR,
			       "data directory %s is not a directory", buf);
	return 0;
}

int zd_store_default_path(char *buf, size_t len, struct zd_err *err)
{
	char dir[4096];
	const char *env;
	int n;
	if ((env = getenv("ZDVFS_DATA_DIR")) != NULL && env[0] != '\0')
		n = snprintf(dir, sizeof(dir), "%s", env);
	else if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/zdvfs", env);
	else if ((env = getenv("HOME")) != NULL && env[0] != '\0')
		n = snprintf(dir, sizeof(dir), "%s/.local/share/zdvfs", env);
	else
		return zd_bad_input(err,
				    "no place for the sample store: set "
				    "ZDVFS_DATA_DIR or HOME");
	if (n < 0 || (size_t)n >= sizeof(dir))
		return zd_fail(err, ENAMETOOLONG,
			       "data directory path too long: %.200s...", env);
	int rc = make_private_dirs(dir, err);
	if (rc != 0)
		return rc;
	n = snprintf(buf, len, "%s/zdvfs.db", dir);
	if (n < 0 || (size_t)n >= len)
		return zd_fail(err, ENAMETOOLONG,
			       "sample store path too long: %.200s...", dir);
	return 0;
}

/* ---- open, identity and migrations --------------------------------------- */

/* What the file holds before anything is written to it: 0 for an empty
 * (new) database, else its schema version. A foreign file or one from a
 * newer zdvfs is refused untouched. */
static int read_identity(struct zd_store *s, long long *version,
			 struct zd_err *err)
{
	long long tables = 0, has_meta = 0, marked = 0;
	int code =
	    sql_int(s->db, "SELECT count(*) FROM sqlite_master", &tables);
	if (code == SQLITE_NOTADB)
		return not_ours(s, "not an SQLite file", err);
	if (code == SQLITE_OK)
		code = sql_int(s->db, "PRAGMA user_version", version);
	if (code == SQLITE_OK && tables == 0 && *version == 0)
		return 0;
	if (code == SQLITE_OK)
		code = sql_int(s->db,
			       "SELECT count(*) FROM sqlite_master WHERE "
			       "type = 'table' AND name = 'meta'",
			       &has_meta);
	if (code == SQLITE_OK && has_meta)
		code =
		    sql_int(s->db,
			    "SELECT count(*) FROM meta WHERE key = "
			    "'application' AND value = '" STORE_APPLICATION "'",
			    &marked);
	if (code != SQLITE_OK)
		return db_fail(s, "reading the schema", err);
	if (!marked)
		return not_ours(
		    s, "an SQLite database without the zdvfs marker", err);
	if (*version > ZD_STORE_SCHEMA_VERSION)
		return newer_schema(s, *version, err);
	if (*version < 1)
		return zd_fail(err, EIO, "%s: damaged: schema version %lld",
			       s->path, *version);
	return 0;
}

static int set_pragmas(struct zd_store *s, struct zd_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = db_fail(s, "switching to WAL mode", err);
	else if (sqlite3_stricmp((const char *)sqlite3_column_text(st, 0),
				 "wal") != 0)
		rc = zd_fail(err, EIO, "%s: cannot switch to WAL mode (got %s)",
			     s->path, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc == 0)
		rc = db_exec(s, "PRAGMA synchronous = NORMAL",
			     "setting synchronous", err);
	if (rc == 0)
		rc = db_exec(s, "PRAGMA foreign_keys = ON",
			     "enabling foreign keys", err);
	return rc;
}

static int apply_migration(struct zd_store *s, int version, struct zd_err *err)
{
	int rc =
	    db_exec(s, migrations[version - 1], "upgrading the schema", err);
	if (rc != 0)
		return rc;
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "PRAGMA user_version = %d; INSERT OR REPLACE INTO meta (key, "
		 "value) VALUES ('schema_version', '%d')",
		 version, version);
	return db_exec(s, sql, "upgrading the schema", err);
}

/* Bring the schema up to `target` in one transaction. Another process may
 * have done it meanwhile, so the version is read again under the lock. */
static int migrate(struct zd_store *s, int target, struct zd_err *err)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "upgrading the schema", err);
	if (rc != 0)
		return rc;
	long long current = 0;
	if (sql_int(s->db, "PRAGMA user_version", &current) != SQLITE_OK)
		rc = db_fail(s, "reading the schema version", err);
	else if (current > ZD_STORE_SCHEMA_VERSION)
		rc = newer_schema(s, current, err);
	for (int v = (int)current + 1; rc == 0 && v <= target; v++)
		rc = apply_migration(s, v, err);
	if (rc == 0)
		rc = db_exec(s, "COMMIT", "upgrading the schema", err);
	if (rc != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	s->schema = current > target ? (int)current : target;
	return 0;
}

static int store_setup(struct zd_store *s, int target, struct zd_err *err)
{
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	long long version = 0;
	int rc = read_identity(s, &version, err);
	if (rc == 0)
		rc = set_pragmas(s, err);
	if (rc != 0)
		return rc;
	if (version >= target) {
		s->schema = (int)version;
		return 0;
	}
	return migrate(s, target, err);
}

static int store_open_at(const char *path, int target, struct zd_store **out,
			 struct zd_err *err)
{
	*out = NULL;
	char default_path[4096];
	if (path == NULL) {
		int rc = zd_store_default_path(default_path,
					       sizeof(default_path), err);
		if (rc != 0)
			return rc;
		path = default_path;
	}
	struct zd_store *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	int n = snprintf(s->path, sizeof(s->path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(s->path)) {
		free(s);
		return zd_fail(err, ENAMETOOLONG,
			       "database path too long: %.200s...", path);
	}
	int rc = 0;
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK)
		rc = s->db != NULL
		    ? db_fail(s, "cannot open", err)
		    : zd_fail(err, ENOMEM, "%s: out of memory", path);
	if (rc == 0)
		rc = store_setup(s, target, err);
	if (rc != 0) {
		zd_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int zd_store_open(const char *path, struct zd_store **out, struct zd_err *err)
{
	return store_open_at(path, ZD_STORE_SCHEMA_VERSION, out, err);
}

int zd_store_create_at_version(const char *path, int version,
			       struct zd_err *err)
{
	if (version < 1 || version > ZD_STORE_SCHEMA_VERSION)
		return zd_bad_input(err, "no schema version %d", version);
	struct zd_store *s = NULL;
	int rc = store_open_at(path, version, &s, err);
	zd_store_close(s);
	return rc;
}

void zd_store_close(struct zd_store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int k = 0; k < Q_KINDS; k++)
		for (int m = 0; m < (1 << Q_FILTERS); m++)
			sqlite3_finalize(s->query[k][m]);
	/* an open transaction is rolled back */
	sqlite3_close_v2(s->db);
	free(s);
}

const char *zd_store_path(const struct zd_store *s)
{
	return s->path;
}

int zd_store_schema_version(const struct zd_store *s)
{
	return s->schema;
}

/* ---- transactions ---------------------------------------------------------- */

int zd_store_begin(struct zd_store *s, struct zd_err *err)
{
	if (s->in_transaction)
		return zd_fail(err, EBUSY,
			       "%s: a transaction is already open (they do not "
			       "nest)",
			       s->path);
	/* IMMEDIATE: take the write lock now, so a concurrent writer makes
	 * us wait (busy timeout) rather than fail halfway through. */
	int rc = db_exec(s, "BEGIN IMMEDIATE", "beginning a transaction", err);
	if (rc == 0)
		s->in_transaction = true;
	return rc;
}

int zd_store_commit(struct zd_store *s, struct zd_err *err)
{
	if (!s->in_transaction)
		return zd_fail(err, EINVAL, "%s: commit without a transaction",
			       s->path);
	int rc = check_transaction(s, err);
	if (rc == 0)
		rc = db_exec(s, "COMMIT", "committing", err);
	s->in_transaction = !sqlite3_get_autocommit(s->db);
	return rc;
}

void zd_store_rollback(struct zd_store *s)
{
	if (!s->in_transaction)
		return;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_transaction = false;
}

/* ---- programs and boards ------------------------------------------------- */

/* A name a run record can hold. */
static int check_name(const char *what, const char *name, size_t size,
		      struct zd_err *err)
{
	if (name == NULL || name[0] == '\0')
		return zd_bad_input(err, "%s name is empty", what);
	if (strlen(name) >= size)
		return zd_bad_input(err,
				    "%s name '%.80s...' is longer than %zu "
				    "characters",
				    what, name, size - 1);
	return 0;
}

int zd_store_put_program(struct zd_store *s, const char *name,
			 const char *source_hash, const char *features_json,
			 struct zd_err *err)
{
	int rc = check_name("program", name, RUN_FIELD_SIZE(program), err);
	if (rc == 0)
		rc = check_transaction(s, err);
	sqlite3_stmt *st = NULL;
	if (rc == 0)
		rc = stmt_get(s, ST_PUT_PROGRAM, &st, err);
	if (rc != 0)
		return rc;
	if (bind_text(st, 1, name) != SQLITE_OK ||
	    bind_text(st, 2, source_hash) != SQLITE_OK ||
	    bind_text(st, 3, features_json) != SQLITE_OK ||
	    sqlite3_bind_double(st, 4, now_unix()) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(s, "storing a program", err);
	stmt_done(st);
	return rc;
}

static char *column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *text = sqlite3_column_text(st, col);
	return strdup(text != NULL ? (const char *)text : "");
}

int zd_store_get_program(struct zd_store *s, const char *name,
			 char **source_hash, char **features_json,
			 struct zd_err *err)
{
	*source_hash = NULL;
	*features_json = NULL;
	if (name == NULL || name[0] == '\0')
		return zd_bad_input(err, "program name is empty");
	sqlite3_stmt *st = NULL;
	int rc = stmt_get(s, ST_GET_PROGRAM, &st, err);
	if (rc != 0)
		return rc;
	int step = SQLITE_ERROR;
	if (bind_text(st, 1, name) == SQLITE_OK)
		step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = ZD_STORE_NOT_FOUND;
	} else if (step != SQLITE_ROW) {
		rc = db_fail(s, "reading a program", err);
	} else {
		*source_hash = column_dup(st, 0);
		*features_json = column_dup(st, 1);
		if (*source_hash == NULL || *features_json == NULL) {
			free(*source_hash);
			free(*features_json);
			*source_hash = NULL;
			*features_json = NULL;
			rc = zd_fail(err, ENOMEM, "out of memory");
		}
	}
	stmt_done(st);
	return rc;
}

int zd_store_put_board(struct zd_store *s, const char *name,
		       const char *description_hash, struct zd_err *err)
{
	int rc = check_name("board", name, RUN_FIELD_SIZE(board), err);
	if (rc == 0)
		rc = check_transaction(s, err);
	sqlite3_stmt *st = NULL;
	if (rc == 0)
		rc = stmt_get(s, ST_PUT_BOARD, &st, err);
	if (rc != 0)
		return rc;
	if (bind_text(st, 1, name) != SQLITE_OK ||
	    bind_text(st, 2, description_hash) != SQLITE_OK ||
	    sqlite3_bind_double(st, 3, now_unix()) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(s, "storing a board", err);
	stmt_done(st);
	return rc;
}

/* ---- adding runs ----------------------------------------------------------- */

static int check_text(const char *field, const char *text, size_t size,
		      bool required, struct zd_err *err)
{
	if (strnlen(text, size) == size)
		return zd_bad_input(err, "run: %s is not a terminated string",
				    field);
	if (required && text[0] == '\0')
		return zd_bad_input(err, "run: %s is empty", field);
	return 0;
}

static int check_number(const char *field, double v, struct zd_err *err)
{
	/* SQLite would store NaN as NULL */
	if (!isfinite(v))
		return zd_bad_input(err, "run: %s is not a finite number",
				    field);
	return 0;
}

static int check_run(const struct zd_run_record *r, struct zd_err *err)
{
	int rc =
	    check_text("program", r->program, sizeof(r->program), true, err);
	if (rc == 0)
		rc = check_text("board", r->board, sizeof(r->board), true, err);
	if (rc == 0)
		rc = check_text("backend", r->backend, sizeof(r->backend), true,
				err);
	if (rc == 0)
		rc = check_text("policy", r->policy, sizeof(r->policy), true,
				err);
	if (rc == 0)
		rc = check_text("sweep_key", r->sweep_key, sizeof(r->sweep_key),
				false, err);
	if (rc == 0)
		rc = check_text("cpus", r->cpus, sizeof(r->cpus), false, err);
	if (rc == 0 && (r->nclusters < 0 || r->nclusters > ZD_MAX_CLUSTERS))
		rc = zd_bad_input(err, "run: nclusters %d is not in 0..%d",
				  r->nclusters, ZD_MAX_CLUSTERS);
	if (rc == 0 && (r->nzones < 0 || r->nzones > ZD_MAX_ZONES))
		rc = zd_bad_input(err, "run: nzones %d is not in 0..%d",
				  r->nzones, ZD_MAX_ZONES);
	if (rc == 0)
		rc = check_number("created", r->created, err);
	if (rc == 0)
		rc = check_number("makespan_s", r->makespan_s, err);
	if (rc == 0)
		rc = check_number("energy_j", r->energy_j, err);
	if (rc == 0)
		rc = check_number("avg_power_w", r->avg_power_w, err);
	if (rc == 0)
		rc = check_number("throttled_s", r->throttled_s, err);
	if (rc == 0 && r->cpu_energy_j != 0)
		rc = check_number("cpu_energy_j", r->cpu_energy_j, err);
	return rc;
}

/* "2,3|11,5": cores of each cluster, then their levels. At most
 * 2 * ZD_MAX_CLUSTERS numbers of 11 characters and their separators. */
static void format_action(const struct zd_run_record *r, char *buf, size_t len)
{
	size_t n = 0;
	for (int c = 0; c < r->nclusters; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", c ? "," : "",
				      r->action.cores[c]);
	n += (size_t)snprintf(buf + n, len - n, "|");
	for (int c = 0; c < r->nclusters; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", c ? "," : "",
				      r->action.level[c]);
}

/* n integers separated by ',' and followed by `end`; *p moves past it. */
static bool parse_list(const char **p, int *out, int n, char end)
{
	const char *q = *p;
	for (int i = 0; i < n; i++) {
		if (i > 0 && *q++ != ',')
			return false;
		char *e;
		errno = 0;
		long v = strtol(q, &e, 10);
		if (e == q || errno != 0 || v < INT_MIN || v > INT_MAX)
			return false;
		out[i] = (int)v;
		q = e;
	}
	if (*q != end)
		return false;
	*p = end != '\0' ? q + 1 : q;
	return true;
}

static bool parse_action(const char *text, struct zd_run_record *r)
{
	return text != NULL &&
	    parse_list(&text, r->action.cores, r->nclusters, '|') &&
	    parse_list(&text, r->action.level, r->nclusters, '\0');
}

static int lookup_id(struct zd_store *s, enum stmt_id id, const char *what,
		     const char *name, long long *out, struct zd_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt_get(s, id, &st, err);
	if (rc != 0)
		return rc;
	int step = SQLITE_ERROR;
	if (bind_text(st, 1, name) == SQLITE_OK)
		step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (step == SQLITE_DONE)
		rc = zd_bad_input(err,
				  "%s: the run names %s '%s', which is not in "
				  "the store (put it first)",
				  s->path, what, name);
	else
		rc = db_fail(s, "looking up a name", err);
	stmt_done(st);
	return rc;
}

static int insert_zones(struct zd_store *s, long long run_id,
			const struct zd_run_record *r, struct zd_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt_get(s, ST_ADD_ZONE, &st, err);
	for (int z = 0; rc == 0 && z < r->nzones; z++) {
		if (sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK ||
		    sqlite3_bind_int(st, 2, z) != SQLITE_OK ||
		    sqlite3_bind_int(st, 3, r->start_mc[z]) != SQLITE_OK ||
		    sqlite3_bind_int(st, 4, r->peak_mc[z]) != SQLITE_OK ||
		    sqlite3_bind_int(st, 5, r->final_mc[z]) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(s, "adding a run's zones", err);
		stmt_done(st);
	}
	return rc;
}

static int bind_run(sqlite3_stmt *st, const struct zd_run_record *r,
		    long long program_id, long long board_id, double created)
{
	char action[128];
	format_action(r, action, sizeof(action));
	/* the seed's 64 bits as SQLite's signed integer; read back the same */
	sqlite3_int64 seed = (sqlite3_int64)r->seed;
	int code = sqlite3_bind_int64(st, 1, program_id);
	if (code == SQLITE_OK)
		code = sqlite3_bind_int64(st, 2, board_id);
	if (code == SQLITE_OK)
		code = bind_text(st, 3, r->backend);
	if (code == SQLITE_OK)
		code = bind_text(st, 4, r->policy);
	if (code == SQLITE_OK)
		code = bind_text(st, 5, r->sweep_key);
	if (code == SQLITE_OK)
		code = sqlite3_bind_int(st, 6, r->nclusters);
	if (code == SQLITE_OK)
		code = sqlite3_bind_text(st, 7, action, -1, SQLITE_TRANSIENT);
	if (code == SQLITE_OK)
		code = bind_text(st, 8, r->cpus);
	if (code == SQLITE_OK)
		code = sqlite3_bind_int64(st, 9, seed);
	if (code == SQLITE_OK)
		code = sqlite3_bind_double(st, 10, created);
	if (code == SQLITE_OK)
		code = sqlite3_bind_double(st, 11, r->makespan_s);
	if (code == SQLITE_OK)
		code = sqlite3_bind_double(st, 12, r->energy_j);
	if (code == SQLITE_OK)
		code = sqlite3_bind_double(st, 13, r->avg_power_w);
	if (code == SQLITE_OK)
		code = sqlite3_bind_double(st, 14, r->throttled_s);
	if (code == SQLITE_OK)
		code = sqlite3_bind_int(st, 15, r->nzones);
	if (code == SQLITE_OK)
		code = r->cpu_energy_j > 0
		    ? sqlite3_bind_double(st, 16, r->cpu_energy_j)
		    : sqlite3_bind_null(st, 16);
	return code;
}

static int insert_run(struct zd_store *s, const struct zd_run_record *r,
		      double created, long long *id, struct zd_err *err)
{
	long long program_id = 0, board_id = 0;
	int rc = lookup_id(s, ST_PROGRAM_ID, "program", r->program, &program_id,
			   err);
	if (rc == 0)
		rc = lookup_id(s, ST_BOARD_ID, "board", r->board, &board_id,
			       err);
	sqlite3_stmt *st = NULL;
	if (rc == 0)
		rc = stmt_get(s, ST_ADD_RUN, &st, err);
	if (rc != 0)
		return rc;
	int code = bind_run(st, r, program_id, board_id, created);
	if (code == SQLITE_OK)
		code = sqlite3_step(st);
	if (code == SQLITE_DONE)
		*id = sqlite3_last_insert_rowid(s->db);
	else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
		rc = zd_err_set(err, EEXIST, ZD_EXIT_USAGE,
				"%s: a %s run of %s on %s at sweep point '%s' "
				"is already stored",
				s->path, r->backend, r->program, r->board,
				r->sweep_key);
	else
		rc = db_fail(s, "adding a run", err);
	stmt_done(st);
	if (rc == 0)
		rc = insert_zones(s, *id, r, err);
	return rc;
}

int zd_store_add_run(struct zd_store *s, struct zd_run_record *r,
		     struct zd_err *err)
{
	int rc = check_run(r, err);
	if (rc == 0)
		rc = check_transaction(s, err);
	if (rc != 0)
		return rc;
	/* Alone: its own transaction. In the caller's: a savepoint, so a
	 * failed run leaves no half (a run without its zones) behind. */
	bool alone = !s->in_transaction;
	rc = db_exec(s, alone ? "BEGIN IMMEDIATE" : "SAVEPOINT add_run",
		     "adding a run", err);
	if (rc != 0)
		return rc;
	double created = r->created != 0 ? r->created : now_unix();
	long long id = 0;
	rc = insert_run(s, r, created, &id, err);
	if (rc == 0)
		rc = db_exec(s, alone ? "COMMIT" : "RELEASE add_run",
			     "adding a run", err);
	if (rc != 0) {
		sqlite3_exec(s->db,
			     alone ? "ROLLBACK"
				   : "ROLLBACK TO add_run; RELEASE add_run",
			     NULL, NULL, NULL);
		return rc;
	}
	r->id = id;
	r->created = created;
	return 0;
}

int zd_store_has_sweep_point(struct zd_store *s, const char *board,
			     const char *program, const char *backend,
			     const char *sweep_key, bool *found,
			     struct zd_err *err)
{
	*found = false;
	if (board == NULL || program == NULL || backend == NULL ||
	    sweep_key == NULL || sweep_key[0] == '\0')
		return zd_bad_input(err,
				    "sweep point: board, program, backend "
				    "and a non-empty sweep key are needed");
	sqlite3_stmt *st = NULL;
	int rc = stmt_get(s, ST_HAS_SWEEP_POINT, &st, err);
	if (rc != 0)
		return rc;
	int step = SQLITE_ERROR;
	if (bind_text(st, 1, board) == SQLITE_OK &&
	    bind_text(st, 2, program) == SQLITE_OK &&
	    bind_text(st, 3, backend) == SQLITE_OK &&
	    bind_text(st, 4, sweep_key) == SQLITE_OK)
		step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*found = true;
	else if (step != SQLITE_DONE)
		rc = db_fail(s, "looking up a sweep point", err);
	stmt_done(st);
	return rc;
}

/* ---- queries --------------------------------------------------------------- */

/* The filter values of q in query_filter order; the mask of those set. */
static unsigned query_values(const struct zd_run_query *q,
			     const char *values[Q_FILTERS])
{
	static const struct zd_run_query none = {0};
	if (q == NULL)
		q = &none;
	values[0] = q->board;
	values[1] = q->program;
	values[2] = q->exclude_program;
	values[3] = q->backend;
	values[4] = q->policy;
	unsigned mask = 0;
	for (int i = 0; i < Q_FILTERS; i++)
		if (values[i] != NULL)
			mask |= 1u << i;
	return mask;
}

static void query_sql(enum query_kind kind, unsigned mask, char *buf,
		      size_t len)
{
	size_t n = (size_t)snprintf(buf, len,
				    "%s FROM runs r JOIN programs p ON p.id = "
				    "r.program_id JOIN boards b ON b.id = "
				    "r.board_id",
				    query_select[kind]);
	const char *joiner = " WHERE ";
	for (int i = 0; i < Q_FILTERS; i++) {
		if (!(mask & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", joiner,
				      query_filter[i]);
		joiner = " AND ";
	}
	snprintf(buf + n, len - n, "%s", query_order[kind]);
}

/* A statement for q, bound. The cached one, unless it is in use further
 * up the stack (a foreach callback querying again): then a fresh one,
 * which *fresh says to finalize. */
static int query_prepare(struct zd_store *s, enum query_kind kind,
			 const struct zd_run_query *q, sqlite3_stmt **out,
			 bool *fresh, struct zd_err *err)
{
	const char *values[Q_FILTERS];
	unsigned mask = query_values(q, values);
	sqlite3_stmt **slot = &s->query[kind][mask];
	*fresh = *slot != NULL && sqlite3_stmt_busy(*slot);
	sqlite3_stmt *st = *fresh ? NULL : *slot;
	if (st == NULL) {
		char sql[1024];
		query_sql(kind, mask, sql, sizeof(sql));
		if (sqlite3_prepare_v3(s->db, sql, -1,
				       *fresh ? 0 : SQLITE_PREPARE_PERSISTENT,
				       &st, NULL) != SQLITE_OK)
			return db_fail(s, "preparing a query", err);
		if (!*fresh)
			*slot = st;
	}
	for (int i = 0; i < Q_FILTERS; i++)
		if (values[i] != NULL &&
		    bind_text(st, i + 1, values[i]) != SQLITE_OK) {
			int rc = db_fail(s, "preparing a query", err);
			if (*fresh)
				sqlite3_finalize(st);
			else
				stmt_done(st);
			return rc;
		}
	*out = st;
	return 0;
}

static void query_release(sqlite3_stmt *st, bool fresh)
{
	if (fresh)
		sqlite3_finalize(st);
	else
		stmt_done(st);
}

int zd_store_count_runs(struct zd_store *s, const struct zd_run_query *q,
			long *count, struct zd_err *err)
{
	*count = 0;
	sqlite3_stmt *st = NULL;
	bool fresh = false;
	int rc = query_prepare(s, Q_COUNT, q, &st, &fresh, err);
	if (rc != 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = (long)sqlite3_column_int64(st, 0);
	else
		rc = db_fail(s, "counting runs", err);
	query_release(st, fresh);
	return rc;
}

void zd_store_names_free(char **names, int count)
{
	if (names == NULL)
		return;
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static int names_append(char ***names, int *count, int *cap, const char *name)
{
	if (*count == *cap) {
		int bigger = *cap ? *cap * 2 : 16;
		char **grown =
		    realloc(*names, (size_t)bigger * sizeof(**names));
		if (grown == NULL)
			return -1;
		*names = grown;
		*cap = bigger;
	}
	char *copy = strdup(name != NULL ? name : "");
	if (copy == NULL)
		return -1;
	(*names)[(*count)++] = copy;
	return 0;
}

int zd_store_programs(struct zd_store *s, const struct zd_run_query *q,
		      char ***names, int *count, struct zd_err *err)
{
	*names = NULL;
	*count = 0;
	sqlite3_stmt *st = NULL;
	bool fresh = false;
	int rc = query_prepare(s, Q_PROGRAMS, q, &st, &fresh, err);
	if (rc != 0)
		return rc;
	char **list = NULL;
	int n = 0, cap = 0, step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		if (names_append(&list, &n, &cap,
				 (const char *)sqlite3_column_text(st, 0)) != 0)
			rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(s, "listing programs", err);
	query_release(st, fresh);
	if (rc != 0) {
		zd_store_names_free(list, n);
		return rc;
	}
	*names = list;
	*count = n;
	return 0;
}

static int read_zones(struct zd_store *s, struct zd_run_record *r,
		      struct zd_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = stmt_get(s, ST_RUN_ZONES, &st, err);
	if (rc != 0)
		return rc;
	int n = 0, step = SQLITE_ERROR;
	if (sqlite3_bind_int64(st, 1, r->id) == SQLITE_OK)
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n >= r->nzones || sqlite3_column_int(st, 0) != n)
				break;
			r->start_mc[n] = sqlite3_column_int(st, 1);
			r->peak_mc[n] = sqlite3_column_int(st, 2);
			r->final_mc[n] = sqlite3_column_int(st, 3);
			n++;
		}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(s, "reading a run's zones", err);
	else if (step == SQLITE_ROW || n != r->nzones)
		rc = damaged(s, r->id,
			     "its zone temperatures do not match nzones", err);
	stmt_done(st);
	return rc;
}

static int run_from_row(struct zd_store *s, sqlite3_stmt *st,
			struct zd_run_record *r, struct zd_err *err)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, RC_ID);
	column_text(st, RC_PROGRAM, r->program, sizeof(r->program));
	column_text(st, RC_BOARD, r->board, sizeof(r->board));
	column_text(st, RC_BACKEND, r->backend, sizeof(r->backend));
	column_text(st, RC_POLICY, r->policy, sizeof(r->policy));
	column_text(st, RC_SWEEP_KEY, r->sweep_key, sizeof(r->sweep_key));
	column_text(st, RC_CPUS, r->cpus, sizeof(r->cpus));
	r->nclusters = sqlite3_column_int(st, RC_NCLUSTERS);
	r->seed = (uint64_t)sqlite3_column_int64(st, RC_SEED);
	r->created = sqlite3_column_double(st, RC_CREATED);
	r->makespan_s = sqlite3_column_double(st, RC_MAKESPAN);
	r->energy_j = sqlite3_column_double(st, RC_ENERGY);
	r->avg_power_w = sqlite3_column_double(st, RC_AVG_POWER);
	r->throttled_s = sqlite3_column_double(st, RC_THROTTLED);
	r->nzones = sqlite3_column_int(st, RC_NZONES);
	r->cpu_energy_j = sqlite3_column_type(st, RC_CPU_ENERGY) == SQLITE_NULL
	    ? 0
	    : sqlite3_column_double(st, RC_CPU_ENERGY);
	if (r->nclusters < 0 || r->nclusters > ZD_MAX_CLUSTERS ||
	    !parse_action((const char *)sqlite3_column_text(st, RC_ACTION), r))
		return damaged(s, r->id, "bad action", err);
	if (r->nzones < 0 || r->nzones > ZD_MAX_ZONES)
		return damaged(s, r->id, "bad nzones", err);
	return read_zones(s, r, err);
}

int zd_store_foreach_run(struct zd_store *s, const struct zd_run_query *q,
			 zd_run_fn fn, void *ctx, struct zd_err *err)
{
	sqlite3_stmt *st = NULL;
	bool fresh = false;
	int rc = query_prepare(s, Q_RUNS, q, &st, &fresh, err);
	if (rc != 0)
		return rc;
	struct zd_run_record r;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = run_from_row(s, st, &r, err);
		if (rc == 0)
			rc = fn(ctx, &r);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(s, "reading runs", err);
	query_release(st, fresh);
	return rc;
}
