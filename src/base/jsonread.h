/* jsonread.h - the one strict JSON reader (internal: it speaks jansson):
 * loading a file or a text with a size limit, errors as FILE:LINE:COLUMN,
 * and typed field getters whose every rejection is a usage error
 * "WHAT: PATH: problem", PATH being the field path inside the document
 * (e.g. "clusters[1].opps[3].khz"), so a broken file says where it is
 * broken. Each format keeps its own rules (what is required, ranges) in its
 * module; only the mechanics live here. */
#ifndef ZDVFS_BASE_JSONREAD_H
#define ZDVFS_BASE_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "zdvfs/err.h"

/* Size limits of the documents zdvfs reads: a board or a profile is a few
 * kB, a model or a features cache a few MB; a file far above its limit is
 * not one of ours and is refused before it is parsed into memory. */
#define ZD_JR_SMALL_MAX ((size_t)4 << 20)
#define ZD_JR_LARGE_MAX ((size_t)1 << 30)

/* Load the JSON file `path` of at most max_bytes. flags: jansson's decode
 * flags (JSON_REJECT_DUPLICATES for strict formats). A syntax error is a
 * usage error "PATH:LINE:COLUMN: what", and so is a file that cannot be
 * opened or is too large. */
int zd_jr_load(const char *path, size_t max_bytes, size_t flags, json_t **out,
	       struct zd_err *err);
/* The same for a file already open (fd stays open); `path` names it. */
int zd_jr_load_fd(int fd, const char *path, size_t max_bytes, size_t flags,
		  json_t **out, struct zd_err *err);
/* The same for a text of len bytes; `what` names it in messages. */
int zd_jr_parse(const char *text, size_t len, const char *what, size_t flags,
		json_t **out, struct zd_err *err);

struct zd_jr {
	const char *what; /* the source: a file name or "agents" */
	struct zd_err *err;
};

int zd_jr_bad(const struct zd_jr *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "parent.key" (or "key" at the top); "parent[i]". */
void zd_jr_path(char *out, size_t len, const char *parent, const char *key);
void zd_jr_index(char *out, size_t len, const char *parent, size_t i);

/* Strict formats: every member of obj (at `where`) is one of `allowed`
 * (NULL-terminated), else "PATH: unknown field". */
int zd_jr_keys(const struct zd_jr *v, const json_t *obj, const char *where,
	       const char *const *allowed);

/* Each reads the member `key` of the object `obj` found at path `where`.
 * The `required` ones fail with "missing required field"; the others
 * leave *out NULL (or untouched for values) when it is absent. */
json_t *zd_jr_member(const struct zd_jr *v, const json_t *obj,
		     const char *where, const char *key, bool required,
		     int *rc);
int zd_jr_object(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, json_t **out);
int zd_jr_object_opt(const struct zd_jr *v, const json_t *obj,
		     const char *where, const char *key, json_t **out);
/* An array of exactly len entries. */
int zd_jr_array(const struct zd_jr *v, const json_t *obj, const char *where,
		const char *key, size_t len, json_t **out);
/* An array of at least min_len entries. */
int zd_jr_array_min(const struct zd_jr *v, const json_t *obj, const char *where,
		    const char *key, bool required, size_t min_len,
		    json_t **out);
int zd_jr_int(const struct zd_jr *v, const json_t *obj, const char *where,
	      const char *key, long long min, long long max, long long *out);
int zd_jr_number(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, double min, double max, double *out);
/* The member at a dotted path of object keys ("scaling.counters.x"), NULL
 * if a step is missing; and that member as a required number. */
json_t *zd_jr_at(const json_t *obj, const char *dotted);
int zd_jr_number_at(const struct zd_jr *v, const json_t *obj, const char *where,
		    const char *dotted, double min, double max, double *out);
int zd_jr_bool(const struct zd_jr *v, const json_t *obj, const char *where,
	       const char *key, bool *out);
/* A non-empty string, borrowed from the document / a copy to free. */
int zd_jr_text(const struct zd_jr *v, const json_t *obj, const char *where,
	       const char *key, bool required, const char **out);
int zd_jr_string(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, bool required, char **out);
/* An array of exactly n finite numbers that fit a float. */
int zd_jr_floats(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, float *out, size_t n);
/* A 64-bit value written as 16 hex digits (JSON integers are signed). */
int zd_jr_u64(const struct zd_jr *v, const json_t *obj, const char *where,
	      const char *key, uint64_t *out);
json_t *zd_jr_u64_new(uint64_t x);
/* A float array as JSON numbers (exact: a float is a double). */
json_t *zd_jr_floats_new(const float *x, size_t n);

#endif
