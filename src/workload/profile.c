/* profile.c - a measured workload profile (docs/profile-format.md) turned
 * into what the simulator executes, at the profile's standard size. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/jsonread.h"
#include "zdvfs/workload.h"

#define PROFILE_FORMAT "zdvfs-profile 1"

/* A measured count: a number >= 0 at a dotted path below `where`. */
static int number_at(const struct zd_jr *v, const json_t *obj,
		     const char *where, const char *dotted, double *out)
{
	return zd_jr_number_at(v, obj, where, dotted, 0, INFINITY, out);
}

/* DRAM traffic at the standard size, averaged over the clusters weighted by
 * their use is not known here: take the mean over clusters. Where the
 * profile says its LL extrapolation crosses a cache capacity, the data
 * touched (the footprint) bounds the traffic from below. */
static int dram_bytes(const struct zd_jr *v, json_t *root, double footprint,
		      double accesses, double *out)
{
	json_t *clusters;
	int rc = zd_jr_array_min(v, root, "", "clusters", true, 1, &clusters);
	if (rc != 0)
		return rc;
	double sum = 0;
	size_t i;
	json_t *c;
	json_array_foreach(clusters, i, c)
	{
		char where[64];
		zd_jr_index(where, sizeof(where), "clusters", i);
		double misses = 0, line = 0; /* set by number_at on success */
		rc = number_at(v, c, where,
			       "scaling.counters.ll_misses.standard", &misses);
		if (rc == 0)
			rc = number_at(v, c, where,
				       "caches.simulated.ll.line_bytes", &line);
		if (rc != 0)
			return rc;
		/* a miss is an access that missed: more misses than accesses
		 * is a broken measurement or extrapolation, not a workload */
		if (misses > accesses)
			return zd_bad_input(
			    v->err,
			    "%s: clusters[%zu].scaling.counters."
			    "ll_misses.standard: %.3g misses for "
			    "%.3g accesses; regenerate the profile",
			    v->what, i, misses, accesses);
		double bytes = misses * line;
		json_t *ok =
		    zd_jr_at(c, "scaling.ll_fit.extrapolation_reliable");
		if (json_is_false(ok) && footprint > bytes)
			bytes = footprint;
		sum += bytes;
	}
	*out = sum / (double)json_array_size(clusters);
	return 0;
}

static int check_identity(const struct zd_jr *v, json_t *root,
			  const char *board, const char *workload)
{
	const char *format = NULL, *b = NULL, *w = NULL;
	int rc = zd_jr_text(v, root, "", "format", true, &format);
	if (rc != 0)
		return rc;
	if (strcmp(format, PROFILE_FORMAT) != 0)
		return zd_jr_bad(v, "format", "'%s', not '%s'", format,
				 PROFILE_FORMAT);
	if ((rc = zd_jr_text(v, root, "", "board", true, &b)) != 0 ||
	    (rc = zd_jr_text(v, root, "", "workload", true, &w)) != 0)
		return rc;
	if (strcmp(b, board) != 0 || strcmp(w, workload) != 0)
		return zd_bad_input(v->err,
				    "%s: board/workload fields say %s/%s, not "
				    "%s/%s",
				    v->what, b, w, board, workload);
	return 0;
}

static int fill(const struct zd_jr *v, json_t *root, struct zd_sim_workload *w)
{
	/* Zeros only for the compiler: every path that reads one set it. */
	double work = 0, span = 0, serial = 0, footprint = 0, reads = 0,
	       writes = 0, slowest = 1.0;
	/* the parallel style; profiles written before kinds other than
	 * tasks/loops existed carry it in "kind" */
	const char *kind =
	    json_string_value(json_object_get(root, "parallel_style"));
	if (kind == NULL)
		kind = json_string_value(json_object_get(root, "kind"));
	int rc;
	if ((rc = number_at(v, root, "",
			    "scaling.counters.instructions.standard",
			    &w->instructions)) != 0 ||
	    (rc = number_at(v, root, "",
			    "scaling.counters.footprint_bytes.standard",
			    &footprint)) != 0 ||
	    (rc = number_at(v, root, "", "scaling.counters.data_reads.standard",
			    &reads)) != 0 ||
	    (rc =
		 number_at(v, root, "", "scaling.counters.data_writes.standard",
			   &writes)) != 0 ||
	    (rc = dram_bytes(v, root, footprint,
			     w->instructions + reads + writes,
			     &w->dram_bytes)) != 0 ||
	    (rc = number_at(v, root, "",
			    "parallel.scaling.counters.work_s.standard",
			    &work)) != 0 ||
	    (rc = number_at(v, root, "",
			    "parallel.scaling.counters.span_s.standard",
			    &span)) != 0 ||
	    (rc = number_at(v, root, "",
			    "parallel.scaling.counters.serial_s.standard",
			    &serial)) != 0 ||
	    (rc = number_at(v, root, "",
			    "parallel.scaling.counters.barriers.standard",
			    &w->barriers)) != 0 ||
	    (rc = number_at(v, root, "",
			    "parallel.scaling.counters.tasks_created.standard",
			    &w->tasks_created)) != 0)
		return rc;
	if (kind == NULL || (strcmp(kind, "tasks") && strcmp(kind, "loops")))
		return zd_jr_bad(v, "parallel_style", "not tasks or loops");
	w->tasks = strcmp(kind, "tasks") == 0;
	/* The part that cannot spread over cores: the critical path (which
	 * includes the time outside parallel regions). */
	w->serial_fraction =
	    work > 0 ? fmin(1.0, fmax(span, serial) / work) : 1.0;
	/* Imbalance measured at the largest size, with 2 threads. */
	json_t *sizes = zd_jr_at(root, "parallel.sizes");
	json_t *last = json_array_get(sizes, json_array_size(sizes) - 1);
	json_t *imb = zd_jr_at(last, "imbalance.slowest_over_mean");
	if (json_is_number(imb))
		slowest = json_number_value(imb);
	w->imbalance = slowest > 1.0 ? slowest - 1.0 : 0.0;
	if (!(w->instructions > 0))
		return zd_bad_input(v->err, "%s: no instructions measured",
				    v->what);
	return 0;
}

int zd_profile_load(const char *dir, const char *board, const char *workload,
		    struct zd_sim_workload *out, struct zd_err *err)
{
	char path[PATH_MAX];
	memset(out, 0, sizeof(*out));
	for (const char *p = workload; *p; p++)
		if (*p == '/' || *p == '.')
			return zd_bad_input(err, "'%s' is not a workload name",
					    workload);
	if (!zd_profile_path(dir, board, workload, path, sizeof(path)))
		return zd_bad_input(err,
				    "no profile of workload '%s' for board "
				    "'%s' (%s); `zdvfs workloads` lists them",
				    workload, board, path);
	json_t *root = NULL;
	int rc = zd_jr_load(path, ZD_JR_SMALL_MAX, 0, &root, err);
	if (rc != 0)
		return rc;
	struct zd_jr v = {.what = path, .err = err};
	rc = check_identity(&v, root, board, workload);
	if (rc == 0)
		rc = fill(&v, root, out);
	json_decref(root);
	if (rc == 0)
		snprintf(out->name, sizeof(out->name), "%s", workload);
	return rc;
}

int zd_profile_load_file(const char *path, const char *board,
			 struct zd_sim_workload *out, struct zd_err *err)
{
	memset(out, 0, sizeof(*out));
	json_t *root = NULL;
	int rc = zd_jr_load(path, ZD_JR_SMALL_MAX, 0, &root, err);
	if (rc != 0)
		return rc;
	struct zd_jr v = {.what = path, .err = err};
	const char *format = json_string_value(json_object_get(root, "format"));
	const char *b = json_string_value(json_object_get(root, "board"));
	const char *w = json_string_value(json_object_get(root, "workload"));
	if (format == NULL || strcmp(format, PROFILE_FORMAT) != 0)
		rc = zd_bad_input(err, "%s: format: not '%s'", path,
				  PROFILE_FORMAT);
	else if (w == NULL || w[0] == '\0')
		rc = zd_bad_input(err, "%s: workload: missing", path);
	/* the clusters' cache counts are the board's own: another board's
	 * profile would simulate the wrong caches */
	else if (b == NULL || strcmp(b, board) != 0)
		rc =
		    zd_bad_input(err,
				 "%s: a profile for board '%s', not '%s' "
				 "(`zdvfs characterize --boards %s` makes one)",
				 path, b ? b : "?", board, board);
	if (rc == 0)
		rc = fill(&v, root, out);
	if (rc == 0)
		snprintf(out->name, sizeof(out->name), "%s", w);
	json_decref(root);
	return rc;
}

int zd_profile_source(const char *path, char *out, size_t len,
		      struct zd_err *err)
{
	json_t *root = NULL;
	int rc = zd_jr_load(path, ZD_JR_SMALL_MAX, 0, &root, err);
	if (rc != 0)
		return rc;
	json_t *s = json_object_get(root, "source");
	if (s != NULL && !json_is_string(s))
		rc = zd_bad_input(err, "%s: source: not a string", path);
	else if (snprintf(out, len, "%s", s ? json_string_value(s) : "") >=
		 (int)len)
		rc = zd_bad_input(err, "%s: source: too long", path);
	json_decref(root);
	return rc;
}
