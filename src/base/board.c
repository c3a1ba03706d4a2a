/* board.c - loading and validating board descriptions (platforms/NAME.json).
 * Every rejection names the file and the field path, e.g.
 * "platforms/x.json: clusters[0].opps[3].khz: ...". */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonread.h"
#include "zdvfs/board.h"
#include "zdvfs/paths.h"

#define BOARD_FORMAT "zdvfs-platform 1"

/* A constant is {"value": NUMBER, "source": TEXT[, "unit": TEXT]}. */
static int get_constant(const struct zd_jr *ld, json_t *obj, const char *where,
			const char *key, bool required, double min, double max,
			struct zd_constant *out)
{
	static const char *const keys[] = {"value", "source", "unit", NULL};
	int rc;
	json_t *v = zd_jr_member(ld, obj, where, key, required, &rc);
	if (v == NULL)
		return rc;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	if (!json_is_object(v))
		return zd_jr_bad(
		    ld, path, "must be {\"value\": NUMBER, \"source\": TEXT}");
	if ((rc = zd_jr_keys(ld, v, path, keys)) != 0)
		return rc;
	json_t *value = zd_jr_member(ld, v, path, "value", true, &rc);
	if (value == NULL)
		return rc;
	if (!json_is_number(value))
		return zd_jr_bad(ld, path, "value must be a number");
	double x = json_number_value(value);
	if (!(x >= min && x <= max))
		return zd_jr_bad(ld, path,
				 "value %g is outside the plausible %g..%g", x,
				 min, max);
	json_t *unit = json_object_get(v, "unit");
	if (unit != NULL && !json_is_string(unit))
		return zd_jr_bad(ld, path, "unit must be a string");
	if ((rc = zd_jr_string(ld, v, path, "source", true, &out->source)) != 0)
		return rc;
	out->value = x;
	out->present = true;
	return 0;
}

/* The array `key` (at least min_len entries) and a zeroed C array with room
 * for as many elements of elem_size, for its parsed contents. */
static int get_array_alloc(const struct zd_jr *ld, json_t *obj,
			   const char *where, const char *key, size_t min_len,
			   size_t elem_size, json_t **arr, void **elems)
{
	int rc = zd_jr_array_min(ld, obj, where, key, true, min_len, arr);
	if (rc != 0)
		return rc;
	*elems = calloc(json_array_size(*arr) + 1, elem_size);
	return *elems ? 0 : zd_fail(ld->err, ENOMEM, "out of memory");
}

static int get_cache(const struct zd_jr *ld, json_t *obj, const char *where,
		     const char *key, bool required, struct zd_cache_geom *out,
		     bool *present)
{
	static const char *const keys[] = {"size_kb", "assoc", "line_bytes",
					   NULL};
	json_t *c;
	int rc = (required ? zd_jr_object(ld, obj, where, key, &c)
			   : zd_jr_object_opt(ld, obj, where, key, &c));
	if (present)
		*present = c != NULL;
	if (c == NULL)
		return rc;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	long long size, assoc, line;
	if ((rc = zd_jr_keys(ld, c, path, keys)) != 0 ||
	    (rc = zd_jr_int(ld, c, path, "size_kb", 1, 1 << 20, &size)) != 0 ||
	    (rc = zd_jr_int(ld, c, path, "assoc", 1, 1024, &assoc)) != 0 ||
	    (rc = zd_jr_int(ld, c, path, "line_bytes", 8, 1024, &line)) != 0)
		return rc;
	out->size_kb = (int)size;
	out->assoc = (int)assoc;
	out->line_bytes = (int)line;
	return 0;
}

/* Simulator constants: only known names, each with its plausible range. */
struct sim_field {
	const char *name;
	double min, max;
	struct zd_constant *target;
};

static int get_sim(const struct zd_jr *ld, json_t *obj, const char *where,
		   const struct sim_field *fields, size_t nfields)
{
	json_t *sim;
	int rc = zd_jr_object_opt(ld, obj, where, "sim", &sim);
	if (sim == NULL)
		return rc;
	char path[256];
	zd_jr_path(path, sizeof(path), where, "sim");
	const char *key;
	json_t *value;
	json_object_foreach(sim, key, value)
	{
		const struct sim_field *f = NULL;
		for (size_t i = 0; i < nfields; i++)
			if (strcmp(fields[i].name, key) == 0)
				f = &fields[i];
		if (f == NULL) {
			char kpath[300];
			snprintf(kpath, sizeof(kpath), "%s.%s", path, key);
			return zd_jr_bad(ld, kpath,
					 "unknown simulator constant");
		}
		rc = get_constant(ld, sim, path, key, true, f->min, f->max,
				  f->target);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int get_cpu_list(const struct zd_jr *ld, json_t *obj, const char *where,
			const char *key, bool required, struct zd_cpuset *out,
			int *count)
{
	json_t *arr;
	int rc = zd_jr_array_min(ld, obj, where, key, required,
				 required ? 1 : 0, &arr);
	zd_cpuset_zero(out);
	*count = 0;
	if (arr == NULL)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "%s%s%s[%zu]", where,
			 where[0] ? "." : "", key, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= ZD_MAX_CPUS)
			return zd_jr_bad(ld, path, "must be a CPU number 0..%d",
					 ZD_MAX_CPUS - 1);
		int cpu = (int)json_integer_value(v);
		if (zd_cpuset_has(out, cpu))
			return zd_jr_bad(ld, path, "cpu%d is listed twice",
					 cpu);
		zd_cpuset_add(out, cpu);
		(*count)++;
	}
	return 0;
}

/* One {"khz", "uv"} operating point at `path`, rising strictly in khz and
 * never falling in uv after `prev` (NULL for the first). */
static int get_opp(const struct zd_jr *ld, json_t *v, const char *path,
		   const struct zd_opp *prev, struct zd_opp *out)
{
	static const char *const keys[] = {"khz", "uv", NULL};
	long long khz, uv;
	int rc;
	if (!json_is_object(v))
		return zd_jr_bad(ld, path, "must be {\"khz\": N, \"uv\": N}");
	if ((rc = zd_jr_keys(ld, v, path, keys)) != 0 ||
	    (rc = zd_jr_int(ld, v, path, "khz", 1000, 20000000, &khz)) != 0 ||
	    (rc = zd_jr_int(ld, v, path, "uv", 100000, 2000000, &uv)) != 0)
		return rc;
	if (prev != NULL && (uint32_t)khz <= prev->khz)
		return zd_jr_bad(ld, path,
				 "khz %lld is not above the previous %u: the "
				 "table must rise strictly",
				 khz, prev->khz);
	if (prev != NULL && (uint32_t)uv < prev->uv)
		return zd_jr_bad(ld, path,
				 "uv %lld is below the previous %u: voltage "
				 "may not fall as frequency rises",
				 uv, prev->uv);
	out->khz = (uint32_t)khz;
	out->uv = (uint32_t)uv;
	return 0;
}

/* The turbo entry: {"khz": N, "turbo": true}, the last level, above the
 * one before it; no uv of its own (it runs the bins' voltages). */
static int get_turbo_entry(const struct zd_jr *ld, json_t *v, const char *path,
			   bool last, const struct zd_opp *prev,
			   struct zd_opp *out)
{
	static const char *const keys[] = {"khz", "turbo", NULL};
	long long khz;
	int rc;
	if ((rc = zd_jr_keys(ld, v, path, keys)) != 0)
		return rc;
	if (!json_is_true(json_object_get(v, "turbo")))
		return zd_jr_bad(ld, path, "turbo must be true where given");
	if (!last || prev == NULL)
		return zd_jr_bad(ld, path,
				 "the turbo entry must be the last level, "
				 "above a non-turbo one");
	if ((rc = zd_jr_int(ld, v, path, "khz", 1000, 20000000, &khz)) != 0)
		return rc;
	if ((uint32_t)khz <= prev->khz)
		return zd_jr_bad(ld, path,
				 "khz %lld is not above the previous %u: the "
				 "table must rise strictly",
				 khz, prev->khz);
	out->khz = (uint32_t)khz;
	out->uv = 0; /* the all-core bin's, once the bins are read */
	return 0;
}

static int get_opps(const struct zd_jr *ld, json_t *cl, const char *where,
		    struct zd_cluster_desc *c)
{
	json_t *arr;
	c->turbo_level = -1;
	int rc = get_array_alloc(ld, cl, where, "opps", 1, sizeof(*c->opps),
				 &arr, (void **)&c->opps);
	if (rc != 0)
		return rc;
	size_t i, n = json_array_size(arr);
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "%s.opps[%zu]", where, i);
		const struct zd_opp *prev = i > 0 ? &c->opps[i - 1] : NULL;
		if (json_is_object(v) && json_object_get(v, "turbo") != NULL) {
			rc = get_turbo_entry(ld, v, path, i + 1 == n, prev,
					     &c->opps[i]);
			c->turbo_level = (int)i;
		} else {
			rc = get_opp(ld, v, path, prev, &c->opps[i]);
		}
		if (rc != 0)
			return rc;
		c->nopps = (int)i + 1;
	}
	return 0;
}

/* The turbo range's hardware P-states: only with a turbo entry, each above
 * the highest non-turbo level, rising, voltages not below its. */
static int get_turbo_opps(const struct zd_jr *ld, json_t *cl, const char *where,
			  struct zd_cluster_desc *c)
{
	json_t *arr;
	if (json_object_get(cl, "turbo_opps") == NULL)
		return c->turbo_level < 0
		    ? 0
		    : zd_jr_bad(ld, where,
				"a turbo entry needs turbo_opps: the "
				"P-states the package runs for it");
	if (c->turbo_level < 0)
		return zd_jr_bad(ld, where,
				 "turbo_opps without a turbo entry in opps");
	int rc = get_array_alloc(ld, cl, where, "turbo_opps", 1,
				 sizeof(*c->turbo_opps), &arr,
				 (void **)&c->turbo_opps);
	if (rc != 0)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "%s.turbo_opps[%zu]", where, i);
		/* the first follows the highest non-turbo level */
		const struct zd_opp *prev = i > 0
		    ? &c->turbo_opps[i - 1]
		    : &c->opps[c->turbo_level - 1];
		if ((rc = get_opp(ld, v, path, prev, &c->turbo_opps[i])) != 0)
			return rc;
		c->nturbo_opps = (int)i + 1;
	}
	return 0;
}

/* Turbo bins: one frequency per number of busy cores, each one of the
 * turbo P-states (an OPP of the cluster on a board without a turbo entry),
 * never rising with more cores, with where they come from. */
static int get_turbo(const struct zd_jr *ld, json_t *cl, const char *where,
		     struct zd_cluster_desc *c)
{
	json_t *arr;
	int rc = get_turbo_opps(ld, cl, where, c);
	if (rc != 0)
		return rc;
	if (json_object_get(cl, "turbo_khz") == NULL) {
		if (c->turbo_level >= 0)
			return zd_jr_bad(ld, where,
					 "a turbo entry needs turbo_khz: "
					 "the bins it runs");
		return json_object_get(cl, "turbo_source") == NULL
		    ? 0
		    : zd_jr_bad(ld, where, "turbo_source without turbo_khz");
	}
	rc = get_array_alloc(ld, cl, where, "turbo_khz", 1,
			     sizeof(*c->turbo_khz), &arr,
			     (void **)&c->turbo_khz);
	if (rc != 0)
		return rc;
	if ((int)json_array_size(arr) != c->ncpus)
		return zd_jr_bad(ld, where,
				 "turbo_khz has %zu entries for %d cpus: "
				 "one per number of busy cores",
				 json_array_size(arr), c->ncpus);
	const struct zd_opp *states =
	    c->turbo_level >= 0 ? c->turbo_opps : c->opps;
	int nstates = c->turbo_level >= 0 ? c->nturbo_opps : c->nopps;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "%s.turbo_khz[%zu]", where, i);
		if (!json_is_integer(v))
			return zd_jr_bad(ld, path, "must be an integer (kHz)");
		long long khz = json_integer_value(v);
		int at = -1;
		for (int k = 0; k < nstates; k++)
			if (states[k].khz == khz)
				at = k;
		if (at < 0)
			return zd_jr_bad(
			    ld, path,
			    "%lld kHz is not one of the "
			    "cluster's %s",
			    khz, c->turbo_level >= 0 ? "turbo_opps" : "opps");
		if (i > 0 && (uint32_t)khz > c->turbo_khz[i - 1])
			return zd_jr_bad(ld, path,
					 "%lld kHz is above the bin for "
					 "fewer cores",
					 khz);
		c->turbo_khz[i] = (uint32_t)khz;
		c->nturbo = (int)i + 1;
		/* the turbo entry's voltage: the all-core bin's */
		if (c->turbo_level >= 0 && (int)i + 1 == c->ncpus)
			c->opps[c->turbo_level].uv = states[at].uv;
	}
	return zd_jr_string(ld, cl, where, "turbo_source", true,
			    &c->turbo_source);
}

static int parse_cluster(const struct zd_jr *ld, json_t *cl, const char *where,
			 struct zd_cluster_desc *c)
{
	static const char *const keys[] = {
	    "name",        "core_type", "cpus",      "opps",
	    "opps_source", "l1i",       "l1d",       "l2",
	    "l2_shared",   "sim",       "turbo_khz", "turbo_source",
	    "turbo_opps",  NULL};
	const struct sim_field sim[] = {
	    {"ceff_nf", 0.001, 100, &c->ceff_nf},
	    {"leak_mw", 0, 50000, &c->leak_mw},
	    {"leak_doubling_c", 1, 200, &c->leak_doubling_c},
	    {"speed_rel", 0.05, 20, &c->speed_rel},
	};
	int rc;
	if (!json_is_object(cl))
		return zd_jr_bad(ld, where, "must be an object");
	if ((rc = zd_jr_keys(ld, cl, where, keys)) != 0 ||
	    (rc = zd_jr_string(ld, cl, where, "name", true, &c->name)) != 0 ||
	    (rc = zd_jr_string(ld, cl, where, "core_type", true,
			       &c->core_type)) != 0 ||
	    (rc = get_cpu_list(ld, cl, where, "cpus", true, &c->cpus,
			       &c->ncpus)) != 0 ||
	    (rc = get_opps(ld, cl, where, c)) != 0 ||
	    (rc = zd_jr_string(ld, cl, where, "opps_source", true,
			       &c->opps_source)) != 0 ||
	    (rc = get_cache(ld, cl, where, "l1i", true, &c->l1i, NULL)) != 0 ||
	    (rc = get_cache(ld, cl, where, "l1d", true, &c->l1d, NULL)) != 0 ||
	    (rc = get_cache(ld, cl, where, "l2", true, &c->l2, NULL)) != 0 ||
	    (rc = zd_jr_bool(ld, cl, where, "l2_shared", &c->l2_shared)) != 0 ||
	    (rc = get_sim(ld, cl, where, sim, sizeof(sim) / sizeof(sim[0]))) !=
		0 ||
	    (rc = get_turbo(ld, cl, where, c)) != 0)
		return rc;
	return 0;
}

static int find_cluster(const struct zd_board *b, const char *name)
{
	for (int i = 0; i < b->nclusters; i++)
		if (strcmp(b->clusters[i].name, name) == 0)
			return i;
	return -1;
}

/* An array of cluster names, resolved to indices. */
static int get_cluster_refs(const struct zd_jr *ld, const struct zd_board *b,
			    json_t *obj, const char *where, int **out, int *n)
{
	json_t *arr;
	int rc = get_array_alloc(ld, obj, where, "clusters", 0, sizeof(int),
				 &arr, (void **)out);
	if (rc != 0)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "%s.clusters[%zu]", where, i);
		int idx = json_is_string(v)
		    ? find_cluster(b, json_string_value(v))
		    : -1;
		if (idx < 0)
			return zd_jr_bad(ld, path,
					 "names no cluster of this board");
		(*out)[i] = idx;
		*n = (int)i + 1;
	}
	return 0;
}

static int parse_trip_type(const char *s, enum zd_trip_type *t)
{
	static const char *const names[] = {"passive", "active", "hot",
					    "critical"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*t = (enum zd_trip_type)i;
			return 0;
		}
	return -1;
}

static int parse_trips(const struct zd_jr *ld, json_t *zobj, const char *where,
		       struct zd_zone_desc *z)
{
	static const char *const keys[] = {"type", "temp_mc", "hyst_mc", NULL};
	json_t *arr;
	int rc = get_array_alloc(ld, zobj, where, "trips", 1, sizeof(*z->trips),
				 &arr, (void **)&z->trips);
	if (rc != 0)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "%s.trips[%zu]", where, i);
		long long t, hyst = 0;
		json_t *type;
		if (!json_is_object(v))
			return zd_jr_bad(ld, path, "must be an object");
		if ((rc = zd_jr_keys(ld, v, path, keys)) != 0 ||
		    (rc = zd_jr_int(ld, v, path, "temp_mc", 0, 200000, &t)) !=
			0)
			return rc;
		if (json_object_get(v, "hyst_mc") != NULL &&
		    (rc = zd_jr_int(ld, v, path, "hyst_mc", 0, 50000, &hyst)) !=
			0)
			return rc;
		type = zd_jr_member(ld, v, path, "type", true, &rc);
		if (type == NULL)
			return rc;
		if (!json_is_string(type) ||
		    parse_trip_type(json_string_value(type),
				    &z->trips[i].type) != 0)
			return zd_jr_bad(ld, path,
					 "type must be passive, active, hot or "
					 "critical");
		if (i > 0 && t < z->trips[i - 1].temp_mc)
			return zd_jr_bad(
			    ld, path, "temp_mc %lld is below the previous trip",
			    t);
		z->trips[i].temp_mc = (int)t;
		z->trips[i].hyst_mc = (int)hyst;
		z->ntrips = (int)i + 1;
	}
	return 0;
}

static int parse_zone(const struct zd_jr *ld, struct zd_board *b, json_t *zobj,
		      const char *where, struct zd_zone_desc *z)
{
	static const char *const keys[] = {"name",   "clusters", "trips",
					   "source", "sim",      NULL};
	const struct sim_field sim[] = {
	    {"r_k_per_w", 0.01, 100, &z->r_k_per_w},
	    {"c_j_per_k", 0.01, 10000, &z->c_j_per_k},
	    {"r_die_k_per_w", 0.001, 100, &z->r_die_k_per_w},
	    {"c_die_j_per_k", 0.001, 1000, &z->c_die_j_per_k},
	    {"r_fan_k_per_w", 0.01, 100, &z->r_fan_k_per_w},
	    {"polling_ms", 1, 60000, &z->polling_ms},
	};
	int rc;
	if (!json_is_object(zobj))
		return zd_jr_bad(ld, where, "must be an object");
	if ((rc = zd_jr_keys(ld, zobj, where, keys)) != 0 ||
	    (rc = zd_jr_string(ld, zobj, where, "name", true, &z->name)) != 0 ||
	    (rc = get_cluster_refs(ld, b, zobj, where, &z->clusters,
				   &z->nclusters)) != 0 ||
	    (rc = parse_trips(ld, zobj, where, z)) != 0 ||
	    (rc = zd_jr_string(ld, zobj, where, "source", true, &z->source)) !=
		0 ||
	    (rc = get_sim(ld, zobj, where, sim,
			  sizeof(sim) / sizeof(sim[0]))) != 0)
		return rc;
	/* the die node hangs off the heatsink node; a fan lowers the
	 * heatsink's resistance, it cannot raise it */
	if ((z->r_die_k_per_w.present || z->c_die_j_per_k.present ||
	     z->r_fan_k_per_w.present) &&
	    !(z->r_k_per_w.present && z->c_j_per_k.present))
		return zd_jr_bad(ld, where,
				 "sim: r_die_k_per_w, c_die_j_per_k and "
				 "r_fan_k_per_w need r_k_per_w and c_j_per_k");
	if (z->r_die_k_per_w.present != z->c_die_j_per_k.present)
		return zd_jr_bad(ld, where,
				 "sim: r_die_k_per_w and c_die_j_per_k go "
				 "together");
	if (z->r_fan_k_per_w.present &&
	    z->r_fan_k_per_w.value >= z->r_k_per_w.value)
		return zd_jr_bad(ld, where,
				 "sim.r_fan_k_per_w: %g K/W is not below "
				 "r_k_per_w %g K/W",
				 z->r_fan_k_per_w.value, z->r_k_per_w.value);
	return 0;
}

static int parse_energy_kind(const char *s, enum zd_energy_kind *k)
{
	for (int i = ZD_ENERGY_NONE; i <= ZD_ENERGY_RAPL; i++)
		if (strcmp(s, zd_energy_kind_name((enum zd_energy_kind)i)) ==
		    0) {
			*k = (enum zd_energy_kind)i;
			return 0;
		}
	return -1;
}

static int parse_energy(const struct zd_jr *ld, struct zd_board *b,
			json_t *root)
{
	static const char *const keys[] = {"kind", "rails", "sample_period_us",
					   "source", NULL};
	static const char *const rail_keys[] = {"name", "clusters", NULL};
	struct zd_energy_desc *e = &b->energy;
	json_t *obj, *kind, *rails;
	int rc = zd_jr_object(ld, root, "", "energy", &obj);
	if (rc != 0)
		return rc;
	if ((rc = zd_jr_keys(ld, obj, "energy", keys)) != 0)
		return rc;
	kind = zd_jr_member(ld, obj, "energy", "kind", true, &rc);
	if (kind == NULL)
		return rc;
	if (!json_is_string(kind) ||
	    parse_energy_kind(json_string_value(kind), &e->kind) != 0)
		return zd_jr_bad(
		    ld, "energy.kind",
		    "must be ina3221-iio, ina3221-hwmon, rapl or none");
	if ((rc = zd_jr_string(ld, obj, "energy", "source", true,
			       &e->source)) != 0 ||
	    (rc = get_constant(ld, obj, "energy", "sample_period_us",
			       e->kind != ZD_ENERGY_NONE, 1, 1e7,
			       &e->sample_period_us)) != 0 ||
	    (rc = zd_jr_array_min(ld, obj, "energy", "rails", true,
				  e->kind != ZD_ENERGY_NONE, &rails)) != 0)
		return rc;
	e->rails = calloc(json_array_size(rails) + 1, sizeof(*e->rails));
	if (e->rails == NULL)
		return zd_fail(ld->err, ENOMEM, "out of memory");
	size_t i;
	json_t *v;
	json_array_foreach(rails, i, v)
	{
		char path[256];
		snprintf(path, sizeof(path), "energy.rails[%zu]", i);
		struct zd_rail_desc *r = &e->rails[i];
		e->nrails = (int)i + 1;
		if (!json_is_object(v))
			return zd_jr_bad(ld, path, "must be an object");
		if ((rc = zd_jr_keys(ld, v, path, rail_keys)) != 0 ||
		    (rc = zd_jr_string(ld, v, path, "name", true, &r->name)) !=
			0 ||
		    (rc = get_cluster_refs(ld, b, v, path, &r->clusters,
					   &r->nclusters)) != 0)
			return rc;
	}
	return 0;
}

static int parse_clusters(const struct zd_jr *ld, struct zd_board *b,
			  json_t *root)
{
	json_t *arr;
	int rc =
	    get_array_alloc(ld, root, "", "clusters", 1, sizeof(*b->clusters),
			    &arr, (void **)&b->clusters);
	if (rc != 0)
		return rc;
	struct zd_cpuset seen;
	zd_cpuset_zero(&seen);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[64];
		snprintf(path, sizeof(path), "clusters[%zu]", i);
		struct zd_cluster_desc *c = &b->clusters[i];
		b->nclusters = (int)i + 1;
		if ((rc = parse_cluster(ld, v, path, c)) != 0)
			return rc;
		if (find_cluster(b, c->name) != (int)i)
			return zd_jr_bad(ld, path,
					 "cluster name '%s' is used twice",
					 c->name);
		for (int cpu = zd_cpuset_first(&c->cpus); cpu >= 0;
		     cpu = zd_cpuset_next(&c->cpus, cpu)) {
			if (zd_cpuset_has(&seen, cpu))
				return zd_jr_bad(
				    ld, path,
				    "cpus: cpu%d is already in another "
				    "cluster",
				    cpu);
			zd_cpuset_add(&seen, cpu);
		}
	}
	for (int cpu = zd_cpuset_first(&b->reserved_cpus); cpu >= 0;
	     cpu = zd_cpuset_next(&b->reserved_cpus, cpu))
		if (!zd_cpuset_has(&seen, cpu))
			return zd_jr_bad(ld, "reserved_cpus",
					 "cpu%d is in no cluster", cpu);
	return 0;
}

static int parse_zones(const struct zd_jr *ld, struct zd_board *b, json_t *root)
{
	json_t *arr;
	int rc = get_array_alloc(ld, root, "", "thermal_zones", 1,
				 sizeof(*b->zones), &arr, (void **)&b->zones);
	if (rc != 0)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[64];
		snprintf(path, sizeof(path), "thermal_zones[%zu]", i);
		b->nzones = (int)i + 1;
		if ((rc = parse_zone(ld, b, v, path, &b->zones[i])) != 0)
			return rc;
	}
	return 0;
}

static bool valid_board_name(const char *s)
{
	if (s[0] == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

/* The file's base name without ".json", for the name check. */
static void stem_of(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(out, len, "%s", base);
	char *dot = strrchr(out, '.');
	if (dot != NULL && strcmp(dot, ".json") == 0)
		*dot = '\0';
}

static int parse_board(const struct zd_jr *ld, struct zd_board *b, json_t *root)
{
	static const char *const keys[] = {"format",        "name",
					   "model",         "description",
					   "reserved_cpus", "default_governor",
					   "clusters",      "l3",
					   "caches_source", "thermal_zones",
					   "energy",        "tdp_mw",
					   "sim",           NULL};
	const struct sim_field sim[] = {
	    {"ambient_mc", 0, 60000, &b->ambient_mc},
	    {"idle_power_mw", 0, 200000, &b->idle_power_mw},
	    {"mem_bandwidth_mbps", 100, 1e6, &b->mem_bandwidth_mbps},
	    {"mem_latency_ns", 1, 2000, &b->mem_latency_ns},
	    {"uncore_latency_cycles", 0, 10000, &b->uncore_latency_cycles},
	    {"coupling_w_per_k", 0, 1000, &b->coupling_w_per_k},
	    {"pl1_mw", 100, 1e6, &b->pl1_mw},
	    {"pl2_mw", 100, 1e6, &b->pl2_mw},
	    {"pl_tau_s", 0.1, 1000, &b->pl_tau_s},
	};
	char *format = NULL;
	int nreserved, rc;
	if (!json_is_object(root))
		return zd_jr_bad(ld, "(top level)", "must be a JSON object");
	if ((rc = zd_jr_keys(ld, root, "", keys)) != 0 ||
	    (rc = zd_jr_string(ld, root, "", "format", true, &format)) != 0)
		return rc;
	rc = strcmp(format, BOARD_FORMAT) == 0
	    ? 0
	    : zd_jr_bad(ld, "format", "'%s' is not '%s'", format, BOARD_FORMAT);
	free(format);
	if (rc != 0)
		return rc;
	if ((rc = zd_jr_string(ld, root, "", "name", true, &b->name)) != 0)
		return rc;
	char stem[256];
	stem_of(ld->what, stem, sizeof(stem));
	if (!valid_board_name(b->name))
		return zd_jr_bad(ld, "name",
				 "'%s' must be lower-case [a-z0-9-]", b->name);
	if (strcmp(stem, b->name) != 0)
		return zd_jr_bad(ld, "name",
				 "'%s' differs from the file name '%s'",
				 b->name, stem);
	if ((rc = zd_jr_string(ld, root, "", "model", true, &b->model)) != 0 ||
	    (rc = zd_jr_string(ld, root, "", "description", true,
			       &b->description)) != 0 ||
	    (rc = zd_jr_string(ld, root, "", "default_governor", true,
			       &b->default_governor)) != 0 ||
	    (rc = get_cpu_list(ld, root, "", "reserved_cpus", false,
			       &b->reserved_cpus, &nreserved)) != 0 ||
	    (rc = parse_clusters(ld, b, root)) != 0 ||
	    (rc = get_cache(ld, root, "", "l3", false, &b->l3, &b->has_l3)) !=
		0 ||
	    (rc = zd_jr_string(ld, root, "", "caches_source", true,
			       &b->caches_source)) != 0 ||
	    (rc = parse_zones(ld, b, root)) != 0 ||
	    (rc = parse_energy(ld, b, root)) != 0 ||
	    (rc = get_constant(ld, root, "", "tdp_mw", true, 100, 1e6,
			       &b->tdp_mw)) != 0 ||
	    (rc = get_sim(ld, root, "", sim, sizeof(sim) / sizeof(sim[0]))) !=
		0)
		return rc;
	/* RAPL's limits come as a set: PL1 over tau, PL2 above it */
	if (b->pl1_mw.present || b->pl2_mw.present || b->pl_tau_s.present) {
		if (!(b->pl1_mw.present && b->pl2_mw.present &&
		      b->pl_tau_s.present))
			return zd_jr_bad(ld, "sim",
					 "pl1_mw, pl2_mw and pl_tau_s go "
					 "together");
		if (b->pl2_mw.value < b->pl1_mw.value)
			return zd_jr_bad(ld, "sim.pl2_mw",
					 "%g mW is below pl1_mw "
					 "%g mW",
					 b->pl2_mw.value, b->pl1_mw.value);
	}
	return 0;
}

int zd_board_load_file(const char *path, struct zd_board **out,
		       struct zd_err *err)
{
	*out = NULL;
	json_t *root = NULL;
	int rc = zd_jr_load(path, ZD_JR_SMALL_MAX, JSON_REJECT_DUPLICATES,
			    &root, err);
	if (rc != 0)
		return rc;
	struct zd_board *b = calloc(1, sizeof(*b));
	struct zd_jr ld = {.what = path, .err = err};
	rc = b ? 0 : zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0) {
		b->path = strdup(path);
		rc = b->path ? parse_board(&ld, b, root)
			     : zd_fail(err, ENOMEM, "out of memory");
	}
	json_decref(root);
	if (rc != 0) {
		zd_board_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

const char *zd_board_dir(const char *dir)
{
	if (dir != NULL && dir[0] != '\0')
		return dir;
	return zd_data_dir(ZD_DATA_PLATFORMS);
}

int zd_board_load(const char *name, const char *dir, struct zd_board **out,
		  struct zd_err *err)
{
	*out = NULL;
	if (!valid_board_name(name))
		return zd_bad_input(err,
				    "'%s' is not a board name (see `zdvfs "
				    "platforms`)",
				    name);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s.json", zd_board_dir(dir), name);
	FILE *probe = fopen(path, "r");
	if (probe == NULL)
		return zd_bad_input(err,
				    "no board named '%s' (%s: %s); `zdvfs "
				    "platforms` lists the boards",
				    name, path, strerror(errno));
	fclose(probe);
	return zd_board_load_file(path, out, err);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int zd_board_list(const char *dir, char ***names, int *count,
		  struct zd_err *err)
{
	const char *d = zd_board_dir(dir);
	*names = NULL;
	*count = 0;
	DIR *dh = opendir(d);
	if (dh == NULL)
		return zd_fail(err, errno, "cannot list boards in %s: %s", d,
			       strerror(errno));
	char **list = NULL;
	int n = 0, rc = 0;
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		char stem[256];
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		stem_of(de->d_name, stem, sizeof(stem));
		char **grown = realloc(list, (size_t)(n + 1) * sizeof(*list));
		if (grown == NULL || (grown[n] = strdup(stem)) == NULL) {
			list = grown ? grown : list;
			rc = zd_fail(err, ENOMEM, "out of memory");
			break;
		}
		list = grown;
		n++;
	}
	closedir(dh);
	if (rc != 0) {
		zd_board_names_free(list, n);
		return rc;
	}
	qsort(list, (size_t)n, sizeof(*list), compare_names);
	*names = list;
	*count = n;
	return 0;
}

void zd_board_names_free(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static void free_constant(struct zd_constant *c)
{
	free(c->source);
}

void zd_board_free(struct zd_board *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < b->nclusters; i++) {
		struct zd_cluster_desc *c = &b->clusters[i];
		free(c->name);
		free(c->core_type);
		free(c->opps);
		free(c->opps_source);
		free(c->turbo_khz);
		free(c->turbo_source);
		free(c->turbo_opps);
		free_constant(&c->ceff_nf);
		free_constant(&c->leak_mw);
		free_constant(&c->leak_doubling_c);
		free_constant(&c->speed_rel);
	}
	free(b->clusters);
	for (int i = 0; i < b->nzones; i++) {
		struct zd_zone_desc *z = &b->zones[i];
		free(z->name);
		free(z->clusters);
		free(z->trips);
		free(z->source);
		free_constant(&z->r_k_per_w);
		free_constant(&z->c_j_per_k);
		free_constant(&z->r_die_k_per_w);
		free_constant(&z->c_die_j_per_k);
		free_constant(&z->r_fan_k_per_w);
		free_constant(&z->polling_ms);
	}
	free(b->zones);
	for (int i = 0; i < b->energy.nrails; i++) {
		free(b->energy.rails[i].name);
		free(b->energy.rails[i].clusters);
	}
	free(b->energy.rails);
	free(b->energy.source);
	free_constant(&b->energy.sample_period_us);
	free_constant(&b->tdp_mw);
	free_constant(&b->ambient_mc);
	free_constant(&b->idle_power_mw);
	free_constant(&b->mem_bandwidth_mbps);
	free_constant(&b->mem_latency_ns);
	free_constant(&b->uncore_latency_cycles);
	free_constant(&b->coupling_w_per_k);
	free_constant(&b->pl1_mw);
	free_constant(&b->pl2_mw);
	free_constant(&b->pl_tau_s);
	free(b->caches_source);
	free(b->path);
	free(b->name);
	free(b->model);
	free(b->description);
	free(b->default_governor);
	free(b);
}

const char *zd_trip_type_name(enum zd_trip_type type)
{
	switch (type) {
	case ZD_TRIP_PASSIVE: return "passive";
	case ZD_TRIP_ACTIVE: return "active";
	case ZD_TRIP_HOT: return "hot";
	case ZD_TRIP_CRITICAL: return "critical";
	}
	return "?";
}

const char *zd_energy_kind_name(enum zd_energy_kind kind)
{
	switch (kind) {
	case ZD_ENERGY_NONE: return "none";
	case ZD_ENERGY_INA3221_IIO: return "ina3221-iio";
	case ZD_ENERGY_INA3221_HWMON: return "ina3221-hwmon";
	case ZD_ENERGY_RAPL: return "rapl";
	}
	return "?";
}

struct zd_opp zd_cluster_run_opp(const struct zd_cluster_desc *c, int level,
				 int busy)
{
	if (level < 0)
		level = 0;
	if (level >= c->nopps)
		level = c->nopps - 1;
	if (level != c->turbo_level || c->nturbo == 0)
		return c->opps[level];
	if (busy < 1 || busy > c->nturbo)
		busy = c->nturbo;
	struct zd_opp run = c->opps[level];
	for (int k = 0; k < c->nturbo_opps; k++)
		if (c->turbo_opps[k].khz == c->turbo_khz[busy - 1])
			run = c->turbo_opps[k];
	return run;
}

int zd_zone_throttle_mc(const struct zd_zone_desc *zone)
{
	for (int i = 0; i < zone->ntrips; i++)
		if (zone->trips[i].type == ZD_TRIP_PASSIVE)
			return zone->trips[i].temp_mc;
	return -1;
}

/* A zone without a passive trip still needs a point the model scales heat
 * against; 60 K above ambient is a conservative die limit. */
double zd_zone_throttle_c(const struct zd_board *b, int zone)
{
	double ambient_c = b->ambient_mc.value * 1e-3;
	int trip_mc = zd_zone_throttle_mc(&b->zones[zone]);
	double c = trip_mc > 0 ? trip_mc * 1e-3 : ambient_c + 60;
	return c < ambient_c + 5 ? ambient_c + 5 : c;
}

bool zd_zone_modelled(const struct zd_zone_desc *zone)
{
	return zone->nclusters > 0 && zone->r_k_per_w.present &&
	    zone->c_j_per_k.present;
}

/* 5 K below the first throttle point leaves the guard room to act before
 * the kernel does. */
double zd_board_limit_c(const struct zd_board *b)
{
	double lowest = 1e9;
	for (int z = 0; z < b->nzones; z++) {
		double c = zd_zone_throttle_c(b, z);
		if (zd_zone_modelled(&b->zones[z]) && c < lowest)
			lowest = c;
	}
	return lowest < 1e9 ? lowest - 5.0 : 85.0;
}
