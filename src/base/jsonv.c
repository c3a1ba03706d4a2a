/* jsonv.c - validated reads from the agents' JSON, with field paths. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zdvfs/jsonv.h"

int zd_jv_bad(const struct zd_jv *v, const char *path, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return zd_bad_input(v->err, "%s: %s: %s", v->what, path, what);
}

void zd_jv_path(char *out, size_t len, const char *parent, const char *key)
{
	/* Paths are short; a cut one still names the place. */
	int n = parent[0] == '\0' ? snprintf(out, len, "%s", key)
				  : snprintf(out, len, "%s.%s", parent, key);
	if (n < 0 || (size_t)n >= len)
		out[len - 1] = '\0';
}

/* The member, or a "missing" error naming it. */
static json_t *member(const struct zd_jv *v, const json_t *obj,
		      const char *where, const char *key, char *path,
		      size_t len, int *rc)
{
	zd_jv_path(path, len, where, key);
	json_t *m = json_object_get(obj, key);
	*rc = m ? 0 : zd_jv_bad(v, path, "missing required field");
	return m;
}

int zd_jv_object(const struct zd_jv *v, const json_t *obj, const char *where,
		 const char *key, json_t **out)
{
	char path[256];
	int rc;
	*out = member(v, obj, where, key, path, sizeof(path), &rc);
	if (*out && !json_is_object(*out))
		return zd_jv_bad(v, path, "must be an object");
	return rc;
}

int zd_jv_array(const struct zd_jv *v, const json_t *obj, const char *where,
		const char *key, size_t len, json_t **out)
{
	char path[256];
	int rc;
	*out = member(v, obj, where, key, path, sizeof(path), &rc);
	if (*out == NULL)
		return rc;
	if (!json_is_array(*out))
		return zd_jv_bad(v, path, "must be an array");
	if (json_array_size(*out) != len)
		return zd_jv_bad(v, path, "has %zu entries, expected %zu",
				 json_array_size(*out), len);
	return 0;
}

int zd_jv_int(const struct zd_jv *v, const json_t *obj, const char *where,
	      const char *key, long long min, long long max, long long *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	if (m == NULL)
		return rc;
	if (!json_is_integer(m))
		return zd_jv_bad(v, path, "must be an integer");
	long long x = json_integer_value(m);
	if (x < min || x > max)
		return zd_jv_bad(v, path, "%lld is outside %lld..%lld", x, min,
				 max);
	*out = x;
	return 0;
}

int zd_jv_number(const struct zd_jv *v, const json_t *obj, const char *where,
		 const char *key, double min, double max, double *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	if (m == NULL)
		return rc;
	if (!json_is_number(m))
		return zd_jv_bad(v, path, "must be a number");
	double x = json_number_value(m);
	if (!(x >= min && x <= max))
		return zd_jv_bad(v, path, "%g is outside %g..%g", x, min, max);
	*out = x;
	return 0;
}

int zd_jv_floats(const struct zd_jv *v, const json_t *obj, const char *where,
		 const char *key, float *out, size_t n)
{
	json_t *arr;
	int rc = zd_jv_array(v, obj, where, key, n, &arr);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		double d = json_is_number(x) ? json_number_value(x) : NAN;
		if (!isfinite(d) || fabs(d) > FLT_MAX) {
			char path[256], item[300];
			zd_jv_path(path, sizeof(path), where, key);
			snprintf(item, sizeof(item), "%s[%zu]", path, i);
			return zd_jv_bad(v, item, "must be a finite number");
		}
		out[i] = (float)d;
	}
	return 0;
}

int zd_jv_u64(const struct zd_jv *v, const json_t *obj, const char *where,
	      const char *key, uint64_t *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	if (m == NULL)
		return rc;
	const char *s = json_string_value(m);
	if (s == NULL || strlen(s) != 16)
		return zd_jv_bad(v, path, "must be 16 hex digits");
	uint64_t x = 0;
	for (int i = 0; i < 16; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return zd_jv_bad(v, path, "must be 16 hex digits");
		x = x << 4 |
		    (uint64_t)(isdigit((unsigned char)s[i])
				   ? s[i] - '0'
				   : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = x;
	return 0;
}

json_t *zd_jv_u64_new(uint64_t x)
{
	char buf[17];
	snprintf(buf, sizeof(buf), "%016" PRIx64, x);
	return json_string(buf);
}

json_t *zd_jv_floats_new(const float *x, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_real(x[i])) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}
