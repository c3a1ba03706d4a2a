/* values.c - the 13 features and their value sets, exactly as docs/design.md
 * lists them, with lookup by name in both directions. */
#include <ctype.h>
#include <string.h>

#include "zdvfs/features.h"

struct feature_def {
	const char *name;
	int nvalues;
	const char *values[6];
};

static const struct feature_def defs[ZD_FEAT_COUNT] = {
    {"memory_access_pattern",
     4,
     {"unit_stride", "non_unit_stride", "random", "mixed"}},
    {"spatial_locality", 3, {"high", "medium", "low"}},
    {"temporal_locality", 3, {"high", "medium", "low"}},
    {"cache_behavior_pattern", 4, {"streaming", "random", "blocked", "mixed"}},
    {"numa_sensitivity", 3, {"high", "medium", "low"}},
    {"algorithmic_complexity",
     5,
     {"O(n)", "O(nlogn)", "O(n^2)", "O(n^3)", "other"}},
    {"dominant_operation", 4, {"arithmetic", "memory", "logic", "mixed"}},
    {"vectorization_potential", 3, {"high", "medium", "low"}},
    {"data_dependency_type",
     4,
     {"none", "loop_carried", "cross_iteration", "complex"}},
    {"false_sharing_risk", 4, {"high", "medium", "low", "none"}},
    {"load_balance_characteristic", 3, {"uniform", "irregular", "dynamic"}},
    {"parallelization_overhead", 3, {"low", "medium", "high"}},
    {"scalability_bottleneck",
     5,
     {"none", "memory_bandwidth", "synchronization", "load_imbalance",
      "other"}},
};

const char *zd_feature_name(int feature)
{
	if (feature < 0 || feature >= ZD_FEAT_COUNT)
		return NULL;
	return defs[feature].name;
}

int zd_feature_by_name(const char *name)
{
	for (int f = 0; name != NULL && f < ZD_FEAT_COUNT; f++)
		if (strcmp(defs[f].name, name) == 0)
			return f;
	return -1;
}

int zd_feature_nvalues(int feature)
{
	if (feature < 0 || feature >= ZD_FEAT_COUNT)
		return 0;
	return defs[feature].nvalues;
}

const char *zd_feature_value_name(int feature, int value)
{
	if (value < 0 || value >= zd_feature_nvalues(feature))
		return NULL;
	return defs[feature].values[value];
}

/* The comparable form: lower case, no blanks, '-' as '_'. Returns false
 * when TEXT does not fit in OUT (no value is that long). */
static bool normalise(const char *text, char *out, size_t len)
{
	size_t n = 0;
	for (const char *c = text; *c != '\0'; c++) {
		if (isspace((unsigned char)*c))
			continue;
		if (n + 1 >= len)
			return false;
		out[n++] = *c == '-' ? '_' : (char)tolower((unsigned char)*c);
	}
	out[n] = '\0';
	return true;
}

int zd_feature_value_parse(int feature, const char *text)
{
	char want[64], have[64];
	if (text == NULL || !normalise(text, have, sizeof(have)))
		return -1;
	for (int v = 0; v < zd_feature_nvalues(feature); v++) {
		normalise(defs[feature].values[v], want, sizeof(want));
		if (strcmp(want, have) == 0)
			return v;
	}
	return -1;
}
