/* jsonread.c - the one strict JSON reader: see jsonread.h. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/jsonread.h"

/* jansson's position of a syntax error; line -1 when it has none (an
 * empty input, an I/O error). */
static int syntax_error(const char *what, const json_error_t *jerr,
			struct zd_err *err)
{
	if (jerr->line < 0)
		return zd_bad_input(err, "%s: %s", what, jerr->text);
	return zd_bad_input(err, "%s:%d:%d: %s", what, jerr->line, jerr->column,
			    jerr->text);
}

int zd_jr_load_fd(int fd, const char *path, size_t max_bytes, size_t flags,
		  json_t **out, struct zd_err *err)
{
	*out = NULL;
	struct stat st;
	if (fstat(fd, &st) != 0)
		return zd_fail(err, errno, "%s: cannot read: %s", path,
			       strerror(errno));
	if (S_ISDIR(st.st_mode))
		return zd_bad_input(err, "%s: is a directory, not a JSON file",
				    path);
	if ((uint64_t)st.st_size > max_bytes)
		return zd_bad_input(err,
				    "%s: %lld bytes, more than the %zu such a "
				    "file may have",
				    path, (long long)st.st_size, max_bytes);
	/* read whole, then parse: jansson's json_loadfd reads a byte per
	 * system call */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	for (;;) {
		if (len == cap) {
			char *grown =
			    len < max_bytes + 1 ? realloc(buf, cap * 2) : NULL;
			if (grown == NULL) {
				free(buf);
				return len < max_bytes + 1
				    ? zd_fail(err, ENOMEM, "out of memory")
				    : zd_bad_input(err,
						   "%s: more than the %zu "
						   "bytes such a file may have",
						   path, max_bytes);
			}
			buf = grown;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return zd_fail(err, e, "%s: cannot read: %s", path,
				       strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	json_error_t jerr;
	*out = json_loadb(buf, len, flags, &jerr);
	free(buf);
	return *out ? 0 : syntax_error(path, &jerr, err);
}

int zd_jr_load(const char *path, size_t max_bytes, size_t flags, json_t **out,
	       struct zd_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	/* a file the user named that is not there is bad input, as a
	 * syntax error in it is */
	if (fd < 0)
		return zd_err_set(err, errno, ZD_EXIT_USAGE,
				  "%s: cannot read: %s", path, strerror(errno));
	int rc = zd_jr_load_fd(fd, path, max_bytes, flags, out, err);
	close(fd);
	return rc;
}

int zd_jr_parse(const char *text, size_t len, const char *what, size_t flags,
		json_t **out, struct zd_err *err)
{
	json_error_t jerr;
	*out = json_loadb(text, len, flags, &jerr);
	return *out ? 0 : syntax_error(what, &jerr, err);
}

int zd_jr_bad(const struct zd_jr *v, const char *path, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return zd_bad_input(v->err, "%s: %s: %s", v->what, path, what);
}

void zd_jr_path(char *out, size_t len, const char *parent, const char *key)
{
	/* Paths are short; a cut one still names the place. */
	int n = parent[0] == '\0' ? snprintf(out, len, "%s", key)
				  : snprintf(out, len, "%s.%s", parent, key);
	if (n < 0 || (size_t)n >= len)
		out[len - 1] = '\0';
}

void zd_jr_index(char *out, size_t len, const char *parent, size_t i)
{
	int n = snprintf(out, len, "%s[%zu]", parent, i);
	if (n < 0 || (size_t)n >= len)
		out[len - 1] = '\0';
}

int zd_jr_keys(const struct zd_jr *v, const json_t *obj, const char *where,
	       const char *const *allowed)
{
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)obj, key, value)
	{
		bool known = false;
		for (const char *const *a = allowed; *a != NULL && !known; a++)
			known = strcmp(*a, key) == 0;
		if (!known) {
			char path[256];
			zd_jr_path(path, sizeof(path), where, key);
			return zd_jr_bad(v, path, "unknown field");
		}
	}
	return 0;
}

json_t *zd_jr_member(const struct zd_jr *v, const json_t *obj,
		     const char *where, const char *key, bool required, int *rc)
{
	json_t *m = json_object_get(obj, key);
	*rc = 0;
	if (m == NULL && required) {
		char path[256];
		zd_jr_path(path, sizeof(path), where, key);
		*rc = zd_jr_bad(v, path, "missing required field");
	}
	return m;
}

/* The required member and its path, or a "missing" error naming it. */
static json_t *member(const struct zd_jr *v, const json_t *obj,
		      const char *where, const char *key, char *path,
		      size_t len, int *rc)
{
	zd_jr_path(path, len, where, key);
	return zd_jr_member(v, obj, where, key, true, rc);
}

int zd_jr_object(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, json_t **out)
{
	char path[256];
	int rc;
	*out = member(v, obj, where, key, path, sizeof(path), &rc);
	if (*out && !json_is_object(*out))
		return zd_jr_bad(v, path, "must be an object");
	return rc;
}

int zd_jr_array(const struct zd_jr *v, const json_t *obj, const char *where,
		const char *key, size_t len, json_t **out)
{
	char path[256];
	int rc;
	*out = member(v, obj, where, key, path, sizeof(path), &rc);
	if (*out == NULL)
		return rc;
	if (!json_is_array(*out))
		return zd_jr_bad(v, path, "must be an array");
	if (json_array_size(*out) != len)
		return zd_jr_bad(v, path, "has %zu entries, expected %zu",
				 json_array_size(*out), len);
	return 0;
}

int zd_jr_int(const struct zd_jr *v, const json_t *obj, const char *where,
	      const char *key, long long min, long long max, long long *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	if (m == NULL)
		return rc;
	if (!json_is_integer(m))
		return zd_jr_bad(v, path, "must be an integer");
	long long x = json_integer_value(m);
	if (x < min || x > max)
		return zd_jr_bad(v, path, "%lld is outside %lld..%lld", x, min,
				 max);
	*out = x;
	return 0;
}

/* m (at path) as a number in min..max. */
static int number_in(const struct zd_jr *v, const json_t *m, const char *path,
		     double min, double max, double *out)
{
	if (!json_is_number(m))
		return zd_jr_bad(v, path, "must be a number");
	double x = json_number_value(m);
	if (!(x >= min && x <= max))
		return zd_jr_bad(v, path, "%g is outside %g..%g", x, min, max);
	*out = x;
	return 0;
}

int zd_jr_number(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, double min, double max, double *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	return m ? number_in(v, m, path, min, max, out) : rc;
}

json_t *zd_jr_at(const json_t *obj, const char *dotted)
{
	char buf[256];
	if ((size_t)snprintf(buf, sizeof(buf), "%s", dotted) >= sizeof(buf))
		return NULL;
	json_t *m = (json_t *)obj;
	char *save = NULL;
	for (char *key = strtok_r(buf, ".", &save); key && m;
	     key = strtok_r(NULL, ".", &save))
		m = json_object_get(m, key);
	return m;
}

int zd_jr_number_at(const struct zd_jr *v, const json_t *obj, const char *where,
		    const char *dotted, double min, double max, double *out)
{
	char path[256];
	zd_jr_path(path, sizeof(path), where, dotted);
	json_t *m = zd_jr_at(obj, dotted);
	if (m == NULL)
		return zd_jr_bad(v, path, "missing required field");
	return number_in(v, m, path, min, max, out);
}

int zd_jr_object_opt(const struct zd_jr *v, const json_t *obj,
		     const char *where, const char *key, json_t **out)
{
	*out = json_object_get(obj, key);
	if (*out == NULL || json_is_object(*out))
		return 0;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	return zd_jr_bad(v, path, "must be an object");
}

int zd_jr_array_min(const struct zd_jr *v, const json_t *obj, const char *where,
		    const char *key, bool required, size_t min_len,
		    json_t **out)
{
	int rc;
	*out = zd_jr_member(v, obj, where, key, required, &rc);
	if (*out == NULL)
		return rc;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	if (!json_is_array(*out))
		return zd_jr_bad(v, path, "must be an array");
	if (json_array_size(*out) < min_len)
		return zd_jr_bad(v, path, "needs at least %zu entries",
				 min_len);
	return 0;
}

int zd_jr_bool(const struct zd_jr *v, const json_t *obj, const char *where,
	       const char *key, bool *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	if (m == NULL)
		return rc;
	if (!json_is_boolean(m))
		return zd_jr_bad(v, path, "must be true or false");
	*out = json_is_true(m);
	return 0;
}

int zd_jr_text(const struct zd_jr *v, const json_t *obj, const char *where,
	       const char *key, bool required, const char **out)
{
	int rc;
	json_t *m = zd_jr_member(v, obj, where, key, required, &rc);
	if (m == NULL)
		return rc;
	if (!json_is_string(m) || json_string_length(m) == 0) {
		char path[256];
		zd_jr_path(path, sizeof(path), where, key);
		return zd_jr_bad(v, path, "must be a non-empty string");
	}
	*out = json_string_value(m);
	return 0;
}

int zd_jr_string(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, bool required, char **out)
{
	const char *s = NULL;
	int rc = zd_jr_text(v, obj, where, key, required, &s);
	if (rc != 0 || s == NULL)
		return rc;
	*out = strdup(s);
	return *out ? 0 : zd_fail(v->err, ENOMEM, "out of memory");
}

int zd_jr_floats(const struct zd_jr *v, const json_t *obj, const char *where,
		 const char *key, float *out, size_t n)
{
	json_t *arr;
	int rc = zd_jr_array(v, obj, where, key, n, &arr);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		double d = json_is_number(x) ? json_number_value(x) : NAN;
		if (!isfinite(d) || fabs(d) > FLT_MAX) {
			char path[256], item[300];
			zd_jr_path(path, sizeof(path), where, key);
			snprintf(item, sizeof(item), "%s[%zu]", path, i);
			return zd_jr_bad(v, item, "must be a finite number");
		}
		out[i] = (float)d;
	}
	return 0;
}

int zd_jr_u64(const struct zd_jr *v, const json_t *obj, const char *where,
	      const char *key, uint64_t *out)
{
	char path[256];
	int rc;
	json_t *m = member(v, obj, where, key, path, sizeof(path), &rc);
	if (m == NULL)
		return rc;
	const char *s = json_string_value(m);
	if (s == NULL || strlen(s) != 16)
		return zd_jr_bad(v, path, "must be 16 hex digits");
	uint64_t x = 0;
	for (int i = 0; i < 16; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return zd_jr_bad(v, path, "must be 16 hex digits");
		x = x << 4 |
		    (uint64_t)(isdigit((unsigned char)s[i])
				   ? s[i] - '0'
				   : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = x;
	return 0;
}

json_t *zd_jr_u64_new(uint64_t x)
{
	char buf[17];
	snprintf(buf, sizeof(buf), "%016" PRIx64, x);
	return json_string(buf);
}

json_t *zd_jr_floats_new(const float *x, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_real(x[i])) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}
