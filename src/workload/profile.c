/* profile.c - a measured workload profile (docs/profile-format.md) turned
 * into what the simulator executes, at the profile's standard size. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "zdvfs/workload.h"

#define PROFILE_FORMAT "zdvfs-profile 1"

/* Follow a dotted path of object keys ("scaling.counters.instructions");
 * NULL if any step is missing. */
static json_t *at(json_t *root, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *v = root;
	char *save = NULL;
	for (char *key = strtok_r(buf, ".", &save); key && v;
	     key = strtok_r(NULL, ".", &save))
		v = json_object_get(v, key);
	return v;
}

static int number_at(const char *file, json_t *root, const char *path,
		     double *out, struct zd_err *err)
{
	json_t *v = at(root, path);
	if (!json_is_number(v) || !(json_number_value(v) >= 0))
		return zd_bad_input(err, "%s: %s: missing or not a number >= 0",
				    file, path);
	*out = json_number_value(v);
	return 0;
}

/* DRAM traffic at the standard size, averaged over the clusters weighted by
 * their use is not known here: take the mean over clusters. Where the
 * profile says its LL extrapolation crosses a cache capacity, the data
 * touched (the footprint) bounds the traffic from below. */
static int dram_bytes(const char *file, json_t *root, double footprint,
		      double accesses, double *out, struct zd_err *err)
{
	json_t *clusters = json_object_get(root, "clusters");
	if (!json_is_array(clusters) || json_array_size(clusters) == 0)
		return zd_bad_input(err, "%s: clusters: missing", file);
	double sum = 0;
	size_t i;
	json_t *c;
	json_array_foreach(clusters, i, c)
	{
		double misses = 0, line = 0; /* set by number_at on success */
		int rc =
		    number_at(file, c, "scaling.counters.ll_misses.standard",
			      &misses, err);
		if (rc == 0)
			rc =
			    number_at(file, c, "caches.simulated.ll.line_bytes",
				      &line, err);
		if (rc != 0)
			return rc;
		/* a miss is an access that missed: more misses than accesses
		 * is a broken measurement or extrapolation, not a workload */
		if (misses > accesses)
			return zd_bad_input(
			    err,
			    "%s: clusters[%zu].scaling.counters."
			    "ll_misses.standard: %.3g misses for "
			    "%.3g accesses; regenerate the profile",
			    file, i, misses, accesses);
		double bytes = misses * line;
		json_t *ok = at(c, "scaling.ll_fit.extrapolation_reliable");
		if (json_is_false(ok) && footprint > bytes)
			bytes = footprint;
		sum += bytes;
	}
	*out = sum / (double)json_array_size(clusters);
	return 0;
}

static int check_identity(const char *file, json_t *root, const char *board,
			  const char *workload, struct zd_err *err)
{
	const char *format = json_string_value(json_object_get(root, "format"));
	const char *b = json_string_value(json_object_get(root, "board"));
	const char *w = json_string_value(json_object_get(root, "workload"));
	if (format == NULL || strcmp(format, PROFILE_FORMAT) != 0)
		return zd_bad_input(err, "%s: format: not '%s'", file,
				    PROFILE_FORMAT);
	if (b == NULL || strcmp(b, board) != 0 || w == NULL ||
	    strcmp(w, workload) != 0)
		return zd_bad_input(err,
				    "%s: board/workload fields say %s/%s, not "
				    "%s/%s",
				    file, b ? b : "?", w ? w : "?", board,
				    workload);
	return 0;
}

static int fill(const char *file, json_t *root, struct zd_sim_workload *w,
		struct zd_err *err)
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
	if ((rc =
		 number_at(file, root, "scaling.counters.instructions.standard",
			   &w->instructions, err)) != 0 ||
	    (rc = number_at(file, root,
			    "scaling.counters.footprint_bytes.standard",
			    &footprint, err)) != 0 ||
	    (rc = number_at(file, root, "scaling.counters.data_reads.standard",
			    &reads, err)) != 0 ||
	    (rc = number_at(file, root, "scaling.counters.data_writes.standard",
			    &writes, err)) != 0 ||
	    (rc = dram_bytes(file, root, footprint,
			     w->instructions + reads + writes, &w->dram_bytes,
			     err)) != 0 ||
	    (rc = number_at(file, root,
			    "parallel.scaling.counters.work_s.standard", &work,
			    err)) != 0 ||
	    (rc = number_at(file, root,
			    "parallel.scaling.counters.span_s.standard", &span,
			    err)) != 0 ||
	    (rc = number_at(file, root,
			    "parallel.scaling.counters.serial_s.standard",
			    &serial, err)) != 0 ||
	    (rc = number_at(file, root,
			    "parallel.scaling.counters.barriers.standard",
			    &w->barriers, err)) != 0 ||
	    (rc = number_at(file, root,
			    "parallel.scaling.counters.tasks_created.standard",
			    &w->tasks_created, err)) != 0)
		return rc;
	if (kind == NULL || (strcmp(kind, "tasks") && strcmp(kind, "loops")))
		return zd_bad_input(
		    err, "%s: parallel_style: not tasks or loops", file);
	w->tasks = strcmp(kind, "tasks") == 0;
	/* The part that cannot spread over cores: the critical path (which
	 * includes the time outside parallel regions). */
	w->serial_fraction =
	    work > 0 ? fmin(1.0, fmax(span, serial) / work) : 1.0;
	/* Imbalance measured at the largest size, with 2 threads. */
	json_t *sizes = at(root, "parallel.sizes");
	json_t *last = json_array_get(sizes, json_array_size(sizes) - 1);
	json_t *imb = at(last, "imbalance.slowest_over_mean");
	if (json_is_number(imb))
		slowest = json_number_value(imb);
	w->imbalance = slowest > 1.0 ? slowest - 1.0 : 0.0;
	if (!(w->instructions > 0))
		return zd_bad_input(err, "%s: no instructions measured", file);
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
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (root == NULL)
		return zd_bad_input(err, "%s:%d: %s", path, jerr.line,
				    jerr.text);
	int rc = check_identity(path, root, board, workload, err);
	if (rc == 0)
		rc = fill(path, root, out, err);
	json_decref(root);
	if (rc == 0)
		snprintf(out->name, sizeof(out->name), "%s", workload);
	return rc;
}

int zd_profile_load_file(const char *path, const char *board,
			 struct zd_sim_workload *out, struct zd_err *err)
{
	memset(out, 0, sizeof(*out));
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (root == NULL)
		return zd_bad_input(err, "%s:%d: %s", path, jerr.line,
				    jerr.text);
	const char *format = json_string_value(json_object_get(root, "format"));
	const char *b = json_string_value(json_object_get(root, "board"));
	const char *w = json_string_value(json_object_get(root, "workload"));
	int rc = 0;
	if (format == NULL || strcmp(format, PROFILE_FORMAT) != 0)
		rc = zd_bad_input(err, "%s: format: not '%s'", path,
				  PROFILE_FORMAT);
	else if (w == NULL || w[0] == '\0')
		rc = zd_bad_input(err, "%s: no workload name", path);
	/* the clusters' cache counts are the board's own: another board's
	 * profile would simulate the wrong caches */
	else if (b == NULL || strcmp(b, board) != 0)
		rc =
		    zd_bad_input(err,
				 "%s: a profile for board '%s', not '%s' "
				 "(`zdvfs characterize --boards %s` makes one)",
				 path, b ? b : "?", board, board);
	if (rc == 0)
		rc = fill(path, root, out, err);
	if (rc == 0)
		snprintf(out->name, sizeof(out->name), "%s", w);
	json_decref(root);
	return rc;
}
