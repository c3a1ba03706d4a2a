/* test_store.c - the sample store: what goes in comes back field for
 * field, queries select what they say, a sweep point is stored once,
 * transactions are all or nothing, old databases are upgraded and foreign
 * or newer ones refused untouched, a reader and a writer share the file,
 * and a writer killed mid-transaction loses only that transaction. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store_internal.h"
#include "zdvfs/store.h"

struct tmp {
	char dir[64];
	char db[128];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/zdvfs-store-XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	snprintf(t->db, sizeof(t->db), "%s/zdvfs.db", t->dir);
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", t->dir);
	free(t);
	return 0;
}

static struct zd_store *open_store(const char *path)
{
	struct zd_store *s = NULL;
	struct zd_err err = {0};
	if (zd_store_open(path, &s, &err) != 0)
		fail_msg("%s", err.msg);
	return s;
}

static void put_program(struct zd_store *s, const char *name)
{
	struct zd_err err = {0};
	if (zd_store_put_program(s, name, "hash", "{}", &err) != 0)
		fail_msg("%s", err.msg);
}

static void put_board(struct zd_store *s, const char *name)
{
	struct zd_err err = {0};
	if (zd_store_put_board(s, name, "desc", &err) != 0)
		fail_msg("%s", err.msg);
}

/* A run whose every field depends on n, so two runs never look alike. */
static struct zd_run_record make_run(const char *program, const char *board,
				     const char *backend, const char *policy,
				     int n)
{
	struct zd_run_record r;
	memset(&r, 0, sizeof(r));
	snprintf(r.program, sizeof(r.program), "%s", program);
	snprintf(r.board, sizeof(r.board), "%s", board);
	snprintf(r.backend, sizeof(r.backend), "%s", backend);
	snprintf(r.policy, sizeof(r.policy), "%s", policy);
	r.nclusters = 2;
	r.action.cores[0] = 1 + n % 2;
	r.action.level[0] = n % 12;
	r.action.cores[1] = 3;
	r.action.level[1] = 5;
	snprintf(r.cpus, sizeof(r.cpus), "1-2,%d", 3 + n % 3);
	r.seed = (uint64_t)n * 7919;
	r.created = 1.7e9 + n;
	r.makespan_s = 1.0 + n / 8.0;
	r.energy_j = 10.0 + n;
	r.avg_power_w = 3.25;
	r.nzones = 3;
	for (int z = 0; z < r.nzones; z++) {
		r.start_mc[z] = 40000 + z;
		r.peak_mc[z] = 60000 + n + z;
		r.final_mc[z] = 50000 + z;
	}
	return r;
}

static void add_run(struct zd_store *s, struct zd_run_record *r)
{
	struct zd_err err = {0};
	if (zd_store_add_run(s, r, &err) != 0)
		fail_msg("%s", err.msg);
}

static long count(struct zd_store *s, const struct zd_run_query *q)
{
	long n = -1;
	struct zd_err err = {0};
	if (zd_store_count_runs(s, q, &n, &err) != 0)
		fail_msg("%s", err.msg);
	return n;
}

static void assert_run_equal(const struct zd_run_record *a,
			     const struct zd_run_record *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->program, b->program);
	assert_string_equal(a->board, b->board);
	assert_string_equal(a->backend, b->backend);
	assert_string_equal(a->policy, b->policy);
	assert_string_equal(a->sweep_key, b->sweep_key);
	assert_int_equal(a->nclusters, b->nclusters);
	for (int c = 0; c < a->nclusters; c++) {
		assert_int_equal(a->action.cores[c], b->action.cores[c]);
		assert_int_equal(a->action.level[c], b->action.level[c]);
	}
	assert_string_equal(a->cpus, b->cpus);
	assert_true(a->seed == b->seed);
	/* exact: the store keeps IEEE doubles as they are */
	assert_true(a->created == b->created);
	assert_true(a->makespan_s == b->makespan_s);
	assert_true(a->energy_j == b->energy_j);
	assert_true(a->avg_power_w == b->avg_power_w);
	assert_true(a->throttled_s == b->throttled_s);
	assert_true(a->cpu_energy_j == b->cpu_energy_j);
	assert_int_equal(a->nzones, b->nzones);
	for (int z = 0; z < a->nzones; z++) {
		assert_int_equal(a->start_mc[z], b->start_mc[z]);
		assert_int_equal(a->peak_mc[z], b->peak_mc[z]);
		assert_int_equal(a->final_mc[z], b->final_mc[z]);
	}
}

/* foreach into an array */
struct collected {
	struct zd_run_record runs[64];
	int n;
	int stop_after; /* 0: never */
};

static int collect(void *ctx, const struct zd_run_record *r)
{
	struct collected *c = ctx;
	if (c->n < 64)
		c->runs[c->n] = *r;
	c->n++;
	return c->stop_after != 0 && c->n >= c->stop_after ? 7 : 0;
}

static void collect_runs(struct zd_store *s, const struct zd_run_query *q,
			 struct collected *c)
{
	memset(c, 0, sizeof(*c));
	struct zd_err err = {0};
	if (zd_store_foreach_run(s, q, collect, c, &err) != 0)
		fail_msg("%s", err.msg);
}

/* Raw SQLite on the file, as another program (or an old zdvfs) would. */
static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void raw_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* ---- programs ---------------------------------------------------------- */

static void programs_round_trip_and_replace(void **state)
{
	struct tmp *t = *state;
	struct zd_store *s = open_store(t->db);
	struct zd_err err = {0};
	assert_string_equal(zd_store_path(s), t->db);
	assert_int_equal(zd_store_schema_version(s), ZD_STORE_SCHEMA_VERSION);
	assert_int_equal(zd_store_put_program(s, "jacobi", "abc123",
					      "{\"loop_depth\": 2}", &err),
			 0);
	char *hash = NULL, *json = NULL;
	assert_int_equal(zd_store_get_program(s, "jacobi", &hash, &json, &err),
			 0);
	assert_string_equal(hash, "abc123");
	assert_string_equal(json, "{\"loop_depth\": 2}");
	free(hash);
	free(json);

	/* a run refers to it; replacing the program keeps the run */
	put_board(s, "tx2");
	struct zd_run_record r = make_run("jacobi", "tx2", "sim", "sweep", 1);
	add_run(s, &r);
	assert_int_equal(zd_store_put_program(s, "jacobi", "def456",
					      "{\"loop_depth\": 3}", &err),
			 0);
	assert_int_equal(zd_store_get_program(s, "jacobi", &hash, &json, &err),
			 0);
	assert_string_equal(hash, "def456");
	assert_string_equal(json, "{\"loop_depth\": 3}");
	free(hash);
	free(json);
	assert_int_equal(count(s, NULL), 1);

	/* missing: not found, no error */
	assert_int_equal(zd_store_get_program(s, "nope", &hash, &json, &err),
			 ZD_STORE_NOT_FOUND);
	assert_int_equal(err.code, 0);
	assert_null(hash);
	assert_null(json);

	/* a name no run record could hold */
	char longname[100];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_true(zd_store_put_program(s, longname, "h", "{}", &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "program name"));
	zd_store_close(s);

	/* and it is all still there after reopening */
	s = open_store(t->db);
	assert_int_equal(zd_store_get_program(s, "jacobi", &hash, &json, &err),
			 0);
	assert_string_equal(hash, "def456");
	free(hash);
	free(json);
	zd_store_close(s);
}

/* ---- runs -------------------------------------------------------------- */

static void runs_round_trip_every_field(void **state)
{
	struct tmp *t = *state;
	struct zd_store *s = open_store(t->db);
	put_program(s, "nbody");
	put_board(s, "rubikpi");

	struct zd_run_record full;
	memset(&full, 0, sizeof(full));
	snprintf(full.program, sizeof(full.program), "nbody");
	snprintf(full.board, sizeof(full.board), "rubikpi");
	snprintf(full.backend, sizeof(full.backend), "linux");
	snprintf(full.policy, sizeof(full.policy), "zerodvfs");
	snprintf(full.sweep_key, sizeof(full.sweep_key), "a55=4@10,a78=2@13");
	full.nclusters = ZD_MAX_CLUSTERS;
	for (int c = 0; c < ZD_MAX_CLUSTERS; c++) {
		full.action.cores[c] = c + 1;
		full.action.level[c] = 10 * c + 3;
	}
	snprintf(full.cpus, sizeof(full.cpus), "0-3,5,7");
	full.seed = UINT64_MAX - 1; /* beyond SQLite's signed range */
	full.created = 1712345678.123456789;
	full.makespan_s = 0.1;
	full.energy_j = 1e-300;
	full.avg_power_w = 12345.678901234567;
	full.throttled_s = 2.5;
	full.cpu_energy_j =
	    0.75; /* the CPU rail's; bare leaves it unmeasured */
	full.nzones = ZD_MAX_ZONES;
	for (int z = 0; z < ZD_MAX_ZONES; z++) {
		full.start_mc[z] = 30000 + z;
		full.peak_mc[z] =
		    -1000 * z; /* below zero is a temperature too */
		full.final_mc[z] = 45000 + 3 * z;
	}
	add_run(s, &full);
	assert_true(full.id > 0);

	/* nothing to say: no clusters, no zones */
	struct zd_run_record bare =
	    make_run("nbody", "rubikpi", "sim", "idle", 2);
	bare.nclusters = 0;
	bare.nzones = 0;
	add_run(s, &bare);

	/* created 0: the store stamps it */
	struct zd_run_record stamped =
	    make_run("nbody", "rubikpi", "sim", "ondemand", 3);
	stamped.created = 0;
	time_t before = time(NULL);
	add_run(s, &stamped);
	assert_true(stamped.created >= (double)before - 1);
	assert_true(stamped.created <= (double)time(NULL) + 1);
	assert_true(stamped.id > bare.id && bare.id > full.id);
	zd_store_close(s);

	s = open_store(t->db);
	struct collected c;
	collect_runs(s, NULL, &c);
	assert_int_equal(c.n, 3);
	assert_run_equal(&c.runs[0], &full);
	assert_run_equal(&c.runs[1], &bare);
	assert_run_equal(&c.runs[2], &stamped);
	zd_store_close(s);
}

static void runs_naming_unknown_or_bad_input_are_refused(void **state)
{
	struct tmp *t = *state;
	struct zd_store *s = open_store(t->db);
	put_program(s, "lu");
	put_board(s, "orin");
	struct zd_err err = {0};

	struct zd_run_record r =
	    make_run("cholesky", "orin", "sim", "sweep", 1);
	assert_true(zd_store_add_run(s, &r, &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "program 'cholesky'"));
	assert_non_null(strstr(err.msg, t->db));

	zd_err_clear(&err);
	r = make_run("lu", "i7", "sim", "sweep", 1);
	assert_true(zd_store_add_run(s, &r, &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "board 'i7'"));

	zd_err_clear(&err);
	r = make_run("lu", "orin", "sim", "sweep", 1);
	r.nclusters = ZD_MAX_CLUSTERS + 1;
	assert_true(zd_store_add_run(s, &r, &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "nclusters"));

	zd_err_clear(&err);
	r = make_run("lu", "orin", "sim", "sweep", 1);
	r.energy_j = NAN;
	assert_true(zd_store_add_run(s, &r, &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "energy_j"));

	zd_err_clear(&err);
	r = make_run("lu", "orin", "sim", "sweep", 1);
	memset(r.policy, 'p', sizeof(r.policy)); /* no terminator */
	assert_true(zd_store_add_run(s, &r, &err) < 0);
	assert_non_null(strstr(err.msg, "policy"));

	assert_int_equal(count(s, NULL), 0);
	zd_store_close(s);
}

/* ---- queries ----------------------------------------------------------- */

/* 12 runs: programs zeta/alpha/mid, boards tx2/orin, backends, policies. */
static void fill_for_queries(struct zd_store *s)
{
	put_program(s, "zeta");
	put_program(s, "alpha");
	put_program(s, "mid");
	put_program(s, "unused");
	put_board(s, "tx2");
	put_board(s, "orin");
	const char *programs[] = {"zeta", "alpha", "mid"};
	int n = 0;
	for (int p = 0; p < 3; p++)
		for (int b = 0; b < 2; b++)
			for (int k = 0; k < 2; k++) {
				/* mid never ran on orin */
				if (p == 2 && b == 1)
					continue;
				struct zd_run_record r =
				    make_run(programs[p], b ? "orin" : "tx2",
					     k ? "linux" : "sim",
					     k ? "ondemand" : "sweep", n++);
				add_run(s, &r);
			}
}

static int query_again(void *ctx, const struct zd_run_record *r)
{
	/* a callback may read the store, even with the same query */
	struct zd_store *s = ctx;
	struct collected inner;
	collect_runs(s, NULL, &inner);
	struct zd_run_query q = {.board = r->board};
	long on_board = 0;
	for (int i = 0; i < inner.n; i++)
		on_board += strcmp(inner.runs[i].board, r->board) == 0;
	return inner.n == count(s, NULL) && on_board == count(s, &q) ? 0 : 1;
}

static void queries_select_what_they_say(void **state)
{
	struct tmp *t = *state;
	struct zd_store *s = open_store(t->db);
	fill_for_queries(s);

	assert_int_equal(count(s, NULL), 10);
	struct zd_run_query q = {0};
	assert_int_equal(count(s, &q), 10);
	q = (struct zd_run_query){.board = "tx2"};
	assert_int_equal(count(s, &q), 6);
	q = (struct zd_run_query){.program = "alpha"};
	assert_int_equal(count(s, &q), 4);
	q = (struct zd_run_query){.exclude_program = "alpha"};
	assert_int_equal(count(s, &q), 6);
	q = (struct zd_run_query){.backend = "linux"};
	assert_int_equal(count(s, &q), 5);
	q = (struct zd_run_query){.policy = "sweep"};
	assert_int_equal(count(s, &q), 5);
	q = (struct zd_run_query){.board = "orin", .exclude_program = "zeta"};
	assert_int_equal(count(s, &q), 2);
	q = (struct zd_run_query){.board = "orin", .program = "mid"};
	assert_int_equal(count(s, &q), 0);
	q = (struct zd_run_query){.board = "nowhere"};
	assert_int_equal(count(s, &q), 0);

	/* foreach: the matching runs, in id order */
	q = (struct zd_run_query){
	    .board = "tx2", .backend = "sim", .exclude_program = "mid"};
	struct collected c;
	collect_runs(s, &q, &c);
	assert_int_equal(c.n, 2);
	for (int i = 0; i < c.n; i++) {
		assert_string_equal(c.runs[i].board, "tx2");
		assert_string_equal(c.runs[i].backend, "sim");
		assert_string_not_equal(c.runs[i].program, "mid");
		if (i > 0)
			assert_true(c.runs[i].id > c.runs[i - 1].id);
	}

	/* a non-zero return stops the walk and comes back */
	struct zd_err err = {0};
	memset(&c, 0, sizeof(c));
	c.stop_after = 3;
	assert_int_equal(zd_store_foreach_run(s, NULL, collect, &c, &err), 7);
	assert_int_equal(c.n, 3);
	assert_int_equal(zd_store_foreach_run(s, NULL, query_again, s, &err),
			 0);

	/* programs with matching runs, sorted */
	char **names = NULL;
	int n = 0;
	assert_int_equal(zd_store_programs(s, NULL, &names, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "alpha");
	assert_string_equal(names[1], "mid");
	assert_string_equal(names[2], "zeta");
	zd_store_names_free(names, n);
	q = (struct zd_run_query){.board = "orin"};
	assert_int_equal(zd_store_programs(s, &q, &names, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "alpha");
	assert_string_equal(names[1], "zeta");
	zd_store_names_free(names, n);
	q = (struct zd_run_query){.exclude_program = "alpha"};
	assert_int_equal(zd_store_programs(s, &q, &names, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "mid");
	assert_string_equal(names[1], "zeta");
	zd_store_names_free(names, n);
	q = (struct zd_run_query){.policy = "none-such"};
	assert_int_equal(zd_store_programs(s, &q, &names, &n, &err), 0);
	assert_int_equal(n, 0);
	zd_store_names_free(names, n);
	zd_store_close(s);
}

/* ---- sweep points ------------------------------------------------------ */

static void a_sweep_point_is_stored_once(void **state)
{
	struct tmp *t = *state;
	struct zd_store *s = open_store(t->db);
	put_program(s, "fft");
	put_board(s, "tx2");
	put_board(s, "orin");
	struct zd_err err = {0};
	bool found = true;
	assert_int_equal(zd_store_has_sweep_point(s, "tx2", "fft", "sim", "k1",
						  &found, &err),
			 0);
	assert_false(found);

	struct zd_run_record r = make_run("fft", "tx2", "sim", "sweep", 1);
	snprintf(r.sweep_key, sizeof(r.sweep_key), "k1");
	add_run(s, &r);
	assert_int_equal(zd_store_has_sweep_point(s, "tx2", "fft", "sim", "k1",
						  &found, &err),
			 0);
	assert_true(found);
	assert_int_equal(zd_store_has_sweep_point(s, "tx2", "fft", "linux",
						  "k1", &found, &err),
			 0);
	assert_false(found);
	assert_int_equal(zd_store_has_sweep_point(s, "orin", "fft", "sim", "k1",
						  &found, &err),
			 0);
	assert_false(found);

	/* the same point again is refused, in or out of a transaction */
	struct zd_run_record again = make_run("fft", "tx2", "sim", "sweep", 2);
	snprintf(again.sweep_key, sizeof(again.sweep_key), "k1");
	assert_int_equal(zd_store_add_run(s, &again, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "'k1'"));
	assert_int_equal(zd_store_begin(s, &err), 0);
	assert_int_equal(zd_store_add_run(s, &again, &err), -EEXIST);
	assert_int_equal(zd_store_commit(s, &err), 0);
	assert_int_equal(count(s, NULL), 1);

	/* another backend or board is another point; "" is no point */
	zd_err_clear(&err);
	snprintf(again.backend, sizeof(again.backend), "linux");
	add_run(s, &again);
	snprintf(again.board, sizeof(again.board), "orin");
	add_run(s, &again);
	for (int i = 0; i < 2; i++) {
		struct zd_run_record plain =
		    make_run("fft", "tx2", "sim", "ondemand", 3 + i);
		add_run(s, &plain);
	}
	assert_int_equal(count(s, NULL), 5);

	assert_true(zd_store_has_sweep_point(s, "tx2", "fft", "sim", "", &found,
					     &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	zd_store_close(s);
}

/* ---- transactions ------------------------------------------------------ */

static void transactions_are_all_or_nothing(void **state)
{
	struct tmp *t = *state;
	struct zd_store *s = open_store(t->db);
	struct zd_store *other = open_store(t->db);
	put_program(s, "lud");
	put_board(s, "i7");
	struct zd_err err = {0};

	assert_int_equal(zd_store_begin(s, &err), 0);
	for (int i = 0; i < 3; i++) {
		struct zd_run_record r =
		    make_run("lud", "i7", "sim", "sweep", i);
		add_run(s, &r);
	}
	assert_int_equal(count(s, NULL), 3);
	zd_store_rollback(s);
	assert_int_equal(count(s, NULL), 0);

	/* no nesting; no commit without a begin */
	assert_int_equal(zd_store_begin(s, &err), 0);
	assert_true(zd_store_begin(s, &err) < 0);
	assert_non_null(strstr(err.msg, t->db));
	zd_err_clear(&err);
	for (int i = 0; i < 2; i++) {
		struct zd_run_record r =
		    make_run("lud", "i7", "sim", "sweep", i);
		add_run(s, &r);
	}
	/* a refused run leaves the rest of the transaction alone */
	struct zd_run_record bad = make_run("ghost", "i7", "sim", "sweep", 9);
	assert_true(zd_store_add_run(s, &bad, &err) < 0);
	zd_err_clear(&err);
	struct zd_run_record last = make_run("lud", "i7", "sim", "sweep", 3);
	add_run(s, &last);
	/* others see nothing until the commit */
	assert_int_equal(count(other, NULL), 0);
	assert_int_equal(zd_store_commit(s, &err), 0);
	assert_int_equal(count(other, NULL), 3);
	assert_true(zd_store_commit(s, &err) < 0);
	zd_store_close(other);
	zd_store_close(s);
}

/* ---- schema versions and foreign files -------------------------------- */

static void version_1_is_upgraded_on_open(void **state)
{
	struct tmp *t = *state;
	struct zd_err err = {0};
	if (zd_store_create_at_version(t->db, 1, &err) != 0)
		fail_msg("%s", err.msg);
	char text[64];
	raw_text(t->db, "PRAGMA user_version", text, sizeof(text));
	assert_string_equal(text, "1");
	/* the version-1 layout really lacks the new columns */
	raw_text(t->db,
		 "SELECT count(*) FROM pragma_table_info('runs')"
		 " WHERE name IN ('sweep_key', 'throttled_s')",
		 text, sizeof(text));
	assert_string_equal(text, "0");
	/* what a version-1 zdvfs wrote */
	raw_exec(
	    t->db,
	    "INSERT INTO programs VALUES (1, 'bfs', 'h1', '{\"a\":1}', 1.5);"
	    "INSERT INTO boards VALUES (1, 'tx2', 'd1', 1.5);"
	    "INSERT INTO runs (id, program_id, board_id, backend, policy,"
	    " nclusters, action, cpus, seed, created, makespan_s, energy_j,"
	    " avg_power_w, nzones) VALUES (5, 1, 1, 'sim', 'sweep', 2,"
	    " '2,3|11,5', '1-2,3-5', 42, 1700000000.5, 1.25, 20.5, 16.4, 2);"
	    "INSERT INTO run_zones VALUES (5, 0, 40000, 61000, 52000);"
	    "INSERT INTO run_zones VALUES (5, 1, 41000, 62000, 53000);");

	struct zd_store *s = open_store(t->db);
	assert_int_equal(zd_store_schema_version(s), ZD_STORE_SCHEMA_VERSION);
	struct collected c;
	collect_runs(s, NULL, &c);
	assert_int_equal(c.n, 1);
	const struct zd_run_record *r = &c.runs[0];
	assert_int_equal(r->id, 5);
	assert_string_equal(r->program, "bfs");
	assert_string_equal(r->board, "tx2");
	assert_string_equal(r->sweep_key, "");
	assert_true(r->throttled_s == 0.0);
	assert_int_equal(r->nclusters, 2);
	assert_int_equal(r->action.cores[0], 2);
	assert_int_equal(r->action.cores[1], 3);
	assert_int_equal(r->action.level[0], 11);
	assert_int_equal(r->action.level[1], 5);
	assert_string_equal(r->cpus, "1-2,3-5");
	assert_true(r->seed == 42);
	assert_true(r->created == 1700000000.5);
	assert_true(r->energy_j == 20.5);
	assert_true(r->cpu_energy_j == 0); /* not measured before version 3 */
	assert_int_equal(r->nzones, 2);
	assert_int_equal(r->peak_mc[1], 62000);
	assert_int_equal(r->final_mc[0], 52000);

	/* and the version-2 parts work */
	struct zd_run_record sw = make_run("bfs", "tx2", "sim", "sweep", 1);
	snprintf(sw.sweep_key, sizeof(sw.sweep_key), "p1");
	add_run(s, &sw);
	assert_int_equal(zd_store_add_run(s, &sw, &err), -EEXIST);
	/* and the version-3 part: the CPU rail's energy */
	struct zd_run_record cpu = make_run("bfs", "tx2", "sim", "sweep", 2);
	cpu.cpu_energy_j = 4.5;
	add_run(s, &cpu);
	zd_store_close(s);
	raw_text(t->db, "PRAGMA user_version", text, sizeof(text));
	assert_string_equal(text, "3");
	raw_text(t->db, "SELECT value FROM meta WHERE key = 'schema_version'",
		 text, sizeof(text));
	assert_string_equal(text, "3");
	raw_text(t->db,
		 "SELECT cpu_energy_j FROM runs WHERE id = (SELECT max(id) "
		 "FROM runs)",
		 text, sizeof(text));
	assert_string_equal(text, "4.5");
}

static void newer_schema_is_refused(void **state)
{
	struct tmp *t = *state;
	zd_store_close(open_store(t->db));
	raw_exec(t->db, "PRAGMA user_version = 4");
	struct zd_store *s = NULL;
	struct zd_err err = {0};
	assert_true(zd_store_open(t->db, &s, &err) < 0);
	assert_null(s);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	char want[256];
	snprintf(want, sizeof(want),
		 "%s: written by a newer zdvfs (schema 4, this one knows up to "
		 "3)",
		 t->db);
	assert_string_equal(err.msg, want);
}

static void foreign_files_are_refused_untouched(void **state)
{
	struct tmp *t = *state;
	char other[200];
	snprintf(other, sizeof(other), "%s/other.db", t->dir);
	raw_exec(other,
		 "CREATE TABLE things (x); INSERT INTO things VALUES (1)");
	struct zd_store *s = NULL;
	struct zd_err err = {0};
	assert_true(zd_store_open(other, &s, &err) < 0);
	assert_null(s);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, other));
	assert_non_null(strstr(err.msg, "not a zdvfs database"));
	char mode[32];
	raw_text(other, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "delete");

	char notes[200];
	snprintf(notes, sizeof(notes), "%s/notes.txt", t->dir);
	const char *content = "these are not the samples you are looking for\n";
	FILE *f = fopen(notes, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	zd_err_clear(&err);
	assert_true(zd_store_open(notes, &s, &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, notes));
	assert_non_null(strstr(err.msg, "not an SQLite file"));
	char back[128] = "";
	f = fopen(notes, "r");
	assert_non_null(f);
	assert_non_null(fgets(back, sizeof(back), f));
	fclose(f);
	assert_string_equal(back, content);

	/* a directory that is not there: the error names the path */
	char missing[200];
	snprintf(missing, sizeof(missing), "%s/no/such/dir/x.db", t->dir);
	zd_err_clear(&err);
	assert_true(zd_store_open(missing, &s, &err) < 0);
	assert_int_equal(err.exit, ZD_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, missing));
}

/* ---- processes sharing the file --------------------------------------- */

static void setup_db(const char *path)
{
	struct zd_store *s = open_store(path);
	put_program(s, "mm");
	put_board(s, "tx2");
	zd_store_close(s);
}

/* In a child: no cmocka, an exit status. */
static int child_write_runs(const char *path, int ntx, int per_tx)
{
	struct zd_store *s = NULL;
	struct zd_err err = {0};
	int rc = zd_store_open(path, &s, &err);
	for (int i = 0; rc == 0 && i < ntx; i++) {
		rc = zd_store_begin(s, &err);
		for (int k = 0; rc == 0 && k < per_tx; k++) {
			struct zd_run_record r = make_run(
			    "mm", "tx2", "sim", "sweep", i * per_tx + k);
			rc = zd_store_add_run(s, &r, &err);
		}
		if (rc == 0)
			rc = zd_store_commit(s, &err);
	}
	if (rc != 0)
		fprintf(stderr, "writer: %s\n", err.msg);
	zd_store_close(s);
	return rc == 0 ? 0 : 1;
}

static void a_reader_and_a_writer_share_the_file(void **state)
{
	struct tmp *t = *state;
	setup_db(t->db);
	enum { NTX = 40, PER_TX = 5 };
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_write_runs(t->db, NTX, PER_TX));

	struct zd_store *s = NULL;
	struct zd_err err = {0};
	int rc = zd_store_open(t->db, &s, &err);
	long last = 0;
	bool decreased = false, torn = false;
	int status = 0;
	/* count while the writer runs, and once more after it is gone */
	bool writer_done = false;
	while (rc == 0 && !writer_done) {
		writer_done = waitpid(pid, &status, WNOHANG) != 0;
		long n = 0;
		rc = zd_store_count_runs(s, NULL, &n, &err);
		decreased |= n < last;
		torn |= n % PER_TX != 0; /* half a transaction seen */
		last = n;
	}
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("reader: %s", err.msg);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(decreased);
	assert_false(torn);
	assert_int_equal(last, NTX * PER_TX);
	zd_store_close(s);
}

static void a_killed_writer_loses_only_its_open_transaction(void **state)
{
	struct tmp *t = *state;
	setup_db(t->db);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		struct zd_store *s = NULL;
		struct zd_err err = {0};
		int rc = zd_store_open(t->db, &s, &err);
		for (int i = 0; rc == 0 && i < 3; i++) {
			struct zd_run_record r =
			    make_run("mm", "tx2", "sim", "sweep", i);
			rc = zd_store_add_run(s, &r, &err);
		}
		if (rc == 0)
			rc = zd_store_begin(s, &err);
		for (int i = 0; rc == 0 && i < 50; i++) {
			struct zd_run_record r =
			    make_run("mm", "tx2", "sim", "uncommitted", i);
			rc = zd_store_add_run(s, &r, &err);
		}
		if (rc != 0)
			fprintf(stderr, "writer: %s\n", err.msg);
		char ready = rc == 0 ? 'y' : 'n';
		if (write(fds[1], &ready, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	char ready = 0;
	ssize_t got = read(fds[0], &ready, 1);
	close(fds[0]);
	kill(pid, SIGKILL);
	int status = 0;
	waitpid(pid, &status, 0);
	assert_int_equal(got, 1);
	assert_int_equal(ready, 'y');
	assert_true(WIFSIGNALED(status));

	struct zd_store *s = open_store(t->db);
	assert_int_equal(count(s, NULL), 3);
	struct zd_run_query q = {.policy = "uncommitted"};
	assert_int_equal(count(s, &q), 0);
	char check[64];
	raw_text(t->db, "PRAGMA integrity_check", check, sizeof(check));
	assert_string_equal(check, "ok");
	struct zd_run_record r = make_run("mm", "tx2", "sim", "sweep", 99);
	add_run(s, &r);
	assert_int_equal(count(s, NULL), 4);
	zd_store_close(s);
}

/* ---- default path ------------------------------------------------------ */

struct saved_env {
	char *data, *xdg, *home;
};

static char *saved(const char *name)
{
	const char *v = getenv(name);
	return v != NULL ? strdup(v) : NULL;
}

static void restore(const char *name, char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
	free(value);
}

static void assert_private_dir(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void default_path_follows_the_environment(void **state)
{
	struct tmp *t = *state;
	struct saved_env env = {saved("ZDVFS_DATA_DIR"), saved("XDG_DATA_HOME"),
				saved("HOME")};
	char path[512], want[512], dir[512];
	struct zd_err err = {0};

	snprintf(dir, sizeof(dir), "%s/data/nested", t->dir);
	setenv("ZDVFS_DATA_DIR", dir, 1);
	setenv("XDG_DATA_HOME", "/nonexistent-xdg", 1);
	assert_int_equal(zd_store_default_path(path, sizeof(path), &err), 0);
	snprintf(want, sizeof(want), "%s/zdvfs.db", dir);
	assert_string_equal(path, want);
	assert_private_dir(dir);
	snprintf(dir, sizeof(dir), "%s/data", t->dir);
	assert_private_dir(dir);
	struct zd_store *s = open_store(NULL);
	assert_string_equal(zd_store_path(s), want);
	zd_store_close(s);
	assert_int_equal(access(want, F_OK), 0);

	unsetenv("ZDVFS_DATA_DIR");
	snprintf(dir, sizeof(dir), "%s/xdg", t->dir);
	setenv("XDG_DATA_HOME", dir, 1);
	assert_int_equal(zd_store_default_path(path, sizeof(path), &err), 0);
	snprintf(want, sizeof(want), "%s/xdg/zdvfs/zdvfs.db", t->dir);
	assert_string_equal(path, want);
	snprintf(dir, sizeof(dir), "%s/xdg/zdvfs", t->dir);
	assert_private_dir(dir);

	unsetenv("XDG_DATA_HOME");
	snprintf(dir, sizeof(dir), "%s/home", t->dir);
	setenv("HOME", dir, 1);
	assert_int_equal(zd_store_default_path(path, sizeof(path), &err), 0);
	snprintf(want, sizeof(want), "%s/home/.local/share/zdvfs/zdvfs.db",
		 t->dir);
	assert_string_equal(path, want);

	/* a file where the directory should be: named in the error */
	snprintf(dir, sizeof(dir), "%s/plainfile", t->dir);
	FILE *f = fopen(dir, "w");
	assert_non_null(f);
	fclose(f);
	setenv("ZDVFS_DATA_DIR", dir, 1);
	assert_true(zd_store_default_path(path, sizeof(path), &err) < 0);
	assert_non_null(strstr(err.msg, dir));

	restore("ZDVFS_DATA_DIR", env.data);
	restore("XDG_DATA_HOME", env.xdg);
	restore("HOME", env.home);
}

#define STORE_TEST(f)                                                          \
	cmocka_unit_test_setup_teardown(f, tmp_setup, tmp_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_TEST(programs_round_trip_and_replace),
	    STORE_TEST(runs_round_trip_every_field),
	    STORE_TEST(runs_naming_unknown_or_bad_input_are_refused),
	    STORE_TEST(queries_select_what_they_say),
	    STORE_TEST(a_sweep_point_is_stored_once),
	    STORE_TEST(transactions_are_all_or_nothing),
	    STORE_TEST(version_1_is_upgraded_on_open),
	    STORE_TEST(newer_schema_is_refused),
	    STORE_TEST(foreign_files_are_refused_untouched),
	    STORE_TEST(a_reader_and_a_writer_share_the_file),
	    STORE_TEST(a_killed_writer_loses_only_its_open_transaction),
	    STORE_TEST(default_path_follows_the_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
