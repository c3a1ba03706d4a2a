/* jsonmedian.c - JSON records of several runs merged into medians
 * (base/jsonmedian.h). */
#include "base/jsonmedian.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static json_t *median_number(json_t *const *runs, int n)
{
	double v[ZD_JSON_MEDIAN_MAX];
	bool all_int = true;
	for (int i = 0; i < n; i++) {
		v[i] = json_number_value(runs[i]);
		all_int &= json_is_integer(runs[i]);
	}
	qsort(v, (size_t)n, sizeof v[0], cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	if (all_int && n % 2)
		return json_integer((json_int_t)med);
	/* jansson refuses a real that is not finite */
	return isfinite(med) ? json_real(med) : json_null();
}

json_t *zd_json_median(json_t *const *runs, int n)
{
	if (n < 1 || n > ZD_JSON_MEDIAN_MAX)
		return NULL;
	json_t *first = runs[0];
	json_t *parts[ZD_JSON_MEDIAN_MAX];
	if (json_is_object(first)) {
		json_t *o = json_object();
		const char *key;
		json_t *val;
		json_object_foreach(first, key, val)
		{
			int m = 0;
			for (int i = 0; i < n; i++) {
				json_t *p = json_object_get(runs[i], key);
				if (p != NULL)
					parts[m++] = p;
			}
			json_object_set_new(o, key, zd_json_median(parts, m));
		}
		return o;
	}
	if (json_is_array(first)) {
		json_t *a = json_array();
		for (size_t j = 0; j < json_array_size(first); j++) {
			int m = 0;
			for (int i = 0; i < n; i++) {
				json_t *p = json_array_get(runs[i], j);
				if (p != NULL)
					parts[m++] = p;
			}
			json_array_append_new(a, zd_json_median(parts, m));
		}
		return a;
	}
	if (json_is_number(first))
		return median_number(runs, n);
	return json_deep_copy(first);
}
