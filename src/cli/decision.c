/* decision.c - the program, the store, the engine and how a decision and
 * an outcome are shown; shared by `zdvfs run` and `zdvfs decide`. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_json.h"
#include "decision.h"

/* FNV-1a over the sources' bytes: tells a changed program from the one the
 * store has; not a security measure. */
#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)

static int hash_sources(const char *const *files, int n, char *out, size_t len,
			struct zd_err *err)
{
	uint64_t h = FNV_OFFSET;
	for (int i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "re");
		if (f == NULL)
			return zd_bad_input(err, "cannot read source %s: %s",
					    files[i], strerror(errno));
		int c;
		while ((c = getc(f)) != EOF) {
			h ^= (uint64_t)(unsigned char)c;
			h *= FNV_PRIME;
		}
		fclose(f);
	}
	snprintf(out, len, "fnv1a64:%016llx", (unsigned long long)h);
	return 0;
}

void cli_program_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(out, len, "%s", base);
	bool cxx;
	size_t n = strlen(out), e = zd_features_source_ending(out, &cxx);
	if (e > 0 && n > e)
		out[n - e] = '\0';
}

static int features_from_store(struct cli_program *p, struct zd_store *store,
			       struct zd_err *err)
{
	char *hash = NULL, *text = NULL;
	int rc = zd_store_get_program(store, p->name, &hash, &text, err);
	if (rc == ZD_STORE_NOT_FOUND)
		return 0;
	if (rc != 0)
		return rc;
	char what[128];
	snprintf(what, sizeof(what), "the store's features of %s", p->name);
	if (text[0])
		rc = zd_features_from_text(text, what, &p->features, err);
	free(hash);
	free(text);
	return rc;
}

int cli_program_load(struct cli_program *p, const char *name,
		     const char *const *sources, int nsources,
		     const struct cli_source_opts *so, struct zd_store *store,
		     const char *cmd, struct zd_err *err)
{
	memset(p, 0, sizeof(*p));
	if (strlen(name) >= sizeof(p->name))
		return zd_bad_input(err,
				    "program name '%s' is longer than %zu "
				    "characters (use --program)",
				    name, sizeof(p->name) - 1);
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (nsources == 0)
		return store ? features_from_store(p, store, err) : 0;
	struct cli_source_opts none = {0};
	struct cli_source_plan plan;
	int rc =
	    cli_source_plan(so ? so : &none, sources, nsources, &plan, err);
	if (rc == 0)
		rc = hash_sources(sources, nsources, p->source_hash,
				  sizeof(p->source_hash), err);
	if (rc == 0)
		rc = zd_features_analyze(&plan.req, &p->features, err);
	if (rc == 0) {
		snprintf(p->options_from, sizeof(p->options_from), "%s",
			 plan.how);
		rc = cli_source_check(cmd, so ? so : &none, p->features,
				      plan.how, err);
	}
	cli_source_plan_free(&plan);
	return rc;
}

json_t *cli_program_source_json(const struct cli_program *p)
{
	if (p->features == NULL || p->source_hash[0] == '\0')
		return json_null();
	return cli_source_json(p->features, p->options_from);
}

void cli_program_free(struct cli_program *p)
{
	zd_features_free(p->features);
	p->features = NULL;
}

int cli_remember(struct zd_store *s, const struct zd_board *b,
		 const struct cli_program *p, struct zd_err *err)
{
	char board_hash[32];
	const char *path = b->path;
	int rc = hash_sources(&path, 1, board_hash, sizeof(board_hash), err);
	if (rc != 0)
		return rc;
	char *features = NULL;
	if (p->features != NULL) {
		json_t *j = zd_features_json(p->features);
		features = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (features == NULL)
			return zd_fail(err, ENOMEM, "out of memory");
	}
	if ((rc = zd_store_begin(s, err)) == 0) {
		rc = zd_store_put_board(s, b->name, board_hash, err);
		if (rc == 0 && features != NULL && p->source_hash[0] != '\0')
			rc = zd_store_put_program(s, p->name, p->source_hash,
						  features, err);
		if (rc == 0)
			rc = zd_store_commit(s, err);
		else
			zd_store_rollback(s);
	}
	free(features);
	return rc;
}

int cli_agents_path(const struct zd_board *b, const char *model_path,
		    bool qlearn, char *out, size_t len, struct zd_err *err)
{
	char model[4096];
	int rc = 0;
	if (model_path != NULL)
		snprintf(model, sizeof(model), "%s", model_path);
	else if ((rc = zd_model_default_path(model, sizeof(model), err)) != 0)
		return rc;
	char *slash = strrchr(model, '/');
	const char *dir = model;
	if (slash != NULL)
		*slash = '\0';
	else
		dir = ".";
	if ((size_t)snprintf(out, len, "%s/agents-%s%s.json", dir,
			     qlearn ? "qlearn-" : "", b->name) >= len)
		return zd_bad_input(err, "%s: path too long", dir);
	return 0;
}

int cli_engine_open(const struct zd_board *b, struct zd_store *store,
		    const struct cli_engine_opts *o, struct zd_engine **out,
		    struct zd_err *err)
{
	char agents[4200];
	struct zd_engine_opts eo = {
	    .board = b,
	    .model_path = o->model_path,
	    .store = store,
	    .guard_c = o->guard_c,
	    .zero_shot_steps = o->zero_shot_steps,
	    .no_explore = o->no_explore,
	    .seed = o->seed,
	};
	if (o->qlearn) {
		int rc = cli_agents_path(b, o->model_path, true, agents,
					 sizeof(agents), err);
		if (rc != 0)
			return rc;
		eo.agents_path = agents; /* copied by zd_engine_open */
		eo.model_free = true;
		eo.explore = true;
		eo.policy_name = "qlearn";
	}
	return zd_engine_open(&eo, out, err);
}

static int keep_newest(void *ctx, const struct zd_run_record *r)
{
	int64_t *id = ctx;
	if (r->id > *id)
		*id = r->id;
	return 0;
}

int cli_newest_run(struct zd_store *s, const char *board, const char *program,
		   const char *backend, int64_t *id, struct zd_err *err)
{
	struct zd_run_query q = {
	    .board = board,
	    .program = program,
	    .backend = backend,
	};
	*id = 0;
	return zd_store_foreach_run(s, &q, keep_newest, id, err);
}

json_t *cli_action_json(const struct zd_action_space *s,
			const struct zd_action *a, const struct zd_decision *d)
{
	char text[256], cpus[256];
	zd_action_format(s, a, text, sizeof(text));
	zd_cpuset_format(&d->cpus, cpus, sizeof(cpus));
	json_t *clusters = json_array();
	for (int c = 0; c < s->nclusters; c++)
		json_array_append_new(
		    clusters,
		    json_pack("{s:s, s:i, s:i, s:f}", "name", s->names[c],
			      "cores", a->cores[c], "level", a->level[c], "mhz",
			      d->khz[c] / 1000.0));
	return json_pack("{s:s, s:s, s:o}", "action", text, "cpus", cpus,
			 "clusters", clusters);
}

static json_t *number_or_null(bool known, double v)
{
	return known && isfinite(v) ? json_real(v) : json_null();
}

json_t *cli_outcome_json(const struct zd_board *b, const struct zd_outcome *o,
			 bool has_energy)
{
	json_t *zones = json_array();
	for (int z = 0; z < o->nzones && z < b->nzones; z++)
		json_array_append_new(zones,
				      json_pack("{s:s, s:f, s:f}", "name",
						b->zones[z].name, "peak_c",
						o->peak_c[z], "final_c",
						o->final_c[z]));
	return json_pack(
	    "{s:f, s:o, s:o, s:o, s:o}", "makespan_s", o->makespan_s,
	    "energy_j", number_or_null(has_energy, o->energy_j), "avg_power_w",
	    number_or_null(has_energy, o->avg_power_w), "hottest_c",
	    number_or_null(o->nzones > 0, o->hottest_c), "zones", zones);
}

json_t *cli_engine_decision_json(const struct zd_action_space *s,
				 const struct zd_board *b,
				 const struct zd_engine_decision *d)
{
	json_t *j = cli_action_json(s, &d->action, &d->decision);
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "predicted",
			    cli_outcome_json(b, &d->predicted, true));
	json_object_set_new(j, "zero_shot", json_boolean(d->zero_shot));
	json_object_set_new(j, "guard_override",
			    json_boolean(d->guard_override));
	json_object_set_new(j, "synthetic_steps",
			    json_integer(d->synthetic_steps));
	json_object_set_new(j, "latency_us", json_real(d->latency_us));
	json_object_set_new(j, "uncertainty",
			    json_pack("{s:f, s:f, s:f}", "sd_log_makespan",
				      d->sd_log_makespan, "sd_log_energy",
				      d->sd_log_energy, "sd_log_edp",
				      d->sd_log_edp));
	json_object_set_new(j, "unfamiliarity", json_real(d->unfamiliarity));
	json_object_set_new(j, "exploring", json_boolean(d->exploring));
	json_object_set_new(j, "expected_gain", json_real(d->expected_gain));
	json_object_set_new(j, "measured_decisions",
			    json_integer(d->measured_decisions));
	json_object_set_new(j, "best_measured", json_boolean(d->best_measured));
	return j;
}

void cli_print_action(FILE *out, json_t *action)
{
	size_t i;
	json_t *c;
	fprintf(out, "%s on cpus %s (",
		json_string_value(json_object_get(action, "action")),
		json_string_value(json_object_get(action, "cpus")));
	json_array_foreach(json_object_get(action, "clusters"), i, c) fprintf(
	    out, "%s%s %.1f MHz%s", i ? ", " : "",
	    json_string_value(json_object_get(c, "name")),
	    json_number_value(json_object_get(c, "mhz")),
	    json_integer_value(json_object_get(c, "cores")) == 0 ? " idle"
								 : "");
	fprintf(out, ")");
}

void cli_print_why(FILE *out, json_t *d)
{
	json_t *why = json_object_get(d, "why");
	if (json_is_string(why)) { /* a governor's */
		fputs(json_string_value(why), out);
		return;
	}
	long long measured =
	    json_integer_value(json_object_get(d, "measured_decisions"));
	if (json_is_true(json_object_get(d, "exploring")))
		fprintf(
		    out, "exploring: expected gain %.1f %%, ",
		    100.0 *
			json_number_value(json_object_get(d, "expected_gain")));
	else if (json_is_true(json_object_get(d, "best_measured")))
		fprintf(out, "settled: best of %lld measured decision%s, ",
			measured, measured == 1 ? "" : "s");
	else if (!json_is_true(json_object_get(d, "zero_shot")) && measured > 0)
		fprintf(out,
			"settled: best predicted after %lld measured "
			"decision%s, ",
			measured, measured == 1 ? "" : "s");
	fprintf(out, "%s, %lld synthetic steps, %.0f µs%s",
		json_is_true(json_object_get(d, "zero_shot"))
		    ? "zero-shot (no run of it known)"
		    : "learnt from its runs",
		(long long)json_integer_value(
		    json_object_get(d, "synthetic_steps")),
		json_number_value(json_object_get(d, "latency_us")),
		json_is_true(json_object_get(d, "guard_override"))
		    ? "; the thermal guard overrode the agents"
		    : "");
}

/* " (predicted X, +d%)" after a measured figure. */
static void print_versus(FILE *out, json_t *predicted, const char *key,
			 double measured, const char *unit)
{
	json_t *p = predicted ? json_object_get(predicted, key) : NULL;
	if (!json_is_number(p))
		return;
	double v = json_number_value(p);
	fprintf(out, " (predicted %.3g%s", v, unit);
	if (v != 0 && strcmp(key, "hottest_c") != 0)
		fprintf(out, ", %+.0f%%", 100.0 * (measured - v) / v);
	fprintf(out, ")");
}

void cli_print_outcome(FILE *out, json_t *outcome, json_t *predicted)
{
	double t = json_number_value(json_object_get(outcome, "makespan_s"));
	json_t *e = json_object_get(outcome, "energy_j");
	json_t *w = json_object_get(outcome, "avg_power_w");
	json_t *h = json_object_get(outcome, "hottest_c");
	fprintf(out, "makespan %.3f s", t);
	print_versus(out, predicted, "makespan_s", t, " s");
	if (json_is_number(e)) {
		fprintf(out, ", energy %.3f J", json_number_value(e));
		print_versus(out, predicted, "energy_j", json_number_value(e),
			     " J");
		fprintf(out, ", power %.2f W", json_number_value(w));
		print_versus(out, predicted, "avg_power_w",
			     json_number_value(w), " W");
	} else {
		fprintf(out, ", energy not measured");
	}
	if (json_is_number(h)) {
		fprintf(out, ", hottest %.1f °C", json_number_value(h));
		print_versus(out, predicted, "hottest_c", json_number_value(h),
			     " °C");
	} else {
		fprintf(out, ", temperature not measured");
	}
}
