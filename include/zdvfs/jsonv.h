/* jsonv.h - validated reads from a JSON document: every rejection is a
 * usage error "WHAT: PATH: problem", PATH being the field path inside the
 * object (e.g. "profiler.net.layers[1].w[35]"), so a broken file says where
 * it is broken. */
#ifndef ZDVFS_AGENT_JSONV_H
#define ZDVFS_AGENT_JSONV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "zdvfs/err.h"

struct zd_jv {
	const char *what; /* the source: a file name or "agents" */
	struct zd_err *err;
};

int zd_jv_bad(const struct zd_jv *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "parent.key" (or "key" at the top). */
void zd_jv_path(char *out, size_t len, const char *parent, const char *key);

/* Each reads the member `key` of the object `obj` found at path `where`. */
int zd_jv_object(const struct zd_jv *v, const json_t *obj, const char *where,
		 const char *key, json_t **out);
int zd_jv_array(const struct zd_jv *v, const json_t *obj, const char *where,
		const char *key, size_t len, json_t **out);
int zd_jv_int(const struct zd_jv *v, const json_t *obj, const char *where,
	      const char *key, long long min, long long max, long long *out);
int zd_jv_number(const struct zd_jv *v, const json_t *obj, const char *where,
		 const char *key, double min, double max, double *out);
/* An array of exactly n finite numbers that fit a float. */
int zd_jv_floats(const struct zd_jv *v, const json_t *obj, const char *where,
		 const char *key, float *out, size_t n);
/* A 64-bit value written as 16 hex digits (JSON integers are signed). */
int zd_jv_u64(const struct zd_jv *v, const json_t *obj, const char *where,
	      const char *key, uint64_t *out);
json_t *zd_jv_u64_new(uint64_t x);
/* A float array as JSON numbers (exact: a float is a double). */
json_t *zd_jv_floats_new(const float *x, size_t n);

#endif
