/* sweep.c - the profiling sweep: a grid over the action space, starting
 * temperatures, one simulated run per point into the store, resumable and
 * committed in batches. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_json.h"
#include "zdvfs/features.h"
#include "zdvfs/sweep.h"
#include "zdvfs/workload.h"

/* ---- grid and temperatures ----------------------------------------------- */

int zd_sweep_parse_grid(const char *text, int *levels, struct zd_err *err)
{
	if (strcmp(text, "coarse") == 0) {
		*levels = ZD_SWEEP_COARSE_LEVELS;
		return 0;
	}
	if (strcmp(text, "full") == 0) {
		*levels = 0;
		return 0;
	}
	char *end = NULL;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || n < 2 ||
	    n > ZD_MAX_LEVELS)
		return zd_bad_input(
		    err,
		    "--grid '%s' is not coarse, full or a number "
		    "of levels in 2..%d",
		    text, ZD_MAX_LEVELS);
	*levels = (int)n;
	return 0;
}

static int parse_one_temp(const char *part, struct zd_sweep_temp *t,
			  struct zd_err *err)
{
	if (strcmp(part, "ambient") == 0) {
		t->kind = ZD_SWEEP_TEMP_AMBIENT;
		return 0;
	}
	if (strcmp(part, "mid") == 0) {
		t->kind = ZD_SWEEP_TEMP_MID;
		return 0;
	}
	char *end = NULL;
	errno = 0;
	double c = strtod(part, &end);
	if (errno != 0 || end == part || *end != '\0' ||
	    !(c >= -20 && c <= 125))
		return zd_bad_input(err,
				    "--temps: '%s' is not ambient, mid or a "
				    "temperature in -20..125 °C",
				    part);
	t->kind = ZD_SWEEP_TEMP_CELSIUS;
	t->mc = (int)lround(c * 1000.0);
	return 0;
}

int zd_sweep_parse_temps(const char *text, struct zd_sweep_temp *temps,
			 int *count, struct zd_err *err)
{
	char copy[512];
	*count = 0;
	if (strlen(text) >= sizeof(copy))
		return zd_bad_input(err, "--temps '%.40s...' is too long",
				    text);
	memcpy(copy, text, strlen(text) + 1);
	/* strtok would skip empty parts, which are mistakes worth naming */
	char *part = copy;
	for (;;) {
		char *comma = strchr(part, ',');
		if (comma != NULL)
			*comma = '\0';
		if (*count == ZD_SWEEP_MAX_TEMPS)
			return zd_bad_input(err,
					    "--temps: at most %d temperatures",
					    ZD_SWEEP_MAX_TEMPS);
		int rc = parse_one_temp(part, &temps[*count], err);
		if (rc != 0)
			return rc;
		(*count)++;
		if (comma == NULL)
			return 0;
		part = comma + 1;
	}
}

static int ambient_mc(const struct zd_board *b)
{
	return (int)lround(b->ambient_mc.value);
}

/* The lowest passive trip of the zones that hold CPUs; -1 if none. */
static int lowest_cpu_trip_mc(const struct zd_board *b)
{
	int lowest = -1;
	for (int z = 0; z < b->nzones; z++) {
		int trip = zd_zone_throttle_mc(&b->zones[z]);
		if (b->zones[z].nclusters > 0 && trip >= 0 &&
		    (lowest < 0 || trip < lowest))
			lowest = trip;
	}
	return lowest;
}

int zd_sweep_temp_mc(const struct zd_board *b, const struct zd_sweep_temp *t,
		     int *mc, struct zd_err *err)
{
	switch (t->kind) {
	case ZD_SWEEP_TEMP_AMBIENT: *mc = ambient_mc(b); return 0;
	case ZD_SWEEP_TEMP_MID: {
		int trip = lowest_cpu_trip_mc(b);
		if (trip < 0)
			return zd_bad_input(
			    err,
			    "--temps mid: %s has no passive trip "
			    "on a CPU zone; give °C instead",
			    b->name);
		*mc = (ambient_mc(b) + trip) / 2;
		return 0;
	}
	case ZD_SWEEP_TEMP_CELSIUS: *mc = t->mc; return 0;
	}
	return zd_bad_input(err, "--temps: unknown kind");
}

/* Levels 0..n-1 of a cluster kept by a grid of `levels` evenly spaced
 * levels (0: all); the lowest and the top are always kept. */
static void grid_levels(int n, int levels, bool keep[ZD_MAX_LEVELS])
{
	memset(keep, 0, ZD_MAX_LEVELS * sizeof(bool));
	if (levels <= 0 || levels >= n) {
		for (int l = 0; l < n; l++)
			keep[l] = true;
		return;
	}
	for (int i = 0; i < levels; i++)
		keep[(int)lround((double)i * (n - 1) / (levels - 1))] = true;
}

int zd_sweep_grid(const struct zd_action_space *s, int levels,
		  struct zd_action **actions, int *count, struct zd_err *err)
{
	bool keep[ZD_MAX_CLUSTERS][ZD_MAX_LEVELS];
	for (int c = 0; c < s->nclusters; c++)
		grid_levels(s->nlevels[c], levels, keep[c]);
	*count = 0;
	*actions = malloc((size_t)s->count * sizeof(**actions));
	if (*actions == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	for (int i = 0; i < s->count; i++) {
		struct zd_action a;
		bool in_grid = true;
		zd_action_at(s, i, &a);
		for (int c = 0; c < s->nclusters; c++)
			if (a.cores[c] > 0 && !keep[c][a.level[c]])
				in_grid = false;
		if (in_grid)
			(*actions)[(*count)++] = a;
	}
	return 0;
}

/* ---- keys, seeds, hashes ----------------------------------------------- */

int zd_sweep_key(const struct zd_action_space *s, const struct zd_action *a,
		 int temp_mc, char *buf, size_t len)
{
	char action[ZD_SWEEP_KEY_LEN];
	if (zd_action_format(s, a, action, sizeof(action)) != 0)
		return -1;
	int n = snprintf(buf, len, "a=%s;t=%g", action, temp_mc / 1000.0);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int zd_sweep_key_asis(const struct zd_action_space *s,
		      const struct zd_action *a, char *buf, size_t len)
{
	char action[ZD_SWEEP_KEY_LEN];
	if (zd_action_format(s, a, action, sizeof(action)) != 0)
		return -1;
	int n = snprintf(buf, len, "a=%s;t=asis", action);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t zd_sweep_seed(uint64_t sweep_seed, const char *board,
		       const char *program, const char *key)
{
	/* the NULs keep ("ab", "c") apart from ("a", "bc") */
	uint64_t h = fnv1a(FNV_OFFSET, &sweep_seed, sizeof(sweep_seed));
	h = fnv1a(h, board, strlen(board) + 1);
	h = fnv1a(h, program, strlen(program) + 1);
	h = fnv1a(h, key, strlen(key) + 1);
	/* splitmix64's finaliser spreads FNV's weak low bits */
	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

static int hash_file(const char *path, uint64_t *h, struct zd_err *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return zd_bad_input(err, "cannot read %s: %s", path,
				    strerror(errno));
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		*h = fnv1a(*h, buf, n);
	int rc = ferror(f) ? zd_fail(err, EIO, "cannot read %s", path) : 0;
	fclose(f);
	return rc;
}

int zd_sweep_hash_files(const char *const *paths, int npaths, char *out,
			size_t len, struct zd_err *err)
{
	uint64_t h = FNV_OFFSET;
	for (int i = 0; i < npaths; i++) {
		int rc = hash_file(paths[i], &h, err);
		if (rc != 0)
			return rc;
	}
	snprintf(out, len, "fnv1a64:%016llx", (unsigned long long)h);
	return 0;
}

/* ---- one point --------------------------------------------------------- */

static void start_temperatures(struct zd_sim *sim, int temp_mc)
{
	const struct zd_board *b = zd_sim_board(sim);
	zd_sim_reset(sim);
	for (int z = 0; z < b->nzones; z++)
		if (b->zones[z].nclusters > 0)
			zd_sim_set_temp_mc(sim, z, temp_mc);
}

int zd_sweep_sim_point(struct zd_sim *sim, const struct zd_action_space *s,
		       const struct zd_sim_workload *w,
		       const struct zd_action *a, int temp_mc,
		       struct zd_run_record *r, struct zd_err *err)
{
	const struct zd_board *b = zd_sim_board(sim);
	struct zd_decision d;
	struct zd_policy *pol = NULL;
	struct zd_sim_result res;
	zd_action_decision(s, a, NULL, 0, &d);
	int rc =
	    zd_policy_new("userspace", zd_sim_info(sim), &d.cpus, &pol, err);
	if (rc != 0)
		return rc;
	memcpy(pol->fixed_khz, d.khz, sizeof(pol->fixed_khz));
	start_temperatures(sim, temp_mc);
	r->nzones = b->nzones;
	for (int z = 0; z < b->nzones; z++)
		r->start_mc[z] = zd_sim_temp_mc(sim, z);
	rc = zd_sim_run(sim, w, pol, &res, NULL, NULL, err);
	zd_policy_free(pol);
	if (rc != 0)
		return rc;
	r->action = *a;
	r->nclusters = s->nclusters;
	zd_cpuset_format(&d.cpus, r->cpus, sizeof(r->cpus));
	r->makespan_s = res.makespan_s;
	r->energy_j = res.energy_j;
	r->avg_power_w = res.avg_power_w;
	r->throttled_s = res.throttled_s;
	r->cpu_energy_j = res.cpu_energy_j;
	memcpy(r->peak_mc, res.peak_mc, sizeof(r->peak_mc));
	memcpy(r->final_mc, res.final_mc, sizeof(r->final_mc));
	return 0;
}

/* ---- the sweep --------------------------------------------------------- */

struct sweep_workload {
	const struct zd_workload_info *info;
	struct zd_sim_workload profile;
};

struct zd_sweep {
	struct zd_sweep_opts o;
	struct zd_sim *sim; /* owns the board */
	struct zd_action_space space;
	struct zd_action *actions; /* the grid */
	int nactions;
	int temps_mc[ZD_SWEEP_MAX_TEMPS];
	int ntemps;
	struct zd_manifest *manifest;
	struct sweep_workload *workloads;
	int nworkloads;
	long done; /* points passed, for progress */
	/* runs made but not yet stored: simulating outside the transaction
	 * keeps the write lock short for other writers (--jobs) */
	struct zd_run_record *batch;
	int nbatch;
};

static const struct zd_sweep_temp default_temps[] = {
    {ZD_SWEEP_TEMP_AMBIENT, 0},
    {ZD_SWEEP_TEMP_MID, 0},
};

/* Resolve the temperatures on the board, dropping repeats (ambient and 25
 * on a 25 °C board are one point). */
static int resolve_temps(struct zd_sweep *sw, struct zd_err *err)
{
	if (sw->o.measure != NULL) {
		/* a real board starts as it is: one point per action */
		sw->ntemps = 1;
		return 0;
	}
	const struct zd_sweep_temp *temps =
	    sw->o.ntemps ? sw->o.temps : default_temps;
	int n = sw->o.ntemps ? sw->o.ntemps : 2;
	for (int i = 0; i < n; i++) {
		int mc,
		    rc = zd_sweep_temp_mc(zd_sim_board(sw->sim), &temps[i], &mc,
					  err);
		if (rc != 0)
			return rc;
		bool repeat = false;
		for (int j = 0; j < sw->ntemps; j++)
			repeat = repeat || sw->temps_mc[j] == mc;
		if (!repeat)
			sw->temps_mc[sw->ntemps++] = mc;
	}
	return 0;
}

static int add_workload(struct zd_sweep *sw, const struct zd_workload_info *w,
			struct zd_err *err)
{
	struct sweep_workload *sl = &sw->workloads[sw->nworkloads];
	sl->info = w;
	int rc = zd_profile_load(sw->o.workload_dir, sw->o.board, w->name,
				 &sl->profile, err);
	if (rc == 0)
		sw->nworkloads++;
	return rc;
}

static int select_workloads(struct zd_sweep *sw, struct zd_err *err)
{
	const struct zd_manifest *m = sw->manifest;
	int want = sw->o.workloads ? sw->o.nworkloads : m->count;
	sw->workloads =
	    calloc((size_t)(want > 0 ? want : 1), sizeof(*sw->workloads));
	if (sw->workloads == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	if (sw->o.workloads == NULL) {
		for (int i = 0; i < m->count; i++) {
			int rc = add_workload(sw, &m->workloads[i], err);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	for (int i = 0; i < sw->o.nworkloads; i++) {
		const char *name = sw->o.workloads[i];
		const struct zd_workload_info *w = zd_manifest_find(m, name);
		if (w == NULL)
			return zd_bad_input(
			    err,
			    "no workload named '%s' in "
			    "%s/manifest.json; `zdvfs workloads` "
			    "lists them",
			    name, zd_workload_dir(sw->o.workload_dir));
		for (int j = 0; j < sw->nworkloads; j++)
			if (sw->workloads[j].info == w)
				return zd_bad_input(err,
						    "workload '%s' is "
						    "listed twice",
						    name);
		int rc = add_workload(sw, w, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int zd_sweep_new(const struct zd_sweep_opts *o, struct zd_sweep **out,
		 struct zd_err *err)
{
	*out = NULL;
	struct zd_sweep *sw = calloc(1, sizeof(*sw));
	if (sw == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	sw->o = *o;
	if (sw->o.batch <= 0)
		sw->o.batch = ZD_SWEEP_BATCH;
	if (sw->o.backend == NULL)
		sw->o.backend = "sim";
	struct zd_board *b = NULL;
	int rc = zd_board_load(o->board, o->platform_dir, &b, err);
	if (rc == 0)
		rc = zd_sim_new(b, o->seed, &sw->sim,
				err); /* frees b on error */
	if (rc == 0) {
		zd_sim_set_noise(sw->sim, o->noise);
		rc = zd_action_space_init(&sw->space, zd_sim_board(sw->sim),
					  err);
	}
	if (rc == 0)
		rc = zd_sweep_grid(&sw->space, o->levels, &sw->actions,
				   &sw->nactions, err);
	if (rc == 0)
		rc = resolve_temps(sw, err);
	if (rc == 0)
		rc = zd_manifest_load(o->workload_dir, &sw->manifest, err);
	if (rc == 0)
		rc = select_workloads(sw, err);
	if (rc == 0 &&
	    (sw->batch = calloc((size_t)sw->o.batch, sizeof(*sw->batch))) ==
		NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc != 0) {
		zd_sweep_free(sw);
		return rc;
	}
	*out = sw;
	return 0;
}

void zd_sweep_free(struct zd_sweep *sw)
{
	if (sw == NULL)
		return;
	zd_sim_free(sw->sim);
	free(sw->actions);
	free(sw->workloads);
	free(sw->batch);
	zd_manifest_free(sw->manifest);
	free(sw);
}

int zd_sweep_nworkloads(const struct zd_sweep *sw)
{
	return sw->nworkloads;
}

const char *zd_sweep_workload_name(const struct zd_sweep *sw, int i)
{
	return sw->workloads[i].info->name;
}

long zd_sweep_points_per_workload(const struct zd_sweep *sw)
{
	return (long)sw->nactions * sw->ntemps;
}

const char *zd_sweep_board_name(const struct zd_sweep *sw)
{
	return zd_sim_board(sw->sim)->name;
}

int zd_sweep_put_board(struct zd_sweep *sw, struct zd_store *st,
		       struct zd_err *err)
{
	const struct zd_board *b = zd_sim_board(sw->sim);
	const char *path = b->path;
	char hash[ZD_SWEEP_HASH_LEN];
	int rc = zd_sweep_hash_files(&path, 1, hash, sizeof(hash), err);
	if (rc == 0)
		rc = zd_store_put_board(st, b->name, hash, err);
	return rc;
}

/* The program's row: name, hash of its sources, its code features. */
static int put_program(struct zd_sweep *sw, struct zd_store *st,
		       const struct zd_workload_info *w, struct zd_err *err)
{
	char hash[ZD_SWEEP_HASH_LEN];
	struct zd_workload_sources ws;
	zd_workload_sources(sw->o.workload_dir, w, &ws);
	struct zd_feat_request req = {.files = ws.files,
				      .nfiles = ws.nfiles,
				      .args = ws.args,
				      .nargs = ws.nargs};
	struct zd_features *f = NULL;
	char *text = NULL;
	int rc =
	    zd_sweep_hash_files(ws.files, ws.nfiles, hash, sizeof(hash), err);
	if (rc == 0)
		rc = zd_features_analyze(&req, &f, err);
	if (rc == 0) {
		json_t *j = zd_features_json(f);
		text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (text == NULL)
			rc = zd_fail(err, ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = zd_store_put_program(st, w->name, hash, text, err);
	free(text);
	zd_features_free(f);
	return rc;
}

/* The simulator for a point's run. Noise comes from one stream per
 * simulator, so with noise each run gets a fresh one seeded by the point
 * alone: a resumed sweep then draws the same numbers as an unbroken one. */
static int point_sim(struct zd_sweep *sw, uint64_t seed, struct zd_sim **sim,
		     struct zd_err *err)
{
	if (sw->o.noise <= 0) {
		*sim = sw->sim;
		return 0;
	}
	struct zd_board *b = NULL;
	int rc = zd_board_load_file(zd_sim_board(sw->sim)->path, &b, err);
	if (rc == 0)
		rc = zd_sim_new(b, seed, sim, err);
	if (rc == 0)
		zd_sim_set_noise(*sim, sw->o.noise);
	return rc;
}

static int point_key(const struct zd_sweep *sw, const struct zd_action *a,
		     int temp_mc, char *buf, size_t len)
{
	return sw->o.measure ? zd_sweep_key_asis(&sw->space, a, buf, len)
			     : zd_sweep_key(&sw->space, a, temp_mc, buf, len);
}

/* The simulator's run of a point. */
static int sim_point(struct zd_sweep *sw, const struct sweep_workload *w,
		     const struct zd_action *a, int temp_mc,
		     struct zd_run_record *r, struct zd_err *err)
{
	struct zd_sim *sim = NULL;
	int rc = point_sim(sw, r->seed, &sim, err);
	if (rc == 0)
		rc = zd_sweep_sim_point(sim, &sw->space, &w->profile, a,
					temp_mc, r, err);
	if (sim != sw->sim)
		zd_sim_free(sim);
	return rc;
}

/* Run the point into the next slot of the batch unless it is stored. */
static int run_point(struct zd_sweep *sw, struct zd_store *st,
		     const struct sweep_workload *w, const struct zd_action *a,
		     int temp_mc, bool *made, struct zd_err *err)
{
	const char *board = zd_sweep_board_name(sw);
	struct zd_run_record *r = &sw->batch[sw->nbatch];
	bool found = false;
	*made = false;
	memset(r, 0, sizeof(*r));
	if (point_key(sw, a, temp_mc, r->sweep_key, sizeof(r->sweep_key)) != 0)
		return zd_fail(err, ENAMETOOLONG, "sweep key of %s too long",
			       board);
	int rc = zd_store_has_sweep_point(
	    st, board, w->info->name, sw->o.backend, r->sweep_key, &found, err);
	if (rc != 0 || found)
		return rc;
	snprintf(r->program, sizeof(r->program), "%s", w->info->name);
	snprintf(r->board, sizeof(r->board), "%s", board);
	snprintf(r->backend, sizeof(r->backend), "%s", sw->o.backend);
	snprintf(r->policy, sizeof(r->policy), "sweep");
	r->seed = zd_sweep_seed(sw->o.seed, board, r->program, r->sweep_key);
	if (sw->o.measure != NULL)
		rc = sw->o.measure(sw->o.measure_ctx, w->info->name, a, r, err);
	else
		rc = sim_point(sw, w, a, temp_mc, r, err);
	if (rc == 0) {
		sw->nbatch++;
		*made = true;
	}
	return rc;
}

/* Store the batch in one transaction; on failure none of it. */
static int flush_batch(struct zd_sweep *sw, struct zd_store *st,
		       struct zd_sweep_stats *stats, struct zd_err *err)
{
	if (sw->nbatch == 0)
		return 0;
	int rc = zd_store_begin(st, err);
	for (int i = 0; rc == 0 && i < sw->nbatch; i++)
		rc = zd_store_add_run(st, &sw->batch[i], err);
	if (rc == 0)
		rc = zd_store_commit(st, err);
	if (rc == 0)
		stats->added += sw->nbatch;
	else
		zd_store_rollback(st);
	sw->nbatch = 0;
	return rc;
}

static void report(struct zd_sweep *sw, const char *workload,
		   const struct zd_sweep_stats *stats, bool workload_done)
{
	if (sw->o.progress == NULL)
		return;
	struct zd_sweep_progress p = {
	    .board = zd_sweep_board_name(sw),
	    .workload = workload,
	    .done = sw->done,
	    .total = zd_sweep_points_per_workload(sw) * sw->nworkloads,
	    .stats = stats,
	    .workload_done = workload_done,
	};
	sw->o.progress(sw->o.progress_ctx, &p);
}

static bool stop_asked(const struct zd_sweep *sw)
{
	return sw->o.stop != NULL && *sw->o.stop != 0;
}

/* Every point of workload w, storing every `batch` runs. */
static int sweep_points(struct zd_sweep *sw, struct zd_store *st,
			const struct sweep_workload *w,
			struct zd_sweep_stats *stats, struct zd_err *err)
{
	for (int t = 0; t < sw->ntemps; t++) {
		for (int i = 0; i < sw->nactions; i++) {
			if (stop_asked(sw))
				return ZD_SWEEP_INTERRUPTED;
			bool made = false;
			int rc = run_point(sw, st, w, &sw->actions[i],
					   sw->temps_mc[t], &made, err);
			if (rc == 0 && made && sw->nbatch == sw->o.batch)
				rc = flush_batch(sw, st, stats, err);
			if (rc != 0)
				return rc;
			sw->done++;
			if (!made)
				stats->skipped++;
			report(sw, w->info->name, stats, false);
		}
	}
	return 0;
}

int zd_sweep_workload(struct zd_sweep *sw, struct zd_store *st, int i,
		      struct zd_sweep_stats *stats, struct zd_err *err)
{
	const struct sweep_workload *w = &sw->workloads[i];
	sw->nbatch = 0;
	int rc = put_program(sw, st, w->info, err);
	if (rc == 0)
		rc = sweep_points(sw, st, w, stats, err);
	/* an interrupted batch holds finished runs: keep them */
	if (rc == 0 || rc == ZD_SWEEP_INTERRUPTED) {
		int frc = flush_batch(sw, st, stats, err);
		rc = frc != 0 ? frc : rc;
	}
	sw->nbatch = 0;
	if (rc == 0) {
		stats->workloads_done++;
		report(sw, w->info->name, stats, true);
	}
	return rc;
}

int zd_sweep_run(struct zd_sweep *sw, struct zd_store *st,
		 struct zd_sweep_stats *stats, struct zd_err *err)
{
	int rc = zd_sweep_put_board(sw, st, err);
	for (int i = 0; rc == 0 && i < sw->nworkloads; i++)
		rc = stop_asked(sw) ? ZD_SWEEP_INTERRUPTED
				    : zd_sweep_workload(sw, st, i, stats, err);
	return rc;
}
